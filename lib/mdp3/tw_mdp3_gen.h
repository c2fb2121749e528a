/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CME MDP 3.0's generator: futures instruments whose 10-deep
 * market-by-price books follow lib/gen's GBM mid, on the incremental
 * feed (lines A and B, the framer's, with the lcore's faults), a
 * snapshot loop and a definition loop (the emitter's loops framer,
 * channel c's snapshot packets on its template c, its definition
 * packets on template channels + c), and a ChannelReset on every
 * channel after [mdp3] reset_after ticks.
 *
 * One tick is one event on one instrument of the channel lib/gen's
 * schedule names, the instrument and its mid lib/gen's draw:
 *   - the mid left the spread: an aggressing order takes the levels it
 *     passed (a trade summary, 48, one entry per level taken), the book
 *     follows (46: the levels taken removed, new levels on the other
 *     side at level 1, the far levels refilled) and the volume (37);
 *     the last message carries EndOfEvent;
 *   - else, by the draw's bits: a trade at the touch that takes part of
 *     level 1 (48, 46 Change, 37), or a quantity change at a level (46).
 * The truth is the generator's own books (struct tw_mdp3_book, the
 * receiver's) and the truth cache, changed entry by entry as a
 * receiver applies them: each entry's RptSeq is its instrument's next,
 * and the cache entry shows the book after every entry (only when its
 * top, last trade or volume changed) at the packet's MsgSeqNum.
 *
 * Instruments: l's SecurityID is TW_MDP3_SECID_BASE + l, its product
 * the l % 16th of a list of CME roots (tick, display factor), its
 * symbol the root, "Z6" and l / 16 when not 0 ("ESZ6", "NQZ6", ...,
 * "ESZ61"): unique in the cache's 8-byte tickers up to 160,000.
 *
 * Owns: the instruments, their books and RptSeq, the messages' bytes,
 * the loops' schedules and sequences. Never touches: the framer's
 * frames but through tw_framer_reserve/close, the ports, the clock but
 * through the TSC and ns values it is handed.
 */
#ifndef TW_MDP3_GEN_H
#define TW_MDP3_GEN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tw_framer.h"
#include "tw_mdp3_book.h"

/* CME MDP 3.0's frames (tw_mdp3_gen_frame.c). */
extern const struct tw_framing tw_mdp3_framing;

#define TW_MDP3_GEN_ROOTS       16
#define TW_MDP3_GEN_MAX_SYMBOLS (TW_MDP3_GEN_ROOTS * 10000)
#define TW_MDP3_APPL_ID         310     /* the channels' ApplID */

struct tw_mdp3_gen_params {
	uint32_t nb_symbols;
	uint16_t nb_channels;
	uint32_t depth;                 /* levels a side, 1..TW_MDP3_DEPTH */
	uint64_t reset_after;           /* ticks; 0: no ChannelReset */
	uint64_t snapshot_tsc;          /* a snapshot cycle per channel */
	uint64_t definition_tsc;        /* a definition cycle per channel */
	uint64_t seed;
};

/* What the generator keeps of one instrument beside its book. */
struct tw_mdp3_gen_inst {
	uint64_t rng;
	int64_t tick;                   /* MinPriceIncrement, PRICE9 */
	double ticks_per_unit;          /* lib/gen's price to ticks */
};

/* A loop of one channel: its packet sequence and when it cycles. */
struct tw_mdp3_loop {
	uint32_t seq;                   /* the last packet's, this cycle */
	uint64_t next_tsc;              /* the next cycle; 0: at the first look */
};

struct tw_mdp3_gen_counters {
	uint64_t book_msgs;             /* 46 */
	uint64_t trade_msgs;            /* 48 */
	uint64_t trade_entries;
	uint64_t volume_msgs;           /* 37 */
	uint64_t status_msgs;           /* 30 */
	uint64_t definitions;           /* 54 on the incremental feed */
	uint64_t resets;                /* 4, one a channel */
	uint64_t snapshot_cycles;
	uint64_t snapshots;             /* 52 */
	uint64_t definition_cycles;
	uint64_t loop_definitions;      /* 54 on the definition loop */
};

struct tw_mdp3_gen {
	struct tw_mdp3_gen_params p;
	struct tw_mdp3_book *books;     /* the truth, nb_symbols */
	struct tw_mdp3_gen_inst *inst;  /* nb_symbols */
	struct tw_mdp3_loop snap[TW_GEN_MAX_CHANNELS];
	struct tw_mdp3_loop def[TW_GEN_MAX_CHANNELS];
	uint64_t ticks;                 /* since the open, for reset_after */
	bool reset_done;
	uint32_t trade_id;              /* MDTradeEntryID */
	struct tw_mdp3_gen_counters ctr;
};

/* 0, or -EINVAL for a size out of range. */
int tw_mdp3_gen_params_check(const struct tw_mdp3_gen_params *p);
size_t tw_mdp3_gen_memsize(const struct tw_mdp3_gen_params *p);
/* The model in mem (memsize bytes, 64-byte aligned); NULL on bad p. */
struct tw_mdp3_gen *tw_mdp3_gen_init(void *mem,
		const struct tw_mdp3_gen_params *p);

/* Instrument l's symbol (NUL-terminated, at most 20 bytes with it). */
void tw_mdp3_gen_symbol(uint32_t l, char *out, size_t len);

/* The ops of struct tw_protocol (e->proto_state: a struct tw_mdp3_gen). */
void tw_mdp3_emit_open(struct tw_emitter *e, uint64_t now, uint64_t send_ns);
void tw_mdp3_emit_ticks(struct tw_emitter *e, unsigned int n, uint64_t now,
		uint64_t now_ns, uint64_t first_ns, uint64_t step_ns);
/* The loops, between batches and after the end. */
void tw_mdp3_emit_idle(struct tw_emitter *e, uint64_t now);
void tw_mdp3_count_sent(struct tw_gen_counters *ctr, const uint8_t *m,
		uint16_t len);

/* ---- between the model (tw_mdp3_gen.c), its messages
 * (tw_mdp3_gen_msg.c) and its loops (tw_mdp3_gen_loop.c) ---- */

/* An entry of a book message (46) the model decided. */
struct tw_mdp3_gen_level {
	uint8_t side;                   /* enum tw_mdp3_side */
	uint8_t action;                 /* MDUpdateAction */
	uint8_t level;                  /* 1-based */
	int64_t px;
	int32_t qty;
	int32_t orders;
};

#define TW_MDP3_GEN_MAX_ENTRIES 40

/* A message of a tick: where it goes, when, with which flags. */
struct tw_mdp3_gen_out {
	struct tw_emitter *e;
	struct tw_mdp3_gen *g;
	uint16_t ch;
	uint64_t now;
	uint64_t send_ns;
};

/* Book entries (46) of instrument l, applied to the truth. */
void tw_mdp3_gen_book_msg(struct tw_mdp3_gen_out *o, uint32_t l,
		const struct tw_mdp3_gen_level *lv, unsigned int n, uint8_t mei);
/* Trades (48) of instrument l at px[i], qty[i] with orders[i] resting
 * there, aggressor 1 buy 2 sell. */
void tw_mdp3_gen_trade_msg(struct tw_mdp3_gen_out *o, uint32_t l,
		const struct tw_mdp3_level *taken, unsigned int n,
		uint8_t aggressor, uint8_t mei);
/* The volume (37) of instrument l. */
void tw_mdp3_gen_volume_msg(struct tw_mdp3_gen_out *o, uint32_t l,
		uint8_t mei);
/* The definition (54) of l into the incremental feed, into the truth. */
void tw_mdp3_gen_definition_msg(struct tw_mdp3_gen_out *o, uint32_t l);
/* Security status (30) of l: open. */
void tw_mdp3_gen_status_msg(struct tw_mdp3_gen_out *o, uint32_t l);
/* ChannelReset (4) of o->ch, every book of it emptied. */
void tw_mdp3_gen_reset_msg(struct tw_mdp3_gen_out *o);
/* A definition's bytes (54) at root (after the SBE header): its length. */
uint16_t tw_mdp3_gen_definition_len(void);
void tw_mdp3_gen_definition_put(const struct tw_mdp3_gen *g, uint32_t l,
		uint8_t *sbe, uint64_t send_ns);
/* A snapshot's length and bytes (52) of l at last_seq. */
uint16_t tw_mdp3_gen_snapshot_len(const struct tw_mdp3_book *b);
void tw_mdp3_gen_snapshot_put(const struct tw_mdp3_gen *g, uint32_t l,
		uint8_t *sbe, uint32_t last_seq, uint32_t tot, uint64_t send_ns);

/* Instrument l's DisplayFactor (Decimal9). */
int64_t tw_mdp3_gen_display(uint32_t l);
/* The ChannelReset of every channel of the emitter, books rebuilt. */
void tw_mdp3_gen_reset(struct tw_emitter *e, uint64_t now, uint64_t send_ns);

/* Instrument l's book, refilled to the depth around its mid (a session's
 * open, after a reset): New entries. */
void tw_mdp3_gen_build(struct tw_mdp3_gen_out *o, uint32_t l, double price);

#endif /* TW_MDP3_GEN_H */
