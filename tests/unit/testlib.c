// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Helpers shared by the unit tests; see testlib.h.  Every helper fails
 * the running test (cmocka) rather than return an error its caller would
 * have to check, except tree_remove(), which runs in teardowns.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "testlib.h"

/**
 * xcalloc() - calloc() that fails the test when out of memory
 * @n: number of elements
 * @size: size of one element
 *
 * Return: zeroed memory, never NULL.
 */
void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	assert_non_null(p);
	return p;
}

/**
 * xrealloc() - resize an array, failing the test when out of memory
 * @p: the array, or NULL
 * @n: number of elements it is to hold
 * @size: size of one element
 *
 * Return: the resized array, never NULL.
 */
void *xrealloc(void *p, size_t n, size_t size)
{
	p = realloc(p, n * size);
	assert_non_null(p);
	return p;
}

/**
 * xstrdup() - strdup() that fails the test when out of memory
 * @s: the string to copy
 *
 * Return: a copy of @s for the caller to free, never NULL.
 */
char *xstrdup(const char *s)
{
	char *d = strdup(s);

	assert_non_null(d);
	return d;
}

/**
 * set_list() - set a CPU mask from its list form, which must parse
 * @m: the mask
 * @list: CPUs as "0-3,8"
 */
void set_list(struct nt_cpumask *m, const char *list)
{
	assert_int_equal(nt_cpumask_parse_list(m, list), 0);
}

static char *read_fixture(const char *rel, bool optional)
{
	const char *dir = getenv("NT_FIXTURES");
	char path[4096];
	struct stat st;
	char *text;
	int fd;

	snprintf(path, sizeof(path), "%s/real-hosts/%s",
		 dir ? dir : "tests/fixtures", rel);
	fd = open(path, O_RDONLY);
	if (fd < 0 && optional)
		return NULL;
	if (fd < 0)
		fail_msg("%s: %s (set NT_FIXTURES)", path, strerror(errno));
	assert_int_equal(fstat(fd, &st), 0);
	text = xcalloc(1, st.st_size + 1);
	assert_int_equal(read(fd, text, st.st_size), st.st_size);
	close(fd);
	return text;
}

/**
 * fixture_text() - read a captured host file
 * @rel: path under $NT_FIXTURES/real-hosts (tests/fixtures if unset)
 *
 * Fails the test if the file cannot be read.
 *
 * Return: the file's text, NUL-terminated, for the caller to free.
 */
char *fixture_text(const char *rel)
{
	return read_fixture(rel, false);
}

/**
 * fixture_text_optional() - read a captured host file that may be missing
 * @rel: path under $NT_FIXTURES/real-hosts (tests/fixtures if unset)
 *
 * Return: the file's text for the caller to free, or NULL if there is
 * no such file.
 */
char *fixture_text_optional(const char *rel)
{
	return read_fixture(rel, true);
}

/**
 * parse_interrupts() - parse /proc/interrupts text, which must parse
 * @text: the text
 * @table: filled in; the caller frees it with nt_interrupts_free()
 */
void parse_interrupts(const char *text, struct nt_interrupts *table)
{
	struct nt_err err = { 0 };

	memset(table, 0, sizeof(*table));
	if (nt_procfs_parse_interrupts(text, table, &err))
		fail_msg("parse: %s", err.msg);
}

/**
 * load_interrupts() - parse a captured /proc/interrupts
 * @rel: path under $NT_FIXTURES/real-hosts
 * @table: filled in; the caller frees it with nt_interrupts_free()
 */
void load_interrupts(const char *rel, struct nt_interrupts *table)
{
	char *text = fixture_text(rel);

	parse_interrupts(text, table);
	free(text);
}

static void make_parents(const char *top, char *path)
{
	for (char *slash = strchr(path + strlen(top) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*slash = '/';
	}
}

/**
 * tree_put() - write a file into a temporary tree
 * @top: the tree's directory
 * @rel: the file's path under @top; missing directories are made
 * @text: the file's whole content
 */
void tree_put(const char *top, const char *rel, const char *text)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	make_parents(top, path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		fail_msg("%s: %s", path, strerror(errno));
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/**
 * tree_link() - make a symbolic link in a temporary tree
 * @top: the tree's directory
 * @rel: the link's path under @top; missing directories are made
 * @target: what the link points to, as symlink(2) takes it
 */
void tree_link(const char *top, const char *rel, const char *target)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	make_parents(top, path);
	if (symlink(target, path))
		fail_msg("symlink %s: %s", path, strerror(errno));
}

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/**
 * tree_remove() - remove a temporary tree and everything in it
 * @top: the tree's directory
 *
 * Links are removed, never followed.
 *
 * Return: 0, or -1 if something could not be removed.
 */
int tree_remove(const char *top)
{
	return nftw(top, remove_one, 16, FTW_DEPTH | FTW_PHYS) ? -1 : 0;
}

/**
 * find_finding() - look up a finding
 * @f: the findings of a run
 * @id: the finding's id
 * @subject: its subject, or NULL for any
 *
 * Return: the first match, or NULL.
 */
const struct nt_finding *find_finding(const struct nt_findings *f,
				      const char *id, const char *subject)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].id, id) &&
		    (!subject || !strcmp(f->v[i].subject, subject)))
			return &f->v[i];
	return NULL;
}

/**
 * need_finding() - look up a finding that must be there
 * @f: the findings of a run
 * @id: the finding's id
 * @subject: its subject, or NULL for any
 *
 * Fails the test, listing the findings there are, if there is no match.
 *
 * Return: the first match.
 */
const struct nt_finding *need_finding(const struct nt_findings *f,
				      const char *id, const char *subject)
{
	const struct nt_finding *fd = find_finding(f, id, subject);

	if (!fd) {
		for (size_t i = 0; i < f->n; i++)
			print_message("# have %s %s: %s\n", f->v[i].id,
				      f->v[i].subject, f->v[i].summary);
		fail_msg("no finding %s %s", id, subject ? subject : "");
	}
	return fd;
}

/**
 * count_id() - count the findings with an id
 * @f: the findings of a run
 * @id: the id
 *
 * Return: how many findings of @f have @id.
 */
size_t count_id(const struct nt_findings *f, const char *id)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n; i++)
		n += !strcmp(f->v[i].id, id);
	return n;
}

/**
 * evidence() - the value of a piece of evidence, which must exist
 * @fd: the finding
 * @name: the evidence's name
 *
 * Return: its value.
 */
double evidence(const struct nt_finding *fd, const char *name)
{
	for (size_t i = 0; i < fd->n_evidence; i++)
		if (!strcmp(fd->evidence[i].name, name))
			return fd->evidence[i].value;
	fail_msg("%s %s: no evidence %s", fd->id, fd->subject, name);
	return 0;
}

/**
 * has_evidence() - whether a finding gives a piece of evidence
 * @fd: the finding
 * @name: the evidence's name
 *
 * Return: true if @fd has evidence @name.
 */
bool has_evidence(const struct nt_finding *fd, const char *name)
{
	for (size_t i = 0; i < fd->n_evidence; i++)
		if (!strcmp(fd->evidence[i].name, name))
			return true;
	return false;
}

/**
 * fix_of() - look up the change a finding proposes
 * @fd: the finding
 * @knob: the change's knob
 * @subject: the change's subject
 *
 * Return: the change, or NULL.
 */
const struct nt_change *fix_of(const struct nt_finding *fd,
			       const char *knob, const char *subject)
{
	for (size_t i = 0; i < fd->n_fix; i++)
		if (!strcmp(fd->fix[i].knob, knob) &&
		    !strcmp(fd->fix[i].subject, subject))
			return &fd->fix[i];
	return NULL;
}

/**
 * assert_fix() - a finding proposes a change, with these values
 * @fd: the finding
 * @knob: the change's knob
 * @subject: the change's subject
 * @current: the value it must report now
 * @target: the value it must propose
 */
void assert_fix(const struct nt_finding *fd, const char *knob,
			const char *subject, const char *current,
			const char *target)
{
	const struct nt_change *c = fix_of(fd, knob, subject);

	if (!c)
		fail_msg("%s %s: no fix %s %s", fd->id, fd->subject, knob,
			 subject);
	assert_string_equal(c->current, current);
	assert_string_equal(c->target, target);
}

struct nt_qdisc *add_qdisc(struct nt_iface *ifc, const char *kind,
			   uint32_t handle, uint32_t parent, uint64_t drops)
{
	struct nt_qdisc *q;

	ifc->qdiscs = xrealloc(ifc->qdiscs, ifc->n_qdiscs + 1,
			       sizeof(*ifc->qdiscs));
	q = &ifc->qdiscs[ifc->n_qdiscs++];
	memset(q, 0, sizeof(*q));
	snprintf(q->kind, sizeof(q->kind), "%s", kind);
	q->handle = handle;
	q->parent = parent;
	q->drops = drops;
	return q;
}

struct nt_iface_irq *add_irq(struct nt_iface *ifc, uint32_t irq, int queue,
			     const char *type, const char *affinity,
			     const char *effective)
{
	struct nt_iface_irq *q;
	char name[64];

	ifc->irqs = xrealloc(ifc->irqs, ifc->n_irqs + 1, sizeof(*ifc->irqs));
	q = &ifc->irqs[ifc->n_irqs++];
	memset(q, 0, sizeof(*q));
	snprintf(name, sizeof(name), "%s-%s-%d", ifc->name, type, queue);
	q->irq = irq;
	q->name = xstrdup(name);
	/* "rx", "tx" or "rxtx" @queue; -1 for the "other" vector */
	q->kind = queue >= 0 ? NT_IRQ_DATA : NT_IRQ_OTHER;
	q->rxq = queue >= 0 && strcmp(type, "tx") ? queue : -1;
	q->txq = queue >= 0 && strcmp(type, "rx") ? queue : -1;
	q->node = -1;
	set_list(&q->affinity, affinity);
	set_list(&q->effective_affinity, effective);
	return q;
}

struct nt_listener *add_listener(struct nt_host *h, uint8_t family,
				 const char *addr, uint16_t port,
				 uint32_t accept_queue, uint32_t backlog)
{
	struct nt_listener *l;

	h->listeners = xrealloc(h->listeners, h->n_listeners + 1,
				sizeof(*h->listeners));
	l = &h->listeners[h->n_listeners++];
	memset(l, 0, sizeof(*l));
	l->family = family;
	snprintf(l->addr, sizeof(l->addr), "%s", addr);
	l->port = port;
	l->accept_queue = accept_queue;
	l->backlog = backlog;
	return l;
}
