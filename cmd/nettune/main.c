// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nettune: find where a Linux host drops packets, tune it, watch it.
 */
#include <stdio.h>
#include <string.h>

#include "nettune.h"
#include "util/array.h"

static const struct nt_verb verbs[] = {
	{ "audit",    cmd_audit,    "why packets are dropped, and what to change" },
	{ "show",     cmd_show,     "configuration as it is: NICs, queues, IRQs, sysctls" },
	{ "snapshot", cmd_snapshot, "save the whole host as JSON, or show a saved one" },
	{ "recommend", cmd_recommend, "what a tuning profile would change, and why" },
	{ "apply",    cmd_apply,    "apply a profile or plan as a transaction" },
	{ "verify",   cmd_verify,   "report drift from the last applied plan or a profile" },
	{ "rollback", cmd_rollback, "undo the last (or a given) apply" },
	{ "history",  cmd_history,  "list the journals of past applies" },
	{ "profile",  cmd_profile,  "list the profiles, or show one resolved" },
	{ "top",      cmd_top,      "live drops per CPU, NIC queue, qdisc and socket" },
	{ "drops",    cmd_drops,    "why the kernel dropped packets: its reasons, counted" },
};

static void usage(FILE *out)
{
	fputs("Usage: nettune VERB [OPTIONS]\n"
	      "       nettune VERB --help\n"
	      "       nettune --version\n\nVerbs:\n", out);
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		fprintf(out, "  %-11s %s\n", verbs[i].name, verbs[i].summary);
	fputs("\nExit status: 0 fine, 1 warnings or drift, 2 critical, "
	      "3 could not run.\nSee nettune(8).\n", out);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return NT_EXIT_FAIL;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return NT_EXIT_OK;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("nettune %s\n", NT_VERSION);
		return NT_EXIT_OK;
	}
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		if (!strcmp(argv[1], verbs[i].name))
			return verbs[i].run(argc - 1, argv + 1);
	return nt_fail("unknown verb '%s'; see 'nettune --help'", argv[1]);
}
