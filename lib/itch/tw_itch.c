/* SPDX-License-Identifier: BSD-3-Clause */
#include "tw_itch.h"

const uint8_t tw_itch_len[256] = {
	[TW_ITCH_SYSTEM_EVENT] = 12,
	[TW_ITCH_STOCK_DIRECTORY] = 39,
	[TW_ITCH_TRADING_ACTION] = 25,
	[TW_ITCH_REG_SHO] = 20,
	[TW_ITCH_MARKET_PARTICIPANT] = 26,
	[TW_ITCH_MWCB_DECLINE] = 35,
	[TW_ITCH_MWCB_STATUS] = 12,
	[TW_ITCH_IPO_QUOTING] = 28,
	[TW_ITCH_LULD_COLLAR] = 35,
	[TW_ITCH_OPERATIONAL_HALT] = 21,
	[TW_ITCH_ADD_ORDER] = 36,
	[TW_ITCH_ADD_ORDER_MPID] = 40,
	[TW_ITCH_ORDER_EXECUTED] = 31,
	[TW_ITCH_ORDER_EXECUTED_PRICE] = 36,
	[TW_ITCH_ORDER_CANCEL] = 23,
	[TW_ITCH_ORDER_DELETE] = 19,
	[TW_ITCH_ORDER_REPLACE] = 35,
	[TW_ITCH_TRADE] = 44,
	[TW_ITCH_CROSS_TRADE] = 40,
	[TW_ITCH_BROKEN_TRADE] = 19,
	[TW_ITCH_NOII] = 50,
	[TW_ITCH_RPII] = 20,
	[TW_ITCH_DLCR] = 48,
};

const char *
tw_itch_type_name(uint8_t type)
{
	switch (type) {
	case TW_ITCH_SYSTEM_EVENT: return "System Event";
	case TW_ITCH_STOCK_DIRECTORY: return "Stock Directory";
	case TW_ITCH_TRADING_ACTION: return "Stock Trading Action";
	case TW_ITCH_REG_SHO: return "Reg SHO Short Sale Price Test";
	case TW_ITCH_MARKET_PARTICIPANT: return "Market Participant Position";
	case TW_ITCH_MWCB_DECLINE: return "MWCB Decline Level";
	case TW_ITCH_MWCB_STATUS: return "MWCB Status";
	case TW_ITCH_IPO_QUOTING: return "IPO Quoting Period Update";
	case TW_ITCH_LULD_COLLAR: return "LULD Auction Collar";
	case TW_ITCH_OPERATIONAL_HALT: return "Operational Halt";
	case TW_ITCH_ADD_ORDER: return "Add Order";
	case TW_ITCH_ADD_ORDER_MPID: return "Add Order with MPID";
	case TW_ITCH_ORDER_EXECUTED: return "Order Executed";
	case TW_ITCH_ORDER_EXECUTED_PRICE: return "Order Executed with Price";
	case TW_ITCH_ORDER_CANCEL: return "Order Cancel";
	case TW_ITCH_ORDER_DELETE: return "Order Delete";
	case TW_ITCH_ORDER_REPLACE: return "Order Replace";
	case TW_ITCH_TRADE: return "Trade";
	case TW_ITCH_CROSS_TRADE: return "Cross Trade";
	case TW_ITCH_BROKEN_TRADE: return "Broken Trade";
	case TW_ITCH_NOII: return "NOII";
	case TW_ITCH_RPII: return "Retail Price Improvement Indicator";
	case TW_ITCH_DLCR: return "Direct Listing with Capital Raise";
	default: return NULL;
	}
}

void
tw_itch_system_event(uint8_t *p, uint64_t ts, uint8_t code)
{
	tw_itch_put_hdr(p, TW_ITCH_SYSTEM_EVENT, 0, 0, ts);
	p[TW_ITCH_S_EVENT] = code;
}

void
tw_itch_directory(uint8_t *p, uint16_t locate, uint64_t ts,
		const char *stock)
{
	tw_itch_put_hdr(p, TW_ITCH_STOCK_DIRECTORY, locate, 0, ts);
	tw_itch_put_alpha(p + TW_ITCH_R_STOCK, stock, TW_ITCH_STOCK_LEN);
	p[TW_ITCH_R_MARKET_CATEGORY] = 'Q';     /* Global Select */
	p[TW_ITCH_R_FINANCIAL_STATUS] = 'N';    /* normal */
	tw_itch_put32(p + TW_ITCH_R_ROUND_LOT, 100);
	p[TW_ITCH_R_ROUND_LOTS_ONLY] = 'N';
	p[TW_ITCH_R_ISSUE_CLASS] = 'C';         /* common stock */
	tw_itch_put_alpha(p + TW_ITCH_R_ISSUE_SUBTYPE, "Z", 2);
	p[TW_ITCH_R_AUTHENTICITY] = 'P';        /* live, production */
	p[TW_ITCH_R_SHORT_SALE] = 'N';
	p[TW_ITCH_R_IPO_FLAG] = 'N';
	p[TW_ITCH_R_LULD_TIER] = '1';
	p[TW_ITCH_R_ETP_FLAG] = 'N';
	tw_itch_put32(p + TW_ITCH_R_ETP_LEVERAGE, 0);
	p[TW_ITCH_R_INVERSE] = 'N';
}

void
tw_itch_trading_action(uint8_t *p, uint16_t locate, uint64_t ts,
		const char *stock, uint8_t state)
{
	tw_itch_put_hdr(p, TW_ITCH_TRADING_ACTION, locate, 0, ts);
	tw_itch_put_alpha(p + TW_ITCH_H_STOCK, stock, TW_ITCH_STOCK_LEN);
	p[TW_ITCH_H_STATE] = state;
	p[TW_ITCH_H_RESERVED] = ' ';
	tw_itch_put_alpha(p + TW_ITCH_H_REASON, "", 4);
}

void
tw_itch_add(uint8_t *p, uint16_t locate, uint64_t ts, uint64_t ref,
		uint8_t side, uint32_t shares, const char *stock,
		uint32_t price, const char *mpid)
{
	tw_itch_put_hdr(p, mpid != NULL ? TW_ITCH_ADD_ORDER_MPID :
		TW_ITCH_ADD_ORDER, locate, 0, ts);
	tw_itch_put64(p + TW_ITCH_A_REF, ref);
	p[TW_ITCH_A_SIDE] = side;
	tw_itch_put32(p + TW_ITCH_A_SHARES, shares);
	tw_itch_put_alpha(p + TW_ITCH_A_STOCK, stock, TW_ITCH_STOCK_LEN);
	tw_itch_put32(p + TW_ITCH_A_PRICE, price);
	if (mpid != NULL)
		tw_itch_put_alpha(p + TW_ITCH_F_ATTRIBUTION, mpid, 4);
}

void
tw_itch_executed(uint8_t *p, uint16_t locate, uint64_t ts, uint64_t ref,
		uint32_t shares, uint64_t match)
{
	tw_itch_put_hdr(p, TW_ITCH_ORDER_EXECUTED, locate, 0, ts);
	tw_itch_put64(p + TW_ITCH_E_REF, ref);
	tw_itch_put32(p + TW_ITCH_E_SHARES, shares);
	tw_itch_put64(p + TW_ITCH_E_MATCH, match);
}

void
tw_itch_executed_price(uint8_t *p, uint16_t locate, uint64_t ts,
		uint64_t ref, uint32_t shares, uint64_t match, uint32_t price,
		bool printable)
{
	tw_itch_executed(p, locate, ts, ref, shares, match);
	p[TW_ITCH_OFF_TYPE] = TW_ITCH_ORDER_EXECUTED_PRICE;
	p[TW_ITCH_C_PRINTABLE] = printable ? 'Y' : 'N';
	tw_itch_put32(p + TW_ITCH_C_PRICE, price);
}

void
tw_itch_cancel(uint8_t *p, uint16_t locate, uint64_t ts, uint64_t ref,
		uint32_t shares)
{
	tw_itch_put_hdr(p, TW_ITCH_ORDER_CANCEL, locate, 0, ts);
	tw_itch_put64(p + TW_ITCH_X_REF, ref);
	tw_itch_put32(p + TW_ITCH_X_SHARES, shares);
}

void
tw_itch_delete(uint8_t *p, uint16_t locate, uint64_t ts, uint64_t ref)
{
	tw_itch_put_hdr(p, TW_ITCH_ORDER_DELETE, locate, 0, ts);
	tw_itch_put64(p + TW_ITCH_D_REF, ref);
}

void
tw_itch_replace(uint8_t *p, uint16_t locate, uint64_t ts, uint64_t old_ref,
		uint64_t new_ref, uint32_t shares, uint32_t price)
{
	tw_itch_put_hdr(p, TW_ITCH_ORDER_REPLACE, locate, 0, ts);
	tw_itch_put64(p + TW_ITCH_U_OLD_REF, old_ref);
	tw_itch_put64(p + TW_ITCH_U_NEW_REF, new_ref);
	tw_itch_put32(p + TW_ITCH_U_SHARES, shares);
	tw_itch_put32(p + TW_ITCH_U_PRICE, price);
}

void
tw_itch_trade(uint8_t *p, uint16_t locate, uint64_t ts, uint64_t ref,
		uint8_t side, uint32_t shares, const char *stock,
		uint32_t price, uint64_t match)
{
	tw_itch_put_hdr(p, TW_ITCH_TRADE, locate, 0, ts);
	tw_itch_put64(p + TW_ITCH_P_REF, ref);
	p[TW_ITCH_P_SIDE] = side;
	tw_itch_put32(p + TW_ITCH_P_SHARES, shares);
	tw_itch_put_alpha(p + TW_ITCH_P_STOCK, stock, TW_ITCH_STOCK_LEN);
	tw_itch_put32(p + TW_ITCH_P_PRICE, price);
	tw_itch_put64(p + TW_ITCH_P_MATCH, match);
}

void
tw_itch_directory_fields(uint8_t *p, uint16_t locate, uint64_t ts,
		const char *stock, const struct tw_itch_dir_fields *f)
{
	tw_itch_directory(p, locate, ts, stock);
	p[TW_ITCH_R_MARKET_CATEGORY] = f->market_category;
	p[TW_ITCH_R_FINANCIAL_STATUS] = f->financial_status;
	tw_itch_put32(p + TW_ITCH_R_ROUND_LOT, f->round_lot);
	p[TW_ITCH_R_ISSUE_CLASS] = f->issue_class;
	tw_itch_put_alpha(p + TW_ITCH_R_ISSUE_SUBTYPE, f->issue_subtype, 2);
	/* IPO flag: ' ' for a stock Nasdaq does not list. */
	if (f->financial_status == ' ')
		p[TW_ITCH_R_IPO_FLAG] = ' ';
	p[TW_ITCH_R_LULD_TIER] = f->luld_tier;
	p[TW_ITCH_R_ETP_FLAG] = f->etp;
	tw_itch_put32(p + TW_ITCH_R_ETP_LEVERAGE, f->etp_leverage);
	p[TW_ITCH_R_INVERSE] = f->inverse;
}

void
tw_itch_reg_sho(uint8_t *p, uint16_t locate, uint64_t ts, const char *stock,
		uint8_t action)
{
	tw_itch_put_hdr(p, TW_ITCH_REG_SHO, locate, 0, ts);
	tw_itch_put_alpha(p + TW_ITCH_Y_STOCK, stock, TW_ITCH_STOCK_LEN);
	p[TW_ITCH_Y_ACTION] = action;
}

void
tw_itch_participant(uint8_t *p, uint16_t locate, uint64_t ts,
		const char *mpid, const char *stock, bool primary)
{
	tw_itch_put_hdr(p, TW_ITCH_MARKET_PARTICIPANT, locate, 0, ts);
	tw_itch_put_alpha(p + TW_ITCH_L_MPID, mpid, 4);
	tw_itch_put_alpha(p + TW_ITCH_L_STOCK, stock, TW_ITCH_STOCK_LEN);
	p[TW_ITCH_L_PRIMARY] = primary ? 'Y' : 'N';
	p[TW_ITCH_L_MODE] = 'N';        /* normal */
	p[TW_ITCH_L_STATE] = 'A';       /* active */
}

void
tw_itch_mwcb_decline(uint8_t *p, uint64_t ts, uint64_t level1,
		uint64_t level2, uint64_t level3)
{
	tw_itch_put_hdr(p, TW_ITCH_MWCB_DECLINE, 0, 0, ts);
	tw_itch_put64(p + TW_ITCH_V_LEVEL1, level1);
	tw_itch_put64(p + TW_ITCH_V_LEVEL2, level2);
	tw_itch_put64(p + TW_ITCH_V_LEVEL3, level3);
}

void
tw_itch_luld_collar(uint8_t *p, uint16_t locate, uint64_t ts,
		const char *stock, uint32_t ref, uint32_t upper, uint32_t lower,
		uint32_t extension)
{
	tw_itch_put_hdr(p, TW_ITCH_LULD_COLLAR, locate, 0, ts);
	tw_itch_put_alpha(p + TW_ITCH_J_STOCK, stock, TW_ITCH_STOCK_LEN);
	tw_itch_put32(p + TW_ITCH_J_REF_PRICE, ref);
	tw_itch_put32(p + TW_ITCH_J_UPPER, upper);
	tw_itch_put32(p + TW_ITCH_J_LOWER, lower);
	tw_itch_put32(p + TW_ITCH_J_EXTENSION, extension);
}

void
tw_itch_operational_halt(uint8_t *p, uint16_t locate, uint64_t ts,
		const char *stock, uint8_t action)
{
	tw_itch_put_hdr(p, TW_ITCH_OPERATIONAL_HALT, locate, 0, ts);
	tw_itch_put_alpha(p + TW_ITCH_h_STOCK, stock, TW_ITCH_STOCK_LEN);
	p[TW_ITCH_h_MARKET] = 'Q';
	p[TW_ITCH_h_ACTION] = action;
}

void
tw_itch_trading_action_reason(uint8_t *p, uint16_t locate, uint64_t ts,
		const char *stock, uint8_t state, const char *reason)
{
	tw_itch_trading_action(p, locate, ts, stock, state);
	tw_itch_put_alpha(p + TW_ITCH_H_REASON, reason, 4);
}

void
tw_itch_cross_trade(uint8_t *p, uint16_t locate, uint64_t ts,
		uint64_t shares, const char *stock, uint32_t price,
		uint64_t match, uint8_t cross_type)
{
	tw_itch_put_hdr(p, TW_ITCH_CROSS_TRADE, locate, 0, ts);
	tw_itch_put64(p + TW_ITCH_Q_SHARES, shares);
	tw_itch_put_alpha(p + TW_ITCH_Q_STOCK, stock, TW_ITCH_STOCK_LEN);
	tw_itch_put32(p + TW_ITCH_Q_PRICE, price);
	tw_itch_put64(p + TW_ITCH_Q_MATCH, match);
	p[TW_ITCH_Q_CROSS_TYPE] = cross_type;
}

void
tw_itch_noii(uint8_t *p, uint16_t locate, uint64_t ts, uint64_t paired,
		uint64_t imbalance, uint8_t direction, const char *stock,
		uint32_t far, uint32_t near, uint32_t ref, uint8_t cross_type,
		uint8_t variation)
{
	tw_itch_put_hdr(p, TW_ITCH_NOII, locate, 0, ts);
	tw_itch_put64(p + TW_ITCH_I_PAIRED, paired);
	tw_itch_put64(p + TW_ITCH_I_IMBALANCE, imbalance);
	p[TW_ITCH_I_DIRECTION] = direction;
	tw_itch_put_alpha(p + TW_ITCH_I_STOCK, stock, TW_ITCH_STOCK_LEN);
	tw_itch_put32(p + TW_ITCH_I_FAR, far);
	tw_itch_put32(p + TW_ITCH_I_NEAR, near);
	tw_itch_put32(p + TW_ITCH_I_REF, ref);
	p[TW_ITCH_I_CROSS_TYPE] = cross_type;
	p[TW_ITCH_I_VARIATION] = variation;
}
