package analyzer.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import analyzer.probe.ProbeReport.PlaintextKind;
import org.junit.jupiter.api.Test;

/** How an answer to plaintext HTTP is read: served, or refused. */
class ServiceProbeTest {

    @Test
    void anErrorOrARedirectToHttpsIsARefusalARealAnswerIsNot() {
        assertEquals(new ProbeReport.Plaintext(PlaintextKind.REFUSES,
                "HTTP/1.1 400 Bad Request (plain HTTP request sent to an HTTPS port)"),
                ServiceProbe.classify("HTTP/1.1 400 Bad Request\r\nServer: nginx/1.22.1\r\n\r\n<html><head><title>400"
                        + " The plain HTTP request was sent to HTTPS port</title></head></html>"));
        assertEquals(PlaintextKind.REFUSES, ServiceProbe.classify("HTTP/1.1 426 Upgrade Required\r\n\r\n").kind());
        assertEquals(new ProbeReport.Plaintext(PlaintextKind.REFUSES, "HTTP/1.1 301 Moved Permanently (redirect to"
                + " https://)"), ServiceProbe.classify("HTTP/1.1 301 Moved Permanently\r\nLocation: https://example/\r\n\r\n"));
        assertEquals(new ProbeReport.Plaintext(PlaintextKind.SERVES, "HTTP/1.1 302 Found"),
                ServiceProbe.classify("HTTP/1.1 302 Found\r\nLocation: http://example/login\r\n\r\n"));
        assertEquals(new ProbeReport.Plaintext(PlaintextKind.SERVES, "HTTP/1.1 200 OK"),
                ServiceProbe.classify("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nfluffy tail"));
        assertEquals(PlaintextKind.SILENT, ServiceProbe.classify("SSH-2.0-OpenSSH_9.2\r\n").kind());
    }
}
