/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a port says about itself, as its report (struct tw_port_report):
 * the name and driver, link state and its changes (polled, and counted
 * from LSC interrupts), the ethdev counters and non-zero xstats folded
 * into monotonic counts over driver resets, a memif client's restart,
 * and the consistent copy readers take. The main lcore writes it under
 * the report's seqcount; readers in any process copy it. Never sets a
 * port up (tw_port.c) or changes what reaches its queues
 * (tw_port_filter.c).
 */
#include <stdio.h>
#include <string.h>

#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_ethdev.h>

#include "tw_port.h"
#include "tw_port_private.h"

/*
 * A driver's counters may go back. memif (DPDK 22.11) reads 0 while it
 * has no peer and its old count again once one connects; other drivers
 * zero them on a link change or a stop and start, and count from 0. So
 * that every counter reported is monotonic over the run without
 * counting anything twice: a 0 below the last count is held (it says
 * neither which), a count above 0 but below the last one is a new count
 * from 0 (the last one joins the base), a count at or above it goes on.
 * What a driver counted between the last read and a reset it does not
 * show (memif reads 0 from the moment its peer leaves) is lost: the
 * main lcore reads every port each tick (50 ms) to keep that small.
 * Per port id, written by the main lcore only.
 */
#define FOLD_XSTATS 256
enum { FOLD_IPACKETS, FOLD_OPACKETS, FOLD_IBYTES, FOLD_OBYTES,
	FOLD_IMISSED, FOLD_IERRORS, FOLD_OERRORS, FOLD_RX_NOMBUF,
	FOLD_XSTAT0 };

static struct port_fold {
	uint64_t last[FOLD_XSTAT0 + FOLD_XSTATS]; /* since the last reset */
	uint64_t base[FOLD_XSTAT0 + FOLD_XSTATS]; /* before it */
} folds[RTE_MAX_ETHPORTS];

static uint64_t
fold(struct port_fold *pf, unsigned int k, uint64_t raw)
{
	if (raw >= pf->last[k]) {
		pf->last[k] = raw;
	} else if (raw != 0) {
		pf->base[k] += pf->last[k];
		pf->last[k] = raw;
	}
	return pf->base[k] + pf->last[k];
}

void
tw_port_report_init(uint16_t port_id, struct tw_port_report *r)
{
	struct rte_eth_dev_info info;
	struct rte_eth_link link;

	memset(r, 0, sizeof(*r));
	rte_seqcount_init(&r->sc);
	r->port_id = port_id;
	if (port_id < RTE_MAX_ETHPORTS)
		memset(&folds[port_id], 0, sizeof(folds[port_id]));
	if (rte_eth_dev_get_name_by_port(port_id, r->name) != 0)
		snprintf(r->name, sizeof(r->name), "port%u", port_id);
	if (rte_eth_dev_info_get(port_id, &info) == 0 &&
	    info.driver_name != NULL) {
		snprintf(r->driver, sizeof(r->driver), "%s", info.driver_name);
		/*
		 * A memif client connects to its server only when started
		 * (DPDK 22.11): once the server is gone it must be started
		 * again. A server takes a new client by itself.
		 */
		r->relink = tw_port_memif_client(port_id);
	}
	memset(&link, 0, sizeof(link));
	if (rte_eth_link_get_nowait(port_id, &link) == 0) {
		r->link_up = link.link_status == RTE_ETH_LINK_UP;
		r->link_speed = link.link_speed;
	}
}

static int
lsc_event(uint16_t port_id, enum rte_eth_event_type type, void *arg,
		void *ret_param)
{
	struct tw_port_report *r = arg;

	RTE_SET_USED(port_id);
	RTE_SET_USED(ret_param);
	if (type == RTE_ETH_EVENT_INTR_LSC)
		__atomic_fetch_add(&r->lsc_events, 1, __ATOMIC_RELAXED);
	return 0;
}

int
tw_port_watch_lsc(const struct tw_port_state *st, struct tw_port_report *r)
{
	if (!st->lsc)
		return 0;
	return rte_eth_dev_callback_register(r->port_id,
		RTE_ETH_EVENT_INTR_LSC, lsc_event, r);
}

enum tw_link_change
tw_port_poll_link(struct tw_port_report *r)
{
	struct rte_eth_link link;
	enum tw_link_change change = TW_LINK_SAME;
	bool up;

	memset(&link, 0, sizeof(link));
	if (rte_eth_link_get_nowait(r->port_id, &link) != 0)
		return TW_LINK_SAME;
	up = link.link_status == RTE_ETH_LINK_UP;
	if (up == (r->link_up != 0))
		return TW_LINK_SAME;
	rte_seqcount_write_begin(&r->sc);
	r->link_up = up;
	r->link_speed = link.link_speed;
	if (up) {
		r->link_ups++;
		change = TW_LINK_CAME_UP;
	} else {
		r->link_downs++;
		change = TW_LINK_WENT_DOWN;
	}
	rte_seqcount_write_end(&r->sc);
	PORT_LOG(WARNING, "port %u (%s): link %s\n", r->port_id, r->name,
		up ? "up again" : "down");
	/* Drivers zero their counters with a link change (memif does). */
	tw_port_poll_stats(r);
	return change;
}

void
tw_port_poll_stats(struct tw_port_report *r)
{
	struct rte_eth_xstat xs[FOLD_XSTATS];
	struct rte_eth_xstat_name names[FOLD_XSTATS];
	struct rte_eth_stats st;
	struct port_fold *pf;
	int n, i;
	uint16_t k = 0;

	if (r->port_id >= RTE_MAX_ETHPORTS)
		return;
	pf = &folds[r->port_id];
	memset(&st, 0, sizeof(st));
	if (rte_eth_stats_get(r->port_id, &st) != 0)
		return;
	n = rte_eth_xstats_get(r->port_id, xs, RTE_DIM(xs));
	if (n > (int)RTE_DIM(xs) || n < 0 ||
	    rte_eth_xstats_get_names(r->port_id, names, RTE_DIM(names)) != n)
		n = 0;
	rte_seqcount_write_begin(&r->sc);
	r->ipackets = fold(pf, FOLD_IPACKETS, st.ipackets);
	r->opackets = fold(pf, FOLD_OPACKETS, st.opackets);
	r->ibytes = fold(pf, FOLD_IBYTES, st.ibytes);
	r->obytes = fold(pf, FOLD_OBYTES, st.obytes);
	r->imissed = fold(pf, FOLD_IMISSED, st.imissed);
	r->ierrors = fold(pf, FOLD_IERRORS, st.ierrors);
	r->oerrors = fold(pf, FOLD_OERRORS, st.oerrors);
	r->rx_nombuf = fold(pf, FOLD_RX_NOMBUF, st.rx_nombuf);
	for (i = 0; i < n; i++) {
		uint64_t v;

		if (xs[i].id >= (uint64_t)n)
			continue;
		/* Each one folded, shown or not: it may show later. */
		v = fold(pf, FOLD_XSTAT0 + (unsigned int)xs[i].id,
			xs[i].value);
		if (v == 0 || k >= TW_PORT_XSTATS_MAX)
			continue;
		snprintf(r->xstats[k].name, TW_PORT_XSTAT_NAME, "%s",
			names[xs[i].id].name);
		r->xstats[k++].value = v;
	}
	r->nb_xstats = k;
	rte_seqcount_write_end(&r->sc);
}

int
tw_port_restart(struct tw_port_report *r)
{
	int rc = 0;

	/*
	 * The counts up to now first, and again once started: a driver
	 * may zero them on stop or start (see fold()).
	 */
	tw_port_poll_stats(r);
	/* A restart that failed left it stopped: start it only. */
	if (!r->stopped)
		rc = rte_eth_dev_stop(r->port_id);
	if (rc == 0) {
		r->stopped = 1;
		rc = rte_eth_dev_start(r->port_id);
		if (rc == 0)
			r->stopped = 0;
	}
	tw_port_poll_stats(r);
	rte_seqcount_write_begin(&r->sc);
	r->restarts++;
	rte_seqcount_write_end(&r->sc);
	return rc;
}

void
tw_port_report_read(const struct tw_port_report *r,
		struct tw_port_report *out)
{
	unsigned int tries = 0;
	uint32_t sn;

	/* Bounded: a writer that died mid-update cannot hang a reader. */
	do {
		sn = rte_seqcount_read_begin(&r->sc);
		memcpy(out, r, sizeof(*out));
	} while (rte_seqcount_read_retry(&r->sc, sn) && ++tries < 1000);
	out->lsc_events = __atomic_load_n(&r->lsc_events, __ATOMIC_RELAXED);
}
