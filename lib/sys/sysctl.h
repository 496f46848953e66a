/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_SYS_SYSCTL_H
#define NT_SYS_SYSCTL_H

#include <stdbool.h>

#include "model/host.h"
#include "sys/root.h"
#include "util/err.h"

/* The net sysctls nettune reads and may write, dotted names, NULL-ended. */
extern const char *const nt_sysctl_known[];

/** nt_sysctl_is_known() - is @name one of nt_sysctl_known? */
bool nt_sysctl_is_known(const char *name);

/**
 * nt_sysctl_read() - value of one sysctl as the kernel prints it
 *
 * Trailing newline removed, inner tabs kept.  Return: 0, -ENOENT when the
 * kernel (or this namespace) has no such key, other -errno.
 */
int nt_sysctl_read(const struct nt_root *root, const char *name, char *buf,
		   size_t size, struct nt_err *err);

/**
 * nt_sysctl_read_all() - every known key; an absent key has value NULL
 *
 * read_only is set for a key no one may write here (its mode has no write
 * bit: host-wide keys seen from a network namespace).
 * Return: 0 or negative errno (not for absent keys).
 */
int nt_sysctl_read_all(const struct nt_root *root, struct nt_sysctl **out,
		       size_t *n, struct nt_err *err);

/**
 * nt_sysctl_write() - write a known key under /proc/sys
 * Return: 0, -EPERM for an unknown key (message says so), other -errno.
 */
int nt_sysctl_write(const struct nt_root *root, const char *name,
		    const char *value, struct nt_err *err);

#endif
