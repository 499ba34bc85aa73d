#!/usr/bin/env python3
"""Writes captures that make a sniffer track many connections at once (for bench/flows.sh).

  syn-flood N      N connection attempts (SYN only) from distinct clients to 127.0.0.1:5683, 1 us apart
  gaps N           N connections, each of which sends a request whose first 100 bytes never arrive
                   (what follows the hole must be held until the capture ends)
  partial-heads N  N connections, each of which sends the first 4 KiB of an HTTP request head and never ends it
                   (a dissector must hold what it has read while waiting for the end of the head)
  tls-handshakes N N complete TLS 1.2 connections, one after another: ClientHello (SNI localhost), ServerHello
                   (ECDHE-RSA-AES128-GCM-SHA256), the server's certificate in clear (CERT, DER), key exchange,
                   Finished, one application data record each way, close_notify, FIN both ways. The last one
                   negotiates TLS 1.0 with TLS_RSA_WITH_AES_128_CBC_SHA instead: a check with a policy must judge
                   a connection it does not list. usage: tls-handshakes N FILE CERT.der

Ethernet, IPv4, microsecond pcap; clients are 10.x.y.z, ports 1024-65535. Standard library only.
"""
import struct
import sys

SERVER = bytes([127, 0, 0, 1])
SERVER_PORT = 5683
FIN, SYN, ACK, PSH = 0x01, 0x02, 0x10, 0x08


def checksum(header):
    total = sum(struct.unpack("!10H", header))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def frame(src, dst, sport, dport, seq, ack, flags, payload=b""):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4, flags, 65535, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40 + len(payload), 0, 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return b"\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x02\x08\x00" + ip + tcp + payload


def client(n):
    return bytes([10, (n >> 16) & 0xFF, (n >> 8) & 0xFF, n & 0xFF]), 1024 + n % 64512


class Writer:
    def __init__(self, out):
        self.out = out
        self.time = 1_700_000_000_000_000
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))

    def write(self, f, step=1):
        self.time += step
        self.out.write(struct.pack("<IIII", self.time // 1_000_000, self.time % 1_000_000, len(f), len(f)) + f)


def handshake(w, src, port):
    w.write(frame(src, SERVER, port, SERVER_PORT, 1000, 0, SYN))
    w.write(frame(SERVER, src, SERVER_PORT, port, 5000, 1001, SYN | ACK))
    w.write(frame(src, SERVER, port, SERVER_PORT, 1001, 5001, ACK))


def syn_flood(w, n):
    for i in range(n):
        src, port = client(i)
        w.write(frame(src, SERVER, port, SERVER_PORT, 1000 + i, 0, SYN))


def gaps(w, n):
    after_hole = b"Host: 127.0.0.1:5683\r\nUser-Agent: bench\r\nAccept: */*\r\n" + b"X-Filler: " + b"x" * 100 + b"\r\n\r\n"
    for i in range(n):
        src, port = client(i)
        handshake(w, src, port)
        w.write(frame(src, SERVER, port, SERVER_PORT, 1001 + 100, 5001, ACK | PSH, after_hole))


def partial_heads(w, n):
    head = b"GET /" + b"a" * 64 + b" HTTP/1.1\r\nHost: 127.0.0.1:5683\r\n"
    while len(head) < 4096:
        head += b"X-Slow-Header-%05d: %s\r\n" % (len(head), b"y" * 60)
    head = head[:4096]
    for i in range(n):
        src, port = client(i)
        handshake(w, src, port)
        for part in range(0, len(head), 1400):
            w.write(frame(src, SERVER, port, SERVER_PORT, 1001 + part, 5001, ACK | PSH, head[part:part + 1400]))


def record(content_type, body, version=0x0303):
    return struct.pack("!BHH", content_type, version, len(body)) + body


def handshake_message(kind, body):
    return struct.pack("!B", kind) + len(body).to_bytes(3, "big") + body


def extension(kind, body):
    return struct.pack("!HH", kind, len(body)) + body


def client_hello():
    name = b"localhost"
    sni = extension(0, struct.pack("!HBH", len(name) + 3, 0, len(name)) + name)
    groups = extension(10, struct.pack("!HH", 2, 29))
    alpn = extension(16, struct.pack("!HB", 9, 8) + b"http/1.1")
    suites = [0xC02F, 0xC030, 0xCCA8, 0x002F]
    body = (struct.pack("!H", 0x0303) + bytes(32) + b"\x00" + struct.pack("!H", 2 * len(suites))
            + struct.pack("!%dH" % len(suites), *suites) + b"\x01\x00")
    extensions = sni + groups + alpn
    body += struct.pack("!H", len(extensions)) + extensions
    return record(0x16, handshake_message(1, body), 0x0301)


def server_flight(certificate, version, suite):
    hello = handshake_message(2, struct.pack("!H", version) + bytes(32) + b"\x00" + struct.pack("!HB", suite, 0)
                              + struct.pack("!H", 0))
    chain = len(certificate).to_bytes(3, "big") + certificate
    certs = handshake_message(11, len(chain).to_bytes(3, "big") + chain)
    flight = hello + certs
    if suite != 0x002F:  # ECDHE: the server's key share, signed
        flight += handshake_message(12, b"\x03\x00\x1d\x20" + bytes(32) + b"\x04\x01" + struct.pack("!H", 256)
                                    + bytes(256))
    flight += handshake_message(14, b"")
    return record(0x16, flight, version)


def tls_handshakes(w, n, certificate):
    for i in range(n):
        src, port = client(i)
        weak = i == n - 1
        version, suite = (0x0301, 0x002F) if weak else (0x0303, 0xC02F)
        handshake(w, src, port)
        c, s = 1001, 5001

        def send(from_client, data):
            nonlocal c, s
            for part in range(0, len(data), 1400):
                piece = data[part:part + 1400]
                if from_client:
                    w.write(frame(src, SERVER, port, SERVER_PORT, c, s, ACK | PSH, piece))
                    c += len(piece)
                else:
                    w.write(frame(SERVER, src, SERVER_PORT, port, s, c, ACK | PSH, piece))
                    s += len(piece)

        send(True, client_hello())
        send(False, server_flight(certificate, version, suite))
        key_exchange = handshake_message(16, b"\x20" + bytes(32)) if not weak else \
            handshake_message(16, struct.pack("!H", 256) + bytes(256))
        send(True, record(0x16, key_exchange, version) + record(0x14, b"\x01", version)
             + record(0x16, bytes(40), version))
        send(False, record(0x14, b"\x01", version) + record(0x16, bytes(40), version))
        send(True, record(0x17, bytes(120), version))
        send(False, record(0x17, bytes(600), version))
        send(True, record(0x15, bytes(26), version))
        w.write(frame(src, SERVER, port, SERVER_PORT, c, s, ACK | FIN))
        w.write(frame(SERVER, src, SERVER_PORT, port, s, c + 1, ACK | FIN))
        w.write(frame(src, SERVER, port, SERVER_PORT, c + 1, s + 1, ACK))


def main():
    kinds = ("syn-flood", "gaps", "partial-heads", "tls-handshakes")
    if len(sys.argv) not in (4, 5) or sys.argv[1] not in kinds or (len(sys.argv) == 5) != (sys.argv[1] == kinds[3]):
        sys.exit("usage: adversarial_pcap.py syn-flood|gaps|partial-heads COUNT FILE\n"
                 "       adversarial_pcap.py tls-handshakes COUNT FILE CERT.der")
    kind, count, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if count < 1 or count > 16_000_000:
        sys.exit("COUNT must be between 1 and 16 000 000")
    with open(path, "wb", buffering=1 << 20) as out:
        w = Writer(out)
        if kind == "tls-handshakes":
            with open(sys.argv[4], "rb") as f:
                tls_handshakes(w, count, f.read())
        else:
            {"syn-flood": syn_flood, "gaps": gaps, "partial-heads": partial_heads}[kind](w, count)


if __name__ == "__main__":
    main()
