// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The tick sampler of `nettune top` (sampler.h): the counters of a host
 * whose configuration one full look (nt_collect) has read, refreshed in
 * place every tick.
 *
 * Everything a tick needs is prepared by nt_sampler_open(): the /proc
 * files stay open and are read with pread() into buffers kept from tick to
 * tick, the netlink sockets stay open with their receive buffers, and
 * indexes map what the kernel reports (a CPU, an IRQ number, an ifindex, a
 * qdisc handle, a counter's name) to its place in a host of the shape.  The
 * /proc text is walked with the grammar of lib/sys/procfs.c, so a tick
 * gives exactly what a full look would.  A tick allocates nothing unless
 * a file or the list of listeners outgrows everything seen before.
 *
 * The link and qdisc counters come from the rtnetlink dumps of
 * lib/sys/rtstats.c (libmnl) rather than lib/sys/rtnl.c (libnl-route):
 * RTM_GETSTATS with only IFLA_STATS_LINK_64 costs a tenth of an
 * RTM_GETLINK dump, and libnl's caches allocate an object per message.
 * Here they are only put in place, by ifindex and qdisc handle.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sample/sampler.h"
#include "sys/ethtool.h"
#include "sys/procfs.h"
#include "sys/root.h"
#include "sys/rtstats.h"
#include "sys/sockdiag.h"

#include "util/array.h"

#define PF_FIRST_SIZE	16384		/* a /proc buffer's first size */
#define PF_ROOM		4096		/* least room left for one read */
#define INDEX_MAX	(1u << 24)	/* CPU ids and IRQ numbers above are
					 * not indexed (and not sampled) */

enum pf_id {
	PF_SOFTNET,
	PF_INTERRUPTS,
	PF_SOFTIRQS,
	PF_NETSTAT,		/* netstat, snmp, snmp6: host->snmp, in */
	PF_SNMP,		/* this order, as nt_procfs_read_snmp() */
	PF_SNMP6,
	PF_SOCKSTAT,		/* sockstat, sockstat6: host->sockstat */
	PF_SOCKSTAT6,
	PF_UPTIME,
	PF_COUNT,
};

static const char *const pf_path[PF_COUNT] = {
	[PF_SOFTNET]	= "/proc/net/softnet_stat",
	[PF_INTERRUPTS]	= "/proc/interrupts",
	[PF_SOFTIRQS]	= "/proc/softirqs",
	[PF_NETSTAT]	= "/proc/net/netstat",
	[PF_SNMP]	= "/proc/net/snmp",
	[PF_SNMP6]	= "/proc/net/snmp6",
	[PF_SOCKSTAT]	= "/proc/net/sockstat",
	[PF_SOCKSTAT6]	= "/proc/net/sockstat6",
	[PF_UPTIME]	= "/proc/uptime",
};

/* A /proc file kept open, and the buffer its text is read into. */
struct pfile {
	int fd;			/* -1: absent at open, not sampled */
	char *buf;
	size_t size;
	size_t len;		/* of the text last read */
};

/* A direct index: key (CPU id, IRQ number) -> position, -1 for none. */
struct index {
	int32_t *pos;
	uint32_t n;
};

struct ifx {
	int ifindex;
	uint32_t i;		/* in host->ifaces */
};

/* What a host of the shape must look like; checked on every tick. */
struct dims {
	size_t n_ifaces, n_softnet, n_irqs, n_softirqs;
	uint32_t irq_cpus, softirq_cpus;
};

struct nt_sampler {
	bool live;
	struct dims dims;
	struct pfile f[PF_COUNT];

	struct index softnet_by_cpu;	/* -> host->softnet */
	struct index irq_rows;		/* IRQ number -> interrupts row */
	struct index irq_cols;		/* CPU id -> interrupts column */
	struct index softirq_cols;	/* CPU id -> softirqs column */

	/* a tick's header and counts when the columns are not the shape's */
	uint32_t *ids;
	uint64_t *counts;
	uint32_t cols_cap;

	/* rtnetlink: links and qdiscs */
	struct nt_rtstats *rts;
	struct ifx *ifx;		/* sorted by ifindex */
	size_t n_ifx, ifx_hint;
	const struct nt_iface *q_iface;	/* where the last qdisc was found */
	size_t q_hint;

	/* driver statistics: interfaces that had them, one buffer */
	uint32_t *drv;
	struct nt_counters *drv_sets;	/* each one's set as last read */
	size_t n_drv;
	void *drvbuf;
	size_t drvbuf_size;
	bool keep_shape;		/* a changed set keeps its counters */

	/* listeners: the dump lands here, then is copied to the host */
	struct nt_sockdiag *sd;
	struct nt_listener *lst;
	size_t lst_cap;
};

/* One tick: where the values go, and how the sources fared. */
struct tick {
	struct nt_sampler *s;
	struct nt_host *host;
	unsigned int read, failed;
	struct nt_err first;		/* the first failure's message */
};

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A source's outcome: counted, and the first failure kept for the caller. */
static void outcome(struct tick *t, int ret, const struct nt_err *err,
		    const char *what)
{
	if (!ret) {
		t->read++;
		return;
	}
	t->failed++;
	if (err && err->code)
		nt_err_set(&t->first, err->code, "%s", err->msg);
	else
		nt_err_set(&t->first, -ret, "%s: %s", what, strerror(-ret));
}

/* Indexes ---------------------------------------------------------------- */

static int index_init(struct index *x, uint32_t max_key)
{
	x->n = max_key + 1;
	x->pos = malloc(x->n * sizeof(*x->pos));
	if (!x->pos)
		return -ENOMEM;
	memset(x->pos, 0xff, x->n * sizeof(*x->pos));	/* all -1 */
	return 0;
}

static int32_t index_get(const struct index *x, uint64_t key)
{
	return key < x->n ? x->pos[key] : -1;
}

static int index_build_softnet(struct nt_sampler *s,
			       const struct nt_host *shape)
{
	uint32_t max = 0;

	for (size_t i = 0; i < shape->n_softnet; i++)
		if (shape->softnet[i].cpu > max &&
		    shape->softnet[i].cpu < INDEX_MAX)
			max = shape->softnet[i].cpu;
	if (index_init(&s->softnet_by_cpu, max))
		return -ENOMEM;
	/* the first row of a CPU wins, as nt_host_softnet() finds it */
	for (size_t i = shape->n_softnet; i-- > 0; )
		if (shape->softnet[i].cpu < INDEX_MAX)
			s->softnet_by_cpu.pos[shape->softnet[i].cpu] =
				(int32_t)i;
	return 0;
}

static int index_build_irqs(struct nt_sampler *s, const struct nt_host *shape)
{
	const struct nt_interrupts *t = &shape->interrupts;
	uint32_t max = 0;

	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].irq >= 0 && (uint32_t)t->v[i].irq < INDEX_MAX &&
		    (uint32_t)t->v[i].irq > max)
			max = (uint32_t)t->v[i].irq;
	if (index_init(&s->irq_rows, max))
		return -ENOMEM;
	for (size_t i = t->n; i-- > 0; )
		if (t->v[i].irq >= 0 && (uint32_t)t->v[i].irq < INDEX_MAX)
			s->irq_rows.pos[t->v[i].irq] = (int32_t)i;
	return 0;
}

/* CPU id -> column of a per-CPU table of the shape. */
static int index_build_cols(struct index *x, const uint32_t *ids,
			    uint32_t ncols)
{
	uint32_t max = 0;

	for (uint32_t c = 0; c < ncols; c++)
		if (ids[c] > max && ids[c] < INDEX_MAX)
			max = ids[c];
	if (index_init(x, max))
		return -ENOMEM;
	for (uint32_t c = ncols; c-- > 0; )
		if (ids[c] < INDEX_MAX)
			x->pos[ids[c]] = (int32_t)c;
	return 0;
}

static int cmp_ifx(const void *a, const void *b)
{
	const struct ifx *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

static int index_build_ifaces(struct nt_sampler *s,
			      const struct nt_host *shape)
{
	if (!shape->n_ifaces)
		return 0;
	s->ifx = malloc(shape->n_ifaces * sizeof(*s->ifx));
	if (!s->ifx)
		return -ENOMEM;
	for (size_t i = 0; i < shape->n_ifaces; i++) {
		if (shape->ifaces[i].ifindex <= 0)
			continue;
		s->ifx[s->n_ifx].ifindex = shape->ifaces[i].ifindex;
		s->ifx[s->n_ifx++].i = (uint32_t)i;
	}
	qsort(s->ifx, s->n_ifx, sizeof(*s->ifx), cmp_ifx);
	return 0;
}

/*
 * The interface of @ifindex.  Dumps come in ifindex order, so the entry
 * after the last one found is tried first.
 */
static struct nt_iface *iface_of(struct nt_sampler *s, struct nt_host *host,
				 int ifindex)
{
	struct ifx key = { .ifindex = ifindex };
	const struct ifx *x = NULL;

	if (s->ifx_hint < s->n_ifx && s->ifx[s->ifx_hint].ifindex == ifindex)
		x = &s->ifx[s->ifx_hint];
	else if (s->n_ifx)
		x = bsearch(&key, s->ifx, s->n_ifx, sizeof(*s->ifx), cmp_ifx);
	if (!x)
		return NULL;
	s->ifx_hint = (size_t)(x - s->ifx) + 1;
	return &host->ifaces[x->i];
}

/* /proc files ------------------------------------------------------------ */

static int pfile_grow(struct pfile *f)
{
	size_t size = f->size ? 2 * f->size : PF_FIRST_SIZE;
	char *buf = realloc(f->buf, size);

	if (!buf)
		return -ENOMEM;
	f->buf = buf;
	f->size = size;
	return 0;
}

/*
 * The whole text into the kept buffer.  A seq_file hands out a page or so
 * per read, so read until EOF; pread() at offset 0 starts the file anew.
 */
static int pfile_read(struct pfile *f)
{
	size_t len = 0;

	for (;;) {
		ssize_t got;

		if (f->size - len < PF_ROOM && pfile_grow(f))
			return -ENOMEM;
		got = pread(f->fd, f->buf + len, f->size - len - 1, (off_t)len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -errno;
		if (!got)
			break;
		len += (size_t)got;
	}
	f->buf[len] = '\0';
	f->len = len;
	return 0;
}

static int pfiles_open(struct nt_sampler *s, const struct nt_root *root,
		       struct nt_err *err)
{
	for (int i = 0; i < PF_COUNT; i++) {
		struct pfile *f = &s->f[i];
		int ret;

		f->fd = nt_root_openat(root, pf_path[i], O_RDONLY | O_CLOEXEC);
		if (f->fd < 0) {
			/* the look read it, or did without it */
			f->fd = -1;
			continue;
		}
		/* sizes the buffer, so the first tick grows nothing */
		ret = pfile_read(f);
		if (ret)
			return nt_err_set(err, -ret, "%s%s: %s",
					  root->live ? "" : root->path,
					  pf_path[i], strerror(-ret));
	}
	return 0;
}

/* The header's columns into s->ids, grown past the most ever seen. */
static int table_begin(struct nt_sampler *s, const struct pfile *f,
		       struct nt_procfs_cursor *c, struct nt_err *err)
{
	int ret = nt_procfs_table_begin(c, f->buf, f->len, s->ids,
					s->cols_cap, err);

	if (ret || c->ncols <= s->cols_cap)
		return ret;
	free(s->ids);
	free(s->counts);
	s->ids = malloc(c->ncols * sizeof(*s->ids));
	s->counts = malloc(c->ncols * sizeof(*s->counts));
	s->cols_cap = s->ids && s->counts ? c->ncols : 0;
	if (!s->cols_cap)
		return nt_err_set(err, ENOMEM, "out of memory");
	return nt_procfs_table_begin(c, f->buf, f->len, s->ids, s->cols_cap,
				     err);
}

/* Do the tick's columns stand for the same CPUs as the shape's? */
static bool same_columns(const struct nt_sampler *s, uint32_t ncols,
			 const uint32_t *ids, uint32_t n)
{
	return ncols == n && (!n || !memcmp(s->ids, ids, n * sizeof(*ids)));
}

/*
 * Counts of a tick whose columns differ (a CPU went offline or came back)
 * go to the shape's column of the same CPU; CPUs the shape has no column
 * for are dropped, columns the tick lacks keep their counts.
 */
static void scatter(const struct nt_sampler *s, uint32_t ncols,
		    const struct index *cols, uint64_t *counts)
{
	for (uint32_t c = 0; c < ncols; c++) {
		int32_t to = index_get(cols, s->ids[c]);

		if (to >= 0)
			counts[to] = s->counts[c];
	}
}

static int read_interrupts(struct nt_sampler *s, struct nt_host *host,
			   struct nt_err *err)
{
	struct nt_interrupts *t = &host->interrupts;
	const char *rest, *rest_end;
	struct nt_procfs_cursor c;
	size_t found = 0;
	char id[sizeof(t->v[0].id)];
	bool direct;
	int irq, ret;

	ret = table_begin(s, &s->f[PF_INTERRUPTS], &c, err);
	if (ret)
		return ret;
	direct = same_columns(s, c.ncols, t->cpu_ids, t->ncpus);
	while (found < t->n &&
	       (ret = nt_procfs_irq_row(&c, id, sizeof(id), &irq, err)) > 0) {
		int32_t r = irq < 0 ? -1 : index_get(&s->irq_rows, irq);
		struct nt_interrupt *row;

		if (r < 0)
			continue;	/* not a NIC's: skipped unread */
		row = &t->v[r];
		ret = nt_procfs_irq_counts(&c, direct ? row->counts : s->counts,
					   &rest, &rest_end, err);
		if (ret)
			return ret;
		if (!direct)
			scatter(s, c.ncols, &s->irq_cols, row->counts);
		found++;
	}
	return ret < 0 ? ret : 0;
}

/* The softirq row @name: rows keep the kernel's order, so try @hint first. */
static struct nt_softirq *softirq_row(struct nt_softirqs *t, const char *name,
				      size_t *hint)
{
	size_t i = *hint;

	if (i >= t->n || strcmp(t->v[i].name, name))
		for (i = 0; i < t->n && strcmp(t->v[i].name, name); i++)
			;
	if (i == t->n)
		return NULL;
	*hint = i + 1;
	return &t->v[i];
}

static int read_softirqs(struct nt_sampler *s, struct nt_host *host,
			 struct nt_err *err)
{
	struct nt_softirqs *t = &host->softirqs;
	struct nt_procfs_cursor c;
	char name[sizeof(t->v[0].name)];
	size_t hint = 0;
	bool direct;
	int ret;

	ret = table_begin(s, &s->f[PF_SOFTIRQS], &c, err);
	if (ret)
		return ret;
	direct = same_columns(s, c.ncols, t->cpu_ids, t->ncpus);
	while ((ret = nt_procfs_softirq_row(&c, name, sizeof(name), err)) > 0) {
		struct nt_softirq *row = softirq_row(t, name, &hint);

		if (!row)
			continue;
		ret = nt_procfs_softirq_counts(&c, direct ? row->counts :
					       s->counts, err);
		if (ret)
			return ret;
		if (!direct)
			scatter(s, c.ncols, &s->softirq_cols, row->counts);
	}
	return ret < 0 ? ret : 0;
}

static int softnet_put(const struct nt_softnet *sn, void *arg)
{
	struct tick *t = arg;
	int32_t i = index_get(&t->s->softnet_by_cpu, sn->cpu);

	if (i >= 0)
		t->host->softnet[i] = *sn;
	return 0;
}

/*
 * A counter by name into a set the first look filled from the same files
 * in the same order: the entry after the last one found is nearly always
 * it.  Names the look did not see (an ICMP type counted since) are left
 * out.
 */
struct counter_match {
	struct nt_counters *c;
	size_t next;
};

static int counter_put(const char *name, int64_t value, void *arg)
{
	struct counter_match *m = arg;
	struct nt_counters *c = m->c;
	size_t i = m->next;

	if (i >= c->n || strcmp(c->v[i].name, name))
		for (i = 0; i < c->n && strcmp(c->v[i].name, name); i++)
			;
	if (i == c->n)
		return 0;
	c->v[i].value = value;
	m->next = i + 1;
	return 0;
}

static int read_uptime(struct nt_sampler *s, struct nt_host *host)
{
	int64_t ns;

	if (nt_procfs_parse_uptime(s->f[PF_UPTIME].buf, &ns))
		return -EINVAL;
	host->uptime_ns = ns;
	return 0;
}

/* Parse the text of file @id, just read, into @host. */
static int parse_pfile(struct tick *t, enum pf_id id,
		       struct counter_match *snmp,
		       struct counter_match *sockstat, struct nt_err *err)
{
	struct nt_sampler *s = t->s;
	const char *text = s->f[id].buf;

	switch (id) {
	case PF_SOFTNET:
		return nt_procfs_walk_softnet(text, softnet_put, t, err);
	case PF_INTERRUPTS:
		return read_interrupts(s, t->host, err);
	case PF_SOFTIRQS:
		return read_softirqs(s, t->host, err);
	case PF_NETSTAT:
	case PF_SNMP:
	case PF_SNMP6:
		return nt_procfs_walk_snmp(text, counter_put, snmp, err);
	case PF_SOCKSTAT:
	case PF_SOCKSTAT6:
		return nt_procfs_walk_sockstat(text, counter_put, sockstat,
					       err);
	case PF_UPTIME:
		return read_uptime(s, t->host);
	default:
		return 0;
	}
}

static void read_pfiles(struct tick *t)
{
	struct counter_match snmp = { .c = &t->host->snmp };
	struct counter_match sockstat = { .c = &t->host->sockstat };
	struct nt_sampler *s = t->s;

	for (int i = 0; i < PF_COUNT; i++) {
		struct nt_err err = { 0 };
		int ret;

		if (s->f[i].fd < 0)
			continue;
		ret = pfile_read(&s->f[i]);
		if (!ret)
			ret = parse_pfile(t, i, &snmp, &sockstat, &err);
		if (ret && err.code) {
			struct nt_err named = { 0 };

			nt_err_set(&named, err.code, "%s: %s", pf_path[i],
				   err.msg);
			outcome(t, ret, &named, pf_path[i]);
		} else {
			outcome(t, ret, NULL, pf_path[i]);
		}
	}
}

/* rtnetlink -------------------------------------------------------------- */

static int on_link_stats(int ifindex, const struct nt_link_stats *stats,
			 void *arg)
{
	struct tick *t = arg;
	struct nt_iface *ifc = iface_of(t->s, t->host, ifindex);

	if (ifc)			/* else created after the first look */
		ifc->stats = *stats;
	return 0;
}

static int read_link_stats(struct tick *t, struct nt_err *err)
{
	t->s->ifx_hint = 0;
	return nt_rtstats_links(t->s->rts, on_link_stats, t, err);
}

/*
 * The qdisc of @ifc with this handle and parent.  A dump lists an
 * interface's qdiscs in the order the first look stored them, so the one
 * after the last found is tried first.
 */
static struct nt_qdisc *qdisc_of(struct nt_sampler *s, struct nt_iface *ifc,
				 uint32_t handle, uint32_t parent)
{
	size_t start = s->q_iface == ifc ? s->q_hint : 0;

	for (size_t k = 0; k < ifc->n_qdiscs; k++) {
		size_t j = (start + k) % ifc->n_qdiscs;
		struct nt_qdisc *q = &ifc->qdiscs[j];

		if (q->handle == handle && q->parent == parent) {
			s->q_iface = ifc;
			s->q_hint = j + 1;
			return q;
		}
	}
	return NULL;
}

/* The counters the kernel sent; the others keep their last values. */
static void qdisc_fill(struct nt_qdisc *q, const struct nt_rtstats_qdisc *c)
{
	if (c->has & NT_QSTAT_BYTES)
		q->bytes = c->bytes;
	if (c->has & NT_QSTAT_PACKETS)
		q->packets = c->packets;
	if (c->has & NT_QSTAT_DROPS)
		q->drops = c->drops;
	if (c->has & NT_QSTAT_OVERLIMITS)
		q->overlimits = c->overlimits;
	if (c->has & NT_QSTAT_REQUEUES)
		q->requeues = c->requeues;
	if (c->has & NT_QSTAT_BACKLOG)
		q->backlog = c->backlog;
	if (c->has & NT_QSTAT_QLEN)
		q->qlen = c->qlen;
}

static int on_qdisc(int ifindex, uint32_t handle, uint32_t parent,
		    const char *kind, const struct nt_rtstats_qdisc *c,
		    void *arg)
{
	struct tick *t = arg;
	struct nt_iface *ifc;
	struct nt_qdisc *q;

	(void)kind;
	ifc = iface_of(t->s, t->host, ifindex);
	if (!ifc || ifc->qdiscs_state != NT_STATE_OK)
		return 0;
	q = qdisc_of(t->s, ifc, handle, parent);
	if (q)
		qdisc_fill(q, c);
	return 0;
}

static int read_qdiscs(struct tick *t, struct nt_err *err)
{
	t->s->ifx_hint = 0;
	t->s->q_iface = NULL;
	return nt_rtstats_qdiscs(t->s->rts, on_qdisc, t, err);
}

/* Driver statistics and listeners ---------------------------------------- */

/*
 * The devices whose driver counters a tick reads: physical NICs, and
 * virtual devices that use more than one queue (a veth set up for XDP or
 * per-queue steering: its per-queue counters are its own).  The many
 * single-queue veths, bridges and vlans of a container host repeat their
 * link counters.
 */
static bool samples_driver_stats(const struct nt_iface *ifc)
{
	return !ifc->is_virtual || ifc->n_rxq > 1 || ifc->n_txq > 1;
}

/*
 * A zeroed buffer for @n statistics (valgrind cannot tell that
 * ETHTOOL_GSTATS writes it); on failure the old one is kept.
 */
static int drvbuf_fit(struct nt_sampler *s, size_t n)
{
	size_t size = nt_ethtool_stats_size(n);
	void *buf;

	if (s->drvbuf && size <= s->drvbuf_size)
		return 0;
	buf = calloc(1, size);
	if (!buf)
		return -ENOMEM;
	free(s->drvbuf);
	s->drvbuf = buf;
	s->drvbuf_size = size;
	return 0;
}

static int drv_prepare(struct nt_sampler *s, const struct nt_host *shape)
{
	size_t most = 0;

	if (!shape->n_ifaces)
		return 0;
	s->drv = malloc(shape->n_ifaces * sizeof(*s->drv));
	s->drv_sets = calloc(shape->n_ifaces, sizeof(*s->drv_sets));
	if (!s->drv || !s->drv_sets)
		return -ENOMEM;
	for (size_t i = 0; i < shape->n_ifaces; i++) {
		const struct nt_iface *ifc = &shape->ifaces[i];

		if (!samples_driver_stats(ifc) ||
		    ifc->driver_stats_state != NT_STATE_OK ||
		    !ifc->driver_stats.n)
			continue;
		if (nt_counters_assign(&s->drv_sets[s->n_drv],
				       &ifc->driver_stats))
			return -ENOMEM;
		s->drv[s->n_drv++] = (uint32_t)i;
		if (ifc->driver_stats.n > most)
			most = ifc->driver_stats.n;
	}
	return s->n_drv ? drvbuf_fit(s, most) : 0;
}

/*
 * The driver's set changed (ethtool -L): read names and values again.
 * The new set becomes the device's in this host and the one the sampler
 * remembers for the other host of the pair.
 */
static int drv_reread(struct nt_sampler *s, size_t k, struct nt_iface *ifc)
{
	struct nt_counters fresh = { 0 };
	int ret;

	ret = nt_ethtool_driver_stats(ifc->name, &fresh, NULL);
	if (!ret && (drvbuf_fit(s, fresh.n) ||
		     nt_counters_assign(&ifc->driver_stats, &fresh)))
		ret = -ENOMEM;
	if (ret) {
		nt_counters_free(&fresh);
		return ret;
	}
	nt_counters_free(&s->drv_sets[k]);
	s->drv_sets[k] = fresh;
	return 0;
}

/*
 * One device's driver counters, in place.  After a change of the
 * driver's set (-ESTALE) the host takes the set the sampler read last,
 * as the other host of the pair did a tick ago, or the set is read
 * again: the only allocations of a tick, and only after such a change.
 */
static int drv_fill(struct nt_sampler *s, size_t k, struct nt_iface *ifc)
{
	const struct nt_counters *last = &s->drv_sets[k];
	int ret;

	ret = nt_ethtool_driver_stats_fill(ifc->name, &ifc->driver_stats,
					   s->drvbuf, s->drvbuf_size, NULL);
	if (ret != -ESTALE || s->keep_shape)
		return ret;
	if (ifc->driver_stats.n != last->n) {
		if (nt_counters_assign(&ifc->driver_stats, last))
			return -ENOMEM;
		ret = nt_ethtool_driver_stats_fill(ifc->name,
						   &ifc->driver_stats,
						   s->drvbuf, s->drvbuf_size,
						   NULL);
		if (ret != -ESTALE)
			return ret;
	}
	return drv_reread(s, k, ifc);
}

/*
 * A device gone keeps its counters; only when every device fails is the
 * source failed.
 */
static int read_driver_stats(struct tick *t)
{
	struct nt_sampler *s = t->s;
	size_t ok = 0;
	int last = 0;

	for (size_t k = 0; k < s->n_drv; k++) {
		struct nt_iface *ifc = &t->host->ifaces[s->drv[k]];
		int ret;

		if (ifc->driver_stats_state != NT_STATE_OK)
			continue;
		ret = drv_fill(s, k, ifc);
		if (ret)
			last = ret;
		else
			ok++;
	}
	return ok || !last ? 0 : last;
}

static int read_listeners(struct tick *t, struct nt_err *err)
{
	struct nt_sampler *s = t->s;
	struct nt_host *host = t->host;
	size_t n, cap;
	int ret;

	ret = nt_sockdiag_listeners_fill(s->sd, &s->lst, &n, &s->lst_cap,
					 err);
	if (ret)
		return ret;
	cap = host->listeners_cap > host->n_listeners ? host->listeners_cap :
							host->n_listeners;
	if (n > cap || (n && !host->listeners)) {
		struct nt_listener *v;

		v = realloc(host->listeners, s->lst_cap * sizeof(*v));
		if (!v)
			return nt_err_set(err, ENOMEM, "out of memory");
		host->listeners = v;
		host->listeners_cap = s->lst_cap;
	}
	if (n)
		memcpy(host->listeners, s->lst, n * sizeof(*s->lst));
	host->n_listeners = n;
	return 0;
}

static void read_netlink(struct tick *t)
{
	struct nt_sampler *s = t->s;
	struct nt_err err = { 0 };

	outcome(t, read_link_stats(t, &err), &err,
		"rtnetlink: link statistics");
	nt_err_clear(&err);
	outcome(t, read_qdiscs(t, &err), &err, "rtnetlink: qdiscs");
	nt_err_clear(&err);
	if (s->n_drv)
		outcome(t, read_driver_stats(t), NULL, "driver statistics");
	if (s->sd)
		outcome(t, read_listeners(t, &err), &err, "sock_diag");
}

/* The sampler ------------------------------------------------------------ */

static bool drop_irq(const struct nt_interrupt *row, const uint32_t *nic,
		     size_t n)
{
	size_t lo = 0, hi = n;

	if (row->irq < 0)
		return true;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (nic[mid] == (uint32_t)row->irq)
			return false;
		if (nic[mid] < (uint32_t)row->irq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return true;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/*
 * Driver counters a tick does not read would stay as the first look saw
 * them, and the audit would judge every one of them again on every tick
 * for a rate of 0.
 */
static void drop_unsampled_driver_stats(struct nt_host *host)
{
	for (size_t i = 0; i < host->n_ifaces; i++) {
		struct nt_iface *ifc = &host->ifaces[i];

		if (samples_driver_stats(ifc))
			continue;
		nt_counters_free(&ifc->driver_stats);
		ifc->driver_stats_state = NT_STATE_UNKNOWN;
	}
}

int nt_sample_shape(struct nt_host *host)
{
	struct nt_interrupts *t = &host->interrupts;
	uint32_t *nic = NULL;
	size_t n = 0, kept = 0;

	for (size_t i = 0; i < host->n_ifaces; i++)
		n += host->ifaces[i].n_irqs;
	if (n) {
		nic = malloc(n * sizeof(*nic));
		if (!nic)
			return -ENOMEM;
		n = 0;
		for (size_t i = 0; i < host->n_ifaces; i++)
			for (size_t k = 0; k < host->ifaces[i].n_irqs; k++)
				nic[n++] = host->ifaces[i].irqs[k].irq;
		qsort(nic, n, sizeof(*nic), cmp_u32);
	}
	for (size_t i = 0; i < t->n; i++) {
		struct nt_interrupt *row = &t->v[i];

		if (drop_irq(row, nic, n)) {
			free(row->counts);
			free(row->chip);
			free(row->name);
			continue;
		}
		t->v[kept++] = *row;
	}
	t->n = kept;
	free(nic);
	drop_unsampled_driver_stats(host);
	return 0;
}

static void dims_of(struct dims *d, const struct nt_host *host)
{
	d->n_ifaces = host->n_ifaces;
	d->n_softnet = host->n_softnet;
	d->n_irqs = host->interrupts.n;
	d->irq_cpus = host->interrupts.ncpus;
	d->n_softirqs = host->softirqs.n;
	d->softirq_cpus = host->softirqs.ncpus;
}

static bool dims_equal(const struct dims *a, const struct dims *b)
{
	return a->n_ifaces == b->n_ifaces && a->n_softnet == b->n_softnet &&
	       a->n_irqs == b->n_irqs && a->irq_cpus == b->irq_cpus &&
	       a->n_softirqs == b->n_softirqs &&
	       a->softirq_cpus == b->softirq_cpus;
}

static int build_indexes(struct nt_sampler *s, const struct nt_host *shape)
{
	if (index_build_softnet(s, shape) || index_build_irqs(s, shape) ||
	    index_build_cols(&s->irq_cols, shape->interrupts.cpu_ids,
			     shape->interrupts.ncpus) ||
	    index_build_cols(&s->softirq_cols, shape->softirqs.cpu_ids,
			     shape->softirqs.ncpus) ||
	    index_build_ifaces(s, shape))
		return -ENOMEM;
	return 0;
}

/* Netlink sources: what the first look read, on the live host only. */
static int open_live(struct nt_sampler *s, const struct nt_host *shape,
		     struct nt_err *err)
{
	int ret;

	ret = nt_rtstats_open(&s->rts, err);
	if (ret)
		return ret;
	if (drv_prepare(s, shape))
		return nt_err_set(err, ENOMEM, "out of memory");
	if (shape->sources & NT_SRC_SOCKDIAG)
		return nt_sockdiag_open(&s->sd, err);
	return 0;
}

int nt_sampler_open(struct nt_sampler **out, const struct nt_host *shape,
		    const char *root, struct nt_err *err)
{
	struct nt_sampler *s;
	struct nt_root r;
	int ret;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return nt_err_set(err, ENOMEM, "out of memory");
	for (int i = 0; i < PF_COUNT; i++)
		s->f[i].fd = -1;
	dims_of(&s->dims, shape);
	ret = nt_root_open(&r, root, err);
	if (ret) {
		free(s);
		return ret;
	}
	s->live = r.live;
	ret = pfiles_open(s, &r, err);
	nt_root_close(&r);
	if (!ret && build_indexes(s, shape))
		ret = nt_err_set(err, ENOMEM, "out of memory");
	if (!ret && s->live)
		ret = open_live(s, shape, err);
	if (ret) {
		nt_sampler_close(s);
		return ret;
	}
	*out = s;
	return 0;
}

int nt_sampler_read(struct nt_sampler *s, struct nt_host *host,
		    struct nt_err *err)
{
	struct tick t = { .s = s, .host = host };
	struct dims d = { 0 };

	dims_of(&d, host);
	if (!dims_equal(&d, &s->dims))
		return nt_err_set(err, EINVAL,
				  "sampler: host not of the sampled shape");
	host->taken_ns = clock_ns(CLOCK_REALTIME);
	host->mono_ns = clock_ns(CLOCK_MONOTONIC);
	read_pfiles(&t);
	if (s->live)
		read_netlink(&t);
	if (t.read || !t.failed)
		return 0;
	return nt_err_set(err, t.first.code, "%s", t.first.msg);
}

void nt_sampler_keep_shape(struct nt_sampler *s)
{
	s->keep_shape = true;
}

void nt_sampler_close(struct nt_sampler *s)
{
	if (!s)
		return;
	for (int i = 0; i < PF_COUNT; i++) {
		if (s->f[i].fd >= 0)
			close(s->f[i].fd);
		free(s->f[i].buf);
	}
	free(s->softnet_by_cpu.pos);
	free(s->irq_rows.pos);
	free(s->irq_cols.pos);
	free(s->softirq_cols.pos);
	free(s->ids);
	free(s->counts);
	nt_rtstats_close(s->rts);
	free(s->ifx);
	for (size_t k = 0; s->drv_sets && k < s->n_drv; k++)
		nt_counters_free(&s->drv_sets[k]);
	free(s->drv_sets);
	free(s->drv);
	free(s->drvbuf);
	nt_sockdiag_close(s->sd);
	free(s->lst);
	free(s);
}
