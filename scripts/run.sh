#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Set up if needed, then run tickwire. With no arguments it runs the
# default profile (drivers-config/loopback.ini); arguments are tickwire's
# own options, e.g. ./scripts/run.sh --config drivers-config/tap.ini
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
# shellcheck disable=SC2046
exec ./build/app/tickwire/tickwire $(cat build/eal-extra) -- "$@"
