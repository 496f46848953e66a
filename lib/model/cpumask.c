// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/cpumask.h"
#include "util/str.h"

/*
 * Parsed text comes from files and snapshots we do not trust: a CPU number
 * bounds the allocation it causes.  The kernel's NR_CPUS tops out at 8192,
 * so this leaves ample room for bigger machines.
 */
#define NT_CPUMASK_MAX_CPUS	(1u << 20)
#define NT_HEX_GROUP_BITS	32
#define NT_HEX_GROUP_DIGITS	8

static int mask_grow(struct nt_cpumask *mask, uint32_t nwords)
{
	uint64_t *words;

	if (nwords <= mask->nwords)
		return 0;
	words = realloc(mask->words, nwords * sizeof(*words));
	if (!words)
		return -ENOMEM;
	memset(words + mask->nwords, 0,
	       (nwords - mask->nwords) * sizeof(*words));
	mask->words = words;
	mask->nwords = nwords;
	return 0;
}

/* Words up to the highest non-zero one: trailing zero words are not CPUs. */
static uint32_t mask_used_words(const struct nt_cpumask *mask)
{
	uint32_t n = mask->nwords;

	while (n && !mask->words[n - 1])
		n--;
	return n;
}

/* The highest CPU in the mask, or -1. */
static int mask_last(const struct nt_cpumask *mask)
{
	uint32_t n = mask_used_words(mask);

	if (!n)
		return -1;
	return 64 * n - 1 - __builtin_clzll(mask->words[n - 1]);
}

/**
 * nt_cpumask_free() - release the words of @mask and make it empty
 * @mask: mask, may be NULL
 */
void nt_cpumask_free(struct nt_cpumask *mask)
{
	if (!mask)
		return;
	free(mask->words);
	mask->words = NULL;
	mask->nwords = 0;
}

int nt_cpumask_set(struct nt_cpumask *mask, unsigned int cpu)
{
	int ret = mask_grow(mask, cpu / 64 + 1);

	if (ret)
		return ret;
	mask->words[cpu / 64] |= 1ull << (cpu % 64);
	return 0;
}

/**
 * nt_cpumask_test() - whether @cpu is in @mask
 * @mask: mask
 * @cpu: CPU number, any value (CPUs beyond the words are not set)
 *
 * Return: true if set.
 */
bool nt_cpumask_test(const struct nt_cpumask *mask, unsigned int cpu)
{
	if (cpu / 64 >= mask->nwords)
		return false;
	return mask->words[cpu / 64] & (1ull << (cpu % 64));
}

/**
 * nt_cpumask_clear_all() - remove every CPU from @mask
 * @mask: mask
 *
 * The words stay allocated: masks are refilled every sample.
 */
void nt_cpumask_clear_all(struct nt_cpumask *mask)
{
	if (mask->nwords)
		memset(mask->words, 0, mask->nwords * sizeof(*mask->words));
}

unsigned int nt_cpumask_weight(const struct nt_cpumask *mask)
{
	unsigned int n = 0;
	uint32_t i;

	for (i = 0; i < mask->nwords; i++)
		n += __builtin_popcountll(mask->words[i]);
	return n;
}

/**
 * nt_cpumask_empty() - whether @mask has no CPU
 * @mask: mask
 *
 * Return: true when no bit is set.
 */
bool nt_cpumask_empty(const struct nt_cpumask *mask)
{
	return mask_used_words(mask) == 0;
}

/**
 * nt_cpumask_equal() - whether @a and @b hold the same CPUs
 * @a: mask
 * @b: mask
 *
 * Masks of different allocated sizes compare equal when the extra words are
 * zero.
 *
 * Return: true if equal.
 */
bool nt_cpumask_equal(const struct nt_cpumask *a, const struct nt_cpumask *b)
{
	uint32_t na = mask_used_words(a);

	if (na != mask_used_words(b))
		return false;
	return !na || !memcmp(a->words, b->words, na * sizeof(*a->words));
}

int nt_cpumask_copy(struct nt_cpumask *dst, const struct nt_cpumask *src)
{
	uint32_t n;

	if (dst == src)
		return 0;
	nt_cpumask_free(dst);
	n = mask_used_words(src);
	if (!n)
		return 0;
	dst->words = malloc(n * sizeof(*dst->words));
	if (!dst->words)
		return -ENOMEM;
	memcpy(dst->words, src->words, n * sizeof(*dst->words));
	dst->nwords = n;
	return 0;
}

int nt_cpumask_next(const struct nt_cpumask *mask, unsigned int cpu)
{
	uint32_t i = cpu / 64;
	uint64_t word;

	if (i >= mask->nwords)
		return -1;
	word = mask->words[i] & (~0ull << (cpu % 64));
	for (;;) {
		if (word)
			return i * 64 + __builtin_ctzll(word);
		if (++i >= mask->nwords)
			return -1;
		word = mask->words[i];
	}
}

/* Bits [first, last] set, growing once for the whole range. */
static int mask_set_range(struct nt_cpumask *mask, unsigned int first,
			  unsigned int last)
{
	unsigned int cpu = first;
	int ret = mask_grow(mask, last / 64 + 1);

	if (ret)
		return ret;
	while (cpu <= last) {
		unsigned int bit = cpu % 64;
		unsigned int n = last - cpu + 1;
		uint64_t bits;

		if (n > 64 - bit)
			n = 64 - bit;
		bits = n == 64 ? ~0ull : ((1ull << n) - 1) << bit;
		mask->words[cpu / 64] |= bits;
		cpu += n;
	}
	return 0;
}

static void trim_space(const char **start, const char **end)
{
	while (*start < *end && isspace((unsigned char)**start))
		(*start)++;
	while (*end > *start && isspace((unsigned char)(*end)[-1]))
		(*end)--;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One group of 1 to 8 hex digits at *p, ending at a comma or @end. */
static int parse_hex_group(const char **p, const char *end, uint32_t *val)
{
	const char *s = *p;
	int ndigits = 0;

	*val = 0;
	while (s < end && *s != ',') {
		int d = hex_digit(*s++);

		if (d < 0 || ++ndigits > NT_HEX_GROUP_DIGITS)
			return -EINVAL;
		*val = *val << 4 | d;
	}
	if (!ndigits)
		return -EINVAL;
	*p = s;
	return 0;
}

int nt_cpumask_parse_hex(struct nt_cpumask *mask, const char *text)
{
	const char *p = text, *end = text + strlen(text);
	struct nt_cpumask tmp = { 0 };
	size_t group = 0;
	const char *s;

	trim_space(&p, &end);
	if (p == end)
		return -EINVAL;
	for (s = p; s < end; s++)
		group += *s == ',';
	if (group >= NT_CPUMASK_MAX_CPUS / NT_HEX_GROUP_BITS)
		return -EINVAL;

	/* @group counts down: the most significant group comes first. */
	for (;;) {
		uint32_t val;
		int ret = parse_hex_group(&p, end, &val);

		if (!ret && val)
			ret = mask_grow(&tmp, group / 2 + 1);
		if (ret) {
			nt_cpumask_free(&tmp);
			return ret;
		}
		if (val)
			tmp.words[group / 2] |= (uint64_t)val << group % 2 * 32;
		if (p == end)
			break;
		p++;		/* the comma; an empty group after it fails */
		group--;
	}
	nt_cpumask_free(mask);
	*mask = tmp;
	return 0;
}

/* A decimal CPU number below NT_CPUMASK_MAX_CPUS: no sign, no space. */
static int parse_cpu(const char **p, const char *end, unsigned int *cpu)
{
	const char *s = *p;

	*cpu = 0;
	if (s == end || *s < '0' || *s > '9')
		return -EINVAL;
	while (s < end && *s >= '0' && *s <= '9') {
		*cpu = *cpu * 10 + (*s++ - '0');
		if (*cpu >= NT_CPUMASK_MAX_CPUS)
			return -EINVAL;
	}
	*p = s;
	return 0;
}

/* "N" or "N-M" at *p, ending at a comma or @end. */
static int parse_range(const char **p, const char *end,
		       unsigned int *first, unsigned int *last)
{
	int ret = parse_cpu(p, end, first);

	if (ret)
		return ret;
	*last = *first;
	if (*p < end && **p == '-') {
		(*p)++;
		ret = parse_cpu(p, end, last);
		if (ret)
			return ret;
	}
	if (*last < *first || (*p < end && **p != ','))
		return -EINVAL;
	return 0;
}

int nt_cpumask_parse_list(struct nt_cpumask *mask, const char *text)
{
	const char *p = text, *end = text + strlen(text);
	struct nt_cpumask tmp = { 0 };

	trim_space(&p, &end);
	while (p < end) {
		unsigned int first, last;
		int ret = parse_range(&p, end, &first, &last);

		if (!ret)
			ret = mask_set_range(&tmp, first, last);
		/* A comma promises another range: "1," is malformed. */
		if (!ret && p < end && ++p == end)
			ret = -EINVAL;
		if (ret) {
			nt_cpumask_free(&tmp);
			return ret;
		}
	}
	nt_cpumask_free(mask);
	*mask = tmp;
	return 0;
}

static uint32_t mask_group(const struct nt_cpumask *mask, uint32_t group)
{
	if (group / 2 >= mask->nwords)
		return 0;
	return mask->words[group / 2] >> (group % 2 * 32);
}

static int buf_end(char *buf, size_t size, size_t len)
{
	if (len < size)
		return len;
	if (size)
		buf[0] = '\0';
	return -ENOSPC;
}

/*
 * The kernel's bitmap_string() (%*pb): the first group holds the bits of
 * nbits % 32 and is padded to just the digits those need, the others to 8.
 * CPUs at or beyond @nbits are not printed, as in the kernel.
 */
int nt_cpumask_format_hex(const struct nt_cpumask *mask, unsigned int nbits,
			  char *buf, size_t size)
{
	unsigned int chunk = nbits % NT_HEX_GROUP_BITS ?: NT_HEX_GROUP_BITS;
	unsigned int width = (chunk + 3) / 4;
	uint32_t ngroups, chunk_mask, g;
	size_t len = 0;

	if (!nbits) {
		int last = mask_last(mask);

		nbits = last < 0 ? 1 : last + 1;
		width = 1;
	}
	ngroups = (nbits - 1) / NT_HEX_GROUP_BITS + 1;
	chunk_mask = nbits % NT_HEX_GROUP_BITS ?
		     (1u << nbits % NT_HEX_GROUP_BITS) - 1 : ~0u;

	for (g = ngroups; g-- > 0; ) {
		nt_str_append(buf, size, &len, len ? ",%0*x" : "%0*x", width,
			mask_group(mask, g) & chunk_mask);
		width = NT_HEX_GROUP_DIGITS;
		chunk_mask = ~0u;
		if (len >= size)
			break;	/* too small already: no need to go on */
	}
	return buf_end(buf, size, len);
}

int nt_cpumask_format_list(const struct nt_cpumask *mask, char *buf,
			   size_t size)
{
	int first = nt_cpumask_next(mask, 0);
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	while (first >= 0) {
		int last = first;

		while (nt_cpumask_test(mask, last + 1))
			last++;
		nt_str_append(buf, size, &len, "%s%d", len ? "," : "", first);
		if (last > first)
			nt_str_append(buf, size, &len, "-%d", last);
		first = nt_cpumask_next(mask, last + 1);
	}
	return buf_end(buf, size, len);
}
