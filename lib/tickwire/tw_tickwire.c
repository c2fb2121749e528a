/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire's own top-of-book protocol in the registry: its capabilities
 * and ops. Its message layouts are lib/proto's, its generator side this
 * folder's tw_tickwire_gen.c (tw_emit_*), its receive message layer lib/
 * parse's tw_msg_rx.h composed with the MoldUDP64 transport.
 */
#include "tw_protocol.h"
#include "tw_tickwire_gen.h"

static const char *const transports[] = { "moldudp64", NULL };

static const struct tw_protocol protocol_tickwire = {
	.name = "tickwire",
	.transports = transports,
	.caps = {
		.snapshots = true,
		.tick_to_trade = true,
		.two_lines = true,
		.replay = true,
		.several_gen_lcores = true,
		.max_symbols = UINT32_MAX,
	},
	.gen_open = tw_emit_directory,
	.gen_ticks = tw_emit_ticks,
	.gen_count = tw_count_sent,
	.rx_init = tw_rx_ctx_init,
	.rx_datagram = tw_rx_datagram,
};

TW_PROTOCOL_REGISTER(protocol_tickwire);
