/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire-sockrx: the same feed through the kernel. One UDP socket per
 * channel, bound to the channel's group and joined on an interface,
 * read with recvmmsg, parsed by the same code as the DPDK RX lcores
 * (tw_rx_datagram: MoldUDP64, sequence, cache) and measured over the
 * same spans, so its latency stands beside tickwire's in one run.
 *
 *   tickwire-sockrx --config PROFILE --iface IF [--busy-poll US]
 *       [--duration S] [--stats-json F] [--latency-csv PREFIX]
 *       [--dump-cache F] [--cpu N]
 *
 * The profile gives the feed (group, channels, port, session, symbols).
 * poll is when recvmmsg returned the datagram; send and cache as for
 * tickwire. It stops when every channel has ended, or after --duration.
 * No EAL: this is the kernel path on purpose.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tw_cache.h"
#include "tw_clock.h"
#include "tw_config.h"
#include "tw_hist.h"
#include "tw_parse.h"
#include "tw_stats.h"

#define VLEN 64
#define DGRAM_MAX 9000

#ifndef SO_BUSY_POLL
#define SO_BUSY_POLL 46
#endif

static volatile bool quit;

static void
on_signal(int sig)
{
	(void)sig;
	quit = true;
}

static int
open_channel(uint32_t group, uint16_t port, unsigned int ifindex,
		int busy_poll_us)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(group),
	};
	struct ip_mreqn mr = {
		.imr_multiaddr.s_addr = htonl(group),
		.imr_ifindex = (int)ifindex,
	};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	int one = 1, rcvbuf = 8 << 20;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (busy_poll_us > 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_BUSY_POLL, &busy_poll_us,
			sizeof(busy_poll_us)) != 0)
		fprintf(stderr, "tickwire-sockrx: SO_BUSY_POLL: %s\n",
			strerror(errno));
	/* Bound to the group, the socket gets that group's datagrams only. */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr,
			sizeof(mr)) != 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

static int
write_outputs(const struct tw_config *cfg, struct tw_stats *s,
		struct tw_hist *lat, struct tw_cache *cache,
		const char *stats_json, const char *csv, const char *dump)
{
	struct tw_stats_meta meta = {
		.version = "0.1.0",
		.profile = cfg->path,
		.simd = "scalar (kernel path)",
	};
	char path[1024];
	FILE *f;

	if (stats_json != NULL) {
		f = fopen(stats_json, "w");
		if (f == NULL || tw_stats_write_json(f, s, &meta) != 0)
			return -EIO;
		fclose(f);
	}
	if (csv != NULL &&
	    tw_stats_write_latency_csv(csv, lat, path, sizeof(path)) != 0) {
		fprintf(stderr, "tickwire-sockrx: %s\n", path);
		return -EIO;
	}
	if (dump != NULL) {
		f = fopen(dump, "w");
		if (f == NULL || tw_cache_dump_csv(&cache, 1, f) != 0)
			return -EIO;
		fclose(f);
	}
	return 0;
}

static void
usage(void)
{
	printf("Usage: tickwire-sockrx --config PROFILE --iface IF "
		"[--busy-poll US]\n"
		"       [--duration S] [--stats-json F] [--latency-csv PREFIX] "
		"[--dump-cache F] [--cpu N]\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "iface", required_argument, NULL, 'i' },
		{ "busy-poll", required_argument, NULL, 'b' },
		{ "duration", required_argument, NULL, 'd' },
		{ "stats-json", required_argument, NULL, 'j' },
		{ "latency-csv", required_argument, NULL, 'L' },
		{ "dump-cache", required_argument, NULL, 'D' },
		{ "cpu", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct tw_rx_feed feed;
	static uint8_t bufs[VLEN][DGRAM_MAX];
	static struct tw_config cfg;
	struct mmsghdr msgs[VLEN];
	struct iovec iov[VLEN];
	struct tw_channel_state *channels;
	struct tw_rx_counters ctr;
	struct tw_rx_ctx ctx;
	struct tw_hist *lat;
	struct tw_cache *cache;
	struct tw_clock clk;
	struct tw_stats s;
	struct pollfd *pfd;
	const char *profile = NULL, *iface = NULL, *stats_json = NULL;
	const char *csv = NULL, *dump = NULL;
	double duration = 0;
	int busy_poll = 0, cpu = -1, opt, rc;
	uint64_t sent[VLEN], start, last_refresh;
	uint16_t late[VLEN];
	unsigned int ifindex, c, i, ended = 0;
	char err[TW_ERR_MAX];

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			profile = optarg;
			break;
		case 'i':
			iface = optarg;
			break;
		case 'b':
			busy_poll = atoi(optarg);
			break;
		case 'd':
			duration = atof(optarg);
			break;
		case 'j':
			stats_json = optarg;
			break;
		case 'L':
			csv = optarg;
			break;
		case 'D':
			dump = optarg;
			break;
		case 'C':
			cpu = atoi(optarg);
			break;
		case 'h':
			usage();
			return 0;
		default:
			usage();
			return 2;
		}
	}
	if (profile == NULL || iface == NULL) {
		usage();
		return 2;
	}
	tw_config_defaults(&cfg);
	if (tw_config_load(&cfg, profile, err, sizeof(err)) != 0 ||
	    tw_config_check(&cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "tickwire-sockrx: %s\n", err);
		return 2;
	}
	ifindex = if_nametoindex(iface);
	if (ifindex == 0) {
		fprintf(stderr, "tickwire-sockrx: --iface %s: %s\n", iface,
			strerror(errno));
		return 2;
	}
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}

	memcpy(feed.session, cfg.session, TW_MOLD_SESSION_LEN);
	feed.group_base = cfg.group;
	feed.nb_channels = cfg.channels;
	feed.udp_port = cfg.udp_port;
	feed.vlan = cfg.vlan;
	cache = tw_cache_init(aligned_alloc(64, tw_cache_memsize(cfg.symbols)),
		cfg.symbols, 0);
	channels = calloc(cfg.channels, sizeof(*channels));
	lat = calloc(TW_SPAN_MAX, sizeof(*lat));
	pfd = calloc(cfg.channels, sizeof(*pfd));
	if (tw_rx_feed_prepare(&feed) != 0 || cache == NULL ||
	    channels == NULL || lat == NULL || pfd == NULL)
		return 1;
	memset(&ctr, 0, sizeof(ctr));
	for (c = 0; c < cfg.channels; c++)
		tw_channel_init(&channels[c]);
	tw_rx_ctx_init(&ctx, &feed, cache, channels, &ctr, TW_SIMD_SCALAR);
	for (i = 0; i < TW_SPAN_MAX; i++)
		tw_hist_init(&lat[i]);
	ctx.lat = &lat[TW_SPAN_SEND_POLL];
	ctx.sent = sent;
	ctx.late = late;
	ctx.sent_cap = VLEN;
	for (c = 0; c < cfg.channels; c++) {
		rc = open_channel(cfg.group + c, cfg.udp_port, ifindex,
			busy_poll);
		if (rc < 0) {
			fprintf(stderr, "tickwire-sockrx: channel %u: %s\n", c,
				strerror(-rc));
			return 1;
		}
		pfd[c] = (struct pollfd){ .fd = rc, .events = POLLIN };
	}
	for (i = 0; i < VLEN; i++) {
		iov[i] = (struct iovec){ bufs[i], DGRAM_MAX };
		msgs[i] = (struct mmsghdr){ .msg_hdr = {
			.msg_iov = &iov[i], .msg_iovlen = 1 } };
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	tw_clock_init(&clk, 100);
	/* Every group is joined: scripts wait for this line to start a feed. */
	printf("tickwire-sockrx: %u channels from %s:%u on %s%s\n",
		cfg.channels, inet_ntoa((struct in_addr){
			htonl(cfg.group) }), cfg.udp_port, iface,
		busy_poll ? " (busy poll)" : "");
	fflush(stdout);
	start = last_refresh = rte_rdtsc();

	while (!quit && ended < cfg.channels) {
		uint64_t now = rte_rdtsc();

		if (duration > 0 && now - start >=
		    (uint64_t)(duration * tw_clock_hz(&clk)))
			break;
		if (now - last_refresh > tw_clock_hz(&clk) / 20) {
			tw_clock_refresh(&clk);
			last_refresh = now;
		}
		/* Sleep in poll unless busy polling: the kernel way. */
		if (busy_poll == 0 && poll(pfd, cfg.channels, 100) <= 0)
			continue;
		for (c = 0; c < cfg.channels; c++) {
			uint64_t poll_ns, done_ns;
			int n = recvmmsg(pfd[c].fd, msgs, VLEN, MSG_DONTWAIT,
				NULL);

			if (n <= 0)
				continue;
			poll_ns = tw_clock_ns(&clk, rte_rdtsc());
			for (i = 0; i < (unsigned int)n; i++)
				tw_rx_datagram(&ctx, (uint16_t)c, bufs[i],
					msgs[i].msg_len, poll_ns);
			done_ns = tw_clock_ns(&clk, rte_rdtsc());
			tw_rx_record_burst(&ctx, lat, poll_ns, done_ns);
		}
		for (ended = 0, c = 0; c < cfg.channels; c++)
			ended += channels[c].ended;
	}

	memset(&s, 0, sizeof(s));
	s.channels = calloc(cfg.channels, sizeof(*s.channels));
	s.nb_channels = cfg.channels;
	for (c = 0; c < cfg.channels; c++) {
		s.channels[c].group = cfg.group + c;
		s.channels[c].udp_port = cfg.udp_port;
	}
	s.elapsed_s = (double)(rte_rdtsc() - start) / tw_clock_hz(&clk);
	tw_stats_add_rx(&s.rx, &ctr);
	tw_stats_add_channels(&s, channels, cfg.channels);
	for (i = 0; i < TW_SPAN_MAX; i++)
		tw_hist_summarize(&lat[i], &s.span[i]);
	s.lat = s.span[TW_SPAN_SEND_CACHE];
	tw_stats_finish(&s);
	tw_stats_print_summary(stdout, &s);
	rc = write_outputs(&cfg, &s, lat, cache, stats_json, csv, dump);
	for (c = 0; c < cfg.channels; c++)
		close(pfd[c].fd);
	return rc == 0 ? 0 : 1;
}
