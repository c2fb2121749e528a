/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RX frame validation and feed decoding.
 *
 * Owns: the verdict on every received frame (each layer checked, each
 * drop counted under its reason), the decode of message blocks, and the
 * application of accepted messages to the cache.
 * Never touches: ports, queues, mempools (the caller polls and frees),
 * or another lcore's counters and channel states.
 *
 * A frame is validated whole before any byte of it reaches the cache:
 * a bad frame never writes to the cache.
 */
#ifndef TW_PARSE_H
#define TW_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_mbuf_core.h>
#include <rte_reciprocal.h>

#include "tw_cache.h"
#include "tw_feed.h"
#include "tw_hist.h"
#include "tw_order.h"
#include "tw_proto.h"
#include "tw_simd.h"

/* Why a frame was dropped. Names in tw_rx_drop_name(). */
enum tw_rx_drop {
	TW_DROP_RUNT,           /* shorter than the headers it claims */
	TW_DROP_SEGMENTED,      /* frame spread over several mbufs */
	TW_DROP_NOT_IPV4,       /* ethertype is not IPv4 */
	TW_DROP_BAD_VLAN,       /* tag absent, unexpected, stacked or other VID */
	TW_DROP_BAD_ETH_DST,    /* destination MAC is not the group's */
	TW_DROP_BAD_IP_VERSION,
	TW_DROP_BAD_IP_HDR_LEN,
	TW_DROP_BAD_IP_TOTAL_LEN,
	TW_DROP_IP_FRAGMENT,
	TW_DROP_BAD_IP_CSUM,
	TW_DROP_NOT_UDP,
	TW_DROP_BAD_UDP_LEN,
	TW_DROP_BAD_UDP_CSUM,
	TW_DROP_NOT_SUBSCRIBED, /* group:port is not one of our channels */
	TW_DROP_BAD_MOLD_HDR,   /* UDP payload shorter than MoldUDP64 header */
	TW_DROP_BAD_SESSION,
	TW_DROP_BAD_MSG_LEN,    /* block overruns, wrong size, trailing bytes */
	TW_DROP_BAD_MSG_TYPE,
	TW_DROP_BAD_LOCATE,     /* locate beyond the cache */
	TW_DROP_DUPLICATE,      /* every message already seen */
	TW_DROP_WRONG_CHANNEL,  /* a symbol of another channel (locate % n) */
	TW_DROP_NOT_OWNER,      /* channel served by another RX lcore */
	TW_DROP_SEQ_FAR,        /* far ahead (> max_gap), not continued */
	TW_DROP_BAD_SEQ,        /* sequence 0 or above TW_SEQ_MAX */
	TW_DROP_BAD_END,        /* end of session not at the expected seq */
	TW_DROP_AFTER_END,      /* the channel's session has ended */
	TW_DROP_DIR_REMAP,      /* directory renames a named locate */
	TW_DROP_DIR_TICKER_TAKEN, /* directory ticker names another locate */
	TW_DROP_DIR_BAD_TICKER, /* ticker not printable ASCII, or blank */
	TW_DROP_DIR_BAD_DECIMALS, /* price decimals above 18 */
	TW_DROP_DIR_INDEX_FULL, /* ticker index probe bound reached */
	TW_DROP_TRUNCATED,      /* datagram cut by the kernel (MSG_TRUNC) */
	TW_DROP_SNAPSHOT_UNASKED, /* a snapshot the channel did not ask for */
	TW_DROP_RECOVERY_SOURCE, /* a fill or snapshot not from the server */
	TW_DROP_FILL_UNASKED,   /* a fill for a channel missing nothing */
	TW_DROP_SNAPSHOT_FAR,   /* a snapshot past what the feed has shown */
	TW_DROP_OVER_MTU,       /* an IP datagram larger than [feed] mtu */
	TW_DROP_BAD_XPORT_HDR,  /* UDP payload shorter than another
				 * transport's header (MDP 3.0's) */
	/* CME MDP 3.0's messages (lib/mdp3): */
	TW_DROP_MDP3_BLOCK_SHORT, /* a root block or group entry shorter
				   * than its template's fields */
	TW_DROP_MDP3_GROUP_OVER, /* a group's dimension or entries past
				  * the message (its count too large) */
	TW_DROP_MDP3_BAD_SCHEMA, /* a schemaId other than 1 */
	TW_DROP_MDP3_BAD_VERSION, /* a schema version before 9 */
	TW_DROP_MAX
};

const char *tw_rx_drop_name(enum tw_rx_drop reason);

/* Reasons a book refuses a message (lib/itch enum tw_book_verdict). */
#define TW_RX_BOOK_REASONS 9
/* Reasons an MDP 3.0 book refuses an entry (lib/mdp3 enum
 * tw_mdp3_book_verdict). */
#define TW_RX_MDP3_BOOK_REASONS 8

/* Per-lcore counters; written only by their lcore. */
struct tw_rx_counters {
	/* First: the one field not summed over lcores (the largest is
	 * taken); every field after it is a u64 summed, wherever it goes. */
	uint64_t lat_max_ns;
	uint64_t pkts;          /* frames polled */
	uint64_t bytes;
	uint64_t pkts_accepted; /* frames that passed every check */
	uint64_t msgs;          /* messages applied to the cache */
	uint64_t quotes;
	uint64_t trades;
	uint64_t directories;
	uint64_t heartbeats;
	uint64_t end_of_session;
	/*
	 * Frames whose headers the scalar reference checked: all of them at
	 * the scalar level; at a SIMD level only those off the fast path
	 * (shorter than TW_RX_TMPL_LEN, or failing some check).
	 */
	uint64_t scalar_checked;
	uint64_t late_saturated; /* samples with no actual send time */
	uint64_t orders_sent;   /* tick-to-trade answers sent */
	uint64_t orders_dropped; /* answers the port refused, no mbuf, or
				  * past the burst's reply capacity */
	uint64_t orders_refused; /* asked from a source that is not a
				  * valid unicast MAC and IPv4 address */
	uint64_t drops[TW_DROP_MAX];
	uint64_t lat_samples;   /* one per accepted data packet */
	uint64_t lat_negative;  /* stamped after arrival: clocks disagree */
	uint64_t lat_out_of_range; /* older than max_latency: not recorded */
	uint64_t lat_not_send;  /* stamped with a session clock, not a send
				 * time: no sample ([feed] no_send_stamps) */
	uint64_t sessions_started; /* new sessions after a channel's first */
	/* Per line (A, B) when there are two: frames of the line that
	 * passed the header checks, that applied first, that came second. */
	uint64_t line_pkts[2];
	uint64_t line_won[2];
	uint64_t line_dups[2];
	uint64_t line_led[2];   /* of the frames that came twice, first */
	uint64_t gaps_open;     /* over this context's channels */
	uint64_t asks_now;      /* ever: a new gap, or the rest of one whose
				 * reply is in: asked for at once */
	uint64_t snaps_wanted;  /* channels waiting for a snapshot now */
	uint64_t retrans_pkts;  /* retransmitted frames accepted */
	uint64_t end_repeats;   /* ends of session sent again, taken once */
	/*
	 * Order-level feeds (ITCH 5.0, lib/itch): messages a book took,
	 * those it refused by reason (enum tw_book_verdict; [0] unused),
	 * known types that touch no book, unknown types skipped.
	 */
	uint64_t book_msgs;
	uint64_t book_refused[TW_RX_BOOK_REASONS];
	/* Its books' own counts, never refused for (copied from them as
	 * packets apply): price levels kept out of the ladders (in a
	 * side's overflow), ladders grown to a larger block. */
	uint64_t book_levels_ovf;
	uint64_t book_ladders_grown;
	uint64_t held_msgs;     /* past a gap: not applied, asked for again */
	uint64_t other_msgs;
	uint64_t unknown_msgs;
	uint64_t lat_sum_ns;
	/*
	 * CME MDP 3.0 (lib/mdp3): entries its books refused by reason
	 * (enum tw_mdp3_book_verdict; [0] unused), each one's instrument
	 * then stale until its snapshot; and the rest of its message
	 * layer and recovery (docs/protocol.md, "CME MDP 3.0").
	 */
	uint64_t mdp3_refused[TW_RX_MDP3_BOOK_REASONS];
	uint64_t mdp3_unknown_instrument; /* a SecurityID never defined */
	uint64_t mdp3_foreign_instrument; /* outside the cache, or of
					   * another channel */
	uint64_t mdp3_rptseq_jumps;     /* an instrument's RptSeq skipped */
	uint64_t mdp3_rptseq_old;       /* at or below the book's: ignored */
	uint64_t mdp3_stale_skipped;    /* entries of an instrument waiting
					 * for its snapshot */
	uint64_t mdp3_implied_skipped;  /* implied ('E', 'F') entries */
	uint64_t mdp3_definitions;      /* instruments defined */
	uint64_t mdp3_def_repeated;     /* a definition known already */
	uint64_t mdp3_def_outside;      /* a SecurityID outside the cache */
	uint64_t mdp3_def_refused;      /* the cache's directory refused it */
	uint64_t mdp3_volumes;          /* volume entries applied */
	uint64_t mdp3_status;           /* security status messages */
	uint64_t mdp3_resets;           /* ChannelResets applied */
	uint64_t mdp3_reset_in_recovery; /* ... while instruments were stale */
	uint64_t mdp3_recoveries;       /* recoveries begun: a packet gap,
					 * a RptSeq jump, a refused entry */
	uint64_t mdp3_recovered;        /* instruments recovered from a
					 * snapshot */
	uint64_t mdp3_loop_pkts;        /* snapshot and definition loop
					 * packets taken */
	uint64_t mdp3_loop_idle;        /* snapshot loop packets of a
					 * channel not recovering */
	uint64_t mdp3_snap_unneeded;    /* of an instrument not stale */
	uint64_t mdp3_snap_unknown;     /* of an instrument never defined */
	uint64_t mdp3_snap_future;      /* LastMsgSeqNumProcessed past what
					 * the incremental feed has shown */
	uint64_t mdp3_snap_old;         /* older than what was skipped and
					 * not brought up by what was held */
	uint64_t mdp3_held;             /* entries of stale instruments kept */
	uint64_t mdp3_held_lost;        /* the oldest, past the channel's
					 * TW_MDP3_HELD_MAX */
	uint64_t mdp3_replayed;         /* held entries applied after their
					 * instrument's snapshot or copy */
	uint64_t mdp3_waits;            /* instruments that jumped while a
					 * packet was missing on one line */
	uint64_t mdp3_waits_covered;    /* ... and caught up from the other
					 * line's copy */
	uint64_t mdp3_fill_resets;      /* a ChannelReset came late, on the
					 * other line: the channel stale */
	uint64_t mdp3_snap_refused;     /* its levels refused by the book */
} __rte_cache_aligned;

/*
 * Per symbol, the sequence numbers of the last quote and trade applied
 * while a gap was open on its channel: what lets a late message (a fill)
 * know whether newer state is already in the cache entry. Written only
 * while the channel has gaps, so the loss-free path never touches it.
 */
struct tw_rx_side {
	uint64_t quote_seq;
	uint64_t trade_seq;
	uint64_t snap_seq;      /* the snapshot that holds it (staged) */
	/*
	 * Its state in that snapshot, put into the cache once the whole
	 * snapshot is in: then every symbol of the channel goes back to
	 * the snapshot's sequence at once, and what followed is asked for
	 * again from there (the live feed applied meanwhile).
	 */
	struct tw_snapshot staged;
};

/* Most channels one feed may have (the config's limit too). */
#define TW_RX_MAX_CHANNELS 256

/*
 * The first TW_RX_TMPL_LEN bytes of a channel's frames as they must be,
 * under a mask: destination MAC, ethertype (and VID), IPv4 version and
 * header length 5, no fragment bits, protocol UDP, group, destination
 * port, MoldUDP64 session. The SIMD levels compare a frame against it in
 * one to four vector operations; anything that differs goes through the
 * scalar checks, which name the reason.
 */
#define TW_RX_TMPL_LEN 64

struct tw_rx_hdr_tmpl {
	uint8_t want[TW_RX_TMPL_LEN];   /* already masked */
	uint8_t mask[TW_RX_TMPL_LEN];
} __rte_aligned(64);

/* What an RX lcore subscribes to; shared read-only by all RX lcores. */
struct tw_rx_feed {
	char session[TW_MOLD_SESSION_LEN];
	bool session_any;       /* adopt each channel's session (auto) */
	uint32_t group_base;    /* channel c is group_base + c (host order) */
	uint16_t nb_channels;
	uint16_t udp_port;      /* host order */
	uint16_t vlan;          /* expected VID; 0 = untagged frames */
	uint16_t l2_len;        /* set by tw_rx_feed_prepare */
	uint64_t max_gap;       /* largest jump taken unconfirmed (messages) */
	uint64_t session_idle_ns; /* silence after which a session may restart */
	uint64_t max_latency_ns; /* samples above are counted, not recorded */
	/* The feed's timestamps are not send times (a session clock): no
	 * latency samples from them, counted as lat_not_send. */
	bool no_send_stamps;
	/* Recovery: gaps are tracked by contexts that have a side table. */
	bool rerequest;         /* ask the channel's server for gaps */
	uint16_t request_port;  /* channel c's server: request_port + c */
	uint16_t snapshot_port; /* its snapshots: snapshot_port + c; 0: none */
	uint32_t unicast_ip;    /* ours: where retransmissions come to */
	/*
	 * The request and snapshot servers: fills and snapshots are taken
	 * only from server_ip (host order; the feed's source by default),
	 * and from server_mac when one is set; requests go there.
	 */
	uint32_t server_ip;
	uint8_t server_mac[6];
	bool server_mac_set;
	uint16_t max_ip_len;    /* [feed] mtu: longer datagrams are refused */
	uint64_t gap_timeout_ns; /* between requests for one gap */
	uint32_t gap_retries;   /* requests after the first; then given up */
	uint64_t hold_max_ns;   /* hold_back: a held gap gives up after this */
	uint32_t hold_max_pkts; /* ... or this many packets held back */
	uint16_t request_max;   /* messages asked for at most per request */
	uint16_t reply_max_pkts; /* packets the server answers a request with
				  * at most ([recovery] max_packets) */
	/*
	 * Two lines: line B's channel c is group_b + c, its templates at
	 * tmpl[nb_channels + c]; the first copy of a frame applies.
	 */
	uint8_t lines;
	uint32_t group_b;
	uint64_t ab_wait_ns;    /* a gap waits this long for the other line */
	/*
	 * An order-level feed (ITCH): nothing past a gap applies before
	 * it is filled; a gap given up moves the channel past it.
	 */
	bool hold_back;
	/*
	 * CME MDP 3.0's loops (host order, 0: none): channel c's snapshot
	 * loop at snap_group + c, its definition loop at def_group + c.
	 * Their frames come through the reference checks (no template)
	 * with view->loop set.
	 */
	uint32_t snap_group;
	uint32_t def_group;
	struct rte_reciprocal chan_div; /* locate % nb_channels, fast */
	struct tw_rx_hdr_tmpl tmpl[TW_RX_MAX_CHANNELS];
};

/* The defaults of max_gap, session_idle_ns and max_latency_ns. */
#define TW_RX_MAX_GAP_DEFAULT 1024
#define TW_RX_SESSION_IDLE_NS_DEFAULT (UINT64_C(1000) * 1000000)
#define TW_RX_MAX_LATENCY_NS_DEFAULT (UINT64_C(10) * 1000000000)

/*
 * Derive the header templates from the fields above (max_gap,
 * session_idle_ns and max_latency_ns get their defaults when 0). Call
 * once the fields are set, before any RX. -EINVAL for 0 or too many
 * channels.
 */
int tw_rx_feed_prepare(struct tw_rx_feed *feed);

struct tw_rx_ctx;

typedef void (*tw_rx_burst_t)(struct tw_rx_ctx *ctx, struct rte_mbuf **pkts,
		uint16_t n, uint64_t now_ns);

/* One RX lcore's view: its counters, its channel states, its cache. */
struct tw_rx_ctx {
	const struct tw_rx_feed *feed;
	struct tw_cache *cache;
	struct tw_channel_state *channels; /* feed->nb_channels entries */
	struct tw_rx_counters *ctr;
	tw_rx_burst_t burst;    /* the chosen SIMD level's kernel */
	enum tw_simd simd;
	struct tw_hist *lat;    /* send -> poll (now_ns), per packet; or NULL */
	/*
	 * Each accepted data packet's last send_ns, for the caller to
	 * stamp once the burst is applied; NULL for none. Reset by the
	 * caller before each burst; at most sent_cap (>= burst size).
	 */
	uint64_t *sent;
	uint16_t *late;         /* and its lateness, TW_LATE_UNIT_NS units */
	uint16_t nb_sent;
	uint16_t sent_cap;
	/*
	 * Quotes of the burst that ask for an order (frames only, not
	 * datagrams); NULL: none are answered. The caller resets nb_replies.
	 */
	struct tw_order_reply *replies;
	uint16_t nb_replies;
	uint16_t reply_cap;
	const uint8_t *cur_frame;       /* the frame being applied */
	/*
	 * Recovery: with a side table (nb_symbols entries) gaps are kept
	 * per channel and filled by retransmissions and late copies; a
	 * gap given up marks its channel's symbols stale. NULL: gaps are
	 * counted only (tickwire-bench, the kernel receiver).
	 */
	struct tw_rx_side *side;
	struct tw_hist *fill_hist;      /* gap detected -> filled, or NULL */
	struct tw_hist *skew_hist;      /* two lines' skew, or NULL */
	/*
	 * The channels this context may write (bit c of owned[c / 64]):
	 * every channel after tw_rx_ctx_init; an RX lcore that shares its
	 * cache with others keeps only its own, so each cache entry has
	 * one writer whatever arrives on which port.
	 */
	uint64_t owned[TW_RX_MAX_CHANNELS / 64];
	/* The protocol's own state (ITCH: this lcore's books); or NULL. */
	void *proto_state;
};

/* Keep only the channels c < nb with own[c]. */
void tw_rx_ctx_own_channels(struct tw_rx_ctx *ctx, const bool *own,
		unsigned int nb);

/*
 * Fill a context and choose its SIMD level (one that tw_simd_resolve
 * returned). -ENOTSUP when the level is not built in.
 */
int tw_rx_ctx_init(struct tw_rx_ctx *ctx, const struct tw_rx_feed *feed,
		struct tw_cache *cache, struct tw_channel_state *channels,
		struct tw_rx_counters *ctr, enum tw_simd simd);

/*
 * The scalar reference for one frame: validate it and apply its
 * messages. ol_flags are the mbuf's RX offload flags (checksum verdicts
 * of the port, or 0). now_ns stamps the cache entries and the latency
 * sample. Every SIMD level gives exactly its result.
 */
void tw_rx_frame(struct tw_rx_ctx *ctx, const uint8_t *frame, uint32_t len,
		uint64_t ol_flags, uint64_t now_ns);

/*
 * The same for a UDP payload a kernel socket delivered for channel:
 * MoldUDP64 header and session, blocks, sequence, cache, with the same
 * counters and drop reasons (the kernel checked the layers below).
 */
void tw_rx_datagram(struct tw_rx_ctx *ctx, uint16_t channel,
		const uint8_t *payload, uint32_t len, uint64_t now_ns);

/*
 * Validate and apply a burst with the context's SIMD level; does not
 * free the mbufs. One latency sample per accepted data packet (its last
 * tick's send_ns against now_ns), never per message.
 */
static inline void
tw_rx_burst(struct tw_rx_ctx *ctx, struct rte_mbuf **pkts, uint16_t n,
		uint64_t now_ns)
{
	ctx->burst(ctx, pkts, n, now_ns);
}

/*
 * Where a request for [first, first + count) of channel goes: the
 * channel's server (ch->server_mac / server_ip), at request_port + c,
 * or with snapshot, a request for the channel's state at snapshot_port
 * + c (first and count 0). 0 when sent.
 */
typedef int (*tw_rx_request_t)(void *arg, uint32_t channel,
		const struct tw_channel_state *ch, uint64_t first,
		uint16_t count, bool snapshot);

/*
 * The recovery timers of the context's channels, at now_ns: (re)request
 * each open gap that is due through send (NULL: none is requested),
 * give up those past their last try. Cheap when ctr->gaps_open is 0.
 */
void tw_rx_recovery_poll(struct tw_rx_ctx *ctx, uint64_t now_ns,
		tw_rx_request_t send, void *arg);

#endif /* TW_PARSE_H */
