/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Telemetry's units, private to app/tickwire. Each answers its own
 * /tickwire/... commands and reaches the others only through what is
 * declared here:
 *
 *   telemetry.c          registration, the app the commands read, the
 *                        counters (stats, channels, ports, interruptions)
 *   telemetry_latency.c  the latency histograms (latency, histogram)
 *   telemetry_cache.c    the symbols (symbol, top)
 *
 * Every command runs on a DPDK telemetry thread and only reads.
 */
#ifndef TW_APP_TELEMETRY_H
#define TW_APP_TELEMETRY_H

#include <rte_telemetry.h>

#include "tickwire.h"

/* telemetry.c: the app whose view the commands read, set at
 * registration (tw_telemetry_register). */
extern struct tw_app *tw_tel_app;

/* telemetry_latency.c */
int tw_tel_cmd_latency(const char *cmd, const char *params,
		struct rte_tel_data *d);
int tw_tel_cmd_histogram(const char *cmd, const char *params,
		struct rte_tel_data *d);

/* telemetry_cache.c */
int tw_tel_cmd_symbol(const char *cmd, const char *params,
		struct rte_tel_data *d);
int tw_tel_cmd_top(const char *cmd, const char *params,
		struct rte_tel_data *d);

#endif /* TW_APP_TELEMETRY_H */
