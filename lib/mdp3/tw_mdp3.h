/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CME MDP 3.0: the wire format of the packets and of the SBE messages
 * tickwire reads, after CME's schema id 1, version 9 (templates_FixBinary
 * of 2018-03-08: the "46..54" templates with PRICE9 prices). Every
 * integer is little-endian; offsets below count from the first byte of
 * a message's root block or of a group entry, as the schema's offset
 * attributes do.
 *
 *   packet:  MsgSeqNum u32 | SendingTime u64 (ns since the epoch)
 *            then one or more messages
 *   message: MsgSize u16 (the whole message, these 2 bytes included)
 *            | SBE header: blockLength, templateId, schemaId, version (u16)
 *            | root block (blockLength bytes)
 *            | each repeating group: its dimension, then numInGroup
 *              entries of the dimension's blockLength bytes
 *
 * SBE's forward-compatibility rule: a root block or a group entry may be
 * longer than the fields known here (a later schema appends fields); it
 * is stepped over by the blockLength on the wire, never by the size
 * known. Two group dimensions: groupSize (blockLength u16, numInGroup
 * u8: 3 bytes) and groupSize8Byte (blockLength u16, 5 bytes of padding,
 * numInGroup u8 at offset 7: 8 bytes).
 *
 * Owns: constants, offsets and null values of the schema; the checked
 * walk of a packet (tw_mdp3_walk.c); reading each message's fields from
 * the packet in place and writing them (tw_mdp3.c).
 * Never touches: sequencing, A/B lines, recovery, books, caches, the
 * registry (the transport and message layers to come), and never
 * allocates.
 */
#ifndef TW_MDP3_H
#define TW_MDP3_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- the schema followed ---- */

#define TW_MDP3_SCHEMA_ID       1
#define TW_MDP3_SCHEMA_VERSION  9

/* ---- packet and message headers ---- */

#define TW_MDP3_PKT_HDR_LEN     12      /* MsgSeqNum u32, SendingTime u64 */
#define TW_MDP3_PKT_OFF_SEQ     0
#define TW_MDP3_PKT_OFF_TIME    4

#define TW_MDP3_MSG_HDR_LEN     10      /* MsgSize + the 8-byte SBE header */
#define TW_MDP3_MSG_OFF_SIZE    0
#define TW_MDP3_MSG_OFF_BLOCK   2
#define TW_MDP3_MSG_OFF_TEMPLATE 4
#define TW_MDP3_MSG_OFF_SCHEMA  6
#define TW_MDP3_MSG_OFF_VERSION 8

#define TW_MDP3_GROUP_HDR_LEN   3       /* groupSize */
#define TW_MDP3_GROUP8_HDR_LEN  8       /* groupSize8Byte: count at 7 */
#define TW_MDP3_GROUP8_OFF_COUNT 7

/* ---- templates (schema 1, version 9) and their blockLengths ---- */

#define TW_MDP3_CHANNEL_RESET   4       /* root 9; entries 2 */
#define TW_MDP3_HEARTBEAT       12      /* root 0, no groups */
#define TW_MDP3_SECURITY_STATUS 30      /* root 30, no groups */
#define TW_MDP3_VOLUME          37      /* root 11; entries 16 */
#define TW_MDP3_BOOK            46      /* root 11; entries 32; orders 24 (8-byte dim) */
#define TW_MDP3_TRADE_SUMMARY   48      /* root 11; entries 32; orders 16 (8-byte dim) */
#define TW_MDP3_SNAPSHOT        52      /* root 59; entries 22 */
#define TW_MDP3_INSTRUMENT_FUT  54      /* root 216; 4 groups: 9, 4, 4, 5 */

#define TW_MDP3_MAX_GROUPS      4

/* Known root and entry lengths (the schema's blockLength attributes). */
#define TW_MDP3_RESET_ROOT      9
#define TW_MDP3_RESET_ENTRY     2
#define TW_MDP3_STATUS_ROOT     30
#define TW_MDP3_EVENT_ROOT      11      /* 37, 46, 48: TransactTime, MEI, 2 pad */
#define TW_MDP3_VOLUME_ENTRY    16
#define TW_MDP3_BOOK_ENTRY      32
#define TW_MDP3_BOOK_ORDER      24
#define TW_MDP3_TRADE_ENTRY     32
#define TW_MDP3_TRADE_ORDER     16
#define TW_MDP3_SNAP_ROOT       59
#define TW_MDP3_SNAP_ENTRY      22
#define TW_MDP3_INST_ROOT       216
#define TW_MDP3_INST_EVENT      9
#define TW_MDP3_INST_FEED       4
#define TW_MDP3_INST_ATTRIB     4
#define TW_MDP3_INST_LOT        5

/* ---- field offsets ---- */

/* Root of 4, 37, 46, 48 (ChannelReset's root stops after the MEI). */
#define TW_MDP3_OFF_TRANSACT_TIME 0     /* u64 */
#define TW_MDP3_OFF_MEI         8       /* MatchEventIndicator u8 */

/* 4 entry */
#define TW_MDP3_RESET_OFF_APPL_ID 0     /* Int16 */

/* 30 root */
#define TW_MDP3_STATUS_OFF_TIME 0       /* u64 */
#define TW_MDP3_STATUS_OFF_GROUP 8      /* char[6] SecurityGroup */
#define TW_MDP3_STATUS_OFF_ASSET 14     /* char[6] */
#define TW_MDP3_STATUS_OFF_SECID 20     /* Int32NULL */
#define TW_MDP3_STATUS_OFF_DATE 24      /* LocalMktDate u16 */
#define TW_MDP3_STATUS_OFF_MEI  26      /* u8 */
#define TW_MDP3_STATUS_OFF_STATUS 27    /* SecurityTradingStatus uInt8NULL */
#define TW_MDP3_STATUS_OFF_HALT 28      /* HaltReason u8 */
#define TW_MDP3_STATUS_OFF_EVENT 29     /* SecurityTradingEvent u8 */

/* 37 entry (MDEntryType 'e' is a constant: not on the wire) */
#define TW_MDP3_VOL_OFF_SIZE    0       /* Int32 */
#define TW_MDP3_VOL_OFF_SECID   4       /* Int32 */
#define TW_MDP3_VOL_OFF_RPTSEQ  8       /* u32 */
#define TW_MDP3_VOL_OFF_ACTION  12      /* MDUpdateAction u8 */

/* 46 entry */
#define TW_MDP3_BOOK_OFF_PX     0       /* PRICENULL9 */
#define TW_MDP3_BOOK_OFF_SIZE   8       /* Int32NULL */
#define TW_MDP3_BOOK_OFF_SECID  12      /* Int32 */
#define TW_MDP3_BOOK_OFF_RPTSEQ 16      /* u32 */
#define TW_MDP3_BOOK_OFF_ORDERS 20      /* Int32NULL NumberOfOrders */
#define TW_MDP3_BOOK_OFF_LEVEL  24      /* u8 MDPriceLevel */
#define TW_MDP3_BOOK_OFF_ACTION 25      /* MDUpdateAction u8 */
#define TW_MDP3_BOOK_OFF_TYPE   26      /* MDEntryTypeBook char */

/* 46 NoOrderIDEntries entry */
#define TW_MDP3_ORD_OFF_ID      0       /* u64 OrderID */
#define TW_MDP3_ORD_OFF_PRIO    8       /* uInt64NULL MDOrderPriority */
#define TW_MDP3_ORD_OFF_QTY     16      /* Int32NULL MDDisplayQty */
#define TW_MDP3_ORD_OFF_REF     20      /* uInt8NULL ReferenceID */
#define TW_MDP3_ORD_OFF_ACTION  21      /* OrderUpdateAction u8 */

/* 48 entry (MDEntryType '2' is a constant) */
#define TW_MDP3_TRADE_OFF_PX    0       /* PRICE9 */
#define TW_MDP3_TRADE_OFF_SIZE  8       /* Int32 */
#define TW_MDP3_TRADE_OFF_SECID 12      /* Int32 */
#define TW_MDP3_TRADE_OFF_RPTSEQ 16     /* u32 */
#define TW_MDP3_TRADE_OFF_ORDERS 20     /* Int32 */
#define TW_MDP3_TRADE_OFF_AGGRESSOR 24  /* AggressorSide uInt8NULL */
#define TW_MDP3_TRADE_OFF_ACTION 25     /* MDUpdateAction u8 */
#define TW_MDP3_TRADE_OFF_ENTRY_ID 26   /* uInt32NULL MDTradeEntryID */

/* 48 NoOrderIDEntries entry */
#define TW_MDP3_TORD_OFF_ID     0       /* u64 */
#define TW_MDP3_TORD_OFF_QTY    8       /* Int32 LastQty */

/* 52 root */
#define TW_MDP3_SNAP_OFF_LAST_SEQ 0     /* u32 LastMsgSeqNumProcessed */
#define TW_MDP3_SNAP_OFF_TOT    4       /* u32 TotNumReports */
#define TW_MDP3_SNAP_OFF_SECID  8       /* Int32 */
#define TW_MDP3_SNAP_OFF_RPTSEQ 12      /* u32 */
#define TW_MDP3_SNAP_OFF_TIME   16      /* u64 TransactTime */
#define TW_MDP3_SNAP_OFF_UPDATE 24      /* u64 LastUpdateTime */
#define TW_MDP3_SNAP_OFF_DATE   32      /* LocalMktDate TradeDate */
#define TW_MDP3_SNAP_OFF_STATUS 34      /* SecurityTradingStatus */
#define TW_MDP3_SNAP_OFF_HIGH   35      /* PRICENULL9 HighLimitPrice */
#define TW_MDP3_SNAP_OFF_LOW    43      /* PRICENULL9 LowLimitPrice */
#define TW_MDP3_SNAP_OFF_VAR    51      /* PRICENULL9 MaxPriceVariation */

/* 52 entry */
#define TW_MDP3_SNAPE_OFF_PX    0       /* PRICENULL9 */
#define TW_MDP3_SNAPE_OFF_SIZE  8       /* Int32NULL */
#define TW_MDP3_SNAPE_OFF_ORDERS 12     /* Int32NULL */
#define TW_MDP3_SNAPE_OFF_LEVEL 16      /* Int8NULL MDPriceLevel */
#define TW_MDP3_SNAPE_OFF_REF_DATE 17   /* LocalMktDate TradingReferenceDate */
#define TW_MDP3_SNAPE_OFF_OPEN_CLOSE 19 /* OpenCloseSettlFlag uInt8NULL */
#define TW_MDP3_SNAPE_OFF_SETTL 20      /* SettlPriceType u8 */
#define TW_MDP3_SNAPE_OFF_TYPE  21      /* MDEntryType char */

/* 54 root: the fields a book needs, and those beside them it keeps */
#define TW_MDP3_INST_OFF_MEI    0       /* u8 */
#define TW_MDP3_INST_OFF_TOT    1       /* uInt32NULL TotNumReports */
#define TW_MDP3_INST_OFF_ACTION 5       /* SecurityUpdateAction char */
#define TW_MDP3_INST_OFF_UPDATE 6       /* u64 LastUpdateTime */
#define TW_MDP3_INST_OFF_STATUS 14      /* MDSecurityTradingStatus */
#define TW_MDP3_INST_OFF_APPL_ID 15     /* Int16 */
#define TW_MDP3_INST_OFF_SEGMENT 17     /* u8 MarketSegmentID */
#define TW_MDP3_INST_OFF_GROUP  23      /* char[6] SecurityGroup */
#define TW_MDP3_INST_OFF_ASSET  29      /* char[6] */
#define TW_MDP3_INST_OFF_SYMBOL 35      /* char[20] */
#define TW_MDP3_INST_OFF_SECID  55      /* Int32 */
#define TW_MDP3_INST_OFF_SECTYPE 59     /* char[6] SecurityType */
#define TW_MDP3_INST_OFF_MATURITY 71    /* year u16, month, day, week u8 */
#define TW_MDP3_INST_OFF_CURRENCY 76    /* char[3] */
#define TW_MDP3_INST_OFF_MATCH_ALGO 82  /* char */
#define TW_MDP3_INST_OFF_MIN_VOL 83     /* u32 MinTradeVol */
#define TW_MDP3_INST_OFF_MAX_VOL 87     /* u32 MaxTradeVol */
#define TW_MDP3_INST_OFF_TICK   91      /* PRICE9 MinPriceIncrement */
#define TW_MDP3_INST_OFF_DISPLAY 99     /* Decimal9 DisplayFactor */
#define TW_MDP3_INST_OFF_REF_PX 148     /* PRICENULL9 TradingReferencePrice */
#define TW_MDP3_INST_OFF_HIGH   165     /* PRICENULL9 HighLimitPrice */
#define TW_MDP3_INST_OFF_LOW    173     /* PRICENULL9 LowLimitPrice */
#define TW_MDP3_INST_OFF_VAR    181     /* PRICENULL9 MaxPriceVariation */

/* 54 groups, in wire order, all with the 3-byte groupSize */
#define TW_MDP3_INST_G_EVENTS   0       /* EventType u8 @0, EventTime u64 @1 */
#define TW_MDP3_INST_G_FEEDS    1       /* MDFeedType char[3] @0, MarketDepth Int8 @3 */
#define TW_MDP3_INST_G_ATTRIBS  2       /* InstAttribValue u32 @0 */
#define TW_MDP3_INST_G_LOTS     3       /* LotType Int8 @0, MinLotSize DecimalQty @1 */

/* ---- null values (presence="optional" nullValue in the schema) ---- */

#define TW_MDP3_PRICE_NULL      INT64_MAX       /* PRICENULL9, Decimal9NULL */
#define TW_MDP3_INT32_NULL      INT32_MAX       /* Int32NULL, DecimalQty */
#define TW_MDP3_UINT32_NULL     UINT32_MAX      /* uInt32NULL */
#define TW_MDP3_UINT64_NULL     UINT64_MAX      /* uInt64NULL */
#define TW_MDP3_UINT8_NULL      UINT8_MAX       /* uInt8NULL and its enums */
#define TW_MDP3_INT8_NULL       INT8_MAX        /* Int8NULL */
#define TW_MDP3_DATE_NULL       UINT16_MAX      /* LocalMktDate */

#define TW_MDP3_PRICE_EXPONENT  (-9)            /* PRICE9 and Decimal9 */

/* ---- enumerations ---- */

enum tw_mdp3_update_action {    /* MDUpdateAction */
	TW_MDP3_NEW = 0,
	TW_MDP3_CHANGE = 1,
	TW_MDP3_DELETE = 2,
	TW_MDP3_DELETE_THRU = 3,
	TW_MDP3_DELETE_FROM = 4,
	TW_MDP3_OVERLAY = 5,
};

/* MDEntryTypeBook (46, 53) and the snapshot's MDEntryType (52). */
#define TW_MDP3_BID             '0'
#define TW_MDP3_OFFER           '1'
#define TW_MDP3_TRADE           '2'
#define TW_MDP3_IMPLIED_BID     'E'
#define TW_MDP3_IMPLIED_OFFER   'F'
#define TW_MDP3_BOOK_RESET      'J'

/* MatchEventIndicator bits. */
#define TW_MDP3_MEI_LAST_TRADE  0x01
#define TW_MDP3_MEI_LAST_VOLUME 0x02
#define TW_MDP3_MEI_LAST_QUOTE  0x04
#define TW_MDP3_MEI_LAST_STATS  0x08
#define TW_MDP3_MEI_LAST_IMPLIED 0x10
#define TW_MDP3_MEI_RECOVERY    0x20
#define TW_MDP3_MEI_END_OF_EVENT 0x80

/* ---- little-endian fields ---- */

static inline uint16_t
tw_mdp3_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t
tw_mdp3_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 |
		(uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t
tw_mdp3_u64(const uint8_t *p)
{
	return (uint64_t)tw_mdp3_u32(p) | (uint64_t)tw_mdp3_u32(p + 4) << 32;
}

static inline void
tw_mdp3_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void
tw_mdp3_put32(uint8_t *p, uint32_t v)
{
	tw_mdp3_put16(p, (uint16_t)v);
	tw_mdp3_put16(p + 2, (uint16_t)(v >> 16));
}

static inline void
tw_mdp3_put64(uint8_t *p, uint64_t v)
{
	tw_mdp3_put32(p, (uint32_t)v);
	tw_mdp3_put32(p + 4, (uint32_t)(v >> 32));
}

/*
 * A PRICE9 mantissa (value * 10^9) as tickwire's price: value *
 * 10^decimals (decimals 0..9). False when that loses a digit or the
 * price is null; *out is then untouched.
 */
bool tw_mdp3_price9_rescale(int64_t mantissa, unsigned int decimals,
	int64_t *out);

/* ---- the checked walk (tw_mdp3_walk.c) ---- */

enum tw_mdp3_verdict {
	TW_MDP3_OK = 0,         /* a known message, every group inside it */
	TW_MDP3_UNKNOWN,        /* a template or schema not known: skipped */
	TW_MDP3_END,            /* no message left */
	/* the packet's framing: the walk ends */
	TW_MDP3_PKT_SHORT,      /* shorter than the packet header */
	TW_MDP3_PKT_EMPTY,      /* a packet header and no message */
	TW_MDP3_MSG_TRUNC,      /* 1 byte left: no MsgSize */
	TW_MDP3_MSG_SIZE,       /* MsgSize under the 10 bytes of headers */
	TW_MDP3_MSG_OVER,       /* MsgSize runs past the packet */
	/* one message: skipped by its MsgSize, the walk goes on */
	TW_MDP3_BLOCK_OVER,     /* the root block runs past MsgSize */
	TW_MDP3_BLOCK_SHORT,    /* a root block shorter than the fields known */
	TW_MDP3_GROUP_HDR_OVER, /* a group dimension runs past MsgSize */
	TW_MDP3_GROUP_SHORT,    /* group entries shorter than the fields known */
	TW_MDP3_GROUP_OVER,     /* a group's entries run past MsgSize */
	TW_MDP3_VERDICTS
};

const char *tw_mdp3_verdict_name(enum tw_mdp3_verdict v);

/* True for the verdicts after which the packet has no next message. */
static inline bool
tw_mdp3_verdict_ends(enum tw_mdp3_verdict v)
{
	return v >= TW_MDP3_END && v <= TW_MDP3_MSG_OVER;
}

/* A repeating group as it lies in the packet. */
struct tw_mdp3_group {
	const uint8_t *first;   /* the first entry */
	uint16_t block_len;     /* each entry's length on the wire */
	uint16_t count;         /* numInGroup */
};

/* One message, checked, in place in the packet. */
struct tw_mdp3_msg {
	const uint8_t *p;       /* its MsgSize */
	const uint8_t *root;    /* p + 10 */
	uint16_t size;          /* MsgSize */
	uint16_t block_len;
	uint16_t template_id;
	uint16_t schema_id;
	uint16_t version;
	uint8_t n_groups;       /* the template's known groups */
	struct tw_mdp3_group group[TW_MDP3_MAX_GROUPS];
};

/* Entry i of a checked group (i < count). */
static inline const uint8_t *
tw_mdp3_entry(const struct tw_mdp3_group *g, unsigned int i)
{
	return g->first + (size_t)i * g->block_len;
}

struct tw_mdp3_walk {
	const uint8_t *pkt;
	size_t len;
	size_t off;             /* the next message */
	bool done;
	uint32_t seq;           /* MsgSeqNum */
	uint64_t sending_time;
	uint32_t known;         /* messages TW_MDP3_OK */
	uint32_t unknown;       /* skipped, TW_MDP3_UNKNOWN */
	uint32_t bad;           /* skipped, a message verdict */
};

/* The packet header: TW_MDP3_OK, PKT_SHORT or PKT_EMPTY. */
enum tw_mdp3_verdict tw_mdp3_walk_init(struct tw_mdp3_walk *w,
	const void *pkt, size_t len);

/*
 * The next message into *m (all of it for OK; its header for UNKNOWN
 * and the message verdicts, when MsgSize holds one), or TW_MDP3_END.
 * After a verdict that ends the walk, every call returns TW_MDP3_END.
 */
enum tw_mdp3_verdict tw_mdp3_walk_next(struct tw_mdp3_walk *w,
	struct tw_mdp3_msg *m);

/*
 * One message whose MsgSize was checked already (a receive layer's):
 * sbe is its SBE header (the 2 bytes before it are its MsgSize), len
 * = MsgSize - 2 >= 8 bytes in place. Its fields into *m, and the
 * verdict tw_mdp3_walk_next would give it (OK, UNKNOWN, or one of the
 * message verdicts BLOCK_OVER .. GROUP_OVER).
 */
enum tw_mdp3_verdict tw_mdp3_msg_read(const uint8_t *sbe, uint16_t len,
	struct tw_mdp3_msg *m);

/*
 * A whole packet: TW_MDP3_OK when its header and every message's
 * framing hold, else the first verdict that is not OK or UNKNOWN (the
 * counts in *w say how far it went).
 */
enum tw_mdp3_verdict tw_mdp3_check_packet(struct tw_mdp3_walk *w,
	const void *pkt, size_t len);

/* ---- decoded fields (tw_mdp3.c) ---- */

/* The root of 4, 37, 46, 48. */
struct tw_mdp3_event {
	uint64_t transact_time;
	uint8_t mei;
};

struct tw_mdp3_book_entry {             /* 46 NoMDEntries */
	int64_t px;                     /* PRICENULL9 */
	int32_t size;                   /* Int32NULL */
	int32_t security_id;
	uint32_t rpt_seq;
	int32_t orders;                 /* Int32NULL */
	uint8_t level;
	uint8_t action;                 /* enum tw_mdp3_update_action */
	char type;                      /* '0' '1' 'E' 'F' 'J' */
};

struct tw_mdp3_order_entry {            /* 46 NoOrderIDEntries */
	uint64_t order_id;
	uint64_t priority;              /* uInt64NULL */
	int32_t display_qty;            /* Int32NULL */
	uint8_t ref_id;                 /* uInt8NULL: its NoMDEntries entry, 1-based */
	uint8_t action;                 /* OrderUpdateAction 0 new 1 update 2 delete */
};

struct tw_mdp3_trade_entry {            /* 48 NoMDEntries */
	int64_t px;                     /* PRICE9 */
	int32_t size;
	int32_t security_id;
	uint32_t rpt_seq;
	int32_t orders;
	uint8_t aggressor;              /* uInt8NULL: 0 none, 1 buy, 2 sell */
	uint8_t action;
	uint32_t trade_entry_id;        /* uInt32NULL */
};

struct tw_mdp3_trade_order {            /* 48 NoOrderIDEntries */
	uint64_t order_id;
	int32_t last_qty;
};

struct tw_mdp3_volume_entry {           /* 37 NoMDEntries */
	int32_t size;                   /* cumulative traded volume */
	int32_t security_id;
	uint32_t rpt_seq;
	uint8_t action;
};

struct tw_mdp3_status {                 /* 30 */
	uint64_t transact_time;
	char security_group[6];
	char asset[6];
	int32_t security_id;            /* Int32NULL: the whole group */
	uint16_t trade_date;            /* LocalMktDate */
	uint8_t mei;
	uint8_t trading_status;         /* uInt8NULL */
	uint8_t halt_reason;
	uint8_t trading_event;
};

struct tw_mdp3_snapshot {               /* 52 root */
	uint32_t last_msg_seq;          /* LastMsgSeqNumProcessed */
	uint32_t tot_num_reports;
	int32_t security_id;
	uint32_t rpt_seq;
	uint64_t transact_time;
	uint64_t last_update_time;
	uint16_t trade_date;
	uint8_t trading_status;
	int64_t high_limit;             /* PRICENULL9 */
	int64_t low_limit;
	int64_t max_variation;
};

struct tw_mdp3_snap_entry {             /* 52 NoMDEntries */
	int64_t px;                     /* PRICENULL9 */
	int32_t size;                   /* Int32NULL */
	int32_t orders;                 /* Int32NULL */
	int8_t level;                   /* Int8NULL */
	uint16_t ref_date;              /* LocalMktDate */
	uint8_t open_close;             /* uInt8NULL */
	uint8_t settl_type;
	char type;                      /* MDEntryType */
};

struct tw_mdp3_instrument {             /* 54 root, what a book needs */
	uint8_t mei;
	uint32_t tot_num_reports;       /* uInt32NULL */
	char update_action;             /* 'A' 'D' 'M' */
	uint64_t last_update_time;
	uint8_t trading_status;
	int16_t appl_id;
	uint8_t market_segment;
	char security_group[6];
	char asset[6];
	char symbol[20];                /* space/NUL padded, no terminator */
	int32_t security_id;
	char security_type[6];
	uint16_t maturity_year;
	uint8_t maturity_month;
	char currency[3];
	char match_algorithm;
	uint32_t min_trade_vol;
	uint32_t max_trade_vol;
	int64_t min_price_increment;    /* PRICE9 */
	int64_t display_factor;         /* Decimal9 */
	int64_t trading_ref_price;      /* PRICENULL9 */
	int64_t high_limit;
	int64_t low_limit;
	int64_t max_variation;
};

struct tw_mdp3_inst_event {             /* 54 NoEvents */
	uint8_t type;
	uint64_t time;
};

struct tw_mdp3_feed_type {              /* 54 NoMDFeedTypes */
	char feed[3];                   /* "GBX" real, "GBI" implied */
	int8_t depth;                   /* MarketDepth */
};

struct tw_mdp3_lot_rule {               /* 54 NoLotTypeRules */
	int8_t lot_type;
	int32_t min_lot_size;           /* DecimalQty, exponent -4, Int32NULL */
};

void tw_mdp3_get_event(const uint8_t *root, struct tw_mdp3_event *r);
int16_t tw_mdp3_get_reset_entry(const uint8_t *e);
void tw_mdp3_get_status(const uint8_t *root, struct tw_mdp3_status *s);
void tw_mdp3_get_volume_entry(const uint8_t *e, struct tw_mdp3_volume_entry *v);
void tw_mdp3_get_book_entry(const uint8_t *e, struct tw_mdp3_book_entry *b);
void tw_mdp3_get_order_entry(const uint8_t *e, struct tw_mdp3_order_entry *o);
void tw_mdp3_get_trade_entry(const uint8_t *e, struct tw_mdp3_trade_entry *t);
void tw_mdp3_get_trade_order(const uint8_t *e, struct tw_mdp3_trade_order *o);
void tw_mdp3_get_snapshot(const uint8_t *root, struct tw_mdp3_snapshot *s);
void tw_mdp3_get_snap_entry(const uint8_t *e, struct tw_mdp3_snap_entry *s);
void tw_mdp3_get_instrument(const uint8_t *root, struct tw_mdp3_instrument *i);
void tw_mdp3_get_inst_event(const uint8_t *e, struct tw_mdp3_inst_event *v);
void tw_mdp3_get_feed_type(const uint8_t *e, struct tw_mdp3_feed_type *f);
uint32_t tw_mdp3_get_inst_attrib(const uint8_t *e);
void tw_mdp3_get_lot_rule(const uint8_t *e, struct tw_mdp3_lot_rule *l);

/*
 * Writing: the same fields at the same offsets. Each put writes the
 * fields known into a root or entry that tw_mdp3_msg_begin or
 * tw_mdp3_entry_add zeroed, so a longer block's tail stays 0.
 */
void tw_mdp3_put_event(uint8_t *root, const struct tw_mdp3_event *r);
void tw_mdp3_put_reset_entry(uint8_t *e, int16_t appl_id);
void tw_mdp3_put_status(uint8_t *root, const struct tw_mdp3_status *s);
void tw_mdp3_put_volume_entry(uint8_t *e, const struct tw_mdp3_volume_entry *v);
void tw_mdp3_put_book_entry(uint8_t *e, const struct tw_mdp3_book_entry *b);
void tw_mdp3_put_order_entry(uint8_t *e, const struct tw_mdp3_order_entry *o);
void tw_mdp3_put_trade_entry(uint8_t *e, const struct tw_mdp3_trade_entry *t);
void tw_mdp3_put_trade_order(uint8_t *e, const struct tw_mdp3_trade_order *o);
void tw_mdp3_put_snapshot(uint8_t *root, const struct tw_mdp3_snapshot *s);
void tw_mdp3_put_snap_entry(uint8_t *e, const struct tw_mdp3_snap_entry *s);
void tw_mdp3_put_instrument(uint8_t *root, const struct tw_mdp3_instrument *i);
void tw_mdp3_put_inst_event(uint8_t *e, const struct tw_mdp3_inst_event *v);
void tw_mdp3_put_feed_type(uint8_t *e, const struct tw_mdp3_feed_type *f);
void tw_mdp3_put_inst_attrib(uint8_t *e, uint32_t value);
void tw_mdp3_put_lot_rule(uint8_t *e, const struct tw_mdp3_lot_rule *l);

/* ---- building a packet in a caller's buffer (tw_mdp3.c) ---- */

struct tw_mdp3_writer {
	uint8_t *buf;
	size_t cap;
	size_t len;
	size_t msg;             /* the open message's MsgSize, or SIZE_MAX */
	size_t grp;             /* the open group's dimension, or SIZE_MAX */
	uint16_t grp_block;     /* its entries' length */
	bool grp8;              /* its dimension is groupSize8Byte */
	bool full;              /* something did not fit: the packet is void */
};

/* The packet header, at buf[0]. */
void tw_mdp3_writer_init(struct tw_mdp3_writer *w, void *buf, size_t cap,
	uint32_t seq, uint64_t sending_time);

/*
 * Opens a message of the schema (its header, then a zeroed root of
 * block_len bytes) and returns its root, NULL when it does not fit.
 */
uint8_t *tw_mdp3_msg_begin(struct tw_mdp3_writer *w, uint16_t template_id,
	uint16_t block_len);

/* Opens a group (3- or 8-byte dimension); false when it does not fit. */
bool tw_mdp3_group_begin(struct tw_mdp3_writer *w, bool dim8,
	uint16_t block_len);

/* A zeroed entry of the open group, NULL when full (or 255 entries). */
uint8_t *tw_mdp3_entry_add(struct tw_mdp3_writer *w);

/* Closes the message: its MsgSize. The packet's length is w->len. */
void tw_mdp3_msg_end(struct tw_mdp3_writer *w);

#endif /* TW_MDP3_H */
