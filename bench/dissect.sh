#!/usr/bin/env bash
# Benchmark: dissection speed of `analyzer read` against tshark and tcpdump -A on the same capture (median of
# --runs runs each, same run of the script), memory of `read` under -Xmx256m on a capture of at least 1 GiB, and live
# capture under wrk load (kernel drops, requests accounted for). Loopback only; every load run is bounded.
#
# usage: bench/dissect.sh [--packets N] [--runs N] [--live-seconds S] [--no-memory]
# needs (Debian): nginx-light wrk tcpdump tshark bc time; run as root (live capture).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

min_packets=500000
runs=3
live_seconds=8
memory=1
while (($#)); do
  case "$1" in
    --packets) min_packets="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --live-seconds) live_seconds="$2"; shift 2 ;;
    --no-memory) memory=0; shift ;;
    *) echo "usage: $0 [--packets N] [--runs N] [--live-seconds S] [--no-memory]" >&2; exit 2 ;;
  esac
done

for tool in nginx wrk tcpdump tshark java mvn bc /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool not found (apt-get install nginx-light wrk tcpdump tshark)" >&2; exit 2; }
done
./analyzer --version >/dev/null  # builds target/analyzer.jar when needed

work="$(mktemp -d)"
port=5683
cleanup() {
  [[ -f "$work/nginx.pid" ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  [[ -n "${dump_pid:-}" ]] && kill "$dump_pid" 2>/dev/null || true
  [[ -n "${cap_pid:-}" ]] && kill "$cap_pid" 2>/dev/null || true
  [[ -n "${wrk_pid:-}" ]] && kill "$wrk_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The secret server stand-in: nginx answering "fluffy tail" with keep-alive on loopback.
mkdir -p "$work/logs"
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$port;
    location / { default_type text/plain; return 200 "fluffy tail"; }
  }
}
CONF
nginx -p "$work" -c "$work/nginx.conf"
sleep 0.3

# shellcheck source=bench/timing.sh
source bench/timing.sh

echo "load before: $(uptime | sed 's/.*load average: //') (1, 5, 15 min; 2 cores)"

# 1. Make the capture: tcpdump writes while wrk loads nginx (bounded: at most 4 rounds of 6 s).
pcap="$work/bench.pcap"
packets=0
for round in 1 2 3 4; do
  tcpdump -i lo -B 65536 -s 0 -w "$pcap" "tcp port $port" 2>/dev/null &
  dump_pid=$!
  sleep 1
  wrk -t2 -c8 -d$((3 * round + 3))s "http://127.0.0.1:$port/" >/dev/null
  sleep 0.5
  kill -INT "$dump_pid"; wait "$dump_pid" 2>/dev/null || true; dump_pid=
  packets=$(tcpdump -r "$pcap" -nn 2>/dev/null | wc -l)
  ((packets >= min_packets)) && break
done
size=$(stat -c %s "$pcap")
echo "capture: $packets packets, $((size / 1024 / 1024)) MiB (wrk -t2 -c8 against nginx on 127.0.0.1:$port)"

# 2. Same file, three readers, same run; each the median of $runs runs.
t_analyzer=$(ANALYZER_JAVA_OPTS=-Xmx256m median_seconds_of ./analyzer read "$pcap" --format json --no-summary)
t_tshark=$(median_seconds_of tshark -r "$pcap" -d tcp.port==$port,http -T fields -e http.request.method -e http.request.uri -e http.response.code)
t_tcpdump=$(median_seconds_of tcpdump -nn -A -r "$pcap")
pps() { echo "$packets / $1" | bc -l | xargs printf '%.0f'; }
echo "median of $runs runs each (JVM start included for analyzer):"
printf '%-42s %8.2f s  %10s packets/s\n' "./analyzer read --format json (-Xmx256m)" "$t_analyzer" "$(pps "$t_analyzer")"
printf '%-42s %8.2f s  %10s packets/s\n' "tshark -d tcp.port==$port,http -T fields" "$t_tshark" "$(pps "$t_tshark")"
printf '%-42s %8.2f s  %10s packets/s\n' "tcpdump -nn -A" "$t_tcpdump" "$(pps "$t_tcpdump")"
printf 'analyzer vs tshark:  %.1fx faster (target >= 20x)\n' "$(echo "$t_tshark / $t_analyzer" | bc -l)"
printf 'analyzer vs tcpdump: %.1fx faster (target >= 2x)\n' "$(echo "$t_tcpdump / $t_analyzer" | bc -l)"
requests=$(./analyzer read "$pcap" --format json 2>/dev/null | grep -c '"event":"http.request"' || true)
echo "analyzer saw $requests HTTP requests in the file"
echo "load after the readers: $(uptime | sed 's/.*load average: //')"

# 3. Memory: read a capture of at least 1 GiB in -Xmx256m and report the peak resident set size. The capture is
# made like the first, with more connections, until it reaches 1 GiB (bounded: 120 s of load at most).
if ((memory)); then
  big="$work/big.pcap"
  tcpdump -i lo -B 65536 -s 0 -w "$big" "tcp port $port" 2>/dev/null &
  dump_pid=$!
  sleep 1
  wrk -t2 -c32 -d120s "http://127.0.0.1:$port/" >/dev/null &
  wrk_pid=$!
  for ((i = 0; i < 120; i++)); do
    (($(stat -c %s "$big") >= 1024 * 1024 * 1024)) && break
    sleep 1
  done
  kill "$wrk_pid" 2>/dev/null || true; wait "$wrk_pid" 2>/dev/null || true; wrk_pid=
  sleep 0.5
  kill -INT "$dump_pid"; wait "$dump_pid" 2>/dev/null || true; dump_pid=
  big_size=$(stat -c %s "$big")
  rss_of() { # peak RSS in MiB and exit code of analyzer read FILE in -Xmx256m (at most 10 minutes)
    local code=0
    ANALYZER_JAVA_OPTS=-Xmx256m /usr/bin/time -v -o "$work/time.txt" timeout 600 \
      ./analyzer read "$1" --format json --no-summary > /dev/null 2>&1 || code=$?
    echo "$(awk '/Maximum resident set size/ {printf "%.0f", $NF / 1024}' "$work/time.txt") $code \
$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt")"
  }
  read -r small_rss small_code small_time <<< "$(rss_of "$pcap")"
  read -r big_rss big_code big_time <<< "$(rss_of "$big")"
  echo "memory (-Xmx256m): $((size / 1024 / 1024)) MiB capture: peak RSS $small_rss MiB, exit $small_code, $small_time;" \
    "$((big_size / 1024 / 1024)) MiB capture: peak RSS $big_rss MiB, exit $big_code, $big_time"
  rm -f "$big"
fi

# 4. Live: analyzer dissects while wrk loads; every request must be accounted for, with zero kernel drops.
# The capture stops itself (--duration), so nothing here depends on signal delivery to a background job.
./analyzer capture --port $port --format json --duration $((live_seconds + 8))s \
  > "$work/live.jsonl" 2> "$work/live.err" &
cap_pid=$!
sleep 3
wrk_out=$(wrk -t2 -c8 -d${live_seconds}s "http://127.0.0.1:$port/")
wait "$cap_pid" || true
cap_pid=
sent=$(echo "$wrk_out" | awk '/requests in/ {print $1}')
rate=$(echo "$wrk_out" | awk '/Requests\/sec/ {printf "%.0f", $2}')
seen=$(grep -c '"event":"http.request"' "$work/live.jsonl" || true)
echo "live: wrk completed $sent requests ($rate req/s; target >= 50000) while analyzer captured;" \
  "analyzer dissected $seen requests"
tail -n 1 "$work/live.err"
