/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_UTIL_TRUST_H
#define NT_UTIL_TRUST_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/err.h"

/*
 * Files that steer a privileged apply (profiles and their includes, plans,
 * the profile directories searched) are trusted only when nobody but root
 * or the invoking user could have written them: the file, and each parent
 * directory of its real path up to /, owned by root or getuid(), and not
 * writable by group or others.  A parent may be a sticky world-writable
 * directory (/tmp): others cannot replace a file they do not own there;
 * the file itself must still be ours and writable only by us.  Pure file
 * metadata (stat), as sshd's StrictModes does it.
 *
 * What happens to an untrusted file is a process-wide policy, set once by
 * the verb: a verb that changes the host refuses it (the default), a verb
 * that only reads reports it through the warn hook and goes on.
 * NETTUNE_TRUST_ANY=1 in the environment turns refusals into warnings
 * (test harnesses; see nettune(8)).
 */

enum nt_trust_mode {
	NT_TRUST_STRICT,	/* untrusted files are an error (-EPERM) */
	NT_TRUST_WARN,		/* reported through the warn hook, then used */
};

/**
 * nt_trust_set_policy() - how untrusted files are treated from now on
 * @mode: NT_TRUST_STRICT for verbs that change the host
 * @warn: prints one warning line (the message has no "warning:" prefix),
 *        or NULL to say nothing
 *
 * NETTUNE_TRUST_ANY=1 makes NT_TRUST_STRICT behave like NT_TRUST_WARN.
 */
void nt_trust_set_policy(enum nt_trust_mode mode, void (*warn)(const char *));

/** nt_trust_bypassed() - is NETTUNE_TRUST_ANY=1 set? */
bool nt_trust_bypassed(void);

/**
 * nt_trust_check_fd() - is the open file @fd safe to act on?
 * @fd: the file, opened from @path
 * @path: its name as given, for the message
 * @uid: the one user besides root who may own the file and its parents
 * @err: "PATH: not trusted: ..." naming the file or directory, its owner,
 *       its mode and the command that fixes it
 *
 * Checks @fd itself (a regular file owned by root or @uid, mode & 022 == 0)
 * and each directory above its real path.  No policy applied.
 * Return: 0, -EPERM when not trusted, or another negative errno.
 */
int nt_trust_check_fd(int fd, const char *path, uid_t uid, struct nt_err *err);

/**
 * nt_trust_check_dir() - is directory @path safe to take files from?
 * @path: the directory; owned by root or @uid and not writable by group or
 *        others, even when sticky (anyone could add a file to it), and each
 *        directory above it as for nt_trust_check_fd()
 * @uid: as for nt_trust_check_fd()
 * @err: as for nt_trust_check_fd()
 *
 * No policy applied.  Return: 0, -EPERM, or another negative errno.
 */
int nt_trust_check_dir(const char *path, uid_t uid, struct nt_err *err);

/**
 * nt_trust_check_private_dir() - may @path hold nettune's own state?
 * @path: the directory; not a symlink, owned by root or @uid, not
 *        writable by group or others
 * @uid: as for nt_trust_check_fd()
 * @err: "PATH: ..." saying what is wrong and what to do
 *
 * Return: 0, -EPERM, or another negative errno (-ENOENT: no such path).
 */
int nt_trust_check_private_dir(const char *path, uid_t uid,
			       struct nt_err *err);

/**
 * nt_trust_fd() - nt_trust_check_fd() for getuid() under the policy
 * @fd: the file, opened from @path
 * @path: its name as given
 * @err: the verdict (only when it is a refusal)
 *
 * Return: 0 (trusted, or only warned about) or negative errno.
 */
int nt_trust_fd(int fd, const char *path, struct nt_err *err);

/**
 * nt_trust_dir() - nt_trust_check_dir() for getuid() under the policy
 * @path: the directory
 * @err: the verdict
 *
 * Return: 0 (trusted, or only warned about) or negative errno.
 */
int nt_trust_dir(const char *path, struct nt_err *err);

#endif
