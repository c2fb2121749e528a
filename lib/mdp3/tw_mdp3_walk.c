/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CME MDP 3.0: the checked walk of a packet. Every length on the wire is
 * checked against what holds it before a byte behind it is read: the
 * packet header against the datagram, each MsgSize against the rest of
 * the packet, the SBE header's blockLength against MsgSize, and for a
 * template known here each group's dimension and entries against
 * MsgSize, in the schema's order. A message's verdict is the first
 * check it fails; a template not known is skipped by its MsgSize and
 * counted, never a reason to drop the messages beside it.
 *
 * Owns: the table of known templates (root and entry lengths, group
 * dimensions), the verdicts and their names.
 * Never touches: field values (tw_mdp3.c), sequencing, books; never
 * allocates, never writes the packet.
 */
#include "tw_mdp3.h"

struct known_group {
	uint8_t dim8;           /* groupSize8Byte, else groupSize */
	uint8_t min_entry;      /* the fields known of an entry */
};

struct known_template {
	uint16_t id;
	uint16_t min_root;
	uint8_t n_groups;
	struct known_group group[TW_MDP3_MAX_GROUPS];
};

/* Indexed by template id; an id not known here has id 0. */
static const struct known_template known[] = {
	[TW_MDP3_CHANNEL_RESET] = { TW_MDP3_CHANNEL_RESET, TW_MDP3_RESET_ROOT,
		1, { { 0, TW_MDP3_RESET_ENTRY } } },
	[TW_MDP3_HEARTBEAT] = { TW_MDP3_HEARTBEAT, 0, 0, { { 0, 0 } } },
	[TW_MDP3_SECURITY_STATUS] = { TW_MDP3_SECURITY_STATUS,
		TW_MDP3_STATUS_ROOT, 0, { { 0, 0 } } },
	[TW_MDP3_VOLUME] = { TW_MDP3_VOLUME, TW_MDP3_EVENT_ROOT, 1,
		{ { 0, TW_MDP3_VOLUME_ENTRY } } },
	[TW_MDP3_BOOK] = { TW_MDP3_BOOK, TW_MDP3_EVENT_ROOT, 2,
		{ { 0, TW_MDP3_BOOK_ENTRY }, { 1, TW_MDP3_BOOK_ORDER } } },
	[TW_MDP3_TRADE_SUMMARY] = { TW_MDP3_TRADE_SUMMARY, TW_MDP3_EVENT_ROOT,
		2, { { 0, TW_MDP3_TRADE_ENTRY }, { 1, TW_MDP3_TRADE_ORDER } } },
	[TW_MDP3_SNAPSHOT] = { TW_MDP3_SNAPSHOT, TW_MDP3_SNAP_ROOT, 1,
		{ { 0, TW_MDP3_SNAP_ENTRY } } },
	[TW_MDP3_INSTRUMENT_FUT] = { TW_MDP3_INSTRUMENT_FUT,
		TW_MDP3_INST_ROOT, 4,
		{ { 0, TW_MDP3_INST_EVENT }, { 0, TW_MDP3_INST_FEED },
		  { 0, TW_MDP3_INST_ATTRIB }, { 0, TW_MDP3_INST_LOT } } },
};

static const struct known_template *
find_template(uint16_t schema, uint16_t id)
{
	if (schema != TW_MDP3_SCHEMA_ID ||
	    id >= sizeof(known) / sizeof(known[0]) || known[id].id == 0)
		return NULL;
	return &known[id];
}

static const char *const verdict_names[TW_MDP3_VERDICTS] = {
	[TW_MDP3_OK] = "ok",
	[TW_MDP3_UNKNOWN] = "unknown template",
	[TW_MDP3_END] = "end of packet",
	[TW_MDP3_PKT_SHORT] = "packet shorter than its header",
	[TW_MDP3_PKT_EMPTY] = "packet without a message",
	[TW_MDP3_MSG_TRUNC] = "message header truncated",
	[TW_MDP3_MSG_SIZE] = "MsgSize under the message header",
	[TW_MDP3_MSG_OVER] = "MsgSize past the packet",
	[TW_MDP3_BLOCK_OVER] = "root block past MsgSize",
	[TW_MDP3_BLOCK_SHORT] = "root block shorter than its fields",
	[TW_MDP3_GROUP_HDR_OVER] = "group dimension past MsgSize",
	[TW_MDP3_GROUP_SHORT] = "group entry shorter than its fields",
	[TW_MDP3_GROUP_OVER] = "group entries past MsgSize",
};

const char *
tw_mdp3_verdict_name(enum tw_mdp3_verdict v)
{
	if ((unsigned int)v >= TW_MDP3_VERDICTS)
		return "?";
	return verdict_names[v];
}

enum tw_mdp3_verdict
tw_mdp3_walk_init(struct tw_mdp3_walk *w, const void *pkt, size_t len)
{
	w->pkt = pkt;
	w->len = len;
	w->off = TW_MDP3_PKT_HDR_LEN;
	w->done = false;
	w->seq = 0;
	w->sending_time = 0;
	w->known = 0;
	w->unknown = 0;
	w->bad = 0;
	if (len < TW_MDP3_PKT_HDR_LEN) {
		w->done = true;
		return TW_MDP3_PKT_SHORT;
	}
	w->seq = tw_mdp3_u32(w->pkt + TW_MDP3_PKT_OFF_SEQ);
	w->sending_time = tw_mdp3_u64(w->pkt + TW_MDP3_PKT_OFF_TIME);
	if (len == TW_MDP3_PKT_HDR_LEN) {
		w->done = true;
		return TW_MDP3_PKT_EMPTY;
	}
	return TW_MDP3_OK;
}

/*
 * The groups of a known template, from the end of the root block to
 * end (MsgSize); bytes after the last group known are a later schema's
 * groups or padding, and left alone.
 */
static enum tw_mdp3_verdict
check_groups(const struct known_template *t, struct tw_mdp3_msg *m,
		const uint8_t *end)
{
	const uint8_t *p = m->root + m->block_len;
	unsigned int g;

	for (g = 0; g < t->n_groups; g++) {
		size_t hdr = t->group[g].dim8 ? TW_MDP3_GROUP8_HDR_LEN :
			TW_MDP3_GROUP_HDR_LEN;
		struct tw_mdp3_group *grp = &m->group[g];
		size_t bytes;

		if ((size_t)(end - p) < hdr)
			return TW_MDP3_GROUP_HDR_OVER;
		grp->block_len = tw_mdp3_u16(p);
		grp->count = t->group[g].dim8 ?
			p[TW_MDP3_GROUP8_OFF_COUNT] : p[2];
		grp->first = p + hdr;
		if (grp->block_len < t->group[g].min_entry)
			return TW_MDP3_GROUP_SHORT;
		bytes = (size_t)grp->block_len * grp->count;
		if ((size_t)(end - grp->first) < bytes)
			return TW_MDP3_GROUP_OVER;
		p = grp->first + bytes;
		m->n_groups = (uint8_t)(g + 1);
	}
	return TW_MDP3_OK;
}

enum tw_mdp3_verdict
tw_mdp3_msg_read(const uint8_t *sbe, uint16_t len, struct tw_mdp3_msg *m)
{
	const struct known_template *t;

	m->p = sbe - 2;
	m->size = (uint16_t)(len + 2);
	m->n_groups = 0;
	m->root = sbe + TW_MDP3_MSG_HDR_LEN - 2;
	m->block_len = tw_mdp3_u16(sbe + TW_MDP3_MSG_OFF_BLOCK - 2);
	m->template_id = tw_mdp3_u16(sbe + TW_MDP3_MSG_OFF_TEMPLATE - 2);
	m->schema_id = tw_mdp3_u16(sbe + TW_MDP3_MSG_OFF_SCHEMA - 2);
	m->version = tw_mdp3_u16(sbe + TW_MDP3_MSG_OFF_VERSION - 2);
	t = find_template(m->schema_id, m->template_id);
	if (m->block_len > m->size - TW_MDP3_MSG_HDR_LEN)
		return TW_MDP3_BLOCK_OVER;
	if (t == NULL)
		return TW_MDP3_UNKNOWN;
	if (m->block_len < t->min_root)
		return TW_MDP3_BLOCK_SHORT;
	return check_groups(t, m, m->p + m->size);
}

enum tw_mdp3_verdict
tw_mdp3_walk_next(struct tw_mdp3_walk *w, struct tw_mdp3_msg *m)
{
	enum tw_mdp3_verdict v;
	size_t left;
	const uint8_t *p;

	if (w->done || w->off >= w->len) {
		w->done = true;
		return TW_MDP3_END;
	}
	left = w->len - w->off;
	p = w->pkt + w->off;
	if (left < 2) {
		w->done = true;
		return TW_MDP3_MSG_TRUNC;
	}
	m->p = p;
	m->size = tw_mdp3_u16(p + TW_MDP3_MSG_OFF_SIZE);
	m->n_groups = 0;
	if (m->size > left) {
		w->done = true;
		return TW_MDP3_MSG_OVER;
	}
	if (m->size < TW_MDP3_MSG_HDR_LEN) {
		w->done = true;
		return TW_MDP3_MSG_SIZE;
	}
	/* From here MsgSize holds: the message is stepped over whatever. */
	w->off += m->size;
	v = tw_mdp3_msg_read(p + 2, (uint16_t)(m->size - 2), m);
	if (v == TW_MDP3_OK)
		w->known++;
	else if (v == TW_MDP3_UNKNOWN)
		w->unknown++;
	else
		w->bad++;
	return v;
}

enum tw_mdp3_verdict
tw_mdp3_check_packet(struct tw_mdp3_walk *w, const void *pkt, size_t len)
{
	struct tw_mdp3_msg m;
	enum tw_mdp3_verdict v, first = TW_MDP3_OK;

	v = tw_mdp3_walk_init(w, pkt, len);
	if (v != TW_MDP3_OK)
		return v;
	while ((v = tw_mdp3_walk_next(w, &m)) != TW_MDP3_END) {
		if (v != TW_MDP3_OK && v != TW_MDP3_UNKNOWN &&
		    first == TW_MDP3_OK)
			first = v;
	}
	return first;
}
