"""Python's own mail and FTP clients (smtplib, imaplib, poplib, ftplib) against a test server.

Usage: mail_client.py smtp|imap|pop3|ftp PORT USER PASSWORD [--tls] [--auth=LOGIN]
With --tls the client upgrades (STARTTLS, STLS, AUTH TLS after FEAT) before it logs in; without, it logs in in
clear. --auth names the SASL mechanism (SMTP: LOGIN, PLAIN, …; IMAP: PLAIN, through AUTHENTICATE, not LOGIN).
Prints "done" when the exchange went through.
"""
import ftplib
import imaplib
import poplib
import smtplib
import ssl
import sys

mode, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
tls = "--tls" in sys.argv
mechanism = next((a.split("=", 1)[1] for a in sys.argv[5:] if a.startswith("--auth=")), None)
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE  # the test server's certificate is self-signed; what matters is the wire

if mode == "smtp":
    with smtplib.SMTP("127.0.0.1", port, local_hostname="client.example", timeout=10) as s:
        s.ehlo()
        if tls:
            s.starttls(context=context)
            s.ehlo()
        if mechanism:
            s.user, s.password = user, password
            s.auth(mechanism, getattr(s, "auth_" + mechanism.lower().replace("-", "_")))
        else:
            s.login(user, password)
        s.sendmail("alice@example.com", ["bob@example.com"], "Subject: fluffy tail\r\n\r\nsee you at the oak\r\n")
elif mode == "imap":
    m = imaplib.IMAP4("127.0.0.1", port, timeout=10)
    if tls:
        m.starttls(ssl_context=context)
    if mechanism == "PLAIN":
        m.authenticate("PLAIN", lambda challenge: b"\0" + user.encode() + b"\0" + password.encode())
    else:
        m.login(user, password)
    m.logout()
elif mode == "pop3":
    p = poplib.POP3("127.0.0.1", port, timeout=10)
    p.capa()
    if tls:
        p.stls(context=context)
    p.user(user)
    p.pass_(password)
    p.stat()
    p.quit()
elif mode == "ftp":
    f = (ftplib.FTP_TLS(context=context, timeout=10) if tls else ftplib.FTP(timeout=10))
    f.connect("127.0.0.1", port)
    if tls:
        f.sendcmd("FEAT")  # as FileZilla does, to see AUTH TLS offered
        f.auth()
    f.login(user, password)
    f.pwd()
    f.quit()
print("done", flush=True)
