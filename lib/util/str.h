/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_UTIL_STR_H
#define NT_UTIL_STR_H

#include <stddef.h>

/**
 * nt_str_append() - append formatted text to @buf with snprintf semantics
 * @buf: buffer of @size bytes, always NUL-terminated when @size > 0
 * @len: in/out, length so far; keeps counting past @size, so a caller
 *       learns how much room the whole text needed (*@len >= @size means
 *       it was cut)
 */
void nt_str_append(char *buf, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
