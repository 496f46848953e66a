// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ncurses view of `nettune top`: a three-line header, the five panes
 * (CPU, NIC, qdisc, Sockets, Drop reasons) sharing the rest of the screen, and a status
 * line with the keys.  Every line is formatted into a stack buffer and cut
 * to the screen width, so drawing allocates nothing of its own and never
 * wraps.
 */
#include <curses.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "util/str.h"
#include "view.h"
#include "util/array.h"

#define HDR_LINES	3	/* host line, totals line, worst finding */
#define LINE_LEN	1024	/* longest line drawn */
#define CELL_LEN	80	/* one table cell */
#define INTERVAL_MIN	0.1
#define INTERVAL_MAX	60.0
#define SOCK_CELL	24	/* "label value" of the Sockets pane */
#define SOCK_GAP	3

/* colour pairs */
enum { PAIR_RED = 1, PAIR_YELLOW, PAIR_TITLE };

struct nt_view {
	SCREEN *scr;
	bool active;		/* curses mode is on: endwin() still due */
	attr_t a_drop;		/* a row or value with drops */
	attr_t a_crit, a_warn;	/* worst finding by severity */
	attr_t a_title;		/* pane titles */
	attr_t a_colhdr;	/* column headers */
	attr_t a_status;	/* the key line, PAUSED */
	attr_t a_dim;		/* "waiting", "not read" */
};

/* One column of a pane's table. */
struct col {
	const char *title;
	int width;		/* characters; cells are cut to it */
	int prio;		/* 0 always shown; the highest goes first */
	bool left;		/* names: left-aligned */
};

/* Writes cell @i of @row (a row of the pane's type) into @buf. */
typedef void (*cell_fn)(const void *row, int i, char *buf, size_t len);

/* ---- numbers ---- */

/*
 * fmt_rate() - a rate or level in at most five characters: "0", "<0.01",
 * "0.25", "7.5", "812", "1.2k", "34k", "5.6M"; "-" when unknown (negative).
 */
static const char *fmt_rate(char *buf, size_t len, double v)
{
	static const char suffix[] = "kMGTP";
	int i = -1;

	if (v < 0 || isnan(v))
		return "-";
	if (v == 0)
		return "0";
	if (v < 0.01)
		return "<0.01";	/* a drop now and then is still a drop */
	while (v >= 999.5 && i < (int)sizeof(suffix) - 2) {
		v /= 1000;
		i++;
	}
	if (i < 0 && v == (double)(long)v)
		snprintf(buf, len, "%.0f", v);
	else if (i < 0)
		snprintf(buf, len, v < 1 ? "%.2f" : v < 9.95 ? "%.1f" : "%.0f",
			 v);
	else
		snprintf(buf, len, v < 9.95 ? "%.1f%c" : "%.0f%c", v,
			 suffix[i]);
	return buf;
}

/* A rate into @buf itself (for cells). */
static void cell_rate(char *buf, size_t len, double v)
{
	char tmp[16];

	snprintf(buf, len, "%s", fmt_rate(tmp, sizeof(tmp), v));
}

static void fmt_uptime(char *buf, size_t len, double s)
{
	long t = (long)s;

	if (s < 0)
		snprintf(buf, len, "-");
	else if (t >= 86400)
		snprintf(buf, len, "%ldd %02ld:%02ld", t / 86400,
			 t % 86400 / 3600, t % 3600 / 60);
	else
		snprintf(buf, len, "%02ld:%02ld", t / 3600, t % 3600 / 60);
}

static void fmt_clock(char *buf, size_t len, int64_t ns)
{
	time_t t = ns / 1000000000;
	struct tm tm;

	if (ns <= 0 || !localtime_r(&t, &tm) ||
	    !strftime(buf, len, "%H:%M:%S", &tm))
		snprintf(buf, len, "--:--:--");
}

/* ---- putting text on the screen ---- */

/* put() - @s at @y/@x in @attr, cut at the right edge; returns the new x */
static int put(int y, int x, attr_t attr, const char *s)
{
	int room = COLS - x;
	int n = (int)strlen(s);

	if (y < 0 || y >= LINES || room <= 0)
		return x;
	if (n > room)
		n = room;
	attrset(attr);
	mvaddnstr(y, x, s, n);
	attrset(A_NORMAL);
	return x + n;
}

/* put_line() - @s padded with blanks to the full width, in @attr */
static void put_line(int y, attr_t attr, const char *s)
{
	int x = put(y, 0, attr, s);

	if (y < 0 || y >= LINES || x >= COLS)
		return;
	attrset(attr);
	mvhline(y, x, ' ', COLS - x);
	attrset(A_NORMAL);
}

/* ---- tables ---- */

static int cols_width(const struct col *c, int n, unsigned int mask)
{
	int w = 0;

	for (int i = 0; i < n; i++)
		if (mask & (1u << i))
			w += c[i].width + (w ? 1 : 0);
	return w;
}

/*
 * fit_cols() - the columns that fit in @width: the ones of highest prio
 * (the last of them first) are left out until the rest fits
 */
static unsigned int fit_cols(const struct col *c, int n, int width)
{
	unsigned int mask = (1u << n) - 1;

	while (cols_width(c, n, mask) > width) {
		int drop = -1;

		for (int i = n - 1; i >= 0; i--)
			if ((mask & (1u << i)) && c[i].prio > 0 &&
			    (drop < 0 || c[i].prio > c[drop].prio))
				drop = i;
		if (drop < 0)
			break;
		mask &= ~(1u << drop);
	}
	return mask;
}

/* table_line() - the column titles (@row NULL) or the cells of @row */
static void table_line(char *line, size_t size, const struct col *c, int n,
		       unsigned int mask, cell_fn fn, const void *row)
{
	char cell[CELL_LEN];
	size_t len = 0;

	line[0] = '\0';
	for (int i = 0; i < n; i++) {
		const char *s = c[i].title;

		if (!(mask & (1u << i)))
			continue;
		if (row) {
			fn(row, i, cell, sizeof(cell));
			s = cell;
		}
		nt_str_append(line, size, &len, "%s%*.*s", len ? " " : "",
			      c[i].left ? -c[i].width : c[i].width,
			      c[i].width, s);
	}
}

/* ---- CPU pane ---- */

static const struct col cpu_cols[] = {
	{ "CPU",         4, 0, false },
	{ "NODE",        4, 3, false },
	{ "NET_RX/s",    8, 1, false },
	{ "NET_TX/s",    8, 2, false },
	{ "PROCESSED/s", 11, 1, false },
	{ "DROPPED/s",   9, 0, false },
	{ "SQUEEZED/s",  10, 1, false },
	{ "RPS/s",       7, 2, false },
	{ "NICIRQ/s",    8, 1, false },
};
#define CPU_COLS	(int)ARRAY_SIZE(cpu_cols)

static void cpu_cell(const void *row, int i, char *buf, size_t len)
{
	const struct nt_top_cpu *c = row;

	switch (i) {
	case 0: snprintf(buf, len, "%u", c->cpu); break;
	case 1:
		if (c->node < 0)
			snprintf(buf, len, "-");
		else
			snprintf(buf, len, "%d", c->node);
		break;
	case 2: cell_rate(buf, len, c->net_rx); break;
	case 3: cell_rate(buf, len, c->net_tx); break;
	case 4:
		if (!c->online)
			snprintf(buf, len, "offline");
		else
			cell_rate(buf, len, c->processed);
		break;
	case 5: cell_rate(buf, len, c->dropped); break;
	case 6: cell_rate(buf, len, c->squeezed); break;
	case 7: cell_rate(buf, len, c->rps); break;
	default: cell_rate(buf, len, c->nic_irqs); break;
	}
}

static bool cpu_shown(const struct nt_top_cpu *c,
		      const struct nt_view_state *st)
{
	return !(st->show.hide_idle && c->idle);
}

static size_t cpu_rows(const struct nt_top_frame *f,
		       const struct nt_view_state *st)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n_cpus; i++)
		n += cpu_shown(&f->cpus[i], st);
	return n;
}

/* ---- NIC pane ---- */

static const struct col nic_cols[] = {
	{ "IFACE",       15, 0, true },
	{ "DRIVER",      10, 5, true },
	{ "RX_PPS",      7, 1, false },
	{ "TX_PPS",      7, 1, false },
	{ "RX_MBIT",     7, 4, false },
	{ "TX_MBIT",     7, 4, false },
	{ "DROPS/s",     7, 0, false },
	{ "MISSED/s",    8, 1, false },
	{ "ERRORS/s",    8, 2, false },
	{ "DRVDROP/s",   9, 4, false },
	{ "RING_RX",     11, 3, false },
};
#define NIC_COLS	(int)ARRAY_SIZE(nic_cols)

static void nic_cell(const void *row, int i, char *buf, size_t len)
{
	const struct nt_top_nic *n = row;

	switch (i) {
	case 0: snprintf(buf, len, "%s", n->name); break;
	case 1: snprintf(buf, len, "%s", n->driver[0] ? n->driver : "-");
		break;
	case 2: cell_rate(buf, len, n->rx_pps); break;
	case 3: cell_rate(buf, len, n->tx_pps); break;
	case 4: cell_rate(buf, len, n->rx_mbps); break;
	case 5: cell_rate(buf, len, n->tx_mbps); break;
	case 6: cell_rate(buf, len, n->drops); break;
	case 7: cell_rate(buf, len, n->missed); break;
	case 8: cell_rate(buf, len, n->errors); break;
	case 9: cell_rate(buf, len, n->driver_drops); break;
	default:
		if (n->ring_rx < 0 && n->ring_rx_max < 0)
			snprintf(buf, len, "-");
		else if (n->ring_rx_max < 0)
			snprintf(buf, len, "%lld/-", (long long)n->ring_rx);
		else if (n->ring_rx < 0)
			snprintf(buf, len, "-/%lld",
				 (long long)n->ring_rx_max);
		else
			snprintf(buf, len, "%lld/%lld", (long long)n->ring_rx,
				 (long long)n->ring_rx_max);
		break;
	}
}

/* A queue row: its cells carry their own labels, indented under IFACE. */
static const struct col queue_cols[] = {
	{ "", 12, 0, true },	/* "  q0 rxtx" */
	{ "", 9, 1, true },	/* "irq 45" */
	{ "", 14, 1, true },	/* "cpu 0-3" */
	{ "", 11, 2, true },	/* "irq/s 1.2k" */
	{ "", 10, 2, true },	/* "rx/s 3.4k" */
	{ "", 10, 3, true },	/* "tx/s 2.1k" */
	{ "", 13, 0, true },	/* "drops/s 0" */
};
#define QUEUE_COLS	(int)ARRAY_SIZE(queue_cols)

static void queue_cell(const void *row, int i, char *buf, size_t len)
{
	const struct nt_top_queue *q = row;
	char r[16];

	switch (i) {
	case 0:
		snprintf(buf, len, "  q%d %s", q->queue, q->type);
		break;
	case 1:
		if (q->irq < 0)
			snprintf(buf, len, "irq -");
		else
			snprintf(buf, len, "irq %d", q->irq);
		break;
	case 2:
		if (strlen(q->cpus) > 10)
			snprintf(buf, len, "cpu %.9s+", q->cpus);
		else
			snprintf(buf, len, "cpu %s",
				 q->cpus[0] ? q->cpus : "-");
		break;
	case 3:
		snprintf(buf, len, "irq/s %s", fmt_rate(r, sizeof(r), q->irqs));
		break;
	case 4:
		snprintf(buf, len, "rx/s %s",
			 fmt_rate(r, sizeof(r), q->rx_pps));
		break;
	case 5:
		snprintf(buf, len, "tx/s %s",
			 fmt_rate(r, sizeof(r), q->tx_pps));
		break;
	default:
		snprintf(buf, len, "drops/s %s",
			 fmt_rate(r, sizeof(r), q->drops));
		break;
	}
}

static bool nic_dropping(const struct nt_top_nic *n)
{
	return n->drops > 0 || n->missed > 0 || n->errors > 0 ||
	       n->driver_drops > 0;
}

static bool nic_shown(const struct nt_top_nic *n,
		      const struct nt_view_state *st)
{
	return !(st->show.hide_idle && n->idle);
}

static size_t nic_rows(const struct nt_top_frame *f,
		       const struct nt_view_state *st)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n_nics; i++)
		if (nic_shown(&f->nics[i], st))
			n += 1 + (st->show.expand ? f->nics[i].n_queues : 0);
	return n;
}

/* ---- qdisc pane ---- */

static const struct col qdisc_cols[] = {
	{ "DEV",          15, 0, true },
	{ "KIND",         10, 1, true },
	{ "HANDLE",       7, 3, true },
	{ "PARENT",       8, 3, true },
	{ "DROPS/s",      7, 0, false },
	{ "OVERLIMITS/s", 12, 1, false },
	{ "REQUEUES/s",   10, 2, false },
	{ "BACKLOG",      8, 1, false },
	{ "QLEN",         5, 1, false },
};
#define QDISC_COLS	(int)ARRAY_SIZE(qdisc_cols)

static void qdisc_cell(const void *row, int i, char *buf, size_t len)
{
	const struct nt_top_qdisc *q = row;

	switch (i) {
	case 0: snprintf(buf, len, "%s", q->dev); break;
	case 1: snprintf(buf, len, "%s", q->kind); break;
	case 2: snprintf(buf, len, "%s", q->handle); break;
	case 3: snprintf(buf, len, "%s", q->parent); break;
	case 4: cell_rate(buf, len, q->drops); break;
	case 5: cell_rate(buf, len, q->overlimits); break;
	case 6: cell_rate(buf, len, q->requeues); break;
	case 7: cell_rate(buf, len, (double)q->backlog_bytes); break;
	default: cell_rate(buf, len, (double)q->backlog_packets); break;
	}
}

static bool qdisc_shown(const struct nt_top_qdisc *q,
			const struct nt_view_state *st)
{
	return !(st->show.hide_idle && q->idle);
}

static size_t qdisc_rows(const struct nt_top_frame *f,
			 const struct nt_view_state *st)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n_qdiscs; i++)
		n += qdisc_shown(&f->qdiscs[i], st);
	return n;
}

/* ---- Sockets pane ---- */

struct sock_counter {
	const char *label;
	size_t off;		/* of the double in struct nt_top_sock */
	bool drop;		/* highlighted when non-zero */
};

#define SOCK(label, field, drop) \
	{ label, offsetof(struct nt_top_sock, field), drop }
static const struct sock_counter sock_counters[] = {
	SOCK("listen overflow/s", listen_overflows, true),
	SOCK("listen drop/s", listen_drops, true),
	SOCK("udp rcvbuf err/s", udp_rcvbuf_errors, true),
	SOCK("udp in err/s", udp_inerrors, true),
	SOCK("tcp retrans/s", tcp_retrans, false),
	SOCK("prune called/s", prune_called, false),
	SOCK("rcv pruned/s", rcv_pruned, true),
	SOCK("backlog drop/s", backlog_drops, true),
};
#undef SOCK
#define SOCK_COUNTERS \
	(int)ARRAY_SIZE(sock_counters)

static const struct col listen_cols[] = {
	{ "LISTEN",  40, 0, true },
	{ "ACCEPTQ", 7, 0, false },
	{ "BACKLOG", 7, 0, false },
};
#define LISTEN_COLS	(int)ARRAY_SIZE(listen_cols)

static void listen_cell(const void *row, int i, char *buf, size_t len)
{
	const struct nt_listener *l = row;

	switch (i) {
	case 0:
		snprintf(buf, len, l->family == AF_INET6 ?
			 "[%s]:%u" : "%s:%u", l->addr, l->port);
		break;
	case 1: snprintf(buf, len, "%u", l->accept_queue); break;
	default: snprintf(buf, len, "%u", l->backlog); break;
	}
}

static double sock_value(const struct nt_top_sock *s, int i)
{
	return *(const double *)((const char *)s + sock_counters[i].off);
}

static int sock_per_line(void)
{
	int n = (COLS + SOCK_GAP) / (SOCK_CELL + SOCK_GAP);

	return n < 1 ? 1 : n;
}

/* lines of counters at the top of the Sockets pane */
static int sock_grid_lines(void)
{
	int k = sock_per_line();

	return (SOCK_COUNTERS + k - 1) / k;
}

/* the listeners, or one line saying why there are none */
static size_t sock_rows(const struct nt_top_frame *f)
{
	return f->sock.have_listeners && f->sock.n_worst ?
	       f->sock.n_worst : 1;
}

/* ---- Drop-reason pane ---- */

static const struct col reason_cols[] = {
	{ "REASON",   24, 0, true },
	{ "PER_S",    7, 0, false },
	{ "DEVICE",   15, 1, true },
	{ "LOCATION", 32, 2, true },
	{ "COUNT",    9, 3, false },
};
#define REASON_COLS	(int)ARRAY_SIZE(reason_cols)

static void reason_cell(const void *row, int i, char *buf, size_t len)
{
	const struct nt_top_reason *r = row;

	switch (i) {
	case 0: snprintf(buf, len, "%s", r->reason); break;
	case 1: cell_rate(buf, len, r->per_s); break;
	case 2: snprintf(buf, len, "%s", r->device[0] ? r->device : "-"); break;
	case 3: snprintf(buf, len, "%s", r->location); break;
	default: cell_rate(buf, len, (double)r->count); break;
	}
}

/* the rows, or one line saying why there are none */
static size_t reason_rows(const struct nt_top_frame *f)
{
	return f->drops.state == NT_TOP_DROPS_ON && f->drops.n ?
	       f->drops.n : 1;
}

/* ---- sharing the screen ---- */

struct pane_fit {
	bool shown;
	int fixed;		/* title, column header, counters */
	size_t want;		/* rows it has to show */
	size_t got;		/* rows it may draw */
};

/*
 * share_rows() - every shown pane gets its rows when they fit; otherwise
 * the rows left after titles and headers are shared out evenly, and a pane
 * that needs fewer than its share gives the rest to the others
 */
static void share_rows(struct pane_fit *p, int avail)
{
	size_t want = 0, left;
	int fixed = 0, n = 0;
	bool done[NT_PANE_COUNT] = { false };

	for (int i = 0; i < NT_PANE_COUNT; i++) {
		p[i].got = 0;
		if (!p[i].shown)
			continue;
		fixed += p[i].fixed;
		want += p[i].want;
		n++;
	}
	left = avail > fixed ? (size_t)(avail - fixed) : 0;
	/* smallest first, so what a small pane leaves goes to the rest */
	for (; n > 0; n--) {
		int s = -1;

		for (int i = 0; i < NT_PANE_COUNT; i++)
			if (p[i].shown && !done[i] &&
			    (s < 0 || p[i].want < p[s].want))
				s = i;
		p[s].got = p[s].want < left / n ? p[s].want : left / n;
		left -= p[s].got;
		done[s] = true;
	}
}

static void pane_title(struct nt_view *v, int y, const char *title,
		       const char *info, size_t more)
{
	char buf[64];
	int x;

	x = put(y, 0, v->a_title, title);
	x = put(y, x, A_NORMAL, info);
	if (more) {
		snprintf(buf, sizeof(buf), "  (+%zu more)", more);
		put(y, x, v->a_dim, buf);
	}
}

/* the last line panes may use: the status line is below it */
static bool row_fits(int y)
{
	return y < LINES - 1;
}

static int draw_table_head(struct nt_view *v, int y, const struct col *c,
			   int n, unsigned int mask)
{
	char line[LINE_LEN];

	table_line(line, sizeof(line), c, n, mask, NULL, NULL);
	if (row_fits(y))
		put_line(y, v->a_colhdr, line);
	return y + 1;
}

static int draw_row(struct nt_view *v, int y, const struct col *c, int n,
		    unsigned int mask, cell_fn fn, const void *row, bool drop)
{
	char line[LINE_LEN];

	table_line(line, sizeof(line), c, n, mask, fn, row);
	if (drop)
		put_line(y, v->a_drop, line);
	else
		put(y, 0, A_NORMAL, line);
	return y + 1;
}

static void idle_info(char *buf, size_t len, size_t all, size_t shown,
		      const char *what)
{
	if (all == shown)
		snprintf(buf, len, "  %zu %s", all, what);
	else
		snprintf(buf, len, "  %zu %s, %zu idle hidden", all, what,
			 all - shown);
}

static int draw_cpus(struct nt_view *v, const struct nt_top_frame *f,
		     const struct nt_view_state *st, int y,
		     const struct pane_fit *p)
{
	unsigned int mask = fit_cols(cpu_cols, CPU_COLS, COLS);
	size_t shown = 0, drawn = 0;
	char info[96];

	for (size_t i = 0; i < f->n_cpus; i++)
		shown += cpu_shown(&f->cpus[i], st);
	idle_info(info, sizeof(info), f->n_cpus, shown, "CPUs");
	pane_title(v, y++, "CPU (1)", info, p->want - p->got);
	y = draw_table_head(v, y, cpu_cols, CPU_COLS, mask);
	for (size_t i = 0; i < f->n_cpus && drawn < p->got; i++) {
		const struct nt_top_cpu *c = &f->cpus[i];

		if (!cpu_shown(c, st) || !row_fits(y))
			continue;
		y = draw_row(v, y, cpu_cols, CPU_COLS, mask, cpu_cell, c,
			     c->dropped > 0);
		drawn++;
	}
	return y;
}

static int draw_nics(struct nt_view *v, const struct nt_top_frame *f,
		     const struct nt_view_state *st, int y,
		     const struct pane_fit *p)
{
	unsigned int mask = fit_cols(nic_cols, NIC_COLS, COLS);
	unsigned int qmask = fit_cols(queue_cols, QUEUE_COLS, COLS);
	size_t shown = 0, drawn = 0;
	char info[96];

	for (size_t i = 0; i < f->n_nics; i++)
		shown += nic_shown(&f->nics[i], st);
	idle_info(info, sizeof(info), f->n_nics, shown, "interfaces");
	pane_title(v, y++, "NIC (2)", info, p->want - p->got);
	y = draw_table_head(v, y, nic_cols, NIC_COLS, mask);
	for (size_t i = 0; i < f->n_nics && drawn < p->got; i++) {
		const struct nt_top_nic *n = &f->nics[i];

		if (!nic_shown(n, st) || !row_fits(y))
			continue;
		y = draw_row(v, y, nic_cols, NIC_COLS, mask, nic_cell, n,
			     nic_dropping(n));
		drawn++;
		for (size_t q = 0; st->show.expand && q < n->n_queues &&
		     drawn < p->got && row_fits(y); q++, drawn++)
			y = draw_row(v, y, queue_cols, QUEUE_COLS, qmask,
				     queue_cell, &n->queues[q],
				     n->queues[q].drops > 0);
	}
	return y;
}

static int draw_qdiscs(struct nt_view *v, const struct nt_top_frame *f,
		       const struct nt_view_state *st, int y,
		       const struct pane_fit *p)
{
	unsigned int mask = fit_cols(qdisc_cols, QDISC_COLS, COLS);
	size_t shown = 0, drawn = 0;
	char info[96];

	for (size_t i = 0; i < f->n_qdiscs; i++)
		shown += qdisc_shown(&f->qdiscs[i], st);
	idle_info(info, sizeof(info), f->n_qdiscs, shown, "qdiscs");
	pane_title(v, y++, "qdisc (3)", info, p->want - p->got);
	y = draw_table_head(v, y, qdisc_cols, QDISC_COLS, mask);
	for (size_t i = 0; i < f->n_qdiscs && drawn < p->got; i++) {
		const struct nt_top_qdisc *q = &f->qdiscs[i];

		if (!qdisc_shown(q, st) || !row_fits(y))
			continue;
		y = draw_row(v, y, qdisc_cols, QDISC_COLS, mask, qdisc_cell,
			     q, q->drops > 0);
		drawn++;
	}
	return y;
}

/* the counters of the Sockets pane, SOCK_CELL wide, several a line */
static int draw_sock_counters(struct nt_view *v, const struct nt_top_sock *s,
			      int y)
{
	int k = sock_per_line();
	char r[16], cell[CELL_LEN];

	for (int i = 0; i < SOCK_COUNTERS; i++) {
		double val = sock_value(s, i);
		int x = i % k * (SOCK_CELL + SOCK_GAP);

		if (i && i % k == 0)
			y++;
		if (!row_fits(y))
			continue;
		snprintf(cell, sizeof(cell), "%-*s %5s",
			 SOCK_CELL - 6, sock_counters[i].label,
			 fmt_rate(r, sizeof(r), val));
		put(y, x, sock_counters[i].drop && val > 0 ? v->a_drop :
		    A_NORMAL, cell);
	}
	return y + 1;
}

static int draw_sockets(struct nt_view *v, const struct nt_top_frame *f,
			int y, const struct pane_fit *p)
{
	unsigned int mask = fit_cols(listen_cols, LISTEN_COLS, COLS);
	const struct nt_top_sock *s = &f->sock;

	pane_title(v, y++, "Sockets (4)", "", p->want - p->got);
	y = draw_sock_counters(v, s, y);
	y = draw_table_head(v, y, listen_cols, LISTEN_COLS, mask);
	if (!p->got || !row_fits(y))
		return y;
	if (!s->have_listeners || !s->n_worst) {
		put(y, 0, v->a_dim, s->have_listeners ?
		    "no listening TCP sockets" :
		    "listening sockets not read (sock_diag)");
		return y + 1;
	}
	for (size_t i = 0; i < s->n_worst && i < p->got && row_fits(y); i++) {
		const struct nt_listener *l = &s->worst[i];

		y = draw_row(v, y, listen_cols, LISTEN_COLS, mask,
			     listen_cell, l,
			     l->backlog && l->accept_queue >= l->backlog);
	}
	return y;
}

static int draw_reasons(struct nt_view *v, const struct nt_top_frame *f,
			int y, const struct pane_fit *p)
{
	unsigned int mask = fit_cols(reason_cols, REASON_COLS, COLS);
	const struct nt_top_drops *d = &f->drops;
	char info[96], line[LINE_LEN], r[16];

	snprintf(info, sizeof(info), "  %zu reasons, others %s/s", d->n,
		 fmt_rate(r, sizeof(r), d->other_per_s));
	pane_title(v, y++, "Drop reasons (5)",
		   d->state == NT_TOP_DROPS_ON ? info : "", p->want - p->got);
	y = draw_table_head(v, y, reason_cols, REASON_COLS, mask);
	if (!p->got || !row_fits(y))
		return y;
	if (d->state != NT_TOP_DROPS_ON || !d->n) {
		snprintf(line, sizeof(line), "%s%s",
			 d->state == NT_TOP_DROPS_ON ? "no drops" :
			 d->state == NT_TOP_DROPS_OFF ? "not counted" :
			 "unavailable: ",
			 d->state == NT_TOP_DROPS_UNAVAILABLE ? d->why : "");
		put(y, 0, v->a_dim, line);
		return y + 1;
	}
	for (size_t i = 0; i < d->n && i < p->got && row_fits(y); i++)
		y = draw_row(v, y, reason_cols, REASON_COLS, mask,
			     reason_cell, &d->v[i], d->v[i].count > 0);
	return y;
}

static void draw_panes(struct nt_view *v, const struct nt_top_frame *f,
		       const struct nt_view_state *st)
{
	struct pane_fit p[NT_PANE_COUNT];
	int y = HDR_LINES;

	for (int i = 0; i < NT_PANE_COUNT; i++) {
		p[i].shown = st->show.pane[i];
		p[i].fixed = 2;
	}
	p[NT_PANE_CPU].want = cpu_rows(f, st);
	p[NT_PANE_NIC].want = nic_rows(f, st);
	p[NT_PANE_QDISC].want = qdisc_rows(f, st);
	p[NT_PANE_SOCK].want = sock_rows(f);
	p[NT_PANE_SOCK].fixed += sock_grid_lines();
	p[NT_PANE_DROPS].want = reason_rows(f);
	share_rows(p, LINES - HDR_LINES - 1);

	if (p[NT_PANE_CPU].shown)
		y = draw_cpus(v, f, st, y, &p[NT_PANE_CPU]);
	if (p[NT_PANE_NIC].shown)
		y = draw_nics(v, f, st, y, &p[NT_PANE_NIC]);
	if (p[NT_PANE_QDISC].shown)
		y = draw_qdiscs(v, f, st, y, &p[NT_PANE_QDISC]);
	if (p[NT_PANE_SOCK].shown)
		y = draw_sockets(v, f, y, &p[NT_PANE_SOCK]);
	if (p[NT_PANE_DROPS].shown)
		draw_reasons(v, f, y, &p[NT_PANE_DROPS]);
}

/* ---- header, status line, help ---- */

/*
 * put_source() - "live" or "replay FILE"; where the whole does not fit,
 * FILE is shortened to its last characters, as its name is at the end
 */
static int put_source(int y, int x, const char *src)
{
	int n = (int)strlen(src);

	if (n <= COLS - x)
		return put(y, x, A_NORMAL, src);
	if (!strncmp(src, "replay ", 7))
		x = put(y, x, A_NORMAL, "replay ");
	x = put(y, x, A_NORMAL, "...");
	if (COLS - x <= 0)
		return x;
	return put(y, x, A_NORMAL, src + n - (COLS - x));
}

static void draw_host_line(const struct nt_top_frame *f,
			   const struct nt_view_state *st)
{
	const char *src = st->source ? st->source : "live";
	char line[LINE_LEN], up[32], clock[16], ival[32];
	int x, src_min = (int)strlen(src);
	size_t len = 0;

	if (src_min > 24)
		src_min = 24;
	snprintf(ival, sizeof(ival), "  interval %.3gs  ", st->interval_s);
	line[0] = '\0';
	if (f) {
		fmt_uptime(up, sizeof(up), f->hdr.uptime_s);
		fmt_clock(clock, sizeof(clock), f->hdr.taken_ns);
		nt_str_append(line, sizeof(line), &len, "  %s  %s  up %s",
			      f->hdr.hostname, f->hdr.kernel, up);
		/* the clock only where it leaves room for the source */
		if ((int)(11 + len + 2 + strlen(clock) + strlen(ival)) +
		    src_min <= COLS)
			nt_str_append(line, sizeof(line), &len, "  %s", clock);
	}
	x = put(0, 0, A_BOLD, "nettune top");
	x = put(0, x, A_NORMAL, line);
	x = put(0, x, A_NORMAL, ival);
	put_source(0, x, src);
}

static void draw_totals_line(struct nt_view *v, const struct nt_top_frame *f,
			     const struct nt_view_state *st)
{
	char buf[128], a[16], b[16];
	int x = 0;

	if (f) {
		snprintf(buf, sizeof(buf), "rx %s pps  tx %s pps  ",
			 fmt_rate(a, sizeof(a), f->hdr.rx_pps),
			 fmt_rate(b, sizeof(b), f->hdr.tx_pps));
		x = put(1, x, A_NORMAL, buf);
		snprintf(buf, sizeof(buf), "drops %s/s",
			 fmt_rate(a, sizeof(a), f->hdr.drops));
		x = put(1, x, f->hdr.drops > 0 ? v->a_drop : A_BOLD, buf);
		x = put(1, x, A_NORMAL, "  ");
	}
	snprintf(buf, sizeof(buf), "sort: %s%s%s", nt_top_sort_name(st->sort),
		 st->show.expand ? "  queues shown" : "",
		 st->show.hide_idle ? "  idle hidden" : "");
	x = put(1, x, A_NORMAL, buf);
	if (st->paused) {
		x = put(1, x, A_NORMAL, "  ");
		put(1, x, v->a_status | A_BOLD, "PAUSED");
	}
}

static void draw_worst_line(struct nt_view *v, const struct nt_top_frame *f)
{
	const struct nt_top_header *h = &f->hdr;
	char buf[LINE_LEN];
	attr_t a = A_BOLD;
	int x;

	x = put(2, 0, A_NORMAL, "worst: ");
	if (h->worst_severity <= NT_SEV_OK || !h->worst_id[0]) {
		put(2, x, A_NORMAL, "no finding");
		return;
	}
	if (h->worst_severity >= NT_SEV_CRITICAL)
		a = v->a_crit;
	else if (h->worst_severity == NT_SEV_WARNING)
		a = v->a_warn;
	x = put(2, x, a, nt_severity_name(h->worst_severity));
	snprintf(buf, sizeof(buf), " %s%s%s: %s", h->worst_id,
		 h->worst_subject[0] ? " " : "", h->worst_subject,
		 h->worst_summary);
	put(2, x, A_NORMAL, buf);
}

static void draw_status(struct nt_view *v)
{
	static const char *const keys[] = {
		"q quit  p pause  space refresh  +/- interval  s sort  "
		"1-5 panes  e queues  z idle  h help",
		"q quit p pause spc refresh +/- interval s sort 1-5 panes "
		"e queues z idle h help",
		"q p spc +/- s 1-5 e z h:help",
	};
	size_t i = 0;

	while (i < ARRAY_SIZE(keys) - 1 &&
	       (int)strlen(keys[i]) > COLS)
		i++;
	put_line(LINES - 1, v->a_status, keys[i]);
}

static void draw_help(struct nt_view *v)
{
	static const char *const text[] = {
		"nettune top: keys",
		"",
		"q         quit",
		"p         pause or resume sampling",
		"space     take a sample now",
		"+ -       interval x2 or /2 (0.1 to 60 s)",
		"s         next sort: drops, traffic, name",
		"1 2 3 4 5 show or hide CPU, NIC, qdisc, Sockets,",
		"          Drop reasons",
		"e         a row per NIC queue, or not",
		"z         hide or show idle rows",
		"h         close this help",
	};
	const int n = ARRAY_SIZE(text);
	int w = 58, h = n + 4;
	int y0, x0;

	if (w > COLS)
		w = COLS;
	if (h > LINES)
		h = LINES;
	y0 = (LINES - h) / 2;
	x0 = (COLS - w) / 2;
	attrset(A_NORMAL);
	for (int y = y0; y < y0 + h; y++)
		mvhline(y, x0, ' ', w);
	mvhline(y0, x0, ACS_HLINE, w);
	mvhline(y0 + h - 1, x0, ACS_HLINE, w);
	mvvline(y0, x0, ACS_VLINE, h);
	mvvline(y0, x0 + w - 1, ACS_VLINE, h);
	mvaddch(y0, x0, ACS_ULCORNER);
	mvaddch(y0, x0 + w - 1, ACS_URCORNER);
	mvaddch(y0 + h - 1, x0, ACS_LLCORNER);
	mvaddch(y0 + h - 1, x0 + w - 1, ACS_LRCORNER);
	for (int i = 0; i < n && 2 + i < h - 2; i++) {
		char line[64];

		snprintf(line, sizeof(line), "%.*s", w > 6 ? w - 6 : 0,
			 text[i]);
		put(y0 + 2 + i, x0 + 3, i ? A_NORMAL : v->a_title, line);
	}
}

/* ---- the interface ---- */

void nt_view_draw(struct nt_view *v, const struct nt_top_frame *f,
		  const struct nt_view_state *st)
{
	if (!v || !v->active)
		return;
	erase();
	draw_host_line(f, st);
	draw_totals_line(v, f, st);
	if (f) {
		draw_worst_line(v, f);
		draw_panes(v, f, st);
	} else {
		put(LINES / 2, COLS > 30 ? (COLS - 30) / 2 : 0, v->a_dim,
		    "waiting for the first sample");
	}
	if (st->help)
		draw_help(v);
	draw_status(v);
	refresh();
}

void nt_view_resize(struct nt_view *v)
{
	struct winsize ws;

	if (!v || !v->active)
		return;
	/*
	 * SIGWINCH goes to the loop's signalfd, never to curses' handler:
	 * ask the terminal.  resizeterm() queues a KEY_RESIZE, which
	 * nt_view_key() then takes as a plain redraw.
	 */
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row &&
	    ws.ws_col && is_term_resized(ws.ws_row, ws.ws_col))
		resizeterm(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
}

static enum nt_view_action change_interval(struct nt_view_state *st,
					   bool up)
{
	double old = st->interval_s, d = up ? old * 2 : old / 2;

	if (d > INTERVAL_MAX)
		d = old > INTERVAL_MAX ? old : INTERVAL_MAX;
	if (d < INTERVAL_MIN)
		d = old < INTERVAL_MIN ? old : INTERVAL_MIN;
	if (d == old)
		return NT_VIEW_REDRAW;
	st->interval_s = d;
	return NT_VIEW_INTERVAL;
}

/* apply_key() - NT_VIEW_NONE for keys that mean nothing */
static enum nt_view_action apply_key(struct nt_view_state *st, int ch)
{
	switch (ch) {
	case 'q': case 'Q':
		return NT_VIEW_QUIT;
	case 'p': case 'P':
		st->paused = !st->paused;
		return NT_VIEW_REDRAW;
	case ' ':
		return NT_VIEW_REFRESH;
	case '+': case '=':
		return change_interval(st, true);
	case '-': case '_':
		return change_interval(st, false);
	case 's': case 'S':
		st->sort = (st->sort + 1) % NT_SORT_COUNT;
		return NT_VIEW_SORT;
	case '1': case '2': case '3': case '4': case '5':
		st->show.pane[ch - '1'] = !st->show.pane[ch - '1'];
		return NT_VIEW_REDRAW;
	case 'e': case 'E':
		st->show.expand = !st->show.expand;
		return NT_VIEW_REDRAW;
	case 'z': case 'Z':
		st->show.hide_idle = !st->show.hide_idle;
		return NT_VIEW_REDRAW;
	case 'h': case 'H': case '?':
		st->help = !st->help;
		return NT_VIEW_REDRAW;
	case 27:	/* Escape closes the help */
		if (!st->help)
			return NT_VIEW_NONE;
		st->help = false;
		return NT_VIEW_REDRAW;
	case KEY_RESIZE:	/* curses has the new size already */
		clearok(curscr, TRUE);
		return NT_VIEW_REDRAW;
	case 12:	/* ^L */
		clearok(curscr, TRUE);
		return NT_VIEW_REDRAW;
	}
	return NT_VIEW_NONE;
}

enum nt_view_action nt_view_key(struct nt_view *v, struct nt_view_state *st)
{
	enum nt_view_action act = NT_VIEW_NONE;
	int ch;

	if (!v || !v->active)
		return NT_VIEW_NONE;
	/* keys that mean nothing are skipped, not left in curses' buffer */
	while (act == NT_VIEW_NONE && (ch = getch()) != ERR)
		act = apply_key(st, ch);
	return act;
}

static void init_colours(struct nt_view *v)
{
	short bg = -1;

	v->a_drop = A_REVERSE | A_BOLD;
	v->a_crit = A_REVERSE | A_BOLD;
	v->a_warn = A_BOLD | A_UNDERLINE;
	v->a_title = A_BOLD;
	v->a_colhdr = A_UNDERLINE;
	v->a_status = A_REVERSE;
	v->a_dim = A_DIM;
	if (!has_colors() || start_color() == ERR)
		return;
	if (use_default_colors() == ERR)
		bg = COLOR_BLACK;
	init_pair(PAIR_RED, COLOR_RED, bg);
	init_pair(PAIR_YELLOW, COLOR_YELLOW, bg);
	init_pair(PAIR_TITLE, COLOR_CYAN, bg);
	v->a_drop = COLOR_PAIR(PAIR_RED) | A_BOLD;
	v->a_crit = COLOR_PAIR(PAIR_RED) | A_BOLD;
	v->a_warn = COLOR_PAIR(PAIR_YELLOW) | A_BOLD;
	v->a_title = COLOR_PAIR(PAIR_TITLE) | A_BOLD;
	v->a_colhdr = A_REVERSE;
}

int nt_view_open(struct nt_view **out, struct nt_err *err)
{
	struct nt_view *v;
	const char *term = getenv("TERM");

	*out = NULL;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return nt_err_set(err, ENOTTY, "top: the view needs a "
				  "terminal; use -b for batch mode");
	v = calloc(1, sizeof(*v));
	if (!v)
		return nt_err_set(err, ENOMEM, "top: out of memory");
	/* newterm, not initscr: an unknown TERM is an error, not an exit */
	v->scr = newterm(NULL, stdout, stdin);
	if (!v->scr) {
		free(v);
		return nt_err_set(err, ENOTTY, "top: cannot drive terminal "
				  "type '%s'; use -b for batch mode",
				  term ? term : "");
	}
	v->active = true;
	cbreak();
	noecho();
	nonl();
	nodelay(stdscr, TRUE);
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	init_colours(v);
	*out = v;
	return 0;
}

void nt_view_close(struct nt_view *v)
{
	if (!v)
		return;
	if (v->active) {
		v->active = false;
		endwin();
		delscreen(v->scr);
	}
	free(v);
}
