/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The generator side of ITCH 5.0: an order-level market around each
 * symbol's GBM mid price. Per tick of a symbol (drawn from its channel's
 * stream, as tickwire's quotes and trades are): an add (A, some F) a few
 * ticks from the mid on either side, a delete (D), a partial cancel
 * (X), a replace (U), an execution against the best resting order (E,
 * some C) that moves the book when it empties a level, or a non-displayed
 * trade (P) inside the spread, by a configurable mix. A session opens
 * with System Events 'O' and 'S', a Stock Directory per symbol and 'Q'
 * (every channel's directory before any channel's 'Q'), and closes with
 * 'M', 'E', 'C'. Every message carries its channel + 1 as its tracking
 * number and a timestamp above the one before it on its channel. Order references and match numbers are unique per
 * session and per channel's stream, so the same seed gives the same
 * feed. The ground truth is the generator's own books, fed every
 * message it sends through tw_itch_apply (one set of rules for both
 * sides).
 *
 * Owns: the model's per-symbol list of its resting orders, the
 * reference and match counters, each channel's last timestamp, the
 * truth books (tw_itch_gen.c); day files in memory (tw_itch_file.c).
 * Never touches: frames beyond tw_framer_reserve, ports, allocation.
 */
#ifndef TW_ITCH_GEN_H
#define TW_ITCH_GEN_H

#include <stdio.h>

#include "tw_book.h"
#include "tw_framer.h"
#include "tw_parse.h"

enum tw_itch_act {
	TW_ITCH_ACT_ADD,
	TW_ITCH_ACT_DELETE,
	TW_ITCH_ACT_CANCEL,
	TW_ITCH_ACT_REPLACE,
	TW_ITCH_ACT_EXECUTE,
	TW_ITCH_ACT_TRADE,
	TW_ITCH_ACTS
};

struct tw_itch_gen_params {
	uint32_t nb_symbols;
	uint16_t nb_channels;
	uint32_t orders_per_symbol;     /* resting at most, a symbol */
	uint32_t depth;                 /* levels from the touch, at most */
	uint8_t mix[TW_ITCH_ACTS];      /* percent of the ticks, sum 100 */
	uint64_t hash_key;
	/* The truth's books: 0 for the model's own need; a replayed day
	 * file needs what its orders need ([itch] max_orders, levels). */
	uint64_t max_orders;
	uint32_t levels;
};

/* What the model knows of one of its resting orders. */
struct tw_itch_model_order {
	uint64_t ref;
	uint32_t price;
	uint32_t shares;
	uint8_t side;
};

struct tw_itch_gen {
	struct tw_itch_gen_params p;
	struct tw_books *books;         /* the truth */
	struct tw_rx_counters truth_ctr; /* refusals: none expected */
	/* Its resting orders: orders_per_symbol slots a symbol, nb_orders
	 * of them in use. */
	struct tw_itch_model_order *orders;
	uint32_t *nb_orders;
	uint64_t *next_ref;             /* per channel */
	uint64_t *next_match;           /* per channel */
	/* Per channel: its last message's time (ns), so that timestamps
	 * rise on a channel, one a message (tw_itch_gen.c stamp). */
	uint64_t *last_ns;
	FILE *out;                      /* --itch-out: the day file; or NULL */
	uint64_t out_msgs;
};

/* -EINVAL naming nothing when the mix does not add up to 100, ... */
int tw_itch_gen_params_check(const struct tw_itch_gen_params *p);
size_t tw_itch_gen_memsize(const struct tw_itch_gen_params *p);
struct tw_itch_gen *tw_itch_gen_init(void *mem,
		const struct tw_itch_gen_params *p);

/*
 * A day file in memory: its messages, each after its 2-byte length.
 * Plain or gzip. 0, or -errno with why in err.
 */
struct tw_itch_file {
	uint8_t *data;
	size_t len;
	uint64_t msgs;
	uint64_t first_ts, last_ts;     /* timestamps, ns since midnight */
	uint32_t max_locate;            /* the highest stock locate in it */
};

int tw_itch_file_load(struct tw_itch_file *f, const char *path, char *err,
		size_t errlen);
void tw_itch_file_free(struct tw_itch_file *f);

/*
 * One message of a day file onto channel ch as the model's own are
 * sent: into the channel's frame with its timestamp set to send_ns
 * (since midnight), into the truth and the day file if one is written.
 * Counted as a directory, a session event or a tick. -ENOBUFS when the
 * frame source has no memory.
 */
/*
 * One ITCH message sent as it is (a day file's, a replayed capture's)
 * counted by kind: a Stock Directory a directory, one of no stock
 * (locate 0: System Event) a session event, any other a tick; one too
 * short for a header is other.
 */
void tw_itch_count_sent(struct tw_gen_counters *ctr, const uint8_t *m,
		uint16_t len);

int tw_itch_emit_raw(struct tw_emitter *e, uint16_t ch, const uint8_t *m,
		uint16_t len, uint64_t now, uint64_t send_ns);

/* The protocol ops (e->proto_state is the tw_itch_gen). */
void tw_itch_emit_open(struct tw_emitter *e, uint64_t now, uint64_t send_ns);
void tw_itch_emit_ticks(struct tw_emitter *e, unsigned int n, uint64_t now,
		uint64_t now_ns, uint64_t first_ns, uint64_t step_ns);
void tw_itch_emit_close(struct tw_emitter *e, uint64_t now,
		uint64_t send_ns);

#endif /* TW_ITCH_GEN_H */
