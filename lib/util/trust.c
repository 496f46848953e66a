// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Who could have written a file: its owner and mode, and those of every
 * directory above it.  See util/trust.h.
 */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/str.h"
#include "util/trust.h"

#define GO_WRITE	(S_IWGRP | S_IWOTH)

static enum nt_trust_mode policy_mode = NT_TRUST_STRICT;
static void (*policy_warn)(const char *msg);

void nt_trust_set_policy(enum nt_trust_mode mode, void (*warn)(const char *))
{
	policy_mode = mode;
	policy_warn = warn;
}

bool nt_trust_bypassed(void)
{
	const char *env = getenv("NETTUNE_TRUST_ANY");

	return env && !strcmp(env, "1");
}

static void owner_name(uid_t uid, char *buf, size_t size)
{
	struct passwd pw, *found = NULL;
	char scratch[1024];

	if (!getpwuid_r(uid, &pw, scratch, sizeof(scratch), &found) && found)
		snprintf(buf, size, "%s", pw.pw_name);
	else
		snprintf(buf, size, "uid %u", (unsigned int)uid);
}

static bool owner_ok(const struct stat *st, uid_t uid)
{
	return st->st_uid == 0 || st->st_uid == uid;
}

/*
 * "PATH: not trusted: [its directory DIR is] owned by O with mode M; ...:
 * FIX" where FIX is the chown and/or chmod that makes @obj safe.
 */
static int refuse(const char *path, const char *dir, const struct stat *st,
		  uid_t uid, struct nt_err *err)
{
	const char *obj = dir ? dir : path;
	char owner[64], fix[PATH_MAX * 2 + 32];
	size_t len = 0;

	owner_name(st->st_uid, owner, sizeof(owner));
	fix[0] = '\0';
	if (!owner_ok(st, uid))
		nt_str_append(fix, sizeof(fix), &len, "chown root '%s'", obj);
	if (st->st_mode & GO_WRITE)
		nt_str_append(fix, sizeof(fix), &len, "%schmod go-w '%s'",
			      len ? "; " : "", obj);
	return nt_err_set(err, EPERM,
			  "%s: not trusted: %s%s%sowned by %s with mode %04o; nettune acts only on files that root or you alone can change: %s",
			  path, dir ? "its directory " : "", dir ? dir : "",
			  dir ? " is " : "", owner,
			  (unsigned int)(st->st_mode & 07777), fix);
}

/* Each directory above @real, up to /; a sticky one may be shared. */
static int check_parents(const char *path, const char *real, uid_t uid,
			 struct nt_err *err)
{
	char dir[PATH_MAX];
	struct stat st;
	char *slash;

	if (strlen(real) >= sizeof(dir))
		return nt_err_set(err, ENAMETOOLONG, "%s: path too long", path);
	strcpy(dir, real);
	while ((slash = strrchr(dir, '/')) && strcmp(dir, "/")) {
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (stat(dir, &st))
			return nt_err_set(err, errno, "%s: cannot check %s: %s",
					  path, dir, strerror(errno));
		if (!owner_ok(&st, uid) ||
		    ((st.st_mode & GO_WRITE) && !(st.st_mode & S_ISVTX)))
			return refuse(path, dir, &st, uid, err);
	}
	return 0;
}

int nt_trust_check_fd(int fd, const char *path, uid_t uid, struct nt_err *err)
{
	char real[PATH_MAX];
	struct stat st, again;

	if (fstat(fd, &st))
		return nt_err_set(err, errno, "%s: cannot check: %s", path,
				  strerror(errno));
	if (!S_ISREG(st.st_mode))
		return nt_err_set(err, EPERM,
				  "%s: not trusted: not a regular file", path);
	if (!owner_ok(&st, uid) || (st.st_mode & GO_WRITE))
		return refuse(path, NULL, &st, uid, err);
	/* The directories above the file that was opened, not a new one. */
	if (!realpath(path, real) || stat(real, &again))
		return nt_err_set(err, errno, "%s: cannot check: %s", path,
				  strerror(errno));
	if (again.st_dev != st.st_dev || again.st_ino != st.st_ino)
		return nt_err_set(err, EPERM,
				  "%s: not trusted: it was replaced while being read",
				  path);
	return check_parents(path, real, uid, err);
}

int nt_trust_check_dir(const char *path, uid_t uid, struct nt_err *err)
{
	char real[PATH_MAX];
	struct stat st;

	if (!realpath(path, real) || stat(real, &st))
		return nt_err_set(err, errno, "%s: cannot check: %s", path,
				  strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return nt_err_set(err, ENOTDIR, "%s: not a directory", path);
	/* Sticky or not: anyone could add a file to it. */
	if (!owner_ok(&st, uid) || (st.st_mode & GO_WRITE))
		return refuse(path, NULL, &st, uid, err);
	return check_parents(path, real, uid, err);
}

int nt_trust_check_private_dir(const char *path, uid_t uid,
			       struct nt_err *err)
{
	char owner[64];
	struct stat st;

	if (lstat(path, &st))
		return errno == ENOENT ? -ENOENT :
		       nt_err_set(err, errno, "%s: cannot check: %s", path,
				  strerror(errno));
	if (S_ISLNK(st.st_mode))
		return nt_err_set(err, EPERM,
				  "%s: is a symbolic link; the state directory must be a directory of its own: remove the link or choose another with --state-dir",
				  path);
	if (!S_ISDIR(st.st_mode))
		return nt_err_set(err, ENOTDIR,
				  "%s: not a directory; the state directory must be one (see --state-dir)",
				  path);
	owner_name(st.st_uid, owner, sizeof(owner));
	if (!owner_ok(&st, uid))
		return nt_err_set(err, EPERM,
				  "%s: owned by %s with mode %04o; the state directory must be root's: chown root '%s' (or choose another with --state-dir)",
				  path, owner, (unsigned int)(st.st_mode & 07777),
				  path);
	if (st.st_mode & GO_WRITE)
		return nt_err_set(err, EPERM,
				  "%s: owned by %s with mode %04o, writable by others; the state directory must not be: chmod 0700 '%s'",
				  path, owner, (unsigned int)(st.st_mode & 07777),
				  path);
	return 0;
}

/* The policy: a refusal stays one, or becomes a warning. */
static int verdict(int ret, const struct nt_err *inner, struct nt_err *err)
{
	char msg[sizeof(inner->msg) + 64];
	bool bypass = nt_trust_bypassed();

	if (ret != -EPERM) {
		if (ret)
			nt_err_set(err, inner->code, "%s", inner->msg);
		return ret;
	}
	if (policy_mode == NT_TRUST_STRICT && !bypass)
		return nt_err_set(err, EPERM, "%s", inner->msg);
	if (policy_warn) {
		snprintf(msg, sizeof(msg), "%s (%s)", inner->msg,
			 bypass ? "used anyway: NETTUNE_TRUST_ANY=1" :
			 "only read; apply refuses it");
		policy_warn(msg);
	}
	return 0;
}

int nt_trust_fd(int fd, const char *path, struct nt_err *err)
{
	struct nt_err inner = { 0 };

	return verdict(nt_trust_check_fd(fd, path, getuid(), &inner), &inner,
		       err);
}

int nt_trust_dir(const char *path, struct nt_err *err)
{
	struct nt_err inner = { 0 };

	return verdict(nt_trust_check_dir(path, getuid(), &inner), &inner,
		       err);
}
