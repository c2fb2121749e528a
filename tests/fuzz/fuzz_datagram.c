/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: the kernel-socket path (tw_rx_datagram, as
 * tickwire-sockrx calls it) against the frame path. Each UDP payload is
 * given to one receiver as a datagram of its channel, and to another
 * wrapped in a correct Ethernet/IPv4/UDP frame for that channel's group;
 * both must end in the same state (cache, channel states, counters and
 * drop reasons), and each datagram gets one verdict.
 *
 * Input: one options byte (FZ_OPT_AUTO, FZ_OPT_SHARE), then records:
 * channel byte (bit 7: the clock moves), 2-byte length, payload bytes.
 */
#include <stdbool.h>
#include <stdint.h>

#include "fuzz_rx.h"

#define PAYLOAD_MAX (1500 - TW_IPV4_HDR_LEN - TW_UDP_HDR_LEN)

static struct fz_world dg, fr;
static uint8_t payload[PAYLOAD_MAX];
static uint8_t frame[FZ_FRAME_MAX];
static uint8_t cache_before[1 << 16];

/* A correct frame of channel ch carrying payload (len bytes). */
static uint32_t
wrap(uint16_t ch, const uint8_t *p, uint16_t len)
{
	uint16_t hlen = tt_control_frame(frame, ch, 1,
		TW_MOLD_COUNT_HEARTBEAT) - TW_MOLD_HDR_LEN;
	struct rte_ipv4_hdr *ip = tt_ip(frame);
	struct rte_udp_hdr *udp = tt_udp(frame);

	memcpy(frame + hlen, p, len);
	ip->total_length = rte_cpu_to_be_16(TW_IPV4_HDR_LEN + TW_UDP_HDR_LEN +
		len);
	udp->dgram_len = rte_cpu_to_be_16(TW_UDP_HDR_LEN + len);
	tt_fix_checksums(frame);
	return hlen + len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_reader r = { data, size };
	uint8_t opts = fz_u8(&r) & (FZ_OPT_AUTO | FZ_OPT_SHARE);
	uint64_t now = 1000;
	unsigned int n = 0;

	fz_world_init(&dg, opts, TW_SIMD_SCALAR);
	fz_world_init(&fr, opts, TW_SIMD_SCALAR);
	/* Orders are answered to frames only: compare without them. */
	dg.rx.ctx.replies = fr.rx.ctx.replies = NULL;
	FZ_CHECK(dg.rx.cache_size <= sizeof(cache_before), "cache size");
	while (r.left > 0 && n++ < FZ_MAX_RECORDS) {
		uint8_t sel = fz_u8(&r);
		uint16_t ch = (sel & 0x7f) % TT_CHANNELS;
		uint16_t want = fz_u16(&r) % (PAYLOAD_MAX + 1);
		uint16_t len = (uint16_t)fz_bytes(&r, payload, want);
		struct tw_rx_counters before = dg.rx.ctr;
		uint32_t flen;

		if (sel & 0x80)
			now += 700;
		memcpy(cache_before, dg.rx.cache_mem, dg.rx.cache_size);
		tw_rx_datagram(&dg.rx.ctx, ch, payload, len, now);
		fz_check_verdict(&dg, &before, cache_before);
		flen = wrap(ch, payload, len);
		tw_rx_frame(&fr.rx.ctx, frame, flen, 0, now);
		/* Same verdict, frame by frame. */
		FZ_CHECK(dg.rx.ctr.pkts_accepted == fr.rx.ctr.pkts_accepted,
			"datagram %u: accepted differs", n);
	}
	fz_same_state(&dg, &fr, false, "datagram vs frame");
	fz_world_fini(&dg);
	fz_world_fini(&fr);
	return 0;
}
