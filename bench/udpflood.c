// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * udpflood: send COUNT datagrams to a UDP port from THREADS threads with
 * sendmmsg(2), batches of 64, and print what was sent and the CPU it took.
 * For bench/drops.sh, which aims it at a closed port inside a namespace,
 * so that every datagram is one drop (NO_SOCKET) on the receive path the
 * sender's own CPU runs (loopback).
 *
 *   udpflood ADDR PORT COUNT [THREADS] [SIZE]
 *
 * Output, one line: "sent N user_s U sys_s S" (getrusage of the process).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH	64

struct job {
	struct sockaddr_in dst;
	unsigned long count;
	size_t size;
	unsigned long sent;
};

static void *flood(void *arg)
{
	struct job *j = arg;
	struct mmsghdr msgs[BATCH];
	struct iovec iov;
	char *buf = calloc(1, j->size ? j->size : 1);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || !buf) {
		perror("udpflood: socket");
		exit(1);
	}
	iov.iov_base = buf;
	iov.iov_len = j->size;
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_name = &j->dst;
		msgs[i].msg_hdr.msg_namelen = sizeof(j->dst);
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (j->sent < j->count) {
		unsigned long left = j->count - j->sent;
		int n = sendmmsg(fd, msgs, left < BATCH ? left : BATCH, 0);

		if (n < 0) {
			perror("udpflood: sendmmsg");
			exit(1);
		}
		j->sent += n;
	}
	close(fd);
	free(buf);
	return NULL;
}

static double tv(struct timeval t)
{
	return t.tv_sec + t.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	unsigned long count, sent = 0;
	struct rusage ru;
	struct job *jobs;
	pthread_t *tids;
	int threads;

	if (argc < 4) {
		fputs("usage: udpflood ADDR PORT COUNT [THREADS] [SIZE]\n",
		      stderr);
		return 2;
	}
	count = strtoul(argv[3], NULL, 10);
	threads = argc > 4 ? atoi(argv[4]) : 2;
	if (threads < 1)
		threads = 1;
	jobs = calloc(threads, sizeof(*jobs));
	tids = calloc(threads, sizeof(*tids));
	if (!jobs || !tids)
		return 1;
	for (int i = 0; i < threads; i++) {
		jobs[i].dst.sin_family = AF_INET;
		jobs[i].dst.sin_port = htons(atoi(argv[2]));
		if (inet_pton(AF_INET, argv[1], &jobs[i].dst.sin_addr) != 1) {
			fprintf(stderr, "udpflood: %s: not an IPv4 address\n",
				argv[1]);
			return 2;
		}
		jobs[i].count = count / threads +
				(i < (int)(count % threads) ? 1 : 0);
		jobs[i].size = argc > 5 ? strtoul(argv[5], NULL, 10) : 16;
		pthread_create(&tids[i], NULL, flood, &jobs[i]);
	}
	for (int i = 0; i < threads; i++) {
		pthread_join(tids[i], NULL);
		sent += jobs[i].sent;
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("sent %lu user_s %.3f sys_s %.3f\n", sent, tv(ru.ru_utime),
	       tv(ru.ru_stime));
	return 0;
}
