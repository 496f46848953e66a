/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_UTIL_ARRAY_H
#define NT_UTIL_ARRAY_H

/* The number of elements of an array (of an array, not of a pointer). */
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#endif
