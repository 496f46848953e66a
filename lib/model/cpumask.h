/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_MODEL_CPUMASK_H
#define NT_MODEL_CPUMASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A set of CPUs of any size.  CPU0 is the least significant bit of words[0],
 * as in the kernel's bitmap.  An empty mask has nwords == 0 and words NULL;
 * a zero-initialised struct is a valid empty mask.
 */
struct nt_cpumask {
	uint32_t nwords;
	uint64_t *words;
};

void nt_cpumask_free(struct nt_cpumask *mask);

/** nt_cpumask_set() - add @cpu, growing the mask.  Return: 0 or -ENOMEM */
int nt_cpumask_set(struct nt_cpumask *mask, unsigned int cpu);
bool nt_cpumask_test(const struct nt_cpumask *mask, unsigned int cpu);
void nt_cpumask_clear_all(struct nt_cpumask *mask);
/** nt_cpumask_weight() - number of CPUs in the mask */
unsigned int nt_cpumask_weight(const struct nt_cpumask *mask);
bool nt_cpumask_empty(const struct nt_cpumask *mask);
bool nt_cpumask_equal(const struct nt_cpumask *a, const struct nt_cpumask *b);
/** nt_cpumask_copy() - deep copy; @dst is freed first.  0 or -ENOMEM */
int nt_cpumask_copy(struct nt_cpumask *dst, const struct nt_cpumask *src);
/** nt_cpumask_next() - first CPU >= @cpu in the mask, or -1 */
int nt_cpumask_next(const struct nt_cpumask *mask, unsigned int cpu);

/**
 * nt_cpumask_parse_hex() - parse the kernel's hex form "ff,ffffffff"
 *
 * Groups of up to 8 hex digits separated by commas, most significant group
 * first (the format of smp_affinity and rps_cpus).  Surrounding white space
 * is ignored.  Return: 0, -EINVAL on malformed text, -ENOMEM.
 */
int nt_cpumask_parse_hex(struct nt_cpumask *mask, const char *text);

/**
 * nt_cpumask_parse_list() - parse the list form "0-3,8,10-11"
 *
 * An empty string (or only white space) is the empty set.
 * Return: 0, -EINVAL, -ENOMEM.
 */
int nt_cpumask_parse_list(struct nt_cpumask *mask, const char *text);

/**
 * nt_cpumask_format_hex() - print in the kernel's hex form
 * @nbits: CPUs the kernel's mask covers (nr_cpu_ids); the output has
 *         DIV_ROUND_UP(@nbits, 32) groups, as the kernel prints it.  0 means
 *         just enough groups for the highest set CPU (at least one).
 *
 * Return: length written (without NUL), or -ENOSPC if @size is too small.
 */
int nt_cpumask_format_hex(const struct nt_cpumask *mask, unsigned int nbits,
			  char *buf, size_t size);

/**
 * nt_cpumask_format_list() - print as "0-3,8"; "" for the empty set
 *
 * Return: length written (without NUL), or -ENOSPC.
 */
int nt_cpumask_format_list(const struct nt_cpumask *mask, char *buf, size_t size);

#endif
