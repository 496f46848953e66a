// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <limits.h>
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

#include "profile/profile.h"
#include "testlib.h"

/* Every test gets a fresh directory: profiles are files. */
struct fixture {
	char dir[64];		/* short: messages quoting it fit */
	char dir2[96];
	const char *dirs[3];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/nt-profile-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	/* A second directory: the shipped one behind the local one. */
	snprintf(f->dir2, sizeof(f->dir2), "%s/shipped", f->dir);
	if (mkdir(f->dir2, 0700)) {
		rmdir(f->dir);
		free(f);
		return -1;
	}
	f->dirs[0] = f->dir;
	f->dirs[1] = NULL;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tree_remove(f->dir);
	free(f);
	return 0;
}

static void write_in(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

static void write_file(struct fixture *f, const char *name, const char *text)
{
	write_in(f->dir, name, text);
}

/*
 * Load @name from the fixture directory and expect failure with message
 * "DIR/@file:@line: @msg".
 */
static void expect_error(struct fixture *f, const char *name,
			 const char *file, int line, const char *msg)
{
	struct nt_profile p;
	struct nt_err err = { 0 };
	char want[1024];

	snprintf(want, sizeof(want), "%s/%s:%d: %s", f->dir, file, line, msg);
	assert_int_equal(nt_profile_load(name, f->dirs, &p, &err), -EINVAL);
	assert_int_equal(err.code, EINVAL);
	assert_string_equal(err.msg, want);
	assert_null(p.v);
	assert_int_equal(p.n, 0);
}

/* One file a.conf with @text; expect the error on @line. */
static void expect_text_error(struct fixture *f, const char *text, int line,
			      const char *msg)
{
	write_file(f, "a.conf", text);
	expect_error(f, "a", "a.conf", line, msg);
}

static void load_ok(struct fixture *f, const char *name, struct nt_profile *p)
{
	struct nt_err err = { 0 };
	int ret = nt_profile_load(name, f->dirs, p, &err);

	if (ret)
		print_error("unexpected error: %s\n", err.msg);
	assert_int_equal(ret, 0);
	assert_int_equal(err.code, 0);
}

static void assert_entry(const struct nt_profile_entry *e, const char *section,
			 const char *match, const char *key, const char *value,
			 const char *file, int line)
{
	assert_string_equal(e->section, section);
	assert_string_equal(e->match, match);
	assert_string_equal(e->key, key);
	assert_string_equal(e->value, value);
	assert_non_null(strstr(e->file, file));
	assert_string_equal(e->file + strlen(e->file) - strlen(file), file);
	assert_int_equal(e->line, line);
}

/* ---- malformed profiles ---- */

static void test_unknown_section(void **state)
{
	expect_text_error(*state,
			  "[main]\nsummary = x\n\n[ringz]\nrx = 1\n", 4,
			  "unknown section [ringz]; expected one of main, "
			  "sysctl, rings, channels, irq, rps, xps, qdisc, "
			  "congestion");
}

/* An empty section has no key for inih to report; still caught. */
static void test_unknown_section_without_keys(void **state)
{
	expect_text_error(*state,
			  "[sysctl]\nnet.core.somaxconn = 4096\n# end\n"
			  "[Rings]\n", 4,
			  "unknown section [Rings]; expected one of main, "
			  "sysctl, rings, channels, irq, rps, xps, qdisc, "
			  "congestion");
}

static void test_unknown_key(void **state)
{
	expect_text_error(*state, "# rings\n[rings]\nrx = max\nrxx = 1\n", 4,
			  "unknown key \"rxx\" in [rings]; expected rx, tx");
	expect_text_error(*state, "[channels eth0]\nqueues = 4\n", 2,
			  "unknown key \"queues\" in [channels]; expected "
			  "combined, rx, tx");
	expect_text_error(*state, "[main]\nsumary = x\n", 2,
			  "unknown key \"sumary\" in [main]; expected "
			  "summary, include");
}

static void test_unknown_sysctl(void **state)
{
	expect_text_error(*state,
			  "[sysctl]\nnet.core.somaxconn = 4096\n"
			  "net.core.somaxcon = 4096\n", 3,
			  "unknown key \"net.core.somaxcon\" in [sysctl]: not "
			  "a sysctl nettune manages");
	expect_text_error(*state, "[sysctl]\nkernel.panic = 1\n", 2,
			  "unknown key \"kernel.panic\" in [sysctl]: not a "
			  "sysctl nettune manages");
}

static void test_read_only_sysctl(void **state)
{
	expect_text_error(*state,
			  "[sysctl]\nnet.netfilter.nf_conntrack_count = 1\n",
			  2, "[sysctl] net.netfilter.nf_conntrack_count is "
			  "read-only");
}

static void test_empty_sysctl_value(void **state)
{
	expect_text_error(*state, "[sysctl]\nnet.core.somaxconn =\n", 2,
			  "[sysctl] net.core.somaxconn = \"\": expected a "
			  "value");
}

/* Each @bad value of @key in @section fails on line 3 with @expect. */
static void bad_values(struct fixture *f, const char *section,
		       const char *key, const char *const *bad,
		       const char *expect)
{
	char text[512], msg[512];

	for (; *bad; bad++) {
		snprintf(text, sizeof(text), "# x\n[%s]\n%s = %s\n", section,
			 key, *bad);
		snprintf(msg, sizeof(msg), "[%s] %s = \"%s\": expected %s",
			 section, key, *bad, expect);
		expect_text_error(f, text, 3, msg);
	}
}

/* Each @good value of @key in @section loads. */
static void good_values(struct fixture *f, const char *section,
			const char *key, const char *const *good)
{
	struct nt_profile p;
	char text[512];

	for (; *good; good++) {
		snprintf(text, sizeof(text), "[%s]\n%s = %s\n", section, key,
			 *good);
		write_file(f, "a.conf", text);
		load_ok(f, "a", &p);
		assert_int_equal(p.n, 1);
		assert_string_equal(p.v[0].value, *good);
		nt_profile_free(&p);
	}
}

static void test_bad_rings(void **state)
{
	static const char *const bad[] = {
		"lots", "0", "-1", "+5", "max 0", "max lots", "maximum",
		"4294967296", "max4096", "4096 max", "", NULL
	};
	static const char *const good[] = {
		"max", "max 4096", "max  8192", "4096", "4294967295", NULL
	};

	bad_values(*state, "rings", "rx", bad,
		   "a number, max or \"max N\"");
	bad_values(*state, "rings", "tx", bad,
		   "a number, max or \"max N\"");
	good_values(*state, "rings", "rx", good);
}

/* Sizes may carry a bound (nettune-profile(5), BOUNDS); counts may not. */
static void test_bounds(void **state)
{
	static const char *const rings_good[] = {
		">= max 4096", "= max 1024", "<= 2048", ">=4096", "= max", NULL
	};
	static const char *const rings_bad[] = {
		">= lots", "=> 4096", ">=", "== 5", NULL
	};
	static const char *const size_good[] = {
		">= 10000", "= 500", "<=2000", NULL
	};
	static const char *const chan_bad[] = { ">= 2", "= max", NULL };

	good_values(*state, "rings", "rx", rings_good);
	bad_values(*state, "rings", "tx", rings_bad,
		   "a number, max or \"max N\"");
	good_values(*state, "qdisc", "txqlen", size_good);
	good_values(*state, "rps", "flow_cnt", size_good);
	bad_values(*state, "channels", "rx", chan_bad,
		   "a number, max or local-cores");
}

static void test_bad_channels(void **state)
{
	static const char *const bad[] = {
		"0", "all", "local", "max 4", "1.5", "", NULL
	};
	static const char *const good[] = {
		"1", "max", "local-cores", "64", NULL
	};

	bad_values(*state, "channels", "combined", bad,
		   "a number, max or local-cores");
	bad_values(*state, "channels", "rx", bad,
		   "a number, max or local-cores");
	good_values(*state, "channels", "tx", good);
}

static void test_bad_irq(void **state)
{
	static const char *const bad[] = {
		"local", "spread-remote", "0-", "3-1", "1,", "a", "", NULL
	};
	static const char *const good[] = {
		"spread-local", "spread", "0-3,8", "5", NULL
	};

	bad_values(*state, "irq", "affinity", bad,
		   "spread-local, spread or a CPU list such as 0-3,8");
	good_values(*state, "irq", "affinity", good);
}

static void test_bad_rps(void **state)
{
	static const char *const bad_cpus[] = {
		"on", "match-irq", "ff", "0-", "", NULL
	};
	static const char *const bad_cnt[] = {
		"-1", "1048577", "lots", "", NULL
	};
	static const char *const good_cnt[] = {
		"0", "2048", "1048576", NULL
	};
	static const char *const good_cpus[] = {
		"auto", "off", "0-1", NULL
	};

	bad_values(*state, "rps", "cpus", bad_cpus,
		   "auto, off or a CPU list such as 0-3,8");
	bad_values(*state, "rps", "flow_cnt", bad_cnt,
		   "a number from 0 to 1048576");
	good_values(*state, "rps", "flow_cnt", good_cnt);
	good_values(*state, "rps", "cpus", good_cpus);
}

static void test_bad_xps(void **state)
{
	static const char *const bad[] = {
		"auto", "match", "0-x", "", NULL
	};
	static const char *const good[] = {
		"match-irq", "off", "2,4,6", NULL
	};

	bad_values(*state, "xps", "cpus", bad,
		   "match-irq, off or a CPU list such as 0-3,8");
	good_values(*state, "xps", "cpus", good);
}

static void test_bad_qdisc(void **state)
{
	static const char *const bad_root[] = {
		"FQ", "fq-codel", "1fq", "", "fq_codel limit 10240",
		"cake bandwidth 1gbit", NULL
	};
	static const char *const good_root[] = {
		"fq", "fq_codel", "noqueue", "pfifo_fast", NULL
	};
	static const char *const bad_len[] = {
		"0", "1000001", "big", "", NULL
	};
	static const char *const good_len[] = {
		"1", "10000", "1000000", NULL
	};

	bad_values(*state, "qdisc", "root", bad_root,
		   "a qdisc kind such as fq or fq_codel (it is set with its default parameters)");
	good_values(*state, "qdisc", "root", good_root);
	bad_values(*state, "qdisc", "txqlen", bad_len,
		   "a number from 1 to 1000000");
	good_values(*state, "qdisc", "txqlen", good_len);
}

static void test_bad_congestion(void **state)
{
	static const char *const bad_algo[] = {
		"BBR", "bbr,", "bbr,,cubic", "bbr cubic", ", cubic", "", NULL
	};
	static const char *const good_algo[] = {
		"bbr", "bbr, cubic", "bbr,cubic", "bbr2 , cubic", NULL
	};
	static const char *const bad_kind[] = {
		"fq limit 100", "Fq", "", NULL
	};

	bad_values(*state, "congestion", "algorithm", bad_algo,
		   "algorithm names separated by commas, such as bbr, cubic");
	good_values(*state, "congestion", "algorithm", good_algo);
	bad_values(*state, "congestion", "qdisc", bad_kind,
		   "a qdisc kind such as fq");
}

static void test_bad_include_value(void **state)
{
	static const char *const bad[] = {
		"", "a,,b", "a,", "my profile", NULL
	};

	bad_values(*state, "main", "include", bad,
		   "profile names separated by commas");
}

static void test_include_cycle(void **state)
{
	struct fixture *f = *state;

	write_file(f, "a.conf", "[main]\ninclude = b\n");
	write_file(f, "b.conf", "# b\n\n[main]\ninclude = a\n");
	expect_error(f, "a", "b.conf", 4,
		     "include cycle: a.conf -> b.conf -> a.conf");
}

static void test_include_cycle_longer(void **state)
{
	struct fixture *f = *state;

	write_file(f, "top.conf", "[main]\ninclude = a\n");
	write_file(f, "a.conf", "[main]\ninclude = b\n");
	write_file(f, "b.conf", "[main]\ninclude = c.conf\n");
	write_file(f, "c.conf", "[sysctl]\nnet.core.somaxconn = 1\n"
		   "[main]\ninclude = a\n");
	expect_error(f, "top", "c.conf", 4,
		     "include cycle: a.conf -> b.conf -> c.conf -> a.conf");
}

static void test_self_include(void **state)
{
	expect_text_error(*state, "[main]\nsummary = me\ninclude = a\n", 3,
			  "include cycle: a.conf -> a.conf");
	/* Named by path, the same file is still the same file. */
	expect_text_error(*state, "[main]\ninclude = ./a.conf\n", 2,
			  "include cycle: a.conf -> a.conf");
}

static void test_missing_include(void **state)
{
	struct fixture *f = *state;
	char msg[1024];

	snprintf(msg, sizeof(msg), "include \"nosuch\": no such profile "
		 "(searched %s)", f->dir);
	expect_text_error(f, "[main]\ninclude = nosuch\n", 2, msg);

	/* Every directory of the search path is named. */
	f->dirs[1] = f->dir2;
	f->dirs[2] = NULL;
	snprintf(msg, sizeof(msg), "include \"nosuch\": no such profile "
		 "(searched %s, %s)", f->dir, f->dir2);
	expect_text_error(f, "[sysctl]\nnet.core.somaxconn = 1\n[main]\n"
			  "include = nosuch\n", 4, msg);

	/* A path is looked for next to the including file only. */
	snprintf(msg, sizeof(msg), "include \"sub/x.conf\": no such profile "
		 "(searched %s/sub/x.conf)", f->dir);
	expect_text_error(f, "[main]\ninclude = sub/x.conf\n", 2, msg);
}

static void test_missing_second_include(void **state)
{
	struct fixture *f = *state;
	char msg[1024];

	write_file(f, "b.conf", "[sysctl]\nnet.core.somaxconn = 1\n");
	snprintf(msg, sizeof(msg), "include \"c\": no such profile "
		 "(searched %s)", f->dir);
	expect_text_error(f, "[main]\ninclude = b, c\n", 2, msg);
}

static void test_malformed_match(void **state)
{
	expect_text_error(*state, "[rings driver=]\nrx = max\n", 1,
			  "malformed section [rings driver=]: expected "
			  "[rings], [rings GLOB] or [rings driver=NAME]");
	expect_text_error(*state, "\n[rps eth0 eth1]\ncpus = auto\n", 2,
			  "malformed section [rps eth0 eth1]: expected [rps], "
			  "[rps GLOB] or [rps driver=NAME]");
	expect_text_error(*state, "[irq drivr=ixgbe]\naffinity = spread\n", 1,
			  "malformed section [irq drivr=ixgbe]: expected "
			  "[irq], [irq GLOB] or [irq driver=NAME]");
	expect_text_error(*state, "[xps eth/0]\n", 1,
			  "malformed section [xps eth/0]: expected [xps], "
			  "[xps GLOB] or [xps driver=NAME]");
	expect_text_error(*state, "[sysctl eth0]\n", 1,
			  "[sysctl eth0]: [sysctl] applies to the whole host "
			  "and takes no interface match");
	expect_text_error(*state, "[main]\nsummary = x\n[rings\n", 3,
			  "malformed section header \"[rings\": expected "
			  "[NAME] or [NAME MATCH]");
}

static void test_syntax_errors(void **state)
{
	expect_text_error(*state, "[rings]\nrx 512\n", 2,
			  "\"rx 512\": expected KEY = VALUE");
	expect_text_error(*state, "rx = 512\n", 1,
			  "\"rx\" is outside any section; expected a "
			  "[section] header first");
}

static void test_long_line(void **state)
{
	char text[512] = "[main]\nsummary = ";
	size_t len = strlen(text);

	memset(text + len, 'x', 300);
	strcpy(text + len + 300, "\n");
	expect_text_error(*state, text, 2,
			  "line is longer than 198 characters");

	/* A long comment is harmless. */
	text[7] = '#';
	write_file(*state, "a.conf", text);
	{
		struct nt_profile p;

		load_ok(*state, "a", &p);
		assert_int_equal(p.n, 0);
		nt_profile_free(&p);
	}
}

/* The error nearest the top wins, whoever found it. */
static void test_first_error_wins(void **state)
{
	expect_text_error(*state, "[rings]\nrx 1\nrxx = 1\n", 2,
			  "\"rx 1\": expected KEY = VALUE");
	expect_text_error(*state, "[rings]\nrxx = 1\nrx 1\n", 2,
			  "unknown key \"rxx\" in [rings]; expected rx, tx");
}

static void test_deep_includes(void **state)
{
	struct fixture *f = *state;
	char name[32], text[64];

	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "p%d.conf", i);
		snprintf(text, sizeof(text), "[main]\ninclude = p%d\n", i + 1);
		write_file(f, name, text);
	}
	expect_error(f, "p0", "p15.conf", 2,
		     "include \"p16\": includes nested more than 16 deep");
}

static void test_not_found(void **state)
{
	struct fixture *f = *state;
	struct nt_profile p;
	struct nt_err err = { 0 };
	char want[1024];

	snprintf(want, sizeof(want), "nosuch: no such profile (searched %s)",
		 f->dir);
	assert_int_equal(nt_profile_load("nosuch", f->dirs, &p, &err),
			 -ENOENT);
	assert_string_equal(err.msg, want);

	nt_err_clear(&err);
	assert_int_equal(nt_profile_load("./nosuch.conf", f->dirs, &p, &err),
			 -ENOENT);
	assert_string_equal(err.msg, "./nosuch.conf: no such profile file");

	nt_err_clear(&err);
	assert_int_equal(nt_profile_load("", f->dirs, &p, &err), -EINVAL);
}

/* ---- valid profiles ---- */

static void test_include_order(void **state)
{
	struct fixture *f = *state;
	struct nt_profile p;

	write_file(f, "base.conf",
		   "[main]\nsummary = base\n"
		   "[sysctl]\n"
		   "net.core.somaxconn = 1024\n"		/* 4 */
		   "net.core.netdev_max_backlog = 2000\n"	/* 5 */
		   "[rings]\nrx = max 4096\n");			/* 7 */
	write_file(f, "extra.conf",
		   "[sysctl]\nnet.core.somaxconn = 2048\n");	/* 2 */
	/* The include comes last but its entries still go first. */
	write_file(f, "top.conf",
		   "[sysctl]\n"
		   "net.core.somaxconn = 4096\n"		/* 2 */
		   "[rings]\n"
		   "rx = max\n"					/* 4 */
		   "[main]\n"
		   "include = base, extra\n");
	load_ok(f, "top", &p);
	assert_string_equal(p.name, "top");
	assert_string_equal(p.summary, "base");
	assert_int_equal(p.n, 6);
	assert_entry(&p.v[0], "sysctl", "", "net.core.somaxconn", "1024",
		     "/base.conf", 4);
	assert_entry(&p.v[1], "sysctl", "", "net.core.netdev_max_backlog",
		     "2000", "/base.conf", 5);
	assert_entry(&p.v[2], "rings", "", "rx", "max 4096", "/base.conf", 7);
	assert_entry(&p.v[3], "sysctl", "", "net.core.somaxconn", "2048",
		     "/extra.conf", 2);
	assert_entry(&p.v[4], "sysctl", "", "net.core.somaxconn", "4096",
		     "/top.conf", 2);
	assert_entry(&p.v[5], "rings", "", "rx", "max", "/top.conf", 4);
	nt_profile_free(&p);
	assert_null(p.v);
}

static void test_summary_later_wins(void **state)
{
	struct fixture *f = *state;
	struct nt_profile p;

	write_file(f, "base.conf", "[main]\nsummary = base\n");
	write_file(f, "a.conf", "[main]\ninclude = base\nsummary = first\n"
		   "[main]\nsummary = second\n");
	load_ok(f, "a", &p);
	assert_string_equal(p.summary, "second");
	assert_int_equal(p.n, 0);	/* [main] is not a knob */
	nt_profile_free(&p);
}

static void test_matches_kept(void **state)
{
	struct fixture *f = *state;
	struct nt_profile p;

	write_file(f, "a.conf",
		   "[rings eth*]\nrx = max\n"
		   "[rings driver=mlx5_core]\nrx = 8192\n"
		   "[ channels   ens[0-3] ]\ncombined = local-cores\n"
		   "[rps]\ncpus = auto\n");
	load_ok(f, "a", &p);
	assert_int_equal(p.n, 4);
	assert_entry(&p.v[0], "rings", "eth*", "rx", "max", "/a.conf", 2);
	assert_entry(&p.v[1], "rings", "driver=mlx5_core", "rx", "8192",
		     "/a.conf", 4);
	assert_entry(&p.v[2], "channels", "ens[0-3]", "combined",
		     "local-cores", "/a.conf", 6);
	assert_entry(&p.v[3], "rps", "", "cpus", "auto", "/a.conf", 8);
	nt_profile_free(&p);
}

/* Comments, blank lines, indentation and CRLF do not shift lines. */
static void test_line_numbers(void **state)
{
	struct fixture *f = *state;
	struct nt_profile p;

	write_file(f, "a.conf",
		   "\xef\xbb\xbf# comment\n"			/* 1 */
		   "; another\n"				/* 2 */
		   "\n"						/* 3 */
		   "[sysctl]   ; trailing\r\n"			/* 4 */
		   "  net.core.somaxconn = 4096   # why\n"	/* 5 */
		   "\tnet.ipv4.tcp_rmem = \"4096 131072 6291456\"\n"
		   "\n"						/* 7 */
		   "[xps] # section comment\n"			/* 8 */
		   "cpus = match-irq ; why\r\n"			/* 9 */
		   "   # indented comment\n"			/* 10 */
		   "[qdisc]\n"					/* 11 */
		   "root = fq_codel\n");			/* 12 */
	load_ok(f, "a", &p);
	assert_int_equal(p.n, 4);
	assert_entry(&p.v[0], "sysctl", "", "net.core.somaxconn", "4096",
		     "/a.conf", 5);
	assert_entry(&p.v[1], "sysctl", "", "net.ipv4.tcp_rmem",
		     "4096 131072 6291456", "/a.conf", 6);
	assert_entry(&p.v[2], "xps", "", "cpus", "match-irq", "/a.conf", 9);
	assert_entry(&p.v[3], "qdisc", "", "root", "fq_codel",
		     "/a.conf", 12);
	nt_profile_free(&p);
}

static void test_load_by_path(void **state)
{
	struct fixture *f = *state;
	struct nt_profile p;
	char path[PATH_MAX];

	write_in(f->dir2, "base.conf", "[sysctl]\nnet.core.somaxconn = 1\n");
	write_in(f->dir2, "site.conf",
		 "[main]\ninclude = base.conf\n"
		 "[sysctl]\nnet.core.somaxconn = 2\n");
	snprintf(path, sizeof(path), "%s/site.conf", f->dir2);
	/* "base.conf" is a path: next to site.conf, not in the dirs. */
	load_ok(f, path, &p);
	assert_string_equal(p.name, "site");
	assert_string_equal(p.path, path);
	assert_int_equal(p.n, 2);
	assert_entry(&p.v[0], "sysctl", "", "net.core.somaxconn", "1",
		     "/shipped/base.conf", 2);
	assert_entry(&p.v[1], "sysctl", "", "net.core.somaxconn", "2",
		     "/shipped/site.conf", 4);
	nt_profile_free(&p);
}

/* A profile included twice by different routes is not a cycle. */
static void test_diamond_include(void **state)
{
	struct fixture *f = *state;
	struct nt_profile p;

	write_file(f, "d.conf", "[sysctl]\nnet.core.somaxconn = 1\n");
	write_file(f, "b.conf", "[main]\ninclude = d\n");
	write_file(f, "c.conf", "[main]\ninclude = d\n"
		   "[sysctl]\nnet.core.somaxconn = 3\n");
	write_file(f, "a.conf", "[main]\ninclude = b, c\n");
	load_ok(f, "a", &p);
	assert_int_equal(p.n, 3);
	assert_string_equal(p.v[2].value, "3");
	nt_profile_free(&p);
}

static void test_search_order(void **state)
{
	struct fixture *f = *state;
	struct nt_profile p;

	write_file(f, "x.conf", "[main]\nsummary = local\n");
	write_in(f->dir2, "x.conf", "[main]\nsummary = shipped\n");
	write_in(f->dir2, "y.conf", "[main]\ninclude = x\n");
	f->dirs[1] = f->dir2;
	f->dirs[2] = NULL;
	load_ok(f, "x", &p);
	assert_string_equal(p.summary, "local");
	nt_profile_free(&p);
	/* Includes search the whole path too: the local x wins. */
	load_ok(f, "y", &p);
	assert_string_equal(p.summary, "local");
	nt_profile_free(&p);
}

static void test_profile_list(void **state)
{
	struct fixture *f = *state;
	struct nt_profile_info *v;
	struct nt_err err = { 0 };
	const char *dirs[4];
	char nodir[128];
	size_t n;

	snprintf(nodir, sizeof(nodir), "%s/none", f->dir);
	write_file(f, "throughput.conf", "[main]\nsummary = local copy\n");
	write_file(f, "zeta.conf", "[main]\nsummary = z\n[ringz]\n");
	write_file(f, ".hidden.conf", "[main]\nsummary = hidden\n");
	write_file(f, "notes.txt", "not a profile\n");
	write_in(f->dir2, "throughput.conf", "[main]\nsummary = shipped\n");
	write_in(f->dir2, "balanced.conf", "[main]\nsummary = safe\n");
	dirs[0] = nodir;	/* a missing directory is no error */
	dirs[1] = f->dir;
	dirs[2] = f->dir2;
	dirs[3] = NULL;
	assert_int_equal(nt_profile_list(dirs, &v, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].name, "balanced");
	assert_string_equal(v[0].summary, "safe");
	assert_string_equal(v[1].name, "throughput");
	assert_string_equal(v[1].summary, "local copy");
	assert_non_null(strstr(v[1].path, f->dir));
	assert_null(strstr(v[1].path, "shipped"));
	/* Broken after its summary: listed, so "profile show" can say why. */
	assert_string_equal(v[2].name, "zeta");
	assert_string_equal(v[2].summary, "z");
	free(v);
}

static void test_profile_dirs(void **state)
{
	struct fixture *f = *state;
	const char *dirs[4];
	char env[256];

	snprintf(env, sizeof(env), "%s/none::%s", f->dir, f->dir2);
	assert_int_equal(setenv("NETTUNE_PROFILE_PATH", env, 1), 0);
	nt_profile_dirs("/opt/p", dirs);
	assert_string_equal(dirs[0], "/opt/p");
	assert_string_equal(dirs[1], "/etc/nettune/profiles");
	assert_string_equal(dirs[2], f->dir2);
	assert_null(dirs[3]);

	nt_profile_dirs(NULL, dirs);
	assert_string_equal(dirs[0], "/etc/nettune/profiles");
	assert_string_equal(dirs[1], f->dir2);
	assert_null(dirs[2]);
	assert_int_equal(unsetenv("NETTUNE_PROFILE_PATH"), 0);

	/* Without the override there is still a shipped directory. */
	nt_profile_dirs(NULL, dirs);
	assert_non_null(dirs[1]);
	assert_null(dirs[2]);
}

static const char *shipped_dir(void)
{
	const char *dir = getenv("NT_PROFILES_DIR");

	return dir && *dir ? dir : "profiles";
}

/* Every shipped profile loads, and the four the docs name exist. */
static void test_shipped_profiles(void **state)
{
	static const char *const names[] = {
		"balanced", "throughput", "latency", "many-connections", NULL
	};
	const char *dirs[] = { shipped_dir(), NULL };
	struct nt_profile_info *v;
	struct nt_err err = { 0 };
	size_t n, found = 0;

	(void)state;
	assert_int_equal(nt_profile_list(dirs, &v, &n, &err), 0);
	for (size_t i = 0; i < n; i++) {
		struct nt_profile p;
		int ret = nt_profile_load(v[i].name, dirs, &p, &err);

		if (ret)
			print_error("%s: %s\n", v[i].name, err.msg);
		assert_int_equal(ret, 0);
		assert_true(p.n > 0);
		assert_true(strlen(p.summary) > 0);
		assert_string_equal(p.summary, v[i].summary);
		for (size_t j = 0; names[j]; j++)
			found += strcmp(names[j], v[i].name) == 0;
		nt_profile_free(&p);
	}
	free(v);
	assert_int_equal(found, 4);
}

/* The derived profiles start from balanced and override it. */
static void test_shipped_inheritance(void **state)
{
	const char *dirs[] = { shipped_dir(), NULL };
	struct nt_profile p;
	struct nt_err err = { 0 };
	const char *last = NULL;

	(void)state;
	assert_int_equal(nt_profile_load("throughput", dirs, &p, &err), 0);
	assert_non_null(strstr(p.v[0].file, "balanced.conf"));
	for (size_t i = 0; i < p.n; i++)
		if (!strcmp(p.v[i].section, "sysctl") &&
		    !strcmp(p.v[i].key, "net.core.rmem_max"))
			last = p.v[i].value;
	assert_non_null(last);
	assert_string_equal(last, "67108864");
	nt_profile_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_unknown_section),
		T(test_unknown_section_without_keys),
		T(test_unknown_key),
		T(test_unknown_sysctl),
		T(test_read_only_sysctl),
		T(test_empty_sysctl_value),
		T(test_bad_rings),
		T(test_bad_channels),
		T(test_bounds),

		T(test_bad_irq),
		T(test_bad_rps),
		T(test_bad_xps),
		T(test_bad_qdisc),
		T(test_bad_congestion),
		T(test_bad_include_value),
		T(test_include_cycle),
		T(test_include_cycle_longer),
		T(test_self_include),
		T(test_missing_include),
		T(test_missing_second_include),
		T(test_malformed_match),
		T(test_syntax_errors),
		T(test_long_line),
		T(test_first_error_wins),
		T(test_deep_includes),
		T(test_not_found),
		T(test_include_order),
		T(test_summary_later_wins),
		T(test_matches_kept),
		T(test_line_numbers),
		T(test_load_by_path),
		T(test_diamond_include),
		T(test_search_order),
		T(test_profile_list),
		T(test_profile_dirs),
		T(test_shipped_profiles),
		T(test_shipped_inheritance),
#undef T
	};

	return cmocka_run_group_tests_name("profile", tests, NULL, NULL);
}
