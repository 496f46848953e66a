/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_UTIL_ERR_H
#define NT_UTIL_ERR_H

#include <stddef.h>

/*
 * Errors travel up as a negative errno plus this message buffer and are
 * printed once, by the verb.  The message names the object ("eth9: no such
 * interface") and, where there is one, what to do.
 */
struct nt_err {
	int code;		/* positive errno of the first error, 0 if none */
	char msg[512];
};

/**
 * nt_err_set() - record an error unless one is recorded already
 * @err: error buffer, may be NULL
 * @code: positive errno
 * @fmt: printf format of the message
 *
 * The first error wins: callers higher up may add no context that hides the
 * kernel's own text.
 *
 * Return: -@code, so callers can write "return nt_err_set(...)".
 */
int nt_err_set(struct nt_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** nt_err_clear() - forget a recorded error */
void nt_err_clear(struct nt_err *err);

#endif
