/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Telemetry commands, answered on DPDK's telemetry thread while the
 * lcores run, all read through the published view (lib/view): counters
 * and histograms with relaxed loads, cache entries through their
 * seqcount snapshots. Nothing here writes to
 * state an lcore owns, and the lcores never wait for it.
 *
 *   /tickwire/stats            counters per lcore and in total
 *   /tickwire/channels         per channel: group, port, expected
 *                              sequence, gaps, duplicates, heartbeat age,
 *                              recovery (gaps open, filled, given up)
 *   /tickwire/latency          send -> cache histogram summary
 *   /tickwire/histogram        send -> cache as cumulative buckets (the
 *                              exporter's OpenMetrics histogram)
 *   /tickwire/symbol,TICKER    one symbol's consistent snapshot
 *   /tickwire/top,N            the N symbols with the most updates
 *   /tickwire/ports            per port: link, counters, non-zero xstats
 *   /tickwire/interruptions    per poller: its loop's interruptions
 *                              (lib/noise)
 *
 * This unit owns the registration and the counters' commands (stats,
 * channels, ports, interruptions); the histograms are
 * telemetry_latency.c's, the symbols telemetry_cache.c's (their units:
 * telemetry.h). The commands that change a run (rate, pause, mark, ...)
 * are control.c's, registered from here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_telemetry.h>

#include "telemetry.h"

/* At most this many channels per answer: the reply buffer is 16 KB. */
#define TEL_MAX_CHANNELS 64

struct tw_app *tw_tel_app;

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
	const struct tw_view *v = tw_tel_app->view;
	const struct tw_counter_name *rxn, *genn;
	struct tw_rx_counters total;
	unsigned int nrx, ngen, i;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rxn = tw_stats_rx_names(&nrx);
	genn = tw_stats_gen_names(&ngen);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "simd", v->simd);
	rte_tel_data_add_dict_u64(d, "elapsed_ms", v->start_tsc == 0 ? 0 :
		(rte_rdtsc() - v->start_tsc) * 1000 / v->tsc_hz);
	if (v->nb_gen > 0) {
		/* The generator lcores summed; "lcore" is the first. */
		struct rte_tel_data *g = rte_tel_data_alloc();
		struct tw_gen_counters sum;

		if (g == NULL)
			return -ENOMEM;
		memset(&sum, 0, sizeof(sum));
		for (i = 0; i < v->nb_gen; i++)
			tw_stats_add_gen(&sum, v->gen[i]);
		rte_tel_data_start_dict(g);
		rte_tel_data_add_dict_u64(g, "lcore", v->gen_lcore[0]);
		rte_tel_data_add_dict_u64(g, "lcores", v->nb_gen);
		add_counters(g, &sum, genn, ngen);
		rte_tel_data_add_dict_container(d, "generator", g, 0);
	}
	for (i = 0; i < v->nb_rx; i++) {
		struct rte_tel_data *r = rte_tel_data_alloc();
		char name[32];

		if (r == NULL)
			return -ENOMEM;
		rte_tel_data_start_dict(r);
		rte_tel_data_add_dict_u64(r, "lcore", v->rx_lcore[i]);
		add_counters(r, v->rx[i], rxn, nrx);
		add_drops(r, v->rx[i]);
		snprintf(name, sizeof(name), "rx_lcore_%u", v->rx_lcore[i]);
		rte_tel_data_add_dict_container(d, name, r, 0);
	}
	tw_view_rx_total(v, &total);
	if (v->nb_rx > 0) {
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
	const struct tw_view *v = tw_tel_app->view;
	uint64_t now = tw_clock_ns(&tw_tel_app->clock, rte_rdtsc());
	unsigned int c, k, nb_names, n = RTE_MIN(v->nb_channels,
		(unsigned int)TEL_MAX_CHANNELS);
	const struct tw_counter_name *names =
		tw_stats_channel_names(&nb_names);
	struct tw_channel_report *rep;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rep = calloc(v->nb_channels, sizeof(*rep));
	if (rep == NULL)
		return -ENOMEM;
	tw_view_channels(v, rep);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "channels", v->nb_channels);
	for (c = 0; c < n; c++) {
		const struct tw_channel_report *r = &rep[c];
		struct rte_tel_data *ch = rte_tel_data_alloc();
		char name[24], addr[16];

		if (ch == NULL) {
			free(rep);
			return -ENOMEM;
		}
		snprintf(addr, sizeof(addr), "%u.%u.%u.%u", r->group >> 24,
			(r->group >> 16) & 0xff, (r->group >> 8) & 0xff,
			r->group & 0xff);
		rte_tel_data_start_dict(ch);
		rte_tel_data_add_dict_string(ch, "group", addr);
		rte_tel_data_add_dict_u64(ch, "udp_port", r->udp_port);
		rte_tel_data_add_dict_u64(ch, "expected_seq", r->expected);
		/* The channel table's brief counters (its own and its
		 * recovery's); the stats JSON has them all. */
		for (k = 0; k < nb_names; k++)
			if (names[k].brief)
				rte_tel_data_add_dict_u64(ch, names[k].name,
					tw_counter_read(r, &names[k]));
		/* Age of the last packet of any kind, heartbeats included. */
		rte_tel_data_add_dict_u64(ch, "last_packet_age_ms",
			r->last_rx_ns == 0 || now < r->last_rx_ns ? 0 :
			(now - r->last_rx_ns) / 1000000);
		rte_tel_data_add_dict_u64(ch, "ended", r->ended);
		/* Recovery: 1 while a gap of the channel is open. */
		rte_tel_data_add_dict_u64(ch, "recovering",
			r->rec.gaps_open != 0);
		snprintf(name, sizeof(name), "%u", c);
		rte_tel_data_add_dict_container(d, name, ch, 0);
	}
	free(rep);
	return 0;
}

/* One port's report (read under its seqcount) as a dict. */
static struct rte_tel_data *
port_dict(const struct tw_port_report *src)
{
	struct rte_tel_data *p = rte_tel_data_alloc();
	struct rte_tel_data *x;
	const struct tw_counter_name *names;
	struct tw_port_report r;
	unsigned int k, nb_names;

	if (p == NULL)
		return NULL;
	tw_port_report_read(src, &r);
	rte_tel_data_start_dict(p);
	rte_tel_data_add_dict_u64(p, "port", r.port_id);
	rte_tel_data_add_dict_string(p, "name", r.name);
	rte_tel_data_add_dict_string(p, "driver", r.driver);
	rte_tel_data_add_dict_u64(p, "link_up", r.link_up);
	names = tw_stats_port_names(&nb_names);
	for (k = 0; k < nb_names; k++)
		rte_tel_data_add_dict_u64(p, names[k].name,
			tw_counter_read(&r, &names[k]));
	x = rte_tel_data_alloc();
	if (x == NULL) {
		rte_tel_data_free(p);
		return NULL;
	}
	rte_tel_data_start_dict(x);
	for (k = 0; k < r.nb_xstats && k < TW_PORT_XSTATS_MAX; k++) {
		r.xstats[k].name[TW_PORT_XSTAT_NAME - 1] = '\0';
		rte_tel_data_add_dict_u64(x, r.xstats[k].name,
			r.xstats[k].value);
	}
	rte_tel_data_add_dict_container(p, "xstats", x, 0);
	return p;
}

static int
cmd_ports(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct tw_view *v = tw_tel_app->view;
	char name[16];
	unsigned int i;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_tel_data_start_dict(d);
	for (i = 0; i < v->nb_ports && i < TW_MAX_PORTS; i++) {
		struct rte_tel_data *p = port_dict(&v->ports[i]);

		if (p == NULL)
			return -ENOMEM;
		snprintf(name, sizeof(name), "%u", v->ports[i].port_id);
		rte_tel_data_add_dict_container(d, name, p, 0);
	}
	return 0;
}

/*
 * Each poller's interruptions, as the stats JSON's "interruptions"
 * says them: a dict per poller ("rx_lcore_N", "gen_lcore_N"). Telemetry
 * has no floating point in 22.11: the share lost is in parts per
 * million.
 */
static int
cmd_interruptions(const char *cmd, const char *params,
		struct rte_tel_data *d)
{
	struct tw_stats *s = calloc(1, sizeof(*s));
	unsigned int i;
	char name[32];

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	if (s == NULL)
		return -ENOMEM;
	tw_view_noise(tw_tel_app->view, s, NULL);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "unit", "ns");
	for (i = 0; i < s->nb_noise; i++) {
		const struct tw_noise_report *r = &s->noise[i];
		struct rte_tel_data *p = rte_tel_data_alloc();

		if (p == NULL) {
			free(s);
			return -ENOMEM;
		}
		rte_tel_data_start_dict(p);
		rte_tel_data_add_dict_string(p, "role", r->role);
		rte_tel_data_add_dict_u64(p, "lcore", r->lcore_id);
		rte_tel_data_add_dict_u64(p, "threshold_ns", r->threshold_ns);
		rte_tel_data_add_dict_u64(p, "elapsed_ns", r->elapsed_ns);
		rte_tel_data_add_dict_u64(p, "stalls", r->gaps);
		rte_tel_data_add_dict_u64(p, "lost_ns", r->lost_ns);
		rte_tel_data_add_dict_u64(p, "lost_ppm",
			(uint64_t)(r->lost_share * 1e6 + 0.5));
		rte_tel_data_add_dict_u64(p, "longest_ns", r->longest_ns);
		rte_tel_data_add_dict_u64(p, "p50", r->gap.p50);
		rte_tel_data_add_dict_u64(p, "p90", r->gap.p90);
		rte_tel_data_add_dict_u64(p, "p99", r->gap.p99);
		rte_tel_data_add_dict_u64(p, "p99_9", r->gap.p999);
		snprintf(name, sizeof(name), "%s_lcore_%u", r->role,
			r->lcore_id);
		rte_tel_data_add_dict_container(d, name, p, 0);
	}
	free(s);
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
			"Per channel: group, port, sequence, gaps, duplicates, "
			"last packet age, recovery. No parameters" },
		{ "/tickwire/latency", tw_tel_cmd_latency,
			"Histogram summaries (ns) of the latency spans, "
			"gap_fill (recovery) and a_b_skew (two lines). "
			"No parameters" },
		{ "/tickwire/histogram", tw_tel_cmd_histogram,
			"send->cache as cumulative buckets le_N (samples "
			"below N ns), count, sum_ns. No parameters" },
		{ "/tickwire/symbol", tw_tel_cmd_symbol,
			"One symbol's consistent snapshot. Parameter: ticker" },
		{ "/tickwire/top", tw_tel_cmd_top,
			"Symbols with the most updates. Parameter: N (1-100, "
			"default 10)" },
		{ "/tickwire/ports", cmd_ports,
			"Per port: link state and changes, restarts, ethdev "
			"counters, non-zero xstats. No parameters" },
		{ "/tickwire/interruptions", cmd_interruptions,
			"Per RX and generator lcore: its loop's stalls, time "
			"lost (ns, ppm), longest, percentiles. No parameters" },
	};
	unsigned int i;
	int rc;

	tw_tel_app = app;
	for (i = 0; i < RTE_DIM(cmds); i++) {
		rc = rte_telemetry_register_cmd(cmds[i].cmd, cmds[i].fn,
			cmds[i].help);
		if (rc != 0)
			return rc;
	}
	return tw_control_register(app);
}
