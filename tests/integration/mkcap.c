/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Writes a capture of good feed frames with one frame of every
 * malformed class, one duplicate, and hostile but well-formed frames
 * among them (a heartbeat from far in the future, forged ends of
 * session, a sequence that would wrap, another channel's symbol, data
 * after the end), the cache the good frames alone give (CSV), and the
 * drop count expected per reason.
 *
 *   tw-mkcap CAPTURE.pcap TRUTH.csv EXPECTED.txt
 *   tw-mkcap --recovery CAPTURE.pcap TRUTH.csv EXPECTED.txt
 *   tw-mkcap --extreme CAPTURE.pcap
 *
 * --recovery writes recovery traffic nobody asked for, or from someone
 * who is not the server, among a good feed whose channel 3 is joined
 * late: a snapshot to a channel not waiting for one, a retransmission
 * from another address, one for what is not missing, a snapshot from
 * another address and one far ahead to the late channel, then the
 * server's own snapshot of it. The receiver (rerequest on, defaults
 * otherwise) must drop each forged frame under its reason and end
 * with the cache of the good frames and the server's snapshot.
 *
 * The second form writes a short session whose symbol XTREME01 (locate
 * 1) quotes the extreme prices of the wire format, for the operator
 * tools (a spread that does not fit an int64).
 *
 * Feed: session TICKWIRE01, groups 239.1.1.1-4, port 30001, 64 symbols.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "tw_cache.h"
#include "tw_test_mutations.h"

#define ROUNDS 10
#define MSGS 3

static void
pcap_header(FILE *f)
{
	const uint32_t hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };

	fwrite(hdr, sizeof(hdr), 1, f);
}

static void
pcap_frame(FILE *f, const uint8_t *frame, uint32_t len, uint32_t n)
{
	const uint32_t rec[4] = { 1700000000 + n / 1000, n % 1000 * 1000,
		len, len };

	fwrite(rec, sizeof(rec), 1, f);
	fwrite(frame, len, 1, f);
}

/* What the quotes of tt_quote_frame(ch, seq, n, k) do to a cache. */
static void
apply_truth(struct tw_cache *c, uint16_t ch, uint64_t seq, uint16_t n,
		int64_t k)
{
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct tw_quote q = tt_quote(ch + TT_CHANNELS * i, k + i);

		tw_cache_update_quote(c, &q, seq + i, 0);
	}
}

/* Every channel's end of session at seq[ch]; the frames written so far. */
static unsigned int
session_end(FILE *cap, const uint64_t *seq, unsigned int n)
{
	uint8_t frame[TT_FRAME_MAX];
	uint16_t ch, len;

	for (ch = 0; ch < TT_CHANNELS; ch++) {
		len = tt_control_frame(frame, ch, seq[ch],
			TW_MOLD_COUNT_END_OF_SESSION);
		pcap_frame(cap, frame, len, n++);
	}
	return n;
}

/*
 * The capture closed; the cache its good frames give (CSV) and the
 * drops expected per reason with the frame count. 0, or 1.
 */
static int
write_outcome(FILE *cap, struct tw_cache *truth, const uint64_t *expected,
		unsigned int n, const char *truth_path, const char *exp_path)
{
	FILE *out;
	unsigned int i;

	if (fclose(cap) != 0)
		return 1;
	out = fopen(truth_path, "w");
	if (out == NULL || tw_cache_dump_csv(&truth, 1, out) != 0 ||
	    fclose(out) != 0)
		return 1;
	out = fopen(exp_path, "w");
	if (out == NULL)
		return 1;
	for (i = 0; i < TW_DROP_MAX; i++)
		fprintf(out, "%s %" PRIu64 "\n", tw_rx_drop_name(i),
			expected[i]);
	fprintf(out, "frames %u\n", n);
	return fclose(out) == 0 ? 0 : 1;
}

/*
 * Round r of the good feed: a frame of MSGS quotes on every channel at
 * seq[ch] (moved on), into the capture and the truth; with dup, channel
 * 1's frame copied there (its length in *dup_len). The frames so far.
 */
static unsigned int
good_round(FILE *cap, struct tw_cache *truth, uint64_t *seq, unsigned int r,
		unsigned int n, uint8_t *dup, uint16_t *dup_len)
{
	uint8_t frame[TT_FRAME_MAX];
	uint16_t ch, len;

	for (ch = 0; ch < TT_CHANNELS; ch++) {
		int64_t k = (int64_t)(r * 100 + ch * 10);

		len = tt_quote_frame(frame, 0, ch, seq[ch], MSGS, k);
		pcap_frame(cap, frame, len, n++);
		apply_truth(truth, ch, seq[ch], MSGS, k);
		seq[ch] += MSGS;
		if (dup != NULL && ch == 1) {
			memcpy(dup, frame, len);
			*dup_len = len;
		}
	}
	return n;
}

static int
extreme(const char *path)
{
	uint8_t frame[TT_FRAME_MAX];
	struct tw_frame_params fp;
	struct tw_pkt_tmpl t;
	struct tw_pkt_builder b;
	struct tw_directory d = { .locate = 1, .price_decimals = 4 };
	struct tw_quote q = tt_quote(1, 0);
	FILE *cap = fopen(path, "wb");
	uint16_t len, ch;
	unsigned int n = 0;

	if (cap == NULL)
		return 1;
	pcap_header(cap);
	memcpy(d.ticker, "XTREME01", TW_TICKER_LEN);
	q.bid_px = INT64_MIN + 1;
	q.ask_px = INT64_MAX;
	tt_frame_params(&fp, 0);
	tw_pkt_tmpl_init(&t, &fp, 1);
	tw_pkt_open(&b, &t, frame, 1, 0);
	tw_encode_directory(tw_pkt_reserve(&b, &t, TW_MSG_DIRECTORY_LEN), &d);
	tw_encode_quote(tw_pkt_reserve(&b, &t, TW_MSG_QUOTE_LEN), &q);
	len = tw_pkt_close(&b, &t, b.count, TW_CSUM_SOFTWARE);
	pcap_frame(cap, frame, len, n++);
	for (ch = 0; ch < TT_CHANNELS; ch++) {
		len = tt_control_frame(frame, ch, ch == 1 ? 3 : 1,
			TW_MOLD_COUNT_END_OF_SESSION);
		pcap_frame(cap, frame, len, n++);
	}
	return fclose(cap) == 0 ? 0 : 1;
}

/* Recovery traffic: the server's address (tt_frame_params) and ours. */
#define SERVER_IP TW_IPV4(192, 0, 2, 1)
#define RX_IP TW_IPV4(192, 0, 2, 3)         /* [rx] reflect_ip's default */
#define REQUEST_PORT 30100
#define SNAPSHOT_PORT 30300
#define LATE_CH 3
#define LATE_SEQ 31                         /* channel 3 is joined here */

/*
 * Feed frame f of channel ch as its server sends it to the receiver:
 * unicast to RX_IP from from_port + ch, from src_ip.
 */
static void
readdress(uint8_t *f, uint16_t len, uint16_t ch, uint16_t from_port,
		uint32_t src_ip)
{
	static const uint8_t rx_mac[6] = { 2, 0, 0, 0, 0, 3 };
	struct rte_ipv4_hdr *ip = tt_ip(f);
	struct rte_udp_hdr *udp = tt_udp(f);

	memcpy(f, rx_mac, sizeof(rx_mac));
	ip->dst_addr = rte_cpu_to_be_32(RX_IP);
	ip->src_addr = rte_cpu_to_be_32(src_ip);
	udp->src_port = rte_cpu_to_be_16((uint16_t)(from_port + ch));
	tt_fix_checksums_at(f, len, TW_ETH_HDR_LEN);
}

/*
 * Channel ch's snapshot at seq, from src_ip: every symbol of the channel
 * that state has, as the snapshot server encodes it; bid_px, when not
 * 0, forged into each. One frame (the channels here are small).
 */
static uint16_t
snapshot_frame(uint8_t *f, const struct tw_cache *state, uint16_t ch,
		uint64_t seq, uint32_t src_ip, int64_t bid_px)
{
	struct tw_frame_params fp;
	struct tw_pkt_tmpl t;
	struct tw_pkt_builder b;
	uint32_t l, total = 0;
	uint16_t len;

	for (l = ch; l < TT_SYMBOLS; l += TT_CHANNELS) {
		struct tw_cache_snapshot cs;

		if (tw_cache_snapshot(state, l, &cs) == 0 && cs.updates != 0)
			total++;
	}
	tt_frame_params(&fp, 0);
	tw_pkt_tmpl_init(&t, &fp, ch);
	tw_pkt_open(&b, &t, f, seq, 0);
	for (l = ch; l < TT_SYMBOLS; l += TT_CHANNELS) {
		struct tw_cache_snapshot cs;
		struct tw_snapshot sn;

		if (tw_cache_snapshot(state, l, &cs) != 0 || cs.updates == 0)
			continue;
		sn = (struct tw_snapshot){
			.locate = l, .price_decimals = cs.price_decimals,
			.bid_px = bid_px != 0 ? bid_px : cs.bid_px,
			.ask_px = cs.ask_px, .last_px = cs.last_px,
			.volume = cs.volume, .last_seq = cs.last_seq,
			.bid_sz = cs.bid_sz, .ask_sz = cs.ask_sz,
			.last_sz = cs.last_sz, .updates = cs.updates,
			.total = total,
		};
		tw_encode_snapshot(tw_pkt_reserve(&b, &t, TW_MSG_SNAPSHOT_LEN),
			&sn);
	}
	len = tw_pkt_close(&b, &t, b.count, TW_CSUM_SOFTWARE);
	readdress(f, len, ch, SNAPSHOT_PORT, src_ip);
	return len;
}

static int
recovery(const char *cap_path, const char *truth_path, const char *exp_path)
{
	struct tw_cache *truth = tw_cache_init(aligned_alloc(64,
		tw_cache_memsize(TT_SYMBOLS)), TT_SYMBOLS, 0);
	uint64_t seq[TT_CHANNELS], expected[TW_DROP_MAX] = { 0 };
	uint8_t frame[TT_FRAME_MAX];
	unsigned int r, n = 0;
	uint16_t len, ch;
	FILE *cap = fopen(cap_path, "wb");

	if (cap == NULL || truth == NULL)
		return 1;
	pcap_header(cap);
	for (ch = 0; ch < TT_CHANNELS; ch++)
		seq[ch] = TW_MOLD_FIRST_SEQ;
	/* Channel 3's history before the receiver joined: sent, not seen. */
	for (r = 0; seq[LATE_CH] < LATE_SEQ; r++) {
		int64_t k = (int64_t)(5000 + r * 10);

		apply_truth(truth, LATE_CH, seq[LATE_CH], MSGS, k);
		seq[LATE_CH] += MSGS;
	}
	for (r = 0; r < ROUNDS; r++) {
		n = good_round(cap, truth, seq, r, n, NULL, NULL);
		if (r != 0)
			continue;
		/* Channel 0 waits for no snapshot: the server's own is
		 * unasked. */
		len = snapshot_frame(frame, truth, 0, seq[0], SERVER_IP, 0);
		pcap_frame(cap, frame, len, n++);
		expected[TW_DROP_SNAPSHOT_UNASKED]++;
		/* Channel 1 misses nothing: a fill from another address,
		 * with a bid nobody sent, and one from the server. */
		len = tt_quote_frame(frame, 0, 1, 1, MSGS, 777);
		readdress(frame, len, 1, REQUEST_PORT,
			TW_IPV4(198, 51, 100, 7));
		pcap_frame(cap, frame, len, n++);
		expected[TW_DROP_RECOVERY_SOURCE]++;
		len = tt_quote_frame(frame, 0, 1, 1, MSGS, 778);
		readdress(frame, len, 1, REQUEST_PORT, SERVER_IP);
		pcap_frame(cap, frame, len, n++);
		expected[TW_DROP_FILL_UNASKED]++;
		/* Channel 3 joined late and waits for its snapshot: one
		 * from another address, one from the server far ahead,
		 * both with a forged bid; then the server's. */
		len = snapshot_frame(frame, truth, LATE_CH, seq[LATE_CH],
			TW_IPV4(198, 51, 100, 7), 123456789);
		pcap_frame(cap, frame, len, n++);
		expected[TW_DROP_RECOVERY_SOURCE]++;
		len = snapshot_frame(frame, truth, LATE_CH,
			UINT64_C(1000000000000), SERVER_IP, 123456789);
		pcap_frame(cap, frame, len, n++);
		expected[TW_DROP_SNAPSHOT_FAR]++;
		len = snapshot_frame(frame, truth, LATE_CH, seq[LATE_CH],
			SERVER_IP, 0);
		pcap_frame(cap, frame, len, n++);
	}
	n = session_end(cap, seq, n);
	return write_outcome(cap, truth, expected, n, truth_path, exp_path);
}

int
main(int argc, char **argv)
{
	struct tw_cache *truth;
	uint64_t seq[TT_CHANNELS], expected[TW_DROP_MAX] = { 0 };
	uint8_t frame[TT_FRAME_MAX], dup[TT_FRAME_MAX];
	uint16_t dup_len = 0, len, ch;
	FILE *cap;
	unsigned int r, i, n = 0;

	if (argc == 3 && strcmp(argv[1], "--extreme") == 0)
		return extreme(argv[2]);
	if (argc == 5 && strcmp(argv[1], "--recovery") == 0)
		return recovery(argv[2], argv[3], argv[4]);
	if (argc != 4) {
		fprintf(stderr, "usage: %s [--recovery] CAPTURE TRUTH "
			"EXPECTED | --extreme CAPTURE\n", argv[0]);
		return 2;
	}
	truth = tw_cache_init(aligned_alloc(64, tw_cache_memsize(TT_SYMBOLS)),
		TT_SYMBOLS, 0);
	cap = fopen(argv[1], "wb");
	if (cap == NULL || truth == NULL)
		return 1;
	pcap_header(cap);
	for (ch = 0; ch < TT_CHANNELS; ch++)
		seq[ch] = TW_MOLD_FIRST_SEQ;

	for (r = 0; r < ROUNDS; r++) {
		n = good_round(cap, truth, seq, r, n, r == 1 ? dup : NULL,
			&dup_len);
		if (r != ROUNDS / 2)
			continue;
		/* Mid-stream: every bad class, then a repeat of an old frame. */
		for (i = 0; i < RTE_DIM(tt_malformed); i++) {
			len = tt_quote_frame(frame, 0, 2, seq[2], MSGS, 999);
			len = tt_malformed[i].mutate(frame, len);
			pcap_frame(cap, frame, len, n++);
			expected[tt_malformed[i].reason]++;
		}
		pcap_frame(cap, dup, dup_len, n++);
		expected[TW_DROP_DUPLICATE]++;
		/* Hostile: none may stop the good feed that follows. */
		len = tt_control_frame(frame, 1, UINT64_C(1) << 61,
			TW_MOLD_COUNT_HEARTBEAT);
		pcap_frame(cap, frame, len, n++);
		expected[TW_DROP_SEQ_FAR]++;
		len = tt_control_frame(frame, 3, TW_MOLD_FIRST_SEQ,
			TW_MOLD_COUNT_END_OF_SESSION);
		pcap_frame(cap, frame, len, n++);
		len = tt_control_frame(frame, 0, seq[0] + 100,
			TW_MOLD_COUNT_END_OF_SESSION);
		pcap_frame(cap, frame, len, n++);
		expected[TW_DROP_BAD_END] += 2;
		len = tt_quote_frame(frame, 0, 2, UINT64_MAX - 1, MSGS, 7);
		pcap_frame(cap, frame, len, n++);
		expected[TW_DROP_BAD_SEQ]++;
		{
			struct tw_quote q = tt_quote(5, 77); /* channel 1's */

			len = tt_frame_of_quote(frame, 2, seq[2], &q);
			pcap_frame(cap, frame, len, n++);
			expected[TW_DROP_WRONG_CHANNEL]++;
		}
	}
	n = session_end(cap, seq, n);
	/* After the end: not applied. */
	len = tt_quote_frame(frame, 0, 0, seq[0] + 1, MSGS, 55);
	pcap_frame(cap, frame, len, n++);
	expected[TW_DROP_AFTER_END]++;
	return write_outcome(cap, truth, expected, n, argv[2], argv[3]);
}
