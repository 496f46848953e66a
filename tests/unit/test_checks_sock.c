// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The tcp, udp, conntrack and config checks on hosts built here and on
 * real /proc/net/snmp captures ($NT_FIXTURES/real-hosts/proc_net_snmp).
 * Every run also checks what every finding owes its reader: an id of its
 * check, a subject, a summary that was not cut short, a fix that changes
 * something.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "audit/audit.h"
#include "audit/checks.h"
#include "sample/rate.h"
#include "sys/procfs.h"
#include "testlib.h"

#include "util/array.h"
#define MIB (1024 * 1024)

struct env {
	struct nt_host prev, cur;
	struct nt_findings f;
};

static const struct {
	const char *prefix;
	nt_check_fn run;
} checks[] = {
	{ "tcp", nt_check_tcp },
	{ "udp", nt_check_udp },
	{ "conntrack", nt_check_conntrack },
	{ "config", nt_check_config },
};

/* building hosts ---------------------------------------------------------- */

static void set_sysctl(struct nt_host *h, const char *name, const char *value)
{
	struct nt_sysctl *v;

	for (size_t i = 0; i < h->n_sysctls; i++) {
		if (!strcmp(h->sysctls[i].name, name)) {
			free(h->sysctls[i].value);
			h->sysctls[i].value = strdup(value);
			return;
		}
	}
	v = realloc(h->sysctls, (h->n_sysctls + 1) * sizeof(*v));
	assert_non_null(v);
	h->sysctls = v;
	v[h->n_sysctls].name = strdup(name);
	v[h->n_sysctls].value = strdup(value);
	h->n_sysctls++;
}

static void set_sysctl_u(struct nt_host *h, const char *name, uint64_t value)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)value);
	set_sysctl(h, name, buf);
}

/* Sets an existing counter, else appends it. */
static void set_counter(struct nt_counters *c, const char *name, int64_t v)
{
	for (size_t i = 0; i < c->n; i++) {
		if (!strcmp(c->v[i].name, name)) {
			c->v[i].value = v;
			return;
		}
	}
	assert_int_equal(nt_counters_add(c, name, v), 0);
}

/* A counter at @before in prev and @after in cur. */
static void counter(struct env *e, const char *name, int64_t before,
		    int64_t after)
{
	set_counter(&e->prev.snmp, name, before);
	set_counter(&e->cur.snmp, name, after);
}

static void sock(struct nt_host *h, const char *name, int64_t v)
{
	set_counter(&h->sockstat, name, v);
}

static void listener(struct nt_host *h, uint16_t port, uint32_t queue,
		     uint32_t backlog)
{
	struct nt_listener *v;

	v = realloc(h->listeners, (h->n_listeners + 1) * sizeof(*v));
	assert_non_null(v);
	h->listeners = v;
	memset(&v[h->n_listeners], 0, sizeof(*v));
	v[h->n_listeners].family = 2;
	snprintf(v[h->n_listeners].addr, sizeof(v->addr), "0.0.0.0");
	v[h->n_listeners].port = port;
	v[h->n_listeners].accept_queue = queue;
	v[h->n_listeners].backlog = backlog;
	h->n_listeners++;
	h->sources |= NT_SRC_SOCKDIAG;
}

/* Debian 12's defaults, more or less: nothing wrong with a quiet host. */
static void defaults(struct nt_host *h)
{
	snprintf(h->kernel, sizeof(h->kernel), "6.1.0-18-amd64");
	h->irqbalance = 0;
	h->sources = NT_SRC_PROCFS;
	set_sysctl(h, "net.core.somaxconn", "4096");
	set_sysctl(h, "net.ipv4.tcp_max_syn_backlog", "8192");
	set_sysctl(h, "net.core.rmem_default", "212992");
	set_sysctl(h, "net.core.rmem_max", "6291456");
	set_sysctl(h, "net.core.wmem_default", "212992");
	set_sysctl(h, "net.core.wmem_max", "4194304");
	set_sysctl(h, "net.ipv4.tcp_rmem", "4096 131072 6291456");
	set_sysctl(h, "net.ipv4.tcp_wmem", "4096 16384 4194304");
	set_sysctl(h, "net.ipv4.tcp_mem", "188319 251092 376638");
	set_sysctl(h, "net.ipv4.udp_mem", "376638 502185 753276");
	set_sysctl(h, "net.ipv4.tcp_max_tw_buckets", "262144");
	set_sysctl(h, "net.ipv4.tcp_tw_reuse", "2");
	set_sysctl(h, "net.ipv4.ip_local_port_range", "32768 60999");
	set_sysctl(h, "net.ipv4.tcp_moderate_rcvbuf", "1");
	set_sysctl(h, "net.ipv4.tcp_congestion_control", "cubic");
	set_sysctl(h, "net.ipv4.tcp_available_congestion_control",
		   "reno cubic");
	set_sysctl(h, "net.core.default_qdisc", "fq_codel");
	sock(h, "TCP.inuse", 40);
	sock(h, "TCP.tw", 12);
	sock(h, "TCP.mem", 30);
	sock(h, "UDP.mem", 5);
}

static void both(struct env *e, const char *name, const char *value)
{
	set_sysctl(&e->prev, name, value);
	set_sysctl(&e->cur, name, value);
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	if (!e)
		return -1;
	defaults(&e->prev);
	defaults(&e->cur);
	e->cur.mono_ns = 1000000000;
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	nt_host_free(&e->prev);
	nt_host_free(&e->cur);
	nt_findings_free(&e->f);
	free(e);
	return 0;
}

/* running and inspecting -------------------------------------------------- */

static void check_finding(const struct nt_finding *fd, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(fd->id, prefix, n) || fd->id[n] != '.')
		fail_msg("%s: not an id of check %s", fd->id, prefix);
	if (fd->severity < NT_SEV_INFO || fd->severity > NT_SEV_CRITICAL)
		fail_msg("%s: severity %d", fd->id, fd->severity);
	if (!fd->subject[0])
		fail_msg("%s: no subject", fd->id);
	if (strlen(fd->summary) < 20 ||
	    strlen(fd->summary) >= sizeof(fd->summary) - 1)
		fail_msg("%s: summary missing or cut: \"%s\"", fd->id,
			 fd->summary);
	for (size_t i = 0; i < fd->n_fix; i++) {
		const struct nt_change *c = &fd->fix[i];

		if (!c->knob[0] || !c->subject[0] || !c->target[0] ||
		    !strcmp(c->current, c->target))
			fail_msg("%s: fix %s %s: \"%s\" -> \"%s\"", fd->id,
				 c->knob, c->subject, c->current, c->target);
	}
}

/* Run one check (by id prefix); @with_prev false is --interval 0. */
static struct nt_findings *run(struct env *e, const char *prefix,
			       bool with_prev)
{
	struct nt_audit_input in = {
		.prev = with_prev ? &e->prev : NULL,
		.cur = &e->cur,
		.seconds = with_prev ? 1.0 : 0,
	};
	size_t i;

	nt_findings_free(&e->f);
	for (i = 0; i < ARRAY_SIZE(checks); i++)
		if (!strcmp(checks[i].prefix, prefix))
			break;
	assert_true(i < ARRAY_SIZE(checks));
	assert_int_equal(checks[i].run(&in, &e->f), 0);
	for (size_t j = 0; j < e->f.n; j++)
		check_finding(&e->f.v[j], prefix);
	return &e->f;
}

/* All four checks, appended into one list. */
static struct nt_findings *run_all(struct env *e, bool with_prev)
{
	struct nt_audit_input in = {
		.prev = with_prev ? &e->prev : NULL,
		.cur = &e->cur,
		.seconds = with_prev ? 1.0 : 0,
	};

	nt_findings_free(&e->f);
	for (size_t i = 0; i < ARRAY_SIZE(checks); i++) {
		size_t n0 = e->f.n;

		assert_int_equal(checks[i].run(&in, &e->f), 0);
		for (size_t j = n0; j < e->f.n; j++)
			check_finding(&e->f.v[j], checks[i].prefix);
	}
	return &e->f;
}

/* The bad settings of the quiet-host tests. */
static void bad_sysctls(struct env *e)
{
	both(e, "net.core.somaxconn", "128");
	both(e, "net.core.rmem_max", "4096");
	both(e, "net.core.wmem_max", "4096");
	both(e, "net.ipv4.tcp_moderate_rcvbuf", "0");
	both(e, "net.ipv4.tcp_congestion_control", "reno");
	both(e, "net.ipv4.tcp_available_congestion_control",
	     "reno bbr cubic");
	both(e, "net.ipv4.ip_local_port_range", "60000 61000");
	both(e, "net.ipv4.tcp_max_tw_buckets", "1024");
	both(e, "net.ipv4.tcp_tw_reuse", "0");
	both(e, "net.netfilter.nf_conntrack_count", "100");
	both(e, "net.netfilter.nf_conntrack_max", "65536");
}

/* Old drops of every kind, the same in both looks. */
static void old_drops(struct env *e)
{
	static const char *const names[] = {
		"TcpExtListenOverflows", "TcpExtListenDrops",
		"TcpExtRcvPruned", "TcpExtPruneCalled",
		"TcpExtTCPBacklogDrop", "TcpExtTCPMemoryPressures",
		"TcpExtTCPTimeWaitOverflow", "UdpRcvbufErrors",
		"UdpSndbufErrors", "UdpInCsumErrors", "UdpNoPorts",
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		counter(e, names[i], 5000, 5000);
	counter(e, "TcpOutSegs", 1000000, 1000000);
	counter(e, "TcpRetransSegs", 100, 100);
}

/* quiet hosts ------------------------------------------------------------- */

static void test_quiet_host_bad_sysctls_only_info(void **state)
{
	struct env *e = *state;
	const struct nt_findings *f;

	bad_sysctls(e);
	old_drops(e);
	f = run_all(e, true);
	assert_int_equal(nt_audit_worst(f), NT_SEV_INFO);
	/* The settings are reported, as what they are. */
	need_finding(f, "config.somaxconn_low", "net.core.somaxconn");
	need_finding(f, "config.moderate_rcvbuf_off", NULL);
	need_finding(f, "config.congestion_control", NULL);
	need_finding(f, "config.rmem_max_below_tcp_rmem", "net.core.rmem_max");
	need_finding(f, "config.wmem_max_below_tcp_wmem", "net.core.wmem_max");
	/* Few connections: a narrow range hurts nobody; table nearly empty. */
	assert_null(find_finding(f, "tcp.port_range_narrow", NULL));
	assert_null(find_finding(f, "conntrack.table_full", NULL));
	/* Old totals say so and name the interval. */
	assert_non_null(strstr(need_finding(f, "udp.rcvbuf_errors",
					    "udp")->summary,
			       "none in the last 1.0 s"));
	/* Datagrams to closed ports that stopped: not worth a line. */
	assert_null(find_finding(f, "udp.no_ports", NULL));
}

static void test_quiet_default_host_nothing(void **state)
{
	struct env *e = *state;

	counter(e, "TcpOutSegs", 1000000, 1001000);
	counter(e, "TcpRetransSegs", 10, 10);
	counter(e, "UdpRcvbufErrors", 0, 0);
	assert_int_equal(run_all(e, true)->n, 0);
	assert_int_equal(run_all(e, false)->n, 0);
}

static void test_no_prev_at_most_info(void **state)
{
	struct env *e = *state;
	const struct nt_findings *f;

	old_drops(e);
	counter(e, "TcpExtListenOverflows", 0, 900000);
	counter(e, "UdpRcvbufErrors", 0, 900000);
	counter(e, "TcpExtTCPAbortOnMemory", 0, 900000);
	f = run_all(e, false);
	assert_int_equal(nt_audit_worst(f), NT_SEV_INFO);
	assert_non_null(strstr(need_finding(f, "tcp.listen_overflows",
					    "tcp")->summary,
			       "look again with an interval"));
	assert_int_equal(evidence(need_finding(f, "udp.rcvbuf_errors", "udp"),
				  "rcvbuf_errors_total"), 900000);
	need_finding(f, "tcp.memory_pressure", "tcp");
	/* No rate without an interval, so no rate evidence either. */
	for (size_t i = 0; i < f->n; i++)
		for (size_t j = 0; j < f->v[i].n_evidence; j++)
			assert_null(strstr(f->v[i].evidence[j].name,
					   "_per_s"));
}

/* tcp.listen_overflows, tcp.accept_queue_full ----------------------------- */

static void test_listen_overflows_rising_warning(void **state)
{
	struct env *e = *state;
	const struct nt_finding *fd;

	counter(e, "TcpExtListenOverflows", 1000, 1035);
	counter(e, "TcpExtListenDrops", 1000, 1035);
	both(e, "net.core.somaxconn", "4096");
	fd = need_finding(run(e, "tcp", true), "tcp.listen_overflows", "tcp");
	assert_int_equal(fd->severity, NT_SEV_WARNING);
	assert_true(evidence(fd, "listen_overflows_per_s") == 35);
	assert_true(evidence(fd, "listen_drops_per_s") == 35);
	assert_true(evidence(fd, "listen_overflows_total") == 1035);
	assert_true(evidence(fd, "somaxconn") == 4096);
	assert_non_null(strstr(fd->summary, "35/s"));
	assert_fix(fd, "sysctl", "net.core.somaxconn", "4096", "8192");
	assert_fix(fd, "app.listen_backlog", "tcp", "", "8192");
	/* The SYN queue already holds what the new accept queue can. */
	assert_null(fix_of(fd, "sysctl", "net.ipv4.tcp_max_syn_backlog"));
}

static void test_listen_overflows_critical(void **state)
{
	struct env *e = *state;

	counter(e, "TcpExtListenOverflows", 1000, 1100);
	assert_int_equal(need_finding(run(e, "tcp", true),
				      "tcp.listen_overflows", "tcp")->severity,
			 NT_SEV_CRITICAL);
	counter(e, "TcpExtListenOverflows", 1000, 1099);
	assert_int_equal(need_finding(run(e, "tcp", true),
				      "tcp.listen_overflows", "tcp")->severity,
			 NT_SEV_WARNING);
}

static void test_listen_overflows_names_full_listener(void **state)
{
	struct env *e = *state;
	const struct nt_findings *f;
	const struct nt_finding *fd;

	counter(e, "TcpExtListenOverflows", 1000, 1035);
	both(e, "net.core.somaxconn", "128");
	both(e, "net.ipv4.tcp_max_syn_backlog", "128");
	listener(&e->cur, 22, 0, 128);
	/* SO_REUSEPORT: three sockets, two nearly full; named once. */
	listener(&e->cur, 8080, 120, 128);
	listener(&e->cur, 8080, 129, 128);
	listener(&e->cur, 8080, 12, 128);
	f = run(e, "tcp", true);
	assert_int_equal(count_id(f, "tcp.listen_overflows"), 1);
	assert_null(find_finding(f, "tcp.accept_queue_full", NULL));
	fd = need_finding(f, "tcp.listen_overflows", "tcp :8080");
	/* A rate of 35/s is a warning; the queue full to the brim, more. */
	assert_int_equal(fd->severity, NT_SEV_CRITICAL);
	assert_true(evidence(fd, "accept_queue") == 129);
	assert_true(evidence(fd, "backlog") == 128);
	assert_non_null(strstr(fd->summary, "Port 8080's accept queue is "
					    "full (129 waiting, backlog 128)"));
	assert_non_null(strstr(fd->summary, "listen()"));
	assert_fix(fd, "sysctl", "net.core.somaxconn", "128", "4096");
	assert_fix(fd, "sysctl", "net.ipv4.tcp_max_syn_backlog", "128", "8192");
	assert_fix(fd, "app.listen_backlog", "tcp :8080", "128", "4096");
}

static void test_listen_overflows_nearly_full_listener(void **state)
{
	struct env *e = *state;
	const struct nt_finding *fd;

	counter(e, "TcpExtListenOverflows", 1000, 1002);
	both(e, "net.core.somaxconn", "512");
	listener(&e->cur, 443, 460, 512);		/* 90 % */
	fd = need_finding(run(e, "tcp", true), "tcp.listen_overflows",
			  "tcp :443");
	assert_int_equal(fd->severity, NT_SEV_WARNING);
	assert_non_null(strstr(fd->summary, "is nearly full (460 waiting, "
					    "backlog 512)"));
	assert_non_null(strstr(fd->summary, "drops 2.0 connections/s"));
	assert_fix(fd, "sysctl", "net.core.somaxconn", "512", "4096");
	assert_fix(fd, "app.listen_backlog", "tcp :443", "512", "4096");
}

static void test_listen_overflows_app_backlog_below_somaxconn(void **state)
{
	struct env *e = *state;
	const struct nt_finding *fd;

	counter(e, "TcpExtListenOverflows", 1000, 1005);
	listener(&e->cur, 9000, 100, 100);
	fd = need_finding(run(e, "tcp", true), "tcp.listen_overflows",
			  "tcp :9000");
	/* somaxconn 4096 did not cap listen(100): only the app can help. */
	assert_null(fix_of(fd, "sysctl", "net.core.somaxconn"));
	assert_fix(fd, "app.listen_backlog", "tcp :9000", "100", "4096");
	assert_non_null(strstr(fd->summary, "somaxconn allows 4096"));
}

static void test_listen_overflows_none_identified(void **state)
{
	struct env *e = *state;
	const struct nt_findings *f;

	counter(e, "TcpExtListenOverflows", 1000, 1035);
	listener(&e->cur, 8080, 10, 128);
	f = run(e, "tcp", true);
	need_finding(f, "tcp.listen_overflows", "tcp");
	assert_int_equal(f->n, 1);
	/* Without sock_diag the listeners are not known, however filled. */
	e->cur.listeners[0].accept_queue = 128;
	e->cur.sources &= ~NT_SRC_SOCKDIAG;
	need_finding(run(e, "tcp", true), "tcp.listen_overflows", "tcp");
}

static void test_counter_backwards_nothing(void **state)
{
	struct env *e = *state;
	const struct nt_findings *f;

	counter(e, "TcpExtListenOverflows", 100000, 10);
	counter(e, "TcpExtTCPBacklogDrop", 100000, 10);
	counter(e, "UdpRcvbufErrors", 100000, 10);
	counter(e, "TcpOutSegs", 100000000, 1000);
	counter(e, "TcpRetransSegs", 100000, 900);
	f = run(e, "tcp", true);
	assert_int_equal(f->n, 0);
	assert_int_equal(run(e, "udp", true)->n, 0);
}

/* What the checks build on: a rise, and a counter that went down. */
static void test_counter_delta_backwards(void **state)
{
	struct env *e = *state;
	int64_t total;
	double rate;
	bool back;

	counter(e, "TcpExtListenOverflows", 100, 150);
	counter(e, "TcpExtTCPBacklogDrop", 100, 10);
	assert_true(nt_counter_delta(&e->prev.snmp, &e->cur.snmp,
				     "TcpExtListenOverflows", 2.0, &total,
				     &rate, &back));
	assert_int_equal(total, 150);
	assert_true(rate == 25);
	assert_false(back);
	assert_true(nt_counter_delta(&e->prev.snmp, &e->cur.snmp,
				     "TcpExtTCPBacklogDrop", 2.0, &total,
				     &rate, &back));
	assert_int_equal(total, 10);
	assert_true(rate == 0);
	assert_true(back);
	/* No earlier look: a total, no rate, nothing went down. */
	assert_true(nt_counter_delta(NULL, &e->cur.snmp,
				     "TcpExtTCPBacklogDrop", 0, &total, &rate,
				     &back));
	assert_int_equal(total, 10);
	assert_true(rate == 0);
	assert_false(back);
	assert_false(nt_counter_delta(&e->prev.snmp, &e->cur.snmp,
				      "TcpExtNoSuchCounter", 2.0, &total,
				      &rate, &back));
}

static void test_accept_queue_full_level(void **state)
{
	struct env *e = *state;
	const struct nt_findings *f;
	const struct nt_finding *fd;

	listener(&e->cur, 80, 90, 100);
	listener(&e->cur, 443, 97, 100);
	listener(&e->cur, 443, 97, 100);	/* its IPv6 twin, as full */
	listener(&e->cur, 8443, 80, 100);
	listener(&e->cur, 25, 0, 0);
	listener(&e->cur, 26, 1, 0);	/* listen(fd, 0) admits one */
	f = run(e, "tcp", false);
	fd = need_finding(f, "tcp.accept_queue_full", "tcp :80");
	assert_int_equal(fd->severity, NT_SEV_WARNING);
	assert_true(evidence(fd, "percent_full") == 90);
	assert_fix(fd, "app.listen_backlog", "tcp :80", "100", "4096");
	assert_int_equal(need_finding(f, "tcp.accept_queue_full",
				      "tcp :443")->severity, NT_SEV_CRITICAL);
	assert_null(find_finding(f, "tcp.accept_queue_full", "tcp :8443"));
	assert_null(find_finding(f, "tcp.accept_queue_full", "tcp :25"));
	assert_int_equal(need_finding(f, "tcp.accept_queue_full",
				      "tcp :26")->severity, NT_SEV_CRITICAL);
	assert_null(find_finding(f, "tcp.listen_overflows", NULL));
	assert_int_equal(f->n, 3);
}

/* tcp buffers, memory, TIME-WAIT, ports, retransmits ----------------------- */

static void test_rcvq_prune(void **state)
{
	struct env *e = *state;
	const struct nt_finding *fd;

	both(e, "net.core.rmem_max", "212992");
	counter(e, "TcpExtRcvPruned", 10, 60);
	counter(e, "TcpExtPruneCalled", 10, 30);
	fd = need_finding(run(e, "tcp", true), "tcp.rcvq_prune", "tcp");
	assert_int_equal(fd->severity, NT_SEV_WARNING);
	assert_true(evidence(fd, "rcvq_dropped_per_s") == 50);
	assert_fix(fd, "sysctl", "net.ipv4.tcp_rmem", "4096 131072 6291456",
		   "4096 131072 12582912");
	assert_fix(fd, "sysctl", "net.core.rmem_max", "212992", "12582912");
	assert_non_null(strstr(fd->summary, "SO_RCVBUF"));

	counter(e, "TcpExtTCPRcvQDrop", 0, 500);
	assert_int_equal(need_finding(run(e, "tcp", true), "tcp.rcvq_prune",
				      "tcp")->severity, NT_SEV_CRITICAL);

	/* The maximum doubles up to 64 MiB, and not beyond. */
	both(e, "net.ipv4.tcp_rmem", "4096 131072 50000000");
	fd = need_finding(run(e, "tcp", true), "tcp.rcvq_prune", "tcp");
	assert_fix(fd, "sysctl", "net.ipv4.tcp_rmem", "4096 131072 50000000",
		   "4096 131072 67108864");
	both(e, "net.ipv4.tcp_rmem", "4096 131072 67108864");
	fd = need_finding(run(e, "tcp", true), "tcp.rcvq_prune", "tcp");
	assert_null(fix_of(fd, "sysctl", "net.ipv4.tcp_rmem"));
}

static void test_prune_without_drops_info(void **state)
{
	struct env *e = *state;
	const struct nt_finding *fd;

	counter(e, "TcpExtPruneCalled", 10, 5000);
	counter(e, "TcpExtTCPRcvCollapsed", 10, 5000);
	counter(e, "TcpExtRcvPruned", 0, 0);
	fd = need_finding(run(e, "tcp", true), "tcp.rcvq_prune", "tcp");
	assert_int_equal(fd->severity, NT_SEV_INFO);
	assert_non_null(strstr(fd->summary, "nothing was dropped"));
}

static void test_memory_pressure(void **state)
{
	struct env *e = *state;
	const struct nt_finding *fd;

	/* A level: 90 % of the hard limit, nothing counted. */
	both(e, "net.ipv4.tcp_mem", "500 800 1000");
	sock(&e->cur, "TCP.mem", 900);
	fd = need_finding(run(e, "tcp", false), "tcp.memory_pressure", "tcp");
	assert_int_equal(fd->severity, NT_SEV_WARNING);
	assert_true(evidence(fd, "tcp_mem_pages") == 900);
	assert_fix(fd, "sysctl", "net.ipv4.tcp_mem", "500 800 1000",
		   "1000 1600 2000");
	sock(&e->cur, "TCP.mem", 960);
	assert_int_equal(need_finding(run(e, "tcp", false),
				      "tcp.memory_pressure", "tcp")->severity,
			 NT_SEV_CRITICAL);
	sock(&e->cur, "TCP.mem", 700);
	assert_null(find_finding(run(e, "tcp", false), "tcp.memory_pressure",
				 NULL));

	/* A rate; in a namespace tcp_mem is absent: no value to fix. */
	for (size_t i = 0; i < e->cur.n_sysctls; i++)
		if (!strcmp(e->cur.sysctls[i].name, "net.ipv4.tcp_mem"))
			e->cur.sysctls[i].name[0] = '\0';
	counter(e, "TcpExtTCPAbortOnMemory", 3, 4);
	fd = need_finding(run(e, "tcp", true), "tcp.memory_pressure", "tcp");
	assert_int_equal(fd->severity, NT_SEV_CRITICAL);
	assert_int_equal(fd->n_fix, 0);
	assert_non_null(strstr(fd->summary, "initial namespace"));
	counter(e, "TcpExtTCPAbortOnMemory", 3, 3);
	counter(e, "TcpExtTCPMemoryPressures", 3, 3);
	assert_int_equal(need_finding(run(e, "tcp", true),
				      "tcp.memory_pressure", "tcp")->severity,
			 NT_SEV_INFO);
}

static void test_backlog_drops(void **state)
{
	struct env *e = *state;
	const struct nt_finding *fd;

	counter(e, "TcpExtTCPBacklogDrop", 0, 7);
	fd = need_finding(run(e, "tcp", true), "tcp.backlog_drops", "tcp");
	assert_int_equal(fd->severity, NT_SEV_WARNING);
	assert_true(evidence(fd, "backlog_drops_per_s") == 7);
	assert_fix(fd, "sysctl", "net.ipv4.tcp_rmem", "4096 131072 6291456",
		   "4096 131072 12582912");
	counter(e, "TcpExtTCPBacklogDrop", 0, 100);
	assert_int_equal(need_finding(run(e, "tcp", true), "tcp.backlog_drops",
				      "tcp")->severity, NT_SEV_CRITICAL);
}

static void test_tw_overflow(void **state)
{
	struct env *e = *state;
	const struct nt_finding *fd;

	both(e, "net.ipv4.tcp_max_tw_buckets", "5000");
	both(e, "net.ipv4.tcp_tw_reuse", "0");
	counter(e, "TcpExtTCPTimeWaitOverflow", 0, 20);
	fd = need_finding(run(e, "tcp", true), "tcp.tw_overflow", "tcp");
	assert_int_equal(fd->severity, NT_SEV_WARNING);
	assert_fix(fd, "sysctl", "net.ipv4.tcp_max_tw_buckets", "5000",
		   "10000");
	assert_fix(fd, "sysctl", "net.ipv4.tcp_tw_reuse", "0", "1");

	/* A level alone, without the counter; tw_reuse 2 is left alone. */
	counter(e, "TcpExtTCPTimeWaitOverflow", 0, 0);
	both(e, "net.ipv4.tcp_tw_reuse", "2");
	sock(&e->cur, "TCP.tw", 4500);
	fd = need_finding(run(e, "tcp", true), "tcp.tw_overflow", "tcp");
	assert_int_equal(fd->severity, NT_SEV_WARNING);
	assert_true(evidence(fd, "time_wait") == 4500);
	assert_null(fix_of(fd, "sysctl", "net.ipv4.tcp_tw_reuse"));
	sock(&e->cur, "TCP.tw", 3000);
	assert_null(find_finding(run(e, "tcp", true), "tcp.tw_overflow", NULL));
	/* Without sockstat the counter alone speaks, and the limit is kept. */
	nt_counters_free(&e->cur.sockstat);
	counter(e, "TcpExtTCPTimeWaitOverflow", 0, 20);
	fd = need_finding(run(e, "tcp", true), "tcp.tw_overflow", "tcp");
	assert_non_null(strstr(fd->summary, "tcp_max_tw_buckets (5000)"));
	assert_fix(fd, "sysctl", "net.ipv4.tcp_max_tw_buckets", "5000",
		   "10000");
}

static void test_port_range_narrow(void **state)
{
	struct env *e = *state;
	const struct nt_finding *fd;

	both(e, "net.ipv4.ip_local_port_range", "50000 54999");	/* 5000 */
	sock(&e->cur, "TCP.inuse", 3000);
	sock(&e->cur, "TCP6.inuse", 500);
	sock(&e->cur, "TCP.tw", 1000);			/* 90 % */
	fd = need_finding(run(e, "tcp", false), "tcp.port_range_narrow",
			  "net.ipv4.ip_local_port_range");
	assert_int_equal(fd->severity, NT_SEV_WARNING);
	assert_true(evidence(fd, "tcp_connections") == 4500);
	assert_true(evidence(fd, "port_range_size") == 5000);
	assert_fix(fd, "sysctl", "net.ipv4.ip_local_port_range",
		   "50000 54999", "10000 65535");

	sock(&e->cur, "TCP.tw", 0);			/* 70 %: info */
	assert_int_equal(need_finding(run(e, "tcp", false),
				      "tcp.port_range_narrow", NULL)->severity,
			 NT_SEV_INFO);
	sock(&e->cur, "TCP.inuse", 1000);		/* 30 %: nothing */
	assert_null(find_finding(run(e, "tcp", false), "tcp.port_range_narrow",
				 NULL));
	/* The default range is wide enough however busy the host is. */
	both(e, "net.ipv4.ip_local_port_range", "32768 60999");
	sock(&e->cur, "TCP.inuse", 28000);
	assert_null(find_finding(run(e, "tcp", false), "tcp.port_range_narrow",
				 NULL));
}

static void test_retransmits(void **state)
{
	struct env *e = *state;
	const struct nt_finding *fd;

	counter(e, "TcpOutSegs", 1000000, 1100000);
	counter(e, "TcpRetransSegs", 5000, 7000);		/* 2 % */
	fd = need_finding(run(e, "tcp", true), "tcp.retransmits", "tcp");
	assert_int_equal(fd->severity, NT_SEV_INFO);
	assert_true(evidence(fd, "retransmit_percent") == 2);
	assert_int_equal(fd->n_fix, 0);
	counter(e, "TcpRetransSegs", 5000, 11000);		/* 6 % */
	assert_int_equal(need_finding(run(e, "tcp", true), "tcp.retransmits",
				      "tcp")->severity, NT_SEV_WARNING);
	counter(e, "TcpRetransSegs", 5000, 5500);		/* 0.5 % */
	assert_null(find_finding(run(e, "tcp", true), "tcp.retransmits", NULL));
	/* Too little traffic to judge a percentage. */
	counter(e, "TcpOutSegs", 1000000, 1000500);
	counter(e, "TcpRetransSegs", 5000, 5400);
	assert_null(find_finding(run(e, "tcp", true), "tcp.retransmits", NULL));
	/* Since boot, 10 %: info at most. */
	counter(e, "TcpOutSegs", 0, 100000);
	counter(e, "TcpRetransSegs", 0, 10000);
	assert_int_equal(need_finding(run(e, "tcp", false), "tcp.retransmits",
				      "tcp")->severity, NT_SEV_INFO);
}

/* udp --------------------------------------------------------------------- */

static void test_udp_rcvbuf_errors_warning(void **state)
{
	struct env *e = *state;
	const struct nt_finding *fd;

	both(e, "net.core.rmem_max", "212992");
	counter(e, "UdpRcvbufErrors", 1000, 1400);
	counter(e, "Udp6RcvbufErrors", 0, 100);
	counter(e, "UdpInErrors", 1000, 1400);
	counter(e, "Udp6InErrors", 0, 100);
	fd = need_finding(run(e, "udp", true), "udp.rcvbuf_errors", "udp");
	assert_int_equal(fd->severity, NT_SEV_WARNING);
	assert_true(evidence(fd, "rcvbuf_errors_per_s") == 500);
	assert_true(evidence(fd, "rcvbuf_errors_total") == 1500);
	assert_true(evidence(fd, "in_errors_per_s") == 500);
	assert_true(evidence(fd, "rmem_default") == 212992);
	assert_true(evidence(fd, "rmem_max") == 212992);
	assert_fix(fd, "sysctl", "net.core.rmem_default", "212992", "4194304");
	assert_fix(fd, "sysctl", "net.core.rmem_max", "212992", "16777216");
	assert_fix(fd, "app.so_rcvbuf", "udp", "", "4194304");
	assert_non_null(strstr(fd->summary, "500 datagrams/s"));
	assert_non_null(strstr(fd->summary, "default 212992 bytes"));
}

static void test_udp_rcvbuf_errors_critical_and_growth(void **state)
{
	struct env *e = *state;
	const struct nt_finding *fd;

	counter(e, "UdpRcvbufErrors", 0, 1000);
	both(e, "net.core.rmem_default", "8388608");
	both(e, "net.core.rmem_max", "8388608");
	fd = need_finding(run(e, "udp", true), "udp.rcvbuf_errors", "udp");
	assert_int_equal(fd->severity, NT_SEV_CRITICAL);
	/* Already large: four times, the default never above the maximum. */
	assert_fix(fd, "sysctl", "net.core.rmem_max", "8388608", "33554432");
	assert_fix(fd, "sysctl", "net.core.rmem_default", "8388608",
		   "33554432");
	assert_fix(fd, "app.so_rcvbuf", "udp", "", "33554432");
	/* A default above the maximum: the new default stays within it. */
	both(e, "net.core.rmem_max", "1048576");
	fd = need_finding(run(e, "udp", true), "udp.rcvbuf_errors", "udp");
	assert_fix(fd, "sysctl", "net.core.rmem_max", "1048576", "16777216");
	assert_fix(fd, "sysctl", "net.core.rmem_default", "8388608",
		   "16777216");
	/* At the cap: no sysctl left to raise, the reader is too slow. */
	both(e, "net.core.rmem_default", "268435456");
	both(e, "net.core.rmem_max", "268435456");
	fd = need_finding(run(e, "udp", true), "udp.rcvbuf_errors", "udp");
	assert_null(fix_of(fd, "sysctl", "net.core.rmem_max"));
	assert_null(fix_of(fd, "sysctl", "net.core.rmem_default"));
	/* udp_mem nearly exhausted: raise it too. */
	sock(&e->cur, "UDP.mem", 700000);
	fd = need_finding(run(e, "udp", true), "udp.rcvbuf_errors", "udp");
	assert_fix(fd, "sysctl", "net.ipv4.udp_mem", "376638 502185 753276",
		   "753276 1004370 1506552");
}

static void test_udp_sndbuf_csum_noports(void **state)
{
	struct env *e = *state;
	const struct nt_findings *f;
	const struct nt_finding *fd;

	counter(e, "UdpSndbufErrors", 0, 30);
	counter(e, "UdpInCsumErrors", 0, 5000);
	counter(e, "UdpNoPorts", 100, 172);
	f = run(e, "udp", true);
	fd = need_finding(f, "udp.sndbuf_errors", "udp");
	assert_int_equal(fd->severity, NT_SEV_WARNING);
	assert_fix(fd, "sysctl", "net.core.wmem_max", "4194304", "16777216");
	assert_fix(fd, "sysctl", "net.core.wmem_default", "212992", "4194304");
	assert_non_null(strstr(fd->summary, "qdisc"));
	/* Corruption: a warning however fast, and nothing to tune. */
	fd = need_finding(f, "udp.in_csum_errors", "udp");
	assert_int_equal(fd->severity, NT_SEV_WARNING);
	assert_int_equal(fd->n_fix, 0);
	fd = need_finding(f, "udp.no_ports", "udp");
	assert_int_equal(fd->severity, NT_SEV_INFO);
	assert_true(evidence(fd, "no_ports_per_s") == 72);
	assert_int_equal(f->n, 3);
}

/* real captures ----------------------------------------------------------- */

static void load_snmp(struct env *e)
{
	char *a = fixture_text("proc_net_snmp/snmp1");
	char *b = fixture_text("proc_net_snmp/snmp2");
	struct nt_err err = { 0 };

	nt_counters_free(&e->prev.snmp);
	nt_counters_free(&e->cur.snmp);
	assert_int_equal(nt_procfs_parse_snmp(a, &e->prev.snmp, &err), 0);
	assert_int_equal(nt_procfs_parse_snmp(b, &e->cur.snmp, &err), 0);
	free(a);
	free(b);
}

/*
 * One second apart the capture shows 72 more UdpNoPorts, UdpInErrors
 * still at 76, no RcvbufErrors, and 106 retransmissions of 13276
 * segments (0.80 %): only the closed ports are worth a line.
 */
static void test_real_snmp_interval(void **state)
{
	struct env *e = *state;
	const struct nt_findings *f;
	const struct nt_finding *fd;

	load_snmp(e);
	f = run(e, "udp", true);
	assert_int_equal(f->n, 1);
	fd = need_finding(f, "udp.no_ports", "udp");
	assert_int_equal(fd->severity, NT_SEV_INFO);
	assert_true(evidence(fd, "no_ports_per_s") == 72);
	assert_true(evidence(fd, "no_ports_total") == 14809443);
	assert_null(find_finding(f, "udp.rcvbuf_errors", NULL));
	assert_int_equal(run(e, "tcp", true)->n, 0);
}

static void test_real_snmp_no_interval(void **state)
{
	struct env *e = *state;

	load_snmp(e);
	/* 0.82 % retransmitted since boot; NoPorts has no rise to show. */
	assert_int_equal(run(e, "tcp", false)->n, 0);
	assert_int_equal(run(e, "udp", false)->n, 0);
}

static void test_real_snmp_rising_rcvbuf(void **state)
{
	struct env *e = *state;
	const struct nt_finding *fd;

	load_snmp(e);
	/* The same capture had its buffers overflowed for a second. */
	set_counter(&e->cur.snmp, "UdpRcvbufErrors", 2500);
	set_counter(&e->cur.snmp, "UdpInErrors", 76 + 2500);
	fd = need_finding(run(e, "udp", true), "udp.rcvbuf_errors", "udp");
	assert_int_equal(fd->severity, NT_SEV_CRITICAL);
	assert_true(evidence(fd, "in_errors_per_s") == 2500);
}

/* conntrack --------------------------------------------------------------- */

static void test_conntrack_absent(void **state)
{
	struct env *e = *state;

	assert_int_equal(run(e, "conntrack", false)->n, 0);
	both(e, "net.netfilter.nf_conntrack_count", "100000");
	assert_int_equal(run(e, "conntrack", false)->n, 0);
}

static void test_conntrack_levels(void **state)
{
	struct env *e = *state;
	const struct nt_finding *fd;

	both(e, "net.netfilter.nf_conntrack_max", "262144");
	both(e, "net.netfilter.nf_conntrack_buckets", "65536");
	set_sysctl_u(&e->cur, "net.netfilter.nf_conntrack_count",
		     262144 * 85 / 100);
	fd = need_finding(run(e, "conntrack", false), "conntrack.table_full",
			  "conntrack");
	assert_int_equal(fd->severity, NT_SEV_WARNING);
	assert_true(evidence(fd, "max") == 262144);
	assert_true(evidence(fd, "percent_full") > 84.9 &&
		    evidence(fd, "percent_full") < 85.1);
	assert_fix(fd, "sysctl", "net.netfilter.nf_conntrack_max", "262144",
		   "524288");
	assert_fix(fd, "sysctl", "net.netfilter.nf_conntrack_buckets", "65536",
		   "524288");
	assert_non_null(strstr(fd->summary, "85.0% full (222822 of 262144"));

	set_sysctl_u(&e->cur, "net.netfilter.nf_conntrack_count",
		     262144 * 97 / 100);
	assert_int_equal(need_finding(run(e, "conntrack", false),
				      "conntrack.table_full", NULL)->severity,
			 NT_SEV_CRITICAL);
	set_sysctl(&e->cur, "net.netfilter.nf_conntrack_count", "100000");
	assert_int_equal(run(e, "conntrack", true)->n, 0);
	/* Half a bucket per entry after the rise: one per entry. */
	set_sysctl_u(&e->cur, "net.netfilter.nf_conntrack_count", 250000);
	both(e, "net.netfilter.nf_conntrack_buckets", "262144");
	fd = need_finding(run(e, "conntrack", false), "conntrack.table_full",
			  NULL);
	assert_fix(fd, "sysctl", "net.netfilter.nf_conntrack_buckets",
		   "262144", "524288");
	/* Buckets already ample: only the maximum changes. */
	both(e, "net.netfilter.nf_conntrack_buckets", "524288");
	fd = need_finding(run(e, "conntrack", false), "conntrack.table_full",
			  NULL);
	assert_null(fix_of(fd, "sysctl", "net.netfilter.nf_conntrack_buckets"));
}

/* config ------------------------------------------------------------------ */

static void test_config_buffer_max(void **state)
{
	struct env *e = *state;
	const struct nt_findings *f;
	const struct nt_finding *fd;

	both(e, "net.core.rmem_max", "212992");
	f = run(e, "config", false);
	fd = need_finding(f, "config.rmem_max_below_tcp_rmem",
			  "net.core.rmem_max");
	assert_int_equal(fd->severity, NT_SEV_INFO);
	assert_fix(fd, "sysctl", "net.core.rmem_max", "212992", "6291456");
	/* Autotuning is not bound by rmem_max: the summary must say so. */
	assert_non_null(strstr(fd->summary, "autotuned TCP sockets still "
					    "grow to 6291456"));
	assert_non_null(strstr(fd->summary, "SO_RCVBUF"));
	assert_null(find_finding(f, "config.wmem_max_below_tcp_wmem", NULL));
	assert_int_equal(f->n, 1);
}

static void test_config_congestion_bbr(void **state)
{
	struct env *e = *state;
	const struct nt_finding *fd;

	both(e, "net.ipv4.tcp_available_congestion_control",
	     "reno bbr cubic");
	snprintf(e->cur.kernel, sizeof(e->cur.kernel), "6.18.44-fc-v595");
	fd = need_finding(run(e, "config", false), "config.congestion_control",
			  "net.ipv4.tcp_congestion_control");
	assert_int_equal(fd->severity, NT_SEV_INFO);
	assert_fix(fd, "sysctl", "net.ipv4.tcp_congestion_control", "cubic",
		   "bbr");
	/* 6.18 paces inside TCP: fq is not required. */
	assert_null(fix_of(fd, "sysctl", "net.core.default_qdisc"));

	snprintf(e->cur.kernel, sizeof(e->cur.kernel), "4.9.0-8-amd64");
	fd = need_finding(run(e, "config", false), "config.congestion_control",
			  NULL);
	assert_fix(fd, "sysctl", "net.core.default_qdisc", "fq_codel", "fq");

	/* A word inside another name is not the name. */
	both(e, "net.ipv4.tcp_available_congestion_control",
	     "reno cubic bbr2x");
	assert_null(find_finding(run(e, "config", false),
				 "config.congestion_control", NULL));
	both(e, "net.ipv4.tcp_available_congestion_control",
	     "reno cubic xbbr");
	assert_null(find_finding(run(e, "config", false),
				 "config.congestion_control", NULL));
}

static void test_config_congestion_without_bbr(void **state)
{
	struct env *e = *state;
	const struct nt_finding *fd;

	/* cubic without bbr: as good as it gets. */
	assert_int_equal(run(e, "config", false)->n, 0);
	both(e, "net.ipv4.tcp_congestion_control", "reno");
	fd = need_finding(run(e, "config", false), "config.congestion_control",
			  NULL);
	assert_fix(fd, "sysctl", "net.ipv4.tcp_congestion_control", "reno",
		   "cubic");
	both(e, "net.ipv4.tcp_available_congestion_control", "reno");
	assert_int_equal(run(e, "config", false)->n, 0);
}

static void bbr_fq(struct env *e, const char *kernel, bool expect)
{
	const struct nt_finding *fd;

	snprintf(e->cur.kernel, sizeof(e->cur.kernel), "%s", kernel);
	fd = find_finding(run(e, "config", false), "config.bbr_without_fq",
			  "net.core.default_qdisc");
	if (!expect) {
		if (fd)
			fail_msg("%s: bbr_without_fq reported", kernel);
		return;
	}
	if (!fd)
		fail_msg("%s: bbr_without_fq not reported", kernel);
	assert_int_equal(fd->severity, NT_SEV_INFO);
	assert_fix(fd, "sysctl", "net.core.default_qdisc", "pfifo_fast", "fq");
}

static void test_config_bbr_without_fq_kernel_version(void **state)
{
	struct env *e = *state;

	both(e, "net.ipv4.tcp_congestion_control", "bbr");
	both(e, "net.ipv4.tcp_available_congestion_control", "reno bbr cubic");
	both(e, "net.core.default_qdisc", "pfifo_fast");
	bbr_fq(e, "4.9.0-8-amd64", true);
	bbr_fq(e, "4.12.14-lp150.12-default", true);
	bbr_fq(e, "6.18.44-fc-v595", false);
	bbr_fq(e, "4.13.0", false);
	bbr_fq(e, "10.1.0", false);
	bbr_fq(e, "", false);			/* unknown: say nothing */
	bbr_fq(e, "linux", false);
	both(e, "net.core.default_qdisc", "fq");
	bbr_fq(e, "4.9.0-8-amd64", false);
}

static void add_queue_irq(struct nt_iface *ifc, uint32_t irq, int queue,
			  const char *cpus)
{
	struct nt_iface_irq *v;

	v = realloc(ifc->irqs, (ifc->n_irqs + 1) * sizeof(*v));
	assert_non_null(v);
	ifc->irqs = v;
	v = &ifc->irqs[ifc->n_irqs++];
	memset(v, 0, sizeof(*v));
	v->irq = irq;
	v->name = strdup("eth0-TxRx");
	v->kind = queue >= 0 ? NT_IRQ_DATA : NT_IRQ_OTHER;
	v->rxq = v->txq = queue;
	v->node = -1;
	assert_int_equal(nt_cpumask_parse_list(&v->affinity, cpus), 0);
}

static void test_config_irqbalance_pinned(void **state)
{
	struct env *e = *state;
	struct nt_host *h = &e->cur;
	const struct nt_finding *fd;

	h->ifaces = calloc(1, sizeof(*h->ifaces));
	assert_non_null(h->ifaces);
	h->n_ifaces = 1;
	snprintf(h->ifaces[0].name, sizeof(h->ifaces[0].name), "eth0");
	add_queue_irq(&h->ifaces[0], 37, -1, "0");	/* not a queue */
	add_queue_irq(&h->ifaces[0], 38, 0, "0-3");
	h->irqbalance = 1;
	assert_null(find_finding(run(e, "config", false),
				 "config.irqbalance_pinned", NULL));
	add_queue_irq(&h->ifaces[0], 39, 1, "2");
	fd = need_finding(run(e, "config", false), "config.irqbalance_pinned",
			  "irqbalance");
	assert_int_equal(fd->severity, NT_SEV_INFO);
	assert_true(evidence(fd, "pinned_irqs") == 1);
	assert_true(evidence(fd, "queue_irqs") == 2);
	assert_non_null(strstr(fd->summary, "eth0 irq 39 on CPU 2"));
	assert_fix(fd, "irqbalance", "irqbalance", "running", "stopped");
	h->irqbalance = 0;
	assert_null(find_finding(run(e, "config", false),
				 "config.irqbalance_pinned", NULL));
	h->irqbalance = -1;
	assert_null(find_finding(run(e, "config", false),
				 "config.irqbalance_pinned", NULL));
}

static void test_config_somaxconn_moderate(void **state)
{
	struct env *e = *state;
	const struct nt_findings *f;
	const struct nt_finding *fd;

	both(e, "net.core.somaxconn", "128");
	both(e, "net.ipv4.tcp_moderate_rcvbuf", "0");
	f = run(e, "config", true);
	fd = need_finding(f, "config.somaxconn_low", "net.core.somaxconn");
	assert_fix(fd, "sysctl", "net.core.somaxconn", "128", "4096");
	fd = need_finding(f, "config.moderate_rcvbuf_off",
			  "net.ipv4.tcp_moderate_rcvbuf");
	assert_fix(fd, "sysctl", "net.ipv4.tcp_moderate_rcvbuf", "0", "1");
	assert_non_null(strstr(fd->summary, "131072"));
	assert_int_equal(nt_audit_worst(f), NT_SEV_INFO);
	both(e, "net.core.somaxconn", "4096");
	both(e, "net.ipv4.tcp_moderate_rcvbuf", "1");
	assert_int_equal(run(e, "config", true)->n, 0);
}

/* The whole audit sorts and keeps what the checks found. */
static void test_audit_run_table(void **state)
{
	struct env *e = *state;
	struct nt_audit_input in = { &e->prev, &e->cur, 1.0 };
	struct nt_findings f = { 0 };

	counter(e, "UdpRcvbufErrors", 0, 5000);
	both(e, "net.core.somaxconn", "128");
	assert_int_equal(nt_audit_run(&in, &f), 0);
	assert_non_null(find_finding(&f, "udp.rcvbuf_errors", "udp"));
	assert_non_null(find_finding(&f, "config.somaxconn_low", NULL));
	assert_int_equal(nt_audit_worst(&f), NT_SEV_CRITICAL);
	assert_int_equal(f.v[0].severity, NT_SEV_CRITICAL);
	nt_findings_free(&f);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_quiet_host_bad_sysctls_only_info),
		T(test_quiet_default_host_nothing),
		T(test_no_prev_at_most_info),
		T(test_listen_overflows_rising_warning),
		T(test_listen_overflows_critical),
		T(test_listen_overflows_names_full_listener),
		T(test_listen_overflows_nearly_full_listener),
		T(test_listen_overflows_app_backlog_below_somaxconn),
		T(test_listen_overflows_none_identified),
		T(test_counter_backwards_nothing),
		T(test_counter_delta_backwards),
		T(test_accept_queue_full_level),
		T(test_rcvq_prune),
		T(test_prune_without_drops_info),
		T(test_memory_pressure),
		T(test_backlog_drops),
		T(test_tw_overflow),
		T(test_port_range_narrow),
		T(test_retransmits),
		T(test_udp_rcvbuf_errors_warning),
		T(test_udp_rcvbuf_errors_critical_and_growth),
		T(test_udp_sndbuf_csum_noports),
		T(test_real_snmp_interval),
		T(test_real_snmp_no_interval),
		T(test_real_snmp_rising_rcvbuf),
		T(test_conntrack_absent),
		T(test_conntrack_levels),
		T(test_config_buffer_max),
		T(test_config_congestion_bbr),
		T(test_config_congestion_without_bbr),
		T(test_config_bbr_without_fq_kernel_version),
		T(test_config_irqbalance_pinned),
		T(test_config_somaxconn_moderate),
		T(test_audit_run_table),
	};

	return cmocka_run_group_tests_name("checks_sock", tests, NULL, NULL);
}
