/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal to lib/port: what its units share. tw_port.c (mempools, a
 * port's set-up, start, link wait and stop), tw_port_filter.c (what
 * reaches the RX queues: multicast, unicast, rte_flow steering) and
 * tw_port_report.c (a port's report: link, counters, restart) reach
 * each other only through tw_port.h and what is declared here.
 */
#ifndef TW_PORT_PRIVATE_H
#define TW_PORT_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_log.h>

/* tickwire.port, registered in tw_port.c. */
extern int tw_logtype_port;

#define PORT_LOG(level, ...) \
	rte_log(RTE_LOG_ ## level, tw_logtype_port, "tickwire.port: " \
		__VA_ARGS__)

/* A net_memif port in the client role (it connects; the server waits). */
bool tw_port_memif_client(uint16_t port_id);

#endif /* TW_PORT_PRIVATE_H */
