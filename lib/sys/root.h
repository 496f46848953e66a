/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_SYS_ROOT_H
#define NT_SYS_ROOT_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/err.h"

/*
 * Every procfs and sysfs path is opened relative to a root directory, so a
 * captured tree can be read exactly like the live host.  Paths given to
 * these functions are absolute-looking ("/proc/net/softnet_stat"); the
 * leading slash is dropped and the path resolved under the root.
 */
struct nt_root {
	int dirfd;
	bool live;		/* root is "/": netlink describes the same host */
	char path[4096];
};

/**
 * nt_root_open() - open a root directory
 * @root: filled on success
 * @path: directory, NULL or "/" for the live host
 * @err: error buffer
 *
 * Return: 0 or negative errno.
 */
int nt_root_open(struct nt_root *root, const char *path, struct nt_err *err);
void nt_root_close(struct nt_root *root);

/** nt_root_openat() - open(2) a path under @root; returns fd or -errno */
int nt_root_openat(const struct nt_root *root, const char *path, int flags);

/** nt_root_opendir() - opendir(3) under @root; NULL with errno set */
DIR *nt_root_opendir(const struct nt_root *root, const char *path);

/**
 * nt_root_read_file() - read a whole file under @root
 * @root: root directory
 * @path: file path
 * @buf: out, NUL-terminated malloc'ed contents (caller frees)
 * @len: out, optional, length without the NUL
 *
 * Sysfs and procfs files report size 0, so this reads until EOF.
 *
 * Return: 0 or negative errno (-ENOENT when the file does not exist).
 */
int nt_root_read_file(const struct nt_root *root, const char *path,
		      char **buf, size_t *len);

/**
 * nt_root_read_line() - read the first line of a small file into @buf
 *
 * The trailing newline is removed.  Return: 0 or negative errno.
 */
int nt_root_read_line(const struct nt_root *root, const char *path,
		      char *buf, size_t size);

/** nt_root_read_long() - read a file holding one decimal integer */
int nt_root_read_long(const struct nt_root *root, const char *path, long *value);

/**
 * nt_root_readlink_base() - last path component of a symlink's target
 *
 * For "/sys/class/net/eth0/device/driver" -> ".../drivers/virtio_net" this
 * gives "virtio_net".  Return: 0 or negative errno.
 */
int nt_root_readlink_base(const struct nt_root *root, const char *path,
			  char *buf, size_t size);

/**
 * nt_root_write_file() - write @value to an existing file under @root
 *
 * Used for sysctl, sysfs queue masks and IRQ affinity.  Return: 0 or
 * negative errno from open(2) or write(2).
 */
int nt_root_write_file(const struct nt_root *root, const char *path,
		       const char *value);

#endif
