"""A tiny telnet server for capture tests: negotiates echo and suppress-go-ahead as real telnetd does, asks
"login:" and "Password:" (not echoing the password), greets, and closes. Prints its port; serves until killed."""
import socket
import socketserver

IAC, WILL, DO = 255, 251, 253
ECHO, SGA = 1, 3


class Session(socketserver.BaseRequestHandler):
    def read_line(self, echo):
        line = b""
        while True:
            data = self.request.recv(1)
            if not data:
                raise EOFError
            b = data[0]
            if b == IAC:
                self.request.recv(2)  # the client's answer to our options
                continue
            if b in (10, 13):
                if b == 13:
                    self.request.recv(1)  # the NUL or LF after CR
                if echo:
                    self.request.sendall(b"\r\n")
                return line.decode(errors="replace")
            line += data
            if echo:
                self.request.sendall(data)

    def handle(self):
        try:
            self.request.sendall(bytes([IAC, WILL, ECHO, IAC, WILL, SGA, IAC, DO, SGA]))
            self.request.sendall(b"Debian GNU/Linux 12\r\nlogin: ")
            user = self.read_line(echo=True)
            self.request.sendall(b"Password: ")
            self.read_line(echo=False)
            self.request.sendall(b"\r\nWelcome, " + user.encode() + b".\r\n$ ")
            self.read_line(echo=True)
            self.request.sendall(b"logout\r\n")
        except (EOFError, ConnectionError):
            pass


class Server(socketserver.TCPServer):
    allow_reuse_address = True


server = Server(("127.0.0.1", 0), Session)
print(server.server_address[1], flush=True)
server.serve_forever()
