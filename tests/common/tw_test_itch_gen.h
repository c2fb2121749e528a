/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The generated ITCH 5.0 day of the unit tests that run lib/itch's
 * model through lib/gen's framer (test_itch_day, test_itch_lcores): the
 * same GBM model, the real-day defaults over nb_symbols stocks
 * on nb_ch channels, the same frame template. Include after cmocka.h.
 */
#ifndef TW_TEST_ITCH_GEN_H
#define TW_TEST_ITCH_GEN_H

#include <stdint.h>
#include <stdlib.h>

#include "tw_framer.h"
#include "tw_gen.h"
#include "tw_itch_gen.h"

/* 09:00 Eastern in ns since midnight: where the tests' days start. */
#define TT_ITCH_DAY_START (UINT64_C(9) * 3600 * 1000000000)

static inline void
tt_itch_day_params(struct tw_gen_params *gp, struct tw_itch_gen_params *ip,
	struct tw_frame_params *fp, uint32_t nb_symbols, uint16_t nb_ch)
{
	*gp = (struct tw_gen_params){
		.nb_symbols = nb_symbols, .nb_channels = nb_ch, .seed = 11,
		.quote_pct = 70, .activity = TW_ACTIVITY_UNIFORM,
		.drift = 0.05, .volatility = 0.2,
		.dt = 1.0 / (252.0 * 23400.0), .init_price = 100.0,
		.price_decimals = 4, .zipf_s = 1,
	};
	*fp = (struct tw_frame_params){
		.group_base = 0xef010101, .src_port = 30000,
		.dst_port = 30001, .mtu = 1500, .ttl = 1,
		.session = "TWITCHDAY ",
	};
	/* The defaults: the real-day figures (docs/protocol.md). */
	tw_itch_gen_defaults(ip);
	ip->nb_symbols = nb_symbols;
	ip->nb_channels = nb_ch;
	ip->hash_key = 11;
}

/* size bytes on a cache line, rounded up to whole lines; never NULL. */
static inline void *
tt_line_alloc(size_t size)
{
	void *p = aligned_alloc(64, (size + 63) / 64 * 64);

	assert_non_null(p);
	return p;
}

#endif /* TW_TEST_ITCH_GEN_H */
