#!/usr/bin/env bash
# Benchmark: memory and time of `analyzer read` and `analyzer check --read` in a 256 MiB heap on captures that make a
# sniffer track many connections at once, with tshark and tcpdump reading the same files in the same run:
#   syn-flood      N connection attempts that never go further (default 1 000 000; --syn 4000000 for millions)
#   gaps           N connections whose request lost its first 100 bytes, the rest held past the hole (200 000)
#   partial-heads  N connections that send 4 KiB of a request head and never end it (50 000)
# Captures are written by bench/adversarial_pcap.py into a temporary directory; nothing touches the network.
# tcpdump and tshark are stopped after --timeout seconds (default 900): on a busy 2-core machine tcpdump printed
# about 13 000 of these packets a second, and 4 000 000 SYNs had not finished after 30 minutes.
#
# usage: bench/flows.sh [--syn N] [--gaps N] [--heads N] [--timeout SECONDS]
# needs (Debian): python3 tshark tcpdump time
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

syn=1000000
gaps=200000
heads=50000
timeout=900
while (($#)); do
  case "$1" in
    --syn) syn="$2"; shift 2 ;;
    --gaps) gaps="$2"; shift 2 ;;
    --heads) heads="$2"; shift 2 ;;
    --timeout|--tshark-timeout) timeout="$2"; shift 2 ;;
    *) echo "usage: $0 [--syn N] [--gaps N] [--heads N] [--timeout SECONDS]" >&2; exit 2 ;;
  esac
done

for tool in python3 tshark tcpdump java mvn /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool not found (apt-get install python3 tshark tcpdump time)" >&2; exit 2; }
done
./analyzer --version >/dev/null  # builds target/analyzer.jar when needed

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "load before: $(uptime | sed 's/.*load average: //') (1, 5, 15 min; $(nproc) cores)"

# Runs a command with its output discarded; prints "SECONDS PEAK_RSS_MIB EXIT" (GNU time's %e and %M).
measure() {
  local code=0
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > /dev/null 2> "$work/stderr" || code=$?
  read -r seconds kib < <(tail -n 1 "$work/time")
  echo "$seconds $((kib / 1024)) $code"
}

row() { # tool, file, command...
  local what="$1" file="$2"
  shift 2
  read -r seconds mib code < <(measure "$@")
  printf '| %-14s | %-44s | %8s s | %6s MiB | %4s |\n' "$file" "$what" "$seconds" "$mib" "$code"
  grep -h '^note: \|^analyzer: \|OutOfMemoryError' "$work/stderr" | sed 's/^/    /' | head -n 3 >&2 || true
}

printf '| %-14s | %-44s | %10s | %10s | %4s |\n' capture reader time "peak RSS" exit
printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..16})" "$(printf -- '-%.0s' {1..46})" \
  "$(printf -- '-%.0s' {1..12})" "$(printf -- '-%.0s' {1..12})" "------"
for kind in syn-flood gaps partial-heads; do
  case "$kind" in
    syn-flood) n=$syn ;;
    gaps) n=$gaps ;;
    partial-heads) n=$heads ;;
  esac
  pcap="$work/$kind.pcap"
  python3 bench/adversarial_pcap.py "$kind" "$n" "$pcap"
  label="$kind $n"
  echo "$label: $(du -m "$pcap" | cut -f1) MiB" >&2
  row "analyzer read --format json (-Xmx256m)" "$label" env ANALYZER_JAVA_OPTS=-Xmx256m ./analyzer read "$pcap" --format json
  row "analyzer check --read (-Xmx256m)" "$label" env ANALYZER_JAVA_OPTS=-Xmx256m ./analyzer check --read "$pcap"
  row "tcpdump -nn -r (timeout ${timeout}s)" "$label" timeout "$timeout" tcpdump -nn -r "$pcap"
  row "tshark -r -d tcp.port==5683,http (timeout ${timeout}s)" "$label" \
    timeout "$timeout" tshark -r "$pcap" -d tcp.port==5683,http
  rm -f "$pcap"
done
echo "load after: $(uptime | sed 's/.*load average: //')"
