/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Writes the seed corpus of the RX harnesses (tests/fuzz/corpus/): a
 * few inputs in each harness's record format, built with the
 * generator's own frame builder, so fuzzing starts from frames tickwire
 * really sends (directory, quotes, trades, heartbeat, end of session)
 * and mutates from there. Run by hand when the formats change:
 *   build-fuzz/tests/fuzz/tw-fuzz-mkseeds tests/fuzz/corpus
 * The regress-* inputs beside them are findings kept by hand: a format
 * change converts them (fuzz_request's took nine zero set-up bytes in
 * front, its old behaviour).
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_rx.h"
#include "tw_request.h"

static uint8_t out[1 << 15];
static size_t out_len;

static void
put(const void *p, size_t n)
{
	if (out_len + n > sizeof(out))
		abort();
	memcpy(out + out_len, p, n);
	out_len += n;
}

static void
put_u8(uint8_t v)
{
	put(&v, 1);
}

static void
put_u16(uint16_t v)
{
	put_u8(v >> 8);
	put_u8(v & 0xff);
}

static void
save(const char *dir, const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(out, 1, out_len, f) != out_len ||
	    fclose(f) != 0) {
		perror(path);
		exit(1);
	}
	out_len = 0;
}

/* A frame of ch at seq: a directory, a quote asking for an order and a
 * trade for symbols of the channel. */
static uint16_t
mixed_frame(uint8_t *buf, uint16_t ch, uint64_t seq)
{
	struct tw_pkt_tmpl t;
	struct tw_pkt_builder b;
	struct tw_directory d = { .locate = ch, .price_decimals = 4 };
	struct tw_quote q = tt_quote(ch, 5);
	struct tw_trade tr = { .locate = ch + TT_CHANNELS, .size = 300,
		.price = 1000050, .send_ns = 900 };

	snprintf(d.ticker, sizeof(d.ticker), "S%02u     ", ch);
	q.reply_id = 3;
	tt_frame_open(buf, 0, ch, seq, &t, &b);
	tw_encode_directory(tw_pkt_reserve(&b, &t, TW_MSG_DIRECTORY_LEN), &d);
	tw_encode_quote(tw_pkt_reserve(&b, &t, TW_MSG_QUOTE_LEN), &q);
	tw_encode_trade(tw_pkt_reserve(&b, &t, TW_MSG_TRADE_LEN), &tr);
	return tw_pkt_close(&b, &t, b.count, TW_CSUM_SOFTWARE);
}

/* f readdressed: unicast to the receiver from sport, or to line B. */
static void
readdress(uint8_t *f, uint16_t len, uint16_t sport, uint32_t dst)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + TW_ETH_HDR_LEN);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	struct rte_ether_addr mac = { { 2, 0, 0, 0, 0, 3 } };

	if (sport == 0)
		tw_mcast_mac(dst, &mac);
	else
		udp->src_port = rte_cpu_to_be_16(sport);
	memcpy(f, &mac, sizeof(mac));
	ip->dst_addr = rte_cpu_to_be_32(dst);
	tt_fix_checksums_at(f, len, TW_ETH_HDR_LEN);
}

/* A snapshot frame of ch at seq: its first two symbols, total two. */
static uint16_t
snapshot_frame(uint8_t *buf, uint16_t ch, uint64_t seq)
{
	struct tw_pkt_tmpl t;
	struct tw_pkt_builder b;
	unsigned int i;
	uint16_t len;

	tt_frame_open(buf, 0, ch, seq, &t, &b);
	for (i = 0; i < 2; i++) {
		struct tw_snapshot sn = {
			.locate = ch + i * TT_CHANNELS, .known = 1,
			.price_decimals = 4, .bid_px = 1000, .ask_px = 1001,
			.bid_sz = 5, .ask_sz = 6, .volume = 77, .updates = 9,
			.last_seq = seq - 1, .total = 2,
		};

		memcpy(sn.ticker, "SNAP    ", TW_TICKER_LEN);
		sn.ticker[4] = (char)('A' + ch);
		sn.ticker[5] = (char)('0' + i);
		tw_encode_snapshot(tw_pkt_reserve(&b, &t,
			TW_MSG_SNAPSHOT_LEN), &sn);
	}
	len = tw_pkt_close(&b, &t, b.count, TW_CSUM_SOFTWARE);
	readdress(buf, len, FZ_SNAPSHOT_PORT + ch, FZ_UNICAST_IP);
	return len;
}

/* f as a forger on the segment sends it: another source IPv4 address
 * (ip != 0) or MAC (mac != NULL). */
static void
forge(uint8_t *f, uint16_t len, uint32_t ip, const uint8_t *mac)
{
	struct rte_ipv4_hdr *iph = (struct rte_ipv4_hdr *)(f + TW_ETH_HDR_LEN);

	if (ip != 0)
		iph->src_addr = rte_cpu_to_be_32(ip);
	if (mac != NULL)
		memcpy(f + RTE_ETHER_ADDR_LEN, mac, RTE_ETHER_ADDR_LEN);
	tt_fix_checksums_at(f, len, TW_ETH_HDR_LEN);
}

static void
frame_record(const uint8_t *f, uint16_t len, uint8_t sel)
{
	put_u8(sel);
	put_u16(len);
	put(f, len);
}

/* The UDP payload of an untagged frame, as a datagram record. */
static void
datagram_record(const uint8_t *f, uint16_t len, uint16_t ch)
{
	uint16_t off = TW_ETH_HDR_LEN + TW_IPV4_HDR_LEN + TW_UDP_HDR_LEN;

	put_u8((uint8_t)ch);
	put_u16(len - off);
	put(f + off, len - off);
}

/*
 * Whom a receiver trusts (server 192.0.2.1, its MAC required, MTU 1500):
 * a late join on channel 0 and its snapshot forged from another address
 * and another MAC, from the server far ahead, one for channel 1 that is
 * not waiting, then the server's; on channel 1 a gap asked for, its
 * fill forged twice, then the server's; on channel 2 fills nobody asked
 * for (behind, and right at its next sequence number) before the live
 * frame. And a datagram over the MTU.
 */
static void
trust_seeds(const char *dir)
{
	static uint8_t f[FZ_FRAME_MAX];
	static const uint8_t other_mac[6] = { 2, 0, 0, 0, 0, 0x66 };
	const uint32_t other_ip = TW_IPV4(198, 51, 100, 7);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + TW_ETH_HDR_LEN);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	uint16_t len;

	put_u8(0x80 | FZ_OPT_RECOVERY | FZ_OPT_SERVER_MAC | FZ_OPT_MTU);
	len = tt_quote_frame(f, 0, 0, 500, 3, 1);
	frame_record(f, len, 0);                        /* far ahead ... */
	len = tt_quote_frame(f, 0, 0, 503, 3, 1);
	frame_record(f, len, 0);                        /* ... a late join */
	len = snapshot_frame(f, 0, 506);
	forge(f, len, other_ip, NULL);
	frame_record(f, len, 0);                        /* forged address */
	len = snapshot_frame(f, 0, 506);
	forge(f, len, 0, other_mac);
	frame_record(f, len, 0);                        /* forged MAC */
	len = snapshot_frame(f, 0, 506 + 200);
	frame_record(f, len, 0);                        /* far ahead */
	len = snapshot_frame(f, 1, 4);
	frame_record(f, len, 0);                        /* not waiting */
	len = snapshot_frame(f, 0, 506);
	frame_record(f, len, 0x80);                     /* the server's */
	len = tt_quote_frame(f, 0, 1, 1, 3, 2);
	frame_record(f, len, 0);
	len = tt_quote_frame(f, 0, 1, 7, 3, 2);
	frame_record(f, len, 0x90);                     /* gap, asked for */
	len = tt_quote_frame(f, 0, 1, 4, 3, 9);
	readdress(f, len, FZ_REQUEST_PORT + 1, FZ_UNICAST_IP);
	forge(f, len, other_ip, NULL);
	frame_record(f, len, 0);                        /* forged address */
	len = tt_quote_frame(f, 0, 1, 4, 3, 9);
	readdress(f, len, FZ_REQUEST_PORT + 1, FZ_UNICAST_IP);
	forge(f, len, 0, other_mac);
	frame_record(f, len, 0);                        /* forged MAC */
	len = tt_quote_frame(f, 0, 1, 4, 3, 2);
	readdress(f, len, FZ_REQUEST_PORT + 1, FZ_UNICAST_IP);
	frame_record(f, len, 0);                        /* the server's */
	len = tt_quote_frame(f, 0, 2, 1, 3, 3);
	frame_record(f, len, 0);
	len = tt_quote_frame(f, 0, 2, 1, 3, 3);
	readdress(f, len, FZ_REQUEST_PORT + 2, FZ_UNICAST_IP);
	frame_record(f, len, 0);                        /* unasked, behind */
	len = tt_quote_frame(f, 0, 2, 4, 3, 3);
	readdress(f, len, FZ_REQUEST_PORT + 2, FZ_UNICAST_IP);
	frame_record(f, len, 0);                        /* unasked, next */
	len = tt_quote_frame(f, 0, 2, 4, 3, 3);
	frame_record(f, len, 0xa0);                     /* the live one */
	save(dir, "trust");
	/* A channel's datagram of 1,501 bytes. */
	put_u8(0x80 | FZ_OPT_MTU);
	memset(f, 0, sizeof(f));
	tt_control_frame(f, 3, 1, TW_MOLD_COUNT_HEARTBEAT);
	ip->total_length = rte_cpu_to_be_16(FZ_MTU + 1);
	udp->dgram_len = rte_cpu_to_be_16(FZ_MTU + 1 - TW_IPV4_HDR_LEN);
	len = TW_ETH_HDR_LEN + FZ_MTU + 1;
	tt_fix_checksums_at(f, len, TW_ETH_HDR_LEN);
	frame_record(f, len, 0x80);
	save(dir, "over-mtu");
}

/* fuzz_request's set-up bytes and record header bits (its header). */
#define REQ_SETUP_LEN 9
#define REQ_CLOCK 0x4000
#define REQ_SRC_SHARED 0x1000   /* a byte picks one of its 16 sources */
#define REQ_SRC_FLOOD 0x2000    /* a new source each time */
#define REQ_SRC_NET 0x3000      /* 192.0.2.x, x a byte */

/* A request record: header, the source byte, the clock byte, frame. */
static void
request_record(uint16_t ch, uint64_t seq, uint16_t count, bool snapshot,
		uint16_t flags, uint8_t src, uint8_t clock)
{
	static const struct rte_ether_addr srv = { { 2, 0, 0, 0, 0, 1 } };
	struct tw_request r = {
		.channel = ch, .seq = seq, .count = count,
		.src_mac = { { 2, 0, 0, 0, 0, 3 } },
		.src_ip = FZ_UNICAST_IP, .src_port = 30001,
	};
	uint8_t f[TW_REQUEST_FRAME_LEN];
	uint16_t len;

	memcpy(r.session, "TICKWIRE01", TW_MOLD_SESSION_LEN);
	len = tw_request_frame(f, &r, &srv, TW_IPV4(192, 0, 2, 1),
		snapshot ? FZ_SNAPSHOT_PORT : FZ_REQUEST_PORT);
	put_u16((uint16_t)(len | flags));
	if (flags & 0x3000)
		put_u8(src);
	if (flags & REQ_CLOCK)
		put_u8(clock);
	put(f, len);
}

/*
 * fuzz_request with limits: a 2.5 GHz clock, 10,000 requests a second a
 * source in bursts of 2, 20,000 in all, replies of 16 MB/s in bursts of
 * 4,000 bytes, max_count 64, two packets a request, any client.
 * Requests from the client, from sources sharing its rate slots, from a
 * rotating flood, from its neighbours in 192.0.2.0/24, snapshot
 * requests; the clock still, then moving by microseconds and
 * milliseconds.
 */
static void
limits_seed(const char *dir)
{
	static const uint8_t setup[REQ_SETUP_LEN] = { 2, 4, 2, 3, 1, 2, 64,
		2, 0 };
	unsigned int i;

	put(setup, sizeof(setup));
	for (i = 0; i < 4; i++)         /* a burst from the client */
		request_record((uint16_t)i, 41 + 20 * i, 60, false,
			REQ_CLOCK, 0, 0);
	for (i = 0; i < 10; i++)        /* its slot neighbours, at once */
		request_record(1, 50, 64, i % 3 == 0, REQ_SRC_SHARED |
			REQ_CLOCK, (uint8_t)i, 0);
	for (i = 0; i < 8; i++)         /* a rotating flood, 0.1 ms apart */
		request_record(2, 90, 14, false, REQ_SRC_FLOOD | REQ_CLOCK, 0,
			0x80 | 4);
	for (i = 0; i < 4; i++)         /* its neighbours, microseconds apart */
		request_record(3, 100, 4, false, REQ_SRC_NET | REQ_CLOCK,
			(uint8_t)(7 + i), 0x40 | 63);
	for (i = 0; i < 4; i++)         /* the client again, later */
		request_record(0, 44, 64, false, REQ_SRC_SHARED | REQ_CLOCK, 0,
			0xc0 | 2);
	save(dir, "limits");
}

int
main(int argc, char **argv)
{
	static uint8_t f[FZ_FRAME_MAX];
	char dir[512];
	uint16_t len, ch;

	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	/* fuzz_frame: a clean session per channel, then one of each kind. */
	snprintf(dir, sizeof(dir), "%s/fuzz_frame", argv[1]);
	put_u8(0x80);
	for (ch = 0; ch < TT_CHANNELS; ch++) {
		len = mixed_frame(f, ch, 1);
		frame_record(f, len, ch == 3 ? 0x85 : 0);
		len = tt_quote_frame(f, 0, ch, 4, 3, 7);
		frame_record(f, len, 0);
		len = tt_control_frame(f, ch, 7, TW_MOLD_COUNT_HEARTBEAT);
		frame_record(f, len, 0);
		len = tt_control_frame(f, ch, 7, TW_MOLD_COUNT_END_OF_SESSION);
		frame_record(f, len, 0x90);
	}
	save(dir, "session");
	put_u8(0x80 | FZ_OPT_AUTO | FZ_OPT_SHARE);
	len = tt_quote_frame(f, 0, 1, 1, 5, 0);
	frame_record(f, len, 0);
	frame_record(f, len, 0x85);     /* a duplicate, checksums verified */
	len = tt_quote_frame(f, 0, 1, UINT64_C(1) << 40, 2, 0);
	frame_record(f, len, 0);
	save(dir, "auto-shared");
	put_u8(0x80 | FZ_OPT_VLAN);
	len = tt_quote_frame(f, 7, 2, 1, 4, 1);
	frame_record(f, len, 0);
	save(dir, "vlan");
	/*
	 * Recovery: a late join on channel 0 and its snapshot; on channel
	 * 1 a gap, the late copy, a retransmission, an end of session
	 * ahead and its tail retransmitted in order.
	 */
	put_u8(0x80 | FZ_OPT_RECOVERY);
	len = tt_quote_frame(f, 0, 0, 500, 3, 1);
	frame_record(f, len, 0);
	len = snapshot_frame(f, 0, 503);
	frame_record(f, len, 0x80);
	len = tt_quote_frame(f, 0, 1, 1, 3, 2);
	frame_record(f, len, 0);
	len = tt_quote_frame(f, 0, 1, 7, 3, 2);
	frame_record(f, len, 0);
	len = tt_quote_frame(f, 0, 1, 4, 3, 2);         /* late copy */
	frame_record(f, len, 0x90);
	len = tt_quote_frame(f, 0, 1, 10, 3, 2);
	readdress(f, len, FZ_REQUEST_PORT + 1, FZ_UNICAST_IP);
	frame_record(f, len, 0);                        /* not missing */
	len = tt_control_frame(f, 1, 13, TW_MOLD_COUNT_END_OF_SESSION);
	frame_record(f, len, 0);                        /* ahead */
	len = tt_quote_frame(f, 0, 1, 10, 3, 2);
	readdress(f, len, FZ_REQUEST_PORT + 1, FZ_UNICAST_IP);
	frame_record(f, len, 0);                        /* the tail */
	len = tt_control_frame(f, 1, 13, TW_MOLD_COUNT_END_OF_SESSION);
	frame_record(f, len, 0xf0);
	save(dir, "recovery");
	/* Two lines: each frame on A and on B, one lost on A. */
	put_u8(0x80 | FZ_OPT_RECOVERY | FZ_OPT_LINES);
	for (ch = 0; ch < 3; ch++) {
		len = tt_quote_frame(f, 0, 2, 1 + 3 * ch, 3, ch);
		if (ch != 1)
			frame_record(f, len, 0);
		readdress(f, len, 0, TW_IPV4(239, 1, 2, 3));
		frame_record(f, len, ch == 2 ? 0x90 : 0);
	}
	save(dir, "lines");
	trust_seeds(dir);
	/*
	 * fuzz_request: the default set-up (nine zeros), requests served,
	 * refused, and one checksummed anew.
	 */
	snprintf(dir, sizeof(dir), "%s/fuzz_request", argv[1]);
	{
		static const struct { uint64_t seq; uint16_t count; } rq[] = {
			{ 50, 5 }, { 100, 20 }, { 10, 1 }, { 0, 3 }, { 200, 1 },
		};
		const struct rte_ether_addr srv = { { 2, 0, 0, 0, 0, 1 } };
		unsigned int i;

		for (i = 0; i < REQ_SETUP_LEN; i++)
			put_u8(0);
		for (i = 0; i < RTE_DIM(rq); i++) {
			struct tw_request r = {
				.channel = (uint16_t)(i % 4), .seq = rq[i].seq,
				.count = rq[i].count,
				.src_mac = { { 2, 0, 0, 0, 0, 3 } },
				.src_ip = FZ_UNICAST_IP, .src_port = 30001,
			};

			memcpy(r.session, "TICKWIRE01", TW_MOLD_SESSION_LEN);
			len = tw_request_frame(f, &r, &srv,
				TW_IPV4(192, 0, 2, 1), FZ_REQUEST_PORT);
			put_u16((uint16_t)(len | (i == 4 ? 0x8000 : 0)));
			put(f, len);
		}
		save(dir, "requests");
		limits_seed(dir);
	}
	/* fuzz_datagram: the same payloads. */
	snprintf(dir, sizeof(dir), "%s/fuzz_datagram", argv[1]);
	put_u8(0);
	for (ch = 0; ch < TT_CHANNELS; ch++) {
		len = mixed_frame(f, ch, 1);
		datagram_record(f, len, ch);
		len = tt_control_frame(f, ch, 4, TW_MOLD_COUNT_HEARTBEAT);
		datagram_record(f, len, ch | 0x80);
		len = tt_control_frame(f, ch, 4, TW_MOLD_COUNT_END_OF_SESSION);
		datagram_record(f, len, ch);
	}
	save(dir, "session");
	return 0;
}
