package analyzer.dissect;

import analyzer.dissect.dns.DnsTcpProtocol;
import analyzer.dissect.http2.Http2Protocol;
import analyzer.dissect.websocket.WebSocketProtocol;
import analyzer.dissect.mail.MailProtocol;
import analyzer.dissect.session.PostgresProtocol;
import analyzer.dissect.session.RedisProtocol;
import analyzer.dissect.session.TelnetProtocol;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The protocols a dissection knows: the heuristic table tried, in order, on the first bytes of every stream, and
 * the protocols reached by name, by HTTP upgrade token or by ALPN id. Immutable; {@link #standard()} is the table
 * the tool uses, and the one place a new protocol is registered.
 */
public final class Protocols {

    /** Bytes nobody could read: reported as raw data, with a preview. Never recognised, only handed to. */
    public static final StreamProtocol RAW = new RawProtocol();

    private static final Protocols STANDARD = new Builder()
            .heuristic(TlsProtocol.INSTANCE)
            .heuristic(Http1Protocol.INSTANCE)
            .heuristic(Http2Protocol.INSTANCE)
            .heuristic(MailProtocol.INSTANCE)
            .heuristic(PostgresProtocol.INSTANCE)
            .heuristic(RedisProtocol.INSTANCE)
            .heuristic(TelnetProtocol.INSTANCE)
            .heuristic(DnsTcpProtocol.INSTANCE)
            .alpn("http/1.1", Http1Protocol.INSTANCE)
            .alpn("h2", Http2Protocol.INSTANCE)
            .upgrade("h2c", Http2Protocol.INSTANCE)
            .upgrade("websocket", WebSocketProtocol.INSTANCE)
            .build();

    private final List<StreamProtocol> heuristics;
    private final Map<String, StreamProtocol> byName;
    private final Map<String, StreamProtocol> byUpgrade;
    private final Map<String, StreamProtocol> byAlpn;
    private final int probeLength;

    private Protocols(Builder b) {
        this.heuristics = List.copyOf(b.heuristics);
        this.byName = Map.copyOf(b.byName);
        this.byUpgrade = Map.copyOf(b.byUpgrade);
        this.byAlpn = Map.copyOf(b.byAlpn);
        int probe = 1;
        for (StreamProtocol p : heuristics) {
            probe = Math.max(probe, p.probeLength());
        }
        this.probeLength = probe;
    }

    /** Every protocol the tool dissects. */
    public static Protocols standard() {
        return STANDARD;
    }

    /** The protocols tried on the first bytes of a stream, in order. */
    public List<StreamProtocol> heuristics() {
        return heuristics;
    }

    /** The most bytes any heuristic needs to decide. */
    public int probeLength() {
        return probeLength;
    }

    /** A registered protocol by {@link StreamProtocol#name()}, or null. */
    public StreamProtocol byName(String name) {
        return byName.get(name);
    }

    /** The protocol an HTTP/1.1 {@code Upgrade} token switches to ("websocket", "h2c"), or null. */
    public StreamProtocol forUpgrade(String token) {
        return token == null ? null : byUpgrade.get(token.trim().toLowerCase(Locale.ROOT));
    }

    /** The protocol a TLS ALPN id selects ("h2", "http/1.1"), or null. */
    public StreamProtocol forAlpn(String id) {
        return id == null ? null : byAlpn.get(id);
    }

    /**
     * Which heuristic claims a stream starting with these bytes: the first in order that answers YES, unless one
     * before it still needs more bytes (then null with {@code needMore[0]} set), or null when none does.
     */
    StreamProtocol recognise(byte[] data, int offset, int length, boolean[] needMore) {
        needMore[0] = false;
        for (int i = 0; i < heuristics.size(); i++) {
            StreamProtocol p = heuristics.get(i);
            switch (p.recognise(data, offset, length)) {
                case YES -> {
                    return p;
                }
                case NEED_MORE -> {
                    needMore[0] = true;
                    return null;
                }
                case NO -> { }
            }
        }
        return null;
    }

    public static final class Builder {
        private final List<StreamProtocol> heuristics = new ArrayList<>();
        private final Map<String, StreamProtocol> byName = new LinkedHashMap<>();
        private final Map<String, StreamProtocol> byUpgrade = new LinkedHashMap<>();
        private final Map<String, StreamProtocol> byAlpn = new LinkedHashMap<>();

        public Builder() {
            named(RAW);
        }

        /** Starts from an existing table (to add a protocol in a test, or for one command). */
        public Builder(Protocols from) {
            heuristics.addAll(from.heuristics);
            byName.putAll(from.byName);
            byUpgrade.putAll(from.byUpgrade);
            byAlpn.putAll(from.byAlpn);
        }

        /** Tried on the first bytes of every stream, after those registered before it. */
        public Builder heuristic(StreamProtocol protocol) {
            named(protocol);
            heuristics.add(protocol);
            return this;
        }

        /** Reachable by hand-off only. */
        public Builder named(StreamProtocol protocol) {
            byName.put(Objects.requireNonNull(protocol.name(), "name"), protocol);
            return this;
        }

        public Builder upgrade(String token, StreamProtocol protocol) {
            named(protocol);
            byUpgrade.put(token.toLowerCase(Locale.ROOT), protocol);
            return this;
        }

        public Builder alpn(String id, StreamProtocol protocol) {
            named(protocol);
            byAlpn.put(id, protocol);
            return this;
        }

        public Protocols build() {
            return new Protocols(this);
        }
    }

    private static final class RawProtocol implements StreamProtocol {
        @Override
        public String name() {
            return "raw";
        }

        @Override
        public StreamDissector open(StreamContext stream, byte[] first, int offset, int length) {
            return new RawStreamDissector(stream);
        }
    }
}
