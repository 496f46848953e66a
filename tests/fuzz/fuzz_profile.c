// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness: the profile parser (nt_profile_load: inih, the
 * section and key rules, includes).
 *
 * The input is the file fuzz.conf; an include of it is a cycle, and
 * includes by name search the source tree's profiles/ when the harness
 * runs from it.  Inputs naming /proc, /sys or /dev are skipped: an
 * include of such a path (a regular file that blocks, like /proc/kmsg)
 * would test the machine, not the parser.
 */
#include <string.h>

#include "profile/profile.h"

#include "fuzzlib.h"

static const char *const dirs[] = { "profiles", NULL };

static bool names_special(const uint8_t *data, size_t size)
{
	static const char *const bad[] = { "/proc", "/sys", "/dev" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (memmem(data, size, bad[i], strlen(bad[i])))
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nt_profile profile;
	struct nt_err err = { 0 };
	const char *path;

	if (names_special(data, size))
		return 0;
	path = fuzz_file(data, size, "fuzz.conf");
	if (!nt_profile_load(path, dirs, &profile, &err))
		nt_profile_free(&profile);
	return 0;
}
