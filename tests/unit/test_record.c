// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Recordings (lib/sample/record.c): the counter vector's order, a record
 * and replay round trip through two alternating hosts on each side, the
 * size of an idle sample line, and malformed files.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/host.h"
#include "sample/record.h"
#include "testlib.h"

#define SEC		1000000000LL
#define TAKEN_NS	(1795431600LL * SEC + 123456789)
#define MONO_NS		(123456LL * SEC + 789)
#define UPTIME_NS	(350735LL * SEC + 470000000)
#define N_SAMPLES	200
#define N_LINK_STATS	24
#define N_QDISC_STATS	7
#define N_SOFTNET	9

struct fixture {
	char dir[64];
	char path[128];
	struct nt_host first;
};

/* A small deterministic generator (xorshift64*). */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 2685821657736338717ull;
}

/* Hosts ------------------------------------------------------------------ */

static void add_root_qdisc(struct nt_iface *ifc, const char *kind,
			   uint32_t handle)
{
	struct nt_qdisc *q = add_qdisc(ifc, kind, handle, 0xFFFFFFFF, 1);

	q->packets = 10 + handle;
}

static void add_iface(struct nt_host *h, const char *name, int ifindex,
		      enum nt_state stats_state)
{
	struct nt_iface *ifc;

	h->ifaces = xrealloc(h->ifaces, h->n_ifaces + 1, sizeof(*h->ifaces));
	ifc = &h->ifaces[h->n_ifaces++];
	*ifc = (struct nt_iface){
		.ifindex = ifindex, .speed = -1, .numa_node = -1,
		.mtu = 1500, .operstate = "up",
	};
	snprintf(ifc->name, sizeof(ifc->name), "%s", name);
	ifc->link_stats_state = stats_state;
	ifc->qdiscs_state = NT_STATE_OK;
	ifc->stats.rx_packets = 1000 + ifindex;
	ifc->stats.tx_bytes = 5000 + ifindex;
}

static void add_row(struct nt_interrupts *t, const char *id, uint64_t c0,
		    uint64_t c1)
{
	struct nt_interrupt *row;

	t->v = xrealloc(t->v, t->n + 1, sizeof(*t->v));
	row = &t->v[t->n++];
	memset(row, 0, sizeof(*row));
	snprintf(row->id, sizeof(row->id), "%s", id);
	row->irq = atoi(id);
	row->counts = xcalloc(2, sizeof(*row->counts));
	row->counts[0] = c0;
	row->counts[1] = c1;
	row->chip = xstrdup("PCI-MSIX");
	row->name = xstrdup("virtio0-input.0");
}

static void build_tables(struct nt_host *h)
{
	struct nt_softirqs *s = &h->softirqs;

	h->interrupts.ncpus = 2;
	h->interrupts.cpu_ids = xcalloc(2, sizeof(uint32_t));
	h->interrupts.cpu_ids[1] = 1;
	add_row(&h->interrupts, "24", 5, 6);
	add_row(&h->interrupts, "25", 7, 8);
	s->ncpus = 2;
	s->cpu_ids = xcalloc(2, sizeof(uint32_t));
	s->cpu_ids[1] = 1;
	s->n = 2;
	s->v = xcalloc(2, sizeof(*s->v));
	strcpy(s->v[0].name, "NET_TX");
	strcpy(s->v[1].name, "NET_RX");
	for (size_t i = 0; i < 2; i++) {
		s->v[i].counts = xcalloc(2, sizeof(uint64_t));
		s->v[i].counts[0] = 100 * i + 1;
		s->v[i].counts[1] = 100 * i + 2;
	}
}

static void build_softnet(struct nt_host *h)
{
	h->n_softnet = 2;
	h->softnet = xcalloc(2, sizeof(*h->softnet));
	for (uint32_t i = 0; i < 2; i++) {
		h->softnet[i].cpu = i;
		h->softnet[i].ncols = 13;
		h->softnet[i].processed = 1000 + i;
		h->softnet[i].dropped = i;
	}
}

static void add_wide_listener(struct nt_host *h, int family,
			      const char *addr, uint16_t port)
{
	add_listener(h, (uint8_t)family, addr, port, 0, 4096);
	h->listeners_cap = h->n_listeners;
}

/*
 * eth0 with qdiscs and driver counters, lo, and veth0 whose link counters
 * were not read (state UNKNOWN: the snapshot leaves them out) but hold
 * numbers anyway, as a sampler may write them.
 */
static void build_host(struct nt_host *h, size_t extra_ifaces)
{
	memset(h, 0, sizeof(*h));
	h->taken_ns = TAKEN_NS;
	h->mono_ns = MONO_NS;
	h->uptime_ns = UPTIME_NS;
	strcpy(h->hostname, "rec-1");
	strcpy(h->kernel, "6.1.0-28-amd64");
	strcpy(h->root, "/");
	h->sources = NT_SRC_PROCFS | NT_SRC_NETLINK | NT_SRC_DRVSTATS |
		     NT_SRC_SOCKDIAG;
	h->irqbalance = -1;
	add_iface(h, "eth0", 2, NT_STATE_OK);
	add_root_qdisc(&h->ifaces[0], "mq", 0x10000);
	add_root_qdisc(&h->ifaces[0], "fq_codel", 0x80010000);
	h->ifaces[0].driver_stats_state = NT_STATE_OK;
	assert_int_equal(nt_counters_add(&h->ifaces[0].driver_stats,
					 "rx_queue_0_drops", 3), 0);
	assert_int_equal(nt_counters_add(&h->ifaces[0].driver_stats,
					 "tx_timeout", -1), 0);
	add_iface(h, "lo", 1, NT_STATE_OK);
	add_iface(h, "veth0", 7, NT_STATE_UNKNOWN);
	for (size_t i = 0; i < extra_ifaces; i++) {
		char name[NT_NAME_LEN];

		snprintf(name, sizeof(name), "v%zu", i);
		add_iface(h, name, 100 + i, NT_STATE_OK);
		add_root_qdisc(&h->ifaces[h->n_ifaces - 1], "noqueue", 0);
	}
	build_softnet(h);
	build_tables(h);
	assert_int_equal(nt_counters_add(&h->snmp, "TcpExtListenOverflows",
					 0), 0);
	assert_int_equal(nt_counters_add(&h->snmp, "TcpMaxConn", -1), 0);
	assert_int_equal(nt_counters_add(&h->snmp, "UdpRcvbufErrors", 9), 0);
	assert_int_equal(nt_counters_add(&h->sockstat, "TCP.inuse", 3), 0);
	add_wide_listener(h, AF_INET, "0.0.0.0", 80);
	add_wide_listener(h, AF_INET6, "::1", 8080);
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	strcpy(f->dir, "/tmp/nt-record-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/rec.jsonl", f->dir);
	build_host(&f->first, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	unlink(f->path);
	rmdir(f->dir);
	nt_host_free(&f->first);
	free(f);
	return 0;
}

/* Files ------------------------------------------------------------------ */

static void spew(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* Line @n (from 1) of @path, without its newline; the caller frees. */
static char *line_of(const char *path, int n)
{
	FILE *fp = fopen(path, "r");
	char *buf = NULL;
	size_t size = 0;
	ssize_t len = -1;

	assert_non_null(fp);
	while (n-- > 0)
		len = getline(&buf, &size, fp);
	fclose(fp);
	assert_true(len > 0);
	if (buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	return buf;
}

/* The counter vector ----------------------------------------------------- */

static void test_vec_order(void **state)
{
	struct fixture *f = *state;
	struct nt_host *h = &f->first;
	struct nt_counter_vec vec;
	size_t at, want;

	assert_int_equal(nt_counter_vec_build(&vec, h), 0);
	want = 3 * N_LINK_STATS + 2 * N_QDISC_STATS + 2 +
	       2 * N_SOFTNET + 2 * 2 + 2 * 2 + 3 + 1;
	assert_int_equal(vec.n, want);
	assert_ptr_equal(vec.cell[0], &h->ifaces[0].stats.rx_packets);
	assert_ptr_equal(vec.cell[3], &h->ifaces[0].stats.tx_bytes);
	assert_ptr_equal(vec.cell[23], &h->ifaces[0].stats.rx_nohandler);
	at = N_LINK_STATS;
	assert_ptr_equal(vec.cell[at], &h->ifaces[0].qdiscs[0].bytes);
	assert_ptr_equal(vec.cell[at + 6], &h->ifaces[0].qdiscs[0].qlen);
	assert_ptr_equal(vec.cell[at + 7], &h->ifaces[0].qdiscs[1].bytes);
	at += 2 * N_QDISC_STATS;
	assert_ptr_equal(vec.cell[at],
			 (uint64_t *)&h->ifaces[0].driver_stats.v[0].value);
	assert_ptr_equal(vec.cell[at + 2], &h->ifaces[1].stats.rx_packets);
	at += 2 + 2 * N_LINK_STATS;
	assert_ptr_equal(vec.cell[at], &h->softnet[0].processed);
	assert_ptr_equal(vec.cell[at + 8], &h->softnet[0].process_qlen);
	at += 2 * N_SOFTNET;
	assert_ptr_equal(vec.cell[at], &h->interrupts.v[0].counts[0]);
	assert_ptr_equal(vec.cell[at + 3], &h->interrupts.v[1].counts[1]);
	at += 4;
	assert_ptr_equal(vec.cell[at], &h->softirqs.v[0].counts[0]);
	at += 4;
	assert_ptr_equal(vec.cell[at], (uint64_t *)&h->snmp.v[0].value);
	assert_ptr_equal(vec.cell[vec.n - 1],
			 (uint64_t *)&h->sockstat.v[0].value);
	/* a signed counter is its bits */
	assert_int_equal(*vec.cell[at + 1], UINT64_MAX);
	nt_counter_vec_free(&vec);
	assert_null(vec.cell);
	assert_int_equal(vec.n, 0);
}

/* Round trip ------------------------------------------------------------- */

/* What one sample was: the counters, the times, the listeners. */
struct expect {
	uint64_t *values;
	int64_t mono, taken, uptime;
	struct nt_listener *ls;
	size_t n_ls;
};

/* The new counters of a tick: mostly idle, some rising, a few odd ones. */
static void tick_values(uint64_t *v, size_t n, int k)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t r = rnd();

		if (r % 8 == 0)
			v[i] += r >> 40;
		else if (r % 97 == 1)
			v[i] -= (r >> 50) + 1;		/* backwards */
		else if (r % 211 == 2)
			v[i] = rnd();			/* anything */
	}
	/* one counter near the top that wraps on the next tick */
	if (k % 10 == 3)
		v[5] = UINT64_MAX - 3;
	if (k % 10 == 4)
		v[5] += 10;
	/* the change of INT64_MIN, and the largest one */
	if (k == 20)
		v[7] += 1ull << 63;
	if (k == 21)
		v[7] += INT64_MAX;
	/* a signed counter (driver stats) crossing zero */
	v[N_LINK_STATS + 2 * N_QDISC_STATS] = k % 2 ? (uint64_t)-5 : 5;
}

/* New listener sets now and then: the same, changed, more, fewer. */
static void tick_listeners(struct nt_host *h, int k)
{
	size_t n = k % 7 == 0 ? (size_t)(k % 5) : h->n_listeners;

	if (n > h->listeners_cap) {
		h->listeners = xrealloc(h->listeners, n,
					sizeof(*h->listeners));
		h->listeners_cap = n;
	}
	for (size_t i = h->n_listeners; i < n; i++) {
		memset(&h->listeners[i], 0, sizeof(h->listeners[i]));
		h->listeners[i].family = i % 2 ? AF_INET6 : AF_INET;
		snprintf(h->listeners[i].addr, sizeof(h->listeners[i].addr),
			 i % 2 ? "fe80::%zu" : "10.0.0.%zu", i);
		h->listeners[i].port = 1000 + i;
		h->listeners[i].backlog = UINT32_MAX - i;
	}
	h->n_listeners = n;
	if (n && k % 3 == 0)
		h->listeners[k % n].accept_queue = k;
}

static void set_listeners(struct nt_host *h, const struct nt_listener *v,
			  size_t n)
{
	size_t cap = h->listeners_cap > h->n_listeners ? h->listeners_cap :
							 h->n_listeners;

	if (n > cap) {
		h->listeners = xrealloc(h->listeners, n,
					sizeof(*h->listeners));
		h->listeners_cap = n;
	}
	if (n)
		memcpy(h->listeners, v, n * sizeof(*v));
	h->n_listeners = n;
}

static void assert_listeners(const struct nt_host *h,
			     const struct nt_listener *v, size_t n)
{
	assert_int_equal(h->n_listeners, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(h->listeners[i].family, v[i].family);
		assert_string_equal(h->listeners[i].addr, v[i].addr);
		assert_int_equal(h->listeners[i].port, v[i].port);
		assert_int_equal(h->listeners[i].accept_queue,
				 v[i].accept_queue);
		assert_int_equal(h->listeners[i].backlog, v[i].backlog);
	}
}

/* Record N_SAMPLES ticks from two alternating hosts; @exp gets them. */
static void record(struct fixture *f, struct expect *exp)
{
	struct nt_host h[2], truth_ls;
	struct nt_counter_vec vec[2];
	struct nt_recorder *r;
	struct nt_err err = { 0 };
	uint64_t *v;
	size_t n;

	assert_int_equal(nt_host_copy(&h[0], &f->first), 0);
	assert_int_equal(nt_host_copy(&h[1], &f->first), 0);
	assert_int_equal(nt_host_copy(&truth_ls, &f->first), 0);
	assert_int_equal(nt_counter_vec_build(&vec[0], &h[0]), 0);
	assert_int_equal(nt_counter_vec_build(&vec[1], &h[1]), 0);
	n = vec[0].n;
	v = xcalloc(n, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = *vec[0].cell[i];
	assert_int_equal(nt_recorder_open(&r, f->path, &f->first, &err), 0);
	for (int k = 0; k < N_SAMPLES; k++) {
		struct nt_host *s = &h[k % 2];
		struct expect *e = &exp[k];

		tick_values(v, n, k);
		tick_listeners(&truth_ls, k);
		for (size_t i = 0; i < n; i++)
			*vec[k % 2].cell[i] = v[i];
		set_listeners(s, truth_ls.listeners, truth_ls.n_listeners);
		s->mono_ns = MONO_NS + (k + 1) * SEC + k;
		s->taken_ns = TAKEN_NS + (k + 1) * SEC - k;
		s->uptime_ns = k == 50 ? 0 : UPTIME_NS + (k + 1) * SEC;
		assert_int_equal(nt_recorder_write(r, s, &vec[k % 2], &err), 0);
		e->values = xcalloc(n, sizeof(*v));
		memcpy(e->values, v, n * sizeof(*v));
		e->mono = s->mono_ns;
		e->taken = s->taken_ns;
		e->uptime = s->uptime_ns;
		e->n_ls = s->n_listeners;
		e->ls = xcalloc(e->n_ls + 1, sizeof(*e->ls));
		memcpy(e->ls, s->listeners, e->n_ls * sizeof(*e->ls));
	}
	assert_int_equal(nt_recorder_close(r, &err), 0);
	free(v);
	nt_counter_vec_free(&vec[0]);
	nt_counter_vec_free(&vec[1]);
	nt_host_free(&h[0]);
	nt_host_free(&h[1]);
	nt_host_free(&truth_ls);
}

static void test_round_trip(void **state)
{
	struct fixture *f = *state;
	struct expect *exp = xcalloc(N_SAMPLES, sizeof(*exp));
	struct nt_host first = { 0 }, h[2];
	struct nt_counter_vec vec[2];
	struct nt_replay *p;
	struct nt_err err = { 0 };
	char *head;

	/* the unread counters of veth0 are in the vector, not the snapshot */
	f->first.ifaces[2].stats.rx_packets = 77;
	record(f, exp);
	head = line_of(f->path, 1);
	assert_int_equal(strncmp(head, "{\"nettune_recording\":1,\"host\":{",
				 31), 0);
	assert_null(strchr(head, '\n'));
	free(head);

	assert_int_equal(nt_replay_open(&p, f->path, &first, &err), 0);
	assert_string_equal(first.hostname, "rec-1");
	assert_int_equal(first.n_ifaces, 3);
	assert_int_equal(first.uptime_ns, UPTIME_NS);
	assert_int_equal(first.ifaces[0].stats.rx_packets, 1002);
	assert_int_equal(first.ifaces[0].driver_stats.v[1].value, -1);
	assert_listeners(&first, f->first.listeners, f->first.n_listeners);
	assert_int_equal(nt_host_copy(&h[0], &first), 0);
	assert_int_equal(nt_host_copy(&h[1], &first), 0);
	assert_int_equal(nt_counter_vec_build(&vec[0], &h[0]), 0);
	assert_int_equal(nt_counter_vec_build(&vec[1], &h[1]), 0);
	for (int k = 0; k < N_SAMPLES; k++) {
		struct nt_host *s = &h[k % 2];
		const struct expect *e = &exp[k];

		assert_int_equal(nt_replay_next(p, s, &vec[k % 2], &err), 1);
		for (size_t i = 0; i < vec[0].n; i++)
			assert_int_equal(*vec[k % 2].cell[i], e->values[i]);
		assert_int_equal(s->mono_ns, e->mono);
		assert_int_equal(s->taken_ns, e->taken);
		assert_int_equal(s->uptime_ns, e->uptime);
		assert_listeners(s, e->ls, e->n_ls);
		free(e->values);
		free(e->ls);
	}
	assert_int_equal(nt_replay_next(p, &h[0], &vec[0], &err), 0);
	assert_int_equal(nt_replay_next(p, &h[0], &vec[0], &err), 0);
	assert_int_equal(err.code, 0);
	nt_replay_close(p);
	nt_counter_vec_free(&vec[0]);
	nt_counter_vec_free(&vec[1]);
	nt_host_free(&h[0]);
	nt_host_free(&h[1]);
	nt_host_free(&first);
	free(exp);
}

/* A host of another shape is refused, not half written. */
static void test_wrong_shape(void **state)
{
	struct fixture *f = *state;
	struct nt_host other;
	struct nt_counter_vec vec;
	struct nt_recorder *r;
	struct nt_err err = { 0 };

	build_host(&other, 1);
	assert_int_equal(nt_counter_vec_build(&vec, &other), 0);
	assert_int_equal(nt_recorder_open(&r, f->path, &f->first, &err), 0);
	assert_int_equal(nt_recorder_write(r, &other, &vec, &err), -EINVAL);
	assert_non_null(strstr(err.msg, f->path));
	assert_int_equal(nt_recorder_close(r, NULL), 0);
	nt_counter_vec_free(&vec);
	nt_host_free(&other);
}

/* An idle tick costs a short line whatever the size of the host. */
static void test_idle_line_short(void **state)
{
	struct fixture *f = *state;
	struct nt_host big, h;
	struct nt_counter_vec vec;
	struct nt_recorder *r;
	struct nt_err err = { 0 };
	char *line;

	build_host(&big, 500);
	/* unread counters are 0, as a look leaves them */
	memset(&big.ifaces[2].stats, 0, sizeof(big.ifaces[2].stats));
	assert_int_equal(nt_host_copy(&h, &big), 0);
	assert_int_equal(nt_counter_vec_build(&vec, &h), 0);
	assert_true(vec.n > 500 * (N_LINK_STATS + N_QDISC_STATS));
	assert_int_equal(nt_recorder_open(&r, f->path, &big, &err), 0);
	for (int k = 1; k <= 3; k++) {
		h.mono_ns = MONO_NS + k * SEC;
		h.taken_ns = TAKEN_NS + k * SEC;
		h.uptime_ns = UPTIME_NS + k * SEC;
		assert_int_equal(nt_recorder_write(r, &h, &vec, &err), 0);
	}
	assert_int_equal(nt_recorder_close(r, &err), 0);
	for (int k = 2; k <= 4; k++) {
		line = line_of(f->path, k);
		if (strlen(line) >= 80)
			fail_msg("line %d: %s", k, line);
		assert_non_null(strstr(line, "\"d\":[]"));
		assert_null(strstr(line, "\"L\""));
		free(line);
	}
	nt_counter_vec_free(&vec);
	nt_host_free(&h);
	nt_host_free(&big);
}

/* Malformed files -------------------------------------------------------- */

/* A valid first line, from a recording of the fixture's host. */
static char *valid_head(struct fixture *f)
{
	struct nt_recorder *r;
	struct nt_err err = { 0 };

	assert_int_equal(nt_recorder_open(&r, f->path, &f->first, &err), 0);
	assert_int_equal(nt_recorder_close(r, &err), 0);
	return line_of(f->path, 1);
}

/* Replay @text to its end; the first error, with what it must say. */
static void expect_bad(struct fixture *f, const char *text, int line,
		       const char *what)
{
	struct nt_host first = { 0 }, h;
	struct nt_counter_vec vec;
	struct nt_replay *p;
	struct nt_err err = { 0 };
	char where[160];
	int ret;

	spew(f->path, text);
	snprintf(where, sizeof(where), "%s:%d: ", f->path, line);
	ret = nt_replay_open(&p, f->path, &first, &err);
	if (!ret) {
		assert_int_equal(nt_host_copy(&h, &first), 0);
		assert_int_equal(nt_counter_vec_build(&vec, &h), 0);
		while ((ret = nt_replay_next(p, &h, &vec, &err)) == 1)
			;
		nt_counter_vec_free(&vec);
		nt_host_free(&h);
		nt_replay_close(p);
	} else {
		/* a failed open leaves nothing to free */
		assert_int_equal(first.n_ifaces, 0);
		assert_null(first.ifaces);
	}
	nt_host_free(&first);
	if (ret != -EINVAL || strncmp(err.msg, where, strlen(where)) ||
	    !strstr(err.msg, what))
		fail_msg("%s: got %d \"%s\", want \"%s...%s\"", text, ret,
			 err.msg, where, what);
}

static void test_bad_first_line(void **state)
{
	struct fixture *f = *state;
	char *head = valid_head(f), *text;
	size_t len = strlen(head) + 64;

	text = xcalloc(1, len);
	expect_bad(f, "", 1, "empty");
	expect_bad(f, "\n", 1, "empty");
	expect_bad(f, "nettune\n", 1, "not valid JSON");
	expect_bad(f, "[1]\n", 1, "expected an object");
	expect_bad(f, "{\"host\":{}}\n", 1, "not a nettune recording");
	expect_bad(f, "{\"nettune_recording\":\"1\",\"host\":{}}\n", 1,
		   "expected an integer");
	expect_bad(f, "{\"nettune_recording\":1,\"host\":{},\"x\":1}\n", 1,
		   "unknown member \"x\"");
	expect_bad(f, "{\"nettune_recording\":1,\"host\":[]}\n", 1,
		   "\"host\"");
	expect_bad(f, "{\"nettune_recording\":1,\"host\":{}}\n", 1,
		   "host: ");
	/* the wrong version */
	snprintf(text, len, "{\"nettune_recording\":2%s\n", head + 22);
	expect_bad(f, text, 1, "version 2");
	/* a first line cut short */
	snprintf(text, len, "%.*s", (int)strlen(head) / 2, head);
	expect_bad(f, text, 1, "not valid JSON");
	free(text);
	free(head);
}

static void test_bad_sample_lines(void **state)
{
	static const struct {
		const char *lines;	/* after the head */
		int line;
		const char *what;
	} bad[] = {
		{ "{\"t\":1,\"w\":2,\"u\":3,\"d\":[1,", 2, "not valid JSON" },
		{ "{\"t\":1,\"w\":2,\"u\":3,\"d\":[1,5]}\n{\"t\":1,", 3,
		  "not valid JSON" },
		{ "{\"t\":1,\"w\":2,\"u\":3,\"d\":[1]}\n", 2, "odd length 1" },
		{ "{\"t\":1,\"w\":2,\"u\":3,\"d\":[1,2,3]}\n", 2, "odd" },
		{ "{\"t\":1,\"w\":2,\"u\":3,\"d\":[0,2]}\n", 2, "\"d\"[0]" },
		{ "{\"t\":1,\"w\":2,\"u\":3,\"d\":[-1,2]}\n", 2, "\"d\"[0]" },
		{ "{\"t\":1,\"w\":2,\"u\":3,\"d\":[1,2,119,1]}\n", 2,
		  "gap 119 runs past the 118 counters" },
		{ "{\"t\":1,\"w\":2,\"u\":3,\"d\":[119,1]}\n", 2, "runs past" },
		{ "{\"t\":1,\"w\":2,\"u\":3,\"d\":[118,1,1,1]}\n", 2,
		  "runs past" },
		{ "{\"t\":1,\"w\":2,\"u\":3,\"d\":[1,1.5]}\n", 2, "\"d\"[1]" },
		{ "{\"t\":1,\"w\":2,\"u\":3,\"d\":[1,9223372036854775808]}\n",
		  2, "\"d\"[1]" },
		{ "{\"t\":1,\"w\":2,\"u\":3,\"d\":{}}\n", 2, "\"d\": expected" },
		{ "{\"t\":\"1\",\"w\":2,\"u\":3,\"d\":[]}\n", 2, "\"t\"" },
		{ "{\"t\":1,\"w\":null,\"u\":3,\"d\":[]}\n", 2, "\"w\"" },
		{ "{\"t\":1,\"w\":2,\"u\":-3,\"d\":[]}\n", 2, "\"u\"" },
		{ "{\"t\":1,\"w\":2,\"d\":[]}\n", 2, "missing \"u\"" },
		{ "{\"t\":1,\"w\":2,\"u\":3}\n", 2, "missing \"d\"" },
		{ "{\"t\":1,\"w\":2,\"u\":3,\"d\":[],\"x\":0}\n", 2,
		  "unknown member \"x\"" },
		{ "[]\n", 2, "expected an object" },
		{ "{\"t\":1,\"w\":2,\"u\":3,\"d\":[],\"L\":{}}\n", 2,
		  "\"L\": expected" },
		{ "{\"t\":1,\"w\":2,\"u\":3,\"d\":[],\"L\":[[4,\"a\",1,2]]}\n",
		  2, "\"L\"[0]" },
		{ "{\"t\":1,\"w\":2,\"u\":3,\"d\":[],\"L\":[[5,\"a\",1,2,3]]}\n",
		  2, "\"L\"[0]" },
		{ "{\"t\":1,\"w\":2,\"u\":3,\"d\":[],\"L\":[[4,\"a\",65536,2,3]]}\n",
		  2, "\"L\"[0]" },
		{ "{\"t\":1,\"w\":2,\"u\":3,\"d\":[],\"L\":[[4,1,1,2,3]]}\n",
		  2, "\"L\"[0]" },
		{ "{\"t\":1,\"w\":2,\"u\":3,\"d\":[],\"L\":[[4,\"a\",1,2,3],[6,\"012345678901234567890123456789012345678901234567\",1,2,3]]}\n",
		  2, "\"L\"[1]" },
		{ "{\"t\":1,\"w\":2,\"u\":3,\"d\":[],\"L\":[[4,\"a\",1,4294967296,3]]}\n",
		  2, "\"L\"[0]" },
		{ "{\"t\":1,\"w\":2,\"u\":3,\"d\":[]}\n\n{\"t\":1,\"w\":2,\"u\":3,\"d\":[]}\n",
		  3, "empty line" },
	};
	struct fixture *f = *state;
	char *head = valid_head(f);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = strlen(head) + strlen(bad[i].lines) + 2;
		char *text = xcalloc(1, len);

		snprintf(text, len, "%s\n%s", head, bad[i].lines);
		expect_bad(f, text, bad[i].line, bad[i].what);
		free(text);
	}
	free(head);
}

/* Good text the recorder does not write but a replay accepts. */
static void test_good_endings(void **state)
{
	static const char *const tails[] = {
		"",
		"{\"t\":1,\"w\":2,\"u\":3,\"d\":[118,-1]}\n",
		"{\"t\":1,\"w\":2,\"u\":3,\"d\":[118,-1]}",	/* no newline */
		"{\"t\":1,\"w\":2,\"u\":3,\"d\":[118,-1]}\n\n\n",
		"{\"d\":[1,1,117,-1],\"u\":0,\"w\":-2,\"t\":1,\"L\":[]}\n",
	};
	struct fixture *f = *state;
	char *head = valid_head(f);

	for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		size_t len = strlen(head) + strlen(tails[i]) + 2;
		char *text = xcalloc(1, len);
		struct nt_host first = { 0 }, h;
		struct nt_counter_vec vec;
		struct nt_replay *p;
		struct nt_err err = { 0 };

		snprintf(text, len, "%s\n%s", head, tails[i]);
		spew(f->path, text);
		assert_int_equal(nt_replay_open(&p, f->path, &first, &err), 0);
		assert_int_equal(nt_host_copy(&h, &first), 0);
		assert_int_equal(nt_counter_vec_build(&vec, &h), 0);
		assert_int_equal(vec.n, 118);
		if (i) {
			assert_int_equal(nt_replay_next(p, &h, &vec, &err),
					 1);
			assert_int_equal(h.sockstat.v[0].value, 2);
			assert_int_equal(h.uptime_ns, i == 4 ? 0 : 3);
			assert_int_equal(h.n_listeners, i == 4 ? 0 : 2);
		}
		assert_int_equal(nt_replay_next(p, &h, &vec, &err), 0);
		assert_int_equal(err.code, 0);
		nt_counter_vec_free(&vec);
		nt_host_free(&h);
		nt_host_free(&first);
		nt_replay_close(p);
		free(text);
	}
	free(head);
}

static void test_cannot_open(void **state)
{
	struct fixture *f = *state;
	struct nt_host first = { 0 };
	struct nt_recorder *r = (void *)1;
	struct nt_replay *p = (void *)1;
	struct nt_err err = { 0 };
	char path[160];

	snprintf(path, sizeof(path), "%s/no/such.jsonl", f->dir);
	assert_int_equal(nt_recorder_open(&r, path, &f->first, &err),
			 -ENOENT);
	assert_null(r);
	assert_non_null(strstr(err.msg, path));
	nt_err_clear(&err);
	assert_int_equal(nt_replay_open(&p, path, &first, &err), -ENOENT);
	assert_null(p);
	assert_non_null(strstr(err.msg, path));
	assert_int_equal(nt_recorder_close(NULL, &err), 0);
	nt_replay_close(NULL);
	/* a full disk */
	nt_err_clear(&err);
	assert_int_equal(nt_recorder_open(&r, "/dev/full", &f->first, &err),
			 -ENOSPC);
	assert_null(r);
	assert_non_null(strstr(err.msg, "/dev/full: "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vec_order, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_round_trip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_wrong_shape, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_idle_line_short, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_first_line, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_sample_lines, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_good_endings, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cannot_open, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("record", tests, NULL, NULL);
}
