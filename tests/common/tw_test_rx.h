/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One receiver over the test feed, in plain memory: what an RX lcore
 * holds (feed, counters, channel states, context, cache), for the unit
 * tests and the fuzz harnesses alike.
 */
#ifndef TW_TEST_RX_H
#define TW_TEST_RX_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tw_test_frames.h"

struct tt_rx {
	struct tw_rx_feed feed;
	struct tw_rx_counters ctr;
	struct tw_channel_state ch[TT_CHANNELS];
	struct tw_rx_ctx ctx;
	struct tw_cache *cache;
	void *cache_mem;
	size_t cache_size;
};

/*
 * The test feed (VLAN vlan, 0: untagged), a cache of nb_symbols, fresh
 * channels, a context at level. The feed may be changed afterwards
 * (then tw_rx_feed_prepare again). 0, or -errno.
 */
static inline int
tt_rx_init(struct tt_rx *r, uint16_t vlan, uint32_t nb_symbols,
		enum tw_simd level)
{
	unsigned int i;

	memset(r, 0, sizeof(*r));
	tt_feed(&r->feed, vlan);
	r->cache_size = tw_cache_memsize(nb_symbols);
	r->cache_mem = aligned_alloc(64, r->cache_size);
	if (r->cache_mem == NULL)
		return -ENOMEM;
	memset(r->cache_mem, 0, r->cache_size);
	r->cache = tw_cache_init(r->cache_mem, nb_symbols, 0);
	for (i = 0; i < TT_CHANNELS; i++)
		tw_channel_init(&r->ch[i]);
	return tw_rx_ctx_init(&r->ctx, &r->feed, r->cache, r->ch, &r->ctr,
		level);
}

static inline void
tt_rx_fini(struct tt_rx *r)
{
	free(r->cache_mem);
	r->cache_mem = NULL;
}

#endif /* TW_TEST_RX_H */
