/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tw-itch-check: reads an ITCH 5.0 day file (plain, NASDAQ's framing)
 * with the tests' independent checker (tests/common/tw_itch_check.h:
 * its own books, nothing of lib/itch) and prints what a spec-exact day
 * and a market do not do, one count a line. For tickwire-itch
 * --generate's days (8 channels) and tickwire's --itch-out (give its
 * [feed] channels).
 *
 *     tw-itch-check FILE [CHANNELS]
 *
 * Exit status: 0 read, 1 it could not read the file, 2 usage.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "tw_itch_check.h"

#define LINE(name, v) printf("%-28s %" PRIu64 "\n", name, (uint64_t)(v))

/* ns since midnight as HH:MM:SS.nnnnnnnnn into buf. */
static const char *
hms(uint64_t ns, char buf[32])
{
	uint64_t s = ns / 1000000000;

	snprintf(buf, 32, "%02u:%02u:%02u.%09u", (unsigned int)(s / 3600),
		(unsigned int)(s / 60 % 60), (unsigned int)(s % 60),
		(unsigned int)(ns % 1000000000));
	return buf;
}

static int
by_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	static struct twc k;
	char t0[32], t1[32], t2[32], t3[32];
	uint8_t *d = NULL;
	size_t len = 0, cap = 0, got;
	long channels = argc > 2 ? strtol(argv[2], NULL, 10) : 8;
	FILE *f;

	if (argc < 2 || argc > 3 || channels < 1 ||
	    channels > TWC_MAX_CHANNELS) {
		fprintf(stderr, "usage: tw-itch-check FILE [CHANNELS]\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (f == NULL || !twc_init(&k, (uint16_t)channels)) {
		perror(argv[1]);
		return 1;
	}
	do {
		if (len == cap) {
			cap = cap ? 2 * cap : 1 << 20;
			d = realloc(d, cap);
			if (d == NULL)
				return 1;
		}
		got = fread(d + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	fclose(f);
	if (twc_day(&k, d, len) != len)
		fprintf(stderr, "%s: a message cut at the end\n", argv[1]);
	LINE("messages", k.n.msgs);
	LINE("stock_directory", k.n.r);
	LINE("r_after_q", k.n.r_after_q);
	LINE("start_out_of_order", k.n.start_out_of_order);
	LINE("adds", k.n.adds);
	LINE("executions", k.n.execs);
	LINE("exec_not_oldest_at_best", k.n.exec_not_oldest_at_best);
	LINE("exec_not_best", k.n.exec_not_best);
	LINE("exec_not_oldest", k.n.exec_not_oldest);
	LINE("e", k.n.e);
	LINE("c", k.n.c);
	LINE("c_at_display", k.n.c_at_display);
	LINE("c_outside_spread", k.n.c_outside_spread);
	LINE("c_not_printable", k.n.c_not_printable);
	LINE("c_bad_printable", k.n.c_bad_printable);
	LINE("p", k.n.p);
	LINE("p_outside_spread", k.n.p_outside_spread);
	LINE("p_beyond_median_cents", twc_beyond_median(&k));
	LINE("crossed", k.n.crossed);
	LINE("locked", k.n.locked);
	LINE("tracking_zero", k.n.tracking_zero);
	LINE("ts_backwards", k.n.ts_backwards);
	LINE("ts_repeated", k.n.ts_repeated);
	LINE("unknown_ref", k.n.unknown_ref);
	LINE("before_0400", k.n.before_start);
	LINE("from_2000", k.n.after_end);
	LINE("market_before_s", k.n.market_before_s);
	LINE("cross_open_outside", k.n.cross_open_outside);
	LINE("cross_close_outside", k.n.cross_close_outside);
	LINE("cross_halt_not_halted", k.n.cross_halt_not_halted);
	LINE("noii_outside", k.n.noii_outside);
	LINE("exec_halted", k.n.exec_halted);
	LINE("c_not_strictly_inside", k.n.c_not_strictly_inside);
	LINE("sub_penny_over_dollar", k.n.sub_penny_over_dollar);
	LINE("adds_100_shares", k.n.adds_100);
	LINE("adds_odd_lot", k.n.adds_odd);
	LINE("adds_1000_or_more", k.n.adds_large);
	LINE("spread_cents_p50", twc_spread_q(&k, 0.5));
	LINE("spread_cents_p90", twc_spread_q(&k, 0.9));
	printf("%-28s %s\n", "first_ts", hms(k.n.first_ts, t0));
	printf("%-28s %s\n", "last_ts", hms(k.n.last_ts, t1));
	printf("%-28s %s\n", "start_of_market_hours", hms(k.q_ts, t2));
	printf("%-28s %s\n", "end_of_market_hours", hms(k.m_ts, t3));
	{
		uint32_t peak[TWC_STOCKS], n = 0, i;

		for (i = 1; i < TWC_STOCKS; i++)
			if (k.st[i].peak != 0)
				peak[n++] = k.st[i].peak;
		qsort(peak, n, sizeof(peak[0]), by_u32);
		LINE("resting_peak_top_stock", n ? peak[n - 1] : 0);
		LINE("resting_peak_median_stock", n ? peak[n / 2] : 0);
	}
	/* The mix: every type the day has, in percent of the messages. */
	for (int t = 0; t < 256; t++)
		if (k.n.by_type[t] != 0)
			printf("mix_%c%-23s %6.3f %%\n", t, "",
				twc_pct(&k, (uint8_t)t));
	twc_fini(&k);
	free(d);
	return 0;
}
