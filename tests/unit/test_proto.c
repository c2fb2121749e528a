/* SPDX-License-Identifier: BSD-3-Clause */
/* Wire format: sizes, byte order, round trips, group MAC mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "tw_proto.h"

static void
message_sizes_are_fixed(void **state)
{
	assert_int_equal(TW_MOLD_HDR_LEN, 20);
	assert_int_equal(TW_MSG_DIRECTORY_LEN, 24);
	assert_int_equal(TW_MSG_QUOTE_LEN, 40);
	assert_int_equal(TW_MSG_TRADE_LEN, 32);
	assert_int_equal(tw_msg_len('Q'), 40);
	assert_int_equal(tw_msg_len('X'), 0);
}

static void
quote_round_trips_big_endian(void **state)
{
	struct tw_quote in = { .locate = 0x01020304, .bid_px = -5,
		.ask_px = INT64_C(0x0102030405060708), .bid_sz = 7,
		.ask_sz = 0xfffffffe, .send_ns = 99, .late = 0x1234 }, out;
	uint8_t buf[TW_MSG_QUOTE_LEN];

	tw_encode_quote(buf, &in);
	assert_int_equal(buf[0], 'Q');
	assert_int_equal(buf[4], 0x01);      /* locate, big-endian */
	assert_int_equal(buf[7], 0x04);
	assert_int_equal(buf[24], 0x01);     /* ask_px at 24 */
	assert_int_equal(buf[1], 0);         /* reserved */
	assert_int_equal(buf[2], 0x12);      /* late at 2, big-endian */
	assert_int_equal(tw_msg_late(buf), 0x1234);
	assert_int_equal(tw_msg_locate(buf), 0x01020304);
	assert_int_equal(tw_msg_send_ns(buf), 99);
	tw_decode_quote(buf, &out);
	assert_int_equal(out.locate, in.locate);
	assert_int_equal(out.bid_px, in.bid_px);
	assert_int_equal(out.ask_px, in.ask_px);
	assert_int_equal(out.bid_sz, in.bid_sz);
	assert_int_equal(out.ask_sz, in.ask_sz);
	assert_int_equal(out.send_ns, in.send_ns);
	assert_int_equal(out.late, in.late);
}

static void
trade_round_trips(void **state)
{
	struct tw_trade in = { .locate = 9, .size = 300, .price = 123456,
		.side = 'S', .send_ns = 1, .late = 7 }, out;
	uint8_t buf[TW_MSG_TRADE_LEN];

	memset(&out, 0, sizeof(out));
	tw_encode_trade(buf, &in);
	tw_decode_trade(buf, &out);
	assert_int_equal(out.locate, 9);
	assert_int_equal(out.size, 300);
	assert_int_equal(out.price, 123456);
	assert_int_equal(out.side, 'S');
	assert_int_equal(out.send_ns, 1);
	assert_int_equal(out.late, 7);
	assert_int_equal(tw_msg_late(buf), 7);
}

static void
directory_round_trips(void **state)
{
	struct tw_directory in = { .locate = 3, .price_decimals = 4,
		.ticker = { 'A', 'B', 'C', ' ', ' ', ' ', ' ', ' ' },
		.send_ns = 5 }, out;
	uint8_t buf[TW_MSG_DIRECTORY_LEN];

	tw_encode_directory(buf, &in);
	tw_decode_directory(buf, &out);
	assert_int_equal(out.locate, 3);
	assert_int_equal(out.price_decimals, 4);
	assert_memory_equal(out.ticker, in.ticker, TW_TICKER_LEN);
	assert_int_equal(out.send_ns, 5);
}

static void
group_mac_follows_rfc1112(void **state)
{
	struct rte_ether_addr mac;

	tw_mcast_mac(TW_IPV4(239, 129, 2, 3), &mac);
	assert_int_equal(mac.addr_bytes[0], 0x01);
	assert_int_equal(mac.addr_bytes[1], 0x00);
	assert_int_equal(mac.addr_bytes[2], 0x5e);
	assert_int_equal(mac.addr_bytes[3], 0x01);   /* 129 & 0x7f */
	assert_int_equal(mac.addr_bytes[4], 2);
	assert_int_equal(mac.addr_bytes[5], 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(message_sizes_are_fixed),
		cmocka_unit_test(quote_round_trips_big_endian),
		cmocka_unit_test(trade_round_trips),
		cmocka_unit_test(directory_round_trips),
		cmocka_unit_test(group_mac_follows_rfc1112),
	};

	return cmocka_run_group_tests_name("proto", tests, NULL, NULL);
}
