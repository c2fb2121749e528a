/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>

#include "tw_view.h"

int
tw_view_publish(const struct tw_view *v, const struct rte_memzone **mz)
{
	struct tw_view *pub;

	*mz = rte_memzone_reserve(TW_VIEW_MZ, sizeof(*pub), SOCKET_ID_ANY, 0);
	if (*mz == NULL)
		return -rte_errno;
	pub = (*mz)->addr;
	*pub = *v;
	pub->magic = 0;
	__atomic_store_n(&pub->magic, TW_VIEW_MAGIC, __ATOMIC_RELEASE);
	return 0;
}

const struct tw_view *
tw_view_attach(unsigned int wait_ms, const volatile bool *quit,
		struct tw_cache **caches, char *err, size_t errlen)
{
	const struct rte_memzone *mz = NULL;
	const struct tw_view *v;
	unsigned int waited, i;

	/* A primary still setting up publishes within a few seconds. */
	for (waited = 0; waited <= wait_ms && !*quit; waited += 100) {
		mz = rte_memzone_lookup(TW_VIEW_MZ);
		if (mz != NULL && __atomic_load_n(&((const struct tw_view *)
				mz->addr)->magic, __ATOMIC_ACQUIRE) ==
				TW_VIEW_MAGIC)
			break;
		mz = NULL;
		rte_delay_ms(100);
	}
	if (mz == NULL) {
		snprintf(err, errlen, "the primary has no %s memzone: is it "
			"tickwire?", TW_VIEW_MZ);
		return NULL;
	}
	v = mz->addr;
	for (i = 0; i < v->nb_caches; i++) {
		const struct rte_memzone *cz =
			rte_memzone_lookup(v->cache_mz[i]);

		caches[i] = cz != NULL ? tw_cache_attach(cz->addr) : NULL;
		if (caches[i] == NULL) {
			snprintf(err, errlen, "cache %s not found",
				v->cache_mz[i]);
			return NULL;
		}
	}
	return v;
}

void
tw_view_channels(const struct tw_view *v, struct tw_channel_report *out)
{
	struct tw_stats s = { .nb_channels = v->nb_channels, .channels = out };
	unsigned int i;

	memset(out, 0, v->nb_channels * sizeof(*out));
	for (i = 0; i < v->nb_channels; i++) {
		out[i].group = v->group_base + i;
		out[i].udp_port = v->udp_port;
	}
	/* A channel belongs to one RX lcore; the others keep zeros. */
	for (i = 0; i < v->nb_rx; i++)
		tw_stats_add_channels(&s, v->channels[i], v->nb_channels);
	if (v->gen_chans != NULL)
		for (i = 0; i < v->nb_channels; i++)
			out[i].sent_next = __atomic_load_n(
				&v->gen_chans[i].next_seq, __ATOMIC_RELAXED);
}

void
tw_view_rx_total(const struct tw_view *v, struct tw_rx_counters *sum)
{
	unsigned int i;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < v->nb_rx; i++)
		tw_stats_add_rx(sum, v->rx[i]);
}

void
tw_view_latency(const struct tw_view *v, enum tw_lat_span span,
		struct tw_hist *out)
{
	unsigned int i;

	tw_hist_init(out);
	for (i = 0; i < v->nb_rx; i++)
		tw_hist_merge(out, &v->lat[i][span]);
}

/*
 * The interruptions, and what they explain of each span: the samples
 * that waited through one (touched), the rest's percentiles, and the
 * span's quantile at the RX lcores' median gap.
 */
static void
collect_noise(const struct tw_view *v, struct tw_stats *s,
		const struct tw_hist *merged)
{
	struct tw_hist gaps, t, c;
	unsigned int sp, i;

	tw_view_noise(v, s, &gaps);
	tw_hist_summarize(&gaps, &s->rx_gaps);
	for (sp = 0; sp < TW_SPAN_MAX; sp++) {
		s->host_from_q[sp] = 1;
		if (sp != TW_SPAN_SEND_CACHE && sp != TW_SPAN_SEND_POLL &&
		    sp != TW_SPAN_ACTUAL_CACHE)
			continue;
		tw_hist_init(&t);
		for (i = 0; i < v->nb_rx; i++)
			if (v->touched[i] != NULL)
				tw_hist_merge(&t, &v->touched[i][sp]);
		s->touched[sp] = t.count;
		c = merged[sp];
		tw_hist_minus(&c, &t);
		tw_hist_summarize(&c, &s->clean[sp]);
		if (gaps.count != 0 && merged[sp].count != 0)
			s->host_from_q[sp] = tw_hist_fraction_below(
				&merged[sp], s->rx_gaps.p50);
	}
}

void
tw_view_noise(const struct tw_view *v, struct tw_stats *s,
		struct tw_hist *rx_gaps)
{
	unsigned int i, n = 0;

	if (rx_gaps != NULL)
		tw_hist_init(rx_gaps);
	for (i = 0; i < v->nb_rx && n < TW_STATS_NOISE_MAX; i++)
		if (v->rx_noise[i] != NULL)
			tw_noise_read(v->rx_noise[i], v->rx_lcore[i],
				v->rx_role != NULL ? v->rx_role : "rx",
				&s->noise[n++], rx_gaps);
	for (i = 0; i < v->nb_gen && n < TW_STATS_NOISE_MAX; i++)
		if (v->gen_noise[i] != NULL)
			tw_noise_read(v->gen_noise[i], v->gen_lcore[i], "gen",
				&s->noise[n++], NULL);
	s->nb_noise = n;
}

void
tw_view_collect(const struct tw_view *v, struct tw_stats *s,
		struct tw_hist *merged, struct tw_hist *rtt)
{
	struct tw_channel_report *ch = s->channels;
	unsigned int sp, i;

	memset(s, 0, sizeof(*s));
	s->channels = ch;
	s->nb_channels = v->nb_channels;
	s->receiving = v->nb_rx > 0;
	s->sending = v->nb_gen > 0;
	tw_view_channels(v, ch);
	s->elapsed_s = v->start_tsc == 0 ? 0 :
		(double)(rte_rdtsc() - v->start_tsc) / (double)v->tsc_hz;
	for (i = 0; i < v->nb_gen; i++)
		tw_stats_add_gen(&s->gen, v->gen[i]);
	tw_view_rx_total(v, &s->rx);
	for (sp = 0; sp < TW_SPAN_MAX; sp++) {
		tw_view_latency(v, sp, &merged[sp]);
		tw_hist_summarize(&merged[sp], &s->span[sp]);
	}
	collect_noise(v, s, merged);
	s->lat = s->span[TW_SPAN_SEND_CACHE];
	tw_hist_init(rtt);
	if (v->rtt != NULL)
		tw_hist_merge(rtt, v->rtt);
	tw_hist_summarize(rtt, &s->rtt);
	s->nb_ports = RTE_MIN(v->nb_ports, (uint16_t)TW_MAX_PORTS);
	for (sp = 0; sp < s->nb_ports; sp++)
		tw_port_report_read(&v->ports[sp], &s->ports[sp]);
	tw_stats_finish(s);
}

static bool
better(const struct tw_top_item *a, const struct tw_top_item *b)
{
	return a->score > b->score ||
		(a->score == b->score && a->locate < b->locate);
}

unsigned int
tw_view_top(struct tw_cache *const *caches, unsigned int nb,
		uint32_t nb_symbols, unsigned int want, uint32_t *prev,
		struct tw_top_item *out)
{
	unsigned int n = 0;
	uint32_t locate;

	want = RTE_MIN(want, (unsigned int)TW_VIEW_TOP_MAX);
	if (want == 0)
		return 0;
	/* Keep the best `want` in a small sorted array: no allocation. */
	for (locate = 0; locate < nb_symbols; locate++) {
		struct tw_cache_snapshot s = { 0 };
		struct tw_top_item it;
		unsigned int k;

		if (tw_cache_snapshot_merged(caches, nb, locate, &s) != 0)
			continue;
		it = (struct tw_top_item){ locate, s.updates };
		if (prev != NULL) {
			it.score = s.updates - prev[locate];
			prev[locate] = s.updates;
		}
		if (it.score == 0 || (n == want && !better(&it, &out[n - 1])))
			continue;
		k = n < want ? n++ : n - 1;
		while (k > 0 && better(&it, &out[k - 1])) {
			out[k] = out[k - 1];
			k--;
		}
		out[k] = it;
	}
	return n;
}
