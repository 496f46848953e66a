/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_UTIL_FILE_H
#define NT_UTIL_FILE_H

#include <stddef.h>
#include <sys/types.h>

#include "util/err.h"

/*
 * Whole files: the documents nettune writes (snapshots, plans, journals)
 * are replaced, never rewritten in place, so a reader or a crash sees the
 * old file or the new one and never half of either.
 */

/**
 * nt_file_write_all() - write(2) all of @buf, retrying on EINTR
 * @fd: file descriptor
 * @buf: bytes
 * @len: how many
 *
 * Return: 0 or negative errno.
 */
int nt_file_write_all(int fd, const char *buf, size_t len);

/* The step of nt_file_replace() that failed. */
enum nt_file_step {
	NT_FILE_CREATE,		/* @tmp could not be created */
	NT_FILE_WRITE,		/* writing, fsync or rename; @tmp is removed */
	NT_FILE_SYNC_DIR,	/* @path is in place, but maybe not durably */
};

/**
 * nt_file_replace() - write @text and a newline to @tmp, fsync it, rename
 * it over @path and fsync the directory
 * @path: the file
 * @tmp: where it is written first, in the same directory; created new
 *       (O_EXCL | O_NOFOLLOW), a leftover of a crashed run removed first
 * @text: NUL-terminated contents
 * @mode: permissions of @tmp when it is created
 * @step: out: on failure, the step that failed
 *
 * For callers that word their own errors or may not ignore a directory
 * that cannot be synced; file systems that cannot sync a directory at all
 * (EINVAL) are not an error.
 * Return: 0 or negative errno.
 */
int nt_file_replace(const char *path, const char *tmp, const char *text,
		    mode_t mode, enum nt_file_step *step);

/**
 * nt_file_write_atomic() - replace @path by @text and a newline
 * @path: the file; written as PATH.tmp (0644), fsynced and renamed over
 *        PATH, then its directory is fsynced if the file system lets it
 * @text: NUL-terminated contents
 * @err: "PATH: out of memory", "PATH.tmp: cannot write: REASON" when it
 *       cannot be created, else "PATH: cannot write: REASON"
 *
 * Return: 0 or negative errno.
 */
int nt_file_write_atomic(const char *path, const char *text,
			 struct nt_err *err);

/**
 * nt_file_read_text() - read a whole file into a NUL-terminated buffer
 * @path: the file
 * @max: the most bytes the caller accepts; more is -EFBIG
 * @text: out: malloc'ed contents, on success only
 * @len: out: length of @text, not counting the NUL
 * @err: "PATH: cannot read: REASON", or NULL for callers that word their
 *       own message from the return value
 *
 * Return: 0, -EFBIG, -ENOMEM or another negative errno.
 */
int nt_file_read_text(const char *path, size_t max, char **text, size_t *len,
		      struct nt_err *err);

/**
 * nt_file_read_private() - nt_file_read_text() of a file in nettune's own
 * state directory: a symlink in its place is refused (-ELOOP)
 */
int nt_file_read_private(const char *path, size_t max, char **text,
			 size_t *len, struct nt_err *err);

/**
 * nt_file_read_trusted() - nt_file_read_text() of a file that steers apply
 * @path: the file; the open file is checked with nt_trust_fd() before it
 *        is read
 * @max: as for nt_file_read_text()
 * @text: as for nt_file_read_text()
 * @len: as for nt_file_read_text()
 * @err: set only when the file is refused (-EPERM, util/trust.h); other
 *       errors are returned for the caller to word
 *
 * Return: 0, -EPERM, -EFBIG, -ENOMEM or another negative errno.
 */
int nt_file_read_trusted(const char *path, size_t max, char **text,
			 size_t *len, struct nt_err *err);

#endif
