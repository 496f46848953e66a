// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/drops.h"

static int key_cmp(const void *a, const void *b)
{
	return memcmp(&((const struct nt_drop_sample *)a)->key,
		      &((const struct nt_drop_sample *)b)->key,
		      sizeof(struct nt_drop_key));
}

/* @s sorted by key with equal keys summed, in a new array. */
static struct nt_drop_sample *sorted_copy(const struct nt_drop_samples *s,
					  size_t *n)
{
	struct nt_drop_sample *v = malloc((s->n ? s->n : 1) * sizeof(*v));
	size_t out = 0;

	if (!v)
		return NULL;
	if (s->n)
		memcpy(v, s->v, s->n * sizeof(*v));
	qsort(v, s->n, sizeof(*v), key_cmp);
	for (size_t i = 0; i < s->n; i++) {
		if (out && !key_cmp(&v[out - 1], &v[i]))
			v[out - 1].count += v[i].count;
		else
			v[out++] = v[i];
	}
	*n = out;
	return v;
}

static uint64_t prev_count(const struct nt_drop_sample *prev, size_t n,
			   const struct nt_drop_sample *s)
{
	const struct nt_drop_sample *p;

	if (!prev)
		return 0;
	p = bsearch(s, prev, n, sizeof(*prev), key_cmp);
	return p ? p->count : 0;
}

static int grow(struct nt_drop_table *t, size_t n)
{
	struct nt_drop_row *v;

	if (n <= t->cap)
		return 0;
	v = realloc(t->v, n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	t->v = v;
	t->cap = n;
	return 0;
}

static void add_row(struct nt_drop_table *t, const struct nt_drop_key *k,
		    uint64_t count)
{
	struct nt_drop_row *r = &t->v[t->n++];

	memset(r, 0, sizeof(*r));
	r->reason = k->reason;
	r->location = k->location;
	r->ifindex = k->ifindex;
	r->netns = k->netns;
	r->proto = ntohs(k->proto);
	r->count = count;
}

static uint64_t since(uint64_t cur, uint64_t prev)
{
	return cur >= prev ? cur - prev : cur;
}

int nt_drop_table_build(struct nt_drop_table *t,
			const struct nt_drop_samples *cur,
			const struct nt_drop_samples *prev, uint32_t ifindex,
			struct nt_err *err)
{
	struct nt_drop_sample *c, *p = NULL;
	size_t nc, np = 0;
	uint64_t n;

	t->n = 0;
	c = sorted_copy(cur, &nc);
	if (prev)
		p = sorted_copy(prev, &np);
	if (!c || (prev && !p) || grow(t, nc)) {
		free(c);
		free(p);
		return nt_err_set(err, ENOMEM, "drops: out of memory");
	}
	for (size_t i = 0; i < nc; i++) {
		if (ifindex && (c[i].key.ifindex != ifindex ||
				(t->netns && c[i].key.netns != t->netns)))
			continue;
		n = since(c[i].count, prev_count(p, np, &c[i]));
		if (n)
			add_row(t, &c[i].key, n);
	}
	t->overflow = since(cur->overflow, prev ? prev->overflow : 0);
	t->missed = since(cur->missed, prev ? prev->missed : 0);
	free(c);
	free(p);
	return 0;
}

static int str_or_addr_cmp(const struct nt_drop_row *a,
			   const struct nt_drop_row *b)
{
	int d = strcmp(a->location_name, b->location_name);

	if (d)
		return d;
	if (a->location_offset != b->location_offset)
		return a->location_offset < b->location_offset ? -1 : 1;
	return a->location < b->location ? -1 : a->location > b->location;
}

static int row_cmp(const void *pa, const void *pb)
{
	const struct nt_drop_row *a = pa, *b = pb;
	int d;

	if (a->not_specified != b->not_specified)
		return a->not_specified ? 1 : -1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	d = strcmp(a->reason_name, b->reason_name);
	if (!d)
		d = str_or_addr_cmp(a, b);
	if (!d)
		d = strcmp(a->device, b->device);
	if (!d && a->netns != b->netns)
		d = a->netns < b->netns ? -1 : 1;
	if (!d && a->proto != b->proto)
		d = a->proto < b->proto ? -1 : 1;
	return d;
}

void nt_drop_table_sort(struct nt_drop_table *t)
{
	if (t->n)
		qsort(t->v, t->n, sizeof(*t->v), row_cmp);
}

uint64_t nt_drop_table_total(const struct nt_drop_table *t)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < t->n; i++)
		sum += t->v[i].count;
	return sum;
}

const char *nt_drop_proto_name(uint16_t proto, char *buf, size_t len)
{
	switch (proto) {
	case 0:		return "";
	case 0x0800:	return "ipv4";
	case 0x86dd:	return "ipv6";
	case 0x0806:	return "arp";
	}
	snprintf(buf, len, "0x%04x", proto);
	return buf;
}

void nt_drop_table_free(struct nt_drop_table *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}
