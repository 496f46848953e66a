// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nettune profile list | show NAME
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nettune.h"
#include "profile/profile.h"
#include "tuning.h"

static void profile_help(void)
{
	puts("Usage: nettune profile list [--profile-dir DIR]\n"
	     "       nettune profile show NAME|FILE [--profile-dir DIR]\n"
	     "\n"
	     "list  the shipped and local profiles (a profile in\n"
	     "      /etc/nettune/profiles hides a shipped one of the same name)\n"
	     "show  a profile resolved: includes flattened, each value with the\n"
	     "      file and line it comes from\n"
	     "\n"
	     "      --profile-dir DIR look for profiles in DIR first\n"
	     "  -h, --help            this help\n"
	     "\n"
	     "See nettune-profile(5) for the format.  Exit status: 0 done,\n"
	     "3 could not run (unknown or malformed profile).");
}

static int profile_list(const char *const *dirs)
{
	struct nt_profile_info *info;
	struct nt_err err = { 0 };
	size_t n;

	if (nt_profile_list(dirs, &info, &n, &err))
		return nt_fail_err(&err);
	for (size_t i = 0; i < n; i++)
		printf("%-20s %s\n    %s\n", info[i].name, info[i].summary,
		       info[i].path);
	free(info);
	return NT_EXIT_OK;
}

static int profile_show(const char *name, const char *const *dirs)
{
	struct nt_profile profile;
	struct nt_err err = { 0 };
	char section[96] = "";

	if (nt_profile_load(name, dirs, &profile, &err))
		return nt_fail_err(&err);
	printf("# %s: %s\n# from %s\n", profile.name, profile.summary,
	       profile.path);
	for (size_t i = 0; i < profile.n; i++) {
		const struct nt_profile_entry *e = &profile.v[i];
		char this[96];

		snprintf(this, sizeof(this), "%s%s%s", e->section,
			 e->match[0] ? " " : "", e->match);
		if (strcmp(this, section)) {
			printf("\n[%s]\n", this);
			snprintf(section, sizeof(section), "%s", this);
		}
		printf("%s = %s\t# %s:%d\n", e->key, e->value, e->file,
		       e->line);
	}
	nt_profile_free(&profile);
	return NT_EXIT_OK;
}

int cmd_profile(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "profile-dir", required_argument, NULL, OPT_PROFILE_DIR },
		{ "help",        no_argument,       NULL, 'h' },
		{ 0 }
	};
	struct nt_tuning_opts o = { 0 };
	const char *dirs[4];
	int ret;

	nt_trust_verb(false);
	ret = nt_tuning_parse(argc, argv, "profile", longopts, &o,
			      profile_help, NULL, NULL);
	if (ret)
		return ret < 0 ? NT_EXIT_OK : ret;
	nt_profile_dirs(o.profile_dir, dirs);
	if (argc - optind == 1 && !strcmp(argv[optind], "list"))
		return profile_list(dirs);
	if (argc - optind == 2 && !strcmp(argv[optind], "show"))
		return profile_show(argv[optind + 1], dirs);
	return nt_usage_error("profile", "expected 'list' or 'show NAME'");
}
