/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Symbol cache: lookups, CSV dumps, and snapshots that are never torn
 * while a writer updates the same entry from another thread.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <time.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>

#include "tw_cache.h"

#define N 1000

static struct tw_cache *
new_cache(uint32_t n)
{
	void *mem = aligned_alloc(64, tw_cache_memsize(n));

	return tw_cache_init(mem, n, 0);
}

static void
entry_is_one_cache_line(void **state)
{
	assert_int_equal(sizeof(struct tw_cache_entry), 64);
}

static void
init_rejects_misaligned_memory(void **state)
{
	uint8_t *mem = aligned_alloc(64, tw_cache_memsize(4) + 64);

	assert_null(tw_cache_init(mem + 8, 4, 0));
	assert_null(tw_cache_init(mem, 0, 0));
	free(mem);
}

static void
ticker_lookup_finds_every_symbol(void **state)
{
	struct tw_cache *c = new_cache(N);
	struct tw_directory d = { .price_decimals = 2 };
	char name[16];
	uint32_t i;

	for (i = 0; i < N; i++) {
		d.locate = i;
		snprintf(name, sizeof(name), "S%u", i * 7);
		tw_ticker_from_str(d.ticker, name);
		assert_int_equal(tw_cache_set_directory(c, &d), 0);
	}
	for (i = 0; i < N; i++) {
		char t[TW_TICKER_LEN];

		snprintf(name, sizeof(name), "S%u", i * 7);
		tw_ticker_from_str(t, name);
		assert_int_equal(tw_cache_find(c, t), (int)i);
	}
	tw_ticker_from_str(d.ticker, "NOPE");
	assert_int_equal(tw_cache_find(c, d.ticker), -ENOENT);
	d.locate = N;
	assert_int_equal(tw_cache_set_directory(c, &d), -ERANGE);
	free(c);
}

static void
attach_sees_the_same_cache(void **state)
{
	struct tw_cache *c = new_cache(8);
	struct tw_quote q = { .locate = 3, .bid_px = 77 };
	struct tw_cache_snapshot s;

	tw_cache_update_quote(c, &q, 5, 0);
	assert_ptr_equal(tw_cache_attach(c), c);
	assert_int_equal(tw_cache_snapshot(tw_cache_attach(c), 3, &s), 0);
	assert_int_equal(s.bid_px, 77);
	assert_int_equal(s.updates, 1);
	c->magic = 0;
	assert_null(tw_cache_attach(c));
	free(c);
}

/*
 * A gap filled late: the same entry as if every message had come in
 * order. Quotes 1 and 3 and trades 2 and 4 of one symbol; 1 and 2 are
 * lost and come back after 3 and 4.
 */
static void
late_messages_merge_as_if_in_order(void **state)
{
	struct tw_cache *inorder = new_cache(4), *late = new_cache(4);
	struct tw_quote q1 = { .locate = 2, .bid_px = 10, .ask_px = 11,
		.bid_sz = 1, .ask_sz = 2 };
	struct tw_quote q3 = { .locate = 2, .bid_px = 30, .ask_px = 31,
		.bid_sz = 3, .ask_sz = 4 };
	struct tw_trade t2 = { .locate = 2, .price = 20, .size = 5 };
	struct tw_trade t4 = { .locate = 2, .price = 40, .size = 7 };
	struct tw_cache_snapshot a, b;

	(void)state;
	tw_cache_update_quote(inorder, &q1, 1, 0);
	tw_cache_update_trade(inorder, &t2, 2, 0);
	tw_cache_update_quote(inorder, &q3, 3, 0);
	tw_cache_update_trade(inorder, &t4, 4, 0);

	tw_cache_update_quote(late, &q3, 3, 0);
	tw_cache_update_trade(late, &t4, 4, 0);
	/* Newer quote (3) and trade (4) are in: only counts and volume. */
	tw_cache_merge_quote(late, &q1, 1, true, 0);
	tw_cache_merge_trade(late, &t2, 2, true, 0);

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	assert_int_equal(tw_cache_snapshot(inorder, 2, &a), 0);
	assert_int_equal(tw_cache_snapshot(late, 2, &b), 0);
	assert_int_equal(b.bid_px, 30);
	assert_int_equal(b.last_px, 40);
	assert_int_equal(b.volume, 12);
	assert_int_equal(b.updates, 4);
	assert_int_equal(b.last_seq, 4);
	assert_memory_equal(&a, &b, sizeof(a));

	/* No newer quote: the late one's prices go in, last_seq stays. */
	tw_cache_merge_quote(late, &q1, 1, false, 0);
	assert_int_equal(tw_cache_snapshot(late, 2, &b), 0);
	assert_int_equal(b.bid_px, 10);
	assert_int_equal(b.last_seq, 4);
	assert_int_equal(b.stale, 0);
	tw_cache_mark_stale(late, 2);
	assert_int_equal(tw_cache_snapshot(late, 2, &b), 0);
	assert_int_equal(b.stale, 1);
	free(inorder);
	free(late);
}

static void
dump_merges_caches_by_most_updates(void **state)
{
	struct tw_cache *a = new_cache(4), *b = new_cache(4);
	struct tw_cache *both[2] = { a, b };
	struct tw_trade t = { .locate = 1, .price = 5, .size = 10 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	tw_cache_update_trade(a, &t, 1, 0);
	tw_cache_update_trade(b, &t, 2, 0);
	tw_cache_update_trade(b, &t, 3, 0);
	assert_int_equal(tw_cache_dump_csv(both, 2, f), 0);
	fclose(f);
	assert_string_equal(buf,
		"locate,ticker,decimals,bid_px,bid_sz,ask_px,ask_sz,last_px,"
		"last_sz,volume,updates,last_seq,stale\n"
		"1,,0,0,0,0,0,5,10,20,2,3,0\n");
	free(buf);
	free(a);
	free(b);
}

struct race {
	struct tw_cache *c;
	volatile int stop;
};

/* Writes entry 0 with every field derived from k, until told to stop. */
static void *
writer(void *arg)
{
	struct race *r = arg;
	uint64_t k;

	for (k = 1; !r->stop; k++) {
		struct tw_quote q = { .locate = 0, .bid_px = (int64_t)k,
			.ask_px = (int64_t)k, .bid_sz = (uint32_t)k,
			.ask_sz = (uint32_t)k };

		tw_cache_update_quote(r->c, &q, k, k);
	}
	return NULL;
}

static void
snapshot_is_never_torn_under_a_concurrent_writer(void **state)
{
	struct race r = { .c = new_cache(1) };
	uint64_t reads = 0, changes = 0, last = 0;
	time_t give_up = time(NULL) + 20;
	pthread_t th;

	assert_int_equal(pthread_create(&th, NULL, writer, &r), 0);
	/* Read until the writer was seen mid-stream many times over. */
	while ((changes < 100000 || reads < 1000000) &&
	       time(NULL) < give_up) {
		struct tw_cache_snapshot s;

		tw_cache_snapshot(r.c, 0, &s);
		if ((uint64_t)s.bid_px != (uint64_t)s.ask_px ||
		    (uint32_t)s.bid_px != s.bid_sz || s.bid_sz != s.ask_sz ||
		    (uint64_t)s.bid_px != s.last_seq ||
		    s.last_seq != s.last_update_ns ||
		    /* updates: the seqcount's half, 31 bits (a long run
		     * on a loaded host wraps it). */
		    s.updates != (uint32_t)(s.last_seq % (UINT64_C(1) << 31)))
			fail_msg("torn snapshot: bid %ld ask %ld seq %lu "
				"updates %u", (long)s.bid_px, (long)s.ask_px,
				(unsigned long)s.last_seq, s.updates);
		if (s.last_seq < last)
			fail_msg("snapshot went back in time");
		changes += s.last_seq != last;
		last = s.last_seq;
		reads++;
	}
	r.stop = 1;
	pthread_join(th, NULL);
	/* The reader really saw the entry move while it was written. */
	assert_true(changes >= 100000);
	free(r.c);
}

/*
 * A writer that stopped mid-update (odd count forever): the reader
 * gives up with -EBUSY instead of spinning, and so does a dump.
 */
static void
reader_never_waits_forever_on_a_dead_writer(void **state)
{
	struct tw_cache *c = new_cache(4);
	struct tw_cache_snapshot s;
	FILE *f = tmpfile();

	rte_seqcount_write_begin(&c->entries[2].sc);     /* never ended */
	assert_int_equal(tw_cache_snapshot(c, 1, &s), 0);
	assert_int_equal(tw_cache_snapshot(c, 2, &s), -EBUSY);
	assert_int_equal(tw_cache_snapshot_merged(&c, 1, 2, &s), -EBUSY);
	assert_int_equal(tw_cache_dump_csv(&c, 1, f), -EBUSY);
	fclose(f);
	free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(entry_is_one_cache_line),
		cmocka_unit_test(reader_never_waits_forever_on_a_dead_writer),
		cmocka_unit_test(init_rejects_misaligned_memory),
		cmocka_unit_test(ticker_lookup_finds_every_symbol),
		cmocka_unit_test(attach_sees_the_same_cache),
		cmocka_unit_test(dump_merges_caches_by_most_updates),
		cmocka_unit_test(late_messages_merge_as_if_in_order),
		cmocka_unit_test(
			snapshot_is_never_torn_under_a_concurrent_writer),
	};

	return cmocka_run_group_tests_name("cache", tests, NULL, NULL);
}
