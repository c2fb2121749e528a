/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_tap: the feed reaches the kernel. A plain UDP socket joined to a
 * channel's group on tw0 receives MoldUDP64 datagrams of our session
 * with contiguous sequence numbers; SIGINT then stops tickwire cleanly.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "itest.h"
#include "tw_proto.h"

#define IFACE "tw0"

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
	char *const addr[] = { "sh", "-c", "ip addr add 192.0.2.2/24 dev "
		IFACE " && ip link set " IFACE " up", NULL };
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			kernel_socket_joined_to_a_group_receives_the_feed),
	};

	if (geteuid() != 0) {
		fprintf(stderr, "net_tap needs root\n");
		return 1;
	}
	return cmocka_run_group_tests_name("tap", tests, NULL, NULL);
}
