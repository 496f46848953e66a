// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file.h"
#include "util/trust.h"

int nt_file_write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= n;
	}
	return 0;
}

/* The rename itself is only durable once the directory is synced. */
static int sync_dir(const char *path)
{
	char *dir = strdup(path), *slash;
	int fd, ret = 0;

	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -errno;
	/* Some file systems cannot sync a directory: nothing more to do. */
	if (fsync(fd) && errno != EINVAL)
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * A new file of our own: never an existing one, never through a symlink.
 * A leftover of a crashed run is removed first (a symlink is removed, not
 * followed); in a directory shared with others that fails, and so do we.
 */
static int create_new(const char *tmp, mode_t mode)
{
	int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	int fd = open(tmp, flags, mode);

	if (fd < 0 && errno == EEXIST && !unlink(tmp))
		fd = open(tmp, flags, mode);
	return fd;
}

int nt_file_replace(const char *path, const char *tmp, const char *text,
		    mode_t mode, enum nt_file_step *step)
{
	int fd = create_new(tmp, mode);
	int ret;

	if (fd < 0) {
		*step = NT_FILE_CREATE;
		return -errno;
	}
	*step = NT_FILE_WRITE;
	ret = nt_file_write_all(fd, text, strlen(text));
	if (!ret)
		ret = nt_file_write_all(fd, "\n", 1);
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret) {
		unlink(tmp);
		return ret;
	}
	*step = NT_FILE_SYNC_DIR;
	return sync_dir(path);
}

int nt_file_write_atomic(const char *path, const char *text,
			 struct nt_err *err)
{
	enum nt_file_step step;
	char *tmp;
	int ret;

	if (asprintf(&tmp, "%s.tmp", path) < 0)
		return nt_err_set(err, ENOMEM, "%s: out of memory", path);
	ret = nt_file_replace(path, tmp, text, 0644, &step);
	/* The file is whole and in place: a crash may only lose the rename. */
	if (step == NT_FILE_SYNC_DIR)
		ret = 0;
	else if (step == NT_FILE_CREATE)
		nt_err_set(err, -ret, "%s: cannot write: %s", tmp,
			   strerror(-ret));
	else if (ret)
		nt_err_set(err, -ret, "%s: cannot write: %s", path,
			   strerror(-ret));
	free(tmp);
	return ret;
}

/* The whole of @fd; closes it. */
static int read_fd(int fd, size_t max, char **text, size_t *len)
{
	size_t size = 65536;
	char *buf, *bigger;
	struct stat st;
	int ret = 0;

	/* a file too big by its size is refused unread (a 1 GiB hole too) */
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) &&
	    (unsigned long long)st.st_size > max) {
		close(fd);
		return -EFBIG;
	}
	buf = malloc(size + 1);
	*len = 0;
	while (buf && !ret) {
		ssize_t n = read(fd, buf + *len, size - *len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n ? -errno : 0;
			break;
		}
		*len += n;
		if (*len > max) {
			ret = -EFBIG;
		} else if (*len == size) {
			size *= 2;
			bigger = realloc(buf, size + 1);
			if (!bigger)
				free(buf);
			buf = bigger;
		}
	}
	close(fd);
	if (!buf)
		ret = -ENOMEM;
	else if (ret)
		free(buf);
	if (ret)
		return ret;
	buf[*len] = '\0';
	*text = buf;
	return 0;
}

static int read_path(const char *path, int flags, size_t max, char **text,
		     size_t *len, struct nt_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | flags);
	int ret = fd < 0 ? -errno : read_fd(fd, max, text, len);

	if (ret)
		return nt_err_set(err, -ret, "%s: cannot read: %s", path,
				  strerror(-ret));
	return 0;
}

int nt_file_read_text(const char *path, size_t max, char **text, size_t *len,
		      struct nt_err *err)
{
	return read_path(path, 0, max, text, len, err);
}

int nt_file_read_private(const char *path, size_t max, char **text,
			 size_t *len, struct nt_err *err)
{
	return read_path(path, O_NOFOLLOW, max, text, len, err);
}

int nt_file_read_trusted(const char *path, size_t max, char **text,
			 size_t *len, struct nt_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	int ret;

	if (fd < 0)
		return -errno;
	ret = nt_trust_fd(fd, path, err);
	if (ret) {
		close(fd);
		return ret;
	}
	return read_fd(fd, max, text, len);
}
