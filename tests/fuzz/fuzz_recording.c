// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness: the recording reader of `top --replay`
 * (nt_replay_open and nt_replay_next, lib/sample/record.c), applied to a
 * copy of the first host as top's replay does.
 */
#include <stdlib.h>

#include "sample/record.h"

#include "fuzzlib.h"

static void samples(struct nt_replay *p, const struct nt_host *first)
{
	struct nt_counter_vec vec = { 0 };
	struct nt_err err = { 0 };
	struct nt_host host;

	if (nt_host_copy(&host, first))
		abort();
	if (nt_counter_vec_build(&vec, &host))
		abort();
	while (nt_replay_next(p, &host, &vec, &err) > 0)
		;
	nt_counter_vec_free(&vec);
	nt_host_free(&host);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size, "fuzz.jsonl");
	struct nt_host first = { 0 };
	struct nt_err err = { 0 };
	struct nt_replay *p;

	if (nt_replay_open(&p, path, &first, &err))
		return 0;
	samples(p, &first);
	nt_replay_close(p);
	nt_host_free(&first);
	return 0;
}
