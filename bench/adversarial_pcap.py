#!/usr/bin/env python3
"""Writes captures that make a sniffer track many connections at once (for bench/flows.sh).

  syn-flood N      N connection attempts (SYN only) from distinct clients to 127.0.0.1:5683, 1 us apart
  gaps N           N connections, each of which sends a request whose first 100 bytes never arrive
                   (what follows the hole must be held until the capture ends)
  partial-heads N  N connections, each of which sends the first 4 KiB of an HTTP request head and never ends it
                   (a dissector must hold what it has read while waiting for the end of the head)

Ethernet, IPv4, microsecond pcap; clients are 10.x.y.z, ports 1024-65535. Standard library only.
"""
import struct
import sys

SERVER = bytes([127, 0, 0, 1])
SERVER_PORT = 5683
SYN, ACK, PSH = 0x02, 0x10, 0x08


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


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("syn-flood", "gaps", "partial-heads"):
        sys.exit("usage: adversarial_pcap.py syn-flood|gaps|partial-heads COUNT FILE")
    kind, count, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if count < 1 or count > 16_000_000:
        sys.exit("COUNT must be between 1 and 16 000 000")
    with open(path, "wb", buffering=1 << 20) as out:
        w = Writer(out)
        {"syn-flood": syn_flood, "gaps": gaps, "partial-heads": partial_heads}[kind](w, count)


if __name__ == "__main__":
    main()
