#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Run tickwire over a veth pair inside its own network namespace with
# drivers-config/af_packet.ini: the generator sends on tw-veth0, the RX
# lcore reads tw-veth1 through AF_PACKET. Extra arguments go to tickwire.
# Needs root; the namespace is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
NS=tickwire-lab${TW_PREFIX:+-$TW_PREFIX}
cleanup() { ip netns del "$NS" 2>/dev/null || true; }
trap cleanup EXIT
cleanup
ip netns add "$NS"
ip -n "$NS" link add tw-veth0 type veth peer name tw-veth1
ip -n "$NS" link set tw-veth0 up
ip -n "$NS" link set tw-veth1 up
# shellcheck disable=SC2046
ip netns exec "$NS" ./build/app/tickwire/tickwire $(cat build/eal-extra) -- \
	--config drivers-config/af_packet.ini "$@"
