/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_SAMPLE_RECORD_H
#define NT_SAMPLE_RECORD_H

/*
 * Recordings of `nettune top --record`: JSON lines.
 *
 *   line 1   {"nettune_recording":1,"host":SNAPSHOT}   the first look, the
 *            snapshot document (model/snapshot.h) printed compact
 *   line 2+  {"t":MONO_NS,"w":REALTIME_NS,"u":UPTIME_NS,"d":[GAP,DELTA,...]}
 *            (plus "L":[[FAMILY,"ADDR",PORT,ACCEPT_QUEUE,BACKLOG],...] when
 *            the listening sockets changed; "R":[["REASON","LOCATION",
 *            "DEVICE",COUNT],...] and "Ro":OTHER, the drop-reason pane's
 *            rows since the line before, on every line while drop
 *            reasons are counted; "Ru":"WHY" once when they cannot be)
 *
 * Every counter of a host (link stats, qdisc stats, softnet, the interrupt
 * and softirq cells, snmp, sockstat and driver counters) has a place in one
 * counter vector whose order follows the host (nt_counter_vec; the order is
 * written down once, in record.c); a sample line lists only the counters
 * that changed since the line before, as the gap from the previous changed
 * index and the signed change of the value.  The first gap counts from -1
 * (index 0 is gap 1), so every gap is at least 1.  A change is the
 * difference of the two unsigned values taken as a signed 64-bit number,
 * so counters that go backwards or wrap come back exactly.  An idle host
 * thus writes a few bytes a second whatever its size.
 *
 * "t", "w" and "u" are the host's mono_ns, taken_ns and uptime_ns (0:
 * unknown).  "L" is the whole set of listeners, family 4 or 6 as in the
 * snapshot; a line without it keeps the set of the line before.  Both
 * sides start from the values the snapshot document gives when loaded, so
 * counters the document leaves out (blocks not read) start at 0 and come
 * with the first sample line.  Sample lines are written without json-c and
 * flushed one by one, so a recording cut short loses no sample it showed.
 *
 * A replay rebuilds the first host from the snapshot and applies the lines
 * in turn to hosts of that shape: the same recording gives the same hosts,
 * hence the same frames, every time.
 */

#include <stdio.h>

#include "model/host.h"
#include "sample/frame.h"
#include "util/err.h"

#define NT_RECORDING_VERSION 1

/* Pointers to every counter of one host, in the recording's order. */
struct nt_counter_vec {
	uint64_t **cell;	/* int64_t counters are stored through their bits */
	size_t n;
};

/** nt_counter_vec_build() - index every counter of @host.  0 or -ENOMEM */
int nt_counter_vec_build(struct nt_counter_vec *vec, struct nt_host *host);
void nt_counter_vec_free(struct nt_counter_vec *vec);

struct nt_recorder;

/**
 * nt_recorder_open() - start a recording at @path with its first look
 * @first: the shape, with its first counters; written as line 1
 *
 * The file is created (or truncated) with mode 0644.  Return: 0 or -errno.
 */
int nt_recorder_open(struct nt_recorder **out, const char *path,
		     const struct nt_host *first, struct nt_err *err);

/**
 * nt_recorder_write() - append one sample
 * @host: a host of the first look's shape: its times and listeners
 * @vec: the counter vector of @host
 *
 * The recorder keeps the values it wrote last, so any host of the shape
 * may come next (top alternates two).  Allocates nothing, unless more
 * listeners appear than ever before.  After a failed write the file is
 * cut and every later write fails too.
 * Return: 0, -EINVAL for a host of another shape, or -errno (a full disk).
 */
int nt_recorder_write(struct nt_recorder *r, const struct nt_host *host,
		      const struct nt_counter_vec *vec, struct nt_err *err);

/**
 * nt_recorder_drops() - the drop-reason rows the next writes include
 * @d: kept by pointer and read at each write; NULL: none (the default)
 */
void nt_recorder_drops(struct nt_recorder *r, const struct nt_top_drops *d);

/** nt_recorder_close() - flush and close.  Return: 0 or -errno */
int nt_recorder_close(struct nt_recorder *r, struct nt_err *err);

struct nt_replay;

/**
 * nt_replay_open() - open a recording and rebuild its first host
 * @first: zeroed on entry; the first look, freed by the caller (on
 *	failure it is freed and zeroed already)
 *
 * Malformed text is -EINVAL with "FILE:LINE: what is wrong".
 * Return: 0 or negative errno.
 */
int nt_replay_open(struct nt_replay **out, const char *path,
		   struct nt_host *first, struct nt_err *err);

/**
 * nt_replay_next() - the next sample into @host
 * @host: a host of the first look's shape (nt_host_copy() of @first); its
 *	counters, times and listeners are overwritten, all of them: the
 *	replay keeps the running values itself
 * @vec: the counter vector of @host
 *
 * Every member of the line is checked before any is applied: unknown
 * members, wrong types, an odd "d", a gap of 0 or one that runs past the
 * vector are -EINVAL with "FILE:LINE: what is wrong".  The end of the file
 * ends the recording, as do empty lines with nothing after them.
 * Return: 1 with a sample, 0 at the end, negative errno on malformed text.
 */
int nt_replay_next(struct nt_replay *p, struct nt_host *host,
		   const struct nt_counter_vec *vec, struct nt_err *err);

/**
 * nt_replay_drops() - the drop-reason rows of the sample read last
 *
 * State OFF for a recording without them (older recordings); UNAVAILABLE
 * from the line that said why on.
 */
const struct nt_top_drops *nt_replay_drops(const struct nt_replay *p);

void nt_replay_close(struct nt_replay *p);

#endif
