/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire-top's screen: each redraw fitted to the terminal (lines cut
 * to its width, none past its height), the feed's header lines (rates,
 * drops, gaps, recovery, send->cache latency over the last interval and
 * since the start) and the page chosen: the most active symbols (columns
 * dropped from the right), the lcores and their interruptions, the
 * ports, the mempools. Keeps the previous reads in struct view to show
 * rates. Only reads shared memory; never touches the terminal's mode,
 * the keys or the attach (top.c).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_mempool.h>

#include "top.h"

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

/* The terminal's size (80x24 when it cannot be told). */
static void
term_size(unsigned int *cols, unsigned int *lines)
{
	struct winsize ws;

	*cols = 80;
	*lines = 24;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
		*cols = ws.ws_col;
		*lines = ws.ws_row;
	}
}

/* A screen being drawn: each line cut to the width, none past the end. */
struct screen {
	unsigned int cols, lines, used;
};

static void __rte_format_printf(2, 3)
line(struct screen *sc, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (sc->used >= sc->lines)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (strlen(buf) > sc->cols)
		buf[sc->cols] = '\0';
	fputs(buf, stdout);
	fputc('\n', stdout);
	sc->used++;
}

/* The symbol page's columns, dropped from the last when too wide. */
enum { COL_NUM, COL_TICKER, COL_BID, COL_ASK, COL_LAST, COL_VOLUME,
	COL_RATE, COL_SPREAD, COL_MAX };
static const struct { const char *title; unsigned int width; } cols[] = {
	[COL_NUM] = { "#", 4 }, [COL_TICKER] = { "TICKER", 10 },
	[COL_BID] = { "BID x SIZE", 23 }, [COL_ASK] = { "ASK x SIZE", 23 },
	[COL_LAST] = { "LAST", 13 }, [COL_VOLUME] = { "VOLUME", 13 },
	[COL_RATE] = { "UPD/S", 9 }, [COL_SPREAD] = { "SPREAD", 11 },
};

/* How many columns fit: the first ones, in that order of priority. */
static unsigned int
cols_fit(unsigned int width)
{
	unsigned int n, w = 0;

	for (n = 0; n < COL_MAX; n++) {
		if (w + cols[n].width > width)
			break;
		w += cols[n].width;
	}
	return RTE_MAX(n, 2u);
}

static void
page_symbols(struct view *v, struct screen *sc, double dt)
{
	unsigned int room = sc->lines > sc->used + 2 ?
		sc->lines - sc->used - 2 : 0;
	unsigned int want = RTE_MIN(v->rows, room), n, i, c;
	unsigned int ncol = cols_fit(sc->cols);
	char row[512];
	size_t o;

	n = tw_view_top(v->cache, v->nb_caches, v->nb_symbols, v->rows,
		v->prev_updates, v->rates);
	for (o = 0, c = 0; c < ncol; c++)
		o += (size_t)snprintf(row + o, sizeof(row) - o,
			c <= COL_TICKER ? " %-*s" : " %*s",
			(int)cols[c].width - 1, cols[c].title);
	line(sc, "%s", row);
	for (i = 0; i < n && i < want; i++) {
		struct tw_cache_snapshot s = { 0 };
		char f[COL_MAX][40];

		snapshot(v, v->rates[i].locate, &s);
		snprintf(f[COL_NUM], sizeof(f[0]), "%u", i + 1);
		snprintf(f[COL_TICKER], sizeof(f[0]), "%s%s", s.ticker,
			s.stale ? "*" : "");
		snprintf(f[COL_BID], sizeof(f[0]), "%.4f x %u",
			px((double)s.bid_px, s.price_decimals), s.bid_sz);
		snprintf(f[COL_ASK], sizeof(f[0]), "%.4f x %u",
			px((double)s.ask_px, s.price_decimals), s.ask_sz);
		snprintf(f[COL_LAST], sizeof(f[0]), "%.4f",
			px((double)s.last_px, s.price_decimals));
		snprintf(f[COL_VOLUME], sizeof(f[0]), "%s", tw_grp(s.volume));
		snprintf(f[COL_RATE], sizeof(f[0]), "%.0f",
			dt > 0 ? v->rates[i].score / dt : 0.0);
		/* In double: extreme prices must not overflow. */
		snprintf(f[COL_SPREAD], sizeof(f[0]), "%.4f",
			px((double)s.ask_px - (double)s.bid_px,
				s.price_decimals));
		for (o = 0, c = 0; c < ncol; c++)
			o += (size_t)snprintf(row + o, sizeof(row) - o,
				c <= COL_TICKER ? " %-*s" : " %*s",
				(int)cols[c].width - 1, f[c]);
		line(sc, "%s", row);
	}
	if (n == 0)
		line(sc, " (no symbol updated in the last interval)");
}

/*
 * A line per poller: the share of its loop's time lost to interruptions
 * in the last interval and since it started, how many, their p99 and
 * the longest (as the summary's "interruptions" says them).
 */
static void
page_noise(struct view *v, struct screen *sc)
{
	struct tw_stats *t;
	unsigned int i;

	tw_view_noise(v->sh, v->noise, NULL);
	if (v->noise->nb_noise == 0)
		return;
	line(sc, " %-10s %8s %8s %14s %10s %10s", "LCORE", "LOST", "TOTAL",
		"INTERRUPTIONS", "P99 US", "LONGEST US");
	for (i = 0; i < v->noise->nb_noise; i++) {
		const struct tw_noise_report *r = &v->noise->noise[i];
		const struct tw_noise_report *p = i < v->noise_prev->nb_noise ?
			&v->noise_prev->noise[i] : NULL;
		char name[16];

		snprintf(name, sizeof(name), "%s %u", r->role, r->lcore_id);
		line(sc, " %-10s %7.2f%% %7.2f%% %14s %10.1f %10.1f", name,
			100 * (p != NULL ? tw_noise_share_between(r, p) :
				r->lost_share), 100 * r->lost_share,
			tw_grp(r->gaps), r->gap.p99 / 1e3, r->longest_ns / 1e3);
	}
	t = v->noise_prev;
	v->noise_prev = v->noise;
	v->noise = t;
}

static void
page_lcores(struct view *v, struct screen *sc, double dt)
{
	const struct tw_view *sh = v->sh;
	unsigned int i, d;

	line(sc, " %-10s %16s %16s %12s %14s", "LCORE", "PACKETS",
		"MESSAGES", "DROPS", "MSG/S");
	for (i = 0; i < sh->nb_gen; i++) {
		const struct tw_gen_counters *g = sh->gen[i];
		uint64_t t = __atomic_load_n(&g->ticks, __ATOMIC_RELAXED);
		char name[16];

		snprintf(name, sizeof(name), "gen %u", sh->gen_lcore[i]);
		line(sc, " %-10s %16s %16s %12s %14s", name,
			tw_grp(__atomic_load_n(&g->pkts, __ATOMIC_RELAXED)),
			tw_grp(t), tw_grp(__atomic_load_n(&g->tx_dropped,
				__ATOMIC_RELAXED)),
			tw_grp(dt > 0 ? (uint64_t)((double)(t - v->prev_gen[i]) /
				dt) : 0));
		v->prev_gen[i] = t;
	}
	for (i = 0; i < sh->nb_rx; i++) {
		const struct tw_rx_counters *c = sh->rx[i];
		uint64_t m = __atomic_load_n(&c->msgs, __ATOMIC_RELAXED);
		uint64_t drops = 0;
		char name[16];

		for (d = 0; d < TW_DROP_MAX; d++)
			drops += __atomic_load_n(&c->drops[d],
				__ATOMIC_RELAXED);
		snprintf(name, sizeof(name), "rx %u", sh->rx_lcore[i]);
		line(sc, " %-10s %16s %16s %12s %14s", name,
			tw_grp(__atomic_load_n(&c->pkts, __ATOMIC_RELAXED)),
			tw_grp(m), tw_grp(drops),
			tw_grp(dt > 0 ? (uint64_t)((double)(m -
				v->prev_lcore[i]) / dt) : 0));
		v->prev_lcore[i] = m;
	}
	page_noise(v, sc);
}

static void
page_ports(struct view *v, struct screen *sc)
{
	const struct tw_view *sh = v->sh;
	unsigned int i;

	line(sc, " %-4s %-14s %-5s %14s %14s %10s %10s %10s %10s", "PORT",
		"NAME", "LINK", "IN", "OUT", "IMISSED", "IERRORS", "OERRORS",
		"NOMBUF");
	for (i = 0; i < sh->nb_ports; i++) {
		const struct tw_port_report *p = &sh->ports[i];

		line(sc, " %-4u %-14.14s %-5s %14s %14s %10s %10s %10s %10s",
			p->port_id, p->name, p->link_up ? "up" : "down",
			tw_grp(p->ipackets), tw_grp(p->opackets), tw_grp(p->imissed),
			tw_grp(p->ierrors), tw_grp(p->oerrors), tw_grp(p->rx_nombuf));
	}
}

static void
one_pool(struct rte_mempool *mp, void *arg)
{
	struct screen *sc = arg;
	unsigned int used = rte_mempool_in_use_count(mp);

	line(sc, " %-26.26s %10u %10u %10u %6.1f%%", mp->name, mp->size,
		used, rte_mempool_avail_count(mp),
		mp->size ? 100.0 * used / mp->size : 0.0);
}

static void
page_pools(struct screen *sc)
{
	line(sc, " %-26s %10s %10s %10s %7s", "MEMPOOL", "SIZE", "IN USE",
		"FREE", "USED");
	rte_mempool_walk(one_pool, sc);
}

void
top_draw(struct view *v, const char *prefix)
{
	const struct tw_view *sh = v->sh;
	uint64_t now = rte_rdtsc(), msgs, pkts, drops = 0, gaps = 0;
	uint64_t open = 0, lost = 0;
	unsigned int recovering = 0;
	double dt = (double)(now - v->prev_tsc) / (double)sh->tsc_hz;
	struct tw_hist_summary all, last;
	struct tw_rx_counters rx;
	struct screen sc = { .used = 0 };
	unsigned int i;

	term_size(&sc.cols, &sc.lines);
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

	printf("\033[H\033[2J");
	line(&sc, "tickwire-top  %s  simd %s  up %.1f s  %s symbols", prefix,
		sh->simd, (double)(now - sh->start_tsc) / (double)sh->tsc_hz,
		tw_grp(v->nb_symbols));
	line(&sc, "feed: %.3f M msg/s  %.3f M pkt/s  messages %s  drops %s  "
		"gaps %s", dt > 0 ? (msgs - v->prev_msgs) / dt / 1e6 : 0.0,
		dt > 0 ? (pkts - v->prev_pkts) / dt / 1e6 : 0.0, tw_grp(msgs),
		tw_grp(drops), tw_grp(gaps));
	if (open != 0 || lost != 0)
		line(&sc, "recovery: %u channels recovering (%s gaps open), %s "
			"given up: * marks stale symbols", recovering,
			tw_grp(open), tw_grp(lost));
	line(&sc, "send->cache: last %.1fs p50 %.1f p99 %.1f us | since start "
		"p50 %.1f p99 %.1f us", dt, last.p50 / 1e3, last.p99 / 1e3,
		all.p50 / 1e3, all.p99 / 1e3);
	line(&sc, "keys: s symbols  l lcores  p ports  m mempools  q quit");
	switch (v->page) {
	case 'l':
		page_lcores(v, &sc, dt);
		break;
	case 'p':
		page_ports(v, &sc);
		break;
	case 'm':
		page_pools(&sc);
		break;
	default:
		page_symbols(v, &sc, dt);
		break;
	}
	fflush(stdout);
	v->prev_msgs = msgs;
	v->prev_pkts = pkts;
	v->prev_tsc = now;
}
