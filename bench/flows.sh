#!/usr/bin/env bash
# Benchmark: memory and time of `analyzer read` and `analyzer check --read` in a 256 MiB heap on captures that make a
# sniffer track many connections at once, with tshark and tcpdump reading the same files in the same run:
#   syn-flood      N connection attempts that never go further (default 1 000 000; --syn 4000000 for millions)
#   gaps           N connections whose request lost its first 100 bytes, the rest held past the hole (200 000)
#   partial-heads  N connections that send 4 KiB of a request head and never end it (50 000)
#   tls-handshakes N complete TLS 1.2 connections with the server's certificate in clear (200 000), and half as
#                  many, to show check's memory flat in their number; `check` runs with --policy intermediate, and
#                  the last connection of each negotiates TLS 1.0, so exit 1 proves the connections check no longer
#                  lists are still judged against the policy (every other one passes it)
# Captures are written by bench/adversarial_pcap.py into a temporary directory; nothing touches the network.
# tcpdump and tshark are stopped after --timeout seconds (default 900): on a busy 2-core machine tcpdump printed
# about 13 000 of these packets a second, and 4 000 000 SYNs had not finished after 30 minutes.
#
# --baseline JAR also runs `check --read` of another build (say, main before a change) on each capture.
#
# usage: bench/flows.sh [--syn N] [--gaps N] [--heads N] [--tls N] [--only KIND[,KIND]] [--timeout SECONDS]
#                       [--baseline JAR]
# needs (Debian): python3 tshark tcpdump time openssl
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

syn=1000000
gaps=200000
heads=50000
tls=200000
only="syn-flood,gaps,partial-heads,tls-handshakes"
timeout=900
baseline=""
while (($#)); do
  case "$1" in
    --syn) syn="$2"; shift 2 ;;
    --gaps) gaps="$2"; shift 2 ;;
    --heads) heads="$2"; shift 2 ;;
    --tls) tls="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --baseline) baseline="$(readlink -f "$2")"; shift 2 ;;
    --timeout|--tshark-timeout) timeout="$2"; shift 2 ;;
    *) echo "usage: $0 [--syn N] [--gaps N] [--heads N] [--tls N] [--only KIND[,KIND]] [--timeout SECONDS]" \
         "[--baseline JAR]" >&2
       exit 2 ;;
  esac
done
if [[ -n "$baseline" && ! -f "$baseline" ]]; then echo "bench: no such jar: $baseline" >&2; exit 2; fi

for tool in python3 tshark tcpdump java mvn openssl /usr/bin/time; do
  command -v "$tool" >/dev/null || {
    echo "bench: $tool not found (apt-get install python3 tshark tcpdump time openssl)" >&2; exit 2; }
done
./analyzer --version >/dev/null  # builds target/analyzer.jar when needed

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "load before: $(uptime | sed 's/.*load average: //') (1, 5, 15 min; $(nproc) cores)"

# Runs a command with its output discarded (check's kept in $work/stdout, for its verdict line); prints
# "SECONDS PEAK_RSS_MIB EXIT" (GNU time's %e and %M).
measure() {
  local code=0 out=/dev/null
  [[ " $* " == *" check "* ]] && out="$work/stdout"
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$out" 2> "$work/stderr" || code=$?
  read -r seconds kib < <(tail -n 1 "$work/time")
  echo "$seconds $((kib / 1024)) $code"
}

row() { # tool, file, command...
  local what="$1" file="$2"
  shift 2
  read -r seconds mib code < <(measure "$@")
  printf '| %-22s | %-52s | %8s s | %6s MiB | %4s |\n' "$file" "$what" "$seconds" "$mib" "$code"
  grep -h '^note: \|^analyzer: \|OutOfMemoryError' "$work/stderr" | sed 's/^/    /' | head -n 3 >&2 || true
  if [[ " $* " == *" check "* ]]; then
    grep -hE '^(ENCRYPTED|NOT ENCRYPTED|NOT VERIFIED|WEAK TLS|NOTHING TO JUDGE) — ' "$work/stdout" | sed 's/^/    /' >&2 || true
    rm -f "$work/stdout"
  fi
}

printf '| %-22s | %-52s | %10s | %10s | %4s |\n' capture reader time "peak RSS" exit
printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..24})" "$(printf -- '-%.0s' {1..54})" \
  "$(printf -- '-%.0s' {1..12})" "$(printf -- '-%.0s' {1..12})" "------"
# The server certificate of the TLS captures: issued by a CA for localhost, so that only the protocol can fail.
certificate() {
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/ca.key" -out "$work/ca.pem" -days 30 \
    -subj "/CN=bench CA" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout "$work/leaf.key" -out "$work/leaf.csr" -subj "/CN=localhost" 2>/dev/null
  printf 'subjectAltName=DNS:localhost\n' > "$work/leaf.ext"
  openssl x509 -req -in "$work/leaf.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial -days 30 \
    -sha256 -extfile "$work/leaf.ext" -outform DER -out "$work/leaf.der" 2>/dev/null
}

runs=()
for kind in syn-flood gaps partial-heads tls-handshakes; do
  [[ ",$only," == *",$kind,"* ]] || continue
  case "$kind" in
    syn-flood) runs+=("$kind $syn") ;;
    gaps) runs+=("$kind $gaps") ;;
    partial-heads) runs+=("$kind $heads") ;;
    tls-handshakes) certificate; runs+=("$kind $((tls / 2))" "$kind $tls") ;;
  esac
done
for run in "${runs[@]}"; do
  read -r kind n <<< "$run"
  pcap="$work/$kind.pcap"
  extra=() check=() decode=http
  if [[ "$kind" == tls-handshakes ]]; then
    extra=("$work/leaf.der") check=(--policy intermediate) decode=tls
  fi
  python3 bench/adversarial_pcap.py "$kind" "$n" "$pcap" "${extra[@]}"
  label="$kind $n"
  echo "$label: $(du -m "$pcap" | cut -f1) MiB" >&2
  row "analyzer read --format json (-Xmx256m)" "$label" env ANALYZER_JAVA_OPTS=-Xmx256m ./analyzer read "$pcap" --format json
  row "analyzer check --read ${check[*]} (-Xmx256m)" "$label" \
    env ANALYZER_JAVA_OPTS=-Xmx256m ./analyzer check --read "$pcap" "${check[@]}"
  if [[ -n "$baseline" ]]; then
    row "baseline check --read ${check[*]} (-Xmx256m)" "$label" \
      java -XX:+UseSerialGC -Xmx256m -Xlog:disable -jar "$baseline" check --read "$pcap" "${check[@]}"
  fi
  row "tcpdump -nn -r (timeout ${timeout}s)" "$label" timeout "$timeout" tcpdump -nn -r "$pcap"
  row "tshark -r -d tcp.port==5683,$decode (timeout ${timeout}s)" "$label" \
    timeout "$timeout" tshark -r "$pcap" -d "tcp.port==5683,$decode"
  rm -f "$pcap"
done
echo "load after: $(uptime | sed 's/.*load average: //')"
