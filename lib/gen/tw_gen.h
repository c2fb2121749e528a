/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Synthetic feed generator: price model and packet building.
 *
 * Owns: the per-symbol geometric Brownian motion, the random streams
 * (same seed, same feed), the symbol activity law (uniform or Zipf), the
 * quote/trade mix, and the building of whole frames (headers, MoldUDP64
 * framing, message blocks, lengths, checksums) into caller memory.
 * Never touches: mbufs, ports, clocks (the caller passes times in), or
 * allocation: state lives in memory the caller provides.
 */
#ifndef TW_GEN_H
#define TW_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_common.h>

#include "tw_proto.h"
#include "tw_simd.h"

/* ---- random streams ---- */

struct tw_rng {
	uint64_t s[4];          /* xoshiro256** state */
	double spare;           /* second normal variate of the last pair */
	bool has_spare;
};

void tw_rng_seed(struct tw_rng *r, uint64_t seed);
uint64_t tw_rng_u64(struct tw_rng *r);
double tw_rng_uniform(struct tw_rng *r);        /* [0, 1) */
double tw_rng_normal(struct tw_rng *r);         /* N(0, 1) */

/* ---- price model ---- */

enum tw_activity {
	TW_ACTIVITY_UNIFORM,
	TW_ACTIVITY_ZIPF,       /* locate 0 is the most active */
};

struct tw_gen_params {
	uint32_t nb_symbols;
	uint16_t nb_channels;   /* symbol locate L rides channel L % n */
	uint64_t seed;
	uint8_t quote_pct;      /* share of quotes in the tick mix, 0..100 */
	enum tw_activity activity;
	double zipf_s;          /* Zipf exponent */
	double drift;           /* annualised mu */
	double volatility;      /* annualised sigma */
	double dt;              /* model time per tick of a symbol, years */
	double init_price;
	uint8_t price_decimals;
};

struct tw_gen_symbol {
	double price;
	char ticker[TW_TICKER_LEN];
};

/*
 * The random streams of the price model: eight xoshiro256** lanes, so
 * a block of ticks is drawn with vector operations at any SIMD level
 * and the same seed gives the same feed at every level.
 */
#define TW_GEN_LANES 8
#define TW_GEN_BLOCK (2 * TW_GEN_LANES)

struct tw_gen_lanes {
	uint64_t s[4][TW_GEN_LANES];    /* state word j of lane l: s[j][l] */
	double log_drift[TW_GEN_LANES]; /* (mu - sigma^2 / 2) dt, per lane */
	double log_vol[TW_GEN_LANES];   /* sigma sqrt(dt), per lane */
} __rte_aligned(64);

/*
 * What the vector kernel draws for TW_GEN_BLOCK ticks; tick i uses
 * entry i of each array. Lane l gives ticks l and l + TW_GEN_LANES.
 */
struct tw_gen_block {
	double mult[TW_GEN_BLOCK];      /* GBM multiplier exp(drift + vol z) */
	uint64_t pick[TW_GEN_BLOCK];    /* chooses the symbol */
	uint64_t misc[TW_GEN_BLOCK];    /* type, sizes, side */
} __rte_aligned(64);

typedef void (*tw_gen_fill_t)(struct tw_gen_lanes *st,
		struct tw_gen_block *out);

/*
 * One channel's random stream. Every channel draws its ticks from its
 * own stream (seeded from the seed and the channel), so a channel's
 * messages are the same whichever lcore draws them and however many
 * generator lcores share the channels.
 */
struct tw_gen_stream {
	struct tw_gen_lanes lanes;
	struct tw_gen_block blk;
	uint32_t blk_pos;       /* next unused tick of blk */
	uint32_t nb_sym;        /* its symbols: locates c, c + n, c + 2n... */
	double share;           /* its share of the feed's ticks */
} __rte_aligned(64);

#define TW_GEN_MAX_CHANNELS 256

struct tw_gen {
	struct tw_gen_stream *stream;   /* per channel */
	tw_gen_fill_t fill;     /* the SIMD level's kernel */
	enum tw_simd simd;
	struct tw_gen_params p;
	struct tw_rng rng;      /* set-up draws (starting prices) */
	double price_scale;     /* 10^decimals */
	struct tw_gen_symbol *sym;
	/*
	 * Zipf: at locate L, the share of L's channel's ticks that go to
	 * that channel's locates up to L; NULL when uniform.
	 */
	double *cdf;
	struct tw_gen_sched *sched;     /* every channel, for tw_gen_next */
};

/* One generated tick, ready to encode. */
struct tw_tick {
	uint8_t type;           /* TW_MSG_QUOTE or TW_MSG_TRADE */
	uint16_t channel;
	union {
		struct tw_quote quote;
		struct tw_trade trade;
	};
};

/* Validates parameters: 0, or -EINVAL naming nothing (config names). */
int tw_gen_params_check(const struct tw_gen_params *p);
size_t tw_gen_memsize(const struct tw_gen_params *p);
/*
 * Lay out the generator in mem (tw_gen_memsize bytes, 64-byte aligned).
 * It starts at the scalar level.
 */
struct tw_gen *tw_gen_init(void *mem, const struct tw_gen_params *p);

/*
 * Draw blocks with this SIMD level's kernel from now on; every level
 * gives the same ticks bit for bit. -ENOTSUP when not built in.
 */
int tw_gen_set_simd(struct tw_gen *g, enum tw_simd level);

/* The directory entry of a symbol (ticker "TW" + 6 digits of locate). */
void tw_gen_directory(const struct tw_gen *g, uint32_t locate,
		struct tw_directory *d);

/*
 * Advance one symbol's price by one GBM step (one tick's multiplier of
 * the stream); returns the new price.
 */
double tw_gen_step(struct tw_gen *g, uint32_t locate);

/*
 * Channel ch's next draw from its own stream: the symbol, its price
 * after one GBM step, and 64 random bits for what the tick is (what
 * tw_gen_next_on and other protocols' models compose a tick from).
 */
void tw_gen_draw(struct tw_gen *g, uint16_t ch, uint32_t *locate,
		double *price, uint64_t *misc);

/* Channel ch's next tick from its own stream (send_ns = 0). */
void tw_gen_next_on(struct tw_gen *g, uint16_t ch, struct tw_tick *t);

/* The next tick of the whole feed (tw_gen's own schedule, no limit). */
void tw_gen_next(struct tw_gen *g, struct tw_tick *t);

static inline uint16_t
tw_gen_channel_of(const struct tw_gen *g, uint32_t locate)
{
	return (uint16_t)(locate % g->p.nb_channels);
}

/*
 * Ticks of a count-limited feed (count in all) that fall to channel
 * ch: its share, the rounding remainder going one each to the lowest
 * channels. The same whatever lcore draws the channel.
 */
uint64_t tw_gen_channel_count(const struct tw_gen *g, uint64_t count,
		uint16_t ch);

/* ---- a schedule over some channels (one generator lcore's) ---- */

/*
 * Which channel the next ticks go to: stride scheduling by share (the
 * channel furthest behind its share goes next), so each channel gets
 * its share of the ticks whatever the other lcores do, and with a
 * count each channel stops at exactly tw_gen_channel_count.
 */
struct tw_gen_sched {
	uint16_t nb;
	uint16_t ch[TW_GEN_MAX_CHANNELS];
	double stride[TW_GEN_MAX_CHANNELS];     /* 1 / share */
	double pass[TW_GEN_MAX_CHANNELS];       /* virtual time */
	uint64_t left[TW_GEN_MAX_CHANNELS];     /* ticks still to come */
	uint64_t total;         /* when limited: the sum of left */
	bool limited;           /* a count was given */
	double share;           /* of the feed's ticks, these channels */
};

/*
 * Schedule channels ch[0..nb) of g; count is the whole feed's tick
 * limit (0: none), of which these channels take their part. -EINVAL
 * for no channel, too many, or one outside the feed.
 */
int tw_gen_sched_init(struct tw_gen_sched *s, const struct tw_gen *g,
		const uint16_t *ch, uint16_t nb, uint64_t count);

/* Runs handed out at most this long: a frame's locality, one block. */
#define TW_GEN_RUN TW_GEN_BLOCK

/*
 * The channel of the next run of ticks, at most max long: returns the
 * run's length (0 when every channel has had its count) with the
 * channel in *ch.
 */
static inline unsigned int
tw_gen_sched_next(struct tw_gen_sched *s, unsigned int max, uint16_t *ch)
{
	unsigned int i, best = UINT16_MAX, run;

	for (i = 0; i < s->nb; i++)
		if (s->left[i] != 0 &&
		    (best == UINT16_MAX || s->pass[i] < s->pass[best]))
			best = i;
	if (best == UINT16_MAX)
		return 0;
	run = RTE_MIN(max, (unsigned int)TW_GEN_RUN);
	if (s->left[best] < run)
		run = (unsigned int)s->left[best];
	if (s->limited) {
		s->left[best] -= run;
		s->total -= run;
	}
	s->pass[best] += s->stride[best] * run;
	*ch = s->ch[best];
	return run;
}

/* ---- pacing ---- */

/* Ticks a generator draws between two looks at the clock. */
#define TW_GEN_BATCH 32

/* A target rate as a schedule of due times, in TSC cycles. */
struct tw_pace {
	uint64_t next_due;      /* due time of the next tick */
	uint64_t period;        /* cycles per tick, >= 1 */
};

static inline void
tw_pace_init(struct tw_pace *p, uint64_t start, uint64_t period)
{
	p->next_due = start;
	p->period = period ? period : 1;
}

/*
 * The ticks due by now, at most max: returns how many, with the first
 * one's due time in *first_due (tick k is due first_due + k * period)
 * and in *behind how many were due beyond max (0 when on time). Ticks a
 * stall delayed keep their own due times, never now: measuring from
 * them charges the stall to the ticks it held up, as a market would
 * (no coordinated omission).
 */
static inline unsigned int
tw_pace_due(struct tw_pace *p, uint64_t now, unsigned int max,
		uint64_t *first_due, uint64_t *behind)
{
	uint64_t due;
	unsigned int n;

	*first_due = p->next_due;
	*behind = 0;
	if (now < p->next_due)
		return 0;
	due = (now - p->next_due) / p->period + 1;
	n = due > max ? max : (unsigned int)due;
	*behind = due - n;
	p->next_due += (uint64_t)n * p->period;
	return n;
}

/* What [faults] did to one line's data frames (lib/faults). */
struct tw_fault_counters {
	uint64_t lost;          /* frames not sent */
	uint64_t lost_msgs;     /* messages in them */
	uint64_t dup;           /* frames sent a second time */
	uint64_t reordered;     /* frames sent behind the next one (counted
				 * by the sender, which does the swap) */
	uint64_t corrupted;     /* frames with a flipped bit */
};

/* Generator lcore counters; written only by the generator lcore. */
/* Room for the request server's verdicts (lib/moldudp64 checks it). */
#define TW_GEN_REQUEST_VERDICTS 11

struct tw_gen_counters {
	uint64_t ticks;         /* quotes + trades */
	uint64_t quotes;
	uint64_t trades;
	uint64_t directories;
	uint64_t events;        /* other session messages (ITCH S) */
	uint64_t other_msgs;    /* replayed, of no kind the protocol sends */
	uint64_t truth_refused; /* messages its own truth refused (a bug) */
	uint64_t heartbeats;
	uint64_t end_of_session;
	uint64_t end_repeats;   /* the end sent again behind a reply */
	uint64_t pkts;          /* frames handed to the port */
	uint64_t bytes;
	uint64_t tx_retries;    /* tx_burst calls that left frames behind */
	uint64_t tx_dropped;    /* frames given up after the retry budget */
	uint64_t msgs_dropped;  /* messages inside those frames */
	uint64_t mbuf_alloc_failed;
	uint64_t late_ticks;    /* paced ticks sent after their due time */
	uint64_t mirror_pkts;   /* frames also sent on the mirror port */
	uint64_t mirror_dropped; /* frames the mirror port refused */
	uint64_t orders_requested; /* quotes that asked for an order */
	uint64_t orders_matched;   /* answered, round trip timed once */
	uint64_t orders_duplicate; /* answers already matched */
	uint64_t orders_stale;     /* answers to no current request */
	uint64_t orders_lost;      /* requests never answered */
	uint64_t orders_invalid;   /* frames on the back queue: neither an
				    * order nor a request */
	/* [faults] done to the data frames of line A and line B (lib/
	 * recovery tw_faults counts here; the sender counts reorders). */
	struct tw_fault_counters faults[2];
	uint64_t line_b_pkts;      /* frames sent on line B */
	uint64_t faults_lost_both;  /* data frames lost on both lines */
	/* The request server, by verdict (enum tw_request_verdict). */
	uint64_t requests[TW_GEN_REQUEST_VERDICTS];
	uint64_t retrans_pkts;     /* frames served to requesters */
	uint64_t retrans_msgs;
	uint64_t snapshots_served; /* channel states sent on request */
	uint64_t snapshot_msgs;    /* symbols in them */
	uint64_t request_bytes;    /* request frames taken in, bytes */
	uint64_t reply_bytes;      /* reply frames sent, bytes */
	uint64_t requests_cut;     /* served in part: max_packets or budget */
} __rte_cache_aligned;

#endif /* TW_GEN_H */
