#!/usr/bin/env bash
# Benchmark: `analyzer proxy` against nginx as a reverse proxy and mitmdump, in one run on loopback.
# wrk -t2 -c8 for a fixed duration against an nginx upstream answering "fluffy tail" with keep-alive:
#   HTTP:  direct · analyzer proxy (eavesdropping, every message printed to a file) · the same on the epoll
#          transport · nginx proxy (1 worker, keepalive upstream) · mitmdump --mode reverse (flows printed to a file)
#   HTTPS: direct · analyzer proxy --tls intercept (printing) · mitmdump --mode reverse:https (printing)
# Prints requests/s, p99 latency and the ratios the targets are stated in. Every load run is bounded in time.
#
# The HTTP proxies (analyzer printing, on its default transport and on epoll; analyzer --brief; nginx) are
# measured --rounds times in turn (default 3) and the ratios use each one's median: on two shared cores one 10 s
# run moves by several per cent.
#
# Before any measurement each analyzer proxy serves --jit-warmup seconds of load (default 20), one after the other:
# the figures are those of a running proxy, not of a JVM whose JIT is still compiling the relay path (on two busy
# cores that takes longer than the 5 s warm-up every target gets before each run). nginx and mitmdump need none.
#
# --baseline JAR also runs another build of analyzer (say, main before a change) as a printing HTTP proxy and an
# intercepting HTTPS proxy, measured in the same rounds as this checkout's, and prints this build's ratio to it.
#
# usage: bench/proxy.sh [--seconds N] [--warmup N] [--jit-warmup N] [--rounds N] [--baseline JAR]
# needs (Debian): nginx-light wrk mitmproxy openssl
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=10
warmup=5
jit_warmup=20
rounds=3
baseline=""
while (($#)); do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --jit-warmup) jit_warmup="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --baseline) baseline="$(readlink -f "$2")"; shift 2 ;;
    *) echo "usage: $0 [--seconds N] [--warmup N] [--jit-warmup N] [--rounds N] [--baseline JAR]" >&2; exit 2 ;;
  esac
done
for tool in nginx wrk mitmdump openssl java mvn curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool not found (apt-get install nginx-light wrk mitmproxy openssl curl)" >&2; exit 2; }
done
./analyzer --version >/dev/null  # builds target/analyzer.jar when needed
if [[ -n "$baseline" && ! -f "$baseline" ]]; then echo "bench: no such jar: $baseline" >&2; exit 2; fi

work="$(mktemp -d)"
up=15683; up_tls=15684; nginx_proxy=18081; analyzer_http=18080; analyzer_brief=18083; analyzer_epoll=18085; mitm_http=18082; analyzer_https=18443; mitm_https=18444
base_http=18086; base_https=18445
# A port some other program holds would be measured in place of the server that could not bind it.
for port in $up $up_tls $nginx_proxy $analyzer_http $analyzer_brief $analyzer_epoll $mitm_http $analyzer_https $mitm_https \
    $base_http $base_https; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "bench: port $port is already in use on 127.0.0.1; stop what listens there (ss -ltnp 'sport = :$port')" >&2
    rm -rf "$work"; exit 2
  fi
done
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for conf in upstream proxy; do
    [[ -f "$work/$conf.pid" ]] && kill "$(cat "$work/$conf.pid")" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Six JVMs and mitmdump start at once: on two busy cores one may take well over 10 s to listen.
wait_port() { # port [tls]
  for _ in $(seq 1 600); do
    if curl -sk -o /dev/null --max-time 1 "${2:-http}://127.0.0.1:$1/"; then return 0; fi
    sleep 0.1
  done
  echo "bench: nothing answers on port $1" >&2; exit 1
}

# The secret server stand-in: nginx, one worker, "fluffy tail" with keep-alive, over HTTP and HTTPS.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
mkdir -p "$work/logs"
cat > "$work/upstream.conf" <<CONF
worker_processes 1;
pid $work/upstream.pid;
error_log $work/logs/upstream-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$up;
    listen 127.0.0.1:$up_tls ssl;
    ssl_certificate $work/cert.pem;
    ssl_certificate_key $work/key.pem;
    location / { default_type text/plain; return 200 "fluffy tail"; }
  }
}
CONF
# The anchor: nginx as a reverse proxy, one worker, keep-alive to the upstream.
cat > "$work/proxy.conf" <<CONF
worker_processes 1;
pid $work/proxy.pid;
error_log $work/logs/proxy-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  upstream secret { server 127.0.0.1:$up; keepalive 32; }
  server {
    listen 127.0.0.1:$nginx_proxy;
    location / { proxy_pass http://secret; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
nginx -p "$work" -c "$work/upstream.conf"
nginx -p "$work" -c "$work/proxy.conf"
wait_port $up; wait_port $nginx_proxy

./analyzer proxy --listen 127.0.0.1:$analyzer_http --upstream 127.0.0.1:$up --color never \
  > "$work/analyzer-http.txt" 2> "$work/analyzer-http.err" &
pids+=($!)
./analyzer proxy --listen 127.0.0.1:$analyzer_https --upstream 127.0.0.1:$up_tls --tls intercept \
  --upstream-insecure --mitm-ca "$work/mitm-ca" --color never \
  > "$work/analyzer-https.txt" 2> "$work/analyzer-https.err" &
pids+=($!)
./analyzer proxy --listen 127.0.0.1:$analyzer_brief --upstream 127.0.0.1:$up --color never --brief \
  > "$work/analyzer-brief.txt" 2> "$work/analyzer-brief.err" &
pids+=($!)
./analyzer proxy --listen 127.0.0.1:$analyzer_epoll --upstream 127.0.0.1:$up --color never --transport epoll \
  > "$work/analyzer-epoll.txt" 2> "$work/analyzer-epoll.err" &
pids+=($!)
if [[ -n "$baseline" ]]; then
  # The same JVM options as ./analyzer gives this checkout's proxies (no class-data archive: it only speeds the start).
  java -XX:+UseSerialGC -Xlog:disable -Xlog:all=warning:stderr -jar "$baseline" proxy --listen 127.0.0.1:$base_http \
    --upstream 127.0.0.1:$up --color never > "$work/baseline-http.txt" 2> "$work/baseline-http.err" &
  pids+=($!)
  java -XX:+UseSerialGC -Xlog:disable -Xlog:all=warning:stderr -jar "$baseline" proxy --listen 127.0.0.1:$base_https \
    --upstream 127.0.0.1:$up_tls --tls intercept --upstream-insecure --mitm-ca "$work/baseline-mitm-ca" --color never \
    > "$work/baseline-https.txt" 2> "$work/baseline-https.err" &
  pids+=($!)
fi
mitmdump --mode "reverse:http://127.0.0.1:$up" --listen-host 127.0.0.1 --listen-port $mitm_http \
  > "$work/mitm-http.txt" 2>&1 &
pids+=($!)
mitmdump --mode "reverse:https://127.0.0.1:$up_tls" --ssl-insecure --listen-host 127.0.0.1 --listen-port $mitm_https \
  --set confdir="$work/mitmproxy" > "$work/mitm-https.txt" 2>&1 &
pids+=($!)
if [[ -n "$baseline" ]]; then wait_port $base_http; wait_port $base_https https; fi
wait_port $analyzer_http; wait_port $analyzer_brief; wait_port $analyzer_epoll; wait_port $analyzer_https https; wait_port $mitm_http; wait_port $mitm_https https

declare -A rps p99 runs
measure() { # name url [no-warmup]
  local out
  [[ -n "${3:-}" ]] || wrk -t2 -c8 -d"${warmup}s" "$2" >/dev/null 2>&1 || true
  out=$(wrk -t2 -c8 -d"${seconds}s" --latency "$2")
  rps[$1]=$(echo "$out" | awk '/Requests\/sec/ {printf "%.0f", $2}')
  runs[$1]+="${rps[$1]} "
  p99[$1]=$(echo "$out" | awk '$1 == "99%" {v = $2; if (v ~ /us$/) {sub(/us/, "", v); v = v / 1000} else if (v ~ /ms$/) {sub(/ms/, "", v)} else if (v ~ /s$/) {sub(/s/, "", v); v = v * 1000}; printf "%.3f", v}')
  local errors
  errors=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}')
  printf '%-50s %10s req/s   p99 %8s ms%s\n' "$1" "${rps[$1]}" "${p99[$1]}" "${errors:+   ($errors)}"
}

# What the default transport turned out to be: an io_uring instance shows among the JVM's file descriptors.
analyzer_pid=${pids[0]}  # ./analyzer execs java in the process started first above
transport=epoll
if ls -l "/proc/$analyzer_pid/fd" 2>/dev/null | grep -q 'io_uring'; then transport=io_uring; fi
echo "analyzer proxy's default transport here: $transport"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for port in $analyzer_http $analyzer_epoll $analyzer_brief; do
  wrk -t2 -c8 -d"${jit_warmup}s" "http://127.0.0.1:$port/" >/dev/null 2>&1 || true
done
wrk -t2 -c8 -d"${jit_warmup}s" "https://127.0.0.1:$analyzer_https/" >/dev/null 2>&1 || true
if [[ -n "$baseline" ]]; then
  wrk -t2 -c8 -d"${jit_warmup}s" "http://127.0.0.1:$base_http/" >/dev/null 2>&1 || true
  wrk -t2 -c8 -d"${jit_warmup}s" "https://127.0.0.1:$base_https/" >/dev/null 2>&1 || true
fi
echo "load: wrk -t2 -c8, ${seconds} s per run after ${warmup} s of warm-up (analyzer proxies: ${jit_warmup} s more first); upstream nginx (1 worker) on 127.0.0.1; $(nproc) cores; load average $load_before before the warm-up"
measure "HTTP  direct to nginx" "http://127.0.0.1:$up/"
measure "HTTP  analyzer proxy (eavesdropping, printed)" "http://127.0.0.1:$analyzer_http/"
measure "HTTP  analyzer proxy --transport epoll (printed)" "http://127.0.0.1:$analyzer_epoll/"
measure "HTTP  analyzer proxy --brief (one line each)" "http://127.0.0.1:$analyzer_brief/"
measure "HTTP  nginx reverse proxy (1 worker)" "http://127.0.0.1:$nginx_proxy/"
[[ -z "$baseline" ]] || measure "HTTP  baseline build (printed)" "http://127.0.0.1:$base_http/"
median() { tr ' ' '\n' <<< "$1" | grep . | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
for ((round = 2; round <= rounds; round++)); do
  measure "HTTP  analyzer proxy (eavesdropping, printed)" "http://127.0.0.1:$analyzer_http/" again
  measure "HTTP  analyzer proxy --transport epoll (printed)" "http://127.0.0.1:$analyzer_epoll/" again
  measure "HTTP  analyzer proxy --brief (one line each)" "http://127.0.0.1:$analyzer_brief/" again
  measure "HTTP  nginx reverse proxy (1 worker)" "http://127.0.0.1:$nginx_proxy/" again
  [[ -z "$baseline" ]] || measure "HTTP  baseline build (printed)" "http://127.0.0.1:$base_http/" again
done
if ((rounds > 1)); then
  medians=("HTTP  analyzer proxy (eavesdropping, printed)" "HTTP  analyzer proxy --transport epoll (printed)"
    "HTTP  analyzer proxy --brief (one line each)" "HTTP  nginx reverse proxy (1 worker)")
  [[ -z "$baseline" ]] || medians+=("HTTP  baseline build (printed)")
  for name in "${medians[@]}"; do
    rps[$name]=$(median "${runs[$name]}")
    printf '%-50s %10s req/s   median of %s runs\n' "$name" "${rps[$name]}" "$rounds"
  done
fi
measure "HTTP  mitmdump --mode reverse" "http://127.0.0.1:$mitm_http/"
measure "HTTPS direct to nginx" "https://127.0.0.1:$up_tls/"
measure "HTTPS analyzer proxy --tls intercept" "https://127.0.0.1:$analyzer_https/"
measure "HTTPS mitmdump --mode reverse:https" "https://127.0.0.1:$mitm_https/"
if [[ -n "$baseline" ]]; then
  # Taking turns with the baseline, --rounds times, so both see the same moments of a shared machine.
  for ((round = 1; round <= rounds; round++)); do
    measure "HTTPS analyzer proxy --tls intercept" "https://127.0.0.1:$analyzer_https/" again
    measure "HTTPS baseline build --tls intercept" "https://127.0.0.1:$base_https/" again
  done
  for name in "HTTPS analyzer proxy --tls intercept" "HTTPS baseline build --tls intercept"; do
    rps[$name]=$(median "${runs[$name]}")
    printf '%-50s %10s req/s   median of: %s\n' "$name" "${rps[$name]}" "${runs[$name]% }"
  done
fi

# Added latency without queueing: one connection, one request at a time, so each p99 is the path's own. A p99 on
# shared cores jumps with whatever else runs for a moment, so the paths take turns, --rounds times 5 s each, and
# each path's figure is the median of its p99s.
declare -A lat lats
lat_names=("HTTP  direct to nginx" "HTTP  analyzer proxy (eavesdropping, printed)" "HTTP  nginx reverse proxy (1 worker)"
  "HTTPS direct to nginx" "HTTPS analyzer proxy --tls intercept")
declare -A lat_urls=(["HTTP  direct to nginx"]="http://127.0.0.1:$up/"
  ["HTTP  analyzer proxy (eavesdropping, printed)"]="http://127.0.0.1:$analyzer_http/"
  ["HTTP  nginx reverse proxy (1 worker)"]="http://127.0.0.1:$nginx_proxy/"
  ["HTTPS direct to nginx"]="https://127.0.0.1:$up_tls/"
  ["HTTPS analyzer proxy --tls intercept"]="https://127.0.0.1:$analyzer_https/")
echo
for name in "${lat_names[@]}"; do wrk -t1 -c1 -d2s "${lat_urls[$name]}" >/dev/null 2>&1 || true; done
for ((round = 1; round <= rounds; round++)); do
  for name in "${lat_names[@]}"; do
    lats[$name]+="$(wrk -t1 -c1 -d5s --latency "${lat_urls[$name]}" | awk '$1 == "99%" {v = $2; if (v ~ /us$/) {sub(/us/, "", v); v = v / 1000} else if (v ~ /ms$/) {sub(/ms/, "", v)} else if (v ~ /s$/) {sub(/s/, "", v); v = v * 1000}; printf "%.3f", v}') "
  done
done
for name in "${lat_names[@]}"; do
  lat[$name]=$(median "${lats[$name]}")
  printf '%-50s p99 %8s ms   (wrk -t1 -c1; median of %s: %s)\n' "$name" "${lat[$name]}" "$rounds" "${lats[$name]% }"
done

ratio() { echo "$1 / $2" | bc -l | xargs printf '%.2f'; }
added() { echo "$1 - $2" | bc -l | xargs printf '%.3f'; }
echo
printf 'HTTP:  analyzer / nginx proxy   = %sx   (target >= 1)\n' "$(ratio "${rps[HTTP  analyzer proxy (eavesdropping, printed)]}" "${rps[HTTP  nginx reverse proxy (1 worker)]}")"
printf 'HTTP:  analyzer on epoll / nginx proxy = %sx\n' "$(ratio "${rps[HTTP  analyzer proxy --transport epoll (printed)]}" "${rps[HTTP  nginx reverse proxy (1 worker)]}")"
printf 'HTTP:  analyzer --brief / nginx proxy = %sx\n' "$(ratio "${rps[HTTP  analyzer proxy --brief (one line each)]}" "${rps[HTTP  nginx reverse proxy (1 worker)]}")"
printf 'HTTP:  analyzer / mitmdump      = %sx   (target >= 25)\n' "$(ratio "${rps[HTTP  analyzer proxy (eavesdropping, printed)]}" "${rps[HTTP  mitmdump --mode reverse]}")"
printf 'HTTPS: analyzer / mitmdump      = %sx   (target >= 20)\n' "$(ratio "${rps[HTTPS analyzer proxy --tls intercept]}" "${rps[HTTPS mitmdump --mode reverse:https]}")"
printf 'p99 added by analyzer (one connection): HTTP %s ms, HTTPS %s ms   (target <= 1 ms); by nginx proxy: %s ms\n' \
  "$(added "${lat[HTTP  analyzer proxy (eavesdropping, printed)]}" "${lat[HTTP  direct to nginx]}")" \
  "$(added "${lat[HTTPS analyzer proxy --tls intercept]}" "${lat[HTTPS direct to nginx]}")" \
  "$(added "${lat[HTTP  nginx reverse proxy (1 worker)]}" "${lat[HTTP  direct to nginx]}")"
printf 'p99 under load (-c8): analyzer %s ms, nginx proxy %s ms, mitmdump %s ms\n' \
  "${p99[HTTP  analyzer proxy (eavesdropping, printed)]}" "${p99[HTTP  nginx reverse proxy (1 worker)]}" "${p99[HTTP  mitmdump --mode reverse]}"
if [[ -n "$baseline" ]]; then
  printf 'this build / baseline build: HTTP %sx, HTTPS %sx   (target >= 1)\n' \
    "$(ratio "${rps[HTTP  analyzer proxy (eavesdropping, printed)]}" "${rps[HTTP  baseline build (printed)]}")" \
    "$(ratio "${rps[HTTPS analyzer proxy --tls intercept]}" "${rps[HTTPS baseline build --tls intercept]}")"
fi
echo "analyzer printed $(grep -c '^EAVESDROP' "$work/analyzer-http.txt" || true) HTTP and $(grep -c '^EAVESDROP' "$work/analyzer-https.txt" || true) HTTPS exchanges ($(du -sh "$work/analyzer-http.txt" | cut -f1) of text)"
