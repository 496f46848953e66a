// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nettune snapshot save FILE [--root DIR] [--no-driver-stats]
 * nettune snapshot show FILE [--json]
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "collect.h"
#include "model/snapshot.h"
#include "nettune.h"
#include "output/show.h"

static void snapshot_help(void)
{
	puts("Usage: nettune snapshot save FILE [--root DIR] [--no-driver-stats]\n"
	     "       nettune snapshot show FILE [--json]\n"
	     "\n"
	     "save  write the whole host (configuration and every counter: link,\n"
	     "      qdisc and driver statistics, softnet, interrupts, softirqs,\n"
	     "      SNMP, sockstat) as a versioned JSON snapshot to FILE\n"
	     "show  print a saved snapshot like 'nettune show'\n"
	     "\n"
	     "  -r, --root DIR          read procfs and sysfs under DIR\n"
	     "      --no-driver-stats   leave out ethtool -S counters\n"
	     "  -j, --json              (show) print the snapshot document\n"
	     "  -h, --help              this help\n"
	     "\n"
	     "A snapshot can be read back by 'nettune show --from FILE'.\n"
	     "Exit status: 0 done, 3 could not run.");
}

struct snapshot_opts {
	bool json;
	bool no_driver_stats;
	const char *root;
};

static int parse(int argc, char **argv, struct snapshot_opts *o)
{
	enum { OPT_NO_DRV = 256 };
	static const struct option longopts[] = {
		{ "json",            no_argument,       NULL, 'j' },
		{ "root",            required_argument, NULL, 'r' },
		{ "no-driver-stats", no_argument,       NULL, OPT_NO_DRV },
		{ "help",            no_argument,       NULL, 'h' },
		{ 0 }
	};
	int c;

	while ((c = nt_getopt(argc, argv, "snapshot", longopts)) != -1) {
		switch (c) {
		case 'j': o->json = true; break;
		case 'r': o->root = optarg; break;
		case OPT_NO_DRV: o->no_driver_stats = true; break;
		case 'h': snapshot_help(); return -1;
		default: return NT_EXIT_FAIL;	/* NT_OPT_BAD: reported */
		}
	}
	return 0;
}

static int snapshot_save(const char *file, const struct snapshot_opts *o)
{
	unsigned int flags = NT_COLLECT_SOCKETS |
			     (o->no_driver_stats ? 0 : NT_COLLECT_DRIVER_STATS);
	struct nt_err err = { 0 };
	struct nt_host host;
	int ret;

	if (nt_acquire_host(&host, NULL, o->root, NULL, flags, &err))
		return nt_fail_err(&err);
	ret = nt_snapshot_save(&host, file, &err);
	nt_host_free(&host);
	return ret ? nt_fail_err(&err) : NT_EXIT_OK;
}

static int snapshot_show(const char *file, const struct snapshot_opts *o)
{
	struct nt_err err = { 0 };
	struct nt_host host;
	int ret = 0;

	if (o->root)
		return nt_usage_error("snapshot", "show takes no --root");
	if (nt_acquire_host(&host, file, NULL, NULL, 0, &err))
		return nt_fail_err(&err);
	if (o->json)
		ret = nt_show_json(stdout, &host, NULL);
	else
		nt_show_text(stdout, &host, true);
	nt_host_free(&host);
	if (ret || fflush(stdout))
		return nt_fail("snapshot: cannot write output");
	return NT_EXIT_OK;
}

int cmd_snapshot(int argc, char **argv)
{
	struct snapshot_opts o = { 0 };
	const char *action, *file;
	int ret;

	ret = parse(argc, argv, &o);
	if (ret)
		return ret < 0 ? NT_EXIT_OK : ret;
	if (argc - optind != 2)
		return nt_usage_error("snapshot", "expected 'save FILE' or 'show FILE'");
	action = argv[optind];
	file = argv[optind + 1];
	if (!strcmp(action, "save")) {
		if (o.json)
			return nt_usage_error("snapshot", "save takes no --json");
		return snapshot_save(file, &o);
	}
	if (!strcmp(action, "show"))
		return snapshot_show(file, &o);
	return nt_usage_error("snapshot", "expected 'save FILE' or 'show FILE'");
}
