/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Wire protocols as ops tables, in two layers each chosen at start by
 * its name in the profile (as l3fwd chooses its lookup mode): the
 * transport ([feed] transport: how messages are framed into datagrams,
 * sequenced and recovered; MoldUDP64 today) and the message protocol
 * ([feed] protocol: what the messages say). A transport is its framing
 * and its receive layer (lib/moldudp64/tw_mold_rx.h, composed into each
 * protocol's burst at compile time) and what recovery it offers, as
 * data (struct tw_transport_caps). A message protocol is its framer
 * side (the messages that open a session and those of each tick, written
 * through lib/gen's MoldUDP64 framer), its burst parser (the RX kernels
 * per SIMD level and the datagram path of the kernel receiver), and what
 * it can do, as data (struct tw_protocol_caps). Ports, lcores, channels,
 * cache, stats and tools do not change with it: they ask the
 * capabilities, never the name.
 *
 * Owns: the registry (the list of protocols and their names), the
 * capabilities, and the checks of a profile against them.
 * Never touches: anything a protocol's functions do not; the profile's
 * values (lib/config checks those).
 */
#ifndef TW_PROTOCOL_H
#define TW_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_common.h>

#include "tw_config.h"
#include "tw_framer.h"
#include "tw_parse.h"

/* What a transport offers. Everything outside the registry asks these. */
struct tw_transport_caps {
	/* A gap can be asked for again (a request server re-sends). */
	bool rerequest;
	/* A channel's state can be asked for (a snapshot server). */
	bool snapshot_on_request;
	/* A channel's state cycles on a feed of its own (joined, not
	 * asked for). */
	bool snapshot_loop;
	/* Two lines of the same datagrams, arbitrated by sequence. */
	bool two_lines;
};

struct tw_transport {
	const char *name;
	struct tw_transport_caps caps;
	/* Its frames as the generator's framer writes them: the header
	 * after UDP, each message's prefix, the sequence (tw_mold_frame.h). */
	const struct tw_framing *framing;
};

/* What a protocol can do. Everything outside the registry asks these. */
struct tw_protocol_caps {
	/* Every message must apply in order (an order-level feed): what
	 * follows a gap is held back until the gap is filled. */
	bool in_order;
	/* A channel's state can be served and taken as a snapshot. */
	bool snapshots;
	/* Order books: the generator's truth and each RX lcore's. */
	bool books;
	/* Quotes can ask the receiver for an order (tick to trade). */
	bool tick_to_trade;
	/* Every frame again on line B ([feed] lines = 2). */
	bool two_lines;
	/* A capture of the feed can be replayed ([replay] file). */
	bool replay;
	/* Several generator lcores can share the feed. */
	bool several_gen_lcores;
	/* A day file can be sent instead of the model. */
	bool day_file;
	/* Its timestamps may be a session clock rather than the send time
	 * ([itch] timestamps = session): then no latency from them. */
	bool session_clock;
	/* Most symbols its messages can name. */
	uint32_t max_symbols;
};

/* What a protocol's model is made with beside the profile. */
struct tw_gen_model_env {
	int socket;                     /* its memory's (TW_SOCKET_ANY: any) */
	unsigned int index;             /* generator lcore index of nb */
	unsigned int nb;
	FILE *out;                      /* the feed recorded (--itch-out); or NULL */
};

struct tw_protocol {
	const char *name;
	struct tw_protocol_caps caps;
	/* The transports its receive bursts are composed with, by name,
	 * NULL-ended. */
	const char *const *transports;
	/* Generator: what opens a session (the symbol directory). */
	void (*gen_open)(struct tw_emitter *e, uint64_t now,
			uint64_t send_ns);
	/* Generator: n ticks, stamped as tw_emit_ticks says. */
	void (*gen_ticks)(struct tw_emitter *e, unsigned int n, uint64_t now,
			uint64_t now_ns, uint64_t first_ns, uint64_t step_ns);
	/* Generator: what closes a session before its end; or NULL. */
	void (*gen_close)(struct tw_emitter *e, uint64_t now,
			uint64_t send_ns);
	/* Generator: what cycles on its own (a transport's loops),
	 * between batches and after the session's end until the run's;
	 * or NULL. */
	void (*gen_idle)(struct tw_emitter *e, uint64_t now);
	/* Generator: one message sent as it is (a replay's), by kind. */
	void (*gen_count)(struct tw_gen_counters *ctr, const uint8_t *m,
			uint16_t len);
	/* RX: a context whose burst kernel is the SIMD level's. With
	 * caps.books, the caller makes each context's books with
	 * rx_state_create (ctx->proto_state) and the generator's model
	 * keeps its truth in its own (gen_model_create's). */
	int (*rx_init)(struct tw_rx_ctx *ctx, const struct tw_rx_feed *feed,
			struct tw_cache *cache,
			struct tw_channel_state *channels,
			struct tw_rx_counters *ctr, enum tw_simd simd);
	/*
	 * Generator: the model and its truth books (e->proto_state) for
	 * one generator lcore, from the profile; NULL with the file,
	 * section and key in err when it cannot be made. NULL op: the
	 * model needs nothing of its own (lib/gen's is the emitter's).
	 */
	void *(*gen_model_create)(const struct tw_config *cfg,
			const struct tw_gen_model_env *env, char *err,
			size_t errlen);
	/* Generator: the truth books' CSV row of symbol l (the header is
	 * books_csv_header's); or NULL. */
	void (*gen_books_csv_row)(const void *model, uint32_t l, FILE *f);
	/* Generator: the session is over; the messages recorded in env's
	 * out (it is whole now); or NULL. */
	uint64_t (*gen_model_end)(void *model);
	/* What env's out holds, for the log ("ITCH 5.0 day file"). */
	const char *recording;
	/* RX: one context's state (ctx->proto_state: its books) on
	 * socket, from the profile; NULL with the file, section and key
	 * in err. NULL op: none (caps.books says which protocols have). */
	void *(*rx_state_create)(const struct tw_config *cfg, int socket,
			char *err, size_t errlen);
	/* Books as CSV (--dump-books, --dump-truth-books): the header,
	 * and symbol l's row of an RX context's state (a symbol with no
	 * book writes none). */
	void (*books_csv_header)(FILE *f);
	void (*books_csv_row)(const void *rx_state, uint32_t l, FILE *f);
	/* RX: one UDP payload from a kernel socket (scalar); or NULL. */
	void (*rx_datagram)(struct tw_rx_ctx *ctx, uint16_t channel,
			const uint8_t *payload, uint32_t len, uint64_t now_ns);
};

/*
 * The registry is filled before main, from each protocol's and each
 * transport's own folder (as DPDK's drivers register with
 * RTE_PMD_REGISTER_*): one line beside its ops table,
 *
 *     TW_PROTOCOL_REGISTER(protocol_itch50);
 *
 * and its registration object linked whole into the binaries
 * (lib/meson.build's tw_protocols). Names are unique; at most
 * TW_REGISTRY_MAX of each.
 */
#define TW_REGISTRY_MAX 16

void tw_protocol_register(const struct tw_protocol *p);
void tw_transport_register(const struct tw_transport *t);

#define TW_PROTOCOL_REGISTER(p) \
	RTE_INIT(tw_protocol_register_##p) { tw_protocol_register(&(p)); }
#define TW_TRANSPORT_REGISTER(t) \
	RTE_INIT(tw_transport_register_##t) { tw_transport_register(&(t)); }

/* The transport of that name, or NULL. */
const struct tw_transport *tw_transport_find(const char *name);

/* The names of the registered transports, NULL-ended, sorted. */
const char *const *tw_transport_names(void);

/*
 * The profile's transport ([feed] transport) for protocol p: NULL with
 * the file, section and key in err when it is unknown, p is not built
 * on it, or the profile asks what it does not offer.
 */
const struct tw_transport *tw_transport_for(const struct tw_config *cfg,
		const struct tw_protocol *p, char *err, size_t errlen);

/* The protocol of that name, or NULL. */
const struct tw_protocol *tw_protocol_find(const char *name);

/* The names of the registered protocols, NULL-ended, sorted. */
const char *const *tw_protocol_names(void);

/*
 * The profile's protocol ([feed] protocol), checked against the keys
 * that need what it may not have, and its transport (tw_transport_for);
 * NULL with the file, section and key in err when either is unknown or
 * cannot do what the profile asks.
 */
const struct tw_protocol *tw_protocol_for(const struct tw_config *cfg,
		char *err, size_t errlen);

/* The receiver's feed parameters: lib/config's, with what the
 * protocol's and its transport's capabilities decide (hold-back,
 * re-requests, snapshots). 0 or -errno. */
int tw_protocol_rx_feed(const struct tw_protocol *p,
		const struct tw_config *cfg, struct tw_rx_feed *feed);

#endif /* TW_PROTOCOL_H */
