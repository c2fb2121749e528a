/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CME MDP 3.0 (schema 1, version 9): each message's fields read from and
 * written to their offsets (tw_mdp3.h), PRICE9 rescaled to tickwire's
 * prices, and the writer that lays a packet out in a caller's buffer.
 *
 * Owns: field encoding and decoding, the packet writer.
 * Never touches: the walk's bounds checks (tw_mdp3_walk.c: a get is
 * only ever given a root or entry the walk checked), sequencing,
 * books; never allocates.
 */
#include <string.h>

#include "tw_mdp3.h"

bool
tw_mdp3_price9_rescale(int64_t mantissa, unsigned int decimals, int64_t *out)
{
	int64_t div = 1;
	unsigned int i;

	if (mantissa == TW_MDP3_PRICE_NULL || decimals > 9)
		return false;
	for (i = decimals; i < 9; i++)
		div *= 10;
	if (mantissa % div != 0)
		return false;
	*out = mantissa / div;
	return true;
}

/* ---- reading ---- */

void
tw_mdp3_get_event(const uint8_t *root, struct tw_mdp3_event *r)
{
	r->transact_time = tw_mdp3_u64(root + TW_MDP3_OFF_TRANSACT_TIME);
	r->mei = root[TW_MDP3_OFF_MEI];
}

int16_t
tw_mdp3_get_reset_entry(const uint8_t *e)
{
	return (int16_t)tw_mdp3_u16(e + TW_MDP3_RESET_OFF_APPL_ID);
}

void
tw_mdp3_get_status(const uint8_t *root, struct tw_mdp3_status *s)
{
	s->transact_time = tw_mdp3_u64(root + TW_MDP3_STATUS_OFF_TIME);
	memcpy(s->security_group, root + TW_MDP3_STATUS_OFF_GROUP, 6);
	memcpy(s->asset, root + TW_MDP3_STATUS_OFF_ASSET, 6);
	s->security_id = (int32_t)tw_mdp3_u32(root + TW_MDP3_STATUS_OFF_SECID);
	s->trade_date = tw_mdp3_u16(root + TW_MDP3_STATUS_OFF_DATE);
	s->mei = root[TW_MDP3_STATUS_OFF_MEI];
	s->trading_status = root[TW_MDP3_STATUS_OFF_STATUS];
	s->halt_reason = root[TW_MDP3_STATUS_OFF_HALT];
	s->trading_event = root[TW_MDP3_STATUS_OFF_EVENT];
}

void
tw_mdp3_get_volume_entry(const uint8_t *e, struct tw_mdp3_volume_entry *v)
{
	v->size = (int32_t)tw_mdp3_u32(e + TW_MDP3_VOL_OFF_SIZE);
	v->security_id = (int32_t)tw_mdp3_u32(e + TW_MDP3_VOL_OFF_SECID);
	v->rpt_seq = tw_mdp3_u32(e + TW_MDP3_VOL_OFF_RPTSEQ);
	v->action = e[TW_MDP3_VOL_OFF_ACTION];
}

void
tw_mdp3_get_book_entry(const uint8_t *e, struct tw_mdp3_book_entry *b)
{
	b->px = (int64_t)tw_mdp3_u64(e + TW_MDP3_BOOK_OFF_PX);
	b->size = (int32_t)tw_mdp3_u32(e + TW_MDP3_BOOK_OFF_SIZE);
	b->security_id = (int32_t)tw_mdp3_u32(e + TW_MDP3_BOOK_OFF_SECID);
	b->rpt_seq = tw_mdp3_u32(e + TW_MDP3_BOOK_OFF_RPTSEQ);
	b->orders = (int32_t)tw_mdp3_u32(e + TW_MDP3_BOOK_OFF_ORDERS);
	b->level = e[TW_MDP3_BOOK_OFF_LEVEL];
	b->action = e[TW_MDP3_BOOK_OFF_ACTION];
	b->type = (char)e[TW_MDP3_BOOK_OFF_TYPE];
}

void
tw_mdp3_get_order_entry(const uint8_t *e, struct tw_mdp3_order_entry *o)
{
	o->order_id = tw_mdp3_u64(e + TW_MDP3_ORD_OFF_ID);
	o->priority = tw_mdp3_u64(e + TW_MDP3_ORD_OFF_PRIO);
	o->display_qty = (int32_t)tw_mdp3_u32(e + TW_MDP3_ORD_OFF_QTY);
	o->ref_id = e[TW_MDP3_ORD_OFF_REF];
	o->action = e[TW_MDP3_ORD_OFF_ACTION];
}

void
tw_mdp3_get_trade_entry(const uint8_t *e, struct tw_mdp3_trade_entry *t)
{
	t->px = (int64_t)tw_mdp3_u64(e + TW_MDP3_TRADE_OFF_PX);
	t->size = (int32_t)tw_mdp3_u32(e + TW_MDP3_TRADE_OFF_SIZE);
	t->security_id = (int32_t)tw_mdp3_u32(e + TW_MDP3_TRADE_OFF_SECID);
	t->rpt_seq = tw_mdp3_u32(e + TW_MDP3_TRADE_OFF_RPTSEQ);
	t->orders = (int32_t)tw_mdp3_u32(e + TW_MDP3_TRADE_OFF_ORDERS);
	t->aggressor = e[TW_MDP3_TRADE_OFF_AGGRESSOR];
	t->action = e[TW_MDP3_TRADE_OFF_ACTION];
	t->trade_entry_id = tw_mdp3_u32(e + TW_MDP3_TRADE_OFF_ENTRY_ID);
}

void
tw_mdp3_get_trade_order(const uint8_t *e, struct tw_mdp3_trade_order *o)
{
	o->order_id = tw_mdp3_u64(e + TW_MDP3_TORD_OFF_ID);
	o->last_qty = (int32_t)tw_mdp3_u32(e + TW_MDP3_TORD_OFF_QTY);
}

void
tw_mdp3_get_snapshot(const uint8_t *root, struct tw_mdp3_snapshot *s)
{
	s->last_msg_seq = tw_mdp3_u32(root + TW_MDP3_SNAP_OFF_LAST_SEQ);
	s->tot_num_reports = tw_mdp3_u32(root + TW_MDP3_SNAP_OFF_TOT);
	s->security_id = (int32_t)tw_mdp3_u32(root + TW_MDP3_SNAP_OFF_SECID);
	s->rpt_seq = tw_mdp3_u32(root + TW_MDP3_SNAP_OFF_RPTSEQ);
	s->transact_time = tw_mdp3_u64(root + TW_MDP3_SNAP_OFF_TIME);
	s->last_update_time = tw_mdp3_u64(root + TW_MDP3_SNAP_OFF_UPDATE);
	s->trade_date = tw_mdp3_u16(root + TW_MDP3_SNAP_OFF_DATE);
	s->trading_status = root[TW_MDP3_SNAP_OFF_STATUS];
	s->high_limit = (int64_t)tw_mdp3_u64(root + TW_MDP3_SNAP_OFF_HIGH);
	s->low_limit = (int64_t)tw_mdp3_u64(root + TW_MDP3_SNAP_OFF_LOW);
	s->max_variation = (int64_t)tw_mdp3_u64(root + TW_MDP3_SNAP_OFF_VAR);
}

void
tw_mdp3_get_snap_entry(const uint8_t *e, struct tw_mdp3_snap_entry *s)
{
	s->px = (int64_t)tw_mdp3_u64(e + TW_MDP3_SNAPE_OFF_PX);
	s->size = (int32_t)tw_mdp3_u32(e + TW_MDP3_SNAPE_OFF_SIZE);
	s->orders = (int32_t)tw_mdp3_u32(e + TW_MDP3_SNAPE_OFF_ORDERS);
	s->level = (int8_t)e[TW_MDP3_SNAPE_OFF_LEVEL];
	s->ref_date = tw_mdp3_u16(e + TW_MDP3_SNAPE_OFF_REF_DATE);
	s->open_close = e[TW_MDP3_SNAPE_OFF_OPEN_CLOSE];
	s->settl_type = e[TW_MDP3_SNAPE_OFF_SETTL];
	s->type = (char)e[TW_MDP3_SNAPE_OFF_TYPE];
}

void
tw_mdp3_get_instrument(const uint8_t *r, struct tw_mdp3_instrument *i)
{
	i->mei = r[TW_MDP3_INST_OFF_MEI];
	i->tot_num_reports = tw_mdp3_u32(r + TW_MDP3_INST_OFF_TOT);
	i->update_action = (char)r[TW_MDP3_INST_OFF_ACTION];
	i->last_update_time = tw_mdp3_u64(r + TW_MDP3_INST_OFF_UPDATE);
	i->trading_status = r[TW_MDP3_INST_OFF_STATUS];
	i->appl_id = (int16_t)tw_mdp3_u16(r + TW_MDP3_INST_OFF_APPL_ID);
	i->market_segment = r[TW_MDP3_INST_OFF_SEGMENT];
	memcpy(i->security_group, r + TW_MDP3_INST_OFF_GROUP, 6);
	memcpy(i->asset, r + TW_MDP3_INST_OFF_ASSET, 6);
	memcpy(i->symbol, r + TW_MDP3_INST_OFF_SYMBOL, 20);
	i->security_id = (int32_t)tw_mdp3_u32(r + TW_MDP3_INST_OFF_SECID);
	memcpy(i->security_type, r + TW_MDP3_INST_OFF_SECTYPE, 6);
	i->maturity_year = tw_mdp3_u16(r + TW_MDP3_INST_OFF_MATURITY);
	i->maturity_month = r[TW_MDP3_INST_OFF_MATURITY + 2];
	memcpy(i->currency, r + TW_MDP3_INST_OFF_CURRENCY, 3);
	i->match_algorithm = (char)r[TW_MDP3_INST_OFF_MATCH_ALGO];
	i->min_trade_vol = tw_mdp3_u32(r + TW_MDP3_INST_OFF_MIN_VOL);
	i->max_trade_vol = tw_mdp3_u32(r + TW_MDP3_INST_OFF_MAX_VOL);
	i->min_price_increment = (int64_t)tw_mdp3_u64(r + TW_MDP3_INST_OFF_TICK);
	i->display_factor = (int64_t)tw_mdp3_u64(r + TW_MDP3_INST_OFF_DISPLAY);
	i->trading_ref_price = (int64_t)tw_mdp3_u64(r + TW_MDP3_INST_OFF_REF_PX);
	i->high_limit = (int64_t)tw_mdp3_u64(r + TW_MDP3_INST_OFF_HIGH);
	i->low_limit = (int64_t)tw_mdp3_u64(r + TW_MDP3_INST_OFF_LOW);
	i->max_variation = (int64_t)tw_mdp3_u64(r + TW_MDP3_INST_OFF_VAR);
}

void
tw_mdp3_get_inst_event(const uint8_t *e, struct tw_mdp3_inst_event *v)
{
	v->type = e[0];
	v->time = tw_mdp3_u64(e + 1);
}

void
tw_mdp3_get_feed_type(const uint8_t *e, struct tw_mdp3_feed_type *f)
{
	memcpy(f->feed, e, 3);
	f->depth = (int8_t)e[3];
}

uint32_t
tw_mdp3_get_inst_attrib(const uint8_t *e)
{
	return tw_mdp3_u32(e);
}

void
tw_mdp3_get_lot_rule(const uint8_t *e, struct tw_mdp3_lot_rule *l)
{
	l->lot_type = (int8_t)e[0];
	l->min_lot_size = (int32_t)tw_mdp3_u32(e + 1);
}

/* ---- writing ---- */

void
tw_mdp3_put_event(uint8_t *root, const struct tw_mdp3_event *r)
{
	tw_mdp3_put64(root + TW_MDP3_OFF_TRANSACT_TIME, r->transact_time);
	root[TW_MDP3_OFF_MEI] = r->mei;
}

void
tw_mdp3_put_reset_entry(uint8_t *e, int16_t appl_id)
{
	tw_mdp3_put16(e + TW_MDP3_RESET_OFF_APPL_ID, (uint16_t)appl_id);
}

void
tw_mdp3_put_status(uint8_t *root, const struct tw_mdp3_status *s)
{
	tw_mdp3_put64(root + TW_MDP3_STATUS_OFF_TIME, s->transact_time);
	memcpy(root + TW_MDP3_STATUS_OFF_GROUP, s->security_group, 6);
	memcpy(root + TW_MDP3_STATUS_OFF_ASSET, s->asset, 6);
	tw_mdp3_put32(root + TW_MDP3_STATUS_OFF_SECID, (uint32_t)s->security_id);
	tw_mdp3_put16(root + TW_MDP3_STATUS_OFF_DATE, s->trade_date);
	root[TW_MDP3_STATUS_OFF_MEI] = s->mei;
	root[TW_MDP3_STATUS_OFF_STATUS] = s->trading_status;
	root[TW_MDP3_STATUS_OFF_HALT] = s->halt_reason;
	root[TW_MDP3_STATUS_OFF_EVENT] = s->trading_event;
}

void
tw_mdp3_put_volume_entry(uint8_t *e, const struct tw_mdp3_volume_entry *v)
{
	tw_mdp3_put32(e + TW_MDP3_VOL_OFF_SIZE, (uint32_t)v->size);
	tw_mdp3_put32(e + TW_MDP3_VOL_OFF_SECID, (uint32_t)v->security_id);
	tw_mdp3_put32(e + TW_MDP3_VOL_OFF_RPTSEQ, v->rpt_seq);
	e[TW_MDP3_VOL_OFF_ACTION] = v->action;
}

void
tw_mdp3_put_book_entry(uint8_t *e, const struct tw_mdp3_book_entry *b)
{
	tw_mdp3_put64(e + TW_MDP3_BOOK_OFF_PX, (uint64_t)b->px);
	tw_mdp3_put32(e + TW_MDP3_BOOK_OFF_SIZE, (uint32_t)b->size);
	tw_mdp3_put32(e + TW_MDP3_BOOK_OFF_SECID, (uint32_t)b->security_id);
	tw_mdp3_put32(e + TW_MDP3_BOOK_OFF_RPTSEQ, b->rpt_seq);
	tw_mdp3_put32(e + TW_MDP3_BOOK_OFF_ORDERS, (uint32_t)b->orders);
	e[TW_MDP3_BOOK_OFF_LEVEL] = b->level;
	e[TW_MDP3_BOOK_OFF_ACTION] = b->action;
	e[TW_MDP3_BOOK_OFF_TYPE] = (uint8_t)b->type;
}

void
tw_mdp3_put_order_entry(uint8_t *e, const struct tw_mdp3_order_entry *o)
{
	tw_mdp3_put64(e + TW_MDP3_ORD_OFF_ID, o->order_id);
	tw_mdp3_put64(e + TW_MDP3_ORD_OFF_PRIO, o->priority);
	tw_mdp3_put32(e + TW_MDP3_ORD_OFF_QTY, (uint32_t)o->display_qty);
	e[TW_MDP3_ORD_OFF_REF] = o->ref_id;
	e[TW_MDP3_ORD_OFF_ACTION] = o->action;
}

void
tw_mdp3_put_trade_entry(uint8_t *e, const struct tw_mdp3_trade_entry *t)
{
	tw_mdp3_put64(e + TW_MDP3_TRADE_OFF_PX, (uint64_t)t->px);
	tw_mdp3_put32(e + TW_MDP3_TRADE_OFF_SIZE, (uint32_t)t->size);
	tw_mdp3_put32(e + TW_MDP3_TRADE_OFF_SECID, (uint32_t)t->security_id);
	tw_mdp3_put32(e + TW_MDP3_TRADE_OFF_RPTSEQ, t->rpt_seq);
	tw_mdp3_put32(e + TW_MDP3_TRADE_OFF_ORDERS, (uint32_t)t->orders);
	e[TW_MDP3_TRADE_OFF_AGGRESSOR] = t->aggressor;
	e[TW_MDP3_TRADE_OFF_ACTION] = t->action;
	tw_mdp3_put32(e + TW_MDP3_TRADE_OFF_ENTRY_ID, t->trade_entry_id);
}

void
tw_mdp3_put_trade_order(uint8_t *e, const struct tw_mdp3_trade_order *o)
{
	tw_mdp3_put64(e + TW_MDP3_TORD_OFF_ID, o->order_id);
	tw_mdp3_put32(e + TW_MDP3_TORD_OFF_QTY, (uint32_t)o->last_qty);
}

void
tw_mdp3_put_snapshot(uint8_t *root, const struct tw_mdp3_snapshot *s)
{
	tw_mdp3_put32(root + TW_MDP3_SNAP_OFF_LAST_SEQ, s->last_msg_seq);
	tw_mdp3_put32(root + TW_MDP3_SNAP_OFF_TOT, s->tot_num_reports);
	tw_mdp3_put32(root + TW_MDP3_SNAP_OFF_SECID, (uint32_t)s->security_id);
	tw_mdp3_put32(root + TW_MDP3_SNAP_OFF_RPTSEQ, s->rpt_seq);
	tw_mdp3_put64(root + TW_MDP3_SNAP_OFF_TIME, s->transact_time);
	tw_mdp3_put64(root + TW_MDP3_SNAP_OFF_UPDATE, s->last_update_time);
	tw_mdp3_put16(root + TW_MDP3_SNAP_OFF_DATE, s->trade_date);
	root[TW_MDP3_SNAP_OFF_STATUS] = s->trading_status;
	tw_mdp3_put64(root + TW_MDP3_SNAP_OFF_HIGH, (uint64_t)s->high_limit);
	tw_mdp3_put64(root + TW_MDP3_SNAP_OFF_LOW, (uint64_t)s->low_limit);
	tw_mdp3_put64(root + TW_MDP3_SNAP_OFF_VAR, (uint64_t)s->max_variation);
}

void
tw_mdp3_put_snap_entry(uint8_t *e, const struct tw_mdp3_snap_entry *s)
{
	tw_mdp3_put64(e + TW_MDP3_SNAPE_OFF_PX, (uint64_t)s->px);
	tw_mdp3_put32(e + TW_MDP3_SNAPE_OFF_SIZE, (uint32_t)s->size);
	tw_mdp3_put32(e + TW_MDP3_SNAPE_OFF_ORDERS, (uint32_t)s->orders);
	e[TW_MDP3_SNAPE_OFF_LEVEL] = (uint8_t)s->level;
	tw_mdp3_put16(e + TW_MDP3_SNAPE_OFF_REF_DATE, s->ref_date);
	e[TW_MDP3_SNAPE_OFF_OPEN_CLOSE] = s->open_close;
	e[TW_MDP3_SNAPE_OFF_SETTL] = s->settl_type;
	e[TW_MDP3_SNAPE_OFF_TYPE] = (uint8_t)s->type;
}

void
tw_mdp3_put_instrument(uint8_t *r, const struct tw_mdp3_instrument *i)
{
	r[TW_MDP3_INST_OFF_MEI] = i->mei;
	tw_mdp3_put32(r + TW_MDP3_INST_OFF_TOT, i->tot_num_reports);
	r[TW_MDP3_INST_OFF_ACTION] = (uint8_t)i->update_action;
	tw_mdp3_put64(r + TW_MDP3_INST_OFF_UPDATE, i->last_update_time);
	r[TW_MDP3_INST_OFF_STATUS] = i->trading_status;
	tw_mdp3_put16(r + TW_MDP3_INST_OFF_APPL_ID, (uint16_t)i->appl_id);
	r[TW_MDP3_INST_OFF_SEGMENT] = i->market_segment;
	memcpy(r + TW_MDP3_INST_OFF_GROUP, i->security_group, 6);
	memcpy(r + TW_MDP3_INST_OFF_ASSET, i->asset, 6);
	memcpy(r + TW_MDP3_INST_OFF_SYMBOL, i->symbol, 20);
	tw_mdp3_put32(r + TW_MDP3_INST_OFF_SECID, (uint32_t)i->security_id);
	memcpy(r + TW_MDP3_INST_OFF_SECTYPE, i->security_type, 6);
	tw_mdp3_put16(r + TW_MDP3_INST_OFF_MATURITY, i->maturity_year);
	r[TW_MDP3_INST_OFF_MATURITY + 2] = i->maturity_month;
	memcpy(r + TW_MDP3_INST_OFF_CURRENCY, i->currency, 3);
	r[TW_MDP3_INST_OFF_MATCH_ALGO] = (uint8_t)i->match_algorithm;
	tw_mdp3_put32(r + TW_MDP3_INST_OFF_MIN_VOL, i->min_trade_vol);
	tw_mdp3_put32(r + TW_MDP3_INST_OFF_MAX_VOL, i->max_trade_vol);
	tw_mdp3_put64(r + TW_MDP3_INST_OFF_TICK, (uint64_t)i->min_price_increment);
	tw_mdp3_put64(r + TW_MDP3_INST_OFF_DISPLAY, (uint64_t)i->display_factor);
	tw_mdp3_put64(r + TW_MDP3_INST_OFF_REF_PX, (uint64_t)i->trading_ref_price);
	tw_mdp3_put64(r + TW_MDP3_INST_OFF_HIGH, (uint64_t)i->high_limit);
	tw_mdp3_put64(r + TW_MDP3_INST_OFF_LOW, (uint64_t)i->low_limit);
	tw_mdp3_put64(r + TW_MDP3_INST_OFF_VAR, (uint64_t)i->max_variation);
}

void
tw_mdp3_put_inst_event(uint8_t *e, const struct tw_mdp3_inst_event *v)
{
	e[0] = v->type;
	tw_mdp3_put64(e + 1, v->time);
}

void
tw_mdp3_put_feed_type(uint8_t *e, const struct tw_mdp3_feed_type *f)
{
	memcpy(e, f->feed, 3);
	e[3] = (uint8_t)f->depth;
}

void
tw_mdp3_put_inst_attrib(uint8_t *e, uint32_t value)
{
	tw_mdp3_put32(e, value);
}

void
tw_mdp3_put_lot_rule(uint8_t *e, const struct tw_mdp3_lot_rule *l)
{
	e[0] = (uint8_t)l->lot_type;
	tw_mdp3_put32(e + 1, (uint32_t)l->min_lot_size);
}

/* ---- the packet writer ---- */

void
tw_mdp3_writer_init(struct tw_mdp3_writer *w, void *buf, size_t cap,
		uint32_t seq, uint64_t sending_time)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->msg = SIZE_MAX;
	w->grp = SIZE_MAX;
	w->grp_block = 0;
	w->grp8 = false;
	w->full = cap < TW_MDP3_PKT_HDR_LEN;
	if (w->full)
		return;
	tw_mdp3_put32(w->buf + TW_MDP3_PKT_OFF_SEQ, seq);
	tw_mdp3_put64(w->buf + TW_MDP3_PKT_OFF_TIME, sending_time);
	w->len = TW_MDP3_PKT_HDR_LEN;
}

/* n more bytes, zeroed; NULL (and the writer full) past its capacity. */
static uint8_t *
reserve(struct tw_mdp3_writer *w, size_t n)
{
	uint8_t *p;

	if (w->full || w->cap - w->len < n) {
		w->full = true;
		return NULL;
	}
	p = w->buf + w->len;
	memset(p, 0, n);
	w->len += n;
	return p;
}

uint8_t *
tw_mdp3_msg_begin(struct tw_mdp3_writer *w, uint16_t template_id,
		uint16_t block_len)
{
	size_t at = w->len;
	uint8_t *h;

	if (w->msg != SIZE_MAX)
		tw_mdp3_msg_end(w);
	h = reserve(w, (size_t)TW_MDP3_MSG_HDR_LEN + block_len);
	if (h == NULL)
		return NULL;
	tw_mdp3_put16(h + TW_MDP3_MSG_OFF_BLOCK, block_len);
	tw_mdp3_put16(h + TW_MDP3_MSG_OFF_TEMPLATE, template_id);
	tw_mdp3_put16(h + TW_MDP3_MSG_OFF_SCHEMA, TW_MDP3_SCHEMA_ID);
	tw_mdp3_put16(h + TW_MDP3_MSG_OFF_VERSION, TW_MDP3_SCHEMA_VERSION);
	w->msg = at;
	w->grp = SIZE_MAX;
	return h + TW_MDP3_MSG_HDR_LEN;
}

bool
tw_mdp3_group_begin(struct tw_mdp3_writer *w, bool dim8, uint16_t block_len)
{
	size_t at = w->len;
	uint8_t *d;

	if (w->msg == SIZE_MAX) {
		w->full = true;
		return false;
	}
	d = reserve(w, dim8 ? TW_MDP3_GROUP8_HDR_LEN : TW_MDP3_GROUP_HDR_LEN);
	if (d == NULL)
		return false;
	tw_mdp3_put16(d, block_len);
	w->grp = at;
	w->grp8 = dim8;
	w->grp_block = block_len;
	return true;
}

uint8_t *
tw_mdp3_entry_add(struct tw_mdp3_writer *w)
{
	uint8_t *count;

	if (w->grp == SIZE_MAX || w->full) {
		w->full = true;
		return NULL;
	}
	count = w->buf + w->grp + (w->grp8 ? TW_MDP3_GROUP8_OFF_COUNT : 2);
	if (*count == UINT8_MAX) {
		w->full = true;
		return NULL;
	}
	if (reserve(w, w->grp_block) == NULL)
		return NULL;
	(*count)++;
	return w->buf + w->len - w->grp_block;
}

void
tw_mdp3_msg_end(struct tw_mdp3_writer *w)
{
	size_t size;

	if (w->msg == SIZE_MAX)
		return;
	size = w->len - w->msg;
	if (size > UINT16_MAX)
		w->full = true;
	else
		tw_mdp3_put16(w->buf + w->msg, (uint16_t)size);
	w->msg = SIZE_MAX;
	w->grp = SIZE_MAX;
}
