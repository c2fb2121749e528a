/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The generator side of ITCH 5.0: a NASDAQ-like day, order by order,
 * around each symbol's GBM mid price (docs/protocol.md). Per tick of a
 * symbol (its channel's stream picks the channel, the model's Zipf law
 * the stock within it): an add (A, or F with an MPID of a set), a
 * delete (D), a partial cancel (X), a replace (U), an execution of the
 * best resting order (E, or C strictly inside the spread), a
 * non-displayed trade (P) inside the spread, or in the crosses'
 * windows an NOII (I), by a configurable mix in basis points; or the
 * day's schedule's next message when due (Trading Actions, Reg SHO,
 * Market Participants at 04:00; the opening and closing crosses' Q;
 * LULD pauses with their collar, cross and resumption; operational
 * halts). The session clock runs 04:00 to 20:00 Eastern (ns since
 * midnight): O, S, V and the directories at 04:00, Q at 09:30, M at
 * 16:00, E and C before 20:00. Every message carries its channel + 1
 * as its tracking number and a timestamp above the one before it on
 * its channel. Order references and match numbers are unique per
 * session and per channel's stream, so the same seed gives the same
 * feed. The ground truth is the generator's own books, fed every
 * message it sends through tw_itch_apply (one set of rules for both
 * sides).
 *
 * Owns: the model's per-symbol list of its resting orders, the
 * reference and match counters, each channel's last timestamp, the
 * truth books (tw_itch_gen.c: memory, open, close, the order actions);
 * the session clock and the day's schedule (tw_itch_day.c); each
 * stock's traits: price, tick, directory, sizes, MPIDs
 * (tw_itch_stock.c); day files in memory (tw_itch_file.c).
 * Never touches: frames beyond tw_framer_reserve, ports, allocation.
 */
#ifndef TW_ITCH_GEN_H
#define TW_ITCH_GEN_H

#include <stdio.h>

#include "tw_book.h"
#include "tw_framer.h"
#include "tw_itch.h"
#include "tw_parse.h"

enum tw_itch_act {
	TW_ITCH_ACT_ADD,                /* A */
	TW_ITCH_ACT_ADD_MPID,           /* F */
	TW_ITCH_ACT_DELETE,             /* D */
	TW_ITCH_ACT_CANCEL,             /* X */
	TW_ITCH_ACT_REPLACE,            /* U */
	TW_ITCH_ACT_EXECUTE,            /* E */
	TW_ITCH_ACT_EXECUTE_PRICE,      /* C */
	TW_ITCH_ACT_TRADE,              /* P */
	TW_ITCH_ACT_NOII,               /* I, in the crosses' windows only */
	TW_ITCH_ACTS
};

/* The mix's unit: a basis point of the ticks (they add up to this). */
#define TW_ITCH_MIX_TOTAL 10000

/* The session clock: ns since midnight, Eastern (tw_itch_day.c). */
#define TW_ITCH_HMS(h, m, s) ((((uint64_t)(h) * 60 + (m)) * 60 + (s)) * \
	UINT64_C(1000000000))
#define TW_ITCH_DAY_START       TW_ITCH_HMS(4, 0, 0)    /* system hours */
#define TW_ITCH_OPEN_NOII       TW_ITCH_HMS(9, 25, 0)
#define TW_ITCH_OPEN_CROSS      TW_ITCH_HMS(9, 30, 0)
#define TW_ITCH_CLOSE_NOII      TW_ITCH_HMS(15, 50, 0)
#define TW_ITCH_CLOSE_CROSS     TW_ITCH_HMS(16, 0, 0)
#define TW_ITCH_DAY_END         TW_ITCH_HMS(20, 0, 0)
#define TW_ITCH_CROSS_SPAN      TW_ITCH_HMS(0, 1, 0)    /* Q within */

struct tw_itch_gen_params {
	uint32_t nb_symbols;
	uint16_t nb_channels;
	uint32_t orders_per_symbol;     /* resting at most, on average: a
					 * symbol's own cap follows its
					 * share of the activity */
	uint32_t depth;                 /* price steps from the touch */
	uint16_t mix[TW_ITCH_ACTS];     /* basis points of the ticks */
	double zipf_s;                  /* activity across a channel's
					 * stocks: Zipf exponent (0: as
					 * lib/gen draws them) */
	double day_speed;               /* session s a second of the send
					 * clock; 0: the day over the
					 * run's count of ticks */
	bool send_timestamps;           /* timestamps: the send time, not
					 * the session clock */
	uint32_t halts;                 /* LULD pauses a day (every
					 * fourth an operational halt) */
	uint16_t close_cancel;          /* basis points of the ticks: the
					 * day orders cancelled after the
					 * close (D), taken from the
					 * mix's D before it */
	uint64_t hash_key;
	/* The truth's books: 0 for the model's own need; a replayed day
	 * file needs what its orders need ([itch] max_orders, levels). */
	uint64_t max_orders;
	uint32_t levels;
};

/* The defaults (docs/protocol.md: which real-day figure each follows). */
void tw_itch_gen_defaults(struct tw_itch_gen_params *p);

/* What the model knows of one of its resting orders. */
struct tw_itch_model_order {
	uint64_t ref;
	uint32_t price;
	uint32_t shares;
	uint8_t side;
};

/* One stock's traits, fixed for the day (tw_itch_stock.c). */
struct tw_itch_stock {
	double scale;                   /* its price / lib/gen's */
	uint32_t tick;                  /* price increment: 100 ($0.01), 1
					 * below $1 (sub-penny) */
	uint32_t step;                  /* ticks a price step of the book */
	uint32_t cap;                   /* resting orders, at most */
	uint64_t first;                 /* its first slot in orders */
	uint8_t halted;                 /* 0, or H's state 'P' / h's 'H' */
	uint8_t nb_mpids;               /* its Market Participants (L) */
	uint8_t mpid0;                  /* the first, in the model's set */
};

/* A message of the day's schedule on a channel (tw_itch_day.c). */
struct tw_itch_event {
	uint64_t at;                    /* session ns */
	uint32_t locate;                /* 0-based */
	uint8_t kind;
	uint8_t arg;
};

struct tw_itch_chan {
	uint64_t last_ns;               /* its last message's stamp */
	uint64_t next_ref, next_match;
	uint64_t rng;                   /* its own random stream */
	uint64_t day_ticks;             /* its count, 0: none (day_speed) */
	uint64_t resting;               /* its stocks' resting orders */
	uint32_t purge_next;            /* where the close's cancels look */
	uint64_t done;                  /* its ticks so far */
	uint32_t ev_first, ev_n, ev_next; /* its events in g->events */
};

/*
 * The message last sent, not yet in the truth: applied when the next is
 * sent (its lines asked for a message ahead), or before the model reads
 * its stock's truth, and at the end of every call that sends.
 */
struct tw_itch_pending {
	uint8_t m[TW_ITCH_MAX_LEN];
	bool full;
	uint16_t ch;
	uint32_t locate;                /* the message's, 0: no stock */
	uint64_t seq, ns;
};

struct tw_itch_gen {
	struct tw_itch_gen_params p;
	struct tw_itch_pending pend;
	struct tw_books *books;         /* the truth */
	struct tw_rx_counters truth_ctr; /* refusals: none expected */
	/* Its resting orders: stock[l].cap slots from stock[l].first,
	 * nb_orders[l] of them in use. */
	struct tw_itch_model_order *orders;
	uint32_t *nb_orders;
	struct tw_itch_stock *stock;
	double *cdf;                    /* Zipf within a channel, or NULL */
	uint32_t *guide;                /* per channel, guide_n entries: the
					 * first stock of cdf above b /
					 * guide_n (itch_pick starts there) */
	uint32_t guide_n;
	struct tw_itch_chan *ch;
	struct tw_itch_event *events;
	uint64_t t0_ns;                 /* the open's send time */
	uint8_t phase;                  /* 0 before 09:30, 1, 2 after 16:00 */
	FILE *out;                      /* --itch-out: the day file; or NULL */
	uint64_t out_msgs;
};

/* -EINVAL naming nothing when the mix does not add up to
 * TW_ITCH_MIX_TOTAL, ... */
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
/* The last message tw_itch_emit_raw sent, into the truth (after the
 * last one, before the truth is read). */
void tw_itch_emit_raw_flush(struct tw_emitter *e);

/* The protocol ops (e->proto_state is the tw_itch_gen). */
void tw_itch_emit_open(struct tw_emitter *e, uint64_t now, uint64_t send_ns);
void tw_itch_emit_ticks(struct tw_emitter *e, unsigned int n, uint64_t now,
		uint64_t now_ns, uint64_t first_ns, uint64_t step_ns);
void tw_itch_emit_close(struct tw_emitter *e, uint64_t now,
		uint64_t send_ns);

#endif /* TW_ITCH_GEN_H */
