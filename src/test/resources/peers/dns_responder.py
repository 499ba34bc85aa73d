"""A tiny authoritative DNS responder on 127.0.0.1, UDP and TCP on the same port, for capture tests.

Answers A queries with 192.0.2.7 and AAAA queries with 2001:db8::7 (documentation addresses), ttl 300, for any
name; other types get an empty NOERROR answer. Over TCP each message has its two-byte length (RFC 1035 4.2.2) and a
connection may carry several queries. Prints the port it bound, then serves until killed.
"""
import socket
import struct
import threading


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


def read_exactly(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def serve_tcp_connection(conn):
    with conn:
        try:
            while True:
                (length,) = struct.unpack("!H", read_exactly(conn, 2))
                reply = answer(read_exactly(conn, length))
                conn.sendall(struct.pack("!H", len(reply)) + reply)
        except (EOFError, ConnectionError, IndexError, struct.error):
            pass


def serve_tcp(listener):
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve_tcp_connection, args=(conn,), daemon=True).start()


def bind_both():
    """A UDP socket and a listening TCP socket on one ephemeral port (trying again if TCP has it taken)."""
    for _ in range(50):
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind(("127.0.0.1", 0))
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            tcp.bind(("127.0.0.1", udp.getsockname()[1]))
            tcp.listen(16)
            return udp, tcp
        except OSError:
            udp.close()
            tcp.close()
    raise SystemExit("no port free for both UDP and TCP")


def main():
    sock, listener = bind_both()
    threading.Thread(target=serve_tcp, args=(listener,), daemon=True).start()
    print(sock.getsockname()[1], flush=True)

    while True:
        data, peer = sock.recvfrom(4096)
        try:
            sock.sendto(answer(data), peer)
        except (IndexError, struct.error):
            pass  # not a query: no answer


main()
