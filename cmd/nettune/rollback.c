// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nettune rollback [JOURNAL-ID] [--state-dir DIR]
 * nettune history [--json] [--state-dir DIR]
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <json-c/json.h>

#include "nettune.h"
#include "tuning.h"
#include "util/json.h"

static void rollback_help(void)
{
	puts("Usage: nettune rollback [JOURNAL-ID] [--state-dir DIR]\n"
	     "\n"
	     "Restore every value an apply changed, exactly as it was, newest\n"
	     "change first: the last apply, or the journal JOURNAL-ID (see\n"
	     "'nettune history').  Works after an apply was killed half-way.\n"
	     "\n"
	     "      --state-dir DIR  journals (default /var/lib/nettune, or\n"
	     "                       NETTUNE_STATE_DIR)\n"
	     "  -h, --help           this help\n"
	     "\n"
	     "Exit status: 0 restored, 3 could not run (no such journal, nothing\n"
	     "to roll back, no privilege).");
}

int cmd_rollback(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "help",      no_argument,       NULL, 'h' },
		{ 0 }
	};
	struct nt_apply_result res = { .failed = -1 };
	struct nt_tuning_opts o = { 0 };
	struct nt_err err = { 0 };
	struct nt_root root;
	int ret;

	nt_trust_verb(true);
	ret = nt_tuning_parse(argc, argv, "rollback", longopts, &o,
			      rollback_help, NULL, NULL);
	if (ret)
		return ret < 0 ? NT_EXIT_OK : ret;
	if (argc - optind > 1)
		return nt_usage_error("rollback", "expected at most one JOURNAL-ID");
	if (nt_root_open(&root, "/", &err))
		return nt_fail_err(&err);
	ret = nt_rollback(&root, nt_state_dir(&o),
			  optind < argc ? argv[optind] : NULL, &res, &err);
	nt_root_close(&root);
	if (ret)
		return nt_fail_err(&err);
	printf("rolled back journal %s: %zu value%s restored\n",
	       res.journal_id, res.applied, res.applied == 1 ? "" : "s");
	return NT_EXIT_OK;
}

static void history_help(void)
{
	puts("Usage: nettune history [--json] [--state-dir DIR]\n"
	     "\n"
	     "List the journals of past applies, oldest first: id, time, profile,\n"
	     "state (applied, undone, rolled-back, in-progress) and changes.\n"
	     "\n"
	     "  -j, --json           JSON array\n"
	     "      --state-dir DIR  journals (default /var/lib/nettune)\n"
	     "  -h, --help           this help");
}

static void print_history_json(const struct nt_journal_info *v, size_t n)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; arr && i < n; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "id", json_object_new_string(v[i].id));
		json_object_object_add(o, "profile",
				       json_object_new_string(v[i].profile));
		json_object_object_add(o, "state",
				       json_object_new_string(v[i].state));
		json_object_object_add(o, "started_ns",
				       json_object_new_int64(v[i].started_ns));
		json_object_object_add(o, "changes",
				       json_object_new_int64(v[i].n_changes));
		json_object_array_add(arr, o);
	}
	puts(json_object_to_json_string_ext(arr, NT_JSON_FLAGS));
	json_object_put(arr);
}

int cmd_history(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json",      no_argument,       NULL, 'j' },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "help",      no_argument,       NULL, 'h' },
		{ 0 }
	};
	struct nt_tuning_opts o = { 0 };
	struct nt_err err = { 0 };
	struct nt_journal_info *v;
	size_t n;
	int ret;

	ret = nt_tuning_parse(argc, argv, "history", longopts, &o,
			      history_help, NULL, NULL);
	if (ret)
		return ret < 0 ? NT_EXIT_OK : ret;
	if (optind != argc)
		return nt_usage_error("history", "takes no arguments");
	if (nt_history(nt_state_dir(&o), &v, &n, &err))
		return nt_fail_err(&err);
	if (o.json)
		print_history_json(v, n);
	else if (!n)
		puts("no applies recorded");
	for (size_t i = 0; !o.json && i < n; i++)
		printf("%-28s %-12s %-18s %zu change%s\n", v[i].id, v[i].state,
		       v[i].profile, v[i].n_changes,
		       v[i].n_changes == 1 ? "" : "s");
	free(v);
	return NT_EXIT_OK;
}
