/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire-top: a live view of a running tickwire, as a DPDK secondary
 * process. It maps the primary's symbol caches and counters from shared
 * hugepage memory (memzones tickwire_shared and tickwire_cache_s<N>)
 * and redraws every --interval-ms: the most active symbols over the
 * last interval with bid x size, ask x size, last, volume, update rate
 * and spread; the feed's message and packet rates, drops, gaps and
 * latency percentiles. It only ever reads shared memory. q or Ctrl-C
 * quits.
 *
 *   tickwire-top [--file-prefix tickwire] [--interval-ms 500] [--rows 20]
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_memzone.h>

#include "tw_cache.h"
#include "tw_view.h"

static volatile bool quit;
static struct termios saved_tio;
static bool tio_saved;

static void
on_signal(int sig)
{
	RTE_SET_USED(sig);
	quit = true;
}

static void
term_restore(void)
{
	if (tio_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	tio_saved = false;
}

/* Keys without Enter, no echo; restored at exit. */
static void
term_raw(void)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tio) != 0)
		return;
	tio_saved = true;
	t = saved_tio;
	t.c_lflag &= ~(ICANON | ECHO);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	tcsetattr(STDIN_FILENO, TCSANOW, &t);
	atexit(term_restore);
}

struct view {
	const struct tw_view *sh;
	struct tw_cache *cache[TW_MAX_SOCKETS];  /* read only */
	unsigned int nb_caches;
	uint32_t nb_symbols;
	uint32_t *prev_updates;
	struct tw_top_item *rates;
	struct tw_channel_report *chans;
	struct tw_hist *lat, *lat_prev, *lat_diff;
	uint64_t prev_msgs, prev_pkts, prev_tsc;
	unsigned int rows;
};

/* The copy of a symbol with the most updates over the caches. */
static bool
snapshot(const struct view *v, uint32_t locate, struct tw_cache_snapshot *s)
{
	return tw_cache_snapshot_merged(v->cache, v->nb_caches, locate,
		s) == 0;
}

static double
px(double v, uint8_t decimals)
{
	return v / pow(10.0, decimals);
}

static void
draw(struct view *v, const char *prefix)
{
	const struct tw_view *sh = v->sh;
	uint64_t now = rte_rdtsc(), msgs, pkts, drops = 0, gaps = 0;
	uint64_t open = 0, lost = 0;
	unsigned int recovering = 0;
	double dt = (double)(now - v->prev_tsc) / (double)sh->tsc_hz;
	struct tw_hist_summary all, last;
	struct tw_rx_counters rx;
	unsigned int i, n;

	tw_view_rx_total(sh, &rx);
	msgs = rx.msgs;
	pkts = rx.pkts;
	for (i = 0; i < TW_DROP_MAX; i++)
		drops += rx.drops[i];
	tw_view_channels(sh, v->chans);
	for (i = 0; i < sh->nb_channels; i++) {
		gaps += v->chans[i].gaps;
		open += v->chans[i].rec.gaps_open;
		lost += v->chans[i].rec.gaps_unrecovered;
		recovering += v->chans[i].rec.gaps_open != 0;
	}
	tw_view_latency(sh, TW_SPAN_SEND_CACHE, v->lat);
	/* The last interval's histogram: now minus the previous copy. */
	*v->lat_diff = *v->lat;
	for (i = 0; i < TW_HIST_BUCKETS; i++)
		v->lat_diff->b[i] -= RTE_MIN(v->lat_prev->b[i],
			v->lat_diff->b[i]);
	v->lat_diff->count = 0;
	for (i = 0; i < TW_HIST_BUCKETS; i++)
		v->lat_diff->count += v->lat_diff->b[i];
	tw_hist_summarize(v->lat, &all);
	tw_hist_summarize(v->lat_diff, &last);
	*v->lat_prev = *v->lat;

	/* The most active symbols of the last interval. */
	n = tw_view_top(v->cache, v->nb_caches, v->nb_symbols, v->rows,
		v->prev_updates, v->rates);

	printf("\033[H\033[2J");
	printf("tickwire-top  prefix %s  simd %s  up %.1f s  "
		"%u symbols  (q quits)\n", prefix, sh->simd,
		(double)(now - sh->start_tsc) / (double)sh->tsc_hz,
		v->nb_symbols);
	printf("feed: %.3f M msg/s  %.3f M pkt/s  messages %" PRIu64
		"  drops %" PRIu64 "  gaps %" PRIu64 "\n",
		dt > 0 ? (msgs - v->prev_msgs) / dt / 1e6 : 0.0,
		dt > 0 ? (pkts - v->prev_pkts) / dt / 1e6 : 0.0, msgs, drops,
		gaps);
	if (open != 0 || lost != 0)
		printf("recovery: %u channels recovering (%" PRIu64 " gaps "
			"open), %" PRIu64 " gaps given up: * marks stale "
			"symbols\n", recovering, open, lost);
	printf("latency send->cache: last %.1fs p50 %.1f us p99 %.1f us  |  "
		"since start p50 %.1f us p99 %.1f us (%" PRIu64 " samples)\n\n",
		dt, last.p50 / 1e3, last.p99 / 1e3, all.p50 / 1e3,
		all.p99 / 1e3, all.count);
	printf(" %-3s %-9s %22s %22s %12s %12s %8s %10s\n", "#", "TICKER",
		"BID x SIZE", "ASK x SIZE", "LAST", "VOLUME", "UPD/S",
		"SPREAD");
	for (i = 0; i < n && i < v->rows; i++) {
		struct tw_cache_snapshot s = { 0 };
		char bid[32], ask[32], name[TW_TICKER_LEN + 2];

		snapshot(v, v->rates[i].locate, &s);
		snprintf(name, sizeof(name), "%s%s", s.ticker,
			s.stale ? "*" : "");
		snprintf(bid, sizeof(bid), "%.4f x %u",
			px((double)s.bid_px, s.price_decimals), s.bid_sz);
		snprintf(ask, sizeof(ask), "%.4f x %u",
			px((double)s.ask_px, s.price_decimals), s.ask_sz);
		printf(" %-3u %-9s %22s %22s %12.4f %12" PRIu64 " %8.0f "
			"%10.4f\n", i + 1, name, bid, ask,
			px((double)s.last_px, s.price_decimals), s.volume,
			dt > 0 ? v->rates[i].score / dt : 0.0,
			/* In double: extreme prices must not overflow. */
			px((double)s.ask_px - (double)s.bid_px,
				s.price_decimals));
	}
	if (n == 0)
		printf(" (no symbol updated in the last interval)\n");
	fflush(stdout);
	v->prev_msgs = msgs;
	v->prev_pkts = pkts;
	v->prev_tsc = now;
}

static int
attach(struct view *v)
{
	char err[128];
	unsigned int i;

	v->sh = tw_view_attach(5000, &quit, v->cache, err, sizeof(err));
	if (v->sh == NULL) {
		fprintf(stderr, "tickwire-top: %s\n", err);
		return -ENOENT;
	}
	v->nb_caches = v->sh->nb_caches;
	if (v->nb_caches == 0) {
		fprintf(stderr, "tickwire-top: this tickwire has no RX lcores "
			"(generator only): no cache to show\n");
		return -ENOENT;
	}
	for (i = 0; i < v->nb_caches; i++)
		v->nb_symbols = v->cache[i]->nb_symbols;
	v->rows = RTE_MIN(v->rows, (unsigned int)TW_VIEW_TOP_MAX);
	v->prev_updates = calloc(v->nb_symbols, sizeof(*v->prev_updates));
	v->rates = calloc(v->rows + 1, sizeof(*v->rates));
	v->chans = calloc(v->sh->nb_channels, sizeof(*v->chans));
	v->lat = malloc(sizeof(*v->lat));
	v->lat_prev = calloc(1, sizeof(*v->lat_prev));
	v->lat_diff = malloc(sizeof(*v->lat_diff));
	if (v->prev_updates == NULL || v->rates == NULL || v->chans == NULL ||
	    v->lat == NULL || v->lat_prev == NULL || v->lat_diff == NULL)
		return -ENOMEM;
	v->prev_tsc = v->sh->start_tsc;
	return 0;
}

static void
usage(void)
{
	printf("Usage: tickwire-top [--file-prefix PREFIX] [--interval-ms MS] "
		"[--rows N] [--version]\n"
		"Live view of the tickwire running with that EAL file prefix "
		"(default tickwire).\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "file-prefix", required_argument, NULL, 'f' },
		{ "interval-ms", required_argument, NULL, 'i' },
		{ "rows", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *prefix = "tickwire", *tag = getenv("TW_PREFIX");
	char tagged[64];
	unsigned int interval_ms = 500;
	struct view v = { .rows = 20 };
	char fp_arg[128], cfg_path[256], lcores[64];
	char *eal[8];
	bool stdin_eof = false;
	int opt, n = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	/* Under TW_PREFIX=P the default profile runs as tickwire-P. */
	if (tag != NULL && *tag != '\0') {
		snprintf(tagged, sizeof(tagged), "tickwire-%s", tag);
		prefix = tagged;
	}
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			prefix = optarg;
			break;
		case 'i':
			interval_ms = (unsigned int)strtoul(optarg, NULL, 10);
			if (interval_ms < 50)
				interval_ms = 50;
			break;
		case 'r':
			v.rows = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'V':
			printf("%s %s\n", "tickwire-top", TW_VERSION);
			return 0;
		case 'h':
			usage();
			return 0;
		default:
			usage();
			return 2;
		}
	}
	/* Say so plainly when nothing runs, before EAL says it its way. */
	snprintf(cfg_path, sizeof(cfg_path), "%s/dpdk/%s/config",
		getuid() == 0 ? "/var/run" : (getenv("XDG_RUNTIME_DIR") ?
			getenv("XDG_RUNTIME_DIR") : "/tmp"), prefix);
	if (access(cfg_path, F_OK) != 0 ||
	    rte_eal_primary_proc_alive(cfg_path) == 0) {
		fprintf(stderr, "tickwire-top: no tickwire is running with file "
			"prefix '%s' (%s: no live primary)\n", prefix, cfg_path);
		return 1;
	}
	snprintf(fp_arg, sizeof(fp_arg), "--file-prefix=%s", prefix);
	snprintf(lcores, sizeof(lcores), "--lcores=0@(0-%ld)",
		ncpu > 1 ? ncpu - 1 : 0);
	eal[n++] = argv[0];
	eal[n++] = (char *)"--proc-type=secondary";
	eal[n++] = fp_arg;
	eal[n++] = (char *)"--no-pci";
	eal[n++] = (char *)"--no-telemetry";
	eal[n++] = (char *)"--log-level=lib.eal:error";
	eal[n++] = lcores;
	eal[n] = NULL;
	if (rte_eal_init(n, eal) < 0) {
		fprintf(stderr, "tickwire-top: cannot attach to tickwire '%s' "
			"as a secondary process (a primary run with --no-huge "
			"or --in-memory cannot be attached)\n", prefix);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (attach(&v) != 0) {
		rte_eal_cleanup();
		return 1;
	}
	term_raw();
	while (!quit) {
		struct pollfd p = { .fd = stdin_eof ? -1 : STDIN_FILENO,
			.events = POLLIN };
		char key;
		ssize_t got;

		if (!rte_eal_primary_proc_alive(NULL)) {
			printf("\ntickwire-top: tickwire '%s' has exited\n",
				prefix);
			break;
		}
		draw(&v, prefix);
		/* Keys while waiting; with stdin at its end, only wait. */
		if (poll(&p, 1, (int)interval_ms) <= 0)
			continue;
		got = read(STDIN_FILENO, &key, 1);
		if (got <= 0)
			stdin_eof = true;
		else if (key == 'q' || key == 'Q' || key == 3)
			break;
	}
	term_restore();
	rte_eal_cleanup();
	return 0;
}
