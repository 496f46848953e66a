/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_BPF_CORE_H
#define NT_BPF_CORE_H

/*
 * The few kernel structures dropmon.bpf.c reads, declared by hand with
 * only the fields it uses.  preserve_access_index makes every access a
 * CO-RE relocation: libbpf finds each field by name in the running
 * kernel's BTF at load time, so the build does not depend on the build
 * host's kernel (no vmlinux.h).  See docs/DESIGN.md.
 */

#pragma clang attribute push(__attribute__((preserve_access_index)), \
			     apply_to = record)

struct ns_common {
	unsigned int inum;
};

struct net {
	struct ns_common ns;
};

typedef struct {
	struct net *net;
} possible_net_t;

struct net_device {
	int ifindex;
	possible_net_t nd_net;
};

struct sock_common {
	possible_net_t skc_net;
};

struct sock {
	struct sock_common __sk_common;
};

struct sk_buff {
	struct net_device *dev;
	struct sock *sk;
	__u16 protocol;
};

#pragma clang attribute pop

#endif
