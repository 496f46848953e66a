// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nettune audit [--interval S] [--json | --prometheus]
 *               [--from SNAPSHOT [--from SNAPSHOT]] [--root DIR]
 *               [--color=auto|always|never] [--no-drop-reasons]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "collect.h"
#include "collect_drops.h"
#include "nettune.h"
#include "output/audit.h"
#include "sample/rate.h"

#define INTERVAL_MAX	3600.0
#define FROM_MAX	2

static void audit_help(void)
{
	puts("Usage: nettune audit [--interval S] [--json | --prometheus]\n"
	     "         [--from SNAPSHOT [--from SNAPSHOT] | --root DIR]\n"
	     "         [--color=auto|always|never] [--no-drop-reasons]\n"
	     "\n"
	     "Find where this host drops packets and what to change.\n"
	     "The host is read twice, S seconds apart, and judged on\n"
	     "what rose in between: drops per second, not only totals\n"
	     "since boot. Each finding has an id, a severity, the\n"
	     "numbers behind it and the exact fix.\n"
	     "\n"
	     "  -i, --interval S  seconds between the two looks, 0 to\n"
	     "                    3600, decimals allowed (default 1);\n"
	     "                    0: one look, totals only, old drops\n"
	     "                    are info at most\n"
	     "  -j, --json        findings as JSON on stdout\n"
	     "  -p, --prometheus  drop counters and findings in\n"
	     "                    Prometheus text format (for the\n"
	     "                    node_exporter textfile collector)\n"
	     "  -f, --from FILE   audit a snapshot saved by 'nettune\n"
	     "                    snapshot save'; twice: the earlier,\n"
	     "                    then the later one, judged over the\n"
	     "                    time between them\n"
	     "  -r, --root DIR    read procfs and sysfs under DIR (a\n"
	     "                    captured tree): one look, netlink\n"
	     "                    facts unknown\n"
	     "      --color=WHEN  colour the text: auto (the default:\n"
	     "                    on a terminal, unless TERM=dumb or\n"
	     "                    NO_COLOR is set), always or never\n"
	     "      --no-drop-reasons  do not count the reasons the\n"
	     "                    kernel gives for its drops during the\n"
	     "                    interval (counted by default with\n"
	     "                    --interval above 0 on this host)\n"
	     "  -h, --help        this help\n"
	     "\n"
	     "Exit status: 0 no warnings, 1 warnings, 2 critical\n"
	     "findings, 3 could not run (bad usage, unreadable host\n"
	     "or snapshot).");
}

enum color_when { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

struct audit_opts {
	double interval;
	bool interval_set;
	enum nt_audit_format format;
	const char *from[FROM_MAX];
	int n_from;
	const char *root;
	enum color_when color;
	bool no_drop_reasons;
};

/* The drop reasons the kernel gave during the interval, when counted. */
struct audit_drops {
	struct nt_drop_watch watch;
	bool attached;
	double start;			/* CLOCK_MONOTONIC of the attach */
	struct nt_drop_table table;
	bool counted;			/* @table holds the interval's drops */
	char why[sizeof(((struct nt_err *)0)->msg)];	/* "" or why not */
};

/* Plain decimal only: "1e3", "inf", "0x10" and signs are typos here. */
static int parse_interval(const char *s, double *out)
{
	char msg[160];
	char *end;

	if (*s && strspn(s, "0123456789.") == strlen(s)) {
		errno = 0;
		*out = strtod(s, &end);
		if (!errno && !*end && end != s && *out <= INTERVAL_MAX)
			return 0;
	}
	snprintf(msg, sizeof(msg), "--interval %.40s: expected seconds from "
		 "0 to %.0f", s, INTERVAL_MAX);
	return nt_usage_error("audit", msg);
}

static int parse_color(const char *s, enum color_when *out)
{
	char msg[160];

	if (!s || !strcmp(s, "always"))
		*out = COLOR_ALWAYS;
	else if (!strcmp(s, "auto"))
		*out = COLOR_AUTO;
	else if (!strcmp(s, "never"))
		*out = COLOR_NEVER;
	else {
		snprintf(msg, sizeof(msg), "--color=%.40s: expected auto, "
			 "always or never", s);
		return nt_usage_error("audit", msg);
	}
	return 0;
}

static int check_combination(const struct audit_opts *o, int argc,
			     char **argv)
{
	char msg[160];

	if (optind < argc) {
		snprintf(msg, sizeof(msg), "unexpected argument '%.40s'",
			 argv[optind]);
		return nt_usage_error("audit", msg);
	}
	if (o->n_from && o->root)
		return nt_usage_error("audit",
				      "--from and --root exclude each other");
	if (o->n_from && o->interval_set)
		return nt_usage_error("audit", "--interval does not apply to "
				      "--from: snapshots carry their time");
	if (o->root && o->interval_set)
		return nt_usage_error("audit", "--interval does not apply to "
				      "--root: a captured tree is one look");
	return 0;
}

static int set_format(struct audit_opts *o, enum nt_audit_format f)
{
	if (o->format != NT_AUDIT_TEXT && o->format != f)
		return nt_usage_error("audit", "--json and --prometheus "
				      "exclude each other");
	o->format = f;
	return 0;
}

static int add_from(struct audit_opts *o, const char *path)
{
	if (o->n_from == FROM_MAX)
		return nt_usage_error("audit", "--from at most twice");
	o->from[o->n_from++] = path;
	return 0;
}

static int parse(int argc, char **argv, struct audit_opts *o)
{
	enum { OPT_COLOR = 256, OPT_NO_DROP_REASONS };
	static const struct option longopts[] = {
		{ "interval",   required_argument, NULL, 'i' },
		{ "json",       no_argument,       NULL, 'j' },
		{ "prometheus", no_argument,       NULL, 'p' },
		{ "from",       required_argument, NULL, 'f' },
		{ "root",       required_argument, NULL, 'r' },
		{ "color",      optional_argument, NULL, OPT_COLOR },
		{ "no-drop-reasons", no_argument,  NULL, OPT_NO_DROP_REASONS },
		{ "help",       no_argument,       NULL, 'h' },
		{ 0 }
	};
	int c, ret = 0;

	while (!ret && (c = nt_getopt(argc, argv, "audit", longopts)) != -1) {
		switch (c) {
		case 'i':
			ret = parse_interval(optarg, &o->interval);
			o->interval_set = true;
			break;
		case 'j': ret = set_format(o, NT_AUDIT_JSON); break;
		case 'p': ret = set_format(o, NT_AUDIT_PROMETHEUS); break;
		case 'f': ret = add_from(o, optarg); break;
		case 'r': o->root = optarg; break;
		case OPT_COLOR: ret = parse_color(optarg, &o->color); break;
		case OPT_NO_DROP_REASONS: o->no_drop_reasons = true; break;
		case 'h': audit_help(); return -1;
		default: return NT_EXIT_FAIL;	/* NT_OPT_BAD: reported */
		}
	}
	return ret ? ret : check_combination(o, argc, argv);
}

static bool want_color(enum color_when when)
{
	const char *term = getenv("TERM");
	const char *no_color = getenv("NO_COLOR");

	if (when != COLOR_AUTO)
		return when == COLOR_ALWAYS;
	/* https://no-color.org: set and not empty means no colour */
	if (no_color && *no_color)
		return false;
	return isatty(STDOUT_FILENO) && term && *term && strcmp(term, "dumb");
}

static void sleep_seconds(double s)
{
	struct timespec left = {
		.tv_sec = (time_t)s,
		.tv_nsec = (long)((s - (double)(time_t)s) * 1e9),
	};

	while (nanosleep(&left, &left) && errno == EINTR)
		;
}

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Why drop reasons are missing, kept for JSON and said once on stderr
 * otherwise (a JSON reader gets it in the document).
 */
static void drops_unavailable(const struct audit_opts *o,
			      struct audit_drops *d, const struct nt_err *err)
{
	const char *why = err->msg;

	if (!strncmp(why, "drops: ", 7))
		why += 7;
	snprintf(d->why, sizeof(d->why), "%s", why);
	if (o->format != NT_AUDIT_JSON)
		fprintf(stderr, "nettune: audit: drop reasons unavailable, "
			"auditing without them: %s\n", d->why);
}

/*
 * Attach the drop-reason aggregator before the first look.  When it cannot
 * be, the audit carries on without drop reasons and says why once.
 */
static void drops_attach(const struct audit_opts *o, struct audit_drops *d)
{
	struct nt_err err = { 0 };

	if (o->no_drop_reasons)
		return;
	if (nt_drop_watch_open(&d->watch, &err)) {
		drops_unavailable(o, d, &err);
		return;
	}
	d->attached = true;
	d->start = mono_now();
}

/* After the second look: the drops in between, named. */
static void drops_collect(const struct audit_opts *o, struct audit_drops *d)
{
	struct nt_err err = { 0 };

	if (!d->attached)
		return;
	if (nt_drop_watch_table(&d->watch, &d->table, mono_now() - d->start,
				&err))
		drops_unavailable(o, d, &err);
	else
		d->counted = true;
	nt_drop_watch_close(&d->watch);
	d->attached = false;
}

static void drops_free(struct audit_drops *d)
{
	nt_drop_watch_close(&d->watch);
	nt_drop_table_free(&d->table);
}

/*
 * The two looks of a live host (or one: --interval 0, --root), with the
 * drop reasons of the interval in between.
 */
static int look_live(const struct audit_opts *o, struct nt_host *prev,
		     struct nt_host *cur, bool *have_prev,
		     struct audit_drops *d, struct nt_err *err)
{
	const unsigned int flags = NT_COLLECT_DRIVER_STATS | NT_COLLECT_SOCKETS;

	*have_prev = !o->root && o->interval > 0;
	if (*have_prev) {
		drops_attach(o, d);
		if (nt_acquire_host(prev, NULL, NULL, NULL, flags, err))
			return -1;
		sleep_seconds(o->interval);
	}
	if (nt_acquire_host(cur, NULL, o->root, NULL, flags, err)) {
		if (*have_prev)
			nt_host_free(prev);
		return -1;
	}
	drops_collect(o, d);
	if (d->counted)
		cur->drops = &d->table;
	return 0;
}

/* One or two snapshots; the second must be a later look at the same boot. */
static int look_from(const struct audit_opts *o, struct nt_host *prev,
		     struct nt_host *cur, bool *have_prev, struct nt_err *err)
{
	*have_prev = o->n_from == 2;
	if (nt_acquire_host(cur, o->from[o->n_from - 1], NULL, NULL, 0, err))
		return -1;
	if (!*have_prev)
		return 0;
	if (nt_acquire_host(prev, o->from[0], NULL, NULL, 0, err)) {
		nt_host_free(cur);
		return -1;
	}
	if (cur->mono_ns > prev->mono_ns)
		return 0;
	nt_err_set(err, EINVAL, "%s was not taken after %s (wrong order, or "
		   "the host rebooted in between)", o->from[1], o->from[0]);
	nt_host_free(prev);
	nt_host_free(cur);
	return -1;
}

static int exit_status(enum nt_severity worst)
{
	switch (worst) {
	case NT_SEV_CRITICAL:	return NT_EXIT_CRIT;
	case NT_SEV_WARNING:	return NT_EXIT_WARN;
	default:		return NT_EXIT_OK;
	}
}

static int judge(const struct audit_opts *o, const struct nt_host *prev,
		 const struct nt_host *cur, const struct audit_drops *d)
{
	struct nt_audit_input in = {
		.prev = prev,
		.cur = cur,
		.seconds = nt_seconds_between(prev, cur),
	};
	struct nt_audit_report report = {
		.prev = prev,
		.cur = cur,
		.interval = in.seconds,
		.color = o->format == NT_AUDIT_TEXT && want_color(o->color),
		.drops = cur->drops,
		.drops_unavailable = d->why[0] ? d->why : NULL,
	};
	struct nt_findings findings = { 0 };
	enum nt_severity worst;
	int ret;

	if (nt_audit_run(&in, &findings))
		return nt_fail("audit: out of memory");
	report.findings = &findings;
	ret = nt_audit_print(stdout, &report, o->format);
	worst = nt_audit_worst(&findings);
	nt_findings_free(&findings);
	if (ret == -EIO)
		return nt_fail("audit: cannot write output");
	if (ret)
		return nt_fail("audit: out of memory");
	return exit_status(worst);
}

/**
 * cmd_audit() - nettune audit: judge the host, print the findings
 * @argc: arguments after the verb's name, getopt style
 * @argv: argv[0] is "audit"
 *
 * Return: NT_EXIT_OK, NT_EXIT_WARN or NT_EXIT_CRIT after the worst finding;
 * NT_EXIT_FAIL when the audit could not run (message printed once).
 */
int cmd_audit(int argc, char **argv)
{
	struct audit_opts o = { .interval = 1.0 };
	struct nt_host prev, cur;
	struct audit_drops drops = { 0 };
	struct nt_err err = { 0 };
	bool have_prev;
	int ret;

	ret = parse(argc, argv, &o);
	if (ret)
		return ret < 0 ? NT_EXIT_OK : ret;
	ret = o.n_from ? look_from(&o, &prev, &cur, &have_prev, &err) :
			 look_live(&o, &prev, &cur, &have_prev, &drops, &err);
	if (ret) {
		drops_free(&drops);
		return nt_fail_err(&err);
	}
	ret = judge(&o, have_prev ? &prev : NULL, &cur, &drops);
	drops_free(&drops);
	if (have_prev)
		nt_host_free(&prev);
	nt_host_free(&cur);
	return ret;
}
