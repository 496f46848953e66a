// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The IRQ record of the model: which queues a vector serves, and the names
 * of its kind, owner and matching rule (the snapshot and `show` use them).
 */
#include <stdio.h>
#include <string.h>

#include "model/host.h"

#include "util/array.h"

static const char *const kind_names[] = {
	[NT_IRQ_OTHER]	= "other",
	[NT_IRQ_DATA]	= "data",
	[NT_IRQ_MISC]	= "misc",
	[NT_IRQ_ASYNC]	= "async",
	[NT_IRQ_FDIR]	= "fdir",
	[NT_IRQ_LINK]	= "link",
	[NT_IRQ_CONFIG]	= "config",
};

static const char *const owner_names[] = {
	[NT_IRQ_OWNER_IFACE]	= "interface",
	[NT_IRQ_OWNER_DEVICE]	= "device",
	[NT_IRQ_OWNER_NONE]	= "none",
};

static const char *const rule_names[] = {
	[NT_IRQ_RULE_NAME]	= "name",
	[NT_IRQ_RULE_MSI]	= "msi_irqs",
	[NT_IRQ_RULE_ADDRESS]	= "address",
	[NT_IRQ_RULE_CHIP]	= "chip",
};

bool nt_irq_is_queue(const struct nt_iface_irq *irq)
{
	return irq->owner == NT_IRQ_OWNER_IFACE && irq->kind == NT_IRQ_DATA &&
	       (irq->rxq >= 0 || irq->txq >= 0);
}

int nt_irq_queue(const struct nt_iface_irq *irq)
{
	if (!nt_irq_is_queue(irq))
		return -1;
	return irq->rxq >= 0 ? irq->rxq : irq->txq;
}

const char *nt_irq_queues_text(const struct nt_iface_irq *irq, char *buf,
			       size_t size)
{
	if (!nt_irq_is_queue(irq))
		snprintf(buf, size, "%s", "");
	else if (irq->rxq == irq->txq)
		snprintf(buf, size, "rxtx %d", irq->rxq);
	else if (irq->txq < 0)
		snprintf(buf, size, "rx %d", irq->rxq);
	else if (irq->rxq < 0)
		snprintf(buf, size, "tx %d", irq->txq);
	else
		snprintf(buf, size, "tx %d + rx %d", irq->txq, irq->rxq);
	return buf;
}

static const char *name_of(const char *const *names, size_t n, unsigned int i)
{
	return i < n && names[i] ? names[i] : "?";
}

static bool parse_name(const char *const *names, size_t n, const char *s,
		       unsigned int *out)
{
	for (size_t i = 0; s && i < n; i++) {
		if (names[i] && !strcmp(names[i], s)) {
			*out = i;
			return true;
		}
	}
	return false;
}

const char *nt_irq_kind_name(enum nt_irq_kind kind)
{
	return name_of(kind_names, ARRAY_SIZE(kind_names), kind);
}

bool nt_irq_kind_parse(const char *s, enum nt_irq_kind *kind)
{
	unsigned int i;

	if (!parse_name(kind_names, ARRAY_SIZE(kind_names), s, &i))
		return false;
	*kind = i;
	return true;
}

const char *nt_irq_owner_name(enum nt_irq_owner owner)
{
	return name_of(owner_names, ARRAY_SIZE(owner_names), owner);
}

bool nt_irq_owner_parse(const char *s, enum nt_irq_owner *owner)
{
	unsigned int i;

	if (!parse_name(owner_names, ARRAY_SIZE(owner_names), s, &i))
		return false;
	*owner = i;
	return true;
}

const char *nt_irq_rule_name(enum nt_irq_rule rule)
{
	return name_of(rule_names, ARRAY_SIZE(rule_names), rule);
}

bool nt_irq_rule_parse(const char *s, enum nt_irq_rule *rule)
{
	unsigned int i;

	if (!parse_name(rule_names, ARRAY_SIZE(rule_names), s, &i))
		return false;
	*rule = i;
	return true;
}
