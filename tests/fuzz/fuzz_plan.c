// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness: the plan-file reader (nt_plan_load).
 *
 * A plan that loads must save and load again.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "plan/plan.h"

#include "fuzzlib.h"

static void reload(const struct nt_plan *plan)
{
	struct json_object *doc = nt_plan_to_json(plan);
	struct nt_err err = { 0 };
	struct nt_plan back;
	const char *text, *path;

	if (!doc)
		abort();
	text = json_object_to_json_string(doc);
	path = fuzz_file((const uint8_t *)text, strlen(text), "plan.json");
	if (nt_plan_load(path, &back, &err) || back.n != plan->n)
		abort();
	nt_plan_free(&back);
	json_object_put(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size, "plan.json");
	struct nt_err err = { 0 };
	struct nt_plan plan;

	if (!nt_plan_load(path, &plan, &err)) {
		reload(&plan);
		nt_plan_free(&plan);
	}
	return 0;
}
