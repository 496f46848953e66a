// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The audit: a table of checks, each a pure function of two looks at a
 * host, and the findings they give.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/checks.h"
#include "audit/util.h"
#include "util/array.h"

const struct nt_check nt_checks[] = {
	{ "softnet",   nt_check_softnet },
	{ "nic",       nt_check_nic },
	{ "irq",       nt_check_irq },
	{ "rps",       nt_check_rps },
	{ "qdisc",     nt_check_qdisc },
	{ "tcp",       nt_check_tcp },
	{ "udp",       nt_check_udp },
	{ "conntrack", nt_check_conntrack },
	{ "drops",     nt_check_drops },
	{ "config",    nt_check_config },
};
const size_t nt_n_checks = ARRAY_SIZE(nt_checks);

const char *nt_severity_name(enum nt_severity sev)
{
	switch (sev) {
	case NT_SEV_OK:		return "ok";
	case NT_SEV_INFO:	return "info";
	case NT_SEV_WARNING:	return "warning";
	case NT_SEV_CRITICAL:	return "critical";
	}
	return "?";
}

struct nt_finding *nt_finding_add(struct nt_findings *f, const char *id,
				  enum nt_severity sev, const char *subject)
{
	struct nt_finding *fd;

	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		struct nt_finding *v = realloc(f->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		f->v = v;
		f->cap = cap;
	}
	fd = &f->v[f->n++];
	memset(fd, 0, sizeof(*fd));
	snprintf(fd->id, sizeof(fd->id), "%s", id);
	snprintf(fd->subject, sizeof(fd->subject), "%s", subject);
	fd->severity = sev;
	return fd;
}

void nt_finding_summary(struct nt_finding *fd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fd->summary, sizeof(fd->summary), fmt, ap);
	va_end(ap);
}

void nt_finding_evidence(struct nt_finding *fd, const char *name,
			 double value, bool integer)
{
	struct nt_evidence *ev;

	if (fd->n_evidence == NT_EVIDENCE_MAX)
		return;
	ev = &fd->evidence[fd->n_evidence++];
	snprintf(ev->name, sizeof(ev->name), "%s", name);
	ev->value = value;
	ev->integer = integer;
}

struct nt_change *nt_finding_fix(struct nt_finding *fd, const char *knob,
				 const char *subject, const char *current,
				 const char *target)
{
	struct nt_change *c;

	if (fd->n_fix == NT_FIX_MAX)
		return NULL;
	c = &fd->fix[fd->n_fix++];
	memset(c, 0, sizeof(*c));
	snprintf(c->knob, sizeof(c->knob), "%s", knob);
	snprintf(c->subject, sizeof(c->subject), "%s", subject);
	snprintf(c->current, sizeof(c->current), "%s", current ? current : "");
	snprintf(c->target, sizeof(c->target), "%s", target);
	return c;
}

void *nt_findings_scratch(struct nt_findings *f, unsigned int slot,
			  size_t bytes)
{
	struct nt_scratch *s = &f->scratch[slot];
	size_t size = 64;
	void *p;

	if (bytes <= s->size && s->p)
		return s->p;
	/* powers of two: a few growths at most, then none */
	while (size < bytes && size <= SIZE_MAX / 2)
		size *= 2;
	if (size < bytes)
		size = bytes;
	p = malloc(size);
	if (!p)
		return NULL;
	free(s->p);
	s->p = p;
	s->size = size;
	return p;
}

void nt_findings_reset(struct nt_findings *f)
{
	f->n = 0;
}

void nt_findings_free(struct nt_findings *f)
{
	free(f->v);
	for (size_t i = 0; i < NT_SCRATCH_SLOTS; i++)
		free(f->scratch[i].p);
	memset(f, 0, sizeof(*f));
}

static int cmp_finding(const void *a, const void *b, void *ctx)
{
	const struct nt_finding *v = ctx;
	const struct nt_finding *x = &v[*(const size_t *)a];
	const struct nt_finding *y = &v[*(const size_t *)b];
	int d;

	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	d = strcmp(x->id, y->id);
	if (d)
		return d;
	return strverscmp(x->subject, y->subject);
}

/*
 * Put f->v[idx[k]] at position k for every k, moving each finding once
 * (findings are large): cycle by cycle, with one in @one.
 */
static void permute(struct nt_finding *v, size_t *idx, size_t n,
		    struct nt_finding *one)
{
	for (size_t i = 0; i < n; i++) {
		size_t j = i;

		if (idx[i] == i)
			continue;
		*one = v[i];
		while (idx[j] != i) {
			size_t k = idx[j];

			v[j] = v[k];
			idx[j] = j;
			j = k;
		}
		v[j] = *one;
		idx[j] = j;
	}
}

/* Sort the findings of @f, stable, in buffers of @f.  0 or -ENOMEM. */
static int sort_findings(struct nt_findings *f)
{
	size_t n = f->n, *idx, *tmp;
	struct nt_finding *one;

	if (n < 2)
		return 0;
	idx = nt_findings_scratch(f, NT_SCRATCH_SORT_IDX, n * sizeof(*idx));
	tmp = nt_findings_scratch(f, NT_SCRATCH_SORT_TMP, n * sizeof(*tmp));
	one = nt_findings_scratch(f, NT_SCRATCH_SORT_ONE, sizeof(*one));
	if (!idx || !tmp || !one)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	nt_sort_stable(idx, n, sizeof(*idx), cmp_finding, f->v, tmp);
	permute(f->v, idx, n, one);
	return 0;
}

int nt_audit_run(const struct nt_audit_input *in, struct nt_findings *out)
{
	int ret = 0;

	nt_findings_reset(out);
	for (size_t i = 0; !ret && i < nt_n_checks; i++)
		ret = nt_checks[i].run(in, out);
	if (!ret)
		ret = sort_findings(out);
	if (ret)
		nt_findings_free(out);
	return ret;
}

enum nt_severity nt_audit_worst(const struct nt_findings *f)
{
	enum nt_severity worst = NT_SEV_OK;

	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].severity > worst)
			worst = f->v[i].severity;
	return worst;
}
