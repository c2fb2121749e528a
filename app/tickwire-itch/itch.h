/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to tickwire-itch: what its units share. itch.c (the command
 * line, memory, exit status), itch_decode.c (the timed decoder, a day
 * file), itch_generate.c (a synthetic day) and itch_report.c (what a
 * run counted, the report files) reach each other only through this.
 */
#ifndef TW_ITCH_APP_H
#define TW_ITCH_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tw_book.h"
#include "tw_clock.h"
#include "tw_hist.h"
#include "tw_itch_apply.h"
#include "tw_parse.h"

struct opts {
	const char *file;
	uint64_t generate;
	uint32_t symbols;
	uint32_t orders_per_symbol;
	uint64_t seed;
	uint64_t max_orders;
	uint32_t levels;
	uint64_t window;        /* the books' direct window; 0: default */
	uint32_t batch;
	bool accept_loss;
	const char *dump_cache, *dump_books, *json, *write;
};

/* One run: the books it fills, what it counted, how long it took. */
struct run {
	struct tw_itch_sink sink;
	struct tw_rx_counters ctr;
	struct tw_hist per_batch;       /* ns a batch */
	struct tw_clock clk;
	uint64_t msgs, by_type[256], bad_len, cycles;
	uint64_t cut_bytes;     /* at the end, no whole message */
	/* Messages stamped earlier than the message before them (counted;
	 * books take messages in file order whatever their stamps). */
	uint64_t ts_back, last_ts;
	uint64_t seq;
	uint32_t batch;
};

/* itch.c */
/* Fresh memory, its first hot bytes on 2 MB pages (reserved
 * hugepages when there is room, else transparent ones), the rest on
 * 4 KB pages; NULL. */
void *itch_big_alloc(size_t size, size_t hot);

/* itch_decode.c */
/* buf's whole messages applied, timed by batch; the bytes used. */
size_t itch_decode(struct run *r, const uint8_t *buf, size_t len);
/* A day file (gzip or not) through itch_decode; -1 said on stderr. */
int itch_decode_file(struct run *r, const char *path);

/* itch_generate.c: o->generate ticks of tickwire's model through
 * itch_decode (and to o->write); -1 when it could not. */
int itch_decode_generated(struct run *r, const struct opts *o);

/* itch_report.c */
/* Every message of the input applied as it came: nothing refused,
 * skipped or cut. */
bool itch_whole(const struct run *r);
void itch_report(const struct run *r, const struct tw_books *b, FILE *f,
		bool json);
/* The report files, in this order of paths (NULL: none). */
enum { OUT_JSON, OUT_BOOKS, OUT_CACHE, OUT_MAX };
/* Open them before any work: 0, -EINVAL (usage) or -1, said. */
int itch_open_outs(const char *const *paths);
/* Remove them: the run failed. */
void itch_discard_outs(void);
/* Write each one opened from r; 0, or non-zero once one failed. */
int itch_write_outs(const struct run *r);

#endif /* TW_ITCH_APP_H */
