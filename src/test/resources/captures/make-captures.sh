#!/usr/bin/env bash
# Makes the small captures the HTTP/2, gRPC and WebSocket tests read, with real peers on loopback (root: tcpdump).
# Each file's content is described in README.md beside it; the tests compare what they decode with what the clients
# sent and with tshark's decoding of the same file.
# needs (Debian): tcpdump nghttp2-client nghttp2-server nginx-light python3-h2 python3-grpcio python3-websockets
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
py=/usr/bin/python3
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# waits (at most 10 s) until something listens on 127.0.0.1:PORT
wait_port() { local i; for ((i = 0; i < 100; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 0.1; done; }

free_port() { "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# capture FILE PORT COMMAND...: records tcp port PORT on lo while the command runs
capture() {
  local file="$1" port="$2"; shift 2
  tcpdump -U -i lo -s 0 -w "$here/$file" "tcp port $port" 2>"$work/tcpdump.err" &
  local dump=$! i
  for ((i = 0; i < 100; i++)); do grep -q listening "$work/tcpdump.err" 2>/dev/null && break; sleep 0.1; done
  sleep 0.5
  "$@"
  sleep 0.5
  kill -INT "$dump"; wait "$dump" 2>/dev/null || true
  echo "$file: $(tcpdump -r "$here/$file" 2>/dev/null | wc -l) packets"
}

chmod 755 "$work"
mkdir -p "$work/doc"
echo "fluffy tail" > "$work/doc/index.html"
"$py" -c "print('squirrel party\\n' * 200, end='')" > "$work/doc/big.txt"
echo "username=alice&password=wonderland" > "$work/login.form"

# 1. h2c with prior knowledge: nghttp against nghttpd (a bearer token in clear, a GET, a POST with a form).
port=$(free_port)
nghttpd --no-tls -d "$work/doc" "$port" >/dev/null 2>&1 & pids+=($!)
wait_port "$port"
capture h2c-prior-knowledge.pcap "$port" bash -c "
  nghttp -n -H 'authorization: Bearer tok_5ecret' http://127.0.0.1:$port/ &&
  nghttp -n -d '$work/login.form' -H 'content-type: application/x-www-form-urlencoded' http://127.0.0.1:$port/index.html"

# 2. h2c with gzip: nghttp against nginx (http2 on cleartext), which compresses text.
port=$(free_port)
mkdir -p "$work/nginx/logs"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 64; }
http {
  access_log off;
  gzip on; gzip_types text/plain; gzip_min_length 20;
  server { listen 127.0.0.1:$port http2; root $work/doc; default_type text/plain; }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"
wait_port "$port"
capture h2c-gzip.pcap "$port" nghttp -n http://127.0.0.1:$port/big.txt
kill "$(cat "$work/nginx/nginx.pid")"

# 3. h2c by Upgrade: nghttp -u against a python3-h2 server (an Authorization header in the upgrade request).
port=$(free_port)
"$py" "$here/h2c_upgrade_server.py" "$port" & pids+=($!)
wait_port "$port"
capture h2c-upgrade.pcap "$port" nghttp -n -u -H 'authorization: Basic YWxpY2U6d29uZGVybGFuZA==' \
  http://127.0.0.1:$port/secret http://127.0.0.1:$port/second

# 4. gRPC over h2c: python3-grpcio client and server (unary, server streaming, an UNAUTHENTICATED error).
port=$(free_port)
"$py" "$here/grpc_calls.py" server "$port" 20 & pids+=($!)
wait_port "$port"
capture grpc.pcap "$port" "$py" "$here/grpc_calls.py" client "$port"

# 5. WebSocket with python3-websockets: no extension, permessage-deflate with and without context takeover.
port=$(free_port)
"$py" "$here/websocket_chat.py" server "$port" 30 & pids+=($!)
wait_port "$port"
capture websocket.pcap "$port" bash -c "
  '$py' '$here/websocket_chat.py' client $port plain &&
  '$py' '$here/websocket_chat.py' client $port deflate &&
  '$py' '$here/websocket_chat.py' client $port deflate-fresh"
