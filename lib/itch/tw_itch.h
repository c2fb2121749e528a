/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NASDAQ TotalView-ITCH 5.0: the wire format of every message, as the
 * specification lays it out (all integers big-endian, alphanumerics
 * left-justified and space-padded, prices 4 implied decimals, the MWCB
 * levels 8).
 *
 * Every message starts with the same 11 bytes: message type (1), stock
 * locate (2), tracking number (2), timestamp (6: nanoseconds since
 * midnight). Offsets below count from the message's first byte (the
 * type), as the specification's tables do.
 *
 * Owns: type codes, sizes, field offsets, reading and writing fields.
 * Never touches: books, caches, frames (lib/itch tw_book, tw_itch_*.c).
 */
#ifndef TW_ITCH_H
#define TW_ITCH_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* ---- message types and their sizes ---- */

#define TW_ITCH_SYSTEM_EVENT            'S'     /* 12 */
#define TW_ITCH_STOCK_DIRECTORY         'R'     /* 39 */
#define TW_ITCH_TRADING_ACTION          'H'     /* 25 */
#define TW_ITCH_REG_SHO                 'Y'     /* 20 */
#define TW_ITCH_MARKET_PARTICIPANT      'L'     /* 26 */
#define TW_ITCH_MWCB_DECLINE            'V'     /* 35 */
#define TW_ITCH_MWCB_STATUS             'W'     /* 12 */
#define TW_ITCH_IPO_QUOTING             'K'     /* 28 */
#define TW_ITCH_LULD_COLLAR             'J'     /* 35 */
#define TW_ITCH_OPERATIONAL_HALT        'h'     /* 21 */
#define TW_ITCH_ADD_ORDER               'A'     /* 36 */
#define TW_ITCH_ADD_ORDER_MPID          'F'     /* 40 */
#define TW_ITCH_ORDER_EXECUTED          'E'     /* 31 */
#define TW_ITCH_ORDER_EXECUTED_PRICE    'C'     /* 36 */
#define TW_ITCH_ORDER_CANCEL            'X'     /* 23 */
#define TW_ITCH_ORDER_DELETE            'D'     /* 19 */
#define TW_ITCH_ORDER_REPLACE           'U'     /* 35 */
#define TW_ITCH_TRADE                   'P'     /* 44 */
#define TW_ITCH_CROSS_TRADE             'Q'     /* 40 */
#define TW_ITCH_BROKEN_TRADE            'B'     /* 19 */
#define TW_ITCH_NOII                    'I'     /* 50 */
#define TW_ITCH_RPII                    'N'     /* 20 */
#define TW_ITCH_DLCR                    'O'     /* 48 */

#define TW_ITCH_HDR_LEN 11
#define TW_ITCH_MAX_LEN 50

/*
 * The size of each message type; 0 for a byte that is no type. One
 * table for the encoder, the decoder, the file reader and the tests.
 */
extern const uint8_t tw_itch_len[256];

/* ---- common header ---- */

#define TW_ITCH_OFF_TYPE        0
#define TW_ITCH_OFF_LOCATE      1
#define TW_ITCH_OFF_TRACKING    3
#define TW_ITCH_OFF_TIMESTAMP   5

/* Fields after the header, by message (offsets from the type byte). */
/* S */
#define TW_ITCH_S_EVENT         11
/* R */
#define TW_ITCH_R_STOCK         11
#define TW_ITCH_R_MARKET_CATEGORY 19
#define TW_ITCH_R_FINANCIAL_STATUS 20
#define TW_ITCH_R_ROUND_LOT     21
#define TW_ITCH_R_ROUND_LOTS_ONLY 25
#define TW_ITCH_R_ISSUE_CLASS   26
#define TW_ITCH_R_ISSUE_SUBTYPE 27
#define TW_ITCH_R_AUTHENTICITY  29
#define TW_ITCH_R_SHORT_SALE    30
#define TW_ITCH_R_IPO_FLAG      31
#define TW_ITCH_R_LULD_TIER     32
#define TW_ITCH_R_ETP_FLAG      33
#define TW_ITCH_R_ETP_LEVERAGE  34
#define TW_ITCH_R_INVERSE       38
/* H */
#define TW_ITCH_H_STOCK         11
#define TW_ITCH_H_STATE         19
#define TW_ITCH_H_RESERVED      20
#define TW_ITCH_H_REASON        21
/* A and F (F adds the attribution) */
#define TW_ITCH_A_REF           11
#define TW_ITCH_A_SIDE          19
#define TW_ITCH_A_SHARES        20
#define TW_ITCH_A_STOCK         24
#define TW_ITCH_A_PRICE         32
#define TW_ITCH_F_ATTRIBUTION   36
/* E and C (C adds printable and price) */
#define TW_ITCH_E_REF           11
#define TW_ITCH_E_SHARES        19
#define TW_ITCH_E_MATCH         23
#define TW_ITCH_C_PRINTABLE     31
#define TW_ITCH_C_PRICE         32
/* X */
#define TW_ITCH_X_REF           11
#define TW_ITCH_X_SHARES        19
/* D */
#define TW_ITCH_D_REF           11
/* U */
#define TW_ITCH_U_OLD_REF       11
#define TW_ITCH_U_NEW_REF       19
#define TW_ITCH_U_SHARES        27
#define TW_ITCH_U_PRICE         31
/* P */
#define TW_ITCH_P_REF           11
#define TW_ITCH_P_SIDE          19
#define TW_ITCH_P_SHARES        20
#define TW_ITCH_P_STOCK         24
#define TW_ITCH_P_PRICE         32
#define TW_ITCH_P_MATCH         36
/* Q */
#define TW_ITCH_Q_SHARES        11      /* 8 bytes */
#define TW_ITCH_Q_STOCK         19
#define TW_ITCH_Q_PRICE         27
#define TW_ITCH_Q_MATCH         31
#define TW_ITCH_Q_CROSS_TYPE    39
/* B */
#define TW_ITCH_B_MATCH         11
/* Y */
#define TW_ITCH_Y_STOCK         11
#define TW_ITCH_Y_ACTION        19
/* L */
#define TW_ITCH_L_MPID          11
#define TW_ITCH_L_STOCK         15
#define TW_ITCH_L_PRIMARY       23
#define TW_ITCH_L_MODE          24
#define TW_ITCH_L_STATE         25
/* V (prices of 8 decimals) */
#define TW_ITCH_V_LEVEL1        11
#define TW_ITCH_V_LEVEL2        19
#define TW_ITCH_V_LEVEL3        27
/* J */
#define TW_ITCH_J_STOCK         11
#define TW_ITCH_J_REF_PRICE     19
#define TW_ITCH_J_UPPER         23
#define TW_ITCH_J_LOWER         27
#define TW_ITCH_J_EXTENSION     31
/* h */
#define TW_ITCH_h_STOCK         11
#define TW_ITCH_h_MARKET        19
#define TW_ITCH_h_ACTION        20
/* I */
#define TW_ITCH_I_PAIRED        11      /* 8 bytes */
#define TW_ITCH_I_IMBALANCE     19      /* 8 bytes */
#define TW_ITCH_I_DIRECTION     27
#define TW_ITCH_I_STOCK         28
#define TW_ITCH_I_FAR           36
#define TW_ITCH_I_NEAR          40
#define TW_ITCH_I_REF           44
#define TW_ITCH_I_CROSS_TYPE    48
#define TW_ITCH_I_VARIATION     49

/* Cross types (Q, I). */
#define TW_ITCH_CROSS_OPENING   'O'
#define TW_ITCH_CROSS_CLOSING   'C'
#define TW_ITCH_CROSS_HALTED    'H'

/* System event codes (S). */
#define TW_ITCH_EV_START_MESSAGES       'O'
#define TW_ITCH_EV_START_SYSTEM         'S'
#define TW_ITCH_EV_START_MARKET         'Q'
#define TW_ITCH_EV_END_MARKET           'M'
#define TW_ITCH_EV_END_SYSTEM           'E'
#define TW_ITCH_EV_END_MESSAGES         'C'

#define TW_ITCH_STOCK_LEN 8
#define TW_ITCH_NS_PER_DAY (UINT64_C(86400) * 1000000000)

/* ---- reading and writing big-endian fields ---- */

static inline uint16_t
tw_itch_u16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t
tw_itch_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return __builtin_bswap32(v);
}

static inline uint64_t
tw_itch_u64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return __builtin_bswap64(v);
}

static inline void
tw_itch_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
tw_itch_put32(uint8_t *p, uint32_t v)
{
	v = __builtin_bswap32(v);
	memcpy(p, &v, sizeof(v));
}

static inline void
tw_itch_put64(uint8_t *p, uint64_t v)
{
	v = __builtin_bswap64(v);
	memcpy(p, &v, sizeof(v));
}

static inline void
tw_itch_put48(uint8_t *p, uint64_t v)
{
	tw_itch_put16(p, (uint16_t)(v >> 32));
	tw_itch_put32(p + 2, (uint32_t)v);
}

/* The header every message starts with. */
static inline void
tw_itch_put_hdr(uint8_t *p, uint8_t type, uint16_t locate,
		uint16_t tracking, uint64_t ts_ns)
{
	p[TW_ITCH_OFF_TYPE] = type;
	tw_itch_put16(p + TW_ITCH_OFF_LOCATE, locate);
	tw_itch_put16(p + TW_ITCH_OFF_TRACKING, tracking);
	tw_itch_put48(p + TW_ITCH_OFF_TIMESTAMP, ts_ns);
}

static inline uint16_t
tw_itch_locate(const uint8_t *m)
{
	return tw_itch_u16(m + TW_ITCH_OFF_LOCATE);
}

/* m holds a whole header (11 bytes, every known type): the timestamp's
 * 6 bytes end it, read as one 8-byte load from offset 3. */
static inline uint64_t
tw_itch_timestamp(const uint8_t *m)
{
	return tw_itch_u64(m + TW_ITCH_OFF_TIMESTAMP - 2) &
		UINT64_C(0xffffffffffff);
}

/* An alphanumeric field: s, space-padded to len (s may be shorter). */
static inline void
tw_itch_put_alpha(uint8_t *p, const char *s, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len && s[i] != '\0'; i++)
		p[i] = (uint8_t)s[i];
	for (; i < len; i++)
		p[i] = ' ';
}

/*
 * Nanoseconds since midnight (an ITCH timestamp) back to the clock's
 * nanoseconds, taking the midnight nearest now_ns that puts it within
 * half a day of now (a timestamp just before midnight read just after
 * it belongs to yesterday).
 */
static inline uint64_t
tw_itch_ns_of(uint64_t ts_ns, uint64_t now_ns)
{
	uint64_t midnight = now_ns - now_ns % TW_ITCH_NS_PER_DAY;
	uint64_t t = midnight + ts_ns;

	if (t > now_ns + TW_ITCH_NS_PER_DAY / 2 && t >= TW_ITCH_NS_PER_DAY)
		t -= TW_ITCH_NS_PER_DAY;
	else if (t + TW_ITCH_NS_PER_DAY / 2 < now_ns)
		t += TW_ITCH_NS_PER_DAY;
	return t;
}

/* ---- encoders of what tickwire generates ---- */

void tw_itch_system_event(uint8_t *p, uint64_t ts, uint8_t code);
/* A Stock Directory for a common stock in round lots of 100. */
void tw_itch_directory(uint8_t *p, uint16_t locate, uint64_t ts,
		const char *stock);

/* The Stock Directory fields that vary from stock to stock. */
struct tw_itch_dir_fields {
	uint8_t market_category;        /* Q G S N A P Z V */
	uint8_t financial_status;       /* N D E ... ' ' (not Nasdaq) */
	uint32_t round_lot;
	uint8_t issue_class;            /* C common, Q ETP-like ... */
	char issue_subtype[3];
	uint8_t luld_tier;              /* '1' '2' */
	uint8_t etp;                    /* 'Y' 'N' */
	uint32_t etp_leverage;
	uint8_t inverse;                /* 'Y' 'N' */
};

void tw_itch_directory_fields(uint8_t *p, uint16_t locate, uint64_t ts,
		const char *stock, const struct tw_itch_dir_fields *f);
/* Reg SHO: action '0' no price test, '1' in effect, '2' remains. */
void tw_itch_reg_sho(uint8_t *p, uint16_t locate, uint64_t ts,
		const char *stock, uint8_t action);
void tw_itch_participant(uint8_t *p, uint16_t locate, uint64_t ts,
		const char *mpid, const char *stock, bool primary);
/* MWCB decline levels: 8 implied decimals. */
void tw_itch_mwcb_decline(uint8_t *p, uint64_t ts, uint64_t level1,
		uint64_t level2, uint64_t level3);
void tw_itch_luld_collar(uint8_t *p, uint16_t locate, uint64_t ts,
		const char *stock, uint32_t ref, uint32_t upper, uint32_t lower,
		uint32_t extension);
/* Operational halt on market 'Q': action 'H' halted, 'T' resumed. */
void tw_itch_operational_halt(uint8_t *p, uint16_t locate, uint64_t ts,
		const char *stock, uint8_t action);
/* A Trading Action with its reason (4 characters at most). */
void tw_itch_trading_action_reason(uint8_t *p, uint16_t locate,
		uint64_t ts, const char *stock, uint8_t state,
		const char *reason);
void tw_itch_cross_trade(uint8_t *p, uint16_t locate, uint64_t ts,
		uint64_t shares, const char *stock, uint32_t price,
		uint64_t match, uint8_t cross_type);
void tw_itch_noii(uint8_t *p, uint16_t locate, uint64_t ts,
		uint64_t paired, uint64_t imbalance, uint8_t direction,
		const char *stock, uint32_t far, uint32_t near, uint32_t ref,
		uint8_t cross_type, uint8_t variation);
void tw_itch_trading_action(uint8_t *p, uint16_t locate, uint64_t ts,
		const char *stock, uint8_t state);
void tw_itch_add(uint8_t *p, uint16_t locate, uint64_t ts, uint64_t ref,
		uint8_t side, uint32_t shares, const char *stock,
		uint32_t price, const char *mpid);
void tw_itch_executed(uint8_t *p, uint16_t locate, uint64_t ts,
		uint64_t ref, uint32_t shares, uint64_t match);
void tw_itch_executed_price(uint8_t *p, uint16_t locate, uint64_t ts,
		uint64_t ref, uint32_t shares, uint64_t match, uint32_t price,
		bool printable);
void tw_itch_cancel(uint8_t *p, uint16_t locate, uint64_t ts,
		uint64_t ref, uint32_t shares);
void tw_itch_delete(uint8_t *p, uint16_t locate, uint64_t ts,
		uint64_t ref);
void tw_itch_replace(uint8_t *p, uint16_t locate, uint64_t ts,
		uint64_t old_ref, uint64_t new_ref, uint32_t shares,
		uint32_t price);
void tw_itch_trade(uint8_t *p, uint16_t locate, uint64_t ts, uint64_t ref,
		uint8_t side, uint32_t shares, const char *stock,
		uint32_t price, uint64_t match);

/* The type's name ("Add Order"), or NULL for no type. */
const char *tw_itch_type_name(uint8_t type);

#endif /* TW_ITCH_H */
