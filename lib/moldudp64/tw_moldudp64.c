/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The MoldUDP64 transport in the registry: its name and what it
 * offers. Its receive layer is tw_mold_rx.h (composed into each
 * protocol's burst), its recovery client tw_mold_client.c, its server's
 * rules and store tw_request.c and tw_store.c; its generator side the
 * framer's framing (tw_mold_framing, tw_mold_frame.c).
 */
#include "tw_protocol.h"

static const struct tw_transport transport_moldudp64 = {
	.name = "moldudp64",
	.caps = {
		.rerequest = true,
		.snapshot_on_request = true,
		.two_lines = true,
	},
	.framing = &tw_mold_framing,
};

TW_TRANSPORT_REGISTER(transport_moldudp64);
