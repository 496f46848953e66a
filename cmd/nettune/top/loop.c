// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The control loop of `nettune top`: see loop.h.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "audit/audit.h"
#include "collect.h"
#include "loop.h"
#include "../nettune.h"
#include "sample/dropsample.h"
#include "sample/rate.h"
#include "sample/record.h"
#include "sample/sampler.h"
#include "view.h"

struct top_ctl {
	const struct top_opts *o;

	/* two hosts of one shape; slot[cur] is the newer look */
	struct nt_host slot[2];
	struct nt_counter_vec vec[2];	/* with --record and --replay */
	int cur;
	bool pending;			/* replay: slot[cur ^ 1] holds the next */

	struct nt_sampler *sampler;
	struct nt_drop_sampler *drops;	/* NULL: drop reasons not counted */
	struct nt_top_drops dslot[2];	/* the drop reasons of each slot */
	struct nt_replay *replay;
	struct nt_recorder *recorder;

	struct nt_top_frame frame;
	bool have_frame;
	struct nt_findings findings;
	long frames_done;

	struct nt_view *view;
	struct nt_view_state vs;

	int epfd, tfd, sfd;
	bool quit;
	struct nt_err err;
};

/* Sources ---------------------------------------------------------------- */

/*
 * The drop-reason aggregator, attached before the first look so the first
 * frame's drops are those since it.  When it cannot be, top carries on
 * without the pane's rows, says why once on stderr (batch text) and in
 * the pane (the view, JSON frames).
 */
static void open_drops(struct top_ctl *c)
{
	struct nt_err err = { 0 };
	const char *why = err.msg;

	if (c->o->no_drop_reasons ||
	    (c->o->root && strcmp(c->o->root, "/")))
		return;
	if (!nt_drop_sampler_open(&c->drops, &err))
		return;
	c->drops = NULL;
	if (!strncmp(why, "drops: ", 7))
		why += 7;
	for (int i = 0; i < 2; i++) {
		c->dslot[i].state = NT_TOP_DROPS_UNAVAILABLE;
		snprintf(c->dslot[i].why, sizeof(c->dslot[i].why), "%.*s",
			 (int)sizeof(c->dslot[i].why) - 1, why);
	}
	if (c->o->batch && !c->o->json)
		fprintf(stderr, "nettune: top: drop reasons unavailable, "
			"showing the rest: %s\n", c->dslot[0].why);
}

static int open_live(struct top_ctl *c)
{
	const unsigned int flags = NT_COLLECT_DRIVER_STATS | NT_COLLECT_SOCKETS;
	struct nt_collect_opts opts = { .root = c->o->root, .flags = flags };
	int ret;

	open_drops(c);
	ret = nt_collect(&c->slot[0], &opts, &c->err);
	if (!ret)
		ret = nt_sample_shape(&c->slot[0]);
	if (!ret)
		ret = nt_host_copy(&c->slot[1], &c->slot[0]);
	if (!ret)
		ret = nt_sampler_open(&c->sampler, &c->slot[0], c->o->root,
				      &c->err);
	/* a recording's counter order is fixed by its first line */
	if (!ret && c->o->record)
		nt_sampler_keep_shape(c->sampler);
	return ret;
}

static int open_source(struct top_ctl *c)
{
	int ret;

	if (c->o->replay) {
		ret = nt_replay_open(&c->replay, c->o->replay, &c->slot[0],
				     &c->err);
		if (!ret)
			ret = nt_host_copy(&c->slot[1], &c->slot[0]);
	} else {
		ret = open_live(c);
	}
	if (ret)
		return ret;
	if (c->o->record || c->o->replay) {
		ret = nt_counter_vec_build(&c->vec[0], &c->slot[0]);
		if (!ret)
			ret = nt_counter_vec_build(&c->vec[1], &c->slot[1]);
		if (ret)
			return ret;
	}
	if (c->o->record) {
		ret = nt_recorder_open(&c->recorder, c->o->record, &c->slot[0],
				       &c->err);
		if (ret)
			return ret;
		if (c->drops || c->dslot[0].state != NT_TOP_DROPS_OFF)
			nt_recorder_drops(c->recorder, &c->dslot[1]);
	}
	return nt_top_frame_init(&c->frame, &c->slot[0]);
}

/*
 * The next look into the older slot.  Return: 1 with a sample, 0 at the end
 * of a replay, negative errno.
 */
static int take_sample(struct top_ctl *c)
{
	int next = c->cur ^ 1, ret;

	if (c->replay) {
		ret = nt_replay_next(c->replay, &c->slot[next], &c->vec[next],
				     &c->err);
		if (ret == 1)
			c->dslot[next] = *nt_replay_drops(c->replay);
		return ret;
	}
	ret = nt_sampler_read(c->sampler, &c->slot[next], &c->err);
	if (!ret && c->drops)
		ret = nt_drop_sampler_read(c->drops, &c->slot[next],
					   &c->dslot[next], &c->err);
	if (!ret && c->recorder) {
		nt_recorder_drops(c->recorder, c->drops ||
				  c->dslot[next].state != NT_TOP_DROPS_OFF ?
				  &c->dslot[next] : NULL);
		ret = nt_recorder_write(c->recorder, &c->slot[next],
					&c->vec[next], &c->err);
	}
	return ret ? ret : 1;
}

/* Frames ----------------------------------------------------------------- */

static void set_worst(struct nt_top_header *hdr,
		      const struct nt_findings *findings)
{
	const struct nt_finding *fd = findings->n ? &findings->v[0] : NULL;

	hdr->worst_severity = fd ? (int)fd->severity : NT_SEV_OK;
	snprintf(hdr->worst_id, sizeof(hdr->worst_id), "%s", fd ? fd->id : "");
	snprintf(hdr->worst_subject, sizeof(hdr->worst_subject), "%.47s",
		 fd ? fd->subject : "");
	snprintf(hdr->worst_summary, sizeof(hdr->worst_summary), "%s",
		 fd ? fd->summary : "");
}

static int make_frame(struct top_ctl *c)
{
	const struct nt_host *prev = &c->slot[c->cur ^ 1];
	const struct nt_host *cur = &c->slot[c->cur];
	struct nt_audit_input in = {
		.prev = prev,
		.cur = cur,
		.seconds = nt_seconds_between(prev, cur),
	};

	c->frame.sort = c->vs.sort;
	nt_top_frame_fill(&c->frame, prev, cur);
	nt_top_frame_drops(&c->frame, &c->dslot[c->cur]);
	nt_findings_reset(&c->findings);
	if (nt_audit_run(&in, &c->findings))
		return nt_err_set(&c->err, ENOMEM, "top: out of memory");
	set_worst(&c->frame.hdr, &c->findings);
	c->have_frame = true;
	return 0;
}

static int show_frame(struct top_ctl *c)
{
	if (c->view) {
		nt_view_draw(c->view, &c->frame, &c->vs);
		return 0;
	}
	if (c->o->json)
		nt_top_print_json(stdout, &c->frame, &c->vs.show);
	else
		nt_top_print_text(stdout, &c->frame, &c->vs.show);
	if (fflush(stdout) || ferror(stdout))
		return nt_err_set(&c->err, EIO, "top: cannot write output");
	return 0;
}

/* Clock ------------------------------------------------------------------ */

static int arm_timer(struct top_ctl *c, double seconds, bool periodic)
{
	struct itimerspec its = { 0 };
	long long ns = (long long)(seconds * 1e9);

	if (ns < 1)
		ns = 1;		/* 0 would disarm */
	its.it_value.tv_sec = ns / 1000000000LL;
	its.it_value.tv_nsec = ns % 1000000000LL;
	if (periodic)
		its.it_interval = its.it_value;
	if (timerfd_settime(c->tfd, 0, &its, NULL))
		return nt_err_set(&c->err, errno, "top: timerfd: %s",
				  strerror(errno));
	return 0;
}

/* Seconds until the pending replayed sample is due, at --speed. */
static double replay_delay(const struct top_ctl *c)
{
	const struct nt_host *shown = &c->slot[c->cur];
	const struct nt_host *next = &c->slot[c->cur ^ 1];

	if (c->o->speed <= 0)
		return 0;
	return nt_seconds_between(shown, next) / c->o->speed;
}

/* Replay: read the sample after the one shown, and wait for its time. */
static int prefetch(struct top_ctl *c)
{
	int ret = take_sample(c);

	if (ret < 0)
		return ret;
	c->pending = ret == 1;
	if (!c->pending) {
		/* the end: the view stays until q, batch mode ends */
		c->quit = !c->view;
		return 0;
	}
	return arm_timer(c, replay_delay(c), false);
}

/* One tick: a new sample, its frame, shown. */
static int tick(struct top_ctl *c)
{
	int ret;

	if (c->replay) {
		if (!c->pending)
			return 0;
	} else {
		ret = take_sample(c);
		if (ret < 0)
			return ret;
	}
	c->cur ^= 1;
	ret = make_frame(c);
	if (!ret)
		ret = show_frame(c);
	if (ret)
		return ret;
	if (c->o->frames && ++c->frames_done >= c->o->frames) {
		c->quit = true;
		return 0;
	}
	return c->replay ? prefetch(c) : 0;
}

static int on_timer(struct top_ctl *c)
{
	uint64_t expirations;

	if (read(c->tfd, &expirations, sizeof(expirations)) < 0 &&
	    errno != EAGAIN)
		return nt_err_set(&c->err, errno, "top: timerfd: %s",
				  strerror(errno));
	if (!c->vs.paused)
		return tick(c);
	/* a paused replay looks again soon: its timer is one-shot */
	return c->replay ? arm_timer(c, 0.2, false) : 0;
}

/* Events ----------------------------------------------------------------- */

static int on_signal(struct top_ctl *c)
{
	struct signalfd_siginfo si;

	if (read(c->sfd, &si, sizeof(si)) != sizeof(si))
		return 0;
	if (si.ssi_signo == SIGWINCH) {
		if (c->view) {
			nt_view_resize(c->view);
			nt_view_draw(c->view, c->have_frame ? &c->frame : NULL,
				     &c->vs);
		}
		return 0;
	}
	c->quit = true;		/* SIGINT, SIGTERM: a clean end */
	return 0;
}

static int on_action(struct top_ctl *c, enum nt_view_action act)
{
	const struct nt_top_frame *shown = c->have_frame ? &c->frame : NULL;

	switch (act) {
	case NT_VIEW_QUIT:
		c->quit = true;
		return 0;
	case NT_VIEW_REFRESH:
		return tick(c);
	case NT_VIEW_INTERVAL:
		if (!c->replay) {
			int ret = arm_timer(c, c->vs.interval_s, true);

			if (ret)
				return ret;
		}
		break;
	case NT_VIEW_SORT:
		if (c->have_frame)
			nt_top_frame_sort(&c->frame, c->vs.sort);
		break;
	case NT_VIEW_REDRAW:
	case NT_VIEW_NONE:
		break;
	}
	nt_view_draw(c->view, shown, &c->vs);
	return 0;
}

static int on_keys(struct top_ctl *c)
{
	enum nt_view_action act;
	int ret = 0;

	while (!ret && !c->quit &&
	       (act = nt_view_key(c->view, &c->vs)) != NT_VIEW_NONE)
		ret = on_action(c, act);
	return ret;
}

static int watch(struct top_ctl *c, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	if (!epoll_ctl(c->epfd, EPOLL_CTL_ADD, fd, &ev))
		return 0;
	/* epoll refuses what cannot be waited for: a file, /dev/null */
	if (fd == STDIN_FILENO && errno == EPERM)
		return nt_err_set(&c->err, EPERM, "top: standard input cannot "
				  "be waited for (a file?); give it a pipe or "
				  "a terminal");
	return nt_err_set(&c->err, errno, "top: epoll: %s", strerror(errno));
}

static int open_events(struct top_ctl *c)
{
	sigset_t sigs;
	int ret;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGWINCH);
	if (sigprocmask(SIG_BLOCK, &sigs, NULL))
		return nt_err_set(&c->err, errno, "top: signals: %s",
				  strerror(errno));
	c->sfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	c->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	c->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (c->sfd < 0 || c->tfd < 0 || c->epfd < 0)
		return nt_err_set(&c->err, errno, "top: %s", strerror(errno));
	ret = watch(c, c->sfd);
	if (!ret)
		ret = watch(c, c->tfd);
	if (!ret && (c->view || c->o->step))
		ret = watch(c, STDIN_FILENO);
	return ret;
}

/*
 * --step: each line read on stdin takes one sample, so a script decides
 * when the looks are taken (before and after what it does); end of input
 * ends top.
 */
static int on_step(struct top_ctl *c)
{
	char buf[256];
	ssize_t len = read(STDIN_FILENO, buf, sizeof(buf));
	int ret = 0;

	if (len < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (len < 0)
		return nt_err_set(&c->err, errno, "top: --step: standard input: "
				  "%s", strerror(errno));
	if (len == 0) {
		c->quit = true;
		return 0;
	}
	for (ssize_t i = 0; !ret && !c->quit && i < len; i++)
		if (buf[i] == '\n')
			ret = tick(c);
	return ret;
}

static int dispatch(struct top_ctl *c, int fd)
{
	if (fd == c->tfd)
		return on_timer(c);
	if (fd == c->sfd)
		return on_signal(c);
	if (c->o->step)
		return on_step(c);
	return on_keys(c);
}

static int loop(struct top_ctl *c)
{
	struct epoll_event ev[4];
	int n, ret = 0;

	while (!ret && !c->quit) {
		n = epoll_wait(c->epfd, ev, 4, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return nt_err_set(&c->err, errno, "top: epoll: %s",
					  strerror(errno));
		for (int i = 0; !ret && !c->quit && i < n; i++)
			ret = dispatch(c, ev[i].data.fd);
	}
	return ret;
}

/* Start and end ---------------------------------------------------------- */

static int start(struct top_ctl *c)
{
	int ret;

	if (c->view)
		nt_view_draw(c->view, NULL, &c->vs);
	if (c->replay)
		return prefetch(c);
	if (c->o->step)
		return 0;
	ret = arm_timer(c, c->o->interval, true);
	return ret;
}

static void ctl_free(struct top_ctl *c)
{
	nt_view_close(c->view);
	if (c->recorder && nt_recorder_close(c->recorder, &c->err) && !c->err.code)
		c->err.code = EIO;
	nt_sampler_close(c->sampler);
	nt_drop_sampler_close(c->drops);
	nt_replay_close(c->replay);
	for (int i = 0; i < 2; i++) {
		nt_counter_vec_free(&c->vec[i]);
		nt_host_free(&c->slot[i]);
	}
	nt_top_frame_free(&c->frame);
	nt_findings_free(&c->findings);
	if (c->epfd >= 0)
		close(c->epfd);
	if (c->tfd >= 0)
		close(c->tfd);
	if (c->sfd >= 0)
		close(c->sfd);
}

int top_run(const struct top_opts *o)
{
	struct top_ctl c = {
		.o = o,
		.epfd = -1, .tfd = -1, .sfd = -1,
		.vs = {
			.show = o->show,
			.sort = o->sort,
			.interval_s = o->interval,
			.source = "live",
		},
	};
	char source[4096];
	int ret;

	if (o->replay) {
		snprintf(source, sizeof(source), "replay %s", o->replay);
		c.vs.source = source;
	}
	ret = open_source(&c);
	if (!ret && !o->batch)
		ret = nt_view_open(&c.view, &c.err);
	if (!ret)
		ret = open_events(&c);
	if (!ret)
		ret = start(&c);
	if (!ret)
		ret = loop(&c);
	ctl_free(&c);
	if (ret && !c.err.code)
		nt_err_set(&c.err, -ret, "top: %s", strerror(-ret));
	if (ret || c.err.code)
		return nt_fail_err(&c.err);
	return NT_EXIT_OK;
}
