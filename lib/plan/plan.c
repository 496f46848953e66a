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
#include "util/str.h"
#include "util/json.h"

#include "util/array.h"
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
	V_ANY,		/* [main]: literal */
	V_SYSCTL,	/* literal; numeric fields may carry a bound */
	V_RINGS,	/* [BOUND] N | max | max N */
	V_CHANNELS,	/* N | max | local-cores */
	V_IRQ,		/* spread-local | spread | CPULIST */
	V_RPS,		/* auto | off | CPULIST */
	V_XPS,		/* match-irq | off | CPULIST */
	V_U32,		/* N, 0 allowed */
	V_SIZE,		/* [BOUND] N, 0 allowed */
	V_WORDS,	/* a non-empty word list */
};

static const struct rule {
	const char *section;
	const char *key;	/* NULL: any key */
	enum val val;
	bool per_iface;		/* may be limited: "[rings eth*]" */
} rules[] = {
	{ "main", NULL, V_ANY, false },
	{ "sysctl", NULL, V_SYSCTL, false },
	{ "rings", "rx", V_RINGS, true },
	{ "rings", "tx", V_RINGS, true },
	{ "channels", "combined", V_CHANNELS, true },
	{ "channels", "rx", V_CHANNELS, true },
	{ "channels", "tx", V_CHANNELS, true },
	{ "irq", "affinity", V_IRQ, true },
	{ "rps", "cpus", V_RPS, true },
	{ "rps", "flow_cnt", V_SIZE, true },
	{ "xps", "cpus", V_XPS, true },
	{ "qdisc", "root", V_WORDS, true },
	{ "qdisc", "txqlen", V_SIZE, true },
	{ "congestion", "algorithm", V_WORDS, false },
	{ "congestion", "qdisc", V_WORDS, false },
};

static const char *const val_expected[] = {
	[V_ANY] = "any value",
	[V_SYSCTL] = "a value; a bound (>=, <= or =) only before a number",
	[V_RINGS] = "N, max or max N",
	[V_CHANNELS] = "N, max or local-cores",
	[V_IRQ] = "spread-local, spread or a CPU list",
	[V_RPS] = "auto, off or a CPU list",
	[V_XPS] = "match-irq, off or a CPU list",
	[V_U32] = "a number",
	[V_SIZE] = "a number",
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

/*
 * How a planned number relates to the host's: B_DEFAULT is the knob's
 * default (at least for size-like knobs, else exactly).
 */
enum bound { B_DEFAULT, B_EXACT, B_AT_LEAST, B_AT_MOST };

static const char *const bound_op[] = {
	[B_DEFAULT] = "=", [B_EXACT] = "=", [B_AT_LEAST] = ">=",
	[B_AT_MOST] = "<=",
};

static const char *const bound_words[] = {
	[B_DEFAULT] = "exactly", [B_EXACT] = "exactly",
	[B_AT_LEAST] = "at least", [B_AT_MOST] = "at most",
};

struct intent {
	enum intent_kind kind;
	uint32_t n;
	bool capped;
	enum bound bound;
};

/* Most fields a vector sysctl has (tcp_rmem has 3). */
#define MAX_FIELDS	8

/* A [sysctl] value taken apart: the literal without bounds, and each
 * field's bound. */
struct fields {
	char plain[NT_VALUE_LEN];
	enum bound bound[MAX_FIELDS];
	size_t n;
};

/*
 * Size-like sysctls: buffers, backlogs, budgets, table sizes.  A profile
 * value for them is a floor unless it says otherwise: lowering what a
 * host was given on purpose is never what "tuning" means.
 */
static const char *const size_like_sysctls[] = {
	"net.core.dev_weight", "net.core.flow_limit_table_len",
	"net.core.netdev_budget", "net.core.netdev_budget_usecs",
	"net.core.netdev_max_backlog", "net.core.optmem_max",
	"net.core.rmem_default", "net.core.rmem_max",
	"net.core.rps_sock_flow_entries", "net.core.somaxconn",
	"net.core.wmem_default", "net.core.wmem_max",
	"net.ipv4.tcp_max_orphans", "net.ipv4.tcp_max_syn_backlog",
	"net.ipv4.tcp_max_tw_buckets", "net.ipv4.tcp_mem",
	"net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem", "net.ipv4.udp_mem",
	"net.ipv4.udp_rmem_min", "net.ipv4.udp_wmem_min",
	"net.netfilter.nf_conntrack_buckets",
	"net.netfilter.nf_conntrack_max",
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
	struct nt_change *kept;		/* left alone: a bound holds */
	size_t n_kept, cap_kept;
	struct nt_plan_later *later;
	size_t n_later, cap_later;
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

/* A bound at the start of @s, and the blanks after it: the rest of @s. */
static const char *strip_bound(const char *s, enum bound *b)
{
	size_t len = 0;

	*b = B_DEFAULT;
	if (!strncmp(s, ">=", 2) || !strncmp(s, "<=", 2)) {
		*b = s[0] == '>' ? B_AT_LEAST : B_AT_MOST;
		len = 2;
	} else if (s[0] == '=') {
		*b = B_EXACT;
		len = 1;
	}
	for (s += len; *s == ' ' || *s == '\t'; s++)
		;
	return s;
}

static bool is_number(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return len > 0;
}

/* One field of a [sysctl] value: @op characters of bound, then the text. */
static bool add_field(struct fields *f, const char *p, size_t w, size_t op,
		      enum bound b)
{
	size_t len = strlen(f->plain);

	if (f->n == MAX_FIELDS || len + w + 2 > sizeof(f->plain))
		return false;
	/* a floor or a ceiling needs a number; "exactly" takes any word */
	if ((b == B_AT_LEAST || b == B_AT_MOST) && !is_number(p + op, w - op))
		return false;
	if (len)
		f->plain[len++] = ' ';
	memcpy(f->plain + len, p + op, w - op);
	f->plain[len + w - op] = '\0';
	f->bound[f->n++] = b;
	return true;
}

/*
 * "[OP] F1 [OP]F2 ...", squeezed: an operator standing alone before the
 * first field applies to every field without one of its own, one attached
 * to a field (">=131072") to that field only.
 */
static bool parse_fields(const char *s, struct fields *f)
{
	enum bound all = B_DEFAULT, b;

	memset(f, 0, sizeof(*f));
	while (*s) {
		size_t w = strcspn(s, " "), op;

		op = strip_bound(s, &b) - s;
		op = op > w ? w : op;
		if (op == w) {
			if (f->n || all != B_DEFAULT)
				return false;
			all = b;
		} else if (!add_field(f, s, w, op, op ? b : all)) {
			return false;
		}
		s += w;
		s += *s == ' ';
	}
	return f->n > 0;
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
	if (!channels)
		s = strip_bound(s, &in->bound);
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
	struct fields fields;

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
	case V_SIZE:
		in->kind = IN_NUMBER;
		return parse_u32(strip_bound(s, &in->bound), &in->n);
	case V_SYSCTL:
		in->kind = IN_LITERAL;
		return parse_fields(s, &fields);
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

/* One more zeroed element of the array @v (@n used, @cap allocated). */
static void *push(struct mk *m, void **v, size_t *n, size_t *cap,
		  size_t size)
{
	char *bigger;
	size_t more;

	if (*n == *cap) {
		more = *cap ? *cap * 2 : 32;
		bigger = realloc(*v, more * size);
		if (!bigger) {
			mk_oom(m);
			return NULL;
		}
		*v = bigger;
		*cap = more;
	}
	bigger = (char *)*v + (*n)++ * size;
	memset(bigger, 0, size);
	return bigger;
}

static struct nt_change *push_change(struct mk *m, bool kept)
{
	if (kept)
		return push(m, (void **)&m->kept, &m->n_kept, &m->cap_kept,
			    sizeof(*m->kept));
	return push(m, (void **)&m->v, &m->n, &m->cap, sizeof(*m->v));
}

/* A change (or with @kept, an entry left alone); NULL on failure. */
static struct nt_change *vadd_change(struct mk *m, bool kept,
				     const char *knob, const char *subject,
				     const char *current, const char *target,
				     const struct nt_profile_entry *e,
				     const char *why, va_list ap)
{
	struct nt_change *c;
	char text[NT_REASON_LEN];

	if (m->ret)
		return NULL;
	if (strlen(subject) >= NT_SUBJECT_LEN ||
	    strlen(current) >= NT_VALUE_LEN || strlen(target) >= NT_VALUE_LEN) {
		mk_fail(m, EINVAL,
			"%s:%d: %s %s: value too long for a plan (at most %d characters)",
			e->file, e->line, knob, subject, NT_VALUE_LEN - 1);
		return NULL;
	}
	c = push_change(m, kept);
	if (!c)
		return NULL;
	copy_str(c->knob, sizeof(c->knob), knob);
	copy_str(c->subject, sizeof(c->subject), subject);
	copy_str(c->current, sizeof(c->current), current);
	copy_str(c->target, sizeof(c->target), target);
	vsnprintf(text, sizeof(text), why, ap);
	str_fmt(c->reason, sizeof(c->reason), "%s %s:%d: %s", m->prof->name,
		base_name(e->file), e->line, text);
	return c;
}

/* Add a change; @why says in a few words how the intent became @target. */
static struct nt_change *__attribute__((format(printf, 7, 8)))
add_change(struct mk *m, const char *knob, const char *subject,
	   const char *current, const char *target,
	   const struct nt_profile_entry *e, const char *why, ...)
{
	struct nt_change *c;
	va_list ap;

	va_start(ap, why);
	c = vadd_change(m, false, knob, subject, current, target, e, why, ap);
	va_end(ap);
	return c;
}

/* An entry left alone: @target is what the profile asked for. */
static void __attribute__((format(printf, 7, 8)))
add_kept(struct mk *m, const char *knob, const char *subject,
	 const char *current, const char *target,
	 const struct nt_profile_entry *e, const char *why, ...)
{
	va_list ap;

	va_start(ap, why);
	vadd_change(m, true, knob, subject, current, target, e, why, ap);
	va_end(ap);
}

/*
 * A number with a bound: at least leaves a bigger @cur alone, at most a
 * smaller one (both into the plan's kept entries, with the reason).
 */
static void add_bounded(struct mk *m, const char *knob, const char *subject,
			uint32_t cur, uint32_t target, enum bound bound,
			const struct nt_profile_entry *e, const char *why)
{
	char a[16], b[16];
	struct nt_change *c;

	if (cur == target)
		return;
	str_fmt(a, sizeof(a), "%u", cur);
	str_fmt(b, sizeof(b), "%u", target);
	if ((bound == B_AT_LEAST && cur > target) ||
	    (bound == B_AT_MOST && cur < target)) {
		add_kept(m, knob, subject, a, b, e,
			 "%s; left alone: %s %u, the host has %u", why,
			 bound_words[bound], target, cur);
		return;
	}
	c = add_change(m, knob, subject, a, b, e, "%s", why);
	if (c && bound != B_EXACT && bound != B_DEFAULT)
		str_fmt(c->bound, sizeof(c->bound), "%s", bound_op[bound]);
}

/* The bound of @e (size-like knobs: at least unless it says otherwise). */
static enum bound entry_bound(const struct nt_profile_entry *e)
{
	struct intent in;
	char value[sizeof(e->value)];
	bool known;
	const struct rule *r = find_rule(e->section, e->key, &known);

	if (!r || (r->val != V_RINGS && r->val != V_SIZE))
		return B_EXACT;
	squeeze(value, sizeof(value), e->value);
	parse_intent(r->val, value, &in);
	return in.bound == B_DEFAULT ? B_AT_LEAST : in.bound;
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

/* There, but no one may write it here (host-wide, seen from a netns). */
static bool sysctl_read_only(const struct nt_host *h, const char *name)
{
	for (size_t i = 0; i < h->n_sysctls; i++)
		if (h->sysctls[i].name && !strcmp(h->sysctls[i].name, name))
			return h->sysctls[i].read_only;
	return false;
}

/*
 * What the kernel has (host->kernel_has, lib/sys/kmod.c).  Unknown (an
 * older snapshot): every kind, as before.  A kind some interface uses is
 * there whatever the files say.
 */
static bool qdisc_available(const struct mk *m, const char *kind)
{
	const struct nt_host *h = m->host;

	if (h->kernel_has.state != NT_STATE_OK ||
	    word_in(h->kernel_has.qdiscs ? h->kernel_has.qdiscs : "", kind))
		return true;
	for (size_t i = 0; i < h->n_ifaces; i++) {
		const struct nt_iface *ifc = &h->ifaces[i];

		if (!strcmp(ifc->qdisc, kind))
			return true;
		for (size_t q = 0; q < ifc->n_qdiscs; q++)
			if (!strcmp(ifc->qdiscs[q].kind, kind))
				return true;
	}
	return false;
}

/*
 * The first item of "fq, fq_codel limit 10240, pfifo_fast" whose kind
 * (its first word) the kernel has, into @out; false when none, with the
 * kinds tried in @tried.
 */
static bool pick_qdisc(const struct mk *m, const char *list, char *out,
		       size_t size, char *tried, size_t tsize)
{
	char item[NT_VALUE_LEN], kind[NT_NAME_LEN];

	tried[0] = '\0';
	while (*list) {
		size_t len = strcspn(list, ",");

		str_fmt(item, sizeof(item), "%.*s", (int)len, list);
		list += len + (list[len] == ',');
		squeeze(out, size, item);
		if (!out[0])
			continue;
		str_fmt(kind, sizeof(kind), "%.*s", (int)strcspn(out, " "),
			out);
		if (qdisc_available(m, kind))
			return true;
		str_fmt(tried + strlen(tried), tsize - strlen(tried), "%s%s",
			tried[0] ? ", " : "", kind);
	}
	out[0] = '\0';
	return false;
}

/* Why a qdisc is not in the plan: what the kernel was known from. */
static const char *kernel_note(const struct mk *m)
{
	return m->host->kernel_has.modules ? "" :
	       " (no module tree for this kernel: only built-in or loaded kinds count)";
}

/*
 * The first algorithm of the list the kernel offers: what
 * tcp_available_congestion_control lists (built in or loaded), or a
 * module the kernel's module tree has (setting the sysctl loads it).  A
 * network namespace may only pick what tcp_allowed_congestion_control
 * lists (the kernel says EPERM to others); there that key is read-only.
 */
static bool algorithm_ok(const struct nt_host *h, const char *name)
{
	static const char allowed_key[] =
		"net.ipv4.tcp_allowed_congestion_control";
	const char *avail =
		nt_host_sysctl(h, "net.ipv4.tcp_available_congestion_control");
	const char *allowed = nt_host_sysctl(h, allowed_key);
	const char *loadable = h->kernel_has.state == NT_STATE_OK &&
			       h->kernel_has.congestion ?
			       h->kernel_has.congestion : "";

	if (!avail)
		avail = nt_host_sysctl(h, "net.ipv4.tcp_congestion_control");
	if (!word_in(avail ? avail : "", name) && !word_in(loadable, name))
		return false;
	return !allowed || !sysctl_read_only(h, allowed_key) ||
	       word_in(allowed, name);
}

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
		if (algorithm_ok(h, tok)) {
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

static enum bound sysctl_default(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(size_like_sysctls); i++)
		if (!strcmp(size_like_sysctls[i], name))
			return B_AT_LEAST;
	return B_EXACT;
}

/* Field @i of squeezed @s into @buf ("" past the end); its length. */
static size_t field_at(const char *s, size_t i, char *buf, size_t size)
{
	size_t w;

	for (; i && *s; i--) {
		s += strcspn(s, " ");
		s += *s == ' ';
	}
	w = strcspn(s, " ");
	str_fmt(buf, size, "%.*s", (int)w, s);
	return w;
}

static size_t count_fields(const char *s)
{
	size_t n = 0;

	for (; *s; n++) {
		s += strcspn(s, " ");
		s += *s == ' ';
	}
	return n;
}

/*
 * The value a bounded want makes of the host's @cur: each field with a
 * floor or ceiling keeps the host's number when it already satisfies it.
 * @ops gets the bounds ("" when all are exactly); @held counts the fields
 * kept.  A want whose fields do not line up with the host's is exact.
 */
static void bounded_target(const struct fields *f, const char *name,
			   const char *cur, char *target, size_t size,
			   char *ops, size_t ops_size, size_t *held)
{
	char a[32], b[32];
	size_t len = 0, ops_len = 0;
	bool any = false;

	*held = 0;
	ops[0] = '\0';
	if (count_fields(cur) != f->n) {
		str_fmt(target, size, "%s", f->plain);
		return;
	}
	target[0] = '\0';
	for (size_t i = 0; i < f->n; i++) {
		enum bound bd = f->bound[i] == B_DEFAULT ?
				sysctl_default(name) : f->bound[i];
		size_t wa = field_at(cur, i, a, sizeof(a));
		size_t wb = field_at(f->plain, i, b, sizeof(b));
		const char *pick = b;

		if (bd != B_EXACT && is_number(a, wa) && is_number(b, wb)) {
			unsigned long long x = strtoull(a, NULL, 10);
			unsigned long long y = strtoull(b, NULL, 10);

			if ((bd == B_AT_LEAST && x > y) ||
			    (bd == B_AT_MOST && x < y)) {
				pick = a;
				(*held)++;
			}
			any = true;
		} else {
			bd = B_EXACT;
		}
		nt_str_append(target, size, &len, "%s%s", i ? " " : "", pick);
		nt_str_append(ops, ops_size, &ops_len, "%s%s", i ? " " : "",
			      bound_op[bd]);
	}
	if (!any)
		ops[0] = '\0';
}

/* "at least" when every field has that bound, else the operators. */
static const char *bound_text(const char *ops)
{
	bool le = strstr(ops, "<=") != NULL, ge = strstr(ops, ">=") != NULL;
	bool eq = !strncmp(ops, "= ", 2) || strstr(ops, " = ") ||
		  (strlen(ops) > 1 && !strcmp(ops + strlen(ops) - 2, " ="));

	if (ge && !le && !eq)
		return "at least";
	if (le && !ge && !eq)
		return "at most";
	return ops;
}

/* One sysctl the profile wants, against the host's value @cur. */
static void plan_sysctl(struct mk *m, const struct want *w, const char *cur)
{
	char shown[NT_VALUE_LEN], target[NT_VALUE_LEN], ops[NT_BOUND_LEN];
	struct nt_change *c;
	struct fields f;
	size_t held;

	/* the kernel separates vectors with tabs; plans use spaces */
	squeeze(shown, sizeof(shown), cur);
	if (!parse_fields(w->value, &f)) {
		mk_fail(m, EINVAL, "%s:%d: [sysctl] %s: bad value \"%s\" (expected %s)",
			w->e->file, w->e->line, w->name, w->value,
			val_expected[V_SYSCTL]);
		return;
	}
	bounded_target(&f, w->name, shown, target, sizeof(target), ops,
		       sizeof(ops), &held);
	if (!strcmp(target, shown)) {
		if (strcmp(f.plain, shown))
			add_kept(m, "sysctl", w->name, shown, f.plain, w->e,
				 "%s; left alone: the host already satisfies it (%s)",
				 w->why, bound_text(ops));

		return;
	}
	c = add_change(m, "sysctl", w->name, shown, target, w->e, "%s%s",
		       w->why, held ? "; the host's larger fields kept" : "");
	if (c)
		str_fmt(c->bound, sizeof(c->bound), "%s", ops);
}

/* Profile order: where the entry that decided each key stands. */
static int cmp_want(const void *a, const void *b)
{
	const struct want *x = a, *y = b;

	return (x->e > y->e) - (x->e < y->e);
}

/*
 * [congestion] qdisc: the first kind of the list the kernel has becomes
 * net.core.default_qdisc; none of them: left alone, with the reason.
 */
static void want_default_qdisc(struct mk *m, const struct nt_profile_entry *e,
			       struct want *ws, size_t *n)
{
	const char *cur = nt_host_sysctl(m->host, "net.core.default_qdisc");
	char kind[NT_VALUE_LEN], tried[NT_VALUE_LEN], why[NT_REASON_LEN];
	char shown[NT_VALUE_LEN];

	if (pick_qdisc(m, e->value, kind, sizeof(kind), tried,
		       sizeof(tried))) {
		if (strcmp(kind, e->value))
			str_fmt(why, sizeof(why),
				"congestion qdisc = %s: %s is the first this kernel has",
				e->value, kind);
		else
			str_fmt(why, sizeof(why), "congestion qdisc = %s",
				e->value);
		want_add(ws, n, "net.core.default_qdisc", kind, e, why);
		return;
	}
	if (!cur)
		return;
	squeeze(shown, sizeof(shown), cur);
	add_kept(m, "sysctl", "net.core.default_qdisc", shown, tried, e,
		 "congestion qdisc = %s; left alone: this kernel has none of %s%s",
		 e->value, tried, kernel_note(m));
}

static void keep_read_only(struct mk *m, const struct want *w,
			   const char *cur)
{
	char shown[NT_VALUE_LEN], want[NT_VALUE_LEN];

	squeeze(shown, sizeof(shown), cur);
	squeeze(want, sizeof(want), w->value);
	if (!strcmp(shown, want))
		return;
	add_kept(m, "sysctl", w->name, shown, w->value, w->e,
		 "%s; left alone: read-only in this network namespace, set from the host's namespace",
		 w->why);
}

static void plan_sysctls(struct mk *m)
{
	const struct nt_profile_entry *e;
	struct want *ws = calloc(m->prof->n + 2, sizeof(*ws));
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
	if (e)
		want_default_qdisc(m, e, ws, &n);
	qsort(ws, n, sizeof(*ws), cmp_want);
	for (size_t i = 0; i < n && !m->ret; i++) {
		/* Absent here: not this kernel's key, or not in this netns. */
		const char *cur = nt_host_sysctl(m->host, ws[i].name);

		if (cur && sysctl_read_only(m->host, ws[i].name))
			keep_read_only(m, &ws[i], cur);
		else if (cur)
			plan_sysctl(m, &ws[i], cur);
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
	add_bounded(m, knob, ifc->name, cur, target,
		    strcmp(section, "rings") ? B_EXACT : entry_bound(e), e,
		    why);
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
	int qx = nt_irq_queue(x), qy = nt_irq_queue(y);

	if (qx != qy)
		return qx < qy ? -1 : 1;
	return (x->irq > y->irq) - (x->irq < y->irq);
}

/* Does @irq serve only queues below @limit (those the plan keeps)? */
static bool irq_below(const struct nt_iface_irq *irq, uint32_t limit)
{
	return nt_irq_is_queue(irq) &&
	       (irq->rxq < 0 || (uint32_t)irq->rxq < limit) &&
	       (irq->txq < 0 || (uint32_t)irq->txq < limit);
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
		if (irq_below(&ifc->irqs[i], limit))
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

/*
 * Queue IRQ i on CPU order[i % n]: one CPU each, as long as CPUs last.
 * The vectors of a shared PCI function (@device) go by their order.
 */
static void irq_spread(struct mk *m, const struct nt_iface *ifc,
		       const struct nt_iface_irq **irqs, size_t n_irqs,
		       const struct nt_profile_entry *e, bool local,
		       bool device)
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
		if (device)
			str_fmt(why, sizeof(why),
				"irq affinity = %s: vector %zu of device %s%s",
				how, i, ifc->bus_info, where);
		else
			str_fmt(why, sizeof(why),
				"irq affinity = %s: queue %d%s", how,
				nt_irq_queue(irqs[i]), where);
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
		irq_spread(m, ifc, irqs, n, e, in.kind == IN_SPREAD_LOCAL,
			   false);
	free(irqs);
}

/*
 * The [irq ADDR] entry that names @ifc's PCI function, if any: the only
 * way a plan touches the vectors a function shares between its ports.
 */
static const struct nt_profile_entry *device_entry(const struct mk *m,
						   const struct nt_iface *ifc)
{
	const struct nt_profile_entry *found = NULL;

	for (size_t i = 0; ifc->bus_info[0] && i < m->prof->n; i++) {
		const struct nt_profile_entry *e = &m->prof->v[i];

		if (!strcmp(e->section, "irq") && !strcmp(e->key, "affinity") &&
		    e->match[0] && !fnmatch(e->match, ifc->bus_info, 0))
			found = e;
	}
	return found;
}

/* Is @ifc the first interface of the host on its PCI function? */
static bool first_port(const struct mk *m, const struct nt_iface *ifc)
{
	for (size_t i = 0; i < m->host->n_ifaces; i++) {
		const struct nt_iface *o = &m->host->ifaces[i];

		if (!o->is_virtual && !strcmp(o->bus_info, ifc->bus_info))
			return o == ifc;
	}
	return false;
}

/* The device's vectors, planned once, with its first port's name. */
static void plan_device_irq(struct mk *m, const struct nt_iface *ifc)
{
	const struct nt_profile_entry *e = device_entry(m, ifc);
	const struct nt_iface_irq **irqs;
	char value[NT_VALUE_LEN];
	struct intent in;
	size_t n = 0;

	if (!e || ifc->is_virtual || !first_port(m, ifc))
		return;
	irqs = calloc(ifc->n_irqs + 1, sizeof(*irqs));
	if (!irqs) {
		mk_oom(m);
		return;
	}
	for (size_t i = 0; i < ifc->n_irqs; i++)
		if (ifc->irqs[i].owner == NT_IRQ_OWNER_DEVICE)
			irqs[n++] = &ifc->irqs[i];
	entry_intent(e, &in, value, sizeof(value));
	if (in.kind == IN_LIST)
		irq_list(m, ifc, irqs, n, e, value);
	else
		irq_spread(m, ifc, irqs, n, e, in.kind == IN_SPREAD_LOCAL,
			   true);
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
	return nt_irq_is_queue(irq) && irq->rxq >= 0 &&
	       (uint32_t)irq->rxq < limit;
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
		queues |= nt_irq_is_queue(&ifc->irqs[i]);
	for (size_t i = 0; i < ifc->n_irqs && !m->ret; i++) {
		if (queues ? !rx_queue_irq(&ifc->irqs[i], limit) :
			     ifc->irqs[i].owner != NT_IRQ_OWNER_IFACE)
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
		add_bounded(m, "rps.flow_cnt", subject, q->rps_flow_cnt, in.n,
			    entry_bound(e), e, why);
	}
}

/* The IRQ that completes tx queue @index: its tx or combined queue IRQ. */
static const struct nt_iface_irq *tx_irq(const struct nt_iface *ifc,
					 uint32_t index)
{
	const struct nt_iface_irq *found = NULL;

	for (size_t i = 0; i < ifc->n_irqs; i++) {
		const struct nt_iface_irq *irq = &ifc->irqs[i];

		if (!nt_irq_is_queue(irq) || irq->txq < 0 ||
		    (uint32_t)irq->txq != index)
			continue;
		if (irq->rxq < 0)
			return irq;
		if (!found)
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
	add_bounded(m, "txqlen", ifc->name, ifc->txqlen, in.n, entry_bound(e),
		    e, why);
}

/*
 * The host knows the root qdisc's kind, not its parameters: the kind
 * decides, so a plan made again after apply is empty.
 */
static void plan_qdisc(struct mk *m, const struct nt_iface *ifc)
{
	const struct nt_profile_entry *e = iface_entry(m, "qdisc", "root", ifc);
	char value[sizeof(e->value)], why[NT_REASON_LEN];
	char tried[NT_VALUE_LEN];
	size_t kind_len;

	if (!e || !ifc->qdisc[0])
		return;
	/* "fq, fq_codel": the first kind this kernel has */
	if (!pick_qdisc(m, e->value, value, sizeof(value), tried,
			sizeof(tried))) {
		add_kept(m, "qdisc", ifc->name, ifc->qdisc, tried, e,
			 "qdisc root = %s; left alone: this kernel has none of %s%s",
			 e->value, tried, kernel_note(m));
		return;
	}
	kind_len = strcspn(value, " ");
	if (kind_len == strlen(ifc->qdisc) &&
	    !strncmp(value, ifc->qdisc, kind_len))
		return;
	squeeze(tried, sizeof(tried), e->value);
	if (strcmp(tried, value))
		str_fmt(why, sizeof(why),
			"qdisc root = %s: %s is the first this kernel has",
			tried, value);
	else
		str_fmt(why, sizeof(why), "qdisc root = %s", value);
	add_change(m, "qdisc", ifc->name, ifc->qdisc, value, e, "%s", why);
}

typedef void (*iface_step)(struct mk *m, const struct nt_iface *ifc);

/*
 * Apply order; IRQs after channels, which re-create them.  A per-queue
 * step names the profile entry it resolves: on an interface whose queues
 * a channel or ring change re-makes, apply resolves it again afterwards.
 */
static const struct {
	iface_step step;
	const char *section, *key;	/* per-queue steps only */
} iface_steps[] = {
	{ plan_rings, NULL, NULL }, { plan_channels, NULL, NULL },
	{ plan_irq, "irq", "affinity" }, { plan_device_irq, NULL, NULL },
	{ plan_rps, "rps", "cpus" }, { plan_flow_cnt, "rps", "flow_cnt" },
	{ plan_xps, "xps", "cpus" }, { plan_txqlen, NULL, NULL },
	{ plan_qdisc, NULL, NULL },
};

/* The IRQ number of an irq.affinity subject "eth0 irq 38". */
static bool subject_irq(const char *subject, unsigned long *irq)
{
	const char *p = strrchr(subject, ' ');
	char *end;

	if (!p)
		return false;
	*irq = strtoul(p + 1, &end, 10);
	return end != p + 1 && !*end;
}

/*
 * Every IRQ has at most one owner, so no plan names one IRQ twice: two
 * entries would give it two targets, and verify would always find one
 * drifted.  A model that breaks the rule (a hand-made or damaged snapshot)
 * fails here, loudly, instead of being applied.
 */
static void check_irq_unique(struct mk *m)
{
	for (size_t i = 0; i < m->n && !m->ret; i++) {
		unsigned long a, b;

		if (strcmp(m->v[i].knob, "irq.affinity") ||
		    !subject_irq(m->v[i].subject, &a))
			continue;
		for (size_t k = i + 1; k < m->n; k++) {
			if (strcmp(m->v[k].knob, "irq.affinity") ||
			    !subject_irq(m->v[k].subject, &b) || a != b)
				continue;
			mk_fail(m, EINVAL,
				"internal error: IRQ %lu planned twice (\"%s\" and \"%s\"): an IRQ has at most one owning interface",
				a, m->v[i].subject, m->v[k].subject);
			break;
		}
	}
}

/* Does the plan change @ifc's channels or rings? */
static bool queues_change(const struct mk *m, const struct nt_iface *ifc)
{
	static const char *const knobs[] = {
		"channels.combined", "channels.rx", "channels.tx", "rings.rx",
		"rings.tx",
	};

	for (size_t i = 0; i < ARRAY_SIZE(knobs); i++)
		if (find_change(m, knobs[i], ifc->name))
			return true;
	return false;
}

/* Records entry @e as an intent apply resolves after @ifc's changes. */
static void add_later(struct mk *m, const struct nt_iface *ifc,
		      const struct nt_profile_entry *e)
{
	struct nt_plan_later *l;

	l = push(m, (void **)&m->later, &m->n_later, &m->cap_later,
		 sizeof(*m->later));
	if (!l)
		return;
	str_fmt(l->iface, sizeof(l->iface), "%s", ifc->name);
	l->e = *e;
	str_fmt(l->e.match, sizeof(l->e.match), "%s", ifc->name);
	str_fmt(l->e.file, sizeof(l->e.file), "%s", base_name(e->file));
}

/* Step @s on every interface; per-queue changes after a queue change are
 * flagged later, and the entry that made them recorded. */
static void plan_ifaces(struct mk *m, size_t s)
{
	for (size_t i = 0; i < m->host->n_ifaces && !m->ret; i++) {
		const struct nt_iface *ifc = &m->host->ifaces[i];
		const struct nt_profile_entry *e;
		size_t first = m->n;

		if (!iface_wanted(m, ifc))
			continue;
		iface_steps[s].step(m, ifc);
		if (!iface_steps[s].section || !queues_change(m, ifc))
			continue;
		for (size_t k = first; k < m->n; k++)
			m->v[k].later = true;
		e = iface_entry(m, iface_steps[s].section, iface_steps[s].key,
				ifc);
		if (e)
			add_later(m, ifc, e);
	}
}

static void mk_free(struct mk *m)
{
	free(m->cpus);
	free(m->primary);
	nt_cpumask_free(&m->online);
}

static void mk_discard(struct mk *m)
{
	free(m->v);
	free(m->kept);
	free(m->later);
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
		plan_ifaces(&m, i);
	if (!m.ret)
		check_irq_unique(&m);
	mk_free(&m);
	if (m.ret) {
		mk_discard(&m);
		return m.ret;
	}
	str_fmt(plan->profile, sizeof(plan->profile), "%s", profile->name);
	str_fmt(plan->hostname, sizeof(plan->hostname), "%s", host->hostname);
	plan->made_ns = now_ns();
	plan->v = m.v;
	plan->n = m.n;
	plan->kept = m.kept;
	plan->n_kept = m.n_kept;
	plan->later = m.later;
	plan->n_later = m.n_later;
	return 0;
}

const char **nt_plan_later_ifaces(const struct nt_plan *plan)
{
	const char **v = calloc(plan->n_later + 1, sizeof(*v));
	size_t n = 0;

	for (size_t i = 0; v && i < plan->n_later; i++) {
		bool seen = false;

		for (size_t k = 0; k < n && !seen; k++)
			seen = !strcmp(v[k], plan->later[i].iface);
		if (!seen)
			v[n++] = plan->later[i].iface;
	}
	return v;
}

/**
 * nt_plan_resolve() - the later intents of @plan on @host as it is now
 * @plan: a plan with later intents (nt_plan_make)
 * @host: the host after the channel and ring changes
 * @out: the per-queue changes, in apply order; free with nt_plan_free()
 * @err: as nt_plan_make()
 *
 * The intents are a profile of their own (each limited to its interface),
 * planned with the per-queue steps only, so "auto" and "match-irq" see the
 * IRQs the kernel has now.  Return: 0, -EINVAL, -ENOMEM.
 */
int nt_plan_resolve(const struct nt_plan *plan, const struct nt_host *host,
		    struct nt_plan *out, struct nt_err *err)
{
	struct nt_profile prof = { .n = plan->n_later };
	const char **ifaces = nt_plan_later_ifaces(plan);
	struct mk m = { .prof = &prof, .host = host, .err = err };

	memset(out, 0, sizeof(*out));
	prof.v = calloc(plan->n_later + 1, sizeof(*prof.v));
	if (!prof.v || !ifaces) {
		free(prof.v);
		free(ifaces);
		return nt_err_set(err, ENOMEM, "out of memory");
	}
	str_fmt(prof.name, sizeof(prof.name), "%s", plan->profile);
	for (size_t i = 0; i < plan->n_later; i++)
		prof.v[i] = plan->later[i].e;
	m.ifaces = ifaces;
	for (size_t i = 0; i < prof.n && !m.ret; i++)
		check_entry(&m, &prof.v[i]);
	if (!m.ret)
		mk_topology(&m);
	for (size_t i = 0; i < ARRAY_SIZE(iface_steps) && !m.ret; i++)
		if (iface_steps[i].section)
			plan_ifaces(&m, i);
	mk_free(&m);
	free(prof.v);
	free(ifaces);
	if (m.ret) {
		mk_discard(&m);
		return m.ret;
	}
	str_fmt(out->profile, sizeof(out->profile), "%s", plan->profile);
	str_fmt(out->hostname, sizeof(out->hostname), "%s", host->hostname);
	out->made_ns = now_ns();
	out->v = m.v;
	out->n = m.n;
	out->kept = m.kept;
	out->n_kept = m.n_kept;
	free(m.later);
	return 0;
}

/* Field by field with the bound of each; "" bound: @equal decides. */
bool nt_plan_holds(const struct nt_change *c, const char *live,
		   bool (*equal)(const char *knob, const char *a,
				 const char *b))
{
	char x[NT_VALUE_LEN], y[NT_VALUE_LEN], a[32], b[32], op[8];
	size_t n;

	if (!c->bound[0] || !strcmp(c->bound, "="))
		return equal(c->knob, live, c->target);
	squeeze(x, sizeof(x), live);
	squeeze(y, sizeof(y), c->target);
	n = count_fields(y);
	if (count_fields(x) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		size_t wa = field_at(x, i, a, sizeof(a));
		size_t wb = field_at(y, i, b, sizeof(b));
		unsigned long long p, q;

		field_at(c->bound, i, op, sizeof(op));
		if (strcmp(op, ">=") && strcmp(op, "<=")) {
			if (strcmp(a, b))
				return false;
			continue;
		}
		if (!is_number(a, wa) || !is_number(b, wb))
			return false;
		p = strtoull(a, NULL, 10);
		q = strtoull(b, NULL, 10);
		if (op[0] == '>' ? p < q : p > q)
			return false;
	}
	return true;
}

void nt_plan_free(struct nt_plan *plan)
{
	if (!plan)
		return;
	free(plan->v);
	free(plan->kept);
	free(plan->later);
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
	if (c->bound[0])
		nt_jw_str(w, o, "bound", c->bound);
	if (c->later)
		nt_jw_bool(w, o, "later", true);
	return o;
}

static struct json_object *changes_json(struct nt_jw *w,
					const struct nt_change *v, size_t n)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		nt_jw_append(w, arr, change_json(w, &v[i]));
	return arr;
}

static struct json_object *later_json(struct nt_jw *w,
				      const struct nt_plan *plan)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < plan->n_later; i++) {
		const struct nt_plan_later *l = &plan->later[i];
		struct json_object *o = json_object_new_object();

		nt_jw_str(w, o, "iface", l->iface);
		nt_jw_str(w, o, "section", l->e.section);
		nt_jw_str(w, o, "key", l->e.key);
		nt_jw_str(w, o, "value", l->e.value);
		nt_jw_str(w, o, "file", l->e.file);
		nt_jw_i64(w, o, "line", l->e.line);
		nt_jw_append(w, arr, o);
	}
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
	nt_jw_add(&w, o, "changes", changes_json(&w, plan->v, plan->n));
	nt_jw_add(&w, o, "left_alone",
		  changes_json(&w, plan->kept, plan->n_kept));
	nt_jw_add(&w, o, "later", later_json(&w, plan));
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

/* nt_file_read_trusted(), in the words plan errors have always used. */
static int read_text(const char *path, char **text, size_t *len,
		     struct nt_err *err)
{
	/* a plan steers apply: refused unless only root or we could write it */
	int ret = nt_file_read_trusted(path, PLAN_MAX_BYTES, text, len, err);

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

/* An optional string member: absent is "". */
static int ld_opt(struct json_object *obj, const char *where, const char *key,
		  char *out, size_t size, struct nt_err *err)
{
	out[0] = '\0';
	if (!json_object_object_get_ex(obj, key, NULL))
		return 0;
	return ld_str(obj, where, key, out, size, false, err);
}

static int ld_later_flag(struct json_object *obj, const char *where,
			 bool *later, struct nt_err *err)
{
	struct json_object *val;
	int ret;

	*later = false;
	if (!json_object_object_get_ex(obj, "later", NULL))
		return 0;
	ret = ld_member(obj, where, "later", json_type_boolean, "true or false",
			&val, err);
	if (!ret)
		*later = json_object_get_boolean(val);
	return ret;
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
	if (!ret)
		ret = ld_opt(obj, where, "bound", c->bound, sizeof(c->bound),
			     err);
	if (!ret)
		ret = ld_later_flag(obj, where, &c->later, err);
	return ret;
}

/* An array member; @required false: absent is an empty array. */
static int ld_array(struct json_object *doc, const char *key, bool required,
		    size_t size, void **v, size_t *n, struct json_object **arr,
		    struct nt_err *err)
{
	int ret;

	*n = 0;
	*arr = NULL;
	if (!required && !json_object_object_get_ex(doc, key, NULL))
		return 0;
	ret = ld_member(doc, "", key, json_type_array, "an array", arr, err);
	if (ret)
		return ret;
	*n = json_object_array_length(*arr);
	*v = calloc(*n + 1, size);
	return *v ? 0 : nt_err_set(err, ENOMEM, "out of memory");
}

static int ld_change_list(struct json_object *doc, const char *key,
			  bool required, struct nt_change **v, size_t *n,
			  struct nt_err *err)
{
	struct json_object *arr;
	size_t count;
	int ret;

	ret = ld_array(doc, key, required, sizeof(**v), (void **)v, &count,
		       &arr, err);
	for (size_t i = 0; i < count && !ret; i++) {
		ret = ld_change(json_object_array_get_idx(arr, i), i, &(*v)[i],
				err);
		/* "changes[2].target" names the member; so does left_alone */
		if (ret && strcmp(key, "changes")) {
			char msg[sizeof(err->msg)];

			str_fmt(msg, sizeof(msg), "%s", err->msg);
			nt_err_set(err, -ret, "%s: %s", key, msg);
		}

	}
	*n = count;
	return ret;
}

static int ld_later(struct json_object *obj, size_t i, struct nt_plan_later *l,
		    struct nt_err *err)
{
	struct nt_profile_entry *e = &l->e;
	struct json_object *val;
	char where[32];
	int ret;

	snprintf(where, sizeof(where), "later[%zu]", i);
	if (!json_object_is_type(obj, json_type_object))
		return nt_err_set(err, EINVAL, "%s: expected an object", where);
	ret = ld_str(obj, where, "iface", l->iface, sizeof(l->iface), true,
		     err);
	if (!ret)
		ret = ld_str(obj, where, "section", e->section,
			     sizeof(e->section), true, err);
	if (!ret)
		ret = ld_str(obj, where, "key", e->key, sizeof(e->key), true,
			     err);
	if (!ret)
		ret = ld_str(obj, where, "value", e->value, sizeof(e->value),
			     true, err);
	if (!ret)
		ret = ld_str(obj, where, "file", e->file, sizeof(e->file),
			     false, err);
	if (!ret)
		ret = ld_member(obj, where, "line", json_type_int,
				"an integer", &val, err);
	if (!ret) {
		e->line = json_object_get_int(val);
		str_fmt(e->match, sizeof(e->match), "%s", l->iface);
	}
	return ret;
}

static int ld_changes(struct json_object *doc, struct nt_plan *plan,
		      struct nt_err *err)
{
	struct json_object *arr;
	size_t n = 0;
	int ret;

	ret = ld_change_list(doc, "changes", true, &plan->v, &plan->n, err);
	if (!ret)
		ret = ld_change_list(doc, "left_alone", false, &plan->kept,
				     &plan->n_kept, err);
	if (!ret)
		ret = ld_array(doc, "later", false, sizeof(*plan->later),
			       (void **)&plan->later, &n, &arr, err);
	for (size_t i = 0; i < n && !ret; i++)
		ret = ld_later(json_object_array_get_idx(arr, i), i,
			       &plan->later[i], err);
	plan->n_later = n;
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
