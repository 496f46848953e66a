/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_FUZZ_FUZZLIB_H
#define NT_FUZZ_FUZZLIB_H

/*
 * Helpers every libFuzzer harness (tests/fuzz/fuzz_*.c) links: the input
 * as text, as a file, or as a buffer of netlink messages.
 */

#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

/**
 * fuzz_text() - the input as a malloc'ed NUL-terminated string
 *
 * The parsers take text that ends at its NUL, so an input with a NUL in
 * it is the text before the NUL.  Aborts when out of memory.
 */
char *fuzz_text(const uint8_t *data, size_t size);

/**
 * fuzz_file() - the input as the file @name in a private directory
 * @name: a base name ("fuzz.conf"); the same name is rewritten each call
 *
 * The directory is made once, on tmpfs (/dev/shm) when there is one, and
 * removed at exit.  Return: the path (a static buffer).  Aborts on error.
 */
const char *fuzz_file(const uint8_t *data, size_t size, const char *name);

/**
 * fuzz_netlink() - run the input as received netlink messages
 * @cb: called for each data message, as a dump's receive loop does
 * @arg: passed to @cb
 *
 * The input is copied to a buffer of exactly its size (so AddressSanitizer
 * sees any read past it), aligned as a socket buffer is, and fed to
 * mnl_cb_run2() with lib/sys/mnl.c's NLMSG_ERROR and NLMSG_DONE handlers
 * (the extended ack parser), framed as the kernel frames a receive
 * buffer (fuzzlib.c: kernel_framing).  Return: what mnl_cb_run2() returned.
 */
int fuzz_netlink(const uint8_t *data, size_t size, mnl_cb_t cb, void *arg);

#endif
