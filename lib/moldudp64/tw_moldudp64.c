/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The MoldUDP64 transport in the registry: its name, what it offers and
 * its framing's sizes. Its receive layer is tw_mold_rx.h (composed into
 * each protocol's burst), its recovery client tw_mold_client.c, its
 * server's rules and store tw_request.c and tw_store.c; its generator
 * side is still lib/gen's framer (docs/architecture.md says what is
 * left).
 */
#include "tw_protocol.h"

static const struct tw_transport transport_moldudp64 = {
	.name = "moldudp64",
	.caps = {
		.rerequest = true,
		.snapshot_on_request = true,
		.sessions = true,
		.two_lines = true,
	},
	.hdr_len = TW_MOLD_HDR_LEN,
	.msg_hdr_len = TW_MOLD_BLOCK_HDR_LEN,
};

TW_TRANSPORT_REGISTER(transport_moldudp64);
