// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness: the snapshot reader (nt_json_parse and
 * nt_snapshot_from_json, what nt_snapshot_load does with a file's text).
 *
 * A snapshot that loads must print and load again (the format is
 * lossless), so the writer is fuzzed too.
 */
#include <stdlib.h>
#include <string.h>

#include "model/snapshot.h"
#include "util/json.h"

#include "fuzzlib.h"

static void reload(const struct nt_host *host)
{
	struct json_object *doc = nt_snapshot_to_json(host, NULL);
	struct nt_err err = { 0 };
	struct nt_host back;

	if (!doc || nt_snapshot_from_json(doc, &back, &err))
		abort();
	nt_host_free(&back);
	json_object_put(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct json_object *doc = NULL;
	struct nt_err err = { 0 };
	struct nt_host host;

	if (!nt_json_parse("fuzz", text, strlen(text), &doc, &err) && doc &&
	    json_object_is_type(doc, json_type_object) &&
	    !nt_snapshot_from_json(doc, &host, &err)) {
		reload(&host);
		nt_host_free(&host);
	}
	json_object_put(doc);
	free(text);
	return 0;
}
