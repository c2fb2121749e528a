/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Telemetry, the symbols: entries of the symbol caches, each copied
 * through its seqcount and merged over the caches of every socket:
 *
 *   /tickwire/symbol,TICKER    one symbol's consistent snapshot
 *   /tickwire/top,N            the N symbols with the most updates
 *
 * Owns the parameters' checks and an entry's fields in an answer; never
 * writes a cache, never touches the counters or the registration
 * (telemetry.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include "telemetry.h"

#define TEL_MAX_TOP 100

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
	rte_tel_data_add_dict_u64(d, "stale", s->stale);
}

/*
 * A request that cannot be answered: its reason as the reply (DPDK's
 * telemetry would answer a failed command with null), {"error": ...}.
 */
static int
tel_error(struct rte_tel_data *d, const char *fmt, ...)
{
	char why[RTE_TEL_MAX_STRING_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "error", why);
	return 0;
}

int
tw_tel_cmd_symbol(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct tw_view *v = tw_tel_app->view;
	struct tw_cache_snapshot s;
	char ticker[TW_TICKER_LEN];
	unsigned int i;
	int locate = -ENOENT;

	RTE_SET_USED(cmd);
	if (params == NULL || *params == '\0')
		return tel_error(d, "give a ticker: /tickwire/symbol,TICKER");
	if (v->nb_caches == 0)
		return tel_error(d, "this tickwire has no cache (no RX lcores)");
	if (strlen(params) > TW_TICKER_LEN)
		return tel_error(d, "a ticker has at most %d characters",
			TW_TICKER_LEN);
	tw_ticker_from_str(ticker, params);
	for (i = 0; i < v->nb_caches && locate < 0; i++)
		locate = tw_cache_find(v->cache[i], ticker);
	if (locate < 0)
		return tel_error(d, "no symbol %s in the directory", params);
	if (tw_cache_snapshot_merged(v->cache, v->nb_caches, (uint32_t)locate,
			&s) != 0)
		return tel_error(d, "symbol %s is being written by a writer "
			"that stopped", params);
	rte_tel_data_start_dict(d);
	add_snapshot(d, &s);
	return 0;
}

int
tw_tel_cmd_top(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct tw_view *v = tw_tel_app->view;
	struct tw_top_item top[TEL_MAX_TOP];
	unsigned int want = 10, n, i;

	RTE_SET_USED(cmd);
	if (params != NULL && *params != '\0') {
		char *end;
		unsigned long val = strtoul(params, &end, 10);

		if (*end != '\0' || val == 0 || val > TEL_MAX_TOP)
			return tel_error(d, "N must be 1 to %d: "
				"/tickwire/top,N", TEL_MAX_TOP);
		want = (unsigned int)val;
	}
	if (v->nb_caches == 0)
		return tel_error(d, "this tickwire has no cache (no RX lcores)");
	n = tw_view_top(v->cache, v->nb_caches, tw_tel_app->cfg.symbols, want,
		NULL, top);
	rte_tel_data_start_dict(d);
	for (i = 0; i < n; i++) {
		struct rte_tel_data *e = rte_tel_data_alloc();
		struct tw_cache_snapshot s;
		char name[16];

		if (e == NULL)
			return -ENOMEM;
		tw_cache_snapshot_merged(v->cache, v->nb_caches,
			top[i].locate, &s);
		rte_tel_data_start_dict(e);
		add_snapshot(e, &s);
		snprintf(name, sizeof(name), "%u", i + 1);
		rte_tel_data_add_dict_container(d, name, e, 0);
	}
	return 0;
}
