"""Tiny SMTP, IMAP, POP3 and FTP servers for capture tests, with the upgrade to TLS each protocol defines.

Usage: mail_server.py smtp|imap|pop3|ftp CERT KEY [--auth=PLAIN LOGIN]
Binds 127.0.0.1 on an ephemeral port, prints it, serves one client at a time until killed. Accepts any login.
"""
import base64
import socket
import socketserver
import ssl
import sys

MODE = sys.argv[1]
CONTEXT = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
CONTEXT.load_cert_chain(sys.argv[2], sys.argv[3])
AUTH = next((a.split("=", 1)[1] for a in sys.argv[4:] if a.startswith("--auth=")), "PLAIN LOGIN")


class Session(socketserver.StreamRequestHandler):
    def send(self, text):
        self.wfile.write(text.encode() + b"\r\n")
        self.wfile.flush()

    def readline(self):
        line = self.rfile.readline(65536)
        if not line:
            raise EOFError
        return line.decode(errors="replace").rstrip("\r\n")

    def upgrade(self):
        self.wfile.flush()
        self.connection = CONTEXT.wrap_socket(self.request, server_side=True)
        self.rfile = self.connection.makefile("rb")
        self.wfile = self.connection.makefile("wb")
        self.tls = True

    def handle(self):
        self.tls = False
        try:
            getattr(self, MODE)()
        except (EOFError, ConnectionError, ssl.SSLError):
            pass

    def smtp(self):
        self.send("220 mail.example ESMTP ready")
        while True:
            line = self.readline()
            verb = line.split(" ")[0].upper()
            if verb in ("EHLO", "HELO"):
                features = ["mail.example", "SIZE 10240000", "AUTH " + AUTH] + ([] if self.tls else ["STARTTLS"])
                for f in features[:-1]:
                    self.send("250-" + f)
                self.send("250 " + features[-1])
            elif verb == "STARTTLS":
                self.send("220 2.0.0 Ready to start TLS")
                self.upgrade()
            elif verb == "AUTH":
                words = line.split(" ")
                mechanism = words[1].upper()
                if mechanism == "PLAIN" and len(words) < 3:
                    self.send("334 ")
                    self.readline()
                elif mechanism == "LOGIN":
                    if len(words) < 3:
                        self.send("334 " + base64.b64encode(b"Username:").decode())
                        self.readline()
                    self.send("334 " + base64.b64encode(b"Password:").decode())
                    self.readline()
                self.send("235 2.7.0 Authentication successful")
            elif verb == "DATA":
                self.send("354 End data with <CR><LF>.<CR><LF>")
                while self.readline() != ".":
                    pass
                self.send("250 2.0.0 Ok: queued")
            elif verb == "QUIT":
                self.send("221 2.0.0 Bye")
                return
            else:
                self.send("250 2.0.0 Ok")

    def imap(self):
        self.send("* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready")
        while True:
            tag, verb, *rest = self.readline().split(" ", 2) + [""]
            verb = verb.upper()
            if verb == "CAPABILITY":
                self.send("* CAPABILITY IMAP4rev1 AUTH=PLAIN" + ("" if self.tls else " STARTTLS"))
                self.send(tag + " OK CAPABILITY completed")
            elif verb == "STARTTLS":
                self.send(tag + " OK Begin TLS negotiation now")
                self.upgrade()
            elif verb == "AUTHENTICATE":
                if len(rest[0].split(" ")) < 2:  # no initial response: ask for it
                    self.send("+ ")
                    self.readline()
                self.send(tag + " OK AUTHENTICATE completed")
            elif verb == "LOGOUT":
                self.send("* BYE logging out")
                self.send(tag + " OK LOGOUT completed")
                return
            else:
                self.send(tag + " OK " + verb + " completed")

    def pop3(self):
        self.send("+OK POP3 ready")
        while True:
            verb = self.readline().split(" ")[0].upper()
            if verb == "CAPA":
                self.send("+OK Capability list follows")
                for c in ["USER", "UIDL"] + ([] if self.tls else ["STLS"]):
                    self.send(c)
                self.send(".")
            elif verb == "STLS":
                self.send("+OK Begin TLS negotiation")
                self.upgrade()
            elif verb == "STAT":
                self.send("+OK 1 120")
            elif verb == "QUIT":
                self.send("+OK bye")
                return
            else:
                self.send("+OK")

    def ftp(self):
        self.send("220 FTP server ready")
        while True:
            verb = self.readline().split(" ")[0].upper()
            if verb == "AUTH":
                self.send("234 AUTH TLS successful")
                self.upgrade()
            elif verb == "FEAT":
                self.send("211-Features:")
                self.send(" AUTH TLS")
                self.send(" PBSZ")
                self.send(" PROT")
                self.send("211 End")
            elif verb == "USER":
                self.send("331 Password required")
            elif verb == "PASS":
                self.send("230 Logged in")
            elif verb == "PWD":
                self.send('257 "/" is the current directory')
            elif verb == "QUIT":
                self.send("221 Goodbye")
                return
            else:
                self.send("200 OK")


class Server(socketserver.TCPServer):
    allow_reuse_address = True


server = Server(("127.0.0.1", 0), Session)
print(server.server_address[1], flush=True)
server.serve_forever()
