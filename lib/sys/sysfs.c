// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CPU and NUMA topology, and what sysfs tells of network interfaces.
 *
 * `show` reads every interface, and hosts with thousands of veths exist, so
 * the per-interface path opens /sys/class/net/NAME once and resolves all
 * further files relative to that directory: each small file then costs one
 * open, one read and one close, without walking the whole path again.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sys/sysfs.h"
#include "util/array.h"

#define CPU_DIR		"/sys/devices/system/cpu"
#define NODE_DIR	"/sys/devices/system/node"
#define NET_DIR		"/sys/class/net"

/* Paths below NET_DIR: an interface name and a file under it. */
#define PATH_LEN	128

/* Room for the longest mask or list sysfs prints: one page. */
#define MASK_TEXT_LEN	4096

/* Kernels whose ethtool speed was a u16 print an unknown speed as this. */
#define OLD_SPEED_UNKNOWN	65535

/* The root's directory for messages; the live root adds nothing. */
static const char *where(const struct nt_root *root)
{
	return root->live ? "" : root->path;
}

/* qsort(3) wants a valid pointer even when there is nothing to sort. */
static void sort_array(void *v, size_t n, size_t size,
		       int (*cmp)(const void *, const void *))
{
	if (n)
		qsort(v, n, size, cmp);
}

static int read_list(const struct nt_root *root, const char *path,
		     struct nt_cpumask *mask)
{
	char text[MASK_TEXT_LEN];
	int ret = nt_root_read_line(root, path, text, sizeof(text));

	if (ret)
		return ret;
	return nt_cpumask_parse_list(mask, text);
}

/* Parse "PREFIXN" with N decimal and nothing after it. */
static bool parse_index(const char *name, const char *prefix, uint32_t *index)
{
	size_t len = strlen(prefix);
	unsigned long value;
	char *end;

	if (strncmp(name, prefix, len) || !isdigit((unsigned char)name[len]))
		return false;
	errno = 0;
	value = strtoul(name + len, &end, 10);
	if (errno || *end || value > UINT32_MAX)
		return false;
	*index = value;
	return true;
}

/* An interface name that cannot leave /sys/class/net. */
static bool valid_ifname(const char *name)
{
	return name[0] && strlen(name) < NT_NAME_LEN && strcmp(name, ".") &&
	       strcmp(name, "..") && !strchr(name, '/');
}

/* NET_DIR/@name@file into @buf; false if it does not fit. */
static bool net_path(char *buf, size_t size, const char *name,
		     const char *file)
{
	int len = snprintf(buf, size, NET_DIR "/%s%s", name, file);

	return len > 0 && (size_t)len < size;
}

static void free_cpus(struct nt_cpu *cpus, size_t n)
{
	for (size_t i = 0; i < n; i++)
		nt_cpumask_free(&cpus[i].thread_siblings);
	free(cpus);
}

static void free_nodes(struct nt_node *nodes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		nt_cpumask_free(&nodes[i].cpus);
	free(nodes);
}

static int read_int(const struct nt_root *root, const char *path)
{
	long value;

	if (nt_root_read_long(root, path, &value) || value < INT_MIN ||
	    value > INT_MAX)
		return -1;
	return value;
}

static const char *topology(char *path, size_t size, uint32_t cpu,
			    const char *file)
{
	snprintf(path, size, CPU_DIR "/cpu%u/topology/%s", cpu, file);
	return path;
}

/* An offline CPU may have no topology directory: its fields stay unknown. */
static int read_cpu(const struct nt_root *root, struct nt_cpu *cpu)
{
	char path[128];
	size_t size = sizeof(path);
	int ret;

	cpu->core_id = read_int(root, topology(path, size, cpu->id, "core_id"));
	cpu->package_id = read_int(root, topology(path, size, cpu->id,
						  "physical_package_id"));
	ret = read_list(root, topology(path, size, cpu->id,
				       "thread_siblings_list"),
			&cpu->thread_siblings);
	if (ret == -ENOMEM)
		return ret;
	if (ret)
		nt_cpumask_free(&cpu->thread_siblings);
	return 0;
}

static int read_cpu_list(const struct nt_root *root,
			 const struct nt_cpumask *present,
			 const struct nt_cpumask *online,
			 struct nt_cpu **out, size_t *n)
{
	size_t count = nt_cpumask_weight(present), i = 0;
	struct nt_cpu *cpus = calloc(count ? count : 1, sizeof(*cpus));
	int cpu, ret;

	if (!cpus)
		return -ENOMEM;
	for (cpu = nt_cpumask_next(present, 0); cpu >= 0 && i < count;
	     cpu = nt_cpumask_next(present, cpu + 1), i++) {
		cpus[i].id = cpu;
		cpus[i].online = nt_cpumask_test(online, cpu);
		cpus[i].node = -1;
		ret = read_cpu(root, &cpus[i]);
		if (ret) {
			free_cpus(cpus, i + 1);
			return ret;
		}
	}
	*out = cpus;
	*n = i;
	return 0;
}

static int cmp_node(const void *a, const void *b)
{
	const struct nt_node *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static int add_node(const struct nt_root *root, uint32_t id,
		    struct nt_node **nodes, size_t *n)
{
	struct nt_node *bigger = realloc(*nodes, (*n + 1) * sizeof(**nodes));
	struct nt_node *node;
	char path[128];
	int ret;

	if (!bigger)
		return -ENOMEM;
	*nodes = bigger;
	node = &bigger[(*n)++];
	memset(node, 0, sizeof(*node));
	node->id = id;
	snprintf(path, sizeof(path), NODE_DIR "/node%u/cpulist", id);
	ret = read_list(root, path, &node->cpus);
	if (ret == -ENOMEM)
		return ret;
	if (ret)
		nt_cpumask_free(&node->cpus);
	return 0;
}

/* Return: 0 with *n == 0 when the kernel has no node directory. */
static int read_nodes(const struct nt_root *root, struct nt_node **out,
		      size_t *n)
{
	DIR *dir = nt_root_opendir(root, NODE_DIR);
	struct nt_node *nodes = NULL;
	struct dirent *de;
	size_t count = 0;
	uint32_t id;
	int ret = 0;

	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while (!ret && (de = readdir(dir)))
		if (parse_index(de->d_name, "node", &id))
			ret = add_node(root, id, &nodes, &count);
	closedir(dir);
	if (ret) {
		free_nodes(nodes, count);
		return ret;
	}
	sort_array(nodes, count, sizeof(*nodes), cmp_node);
	*out = nodes;
	*n = count;
	return 0;
}

/* Without NUMA every CPU sits in node 0. */
static int single_node(const struct nt_cpumask *present, struct nt_node **out,
		       size_t *n)
{
	struct nt_node *node = calloc(1, sizeof(*node));

	if (!node)
		return -ENOMEM;
	if (nt_cpumask_copy(&node->cpus, present)) {
		free(node);
		return -ENOMEM;
	}
	*out = node;
	*n = 1;
	return 0;
}

static void assign_nodes(struct nt_cpu *cpus, size_t n_cpus,
			 const struct nt_node *nodes, size_t n_nodes)
{
	for (size_t i = 0; i < n_cpus; i++)
		for (size_t j = 0; j < n_nodes; j++)
			if (nt_cpumask_test(&nodes[j].cpus, cpus[i].id))
				cpus[i].node = nodes[j].id;
}

static int read_present(const struct nt_root *root, struct nt_cpumask *present,
			struct nt_cpumask *online, struct nt_err *err)
{
	int ret = read_list(root, CPU_DIR "/present", present);

	if (ret)
		return nt_err_set(err, ret, "%s" CPU_DIR "/present: %s",
				  where(root), strerror(-ret));
	ret = read_list(root, CPU_DIR "/online", online);
	/* Kernels without CPU hotplug may lack "online": all are online. */
	if (ret == -ENOENT)
		ret = nt_cpumask_copy(online, present);
	if (ret)
		return nt_err_set(err, ret, "%s" CPU_DIR "/online: %s",
				  where(root), strerror(-ret));
	return 0;
}

int nt_sysfs_cpus(const struct nt_root *root, struct nt_cpu **cpus,
		  size_t *n_cpus, struct nt_node **nodes, size_t *n_nodes,
		  struct nt_err *err)
{
	struct nt_cpumask present = { 0 }, online = { 0 };
	struct nt_cpu *cv = NULL;
	struct nt_node *nv = NULL;
	size_t nc = 0, nn = 0;
	int ret;

	*cpus = NULL;
	*nodes = NULL;
	*n_cpus = *n_nodes = 0;
	ret = read_present(root, &present, &online, err);
	if (!ret)
		ret = read_cpu_list(root, &present, &online, &cv, &nc);
	if (!ret) {
		ret = read_nodes(root, &nv, &nn);
		if (ret)
			nt_err_set(err, ret, "%s" NODE_DIR ": %s", where(root),
				   strerror(-ret));
	}
	if (!ret && !nn)
		ret = single_node(&present, &nv, &nn);
	nt_cpumask_free(&present);
	nt_cpumask_free(&online);
	if (ret) {
		free_cpus(cv, nc);
		free_nodes(nv, nn);
		return nt_err_set(err, ret, "CPU topology: %s", strerror(-ret));
	}
	assign_nodes(cv, nc, nv, nn);
	*cpus = cv;
	*n_cpus = nc;
	*nodes = nv;
	*n_nodes = nn;
	return 0;
}

static int cmp_ifindex(const void *a, const void *b)
{
	const struct nt_iface *x = a, *y = b;

	if (x->ifindex != y->ifindex)
		return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
	return strcmp(x->name, y->name);
}

static int add_iface(const struct nt_root *root, const char *name,
		     struct nt_iface **ifaces, size_t *n)
{
	char path[PATH_LEN];
	struct nt_iface *bigger, *ifc;
	long ifindex;

	if (!valid_ifname(name) ||
	    !net_path(path, sizeof(path), name, "/ifindex"))
		return 0;
	/* bonding_masters and other files have no ifindex below them. */
	if (nt_root_read_long(root, path, &ifindex) || ifindex < 0 ||
	    ifindex > INT_MAX)
		return 0;
	bigger = realloc(*ifaces, (*n + 1) * sizeof(**ifaces));
	if (!bigger)
		return -ENOMEM;
	*ifaces = bigger;
	ifc = &bigger[(*n)++];
	memset(ifc, 0, sizeof(*ifc));
	strcpy(ifc->name, name);
	ifc->ifindex = ifindex;
	return 0;
}

int nt_sysfs_ifaces(const struct nt_root *root, struct nt_iface **ifaces,
		    size_t *n, struct nt_err *err)
{
	DIR *dir = nt_root_opendir(root, NET_DIR);
	struct nt_iface *v = NULL;
	struct dirent *de;
	size_t count = 0;
	int ret = 0;

	*ifaces = NULL;
	*n = 0;
	if (!dir)
		return nt_err_set(err, errno, "%s" NET_DIR ": %s", where(root),
				  strerror(errno));
	while (!ret && (de = readdir(dir))) {
		if (de->d_name[0] == '.' || de->d_type == DT_REG)
			continue;
		ret = add_iface(root, de->d_name, &v, &count);
	}
	closedir(dir);
	if (ret) {
		free(v);
		return nt_err_set(err, ret, "%s" NET_DIR ": %s", where(root),
				  strerror(-ret));
	}
	sort_array(v, count, sizeof(*v), cmp_ifindex);
	*ifaces = v;
	*n = count;
	return 0;
}

/*
 * A root whose directory is /sys/class/net/NAME, so the files below it are
 * named relative to it ("queues/rx-0/rps_cpus").  O_PATH: the directory is
 * only a starting point for openat(2), never read itself.
 */
static int open_iface(const struct nt_root *root, const char *name,
		      struct nt_root *dev, struct nt_err *err)
{
	char path[PATH_LEN];
	int fd = -ENOENT;

	if (valid_ifname(name) && net_path(path, sizeof(path), name, ""))
		fd = nt_root_openat(root, path, O_PATH | O_DIRECTORY);
	if (fd == -ENOENT || fd == -ENOTDIR)
		return nt_err_set(err, ENODEV, "%s: no such interface", name);
	if (fd < 0)
		return nt_err_set(err, fd, "%s: cannot open %s%s: %s", name,
				  where(root), path, strerror(-fd));
	dev->dirfd = fd;
	dev->live = root->live;
	dev->path[0] = '\0';
	return 0;
}

/* numa_node of the device, or of its parent for virtio (the PCI function). */
static int read_numa_node(const struct nt_root *dev)
{
	long node;
	int ret = nt_root_read_long(dev, "device/numa_node", &node);

	if (ret == -ENOENT)
		ret = nt_root_read_long(dev, "device/../numa_node", &node);
	if (ret || node < 0 || node > INT_MAX)
		return -1;
	return node;
}

static void read_device(const struct nt_root *dev, struct nt_iface *ifc)
{
	char bus[NT_BUS_LEN];
	int ret = nt_root_readlink_base(dev, "device", bus, sizeof(bus));

	ifc->is_virtual = ret == -ENOENT;
	ifc->numa_node = -1;
	if (ifc->is_virtual)
		return;
	if (!ret && !ifc->bus_info[0])
		strcpy(ifc->bus_info, bus);
	if (!ifc->driver[0] &&
	    nt_root_readlink_base(dev, "device/driver", ifc->driver,
				  sizeof(ifc->driver)))
		ifc->driver[0] = '\0';
	ifc->numa_node = read_numa_node(dev);
}

/* "speed" fails with EINVAL while the link is down. */
static void read_link(const struct nt_root *dev, struct nt_iface *ifc)
{
	long speed;

	if (nt_root_read_long(dev, "speed", &speed) || speed < 0 ||
	    speed == OLD_SPEED_UNKNOWN || speed >= UINT32_MAX)
		speed = -1;
	ifc->speed = speed;
	if (nt_root_read_line(dev, "duplex", ifc->duplex,
			      sizeof(ifc->duplex)) ||
	    !strcmp(ifc->duplex, "unknown"))
		ifc->duplex[0] = '\0';
}

/* What rtnetlink gives on the live host; a captured tree has only sysfs. */
static void read_link_config(const struct nt_root *dev, struct nt_iface *ifc)
{
	long value;

	if (!ifc->mtu && !nt_root_read_long(dev, "mtu", &value) &&
	    value > 0 && value <= UINT32_MAX)
		ifc->mtu = value;
	if (!ifc->txqlen && !nt_root_read_long(dev, "tx_queue_len", &value) &&
	    value > 0 && value <= UINT32_MAX)
		ifc->txqlen = value;
	if (!ifc->operstate[0] &&
	    nt_root_read_line(dev, "operstate", ifc->operstate,
			      sizeof(ifc->operstate)))
		ifc->operstate[0] = '\0';
}

static void free_queues(struct nt_iface *ifc)
{
	for (size_t i = 0; i < ifc->n_rxq; i++)
		nt_cpumask_free(&ifc->rxq[i].rps_cpus);
	for (size_t i = 0; i < ifc->n_txq; i++)
		nt_cpumask_free(&ifc->txq[i].xps_cpus);
	free(ifc->rxq);
	free(ifc->txq);
	ifc->rxq = NULL;
	ifc->txq = NULL;
	ifc->n_rxq = ifc->n_txq = 0;
}

static int cmp_rxq(const void *a, const void *b)
{
	const struct nt_rxq *x = a, *y = b;

	return (x->index > y->index) - (x->index < y->index);
}

static int cmp_txq(const void *a, const void *b)
{
	const struct nt_txq *x = a, *y = b;

	return (x->index > y->index) - (x->index < y->index);
}

/* Grow *v (of @size-byte elements) by one zeroed element; NULL on ENOMEM. */
static void *grow(void *v, size_t *n, size_t size)
{
	char *bigger = realloc(v, (*n + 1) * size);

	if (!bigger)
		return NULL;
	memset(bigger + *n * size, 0, size);
	(*n)++;
	return bigger;
}

static int add_queue(struct nt_iface *ifc, const char *name)
{
	uint32_t index;
	void *v;

	if (parse_index(name, "rx-", &index)) {
		v = grow(ifc->rxq, &ifc->n_rxq, sizeof(*ifc->rxq));
		if (!v)
			return -ENOMEM;
		ifc->rxq = v;
		ifc->rxq[ifc->n_rxq - 1].index = index;
	} else if (parse_index(name, "tx-", &index)) {
		v = grow(ifc->txq, &ifc->n_txq, sizeof(*ifc->txq));
		if (!v)
			return -ENOMEM;
		ifc->txq = v;
		ifc->txq[ifc->n_txq - 1].index = index;
	}
	return 0;
}

/* The rx-N and tx-N entries of queues/, sorted by N; none without queues/. */
static int list_queues(const struct nt_root *dev, struct nt_iface *ifc)
{
	DIR *dir = nt_root_opendir(dev, "queues");
	struct dirent *de;
	int ret = 0;

	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while (!ret && (de = readdir(dir)))
		ret = add_queue(ifc, de->d_name);
	closedir(dir);
	if (ret)
		return ret;
	sort_array(ifc->rxq, ifc->n_rxq, sizeof(*ifc->rxq), cmp_rxq);
	sort_array(ifc->txq, ifc->n_txq, sizeof(*ifc->txq), cmp_txq);
	return 0;
}

static int read_rxq(const struct nt_root *dev, struct nt_rxq *q)
{
	char path[64], text[MASK_TEXT_LEN];
	long count;
	int ret;

	snprintf(path, sizeof(path), "queues/rx-%u/rps_cpus", q->index);
	ret = nt_root_read_line(dev, path, text, sizeof(text));
	if (!ret)
		ret = nt_cpumask_parse_hex(&q->rps_cpus, text);
	if (ret == -ENOMEM)
		return ret;
	q->rps_state = ret ? NT_STATE_UNKNOWN : NT_STATE_OK;
	if (ret)
		nt_cpumask_free(&q->rps_cpus);
	snprintf(path, sizeof(path), "queues/rx-%u/rps_flow_cnt", q->index);
	if (!nt_root_read_long(dev, path, &count) && count >= 0 &&
	    count <= UINT32_MAX)
		q->rps_flow_cnt = count;
	return 0;
}

/*
 * The kernel refuses xps_cpus (or hides it) on single-queue devices and
 * when traffic classes do not map the queue: no XPS there.
 */
static enum nt_state xps_state(int ret)
{
	if (!ret)
		return NT_STATE_OK;
	if (ret == -ENOENT || ret == -EINVAL || ret == -EOPNOTSUPP)
		return NT_STATE_UNSUPPORTED;
	return NT_STATE_UNKNOWN;
}

static int read_txq(const struct nt_root *dev, struct nt_txq *q)
{
	char path[64], text[MASK_TEXT_LEN];
	int ret;

	snprintf(path, sizeof(path), "queues/tx-%u/xps_cpus", q->index);
	ret = nt_root_read_line(dev, path, text, sizeof(text));
	q->xps_state = xps_state(ret);
	if (ret)
		return 0;
	ret = nt_cpumask_parse_hex(&q->xps_cpus, text);
	if (ret == -ENOMEM)
		return ret;
	if (ret) {
		q->xps_state = NT_STATE_UNKNOWN;
		nt_cpumask_free(&q->xps_cpus);
	}
	return 0;
}

static int read_queues(const struct nt_root *dev, struct nt_iface *ifc)
{
	int ret;

	free_queues(ifc);
	ret = list_queues(dev, ifc);
	for (size_t i = 0; !ret && i < ifc->n_rxq; i++)
		ret = read_rxq(dev, &ifc->rxq[i]);
	for (size_t i = 0; !ret && i < ifc->n_txq; i++)
		ret = read_txq(dev, &ifc->txq[i]);
	if (ret)
		free_queues(ifc);
	return ret;
}

int nt_sysfs_iface(const struct nt_root *root, struct nt_iface *ifc,
		   struct nt_err *err)
{
	struct nt_root dev;
	int ret = open_iface(root, ifc->name, &dev, err);

	if (ret)
		return ret;
	read_device(&dev, ifc);
	if (!root->live) {
		read_link(&dev, ifc);
		read_link_config(&dev, ifc);
	}
	ret = read_queues(&dev, ifc);
	nt_root_close(&dev);
	if (ret)
		return nt_err_set(err, ret, "%s: cannot read queues: %s",
				  ifc->name, strerror(-ret));
	return 0;
}

/* The queue files nettune writes, and the queues that have them. */
static const struct queue_file {
	const char *name;
	const char *queue;		/* "rx-" or "tx-" */
	bool mask;			/* hex CPU mask, else a decimal count */
} queue_files[] = {
	{ "rps_cpus",		"rx-",	true },
	{ "rps_flow_cnt",	"rx-",	false },
	{ "xps_cpus",		"tx-",	true },
};

/* NET_DIR/IF/queues/QUEUE/FILE; NULL for names that could leave it. */
static const struct queue_file *queue_path(char *buf, size_t size,
					   const char *ifname,
					   const char *queue, const char *file)
{
	const struct queue_file *qf = NULL;
	uint32_t index;
	int len;

	for (size_t i = 0; i < ARRAY_SIZE(queue_files); i++)
		if (!strcmp(file, queue_files[i].name) &&
		    parse_index(queue, queue_files[i].queue, &index))
			qf = &queue_files[i];
	if (!qf || !valid_ifname(ifname))
		return NULL;
	len = snprintf(buf, size, NET_DIR "/%s/queues/%s/%s", ifname, queue,
		       file);
	return len > 0 && (size_t)len < size ? qf : NULL;
}

/* A queue file is missing: say whether the whole interface is. */
static int queue_missing(const struct nt_root *root, const char *ifname,
			 const char *queue, const char *file,
			 struct nt_err *err)
{
	char path[PATH_LEN];
	int fd;

	net_path(path, sizeof(path), ifname, "");
	fd = nt_root_openat(root, path, O_PATH | O_DIRECTORY);
	if (fd < 0)
		return nt_err_set(err, ENODEV, "%s: no such interface", ifname);
	close(fd);
	return nt_err_set(err, ENOENT, "%s: %s/%s: no such queue or file",
			  ifname, queue, file);
}

/* A decimal u32, surrounding white space allowed; -EINVAL otherwise. */
static int parse_u32(const char *text, uint32_t *value)
{
	unsigned long v;
	char *end;

	text += strspn(text, " \t\n");
	if (!isdigit((unsigned char)*text))
		return -EINVAL;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || v > UINT32_MAX || end[strspn(end, " \t\n")])
		return -EINVAL;
	*value = v;
	return 0;
}

/*
 * The kernel's hex form with just the groups the highest CPU needs: a
 * mask as wide as nr_cpu_ids is not known here, and a wider one is
 * refused with EOVERFLOW.
 */
static int list_to_hex(const char *list, char *hex, size_t size)
{
	struct nt_cpumask mask = { 0 };
	int ret = nt_cpumask_parse_list(&mask, list);

	if (!ret)
		ret = nt_cpumask_format_hex(&mask, 0, hex, size);
	nt_cpumask_free(&mask);
	return ret < 0 ? ret : 0;
}

static int hex_to_list(const char *hex, char *list, size_t size)
{
	struct nt_cpumask mask = { 0 };
	int ret = nt_cpumask_parse_hex(&mask, hex);

	if (!ret)
		ret = nt_cpumask_format_list(&mask, list, size);
	nt_cpumask_free(&mask);
	return ret < 0 ? ret : 0;
}

/* A count in the decimal form the kernel prints. */
static int decimal(const char *in, char *out, size_t size)
{
	uint32_t count;
	int ret = parse_u32(in, &count);

	if (!ret && snprintf(out, size, "%u", count) >= (int)size)
		ret = -ENOSPC;
	return ret;
}

int nt_sysfs_write_queue(const struct nt_root *root, const char *ifname,
			 const char *queue, const char *file,
			 const char *value, struct nt_err *err)
{
	char path[PATH_LEN], text[MASK_TEXT_LEN];
	const struct queue_file *qf;
	int ret;

	qf = queue_path(path, sizeof(path), ifname, queue, file);
	if (!qf)
		return nt_err_set(err, EINVAL, "%s: %s/%s: not a queue file",
				  ifname, queue, file);
	ret = qf->mask ? list_to_hex(value, text, sizeof(text)) :
			 decimal(value, text, sizeof(text));
	if (ret)
		return nt_err_set(err, EINVAL, "%s: %s/%s: bad value \"%s\"",
				  ifname, queue, file, value);
	ret = nt_root_write_file(root, path, text);
	if (ret == -ENOENT)
		return queue_missing(root, ifname, queue, file, err);
	if (ret)
		return nt_err_set(err, ret, "%s: %s/%s: cannot set to %s: %s",
				  ifname, queue, file, value, strerror(-ret));
	return 0;
}

int nt_sysfs_read_queue(const struct nt_root *root, const char *ifname,
			const char *queue, const char *file, char *value,
			size_t size, struct nt_err *err)
{
	char path[PATH_LEN], text[MASK_TEXT_LEN];
	const struct queue_file *qf;
	int ret;

	qf = queue_path(path, sizeof(path), ifname, queue, file);
	if (!qf)
		return nt_err_set(err, EINVAL, "%s: %s/%s: not a queue file",
				  ifname, queue, file);
	ret = nt_root_read_line(root, path, text, sizeof(text));
	if (ret == -ENOENT)
		return queue_missing(root, ifname, queue, file, err);
	if (!ret)
		ret = qf->mask ? hex_to_list(text, value, size) :
				 decimal(text, value, size);
	if (ret)
		return nt_err_set(err, ret, "%s: %s/%s: cannot read: %s",
				  ifname, queue, file, strerror(-ret));
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static int collect_irqs(DIR *dir, uint32_t **irqs, size_t *n)
{
	struct dirent *de;
	uint32_t *v = NULL, irq;
	size_t count = 0;

	while ((de = readdir(dir))) {
		uint32_t *bigger;

		if (!parse_index(de->d_name, "", &irq))
			continue;
		bigger = realloc(v, (count + 1) * sizeof(*v));
		if (!bigger) {
			free(v);
			return -ENOMEM;
		}
		v = bigger;
		v[count++] = irq;
	}
	sort_array(v, count, sizeof(*v), cmp_u32);
	*irqs = v;
	*n = count;
	return 0;
}

/*
 * Only a virtio device ("virtioN") takes its parent's IRQs: the parent of
 * a PCI function is a bridge, whose msi_irqs (AER, PME) are not the NIC's.
 */
static DIR *open_msi_dir(const struct nt_root *root, const char *ifname)
{
	char path[PATH_LEN], base[NT_BUS_LEN];
	uint32_t index;
	DIR *dir;

	net_path(path, sizeof(path), ifname, "/device/msi_irqs");
	dir = nt_root_opendir(root, path);
	if (dir || errno != ENOENT)
		return dir;
	net_path(path, sizeof(path), ifname, "/device");
	if (nt_root_readlink_base(root, path, base, sizeof(base)) ||
	    !parse_index(base, "virtio", &index)) {
		errno = ENOENT;
		return NULL;
	}
	net_path(path, sizeof(path), ifname, "/device/../msi_irqs");
	return nt_root_opendir(root, path);
}

int nt_sysfs_msi_irqs(const struct nt_root *root, const char *ifname,
		      uint32_t **irqs, size_t *n)
{
	DIR *dir;
	int ret;

	*irqs = NULL;
	*n = 0;
	if (!valid_ifname(ifname))
		return -EINVAL;
	dir = open_msi_dir(root, ifname);
	if (!dir)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	ret = collect_irqs(dir, irqs, n);
	closedir(dir);
	return ret;
}
