// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Knobs: their names, subjects and value comparison, and reads and writes
 * of the file-backed ones (sysctl, queue masks, IRQ affinity, txqlen)
 * against a small tree built in a temporary directory.  The netlink knobs
 * are checked on a real kernel by the CLI tests, never mocked here.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "apply/knob.h"
#include "testlib.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define RXQ	"sys/class/net/eth0/queues/rx-0/"
#define TXQ	"sys/class/net/eth0/queues/tx-1/"

struct fake {
	char dir[64];
	struct nt_root root;
};

/* What a write left in a file the test emptied first. */
static void assert_file(const struct fake *f, const char *rel,
			const char *want)
{
	char path[4096], text[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", f->dir, rel);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		fail_msg("%s: %s", path, strerror(errno));
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	assert_true(n >= 0);
	text[n] = '\0';
	assert_string_equal(text, want);
}

static int make_tree(void **state)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct nt_err err = { 0 };

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/nt-knob.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	tree_put(f->dir, "proc/sys/net/core/somaxconn", "4096\n");
	tree_put(f->dir, "proc/sys/net/ipv4/tcp_rmem",
		 "4096\t131072\t6291456\n");
	tree_put(f->dir, "proc/irq/38/smp_affinity_list", "0-1\n");
	tree_put(f->dir, RXQ "rps_cpus", "00000000,00000005\n");
	tree_put(f->dir, RXQ "rps_flow_cnt", "4096\n");
	tree_put(f->dir, TXQ "xps_cpus", "0\n");
	tree_put(f->dir, "sys/class/net/eth0/tx_queue_len", "1000\n");
	if (nt_root_open(&f->root, f->dir, &err))
		return -1;
	*state = f;
	return 0;
}

static int remove_tree(void **state)
{
	struct fake *f = *state;

	nt_root_close(&f->root);
	tree_remove(f->dir);
	free(f);
	return 0;
}

static struct nt_change change(const char *knob, const char *subject)
{
	struct nt_change c;

	memset(&c, 0, sizeof(c));
	snprintf(c.knob, sizeof(c.knob), "%s", knob);
	snprintf(c.subject, sizeof(c.subject), "%s", subject);
	return c;
}

static int knob_read(const struct fake *f, const char *knob,
		     const char *subject, char *value, struct nt_err *err)
{
	struct nt_change c = change(knob, subject);

	nt_err_clear(err);
	return nt_knob_read(&f->root, &c, value, NT_VALUE_LEN, err);
}

static int knob_write(const struct fake *f, const char *knob,
		      const char *subject, const char *value,
		      struct nt_err *err)
{
	struct nt_change c = change(knob, subject);

	nt_err_clear(err);
	return nt_knob_write(&f->root, &c, value, err);
}

static void test_known(void **state)
{
	static const char *const known[] = {
		"sysctl", "rings.rx", "rings.tx", "channels.rx",
		"channels.tx", "channels.combined", "channels.other",
		"irq.affinity", "rps.cpus", "rps.flow_cnt", "xps.cpus",
		"txqlen", "qdisc", "app.listen_backlog", "app.so_rcvbuf",
	};
	static const char *const unknown[] = {
		"", "rings", "rings.rx_max", "channels.combined_max", "rps",
		"app.", "app", "Sysctl", "sysctl ",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		assert_true(nt_knob_known(known[i]));
	for (size_t i = 0; i < ARRAY_SIZE(unknown); i++)
		assert_false(nt_knob_known(unknown[i]));
	assert_false(nt_knob_known(NULL));
}

static void test_advice(void **state)
{
	(void)state;
	assert_true(nt_knob_is_advice("app.listen_backlog"));
	assert_true(nt_knob_is_advice("app.so_rcvbuf"));
	assert_false(nt_knob_is_advice("app."));
	assert_false(nt_knob_is_advice("apps.x"));
	assert_false(nt_knob_is_advice("sysctl"));
	assert_false(nt_knob_is_advice(NULL));
}

static void test_equal_sysctl(void **state)
{
	(void)state;
	assert_true(nt_knob_equal("sysctl", "4096\t131072\t6291456",
				  "4096 131072 6291456"));
	assert_true(nt_knob_equal("sysctl", " 4096  131072\t 6291456\n",
				  "4096 131072 6291456"));
	assert_true(nt_knob_equal("sysctl", "bbr", "bbr"));
	assert_false(nt_knob_equal("sysctl", "4096 131072", "4096131072"));
	assert_false(nt_knob_equal("sysctl", "4096 131072 1", "4096 131072"));
	assert_false(nt_knob_equal("sysctl", "bbr", "cubic"));
	assert_true(nt_knob_equal("sysctl", "", "  "));
}

static void test_equal_mask(void **state)
{
	static const char *const masks[] = {
		"irq.affinity", "rps.cpus", "xps.cpus",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(masks); i++) {
		const char *k = masks[i];

		assert_true(nt_knob_equal(k, "0,1", "0-1"));
		assert_true(nt_knob_equal(k, "0-3,8", "8,0,1,2,3"));
		assert_true(nt_knob_equal(k, "0-7", "ff"));
		assert_true(nt_knob_equal(k, "32", "1,00000000"));
		assert_true(nt_knob_equal(k, "0-1", "00000003"));
		assert_true(nt_knob_equal(k, "", "00000000,00000000"));
		assert_true(nt_knob_equal(k, "", " "));
		assert_false(nt_knob_equal(k, "", "0"));
		assert_false(nt_knob_equal(k, "0-1", "0-2"));
		assert_false(nt_knob_equal(k, "x", "0"));
	}
}

static void test_equal_number(void **state)
{
	(void)state;
	assert_true(nt_knob_equal("rings.rx", "1024", "01024"));
	assert_true(nt_knob_equal("channels.combined", " 4\n", "4"));
	assert_true(nt_knob_equal("txqlen", "10000", "10000"));
	assert_false(nt_knob_equal("txqlen", "1000", "10000"));
	assert_false(nt_knob_equal("rings.tx", "-1", "1"));
	/* The kernel rounds rps_flow_cnt up to a power of two. */
	assert_true(nt_knob_equal("rps.flow_cnt", "100", "128"));
	assert_true(nt_knob_equal("rps.flow_cnt", "4096", "4096"));
	assert_false(nt_knob_equal("rps.flow_cnt", "129", "128"));
	assert_false(nt_knob_equal("rps.flow_cnt", "0", "1"));
}

static void test_equal_qdisc(void **state)
{
	(void)state;
	assert_true(nt_knob_equal("qdisc", "fq_codel limit 10240",
				  "fq_codel"));
	assert_true(nt_knob_equal("qdisc", " fq ", "fq"));
	assert_true(nt_knob_equal("qdisc", "", "noqueue"));
	assert_true(nt_knob_equal("qdisc", "noop", ""));
	assert_false(nt_knob_equal("qdisc", "fq", "fq_codel"));
	assert_false(nt_knob_equal("qdisc", "", "mq"));
}

static void test_equal_other(void **state)
{
	(void)state;
	assert_true(nt_knob_equal("app.listen_backlog", "4096 ", "4096"));
	assert_true(nt_knob_equal("no.such", "a  b", "a b"));
	assert_true(nt_knob_equal("sysctl", NULL, NULL));
	assert_false(nt_knob_equal("sysctl", NULL, ""));
	assert_false(nt_knob_equal("sysctl", "1", NULL));
}

static void test_bad_subjects(void **state)
{
	static const struct {
		const char *knob, *subject;
	} bad[] = {
		{ "sysctl", "" },
		{ "sysctl", "net.core.somaxconn extra" },
		{ "sysctl", "../../etc/passwd" },
		{ "rings.rx", "eth0 rx-0" },
		{ "rings.rx", "" },
		{ "txqlen", "eth0/../lo" },
		{ "txqlen", "averyveryverylongname" },
		{ "txqlen", "eth0:1" },
		{ "rps.cpus", "eth0" },
		{ "rps.cpus", "eth0 tx-0" },
		{ "rps.cpus", "eth0 rx-" },
		{ "rps.cpus", "eth0 rx-01" },
		{ "rps.cpus", "eth0 rx--1" },
		{ "rps.cpus", "eth0 rx-0 extra" },
		{ "rps.flow_cnt", "eth0 rx-x" },
		{ "xps.cpus", "eth0 rx-0" },
		{ "irq.affinity", "eth0 irq" },
		{ "irq.affinity", "eth0 irq 38x" },
		{ "irq.affinity", "eth0 rx-0" },
		{ "irq.affinity", "eth0 irq 38 39" },
		{ "irq.affinity", "eth0 IRQ 38" },
		{ "irq.affinity", "eth0 irq 99999999999" },
	};
	struct fake *f = *state;
	struct nt_err err = { 0 };
	char value[NT_VALUE_LEN];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(knob_read(f, bad[i].knob, bad[i].subject,
					   value, &err), -EINVAL);
		if (!strstr(err.msg, "bad subject"))
			fail_msg("%s \"%s\": %s", bad[i].knob, bad[i].subject,
				 err.msg);
		assert_int_equal(knob_write(f, bad[i].knob, bad[i].subject,
					    "1", &err), -EINVAL);
	}
}

static void test_unknown_and_advice(void **state)
{
	struct fake *f = *state;
	struct nt_err err = { 0 };
	char value[NT_VALUE_LEN];

	assert_int_equal(knob_read(f, "rings.rx_max", "eth0", value, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "unknown knob"));
	assert_int_equal(knob_write(f, "app.listen_backlog", "tcp :8080",
				    "4096", &err), -EOPNOTSUPP);
	assert_non_null(strstr(err.msg, "advice"));
	assert_int_equal(knob_read(f, "app.so_rcvbuf", "udp", value, &err),
			 -EOPNOTSUPP);
}

static void test_read_files(void **state)
{
	static const struct {
		const char *knob, *subject, *value;
	} reads[] = {
		{ "sysctl", "net.core.somaxconn", "4096" },
		{ "sysctl", "net.ipv4.tcp_rmem", "4096 131072 6291456" },
		{ "irq.affinity", "eth0 irq 38", "0-1" },
		{ "irq.affinity", "eth0  irq  38", "0-1" },
		{ "rps.cpus", "eth0 rx-0", "0,2" },
		{ "rps.flow_cnt", "eth0 rx-0", "4096" },
		{ "xps.cpus", "eth0 tx-1", "" },
		{ "txqlen", "eth0", "1000" },
	};
	struct fake *f = *state;
	struct nt_err err = { 0 };
	char value[NT_VALUE_LEN];

	for (size_t i = 0; i < ARRAY_SIZE(reads); i++) {
		if (knob_read(f, reads[i].knob, reads[i].subject, value, &err))
			fail_msg("%s %s: %s", reads[i].knob, reads[i].subject,
				 err.msg);
		assert_string_equal(value, reads[i].value);
	}
}

/* Absence is an answer, not an error: @err stays empty. */
static void test_read_missing(void **state)
{
	static const struct {
		const char *knob, *subject;
	} missing[] = {
		{ "sysctl", "net.core.netdev_max_backlog" },
		{ "irq.affinity", "eth0 irq 39" },
		{ "rps.cpus", "eth0 rx-7" },
		{ "rps.flow_cnt", "eth9 rx-0" },
		{ "xps.cpus", "eth9 tx-0" },
		{ "txqlen", "eth9" },
	};
	struct fake *f = *state;
	struct nt_err err = { 0 };
	char value[NT_VALUE_LEN];

	for (size_t i = 0; i < ARRAY_SIZE(missing); i++) {
		assert_int_equal(knob_read(f, missing[i].knob,
					   missing[i].subject, value, &err),
				 -ENOENT);
		assert_int_equal(err.code, 0);
	}
}

static void test_write_files(void **state)
{
	struct fake *f = *state;
	struct nt_err err = { 0 };

	tree_put(f->dir, RXQ "rps_cpus", "");
	assert_int_equal(knob_write(f, "rps.cpus", "eth0 rx-0", "1,3", &err),
			 0);
	assert_file(f, RXQ "rps_cpus", "a");
	tree_put(f->dir, RXQ "rps_cpus", "");
	assert_int_equal(knob_write(f, "rps.cpus", "eth0 rx-0", "32", &err),
			 0);
	assert_file(f, RXQ "rps_cpus", "1,00000000");
	tree_put(f->dir, RXQ "rps_cpus", "");
	assert_int_equal(knob_write(f, "rps.cpus", "eth0 rx-0", "", &err), 0);
	assert_file(f, RXQ "rps_cpus", "0");
	tree_put(f->dir, TXQ "xps_cpus", "");
	assert_int_equal(knob_write(f, "xps.cpus", "eth0 tx-1", "0-3", &err),
			 0);
	assert_file(f, TXQ "xps_cpus", "f");
	tree_put(f->dir, RXQ "rps_flow_cnt", "");
	assert_int_equal(knob_write(f, "rps.flow_cnt", "eth0 rx-0", " 2048 ",
				    &err), 0);
	assert_file(f, RXQ "rps_flow_cnt", "2048");
	tree_put(f->dir, "proc/irq/38/smp_affinity_list", "");
	assert_int_equal(knob_write(f, "irq.affinity", "eth0 irq 38", "3,1,2",
				    &err), 0);
	assert_file(f, "proc/irq/38/smp_affinity_list", "1-3");
	tree_put(f->dir, "proc/sys/net/core/somaxconn", "");
	assert_int_equal(knob_write(f, "sysctl", "net.core.somaxconn", "8192",
				    &err), 0);
	assert_file(f, "proc/sys/net/core/somaxconn", "8192");
}

static void test_write_errors(void **state)
{
	struct fake *f = *state;
	struct nt_err err = { 0 };

	assert_int_equal(knob_write(f, "rps.cpus", "eth0 rx-0", "ff", &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "bad value"));
	assert_int_equal(knob_write(f, "rps.flow_cnt", "eth0 rx-0", "-1",
				    &err), -EINVAL);
	assert_int_equal(knob_write(f, "irq.affinity", "eth0 irq 38", "0-",
				    &err), -EINVAL);
	assert_int_equal(knob_write(f, "irq.affinity", "eth0 irq 39", "0",
				    &err), -ENOENT);
	assert_string_equal(err.msg,
			    "irq 39: cannot set affinity 0: No such file or directory");
	assert_int_equal(knob_write(f, "rps.cpus", "eth9 rx-0", "0", &err),
			 -ENODEV);
	assert_int_equal(knob_write(f, "sysctl", "net.core.no_such", "1",
				    &err), -EPERM);
	assert_int_equal(knob_write(f, "rings.rx", "eth0", "x", &err),
			 -EINVAL);
	assert_int_equal(knob_write(f, "txqlen", "eth0", "4294967296", &err),
			 -EINVAL);
}

/* Netlink would reach the kernel nettune runs on, not the tree. */
static void test_netlink_needs_live(void **state)
{
	static const char *const knobs[] = {
		"rings.rx", "channels.combined", "txqlen", "qdisc",
	};
	struct fake *f = *state;
	struct nt_err err = { 0 };
	char value[NT_VALUE_LEN];

	for (size_t i = 0; i < ARRAY_SIZE(knobs); i++) {
		assert_int_equal(knob_write(f, knobs[i], "eth0", "1", &err),
				 -EOPNOTSUPP);
		assert_non_null(strstr(err.msg, "only on the live host"));
	}
	assert_int_equal(knob_read(f, "qdisc", "eth0", value, &err),
			 -EOPNOTSUPP);
	assert_int_equal(knob_read(f, "channels.rx", "eth0", value, &err),
			 -EOPNOTSUPP);
	assert_int_equal(knob_write(f, "qdisc", "eth0", "fq_codel limit 1",
				    &err), -EOPNOTSUPP);
	assert_non_null(strstr(err.msg, "only a kind"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_advice),
		cmocka_unit_test(test_equal_sysctl),
		cmocka_unit_test(test_equal_mask),
		cmocka_unit_test(test_equal_number),
		cmocka_unit_test(test_equal_qdisc),
		cmocka_unit_test(test_equal_other),
		cmocka_unit_test(test_bad_subjects),
		cmocka_unit_test(test_unknown_and_advice),
		cmocka_unit_test(test_read_files),
		cmocka_unit_test(test_read_missing),
		cmocka_unit_test(test_write_files),
		cmocka_unit_test(test_write_errors),
		cmocka_unit_test(test_netlink_needs_live),
	};

	return cmocka_run_group_tests_name("knob", tests, make_tree,
					   remove_tree);
}
