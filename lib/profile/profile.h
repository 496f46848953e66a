/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_PROFILE_PROFILE_H
#define NT_PROFILE_PROFILE_H

#include <stddef.h>

#include "util/err.h"

/*
 * A tuning profile: INI files parsed with inih.  Sections:
 *   [main]        summary = TEXT, include = NAME[, NAME...]
 *   [sysctl]      KEY = VALUE           (a key nettune manages, literal)
 *   [rings]       rx|tx = N | max | max N   ("max N": the maximum, capped)
 *   [channels]    combined|rx|tx = N | max | local-cores
 *   [irq]         affinity = spread-local | spread | CPULIST
 *   [rps]         cpus = auto | off | CPULIST ; flow_cnt = N
 *   [xps]         cpus = match-irq | off | CPULIST
 *   [qdisc]       root = KIND ; txqlen = N
 *   [congestion]  algorithm = NAME[, NAME...] ; qdisc = KIND
 * Interface sections may be limited: "[rings eth*]" (name glob) or
 * "[rings driver=mlx5_core]".  Includes are flattened: an included
 * profile's entries come first, so the including file's later entries win.
 */

#define NT_PROFILE_NAME_LEN	64

struct nt_profile_entry {
	char section[16];	/* "sysctl", "rings", ... */
	char match[64];		/* "" all, "eth*" glob, "driver=mlx5_core" */
	char key[64];
	char value[256];
	char file[4096];	/* where it was set */
	int line;
};

struct nt_profile {
	char name[NT_PROFILE_NAME_LEN];	/* "throughput" */
	char path[4096];		/* file it was loaded from */
	char summary[256];
	struct nt_profile_entry *v;	/* flattened, in effect order */
	size_t n;
};

/**
 * nt_profile_dirs() - the profile search path, most important first
 * @extra: --profile-dir, or NULL
 * @dirs: out, at least 4 entries, NULL-ended: @extra, /etc/nettune/profiles,
 *        the shipped directory (NT_DATADIR/profiles, or ./profiles when
 *        running from the source tree)
 */
void nt_profile_dirs(const char *extra, const char *dirs[4]);

/**
 * nt_profile_load() - load and flatten a profile
 * @name: a name searched in @dirs ("throughput"), or a path to a .conf file
 * @dirs: NULL-ended search path (nt_profile_dirs)
 * @out: filled on success; free with nt_profile_free()
 * @err: "FILE:LINE: message" for unknown sections or keys, bad values,
 *       include cycles and missing includes; "NAME: no such profile (searched
 *       DIR, DIR)" when not found
 *
 * Return: 0, -EINVAL, -ENOENT or -ENOMEM.
 */
int nt_profile_load(const char *name, const char *const *dirs,
		    struct nt_profile *out, struct nt_err *err);

void nt_profile_free(struct nt_profile *profile);

struct nt_profile_info {
	char name[NT_PROFILE_NAME_LEN];
	char path[4096];
	char summary[256];
};

/**
 * nt_profile_list() - every profile in @dirs; a name found in an earlier
 * directory hides the same name later (local wins over shipped)
 * Return: 0 or negative errno.
 */
int nt_profile_list(const char *const *dirs, struct nt_profile_info **out,
		    size_t *n, struct nt_err *err);

#endif
