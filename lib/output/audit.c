// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `nettune audit` output: findings for people (text), for programs (JSON)
 * and for the node_exporter textfile collector (Prometheus text exposition,
 * the drop counters themselves plus one gauge per finding).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include <linux/pkt_sched.h>

#include "audit/util.h"
#include "model/snapshot.h"
#include "output/audit.h"
#include "util/json.h"
#include "util/tc.h"

#include "util/array.h"

#define COLOR_RED	"\033[31m"
#define COLOR_YELLOW	"\033[33m"
#define COLOR_OFF	"\033[0m"

/* Evidence and fix lines start under the finding's id. */
#define TEXT_INDENT	"          "
#define TEXT_ID_MAX	32

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static double absval(double v)
{
	return v < 0 ? -v : v;
}

/*
 * A number for people or JSON.  Fractions below 1 keep their significant
 * digits: a rate of 0.0003/s is a drop every hour, not "0.0".
 */
static void fmt_number(char *buf, size_t size, double v, bool integer,
		       int decimals)
{
	if (!isfinite(v))
		snprintf(buf, size, "%g", v);
	else if (integer)
		snprintf(buf, size, "%.0f", v);
	else if (v != 0 && absval(v) < 1)
		snprintf(buf, size, "%.3g", v);
	else
		snprintf(buf, size, "%.*f", decimals, v);
}

/* text ---------------------------------------------------------------- */

static const char *sev_label(enum nt_severity sev)
{
	switch (sev) {
	case NT_SEV_CRITICAL:	return "CRITICAL";
	case NT_SEV_WARNING:	return "WARNING";
	case NT_SEV_INFO:	return "INFO";
	case NT_SEV_OK:		return "OK";
	}
	return "?";
}

static const char *sev_color(enum nt_severity sev)
{
	switch (sev) {
	case NT_SEV_CRITICAL:	return COLOR_RED;
	case NT_SEV_WARNING:	return COLOR_YELLOW;
	default:		return NULL;
	}
}

static void text_header(FILE *out, const struct nt_audit_report *r)
{
	const struct nt_host *h = r->cur;

	fprintf(out, "audit of %s, kernel %s", or_dash(h->hostname),
		or_dash(h->kernel));
	if (r->prev)
		fprintf(out, ", judged over %.1f s\n", r->interval);
	else if (h->root[0] && strcmp(h->root, "/"))
		fprintf(out, "\n--root %s: one look only (--interval 0): "
			"totals only, no rates; old drops are info at most\n",
			h->root);
	else
		fputs("\n--interval 0: totals only, no rates; old drops are "
		      "info at most\n", out);
	if (!(h->sources & NT_SRC_NETLINK))
		fputs("note: netlink not read: rings, channels and link and "
		      "qdisc counters were not judged\n", out);
}

static void text_fix(FILE *out, const struct nt_change *c)
{
	fprintf(out, TEXT_INDENT "fix: %s %s %s -> %s", c->knob, c->subject,
		c->current[0] ? c->current : "-", c->target);
	if (c->reason[0])
		fprintf(out, " (%s)", c->reason);
	fputc('\n', out);
}

static void text_finding(FILE *out, const struct nt_finding *fd, int idw,
			 bool color)
{
	const char *on = color ? sev_color(fd->severity) : NULL;
	char num[64];

	fprintf(out, "%s%-8s%s  %-*s  ", on ? on : "", sev_label(fd->severity),
		on ? COLOR_OFF : "", idw, fd->id);
	/* brackets: subjects such as "eth0 qdisc tbf 8001:" end in a colon */
	fprintf(out, "[%s] %s\n", fd->subject, fd->summary);
	if (fd->n_evidence) {
		fputs(TEXT_INDENT "evidence:", out);
		for (size_t i = 0; i < fd->n_evidence; i++) {
			const struct nt_evidence *ev = &fd->evidence[i];

			fmt_number(num, sizeof(num), ev->value, ev->integer, 1);
			fprintf(out, " %s=%s", ev->name, num);
		}
		fputc('\n', out);
	}
	for (size_t i = 0; i < fd->n_fix; i++)
		text_fix(out, &fd->fix[i]);
}

/* Grouped worst first, whatever order the caller's findings are in. */
static void text_findings(FILE *out, const struct nt_findings *f, bool color)
{
	static const enum nt_severity order[] = {
		NT_SEV_CRITICAL, NT_SEV_WARNING, NT_SEV_INFO, NT_SEV_OK,
	};
	bool first = true;
	int idw = 0;

	for (size_t i = 0; i < f->n; i++) {
		int len = (int)strlen(f->v[i].id);

		if (len > idw)
			idw = len < TEXT_ID_MAX ? len : TEXT_ID_MAX;
	}
	for (size_t s = 0; s < ARRAY_SIZE(order); s++) {
		bool group = false;

		for (size_t i = 0; i < f->n; i++) {
			if (f->v[i].severity != order[s])
				continue;
			if (!group && !first)
				fputc('\n', out);
			group = true;
			first = false;
			text_finding(out, &f->v[i], idw, color);
		}
	}
}

static size_t count_severity(const struct nt_findings *f,
			     enum nt_severity sev)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n; i++)
		n += f->v[i].severity == sev;
	return n;
}

static void print_text(FILE *out, const struct nt_audit_report *r)
{
	const struct nt_findings *f = r->findings;
	size_t crit = count_severity(f, NT_SEV_CRITICAL);
	size_t warn = count_severity(f, NT_SEV_WARNING);
	size_t notes = f->n - crit - warn;

	text_header(out, r);
	fputc('\n', out);
	if (!f->n) {
		fputs("No problems found.\n", out);
		return;
	}
	if (!crit && !warn) {
		fprintf(out, "No drops or limits need attention; %zu "
			"note%s:\n\n", notes, notes == 1 ? "" : "s");
		text_findings(out, f, r->color);
		return;
	}
	text_findings(out, f, r->color);
	fputc('\n', out);
	if (crit)
		fprintf(out, "%zu critical%s", crit, warn || notes ? ", " : "");
	if (warn)
		fprintf(out, "%zu warning%s%s", warn, warn == 1 ? "" : "s",
			notes ? ", " : "");
	if (notes)
		fprintf(out, "%zu note%s", notes, notes == 1 ? "" : "s");
	fputc('\n', out);
}

/* JSON ---------------------------------------------------------------- */

/* "420.500" -> "420.5", "420.000" -> "420.0": still a fraction to a reader */
static void trim_zeros(char *num)
{
	char *dot = strchr(num, '.');
	char *end;

	if (!dot || strpbrk(num, "eE"))
		return;
	end = num + strlen(num);
	while (end > dot + 2 && end[-1] == '0')
		*--end = '\0';
}

/*
 * Fractions with a fixed text: json-c's default "%.17g" would print a
 * measured 1.0002 s as 1.0002000000000000.
 */
static struct json_object *json_number(double v, bool integer)
{
	char buf[64];

	if (!isfinite(v))
		return NULL;
	if (integer && absval(v) < 9.2e18)
		return json_object_new_int64((int64_t)(v < 0 ? v - 0.5 :
						       v + 0.5));
	fmt_number(buf, sizeof(buf), v, false, 3);
	trim_zeros(buf);
	return json_object_new_double_s(v, buf);
}

static struct json_object *host_json(struct nt_jw *w, const struct nt_host *h)
{
	struct json_object *o = json_object_new_object();

	nt_jw_str(w, o, "hostname", h->hostname);
	nt_jw_str(w, o, "kernel", h->kernel);
	nt_jw_add(w, o, "taken", nt_json_time(h->taken_ns));
	return o;
}

static struct json_object *evidence_json(struct nt_jw *w,
					 const struct nt_finding *fd)
{
	struct json_object *o = json_object_new_object();

	for (size_t i = 0; i < fd->n_evidence; i++) {
		const struct nt_evidence *ev = &fd->evidence[i];

		if (isfinite(ev->value))
			nt_jw_add(w, o, ev->name,
				  json_number(ev->value, ev->integer));
		else
			nt_jw_null(w, o, ev->name);
	}
	return o;
}

static struct json_object *fix_json(struct nt_jw *w, const struct nt_change *c)
{
	struct json_object *o = json_object_new_object();

	nt_jw_str(w, o, "knob", c->knob);
	nt_jw_str(w, o, "subject", c->subject);
	nt_jw_str_opt(w, o, "current", c->current);
	nt_jw_str(w, o, "target", c->target);
	if (c->reason[0])
		nt_jw_str(w, o, "reason", c->reason);
	return o;
}

static struct json_object *finding_json(struct nt_jw *w,
					const struct nt_finding *fd)
{
	struct json_object *o = json_object_new_object();
	struct json_object *fixes = json_object_new_array();

	nt_jw_str(w, o, "id", fd->id);
	nt_jw_str(w, o, "severity", nt_severity_name(fd->severity));
	nt_jw_str(w, o, "subject", fd->subject);
	nt_jw_str(w, o, "summary", fd->summary);
	nt_jw_add(w, o, "evidence", evidence_json(w, fd));
	for (size_t i = 0; i < fd->n_fix; i++)
		nt_jw_append(w, fixes, fix_json(w, &fd->fix[i]));
	nt_jw_add(w, o, "fix", fixes);
	return o;
}

static struct json_object *drop_row_json(struct nt_jw *w,
					  const struct nt_drop_row *d,
					  double seconds)
{
	struct json_object *o = json_object_new_object();

	nt_jw_str(w, o, "reason", d->reason_name);
	nt_jw_str(w, o, "location", d->location_name);
	if (d->device[0])
		nt_jw_str(w, o, "device", d->device);
	else
		nt_jw_null(w, o, "device");
	nt_jw_add(w, o, "count", json_object_new_int64((int64_t)d->count));
	nt_jw_add(w, o, "per_s", json_number(seconds > 0 ?
					     d->count / seconds : 0, false));
	return o;
}

/* "drop_reasons" when counted or tried; nothing when not asked for. */
static void drops_json(struct nt_jw *w, struct json_object *doc,
		       const struct nt_audit_report *r)
{
	const struct nt_drop_table *t = r->drops;
	struct json_object *o, *arr;

	if (!t) {
		if (!r->drops_unavailable)
			return;
		nt_jw_null(w, doc, "drop_reasons");
		nt_jw_str(w, doc, "drop_reasons_unavailable",
			  r->drops_unavailable);
		return;
	}
	o = json_object_new_object();
	arr = json_object_new_array();
	nt_jw_add(w, o, "interval", json_number(t->seconds, false));
	nt_jw_add(w, o, "overflow", json_object_new_int64((int64_t)
							  t->overflow));
	for (size_t i = 0; i < t->n; i++)
		nt_jw_append(w, arr, drop_row_json(w, &t->v[i], t->seconds));
	nt_jw_add(w, o, "drops", arr);
	nt_jw_add(w, doc, "drop_reasons", o);
}

static int print_json(FILE *out, const struct nt_audit_report *r)
{
	struct json_object *doc = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	struct nt_jw w = { 0 };
	const char *text;

	nt_jw_add(&w, doc, "host", host_json(&w, r->cur));
	if (r->prev && r->interval > 0)
		nt_jw_add(&w, doc, "interval", json_number(r->interval, false));
	else
		nt_jw_add(&w, doc, "interval", json_object_new_int(0));
	for (size_t i = 0; i < r->findings->n; i++)
		nt_jw_append(&w, arr, finding_json(&w, &r->findings->v[i]));
	nt_jw_add(&w, doc, "findings", arr);
	drops_json(&w, doc, r);
	text = w.oom ? NULL :
	       json_object_to_json_string_ext(doc, NT_JSON_FLAGS);
	if (text)
		fprintf(out, "%s\n", text);
	json_object_put(doc);
	return text ? 0 : -ENOMEM;
}

/* Prometheus ------------------------------------------------------------ */

struct fam {
	const char *name;
	const char *type;
	const char *help;
};

/*
 * HELP and TYPE go out with a family's first sample, so a family the host
 * has nothing for leaves no empty header.  Every emitter loops family by
 * family: the samples of one family stay together, as the format requires.
 */
struct prom {
	FILE *out;
	const struct fam *fam;		/* whose header is out */
};

struct lbl {
	const char *name;
	const char *value;
};

static void prom_escaped(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\\':
			fputs("\\\\", out);
			break;
		case '"':
			fputs("\\\"", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		default:
			fputc(*s, out);
		}
	}
}

/* The header when @f's first sample goes out, the name and the labels. */
static void prom_series(struct prom *p, const struct fam *f,
			const struct lbl *l, size_t n)
{
	FILE *out = p->out;

	if (p->fam != f) {
		fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", f->name, f->help,
			f->name, f->type);
		p->fam = f;
	}
	fputs(f->name, out);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%c%s=\"", i ? ',' : '{', l[i].name);
		prom_escaped(out, l[i].value);
		fputc('"', out);
	}
	fputs(n ? "}" : "", out);
}

static void prom_sample(struct prom *p, const struct fam *f,
			const struct lbl *l, size_t n, uint64_t value)
{
	prom_series(p, f, l, n);
	fprintf(p->out, " %" PRIu64 "\n", value);
}

#define SOFTNET_FAM(field, metric, col)					\
	{ offsetof(struct nt_softnet, field),				\
	  { "nettune_softnet_" metric "_total", "counter",		\
	    "Per CPU, /proc/net/softnet_stat column " col "." } }

struct u64_fam {
	size_t off;
	struct fam fam;
};

static uint64_t u64_at(const void *base, size_t off)
{
	return *(const uint64_t *)((const char *)base + off);
}

static void prom_softnet(struct prom *p, const struct nt_host *h)
{
	static const struct u64_fam fams[] = {
		SOFTNET_FAM(processed, "processed", "1: packets processed"),
		SOFTNET_FAM(dropped, "dropped",
			    "2: packets dropped, backlog full"),
		SOFTNET_FAM(time_squeeze, "time_squeeze",
			    "3: NET_RX ran out of budget or time"),
		SOFTNET_FAM(received_rps, "received_rps",
			    "10: RPS wake-ups received from other CPUs"),
		SOFTNET_FAM(flow_limit_count, "flow_limit",
			    "11: packets dropped by the flow limit"),
	};
	char cpu[16];

	for (size_t i = 0; i < ARRAY_SIZE(fams); i++) {
		for (size_t c = 0; c < h->n_softnet; c++) {
			const struct nt_softnet *sn = &h->softnet[c];
			struct lbl l = { "cpu", cpu };

			/* flow_limit_count came with kernel 3.11 */
			if (fams[i].off == offsetof(struct nt_softnet,
						    flow_limit_count) &&
			    sn->ncols < 11)
				continue;
			snprintf(cpu, sizeof(cpu), "%" PRIu32, sn->cpu);
			prom_sample(p, &fams[i].fam, &l, 1,
				    u64_at(sn, fams[i].off));
		}
	}
}

#define LINK_FAM(field, help)						\
	{ offsetof(struct nt_link_stats, field),			\
	  { "nettune_link_" #field "_total", "counter",			\
	    "Per interface, IFLA_STATS64 " #field ": " help "." } }

static void prom_links(struct prom *p, const struct nt_host *h)
{
	static const struct u64_fam fams[] = {
		LINK_FAM(rx_dropped, "received packets dropped by the stack "
			 "or driver"),
		LINK_FAM(tx_dropped, "packets dropped on transmit"),
		LINK_FAM(rx_missed_errors, "packets the NIC missed, no room "
			 "in the host"),
		LINK_FAM(rx_fifo_errors, "NIC receive FIFO overruns"),
		LINK_FAM(rx_over_errors, "receive ring overruns"),
	};

	for (size_t i = 0; i < ARRAY_SIZE(fams); i++) {
		for (size_t d = 0; d < h->n_ifaces; d++) {
			const struct nt_iface *ifc = &h->ifaces[d];
			struct lbl l = { "device", ifc->name };

			if (ifc->link_stats_state != NT_STATE_OK)
				continue;
			prom_sample(p, &fams[i].fam, &l, 1,
				    u64_at(&ifc->stats, fams[i].off));
		}
	}
}

/* tc's notation: handles as "8001:", parents as "root", ":1" or "1:2". */
static void tc_handle(uint32_t h, bool parent, char *buf, size_t size)
{
	if (parent)
		nt_tc_handle_format(h, buf, size);
	else
		snprintf(buf, size, "%x:", TC_H_MAJ(h) >> 16);
}

#define QDISC_FAM(field, metric, type, help)				\
	{ offsetof(struct nt_qdisc, field),				\
	  { "nettune_qdisc_" metric, type, help } }

/*
 * "parent" is a label too: the children of mq all have handle 0: and the
 * same kind, only the parent tells them apart.
 */
static void prom_qdiscs(struct prom *p, const struct nt_host *h)
{
	static const struct u64_fam fams[] = {
		QDISC_FAM(drops, "drops_total", "counter",
			  "Packets the qdisc dropped (tc -s qdisc)."),
		QDISC_FAM(overlimits, "overlimits_total", "counter",
			  "Times the qdisc was over its limit (tc -s qdisc)."),
		QDISC_FAM(requeues, "requeues_total", "counter",
			  "Packets requeued, the driver was busy "
			  "(tc -s qdisc)."),
		QDISC_FAM(backlog, "backlog_bytes", "gauge",
			  "Bytes queued in the qdisc now."),
	};
	char handle[16], parent[16];

	for (size_t i = 0; i < ARRAY_SIZE(fams); i++) {
		for (size_t d = 0; d < h->n_ifaces; d++) {
			const struct nt_iface *ifc = &h->ifaces[d];

			if (ifc->qdiscs_state != NT_STATE_OK)
				continue;
			for (size_t q = 0; q < ifc->n_qdiscs; q++) {
				const struct nt_qdisc *qd = &ifc->qdiscs[q];
				struct lbl l[] = {
					{ "device", ifc->name },
					{ "qdisc", qd->kind },
					{ "handle", handle },
					{ "parent", parent },
				};

				tc_handle(qd->handle, false, handle,
					  sizeof(handle));
				tc_handle(qd->parent, true, parent,
					  sizeof(parent));
				prom_sample(p, &fams[i].fam, l,
					    ARRAY_SIZE(l),
					    u64_at(qd, fams[i].off));
			}
		}
	}
}

/*
 * The queue a driver counter belongs to, when its name says so:
 * "rx_queue_3_drops", "rx3_dropped", "tx-3.drops".  A number must stand
 * between separators (or right after rx/tx) to count as a queue.
 */
static bool counter_queue(const char *name, char *buf, size_t size)
{
	for (const char *p = name; *p; p++) {
		size_t len = strspn(p, "0123456789");
		bool after_sep, after_dir, before_sep;

		if (!len)
			continue;
		after_sep = p > name && strchr("_-.", p[-1]);
		after_dir = p - name >= 2 && (!strncasecmp(p - 2, "rx", 2) ||
					      !strncasecmp(p - 2, "tx", 2));
		before_sep = !p[len] || strchr("_-.", p[len]);
		if ((after_sep || after_dir) && before_sep && len < size) {
			memcpy(buf, p, len);
			buf[len] = '\0';
			return true;
		}
		p += len - 1;
	}
	return false;
}

static void prom_driver(struct prom *p, const struct nt_host *h)
{
	static const struct fam fam = {
		"nettune_driver_drops_total", "counter",
		"Driver statistics (ethtool -S) that count lost packets: names "
		"with drop, discard, miss, no_buf, out_of_buffer, oob, alloc_fail, overrun, fifo.",
	};
	char queue[16];

	for (size_t d = 0; d < h->n_ifaces; d++) {
		const struct nt_iface *ifc = &h->ifaces[d];

		if (ifc->driver_stats_state != NT_STATE_OK)
			continue;
		for (size_t i = 0; i < ifc->driver_stats.n; i++) {
			const struct nt_counter *c = &ifc->driver_stats.v[i];
			struct lbl l[] = {
				{ "device", ifc->name },
				{ "counter", c->name },
				{ "queue", queue },
			};

			if (!nt_driver_counter_drop(c->name) || c->value < 0)
				continue;
			prom_sample(p, &fam, l,
				    counter_queue(c->name, queue,
						  sizeof(queue)) ? 3 : 2,
				    (uint64_t)c->value);
		}
	}
}

struct snmp_fam {
	const char *counter;
	const char *counter6;		/* IPv6 twin added in, or NULL */
	struct fam fam;
};

static void prom_snmp(struct prom *p, const struct nt_host *h)
{
	static const struct snmp_fam fams[] = {
		{ "TcpExtListenOverflows", NULL,
		  { "nettune_tcp_listen_overflows_total", "counter",
		    "SYNs and ACKs dropped, accept queue full "
		    "(TcpExtListenOverflows)." } },
		{ "TcpExtListenDrops", NULL,
		  { "nettune_tcp_listen_drops_total", "counter",
		    "Connections dropped on a listener, any reason "
		    "(TcpExtListenDrops)." } },
		{ "UdpRcvbufErrors", "Udp6RcvbufErrors",
		  { "nettune_udp_rcvbuf_errors_total", "counter",
		    "UDP datagrams dropped, socket receive buffer full "
		    "(UdpRcvbufErrors + Udp6RcvbufErrors)." } },
		{ "UdpSndbufErrors", "Udp6SndbufErrors",
		  { "nettune_udp_sndbuf_errors_total", "counter",
		    "UDP sends failed, socket send buffer full "
		    "(UdpSndbufErrors + Udp6SndbufErrors)." } },
		{ "TcpExtPruneCalled", NULL,
		  { "nettune_tcp_prune_called_total", "counter",
		    "TCP receive queues pruned under memory pressure "
		    "(TcpExtPruneCalled)." } },
		{ "TcpExtTCPBacklogDrop", NULL,
		  { "nettune_tcp_backlog_drop_total", "counter",
		    "TCP segments dropped, socket backlog full "
		    "(TcpExtTCPBacklogDrop)." } },
	};

	for (size_t i = 0; i < ARRAY_SIZE(fams); i++) {
		int64_t v, v6;

		if (!nt_counters_get(&h->snmp, fams[i].counter, &v))
			continue;
		if (fams[i].counter6 &&
		    nt_counters_get(&h->snmp, fams[i].counter6, &v6))
			v += v6;
		if (v >= 0)
			prom_sample(p, &fams[i].fam, NULL, 0, (uint64_t)v);
	}
}

static bool same_listener(const struct nt_listener *a,
			  const struct nt_listener *b)
{
	return a->port == b->port && !strcmp(a->addr, b->addr);
}

/*
 * SO_REUSEPORT gives one address and port many sockets; one series each
 * would repeat a label set, so a group is summed: its queue and its room.
 */
static void prom_listeners(struct prom *p, const struct nt_host *h)
{
	static const struct fam fams[] = {
		{ "nettune_listen_queue", "gauge",
		  "Connections waiting for accept() on a TCP listener." },
		{ "nettune_listen_backlog", "gauge",
		  "Accept queue size of a TCP listener (listen() backlog, "
		  "capped by somaxconn)." },
	};
	char port[8];

	if (!(h->sources & NT_SRC_SOCKDIAG))
		return;
	for (size_t f = 0; f < ARRAY_SIZE(fams); f++) {
		for (size_t i = 0; i < h->n_listeners; i++) {
			const struct nt_listener *l = &h->listeners[i];
			struct lbl lb[] = {
				{ "addr", l->addr },
				{ "port", port },
			};
			uint64_t sum = 0;
			size_t j;

			for (j = 0; j < i; j++)
				if (same_listener(&h->listeners[j], l))
					break;
			if (j < i)
				continue;
			for (j = i; j < h->n_listeners; j++)
				if (same_listener(&h->listeners[j], l))
					sum += f ? h->listeners[j].backlog :
					      h->listeners[j].accept_queue;
			snprintf(port, sizeof(port), "%" PRIu16, l->port);
			prom_sample(p, &fams[f], lb, ARRAY_SIZE(lb), sum);
		}
	}
}

static bool same_drop_series(const struct nt_drop_row *a,
			     const struct nt_drop_row *b)
{
	return !strcmp(a->reason_name, b->reason_name) &&
	       !strcmp(a->location_name, b->location_name) &&
	       !strcmp(a->device, b->device);
}

/*
 * The rate of each observed (reason, location, device) over the interval:
 * a gauge, for the counts start at the aggregator's attach.  Rows that
 * differ only in what the labels do not show are one series.
 */
static void prom_drop_reasons(struct prom *p, const struct nt_audit_report *r)
{
	const struct nt_drop_table *t = r->drops;
	static const struct fam avail = {
		"nettune_drop_reasons_available", "gauge",
		"1 when the audit counted the kernel's drop reasons over its "
		"interval, 0 when it could not (see its stderr).",
	};
	static const struct fam fam = {
		"nettune_drop_reason_rate", "gauge",
		"Packets per second the kernel dropped for this reason at this "
		"location and device over the audit's interval.",
	};

	if (t || r->drops_unavailable)
		prom_sample(p, &avail, NULL, 0, t ? 1 : 0);
	for (size_t i = 0; t && i < t->n; i++) {
		const struct nt_drop_row *d = &t->v[i];
		struct lbl l[] = {
			{ "reason", d->reason_name },
			{ "location", d->location_name },
			{ "device", d->device },
		};
		uint64_t sum = 0;
		size_t j;

		for (j = 0; j < i && !same_drop_series(&t->v[j], d); j++)
			;
		if (j < i)
			continue;
		for (j = i; j < t->n; j++)
			if (same_drop_series(&t->v[j], d))
				sum += t->v[j].count;
		prom_series(p, &fam, l, ARRAY_SIZE(l));
		fprintf(p->out, " %.6g\n", t->seconds > 0 ?
			(double)sum / t->seconds : 0.0);
	}
}

static bool same_finding(const struct nt_finding *a,
			 const struct nt_finding *b)
{
	return a->severity == b->severity && !strcmp(a->id, b->id) &&
	       !strcmp(a->subject, b->subject);
}

static void prom_findings(struct prom *p, const struct nt_audit_report *r)
{
	const struct nt_findings *f = r->findings;
	static const struct fam fam = {
		"nettune_finding", "gauge",
		"A finding of the last audit (nettune audit), "
		"1 while it holds.",
	};
	static const struct fam worst = {
		"nettune_audit_worst_severity", "gauge",
		"Worst finding of the last audit: 0 none, 1 info, 2 warning, "
		"3 critical.",
	};

	for (size_t i = 0; i < f->n; i++) {
		const struct nt_finding *fd = &f->v[i];
		struct lbl l[] = {
			{ "id", fd->id },
			{ "severity", nt_severity_name(fd->severity) },
			{ "subject", fd->subject },
		};
		size_t j;

		/* a check may say the same twice: one series only */
		for (j = 0; j < i && !same_finding(&f->v[j], fd); j++)
			;
		if (j == i)
			prom_sample(p, &fam, l, ARRAY_SIZE(l), 1);
	}
	prom_sample(p, &worst, NULL, 0, (uint64_t)nt_audit_worst(f));
}

static void print_prometheus(FILE *out, const struct nt_audit_report *r)
{
	struct prom p = { .out = out };

	prom_softnet(&p, r->cur);
	prom_links(&p, r->cur);
	prom_qdiscs(&p, r->cur);
	prom_driver(&p, r->cur);
	prom_snmp(&p, r->cur);
	prom_listeners(&p, r->cur);
	prom_drop_reasons(&p, r);
	prom_findings(&p, r);
}

/**
 * nt_audit_print() - print an audit report
 * @out: stream
 * @report: the looks at the host and the findings on them
 * @format: text, JSON or Prometheus
 *
 * Return: 0, -ENOMEM, or -EIO when @out could not be written.
 */
int nt_audit_print(FILE *out, const struct nt_audit_report *report,
		   enum nt_audit_format format)
{
	int ret = 0;

	switch (format) {
	case NT_AUDIT_TEXT:
		print_text(out, report);
		break;
	case NT_AUDIT_JSON:
		ret = print_json(out, report);
		break;
	case NT_AUDIT_PROMETHEUS:
		print_prometheus(out, report);
		break;
	default:
		return -EINVAL;
	}
	if (ferror(out) || fflush(out))
		return -EIO;
	return ret;
}
