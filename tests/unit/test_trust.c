// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * util/trust.c (who could have written a file), sys/spawn.c (programs by
 * absolute path, minimal environment) and the new-file rule of
 * nt_file_replace(), on real files with real owners and modes.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "sys/spawn.h"
#include "testlib.h"
#include "util/file.h"
#include "util/trust.h"

#define NOBODY	65534

struct fx {
	char dir[64];
	char path[4096];
	struct nt_err err;
};

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));

	strcpy(f->dir, "/tmp/nt-trust-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	unsetenv("NETTUNE_TRUST_ANY");
	nt_trust_set_policy(NT_TRUST_STRICT, NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	tree_remove(f->dir);
	free(f);
	return 0;
}

/* @rel under the fixture's directory, mode @mode; its path in f->path */
static const char *put(struct fx *f, const char *rel, mode_t mode)
{
	tree_put(f->dir, rel, "[sysctl]\n");
	snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, rel);
	assert_int_equal(chmod(f->path, mode), 0);
	return f->path;
}

static void dir_mode(struct fx *f, const char *rel, mode_t mode)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", f->dir, rel);
	assert_int_equal(chmod(path, mode), 0);
}

static int check(struct fx *f, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	assert_true(fd >= 0);
	nt_err_clear(&f->err);
	ret = nt_trust_check_fd(fd, path, getuid(), &f->err);
	close(fd);
	return ret;
}

static void need_root(void)
{
	if (getuid() != 0)
		skip();
}

/* ---- files ---- */

static void test_own_file_is_trusted(void **state)
{
	struct fx *f = *state;

	assert_int_equal(check(f, put(f, "a/b/p.conf", 0644)), 0);
	assert_int_equal(check(f, put(f, "a/b/q.conf", 0600)), 0);
}

static void test_writable_file_is_refused(void **state)
{
	struct fx *f = *state;
	const char *path = put(f, "p.conf", 0664);

	assert_int_equal(check(f, path), -EPERM);
	assert_non_null(strstr(f->err.msg, path));
	assert_non_null(strstr(f->err.msg, "mode 0664"));
	assert_non_null(strstr(f->err.msg, "chmod go-w"));
	assert_null(strstr(f->err.msg, "chown"));
	chmod(path, 0646);
	assert_int_equal(check(f, path), -EPERM);
}

static void test_other_owner_is_refused(void **state)
{
	struct fx *f = *state;
	const char *path;

	need_root();
	path = put(f, "p.conf", 0644);
	assert_int_equal(chown(path, NOBODY, -1), 0);
	assert_int_equal(check(f, path), -EPERM);
	assert_non_null(strstr(f->err.msg, "owned by nobody"));
	assert_non_null(strstr(f->err.msg, "chown root"));
	/* the one other user allowed: the invoking one */
	nt_err_clear(&f->err);
	{
		int fd = open(path, O_RDONLY);

		assert_int_equal(nt_trust_check_fd(fd, path, NOBODY, &f->err),
				 0);
		close(fd);
	}
}

static void test_parents_are_checked_up_to_root(void **state)
{
	struct fx *f = *state;
	const char *path = put(f, "a/b/c/p.conf", 0644);

	dir_mode(f, "a", 0777);
	assert_int_equal(check(f, path), -EPERM);
	assert_non_null(strstr(f->err.msg, "its directory"));
	assert_non_null(strstr(f->err.msg, "/a is owned by"));
	assert_non_null(strstr(f->err.msg, "mode 0777"));
	dir_mode(f, "a", 0775);
	assert_int_equal(check(f, path), -EPERM);
	dir_mode(f, "a", 0755);
	assert_int_equal(check(f, path), 0);
}

static void test_sticky_parent_is_shared_safely(void **state)
{
	struct fx *f = *state;
	const char *path = put(f, "s/p.conf", 0644);

	dir_mode(f, "s", 01777);
	assert_int_equal(check(f, path), 0);
	/* the file itself must still be ours and not writable by others */
	chmod(path, 0666);
	assert_int_equal(check(f, path), -EPERM);
	assert_non_null(strstr(f->err.msg, "mode 0666"));
}

static void test_symlink_is_judged_by_its_target(void **state)
{
	struct fx *f = *state;
	char link[4096];

	put(f, "open/p.conf", 0644);
	dir_mode(f, "open", 0777);
	tree_link(f->dir, "safe/link.conf", "../open/p.conf");
	snprintf(link, sizeof(link), "%s/safe/link.conf", f->dir);
	assert_int_equal(check(f, link), -EPERM);
	assert_non_null(strstr(f->err.msg, "/open is owned by"));
}

static void test_not_a_regular_file(void **state)
{
	struct fx *f = *state;

	assert_int_equal(check(f, f->dir), -EPERM);
	assert_non_null(strstr(f->err.msg, "not a regular file"));
}

/* ---- directories ---- */

static void test_searched_dir(void **state)
{
	struct fx *f = *state;
	char dir[4096];

	put(f, "pd/p.conf", 0644);
	snprintf(dir, sizeof(dir), "%s/pd", f->dir);
	assert_int_equal(nt_trust_check_dir(dir, getuid(), &f->err), 0);
	/* sticky or not: anyone could add a file to a searched directory */
	dir_mode(f, "pd", 01777);
	assert_int_equal(nt_trust_check_dir(dir, getuid(), &f->err), -EPERM);
	assert_non_null(strstr(f->err.msg, "mode 1777"));
}

static void test_private_dir(void **state)
{
	struct fx *f = *state;
	char dir[4096], link[4096];

	snprintf(dir, sizeof(dir), "%s/state", f->dir);
	assert_int_equal(nt_trust_check_private_dir(dir, getuid(), &f->err),
			 -ENOENT);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(nt_trust_check_private_dir(dir, getuid(), &f->err),
			 0);
	chmod(dir, 0757);
	assert_int_equal(nt_trust_check_private_dir(dir, getuid(), &f->err),
			 -EPERM);
	assert_non_null(strstr(f->err.msg, "chmod 0700"));
	chmod(dir, 0700);
	snprintf(link, sizeof(link), "%s/state-link", f->dir);
	assert_int_equal(symlink(dir, link), 0);
	nt_err_clear(&f->err);
	assert_int_equal(nt_trust_check_private_dir(link, getuid(), &f->err),
			 -EPERM);
	assert_non_null(strstr(f->err.msg, "symbolic link"));
}

/* ---- the policy ---- */

static char warned[1024];

static void warn_hook(const char *msg)
{
	snprintf(warned, sizeof(warned), "%s", msg);
}

static int trust_path(struct fx *f, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	nt_err_clear(&f->err);
	ret = nt_trust_fd(fd, path, &f->err);
	close(fd);
	return ret;
}

static void test_policy(void **state)
{
	struct fx *f = *state;
	const char *path = put(f, "p.conf", 0666);

	warned[0] = '\0';
	nt_trust_set_policy(NT_TRUST_STRICT, warn_hook);
	assert_int_equal(trust_path(f, path), -EPERM);
	assert_string_equal(warned, "");
	nt_trust_set_policy(NT_TRUST_WARN, warn_hook);
	assert_int_equal(trust_path(f, path), 0);
	assert_int_equal(f->err.code, 0);
	assert_non_null(strstr(warned, "apply refuses it"));
	/* the bypass: strict becomes a warning, only for exactly "1" */
	nt_trust_set_policy(NT_TRUST_STRICT, warn_hook);
	setenv("NETTUNE_TRUST_ANY", "yes", 1);
	assert_int_equal(trust_path(f, path), -EPERM);
	setenv("NETTUNE_TRUST_ANY", "1", 1);
	assert_int_equal(trust_path(f, path), 0);
	assert_non_null(strstr(warned, "NETTUNE_TRUST_ANY=1"));
	unsetenv("NETTUNE_TRUST_ANY");
}

static void test_read_trusted(void **state)
{
	struct fx *f = *state;
	const char *path = put(f, "plan.json", 0644);
	char *text = NULL;
	size_t len;

	assert_int_equal(nt_file_read_trusted(path, 1 << 20, &text, &len,
					      &f->err), 0);
	assert_string_equal(text, "[sysctl]\n");
	free(text);
	chmod(path, 0666);
	assert_int_equal(nt_file_read_trusted(path, 1 << 20, &text, &len,
					      &f->err), -EPERM);
	assert_non_null(strstr(f->err.msg, "mode 0666"));
}

/* ---- new files ---- */

static void test_replace_does_not_follow_a_planted_link(void **state)
{
	struct fx *f = *state;
	char path[4096], tmp[4200], *text = NULL;
	const char *victim = put(f, "victim", 0644);
	enum nt_file_step step;
	struct stat st;
	size_t len;

	snprintf(path, sizeof(path), "%s/out.conf", f->dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_equal(symlink(victim, tmp), 0);
	assert_int_equal(nt_file_replace(path, tmp, "new", 0600, &step), 0);
	assert_int_equal(nt_file_read_text(victim, 4096, &text, &len, NULL), 0);
	assert_string_equal(text, "[sysctl]\n");
	free(text);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(nt_file_read_private(path, 4096, &text, &len, NULL),
			 0);
	assert_string_equal(text, "new\n");
	free(text);
	/* the state directory's reader does not follow a link either */
	assert_int_equal(unlink(tmp) == 0 || errno == ENOENT, 1);
	assert_int_equal(symlink(victim, tmp), 0);
	assert_int_equal(nt_file_read_private(tmp, 4096, &text, &len, NULL),
			 -ELOOP);
}

/* ---- spawn ---- */

static void test_spawn_find(void **state)
{
	char path[4096];

	(void)state;
	assert_int_equal(nt_spawn_find("sh", path, sizeof(path)), 0);
	assert_true(path[0] == '/');
	assert_int_equal(access(path, X_OK), 0);
	assert_int_equal(nt_spawn_find("nettune-no-such-program", path,
				       sizeof(path)), -ENOENT);
	assert_int_equal(nt_spawn_find("./sh", path, sizeof(path)), -EINVAL);
}

/* The caller's PATH is never searched, its environment never passed on. */
static void test_spawn_ignores_callers_path_and_env(void **state)
{
	struct fx *f = *state;
	char *argv_true[] = { "true", NULL };
	char *argv_env[] = {
		"sh", "-c",
		"test \"$PATH\" = /usr/sbin:/usr/bin:/sbin:/bin && "
		"test -z \"$HOME$NT_EVIL\" && test \"$LC_ALL\" = C", NULL
	};
	char *old = getenv("PATH") ? xstrdup(getenv("PATH")) : NULL;
	const char *fake = put(f, "bin/true", 0755);
	int status = -1;

	tree_put(f->dir, "bin/true", "#!/bin/sh\nexit 7\n");
	chmod(fake, 0755);
	snprintf(f->path, sizeof(f->path), "%s/bin", f->dir);
	setenv("PATH", f->path, 1);
	setenv("NT_EVIL", "1", 1);
	assert_int_equal(nt_spawn_run(argv_true, &status, &f->err), 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(nt_spawn_run(argv_env, &status, &f->err), 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	unsetenv("NT_EVIL");
	if (old)
		setenv("PATH", old, 1);
	free(old);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_own_file_is_trusted),
		T(test_writable_file_is_refused),
		T(test_other_owner_is_refused),
		T(test_parents_are_checked_up_to_root),
		T(test_sticky_parent_is_shared_safely),
		T(test_symlink_is_judged_by_its_target),
		T(test_not_a_regular_file),
		T(test_searched_dir),
		T(test_private_dir),
		T(test_policy),
		T(test_read_trusted),
		T(test_replace_does_not_follow_a_planted_link),
		T(test_spawn_find),
		T(test_spawn_ignores_callers_path_and_env),
	};
#undef T
	return cmocka_run_group_tests_name("trust", tests, NULL, NULL);
}
