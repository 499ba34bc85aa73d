#!/usr/bin/env bash
# Benchmark: `analyzer read --keylog` against `tshark -o tls.keylog_file:…` on the same keep-alive HTTPS capture
# (median of --runs runs each, same run of the script), and the peak memory of `read --keylog` under -Xmx256m.
#
# The capture is made here, on loopback, by a client that writes its keys under load: wrk loads an
# `analyzer proxy --tls intercept --keylog` in front of nginx (TLS 1.3, keep-alive), so both legs are HTTPS and the
# proxy's key log holds every session's keys. tcpdump writes both legs. Loopback only; the load is bounded.
#
# usage: bench/tls.sh [--packets N] [--runs N] [--keep DIR] [--reuse DIR] [--baseline CHECKOUT]
#   --keep DIR: also leave the capture and its key log in DIR; --reuse DIR: read the ones a --keep left there instead
#   of making a new capture; --baseline CHECKOUT: also read with another built checkout's launcher (say, a worktree
#   of main before a change) in the same run, and print this build's ratio to it.
# needs (Debian): nginx-light wrk tcpdump tshark openssl bc time; run as root (tcpdump on lo).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

min_packets=500000
runs=3
keep=
reuse=
baseline=
while (($#)); do
  case "$1" in
    --packets) min_packets="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    --reuse) reuse="$(readlink -f "$2")"; shift 2 ;;
    --baseline) baseline="$(readlink -f "$2")"; shift 2 ;;
    *) echo "usage: $0 [--packets N] [--runs N] [--keep DIR] [--reuse DIR] [--baseline CHECKOUT]" >&2; exit 2 ;;
  esac
done

for tool in nginx wrk tcpdump tshark openssl java mvn bc /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool not found (apt-get install nginx-light wrk tcpdump tshark)" >&2; exit 2; }
done
./analyzer --version >/dev/null  # builds target/analyzer.jar when needed
if [[ -n "$reuse" && ! ( -f "$reuse/bench.pcap" && -f "$reuse/keys.log" ) ]]; then
  echo "bench: $reuse holds no bench.pcap and keys.log (made by --keep)" >&2; exit 2
fi
if [[ -n "$baseline" ]]; then
  [[ -x "$baseline/analyzer" ]] || { echo "bench: no analyzer launcher in $baseline" >&2; exit 2; }
  "$baseline/analyzer" --version >/dev/null  # builds the baseline's jar (and its class-data archive) when needed
fi

work="$(mktemp -d)"
nginx_port=5684
proxy_port=5685
cleanup() {
  [[ -f "$work/nginx.pid" ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  [[ -n "${dump_pid:-}" ]] && kill "$dump_pid" 2>/dev/null || true
  [[ -n "${proxy_pid:-}" ]] && kill "$proxy_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=bench/timing.sh
source bench/timing.sh

echo "load before: $(uptime | sed 's/.*load average: //') (1, 5, 15 min; 2 cores)"

make_capture() {
# The secret server stand-in: nginx answering "fluffy tail" over HTTPS (TLS 1.3) with keep-alive.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
  -days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost 2>/dev/null
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
    listen 127.0.0.1:$nginx_port ssl;
    ssl_certificate $work/cert.pem;
    ssl_certificate_key $work/key.pem;
    ssl_protocols TLSv1.3;
    location / { default_type text/plain; return 200 "fluffy tail"; }
  }
}
CONF
nginx -p "$work" -c "$work/nginx.conf"

# The client that writes keys: our intercepting proxy, logging both legs' keys (--brief: one line per exchange).
keys="$work/keys.log"
./analyzer proxy --listen "127.0.0.1:$proxy_port" --upstream "localhost:$nginx_port" --tls intercept \
  --upstream-insecure --mitm-ca "$work/mitm" --keylog "$keys" --brief > /dev/null 2> "$work/proxy.err" &
proxy_pid=$!
for _ in $(seq 200); do grep -q "Ctrl-C" "$work/proxy.err" 2>/dev/null && break; sleep 0.1; done

# 1. The capture: tcpdump writes both legs while wrk loads the proxy (bounded: at most 4 rounds, 6 to 15 s each).
pcap="$work/bench.pcap"
packets=0
for round in 1 2 3 4; do
  : > "$keys"
  tcpdump -i lo -B 65536 -s 0 -w "$pcap" "tcp port $proxy_port or tcp port $nginx_port" 2>/dev/null &
  dump_pid=$!
  sleep 1
  wrk -t2 -c8 -d$((3 * round + 3))s "https://localhost:$proxy_port/" > "$work/wrk.txt"
  sleep 1
  kill -INT "$dump_pid"; wait "$dump_pid" 2>/dev/null || true; dump_pid=
  packets=$(tcpdump -r "$pcap" -nn 2>/dev/null | wc -l)
  ((packets >= min_packets)) && break
done
kill "$proxy_pid"; wait "$proxy_pid" 2>/dev/null || true; proxy_pid=
size=$(stat -c %s "$pcap")
echo "capture: $packets packets, $((size / 1024 / 1024)) MiB, $(grep -c . "$keys") key log lines;" \
  "wrk -t2 -c8 https → analyzer proxy --tls intercept --keylog → nginx TLS 1.3 ($(awk '/Requests\/sec/ {printf "%.0f", $2}' "$work/wrk.txt") req/s)"
}

if [[ -z "$reuse" ]]; then
  make_capture
else
  pcap="$reuse/bench.pcap"
  keys="$reuse/keys.log"
  packets=$(tcpdump -r "$pcap" -nn 2>/dev/null | wc -l)
  size=$(stat -c %s "$pcap")
  echo "capture: $packets packets, $((size / 1024 / 1024)) MiB, $(grep -c . "$keys") key log lines (from $reuse)"
fi

if [[ -n "$keep" ]]; then
  mkdir -p "$keep" && cp "$pcap" "$keys" "$keep/"
fi

# 2. Same file and key log, two readers, same run; each the median of $runs runs. With --baseline, this build and
# the baseline take turns, so that a change in the machine's load falls on both.
read_args=(read "$pcap" --keylog "$keys" --format json --no-summary)
if [[ -z "$baseline" ]]; then
  t_analyzer=$(ANALYZER_JAVA_OPTS=-Xmx256m median_seconds_of ./analyzer "${read_args[@]}")
else
  ours_times=() base_times=()
  for ((i = 0; i < runs; i++)); do
    ours_times+=("$(ANALYZER_JAVA_OPTS=-Xmx256m seconds_of ./analyzer "${read_args[@]}")")
    base_times+=("$(ANALYZER_JAVA_OPTS=-Xmx256m seconds_of "$baseline/analyzer" "${read_args[@]}")")
  done
  median() { printf '%s\n' "$@" | sort -n | awk '{t[NR] = $1} END {print t[int((NR + 1) / 2)]}'; }
  t_analyzer=$(median "${ours_times[@]}")
  t_baseline=$(median "${base_times[@]}")
fi
tshark_cmd=(tshark -r "$pcap" -o "tls.keylog_file:$keys" -d "tcp.port==$proxy_port,tls" -d "tcp.port==$nginx_port,tls"
  -T fields -e http.request.method -e http.response.code)
t_tshark=$(median_seconds_of "${tshark_cmd[@]}")
pps() { echo "$packets / $1" | bc -l | xargs printf '%.0f'; }
echo "median of $runs runs each (JVM start included for analyzer):"
printf '%-58s %8.2f s  %10s packets/s\n' "./analyzer read --keylog --format json (-Xmx256m)" "$t_analyzer" "$(pps "$t_analyzer")"
printf '%-58s %8.2f s  %10s packets/s\n' "tshark -o tls.keylog_file -T fields -e http.request.method …" "$t_tshark" "$(pps "$t_tshark")"
printf 'analyzer vs tshark:  %.1fx faster (target >= 20x)\n' "$(echo "$t_tshark / $t_analyzer" | bc -l)"
if [[ -n "$baseline" ]]; then
  printf '%-58s %8.2f s  %10s packets/s\n' "baseline $baseline (same read, taking turns)" "$t_baseline" "$(pps "$t_baseline")"
  printf 'this build vs baseline:  %.2fx (above 1: faster)\n' "$(echo "$t_baseline / $t_analyzer" | bc -l)"
fi

# Both must have read the same traffic: requests and responses decrypted, counted by each.
ours=$(./analyzer read "$pcap" --keylog "$keys" --format json --no-summary 2>/dev/null \
  | grep -c '"event":"http.request"' || true)
theirs=$("${tshark_cmd[@]}" 2>/dev/null | awk -F'\t' '$1 != ""' | wc -l)
echo "HTTP requests decrypted: analyzer $ours, tshark $theirs"
echo "load after the readers: $(uptime | sed 's/.*load average: //')"

# 3. Memory: the same read in -Xmx256m, peak resident set size.
ANALYZER_JAVA_OPTS=-Xmx256m /usr/bin/time -v -o "$work/time.txt" \
  ./analyzer read "$pcap" --keylog "$keys" --format json --no-summary > /dev/null 2>&1 || true
echo "memory (-Xmx256m): peak RSS $(awk '/Maximum resident set size/ {printf "%.0f", $NF / 1024}' "$work/time.txt") MiB" \
  "reading $((size / 1024 / 1024)) MiB with its keys, exit $(awk -F': ' '/Exit status/ {print $2}' "$work/time.txt")"
