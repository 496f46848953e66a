// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nettune top [-d S | --step] [-b] [-n N] [--json] [--record FILE | --replay FILE
 *             [--speed X]] [--root DIR] [--sort KEY] [--panes LIST]
 *             [--expand] [--hide-idle] [--no-drop-reasons]
 */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"
#include "../nettune.h"

#define INTERVAL_MIN	0.1
#define INTERVAL_MAX	3600.0
#define SPEED_MAX	1e6

static void top_help(void)
{
	puts("Usage: nettune top [-d S | --step] [-b [-n N] [--json]]\n"
	     "         [--record FILE | --replay FILE [--speed X]]\n"
	     "         [--root DIR] [--sort KEY] [--panes LIST]\n"
	     "         [--expand] [--hide-idle] [--no-drop-reasons]\n"
	     "\n"
	     "Show where packets die right now: drops per second per\n"
	     "CPU (softnet backlog, squeeze), NIC and queue, qdisc and\n"
	     "socket, the reasons the kernel gives for its drops, with\n"
	     "the worst finding of the audit on top.\n"
	     "\n"
	     "  -d, --delay S      seconds between samples, 0.1 to 3600\n"
	     "                     (default 1)\n"
	     "  -b, --batch        plain text frames on stdout, no\n"
	     "                     terminal needed\n"
	     "  -n, --iterations N stop after N frames\n"
	     "      --step         a sample each time a line is read on\n"
	     "                     standard input instead of by the\n"
	     "                     clock; end of input ends; implies -b\n"
	     "  -j, --json         with -b: one JSON object per frame\n"
	     "                     (JSON lines); implies -b\n"
	     "      --record FILE  also write every sample to FILE\n"
	     "                     (compact JSON lines)\n"
	     "      --replay FILE  play a recording instead of this host\n"
	     "      --speed X      replay X times as fast as recorded\n"
	     "                     (default 1; 0: no waiting)\n"
	     "  -r, --root DIR     read /proc under DIR (a captured\n"
	     "                     tree); netlink counters unknown\n"
	     "  -s, --sort KEY     drops (default), traffic or name\n"
	     "  -p, --panes LIST   panes to show, digits of 1 cpu,\n"
	     "                     2 nic, 3 qdisc, 4 sockets, 5 drop\n"
	     "                     reasons (default 12345)\n"
	     "  -e, --expand       a row per NIC queue\n"
	     "  -z, --hide-idle    leave out idle CPUs, NICs, qdiscs\n"
	     "      --no-drop-reasons  do not count the kernel's drop\n"
	     "                     reasons (counted by default on this\n"
	     "                     host: needs CAP_BPF and CAP_PERFMON)\n"
	     "  -h, --help         this help\n"
	     "\n"
	     "Keys: q quit, p pause, space refresh now, + and - change\n"
	     "the interval, s next sort key, 1-5 show or hide a pane,\n"
	     "e queues, z idle rows, h help.\n"
	     "\n"
	     "Exit status: 0 done (q, SIGINT, SIGTERM, -n frames, end\n"
	     "of a replay), 3 could not run.");
}

/* Plain decimal only: "1e3", "inf" and signs are typos here. */
static int parse_seconds(const char *opt, const char *s, double min,
			 double max, double *out)
{
	char msg[160];
	char *end;

	if (*s && strspn(s, "0123456789.") == strlen(s)) {
		errno = 0;
		*out = strtod(s, &end);
		if (!errno && !*end && *out >= min && *out <= max)
			return 0;
	}
	snprintf(msg, sizeof(msg), "%s %.40s: expected a number from %g "
		 "to %g", opt, s, min, max);
	return nt_usage_error("top", msg);
}

static int parse_frames(const char *s, long *out)
{
	char msg[160];
	char *end;

	if (*s && strspn(s, "0123456789") == strlen(s)) {
		errno = 0;
		*out = strtol(s, &end, 10);
		if (!errno && *out > 0)
			return 0;
	}
	snprintf(msg, sizeof(msg), "-n %.40s: expected a number of frames "
		 "from 1", s);
	return nt_usage_error("top", msg);
}

static int parse_sort(const char *s, enum nt_top_sort *out)
{
	char msg[160];

	for (int i = 0; i < NT_SORT_COUNT; i++)
		if (!strcmp(s, nt_top_sort_name(i))) {
			*out = i;
			return 0;
		}
	snprintf(msg, sizeof(msg), "--sort %.40s: expected drops, traffic "
		 "or name", s);
	return nt_usage_error("top", msg);
}

static int parse_panes(const char *s, struct nt_top_show *show)
{
	char msg[160];

	for (int i = 0; i < NT_PANE_COUNT; i++)
		show->pane[i] = false;
	for (const char *p = s; *p; p++) {
		if (*p < '1' || *p >= '1' + NT_PANE_COUNT) {
			snprintf(msg, sizeof(msg), "--panes %.40s: expected "
				 "digits 1 to %d", s, NT_PANE_COUNT);
			return nt_usage_error("top", msg);
		}
		show->pane[*p - '1'] = true;
	}
	if (!*s)
		return nt_usage_error("top", "--panes: expected digits 1 to 5");
	return 0;
}

static int check_combination(const struct top_opts *o, bool speed_set,
			     bool delay_set, int argc, char **argv)
{
	char msg[160];

	if (optind < argc) {
		snprintf(msg, sizeof(msg), "unexpected argument '%.40s'",
			 argv[optind]);
		return nt_usage_error("top", msg);
	}
	if (o->record && o->replay)
		return nt_usage_error("top", "--record and --replay exclude "
				      "each other");
	if (speed_set && !o->replay)
		return nt_usage_error("top", "--speed applies to --replay only");
	if (o->replay && (o->root || delay_set || o->step))
		return nt_usage_error("top", "a replay has its own times: "
				      "--root, -d and --step do not apply");
	if (o->step && delay_set)
		return nt_usage_error("top", "--step takes a sample per line "
				      "of input: -d does not apply");
	return 0;
}

static int parse(int argc, char **argv, struct top_opts *o)
{
	enum { OPT_RECORD = 256, OPT_REPLAY, OPT_SPEED, OPT_STEP,
	       OPT_NO_DROP_REASONS };
	static const struct option longopts[] = {
		{ "delay",      required_argument, NULL, 'd' },
		{ "batch",      no_argument,       NULL, 'b' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "json",       no_argument,       NULL, 'j' },
		{ "record",     required_argument, NULL, OPT_RECORD },
		{ "replay",     required_argument, NULL, OPT_REPLAY },
		{ "speed",      required_argument, NULL, OPT_SPEED },
		{ "step",       no_argument,       NULL, OPT_STEP },
		{ "root",       required_argument, NULL, 'r' },
		{ "sort",       required_argument, NULL, 's' },
		{ "panes",      required_argument, NULL, 'p' },
		{ "expand",     no_argument,       NULL, 'e' },
		{ "hide-idle",  no_argument,       NULL, 'z' },
		{ "no-drop-reasons", no_argument,  NULL, OPT_NO_DROP_REASONS },
		{ "help",       no_argument,       NULL, 'h' },
		{ 0 }
	};
	bool speed_set = false, delay_set = false;
	int c, ret = 0;

	while (!ret && (c = nt_getopt(argc, argv, "top", longopts)) != -1) {
		switch (c) {
		case 'd':
			ret = parse_seconds("-d", optarg, INTERVAL_MIN,
					    INTERVAL_MAX, &o->interval);
			delay_set = true;
			break;
		case 'b': o->batch = true; break;
		case 'n': ret = parse_frames(optarg, &o->frames); break;
		case 'j': o->json = o->batch = true; break;
		case OPT_RECORD: o->record = optarg; break;
		case OPT_REPLAY: o->replay = optarg; break;
		case OPT_SPEED:
			ret = parse_seconds("--speed", optarg, 0, SPEED_MAX,
					    &o->speed);
			speed_set = true;
			break;
		case OPT_STEP: o->step = o->batch = true; break;
		case 'r': o->root = optarg; break;
		case 's': ret = parse_sort(optarg, &o->sort); break;
		case 'p': ret = parse_panes(optarg, &o->show); break;
		case 'e': o->show.expand = true; break;
		case 'z': o->show.hide_idle = true; break;
		case OPT_NO_DROP_REASONS: o->no_drop_reasons = true; break;
		case 'h': top_help(); return -1;
		default: return NT_EXIT_FAIL;	/* NT_OPT_BAD: reported */
		}
	}
	return ret ? ret : check_combination(o, speed_set, delay_set, argc,
					     argv);
}

/**
 * cmd_top() - nettune top: drops per CPU, NIC queue, qdisc and socket, live
 * @argc: arguments after the verb's name, getopt style
 * @argv: argv[0] is "top"
 *
 * Return: NT_EXIT_OK when it ran to its end; NT_EXIT_FAIL when it could not
 * run (message printed once).
 */
int cmd_top(int argc, char **argv)
{
	struct top_opts o = { .interval = 1.0, .speed = 1.0 };
	int ret;

	nt_top_show_default(&o.show);
	ret = parse(argc, argv, &o);
	if (ret)
		return ret < 0 ? NT_EXIT_OK : ret;
	/* wide characters for the view; numbers stay in the C locale */
	setlocale(LC_CTYPE, "");
	return top_run(&o);
}
