"""An HTTP/2 server that accepts only the h2c upgrade (RFC 7540 3.2), for a capture: answers every request with
the path it asked for and the secret. Built on Debian's python3-h2. Serves until it is stopped."""
import socket
import sys

import h2.config
import h2.connection
import h2.events

port = int(sys.argv[1])
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", port))
listener.listen()


def answer(conn, stream_id, path):
    body = ("you asked for %s: fluffy tail\n" % path).encode()
    conn.send_headers(stream_id, [(":status", "200"), ("content-type", "text/plain"),
                                  ("content-length", str(len(body)))])
    conn.send_data(stream_id, body, end_stream=True)


while True:
    sock, _ = listener.accept()
    head = b""
    while b"\r\n\r\n" not in head:
        data = sock.recv(65536)
        if not data:
            break
        head += data
    if b"\r\n\r\n" not in head:
        sock.close()
        continue
    lines = head.split(b"\r\n\r\n")[0].decode().split("\r\n")
    path = lines[0].split(" ")[1]
    fields = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:])}
    sock.sendall(b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n")
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False))
    conn.initiate_upgrade_connection(fields["http2-settings"])
    answer(conn, 1, path)
    sock.sendall(conn.data_to_send())
    open_connection = True
    while open_connection:
        data = sock.recv(65536)
        if not data:
            break
        for event in conn.receive_data(data):
            if isinstance(event, h2.events.RequestReceived):
                answer(conn, event.stream_id, dict(event.headers)[b":path"].decode())
            elif isinstance(event, h2.events.ConnectionTerminated):
                open_connection = False
        sock.sendall(conn.data_to_send())
    sock.close()
