/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_tap: the feed reaches the kernel. A plain UDP socket joined to a
 * channel's group on tw0 receives MoldUDP64 datagrams of our session
 * with contiguous sequence numbers; SIGINT then stops tickwire cleanly.
 * Two tickwire processes on two taps of a Linux bridge: a late joiner
 * recovers by snapshot from the server it is configured with.
 */
#define _GNU_SOURCE /* sendmmsg */
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <cmocka.h>

#include "itest.h"
#include "tw_proto.h"

/* tap.ini's tw0, tagged as tickwire tags it under TW_PREFIX=TAG. */
static const char *
iface(void)
{
	return it_tap_name("tw0");
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

/*
 * A late joiner over net_tap, where a frame goes only where it is
 * addressed: the generator (tap.ini's tw0) and a processor on a tap of
 * its own (tw1) are the two ports of a Linux bridge the test makes.
 * The bridge floods the feed's multicast to the processor but gives
 * the generator's port no unknown unicast (flood off), so a request
 * reaches the generator only when it is addressed to the MAC the
 * generator's frames come from. Over net_ring or memif any frame is
 * delivered; here only a request to the right address is.
 */
#define LATE_CHANNELS 4
#define LATE_SYMBOLS 1000
#define LATE_TICKS 100000
#define LATE_GEN_IP "198.51.100.1"
#define LATE_GEN_MAC "02:00:00:00:00:01"

/* What the late-join tests leave running, for the teardown. */
static struct {
	pid_t gen, proc;
	int cap;
} late = { .cap = -1 };

static const char *
bridge(void)
{
	return it_tap_name("twb");
}

/* "sh -c CMD" (bridge and ip), its output in log: its status. */
static int
late_sh(const char *cmd, const char *log)
{
	char *const argv[] = { "sh", "-c", (char *)cmd, NULL };

	return it_run(argv, log, 10);
}

/* A bridge of our own, left over from no earlier run, up. */
static int
late_setup(void **state)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "ip link del %s 2>/dev/null; ip link add "
		"%s type bridge mcast_snooping 0 && ip link set %s up",
		bridge(), bridge(), bridge());
	return late_sh(cmd, it_path("tap-late-bridge.log")) == 0 ? 0 : -1;
}

/* Whatever is left, passed or failed: the processes (their taps go
 * with them), the capture, the bridge. */
static int
late_teardown(void **state)
{
	char cmd[128];

	if (late.proc > 0) {
		kill(late.proc, SIGKILL);
		waitpid(late.proc, NULL, 0);
	}
	if (late.gen > 0) {
		kill(late.gen, SIGKILL);
		waitpid(late.gen, NULL, 0);
	}
	late.gen = late.proc = 0;
	if (late.cap >= 0)
		close(late.cap);
	late.cap = -1;
	snprintf(cmd, sizeof(cmd), "ip link del %s", bridge());
	late_sh(cmd, it_path("tap-late-unbridge.log"));
	return 0;
}

/* TW_OUT/NAMEWHAT */
static const char *
late_file(const char *name, const char *what)
{
	char n[128];

	snprintf(n, sizeof(n), "%s%s", name, what);
	return it_path(n);
}

/* Ticks the generator has sent: its --stats-interval lines summed. */
static uint64_t
ticks_sent(const char *lines)
{
	char *s = it_slurp(lines), *line, *save = NULL;
	uint64_t sum = 0;

	for (line = s == NULL ? NULL : strtok_r(s, "\n", &save);
	     line != NULL; line = strtok_r(NULL, "\n", &save)) {
		uint64_t t = it_json_u64(line, "generator", "ticks");

		if (t != UINT64_MAX)
			sum += t;
	}
	free(s);
	return sum;
}

/*
 * What crossed the processor's tap, both ways, as the kernel saw it:
 * the recovery requests the processor sent (to request_port + c or
 * snapshot_port + c) and where they were addressed, and the snapshot
 * frames delivered to it.
 */
struct late_capture {
	uint8_t want_mac[6];    /* all zero: any */
	uint32_t want_ip;       /* host order */
	unsigned int requests, snapshot_requests, misaddressed;
	unsigned int snapshot_frames, snapshot_frames_elsewhere;
	unsigned int drops;
};

/* An AF_PACKET socket on ifname, taking unicast and broadcast frames
 * (not the feed's multicast), their first 128 bytes. */
static int
capture_open(const char *ifname)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 2),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xffffffff, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 128),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = RTE_DIM(code), .filter = code };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL) };
	int fd, size = 4 << 20;

	/* Protocol 0 takes nothing before the filter is on. */
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	assert_true(fd >= 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
		sizeof(prog)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	assert_true(sll.sll_ifindex > 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sll, sizeof(sll)), 0);
	return fd;
}

static void
capture_frame(struct late_capture *c, const uint8_t *f, ssize_t len,
		bool to_processor)
{
	const uint8_t zero[6] = { 0 };
	uint16_t sport, dport;
	uint32_t ihl;

	if (len < 14 + 20 + 8 || f[12] != 0x08 || f[13] != 0x00 ||
	    f[14 + 9] != IPPROTO_UDP)
		return;
	ihl = (f[14] & 0xfu) * 4;
	if (len < 14 + (ssize_t)ihl + 8)
		return;
	sport = (uint16_t)(f[14 + ihl] << 8 | f[14 + ihl + 1]);
	dport = (uint16_t)(f[14 + ihl + 2] << 8 | f[14 + ihl + 3]);
	if (to_processor) {
		uint32_t src;

		if (sport < 30300 || sport >= 30300 + LATE_CHANNELS)
			return;
		c->snapshot_frames++;
		memcpy(&src, f + 14 + 12, 4);
		if (ntohl(src) != c->want_ip)
			c->snapshot_frames_elsewhere++;
		return;
	}
	if ((dport >= 30100 && dport < 30100 + LATE_CHANNELS) ||
	    (dport >= 30300 && dport < 30300 + LATE_CHANNELS)) {
		uint32_t dst;

		c->requests++;
		c->snapshot_requests += dport >= 30300;
		memcpy(&dst, f + 14 + 16, 4);
		if (ntohl(dst) != c->want_ip ||
		    (memcmp(c->want_mac, zero, 6) != 0 &&
		     memcmp(f, c->want_mac, 6) != 0))
			c->misaddressed++;
	}
}

static void
capture_drain(int fd, struct late_capture *c)
{
	for (;;) {
		uint8_t f[128];
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, f, sizeof(f), MSG_DONTWAIT,
			(struct sockaddr *)&from, &fl);

		if (n < 0)
			return;
		/* Out of the kernel's tap: to the processor's DPDK port. */
		capture_frame(c, f, n, from.sll_pkttype == PACKET_OUTGOING);
	}
}

/* it_wait, capturing meanwhile; then the capture's drops. */
static int
wait_capturing(pid_t pid, int timeout_s, struct late_capture *c)
{
	struct tpacket_stats st;
	socklen_t sl = sizeof(st);
	int status, waited_ms;

	for (waited_ms = 0; waited_ms < timeout_s * 1000; waited_ms += 20) {
		struct pollfd pfd = { .fd = late.cap, .events = POLLIN };

		poll(&pfd, 1, 20);
		capture_drain(late.cap, c);
		if (waitpid(pid, &status, WNOHANG) == pid) {
			capture_drain(late.cap, c);
			assert_int_equal(getsockopt(late.cap, SOL_PACKET,
				PACKET_STATISTICS, &st, &sl), 0);
			c->drops = st.tp_drops;
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		}
	}
	fprintf(stderr, "timeout after %d s: killing %d\n", timeout_s, pid);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/*
 * The generator runs LATE_TICKS at 20,000 a second, its request and
 * snapshot servers on; once it has sent at least a third of them the
 * processor starts, with [recovery] server_ip (and server_mac when not
 * NULL), and runs to the session's end. Its exit status is returned,
 * the generator's must be 0; the stats JSONs are read into *g and *p,
 * and what crossed the processor's tap into *c (requests checked
 * against server_ip and server_mac).
 */
static int
late_join(const char *name, const char *server_ip, const char *server_mac,
		struct late_capture *c, char **g, char **p)
{
	const char *gjson = late_file(name, "-gen.json");
	const char *pjson = late_file(name, "-proc.json");
	const char *lines = late_file(name, "-gen.jsonl");
	const char *truth = late_file(name, ".truth.csv");
	const char *cache = late_file(name, ".cache.csv");
	const char *glog = late_file(name, "-gen.log");
	const char *plog = late_file(name, "-proc.log");
	char sip[64], smac[64], cmd[512];
	const char *const gen_opts[] = { "--config",
		TW_SRC "/drivers-config/tap.ini", "--rate", "20000",
		"--count", RTE_STR(LATE_TICKS), "--duration", "30", "--quiet",
		"--set", "feed.src_ip=" LATE_GEN_IP,
		"--set", "feed.src_mac=" LATE_GEN_MAC,
		"--set", "recovery.store_messages=65536",
		/* The end of session crosses before the tap goes. */
		"--set", "run.linger_s=1", "--stats-interval", lines,
		"--stats-json", gjson, "--dump-truth", truth, NULL };
	const char *const proc_opts[] = { "--config",
		TW_SRC "/drivers-config/tap.ini", "--set",
		"eal.args=--lcores=0@0,1@1 --no-pci "
		"--vdev=net_tap0,iface=tw1 --file-prefix=tickwire-tap-proc",
		"--set", "generator.enabled=false",
		"--set", "rx.enabled=true", "--set", "rx.lcores=1",
		"--set", "rx.ports=0", "--set", "feed.src_ip=" LATE_GEN_IP,
		"--set", "recovery.rerequest=true",
		/* Time to answer on a loaded host: the data gets none. */
		"--set", "recovery.timeout_us=20000",
		"--set", sip, "--duration", "30", "--quiet",
		"--stats-json", pjson, "--dump-cache", cache,
		server_mac != NULL ? "--set" : NULL, smac, NULL };
	char *argv[IT_MAX_ARGS];
	const char *gen_if = it_tap_name("tw0"), *proc_if = it_tap_name("tw1");
	int proc_rc;

	snprintf(sip, sizeof(sip), "recovery.server_ip=%s", server_ip);
	snprintf(smac, sizeof(smac), "recovery.server_mac=%s",
		server_mac != NULL ? server_mac : "");
	memset(c, 0, sizeof(*c));
	assert_int_equal(inet_pton(AF_INET, server_ip, &c->want_ip), 1);
	c->want_ip = ntohl(c->want_ip);
	if (server_mac != NULL)
		assert_int_equal(sscanf(server_mac,
			"%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &c->want_mac[0],
			&c->want_mac[1], &c->want_mac[2], &c->want_mac[3],
			&c->want_mac[4], &c->want_mac[5]), 6);
	/* Nothing of an earlier run's: the logs are waited on. */
	remove(gjson);
	remove(pjson);
	remove(lines);
	remove(cache);
	remove(truth);
	remove(glog);
	remove(plog);

	/* The generator, on the bridge; unknown unicast never reaches it. */
	it_tickwire_argv(argv, gen_opts);
	late.gen = it_spawn(argv, glog);
	assert_int_equal(it_wait_for(glog, "(net_tap) started", 30),
		0);
	snprintf(cmd, sizeof(cmd), "ip link set %s master %s && bridge link "
		"set dev %s flood off", gen_if, bridge(), gen_if);
	assert_int_equal(late_sh(cmd, late_file(name, "-gen-ip.log")), 0);

	/* Late: a good share of the session is behind it. */
	while (ticks_sent(lines) < LATE_TICKS / 3) {
		if (waitpid(late.gen, NULL, WNOHANG) != 0) {
			late.gen = 0;
			fail_msg("the generator ended before the late join");
		}
		usleep(50 * 1000);
	}
	it_tickwire_argv(argv, proc_opts);
	late.proc = it_spawn(argv, plog);
	assert_int_equal(it_wait_for(plog, "polling", 30), 0);
	/*
	 * net_tap gives the kernel's side of a tap the port's own MAC; a
	 * bridge keeps its ports' MACs for the host, so frames to the
	 * processor's port would stop there. Its kernel side takes
	 * another (the port keeps its own), then joins the bridge, with
	 * the capture on from before the first frame can cross.
	 */
	late.cap = capture_open(proc_if);
	snprintf(cmd, sizeof(cmd), "ip link set dev %s address "
		"02:00:00:00:ff:01 && ip link set %s master %s", proc_if,
		proc_if, bridge());
	assert_int_equal(late_sh(cmd, late_file(name, "-proc-ip.log")), 0);

	proc_rc = wait_capturing(late.proc, 60, c);
	late.proc = 0;
	assert_int_equal(it_wait(late.gen, 30), 0);
	late.gen = 0;
	close(late.cap);
	late.cap = -1;
	fprintf(stderr, "%s: processor exit %d; on its tap: %u requests (%u "
		"for snapshots), %u not to %s%s%s; %u snapshot frames to it, "
		"%u from elsewhere; capture drops %u\n", name, proc_rc,
		c->requests, c->snapshot_requests, c->misaddressed, server_ip,
		server_mac != NULL ? " at " : "",
		server_mac != NULL ? server_mac : "", c->snapshot_frames,
		c->snapshot_frames_elsewhere, c->drops);
	it_read_pair(gjson, pjson, g, p);
	return proc_rc;
}

/*
 * The processor joins after a third of the session or more, with the
 * generator configured as its server (address and MAC): each channel
 * is a late join, its snapshot request goes to the server from the
 * start (the kernel saw every one addressed to it, none to zeros or
 * broadcast), every symbol is restored by a snapshot, none is stale,
 * the verdict is whole and the cache equals the generator's truth.
 */
static void
late_joiner_recovers_by_snapshot_from_its_server(void **state)
{
	struct late_capture c;
	uint64_t before;
	char *g, *p;

	assert_int_equal(late_join("tap-late", LATE_GEN_IP, LATE_GEN_MAC, &c,
		&g, &p), IT_WHOLE);
	before = it_json_u64(p, "recovery", "messages_before_join");
	fprintf(stderr, "joined after %" PRIu64 " messages; snapshots %"
		PRIu64 ", served %" PRIu64 "\n", before,
		it_json_u64(p, "recovery", "snapshots"),
		it_json_u64(g, "generator", "snapshots_served"));
	/* Every request the processor sent was to its server. */
	assert_int_equal(c.drops, 0);
	assert_true(c.snapshot_requests >= LATE_CHANNELS);
	assert_int_equal(c.misaddressed, 0);
	assert_true(c.snapshot_frames >= LATE_CHANNELS);
	assert_int_equal(c.snapshot_frames_elsewhere, 0);
	/* A late join on every channel, recovered by its snapshot. */
	assert_true(before >= LATE_TICKS / 3 && before != UINT64_MAX);
	assert_int_equal(it_json_u64(p, "recovery", "late_joins"),
		LATE_CHANNELS);
	assert_int_equal(it_json_u64(p, "recovery", "snapshots"),
		LATE_CHANNELS);
	assert_int_equal(it_json_u64(p, "recovery", "snapshots_failed"), 0);
	assert_true(it_json_u64(g, "generator", "snapshots_served") >=
		LATE_CHANNELS);
	assert_int_equal(it_json_u64(p, "recovery", "gaps_unrecovered"), 0);
	assert_int_equal(it_json_u64(p, "recovery", "gaps_open"), 0);
	assert_int_equal(it_json_u64(p, "drops", "recovery_bad_source"), 0);
	/* Every symbol's directory came in a snapshot (the live ones went
	 * at the session's start, long before it joined). */
	assert_int_equal(it_json_u64(p, "rx", "directories"), LATE_SYMBOLS);
	assert_int_equal(it_json_u64(p, "verdict", "stale_symbols"), 0);
	assert_int_equal(it_json_u64(p, NULL, "channels_ended"),
		LATE_CHANNELS);
	free(g);
	free(p);
	assert_true(it_files_equal(it_path("tap-late.cache.csv"),
		it_path("tap-late.truth.csv")));
}

/*
 * The same late join with server_ip an address the generator does not
 * have: the requests go there (the kernel saw each addressed to it),
 * the generator, seeing them broadcast, refuses them as another
 * server's, no snapshot is applied, and every symbol stays stale: not
 * whole.
 */
static void
late_joiner_takes_no_snapshot_from_another_server(void **state)
{
	struct late_capture c;
	char *g, *p;

	assert_int_equal(late_join("tap-late-other", "198.51.100.9", NULL,
		&c, &g, &p), IT_NOT_WHOLE);
	fprintf(stderr, "snapshots %" PRIu64 ", failed %" PRIu64 "; "
		"recovery_bad_source %" PRIu64 "; the generator: %" PRIu64
		" requests to another server, %" PRIu64 " snapshots served\n",
		it_json_u64(p, "recovery", "snapshots"),
		it_json_u64(p, "recovery", "snapshots_failed"),
		it_json_u64(p, "drops", "recovery_bad_source"),
		it_json_u64(g, "generator", "requests_other_server"),
		it_json_u64(g, "generator", "snapshots_served"));
	assert_true(it_json_u64(g, "generator", "requests_other_server") >=
		LATE_CHANNELS);
	assert_int_equal(it_json_u64(g, "generator", "snapshots_served"), 0);
	assert_int_equal(c.drops, 0);
	assert_true(c.snapshot_requests >= LATE_CHANNELS);
	assert_int_equal(c.misaddressed, 0);
	assert_int_equal(it_json_u64(p, "recovery", "late_joins"),
		LATE_CHANNELS);
	assert_int_equal(it_json_u64(p, "recovery", "snapshots"), 0);
	assert_int_equal(it_json_u64(p, "recovery", "snapshots_failed"),
		LATE_CHANNELS);
	assert_int_equal(it_json_u64(p, "verdict", "stale_symbols"),
		LATE_SYMBOLS);
	assert_int_equal(it_json_u64(p, NULL, "channels_ended"),
		LATE_CHANNELS);
	free(g);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			kernel_socket_joined_to_a_group_receives_the_feed),
		cmocka_unit_test(request_flood_leaves_the_live_feed_its_rate),
		cmocka_unit_test_setup_teardown(
			late_joiner_recovers_by_snapshot_from_its_server,
			late_setup, late_teardown),
		cmocka_unit_test_setup_teardown(
			late_joiner_takes_no_snapshot_from_another_server,
			late_setup, late_teardown),
	};

	if (geteuid() != 0) {
		fprintf(stderr, "net_tap needs root\n");
		return 1;
	}
	it_test_filter();
	return cmocka_run_group_tests_name("tap", tests, NULL, NULL);
}
