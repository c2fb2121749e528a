/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters as the reports name and total them: the name tables of
 * struct tw_rx_counters, tw_gen_counters and tw_port_report (one table
 * per struct, read by every report), the relaxed reads of counters
 * other lcores write, and the totals over lcores and channels that a
 * struct tw_stats holds.
 *
 * Owns: the name tables and the sums. Never touches: the counters'
 * owners' state (relaxed loads only), the output: what is printed or
 * written is tw_stats_text.c's, tw_stats_json.c's and
 * tw_stats_period.c's.
 */
#include <stddef.h>
#include <string.h>

#include <rte_common.h>

#include "tw_stats.h"

#define RX(n, f) { n, offsetof(struct tw_rx_counters, f) }
static const struct tw_counter_name rx_names[] = {
	RX("packets", pkts),
	RX("bytes", bytes),
	RX("packets_accepted", pkts_accepted),
	RX("messages", msgs),
	RX("quotes", quotes),
	RX("trades", trades),
	RX("directories", directories),
	RX("heartbeats", heartbeats),
	RX("end_of_session", end_of_session),
	RX("late_saturated", late_saturated),
	RX("orders_sent", orders_sent),
	RX("orders_dropped", orders_dropped),
	RX("orders_refused", orders_refused),
	RX("scalar_checked", scalar_checked),
	RX("latency_samples", lat_samples),
	RX("latency_negative", lat_negative),
	RX("latency_out_of_range", lat_out_of_range),
	RX("latency_not_send_time", lat_not_send),
	RX("sessions_started", sessions_started),
	RX("line_a_packets", line_pkts[0]),
	RX("line_b_packets", line_pkts[1]),
	RX("line_a_won", line_won[0]),
	RX("line_b_won", line_won[1]),
	RX("line_a_duplicates", line_dups[0]),
	RX("line_b_duplicates", line_dups[1]),
	RX("line_a_led", line_led[0]),
	RX("line_b_led", line_led[1]),
	RX("gaps_open", gaps_open),
	RX("retrans_packets", retrans_pkts),
	RX("end_of_session_repeats", end_repeats),
	RX("book_messages", book_msgs),
	RX("book_unknown_order", book_refused[1]),
	RX("book_too_many_shares", book_refused[2]),
	RX("book_duplicate_ref", book_refused[3]),
	RX("book_no_directory", book_refused[4]),
	RX("book_store_full", book_refused[5]),
	RX("book_levels_full", book_refused[6]),
	RX("book_wrong_locate", book_refused[7]),
	RX("book_bad_field", book_refused[8]),
	RX("book_levels_overflow", book_levels_ovf),
	RX("book_ladders_grown", book_ladders_grown),
	RX("other_messages", other_msgs),
	RX("messages_held_back", held_msgs),
	RX("unknown_messages", unknown_msgs),
	/* CME MDP 3.0, in the order of enum tw_mdp3_book_verdict. */
	RX("mdp3_bad_level", mdp3_refused[1]),
	RX("mdp3_empty_level", mdp3_refused[2]),
	RX("mdp3_level_hole", mdp3_refused[3]),
	RX("mdp3_bad_action", mdp3_refused[4]),
	RX("mdp3_bad_field", mdp3_refused[5]),
	RX("mdp3_price_changed", mdp3_refused[6]),
	RX("mdp3_out_of_order", mdp3_refused[7]),
	RX("mdp3_unknown_instrument", mdp3_unknown_instrument),
	RX("mdp3_foreign_instrument", mdp3_foreign_instrument),
	RX("mdp3_rptseq_jumps", mdp3_rptseq_jumps),
	RX("mdp3_rptseq_old", mdp3_rptseq_old),
	RX("mdp3_stale_skipped", mdp3_stale_skipped),
	RX("mdp3_implied_skipped", mdp3_implied_skipped),
	RX("mdp3_definitions", mdp3_definitions),
	RX("mdp3_definitions_repeated", mdp3_def_repeated),
	RX("mdp3_definitions_outside", mdp3_def_outside),
	RX("mdp3_definitions_refused", mdp3_def_refused),
	RX("mdp3_volumes", mdp3_volumes),
	RX("mdp3_security_status", mdp3_status),
	RX("mdp3_channel_resets", mdp3_resets),
	RX("mdp3_reset_in_recovery", mdp3_reset_in_recovery),
	RX("mdp3_recoveries", mdp3_recoveries),
	RX("mdp3_instruments_recovered", mdp3_recovered),
	RX("mdp3_loop_packets", mdp3_loop_pkts),
	RX("mdp3_loop_idle", mdp3_loop_idle),
	RX("mdp3_snapshots_unneeded", mdp3_snap_unneeded),
	RX("mdp3_snapshots_unknown", mdp3_snap_unknown),
	RX("mdp3_snapshots_future", mdp3_snap_future),
	RX("mdp3_snapshots_old", mdp3_snap_old),
	RX("mdp3_snapshots_refused", mdp3_snap_refused),
	RX("mdp3_entries_held", mdp3_held),
	RX("mdp3_entries_held_lost", mdp3_held_lost),
	RX("mdp3_entries_replayed", mdp3_replayed),
	RX("mdp3_waits", mdp3_waits),
	RX("mdp3_waits_covered", mdp3_waits_covered),
	RX("mdp3_late_resets", mdp3_fill_resets),
};

#define GEN(n, f) { n, offsetof(struct tw_gen_counters, f) }
static const struct tw_counter_name gen_names[] = {
	GEN("ticks", ticks),
	GEN("quotes", quotes),
	GEN("trades", trades),
	GEN("directories", directories),
	GEN("session_events", events),
	GEN("other_messages", other_msgs),
	GEN("truth_refused", truth_refused),
	GEN("heartbeats", heartbeats),
	GEN("end_of_session", end_of_session),
	GEN("end_of_session_repeats", end_repeats),
	GEN("packets", pkts),
	GEN("bytes", bytes),
	GEN("tx_retries", tx_retries),
	GEN("tx_dropped", tx_dropped),
	GEN("messages_dropped", msgs_dropped),
	GEN("mbuf_alloc_failed", mbuf_alloc_failed),
	GEN("late_ticks", late_ticks),
	GEN("mirror_packets", mirror_pkts),
	GEN("mirror_dropped", mirror_dropped),
	GEN("orders_requested", orders_requested),
	GEN("orders_matched", orders_matched),
	GEN("orders_duplicate", orders_duplicate),
	GEN("orders_stale", orders_stale),
	GEN("orders_lost", orders_lost),
	GEN("orders_invalid", orders_invalid),
	GEN("faults_lost", faults[0].lost),
	GEN("faults_lost_messages", faults[0].lost_msgs),
	GEN("faults_dup", faults[0].dup),
	GEN("faults_reordered", faults[0].reordered),
	GEN("faults_corrupted", faults[0].corrupted),
	GEN("line_b_packets", line_b_pkts),
	GEN("faults_lost_b", faults[1].lost),
	GEN("faults_lost_messages_b", faults[1].lost_msgs),
	GEN("faults_dup_b", faults[1].dup),
	GEN("faults_reordered_b", faults[1].reordered),
	GEN("faults_corrupted_b", faults[1].corrupted),
	GEN("faults_lost_both", faults_lost_both),
	/* In the order of enum tw_request_verdict (lib/moldudp64). */
	GEN("requests_served", requests[0]),
	GEN("requests_malformed", requests[1]),
	GEN("requests_bad_source", requests[2]),
	GEN("requests_rate_limited", requests[3]),
	GEN("requests_bad_session", requests[4]),
	GEN("requests_bad_seq", requests[5]),
	GEN("requests_future", requests[6]),
	GEN("requests_expired", requests[7]),
	GEN("requests_no_mbuf", requests[8]),
	GEN("retrans_packets", retrans_pkts),
	GEN("retrans_messages", retrans_msgs),
	GEN("snapshots_served", snapshots_served),
	GEN("snapshot_messages", snapshot_msgs),
	GEN("request_bytes", request_bytes),
	GEN("reply_bytes", reply_bytes),
	GEN("requests_cut", requests_cut),
	GEN("requests_over_budget", requests[9]),
	GEN("requests_other_server", requests[10]),
};

#define PORT(n, f) { n, offsetof(struct tw_port_report, f) }
static const struct tw_counter_name port_names[] = {
	PORT("link_downs", link_downs),
	PORT("link_ups", link_ups),
	PORT("restarts", restarts),
	PORT("lsc_events", lsc_events),
	PORT("ipackets", ipackets),
	PORT("opackets", opackets),
	PORT("ibytes", ibytes),
	PORT("obytes", obytes),
	PORT("imissed", imissed),
	PORT("ierrors", ierrors),
	PORT("oerrors", oerrors),
	PORT("rx_nombuf", rx_nombuf),
};

const struct tw_counter_name *
tw_stats_port_names(unsigned int *n)
{
	*n = RTE_DIM(port_names);
	return port_names;
}

const struct tw_counter_name *
tw_stats_rx_names(unsigned int *n)
{
	*n = RTE_DIM(rx_names);
	return rx_names;
}

const struct tw_counter_name *
tw_stats_gen_names(unsigned int *n)
{
	*n = RTE_DIM(gen_names);
	return gen_names;
}

uint64_t
tw_counter_read(const void *counters, const struct tw_counter_name *c)
{
	return __atomic_load_n((const uint64_t *)
		((const uint8_t *)counters + c->off), __ATOMIC_RELAXED);
}

static inline uint64_t
rd(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline uint32_t
rd32(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void
add_u64s(uint64_t *sum, const uint64_t *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sum[i] += rd(&c[i]);
}

void
tw_stats_add_rx(struct tw_rx_counters *sum, const struct tw_rx_counters *c)
{
	uint64_t max = rd(&c->lat_max_ns);

	/* The maximum first; every field after it a u64 summed, the
	 * cache-line padding too (0): a new counter needs no place. */
	RTE_BUILD_BUG_ON(offsetof(struct tw_rx_counters, lat_max_ns) != 0);
	RTE_BUILD_BUG_ON(sizeof(*c) % sizeof(uint64_t) != 0);
	add_u64s((uint64_t *)sum + 1, (const uint64_t *)c + 1,
		sizeof(*c) / sizeof(uint64_t) - 1);
	if (max > sum->lat_max_ns)
		sum->lat_max_ns = max;
}

void
tw_stats_add_gen(struct tw_gen_counters *sum, const struct tw_gen_counters *c)
{
	/* Every field is a u64 summed (the cache-line padding too: 0). */
	RTE_BUILD_BUG_ON(sizeof(*c) % sizeof(uint64_t) != 0);
	add_u64s((uint64_t *)sum, (const uint64_t *)c,
		sizeof(*c) / sizeof(uint64_t));
}

/*
 * A channel's counters, from its state (lib/feed, one per RX lcore that
 * receives it) into its report: one line each, summed over lcores, or
 * the largest (max), or computed by the report (none).
 */
#define U64_OF(type, f) (0 * sizeof(char[sizeof(((type *)0)->f) == \
	sizeof(uint64_t) ? 1 : -1]))   /* a u64 both sides, or no build */
#define CHC(n, field, rfield, fold, brief) { n, \
	offsetof(struct tw_channel_report, rfield) + \
		U64_OF(struct tw_channel_report, rfield), \
	offsetof(struct tw_channel_state, ctr.field) + \
		U64_OF(struct tw_channel_state, ctr.field), fold, brief }
#define CHR(n, rfield, brief) { n, offsetof(struct tw_channel_report, \
	rfield) + U64_OF(struct tw_channel_report, rfield), 0, \
	TW_FOLD_NONE, brief }
#define SUM TW_FOLD_SUM
#define BRIEF true
static const struct tw_counter_name chan_names[] = {
	CHC("gaps", gaps, gaps, SUM, BRIEF),
	CHC("gap_messages", gap_msgs, gap_msgs, SUM, BRIEF),
	CHC("duplicate_packets", dup_pkts, dup_pkts, SUM, BRIEF),
	CHC("duplicate_messages", dup_msgs, dup_msgs, SUM, BRIEF),
	CHC("heartbeats", heartbeats, heartbeats, SUM, false),
	/* Its recovery (struct tw_recovery_report), in report order. */
	CHR("gaps_open", rec.gaps_open, BRIEF),
	CHC("gaps_filled", gaps_filled, rec.gaps_filled, SUM, BRIEF),
	CHC("gaps_unrecovered", gaps_unrecovered, rec.gaps_unrecovered,
		SUM, BRIEF),
	CHC("messages_recovered", msgs_recovered, rec.msgs_recovered,
		SUM, false),
	CHC("messages_unrecovered", msgs_unrecovered, rec.msgs_unrecovered,
		SUM, false),
	CHC("messages_again", fill_dups, rec.fill_dups, SUM, false),
	CHC("requests", requests, rec.requests, SUM, BRIEF),
	CHC("requests_per_gap_max", requests_per_gap_max,
		rec.requests_per_gap_max, TW_FOLD_MAX, false),
	CHC("gaps_covered", gaps_covered, rec.gaps_covered, SUM, false),
	CHC("late_joins", late_joins, rec.late_joins, SUM, false),
	CHC("messages_before_join", msgs_before_join, rec.msgs_before_join,
		SUM, false),
	CHC("snapshots", snapshots, rec.snapshots, SUM, false),
	CHC("snapshots_failed", snapshots_failed, rec.snapshots_failed,
		SUM, false),
	CHC("messages_held_for_snapshot", live_skipped, rec.live_skipped,
		SUM, false),
};

const struct tw_counter_name *
tw_stats_channel_names(unsigned int *n)
{
	*n = RTE_DIM(chan_names);
	return chan_names;
}

void
tw_stats_add_channels(struct tw_stats *s, const struct tw_channel_state *ch,
		uint32_t nb)
{
	uint32_t i, k;

	for (i = 0; i < nb && i < s->nb_channels; i++) {
		struct tw_channel_report *r = &s->channels[i];
		uint64_t exp = rd(&ch[i].expected);
		uint64_t last = rd(&ch[i].last_rx_ns);

		if (exp > r->expected)
			r->expected = exp;
		if (last > r->last_rx_ns)
			r->last_rx_ns = last;
		r->ended |= __atomic_load_n(&ch[i].ended, __ATOMIC_ACQUIRE);
		/* A snapshot wanted is recovery under way too. */
		r->rec.gaps_open += __atomic_load_n(&ch[i].nb_gaps,
			__ATOMIC_RELAXED) + (rd32(&ch[i].snap_state) != 0);
		for (k = 0; k < RTE_DIM(chan_names); k++) {
			const struct tw_counter_name *c = &chan_names[k];
			uint64_t v, *to;

			if (c->fold == TW_FOLD_NONE)
				continue;
			v = rd((const uint64_t *)((const uint8_t *)&ch[i] +
				c->state_off));
			to = (uint64_t *)((uint8_t *)r + c->off);
			*to = c->fold == TW_FOLD_MAX ? RTE_MAX(*to, v) :
				*to + v;
		}
	}
}

/* The run's recovery: every channel's, folded as the channel table
 * says (requests_per_gap_max: the largest; the rest summed). */
static void
add_recovery(struct tw_recovery_report *sum,
		const struct tw_recovery_report *r)
{
	const size_t rec = offsetof(struct tw_channel_report, rec);
	size_t k;

	for (k = 0; k < RTE_DIM(chan_names); k++) {
		const struct tw_counter_name *c = &chan_names[k];
		uint64_t *to, v;

		if (!tw_stats_channel_is_rec(c))
			continue;
		to = (uint64_t *)((uint8_t *)sum + c->off - rec);
		v = *(const uint64_t *)((const uint8_t *)r + c->off - rec);
		*to = c->fold == TW_FOLD_MAX ? RTE_MAX(*to, v) : *to + v;
	}
}

void
tw_stats_finish(struct tw_stats *s)
{
	uint32_t i;

	s->drops_total = 0;
	for (i = 0; i < TW_DROP_MAX; i++)
		s->drops_total += s->rx.drops[i];
	s->gaps = s->gap_msgs = s->dup_pkts = s->dup_msgs = 0;
	memset(&s->rec, 0, sizeof(s->rec));
	s->channels_ended = 0;
	s->channels_not_ended = 0;
	s->unreceived = 0;
	for (i = 0; i < s->nb_channels; i++) {
		struct tw_channel_report *c = &s->channels[i];

		/* Sent in this process but never seen by its RX: a loss. */
		c->unreceived = c->sent_next > c->expected ?
			c->sent_next - c->expected : 0;
		s->unreceived += s->receiving ? c->unreceived : 0;
		s->channels_not_ended += s->receiving && !c->ended;
		s->gaps += s->channels[i].gaps;
		s->gap_msgs += s->channels[i].gap_msgs;
		s->dup_pkts += s->channels[i].dup_pkts;
		s->dup_msgs += s->channels[i].dup_msgs;
		s->channels_ended += s->channels[i].ended != 0;
		add_recovery(&s->rec, &c->rec);
	}
}
