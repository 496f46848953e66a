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
#include <unistd.h>

#include "plan/plan.h"

/* NETTUNE_SYSCONFDIR lets tests persist into a directory of their own. */
static const char *sysconfdir(void)
{
	const char *dir = getenv("NETTUNE_SYSCONFDIR");

	return dir && *dir ? dir : "/etc";
}

static int write_text(const char *path, const char *tmp_suffix,
		      int (*fill)(FILE *f, const void *arg), const void *arg,
		      struct nt_err *err)
{
	char tmp[4200];
	FILE *f;
	int ret;

	snprintf(tmp, sizeof(tmp), "%s%s", path, tmp_suffix);
	f = fopen(tmp, "we");
	if (!f)
		return nt_err_set(err, errno, "%s: cannot write: %s", tmp,
				  strerror(errno));
	ret = fill(f, arg);
	if (fflush(f) || fsync(fileno(f)))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret) {
		remove(tmp);
		return nt_err_set(err, -ret, "%s: cannot write: %s", path,
				  strerror(-ret));
	}
	return 0;
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
		ret = write_text(path, ".tmp", fill_sysctl, plan, err);
	}
	if (!ret) {
		snprintf(path, sizeof(path), "%s/nettune", sysconfdir());
		ret = make_dir(path, err);
	}
	if (!ret) {
		snprintf(path, sizeof(path), "%s/nettune/active", sysconfdir());
		ret = write_text(path, ".tmp", fill_active, source, err);
	}
	return ret;
}
