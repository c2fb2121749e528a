/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Telemetry commands, answered on DPDK's telemetry thread while the
 * lcores run: counters and histograms read with relaxed loads, cache
 * entries through their seqcount snapshots. Nothing here writes to
 * state an lcore owns, and the lcores never wait for it.
 *
 *   /tickwire/stats            counters per lcore and in total
 *   /tickwire/channels         per channel: group, port, expected
 *                              sequence, gaps, duplicates, heartbeat age
 *   /tickwire/latency          send -> cache histogram summary
 *   /tickwire/symbol,TICKER    one symbol's consistent snapshot
 *   /tickwire/top,N            the N symbols with the most updates
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_telemetry.h>

#include "tickwire.h"

/* At most this many channels per answer: the reply buffer is 16 KB. */
#define TEL_MAX_CHANNELS 64
#define TEL_MAX_TOP 100

static struct tw_app *tel_app;

static void
add_counters(struct rte_tel_data *d, const void *ctr,
		const struct tw_counter_name *names, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		rte_tel_data_add_dict_u64(d, names[i].name,
			tw_counter_read(ctr, &names[i]));
}

static void
add_drops(struct rte_tel_data *d, const struct tw_rx_counters *c)
{
	uint64_t total = 0;
	unsigned int i;

	for (i = 0; i < TW_DROP_MAX; i++)
		total += __atomic_load_n(&c->drops[i], __ATOMIC_RELAXED);
	rte_tel_data_add_dict_u64(d, "drops_total", total);
}

static int
cmd_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct tw_app *app = tel_app;
	const struct tw_counter_name *rxn, *genn;
	struct tw_rx_counters total;
	unsigned int nrx, ngen, i;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rxn = tw_stats_rx_names(&nrx);
	genn = tw_stats_gen_names(&ngen);
	memset(&total, 0, sizeof(total));
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "simd", tw_simd_name(app->simd));
	rte_tel_data_add_dict_u64(d, "elapsed_ms", app->start_tsc == 0 ? 0 :
		(rte_rdtsc() - app->start_tsc) * 1000 /
		tw_clock_hz(&app->clock));
	if (app->gen != NULL) {
		struct rte_tel_data *g = rte_tel_data_alloc();

		if (g == NULL)
			return -ENOMEM;
		rte_tel_data_start_dict(g);
		rte_tel_data_add_dict_u64(g, "lcore", app->gen->lcore_id);
		add_counters(g, &app->gen->ctr, genn, ngen);
		rte_tel_data_add_dict_container(d, "generator", g, 0);
	}
	for (i = 0; i < app->nb_rx; i++) {
		struct rte_tel_data *r = rte_tel_data_alloc();
		char name[32];

		if (r == NULL)
			return -ENOMEM;
		tw_stats_add_rx(&total, &app->rx[i]->ctr);
		rte_tel_data_start_dict(r);
		rte_tel_data_add_dict_u64(r, "lcore", app->rx[i]->lcore_id);
		add_counters(r, &app->rx[i]->ctr, rxn, nrx);
		add_drops(r, &app->rx[i]->ctr);
		snprintf(name, sizeof(name), "rx_lcore_%u",
			app->rx[i]->lcore_id);
		rte_tel_data_add_dict_container(d, name, r, 0);
	}
	if (app->nb_rx > 0) {
		struct rte_tel_data *t = rte_tel_data_alloc();
		struct rte_tel_data *drops = rte_tel_data_alloc();

		if (t == NULL || drops == NULL) {
			rte_tel_data_free(t);
			rte_tel_data_free(drops);
			return -ENOMEM;
		}
		rte_tel_data_start_dict(t);
		add_counters(t, &total, rxn, nrx);
		add_drops(t, &total);
		rte_tel_data_add_dict_container(d, "rx_total", t, 0);
		rte_tel_data_start_dict(drops);
		for (i = 0; i < TW_DROP_MAX; i++)
			rte_tel_data_add_dict_u64(drops, tw_rx_drop_name(i),
				total.drops[i]);
		rte_tel_data_add_dict_container(d, "drops", drops, 0);
	}
	return 0;
}

static int
cmd_channels(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct tw_app *app = tel_app;
	uint64_t now = tw_clock_ns(&app->clock, rte_rdtsc());
	unsigned int c, i, n = RTE_MIN(app->cfg.channels,
		(unsigned int)TEL_MAX_CHANNELS);

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "channels", app->cfg.channels);
	for (c = 0; c < n; c++) {
		struct rte_tel_data *ch = rte_tel_data_alloc();
		uint64_t expected = 0, gaps = 0, gap_msgs = 0, dups = 0,
			dup_msgs = 0, last = 0;
		uint32_t group = app->cfg.group + c, ended = 0;
		char name[24], addr[16];

		if (ch == NULL)
			return -ENOMEM;
		/* A channel belongs to one RX lcore; the others keep zeros. */
		for (i = 0; i < app->nb_rx; i++) {
			const struct tw_channel_state *s =
				&app->rx[i]->ctx.channels[c];

			expected = RTE_MAX(expected, __atomic_load_n(
				&s->expected, __ATOMIC_RELAXED));
			gaps += __atomic_load_n(&s->gaps, __ATOMIC_RELAXED);
			gap_msgs += __atomic_load_n(&s->gap_msgs,
				__ATOMIC_RELAXED);
			dups += __atomic_load_n(&s->dup_pkts, __ATOMIC_RELAXED);
			dup_msgs += __atomic_load_n(&s->dup_msgs,
				__ATOMIC_RELAXED);
			last = RTE_MAX(last, __atomic_load_n(&s->last_rx_ns,
				__ATOMIC_RELAXED));
			ended |= __atomic_load_n(&s->ended, __ATOMIC_ACQUIRE);
		}
		snprintf(addr, sizeof(addr), "%u.%u.%u.%u", group >> 24,
			(group >> 16) & 0xff, (group >> 8) & 0xff, group & 0xff);
		rte_tel_data_start_dict(ch);
		rte_tel_data_add_dict_string(ch, "group", addr);
		rte_tel_data_add_dict_u64(ch, "udp_port", app->cfg.udp_port);
		rte_tel_data_add_dict_u64(ch, "expected_seq", expected);
		rte_tel_data_add_dict_u64(ch, "gaps", gaps);
		rte_tel_data_add_dict_u64(ch, "gap_messages", gap_msgs);
		rte_tel_data_add_dict_u64(ch, "duplicate_packets", dups);
		rte_tel_data_add_dict_u64(ch, "duplicate_messages", dup_msgs);
		/* Age of the last packet of any kind, heartbeats included. */
		rte_tel_data_add_dict_u64(ch, "last_packet_age_ms",
			last == 0 || now < last ? 0 : (now - last) / 1000000);
		rte_tel_data_add_dict_u64(ch, "ended", ended);
		snprintf(name, sizeof(name), "%u", c);
		rte_tel_data_add_dict_container(d, name, ch, 0);
	}
	return 0;
}

static int
cmd_latency(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct tw_app *app = tel_app;
	struct tw_hist *h = malloc(sizeof(*h));
	unsigned int i, sp, k;
	char name[32];

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	if (h == NULL)
		return -ENOMEM;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "unit", "ns");
	for (sp = 0; sp < TW_SPAN_MAX; sp++) {
		struct rte_tel_data *c = rte_tel_data_alloc();
		struct tw_hist_summary s;

		if (c == NULL) {
			free(h);
			return -ENOMEM;
		}
		tw_hist_init(h);
		for (i = 0; i < app->nb_rx; i++)
			tw_hist_merge(h, &app->rx[i]->lat[sp]);
		tw_hist_summarize(h, &s);
		rte_tel_data_start_dict(c);
		rte_tel_data_add_dict_u64(c, "count", s.count);
		rte_tel_data_add_dict_u64(c, "min", s.min);
		rte_tel_data_add_dict_u64(c, "p50", s.p50);
		rte_tel_data_add_dict_u64(c, "p90", s.p90);
		rte_tel_data_add_dict_u64(c, "p99", s.p99);
		rte_tel_data_add_dict_u64(c, "p99_9", s.p999);
		rte_tel_data_add_dict_u64(c, "p99_99", s.p9999);
		rte_tel_data_add_dict_u64(c, "max", s.max);
		rte_tel_data_add_dict_u64(c, "mean", (uint64_t)s.mean);
		/* Telemetry names allow no '>' or '-': send_cache, ... */
		snprintf(name, sizeof(name), "%s", tw_lat_span_file(sp));
		for (k = 0; name[k] != '\0'; k++)
			if (name[k] == '-')
				name[k] = '_';
		rte_tel_data_add_dict_container(d, name, c, 0);
	}
	free(h);
	return 0;
}

/* Telemetry has no signed 64-bit value: prices are positive here. */
static void
add_price(struct rte_tel_data *d, const char *name, int64_t v)
{
	if (v >= 0)
		rte_tel_data_add_dict_u64(d, name, (uint64_t)v);
	else
		rte_tel_data_add_dict_int(d, name, (int)RTE_MAX(v,
			(int64_t)INT32_MIN));
}

static void
add_snapshot(struct rte_tel_data *d, const struct tw_cache_snapshot *s)
{
	rte_tel_data_add_dict_u64(d, "locate", s->locate);
	rte_tel_data_add_dict_string(d, "ticker", s->ticker);
	rte_tel_data_add_dict_u64(d, "price_decimals", s->price_decimals);
	add_price(d, "bid_px", s->bid_px);
	rte_tel_data_add_dict_u64(d, "bid_sz", s->bid_sz);
	add_price(d, "ask_px", s->ask_px);
	rte_tel_data_add_dict_u64(d, "ask_sz", s->ask_sz);
	add_price(d, "last_px", s->last_px);
	rte_tel_data_add_dict_u64(d, "last_sz", s->last_sz);
	rte_tel_data_add_dict_u64(d, "volume", s->volume);
	rte_tel_data_add_dict_u64(d, "updates", s->updates);
	rte_tel_data_add_dict_u64(d, "last_seq", s->last_seq);
}

/* The copy of locate with the most updates over the sockets' caches. */
static int
best_snapshot(struct tw_app *app, uint32_t locate,
		struct tw_cache_snapshot *best)
{
	return tw_cache_snapshot_merged(app->caches,
		app->plan.nb_cache_sockets, locate, best);
}

static int
cmd_symbol(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct tw_app *app = tel_app;
	struct tw_cache_snapshot s;
	char ticker[TW_TICKER_LEN];
	unsigned int i;
	int locate = -ENOENT;

	RTE_SET_USED(cmd);
	if (params == NULL || *params == '\0' || app->nb_rx == 0)
		return -EINVAL;
	tw_ticker_from_str(ticker, params);
	for (i = 0; i < app->plan.nb_cache_sockets && locate < 0; i++)
		locate = tw_cache_find(app->caches[i], ticker);
	if (locate < 0 || best_snapshot(app, (uint32_t)locate, &s) != 0)
		return -ENOENT;
	rte_tel_data_start_dict(d);
	add_snapshot(d, &s);
	return 0;
}

struct top_item {
	uint32_t locate;
	uint32_t updates;
};

static int
cmp_top(const void *a, const void *b)
{
	const struct top_item *x = a, *y = b;

	if (x->updates != y->updates)
		return x->updates < y->updates ? 1 : -1;
	return x->locate < y->locate ? -1 : (x->locate > y->locate);
}

static int
cmd_top(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct tw_app *app = tel_app;
	struct top_item top[TEL_MAX_TOP + 1];
	unsigned int want = 10, n = 0, i;
	uint32_t locate;

	RTE_SET_USED(cmd);
	if (params != NULL && *params != '\0') {
		char *end;
		unsigned long v = strtoul(params, &end, 10);

		if (*end != '\0' || v == 0 || v > TEL_MAX_TOP)
			return -EINVAL;
		want = (unsigned int)v;
	}
	if (app->nb_rx == 0)
		return -EINVAL;
	/* Keep the best `want` in a small sorted array: no allocation. */
	for (locate = 0; locate < app->cfg.symbols; locate++) {
		struct tw_cache_snapshot s = { 0 };
		unsigned int k;

		if (best_snapshot(app, locate, &s) != 0 || s.updates == 0)
			continue;
		if (n == want && s.updates <= top[n - 1].updates)
			continue;
		k = n < want ? n++ : n - 1;
		while (k > 0 && top[k - 1].updates < s.updates) {
			top[k] = top[k - 1];
			k--;
		}
		top[k] = (struct top_item){ locate, s.updates };
	}
	qsort(top, n, sizeof(top[0]), cmp_top);
	rte_tel_data_start_dict(d);
	for (i = 0; i < n; i++) {
		struct rte_tel_data *e = rte_tel_data_alloc();
		struct tw_cache_snapshot s;
		char name[16];

		if (e == NULL)
			return -ENOMEM;
		best_snapshot(app, top[i].locate, &s);
		rte_tel_data_start_dict(e);
		add_snapshot(e, &s);
		snprintf(name, sizeof(name), "%u", i + 1);
		rte_tel_data_add_dict_container(d, name, e, 0);
	}
	return 0;
}

int
tw_telemetry_register(struct tw_app *app)
{
	static const struct {
		const char *cmd;
		telemetry_cb fn;
		const char *help;
	} cmds[] = {
		{ "/tickwire/stats", cmd_stats,
			"Counters of every lcore and RX totals. No parameters" },
		{ "/tickwire/channels", cmd_channels,
			"Per channel: group, port, expected sequence, gaps, "
			"duplicates, last packet age. No parameters" },
		{ "/tickwire/latency", cmd_latency,
			"Latency histogram summaries (ns) of the spans "
			"send_cache, send_poll, poll_cache, actual_cache. "
			"No parameters" },
		{ "/tickwire/symbol", cmd_symbol,
			"One symbol's consistent snapshot. Parameter: ticker" },
		{ "/tickwire/top", cmd_top,
			"Symbols with the most updates. Parameter: N (1-100, "
			"default 10)" },
	};
	unsigned int i;
	int rc;

	tel_app = app;
	for (i = 0; i < RTE_DIM(cmds); i++) {
		rc = rte_telemetry_register_cmd(cmds[i].cmd, cmds[i].fn,
			cmds[i].help);
		if (rc != 0)
			return rc;
	}
	return 0;
}
