"""A tiny authoritative DNS responder on 127.0.0.1 (UDP), for capture tests.

Answers A queries with 192.0.2.7 and AAAA queries with 2001:db8::7 (documentation addresses), ttl 300, for any
name; other types get an empty NOERROR answer. Prints the port it bound, then serves until killed.
"""
import socket
import struct


def answer(query):
    qid, flags, qdcount = struct.unpack("!HHH", query[:6])
    pos = 12
    while query[pos] != 0:
        pos += 1 + query[pos]
    qtype, qclass = struct.unpack("!HH", query[pos + 1:pos + 5])
    question = query[12:pos + 5]
    records = b""
    count = 0
    if qtype in (1, 28):
        rdata = socket.inet_pton(socket.AF_INET if qtype == 1 else socket.AF_INET6,
                                 "192.0.2.7" if qtype == 1 else "2001:db8::7")
        records = b"\xc0\x0c" + struct.pack("!HHIH", qtype, qclass, 300, len(rdata)) + rdata
        count = 1
    header = struct.pack("!HHHHHH", qid, 0x8400 | (flags & 0x0100), 1, count, 0, 0)
    return header + question + records


def main():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    print(sock.getsockname()[1], flush=True)

    while True:
        data, peer = sock.recvfrom(4096)
        try:
            sock.sendto(answer(data), peer)
        except (IndexError, struct.error):
            pass  # not a query: no answer


main()
