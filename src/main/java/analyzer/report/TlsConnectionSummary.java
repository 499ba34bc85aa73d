package analyzer.report;

import analyzer.dissect.TlsHandshake;
import analyzer.dissect.TlsNames;
import analyzer.dissect.TlsRecordSeen;
import analyzer.flow.Direction;
import analyzer.flow.Flow;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line per TLS connection instead of one per record, for brief output: what the handshake settled (version,
 * cipher suite, SNI) once the client sends encrypted data — or the fatal alert that ended it. Later records of a
 * connection already told are not told again, except a fatal alert. Remembers the most recent connections only.
 */
final class TlsConnectionSummary {

    private static final int REMEMBERED = 4096;

    private static final class Connection {
        String serverName;
        String version;
        String cipherSuite;
        boolean told;
    }

    private final Map<Flow, Connection> connections = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Flow, Connection> eldest) {
            return size() > REMEMBERED;
        }
    };

    /**
     * The line to print for this record, without the flow's endpoints and without a newline ("TLS 1.3,
     * TLS_AES_128_GCM_SHA256, SNI localhost: encrypted, unreadable"), or null when the record adds nothing to tell.
     */
    String lineFor(TlsRecordSeen record) {
        Connection c = connections.computeIfAbsent(record.flow(), f -> new Connection());
        for (TlsHandshake h : record.handshakes()) {
            if (h instanceof TlsHandshake.ClientHello hello) {
                c.serverName = hello.serverName();
            } else if (h instanceof TlsHandshake.ServerHello hello) {
                c.version = TlsNames.version(hello.selectedVersion());
                c.cipherSuite = TlsNames.cipherSuite(hello.cipherSuite());
            }
        }
        if (record.contentType() == TlsRecordSeen.ALERT && record.alert() != null && record.alert().level() == 2) {
            c.told = true;
            String description = TlsNames.alertDescription(record.alert().description());
            String who = record.direction() == Direction.CLIENT_TO_SERVER ? "client" : "server";
            String meaning = TextPrinter.alertMeaning(record);
            return handshake(c) + "alert fatal " + description + " from the " + who
                    + (meaning == null || meaning.equals("orderly close") ? "" : ": " + meaning);
        }
        if (!c.told && c.version != null && record.direction() == Direction.CLIENT_TO_SERVER
                && record.contentType() == TlsRecordSeen.APPLICATION_DATA) {
            c.told = true;
            return handshake(c) + "encrypted, unreadable";
        }
        return null;
    }

    private static String handshake(Connection c) {
        StringBuilder sb = new StringBuilder();
        if (c.version != null) {
            sb.append(c.version).append(", ").append(c.cipherSuite);
        }
        if (c.serverName != null) {
            sb.append(sb.length() > 0 ? ", " : "").append("SNI ").append(c.serverName);
        }
        return sb.length() > 0 ? sb.append(": ").toString() : "";
    }
}
