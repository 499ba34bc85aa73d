package analyzer.dissect.websocket;

import analyzer.dissect.HttpHeader;
import analyzer.dissect.HttpUpgrade;
import java.util.List;
import java.util.Locale;

/**
 * What permessage-deflate (RFC 7692) the 101 response agreed to: whether it is on, and for each side whether it
 * starts every message with a fresh compression context ({@code server_no_context_takeover},
 * {@code client_no_context_takeover}).
 */
record DeflateParameters(boolean enabled, boolean serverNoContextTakeover, boolean clientNoContextTakeover) {

    static final DeflateParameters NONE = new DeflateParameters(false, false, false);

    /** From the response's Sec-WebSocket-Extensions: the server lists only the extensions it accepted. */
    static DeflateParameters from(HttpUpgrade upgrade) {
        if (upgrade == null) {
            return NONE;
        }
        List<HttpHeader> headers = upgrade.responseHeaders();
        for (HttpHeader h : headers) {
            if (!h.name().equalsIgnoreCase("sec-websocket-extensions")) {
                continue;
            }
            for (String extension : h.value().split(",")) {
                String[] params = extension.split(";");
                if (!params[0].trim().equalsIgnoreCase("permessage-deflate")) {
                    continue;
                }
                boolean server = false;
                boolean client = false;
                for (int i = 1; i < params.length; i++) {
                    String p = params[i].trim().toLowerCase(Locale.ROOT);
                    server |= p.equals("server_no_context_takeover");
                    client |= p.equals("client_no_context_takeover");
                }
                return new DeflateParameters(true, server, client);
            }
        }
        return NONE;
    }
}
