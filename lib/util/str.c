// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stdio.h>

#include "util/str.h"

void nt_str_append(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	size_t room = *len < size ? size - *len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? buf + *len : NULL, room, fmt, ap);
	va_end(ap);
	*len += n > 0 ? n : 0;
}
