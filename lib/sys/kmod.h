/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_SYS_KMOD_H
#define NT_SYS_KMOD_H

#include "model/host.h"
#include "sys/root.h"
#include "util/err.h"

/**
 * nt_kmod_read() - the qdisc kinds and congestion control algorithms the
 * running kernel has
 * @root: the host, or a captured tree
 * @release: the kernel release (uname -r) whose module tree counts
 * @has: out; free its strings with the host (nt_host_free)
 * @err: error message
 *
 * Sources, all read under @root: the kinds every kernel has (pfifo_fast,
 * mq, noqueue, noop), lib/modules/RELEASE/modules.builtin (built in) and
 * modules.dep (loadable), the kernel configuration (/proc/config.gz or
 * /boot/config-RELEASE: "=y" built in, "=m" loadable only when the module
 * tree is there), and /sys/module/sch_* and tcp_* (built in with
 * parameters, or loaded).  The live host is always known (state OK);
 * a tree with none of these files leaves @has UNKNOWN.
 *
 * Return: 0 or -ENOMEM.
 */
int nt_kmod_read(const struct nt_root *root, const char *release,
		 struct nt_kernel_has *has, struct nt_err *err);

#endif
