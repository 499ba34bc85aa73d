#!/usr/bin/env bash
# Benchmark: HTTP/2 dissection speed of `analyzer read` against tshark on the same h2c capture (median of --runs
# runs each, same run of the script), and the memory of `read` under -Xmx256m on that capture and on its first half
# (flat: the same peak for twice the frames). The capture: h2load against nghttpd on loopback, prior knowledge,
# recorded by tcpdump until it holds at least --frames HTTP/2 frames. Loopback only; every load run is bounded.
#
# usage: bench/http2.sh [--frames N] [--runs N] [--keep FILE] [--capture FILE] [--baseline CHECKOUT]
#   --keep FILE: keep the capture made (to read it again later); --capture FILE: read this capture (one made with
#   --keep) instead of making a new one; --baseline CHECKOUT: also read with another built checkout's launcher (say, a
#   worktree of main before a change), the two taking turns, and print this build's ratio to it.
# needs (Debian): nghttp2-server nghttp2-client tcpdump tshark bc time; run as root (tcpdump on lo).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

min_frames=500000
runs=3
keep=
reuse=
baseline=
usage="usage: $0 [--frames N] [--runs N] [--keep FILE] [--capture FILE] [--baseline CHECKOUT]"
while (($#)); do
  case "$1" in
    --frames) min_frames="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --keep) keep="$(readlink -f "$2")"; shift 2 ;;
    --capture) reuse="$(readlink -f "$2")"; shift 2 ;;
    --baseline) baseline="$(readlink -f "$2")"; shift 2 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
if [[ -n "$reuse" && ( ! -f "$reuse" || ! -f "$reuse.port" ) ]]; then
  echo "bench: $reuse (and $reuse.port) not found: make it with --keep FILE" >&2; exit 2
fi

for tool in nghttpd h2load tcpdump tshark editcap java mvn bc /usr/bin/time; do
  command -v "$tool" >/dev/null || {
    echo "bench: $tool not found (apt-get install nghttp2-server nghttp2-client tcpdump tshark bc time)" >&2; exit 2; }
done
./analyzer --version >/dev/null  # builds target/analyzer.jar when needed
if [[ -n "$baseline" ]]; then
  [[ -x "$baseline/analyzer" ]] || { echo "bench: no analyzer launcher in $baseline" >&2; exit 2; }
  "$baseline/analyzer" --version >/dev/null  # builds the baseline's jar (and its class-data archive) when needed
fi

work="$(mktemp -d)"
chmod 755 "$work"
cleanup() {
  [[ -n "${server_pid:-}" ]] && kill "$server_pid" 2>/dev/null || true
  [[ -n "${dump_pid:-}" ]] && kill "$dump_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=bench/timing.sh
source bench/timing.sh

echo "load before: $(uptime | sed 's/.*load average: //') (1, 5, 15 min)"

pcap="$work/h2c.pcap"
if [[ -n "$reuse" ]]; then
  cp "$reuse" "$pcap"
  port=$(cat "$reuse.port")
else
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  mkdir -p "$work/doc"
  echo "fluffy tail" > "$work/doc/index.html"
  nghttpd --no-tls -d "$work/doc" "$port" >/dev/null 2>&1 &
  server_pid=$!
  for ((i = 0; i < 100; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
fi

frames_in() { # HTTP/2 frames tshark finds in a capture
  tshark -r "$1" -d "tcp.port==$port,http2" -T fields -e http2.type 2>/dev/null | tr ',|' '\n\n' | grep -c . || true
}

# 1. The capture: h2load (4 connections, 10 streams each at a time) against nghttpd, recorded by tcpdump; each
# request is 3 frames (HEADERS, HEADERS, DATA) besides SETTINGS and WINDOW_UPDATE. Bounded: at most 4 rounds.
if [[ -n "$reuse" ]]; then
  frames=$(frames_in "$pcap")
  echo "capture: $reuse (made earlier with --keep)"
else
  requests=$((min_frames / 3 + 1000))
  frames=0
  for round in 1 2 3 4; do
    tcpdump -U -i lo -B 65536 -s 0 -w "$pcap" "tcp port $port" 2>"$work/tcpdump.err" &
    dump_pid=$!
    for ((i = 0; i < 100; i++)); do grep -q listening "$work/tcpdump.err" 2>/dev/null && break; sleep 0.1; done
    timeout 300 h2load -n "$requests" -c 4 -m 10 "http://127.0.0.1:$port/index.html" > "$work/h2load.out" || true
    sleep 0.5
    kill -INT "$dump_pid"; wait "$dump_pid" 2>/dev/null || true; dump_pid=
    frames=$(frames_in "$pcap")
    ((frames >= min_frames)) && break
    requests=$((requests * 2))
  done
  if [[ -n "$keep" ]]; then
    cp "$pcap" "$keep" && echo "$port" > "$keep.port"
  fi
fi
packets=$(tcpdump -r "$pcap" -nn 2>/dev/null | wc -l)
size=$(stat -c %s "$pcap")
echo "capture: $frames HTTP/2 frames in $packets packets, $((size / 1024 / 1024)) MiB" \
  "$([[ -z "$reuse" ]] && awk '/^requests:/ {print "(" $2, "requests,", $8, "succeeded; h2load -c 4 -m 10 against nghttpd)"}' "$work/h2load.out")"

# 2. Same file, both readers, same run; each the median of $runs runs. With --baseline, this build and the baseline
# take turns, so that a change in the machine's load falls on both.
read_args=(read "$pcap" --format json --no-summary)
if [[ -z "$baseline" ]]; then
  t_analyzer=$(ANALYZER_JAVA_OPTS=-Xmx256m median_seconds_of ./analyzer "${read_args[@]}")
else
  ours=() theirs=()
  for ((i = 0; i < runs; i++)); do
    ours+=("$(ANALYZER_JAVA_OPTS=-Xmx256m seconds_of ./analyzer "${read_args[@]}")")
    theirs+=("$(ANALYZER_JAVA_OPTS=-Xmx256m seconds_of "$baseline/analyzer" "${read_args[@]}")")
  done
  middle() { printf '%s\n' "$@" | sort -n | awk '{t[NR] = $1} END {print t[int((NR + 1) / 2)]}'; }
  t_analyzer=$(middle "${ours[@]}")
  t_baseline=$(middle "${theirs[@]}")
fi
t_tshark=$(median_seconds_of tshark -r "$pcap" -d "tcp.port==$port,http2" -T fields -e http2.header.value)
fps() { echo "$frames / $1" | bc -l | xargs printf '%.0f'; }
echo "median of $runs runs each (JVM start included for analyzer):"
printf '%-52s %8.2f s  %10s frames/s\n' "./analyzer read --format json (-Xmx256m)" "$t_analyzer" "$(fps "$t_analyzer")"
if [[ -n "$baseline" ]]; then
  printf '%-52s %8.2f s  %10s frames/s\n' "baseline (same read, taking turns)" "$t_baseline" "$(fps "$t_baseline")"
fi
printf '%-52s %8.2f s  %10s frames/s\n' "tshark -d tcp.port==$port,http2 -e http2.header.value" "$t_tshark" \
  "$(fps "$t_tshark")"
printf 'analyzer vs tshark: %.1fx faster (target >= 20x)\n' "$(echo "$t_tshark / $t_analyzer" | bc -l)"
if [[ -n "$baseline" ]]; then
  printf 'this build vs baseline %s: %.2fx (above 1: faster)\n' "$baseline" "$(echo "$t_baseline / $t_analyzer" | bc -l)"
fi
seen=$(./analyzer read "$pcap" --format json --no-summary 2>/dev/null | grep -c '"http.request.version":"HTTP/2"' || true)
echo "analyzer saw $seen HTTP/2 requests in the file"

# 3. Memory: peak RSS of read in -Xmx256m on the first half of the capture and on all of it (at most 10 min each).
half="$work/half.pcap"
editcap -r "$pcap" "$half" "1-$((packets / 2))" >/dev/null
rss_of() { # peak RSS in MiB, exit code and wall time of analyzer read FILE in -Xmx256m
  local code=0
  ANALYZER_JAVA_OPTS=-Xmx256m /usr/bin/time -v -o "$work/time.txt" timeout 600 \
    ./analyzer read "$1" --format json --no-summary > /dev/null 2>&1 || code=$?
  echo "$(awk '/Maximum resident set size/ {printf "%.0f", $NF / 1024}' "$work/time.txt") $code \
$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt")"
}
read -r half_rss half_code half_time <<< "$(rss_of "$half")"
read -r full_rss full_code full_time <<< "$(rss_of "$pcap")"
echo "memory (-Xmx256m): half the capture: peak RSS $half_rss MiB, exit $half_code, $half_time;" \
  "all of it: peak RSS $full_rss MiB, exit $full_code, $full_time"
echo "load after: $(uptime | sed 's/.*load average: //')"
