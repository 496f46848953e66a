// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Helpers of the libFuzzer harnesses (fuzzlib.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sys/mnl.h"
#include "util/file.h"

#include "fuzzlib.h"

static char dir[64];
static char path[128];

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "fuzz: %s: %s\n", what, strerror(errno));
	abort();
}

char *fuzz_text(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (!text)
		die("malloc");
	memcpy(text, data, size);
	text[size] = '\0';
	return text;
}

static void remove_dir(void)
{
	if (path[0])
		unlink(path);
	rmdir(dir);
}

static void make_dir(void)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

	snprintf(dir, sizeof(dir), "%s/nettune-fuzz.XXXXXX", base);
	if (!mkdtemp(dir))
		die(dir);
	atexit(remove_dir);
}

const char *fuzz_file(const uint8_t *data, size_t size, const char *name)
{
	int fd;

	if (!dir[0])
		make_dir();
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die(path);
	if (nt_file_write_all(fd, (const char *)data, size))
		die(path);
	close(fd);
	return path;
}


static int on_error(const struct nlmsghdr *nlh, void *data)
{
	struct nt_mnl_status st = { 0 };

	(void)data;
	return nt_mnl_on_error(nlh, &st);
}

static int on_done(const struct nlmsghdr *nlh, void *data)
{
	struct nt_mnl_status st = { 0 };

	(void)data;
	return nt_mnl_on_done(nlh, &st);
}

/*
 * The input as the kernel frames what recv() gives, which libmnl relies
 * on.  libmnl's mnl_nlmsg_ok() compares nlmsg_len as an int, so a length
 * of 2^31 or more passes it and mnl_nlmsg_next() then jumps out of the
 * buffer: the kernel never sends one (a message is at most one skb), so
 * the input is cut before such a header.  And the kernel pads every
 * message to NLMSG_ALIGN with zeros (__nlmsg_put), while libmnl checks
 * attributes against the aligned end of a message: a last message whose
 * padding the input lacks gets it.  The harness tests nettune's parsers,
 * not libmnl.  Return: bytes of @data to take; *@pad zeros follow them.
 */
static size_t kernel_framing(const uint8_t *data, size_t size, size_t *pad)
{
	size_t off = 0;
	uint32_t len;

	*pad = 0;
	while (size - off >= sizeof(struct nlmsghdr)) {
		memcpy(&len, data + off, sizeof(len));
		if (len > INT32_MAX)
			return off;
		if (len < sizeof(struct nlmsghdr) || len > size - off)
			break;
		off += MNL_ALIGN(len);
		if (off >= size) {
			*pad = off - size;
			break;
		}
	}
	return size;
}

int fuzz_netlink(const uint8_t *data, size_t size, mnl_cb_t cb, void *arg)
{
	static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = on_error,
		[NLMSG_DONE] = on_done,
	};
	size_t pad;
	char *buf;
	int ret;

	size = kernel_framing(data, size, &pad);
	buf = malloc(size + pad ? size + pad : 1);
	if (!buf)
		die("malloc");
	memcpy(buf, data, size);
	memset(buf + size, 0, pad);
	ret = mnl_cb_run2(buf, size + pad, 0, 0, cb, arg, ctl_cbs,
			  NLMSG_MIN_TYPE);
	free(buf);
	return ret;
}
