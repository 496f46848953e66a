// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The snapshot file: struct nt_host as versioned JSON.  The member names are
 * a contract with the tools that read snapshots.  Saving is lossless, and
 * save -> load -> save gives the same bytes, so snapshots can be diffed.
 */
#include <errno.h>
#include <sys/socket.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/snapshot.h"
#include "util/file.h"
#include "util/json.h"
#include "util/tc.h"

#include "util/array.h"
/*
 * Far above any host's snapshot, and below json_tokener_parse_ex()'s int
 * length; a bigger file is refused unread.
 */
#define NT_SNAPSHOT_MAX	((size_t)64 << 20)

/* A u32 attribute of rings or channels and its "present" bit. */
struct u32_attr {
	const char *name;
	uint32_t bit;
	size_t off;
};

#define RING(f, b)	{ #f, NT_RING_##b, offsetof(struct nt_rings, f) }
static const struct u32_attr ring_attrs[] = {
	RING(rx, RX), RING(rx_max, RX_MAX), RING(tx, TX), RING(tx_max, TX_MAX),
	RING(rx_mini, RX_MINI), RING(rx_mini_max, RX_MINI_MAX),
	RING(rx_jumbo, RX_JUMBO), RING(rx_jumbo_max, RX_JUMBO_MAX),
	RING(rx_buf_len, RX_BUF_LEN), RING(cqe_size, CQE_SIZE),
	RING(tcp_data_split, TCP_DATA_SPLIT), RING(tx_push, TX_PUSH),
	RING(rx_push, RX_PUSH),
};

#define CHAN(f, b)	{ #f, NT_CHAN_##b, offsetof(struct nt_channels, f) }
static const struct u32_attr chan_attrs[] = {
	CHAN(rx, RX), CHAN(rx_max, RX_MAX), CHAN(tx, TX), CHAN(tx_max, TX_MAX),
	CHAN(combined, COMBINED), CHAN(combined_max, COMBINED_MAX),
	CHAN(other, OTHER), CHAN(other_max, OTHER_MAX),
};

static const struct {
	uint32_t bit;
	const char *name;
} source_names[] = {
	{ NT_SRC_PROCFS, "procfs" },
	{ NT_SRC_SYSFS, "sysfs" },
	{ NT_SRC_NETLINK, "netlink" },
	{ NT_SRC_DRVSTATS, "drvstats" },
	{ NT_SRC_SOCKDIAG, "sockdiag" },
};

static uint32_t *u32_at(void *base, size_t off)
{
	return (uint32_t *)((char *)base + off);
}

static uint64_t *u64_at(void *base, size_t off)
{
	return (uint64_t *)((char *)base + off);
}

/* Writing: struct nt_jw (util/json.h) collects allocation failures. */

static struct json_object *mask_json(const struct nt_cpumask *mask)
{
	char stack[256], *buf = stack;
	size_t size = sizeof(stack);
	struct json_object *val;
	int len;

	while ((len = nt_cpumask_format_list(mask, buf, size)) < 0) {
		if (buf != stack)
			free(buf);
		size *= 2;
		buf = malloc(size);
		if (!buf)
			return NULL;
	}
	val = json_object_new_string_len(buf, len);
	if (buf != stack)
		free(buf);
	return val;
}

static void jw_mask(struct nt_jw *w, struct json_object *obj, const char *key,
		    const struct nt_cpumask *mask)
{
	nt_jw_add(w, obj, key, mask_json(mask));
}

/*
 * Blocks of facts with an nt_state: absent when UNKNOWN, null when
 * UNSUPPORTED, so readers can tell "not read" from "the kernel has none".
 * Return: true when the caller should add the values.
 */
static bool jw_state(struct nt_jw *w, struct json_object *obj, const char *key,
		     enum nt_state state)
{
	if (state == NT_STATE_UNSUPPORTED)
		nt_jw_null(w, obj, key);
	return state == NT_STATE_OK;
}

static struct json_object *sources_json(struct nt_jw *w, uint32_t sources)
{
	struct json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < ARRAY_SIZE(source_names); i++) {
		const char *name = source_names[i].name;

		if (sources & source_names[i].bit)
			nt_jw_append(w, arr, json_object_new_string(name));
	}
	return arr;
}

static struct json_object *cpus_json(struct nt_jw *w,
				      const struct nt_host *host)
{
	struct json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < host->n_cpus; i++) {
		const struct nt_cpu *c = &host->cpus[i];
		struct json_object *o = json_object_new_object();

		nt_jw_i64(w, o, "id", c->id);
		nt_jw_bool(w, o, "online", c->online);
		nt_jw_i64(w, o, "core", c->core_id);
		nt_jw_i64(w, o, "package", c->package_id);
		nt_jw_i64(w, o, "node", c->node);
		jw_mask(w, o, "thread_siblings", &c->thread_siblings);
		nt_jw_append(w, arr, o);
	}
	return arr;
}

static struct json_object *nodes_json(struct nt_jw *w,
				       const struct nt_host *host)
{
	struct json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < host->n_nodes; i++) {
		struct json_object *o = json_object_new_object();

		nt_jw_i64(w, o, "id", host->nodes[i].id);
		jw_mask(w, o, "cpus", &host->nodes[i].cpus);
		nt_jw_append(w, arr, o);
	}
	return arr;
}

static struct json_object *attrs_json(struct nt_jw *w,
				      const struct u32_attr *attrs, size_t n,
				      const void *base, uint32_t present)
{
	struct json_object *o = json_object_new_object();
	size_t i;

	for (i = 0; i < n; i++)
		if (present & attrs[i].bit)
			nt_jw_i64(w, o, attrs[i].name,
				  *u32_at((void *)base, attrs[i].off));
	return o;
}

static const char *state_name(enum nt_state state)
{
	return state == NT_STATE_UNSUPPORTED ? "unsupported" : "unknown";
}

/* A queue mask: a CPU list, or null plus a marker saying why not. */
static void jw_queue_mask(struct nt_jw *w, struct json_object *o,
			  const char *key, const char *marker,
			  enum nt_state state, const struct nt_cpumask *mask)
{
	if (state == NT_STATE_OK) {
		jw_mask(w, o, key, mask);
		return;
	}
	nt_jw_null(w, o, key);
	nt_jw_add(w, o, marker, json_object_new_string(state_name(state)));
}

static struct json_object *queues_json(struct nt_jw *w,
					const struct nt_iface *ifc)
{
	struct json_object *q = json_object_new_object();
	struct json_object *rx = json_object_new_array();
	struct json_object *tx = json_object_new_array();
	size_t i;

	for (i = 0; i < ifc->n_rxq; i++) {
		const struct nt_rxq *r = &ifc->rxq[i];
		struct json_object *o = json_object_new_object();

		nt_jw_i64(w, o, "index", r->index);
		jw_queue_mask(w, o, "rps_cpus", "rps", r->rps_state,
			      &r->rps_cpus);
		nt_jw_i64(w, o, "rps_flow_cnt", r->rps_flow_cnt);
		nt_jw_append(w, rx, o);
	}
	for (i = 0; i < ifc->n_txq; i++) {
		const struct nt_txq *t = &ifc->txq[i];
		struct json_object *o = json_object_new_object();

		nt_jw_i64(w, o, "index", t->index);
		jw_queue_mask(w, o, "xps_cpus", "xps", t->xps_state,
			      &t->xps_cpus);
		nt_jw_append(w, tx, o);
	}
	nt_jw_add(w, q, "rx", rx);
	nt_jw_add(w, q, "tx", tx);
	return q;
}

static void jw_int_null(struct nt_jw *w, struct json_object *o,
			const char *key, int v)
{
	if (v < 0)
		nt_jw_null(w, o, key);
	else
		nt_jw_i64(w, o, key, v);
}

/*
 * Queues, kind, owner and rule of an IRQ; "queue" and "queue_type" as
 * snapshots before them had (rx first for "tx 0 + rx 3").
 */
static void jw_irq_queues(struct nt_jw *w, struct json_object *o,
			  const struct nt_iface_irq *irq)
{
	bool q = nt_irq_is_queue(irq);
	int rx = q ? irq->rxq : -1, tx = q ? irq->txq : -1;

	jw_int_null(w, o, "queue", nt_irq_queue(irq));
	nt_jw_str_opt(w, o, "queue_type", !q ? "" : rx == tx ? "rxtx" :
		      rx >= 0 ? "rx" : "tx");
	jw_int_null(w, o, "rx_queue", rx);
	jw_int_null(w, o, "tx_queue", tx);
	nt_jw_str(w, o, "kind", nt_irq_kind_name(irq->kind));
	nt_jw_str(w, o, "owner", nt_irq_owner_name(irq->owner));
	nt_jw_str(w, o, "rule", nt_irq_rule_name(irq->rule));
	nt_jw_str_opt(w, o, "pattern", irq->pattern);
}

static struct json_object *irqs_json(struct nt_jw *w,
				      const struct nt_iface *ifc)
{
	struct json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < ifc->n_irqs; i++) {
		const struct nt_iface_irq *irq = &ifc->irqs[i];
		struct json_object *o = json_object_new_object();

		nt_jw_i64(w, o, "irq", irq->irq);
		nt_jw_str(w, o, "name", irq->name);
		jw_irq_queues(w, o, irq);
		jw_mask(w, o, "affinity", &irq->affinity);
		jw_mask(w, o, "effective_affinity", &irq->effective_affinity);
		nt_jw_i64(w, o, "node", irq->node);
		nt_jw_append(w, arr, o);
	}
	return arr;
}

static void jw_u64_fields(struct nt_jw *w, struct json_object *o,
			  const struct nt_u64_field *f, size_t n, const void *base)
{
	size_t i;

	for (i = 0; i < n; i++)
		nt_jw_u64(w, o, f[i].name, *u64_at((void *)base, f[i].off));
}

static struct json_object *stats_json(struct nt_jw *w,
				      const struct nt_link_stats *stats)
{
	struct json_object *o = json_object_new_object();

	jw_u64_fields(w, o, nt_link_stat_fields, NT_LINK_STATS_N,
		      stats);
	return o;
}

static struct json_object *qdiscs_json(struct nt_jw *w,
				       const struct nt_iface *ifc)
{
	struct json_object *arr = json_object_new_array();
	char buf[16];
	size_t i;

	for (i = 0; i < ifc->n_qdiscs; i++) {
		const struct nt_qdisc *q = &ifc->qdiscs[i];
		struct json_object *o = json_object_new_object();

		nt_jw_str(w, o, "kind", q->kind);
		nt_tc_handle_format(q->handle, buf, sizeof(buf));
		nt_jw_str(w, o, "handle", buf);
		nt_tc_handle_format(q->parent, buf, sizeof(buf));
		nt_jw_str(w, o, "parent", buf);
		jw_u64_fields(w, o, nt_qdisc_fields, NT_QDISC_N, q);
		nt_jw_append(w, arr, o);
	}
	return arr;
}

static struct json_object *counters_json(struct nt_jw *w,
					 const struct nt_counters *c)
{
	struct json_object *o = json_object_new_object();
	size_t i;

	for (i = 0; i < c->n; i++)
		nt_jw_i64(w, o, c->v[i].name, c->v[i].value);
	return o;
}

static void jw_iface_link(struct nt_jw *w, struct json_object *o,
			  const struct nt_iface *ifc)
{
	nt_jw_str(w, o, "name", ifc->name);
	nt_jw_i64(w, o, "ifindex", ifc->ifindex);
	nt_jw_str_opt(w, o, "kind", ifc->kind);
	nt_jw_str_opt(w, o, "driver", ifc->driver);
	nt_jw_str_opt(w, o, "bus_info", ifc->bus_info);
	nt_jw_bool(w, o, "virtual", ifc->is_virtual);
	if (ifc->speed == -1)
		nt_jw_null(w, o, "speed");
	else
		nt_jw_i64(w, o, "speed", ifc->speed);
	nt_jw_str_opt(w, o, "duplex", ifc->duplex);
	nt_jw_i64(w, o, "numa_node", ifc->numa_node);
	nt_jw_i64(w, o, "mtu", ifc->mtu);
	nt_jw_i64(w, o, "txqlen", ifc->txqlen);
	nt_jw_str(w, o, "operstate", ifc->operstate);
	nt_jw_str_opt(w, o, "qdisc", ifc->qdisc);
	nt_jw_i64(w, o, "master_ifindex", ifc->master_ifindex);
	nt_jw_i64(w, o, "num_rx_queues", ifc->num_rx_queues);
	nt_jw_i64(w, o, "num_tx_queues", ifc->num_tx_queues);
}

static struct json_object *iface_json(struct nt_jw *w,
				       const struct nt_iface *ifc)
{
	struct json_object *o = json_object_new_object();

	jw_iface_link(w, o, ifc);
	if (jw_state(w, o, "rings", ifc->rings.state))
		nt_jw_add(w, o, "rings", attrs_json(w, ring_attrs,
						    ARRAY_SIZE(ring_attrs),
						    &ifc->rings,
						    ifc->rings.present));
	if (jw_state(w, o, "channels", ifc->channels.state))
		nt_jw_add(w, o, "channels", attrs_json(w, chan_attrs,
						       ARRAY_SIZE(chan_attrs),
						       &ifc->channels,
						       ifc->channels.present));
	nt_jw_add(w, o, "queues", queues_json(w, ifc));
	nt_jw_add(w, o, "irqs", irqs_json(w, ifc));
	if (jw_state(w, o, "stats", ifc->link_stats_state))
		nt_jw_add(w, o, "stats", stats_json(w, &ifc->stats));
	if (jw_state(w, o, "qdiscs", ifc->qdiscs_state))
		nt_jw_add(w, o, "qdiscs", qdiscs_json(w, ifc));
	if (jw_state(w, o, "driver_stats", ifc->driver_stats_state))
		nt_jw_add(w, o, "driver_stats",
			  counters_json(w, &ifc->driver_stats));
	return o;
}

static bool iface_wanted(const char *name, const char *const *only)
{
	if (!only)
		return true;
	for (; *only; only++)
		if (!strcmp(*only, name))
			return true;
	return false;
}

static struct json_object *ifaces_json(struct nt_jw *w,
				       const struct nt_host *host,
				       const char *const *only)
{
	struct json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < host->n_ifaces; i++)
		if (iface_wanted(host->ifaces[i].name, only))
			nt_jw_append(w, arr, iface_json(w, &host->ifaces[i]));
	return arr;
}

static struct json_object *sysctls_json(struct nt_jw *w,
					const struct nt_host *host)
{
	struct json_object *o = json_object_new_object();
	size_t i;

	for (i = 0; i < host->n_sysctls; i++)
		if (host->sysctls[i].name)
			nt_jw_str(w, o, host->sysctls[i].name,
				  host->sysctls[i].value);
	return o;
}

static struct json_object *words_json(struct nt_jw *w, const char *s)
{
	struct json_object *arr = json_object_new_array();
	size_t n;

	for (;;) {
		s += strspn(s, " \t\n");
		n = strcspn(s, " \t\n");
		if (!n)
			return arr;
		nt_jw_append(w, arr, json_object_new_string_len(s, n));
		s += n;
	}
}

/* The sysctls that are there but writable by no one (mode 0444 here). */
static struct json_object *read_only_json(struct nt_jw *w,
					  const struct nt_host *host)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < host->n_sysctls; i++) {
		const struct nt_sysctl *s = &host->sysctls[i];

		if (s->name && s->read_only)
			nt_jw_append(w, arr, json_object_new_string(s->name));
	}
	return arr;
}

/* What the kernel has (lib/sys/kmod.c); absent when not known. */
static struct json_object *kernel_has_json(struct nt_jw *w,
					   const struct nt_kernel_has *k)
{
	struct json_object *o = json_object_new_object();

	nt_jw_add(w, o, "qdiscs", words_json(w, k->qdiscs ? k->qdiscs : ""));
	nt_jw_add(w, o, "congestion",
		  words_json(w, k->congestion ? k->congestion : ""));
	nt_jw_bool(w, o, "modules", k->modules);
	return o;
}

/* Derived for readers' convenience; the sysctls hold the truth. */
static struct json_object *congestion_json(struct nt_jw *w,
					   const struct nt_host *host)
{
	struct json_object *o = json_object_new_object();
	const char *avail;

	nt_jw_str(w, o, "current",
		  nt_host_sysctl(host, "net.ipv4.tcp_congestion_control"));
	avail = nt_host_sysctl(host,
			       "net.ipv4.tcp_available_congestion_control");
	if (avail)
		nt_jw_add(w, o, "available", words_json(w, avail));
	else
		nt_jw_null(w, o, "available");
	return o;
}

static struct json_object *softnet_json(struct nt_jw *w,
					const struct nt_host *host)
{
	struct json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < host->n_softnet; i++) {
		const struct nt_softnet *s = &host->softnet[i];
		struct json_object *o = json_object_new_object();

		nt_jw_i64(w, o, "cpu", s->cpu);
		nt_jw_i64(w, o, "ncols", s->ncols);
		jw_u64_fields(w, o, nt_softnet_fields, NT_SOFTNET_N,
			      s);
		nt_jw_append(w, arr, o);
	}
	return arr;
}

static struct json_object *listeners_json(struct nt_jw *w,
					  const struct nt_host *host)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < host->n_listeners; i++) {
		const struct nt_listener *s = &host->listeners[i];
		struct json_object *o = json_object_new_object();

		nt_jw_i64(w, o, "family", s->family == AF_INET6 ? 6 : 4);
		nt_jw_str(w, o, "addr", s->addr);
		nt_jw_i64(w, o, "port", s->port);
		nt_jw_i64(w, o, "accept_queue", s->accept_queue);
		nt_jw_i64(w, o, "backlog", s->backlog);
		nt_jw_append(w, arr, o);
	}
	return arr;
}

static struct json_object *cpu_ids_json(struct nt_jw *w, const uint32_t *ids,
					uint32_t ncpus)
{
	struct json_object *arr = json_object_new_array();
	uint32_t i;

	for (i = 0; i < ncpus; i++)
		nt_jw_append(w, arr, json_object_new_int64(ids ? ids[i] : i));
	return arr;
}

static struct json_object *counts_json(struct nt_jw *w, const uint64_t *counts,
				       uint32_t ncpus)
{
	struct json_object *arr = json_object_new_array();
	uint32_t i;

	for (i = 0; i < ncpus; i++)
		nt_jw_append(w, arr, json_object_new_uint64(counts ? counts[i]
								   : 0));
	return arr;
}

static struct json_object *interrupts_json(struct nt_jw *w,
					   const struct nt_interrupts *t)
{
	struct json_object *o = json_object_new_object();
	struct json_object *lines = json_object_new_array();
	size_t i;

	nt_jw_add(w, o, "cpus", cpu_ids_json(w, t->cpu_ids, t->ncpus));
	for (i = 0; i < t->n; i++) {
		const struct nt_interrupt *line = &t->v[i];
		struct json_object *l = json_object_new_object();

		nt_jw_str(w, l, "id", line->id);
		nt_jw_str(w, l, "chip", line->chip);
		nt_jw_str(w, l, "name", line->name);
		nt_jw_add(w, l, "counts",
			  counts_json(w, line->counts, t->ncpus));
		nt_jw_append(w, lines, l);
	}
	nt_jw_add(w, o, "lines", lines);
	return o;
}

static struct json_object *softirqs_json(struct nt_jw *w,
					 const struct nt_softirqs *t)
{
	struct json_object *o = json_object_new_object();
	struct json_object *rows = json_object_new_array();
	size_t i;

	nt_jw_add(w, o, "cpus", cpu_ids_json(w, t->cpu_ids, t->ncpus));
	for (i = 0; i < t->n; i++) {
		const struct nt_softirq *row = &t->v[i];
		struct json_object *r = json_object_new_object();

		nt_jw_str(w, r, "name", row->name);
		nt_jw_add(w, r, "counts",
			  counts_json(w, row->counts, t->ncpus));
		nt_jw_append(w, rows, r);
	}
	nt_jw_add(w, o, "rows", rows);
	return o;
}

/*
 * Seconds since boot as /proc/uptime prints them ("350735.47"): two
 * decimals, more only when the nanoseconds need them, so that loading
 * gives back the same nanoseconds.
 */
static struct json_object *uptime_json(int64_t ns)
{
	char buf[48];
	int len;

	len = snprintf(buf, sizeof(buf), "%" PRId64 ".%09" PRId64,
		       ns / 1000000000, ns % 1000000000);
	while (len > 0 && buf[len - 1] == '0' && buf[len - 3] != '.')
		len--;
	buf[len] = '\0';
	return json_object_new_double_s((double)ns / 1e9, buf);
}

static void jw_host_head(struct nt_jw *w, struct json_object *o,
			 const struct nt_host *host)
{
	nt_jw_i64(w, o, "nettune_snapshot", NT_SNAPSHOT_VERSION);
	/* "taken" is for people; the integers make loading exact. */
	nt_jw_add(w, o, "taken", nt_json_time(host->taken_ns));
	nt_jw_i64(w, o, "taken_ns", host->taken_ns);
	nt_jw_i64(w, o, "mono_ns", host->mono_ns);
	/* 0 is unknown: the key is left out */
	if (host->uptime_ns > 0)
		nt_jw_add(w, o, "uptime", uptime_json(host->uptime_ns));
	nt_jw_str(w, o, "hostname", host->hostname);
	nt_jw_str(w, o, "kernel", host->kernel);
	nt_jw_str(w, o, "root", host->root);
	nt_jw_add(w, o, "sources", sources_json(w, host->sources));
}

struct json_object *nt_snapshot_to_json(const struct nt_host *host,
					const char *const *only)
{
	struct json_object *o = json_object_new_object();
	struct nt_jw w = { .oom = !o };

	jw_host_head(&w, o, host);
	nt_jw_add(&w, o, "cpus", cpus_json(&w, host));
	nt_jw_add(&w, o, "numa_nodes", nodes_json(&w, host));
	nt_jw_add(&w, o, "interfaces", ifaces_json(&w, host, only));
	nt_jw_add(&w, o, "sysctls", sysctls_json(&w, host));
	nt_jw_add(&w, o, "sysctls_read_only", read_only_json(&w, host));
	nt_jw_add(&w, o, "congestion_control", congestion_json(&w, host));
	if (host->kernel_has.state == NT_STATE_OK)
		nt_jw_add(&w, o, "kernel_has",
			  kernel_has_json(&w, &host->kernel_has));
	if (host->irqbalance < 0)
		nt_jw_null(&w, o, "irqbalance");
	else
		nt_jw_bool(&w, o, "irqbalance", host->irqbalance);
	nt_jw_add(&w, o, "softnet", softnet_json(&w, host));
	nt_jw_add(&w, o, "interrupts", interrupts_json(&w, &host->interrupts));
	nt_jw_add(&w, o, "softirqs", softirqs_json(&w, &host->softirqs));
	nt_jw_add(&w, o, "snmp", counters_json(&w, &host->snmp));
	nt_jw_add(&w, o, "sockstat", counters_json(&w, &host->sockstat));
	/* only when read: an empty list means "no listener", not "unknown" */
	if (host->sources & NT_SRC_SOCKDIAG)
		nt_jw_add(&w, o, "listeners", listeners_json(&w, host));
	if (w.oom) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/*
 * Loading.  Every member is type-checked and errors name its path, e.g.
 * "interfaces[3].rings.rx".  The first error sticks in ld->ret and turns
 * the remaining steps into no-ops, which keeps the loaders straight-line.
 */
struct ld {
	struct nt_err *err;
	int ret;
	uint32_t ncpus;		/* columns of the table being loaded */
	size_t len;
	char path[256];
};

typedef void (*ld_conv)(struct ld *l, struct json_object *val, void *out);

#define LD_ANY	SIZE_MAX	/* any array length */

static size_t ld_push(struct ld *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static size_t ld_push(struct ld *l, const char *fmt, ...)
{
	size_t mark = l->len, room = sizeof(l->path) - l->len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(l->path + l->len, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len += (size_t)n < room ? (size_t)n : room - 1;
	return mark;
}

static size_t ld_key(struct ld *l, const char *key)
{
	return ld_push(l, "%s%s", l->len ? "." : "", key);
}

static void ld_pop(struct ld *l, size_t mark)
{
	l->len = mark;
	l->path[mark] = '\0';
}

static void ld_fail(struct ld *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void ld_fail(struct ld *l, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (!l->ret)
		l->ret = nt_err_set(l->err, EINVAL, "%s: %s",
				    l->len ? l->path : "snapshot", what);
}

static void ld_oom(struct ld *l)
{
	if (!l->ret)
		l->ret = nt_err_set(l->err, ENOMEM, "out of memory");
}

/* The member @key (path already pushed) of type @type. */
static bool ld_member(struct ld *l, struct json_object *obj, const char *key,
		      json_type type, struct json_object **val)
{
	if (l->ret)
		return false;
	if (!json_object_object_get_ex(obj, key, val)) {
		ld_fail(l, "required member missing");
		return false;
	}
	if (!json_object_is_type(*val, type)) {
		ld_fail(l, "expected %s", type == json_type_object ?
			"an object" : "an array");
		return false;
	}
	return true;
}

static bool ld_object(struct ld *l, struct json_object *val)
{
	if (l->ret)
		return false;
	if (!json_object_is_type(val, json_type_object)) {
		ld_fail(l, "expected an object");
		return false;
	}
	return true;
}

static void ld_field(struct ld *l, struct json_object *obj, const char *key,
		     ld_conv conv, void *out)
{
	struct json_object *val;
	size_t mark;

	if (l->ret)
		return;
	mark = ld_key(l, key);
	if (!json_object_object_get_ex(obj, key, &val))
		ld_fail(l, "required member missing");
	else
		conv(l, val, out);
	ld_pop(l, mark);
}

static void conv_i64(struct ld *l, struct json_object *val, void *out)
{
	int64_t v;

	if (!json_object_is_type(val, json_type_int)) {
		ld_fail(l, "expected an integer");
		return;
	}
	v = json_object_get_int64(val);
	/* json-c clamps values above INT64_MAX when asked for an int64. */
	if (v == INT64_MAX && json_object_get_uint64(val) != INT64_MAX) {
		ld_fail(l, "integer out of range");
		return;
	}
	*(int64_t *)out = v;
}

static void conv_int(struct ld *l, struct json_object *val, void *out)
{
	int64_t v = 0;

	conv_i64(l, val, &v);
	if (l->ret)
		return;
	if (v < INT_MIN || v > INT_MAX)
		ld_fail(l, "integer out of range");
	else
		*(int *)out = v;
}

static void conv_u64(struct ld *l, struct json_object *val, void *out)
{
	if (!json_object_is_type(val, json_type_int))
		ld_fail(l, "expected an integer");
	else if (json_object_get_int64(val) < 0)
		ld_fail(l, "expected a non-negative integer");
	else
		*(uint64_t *)out = json_object_get_uint64(val);
}

static void conv_u32(struct ld *l, struct json_object *val, void *out)
{
	uint64_t v = 0;

	conv_u64(l, val, &v);
	if (l->ret)
		return;
	if (v > UINT32_MAX)
		ld_fail(l, "integer out of range");
	else
		*(uint32_t *)out = v;
}

static void conv_bool(struct ld *l, struct json_object *val, void *out)
{
	if (!json_object_is_type(val, json_type_boolean))
		ld_fail(l, "expected true or false");
	else
		*(bool *)out = json_object_get_boolean(val);
}

/* A string without NUL bytes, which C strings cannot hold. */
static const char *ld_string(struct ld *l, struct json_object *val,
			     size_t *len)
{
	const char *s;

	if (!json_object_is_type(val, json_type_string)) {
		ld_fail(l, "expected a string");
		return NULL;
	}
	s = json_object_get_string(val);
	*len = json_object_get_string_len(val);
	if (memchr(s, '\0', *len)) {
		ld_fail(l, "string contains a NUL byte");
		return NULL;
	}
	return s;
}

struct strbuf {
	char *s;
	size_t size;
};

static void conv_buf(struct ld *l, struct json_object *val, void *out)
{
	struct strbuf *b = out;
	const char *s;
	size_t len;

	s = ld_string(l, val, &len);
	if (!s)
		return;
	if (len >= b->size) {
		ld_fail(l, "longer than %zu bytes", b->size - 1);
		return;
	}
	memcpy(b->s, s, len + 1);
}

/* null is "" in the model. */
static void conv_buf_null(struct ld *l, struct json_object *val, void *out)
{
	if (val)
		conv_buf(l, val, out);
	else
		((struct strbuf *)out)->s[0] = '\0';
}

#define LD_BUF(l, obj, key, arr, conv) \
	ld_field(l, obj, key, conv, &(struct strbuf){ arr, sizeof(arr) })

/* A string or null into a char * of its own. */
static void conv_strdup(struct ld *l, struct json_object *val, void *out)
{
	const char *s;
	size_t len;

	if (!val)
		return;
	s = ld_string(l, val, &len);
	if (!s)
		return;
	*(char **)out = strdup(s);
	if (!*(char **)out)
		ld_oom(l);
}

static void conv_mask(struct ld *l, struct json_object *val, void *out)
{
	const char *s;
	size_t len;
	int ret;

	s = ld_string(l, val, &len);
	if (!s)
		return;
	ret = nt_cpumask_parse_list(out, s);
	if (ret == -ENOMEM)
		ld_oom(l);
	else if (ret)
		ld_fail(l, "expected a CPU list such as \"0-3,8\"");
}

static void conv_tc_handle(struct ld *l, struct json_object *val, void *out)
{
	const char *s;
	size_t len;

	s = ld_string(l, val, &len);
	if (s && nt_tc_handle_parse(s, out))
		ld_fail(l, "expected a tc handle such as \"8001:\", \"root\"");
}

/* null is -1 ("unknown" or "none") in the model. */
static void conv_int_null(struct ld *l, struct json_object *val, void *out)
{
	if (val)
		conv_int(l, val, out);
	else
		*(int *)out = -1;
}

static void conv_i64_null(struct ld *l, struct json_object *val, void *out)
{
	if (val)
		conv_i64(l, val, out);
	else
		*(int64_t *)out = -1;
}

static void conv_tristate(struct ld *l, struct json_object *val, void *out)
{
	bool b = false;

	if (!val) {
		*(int *)out = -1;
		return;
	}
	conv_bool(l, val, &b);
	*(int *)out = b;
}

/*
 * The array @key of @obj as a new C array of @esize elements, each filled
 * by @conv.  The array is returned even when an element fails, with *@n
 * set, so the host's free functions release what the elements own.
 */
static void *ld_list(struct ld *l, struct json_object *obj, const char *key,
		     size_t esize, size_t *n, size_t want, ld_conv conv)
{
	struct json_object *arr;
	size_t mark, len, i;
	char *v = NULL;

	if (l->ret)
		return NULL;
	mark = ld_key(l, key);
	if (!ld_member(l, obj, key, json_type_array, &arr))
		goto out;
	len = json_object_array_length(arr);
	if (want != LD_ANY && len != want) {
		ld_fail(l, "expected %zu entries, one per CPU column", want);
		goto out;
	}
	if (len) {
		v = calloc(len, esize);
		if (!v) {
			ld_oom(l);
			goto out;
		}
		*n = len;
	}
	for (i = 0; i < len && !l->ret; i++) {
		size_t m = ld_push(l, "[%zu]", i);

		conv(l, json_object_array_get_idx(arr, i), v + i * esize);
		ld_pop(l, m);
	}
out:
	ld_pop(l, mark);
	return v;
}

/* Absent: UNKNOWN; null: UNSUPPORTED; a value of @type: OK. */
static enum nt_state ld_state(struct ld *l, struct json_object *obj,
			      const char *key, json_type type,
			      struct json_object **val)
{
	size_t mark;

	if (l->ret || !json_object_object_get_ex(obj, key, val))
		return NT_STATE_UNKNOWN;
	if (!*val)
		return NT_STATE_UNSUPPORTED;
	if (json_object_is_type(*val, type))
		return NT_STATE_OK;
	mark = ld_key(l, key);
	ld_fail(l, "expected %s or null", type == json_type_object ?
		"an object" : "an array");
	ld_pop(l, mark);
	return NT_STATE_UNKNOWN;
}

static void ld_attrs(struct ld *l, struct json_object *obj, const char *key,
		     const struct u32_attr *attrs, size_t n, void *base,
		     enum nt_state *state, uint32_t *present)
{
	struct json_object *o, *val;
	size_t i, mark;

	*state = ld_state(l, obj, key, json_type_object, &o);
	if (*state != NT_STATE_OK)
		return;
	mark = ld_key(l, key);
	for (i = 0; i < n; i++) {
		if (!json_object_object_get_ex(o, attrs[i].name, &val))
			continue;
		ld_field(l, o, attrs[i].name, conv_u32,
			 u32_at(base, attrs[i].off));
		*present |= attrs[i].bit;
	}
	ld_pop(l, mark);
}

static void ld_u64_fields(struct ld *l, struct json_object *o,
			  const struct nt_u64_field *f, size_t n, void *base)
{
	size_t i;

	for (i = 0; i < n; i++)
		ld_field(l, o, f[i].name, conv_u64, u64_at(base, f[i].off));
}

/* The state of a queue mask from its "rps"/"xps" marker. */
static void conv_queue_marker(struct ld *l, struct json_object *val,
			      void *out)
{
	const char *s;
	size_t len;

	s = ld_string(l, val, &len);
	if (s && !strcmp(s, "unknown"))
		*(enum nt_state *)out = NT_STATE_UNKNOWN;
	else if (s && !strcmp(s, "unsupported"))
		*(enum nt_state *)out = NT_STATE_UNSUPPORTED;
	else if (s)
		ld_fail(l, "expected \"unknown\" or \"unsupported\"");
}

static void ld_queue_mask(struct ld *l, struct json_object *o,
			  const char *key, const char *marker,
			  enum nt_state *state, struct nt_cpumask *mask)
{
	struct json_object *val;

	*state = NT_STATE_UNKNOWN;
	if (l->ret)
		return;
	if (!json_object_object_get_ex(o, key, &val) || val) {
		ld_field(l, o, key, conv_mask, mask);
		*state = NT_STATE_OK;
		return;
	}
	if (json_object_object_get_ex(o, marker, &val))
		ld_field(l, o, marker, conv_queue_marker, state);
}

static void ld_rxq(struct ld *l, struct json_object *o, void *elem)
{
	struct nt_rxq *q = elem;

	if (!ld_object(l, o))
		return;
	ld_field(l, o, "index", conv_u32, &q->index);
	ld_queue_mask(l, o, "rps_cpus", "rps", &q->rps_state, &q->rps_cpus);
	ld_field(l, o, "rps_flow_cnt", conv_u32, &q->rps_flow_cnt);
}

static void ld_txq(struct ld *l, struct json_object *o, void *elem)
{
	struct nt_txq *q = elem;

	if (!ld_object(l, o))
		return;
	ld_field(l, o, "index", conv_u32, &q->index);
	ld_queue_mask(l, o, "xps_cpus", "xps", &q->xps_state, &q->xps_cpus);
}

static void ld_queues(struct ld *l, struct json_object *obj,
		      struct nt_iface *ifc)
{
	struct json_object *q;
	size_t mark;

	if (l->ret)
		return;
	mark = ld_key(l, "queues");
	if (ld_member(l, obj, "queues", json_type_object, &q)) {
		ifc->rxq = ld_list(l, q, "rx", sizeof(*ifc->rxq), &ifc->n_rxq,
				   LD_ANY, ld_rxq);
		ifc->txq = ld_list(l, q, "tx", sizeof(*ifc->txq), &ifc->n_txq,
				   LD_ANY, ld_txq);
	}
	ld_pop(l, mark);
}

static void conv_irq_kind(struct ld *l, struct json_object *val, void *out)
{
	char s[16];

	conv_buf(l, val, &(struct strbuf){ s, sizeof(s) });
	if (!l->ret && !nt_irq_kind_parse(s, out))
		ld_fail(l, "expected an IRQ kind such as \"data\"");
}

static void conv_irq_owner(struct ld *l, struct json_object *val, void *out)
{
	char s[16];

	conv_buf(l, val, &(struct strbuf){ s, sizeof(s) });
	if (!l->ret && !nt_irq_owner_parse(s, out))
		ld_fail(l, "expected \"interface\", \"device\" or \"none\"");
}

static void conv_irq_rule(struct ld *l, struct json_object *val, void *out)
{
	char s[16];

	conv_buf(l, val, &(struct strbuf){ s, sizeof(s) });
	if (!l->ret && !nt_irq_rule_parse(s, out))
		ld_fail(l, "expected an IRQ rule such as \"msi_irqs\"");
}

/*
 * Snapshots before IRQ ownership have "queue" and "queue_type" only: the
 * interface's own IRQs, found by name, data vectors when they had a queue.
 */
static void ld_irq_legacy(struct ld *l, struct json_object *o,
			  struct nt_iface_irq *irq)
{
	char type[8];
	int queue;

	ld_field(l, o, "queue", conv_int_null, &queue);
	LD_BUF(l, o, "queue_type", type, conv_buf_null);
	if (l->ret)
		return;
	irq->kind = queue >= 0 ? NT_IRQ_DATA : NT_IRQ_OTHER;
	irq->rxq = queue >= 0 && strcmp(type, "tx") ? queue : -1;
	irq->txq = queue >= 0 && strcmp(type, "rx") ? queue : -1;
}

static void ld_irq_queues(struct ld *l, struct json_object *o,
			  struct nt_iface_irq *irq)
{
	struct json_object *val;

	irq->rxq = irq->txq = -1;
	if (!json_object_object_get_ex(o, "rx_queue", &val)) {
		ld_irq_legacy(l, o, irq);
		return;
	}
	ld_field(l, o, "rx_queue", conv_int_null, &irq->rxq);
	ld_field(l, o, "tx_queue", conv_int_null, &irq->txq);
	ld_field(l, o, "kind", conv_irq_kind, &irq->kind);
	ld_field(l, o, "owner", conv_irq_owner, &irq->owner);
	ld_field(l, o, "rule", conv_irq_rule, &irq->rule);
	LD_BUF(l, o, "pattern", irq->pattern, conv_buf_null);
}

static void ld_irq(struct ld *l, struct json_object *o, void *elem)
{
	struct nt_iface_irq *irq = elem;

	if (!ld_object(l, o))
		return;
	ld_field(l, o, "irq", conv_u32, &irq->irq);
	ld_field(l, o, "name", conv_strdup, &irq->name);
	ld_irq_queues(l, o, irq);
	ld_field(l, o, "affinity", conv_mask, &irq->affinity);
	ld_field(l, o, "effective_affinity", conv_mask,
		 &irq->effective_affinity);
	ld_field(l, o, "node", conv_int, &irq->node);
}

static void ld_qdisc(struct ld *l, struct json_object *o, void *elem)
{
	struct nt_qdisc *q = elem;

	if (!ld_object(l, o))
		return;
	LD_BUF(l, o, "kind", q->kind, conv_buf);
	ld_field(l, o, "handle", conv_tc_handle, &q->handle);
	ld_field(l, o, "parent", conv_tc_handle, &q->parent);
	ld_u64_fields(l, o, nt_qdisc_fields, NT_QDISC_N, q);
}

static void conv_counters(struct ld *l, struct json_object *val, void *out)
{
	if (!ld_object(l, val))
		return;
	json_object_object_foreach(val, name, v) {
		size_t mark = ld_key(l, name);
		int64_t n = 0;

		if (strlen(name) >= NT_COUNTER_LEN)
			ld_fail(l, "name longer than %d bytes",
				NT_COUNTER_LEN - 1);
		conv_i64(l, v, &n);
		if (!l->ret && nt_counters_add(out, name, n))
			ld_oom(l);
		ld_pop(l, mark);
		if (l->ret)
			return;
	}
}

static void ld_iface_link(struct ld *l, struct json_object *o,
			  struct nt_iface *ifc)
{
	LD_BUF(l, o, "name", ifc->name, conv_buf);
	ld_field(l, o, "ifindex", conv_int, &ifc->ifindex);
	LD_BUF(l, o, "kind", ifc->kind, conv_buf_null);
	LD_BUF(l, o, "driver", ifc->driver, conv_buf_null);
	LD_BUF(l, o, "bus_info", ifc->bus_info, conv_buf_null);
	ld_field(l, o, "virtual", conv_bool, &ifc->is_virtual);
	ld_field(l, o, "speed", conv_i64_null, &ifc->speed);
	LD_BUF(l, o, "duplex", ifc->duplex, conv_buf_null);
	ld_field(l, o, "numa_node", conv_int, &ifc->numa_node);
	ld_field(l, o, "mtu", conv_u32, &ifc->mtu);
	ld_field(l, o, "txqlen", conv_u32, &ifc->txqlen);
	LD_BUF(l, o, "operstate", ifc->operstate, conv_buf);
	LD_BUF(l, o, "qdisc", ifc->qdisc, conv_buf_null);
	ld_field(l, o, "master_ifindex", conv_int, &ifc->master_ifindex);
	ld_field(l, o, "num_rx_queues", conv_u32, &ifc->num_rx_queues);
	ld_field(l, o, "num_tx_queues", conv_u32, &ifc->num_tx_queues);
}

static void ld_iface_counters(struct ld *l, struct json_object *o,
			      struct nt_iface *ifc)
{
	struct json_object *val;

	ifc->link_stats_state = ld_state(l, o, "stats", json_type_object,
					 &val);
	if (ifc->link_stats_state == NT_STATE_OK) {
		size_t mark = ld_key(l, "stats");

		ld_u64_fields(l, val, nt_link_stat_fields,
			      NT_LINK_STATS_N, &ifc->stats);
		ld_pop(l, mark);
	}
	ifc->qdiscs_state = ld_state(l, o, "qdiscs", json_type_array, &val);
	if (ifc->qdiscs_state == NT_STATE_OK)
		ifc->qdiscs = ld_list(l, o, "qdiscs", sizeof(*ifc->qdiscs),
				      &ifc->n_qdiscs, LD_ANY, ld_qdisc);
	ifc->driver_stats_state = ld_state(l, o, "driver_stats",
					   json_type_object, &val);
	if (ifc->driver_stats_state == NT_STATE_OK)
		ld_field(l, o, "driver_stats", conv_counters,
			 &ifc->driver_stats);
}

static void ld_iface(struct ld *l, struct json_object *o, void *elem)
{
	struct nt_iface *ifc = elem;

	if (!ld_object(l, o))
		return;
	ld_iface_link(l, o, ifc);
	ld_attrs(l, o, "rings", ring_attrs, ARRAY_SIZE(ring_attrs),
		 &ifc->rings, &ifc->rings.state, &ifc->rings.present);
	ld_attrs(l, o, "channels", chan_attrs, ARRAY_SIZE(chan_attrs),
		 &ifc->channels, &ifc->channels.state,
		 &ifc->channels.present);
	ld_queues(l, o, ifc);
	ifc->irqs = ld_list(l, o, "irqs", sizeof(*ifc->irqs), &ifc->n_irqs,
			    LD_ANY, ld_irq);
	ld_iface_counters(l, o, ifc);
}

static void ld_cpu(struct ld *l, struct json_object *o, void *elem)
{
	struct nt_cpu *c = elem;

	if (!ld_object(l, o))
		return;
	ld_field(l, o, "id", conv_u32, &c->id);
	ld_field(l, o, "online", conv_bool, &c->online);
	ld_field(l, o, "core", conv_int, &c->core_id);
	ld_field(l, o, "package", conv_int, &c->package_id);
	ld_field(l, o, "node", conv_int, &c->node);
	ld_field(l, o, "thread_siblings", conv_mask, &c->thread_siblings);
}

static void ld_node(struct ld *l, struct json_object *o, void *elem)
{
	struct nt_node *n = elem;

	if (!ld_object(l, o))
		return;
	ld_field(l, o, "id", conv_u32, &n->id);
	ld_field(l, o, "cpus", conv_mask, &n->cpus);
}

static void ld_softnet(struct ld *l, struct json_object *o, void *elem)
{
	struct nt_softnet *s = elem;

	if (!ld_object(l, o))
		return;
	ld_field(l, o, "cpu", conv_u32, &s->cpu);
	ld_field(l, o, "ncols", conv_u32, &s->ncols);
	ld_u64_fields(l, o, nt_softnet_fields, NT_SOFTNET_N, s);
}

static void ld_listener(struct ld *l, struct json_object *o, void *elem)
{
	struct nt_listener *s = elem;
	uint32_t family = 0, port = 0;

	if (!ld_object(l, o))
		return;
	ld_field(l, o, "family", conv_u32, &family);
	LD_BUF(l, o, "addr", s->addr, conv_buf);
	ld_field(l, o, "port", conv_u32, &port);
	ld_field(l, o, "accept_queue", conv_u32, &s->accept_queue);
	ld_field(l, o, "backlog", conv_u32, &s->backlog);
	if (!l->ret && ((family != 4 && family != 6) || port > 65535))
		ld_fail(l, "expected family 4 or 6 and a port below 65536");
	s->family = family == 6 ? AF_INET6 : AF_INET;
	s->port = port;
}

static void conv_sysctls(struct ld *l, struct json_object *val, void *out)
{
	struct nt_host *host = out;
	size_t n, i = 0;

	if (!ld_object(l, val))
		return;
	n = json_object_object_length(val);
	if (!n)
		return;
	host->sysctls = calloc(n, sizeof(*host->sysctls));
	if (!host->sysctls) {
		ld_oom(l);
		return;
	}
	host->n_sysctls = n;
	json_object_object_foreach(val, name, v) {
		struct nt_sysctl *s = &host->sysctls[i++];
		size_t mark = ld_key(l, name);

		s->name = strdup(name);
		if (!s->name)
			ld_oom(l);
		conv_strdup(l, v, &s->value);
		ld_pop(l, mark);
		if (l->ret)
			return;
	}
}

/* Names a snapshot lists as read-only; absent (older) means none. */
static void conv_read_only(struct ld *l, struct json_object *val, void *out)
{
	struct nt_host *host = out;
	size_t n;

	if (!json_object_is_type(val, json_type_array)) {
		ld_fail(l, "expected an array");
		return;
	}
	n = json_object_array_length(val);
	for (size_t i = 0; i < n && !l->ret; i++) {
		struct json_object *name = json_object_array_get_idx(val, i);
		size_t len;
		const char *s = ld_string(l, name, &len);

		for (size_t k = 0; s && k < host->n_sysctls; k++)
			if (host->sysctls[k].name &&
			    !strcmp(host->sysctls[k].name, s))
				host->sysctls[k].read_only = true;
	}
}

/* An array of names as one space-separated string of its own. */
static void conv_words(struct ld *l, struct json_object *val, void *out)
{
	char **dst = out;
	size_t n, size = 1, len;

	if (!json_object_is_type(val, json_type_array)) {
		ld_fail(l, "expected an array");
		return;
	}
	n = json_object_array_length(val);
	for (size_t i = 0; i < n && !l->ret; i++)
		if (ld_string(l, json_object_array_get_idx(val, i), &len))
			size += len + 1;
	if (l->ret)
		return;
	*dst = calloc(1, size);
	if (!*dst) {
		ld_oom(l);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char *s = ld_string(l, json_object_array_get_idx(val, i),
					  &len);

		if (i)
			strcat(*dst, " ");
		strncat(*dst, s, len);
	}
}

/* Newer snapshots only: without it the planner plans as before. */
static void conv_kernel_has(struct ld *l, struct json_object *val, void *out)
{
	struct nt_kernel_has *k = out;

	if (!ld_object(l, val))
		return;
	ld_field(l, val, "qdiscs", conv_words, &k->qdiscs);
	ld_field(l, val, "congestion", conv_words, &k->congestion);
	ld_field(l, val, "modules", conv_bool, &k->modules);
	if (!l->ret)
		k->state = NT_STATE_OK;
}

/* Unknown sources are ignored: a newer nettune may read more. */
static void conv_sources(struct ld *l, struct json_object *val, void *out)
{
	size_t len, i, k;

	if (!json_object_is_type(val, json_type_array)) {
		ld_fail(l, "expected an array");
		return;
	}
	for (i = 0; i < json_object_array_length(val) && !l->ret; i++) {
		size_t mark = ld_push(l, "[%zu]", i);
		const char *s = ld_string(l, json_object_array_get_idx(val, i),
					  &len);

		for (k = 0; s && k < ARRAY_SIZE(source_names); k++)
			if (!strcmp(s, source_names[k].name))
				*(uint32_t *)out |= source_names[k].bit;
		ld_pop(l, mark);
	}
}

/* The number of a numbered /proc/interrupts row, -1 for "NMI" and such. */
static int irq_from_id(const char *id)
{
	char *end;
	long v;

	if (*id < '0' || *id > '9')
		return -1;
	errno = 0;
	v = strtol(id, &end, 10);
	if (*end || errno || v > INT_MAX)
		return -1;
	return v;
}

static void ld_interrupt(struct ld *l, struct json_object *o, void *elem)
{
	struct nt_interrupt *line = elem;
	size_t n = 0;

	if (!ld_object(l, o))
		return;
	LD_BUF(l, o, "id", line->id, conv_buf);
	line->irq = irq_from_id(line->id);
	ld_field(l, o, "chip", conv_strdup, &line->chip);
	ld_field(l, o, "name", conv_strdup, &line->name);
	line->counts = ld_list(l, o, "counts", sizeof(*line->counts), &n,
			       l->ncpus, conv_u64);
}

static void ld_softirq(struct ld *l, struct json_object *o, void *elem)
{
	struct nt_softirq *row = elem;
	size_t n = 0;

	if (!ld_object(l, o))
		return;
	LD_BUF(l, o, "name", row->name, conv_buf);
	row->counts = ld_list(l, o, "counts", sizeof(*row->counts), &n,
			      l->ncpus, conv_u64);
}

/* The cpus header of a per-CPU table; sets l->ncpus for its rows. */
static uint32_t *ld_cpu_ids(struct ld *l, struct json_object *o,
			    uint32_t *ncpus)
{
	size_t n = 0;
	uint32_t *ids = ld_list(l, o, "cpus", sizeof(*ids), &n, LD_ANY,
				conv_u32);

	*ncpus = n;
	l->ncpus = n;
	return ids;
}

static void conv_interrupts(struct ld *l, struct json_object *val, void *out)
{
	struct nt_interrupts *t = out;

	if (!ld_object(l, val))
		return;
	t->cpu_ids = ld_cpu_ids(l, val, &t->ncpus);
	t->v = ld_list(l, val, "lines", sizeof(*t->v), &t->n, LD_ANY,
		       ld_interrupt);
}

static void conv_softirqs(struct ld *l, struct json_object *val, void *out)
{
	struct nt_softirqs *t = out;

	if (!ld_object(l, val))
		return;
	t->cpu_ids = ld_cpu_ids(l, val, &t->ncpus);
	t->v = ld_list(l, val, "rows", sizeof(*t->v), &t->n, LD_ANY,
		       ld_softirq);
}

/* An error about the whole snapshot, not one member. */
static void ld_error(struct ld *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void ld_error(struct ld *l, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!l->ret)
		l->ret = nt_err_set(l->err, EINVAL, "%s", msg);
}

static void ld_version(struct ld *l, struct json_object *root)
{
	struct json_object *val;
	int64_t v = 0;

	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "nettune_snapshot", &val)) {
		ld_error(l,
			 "not a nettune snapshot (no \"nettune_snapshot\" member)");
		return;
	}
	ld_field(l, root, "nettune_snapshot", conv_i64, &v);
	if (l->ret)
		return;
	if (v > NT_SNAPSHOT_VERSION)
		ld_error(l,
			 "snapshot version %lld is newer than this nettune supports (%d)",
			 (long long)v, NT_SNAPSHOT_VERSION);
	else if (v < 1)
		ld_error(l, "snapshot version %lld is not valid", (long long)v);
}

/*
 * Decimal seconds ("350735.47") to nanoseconds, exactly; digits past the
 * nanosecond ("1017.1699999999999" from a "%.17g" printer) round.
 * Return: false when the text is not such a number.
 */
static bool seconds_text_ns(const char *p, int64_t *ns)
{
	int64_t s = 0, frac = 0, scale = 1000000000;

	if (!p || *p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (s > INT64_MAX / 10000000000)
			return false;
		s = s * 10 + (*p - '0');
	}
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (scale > 1) {
				scale /= 10;
				frac += (*p - '0') * scale;
			} else if (scale == 1) {
				frac += *p >= '5';
				scale = 0;
			}
		}
	if (*p)
		return false;
	*ns = s * 1000000000 + frac;
	return true;
}

static void conv_uptime(struct ld *l, struct json_object *val, void *out)
{
	int64_t *ns = out;
	double v;

	if (!json_object_is_type(val, json_type_double) &&
	    !json_object_is_type(val, json_type_int)) {
		ld_fail(l, "expected seconds since boot");
		return;
	}
	/* the text first: a double cannot hold every nanosecond */
	if (seconds_text_ns(json_object_get_string(val), ns))
		return;
	v = json_object_get_double(val);
	if (!(v >= 0 && v < 9.2e9)) {
		ld_fail(l, "expected seconds since boot");
		return;
	}
	*ns = (int64_t)(v * 1e9 + 0.5);
}

static void ld_host_head(struct ld *l, struct json_object *o,
			 struct nt_host *host)
{
	struct json_object *val;

	ld_version(l, o);
	ld_field(l, o, "taken_ns", conv_i64, &host->taken_ns);
	ld_field(l, o, "mono_ns", conv_i64, &host->mono_ns);
	if (json_object_object_get_ex(o, "uptime", &val))
		ld_field(l, o, "uptime", conv_uptime, &host->uptime_ns);
	LD_BUF(l, o, "hostname", host->hostname, conv_buf);
	LD_BUF(l, o, "kernel", host->kernel, conv_buf);
	LD_BUF(l, o, "root", host->root, conv_buf);
	ld_field(l, o, "sources", conv_sources, &host->sources);
}

int nt_snapshot_from_json(struct json_object *obj, struct nt_host *host,
			  struct nt_err *err)
{
	struct ld l = { .err = err };
	struct json_object *val;

	memset(host, 0, sizeof(*host));
	ld_host_head(&l, obj, host);
	host->cpus = ld_list(&l, obj, "cpus", sizeof(*host->cpus),
			     &host->n_cpus, LD_ANY, ld_cpu);
	host->nodes = ld_list(&l, obj, "numa_nodes", sizeof(*host->nodes),
			      &host->n_nodes, LD_ANY, ld_node);
	host->ifaces = ld_list(&l, obj, "interfaces", sizeof(*host->ifaces),
			       &host->n_ifaces, LD_ANY, ld_iface);
	ld_field(&l, obj, "sysctls", conv_sysctls, host);
	if (json_object_object_get_ex(obj, "sysctls_read_only", &val))
		ld_field(&l, obj, "sysctls_read_only", conv_read_only, host);
	if (json_object_object_get_ex(obj, "kernel_has", &val))
		ld_field(&l, obj, "kernel_has", conv_kernel_has,
			 &host->kernel_has);
	ld_field(&l, obj, "irqbalance", conv_tristate, &host->irqbalance);
	host->softnet = ld_list(&l, obj, "softnet", sizeof(*host->softnet),
				&host->n_softnet, LD_ANY, ld_softnet);
	ld_field(&l, obj, "interrupts", conv_interrupts, &host->interrupts);
	ld_field(&l, obj, "softirqs", conv_softirqs, &host->softirqs);
	ld_field(&l, obj, "snmp", conv_counters, &host->snmp);
	ld_field(&l, obj, "sockstat", conv_counters, &host->sockstat);
	if (host->sources & NT_SRC_SOCKDIAG)
		host->listeners = ld_list(&l, obj, "listeners",
					  sizeof(*host->listeners),
					  &host->n_listeners, LD_ANY,
					  ld_listener);
	if (l.ret)
		nt_host_free(host);
	return l.ret;
}

int nt_snapshot_save(const struct nt_host *host, const char *path,
		     struct nt_err *err)
{
	struct json_object *obj = nt_snapshot_to_json(host, NULL);
	const char *text;
	int ret;

	if (!obj)
		return nt_err_set(err, ENOMEM, "%s: out of memory", path);
	text = json_object_to_json_string_ext(obj, NT_JSON_FLAGS);
	if (text)
		ret = nt_file_write_atomic(path, text, err);
	else
		ret = nt_err_set(err, ENOMEM, "%s: out of memory", path);
	json_object_put(obj);
	return ret;
}

int nt_snapshot_load(const char *path, struct nt_host *host,
		     struct nt_err *err)
{
	struct nt_err inner = { 0 };
	struct json_object *obj = NULL;
	char *text = NULL;
	size_t len = 0;
	int ret;

	memset(host, 0, sizeof(*host));
	ret = nt_file_read_text(path, NT_SNAPSHOT_MAX, &text, &len, NULL);
	if (ret == -EFBIG)
		return nt_err_set(err, EFBIG,
				  "%s: too big for a snapshot (at most %zu MiB)",
				  path, NT_SNAPSHOT_MAX >> 20);
	if (ret)
		return nt_err_set(err, -ret, "%s: cannot read: %s", path,
				  strerror(-ret));
	ret = nt_json_parse(path, text, len, &obj, err);
	free(text);
	if (ret)
		return ret;
	/* Our own buffer, so the file name can lead the message. */
	ret = nt_snapshot_from_json(obj, host, &inner);
	if (ret)
		nt_err_set(err, -ret, "%s: %s", path, inner.msg);
	json_object_put(obj);
	return ret;
}
