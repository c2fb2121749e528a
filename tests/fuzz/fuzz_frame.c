/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: frames, one at a time and in bursts, through the
 * scalar reference (tw_rx_frame) and through every SIMD level this CPU
 * has (tw_rx_burst over mbufs, as an RX lcore calls it).
 *
 * Input: one options byte (FZ_OPT_*: VLAN, session auto, a shared cache,
 * recovery (gaps, fills, retransmissions and snapshots to 192.0.2.3,
 * taken from the server 192.0.2.1 only), two lines, the server's MAC
 * required too, an MTU of 1500; bit 7: recompute the checksums of every
 * frame so mutations reach MoldUDP64 and the blocks), then
 * records: verdict byte (the port's checksum flags; bit 7 ends the
 * burst and moves the clock), 2-byte length, frame bytes.
 *
 * Per frame: one verdict; a dropped frame leaves the cache bytes
 * unchanged; whom the receiver trusts (fz_check_recovery: a frame
 * touches its own channel only; recovery traffic from a forged source,
 * a snapshot not waited for or further ahead than max_gap, a fill never
 * asked for, a datagram over the MTU change nothing; a retransmission
 * moves a channel only by a tail it was missing; a sequence goes back
 * only for a new session). After each burst the recovery timers run
 * (requests only for a gap's front or a snapshot wanted, gaps checked
 * for shape). Per input: every level leaves the scalar state exactly
 * (cache bytes, channel states, counters, order replies).
 */
#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "fuzz_rx.h"

#define FIX_CHECKSUMS 0x80

struct rec {
	uint16_t len;
	uint64_t ol_flags;
	uint64_t now_ns;
	bool burst_end;
	/* Where a NIC puts a frame: an mbuf's data room is aligned. */
	uint8_t data[FZ_FRAME_MAX] __rte_aligned(64);
};

static struct rec recs[FZ_MAX_RECORDS];
static struct fz_world ref, lvl;
static uint8_t cache_before[1 << 16];
static struct fz_state state_before;
static struct rte_mbuf *mbufs[FZ_MAX_RECORDS];

static unsigned int
read_records(const uint8_t *data, size_t size, uint8_t *opts)
{
	struct fz_reader r = { data, size };
	uint64_t now = 1000;
	unsigned int n = 0;

	*opts = fz_u8(&r);
	while (r.left > 0 && n < FZ_MAX_RECORDS) {
		struct rec *x = &recs[n++];
		uint8_t sel = fz_u8(&r);
		uint16_t want = fz_u16(&r) % (FZ_FRAME_MAX + 1);

		x->ol_flags = fz_ol_flags(sel);
		x->burst_end = (sel & 0x80) != 0;
		x->now_ns = now;        /* one clock reading a burst */
		if (x->burst_end)
			now += (uint64_t)(sel & 0x70) * 100;
		memset(x->data, 0, sizeof(x->data));
		x->len = (uint16_t)fz_bytes(&r, x->data, want);
		if (*opts & FIX_CHECKSUMS)
			tt_fix_checksums_at(x->data, x->len,
				(*opts & FZ_OPT_VLAN) ? TW_ETH_HDR_LEN + TW_VLAN_HDR_LEN :
				TW_ETH_HDR_LEN);
	}
	return n;
}

static void
run_scalar(unsigned int n, uint8_t opts)
{
	unsigned int i;

	fz_world_init(&ref, opts, TW_SIMD_SCALAR);
	FZ_CHECK(ref.rx.cache_size <= sizeof(cache_before), "cache size");
	for (i = 0; i < n; i++) {
		fz_state_save(&ref, &state_before);
		memcpy(cache_before, ref.rx.cache_mem, ref.rx.cache_size);
		tw_rx_frame(&ref.rx.ctx, recs[i].data, recs[i].len,
			recs[i].ol_flags, recs[i].now_ns);
		fz_check_verdict(&ref, &state_before.ctr, cache_before);
		fz_check_recovery(&ref, &state_before, cache_before,
			recs[i].data, recs[i].len);
		if (recs[i].burst_end || i + 1 == n)
			fz_recovery_tick(&ref, recs[i].now_ns + 1);
	}
}

/* The same records as bursts of mbufs through one level's kernel. */
static void
run_level(unsigned int n, uint8_t opts, enum tw_simd level)
{
	unsigned int i, start = 0;

	fz_world_init(&lvl, opts, level);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = mbufs[i];

		memcpy(rte_pktmbuf_mtod(m, uint8_t *), recs[i].data,
			recs[i].len);
		m->data_len = m->pkt_len = recs[i].len;
		m->ol_flags = recs[i].ol_flags;
		if (recs[i].burst_end || i + 1 == n) {
			tw_rx_burst(&lvl.rx.ctx, &mbufs[start], (uint16_t)(i + 1 -
				start), recs[start].now_ns);
			fz_recovery_tick(&lvl, recs[i].now_ns + 1);
			start = i + 1;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int n, i, level;
	uint8_t opts;

	if (mbufs[0] == NULL)
		for (i = 0; i < FZ_MAX_RECORDS; i++) {
			/* Plain memory shaped as a one-segment mbuf. */
			struct rte_mbuf *m = aligned_alloc(64, sizeof(*m) +
				RTE_PKTMBUF_HEADROOM + FZ_FRAME_MAX);

			memset(m, 0, sizeof(*m));
			m->buf_addr = m + 1;
			m->buf_len = RTE_PKTMBUF_HEADROOM + FZ_FRAME_MAX;
			m->data_off = RTE_PKTMBUF_HEADROOM;
			m->nb_segs = 1;
			mbufs[i] = m;
		}
	n = read_records(data, size, &opts);
	run_scalar(n, opts);
	for (level = TW_SIMD_SCALAR; level < TW_SIMD_MAX; level++) {
		if (!tw_simd_compiled(level) || !tw_simd_cpu_has(level))
			continue;
		run_level(n, opts, level);
		fz_same_state(&ref, &lvl, true, tw_simd_name(level));
	}
	return 0;
}
