/* SPDX-License-Identifier: BSD-3-Clause */
/* Placement planner on synthetic one- and two-socket topologies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tw_topo.h"

static struct tw_topo_input
two_sockets(void)
{
	struct tw_topo_input in = {
		.ports = { { .port_id = 0, .socket = 0, .nb_rxq = 2 },
			   { .port_id = 1, .socket = 1, .nb_rxq = 2 } },
		.nb_ports = 2,
		.rx = { { 2, 0 }, { 3, 0 }, { 10, 1 }, { 11, 1 } },
		.nb_rx = 4,
		.gen = { 1, 0 }, .gen_enabled = 1, .gen_port_id = 0,
		.gen_port_socket = 0,
	};

	return in;
}

static void
each_queue_is_polled_on_its_ports_socket(void **state)
{
	struct tw_topo_input in = two_sockets();
	struct tw_topo_plan plan;
	unsigned int i;

	assert_int_equal(tw_topo_plan(&in, &plan), 0);
	assert_int_equal(plan.nb_rxq, 4);
	for (i = 0; i < plan.nb_rxq; i++) {
		int port_socket = plan.rxq[i].port_id == 0 ? 0 : 1;

		assert_int_equal(in.rx[plan.rxq[i].rx_index].socket,
			port_socket);
		assert_int_equal(plan.rxq[i].pool_socket, port_socket);
		assert_int_equal(plan.rxq[i].remote, 0);
	}
	/* Two queues per socket, two lcores per socket: one each. */
	assert_int_not_equal(plan.rxq[0].lcore_id, plan.rxq[1].lcore_id);
	assert_int_not_equal(plan.rxq[2].lcore_id, plan.rxq[3].lcore_id);
	assert_int_equal(plan.nb_cache_sockets, 2);
	assert_int_equal(plan.nb_pool_sockets, 2);
	assert_int_equal(plan.nb_warnings, 0);
	assert_int_equal(tw_topo_cache_index(&plan, 1), 1);
	assert_int_equal(tw_topo_cache_index(&plan, 5), -ENOENT);
}

static void
socket_without_rx_lcore_is_served_remotely_with_a_warning(void **state)
{
	struct tw_topo_input in = two_sockets();
	struct tw_topo_plan plan;

	in.nb_rx = 2;   /* only the socket 0 lcores */
	assert_int_equal(tw_topo_plan(&in, &plan), 0);
	assert_int_equal(plan.rxq[2].remote, 1);
	assert_int_equal(plan.rxq[2].pool_socket, 0);
	assert_int_equal(plan.nb_cache_sockets, 1);
	assert_true(plan.nb_warnings >= 2);
	assert_non_null(strstr(plan.warnings[0], "socket 1"));
}

static void
queues_spread_evenly_over_lcores(void **state)
{
	struct tw_topo_input in = two_sockets();
	struct tw_topo_plan plan;
	unsigned int load[4] = { 0 }, i;

	in.ports[0].nb_rxq = 8;
	in.ports[0].socket = TW_SOCKET_ANY;
	in.nb_ports = 1;
	assert_int_equal(tw_topo_plan(&in, &plan), 0);
	for (i = 0; i < plan.nb_rxq; i++)
		load[plan.rxq[i].rx_index]++;
	for (i = 0; i < 4; i++)
		assert_int_equal(load[i], 2);
}

static void
idle_lcore_and_remote_generator_are_warned(void **state)
{
	struct tw_topo_input in = two_sockets();
	struct tw_topo_plan plan;

	in.nb_ports = 1;
	in.ports[0].nb_rxq = 1;
	in.gen.socket = 1;
	assert_int_equal(tw_topo_plan(&in, &plan), 0);
	assert_int_equal(plan.gen_pool_socket, 1);
	assert_int_equal(plan.nb_warnings, 4);  /* 3 idle + generator */
	assert_non_null(strstr(plan.warnings[3], "generator"));
}

static void
queues_without_rx_lcores_have_no_plan(void **state)
{
	struct tw_topo_input in = two_sockets();
	struct tw_topo_plan plan;

	in.nb_rx = 0;
	assert_int_equal(tw_topo_plan(&in, &plan), -EINVAL);
}

/*
 * Line B on its own port: queue q of it goes to the lcore of line A's
 * queue q, which arbitrates the channel's two lines, not to the least
 * loaded lcore of its socket; on another socket, remote and warned.
 */
static void
line_b_queues_follow_line_a_queues(void **state)
{
	struct tw_topo_input in = two_sockets();
	struct tw_topo_plan plan;
	unsigned int i;

	/* Same socket: the least loaded lcore would be the other one. */
	in.nb_rx = 3;   /* 2, 3 on socket 0; 10 on socket 1 */
	in.ports[0].nb_rxq = 1;
	in.ports[1] = (struct tw_topo_port){ .port_id = 1, .socket = 0,
		.nb_rxq = 1, .line_b = 1, .line_a = 0 };
	assert_int_equal(tw_topo_plan(&in, &plan), 0);
	assert_int_equal(plan.nb_rxq, 2);
	assert_int_equal(plan.rxq[1].port_id, 1);
	assert_int_equal(plan.rxq[1].lcore_id, plan.rxq[0].lcore_id);
	assert_int_equal(plan.rxq[1].remote, 0);

	/* Line B's port on socket 1: still line A's lcores, remote. */
	in = two_sockets();
	in.ports[1].line_b = 1;
	in.ports[1].line_a = 0;
	assert_int_equal(tw_topo_plan(&in, &plan), 0);
	assert_int_equal(plan.nb_rxq, 4);
	for (i = 0; i < 2; i++) {
		assert_int_equal(plan.rxq[2 + i].port_id, 1);
		assert_int_equal(plan.rxq[2 + i].queue, i);
		assert_int_equal(plan.rxq[2 + i].lcore_id,
			plan.rxq[i].lcore_id);
		assert_int_equal(plan.rxq[2 + i].pool_socket, 0);
		assert_int_equal(plan.rxq[2 + i].remote, 1);
	}
	assert_int_not_equal(plan.rxq[0].lcore_id, plan.rxq[1].lcore_id);
	assert_int_equal(plan.nb_cache_sockets, 1);
	assert_non_null(strstr(plan.warnings[0], "port 1 (line B)"));

	/* The generator's line B port on another socket: warned. */
	in = two_sockets();
	in.nb_ports = 1;
	in.gen_line_b = 1;
	in.gen_line_b_port = 1;
	in.gen_line_b_socket = 1;
	assert_int_equal(tw_topo_plan(&in, &plan), 0);
	assert_non_null(strstr(plan.warnings[plan.nb_warnings - 1],
		"line B port 1 on socket 1"));

	/* A line B queue line A has not: placed as any queue. */
	in = two_sockets();
	in.ports[0].nb_rxq = 1;
	in.ports[1].line_b = 1;
	in.ports[1].line_a = 0;
	assert_int_equal(tw_topo_plan(&in, &plan), 0);
	assert_int_equal(plan.rxq[2].port_id, 1);
	assert_int_equal(plan.rxq[2].queue, 1);
	assert_int_equal(in.rx[plan.rxq[2].rx_index].socket, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_queue_is_polled_on_its_ports_socket),
		cmocka_unit_test(
			socket_without_rx_lcore_is_served_remotely_with_a_warning),
		cmocka_unit_test(queues_spread_evenly_over_lcores),
		cmocka_unit_test(idle_lcore_and_remote_generator_are_warned),
		cmocka_unit_test(queues_without_rx_lcores_have_no_plan),
		cmocka_unit_test(line_b_queues_follow_line_a_queues),
	};

	return cmocka_run_group_tests_name("topo", tests, NULL, NULL);
}
