// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * apply --persist: what survives a reboot.  Sysctls go to sysctl.d (the
 * system applies them early); the profile's name goes to
 * /etc/nettune/active for nettune.service to re-apply the rest.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plan/plan.h"
#include "util/file.h"

/* NETTUNE_SYSCONFDIR lets tests persist into a directory of their own. */
static const char *sysconfdir(void)
{
	const char *dir = getenv("NETTUNE_SYSCONFDIR");

	return dir && *dir ? dir : "/etc";
}

/* The file's whole text, built in memory, then written atomically. */
static int write_text(const char *path, int (*fill)(FILE *f, const void *arg),
		      const void *arg, struct nt_err *err)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int ret;

	if (!f)
		return nt_err_set(err, ENOMEM, "%s: out of memory", path);
	ret = fill(f, arg);
	if (fclose(f) || ret) {
		free(text);
		return nt_err_set(err, ENOMEM, "%s: out of memory", path);
	}
	/* nt_file_write_atomic adds the final newline */
	if (len && text[len - 1] == '\n')
		text[len - 1] = '\0';
	ret = nt_file_write_atomic(path, text, err);
	free(text);
	return ret;
}

static int fill_sysctl(FILE *f, const void *arg)
{
	const struct nt_plan *plan = arg;

	fprintf(f, "# Written by 'nettune apply --persist' (profile %s).\n"
		"# 'nettune rollback' does not remove it: delete this file to "
		"stop persisting.\n", plan->profile);
	for (size_t i = 0; i < plan->n; i++)
		if (!strcmp(plan->v[i].knob, "sysctl"))
			fprintf(f, "%s = %s\n", plan->v[i].subject,
				plan->v[i].target);
	return ferror(f) ? -EIO : 0;
}

static int fill_active(FILE *f, const void *arg)
{
	fprintf(f, "%s\n", (const char *)arg);
	return ferror(f) ? -EIO : 0;
}

static int make_dir(const char *path, struct nt_err *err)
{
	if (mkdir(path, 0755) && errno != EEXIST)
		return nt_err_set(err, errno, "%s: cannot create: %s", path,
				  strerror(errno));
	return 0;
}

/**
 * nt_persist() - make @plan survive a reboot
 * @source: the profile name or plan path given to apply
 */
int nt_persist(const struct nt_plan *plan, const char *source,
	       struct nt_err *err)
{
	char path[4096], real[4096];
	int ret;

	/* a plan path must still resolve at boot, from another cwd */
	if (realpath(source, real))
		source = real;
	snprintf(path, sizeof(path), "%s/sysctl.d", sysconfdir());
	ret = make_dir(path, err);
	if (!ret) {
		snprintf(path, sizeof(path), "%s/sysctl.d/90-nettune.conf",
			 sysconfdir());
		ret = write_text(path, fill_sysctl, plan, err);
	}
	if (!ret) {
		snprintf(path, sizeof(path), "%s/nettune", sysconfdir());
		ret = make_dir(path, err);
	}
	if (!ret) {
		snprintf(path, sizeof(path), "%s/nettune/active", sysconfdir());
		ret = write_text(path, fill_active, source, err);
	}
	return ret;
}
