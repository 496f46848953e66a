// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/pkt_sched.h>

#include "util/tc.h"

void nt_tc_handle_format(uint32_t h, char *buf, size_t size)
{
	if (h == TC_H_ROOT)
		snprintf(buf, size, "root");
	else if (h == TC_H_UNSPEC)
		snprintf(buf, size, "none");
	else if (!TC_H_MAJ(h))
		snprintf(buf, size, ":%x", TC_H_MIN(h));
	else if (!TC_H_MIN(h))
		snprintf(buf, size, "%x:", TC_H_MAJ(h) >> 16);
	else
		snprintf(buf, size, "%x:%x", TC_H_MAJ(h) >> 16, TC_H_MIN(h));
}

/* Up to 4 hex digits at *p; none is 0. */
static uint32_t tc_hex16(const char **p, int *ndigits)
{
	uint32_t v = 0;
	char c;

	for (*ndigits = 0; (c = **p) && c != ':'; (*p)++, (*ndigits)++) {
		if (c >= '0' && c <= '9')
			v = v << 4 | (c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v = v << 4 | ((c | 0x20) - 'a' + 10);
		else
			return UINT32_MAX;
	}
	return *ndigits > 4 ? UINT32_MAX : v;
}

int nt_tc_handle_parse(const char *s, uint32_t *h)
{
	uint32_t maj, min;
	int nmaj, nmin;

	if (!strcmp(s, "root")) {
		*h = TC_H_ROOT;
		return 0;
	}
	if (!strcmp(s, "none")) {
		*h = TC_H_UNSPEC;
		return 0;
	}
	maj = tc_hex16(&s, &nmaj);
	if (maj == UINT32_MAX || *s++ != ':')
		return -EINVAL;
	min = tc_hex16(&s, &nmin);
	if (min == UINT32_MAX || *s || !(nmaj + nmin))
		return -EINVAL;
	*h = maj << 16 | min;
	return 0;
}
