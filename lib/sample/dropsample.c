// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The drop reasons of a `nettune top` tick: see dropsample.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>

#include "sample/dropsample.h"
#include "sys/dropmon.h"
#include "sys/dropnames.h"

#define KALLSYMS	"/proc/kallsyms"
#define NAME_CACHE	64	/* locations named, kept */

/* A key seen since the open, with its running total. */
struct entry {
	struct nt_drop_key key;
	uint64_t total;		/* this read's, summed over slots and map */
	uint64_t last;		/* the read before's */
	uint32_t gen;		/* the read that set @total */
	bool used;
};

struct loc_name {
	uint64_t addr;
	char name[NT_TOP_LOCATION_LEN];
};

struct nt_drop_sampler {
	struct nt_dropmon *mon;
	struct nt_drop_reasons reasons;
	struct nt_drop_samples snap;	/* room for every key there can be */
	struct entry *tab;		/* open addressing */
	size_t tab_size, n_used;	/* a power of 2; keys in it */
	uint32_t gen;
	uint64_t overflow;		/* the map's, at the read before */
	struct loc_name names[NAME_CACHE];
	size_t n_names, next_name;	/* the oldest is replaced */
};

static size_t key_hash(const struct nt_drop_key *k)
{
	const unsigned char *p = (const unsigned char *)k;
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */

	for (size_t i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return (size_t)h;
}

/* The entry of @k, added when new; NULL when the table is full. */
static struct entry *entry_of(struct nt_drop_sampler *s,
			      const struct nt_drop_key *k)
{
	size_t mask = s->tab_size - 1, i = key_hash(k) & mask;

	for (;; i = (i + 1) & mask) {
		struct entry *e = &s->tab[i];

		if (e->used && !memcmp(&e->key, k, sizeof(*k)))
			return e;
		if (e->used)
			continue;
		/* at most half full: a probe always ends */
		if (s->n_used >= s->tab_size / 2)
			return NULL;
		memset(e, 0, sizeof(*e));
		e->key = *k;
		e->used = true;
		s->n_used++;
		return e;
	}
}

static int prealloc(struct nt_drop_sampler *s, struct nt_err *err)
{
	size_t keys = (size_t)get_nprocs_conf() * NT_DROP_SLOTS +
		      NT_DROP_MAX_KEYS;

	s->snap.v = calloc(keys, sizeof(*s->snap.v));
	s->snap.cap = keys;
	for (s->tab_size = 64; s->tab_size < 2 * keys; s->tab_size *= 2)
		;
	s->tab = calloc(s->tab_size, sizeof(*s->tab));
	if (!s->snap.v || !s->tab)
		return nt_err_set(err, ENOMEM, "drops: out of memory");
	return 0;
}

int nt_drop_sampler_open(struct nt_drop_sampler **out, struct nt_err *err)
{
	struct nt_dropmon_opts mo = { .netns_only = nt_netns_self() };
	struct nt_drop_sampler *s;
	int ret;

	if (!mo.netns_only)
		return nt_err_set(err, EIO, "cannot read /proc/self/ns/net");
	s = calloc(1, sizeof(*s));
	if (!s)
		return nt_err_set(err, ENOMEM, "drops: out of memory");
	ret = prealloc(s, err);
	if (!ret)
		ret = nt_drop_reasons_load(&s->reasons, err);
	if (!ret) {
		mo.consumed = s->reasons.consumed;
		ret = nt_dropmon_open(&s->mon, &mo, err);
	}
	if (ret) {
		nt_drop_sampler_close(s);
		return ret;
	}
	*out = s;
	return 0;
}

void nt_drop_sampler_close(struct nt_drop_sampler *s)
{
	if (!s)
		return;
	nt_dropmon_close(s->mon);
	nt_drop_reasons_free(&s->reasons);
	nt_drop_samples_free(&s->snap);
	free(s->tab);
	free(s);
}

static uint64_t since(uint64_t cur, uint64_t prev)
{
	return cur >= prev ? cur - prev : cur;
}

/* The change of an entry since the read before; moves it on. */
static uint64_t entry_delta(struct nt_drop_sampler *s, struct entry *e)
{
	uint64_t d;

	if (e->gen != s->gen)
		return 0;	/* not in this read: no drops */
	d = since(e->total, e->last);
	e->last = e->total;
	return d;
}

static bool is_not_specified(const struct nt_drop_sampler *s,
			     const struct entry *e)
{
	return e->key.reason == s->reasons.not_specified;
}

/* Does (@a, @da) come before (@b, @db) in the pane? */
static bool before(const struct nt_drop_sampler *s, const struct entry *a,
		   uint64_t da, const struct entry *b, uint64_t db)
{
	if (is_not_specified(s, a) != is_not_specified(s, b))
		return !is_not_specified(s, a);
	if (da != db)
		return da > db;
	return memcmp(&a->key, &b->key, sizeof(a->key)) < 0;
}

struct pick {
	struct entry *e[NT_TOP_REASONS];
	uint64_t d[NT_TOP_REASONS];
	size_t n;
	uint64_t rest;
};

/* Keep the NT_TOP_REASONS first; the drops of the others go to @rest. */
static void pick_add(const struct nt_drop_sampler *s, struct pick *p,
		     struct entry *e, uint64_t d)
{
	size_t i = p->n;

	if (p->n == NT_TOP_REASONS) {
		if (!before(s, e, d, p->e[p->n - 1], p->d[p->n - 1])) {
			p->rest += d;
			return;
		}
		p->rest += p->d[--p->n];
		i = p->n;
	}
	for (; i > 0 && before(s, e, d, p->e[i - 1], p->d[i - 1]); i--) {
		p->e[i] = p->e[i - 1];
		p->d[i] = p->d[i - 1];
	}
	p->e[i] = e;
	p->d[i] = d;
	p->n++;
}

static const char *cached_name(const struct nt_drop_sampler *s,
			       uint64_t addr)
{
	for (size_t i = 0; i < s->n_names; i++)
		if (s->names[i].addr == addr)
			return s->names[i].name;
	return NULL;
}

static void cache_name(struct nt_drop_sampler *s, uint64_t addr,
		       const char *name)
{
	struct loc_name *n;

	if (s->n_names < NAME_CACHE) {
		n = &s->names[s->n_names++];
	} else {
		n = &s->names[s->next_name];
		s->next_name = (s->next_name + 1) % NAME_CACHE;
	}
	n->addr = addr;
	snprintf(n->name, sizeof(n->name), "%.*s", (int)sizeof(n->name) - 1,
		 name);
}

/* Name the picked locations not named yet: one pass over kallsyms. */
static void name_locations(struct nt_drop_sampler *s, const struct pick *p)
{
	uint64_t addrs[NT_TOP_REASONS];
	struct nt_ksym syms[NT_TOP_REASONS];
	struct nt_err err = { 0 };
	bool restricted = false;
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		if (!cached_name(s, p->e[i]->key.location))
			addrs[n++] = p->e[i]->key.location;
	if (!n)
		return;
	memset(syms, 0, sizeof(syms));
	/* unreadable or hidden: cached as "" so it is not read again */
	if (nt_ksyms_resolve(KALLSYMS, addrs, n, syms, &restricted, &err))
		memset(syms, 0, sizeof(syms));
	for (size_t i = 0; i < n; i++)
		if (!cached_name(s, addrs[i]))
			cache_name(s, addrs[i], syms[i].name);
}

static void device_name(const struct nt_host *host, uint32_t ifindex,
			char *buf, size_t len)
{
	buf[0] = '\0';
	if (!ifindex)
		return;
	for (size_t i = 0; i < host->n_ifaces; i++)
		if (host->ifaces[i].ifindex == (int)ifindex) {
			snprintf(buf, len, "%s", host->ifaces[i].name);
			return;
		}
	snprintf(buf, len, "%u", ifindex);	/* appeared since the start */
}

static void fill_row(struct nt_drop_sampler *s, const struct nt_host *host,
		     const struct entry *e, uint64_t d, struct nt_top_reason *r)
{
	const char *name = nt_drop_reason_name(&s->reasons, e->key.reason);
	const char *loc = cached_name(s, e->key.location);

	if (name)
		snprintf(r->reason, sizeof(r->reason), "%s", name);
	else
		snprintf(r->reason, sizeof(r->reason), "0x%x", e->key.reason);
	if (loc && *loc)
		snprintf(r->location, sizeof(r->location), "%s", loc);
	else
		snprintf(r->location, sizeof(r->location), "0x%llx",
			 (unsigned long long)e->key.location);
	device_name(host, e->key.ifindex, r->device, sizeof(r->device));
	r->count = d;
	r->per_s = 0;
}

/* Every key of this read into the table, summed (a key may come twice). */
static void sum_snapshot(struct nt_drop_sampler *s, uint64_t *lost)
{
	s->gen++;
	for (size_t i = 0; i < s->snap.n; i++) {
		struct entry *e = entry_of(s, &s->snap.v[i].key);

		if (!e) {
			*lost += s->snap.v[i].count;
			continue;
		}
		if (e->gen != s->gen) {
			e->gen = s->gen;
			e->total = 0;
		}
		e->total += s->snap.v[i].count;
	}
}

int nt_drop_sampler_read(struct nt_drop_sampler *s, const struct nt_host *host,
			 struct nt_top_drops *out, struct nt_err *err)
{
	struct pick p = { .n = 0 };
	uint64_t lost = 0, d;
	int ret;

	ret = nt_dropmon_read(s->mon, &s->snap, err);
	if (ret)
		return ret;
	sum_snapshot(s, &lost);
	for (size_t i = 0; i < s->tab_size; i++) {
		struct entry *e = &s->tab[i];

		if (e->used && (d = entry_delta(s, e)))
			pick_add(s, &p, e, d);
	}
	name_locations(s, &p);
	memset(out, 0, sizeof(*out));
	out->state = NT_TOP_DROPS_ON;
	for (size_t i = 0; i < p.n; i++)
		fill_row(s, host, p.e[i], p.d[i], &out->v[i]);
	out->n = p.n;
	out->other = p.rest + since(s->snap.overflow, s->overflow);
	s->overflow = s->snap.overflow;
	(void)lost;	/* keys past the table: never, it has room for all */
	return 0;
}
