/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire-sockrx: the same feed through the kernel. One UDP socket per
 * channel, bound to the channel's group and joined on an interface,
 * read with recvmmsg, and handed to the same poll step as the DPDK RX
 * lcores (lib/rx: the protocol's datagram path, sequence, cache, the
 * same latency spans), so its latency stands beside tickwire's in one
 * run; its report is read through the same view (lib/view).
 *
 *   tickwire-sockrx --config PROFILE --iface IF [--busy-poll US]
 *       [--duration S] [--stats-json F] [--stats-interval F]
 *       [--latency-csv PREFIX] [--dump-cache F] [--cpu N]
 *       [--set SEC.KEY=VALUE]...
 *
 * The profile gives the feed (group, channels, port, session, symbols).
 * poll is when recvmmsg returned the datagram; send and cache as for
 * tickwire. It stops when every channel has ended, or after --duration.
 * --stats-interval writes tickwire's period lines (every [run]
 * stats_interval_ms, and a last one), so a script can follow it live.
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
#include "tw_rx_path.h"
#include "tw_outfile.h"
#include "tw_verdict.h"
#include "tw_stats.h"
#include "tw_view.h"
#include "sockrx.h"

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
	int one = 1, rcvbuf = 32 << 20;

	if (fd < 0)
		return -errno;
	/*
	 * Both matter (another receiver of the group; bursts a descheduled
	 * receiver must absorb): say so. As root the buffer may pass
	 * net.core.rmem_max (SO_RCVBUFFORCE); else it is capped there.
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
			sizeof(rcvbuf)) != 0 &&
	     setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			sizeof(rcvbuf)) != 0))
		fprintf(stderr, "tickwire-sockrx: setsockopt: %s\n",
			strerror(errno));
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

/* A whole number in [lo, hi] from an option, or exit 2 naming it. */
static long
num_opt(const char *name, const char *arg, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "tickwire-sockrx: --%s '%s': expected a whole "
			"number from %ld to %ld\n", name, arg, lo, hi);
		exit(2);
	}
	return v;
}

static void
usage(void)
{
	printf("Usage: tickwire-sockrx --config PROFILE --iface IF "
		"[--busy-poll US]\n"
		"       [--duration S] [--stats-json F] [--stats-interval F] "
		"[--latency-csv PREFIX]\n"
		"       [--dump-cache F] [--cpu N] [--accept-loss] "
		"[--set SEC.KEY=VALUE]...\n"
		"       tickwire-sockrx --version\n");
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
		{ "stats-interval", required_argument, NULL, 'I' },
		{ "set", required_argument, NULL, 's' },
		{ "latency-csv", required_argument, NULL, 'L' },
		{ "dump-cache", required_argument, NULL, 'D' },
		{ "cpu", required_argument, NULL, 'C' },
		{ "accept-loss", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static struct tw_rx_feed feed;
	static uint8_t bufs[VLEN][DGRAM_MAX];
	static struct tw_hist merged[TW_SPAN_MAX], rtt;
	static struct tw_config cfg;
	static struct tw_view view;
	static struct tw_outfile outs[OUT_MAX];
	uint8_t *bufp[VLEN];
	uint32_t lens[VLEN];
	struct mmsghdr msgs[VLEN];
	struct iovec iov[VLEN];
	struct tw_channel_state *channels;
	struct tw_rx_path *path;
	struct tw_cache *cache;
	struct tw_clock clk;
	struct tw_stats s;
	struct pollfd *pfd;
	const char *profile = NULL, *iface = NULL, *stats_json = NULL;
	const char *csv = NULL, *dump = NULL, *lines_path = NULL;
	const char *sets[64];
	unsigned int nb_sets = 0;
	static struct tw_outstream lines;
	static struct tw_stats prev;
	static struct tw_hist lat_prev;
	bool lines_on = false, lines_failed = false;
	uint64_t next_line = 0;
	static struct tw_verdict verdict;
	static struct tw_noise noise;
	const struct tw_protocol *proto;
	double duration = 0;
	bool accept_loss = false;
	int busy_poll = 0, cpu = -1, opt, rc;
	uint64_t start, last_refresh;
	unsigned int ifindex, c, i, ended = 0;
	char err[TW_ERR_MAX], *end;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			profile = optarg;
			break;
		case 'i':
			iface = optarg;
			break;
		case 'b':
			busy_poll = (int)num_opt("busy-poll", optarg, 0,
				1000000);
			break;
		case 'd':
			duration = strtod(optarg, &end);
			if (end == optarg || *end != '\0' || !(duration >= 0) ||
			    duration > 1e6) {
				fprintf(stderr, "tickwire-sockrx: --duration "
					"'%s': expected seconds from 0 to "
					"1000000\n", optarg);
				return 2;
			}
			break;
		case 'j':
			stats_json = optarg;
			break;
		case 'I':
			lines_path = optarg;
			break;
		case 's':
			if (nb_sets == RTE_DIM(sets)) {
				fprintf(stderr, "tickwire-sockrx: --set: at "
					"most %zu\n", RTE_DIM(sets));
				return 2;
			}
			sets[nb_sets++] = optarg;
			break;
		case 'L':
			csv = optarg;
			break;
		case 'D':
			dump = optarg;
			break;
		case 'C':
			cpu = (int)num_opt("cpu", optarg, 0, CPU_SETSIZE - 1);
			break;
		case 'a':
			accept_loss = true;
			break;
		case 'V':
			printf("%s %s\n", "tickwire-sockrx", TW_VERSION);
			return 0;
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
	rc = tw_config_load(&cfg, profile, err, sizeof(err));
	for (i = 0; rc == 0 && i < nb_sets; i++)
		rc = tw_config_set_arg(&cfg, sets[i], err, sizeof(err));
	if (rc != 0 || tw_config_check(&cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "tickwire-sockrx: %s\n", err);
		return 2;
	}
	proto = tw_protocol_for(&cfg, err, sizeof(err));
	if (proto == NULL || proto->rx_datagram == NULL) {
		if (proto != NULL)
			snprintf(err, sizeof(err), "%s: [feed] protocol: %s has "
				"no kernel-socket receiver", cfg.path,
				proto->name);
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
		if (sched_setaffinity(0, sizeof(set), &set) != 0) {
			fprintf(stderr, "tickwire-sockrx: --cpu %d: %s\n", cpu,
				strerror(errno));
			return 2;
		}
	}

	if (sockrx_open_outputs(outs, stats_json, csv, dump) != 0)
		return 1;
	if (lines_path != NULL) {
		if (tw_outstream_open(&lines, lines_path, err,
				sizeof(err)) != 0) {
			fprintf(stderr, "tickwire-sockrx: %s\n", err);
			sockrx_discard(outs);
			return 1;
		}
		lines_on = true;
	}
	cache = tw_cache_init(aligned_alloc(64, tw_cache_memsize(cfg.symbols)),
		cfg.symbols, 0);
	channels = calloc(cfg.channels, sizeof(*channels));
	path = aligned_alloc(RTE_CACHE_LINE_SIZE, sizeof(*path));
	pfd = calloc(cfg.channels, sizeof(*pfd));
	s.channels = calloc(cfg.channels, sizeof(*s.channels));
	if (cache == NULL || channels == NULL || path == NULL ||
	    pfd == NULL || s.channels == NULL) {
		fprintf(stderr, "tickwire-sockrx: out of memory\n");
		sockrx_discard(outs);
		return 1;
	}
	rc = tw_protocol_rx_feed(proto, &cfg, &feed);
	if (rc == 0) {
		for (c = 0; c < cfg.channels; c++)
			tw_channel_init(&channels[c]);
		rc = tw_rx_path_init(path, proto, &feed, cache,
			channels, TW_SIMD_SCALAR, &clk, false);
	}
	if (rc != 0) {
		fprintf(stderr, "tickwire-sockrx: receiver set-up: %s\n",
			strerror(-rc));
		sockrx_discard(outs);
		return 1;
	}
	for (c = 0; c < cfg.channels; c++) {
		rc = open_channel(cfg.group + c, cfg.udp_port, ifindex,
			busy_poll);
		if (rc < 0) {
			fprintf(stderr, "tickwire-sockrx: channel %u: %s\n", c,
				strerror(-rc));
			sockrx_discard(outs);
			return 1;
		}
		pfd[c] = (struct pollfd){ .fd = rc, .events = POLLIN };
	}
	for (i = 0; i < VLEN; i++) {
		bufp[i] = bufs[i];
		iov[i] = (struct iovec){ bufs[i], DGRAM_MAX };
		msgs[i] = (struct mmsghdr){ .msg_hdr = {
			.msg_iov = &iov[i], .msg_iovlen = 1 } };
	}
	/*
	 * Calibrate once the groups are joined: the joins take effect
	 * meanwhile, before the line below lets a script start the feed.
	 */
	tw_clock_init(&clk, 100);
	/* What the report reads: one receiver, no generator. */
	view = (struct tw_view){
		.nb_rx = 1, .nb_channels = cfg.channels, .nb_caches = 1,
		.udp_port = cfg.udp_port, .group_base = cfg.group,
		.tsc_hz = tw_clock_hz(&clk),
		.rx = { &path->ctr }, .channels = { channels },
		.lat = { path->lat }, .cache = { cache },
		.rx_noise = { &noise }, .rx_role = "sockrx",
	};
	/*
	 * Its own interruptions, as an RX lcore records them: the gaps in
	 * this loop over [host] sockrx_stall_threshold_ns (a turn makes a
	 * system call per channel); a sleep in poll() is its own choice.
	 */
	tw_noise_init(&noise, cfg.sockrx_stall_threshold_ns,
		tw_clock_hz(&clk));
	tw_rx_path_noise(path, &noise);
	if (signal(SIGINT, on_signal) == SIG_ERR ||
	    signal(SIGTERM, on_signal) == SIG_ERR) {
		fprintf(stderr, "tickwire-sockrx: signal: %s\n",
			strerror(errno));
		sockrx_discard(outs);
		return 1;
	}
	/* Every group is joined: scripts wait for this line to start a feed. */
	printf("tickwire-sockrx: %u channels from %s:%u on %s%s\n",
		cfg.channels, inet_ntoa((struct in_addr){
			htonl(cfg.group) }), cfg.udp_port, iface,
		busy_poll ? " (busy poll)" : "");
	fflush(stdout);
	start = last_refresh = rte_rdtsc();
	view.start_tsc = start;
	tw_noise_begin(&noise, start);

	while (!quit && ended < cfg.channels) {
		uint64_t now = rte_rdtsc();

		/* A turn starts: a gap since the last one over the threshold
		 * is an interruption (and marks what waited through it). */
		tw_rx_path_idle_stamp(path, now);
		if (duration > 0 && now - start >=
		    (uint64_t)(duration * tw_clock_hz(&clk)))
			break;
		if (now - last_refresh > tw_clock_hz(&clk) / 20) {
			tw_clock_refresh(&clk);
			last_refresh = now;
		}
		if (lines_on && now >= next_line) {
			if (next_line != 0) {
				tw_view_collect(&view, &s, merged, &rtt);
				lines_on = sockrx_period_line(&lines, &s, &prev,
					&merged[TW_SPAN_SEND_CACHE], &lat_prev,
					false);
				lines_failed |= !lines_on;
				prev = s;
				lat_prev = merged[TW_SPAN_SEND_CACHE];
			}
			next_line = now + tw_clock_hz(&clk) / 1000 *
				cfg.stats_interval_ms;
		}
		/* Sleep in poll unless busy polling: the kernel way. */
		if (busy_poll == 0) {
			int ready = poll(pfd, cfg.channels, 100);

			/* The sleep was the loop's own choice. */
			tw_noise_mark(&noise, rte_rdtsc());
			if (ready <= 0)
				continue;
		}
		for (c = 0; c < cfg.channels; c++) {
			int n = recvmmsg(pfd[c].fd, msgs, VLEN, MSG_DONTWAIT,
				NULL);
			unsigned int k = 0;

			if (n <= 0)
				continue;
			for (i = 0; i < (unsigned int)n; i++) {
				/* Cut to the buffer: never applied. */
				if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
					path->ctr.pkts++;
					path->ctr.bytes += msgs[i].msg_len;
					path->ctr.drops[TW_DROP_TRUNCATED]++;
					msgs[i].msg_hdr.msg_flags = 0;
					continue;
				}
				bufp[k] = bufs[i];
				lens[k++] = msgs[i].msg_len;
			}
			tw_rx_path_datagrams(path, (uint16_t)c, bufp, lens, k,
				tw_clock_ns(&clk, rte_rdtsc()));
			/* Applying them was the loop's own work. */
			tw_noise_mark(&noise, rte_rdtsc());
		}
		for (ended = 0, c = 0; c < cfg.channels; c++)
			ended += channels[c].ended;
	}

	tw_view_collect(&view, &s, merged, &rtt);
	if (lines_on)
		sockrx_period_line(&lines, &s, &prev, &merged[TW_SPAN_SEND_CACHE],
			&lat_prev, true);
	if (lines_path != NULL && tw_outstream_close(&lines, err,
			sizeof(err)) != 0) {
		fprintf(stderr, "tickwire-sockrx: %s\n", err);
		lines_failed = true;
	}
	tw_stats_print_summary(stdout, &s);
	/* The same verdict, and exit status, as tickwire's. */
	verdict.nb_symbols = cfg.symbols;
	for (i = 0; i < cfg.symbols; i++) {
		struct tw_cache_snapshot snap;

		if (!cache->info[i].stale)
			continue;
		if (tw_cache_snapshot(cache, i, &snap) != 0)
			snap.ticker[0] = '\0';
		tw_verdict_add_stale(&verdict, i, snap.ticker);
	}
	tw_verdict_judge(&verdict, &s, quit || ended < cfg.channels,
		accept_loss);
	verdict.stop_reason = quit ? "a signal" : "--duration";
	tw_verdict_print(stdout, &verdict);
	rc = sockrx_write_outputs(&cfg, outs, &s, merged, cache, &verdict);
	if (lines_failed && rc == 0)
		rc = -EIO;
	for (c = 0; c < cfg.channels; c++)
		close(pfd[c].fd);
	return rc == 0 ? verdict.exit_status : TW_EXIT_FAILED;
}
