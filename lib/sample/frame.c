// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The frames of `nettune top`: rates between two looks, cut into panes.
 *
 * nt_top_frame_init() allocates everything a tick needs: the rows, one
 * pool of queue rows and a scratch area that caches what does not change
 * between looks of one shape: the parsed names of driver counters and the
 * row of each NIC IRQ in /proc/interrupts.  Every cached entry is checked
 * before it is used, so a look of another shape gives right (slower)
 * answers, never wrong ones.
 *
 * A fill lays the rows out in the host's order, then sorts them.  Sorting
 * moves whole rows (a NIC row takes its queue pointer along); the next fill
 * lays them out again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/drvstat.h"
#include "sample/frame.h"
#include "sample/rate.h"
#include "util/str.h"
#include "util/tc.h"

#define NO_COL			SIZE_MAX
#define QUEUE_MASKS_MAX		4	/* a queue's IRQs in its cpus */
#define SOFTNET_RPS_COLS	10	/* received_rps is the tenth column */

/* What one interface of the shape owns in the scratch area. */
struct iface_slot {
	size_t q_off, q_cap;		/* its queue rows in the pool */
	size_t q_base;			/* rows of the shape; up to q_cap
					 * when channels are added later */
	size_t ds_off, ds_n;		/* its driver counters' names */
	size_t irq_off, irq_n;		/* its IRQs' rows and rates */
};

/* A driver counter's parsed name. */
struct drv_slot {
	struct nt_drvstat_id id;
	bool covered;		/* a per-queue drop counter whose total the
				 * driver also gives: not added again */
};

/*
 * Where the rows of a pane are: a fill puts each row where the last sort
 * left it, so in steady state the next sort finds the pane sorted.
 */
struct pane_order {
	size_t *at;		/* at[i]: the place of the host's i-th row */
	size_t *who;		/* who[p]: the host row at place p */
	size_t n;		/* rows the order is for */
};

enum { ORDER_CPU, ORDER_NIC, ORDER_QDISC, ORDER_COUNT };

struct nt_top_scratch {
	size_t cpu_cap, qdisc_cap;
	struct iface_slot *slots;	/* one per NIC row */
	size_t n_slots;
	struct nt_top_queue *queues;
	struct drv_slot *ids;
	size_t *irq_row, *irq_prow;	/* row guesses in cur and in prev */
	double *irq_rate;		/* per second over all CPUs, -1 none */
	double *col_irqs;		/* NIC IRQs/s per interrupts column */
	size_t *prev_col;		/* the same CPU's column in prev */
	size_t n_cols;
	size_t *perm;			/* for sorting: one per row */
	struct pane_order order[ORDER_COUNT];
};

static void copy_name(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static double pos(double v)
{
	return v > 0 ? v : 0;
}

/* Add @rate to a sum that starts unknown (-1). */
static void add_known(double *sum, double rate)
{
	*sum = pos(*sum) + rate;
}

static size_t max_size(size_t a, size_t b)
{
	return a > b ? a : b;
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* Shape ------------------------------------------------------------------ */

static size_t queue_limit(long q)
{
	return q >= 0 && q < NT_TOP_MAX_QUEUES ? (size_t)q + 1 : 0;
}

/* Queue rows of @ifc: its queues, queue IRQs and per-queue counters. */
static size_t iface_queues(const struct nt_iface *ifc,
			   const struct drv_slot *ids, size_t n_ids)
{
	size_t n = max_size(ifc->n_rxq, ifc->n_txq);

	for (size_t i = 0; i < ifc->n_irqs; i++) {
		const struct nt_iface_irq *irq = &ifc->irqs[i];

		if (!nt_irq_is_queue(irq))
			continue;
		n = max_size(n, queue_limit(irq->rxq));
		n = max_size(n, queue_limit(irq->txq));
	}
	for (size_t i = 0; i < n_ids; i++)
		if (ids[i].id.kind != NT_DRVSTAT_OTHER &&
		    ids[i].id.kind != NT_DRVSTAT_XDP)
			n = max_size(n, queue_limit(ids[i].id.queue));
	return min_size(n, NT_TOP_MAX_QUEUES);
}

/*
 * Queue rows the channel maxima allow: ethtool -L can add queues while
 * top runs, and their driver counters then need rows of their own.
 */
static size_t channel_queues(const struct nt_iface *ifc)
{
	const struct nt_channels *ch = &ifc->channels;

	if (ch->state != NT_STATE_OK)
		return 0;
	return min_size((size_t)ch->combined_max +
			max_size(ch->rx_max, ch->tx_max), NT_TOP_MAX_QUEUES);
}

static bool is_drop(const struct nt_drvstat_id *id)
{
	return id->kind == NT_DRVSTAT_RING || id->kind == NT_DRVSTAT_DROP;
}

/*
 * Parse the driver counter names of one interface and mark per-queue drop
 * counters that the driver also totals ("rx0_drops" and "rx_drops").
 */
static void parse_counters(struct drv_slot *ids, const struct nt_counters *c)
{
	for (size_t j = 0; j < c->n; j++)
		nt_drvstat_parse(c->v[j].name, &ids[j].id);
	for (size_t j = 0; j < c->n; j++) {
		if (!is_drop(&ids[j].id) || ids[j].id.queue < 0)
			continue;
		for (size_t k = 0; k < c->n && !ids[j].covered; k++)
			ids[j].covered = ids[k].id.queue < 0 &&
					 is_drop(&ids[k].id) &&
					 ids[k].id.family == ids[j].id.family;
	}
}

static size_t cpu_rows(const struct nt_host *h)
{
	return h->n_cpus ? h->n_cpus : h->n_softnet;
}

static size_t qdisc_rows(const struct nt_host *h)
{
	size_t n = 0;

	for (size_t i = 0; i < h->n_ifaces; i++)
		n += h->ifaces[i].n_qdiscs;
	return n;
}

/* Lay out the slots; return the number of driver counters and IRQs. */
static void slots_layout(struct nt_top_scratch *s, const struct nt_host *h,
			 size_t *n_ids, size_t *n_irqs)
{
	*n_ids = *n_irqs = 0;
	for (size_t i = 0; i < h->n_ifaces; i++) {
		const struct nt_iface *ifc = &h->ifaces[i];

		s->slots[i].ds_off = *n_ids;
		s->slots[i].ds_n = ifc->driver_stats.n;
		s->slots[i].irq_off = *n_irqs;
		s->slots[i].irq_n = ifc->n_irqs;
		*n_ids += ifc->driver_stats.n;
		*n_irqs += ifc->n_irqs;
	}
}

static int order_alloc(struct pane_order *o, size_t cap)
{
	o->at = calloc(cap + 1, sizeof(*o->at));
	o->who = calloc(cap + 1, sizeof(*o->who));
	o->n = SIZE_MAX;	/* the first layout sets it */
	return o->at && o->who ? 0 : -ENOMEM;
}

/*
 * The places of @n rows: where the last sort left them, or in the host's
 * order when the pane has another number of rows now.
 */
static const size_t *layout(struct pane_order *o, size_t n)
{
	if (o->n != n) {
		for (size_t i = 0; i < n; i++)
			o->at[i] = o->who[i] = i;
		o->n = n;
	}
	return o->at;
}

static int scratch_alloc(struct nt_top_scratch *s, const struct nt_host *h)
{
	size_t n_ids, n_irqs, n_q = 0;

	s->cpu_cap = cpu_rows(h);
	s->qdisc_cap = qdisc_rows(h);
	s->n_slots = h->n_ifaces;
	s->slots = calloc(h->n_ifaces + 1, sizeof(*s->slots));
	if (!s->slots)
		return -ENOMEM;
	slots_layout(s, h, &n_ids, &n_irqs);
	s->ids = calloc(n_ids + 1, sizeof(*s->ids));
	s->irq_row = calloc(n_irqs + 1, sizeof(*s->irq_row));
	s->irq_prow = calloc(n_irqs + 1, sizeof(*s->irq_prow));
	s->irq_rate = calloc(n_irqs + 1, sizeof(*s->irq_rate));
	s->n_cols = h->interrupts.ncpus;
	s->col_irqs = calloc(s->n_cols + 1, sizeof(*s->col_irqs));
	s->prev_col = calloc(s->n_cols + 1, sizeof(*s->prev_col));
	s->perm = calloc(max_size(max_size(s->cpu_cap, s->n_slots),
				  s->qdisc_cap) + 1, sizeof(*s->perm));
	if (!s->ids || !s->irq_row || !s->irq_prow || !s->irq_rate ||
	    !s->col_irqs || !s->prev_col || !s->perm ||
	    order_alloc(&s->order[ORDER_CPU], s->cpu_cap) ||
	    order_alloc(&s->order[ORDER_NIC], s->n_slots) ||
	    order_alloc(&s->order[ORDER_QDISC], s->qdisc_cap))
		return -ENOMEM;
	for (size_t i = 0; i < h->n_ifaces; i++) {
		const struct nt_iface *ifc = &h->ifaces[i];
		struct iface_slot *sl = &s->slots[i];

		parse_counters(s->ids + sl->ds_off, &ifc->driver_stats);
		sl->q_off = n_q;
		sl->q_base = iface_queues(ifc, s->ids + sl->ds_off, sl->ds_n);
		sl->q_cap = max_size(sl->q_base, channel_queues(ifc));
		n_q += sl->q_cap;
	}
	s->queues = calloc(n_q + 1, sizeof(*s->queues));
	return s->queues ? 0 : -ENOMEM;
}

static void scratch_free(struct nt_top_scratch *s)
{
	if (!s)
		return;
	free(s->slots);
	free(s->queues);
	free(s->ids);
	free(s->irq_row);
	free(s->irq_prow);
	free(s->irq_rate);
	free(s->col_irqs);
	free(s->prev_col);
	free(s->perm);
	for (size_t i = 0; i < ORDER_COUNT; i++) {
		free(s->order[i].at);
		free(s->order[i].who);
	}
	free(s);
}

int nt_top_frame_init(struct nt_top_frame *f, const struct nt_host *shape)
{
	memset(f, 0, sizeof(*f));
	f->sort = NT_SORT_DROPS;
	f->hdr.uptime_s = -1;
	f->scratch = calloc(1, sizeof(*f->scratch));
	f->cpus = calloc(cpu_rows(shape) + 1, sizeof(*f->cpus));
	f->nics = calloc(shape->n_ifaces + 1, sizeof(*f->nics));
	f->qdiscs = calloc(qdisc_rows(shape) + 1, sizeof(*f->qdiscs));
	if (!f->scratch || !f->cpus || !f->nics || !f->qdiscs ||
	    scratch_alloc(f->scratch, shape)) {
		nt_top_frame_free(f);
		return -ENOMEM;
	}
	return 0;
}

void nt_top_frame_drops(struct nt_top_frame *f, const struct nt_top_drops *d)
{
	double secs = f->hdr.interval_s;

	if (!d) {
		memset(&f->drops, 0, sizeof(f->drops));
		return;
	}
	f->drops = *d;
	for (size_t i = 0; i < f->drops.n; i++)
		f->drops.v[i].per_s = secs > 0 ?
				      (double)f->drops.v[i].count / secs : 0;
	f->drops.other_per_s = secs > 0 ? (double)f->drops.other / secs : 0;
}

void nt_top_frame_free(struct nt_top_frame *f)
{
	scratch_free(f->scratch);
	free(f->cpus);
	free(f->nics);
	free(f->qdiscs);
	memset(f, 0, sizeof(*f));
}

/* Interrupts ------------------------------------------------------------- */

/* nt_cpu_column(), trying column @cpu first (the usual layout). */
static bool column_of(const uint32_t *ids, uint32_t n, uint32_t cpu,
		      size_t *col)
{
	if (cpu < n && (!ids || ids[cpu] == cpu)) {
		*col = cpu;
		return true;
	}
	return nt_cpu_column(ids, n, cpu, col);
}

/* The /proc/interrupts row of @irq, trying row *@guess first. */
static const struct nt_interrupt *irq_row(const struct nt_host *h,
					  size_t *guess, uint32_t irq)
{
	const struct nt_interrupts *t = &h->interrupts;

	if (*guess < t->n && t->v[*guess].irq == (int)irq)
		return &t->v[*guess];
	for (size_t i = 0; i < t->n; i++) {
		if (t->v[i].irq == (int)irq) {
			*guess = i;
			return &t->v[i];
		}
	}
	return NULL;
}

static void map_columns(struct nt_top_scratch *s, const struct nt_host *prev,
			const struct nt_host *cur, size_t ncols)
{
	const struct nt_interrupts *c = &cur->interrupts;

	for (size_t i = 0; i < ncols; i++) {
		uint32_t cpu = c->cpu_ids ? c->cpu_ids[i] : i;

		if (!prev || !column_of(prev->interrupts.cpu_ids,
					prev->interrupts.ncpus, cpu,
					&s->prev_col[i]))
			s->prev_col[i] = NO_COL;
	}
}

/* IRQs/s of @irq over all CPUs, added to the columns; -1 without a row. */
static double irq_rate(struct nt_top_scratch *s, const struct nt_host *prev,
		       const struct nt_host *cur, uint32_t irq, size_t k,
		       size_t ncols, double secs)
{
	const struct nt_interrupt *c = irq_row(cur, &s->irq_row[k], irq);
	const struct nt_interrupt *p;
	double sum = 0;

	if (!c)
		return -1;
	p = prev ? irq_row(prev, &s->irq_prow[k], irq) : NULL;
	for (size_t col = 0; p && col < ncols; col++) {
		size_t pc = s->prev_col[col];
		double r;

		if (pc == NO_COL)
			continue;
		r = nt_rate(p->counts[pc], c->counts[col], secs);
		s->col_irqs[col] += r;
		sum += r;
	}
	return sum;
}

/* The rate of every NIC IRQ, and the NIC IRQs of each CPU column. */
static void irq_pass(struct nt_top_scratch *s, const struct nt_host *prev,
		     const struct nt_host *cur, double secs)
{
	size_t ncols = min_size(cur->interrupts.ncpus, s->n_cols);
	size_t n = min_size(cur->n_ifaces, s->n_slots);

	memset(s->col_irqs, 0, s->n_cols * sizeof(*s->col_irqs));
	map_columns(s, prev, cur, ncols);
	for (size_t i = 0; i < n; i++) {
		const struct nt_iface *ifc = &cur->ifaces[i];
		const struct iface_slot *sl = &s->slots[i];

		for (size_t j = 0; j < min_size(ifc->n_irqs, sl->irq_n); j++)
			s->irq_rate[sl->irq_off + j] =
				irq_rate(s, prev, cur, ifc->irqs[j].irq,
					 sl->irq_off + j, ncols, secs);
	}
}

/* CPU pane --------------------------------------------------------------- */

static const struct nt_softnet *softnet_of(const struct nt_host *h,
					   size_t guess, uint32_t cpu)
{
	if (guess < h->n_softnet && h->softnet[guess].cpu == cpu)
		return &h->softnet[guess];
	return nt_host_softnet(h, cpu);
}

/* A /proc/softirqs row's rate on @cpu; -1 when @cur lacks it. */
static double softirq_rate(const struct nt_host *prev,
			   const struct nt_host *cur, const char *name,
			   uint32_t cpu, double secs)
{
	const struct nt_softirq *c = nt_host_softirq(cur, name), *p;
	size_t ci, pi;

	if (!c || !column_of(cur->softirqs.cpu_ids, cur->softirqs.ncpus, cpu,
			     &ci))
		return -1;
	p = prev ? nt_host_softirq(prev, name) : NULL;
	if (!p || !column_of(prev->softirqs.cpu_ids, prev->softirqs.ncpus,
			     cpu, &pi))
		return 0;
	return nt_rate(p->counts[pi], c->counts[ci], secs);
}

/* softnet_stat rates of one CPU; @p NULL: no earlier line, rates 0. */
static void cpu_softnet(struct nt_top_cpu *r, const struct nt_softnet *c,
			const struct nt_softnet *p, double secs)
{
	if (!c) {
		r->processed = r->dropped = r->squeezed = r->rps = -1;
		return;
	}
	if (!p)
		p = c;
	r->processed = nt_rate(p->processed, c->processed, secs);
	r->dropped = nt_rate(p->dropped, c->dropped, secs);
	r->squeezed = nt_rate(p->time_squeeze, c->time_squeeze, secs);
	r->rps = c->ncols < SOFTNET_RPS_COLS ? -1 :
		 nt_rate(p->received_rps, c->received_rps, secs);
}

static double cpu_nic_irqs(const struct nt_top_scratch *s,
			   const struct nt_host *cur, uint32_t cpu)
{
	const struct nt_interrupts *t = &cur->interrupts;
	size_t col;

	if (!column_of(t->cpu_ids, t->ncpus, cpu, &col) || col >= s->n_cols)
		return -1;
	return s->col_irqs[col];
}

static bool cpu_idle(const struct nt_top_cpu *r)
{
	return r->net_rx <= 0 && r->net_tx <= 0 && r->processed <= 0 &&
	       r->dropped <= 0 && r->squeezed <= 0 && r->rps <= 0 &&
	       r->nic_irqs <= 0;
}

static void fill_cpu(const struct nt_top_scratch *s, struct nt_top_cpu *r,
		     size_t i, const struct nt_host *prev,
		     const struct nt_host *cur, double secs)
{
	const struct nt_softnet *c;

	if (cur->n_cpus) {
		r->cpu = cur->cpus[i].id;
		r->node = cur->cpus[i].node;
		r->online = cur->cpus[i].online;
	} else {
		r->cpu = cur->softnet[i].cpu;
		r->node = -1;
		r->online = true;
	}
	r->net_rx = softirq_rate(prev, cur, "NET_RX", r->cpu, secs);
	r->net_tx = softirq_rate(prev, cur, "NET_TX", r->cpu, secs);
	c = softnet_of(cur, i, r->cpu);
	cpu_softnet(r, c, prev ? softnet_of(prev, i, r->cpu) : NULL, secs);
	r->nic_irqs = cpu_nic_irqs(s, cur, r->cpu);
	r->idle = cpu_idle(r);
}

static void fill_cpus(struct nt_top_frame *f, const struct nt_host *prev,
		      const struct nt_host *cur, double secs)
{
	const size_t *at;

	f->n_cpus = min_size(cpu_rows(cur), f->scratch->cpu_cap);
	at = layout(&f->scratch->order[ORDER_CPU], f->n_cpus);
	for (size_t i = 0; i < f->n_cpus; i++)
		fill_cpu(f->scratch, &f->cpus[at[i]], i, prev, cur, secs);
}

/* NIC pane --------------------------------------------------------------- */

static void link_rates(struct nt_top_nic *r, const struct nt_iface *ifc,
		       const struct nt_iface *p, double secs)
{
	const struct nt_link_stats *c = &ifc->stats, *b = c;

	if (ifc->link_stats_state != NT_STATE_OK) {
		r->rx_pps = r->tx_pps = r->rx_mbps = r->tx_mbps = -1;
		r->drops = r->missed = r->errors = -1;
		return;
	}
	if (p && p->link_stats_state == NT_STATE_OK)
		b = &p->stats;
	r->rx_pps = nt_rate(b->rx_packets, c->rx_packets, secs);
	r->tx_pps = nt_rate(b->tx_packets, c->tx_packets, secs);
	r->rx_mbps = nt_rate(b->rx_bytes, c->rx_bytes, secs) * 8 / 1e6;
	r->tx_mbps = nt_rate(b->tx_bytes, c->tx_bytes, secs) * 8 / 1e6;
	r->drops = nt_rate(b->rx_dropped, c->rx_dropped, secs) +
		   nt_rate(b->tx_dropped, c->tx_dropped, secs);
	r->missed = nt_rate(b->rx_missed_errors, c->rx_missed_errors, secs) +
		    nt_rate(b->rx_fifo_errors, c->rx_fifo_errors, secs) +
		    nt_rate(b->rx_over_errors, c->rx_over_errors, secs);
	r->errors = nt_rate(b->rx_errors, c->rx_errors, secs) +
		    nt_rate(b->tx_errors, c->tx_errors, secs);
}

static void ring_levels(struct nt_top_nic *r, const struct nt_iface *ifc)
{
	const struct nt_rings *g = &ifc->rings;

	r->ring_rx = r->ring_rx_max = -1;
	if (g->state != NT_STATE_OK)
		return;
	if (!g->present || (g->present & NT_RING_RX))
		r->ring_rx = g->rx;
	if ((!g->present || (g->present & NT_RING_RX_MAX)) && g->rx_max)
		r->ring_rx_max = g->rx_max;
}

static const struct nt_cpumask *irq_mask(const struct nt_iface_irq *irq)
{
	if (nt_cpumask_empty(&irq->effective_affinity))
		return &irq->affinity;
	return &irq->effective_affinity;
}

static bool masks_test(const struct nt_cpumask *const *m, size_t n, int cpu)
{
	for (size_t i = 0; i < n; i++)
		if (nt_cpumask_test(m[i], cpu))
			return true;
	return false;
}

static int masks_next(const struct nt_cpumask *const *m, size_t n, int cpu)
{
	int best = -1;

	for (size_t i = 0; i < n; i++) {
		int c = nt_cpumask_next(m[i], cpu);

		if (c >= 0 && (best < 0 || c < best))
			best = c;
	}
	return best;
}

/* The union of @n masks as a CPU list; cut lists end in '+'. */
static void masks_format(const struct nt_cpumask *const *m, size_t n,
			 char *buf, size_t size)
{
	int first = masks_next(m, n, 0);
	size_t len = 0;

	buf[0] = '\0';
	while (first >= 0) {
		int last = first;

		while (masks_test(m, n, last + 1))
			last++;
		nt_str_append(buf, size, &len, "%s%d", len ? "," : "", first);
		if (last > first)
			nt_str_append(buf, size, &len, "-%d", last);
		first = masks_next(m, n, last + 1);
	}
	if (len >= size && size > 1)
		buf[size - 2] = '+';
}

static void queue_type(struct nt_top_queue *q, const struct nt_iface *ifc,
		       bool rx, bool tx)
{
	if (!rx && !tx) {
		rx = (size_t)q->queue < ifc->n_rxq;
		tx = (size_t)q->queue < ifc->n_txq;
	}
	snprintf(q->type, sizeof(q->type), "%s",
		 rx && tx ? "rxtx" : rx ? "rx" : tx ? "tx" : "");
}

/* Queue @index of @ifc: its IRQs, their CPUs and rate. */
static void fill_queue(struct nt_top_queue *q, int index,
		       const struct nt_iface *ifc, const double *rates,
		       size_t n_rates)
{
	const struct nt_cpumask *masks[QUEUE_MASKS_MAX];
	size_t n = 0;
	bool rx = false, tx = false;

	q->queue = index;
	q->irq = -1;
	q->irqs = q->rx_pps = q->tx_pps = q->drops = -1;
	for (size_t j = 0; j < ifc->n_irqs; j++) {
		const struct nt_iface_irq *irq = &ifc->irqs[j];
		bool on_rx = nt_irq_is_queue(irq) && irq->rxq == index;
		bool on_tx = nt_irq_is_queue(irq) && irq->txq == index;

		/* "tx 0 + rx 3" is a row of queue 0 and one of queue 3 */
		if (!on_rx && !on_tx)
			continue;
		if (q->irq < 0)
			q->irq = irq->irq;
		rx |= on_rx;
		tx |= on_tx;
		if (j < n_rates && rates[j] >= 0)
			add_known(&q->irqs, rates[j]);
		if (n < QUEUE_MASKS_MAX)
			masks[n++] = irq_mask(irq);
	}
	queue_type(q, ifc, rx, tx);
	masks_format(masks, n, q->cpus, sizeof(q->cpus));
}

/* The rise of driver counter @j since @prev, per second. */
static double counter_rate(const struct nt_counters *prev, size_t j,
			   const struct nt_counter *c, double secs)
{
	int64_t before;

	if (!prev)
		return 0;
	if (j < prev->n && !strcmp(prev->v[j].name, c->name))
		before = prev->v[j].value;
	else if (!nt_counters_get(prev, c->name, &before))
		return 0;
	if (before < 0)
		return 0;
	return nt_rate((uint64_t)before, (uint64_t)c->value, secs);
}

static void driver_counter(struct nt_top_nic *r, const struct drv_slot *d,
			   const char *name, bool link_ok, double rate)
{
	const struct nt_drvstat_id *id = &d->id;
	struct nt_top_queue *q = NULL;

	if (id->queue >= 0 && (size_t)id->queue < r->n_queues)
		q = &r->queues[id->queue];
	switch (id->kind) {
	case NT_DRVSTAT_RING:
	case NT_DRVSTAT_DROP:
		if (d->covered)
			r->driver_drops = pos(r->driver_drops);
		else if (!(link_ok && nt_drvstat_link_copy(name)))
			add_known(&r->driver_drops, rate);
		if (q)
			add_known(&q->drops, rate);
		break;
	case NT_DRVSTAT_PACKETS:
		if (q && !strcmp(id->dir, "rx"))
			add_known(&q->rx_pps, rate);
		else if (q)
			add_known(&q->tx_pps, rate);
		break;
	default:
		break;
	}
}

/* Families whose total drop counter a driver gives, as bits of a hash. */
#define TOTAL_BITS	1024

/*
 * A set of another shape than the cached one (ethtool -L changed it):
 * the families of its drop totals, so that a per-queue drop counter with a
 * total still counts once.  Parses every name; allocates nothing.
 */
static void drop_totals(const struct nt_counters *c, uint64_t *bits)
{
	struct nt_drvstat_id id;

	memset(bits, 0, TOTAL_BITS / 8);
	for (size_t j = 0; j < c->n; j++) {
		nt_drvstat_parse(c->v[j].name, &id);
		if (id.queue < 0 && is_drop(&id))
			bits[id.family % TOTAL_BITS / 64] |=
				1ull << (id.family % 64);
	}
}

static bool has_total(const uint64_t *bits, const struct nt_drvstat_id *id)
{
	return bits[id->family % TOTAL_BITS / 64] & (1ull << (id->family % 64));
}

/* The driver counters' rates; returns the queues they name. */
static size_t driver_rates(struct nt_top_nic *r,
			   const struct nt_top_scratch *s,
			   const struct iface_slot *sl,
			   const struct nt_iface *ifc,
			   const struct nt_iface *p, double secs)
{
	const struct nt_counters *pc = p ? &p->driver_stats : NULL;
	bool cached = sl->ds_n == ifc->driver_stats.n;
	bool link_ok = ifc->link_stats_state == NT_STATE_OK;
	uint64_t totals[TOTAL_BITS / 64];
	size_t named = 0;

	r->driver_drops = -1;
	if (!cached)
		drop_totals(&ifc->driver_stats, totals);
	for (size_t j = 0; j < ifc->driver_stats.n; j++) {
		const struct nt_counter *c = &ifc->driver_stats.v[j];
		const struct drv_slot *d = &s->ids[sl->ds_off + j];
		struct drv_slot parsed = { .covered = false };

		/* another shape: parsed now */
		if (!cached) {
			nt_drvstat_parse(c->name, &parsed.id);
			parsed.covered = parsed.id.queue >= 0 &&
					 is_drop(&parsed.id) &&
					 has_total(totals, &parsed.id);
			d = &parsed;
		}
		if (d->id.kind == NT_DRVSTAT_OTHER ||
		    d->id.kind == NT_DRVSTAT_XDP || c->value < 0)
			continue;
		named = max_size(named, queue_limit(d->id.queue));
		driver_counter(r, d, c->name, link_ok,
			       counter_rate(pc, j, c, secs));
	}
	return named;
}

static bool nic_idle(const struct nt_top_nic *r)
{
	return r->rx_pps <= 0 && r->tx_pps <= 0 && r->drops <= 0 &&
	       r->missed <= 0 && r->errors <= 0 && r->driver_drops <= 0;
}

static void fill_nic(const struct nt_top_scratch *s, struct nt_top_nic *r,
		     size_t i, const struct nt_host *prev,
		     const struct nt_host *cur, double secs)
{
	const struct nt_iface *ifc = &cur->ifaces[i];
	const struct nt_iface *p = nt_prev_iface(prev, cur, ifc);
	const struct iface_slot *sl = &s->slots[i];

	copy_name(r->name, sizeof(r->name), ifc->name);
	copy_name(r->driver, sizeof(r->driver), ifc->driver);
	r->numa_node = ifc->numa_node;
	link_rates(r, ifc, p, secs);
	ring_levels(r, ifc);
	r->queues = s->queues + sl->q_off;
	r->n_queues = sl->q_cap;
	for (size_t q = 0; q < r->n_queues; q++)
		fill_queue(&r->queues[q], (int)q, ifc,
			   s->irq_rate + sl->irq_off, sl->irq_n);
	/* rows past the shape's while the driver names such queues */
	r->n_queues = min_size(sl->q_cap,
			       max_size(sl->q_base,
					driver_rates(r, s, sl, ifc, p, secs)));
	r->idle = nic_idle(r);
}

static void fill_nics(struct nt_top_frame *f, const struct nt_host *prev,
		      const struct nt_host *cur, double secs)
{
	const size_t *at;

	f->n_nics = min_size(cur->n_ifaces, f->scratch->n_slots);
	at = layout(&f->scratch->order[ORDER_NIC], f->n_nics);
	for (size_t i = 0; i < f->n_nics; i++)
		fill_nic(f->scratch, &f->nics[at[i]], i, prev, cur, secs);
}

/* qdisc pane ------------------------------------------------------------- */

static const struct nt_qdisc *prev_qdisc(const struct nt_iface *p, size_t j,
					 const struct nt_qdisc *q)
{
	if (!p)
		return NULL;
	if (j < p->n_qdiscs && p->qdiscs[j].handle == q->handle &&
	    p->qdiscs[j].parent == q->parent)
		return &p->qdiscs[j];
	return nt_iface_qdisc(p, q->handle, q->parent);
}

static void fill_qdisc(struct nt_top_qdisc *r, const struct nt_iface *ifc,
		       const struct nt_qdisc *q, const struct nt_qdisc *b,
		       double secs)
{
	if (!b)
		b = q;
	copy_name(r->dev, sizeof(r->dev), ifc->name);
	copy_name(r->kind, sizeof(r->kind), q->kind);
	r->handle_id = q->handle;
	r->parent_id = q->parent;
	nt_tc_handle_format(q->handle, r->handle, sizeof(r->handle));
	nt_tc_handle_format(q->parent, r->parent, sizeof(r->parent));
	r->pps = nt_rate(b->packets, q->packets, secs);
	r->drops = nt_rate(b->drops, q->drops, secs);
	r->overlimits = nt_rate(b->overlimits, q->overlimits, secs);
	r->requeues = nt_rate(b->requeues, q->requeues, secs);
	r->backlog_bytes = q->backlog;
	r->backlog_packets = q->qlen;
	r->idle = r->drops <= 0 && r->overlimits <= 0 && r->requeues <= 0 &&
		  !r->backlog_bytes && !r->backlog_packets;
}

static void fill_qdiscs(struct nt_top_frame *f, const struct nt_host *prev,
			const struct nt_host *cur, double secs)
{
	size_t n = 0, cap = f->scratch->qdisc_cap;
	const size_t *at;

	f->n_qdiscs = min_size(qdisc_rows(cur), cap);
	at = layout(&f->scratch->order[ORDER_QDISC], f->n_qdiscs);
	for (size_t i = 0; i < cur->n_ifaces && n < f->n_qdiscs; i++) {
		const struct nt_iface *ifc = &cur->ifaces[i];
		const struct nt_iface *p = nt_prev_iface(prev, cur, ifc);

		for (size_t j = 0; j < ifc->n_qdiscs && n < f->n_qdiscs; j++)
			fill_qdisc(&f->qdiscs[at[n++]], ifc, &ifc->qdiscs[j],
				   prev_qdisc(p, j, &ifc->qdiscs[j]), secs);
	}
}

/* Sockets pane ----------------------------------------------------------- */

/* An snmp counter per second: -1 when @cur lacks it. */
static double snmp_rate(const struct nt_host *prev, const struct nt_host *cur,
			const char *name, double secs)
{
	int64_t total;
	double rate;
	bool backwards;

	if (!nt_counter_delta(prev ? &prev->snmp : NULL, &cur->snmp, name,
			      secs, &total, &rate, &backwards))
		return -1;
	return rate;
}

static double snmp_sum(const struct nt_host *prev, const struct nt_host *cur,
		       const char *a, const char *b, double secs)
{
	double ra = snmp_rate(prev, cur, a, secs);
	double rb = snmp_rate(prev, cur, b, secs);

	return ra < 0 && rb < 0 ? -1 : pos(ra) + pos(rb);
}

static double fullness(const struct nt_listener *l)
{
	return (double)l->accept_queue / (l->backlog ? l->backlog : 1);
}

/* < 0 when @a's accept queue is fuller than @b's (it comes first). */
static int cmp_listener(const struct nt_listener *a,
			const struct nt_listener *b)
{
	double fa = fullness(a), fb = fullness(b);

	if (fa != fb)
		return fa > fb ? -1 : 1;
	if (a->accept_queue != b->accept_queue)
		return a->accept_queue > b->accept_queue ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return strcmp(a->addr, b->addr);
}

static void worst_listeners(struct nt_top_sock *s, const struct nt_host *cur)
{
	s->n_worst = 0;
	s->have_listeners = cur->sources & NT_SRC_SOCKDIAG;
	for (size_t i = 0; s->have_listeners && i < cur->n_listeners; i++) {
		const struct nt_listener *l = &cur->listeners[i];
		size_t at = s->n_worst;

		while (at > 0 && cmp_listener(l, &s->worst[at - 1]) < 0)
			at--;
		if (at >= NT_TOP_WORST_LISTENERS)
			continue;
		if (s->n_worst < NT_TOP_WORST_LISTENERS)
			s->n_worst++;
		memmove(&s->worst[at + 1], &s->worst[at],
			(s->n_worst - 1 - at) * sizeof(s->worst[0]));
		s->worst[at] = *l;
	}
}

static void fill_sock(struct nt_top_sock *s, const struct nt_host *prev,
		      const struct nt_host *cur, double secs)
{
	s->listen_overflows = snmp_rate(prev, cur, "TcpExtListenOverflows",
					secs);
	s->listen_drops = snmp_rate(prev, cur, "TcpExtListenDrops", secs);
	s->udp_rcvbuf_errors = snmp_sum(prev, cur, "UdpRcvbufErrors",
					"Udp6RcvbufErrors", secs);
	s->udp_inerrors = snmp_sum(prev, cur, "UdpInErrors", "Udp6InErrors",
				   secs);
	s->tcp_retrans = snmp_rate(prev, cur, "TcpRetransSegs", secs);
	s->prune_called = snmp_rate(prev, cur, "TcpExtPruneCalled", secs);
	s->rcv_pruned = snmp_rate(prev, cur, "TcpExtRcvPruned", secs);
	s->backlog_drops = snmp_rate(prev, cur, "TcpExtTCPBacklogDrop", secs);
	worst_listeners(s, cur);
}

/* Header ----------------------------------------------------------------- */

static bool is_loopback(const struct nt_top_nic *r)
{
	return !strcmp(r->name, "lo");
}

static double total_drops(const struct nt_top_frame *f)
{
	double d = pos(f->sock.listen_drops) + pos(f->sock.udp_rcvbuf_errors);

	for (size_t i = 0; i < f->n_cpus; i++)
		d += pos(f->cpus[i].dropped);
	for (size_t i = 0; i < f->n_nics; i++)
		d += pos(f->nics[i].drops) + pos(f->nics[i].missed);
	for (size_t i = 0; i < f->n_qdiscs; i++)
		d += pos(f->qdiscs[i].drops);
	return d;
}

static void fill_header(struct nt_top_frame *f, const struct nt_host *cur,
			double secs)
{
	struct nt_top_header *h = &f->hdr;

	copy_name(h->hostname, sizeof(h->hostname), cur->hostname);
	copy_name(h->kernel, sizeof(h->kernel), cur->kernel);
	h->taken_ns = cur->taken_ns;
	h->uptime_s = cur->uptime_ns > 0 ? cur->uptime_ns / 1e9 : -1;
	h->interval_s = secs;
	h->rx_pps = h->tx_pps = 0;
	for (size_t i = 0; i < f->n_nics; i++) {
		if (is_loopback(&f->nics[i]))
			continue;
		h->rx_pps += pos(f->nics[i].rx_pps);
		h->tx_pps += pos(f->nics[i].tx_pps);
	}
	h->drops = total_drops(f);
}

void nt_top_frame_fill(struct nt_top_frame *f, const struct nt_host *prev,
		       const struct nt_host *cur)
{
	double secs = nt_seconds_between(prev, cur);

	if (!f->scratch)
		return;
	irq_pass(f->scratch, prev, cur, secs);
	fill_cpus(f, prev, cur, secs);
	fill_nics(f, prev, cur, secs);
	fill_qdiscs(f, prev, cur, secs);
	fill_sock(&f->sock, prev, cur, secs);
	fill_header(f, cur, secs);
	nt_top_frame_sort(f, f->sort);
}

/* Sorting ---------------------------------------------------------------- */

typedef int (*row_cmp)(const void *a, const void *b, enum nt_top_sort sort);

/* Larger first. */
static int cmp_desc(double a, double b)
{
	return (a < b) - (a > b);
}

/* By drops (ties by traffic) or by traffic (ties by drops); 0 by name. */
static int cmp_rates(double drops_a, double traffic_a, double drops_b,
		     double traffic_b, enum nt_top_sort sort)
{
	int d;

	switch (sort) {
	case NT_SORT_DROPS:
		d = cmp_desc(drops_a, drops_b);
		return d ? d : cmp_desc(traffic_a, traffic_b);
	case NT_SORT_TRAFFIC:
		d = cmp_desc(traffic_a, traffic_b);
		return d ? d : cmp_desc(drops_a, drops_b);
	default:
		return 0;
	}
}

static int cmp_cpu(const void *a, const void *b, enum nt_top_sort sort)
{
	const struct nt_top_cpu *x = a, *y = b;
	int d = cmp_rates(pos(x->dropped), pos(x->net_rx) + pos(x->net_tx),
			  pos(y->dropped), pos(y->net_rx) + pos(y->net_tx),
			  sort);

	return d ? d : (x->cpu > y->cpu) - (x->cpu < y->cpu);
}

static double nic_drops(const struct nt_top_nic *n)
{
	return pos(n->drops) + pos(n->missed) + pos(n->errors) +
	       pos(n->driver_drops);
}

static int cmp_nic(const void *a, const void *b, enum nt_top_sort sort)
{
	const struct nt_top_nic *x = a, *y = b;
	int d = cmp_rates(nic_drops(x), pos(x->rx_pps) + pos(x->tx_pps),
			  nic_drops(y), pos(y->rx_pps) + pos(y->tx_pps),
			  sort);

	return d ? d : strcmp(x->name, y->name);
}

static int cmp_u32(uint32_t a, uint32_t b)
{
	return (a > b) - (a < b);
}

static int cmp_qdisc(const void *a, const void *b, enum nt_top_sort sort)
{
	const struct nt_top_qdisc *x = a, *y = b;
	int d = cmp_rates(pos(x->drops), pos(x->pps), pos(y->drops),
			  pos(y->pps), sort);

	if (!d)
		d = strcmp(x->dev, y->dev);
	if (!d)
		d = cmp_u32(x->handle_id, y->handle_id);
	return d ? d : cmp_u32(x->parent_id, y->parent_id);
}

/* A row of any pane, to hold one while rows move. */
union any_row {
	struct nt_top_cpu cpu;
	struct nt_top_nic nic;
	struct nt_top_qdisc qdisc;
};

struct sorter {
	unsigned char *rows;
	size_t size;
	row_cmp cmp;
	enum nt_top_sort sort;
	size_t *perm;		/* perm[i]: the row that goes to place i */
	struct pane_order *order;
};

static int cmp_at(const struct sorter *s, size_t a, size_t b)
{
	return s->cmp(s->rows + s->perm[a] * s->size,
		      s->rows + s->perm[b] * s->size, s->sort);
}

static void swap_index(size_t *perm, size_t a, size_t b)
{
	size_t t = perm[a];

	perm[a] = perm[b];
	perm[b] = t;
}

static void sift_down(const struct sorter *s, size_t root, size_t n)
{
	for (;;) {
		size_t child = 2 * root + 1;

		if (child >= n)
			return;
		if (child + 1 < n && cmp_at(s, child, child + 1) < 0)
			child++;
		if (cmp_at(s, root, child) >= 0)
			return;
		swap_index(s->perm, root, child);
		root = child;
	}
}

/*
 * Move every row to its place, each once, cycle by cycle, and the
 * order's record of whose row it is with it.
 */
static void permute(const struct sorter *s, size_t n)
{
	size_t *who = s->order->who, size = s->size;
	union any_row tmp;

	for (size_t i = 0; i < n; i++) {
		size_t j = i, tmp_who = who[i];

		if (s->perm[i] == i)
			continue;
		memcpy(&tmp, s->rows + i * size, size);
		while (s->perm[j] != i) {
			size_t k = s->perm[j];

			memcpy(s->rows + j * size, s->rows + k * size, size);
			who[j] = who[k];
			s->perm[j] = j;
			j = k;
		}
		memcpy(s->rows + j * size, &tmp, size);
		who[j] = tmp_who;
		s->perm[j] = j;
	}
	for (size_t p = 0; p < n; p++)
		s->order->at[who[p]] = p;
}

static bool is_sorted(const struct sorter *s, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (s->cmp(s->rows + (i - 1) * s->size, s->rows + i * s->size,
			   s->sort) > 0)
			return false;
	return true;
}

/*
 * Heapsort of an index, then one move per row: in place, O(n log n), no
 * allocation (glibc's qsort may malloc); O(n) when the rows are still in
 * order from the last tick.  Not stable, but every comparison ends in a
 * unique name, so the order is total and the result the same every time.
 */
static void sort_rows(void *rows, size_t n, size_t size, row_cmp cmp,
		      enum nt_top_sort sort, size_t *perm,
		      struct pane_order *order)
{
	struct sorter s = {
		.rows = rows, .size = size, .cmp = cmp, .sort = sort,
		.perm = perm, .order = order,
	};

	if (n < 2 || order->n != n || is_sorted(&s, n))
		return;
	for (size_t i = 0; i < n; i++)
		perm[i] = i;
	for (size_t i = n / 2; i-- > 0;)
		sift_down(&s, i, n);
	for (size_t end = n - 1; end > 0; end--) {
		swap_index(perm, 0, end);
		sift_down(&s, 0, end);
	}
	permute(&s, n);
}

void nt_top_frame_sort(struct nt_top_frame *f, enum nt_top_sort sort)
{
	struct nt_top_scratch *s = f->scratch;

	f->sort = sort;
	if (!s)
		return;
	sort_rows(f->cpus, f->n_cpus, sizeof(*f->cpus), cmp_cpu, sort, s->perm,
		  &s->order[ORDER_CPU]);
	sort_rows(f->nics, f->n_nics, sizeof(*f->nics), cmp_nic, sort, s->perm,
		  &s->order[ORDER_NIC]);
	sort_rows(f->qdiscs, f->n_qdiscs, sizeof(*f->qdiscs), cmp_qdisc,
		  sort, s->perm, &s->order[ORDER_QDISC]);
}

const char *nt_top_sort_name(enum nt_top_sort sort)
{
	static const char *const names[NT_SORT_COUNT] = {
		[NT_SORT_DROPS] = "drops",
		[NT_SORT_TRAFFIC] = "traffic",
		[NT_SORT_NAME] = "name",
	};

	if ((unsigned int)sort >= NT_SORT_COUNT)
		return "?";
	return names[sort];
}
