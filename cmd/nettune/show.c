// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nettune show [IFACE...] [--json] [--root DIR | --from SNAPSHOT]
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "collect.h"
#include "nettune.h"
#include "output/show.h"

static void show_help(void)
{
	puts("Usage: nettune show [IFACE...] [--json] [--root DIR | --from SNAPSHOT]\n"
	     "\n"
	     "Print the network configuration as it is: per interface the driver,\n"
	     "speed, NUMA node, MTU, qdisc, rings and channels (current/max), each\n"
	     "queue's RPS/XPS CPUs and each queue IRQ with its CPUs; per host the\n"
	     "CPUs and NUMA nodes, net sysctls, congestion control and irqbalance.\n"
	     "\n"
	     "  IFACE...          only these interfaces (host part left out)\n"
	     "  -j, --json        the snapshot document (see nettune(8)) on stdout\n"
	     "  -r, --root DIR    read procfs and sysfs under DIR (a captured tree);\n"
	     "                    netlink facts are then unknown\n"
	     "  -f, --from FILE   show a snapshot saved by 'nettune snapshot save'\n"
	     "  -h, --help        this help\n"
	     "\n"
	     "Exit status: 0 shown, 3 could not run (bad usage, unknown interface,\n"
	     "unreadable or malformed snapshot).");
}

struct show_opts {
	bool json;
	const char *root;
	const char *from;
};

static int parse(int argc, char **argv, struct show_opts *o)
{
	static const struct option longopts[] = {
		{ "json", no_argument,       NULL, 'j' },
		{ "root", required_argument, NULL, 'r' },
		{ "from", required_argument, NULL, 'f' },
		{ "help", no_argument,       NULL, 'h' },
		{ 0 }
	};
	int c;

	while ((c = nt_getopt(argc, argv, "show", longopts)) != -1) {
		switch (c) {
		case 'j': o->json = true; break;
		case 'r': o->root = optarg; break;
		case 'f': o->from = optarg; break;
		case 'h': show_help(); return -1;
		default: return NT_EXIT_FAIL;	/* NT_OPT_BAD: reported */
		}
	}
	if (o->root && o->from)
		return nt_usage_error("show", "--root and --from exclude each other");
	return 0;
}

int cmd_show(int argc, char **argv)
{
	struct show_opts o = { 0 };
	struct nt_host host;
	struct nt_err err = { 0 };
	const char *const *only;
	int ret;

	ret = parse(argc, argv, &o);
	if (ret)
		return ret < 0 ? NT_EXIT_OK : ret;
	only = optind < argc ? (const char *const *)&argv[optind] : NULL;
	if (nt_acquire_host(&host, o.from, o.root, only, 0, &err))
		return nt_fail_err(&err);
	if (o.json)
		ret = nt_show_json(stdout, &host, only);
	else
		nt_show_text(stdout, &host, !only);
	nt_host_free(&host);
	if (ret || fflush(stdout))
		return nt_fail("show: cannot write output");
	return NT_EXIT_OK;
}
