/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CME MDP 3.0's transport in the registry: a sequence number per packet,
 * no session, two lines (incremental feeds A and B), recovery from the
 * snapshot loop rather than by asking. Its receive layer is
 * tw_mdp3_rx.h; no message protocol is built on it yet, so a profile
 * asking for it is refused by name (issue 26's next steps).
 */
#include "tw_mdp3.h"
#include "tw_mdp3_gen.h"
#include "tw_protocol.h"

static const struct tw_transport transport_mdp3 = {
	.name = "mdp3",
	.caps = {
		.snapshot_loop = true,
		.two_lines = true,
	},
	.framing = &tw_mdp3_framing,
};

TW_TRANSPORT_REGISTER(transport_mdp3);
