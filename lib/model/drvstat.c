// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "model/drvstat.h"

#define QUEUE_DIGITS_MAX	5
#define WORD_LEN		16

/* Link stats64 counters that drivers copy into their own list. */
static const char *const link_names[] = {
	"rx_missed_errors", "rx_fifo_errors", "rx_over_errors", "rx_dropped",
	"tx_dropped", NULL
};

static bool has_word(const char *name, const char *const *words)
{
	for (; *words; words++)
		if (strcasestr(name, *words))
			return true;
	return false;
}

bool nt_drvstat_ring(const char *name)
{
	static const char *const ring_words[] = {
		"no_buf", "nobuf", "out_of_buffer", "oob", "missed", "fifo",
		"overrun", "alloc_fail", NULL
	};

	return has_word(name, ring_words);
}

bool nt_drvstat_drop(const char *name)
{
	static const char *const drop_words[] = {
		"drop", "discard", "miss", NULL
	};

	return has_word(name, drop_words) || nt_drvstat_ring(name);
}

bool nt_drvstat_link_copy(const char *name)
{
	for (const char *const *n = link_names; *n; n++)
		if (!strcmp(name, *n))
			return true;
	return false;
}

/* Is "rx"/"tx" at @p a word of its own ("rx_", "rx3", "port.rx_")? */
static bool dir_token(const char *name, const char *p)
{
	return (p == name || !isalnum((unsigned char)p[-1])) &&
	       !isalpha((unsigned char)p[2]);
}

/* Digits at @p ending a word: the queue index, else -1. */
static int queue_digits(const char *p)
{
	char *end;
	long q;

	if (!isdigit((unsigned char)*p))
		return -1;
	q = strtol(p, &end, 10);
	if (end - p > QUEUE_DIGITS_MAX || isalnum((unsigned char)*end))
		return -1;
	return q;
}

/* The direction word of @name, or NULL. */
static const char *find_dir(const char *name)
{
	for (const char *p = name; *p && p[1]; p++)
		if ((!strncasecmp(p, "rx", 2) || !strncasecmp(p, "tx", 2)) &&
		    dir_token(name, p))
			return p;
	return NULL;
}

/* "NAME#k" (a repeated name made unique): k, else -1. */
static int repeat_index(const char *name)
{
	const char *hash = strrchr(name, '#');

	if (!hash || !hash[1] || strspn(hash + 1, "0123456789") !=
				 strlen(hash + 1))
		return -1;
	return queue_digits(hash + 1);
}

static int parse_queue(const char *name, const char *dir)
{
	const char *p, *q = strcasestr(name, "queue_");
	int queue = -1;

	if (dir) {
		p = dir + 2;
		if (!strncasecmp(p, "_queue", 6))
			p += 6;
		if (*p == '_' || *p == '-')
			p++;
		queue = queue_digits(p);
	}
	if (queue < 0 && q)
		queue = queue_digits(q + 6);
	/* bnxt: "[3]: rx_discards" */
	if (queue < 0 && name[0] == '[' && queue_digits(name + 1) >= 0 &&
	    name[1 + strspn(name + 1, "0123456789")] == ']')
		queue = queue_digits(name + 1);
	if (queue < 0)
		queue = repeat_index(name);
	return queue;
}

/*
 * The next word of @p: a run of letters or a run of digits.  Copies it,
 * lower case and cut to @size - 1, into @word; returns the rest, or NULL
 * at the end.
 */
static const char *next_word(const char *p, char *word, size_t size)
{
	size_t n = 0;
	bool digits;

	while (*p && !isalnum((unsigned char)*p))
		p++;
	if (!*p)
		return NULL;
	digits = isdigit((unsigned char)*p);
	for (; *p && isalnum((unsigned char)*p) &&
	       !!isdigit((unsigned char)*p) == digits; p++)
		if (n + 1 < size)
			word[n++] = tolower((unsigned char)*p);
	word[n] = '\0';
	return p;
}

static bool in_list(const char *word, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(word, *list))
			return true;
	return false;
}

/*
 * Does @name, without direction, queue and the word "queue", say
 * "packets" (or "ucast packets", ...)?
 */
static bool packets_name(const char *name)
{
	static const char *const skip[] = { "rx", "tx", "queue", NULL };
	static const char *const cast[] = { "ucast", "mcast", "bcast", NULL };
	static const char *const pkts[] = { "packets", "pkts", "cnt", NULL };
	char words[2][WORD_LEN], w[WORD_LEN];
	size_t n = 0;

	for (const char *p = name; (p = next_word(p, w, sizeof(w)));) {
		if (isdigit((unsigned char)w[0]) || in_list(w, skip))
			continue;
		if (n == 2)
			return false;
		memcpy(words[n++], w, sizeof(w));
	}
	if (n == 1)
		return in_list(words[0], pkts);
	return n == 2 && in_list(words[0], cast) && in_list(words[1], pkts);
}

static uint32_t fnv1a(uint32_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The direction and the words of @name but the queue's, hashed. */
static uint32_t family_hash(const char *name, const char *dir)
{
	static const char *const skip[] = { "rx", "tx", "queue", NULL };
	uint32_t h = fnv1a(2166136261u, dir);
	char w[WORD_LEN];

	for (const char *p = name; (p = next_word(p, w, sizeof(w)));) {
		if (isdigit((unsigned char)w[0]) || in_list(w, skip))
			continue;
		h = fnv1a(fnv1a(h, " "), w);
	}
	return h;
}

void nt_drvstat_parse(const char *name, struct nt_drvstat_id *id)
{
	const char *dir = find_dir(name);

	id->dir[0] = '\0';
	if (dir) {
		id->dir[0] = tolower((unsigned char)dir[0]);
		id->dir[1] = 'x';
		id->dir[2] = '\0';
	}
	id->queue = parse_queue(name, dir);
	if (strcasestr(name, "xdp"))
		id->kind = NT_DRVSTAT_XDP;
	else if (strcmp(id->dir, "tx") && nt_drvstat_ring(name))
		id->kind = NT_DRVSTAT_RING;
	else if (nt_drvstat_drop(name))
		id->kind = NT_DRVSTAT_DROP;
	else if (id->dir[0] && packets_name(name))
		id->kind = NT_DRVSTAT_PACKETS;
	else
		id->kind = NT_DRVSTAT_OTHER;
	id->family = family_hash(name, id->dir);
}
