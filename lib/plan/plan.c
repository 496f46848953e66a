// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The planner: a profile's intents resolved against one host's limits,
 * topology and NUMA layout, and the plan file.  nt_plan_make() reads nothing
 * but its arguments, so a plan made from a snapshot is the plan the live
 * host would get.
 */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "plan/plan.h"
#include "util/file.h"
#include "util/json.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NS_PER_SEC	1000000000LL
#define PLAN_VERSION	1
/* Plans are reviewed by people: one this big is not a plan. */
#define PLAN_MAX_BYTES	(64u << 20)
#define NO_LIMIT	UINT32_MAX

/*
 * What a profile value may be.  The profile loader checks values too, but a
 * profile is plain data and may be built by hand: the planner trusts nothing
 * it has not parsed itself.
 */
enum val {
	V_ANY,		/* [main], [sysctl]: literal */
	V_RINGS,	/* N | max | max N */
	V_CHANNELS,	/* N | max | local-cores */
	V_IRQ,		/* spread-local | spread | CPULIST */
	V_RPS,		/* auto | off | CPULIST */
	V_XPS,		/* match-irq | off | CPULIST */
	V_U32,		/* N, 0 allowed */
	V_WORDS,	/* a non-empty word list */
};

static const struct rule {
	const char *section;
	const char *key;	/* NULL: any key */
	enum val val;
	bool per_iface;		/* may be limited: "[rings eth*]" */
} rules[] = {
	{ "main", NULL, V_ANY, false },
	{ "sysctl", NULL, V_ANY, false },
	{ "rings", "rx", V_RINGS, true },
	{ "rings", "tx", V_RINGS, true },
	{ "channels", "combined", V_CHANNELS, true },
	{ "channels", "rx", V_CHANNELS, true },
	{ "channels", "tx", V_CHANNELS, true },
	{ "irq", "affinity", V_IRQ, true },
	{ "rps", "cpus", V_RPS, true },
	{ "rps", "flow_cnt", V_U32, true },
	{ "xps", "cpus", V_XPS, true },
	{ "qdisc", "root", V_WORDS, true },
	{ "qdisc", "txqlen", V_U32, true },
	{ "congestion", "algorithm", V_WORDS, false },
	{ "congestion", "qdisc", V_WORDS, false },
};

static const char *const val_expected[] = {
	[V_ANY] = "any value",
	[V_RINGS] = "N, max or max N",
	[V_CHANNELS] = "N, max or local-cores",
	[V_IRQ] = "spread-local, spread or a CPU list",
	[V_RPS] = "auto, off or a CPU list",
	[V_XPS] = "match-irq, off or a CPU list",
	[V_U32] = "a number",
	[V_WORDS] = "a name",
};

enum intent_kind {
	IN_NUMBER,	/* n */
	IN_MAX,		/* the maximum, capped at n when capped */
	IN_LOCAL,	/* local-cores */
	IN_SPREAD_LOCAL,
	IN_SPREAD,
	IN_AUTO,
	IN_OFF,
	IN_MATCH_IRQ,
	IN_LIST,	/* a CPU list, the entry's value */
	IN_LITERAL,	/* [main], [sysctl], qdisc and congestion words */
};

struct intent {
	enum intent_kind kind;
	uint32_t n;
	bool capped;
};

/* One nt_plan_make() call.  The first error sticks in ret; later steps stop. */
struct mk {
	const struct nt_profile *prof;
	const struct nt_host *host;
	const char *const *ifaces;
	struct nt_err *err;
	int ret;
	struct nt_change *v;
	size_t n, cap;
	/* Online CPUs by id, and whether each is its core's first thread. */
	const struct nt_cpu **cpus;
	bool *primary;
	size_t n_cpus;
	struct nt_cpumask online;
	int max_node;
};

/* A sysctl the profile wants, before it is compared with the host. */
struct want {
	const char *name;
	char value[NT_VALUE_LEN];
	const struct nt_profile_entry *e;
	char why[NT_REASON_LEN];
};

/*
 * snprintf() through a function: a truncated reason or message is fine,
 * and this keeps -Wformat-truncation from asking about every one of them.
 */
static void __attribute__((format(printf, 3, 4)))
str_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 3, 4)))
mk_fail(struct mk *m, int code, const char *fmt, ...)
{
	char msg[sizeof(m->err->msg)];
	va_list ap;

	if (m->ret)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	m->ret = nt_err_set(m->err, code, "%s", msg);
}

static void mk_oom(struct mk *m)
{
	mk_fail(m, ENOMEM, "out of memory");
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Copy @src into @dst of @size; false when it does not fit. */
static bool copy_str(char *dst, size_t size, const char *src)
{
	size_t len = strlen(src);

	if (len >= size)
		return false;
	memcpy(dst, src, len + 1);
	return true;
}

/*
 * Runs of white space become one space, none at the ends: the kernel
 * prints "4096\t87380" where a profile says "4096 87380".
 */
static void squeeze(char *dst, size_t size, const char *src)
{
	size_t len = 0;
	bool gap = false;

	for (; *src && len + 1 < size; src++) {
		if (*src == ' ' || *src == '\t' || *src == '\n') {
			gap = len > 0;
			continue;
		}
		if (gap && len + 2 < size)
			dst[len++] = ' ';
		gap = false;
		dst[len++] = *src;
	}
	dst[len] = '\0';
}

static bool squeezed_equal(const char *a, const char *b)
{
	char x[1024], y[1024];

	squeeze(x, sizeof(x), a);
	squeeze(y, sizeof(y), b);
	return !strcmp(x, y);
}

/* Decimal, no sign, fits in 32 bits. */
static bool parse_u32(const char *s, uint32_t *out)
{
	unsigned long long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*out = v;
	return true;
}

static bool parse_list_nonempty(const char *s)
{
	struct nt_cpumask mask = { 0 };
	bool ok = !nt_cpumask_parse_list(&mask, s) && !nt_cpumask_empty(&mask);

	nt_cpumask_free(&mask);
	return ok;
}

/* "N", "max", "max N" and, for channels, "local-cores". */
static bool parse_count(const char *s, bool channels, struct intent *in)
{
	if (channels && !strcmp(s, "local-cores")) {
		in->kind = IN_LOCAL;
		return true;
	}
	if (!strcmp(s, "max")) {
		in->kind = IN_MAX;
		return true;
	}
	if (!channels && !strncmp(s, "max ", 4)) {
		in->kind = IN_MAX;
		in->capped = true;
		return parse_u32(s + 4, &in->n) && in->n > 0;
	}
	in->kind = IN_NUMBER;
	return parse_u32(s, &in->n) && in->n > 0;
}

/* A keyword of @names (NULL-ended, kinds in @kinds) or a CPU list. */
static bool parse_cpus(const char *s, const char *const *names,
		       const enum intent_kind *kinds, struct intent *in)
{
	for (size_t i = 0; names[i]; i++) {
		if (!strcmp(s, names[i])) {
			in->kind = kinds[i];
			return true;
		}
	}
	in->kind = IN_LIST;
	return parse_list_nonempty(s);
}

static bool parse_intent(enum val val, const char *s, struct intent *in)
{
	static const char *const irq_names[] = {
		"spread-local", "spread", NULL
	};
	static const enum intent_kind irq_kinds[] = {
		IN_SPREAD_LOCAL, IN_SPREAD
	};
	static const char *const rps_names[] = { "auto", "off", NULL };
	static const enum intent_kind rps_kinds[] = { IN_AUTO, IN_OFF };
	static const char *const xps_names[] = { "match-irq", "off", NULL };
	static const enum intent_kind xps_kinds[] = { IN_MATCH_IRQ, IN_OFF };

	memset(in, 0, sizeof(*in));
	switch (val) {
	case V_RINGS:
		return parse_count(s, false, in);
	case V_CHANNELS:
		return parse_count(s, true, in);
	case V_IRQ:
		return parse_cpus(s, irq_names, irq_kinds, in);
	case V_RPS:
		return parse_cpus(s, rps_names, rps_kinds, in);
	case V_XPS:
		return parse_cpus(s, xps_names, xps_kinds, in);
	case V_U32:
		in->kind = IN_NUMBER;
		return parse_u32(s, &in->n);
	case V_WORDS:
		in->kind = IN_LITERAL;
		return s[strspn(s, " \t,")] != '\0';
	case V_ANY:
		in->kind = IN_LITERAL;
		return true;
	}
	return false;
}

static const struct rule *find_rule(const char *section, const char *key,
				    bool *section_known)
{
	*section_known = false;
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
		if (strcmp(rules[i].section, section))
			continue;
		*section_known = true;
		if (!rules[i].key || !strcmp(rules[i].key, key))
			return &rules[i];
	}
	return NULL;
}

/* A typo must fail on every host, not only where its section applies. */
static void check_entry(struct mk *m, const struct nt_profile_entry *e)
{
	const struct rule *r;
	struct intent in;
	char value[sizeof(e->value)];
	bool known;

	r = find_rule(e->section, e->key, &known);
	if (!known)
		mk_fail(m, EINVAL, "%s:%d: unknown section [%s]", e->file,
			e->line, e->section);
	else if (!r)
		mk_fail(m, EINVAL, "%s:%d: unknown key \"%s\" in [%s]",
			e->file, e->line, e->key, e->section);
	else if (e->match[0] && !r->per_iface)
		mk_fail(m, EINVAL,
			"%s:%d: [%s] cannot be limited to interfaces (\"%s\")",
			e->file, e->line, e->section, e->match);
	if (m->ret)
		return;
	squeeze(value, sizeof(value), e->value);
	if (!parse_intent(r->val, value, &in))
		mk_fail(m, EINVAL,
			"%s:%d: [%s] %s: bad value \"%s\" (expected %s)",
			e->file, e->line, e->section, e->key, e->value,
			val_expected[r->val]);
}

/* The entry's intent; checked by check_entry() already. */
static void entry_intent(const struct nt_profile_entry *e, struct intent *in,
			 char *value, size_t size)
{
	bool known;
	const struct rule *r = find_rule(e->section, e->key, &known);

	squeeze(value, size, e->value);
	parse_intent(r ? r->val : V_ANY, value, in);
}

/*
 * Topology.  IRQs go to the first thread of every core before any core's
 * second thread: two busy IRQs on one core's hyperthreads share its
 * execution units and caches, which is what spreading is meant to avoid.
 */
static bool first_thread(const struct mk *m, const struct nt_cpu *c)
{
	const struct nt_cpumask *sib = &c->thread_siblings;
	int s;

	for (s = nt_cpumask_next(sib, 0); s >= 0 && (uint32_t)s < c->id;
	     s = nt_cpumask_next(sib, s + 1))
		if (nt_cpumask_test(&m->online, s))
			return false;
	return true;
}

static int cmp_cpu(const void *a, const void *b)
{
	const struct nt_cpu *x = *(const struct nt_cpu *const *)a;
	const struct nt_cpu *y = *(const struct nt_cpu *const *)b;

	return (x->id > y->id) - (x->id < y->id);
}

static void mk_topology(struct mk *m)
{
	const struct nt_host *h = m->host;

	m->max_node = -1;
	m->cpus = calloc(h->n_cpus + 1, sizeof(*m->cpus));
	m->primary = calloc(h->n_cpus + 1, sizeof(*m->primary));
	if (!m->cpus || !m->primary) {
		mk_oom(m);
		return;
	}
	for (size_t i = 0; i < h->n_cpus; i++) {
		const struct nt_cpu *c = &h->cpus[i];

		if (!c->online)
			continue;
		if (nt_cpumask_set(&m->online, c->id)) {
			mk_oom(m);
			return;
		}
		m->cpus[m->n_cpus++] = c;
		if (c->node > m->max_node)
			m->max_node = c->node;
	}
	qsort(m->cpus, m->n_cpus, sizeof(*m->cpus), cmp_cpu);
	for (size_t i = 0; i < m->n_cpus; i++)
		m->primary[i] = first_thread(m, m->cpus[i]);
}

/* Append the online CPUs of @node (any node when @any), one kind of thread. */
static size_t order_add(const struct mk *m, uint32_t *ord, size_t n,
			int node, bool any, bool primary)
{
	for (size_t i = 0; i < m->n_cpus; i++)
		if (m->primary[i] == primary &&
		    (any || m->cpus[i]->node == node))
			ord[n++] = m->cpus[i]->id;
	return n;
}

/*
 * Every online CPU in the order IRQs take them: @node's CPUs first (first
 * threads, then siblings), then each other node's the same way, CPUs of no
 * known node last.  @node < 0: no node preference at all.
 */
static size_t cpu_order(const struct mk *m, int node, uint32_t *ord)
{
	size_t n = 0;

	if (node < 0) {
		n = order_add(m, ord, n, 0, true, true);
		return order_add(m, ord, n, 0, true, false);
	}
	n = order_add(m, ord, n, node, false, true);
	n = order_add(m, ord, n, node, false, false);
	for (int o = 0; o <= m->max_node; o++) {
		if (o == node)
			continue;
		n = order_add(m, ord, n, o, false, true);
		n = order_add(m, ord, n, o, false, false);
	}
	n = order_add(m, ord, n, -1, false, true);
	return order_add(m, ord, n, -1, false, false);
}

/* The NIC's node's online CPUs; all online CPUs when it has no known node. */
static void local_cpus(struct mk *m, const struct nt_iface *ifc,
		       struct nt_cpumask *out)
{
	int node = ifc->numa_node;

	for (size_t i = 0; i < m->n_cpus && !m->ret; i++)
		if (node < 0 || m->cpus[i]->node == node)
			if (nt_cpumask_set(out, m->cpus[i]->id))
				mk_oom(m);
	if (!m->ret && nt_cpumask_empty(out) &&
	    nt_cpumask_copy(out, &m->online))
		mk_oom(m);
}

static void node_phrase(const struct nt_iface *ifc, char *buf, size_t size)
{
	if (ifc->numa_node < 0)
		str_fmt(buf, size, "online CPUs (no NUMA node)");
	else
		str_fmt(buf, size, "CPUs of node %d", ifc->numa_node);
}

/*
 * A CPU list the profile names literally must fit this host: the kernel
 * refuses an IRQ affinity of offline CPUs and silently drops them from
 * RPS and XPS masks, which would show as drift forever.
 */
static void list_mask(struct mk *m, const struct nt_profile_entry *e,
		      const char *value, struct nt_cpumask *out)
{
	int cpu;

	if (nt_cpumask_parse_list(out, value)) {
		mk_fail(m, EINVAL, "%s:%d: bad CPU list \"%s\"", e->file,
			e->line, value);
		return;
	}
	/* Without a known topology there is nothing to check against. */
	if (!m->n_cpus)
		return;
	for (cpu = nt_cpumask_next(out, 0); cpu >= 0 && !m->ret;
	     cpu = nt_cpumask_next(out, cpu + 1))
		if (!nt_cpumask_test(&m->online, cpu))
			mk_fail(m, EINVAL,
				"%s:%d: [%s] %s: CPU %d is not online on this host",
				e->file, e->line, e->section, e->key, cpu);
}

static void mask_text(struct mk *m, const struct nt_cpumask *mask,
		      const char *subject, char *buf, size_t size)
{
	if (nt_cpumask_format_list(mask, buf, size) < 0)
		mk_fail(m, EINVAL, "%s: CPU list too long for a plan", subject);
}

/* Interface selection. */
static bool iface_matches(const char *match, const struct nt_iface *ifc)
{
	if (!match[0])
		return true;
	if (!strncmp(match, "driver=", 7))
		return !strcmp(match + 7, ifc->driver);
	return !fnmatch(match, ifc->name, 0);
}

static bool iface_wanted(const struct mk *m, const struct nt_iface *ifc)
{
	const char *const *p;

	if (!strcmp(ifc->name, "lo"))
		return false;
	if (!m->ifaces)
		return true;
	for (p = m->ifaces; *p; p++)
		if (!strcmp(*p, ifc->name))
			return true;
	return false;
}

/* The entry in effect for @ifc: the last that sets @key and matches it. */
static const struct nt_profile_entry *
iface_entry(const struct mk *m, const char *section, const char *key,
	    const struct nt_iface *ifc)
{
	const struct nt_profile_entry *found = NULL;

	for (size_t i = 0; i < m->prof->n; i++) {
		const struct nt_profile_entry *e = &m->prof->v[i];

		if (!strcmp(e->section, section) && !strcmp(e->key, key) &&
		    iface_matches(e->match, ifc))
			found = e;
	}
	return found;
}

/* The last entry that sets @key of a section that is not per interface. */
static const struct nt_profile_entry *
last_entry(const struct mk *m, const char *section, const char *key)
{
	const struct nt_profile_entry *found = NULL;

	for (size_t i = 0; i < m->prof->n; i++)
		if (!strcmp(m->prof->v[i].section, section) &&
		    !strcmp(m->prof->v[i].key, key))
			found = &m->prof->v[i];
	return found;
}

/* Changes. */
static const struct nt_change *find_change(const struct mk *m,
					   const char *knob,
					   const char *subject)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->v[i].knob, knob) &&
		    !strcmp(m->v[i].subject, subject))
			return &m->v[i];
	return NULL;
}

static struct nt_change *push_change(struct mk *m)
{
	struct nt_change *bigger;
	size_t cap;

	if (m->n == m->cap) {
		cap = m->cap ? m->cap * 2 : 32;
		bigger = realloc(m->v, cap * sizeof(*m->v));
		if (!bigger) {
			mk_oom(m);
			return NULL;
		}
		m->v = bigger;
		m->cap = cap;
	}
	memset(&m->v[m->n], 0, sizeof(m->v[m->n]));
	return &m->v[m->n++];
}

/* Add a change; @why says in a few words how the intent became @target. */
static void __attribute__((format(printf, 7, 8)))
add_change(struct mk *m, const char *knob, const char *subject,
	   const char *current, const char *target,
	   const struct nt_profile_entry *e, const char *why, ...)
{
	struct nt_change *c;
	char text[NT_REASON_LEN];
	va_list ap;

	if (m->ret)
		return;
	if (strlen(subject) >= NT_SUBJECT_LEN ||
	    strlen(current) >= NT_VALUE_LEN || strlen(target) >= NT_VALUE_LEN) {
		mk_fail(m, EINVAL,
			"%s:%d: %s %s: value too long for a plan (at most %d characters)",
			e->file, e->line, knob, subject, NT_VALUE_LEN - 1);
		return;
	}
	c = push_change(m);
	if (!c)
		return;
	copy_str(c->knob, sizeof(c->knob), knob);
	copy_str(c->subject, sizeof(c->subject), subject);
	copy_str(c->current, sizeof(c->current), current);
	copy_str(c->target, sizeof(c->target), target);
	va_start(ap, why);
	vsnprintf(text, sizeof(text), why, ap);
	va_end(ap);
	str_fmt(c->reason, sizeof(c->reason), "%s %s:%d: %s", m->prof->name,
		base_name(e->file), e->line, text);
}

static void add_u32_change(struct mk *m, const char *knob,
			   const char *subject, uint32_t cur, uint32_t target,
			   const struct nt_profile_entry *e, const char *why)
{
	char a[16], b[16];

	if (cur == target)
		return;
	str_fmt(a, sizeof(a), "%u", cur);
	str_fmt(b, sizeof(b), "%u", target);
	add_change(m, knob, subject, a, b, e, "%s", why);
}

/*
 * Sysctls.  [sysctl] keys and what [congestion] resolves to may name the
 * same key: the entry set later in the profile wins, as everywhere else.
 */
static void want_add(struct want *ws, size_t *n, const char *name,
		     const char *value, const struct nt_profile_entry *e,
		     const char *why)
{
	struct want *w = NULL;

	for (size_t i = 0; i < *n && !w; i++)
		if (!strcmp(ws[i].name, name))
			w = &ws[i];
	if (w && w->e > e)
		return;
	if (!w)
		w = &ws[(*n)++];
	w->name = name;
	w->e = e;
	squeeze(w->value, sizeof(w->value), value);
	str_fmt(w->why, sizeof(w->why), "%s", why);
}

static void want_sysctls(const struct mk *m, struct want *ws, size_t *n)
{
	char why[NT_REASON_LEN];

	for (size_t i = 0; i < m->prof->n; i++) {
		const struct nt_profile_entry *e = &m->prof->v[i];

		if (strcmp(e->section, "sysctl"))
			continue;
		str_fmt(why, sizeof(why), "sysctl %s = %s", e->key, e->value);
		want_add(ws, n, e->key, e->value, e, why);
	}
}

/* Is @name one of the white-space separated words of @list? */
static bool word_in(const char *list, const char *name)
{
	size_t len = strlen(name);
	const char *p = list;

	while (*(p += strspn(p, " \t"))) {
		size_t w = strcspn(p, " \t");

		if (w == len && !strncmp(p, name, len))
			return true;
		p += w;
	}
	return false;
}

/*
 * The first algorithm of the list the kernel offers.  Only what
 * tcp_available_congestion_control lists counts: a module that is not
 * loaded (bbr, often) is not there until someone loads it.
 */
static void want_algorithm(struct mk *m, const struct nt_profile_entry *e,
			   struct want *ws, size_t *n)
{
	const struct nt_host *h = m->host;
	const char *cur = nt_host_sysctl(h, "net.ipv4.tcp_congestion_control");
	const char *avail =
		nt_host_sysctl(h, "net.ipv4.tcp_available_congestion_control");
	char list[sizeof(e->value)], names[sizeof(e->value)] = "";
	char why[NT_REASON_LEN];
	char *tok, *save = NULL;

	if (!cur)
		return;
	if (!avail)
		avail = cur;
	str_fmt(list, sizeof(list), "%s", e->value);
	for (tok = strtok_r(list, ", \t", &save); tok;
	     tok = strtok_r(NULL, ", \t", &save)) {
		if (word_in(avail, tok)) {
			str_fmt(why, sizeof(why),
				"congestion algorithm = %s: %s %s", e->value,
				tok, names[0] ? "is the first available" :
				"is available");
			want_add(ws, n, "net.ipv4.tcp_congestion_control",
				 tok, e, why);
			return;
		}
		str_fmt(names + strlen(names), sizeof(names) - strlen(names),
			"%s%s", names[0] ? ", " : "", tok);
	}
	squeeze(list, sizeof(list), avail);
	mk_fail(m, EINVAL, "%s:%d: none of %s is available (available: %s)",
		e->file, e->line, names, list);
}

/* Profile order: where the entry that decided each key stands. */
static int cmp_want(const void *a, const void *b)
{
	const struct want *x = a, *y = b;

	return (x->e > y->e) - (x->e < y->e);
}

static void plan_sysctls(struct mk *m)
{
	const struct nt_profile_entry *e;
	struct want *ws = calloc(m->prof->n + 2, sizeof(*ws));
	char why[NT_REASON_LEN];
	size_t n = 0;

	if (!ws) {
		mk_oom(m);
		return;
	}
	want_sysctls(m, ws, &n);
	e = last_entry(m, "congestion", "algorithm");
	if (e)
		want_algorithm(m, e, ws, &n);
	e = last_entry(m, "congestion", "qdisc");
	if (e) {
		str_fmt(why, sizeof(why), "congestion qdisc = %s", e->value);
		want_add(ws, &n, "net.core.default_qdisc", e->value, e, why);
	}
	qsort(ws, n, sizeof(*ws), cmp_want);
	for (size_t i = 0; i < n && !m->ret; i++) {
		/* Absent here: not this kernel's key, or not in this netns. */
		const char *cur = nt_host_sysctl(m->host, ws[i].name);

		char shown[NT_VALUE_LEN];

		if (!cur || squeezed_equal(cur, ws[i].value))
			continue;
		/* the kernel separates vectors with tabs; plans use spaces */
		squeeze(shown, sizeof(shown), cur);
		add_change(m, "sysctl", ws[i].name, shown, ws[i].value,
			   ws[i].e, "%s", ws[i].why);
	}
	free(ws);
}

/*
 * Counts: rings and channels.  Return: the target, or -1 for none (the
 * error, if any, is in @m).
 */
static int64_t resolve_count(struct mk *m, const struct nt_profile_entry *e,
			     const struct nt_iface *ifc, const char *what,
			     uint32_t max, char *why, size_t size)
{
	struct nt_cpumask local = { 0 };
	char value[sizeof(e->value)], where[64];
	struct intent in;
	uint32_t n;

	entry_intent(e, &in, value, sizeof(value));
	switch (in.kind) {
	case IN_NUMBER:
		if (in.n > max) {
			mk_fail(m, EINVAL,
				"%s:%d: %s: %s %u exceeds driver maximum %u",
				e->file, e->line, ifc->name, what, in.n, max);
			return -1;
		}
		str_fmt(why, size, "%s %s = %s", e->section, e->key, value);
		return in.n;
	case IN_MAX:
		n = in.capped && in.n < max ? in.n : max;
		str_fmt(why, size, "%s %s = %s: driver maximum %u", e->section,
			e->key, value, max);
		return n;
	case IN_LOCAL:
		local_cpus(m, ifc, &local);
		n = nt_cpumask_weight(&local);
		nt_cpumask_free(&local);
		if (!n)		/* no topology known: nothing to count */
			return -1;
		node_phrase(ifc, where, sizeof(where));
		str_fmt(why, size, "%s %s = %s: %u %s%s", e->section, e->key,
			value, n, where,
			n > max ? ", capped at the driver maximum" : "");
		return n > max ? max : n;
	default:
		return -1;
	}
}

static void plan_count(struct mk *m, const struct nt_iface *ifc,
		       const char *section, const char *key, const char *what,
		       uint32_t cur, uint32_t max)
{
	const struct nt_profile_entry *e = iface_entry(m, section, key, ifc);
	char knob[NT_KNOB_LEN], why[NT_REASON_LEN];
	int64_t target;

	if (!e || !max)
		return;
	target = resolve_count(m, e, ifc, what, max, why, sizeof(why));
	if (target < 0)
		return;
	str_fmt(knob, sizeof(knob), "%s.%s", section, key);
	add_u32_change(m, knob, ifc->name, cur, target, e, why);
}

static uint32_t ring_max(const struct nt_rings *r, uint32_t bit, uint32_t max)
{
	return r->present & bit ? max : 0;
}

static void plan_rings(struct mk *m, const struct nt_iface *ifc)
{
	const struct nt_rings *r = &ifc->rings;

	/* Virtual devices have no rings, whatever ethtool makes up. */
	if (ifc->is_virtual || r->state != NT_STATE_OK)
		return;
	plan_count(m, ifc, "rings", "rx", "ring rx", r->rx,
		   ring_max(r, NT_RING_RX_MAX, r->rx_max));
	plan_count(m, ifc, "rings", "tx", "ring tx", r->tx,
		   ring_max(r, NT_RING_TX_MAX, r->tx_max));
}

static uint32_t chan_max(const struct nt_channels *c, uint32_t bit,
			 uint32_t max)
{
	return c->present & bit ? max : 0;
}

/* veth supports channels, so virtual devices are not excluded here. */
static void plan_channels(struct mk *m, const struct nt_iface *ifc)
{
	const struct nt_channels *c = &ifc->channels;

	if (c->state != NT_STATE_OK)
		return;
	plan_count(m, ifc, "channels", "combined", "channels combined",
		   c->combined,
		   chan_max(c, NT_CHAN_COMBINED_MAX, c->combined_max));
	plan_count(m, ifc, "channels", "rx", "channels rx", c->rx,
		   chan_max(c, NT_CHAN_RX_MAX, c->rx_max));
	plan_count(m, ifc, "channels", "tx", "channels tx", c->tx,
		   chan_max(c, NT_CHAN_TX_MAX, c->tx_max));
}

/* A channel count after this plan, and whether the plan changes it. */
static uint32_t planned_channels(const struct mk *m, const struct nt_iface *ifc,
				 const char *knob, uint32_t bit, uint32_t cur,
				 bool *changed)
{
	const struct nt_change *c = find_change(m, knob, ifc->name);
	uint32_t n;

	if (c && parse_u32(c->target, &n)) {
		*changed = true;
		return n;
	}
	return ifc->channels.present & bit ? cur : 0;
}

/*
 * Queues >= the limit vanish when the plan lowers the channel count, so
 * nothing is planned for them.  Queues a raised count adds do not exist
 * yet: a second recommend after apply covers them.
 */
static uint32_t queue_limit(const struct mk *m, const struct nt_iface *ifc,
			    bool rx)
{
	const struct nt_channels *ch = &ifc->channels;
	bool changed = false;
	uint32_t comb, side;

	comb = planned_channels(m, ifc, "channels.combined", NT_CHAN_COMBINED,
				ch->combined, &changed);
	if (rx)
		side = planned_channels(m, ifc, "channels.rx", NT_CHAN_RX,
					ch->rx, &changed);
	else
		side = planned_channels(m, ifc, "channels.tx", NT_CHAN_TX,
					ch->tx, &changed);
	return changed ? comb + side : NO_LIMIT;
}

/* IRQs. */
static int cmp_irq(const void *a, const void *b)
{
	const struct nt_iface_irq *x = *(const struct nt_iface_irq *const *)a;
	const struct nt_iface_irq *y = *(const struct nt_iface_irq *const *)b;

	if (x->queue != y->queue)
		return x->queue < y->queue ? -1 : 1;
	return (x->irq > y->irq) - (x->irq < y->irq);
}

/* The queue IRQs below @limit, by queue number.  NULL only without memory. */
static const struct nt_iface_irq **queue_irqs(struct mk *m,
					       const struct nt_iface *ifc,
					       uint32_t limit, size_t *n)
{
	const struct nt_iface_irq **v = calloc(ifc->n_irqs + 1, sizeof(*v));

	*n = 0;
	if (!v) {
		mk_oom(m);
		return NULL;
	}
	for (size_t i = 0; i < ifc->n_irqs; i++)
		if (ifc->irqs[i].queue >= 0 &&
		    (uint32_t)ifc->irqs[i].queue < limit)
			v[(*n)++] = &ifc->irqs[i];
	qsort(v, *n, sizeof(*v), cmp_irq);
	return v;
}

static void irq_subject(const struct nt_iface *ifc, uint32_t irq, char *buf,
			size_t size)
{
	str_fmt(buf, size, "%s irq %u", ifc->name, irq);
}

/* Set @irq to @target unless it is there already. */
static void irq_change(struct mk *m, const struct nt_iface *ifc,
		       const struct nt_iface_irq *irq,
		       const struct nt_cpumask *target,
		       const struct nt_profile_entry *e, const char *why)
{
	char subject[NT_SUBJECT_LEN], cur[NT_VALUE_LEN], tgt[NT_VALUE_LEN];

	if (nt_cpumask_equal(target, &irq->affinity))
		return;
	irq_subject(ifc, irq->irq, subject, sizeof(subject));
	mask_text(m, &irq->affinity, subject, cur, sizeof(cur));
	mask_text(m, target, subject, tgt, sizeof(tgt));
	add_change(m, "irq.affinity", subject, cur, tgt, e, "%s", why);
}

/* Queue IRQ i on CPU order[i % n]: one CPU each, as long as CPUs last. */
static void irq_spread(struct mk *m, const struct nt_iface *ifc,
		       const struct nt_iface_irq **irqs, size_t n_irqs,
		       const struct nt_profile_entry *e, bool local)
{
	uint32_t *ord = calloc(m->n_cpus + 1, sizeof(*ord));
	const char *how = local ? "spread-local" : "spread";
	struct nt_cpumask one = { 0 };
	char why[NT_REASON_LEN], where[64] = "";
	size_t n;

	if (!ord) {
		mk_oom(m);
		return;
	}
	n = cpu_order(m, local ? ifc->numa_node : -1, ord);
	if (local && ifc->numa_node >= 0)
		str_fmt(where, sizeof(where), ", node %d first",
			ifc->numa_node);
	for (size_t i = 0; n && i < n_irqs && !m->ret; i++) {
		nt_cpumask_clear_all(&one);
		if (nt_cpumask_set(&one, ord[i % n])) {
			mk_oom(m);
			break;
		}
		str_fmt(why, sizeof(why), "irq affinity = %s: queue %d%s", how,
			irqs[i]->queue, where);
		irq_change(m, ifc, irqs[i], &one, e, why);
	}
	nt_cpumask_free(&one);
	free(ord);
}

static void irq_list(struct mk *m, const struct nt_iface *ifc,
		     const struct nt_iface_irq **irqs, size_t n_irqs,
		     const struct nt_profile_entry *e, const char *value)
{
	struct nt_cpumask mask = { 0 };
	char why[NT_REASON_LEN];

	list_mask(m, e, value, &mask);
	str_fmt(why, sizeof(why), "irq affinity = %s", value);
	for (size_t i = 0; i < n_irqs && !m->ret; i++)
		irq_change(m, ifc, irqs[i], &mask, e, why);
	nt_cpumask_free(&mask);
}

static uint32_t max_u32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

static void plan_irq(struct mk *m, const struct nt_iface *ifc)
{
	const struct nt_profile_entry *e;
	const struct nt_iface_irq **irqs;
	char value[sizeof(e->value)];
	struct intent in;
	size_t n;

	if (ifc->is_virtual || !ifc->n_irqs)
		return;
	e = iface_entry(m, "irq", "affinity", ifc);
	if (!e)
		return;
	irqs = queue_irqs(m, ifc, max_u32(queue_limit(m, ifc, true),
					  queue_limit(m, ifc, false)), &n);
	if (!irqs)
		return;
	entry_intent(e, &in, value, sizeof(value));
	if (in.kind == IN_LIST)
		irq_list(m, ifc, irqs, n, e, value);
	else
		irq_spread(m, ifc, irqs, n, e, in.kind == IN_SPREAD_LOCAL);
	free(irqs);
}

/*
 * Where an IRQ fires once the plan is applied: the planned affinity, else
 * the effective one (the kernel fires on one CPU of a wider mask), else the
 * mask itself.
 */
static void irq_cpus(struct mk *m, const struct nt_iface *ifc,
		     const struct nt_iface_irq *irq, struct nt_cpumask *out)
{
	char subject[NT_SUBJECT_LEN];
	const struct nt_change *c;
	const struct nt_cpumask *src = &irq->affinity;

	irq_subject(ifc, irq->irq, subject, sizeof(subject));
	c = find_change(m, "irq.affinity", subject);
	if (c) {
		if (nt_cpumask_parse_list(out, c->target))
			mk_oom(m);
		return;
	}
	if (!nt_cpumask_empty(&irq->effective_affinity))
		src = &irq->effective_affinity;
	if (nt_cpumask_copy(out, src))
		mk_oom(m);
}

static void mask_or(struct mk *m, struct nt_cpumask *dst,
		    const struct nt_cpumask *src)
{
	for (int c = nt_cpumask_next(src, 0); c >= 0 && !m->ret;
	     c = nt_cpumask_next(src, c + 1))
		if (nt_cpumask_set(dst, c))
			mk_oom(m);
}

/* A queue IRQ that receives: rx or combined, on a queue the plan keeps. */
static bool rx_queue_irq(const struct nt_iface_irq *irq, uint32_t limit)
{
	return irq->queue >= 0 && (uint32_t)irq->queue < limit &&
	       strcmp(irq->queue_type, "tx");
}

/*
 * The CPUs that take the NIC's receive interrupts: its rx queue IRQs; a
 * NIC without queue IRQs has one IRQ for everything.
 */
static void rx_irq_cpus(struct mk *m, const struct nt_iface *ifc,
			uint32_t limit, struct nt_cpumask *out)
{
	struct nt_cpumask one = { 0 };
	bool queues = false;

	for (size_t i = 0; i < ifc->n_irqs; i++)
		queues |= ifc->irqs[i].queue >= 0;
	for (size_t i = 0; i < ifc->n_irqs && !m->ret; i++) {
		if (queues && !rx_queue_irq(&ifc->irqs[i], limit))
			continue;
		irq_cpus(m, ifc, &ifc->irqs[i], &one);
		mask_or(m, out, &one);
	}
	nt_cpumask_free(&one);
}

static void mask_andnot(struct nt_cpumask *dst, const struct nt_cpumask *src)
{
	uint32_t n = dst->nwords < src->nwords ? dst->nwords : src->nwords;

	for (uint32_t i = 0; i < n; i++)
		dst->words[i] &= ~src->words[i];
}

/*
 * RPS "auto": with fewer rx queues than local CPUs, the local CPUs that
 * do not already take the NIC's interrupts share the protocol work; with
 * a queue per CPU, RSS spreads already and RPS would only add an IPI.
 * Return: false to leave the queues alone.
 */
static bool rps_auto(struct mk *m, const struct nt_iface *ifc, uint32_t limit,
		     struct nt_cpumask *out, char *why, size_t size)
{
	struct nt_cpumask irq = { 0 };
	uint32_t nq = limit == NO_LIMIT ? ifc->n_rxq : limit;
	unsigned int local;
	char where[64], list[64];

	/* a NIC's intent: virtual devices (veth, ifb, bridges) are left
	 * alone unless the profile names their CPUs */
	if (ifc->is_virtual)
		return false;
	local_cpus(m, ifc, out);
	local = nt_cpumask_weight(out);
	if (m->ret || nq >= local)
		return false;
	rx_irq_cpus(m, ifc, limit, &irq);
	mask_andnot(out, &irq);
	node_phrase(ifc, where, sizeof(where));
	if (nt_cpumask_format_list(&irq, list, sizeof(list)) < 0)
		str_fmt(list, sizeof(list), "...");
	if (nt_cpumask_empty(out)) {
		/* Every local CPU takes an IRQ: all of them beats none. */
		local_cpus(m, ifc, out);
		str_fmt(why, size, "rps cpus = auto: %s (all take %s IRQs)",
			where, ifc->name);
	} else if (nt_cpumask_weight(out) == local) {
		str_fmt(why, size, "rps cpus = auto: %s", where);
	} else {
		str_fmt(why, size, "rps cpus = auto: %s except IRQ CPUs %s",
			where, list);
	}
	nt_cpumask_free(&irq);
	return !m->ret;
}

static void queue_mask_change(struct mk *m, const char *knob,
			      const struct nt_iface *ifc, const char *dir,
			      uint32_t index, const struct nt_cpumask *cur,
			      const struct nt_cpumask *target,
			      const struct nt_profile_entry *e, const char *why)
{
	char subject[NT_SUBJECT_LEN], a[NT_VALUE_LEN], b[NT_VALUE_LEN];

	if (nt_cpumask_equal(cur, target))
		return;
	str_fmt(subject, sizeof(subject), "%s %s-%u", ifc->name, dir, index);
	mask_text(m, cur, subject, a, sizeof(a));
	mask_text(m, target, subject, b, sizeof(b));
	add_change(m, knob, subject, a, b, e, "%s", why);
}

/* The mask an rps/xps entry asks for: false for none (skip). */
static bool fixed_mask(struct mk *m, const struct nt_profile_entry *e,
		       const struct intent *in, const char *value,
		       struct nt_cpumask *out, char *why, size_t size)
{
	if (in->kind == IN_OFF) {
		str_fmt(why, size, "%s cpus = off", e->section);
		return true;
	}
	if (in->kind != IN_LIST)
		return false;
	list_mask(m, e, value, out);
	str_fmt(why, size, "%s cpus = %s", e->section, value);
	return !m->ret;
}

static void plan_rps(struct mk *m, const struct nt_iface *ifc)
{
	const struct nt_profile_entry *e = iface_entry(m, "rps", "cpus", ifc);
	struct nt_cpumask mask = { 0 };
	char value[sizeof(e->value)], why[NT_REASON_LEN];
	uint32_t limit = queue_limit(m, ifc, true);
	struct intent in;
	bool ok;

	if (!e || !ifc->n_rxq)
		return;
	entry_intent(e, &in, value, sizeof(value));
	if (in.kind == IN_AUTO)
		ok = rps_auto(m, ifc, limit, &mask, why, sizeof(why));
	else
		ok = fixed_mask(m, e, &in, value, &mask, why, sizeof(why));
	for (size_t i = 0; ok && i < ifc->n_rxq && !m->ret; i++) {
		const struct nt_rxq *q = &ifc->rxq[i];

		if (q->index < limit && q->rps_state == NT_STATE_OK)
			queue_mask_change(m, "rps.cpus", ifc, "rx", q->index,
					  &q->rps_cpus, &mask, e, why);
	}
	nt_cpumask_free(&mask);
}

static void plan_flow_cnt(struct mk *m, const struct nt_iface *ifc)
{
	const struct nt_profile_entry *e;
	char value[sizeof(e->value)], subject[NT_SUBJECT_LEN];
	char why[NT_REASON_LEN];
	uint32_t limit = queue_limit(m, ifc, true);
	struct intent in;

	e = iface_entry(m, "rps", "flow_cnt", ifc);
	if (!e)
		return;
	entry_intent(e, &in, value, sizeof(value));
	str_fmt(why, sizeof(why), "rps flow_cnt = %u", in.n);
	for (size_t i = 0; i < ifc->n_rxq && !m->ret; i++) {
		const struct nt_rxq *q = &ifc->rxq[i];

		if (q->index >= limit || q->rps_state != NT_STATE_OK)
			continue;
		str_fmt(subject, sizeof(subject), "%s rx-%u", ifc->name,
			q->index);
		add_u32_change(m, "rps.flow_cnt", subject, q->rps_flow_cnt,
			       in.n, e, why);
	}
}

/* The IRQ that completes tx queue @index: its tx or combined queue IRQ. */
static const struct nt_iface_irq *tx_irq(const struct nt_iface *ifc,
					 uint32_t index)
{
	const struct nt_iface_irq *found = NULL;

	for (size_t i = 0; i < ifc->n_irqs; i++) {
		const struct nt_iface_irq *irq = &ifc->irqs[i];

		if (irq->queue < 0 || (uint32_t)irq->queue != index)
			continue;
		if (!strcmp(irq->queue_type, "tx"))
			return irq;
		if (!found && strcmp(irq->queue_type, "rx"))
			found = irq;
	}
	return found;
}

/* XPS match-irq: transmit where the queue's completions are handled. */
static void xps_match_irq(struct mk *m, const struct nt_iface *ifc,
			  const struct nt_txq *q,
			  const struct nt_profile_entry *e)
{
	const struct nt_iface_irq *irq = tx_irq(ifc, q->index);
	struct nt_cpumask mask = { 0 };
	char why[NT_REASON_LEN];

	if (!irq)
		return;
	irq_cpus(m, ifc, irq, &mask);
	str_fmt(why, sizeof(why), "xps cpus = match-irq: CPUs of IRQ %u",
		irq->irq);
	if (!m->ret)
		queue_mask_change(m, "xps.cpus", ifc, "tx", q->index,
				  &q->xps_cpus, &mask, e, why);
	nt_cpumask_free(&mask);
}

static void plan_xps(struct mk *m, const struct nt_iface *ifc)
{
	const struct nt_profile_entry *e = iface_entry(m, "xps", "cpus", ifc);
	struct nt_cpumask mask = { 0 };
	char value[sizeof(e->value)], why[NT_REASON_LEN];
	uint32_t limit = queue_limit(m, ifc, false);
	struct intent in;
	bool ok;

	if (!e || !ifc->n_txq)
		return;
	entry_intent(e, &in, value, sizeof(value));
	ok = fixed_mask(m, e, &in, value, &mask, why, sizeof(why));
	for (size_t i = 0; i < ifc->n_txq && !m->ret; i++) {
		const struct nt_txq *q = &ifc->txq[i];

		if (q->index >= limit || q->xps_state != NT_STATE_OK)
			continue;
		if (in.kind == IN_MATCH_IRQ)
			xps_match_irq(m, ifc, q, e);
		else if (ok)
			queue_mask_change(m, "xps.cpus", ifc, "tx", q->index,
					  &q->xps_cpus, &mask, e, why);
	}
	nt_cpumask_free(&mask);
}

static void plan_txqlen(struct mk *m, const struct nt_iface *ifc)
{
	const struct nt_profile_entry *e;
	char value[sizeof(e->value)], why[NT_REASON_LEN];
	struct intent in;

	e = iface_entry(m, "qdisc", "txqlen", ifc);
	if (!e)
		return;
	entry_intent(e, &in, value, sizeof(value));
	str_fmt(why, sizeof(why), "qdisc txqlen = %u", in.n);
	add_u32_change(m, "txqlen", ifc->name, ifc->txqlen, in.n, e, why);
}

/*
 * The host knows the root qdisc's kind, not its parameters: the kind
 * decides, so a plan made again after apply is empty.
 */
static void plan_qdisc(struct mk *m, const struct nt_iface *ifc)
{
	const struct nt_profile_entry *e = iface_entry(m, "qdisc", "root", ifc);
	char value[sizeof(e->value)], why[NT_REASON_LEN];
	size_t kind_len;

	if (!e || !ifc->qdisc[0])
		return;
	squeeze(value, sizeof(value), e->value);
	kind_len = strcspn(value, " ");
	if (kind_len == strlen(ifc->qdisc) &&
	    !strncmp(value, ifc->qdisc, kind_len))
		return;
	str_fmt(why, sizeof(why), "qdisc root = %s", value);
	add_change(m, "qdisc", ifc->name, ifc->qdisc, value, e, "%s", why);
}

typedef void (*iface_step)(struct mk *m, const struct nt_iface *ifc);

/* Apply order; IRQs after channels, which re-create them. */
static const iface_step iface_steps[] = {
	plan_rings, plan_channels, plan_irq, plan_rps, plan_flow_cnt,
	plan_xps, plan_txqlen, plan_qdisc,
};

static void plan_ifaces(struct mk *m, iface_step step)
{
	for (size_t i = 0; i < m->host->n_ifaces && !m->ret; i++)
		if (iface_wanted(m, &m->host->ifaces[i]))
			step(m, &m->host->ifaces[i]);
}

static void mk_free(struct mk *m)
{
	free(m->cpus);
	free(m->primary);
	nt_cpumask_free(&m->online);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

/**
 * nt_plan_make() - resolve a profile's intents against a host
 * @profile: flattened profile
 * @host: the host as it is
 * @ifaces: limit interface sections to these names, NULL-ended, or NULL
 * @plan: out; free with nt_plan_free()
 * @err: "FILE:LINE: ..." when an intent cannot be resolved
 *
 * See plan.h for the intents and the order.  Return: 0, -EINVAL, -ENOMEM.
 */
int nt_plan_make(const struct nt_profile *profile, const struct nt_host *host,
		 const char *const *ifaces, struct nt_plan *plan,
		 struct nt_err *err)
{
	struct mk m = {
		.prof = profile, .host = host, .ifaces = ifaces, .err = err,
	};

	memset(plan, 0, sizeof(*plan));
	for (size_t i = 0; i < profile->n && !m.ret; i++)
		check_entry(&m, &profile->v[i]);
	if (!m.ret)
		mk_topology(&m);
	if (!m.ret)
		plan_sysctls(&m);
	for (size_t i = 0; i < ARRAY_SIZE(iface_steps) && !m.ret; i++)
		plan_ifaces(&m, iface_steps[i]);
	mk_free(&m);
	if (m.ret) {
		free(m.v);
		return m.ret;
	}
	str_fmt(plan->profile, sizeof(plan->profile), "%s", profile->name);
	str_fmt(plan->hostname, sizeof(plan->hostname), "%s", host->hostname);
	plan->made_ns = now_ns();
	plan->v = m.v;
	plan->n = m.n;
	return 0;
}

void nt_plan_free(struct nt_plan *plan)
{
	if (!plan)
		return;
	free(plan->v);
	memset(plan, 0, sizeof(*plan));
}

/* The plan file, built with struct nt_jw (util/json.h). */
static struct json_object *change_json(struct nt_jw *w,
				       const struct nt_change *c)
{
	struct json_object *o = json_object_new_object();

	nt_jw_str(w, o, "knob", c->knob);
	nt_jw_str(w, o, "subject", c->subject);
	nt_jw_str(w, o, "current", c->current);
	nt_jw_str(w, o, "target", c->target);
	nt_jw_str(w, o, "reason", c->reason);
	return o;
}

static struct json_object *changes_json(struct nt_jw *w,
					const struct nt_plan *plan)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < plan->n; i++)
		nt_jw_append(w, arr, change_json(w, &plan->v[i]));
	return arr;
}

/**
 * nt_plan_to_json() - the plan document
 * @plan: plan
 *
 * Return: a new reference, or NULL when out of memory.
 */
struct json_object *nt_plan_to_json(const struct nt_plan *plan)
{
	struct json_object *o = json_object_new_object();
	struct nt_jw w = { .oom = !o };

	nt_jw_add(&w, o, "nettune_plan", json_object_new_int(PLAN_VERSION));
	nt_jw_str(&w, o, "profile", plan->profile);
	nt_jw_str(&w, o, "hostname", plan->hostname);
	nt_jw_add(&w, o, "made", nt_json_time(plan->made_ns));
	nt_jw_i64(&w, o, "made_ns", plan->made_ns);
	nt_jw_add(&w, o, "changes", changes_json(&w, plan));
	if (w.oom) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/**
 * nt_plan_save() - write the plan as JSON
 * @plan: plan
 * @path: file; written as PATH.tmp, fsynced and renamed over PATH
 * @err: error buffer
 *
 * Return: 0 or negative errno.
 */
int nt_plan_save(const struct nt_plan *plan, const char *path,
		 struct nt_err *err)
{
	struct json_object *doc = nt_plan_to_json(plan);
	const char *text;
	int ret;

	if (!doc)
		return nt_err_set(err, ENOMEM, "%s: out of memory", path);
	text = json_object_to_json_string_ext(doc, NT_JSON_FLAGS);
	/* apply reads exactly what was reviewed: never half a file. */
	if (text)
		ret = nt_file_write_atomic(path, text, err);
	else
		ret = nt_err_set(err, ENOMEM, "%s: out of memory", path);
	json_object_put(doc);
	return ret;
}

/* nt_file_read_text(), in the words plan errors have always used. */
static int read_text(const char *path, char **text, size_t *len,
		     struct nt_err *err)
{
	int ret = nt_file_read_text(path, PLAN_MAX_BYTES, text, len, NULL);

	if (ret == -EFBIG)
		return nt_err_set(err, EFBIG, "%s: too big for a plan", path);
	if (ret == -ENOMEM)
		return nt_err_set(err, ENOMEM, "%s: out of memory", path);
	if (ret)
		return nt_err_set(err, -ret, "%s: cannot read: %s", path,
				  strerror(-ret));
	return 0;
}

/* Loading: every member type-checked; errors name it ("changes[2].target"). */
static int ld_member(struct json_object *obj, const char *where,
		     const char *key, json_type type, const char *expected,
		     struct json_object **val, struct nt_err *err)
{
	const char *dot = where[0] ? "." : "";

	if (!json_object_object_get_ex(obj, key, val))
		return nt_err_set(err, EINVAL,
				  "%s%s%s: required member missing", where,
				  dot, key);
	if (!json_object_is_type(*val, type))
		return nt_err_set(err, EINVAL, "%s%s%s: expected %s", where,
				  dot, key, expected);
	return 0;
}

static int ld_str(struct json_object *obj, const char *where, const char *key,
		  char *out, size_t size, bool required, struct nt_err *err)
{
	const char *dot = where[0] ? "." : "";
	struct json_object *val;
	const char *s;
	int ret, len;

	ret = ld_member(obj, where, key, json_type_string, "a string", &val,
			err);
	if (ret)
		return ret;
	s = json_object_get_string(val);
	len = json_object_get_string_len(val);
	if ((size_t)len != strlen(s))
		return nt_err_set(err, EINVAL,
				  "%s%s%s: contains a NUL character", where,
				  dot, key);
	if ((size_t)len >= size)
		return nt_err_set(err, EINVAL,
				  "%s%s%s: too long (at most %zu characters)",
				  where, dot, key, size - 1);
	if (required && !len)
		return nt_err_set(err, EINVAL, "%s%s%s: must not be empty",
				  where, dot, key);
	memcpy(out, s, len + 1);
	return 0;
}

static int ld_change(struct json_object *obj, size_t i, struct nt_change *c,
		     struct nt_err *err)
{
	char where[32];
	int ret;

	snprintf(where, sizeof(where), "changes[%zu]", i);
	if (!json_object_is_type(obj, json_type_object))
		return nt_err_set(err, EINVAL, "%s: expected an object", where);
	ret = ld_str(obj, where, "knob", c->knob, sizeof(c->knob), true, err);
	if (!ret)
		ret = ld_str(obj, where, "subject", c->subject,
			     sizeof(c->subject), true, err);
	if (!ret)
		ret = ld_str(obj, where, "current", c->current,
			     sizeof(c->current), false, err);
	if (!ret)
		ret = ld_str(obj, where, "target", c->target,
			     sizeof(c->target), false, err);
	if (!ret)
		ret = ld_str(obj, where, "reason", c->reason,
			     sizeof(c->reason), false, err);
	return ret;
}

static int ld_changes(struct json_object *doc, struct nt_plan *plan,
		      struct nt_err *err)
{
	struct json_object *arr;
	size_t n;
	int ret;

	ret = ld_member(doc, "", "changes", json_type_array, "an array", &arr,
			err);
	if (ret)
		return ret;
	n = json_object_array_length(arr);
	plan->v = calloc(n + 1, sizeof(*plan->v));
	if (!plan->v)
		return nt_err_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < n && !ret; i++)
		ret = ld_change(json_object_array_get_idx(arr, i), i,
				&plan->v[i], err);
	plan->n = n;
	return ret;
}

static int ld_version(struct json_object *doc, struct nt_err *err)
{
	struct json_object *val;
	int64_t v;

	if (!json_object_is_type(doc, json_type_object))
		return nt_err_set(err, EINVAL, "expected a JSON object");
	if (!json_object_object_get_ex(doc, "nettune_plan", &val))
		return nt_err_set(err, EINVAL,
				  "nettune_plan: required member missing (not a nettune plan?)");
	if (!json_object_is_type(val, json_type_int))
		return nt_err_set(err, EINVAL,
				  "nettune_plan: expected an integer");
	v = json_object_get_int64(val);
	if (v != PLAN_VERSION)
		return nt_err_set(err, EINVAL,
				  "nettune_plan: unsupported version %lld (this nettune reads version %d)",
				  (long long)v, PLAN_VERSION);
	return 0;
}

static int plan_from_json(struct json_object *doc, struct nt_plan *plan,
			  struct nt_err *err)
{
	struct json_object *val;
	char made[64];
	int ret;

	ret = ld_version(doc, err);
	if (!ret)
		ret = ld_str(doc, "", "profile", plan->profile,
			     sizeof(plan->profile), false, err);
	if (!ret)
		ret = ld_str(doc, "", "hostname", plan->hostname,
			     sizeof(plan->hostname), false, err);
	if (!ret)
		ret = ld_str(doc, "", "made", made, sizeof(made), false, err);
	if (!ret)
		ret = ld_member(doc, "", "made_ns", json_type_int,
				"an integer", &val, err);
	if (!ret)
		plan->made_ns = json_object_get_int64(val);
	if (!ret)
		ret = ld_changes(doc, plan, err);
	return ret;
}

/**
 * nt_plan_load() - read a plan file
 * @path: file written by nt_plan_save()
 * @plan: out; free with nt_plan_free()
 * @err: "PATH: MEMBER: what is wrong" on malformed input
 *
 * Unknown members are ignored, so newer writers stay readable.
 * Return: 0, -EINVAL, -ENOMEM or another negative errno.
 */
int nt_plan_load(const char *path, struct nt_plan *plan, struct nt_err *err)
{
	struct nt_err inner = { 0 };
	struct json_object *doc = NULL;
	char *text = NULL;
	size_t len = 0;
	int ret;

	memset(plan, 0, sizeof(*plan));
	ret = read_text(path, &text, &len, err);
	if (ret)
		return ret;
	ret = nt_json_parse(path, text, len, &doc, err);
	free(text);
	if (ret)
		return ret;
	ret = plan_from_json(doc, plan, &inner);
	json_object_put(doc);
	if (ret) {
		nt_err_set(err, -ret, "%s: %s", path, inner.msg);
		nt_plan_free(plan);
	}
	return ret;
}
