/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MoldUDP64 re-requests, both sides: the request frame a receiver sends
 * for a range it missed, and the server's verdict on one it receives.
 *
 * A request is a UDP datagram holding exactly the 20-byte MoldUDP64
 * header: session, the first sequence number wanted, how many. Channel
 * c's server listens on UDP port request_port + c (MoldUDP64 has no
 * channel field; each stream has its own request port, as exchanges
 * run them). Replies are ordinary downstream packets, unicast to the
 * requester's address and port, from port request_port + c.
 *
 * Owns: the request's frame layout, parsing a received one, the server's
 * admission rules (session, sequence, window, source subnet, a rate per
 * source) and their counters.
 * Never touches: mbufs, ports, the store's content (tw_store.h).
 */
#ifndef TW_REQUEST_H
#define TW_REQUEST_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "tw_gen.h"
#include "tw_proto.h"

struct tw_request {
	uint16_t channel;
	char session[TW_MOLD_SESSION_LEN];
	uint64_t seq;
	uint16_t count;
	struct rte_ether_addr src_mac;
	uint32_t src_ip;        /* host order */
	uint32_t dst_ip;        /* host order: whom it asks */
	uint16_t src_port;      /* host order */
};

/* Room a request frame needs (untagged, like the orders). */
#define TW_REQUEST_FRAME_LEN (TW_ETH_HDR_LEN + TW_IPV4_HDR_LEN + \
	TW_UDP_HDR_LEN + TW_MOLD_HDR_LEN)

/*
 * Build the request r for channel r->channel into buf: from r->src_*
 * to dst_mac / dst_ip, UDP port request_port + channel, checksums set.
 * Returns the frame length.
 */
uint16_t tw_request_frame(uint8_t *buf, const struct tw_request *r,
		const struct rte_ether_addr *dst_mac, uint32_t dst_ip,
		uint16_t request_port);

/*
 * Recognise a request frame: untagged IPv4 (header length 5, not a
 * fragment) and UDP to port request_port + c, c < nb_channels. 0 with
 * *r filled; -ENOENT when it is no request (another protocol or port:
 * not ours to judge); -EINVAL when it is one but malformed (lengths,
 * checksums, a payload that is not exactly a MoldUDP64 header).
 */
int tw_request_from_frame(const uint8_t *frame, uint32_t len,
		uint16_t request_port, uint16_t nb_channels,
		struct tw_request *r);

/* What the server did with a request. Names in tw_request_verdict_name. */
enum tw_request_verdict {
	TW_REQ_SERVED,          /* replied (maybe fewer than asked) */
	TW_REQ_MALFORMED,
	TW_REQ_BAD_SOURCE,      /* outside the configured client subnet */
	TW_REQ_RATE_LIMITED,    /* over the per-source rate */
	TW_REQ_BAD_SESSION,     /* another session's */
	TW_REQ_BAD_SEQ,         /* sequence 0, or a count of 0 */
	TW_REQ_FUTURE,          /* nothing sent there yet */
	TW_REQ_EXPIRED,         /* before the store's window */
	TW_REQ_NO_MBUF,         /* no memory to reply: try again */
	TW_REQ_OVER_BUDGET,     /* the server's reply budget is spent */
	TW_REQ_OTHER_SERVER,    /* addressed to another server's address */
	TW_REQ_MAX
};

_Static_assert(TW_REQ_MAX <= TW_GEN_REQUEST_VERDICTS,
	"the generator's counters hold every verdict");

const char *tw_request_verdict_name(enum tw_request_verdict v);

/*
 * Sources the server tracks at once, each in its own slot (a source is
 * looked for in TW_RATE_WAYS slots from its hash). A new source takes a
 * slot whose budget is whole again; when every slot it may take holds a
 * source still spending its budget, the new one is refused, so sources
 * never share or reset each other's budget, and a flood of spoofed
 * sources cannot push a real one out.
 */
#define TW_RATE_SLOTS 1024
#define TW_RATE_WAYS 8

/*
 * Request rates, as a generic cell rate algorithm: a source may send
 * `burst` requests at once, then one per interval; and all sources
 * together as many as the total rate allows (rotating spoofed sources
 * do not escape it).
 */
struct tw_rate_limit {
	uint64_t interval;      /* TSC cycles per request; 0: no limit */
	uint64_t tolerance;     /* (burst - 1) * interval */
	uint64_t total_interval; /* the same over all sources; 0: none */
	uint64_t total_tolerance;
	uint64_t total_tat;
	uint64_t no_slot;       /* refused: every slot busy */
	struct {
		uint32_t ip;
		uint32_t used;  /* 0: free (0.0.0.0 is a source too) */
		uint64_t tat;   /* theoretical arrival time */
	} slot[TW_RATE_SLOTS];
};

void tw_rate_limit_init(struct tw_rate_limit *rl, uint64_t hz,
		uint32_t per_s, uint32_t burst);

/* Over all sources: total_per_s requests a second (0: no total). */
void tw_rate_limit_total(struct tw_rate_limit *rl, uint64_t hz,
		uint32_t total_per_s, uint32_t burst);

/* May ip send a request now? Counts it when yes. */
bool tw_rate_limit_allow(struct tw_rate_limit *rl, uint32_t ip,
		uint64_t now);

/*
 * What the server may send in reply, whatever asks: bytes a second over
 * all replies (a token bucket of `burst` bytes), so no request load,
 * spoofed or not, turns it into an amplifier or starves the live feed.
 */
struct tw_reply_budget {
	uint64_t hz;
	uint64_t bytes_per_s;   /* 0: no cap */
	uint64_t depth;         /* burst, in cycles of credit */
	uint64_t tat;
	uint64_t bytes;         /* sent within the budget */
	uint64_t refused;       /* replies refused for it */
};

void tw_reply_budget_init(struct tw_reply_budget *b, uint64_t hz,
		uint64_t bytes_per_s, uint64_t burst_bytes);

/* May a reply of len bytes go now? Spends them when yes. */
bool tw_reply_budget_take(struct tw_reply_budget *b, uint32_t len,
		uint64_t now);

/* The server's rules, applied in this order. */
struct tw_request_rules {
	char session[TW_MOLD_SESSION_LEN];
	uint32_t server_ip;     /* host order: requests to another address
				 * are another server's; 0: any */
	uint32_t client_net;    /* host order; with client_mask */
	uint32_t client_mask;   /* 0: any source */
	uint32_t max_count;     /* messages served per request at most */
	uint32_t max_packets;   /* reply packets per request at most */
};

/*
 * Judge r against the rules, the rate and the window [first, end) of
 * its channel: TW_REQ_SERVED with *count the messages to serve (capped
 * by max_count and end), or why not.
 */
enum tw_request_verdict tw_request_judge(const struct tw_request_rules *rules,
		struct tw_rate_limit *rl, const struct tw_request *r,
		uint64_t first, uint64_t end, uint64_t now, uint32_t *count);

/*
 * The same rules for a snapshot request (the first four: address,
 * source, rate, session; its sequence and count are not looked at).
 */
enum tw_request_verdict tw_request_judge_snapshot(
		const struct tw_request_rules *rules, struct tw_rate_limit *rl,
		const struct tw_request *r, uint64_t now);

#endif /* TW_REQUEST_H */
