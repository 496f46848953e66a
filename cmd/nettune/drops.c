// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nettune drops [-i IFACE] [--interval SECONDS] [--json] [--all-netns]
 *               [--ready-fd FD]
 *
 * Why the kernel dropped packets, as it says itself: every skb freed as
 * dropped (skb:kfree_skb) counted in the kernel by reason, location and
 * device over the interval.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "collect_drops.h"
#include "nettune.h"
#include "output/drops.h"
#include "sys/dropmon.h"
#include "sys/dropnames.h"

#define INTERVAL_MAX	86400.0
#define KALLSYMS	"/proc/kallsyms"

static void drops_help(void)
{
	puts("Usage: nettune drops [-i IFACE] [--interval S] [--json] "
	     "[--all-netns]\n"
	     "                     [--ready-fd FD]\n"
	     "\n"
	     "Count the packets the kernel drops during the interval, by the\n"
	     "reason it gives (enum skb_drop_reason), the kernel function that\n"
	     "dropped them and the device, largest first, NOT_SPECIFIED last.\n"
	     "A BPF program on skb:kfree_skb counts in the kernel; needs root\n"
	     "(CAP_BPF and CAP_PERFMON) and a kernel with BTF.\n"
	     "\n"
	     "  -i, --interface IFACE  only drops on this device\n"
	     "      --interval S       seconds to count (default 1); SIGINT or\n"
	     "                         SIGTERM ends the interval early\n"
	     "  -j, --json             print a JSON document\n"
	     "  -a, --all-netns        every network namespace, with a NETNS\n"
	     "                         column (default: nettune's own)\n"
	     "      --ready-fd FD      write \"ready\" to FD and close it once\n"
	     "                         the counter is attached\n"
	     "  -h, --help             this help\n"
	     "\n"
	     "Exit status: 0 done, 3 could not run.");
}

struct drops_opts {
	const char *iface;
	double interval;
	bool json;
	bool all_netns;
	int ready_fd;
};

/* Plain decimal only, as for audit --interval. */
static int parse_interval(const char *s, double *out)
{
	char msg[160];
	char *end;

	if (*s && strspn(s, "0123456789.") == strlen(s)) {
		errno = 0;
		*out = strtod(s, &end);
		if (!errno && !*end && *out > 0 && *out <= INTERVAL_MAX)
			return 0;
	}
	snprintf(msg, sizeof(msg), "--interval %.40s: expected seconds above "
		 "0, at most %.0f", s, INTERVAL_MAX);
	return nt_usage_error("drops", msg);
}

static int parse_fd(const char *s, int *out)
{
	char msg[160];
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s >= '0' && *s <= '9' && !*end && !errno && v <= 1024 &&
	    fcntl((int)v, F_GETFD) >= 0) {
		*out = (int)v;
		return 0;
	}
	snprintf(msg, sizeof(msg), "--ready-fd %.40s: expected an open file "
		 "descriptor", s);
	return nt_usage_error("drops", msg);
}

enum { OPT_INTERVAL = 256, OPT_READY_FD };

static int parse(int argc, char **argv, struct drops_opts *o)
{
	static const struct option longopts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "interval",  required_argument, NULL, OPT_INTERVAL },
		{ "json",      no_argument,       NULL, 'j' },
		{ "all-netns", no_argument,       NULL, 'a' },
		{ "ready-fd",  required_argument, NULL, OPT_READY_FD },
		{ "help",      no_argument,       NULL, 'h' },
		{ 0 }
	};
	int c, ret = 0;

	while (!ret && (c = nt_getopt(argc, argv, "drops", longopts)) != -1) {
		switch (c) {
		case 'i': o->iface = optarg; break;
		case OPT_INTERVAL:
			ret = parse_interval(optarg, &o->interval);
			break;
		case 'j': o->json = true; break;
		case 'a': o->all_netns = true; break;
		case OPT_READY_FD: ret = parse_fd(optarg, &o->ready_fd); break;
		case 'h': drops_help(); return -1;
		default: return NT_EXIT_FAIL;
		}
	}
	if (!ret && optind < argc)
		return nt_usage_error("drops", "takes no arguments");
	return ret;
}

/*
 * For tests and benchmarks: NETTUNE_DROPS_KEYS sets the size of the
 * aggregator's map, NETTUNE_DROPS_SLOTS=0 turns its per-CPU slots off.
 */
static int env_opts(struct nt_dropmon_opts *mo)
{
	const char *keys = getenv("NETTUNE_DROPS_KEYS");
	const char *slots = getenv("NETTUNE_DROPS_SLOTS");
	char *end;
	unsigned long v;

	if (keys) {
		errno = 0;
		v = strtoul(keys, &end, 10);
		if (errno || end == keys || *end || v < 1 || v > 65536)
			return nt_fail("drops: NETTUNE_DROPS_KEYS=%.40s: "
				       "expected 1 to 65536", keys);
		mo->max_keys = (uint32_t)v;
	}
	if (slots && strcmp(slots, "0") && strcmp(slots, "1"))
		return nt_fail("drops: NETTUNE_DROPS_SLOTS=%.40s: expected 0 "
			       "or 1", slots);
	mo->no_slots = slots && !strcmp(slots, "0");
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void tell_ready(int fd)
{
	static const char msg[] = "ready\n";

	if (fd < 0)
		return;
	if (write(fd, msg, sizeof(msg) - 1) < 0)
		fprintf(stderr, "nettune: drops: --ready-fd %d: %s\n", fd,
			strerror(errno));
	close(fd);
}

/*
 * Count for the interval, or until SIGINT/SIGTERM (blocked by the caller,
 * taken here), then stop counting.  Return: the seconds counted.
 */
static double count_interval(struct nt_dropmon *mon, const sigset_t *stop,
			     double interval, int ready_fd)
{
	double start = now(), left;
	struct timespec ts;

	tell_ready(ready_fd);
	for (;;) {
		left = start + interval - now();
		if (left <= 0)
			break;
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - ts.tv_sec) * 1e9);
		if (sigtimedwait(stop, NULL, &ts) >= 0 || errno == EAGAIN)
			break;
	}
	nt_dropmon_detach(mon);
	return now() - start;
}

static int report(struct nt_dropmon *mon, const struct drops_opts *o,
		  struct nt_drop_table *t, const struct nt_drop_reasons *r,
		  uint32_t ifindex, struct nt_err *err)
{
	struct nt_drop_samples s = { 0 };
	struct nt_netns_names ns;
	int ret;

	ret = nt_dropmon_read(mon, &s, err);
	if (!ret)
		ret = nt_drop_table_build(t, &s, NULL, ifindex, err);
	nt_drop_samples_free(&s);
	if (ret)
		return ret;
	nt_netns_names_init(&ns);
	ret = nt_drop_table_name(t, r, KALLSYMS, &ns, err);
	nt_netns_names_free(&ns);
	if (ret)
		return ret;
	nt_drop_table_sort(t);
	ret = o->json ? nt_drops_print_json(stdout, t, o->all_netns) :
			nt_drops_print_text(stdout, t, o->all_netns);
	if (ret || fflush(stdout))
		return nt_err_set(err, EIO, "drops: cannot write output");
	return 0;
}

static int run(const struct drops_opts *o, const struct nt_drop_reasons *r,
	       const struct nt_dropmon_opts *mo, uint32_t ifindex,
	       struct nt_err *err)
{
	uint32_t self = mo->netns_only ? mo->netns_only : nt_netns_self();
	struct nt_drop_table t = {
		.netns = o->all_netns && !ifindex ? 0 : self,
	};
	struct nt_dropmon *mon;
	sigset_t stop;
	int ret;

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	ret = nt_dropmon_open(&mon, mo, err);
	if (ret)
		return ret;
	t.seconds = count_interval(mon, &stop, o->interval, o->ready_fd);
	ret = report(mon, o, &t, r, ifindex, err);
	nt_dropmon_close(mon);
	nt_drop_table_free(&t);
	return ret;
}

int cmd_drops(int argc, char **argv)
{
	struct drops_opts o = { .interval = 1.0, .ready_fd = -1 };
	struct nt_dropmon_opts mo = { 0 };
	struct nt_drop_reasons r;
	struct nt_err err = { 0 };
	uint32_t self, ifindex = 0;
	int ret;

	ret = parse(argc, argv, &o);
	if (ret)
		return ret < 0 ? NT_EXIT_OK : ret;
	if (o.iface && !(ifindex = if_nametoindex(o.iface)))
		return nt_fail("drops: %s: no such interface; see 'ip link'",
			       o.iface);
	self = nt_netns_self();
	if (!self)
		return nt_fail("drops: cannot read /proc/self/ns/net: %s",
			       strerror(errno));
	if (env_opts(&mo))
		return NT_EXIT_FAIL;
	if (nt_drop_reasons_load(&r, &err))
		return nt_fail_err(&err);
	mo.netns_only = o.all_netns ? 0 : self;
	mo.consumed = r.consumed;
	ret = run(&o, &r, &mo, ifindex, &err);
	nt_drop_reasons_free(&r);
	return ret ? nt_fail_err(&err) : NT_EXIT_OK;
}
