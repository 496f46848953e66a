// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Paths under a root directory: the live host ("/") or a captured tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sys/root.h"

int nt_root_open(struct nt_root *root, const char *path, struct nt_err *err)
{
	if (!path || !*path)
		path = "/";
	root->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root->dirfd < 0)
		return nt_err_set(err, errno, "%s: cannot open root directory: %s",
				  path, strerror(errno));
	if (!realpath(path, root->path))
		snprintf(root->path, sizeof(root->path), "%s", path);
	root->live = strcmp(root->path, "/") == 0;
	return 0;
}

void nt_root_close(struct nt_root *root)
{
	if (root->dirfd >= 0)
		close(root->dirfd);
	root->dirfd = -1;
}

static const char *relative(const char *path)
{
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

int nt_root_openat(const struct nt_root *root, const char *path, int flags)
{
	int fd = openat(root->dirfd, relative(path), flags | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

DIR *nt_root_opendir(const struct nt_root *root, const char *path)
{
	int fd = nt_root_openat(root, path, O_RDONLY | O_DIRECTORY);
	DIR *dir;

	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	dir = fdopendir(fd);
	if (!dir) {
		int saved = errno;

		close(fd);
		errno = saved;
	}
	return dir;
}

static int read_fd(int fd, char **buf, size_t *len)
{
	size_t size = 4096, used = 0;
	char *data = malloc(size);

	if (!data)
		return -ENOMEM;
	for (;;) {
		ssize_t got;

		if (used + 1 >= size) {
			char *bigger = realloc(data, size * 2);

			if (!bigger) {
				free(data);
				return -ENOMEM;
			}
			data = bigger;
			size *= 2;
		}
		got = read(fd, data + used, size - used - 1);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			free(data);
			return -errno;
		}
		if (got == 0)
			break;
		used += got;
	}
	data[used] = '\0';
	*buf = data;
	if (len)
		*len = used;
	return 0;
}

int nt_root_read_file(const struct nt_root *root, const char *path,
		      char **buf, size_t *len)
{
	int fd = nt_root_openat(root, path, O_RDONLY);
	int ret;

	if (fd < 0)
		return fd;
	ret = read_fd(fd, buf, len);
	close(fd);
	return ret;
}

int nt_root_read_line(const struct nt_root *root, const char *path,
		      char *buf, size_t size)
{
	int fd = nt_root_openat(root, path, O_RDONLY);
	ssize_t got;

	if (fd < 0)
		return fd;
	do
		got = read(fd, buf, size - 1);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	close(fd);
	buf[got] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int nt_root_read_long(const struct nt_root *root, const char *path, long *value)
{
	char line[64], *end;
	int ret = nt_root_read_line(root, path, line, sizeof(line));

	if (ret)
		return ret;
	errno = 0;
	*value = strtol(line, &end, 0);
	if (errno || end == line)
		return -EINVAL;
	return 0;
}

int nt_root_readlink_base(const struct nt_root *root, const char *path,
			  char *buf, size_t size)
{
	char target[PATH_MAX];
	const char *base;
	ssize_t got = readlinkat(root->dirfd, relative(path), target,
				 sizeof(target) - 1);

	if (got < 0)
		return -errno;
	target[got] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= size)
		return -ENAMETOOLONG;
	strcpy(buf, base);
	return 0;
}

int nt_root_write_file(const struct nt_root *root, const char *path,
		       const char *value)
{
	/* O_TRUNC as a shell's ">" does: harmless on procfs and sysfs, and a
	 * captured tree of plain files keeps no tail of a longer old value */
	int fd = nt_root_openat(root, path, O_WRONLY | O_TRUNC);
	size_t len = strlen(value);
	ssize_t put;
	int ret = 0;

	if (fd < 0)
		return fd;
	put = write(fd, value, len);
	if (put < 0)
		ret = -errno;
	else if ((size_t)put != len)
		ret = -EIO;
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}
