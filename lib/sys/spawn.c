// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Running another program: absolute path from a fixed list, minimal
 * environment.  See sys/spawn.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sys/spawn.h"
#include "util/trust.h"
#include "util/array.h"

/* What nt_spawn_find() found, per name, for the life of the process. */
static struct {
	char name[32];
	char path[PATH_MAX];
	int ret;
} found[4];

/* A candidate that exists must be root's program, like its directories. */
static int candidate(const char *path, struct nt_err *err)
{
	struct stat st;
	int fd, ret;

	if (stat(path, &st))
		return -ENOENT;
	if (!S_ISREG(st.st_mode) || access(path, X_OK))
		return -ENOENT;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	ret = nt_trust_check_fd(fd, path, 0, err);
	close(fd);
	return ret;
}

static int search(const char *name, char *path, size_t size,
		  struct nt_err *err)
{
	static const char *const dirs[] = NT_SPAWN_DIRS;
	int ret = -ENOENT;

	if (!*name || strchr(name, '/'))
		return -EINVAL;
	for (size_t i = 0; ret == -ENOENT && i < ARRAY_SIZE(dirs);
	     i++) {
		int len = snprintf(path, size, "%s/%s", dirs[i], name);

		if (len < 0 || (size_t)len >= size)
			return -ENAMETOOLONG;
		ret = candidate(path, err);
	}
	return ret;
}

/* Looks @name up once; later calls answer from the table. */
static int find(const char *name, char *path, size_t size,
		struct nt_err *err)
{
	size_t i, n = ARRAY_SIZE(found);

	for (i = 0; i < n && found[i].name[0]; i++)
		if (!strcmp(found[i].name, name))
			break;
	if (i == n || strlen(name) >= sizeof(found[i].name))
		return search(name, path, size, err);
	if (!found[i].name[0]) {
		found[i].ret = search(name, found[i].path,
				      sizeof(found[i].path), err);
		/* a refusal is said once per call, so it is not kept */
		if (found[i].ret == -EPERM)
			return found[i].ret;
		strcpy(found[i].name, name);
	}
	if (found[i].ret)
		return found[i].ret;
	if (strlen(found[i].path) >= size)
		return -ENAMETOOLONG;
	strcpy(path, found[i].path);
	return 0;
}

int nt_spawn_find(const char *name, char *path, size_t size)
{
	struct nt_err err = { 0 };

	return find(name, path, size, &err);
}

static int wait_child(pid_t pid, const char *name, int *status,
		      struct nt_err *err)
{
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR)
			return nt_err_set(err, errno, "%s: waiting for it: %s",
					  name, strerror(errno));
	}
	return 0;
}

int nt_spawn_run(char *const argv[], int *status, struct nt_err *err)
{
	static char *const envp[] = { NT_SPAWN_PATH, "LC_ALL=C", NULL };
	posix_spawn_file_actions_t fa;
	char path[PATH_MAX];
	pid_t pid;
	int ret;

	ret = find(argv[0], path, sizeof(path), err);
	if (ret == -ENOENT)
		return ret;
	if (ret)
		return nt_err_set(err, -ret, "%s: cannot run: %s", argv[0],
				  strerror(-ret));
	ret = posix_spawn_file_actions_init(&fa);
	if (ret)
		return nt_err_set(err, ret, "%s: cannot run: %s", path,
				  strerror(ret));
	ret = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
					       O_RDONLY, 0);
	if (!ret)
		ret = posix_spawn(&pid, path, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	if (ret)
		return nt_err_set(err, ret, "%s: cannot run: %s", path,
				  strerror(ret));
	return wait_child(pid, path, status, err);
}
