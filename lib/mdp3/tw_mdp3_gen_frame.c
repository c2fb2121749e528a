/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CME MDP 3.0's frames as the generator's framer writes them (struct
 * tw_framing, tw_mold_frame.h): the 12-byte packet header (MsgSeqNum
 * u32, one per packet; SendingTime u64, ns since the epoch, stamped as
 * the packet closes), each message prefixed by its MsgSize (u16
 * little-endian, counting itself), a heartbeat as a packet holding one
 * template 12 message, and no end of session (CME has none).
 * Owns only those bytes; never touches the messages (tw_mdp3_gen*.c)
 * or the frame's other headers.
 */
#include "tw_mdp3.h"
#include "tw_mdp3_gen.h"

static void
mdp3_tmpl(uint8_t *hdr, const struct tw_frame_params *fp)
{
	(void)fp;
	memset(hdr, 0, TW_MDP3_PKT_HDR_LEN);
}

static void
mdp3_seal(uint8_t *hdr, uint64_t seq, uint16_t count, uint64_t send_ns)
{
	(void)count;
	tw_mdp3_put32(hdr + TW_MDP3_PKT_OFF_SEQ, (uint32_t)seq);
	tw_mdp3_put64(hdr + TW_MDP3_PKT_OFF_TIME, send_ns);
}

/* Template 12 after its MsgSize (the framer writes that): blockLength
 * 0, template, schema, version. */
static const uint8_t heartbeat[TW_MDP3_MSG_HDR_LEN - 2] = {
	0, 0,
	TW_MDP3_HEARTBEAT, 0,
	TW_MDP3_SCHEMA_ID, 0,
	TW_MDP3_SCHEMA_VERSION, 0,
};

const struct tw_framing tw_mdp3_framing = {
	.name = "mdp3",
	.hdr_len = TW_MDP3_PKT_HDR_LEN,
	.prefix_self = 2,
	.prefix_le = true,
	.seq_per_packet = true,
	.stamp = true,
	.tmpl = mdp3_tmpl,
	.seal = mdp3_seal,
	.heartbeat_msg = heartbeat,
	.heartbeat_len = sizeof(heartbeat),
	.max_msgs = UINT16_MAX - 1,
};
