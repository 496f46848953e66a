// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Batch printers of `nettune top`: text frames and JSON lines.
 *
 * Both allocate nothing: text lines are built in a buffer on the stack
 * (cut at TEXT_COLS columns) and JSON is written straight to the stream
 * with its own string escaper.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "audit/audit.h"
#include "output/top.h"
#include "util/json.h"

#define TEXT_COLS	120
#define DROP_MARK	" <"
#define NUM_LEN		16

void nt_top_show_default(struct nt_top_show *show)
{
	for (int i = 0; i < NT_PANE_COUNT; i++)
		show->pane[i] = true;
	show->expand = false;
	show->hide_idle = false;
}

/* Numbers ---------------------------------------------------------------- */

/*
 * A number in at most 5 characters, as top prints them: "0", "0.5",
 * "812", "1.2k", "34k", "5.6M"; "-" for an unknown (negative) value.
 */
static const char *num(char *buf, double v)
{
	static const char units[] = "kMGTP";
	int u = -1;

	if (v < 0)
		return "-";
	/* most cells of a big host are idle: no printf for a whole number */
	if (v < 999.5 && v == (long)v) {
		long n = (long)v;
		char *p = buf + NUM_LEN - 1;

		*p = '\0';
		do
			*--p = (char)('0' + n % 10);
		while (n /= 10);
		return p;
	}
	while (v >= 999.5 && u + 1 < (int)sizeof(units) - 1) {
		v /= 1000;
		u++;
	}
	if (u < 0)
		snprintf(buf, NUM_LEN,
			 v < 9.95 && v != (long)v ? "%.1f" : "%.0f", v);
	else
		snprintf(buf, NUM_LEN, v < 9.95 ? "%.1f%c" : "%.0f%c", v,
			 units[u]);
	return buf;
}

/* Text lines ------------------------------------------------------------- */

#define NAME_LEN	(NT_NAME_LEN + 1)

/* @s with control characters as '?': a name cannot break a table. */
static const char *clean(char *buf, size_t size, const char *s)
{
	size_t i;

	for (i = 0; i + 1 < size && s[i]; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' :
			 s[i];
	buf[i] = '\0';
	return buf;
}

struct line {
	char buf[TEXT_COLS + 1];
	size_t len;
};

static void __attribute__((format(printf, 2, 3)))
add(struct line *l, const char *fmt, ...)
{
	size_t room = l->len < sizeof(l->buf) ? sizeof(l->buf) - l->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? l->buf + l->len : NULL, room, fmt, ap);
	va_end(ap);
	l->len += n > 0 ? (size_t)n : 0;
	if (l->len >= sizeof(l->buf))
		l->len = sizeof(l->buf) - 1;
}

/* Print @l without trailing blanks; a dropping row ends in " <". */
static void put_line(FILE *out, struct line *l, bool dropping)
{
	size_t max = TEXT_COLS - (dropping ? strlen(DROP_MARK) : 0);

	if (l->len > max)
		l->len = max;
	while (l->len && l->buf[l->len - 1] == ' ')
		l->len--;
	l->buf[l->len] = '\0';
	fputs(l->buf, out);
	fputs(dropping ? DROP_MARK "\n" : "\n", out);
	l->len = 0;
	l->buf[0] = '\0';
}

static void uptime_text(char *buf, size_t size, double s)
{
	long long t = (long long)s, days = t / 86400;

	if (s < 0)
		snprintf(buf, size, "?");
	else if (days)
		snprintf(buf, size, "%lldd %lld:%02lld", days,
			 t % 86400 / 3600, t % 3600 / 60);
	else
		snprintf(buf, size, "%lld:%02lld", t / 3600, t % 3600 / 60);
}

/*
 * Two lines: the host and the totals, then the worst finding with its
 * summary (cut to the line), as the view shows them.
 */
static void text_header(FILE *out, const struct nt_top_frame *f)
{
	const struct nt_top_header *h = &f->hdr;
	char up[32], a[NUM_LEN], b[NUM_LEN], c[NUM_LEN];
	char host[sizeof(h->hostname)], kernel[sizeof(h->kernel)];
	char summary[sizeof(h->worst_summary)];
	struct line l = { .len = 0 };

	uptime_text(up, sizeof(up), h->uptime_s);
	add(&l, "nettune top - %s kernel %s up %s, interval %.2f s, ",
	    h->hostname[0] ? clean(host, sizeof(host), h->hostname) : "?",
	    h->kernel[0] ? clean(kernel, sizeof(kernel), h->kernel) : "?",
	    up, h->interval_s);
	add(&l, "rx %s pps tx %s pps, drops %s/s", num(a, h->rx_pps),
	    num(b, h->tx_pps), num(c, h->drops));
	put_line(out, &l, false);
	if (h->worst_severity > NT_SEV_OK && h->worst_id[0])
		add(&l, "worst: %s %s %s - %s",
		    nt_severity_name(h->worst_severity), h->worst_id,
		    h->worst_subject,
		    clean(summary, sizeof(summary), h->worst_summary));
	else
		add(&l, "worst: none");
	put_line(out, &l, false);
}

static void text_title(FILE *out, const char *title, size_t n,
		       size_t hidden)
{
	struct line l = { .len = 0 };

	add(&l, "%s: %zu", title, n);	/* "NIC (2): 4", the view's title */
	if (hidden)
		add(&l, " (%zu idle hidden)", hidden);
	put_line(out, &l, false);
}

/* CPU pane --------------------------------------------------------------- */

#define CPU_FMT	"%5s %4s %8s %8s %9s %8s %8s %8s %8s"

static void text_cpu(FILE *out, const struct nt_top_cpu *c)
{
	char id[16], node[16], v[7][NUM_LEN];
	struct line l = { .len = 0 };

	snprintf(id, sizeof(id), "%u%s", c->cpu, c->online ? "" : "*");
	snprintf(node, sizeof(node), c->node < 0 ? "-" : "%d", c->node);
	add(&l, CPU_FMT, id, node, num(v[0], c->net_rx), num(v[1], c->net_tx),
	    num(v[2], c->processed), num(v[3], c->dropped),
	    num(v[4], c->squeezed), num(v[5], c->rps),
	    num(v[6], c->nic_irqs));
	put_line(out, &l, c->dropped > 0);
}

static void text_cpus(FILE *out, const struct nt_top_frame *f,
		      const struct nt_top_show *show)
{
	struct line l = { .len = 0 };
	size_t hidden = 0;

	for (size_t i = 0; show->hide_idle && i < f->n_cpus; i++)
		hidden += f->cpus[i].idle;
	text_title(out, "CPU (1)", f->n_cpus, hidden);
	add(&l, CPU_FMT, "CPU", "NODE", "NET_RX", "NET_TX", "PROCESSED",
	    "DROPPED", "SQUEEZED", "RPS", "NIC_IRQS");
	put_line(out, &l, false);
	for (size_t i = 0; i < f->n_cpus; i++)
		if (!(show->hide_idle && f->cpus[i].idle))
			text_cpu(out, &f->cpus[i]);
}

/* NIC pane --------------------------------------------------------------- */

#define NIC_FMT	"%-15s %-10s %7s %7s %7s %7s %7s %7s %7s %11s %9s"
#define QUEUE_FMT	"  %-5s %-6s %-10s %7s %7s %7s %7s  %s"

static bool nic_dropping(const struct nt_top_nic *n)
{
	return n->drops > 0 || n->missed > 0 || n->errors > 0 ||
	       n->driver_drops > 0;
}

/* A queue row says something: it has an IRQ or a driver counter. */
static bool queue_known(const struct nt_top_queue *q)
{
	return q->irq >= 0 || q->rx_pps >= 0 || q->tx_pps >= 0 ||
	       q->drops >= 0;
}

static void ring_text(char *buf, size_t size, const struct nt_top_nic *n)
{
	if (n->ring_rx < 0 && n->ring_rx_max < 0)
		snprintf(buf, size, "-");
	else if (n->ring_rx_max < 0)
		snprintf(buf, size, "%" PRId64 "/-", n->ring_rx);
	else if (n->ring_rx < 0)
		snprintf(buf, size, "-/%" PRId64, n->ring_rx_max);
	else
		snprintf(buf, size, "%" PRId64 "/%" PRId64, n->ring_rx,
			 n->ring_rx_max);
}

static void text_queue(FILE *out, const struct nt_top_queue *q)
{
	char id[16], irq[16], v[4][NUM_LEN];
	struct line l = { .len = 0 };

	snprintf(id, sizeof(id), "%d", q->queue);
	snprintf(irq, sizeof(irq), q->irq < 0 ? "-" : "%d", q->irq);
	add(&l, QUEUE_FMT, id, q->type[0] ? q->type : "-", irq,
	    num(v[0], q->rx_pps), num(v[1], q->tx_pps), num(v[2], q->irqs),
	    num(v[3], q->drops), q->cpus[0] ? q->cpus : "-");
	put_line(out, &l, q->drops > 0);
}

static void text_nic(FILE *out, const struct nt_top_nic *n,
		     const struct nt_top_show *show)
{
	char ring[48], v[8][NUM_LEN], name[NAME_LEN], drv[NAME_LEN];
	struct line l = { .len = 0 };

	ring_text(ring, sizeof(ring), n);
	add(&l, NIC_FMT, clean(name, sizeof(name), n->name),
	    n->driver[0] ? clean(drv, sizeof(drv), n->driver) : "-",
	    num(v[0], n->rx_pps), num(v[1], n->tx_pps), num(v[2], n->rx_mbps),
	    num(v[3], n->tx_mbps), num(v[4], n->drops), num(v[5], n->missed),
	    num(v[6], n->errors), ring, num(v[7], n->driver_drops));
	put_line(out, &l, nic_dropping(n));
	for (size_t i = 0; show->expand && i < n->n_queues; i++)
		if (queue_known(&n->queues[i]))
			text_queue(out, &n->queues[i]);
}

static void text_nics(FILE *out, const struct nt_top_frame *f,
		      const struct nt_top_show *show)
{
	struct line l = { .len = 0 };
	size_t hidden = 0;

	for (size_t i = 0; show->hide_idle && i < f->n_nics; i++)
		hidden += f->nics[i].idle;
	text_title(out, "NIC (2)", f->n_nics, hidden);
	add(&l, NIC_FMT, "IFACE", "DRIVER", "RX_PPS", "TX_PPS", "RX_MBIT",
	    "TX_MBIT", "DROPS", "MISSED", "ERRORS", "RING", "DRV_DROPS");
	put_line(out, &l, false);
	if (show->expand) {
		add(&l, QUEUE_FMT, "QUEUE", "TYPE", "IRQ", "RX_PPS", "TX_PPS",
		    "IRQ/S", "DROPS", "CPUS");
		put_line(out, &l, false);
	}
	for (size_t i = 0; i < f->n_nics; i++)
		if (!(show->hide_idle && f->nics[i].idle))
			text_nic(out, &f->nics[i], show);
}

/* qdisc pane ------------------------------------------------------------- */

#define QDISC_FMT	"%-15s %-10s %-8s %-8s %7s %7s %10s %8s %9s %9s"

static void text_qdisc(FILE *out, const struct nt_top_qdisc *q)
{
	char v[6][NUM_LEN], dev[NAME_LEN], kind[NAME_LEN];
	struct line l = { .len = 0 };

	add(&l, QDISC_FMT, clean(dev, sizeof(dev), q->dev),
	    clean(kind, sizeof(kind), q->kind), q->handle, q->parent,
	    num(v[0], q->pps), num(v[1], q->drops), num(v[2], q->overlimits),
	    num(v[3], q->requeues), num(v[4], (double)q->backlog_bytes),
	    num(v[5], (double)q->backlog_packets));
	put_line(out, &l, q->drops > 0);
}

static void text_qdiscs(FILE *out, const struct nt_top_frame *f,
			const struct nt_top_show *show)
{
	struct line l = { .len = 0 };
	size_t hidden = 0;

	for (size_t i = 0; show->hide_idle && i < f->n_qdiscs; i++)
		hidden += f->qdiscs[i].idle;
	text_title(out, "qdisc (3)", f->n_qdiscs, hidden);
	add(&l, QDISC_FMT, "DEV", "KIND", "HANDLE", "PARENT", "PPS", "DROPS",
	    "OVERLIMITS", "REQUEUES", "BACKLOG_B", "BACKLOG_P");
	put_line(out, &l, false);
	for (size_t i = 0; i < f->n_qdiscs; i++)
		if (!(show->hide_idle && f->qdiscs[i].idle))
			text_qdisc(out, &f->qdiscs[i]);
}

/* Sockets pane ----------------------------------------------------------- */

#define SOCK_FMT	"  %11s %11s %10s %9s %11s %12s %10s %12s"
#define LISTENER_FMT	"  %-46s %7s %7s"

static bool sock_dropping(const struct nt_top_sock *s)
{
	return s->listen_overflows > 0 || s->listen_drops > 0 ||
	       s->udp_rcvbuf_errors > 0 || s->udp_inerrors > 0 ||
	       s->rcv_pruned > 0 || s->backlog_drops > 0;
}

static void listener_addr(char *buf, size_t size, const struct nt_listener *l)
{
	if (l->family == AF_INET6)
		snprintf(buf, size, "[%s]:%u", l->addr, l->port);
	else
		snprintf(buf, size, "%s:%u", l->addr, l->port);
}

static void text_listeners(FILE *out, const struct nt_top_sock *s)
{
	struct line l = { .len = 0 };
	char addr[64], q[NUM_LEN], b[NUM_LEN];

	if (!s->have_listeners)
		return;
	add(&l, LISTENER_FMT, "LISTENER", "ACCEPTQ", "BACKLOG");
	put_line(out, &l, false);
	if (!s->n_worst) {
		add(&l, "  (no listening TCP sockets)");
		put_line(out, &l, false);
	}
	for (size_t i = 0; i < s->n_worst; i++) {
		const struct nt_listener *w = &s->worst[i];

		listener_addr(addr, sizeof(addr), w);
		add(&l, LISTENER_FMT, addr, num(q, w->accept_queue),
		    num(b, w->backlog));
		put_line(out, &l, false);
	}
}

static void text_sockets(FILE *out, const struct nt_top_frame *f)
{
	const struct nt_top_sock *s = &f->sock;
	struct line l = { .len = 0 };
	char v[8][NUM_LEN];

	add(&l, "Sockets (4): per second");
	put_line(out, &l, false);
	add(&l, SOCK_FMT, "LISTEN_OVF", "LISTEN_DROP", "UDP_RCVBUF",
	    "UDP_INERR", "TCP_RETRANS", "PRUNE_CALLED", "RCV_PRUNED",
	    "BACKLOG_DROP");
	put_line(out, &l, false);
	add(&l, SOCK_FMT, num(v[0], s->listen_overflows),
	    num(v[1], s->listen_drops), num(v[2], s->udp_rcvbuf_errors),
	    num(v[3], s->udp_inerrors), num(v[4], s->tcp_retrans),
	    num(v[5], s->prune_called), num(v[6], s->rcv_pruned),
	    num(v[7], s->backlog_drops));
	put_line(out, &l, sock_dropping(s));
	text_listeners(out, s);
}

/* Drop-reason pane ------------------------------------------------------ */

#define REASON_FMT	"%-28s %-36s %-15s %9s %7s"

static void text_reason(FILE *out, const struct nt_top_reason *r)
{
	char reason[NT_TOP_REASON_LEN], loc[NT_TOP_LOCATION_LEN];
	char dev[NAME_LEN], c[NUM_LEN], p[NUM_LEN];
	struct line l = { .len = 0 };

	add(&l, REASON_FMT, clean(reason, sizeof(reason), r->reason),
	    clean(loc, sizeof(loc), r->location),
	    r->device[0] ? clean(dev, sizeof(dev), r->device) : "-",
	    num(c, (double)r->count), num(p, r->per_s));
	put_line(out, &l, r->count > 0);
}

/* Nothing when not counted; one line saying why when they could not be. */
static void text_drop_reasons(FILE *out, const struct nt_top_frame *f)
{
	const struct nt_top_drops *d = &f->drops;
	struct line l = { .len = 0 };
	char why[NT_TOP_WHY_LEN], c[NUM_LEN], p[NUM_LEN];

	fputc('\n', out);
	if (d->state == NT_TOP_DROPS_UNAVAILABLE) {
		add(&l, "Drop reasons (5): unavailable: %s",
		    clean(why, sizeof(why), d->why));
		put_line(out, &l, false);
		return;
	}
	text_title(out, "Drop reasons (5)", d->n, 0);
	add(&l, REASON_FMT, "REASON", "LOCATION", "DEVICE", "COUNT", "PER_S");
	put_line(out, &l, false);
	for (size_t i = 0; i < d->n; i++)
		text_reason(out, &d->v[i]);
	if (d->other) {
		add(&l, REASON_FMT, "(others)", "", "", num(c, (double)d->other),
		    num(p, d->other_per_s));
		put_line(out, &l, true);
	}
}

void nt_top_print_text(FILE *out, const struct nt_top_frame *f,
		       const struct nt_top_show *show)
{
	text_header(out, f);
	if (show->pane[NT_PANE_CPU]) {
		fputc('\n', out);
		text_cpus(out, f, show);
	}
	if (show->pane[NT_PANE_NIC]) {
		fputc('\n', out);
		text_nics(out, f, show);
	}
	if (show->pane[NT_PANE_QDISC]) {
		fputc('\n', out);
		text_qdiscs(out, f, show);
	}
	if (show->pane[NT_PANE_SOCK]) {
		fputc('\n', out);
		text_sockets(out, f);
	}
	if (show->pane[NT_PANE_DROPS] && f->drops.state != NT_TOP_DROPS_OFF)
		text_drop_reasons(out, f);
	fputc('\n', out);
}

/* JSON ------------------------------------------------------------------- */

/* A writer of one compact JSON line; @first: no comma before the next. */
struct jw {
	FILE *out;
	bool first;
};


static void j_key(struct jw *w, const char *key)
{
	if (!w->first)
		fputc(',', w->out);
	w->first = false;
	if (key) {
		nt_json_put_string(w->out, key, SIZE_MAX);
		fputc(':', w->out);
	}
}

static void j_open(struct jw *w, const char *key, char c)
{
	j_key(w, key);
	fputc(c, w->out);
	w->first = true;
}

static void j_close(struct jw *w, char c)
{
	fputc(c, w->out);
	w->first = false;
}

static void j_str(struct jw *w, const char *key, const char *s)
{
	j_key(w, key);
	nt_json_put_string(w->out, s, SIZE_MAX);
}

static void j_bool(struct jw *w, const char *key, bool v)
{
	j_key(w, key);
	fputs(v ? "true" : "false", w->out);
}

static void j_null(struct jw *w, const char *key)
{
	j_key(w, key);
	fputs("null", w->out);
}

static void j_int(struct jw *w, const char *key, int64_t v)
{
	j_key(w, key);
	fprintf(w->out, "%" PRId64, v);
}

/* An integer, or null when negative (unknown). */
static void j_level(struct jw *w, const char *key, int64_t v)
{
	if (v < 0)
		j_null(w, key);
	else
		j_int(w, key, v);
}

/*
 * A rate: null when unknown, whole numbers without decimals, fractions
 * below 1 with their significant digits (0.0003/s is a drop an hour).
 */
static void j_rate(struct jw *w, const char *key, double v)
{
	if (v < 0) {
		j_null(w, key);
		return;
	}
	j_key(w, key);
	if (v == (double)(int64_t)v && v < 1e15)
		fprintf(w->out, "%.0f", v);
	else if (v < 1)
		fprintf(w->out, "%.3g", v);
	else
		fprintf(w->out, "%.2f", v);
}

static void json_header(struct jw *w, const struct nt_top_frame *f)
{
	const struct nt_top_header *h = &f->hdr;

	if (h->taken_ns > 0) {
		j_key(w, "time");
		fprintf(w->out, "%" PRId64 ".%03" PRId64,
			h->taken_ns / 1000000000, h->taken_ns % 1000000000 /
			1000000);
	} else {
		j_null(w, "time");
	}
	j_str(w, "host", h->hostname);
	j_str(w, "kernel", h->kernel);
	j_rate(w, "uptime",
	       h->uptime_s < 0 ? -1 : (double)(int64_t)h->uptime_s);
	j_key(w, "interval");
	fprintf(w->out, "%.3f", h->interval_s);
	j_str(w, "sort", nt_top_sort_name(f->sort));
	j_open(w, "totals", '{');
	j_rate(w, "rx_pps", h->rx_pps);
	j_rate(w, "tx_pps", h->tx_pps);
	j_rate(w, "drops", h->drops);
	j_close(w, '}');
	if (h->worst_severity <= NT_SEV_OK || !h->worst_id[0]) {
		j_null(w, "worst");
		return;
	}
	j_open(w, "worst", '{');
	j_str(w, "severity", nt_severity_name(h->worst_severity));
	j_str(w, "id", h->worst_id);
	j_str(w, "subject", h->worst_subject);
	j_str(w, "summary", h->worst_summary);
	j_close(w, '}');
}

static void json_cpu(struct jw *w, const struct nt_top_cpu *c)
{
	j_open(w, NULL, '{');
	j_int(w, "cpu", c->cpu);
	j_level(w, "node", c->node);
	j_bool(w, "online", c->online);
	j_rate(w, "net_rx", c->net_rx);
	j_rate(w, "net_tx", c->net_tx);
	j_rate(w, "processed", c->processed);
	j_rate(w, "dropped", c->dropped);
	j_rate(w, "squeezed", c->squeezed);
	j_rate(w, "rps", c->rps);
	j_rate(w, "nic_irqs", c->nic_irqs);
	j_bool(w, "idle", c->idle);
	j_close(w, '}');
}

static void json_queue(struct jw *w, const struct nt_top_queue *q)
{
	j_open(w, NULL, '{');
	j_int(w, "queue", q->queue);
	j_str(w, "type", q->type);
	j_level(w, "irq", q->irq);
	j_str(w, "cpus", q->cpus);
	j_rate(w, "irqs", q->irqs);
	j_rate(w, "rx_pps", q->rx_pps);
	j_rate(w, "tx_pps", q->tx_pps);
	j_rate(w, "drops", q->drops);
	j_close(w, '}');
}

static void json_nic(struct jw *w, const struct nt_top_nic *n)
{
	j_open(w, NULL, '{');
	j_str(w, "name", n->name);
	j_str(w, "driver", n->driver);
	j_level(w, "numa_node", n->numa_node);
	j_rate(w, "rx_pps", n->rx_pps);
	j_rate(w, "tx_pps", n->tx_pps);
	j_rate(w, "rx_mbps", n->rx_mbps);
	j_rate(w, "tx_mbps", n->tx_mbps);
	j_rate(w, "drops", n->drops);
	j_rate(w, "missed", n->missed);
	j_rate(w, "errors", n->errors);
	j_level(w, "ring_rx", n->ring_rx);
	j_level(w, "ring_rx_max", n->ring_rx_max);
	j_rate(w, "driver_drops", n->driver_drops);
	j_bool(w, "idle", n->idle);
	j_open(w, "queues", '[');
	for (size_t i = 0; i < n->n_queues; i++)
		if (queue_known(&n->queues[i]))
			json_queue(w, &n->queues[i]);
	j_close(w, ']');
	j_close(w, '}');
}

static void json_qdisc(struct jw *w, const struct nt_top_qdisc *q)
{
	j_open(w, NULL, '{');
	j_str(w, "dev", q->dev);
	j_str(w, "kind", q->kind);
	j_str(w, "handle", q->handle);
	j_str(w, "parent", q->parent);
	j_rate(w, "pps", q->pps);
	j_rate(w, "drops", q->drops);
	j_rate(w, "overlimits", q->overlimits);
	j_rate(w, "requeues", q->requeues);
	j_int(w, "backlog_bytes", (int64_t)q->backlog_bytes);
	j_int(w, "backlog_packets", (int64_t)q->backlog_packets);
	j_bool(w, "idle", q->idle);
	j_close(w, '}');
}

static void json_listeners(struct jw *w, const struct nt_top_sock *s)
{
	if (!s->have_listeners) {
		j_null(w, "listeners");
		return;
	}
	j_open(w, "listeners", '[');
	for (size_t i = 0; i < s->n_worst; i++) {
		const struct nt_listener *l = &s->worst[i];

		j_open(w, NULL, '{');
		j_str(w, "family", l->family == AF_INET6 ? "inet6" : "inet");
		j_str(w, "addr", l->addr);
		j_int(w, "port", l->port);
		j_int(w, "accept_queue", l->accept_queue);
		j_int(w, "backlog", l->backlog);
		j_close(w, '}');
	}
	j_close(w, ']');
}

static void json_sockets(struct jw *w, const struct nt_top_sock *s)
{
	j_open(w, "sockets", '{');
	j_rate(w, "listen_overflows", s->listen_overflows);
	j_rate(w, "listen_drops", s->listen_drops);
	j_rate(w, "udp_rcvbuf_errors", s->udp_rcvbuf_errors);
	j_rate(w, "udp_inerrors", s->udp_inerrors);
	j_rate(w, "tcp_retrans", s->tcp_retrans);
	j_rate(w, "prune_called", s->prune_called);
	j_rate(w, "rcv_pruned", s->rcv_pruned);
	j_rate(w, "backlog_drops", s->backlog_drops);
	json_listeners(w, s);
	j_close(w, '}');
}

/* "drop_reasons" when counted, null and why when they could not be. */
static void json_drop_reasons(struct jw *w, const struct nt_top_drops *d)
{
	if (d->state == NT_TOP_DROPS_OFF)
		return;
	if (d->state == NT_TOP_DROPS_UNAVAILABLE) {
		j_null(w, "drop_reasons");
		j_str(w, "drop_reasons_unavailable", d->why);
		return;
	}
	j_open(w, "drop_reasons", '{');
	j_open(w, "rows", '[');
	for (size_t i = 0; i < d->n; i++) {
		const struct nt_top_reason *r = &d->v[i];

		j_open(w, NULL, '{');
		j_str(w, "reason", r->reason);
		j_str(w, "location", r->location);
		if (r->device[0])
			j_str(w, "device", r->device);
		else
			j_null(w, "device");
		j_int(w, "count", (int64_t)r->count);
		j_rate(w, "per_s", r->per_s);
		j_close(w, '}');
	}
	j_close(w, ']');
	j_int(w, "other", (int64_t)d->other);
	j_rate(w, "other_per_s", d->other_per_s);
	j_close(w, '}');
}

void nt_top_print_json(FILE *out, const struct nt_top_frame *f,
		       const struct nt_top_show *show)
{
	struct jw w = { .out = out, .first = true };
	bool hide = show->hide_idle;

	j_open(&w, NULL, '{');
	json_header(&w, f);
	j_open(&w, "cpus", '[');
	for (size_t i = 0; i < f->n_cpus; i++)
		if (!(hide && f->cpus[i].idle))
			json_cpu(&w, &f->cpus[i]);
	j_close(&w, ']');
	j_open(&w, "nics", '[');
	for (size_t i = 0; i < f->n_nics; i++)
		if (!(hide && f->nics[i].idle))
			json_nic(&w, &f->nics[i]);
	j_close(&w, ']');
	j_open(&w, "qdiscs", '[');
	for (size_t i = 0; i < f->n_qdiscs; i++)
		if (!(hide && f->qdiscs[i].idle))
			json_qdisc(&w, &f->qdiscs[i]);
	j_close(&w, ']');
	json_sockets(&w, &f->sock);
	json_drop_reasons(&w, &f->drops);
	j_close(&w, '}');
	fputc('\n', out);
}
