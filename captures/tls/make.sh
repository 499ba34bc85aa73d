#!/usr/bin/env bash
# Makes the TLS captures in this directory: one per TLS version and cipher suite the decryption covers, each with
# the key log its client wrote and what that client sent and received, to compare with what `analyzer read
# --keylog` finds inside. Real clients (curl, openssl s_client, Python requests) against openssl s_server or
# nginx, on loopback; tcpdump writes the captures. Needs root (tcpdump on lo), openssl, curl, python3-requests,
# nginx, nghttpd (nghttp2-server), mergecap and editcap (Wireshark). Run from anywhere: sudo captures/tls/make.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

port=44330
secret="fluffy tail"

# The server's identity: an RSA key (RSA key exchange needs one) and a self-signed certificate for localhost.
# The key is committed on purpose: `--server-key` tests open RSA-key-exchange sessions with it.
if [[ ! -f "$here/server-key.pem" ]]; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$here/server-key.pem" -out "$here/server-cert.pem" \
    -days 3650 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null
fi
cp "$here/server-key.pem" "$here/server-cert.pem" .
mkdir -p www
printf '%s\n' "$secret" > www/secret.txt
# 20 KB: two records or more each way, so reassembly across records and frames is exercised.
python3 -c "import sys; sys.stdout.write(''.join('line %05d of the big file, %s\n' % (i, '$secret') for i in range(500)))" \
  > www/big.txt

wait_port() {
  for _ in $(seq 100); do
    if ss -ltn | grep -q "127.0.0.1:$1 "; then return 0; fi
    sleep 0.05
  done
  echo "nothing listens on $1" >&2
  cat s_server.log >&2 2>/dev/null || true
  return 1
}

start_capture() {  # name
  rm -f tcpdump.log
  # --immediate-mode: otherwise packets wait in libpcap's ring for a block to fill, and a short capture stopped
  # with SIGINT loses them all.
  tcpdump -i lo --immediate-mode -U -s 0 -w "$here/$1.pcap" "tcp port $port" 2> tcpdump.log &
  capture=$!
  for _ in $(seq 100); do grep -q listening tcpdump.log && break; sleep 0.05; done
}

stop_capture() {
  sleep 0.3
  kill -INT "$capture"
  wait "$capture" 2>/dev/null || true
}

start_s_server() {  # extra s_server options
  (cd www && exec openssl s_server -accept "127.0.0.1:$port" -WWW -cert ../server-cert.pem -key ../server-key.pem \
    -quiet "$@") > s_server.log 2>&1 &
  server=$!
  pids+=("$server")
  wait_port "$port"
}

stop_server() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
}

# s_client sends the request file and keeps what came back; a line of its own waits for the answer.
s_client() {  # name request-file [s_client options]
  local name=$1 request=$2
  shift 2
  cp "$request" "$here/$name.sent"
  openssl s_client -connect "127.0.0.1:$port" -servername localhost -keylogfile "$here/$name.keys" -quiet \
    "$@" < "$request" > "$here/$name.received" 2> "$name.err" || { cat "$name.err" >&2; return 1; }
}

request() {  # path
  printf 'GET /%s HTTP/1.0\r\nHost: localhost\r\nUser-Agent: openssl-s_client\r\n\r\n' "$1"
}

# curl writes its request headers after "> " with -v; they are what it sent.
curl_get() {  # name url [curl options]
  local name=$1 url=$2
  shift 2
  rm -f "$here/$name.keys"
  SSLKEYLOGFILE="$here/$name.keys" curl -sS -v --cacert server-cert.pem "$@" "$url" -o "$here/$name.received" \
    2> "$name.err" || { cat "$name.err" >&2; return 1; }
  sed -n 's/^> \(.*\)\r$/\1/p' "$name.err" | sed '/^$/d' > "$here/$name.sent"
}

one() {  # name: a capture with one s_server; the rest of the arguments are its options
  local name=$1
  shift
  rm -f "$here/$name".{keys,sent,received}
  start_capture "$name"
  start_s_server "$@"
}

done_one() {
  stop_server
  stop_capture
  echo "made $1"
}

request secret.txt > get-secret
request big.txt > get-big

# --- TLS 1.3 ---
one tls13-aes128gcm-curl -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256
curl_get tls13-aes128gcm-curl "https://localhost:$port/secret.txt" --tlsv1.3
done_one tls13-aes128gcm-curl

one tls13-aes256gcm-openssl -tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384
s_client tls13-aes256gcm-openssl get-big
done_one tls13-aes256gcm-openssl

# KeyUpdate: the 'K' command asks for a key update with update_requested, so both sides change keys mid-stream.
one tls13-keyupdate-openssl -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256
cp get-secret "$here/tls13-keyupdate-openssl.sent"
(printf 'K\n'; sleep 0.5; cat get-secret; sleep 1) | openssl s_client -connect "127.0.0.1:$port" -servername localhost \
  -keylogfile "$here/tls13-keyupdate-openssl.keys" -quiet -no_ign_eof > "$here/tls13-keyupdate-openssl.received" \
  2> keyupdate.err
done_one tls13-keyupdate-openssl

# HelloRetryRequest: the client's first key share (P-256) is not one the server takes (X25519 only).
one tls13-hrr-openssl -tls1_3 -groups X25519
s_client tls13-hrr-openssl get-secret -groups P-256:X25519
done_one tls13-hrr-openssl

# A resumed TLS 1.3 session (PSK).
one tls13-resumed-openssl -tls1_3
openssl s_client -connect "127.0.0.1:$port" -servername localhost -keylogfile "$here/tls13-resumed-openssl.keys" \
  -sess_out session13.pem -quiet < get-secret > first.out 2>/dev/null
s_client tls13-resumed-openssl get-secret -sess_in session13.pem
done_one tls13-resumed-openssl

one tls13-aes128ccm-unsupported -tls1_3 -ciphersuites TLS_AES_128_CCM_SHA256
s_client tls13-aes128ccm-unsupported get-secret -ciphersuites TLS_AES_128_CCM_SHA256
done_one tls13-aes128ccm-unsupported

# --- TLS 1.2 ---
one tls12-ecdhe-aes128gcm-curl -tls1_2
curl_get tls12-ecdhe-aes128gcm-curl "https://localhost:$port/secret.txt" --tlsv1.2 --tls-max 1.2 \
  --ciphers ECDHE-RSA-AES128-GCM-SHA256
done_one tls12-ecdhe-aes128gcm-curl

one tls12-ecdhe-chacha20-openssl -tls1_2
s_client tls12-ecdhe-chacha20-openssl get-big -cipher ECDHE-RSA-CHACHA20-POLY1305
done_one tls12-ecdhe-chacha20-openssl

# RSA key exchange (no forward secrecy), extended master secret: opens with the key log, or the server key.
one tls12-rsa-aes128gcm-openssl -tls1_2
s_client tls12-rsa-aes128gcm-openssl get-secret -cipher AES128-GCM-SHA256
done_one tls12-rsa-aes128gcm-openssl

# CBC with HMAC-SHA1, RSA key exchange, encrypt-then-MAC (OpenSSL's default for CBC).
one tls12-rsa-aes128sha-etm-openssl -tls1_2
s_client tls12-rsa-aes128sha-etm-openssl get-big -cipher AES128-SHA
done_one tls12-rsa-aes128sha-etm-openssl

# CBC with HMAC-SHA256, MAC-then-encrypt (encrypt-then-MAC refused).
one tls12-rsa-aes256sha256-mte-openssl -tls1_2
s_client tls12-rsa-aes256sha256-mte-openssl get-secret -cipher AES256-SHA256 -no_etm
done_one tls12-rsa-aes256sha256-mte-openssl

# CBC with HMAC-SHA384 (ECDHE).
one tls12-ecdhe-aes256sha384-curl -tls1_2
curl_get tls12-ecdhe-aes256sha384-curl "https://localhost:$port/big.txt" --tlsv1.2 --tls-max 1.2 \
  --ciphers ECDHE-RSA-AES256-SHA384
done_one tls12-ecdhe-aes256sha384-curl

# Resumption by session ID (no tickets), RSA key exchange: the second connection's handshake is abbreviated.
one tls12-resumed-sessionid-openssl -tls1_2 -no_ticket
openssl s_client -connect "127.0.0.1:$port" -servername localhost -keylogfile "$here/tls12-resumed-sessionid-openssl.keys" \
  -cipher AES256-GCM-SHA384 -no_ticket -sess_out session12.pem -quiet < get-secret > first.out 2>/dev/null
s_client tls12-resumed-sessionid-openssl get-secret -cipher AES256-GCM-SHA384 -no_ticket -sess_in session12.pem
done_one tls12-resumed-sessionid-openssl

# Resumption with a session ticket.
one tls12-resumed-ticket-openssl -tls1_2
openssl s_client -connect "127.0.0.1:$port" -servername localhost -keylogfile "$here/tls12-resumed-ticket-openssl.keys" \
  -cipher ECDHE-RSA-AES128-GCM-SHA256 -sess_out ticket12.pem -quiet < get-secret > first.out 2>/dev/null
s_client tls12-resumed-ticket-openssl get-secret -cipher ECDHE-RSA-AES128-GCM-SHA256 -sess_in ticket12.pem
done_one tls12-resumed-ticket-openssl

# --- TLS 1.1 and 1.0 (CBC only; OpenSSL allows them at security level 0) ---
one tls11-ecdhe-aes128sha-openssl -tls1_1 -cipher 'ECDHE-RSA-AES128-SHA:@SECLEVEL=0'
s_client tls11-ecdhe-aes128sha-openssl get-secret -tls1_1 -cipher 'ECDHE-RSA-AES128-SHA:@SECLEVEL=0'
done_one tls11-ecdhe-aes128sha-openssl

one tls10-rsa-aes256sha-openssl -tls1 -cipher 'AES256-SHA:@SECLEVEL=0'
s_client tls10-rsa-aes256sha-openssl get-big -tls1 -cipher 'AES256-SHA:@SECLEVEL=0'
done_one tls10-rsa-aes256sha-openssl

# --- Python requests (SSLKEYLOGFILE honoured by urllib3) against nginx: keep-alive, a login form ---
mkdir -p nginx/logs
cat > nginx/nginx.conf <<EOF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 64; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$port ssl;
    ssl_certificate $work/server-cert.pem;
    ssl_certificate_key $work/server-key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_conf_command Ciphersuites TLS_CHACHA20_POLY1305_SHA256;
    ssl_early_data on;
    location = /secret.txt { default_type text/plain; return 200 "$secret\n"; }
    location = /login { default_type text/plain; return 200 "Welcome, alice.\n"; }
  }
}
EOF
start_nginx() {
  nginx -c "$work/nginx/nginx.conf" -p "$work/nginx"
  wait_port "$port"
}

stop_nginx() {
  kill "$(cat "$work/nginx/nginx.pid")"
  for _ in $(seq 100); do [[ -f "$work/nginx/nginx.pid" ]] || break; sleep 0.05; done
}

python_requests() {  # name max-version(1.2|1.3) ciphers
  local name=$1
  rm -f "$here/$name".{keys,sent,received}
  start_capture "$name"
  start_nginx
  SSLKEYLOGFILE="$here/$name.keys" python3 - "$port" "$2" "$3" "$here/$name" <<'PY'
import json, ssl, sys
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.ssl_ import create_urllib3_context
port, maximum, ciphers, out = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
class Limited(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        context = create_urllib3_context(ssl_maximum_version=ssl.TLSVersion.TLSv1_2 if maximum == "1.2"
                                         else ssl.TLSVersion.TLSv1_3, ciphers=ciphers or None)
        context.load_verify_locations("server-cert.pem")
        kwargs["ssl_context"] = context
        return super().init_poolmanager(*args, **kwargs)
s = requests.Session()
s.mount("https://", Limited())
base = "https://localhost:%s" % port
sent, received = [], []
for r in (s.get(base + "/secret.txt"), s.post(base + "/login", data={"username": "alice", "password": "wonderland"})):
    sent.append({"method": r.request.method, "url": r.request.path_url, "headers": dict(r.request.headers),
                 "body": r.request.body or ""})
    received.append({"status": r.status_code, "body": r.text})
json.dump({"sent": sent, "received": received}, open(out + ".exchange.json", "w"), indent=1)
PY
  stop_nginx
  stop_capture
  echo "made $name"
}
python_requests tls13-chacha20-python 1.3 ""
python_requests tls12-ecdhe-aes256gcm-python 1.2 ECDHE-RSA-AES256-GCM-SHA384

# Early data (0-RTT): a first connection gets a ticket, the second sends its request before the handshake ends.
name=tls13-early-data-openssl
rm -f "$here/$name".{keys,sent,received}
start_capture "$name"
start_nginx
openssl s_client -connect "127.0.0.1:$port" -servername localhost -keylogfile "$here/$name.keys" \
  -sess_out early.pem -quiet < get-secret > first.out 2>/dev/null
cp get-secret "$here/$name.sent"
openssl s_client -connect "127.0.0.1:$port" -servername localhost -keylogfile "$here/$name.keys" -sess_in early.pem \
  -early_data get-secret -quiet < /dev/null > "$here/$name.received" 2> early.err
stop_nginx
stop_capture
echo "made $name"

# The same TLS 1.3 capture with its keys inside (a pcapng Decryption Secrets Block): opens with no --keylog.
editcap --inject-secrets "tls,$here/tls13-aes128gcm-curl.keys" "$here/tls13-aes128gcm-curl.pcap" \
  "$here/tls13-aes128gcm-curl-with-keys.pcapng"
echo "made tls13-aes128gcm-curl-with-keys.pcapng"

# HTTP/2 inside TLS (ALPN h2): curl --http2 against nghttpd (TLS 1.3, nghttp2's own server), two streams on one
# connection — a GET and a POSTed login form, which nghttpd echoes back (--echo-upload).
name=tls13-h2-curl
rm -f "$here/$name".{keys,sent,received,login.received}
start_capture "$name"
nghttpd --address 127.0.0.1 --htdocs www --echo-upload "$port" server-key.pem server-cert.pem > nghttpd.log 2>&1 &
server=$!
pids+=("$server")
wait_port "$port"
SSLKEYLOGFILE="$here/$name.keys" curl -sS -v --http2 --tlsv1.3 --cacert server-cert.pem \
  "https://localhost:$port/secret.txt" -o "$here/$name.received" \
  --next --http2 --tlsv1.3 --cacert server-cert.pem -d 'username=alice&password=wonderland' \
  "https://localhost:$port/login" -o "$here/$name.login.received" 2> "$name.err" || { cat "$name.err" >&2; exit 1; }
# curl -v shows each request's header fields after "> ", as it sent them in HEADERS frames.
sed -n 's/^> \(.*\)\r$/\1/p' "$name.err" | sed '/^$/d' > "$here/$name.sent"
stop_server
stop_capture
echo "made $name"

# The launcher's class-data sample (../class-data-sample.pcapng): plain HTTP, TLS 1.3 with its keys inside, and
# HTTP/2 inside TLS, one after the other, so that the one short run the `analyzer` script makes after each build
# loads the classes of each of those paths into its class-data archive.
cat "$here/tls13-aes128gcm-curl.keys" "$here/tls13-h2-curl.keys" > sample.keys
mergecap -a -F pcapng -w sample.pcapng "$here/../http-secret.pcap" "$here/tls13-aes128gcm-curl.pcap" \
  "$here/tls13-h2-curl.pcap"
editcap --inject-secrets tls,sample.keys sample.pcapng "$here/../class-data-sample.pcapng"
echo "made ../class-data-sample.pcapng"
