/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_tap: the feed reaches the kernel. A plain UDP socket joined to a
 * channel's group on tw0 receives MoldUDP64 datagrams of our session
 * with contiguous sequence numbers; SIGINT then stops tickwire cleanly.
 */
#define _GNU_SOURCE /* sendmmsg */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <cmocka.h>

#include "itest.h"
#include "tw_proto.h"

/*
 * An interface name as tickwire tags a tap's under TW_PREFIX=TAG:
 * N-TAG, N cut so that the whole fits 15 characters.
 */
static const char *
tagged(const char *n)
{
	static char name[4][IF_NAMESIZE];
	static unsigned int i;
	const char *tag = getenv("TW_PREFIX");
	size_t keep;

	i = (i + 1) % 4;
	if (tag == NULL || *tag == '\0') {
		snprintf(name[i], sizeof(name[i]), "%s", n);
		return name[i];
	}
	keep = strlen(n);
	if (keep > IF_NAMESIZE - 2 - strlen(tag))
		keep = IF_NAMESIZE - 2 - strlen(tag);
	snprintf(name[i], sizeof(name[i]), "%.*s-%s", (int)keep, n, tag);
	return name[i];
}

/* tap.ini's tw0, tagged as tickwire tags it under TW_PREFIX=TAG. */
static const char *
iface(void)
{
	return tagged("tw0");
}
#define IFACE iface()

/* "ip addr add ADDR dev TAP && ip link set TAP up" and then more. */
static char *
addr_cmd(const char *addr, const char *more)
{
	static char cmd[256];

	snprintf(cmd, sizeof(cmd), "ip addr add %s dev %s && ip link set %s "
		"up%s", addr, IFACE, IFACE, more);
	return cmd;
}

static int
wait_for_iface(int seconds)
{
	int i;

	for (i = 0; i < seconds * 10; i++) {
		if (if_nametoindex(IFACE) != 0)
			return 0;
		usleep(100 * 1000);
	}
	return -1;
}

static void
kernel_socket_joined_to_a_group_receives_the_feed(void **state)
{
	const char *json = it_path("tap.json");
	const char *const opts[] = { "--config",
		TW_SRC "/drivers-config/tap.ini", "--rate", "20000",
		"--duration", "60", "--quiet", "--stats-json", json,
		"--set", "feed.session=TICKWIRE01", NULL };
	char *const addr[] = { "sh", "-c", addr_cmd("198.51.100.2/24", ""),
		NULL };
	struct sockaddr_in sa = { .sin_family = AF_INET,
		.sin_port = htons(30001), .sin_addr.s_addr = INADDR_ANY };
	struct ip_mreqn mreq = { .imr_multiaddr.s_addr =
		htonl(TW_IPV4(239, 1, 1, 2)) };
	struct timeval tv = { .tv_sec = 5 };
	char *argv[IT_MAX_ARGS], *s;
	unsigned int got = 0;
	uint64_t next = 0;
	int fd, one = 1;
	pid_t pid;

	remove(json);
	it_tickwire_argv(argv, opts);
	pid = it_spawn(argv, it_path("tap.log"));
	assert_int_equal(wait_for_iface(30), 0);
	assert_int_equal(it_run(addr, it_path("tap-ip.log"), 10), 0);

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	mreq.imr_ifindex = (int)if_nametoindex(IFACE);
	assert_int_equal(setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq,
		sizeof(mreq)), 0);

	while (got < 50) {
		uint8_t buf[2048];
		const struct tw_mold_hdr *h = (const struct tw_mold_hdr *)buf;
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		uint64_t seq;
		uint16_t count;

		if (n < 0)
			fail_msg("no datagram within 5 s after %u", got);
		assert_true(n >= TW_MOLD_HDR_LEN);
		assert_memory_equal(h->session, "TICKWIRE01", 10);
		seq = rte_be_to_cpu_64(h->seq);
		count = rte_be_to_cpu_16(h->count);
		if (next != 0 && seq != next)
			fail_msg("sequence %" PRIu64 " after a gap, expected %"
				PRIu64, seq, next);
		if (count != TW_MOLD_COUNT_END_OF_SESSION)
			next = seq + count;
		got++;
	}
	close(fd);

	kill(pid, SIGINT);
	assert_int_equal(it_wait(pid, 30), 0);
	s = it_slurp(json);
	assert_non_null(s);
	assert_true(it_json_u64(s, "generator", "packets") >= got);
	assert_int_equal(it_json_u64(s, "generator", "end_of_session"), 4);
	free(s);
}

/* Requests of every kind, one datagram each, as fast as the kernel takes. */
static uint64_t
flood(int fd, const struct sockaddr_in *to, double seconds)
{
	enum { BATCH = 64, KINDS = 5 };
	uint8_t req[KINDS][TW_MOLD_HDR_LEN];
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	struct timespec t0, t;
	uint64_t sent = 0;
	unsigned int i;

	for (i = 0; i < KINDS; i++) {
		struct tw_mold_hdr *h = (struct tw_mold_hdr *)req[i];

		memcpy(h->session, "TICKWIRE01", TW_MOLD_SESSION_LEN);
		h->seq = rte_cpu_to_be_64(1);
		h->count = rte_cpu_to_be_16(1);
	}
	/* 0: served; 1: another session; 2: sequence 0; 3: the future;
	 * 4: one byte short (malformed). */
	memcpy(req[1], "OTHERSESS1", TW_MOLD_SESSION_LEN);
	((struct tw_mold_hdr *)req[2])->seq = 0;
	((struct tw_mold_hdr *)req[3])->seq = rte_cpu_to_be_64(UINT64_C(1) <<
		40);
	memset(msg, 0, sizeof(msg));
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = req[i % KINDS];
		iov[i].iov_len = i % KINDS == 4 ? TW_MOLD_HDR_LEN - 1 :
			TW_MOLD_HDR_LEN;
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
		msg[i].msg_hdr.msg_name = (void *)to;
		msg[i].msg_hdr.msg_namelen = sizeof(*to);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		int n = sendmmsg(fd, msg, BATCH, 0);

		if (n > 0)
			sent += (uint64_t)n;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((double)(t.tv_sec - t0.tv_sec) +
		 (double)(t.tv_nsec - t0.tv_nsec) / 1e9 < seconds);
	return sent;
}

/*
 * The request server faces the network: a kernel process floods it over
 * tw0 with requests of every kind, far above the live rate, from one
 * source. Each kind is counted, the source is rate limited, some are
 * served, and the generator keeps at least 95 % of its live rate.
 */
static void
request_flood_leaves_the_live_feed_its_rate(void **state)
{
	const char *json = it_path("tap-flood.json");
	const double live = 2000, secs = 3;
	const char *const opts[] = { "--config",
		TW_SRC "/drivers-config/tap.ini", "--rate", "2000",
		"--duration", "4", "--quiet", "--stats-json", json,
		"--set", "feed.session=TICKWIRE01",
		"--set", "feed.src_ip=198.51.100.1",
		"--set", "recovery.store_messages=4096", NULL };
	/* A subnet of its own: the host's may well be 192.0.2.0/24. */
	char neigh[128];
	char *addr[] = { "sh", "-c", NULL, NULL };
	struct sockaddr_in to = { .sin_family = AF_INET,
		.sin_port = htons(30100),
		.sin_addr.s_addr = htonl(TW_IPV4(198, 51, 100, 1)) };
	char *argv[IT_MAX_ARGS], *s;
	uint64_t sent, ticks, arrived;
	double elapsed;
	pid_t pid;
	int fd;

	snprintf(neigh, sizeof(neigh), " && ip neigh replace 198.51.100.1 "
		"lladdr 02:00:00:00:00:01 dev %s nud permanent", IFACE);
	addr[2] = addr_cmd("198.51.100.2/24", neigh);
	remove(json);
	it_tickwire_argv(argv, opts);
	pid = it_spawn(argv, it_path("tap-flood.log"));
	assert_int_equal(wait_for_iface(30), 0);
	assert_int_equal(it_run(addr, it_path("tap-flood-ip.log"), 10), 0);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	sent = flood(fd, &to, secs);
	close(fd);
	assert_int_equal(it_wait(pid, 30), 0);
	s = it_slurp(json);
	assert_non_null(s);
	ticks = it_json_u64(s, "generator", "ticks");
	elapsed = strtod(strstr(s, "\"elapsed_s\": ") + 13, NULL);
	fprintf(stderr, "flood: %" PRIu64 " requests in %.0f s (%.0f/s, %.0fx "
		"the live rate); live: %" PRIu64 " ticks in %.2f s (%.1f %% of "
		"%.0f/s); served %" PRIu64 ", rate limited %" PRIu64 "\n",
		sent, secs, sent / secs, sent / secs / live, ticks, elapsed,
		100.0 * ticks / elapsed / live, live,
		it_json_u64(s, "generator", "requests_served"),
		it_json_u64(s, "generator", "requests_rate_limited"));
	assert_true(sent / secs > 10 * live);
	assert_true(ticks >= 0.95 * live * elapsed);
	assert_true(it_json_u64(s, "generator", "requests_served") > 0);
	/* What the kernel got into the tap, most of it over the rate. */
	arrived = it_json_u64(strstr(s, "\"ports\": ["), NULL, "ipackets");
	fprintf(stderr, "%" PRIu64 " frames reached the generator\n", arrived);
	assert_true(arrived > 10 * live * secs);
	assert_true(it_json_u64(s, "generator", "requests_rate_limited") >
		arrived / 2);
	assert_true(it_json_u64(s, "generator", "requests_bad_session") > 0);
	assert_true(it_json_u64(s, "generator", "requests_bad_seq") > 0);
	assert_true(it_json_u64(s, "generator", "requests_future") > 0);
	assert_true(it_json_u64(s, "generator", "requests_malformed") > 0);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			kernel_socket_joined_to_a_group_receives_the_feed),
		cmocka_unit_test(request_flood_leaves_the_live_feed_its_rate),
	};

	if (geteuid() != 0) {
		fprintf(stderr, "net_tap needs root\n");
		return 1;
	}
	it_test_filter();
	return cmocka_run_group_tests_name("tap", tests, NULL, NULL);
}
