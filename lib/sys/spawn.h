/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_SYS_SPAWN_H
#define NT_SYS_SPAWN_H

#include <stddef.h>

#include "util/err.h"

/*
 * Programs nettune runs (systemctl): by absolute path, found once in a
 * fixed list of system directories, never through the caller's PATH, and
 * with a minimal environment (NT_SPAWN_ENV), never the caller's.
 */

/* The directories searched, in order. */
#define NT_SPAWN_DIRS		{ "/usr/sbin", "/usr/bin", "/sbin", "/bin" }
/* The child's whole environment. */
#define NT_SPAWN_PATH		"PATH=/usr/sbin:/usr/bin:/sbin:/bin"

/**
 * nt_spawn_find() - the absolute path of program @name
 * @name: a bare name ("systemctl"), no slash
 * @path: out, the first regular, executable NAME in NT_SPAWN_DIRS
 * @size: of @path
 *
 * Return: 0, -ENOENT when no directory has it, -EINVAL for a name with a
 * slash, -ENAMETOOLONG.
 */
int nt_spawn_find(const char *name, char *path, size_t size);

/**
 * nt_spawn_run() - run a program found by nt_spawn_find() and wait for it
 * @argv: NULL-ended; argv[0] is the bare name looked up
 * @status: out, the wait status on success
 * @err: "NAME: cannot run: REASON" (not for -ENOENT: the caller decides
 *       whether a missing program is an error)
 *
 * The child gets NT_SPAWN_PATH and LC_ALL=C as its whole environment and
 * standard input from /dev/null; the path found for a name is kept for
 * the life of the process.
 * Return: 0, -ENOENT when the program is not installed, or negative errno.
 */
int nt_spawn_run(char *const argv[], int *status, struct nt_err *err);

#endif
