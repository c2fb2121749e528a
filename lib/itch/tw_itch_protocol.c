/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NASDAQ TotalView-ITCH 5.0 in the registry: its capabilities and ops
 * (the order-level model's emitters, the books' RX burst).
 */
#include "tw_itch_gen.h"
#include "tw_itch_rx.h"
#include "tw_protocol.h"

static const char *const transports[] = { "moldudp64", NULL };

static const struct tw_protocol protocol_itch50 = {
	.name = "itch50",
	.transports = transports,
	.caps = {
		/* An execution of an order whose add is missing cannot
		 * apply: nothing past a gap does until it is filled. */
		.in_order = true,
		.books = true,
		.day_file = true,
		.session_clock = true,
		/* Each generator lcore's own model over its own channels'
		 * stocks (locate % channels): its own streams, references
		 * and match numbers (a progression per channel), its own
		 * truth; the System Events on its own channels. */
		.several_gen_lcores = true,
		/* Stock locates are 16 bits, 0 meaning none. */
		.max_symbols = 65534,
	},
	.gen_open = tw_itch_emit_open,
	.gen_ticks = tw_itch_emit_ticks,
	.gen_close = tw_itch_emit_close,
	.gen_count = tw_itch_count_sent,
	.rx_init = tw_itch_rx_init,
};

TW_PROTOCOL_REGISTER(protocol_itch50);
