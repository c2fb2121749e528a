/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire-top: a live view of a running tickwire, as a DPDK secondary
 * process. It maps the primary's symbol caches and counters from shared
 * hugepage memory (memzones tickwire_shared and tickwire_cache_s<N>)
 * and redraws every --interval-ms, fitted to the terminal (columns
 * dropped from the right, rows to its height): the feed's rates, drops,
 * gaps, recovery and latency, then a page: s the most active symbols
 * (bid x size, ask x size, last, volume, update rate, spread), l the
 * lcores (their counters, then each poller's interruptions: lib/noise),
 * p the ports, m the mempools. It only ever reads shared
 * memory. q or Ctrl-C quits.
 *
 *   tickwire-top [--file-prefix tickwire] [--interval-ms 500] [--rows 20]
 *
 * This unit is the process: the options, attaching to the primary as a
 * secondary, the terminal's mode, the keys and the redraw loop; what is
 * drawn is top_draw.c's (shared: top.h).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <rte_eal.h>

#include "top.h"

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
	v->noise = calloc(1, sizeof(*v->noise));
	v->noise_prev = calloc(1, sizeof(*v->noise_prev));
	if (v->prev_updates == NULL || v->rates == NULL || v->chans == NULL ||
	    v->lat == NULL || v->lat_prev == NULL || v->lat_diff == NULL ||
	    v->noise == NULL || v->noise_prev == NULL)
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
	struct view v = { .rows = 20, .page = 's' };
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
		top_draw(&v, prefix);
		/* Keys while waiting; with stdin at its end, only wait. */
		if (poll(&p, 1, (int)interval_ms) <= 0)
			continue;
		got = read(STDIN_FILENO, &key, 1);
		if (got <= 0)
			stdin_eof = true;
		else if (key == 'q' || key == 'Q' || key == 3)
			break;
		else if (strchr("slpm", key) != NULL)
			v.page = key;   /* redrawn at once, on the new page */
	}
	term_restore();
	rte_eal_cleanup();
	return 0;
}
