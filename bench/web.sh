#!/usr/bin/env bash
# Benchmark of the live page: packet-to-row latency in headless Chromium (p50, p99) at several event rates, whether the
# page keeps up at 50k events/s, and the tool's memory with the page open for minutes under load. Loopback only; every
# load run is bounded. See bench/web_bench.py for what is measured and how.
#
# usage: bench/web.sh [--rates 1000,20000,50000] [--seconds 15] [--soak-minutes 5] [--soak-rate 20000] [--flows 2000]
# needs (Debian): nginx-light nghttp2-client (h2load) chromium chromium-driver python3; run as root (live capture).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./analyzer --version >/dev/null  # builds target/analyzer.jar when needed
exec python3 bench/web_bench.py "$@"
