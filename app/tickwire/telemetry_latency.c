/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Telemetry, the latency histograms (lib/hist), merged over the RX
 * lcores through the published view:
 *
 *   /tickwire/latency          every span's summary (count, percentiles)
 *   /tickwire/histogram        send -> cache as cumulative buckets
 *
 * Owns only how a histogram is answered; never touches the counters,
 * the caches, or the registration (telemetry.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_telemetry.h>

#include "telemetry.h"

int
tw_tel_cmd_latency(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct tw_view *v = tw_tel_app->view;
	struct tw_hist *h = malloc(sizeof(*h));
	unsigned int sp;

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
		tw_view_latency(v, sp, h);
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
		rte_tel_data_add_dict_container(d, tw_lat_span_key(sp), c, 0);
	}
	free(h);
	return 0;
}

/* Bucket bounds 2^7 .. 2^34 ns (128 ns .. 17 s): HDR bucket edges. */
#define TEL_HIST_LE_MIN 7
#define TEL_HIST_LE_MAX 34

int
tw_tel_cmd_histogram(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct tw_view *v = tw_tel_app->view;
	struct tw_hist *h = malloc(sizeof(*h));
	unsigned int i, k = TEL_HIST_LE_MIN;
	uint64_t cum = 0;
	char key[24];

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	if (h == NULL)
		return -ENOMEM;
	tw_view_latency(v, TW_SPAN_SEND_CACHE, h);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "span", "send->cache");
	rte_tel_data_add_dict_u64(d, "count", h->count);
	rte_tel_data_add_dict_u64(d, "sum_ns", h->sum);
	/* le_N: samples below 2^N ns (a bucket counts where it starts). */
	for (i = 0; i < TW_HIST_BUCKETS && k <= TEL_HIST_LE_MAX; i++) {
		uint64_t lo, hi;

		tw_hist_bucket_range(i, &lo, &hi);
		while (lo >= (UINT64_C(1) << k) && k <= TEL_HIST_LE_MAX) {
			snprintf(key, sizeof(key), "le_%" PRIu64,
				UINT64_C(1) << k);
			rte_tel_data_add_dict_u64(d, key, cum);
			k++;
		}
		cum += h->b[i];
	}
	for (; k <= TEL_HIST_LE_MAX; k++) {
		snprintf(key, sizeof(key), "le_%" PRIu64, UINT64_C(1) << k);
		rte_tel_data_add_dict_u64(d, key, cum);
	}
	free(h);
	return 0;
}
