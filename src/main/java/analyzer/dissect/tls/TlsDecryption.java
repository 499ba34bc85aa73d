package analyzer.dissect.tls;

import analyzer.dissect.EventSink;
import analyzer.dissect.Frames;
import analyzer.dissect.TlsDecryptionSeen;
import analyzer.dissect.TlsDecryptionSeen.Outcome;
import analyzer.dissect.TlsNames;
import analyzer.flow.Direction;
import analyzer.flow.Flow;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;

/**
 * The keys of one TLS connection, as its handshake reveals what is needed to find them: the client random that
 * names it in key logs, the version and cipher suite, when each side starts protecting its records (ChangeCipherSpec
 * under TLS 1.2, the ServerHello under TLS 1.3), and when keys change (Finished, KeyUpdate, EndOfEarlyData).
 * Opens each protected record it is given. The record layer calls it; it does no I/O and emits only
 * {@link TlsDecryptionSeen} (once when a connection opens, once for each reason it does not).
 *
 * <p>TLS 1.0-1.2 master secrets come from the key logs ({@code CLIENT_RANDOM}), from a server's RSA key
 * (decrypting the premaster secret the client sent; extended master secret included), or from an earlier session
 * this run opened (resumption by session ID or ticket). TLS 1.3 takes the traffic secrets logged for it.
 */
public final class TlsDecryption {

    /** What became of a protected record given to {@link #open}. */
    public enum Result {
        /** Opened: {@link #plaintext()} holds it. */
        OPENED,
        /** Not opened (no keys, a wrong key, a suite we do not decrypt): report it as ciphertext. */
        NOT_OPENED,
        /** No keys yet, but a live capture may still read them from a key log: hold the record and retry. */
        WAIT
    }

    private static final byte[] HELLO_RETRY_RANDOM = HexFormat.of().parseHex(
            "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");
    private static final int CLIENT_HELLO = 1;
    private static final int SERVER_HELLO = 2;
    private static final int NEW_SESSION_TICKET = 4;
    private static final int END_OF_EARLY_DATA = 5;
    private static final int CERTIFICATE = 11;
    private static final int CLIENT_KEY_EXCHANGE = 16;
    private static final int FINISHED = 20;
    private static final int KEY_UPDATE = 24;
    private static final int EXT_ENCRYPT_THEN_MAC = 22;
    private static final int EXT_EXTENDED_MASTER_SECRET = 23;
    private static final int EXT_SESSION_TICKET = 35;
    private static final int EXT_EARLY_DATA = 42;
    private static final int EXT_SUPPORTED_VERSIONS = 43;
    /** The handshake bytes kept for an extended master secret's session hash (RSA key exchange only). */
    private static final int MAX_TRANSCRIPT = 1 << 20;
    /** After this many records in a row fail to open on one side, that side is not tried any more. */
    private static final int GIVE_UP_AFTER = 16;

    private enum Phase { CLEAR, EARLY, HANDSHAKE, APPLICATION }

    /** One direction's protection. */
    private final class Side {
        final Direction direction;
        Phase phase = Phase.CLEAR;
        RecordDecryptor decryptor;
        /** TLS 1.3: the traffic secret of the current keys, for KeyUpdate. */
        byte[] trafficSecret;
        /** TLS 1.3 early data: one decryptor per suite the client offered, until one opens a record. */
        List<RecordDecryptor> earlyCandidates;
        int failures;
        boolean saidWrongKey;

        Side(Direction direction) {
            this.direction = direction;
        }

        boolean client() {
            return direction == Direction.CLIENT_TO_SERVER;
        }
    }

    private final Flow flow;
    private final EventSink sink;
    private final KeyMaterial keys;
    private final Side client = new Side(Direction.CLIENT_TO_SERVER);
    private final Side server = new Side(Direction.SERVER_TO_CLIENT);

    private byte[] clientRandom;
    private byte[] serverRandom;
    /** The session ID the client offered (to resume), and the session's own once the server named it. */
    private byte[] offeredSessionId = new byte[0];
    private byte[] sessionId = new byte[0];
    private byte[] clientTicket;
    private byte[] issuedTicket;
    private List<Integer> offeredSuites = List.of();
    private boolean offeredEarlyData;
    private int version;
    private CipherSuite suite;
    private boolean tls13;
    private boolean extendedMasterSecret;
    private boolean encryptThenMac;
    private boolean resumed;
    private RSAPublicKey certifiedKey;
    private String certifiedSubject;
    private byte[] encryptedPreMaster;
    private ByteArrayOutputStream transcript;
    private byte[] sessionHash;

    private byte[] masterSecret;
    private String masterSource;
    private TrafficKeys.Pair tls12Keys;

    /** Said already, so each reason is given once per connection. */
    private boolean saidOpened;
    private boolean saidWhyNot;

    private final byte[] noPlaintext = new byte[0];
    private byte[] plaintext = noPlaintext;
    private int plaintextLength;
    private int plaintextType;

    public TlsDecryption(Flow flow, EventSink sink, KeyMaterial keys) {
        this.flow = flow;
        this.sink = sink;
        this.keys = keys;
        if (keys.hasServerKeys()) {
            transcript = new ByteArrayOutputStream();
        }
    }

    private Side side(Direction d) {
        return d == Direction.CLIENT_TO_SERVER ? client : server;
    }

    /** Whether records of this type from this side are protected and should be given to {@link #open}. */
    public boolean protects(Direction direction, int contentType) {
        Side side = side(direction);
        if (side.phase == Phase.CLEAR) {
            return false;
        }
        // TLS 1.3 protects only application_data records; a CCS or an alert in clear may still pass.
        if (tls13 || side.phase == Phase.EARLY) {
            return contentType == 23;
        }
        return true;
    }

    /**
     * A whole handshake message, 4-byte header included, as it crossed in clear or came out of a protected
     * record. Bounded reads: a message that does not parse is ignored.
     */
    public void handshake(Direction direction, byte[] buf, int offset, int length) {
        if (length < 4) {
            return;
        }
        int type = buf[offset] & 0xff;
        if (transcript != null && masterSecret == null && !tls13 && type != 0) {
            if (transcript.size() + length <= MAX_TRANSCRIPT) {
                transcript.write(buf, offset, length);
            } else {
                transcript = null;
            }
        }
        try {
            Fields body = new Fields(buf, offset + 4, length - 4);
            switch (type) {
                case CLIENT_HELLO -> {
                    if (direction == Direction.CLIENT_TO_SERVER) {
                        clientHello(body);
                    }
                }
                case SERVER_HELLO -> {
                    if (direction == Direction.SERVER_TO_CLIENT) {
                        serverHello(body);
                    }
                }
                case CERTIFICATE -> {
                    if (direction == Direction.SERVER_TO_CLIENT && !tls13) {
                        certificate(body);
                    }
                }
                case CLIENT_KEY_EXCHANGE -> {
                    if (direction == Direction.CLIENT_TO_SERVER && suite != null && suite.rsaKeyExchange()) {
                        encryptedPreMaster = body.bytes(body.u16());
                        if (transcript != null) {
                            sessionHash = sessionHash(transcript.toByteArray());
                            transcript = null;
                        }
                    }
                }
                case NEW_SESSION_TICKET -> {
                    if (!tls13 && direction == Direction.SERVER_TO_CLIENT) {
                        body.skip(4);
                        issuedTicket = body.bytes(body.u16());
                        if (masterSecret != null) {
                            keys.rememberSession(ticketKey(issuedTicket), masterSecret);
                        }
                    }
                }
                case FINISHED -> {
                    Side side = side(direction);
                    if (tls13 && side.phase == Phase.HANDSHAKE) {
                        side.phase = Phase.APPLICATION;
                        side.decryptor = null;
                        side.trafficSecret = null;
                    }
                }
                case END_OF_EARLY_DATA -> {
                    if (tls13 && direction == Direction.CLIENT_TO_SERVER && client.phase == Phase.EARLY) {
                        client.phase = Phase.HANDSHAKE;
                        client.decryptor = null;
                    }
                }
                case KEY_UPDATE -> {
                    Side side = side(direction);
                    if (tls13 && side.phase == Phase.APPLICATION && side.trafficSecret != null) {
                        side.trafficSecret = TrafficKeys.nextTrafficSecret(suite, side.trafficSecret);
                        side.decryptor = TrafficKeys.tls13(suite, side.trafficSecret);
                    }
                }
                default -> { }
            }
        } catch (Fields.Truncated e) {
            // a message that does not parse teaches nothing; the record layer reports it as it is
        }
    }

    private void clientHello(Fields body) throws Fields.Truncated {
        body.skip(2);
        byte[] random = body.bytes(32);
        boolean retry = clientRandom != null && Arrays.equals(random, clientRandom) && serverRandom == null;
        clientRandom = random;
        offeredSessionId = body.bytes(body.u8());
        List<Integer> suites = new ArrayList<>();
        for (int n = body.u16() / 2; n > 0; n--) {
            suites.add(body.u16());
        }
        offeredSuites = suites;
        body.skip(body.u8());
        offeredEarlyData = false;
        clientTicket = null;
        if (!retry) {
            // A new handshake on this connection (a renegotiation under TLS 1.2) starts from what it says.
            serverRandom = null;
            masterSecret = null;
            tls12Keys = null;
            encryptedPreMaster = null;
            sessionHash = null;
            resumed = false;
        }
        if (body.remaining() >= 2) {
            Fields extensions = body.sub(body.u16());
            while (extensions.remaining() >= 4) {
                int type = extensions.u16();
                Fields ext = extensions.sub(extensions.u16());
                if (type == EXT_EARLY_DATA) {
                    offeredEarlyData = true;
                } else if (type == EXT_SESSION_TICKET && ext.remaining() > 0) {
                    clientTicket = ext.bytes(ext.remaining());
                }
            }
        }
        if (offeredEarlyData && !retry) {
            client.phase = Phase.EARLY;
            client.decryptor = null;
            client.earlyCandidates = null;
        }
    }

    private void serverHello(Fields body) throws Fields.Truncated {
        int legacyVersion = body.u16();
        byte[] random = body.bytes(32);
        byte[] serverSessionId = body.bytes(body.u8());
        int suiteId = body.u16();
        body.skip(1);
        int selected = legacyVersion;
        boolean etm = false;
        boolean ems = false;
        if (body.remaining() >= 2) {
            Fields extensions = body.sub(body.u16());
            while (extensions.remaining() >= 4) {
                int type = extensions.u16();
                Fields ext = extensions.sub(extensions.u16());
                if (type == EXT_SUPPORTED_VERSIONS && ext.remaining() >= 2) {
                    selected = ext.u16();
                } else if (type == EXT_ENCRYPT_THEN_MAC) {
                    etm = true;
                } else if (type == EXT_EXTENDED_MASTER_SECRET) {
                    ems = true;
                }
            }
        }
        if (Arrays.equals(random, HELLO_RETRY_RANDOM)) {
            // A HelloRetryRequest: the real ServerHello follows the client's second ClientHello, and early data
            // sent with the first one was refused.
            if (client.phase == Phase.EARLY) {
                client.phase = Phase.CLEAR;
                client.earlyCandidates = null;
            }
            return;
        }
        serverRandom = random;
        version = selected;
        suite = CipherSuite.of(suiteId);
        tls13 = selected == 0x0304;
        encryptThenMac = etm && !suite.tls13() && suite.bulk() != null && !suite.bulk().aead();
        extendedMasterSecret = ems;
        resumed = !tls13 && serverSessionId.length > 0 && Arrays.equals(serverSessionId, offeredSessionId);
        sessionId = tls13 ? new byte[0] : serverSessionId;
        if (tls13) {
            server.phase = Phase.HANDSHAKE;
            server.decryptor = null;
            if (client.phase != Phase.EARLY) {
                client.phase = Phase.HANDSHAKE;
                client.decryptor = null;
            }
        }
    }

    private void certificate(Fields body) throws Fields.Truncated {
        Fields list = body.sub(body.u24());
        if (list.remaining() < 3) {
            return;
        }
        byte[] der = list.bytes(list.u24());
        try {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            certifiedSubject = cert.getSubjectX500Principal().getName();
            certifiedKey = cert.getPublicKey() instanceof RSAPublicKey rsa ? rsa : null;
        } catch (GeneralSecurityException | RuntimeException e) {
            certifiedKey = null;
        }
    }

    /** A side sent ChangeCipherSpec: under TLS 1.0-1.2, its records are protected from here on. */
    public void changeCipherSpec(Direction direction) {
        if (tls13 || suite == null) {
            return;
        }
        Side side = side(direction);
        side.phase = Phase.APPLICATION;
        side.decryptor = null;
    }

    /**
     * Opens one protected record.
     *
     * @param frames, timestampMicros where the record came from, for what is said about it
     */
    public Result open(Direction direction, int contentType, int recordVersion, byte[] payload, int offset,
                       int length, Frames frames, long timestampMicros) {
        Side side = side(direction);
        if (side.phase == Phase.EARLY) {
            return openEarly(side, contentType, recordVersion, payload, offset, length, frames, timestampMicros);
        }
        if (side.failures >= GIVE_UP_AFTER) {
            return Result.NOT_OPENED;
        }
        if (side.decryptor == null) {
            String whyNot = installKeys(side);
            if (whyNot != null) {
                if (keys.live() && whyNot == NO_KEY_YET) {
                    return Result.WAIT;
                }
                sayWhyNot(direction, frames, timestampMicros, whyNot);
                side.failures = GIVE_UP_AFTER;
                return Result.NOT_OPENED;
            }
        }
        if (!side.decryptor.open(contentType, recordVersion, payload, offset, length)) {
            side.failures++;
            if (!side.saidWrongKey && !saidOpened) {
                side.saidWrongKey = true;
                say(direction, frames, timestampMicros, Outcome.WRONG_KEY, keySource() + " does not open this"
                        + " connection (" + describeSession() + "): its records stay records");
            } else if (!side.saidWrongKey) {
                side.saidWrongKey = true;
                say(direction, frames, timestampMicros, Outcome.WRONG_KEY, "a record does not open ("
                        + (side.client() ? "client" : "server") + " side, record "
                        + (side.decryptor.sequence() + 1) + "): altered, or keys out of step after missing bytes");
            }
            return Result.NOT_OPENED;
        }
        side.failures = 0;
        take(side.decryptor);
        if (!saidOpened) {
            saidOpened = true;
            keys.opened(clientRandom, tls13 ? keys.find(clientRandom) : null, tls13 ? null : masterSecret);
            say(direction, frames, timestampMicros, Outcome.DECRYPTED, (tls13 ? "with the key log" : masterSource)
                    + " (" + (masterSource != null && masterSource.startsWith("with the server key")
                    ? "RSA key exchange, " : "") + describeSession() + (resumed ? ", resumed session" : "") + ")");
        }
        return Result.OPENED;
    }

    /** The suites of {@link Side#earlyCandidates}, in the same order. */
    private List<CipherSuite> earlySuites = List.of();

    private Result openEarly(Side side, int contentType, int recordVersion, byte[] payload, int offset, int length,
                             Frames frames, long timestampMicros) {
        if (side.decryptor == null && side.earlyCandidates == null) {
            SessionSecrets s = clientRandom == null ? null : keys.find(clientRandom);
            if (s == null || s.clientEarlyTraffic() == null) {
                return Result.NOT_OPENED;
            }
            List<RecordDecryptor> candidates = new ArrayList<>();
            earlySuites = new ArrayList<>();
            for (int id : offeredSuites) {
                CipherSuite c = CipherSuite.of(id);
                if (c.tls13() && c.decryptable() && c.prfHash().length() == s.clientEarlyTraffic().length) {
                    candidates.add(TrafficKeys.tls13(c, s.clientEarlyTraffic()));
                    earlySuites.add(c);
                }
            }
            side.earlyCandidates = candidates;
        }
        if (side.decryptor == null) {
            for (int i = 0; i < side.earlyCandidates.size(); i++) {
                RecordDecryptor candidate = side.earlyCandidates.get(i);
                if (candidate.open(contentType, recordVersion, payload, offset, length)) {
                    side.decryptor = candidate;
                    side.earlyCandidates = null;
                    take(candidate);
                    if (!saidOpened) {
                        saidOpened = true;
                        keys.opened(clientRandom, keys.find(clientRandom), null);
                        say(side.direction, frames, timestampMicros, Outcome.DECRYPTED, "with the key log (TLS 1.3, "
                                + earlySuites.get(i).name() + ", early data)");
                    }
                    return Result.OPENED;
                }
            }
        } else if (side.decryptor.open(contentType, recordVersion, payload, offset, length)) {
            take(side.decryptor);
            return Result.OPENED;
        }
        if (serverRandom != null) {
            // Early data the server refused is not followed by EndOfEarlyData: the handshake keys come next.
            side.phase = Phase.HANDSHAKE;
            side.decryptor = null;
            side.earlyCandidates = null;
            if (installKeys(side) == null && side.decryptor.open(contentType, recordVersion, payload, offset, length)) {
                take(side.decryptor);
                return Result.OPENED;
            }
        }
        return Result.NOT_OPENED;
    }

    private void take(RecordDecryptor decryptor) {
        plaintext = decryptor.plaintext();
        plaintextLength = decryptor.length();
        plaintextType = decryptor.contentType();
    }

    /** The last opened record's plaintext; valid until the next call to {@link #open}. */
    public byte[] plaintext() {
        return plaintext;
    }

    public int plaintextLength() {
        return plaintextLength;
    }

    /** The last opened record's real content type (handshake, alert, application_data). */
    public int plaintextType() {
        return plaintextType;
    }

    /** Whether the handshake messages now in the record layer are in the TLS 1.3 layout (Certificate). */
    public boolean tls13() {
        return tls13;
    }

    private static final String NO_KEY_YET = "no key for this connection in the key log";

    /** Installs the side's keys for its phase; null when done, else why not (one line). */
    private String installKeys(Side side) {
        if (suite == null || clientRandom == null || serverRandom == null) {
            return "the handshake that set up its keys was not captured";
        }
        if (!tls13 && (version < 0x0301 || version > 0x0303)) {
            return TlsNames.version(version) + ": not decrypted";
        }
        if (!suite.decryptable()) {
            return suite.unsupported() + ": not decrypted (" + suite.name() + ")";
        }
        if (tls13) {
            SessionSecrets s = keys.find(clientRandom);
            if (s == null) {
                return keys.hasKeyLog() ? NO_KEY_YET
                        : "forward secrecy (TLS 1.3): the server key alone cannot open it";
            }
            byte[] secret = switch (side.phase) {
                case HANDSHAKE -> side.client() ? s.clientHandshakeTraffic() : s.serverHandshakeTraffic();
                default -> side.client() ? s.clientTraffic0() : s.serverTraffic0();
            };
            if (secret == null && keys.live() && keys.poll()) {
                return installKeys(side);
            }
            if (secret == null) {
                return NO_KEY_YET;
            }
            if (secret.length != suite.prfHash().length()) {
                return "the key log's secret has " + secret.length + " bytes, " + suite.name() + " needs "
                        + suite.prfHash().length();
            }
            side.trafficSecret = secret;
            side.decryptor = TrafficKeys.tls13(suite, secret);
            return null;
        }
        if (tls12Keys == null) {
            String whyNot = establishMaster();
            if (whyNot != null) {
                return whyNot;
            }
            tls12Keys = TrafficKeys.tls12(suite, version, masterSecret, clientRandom, serverRandom, encryptThenMac);
        }
        side.decryptor = side.client() ? tls12Keys.client() : tls12Keys.server();
        return null;
    }

    /** The master secret of a TLS 1.0-1.2 session, from wherever it can be had; null when found, else why not. */
    private String establishMaster() {
        SessionSecrets s = keys.find(clientRandom);
        if (s != null && s.masterSecret() != null) {
            masterSecret = s.masterSecret();
            masterSource = "with the key log";
        } else if (resumed && keys.resumedSession(sessionKey(sessionId)) != null) {
            masterSecret = keys.resumedSession(sessionKey(sessionId));
            masterSource = "as a resumed session";
        } else if (resumed && clientTicket != null && keys.resumedSession(ticketKey(clientTicket)) != null) {
            masterSecret = keys.resumedSession(ticketKey(clientTicket));
            masterSource = "as a resumed session";
        } else if (keys.hasServerKeys()) {
            String whyNot = masterFromServerKey();
            if (whyNot != null) {
                return whyNot;
            }
        } else {
            return NO_KEY_YET;
        }
        if (sessionId.length > 0) {
            keys.rememberSession(sessionKey(sessionId), masterSecret);
        }
        if (issuedTicket != null) {
            keys.rememberSession(ticketKey(issuedTicket), masterSecret);
        }
        return null;
    }

    private String masterFromServerKey() {
        if (!suite.rsaKeyExchange()) {
            String exchange = suite.name().substring(4, Math.max(4, suite.name().indexOf("_WITH_")));
            String forward = "forward secrecy (" + exchange.replace('_', '-')
                    + "): the server key alone cannot open it";
            return keys.hasKeyLog() ? NO_KEY_YET + "; " + forward : forward;
        }
        if (resumed) {
            return "a resumed session whose first handshake was not opened here";
        }
        if (encryptedPreMaster == null) {
            return "the client's key exchange was not captured";
        }
        List<KeyMaterial.ServerKey> candidates = new ArrayList<>();
        for (KeyMaterial.ServerKey k : keys.serverKeys()) {
            if (certifiedKey == null || certifiedKey.getModulus().equals(k.key().getModulus())) {
                candidates.add(k);
            }
        }
        if (candidates.isEmpty()) {
            return (keys.serverKeys().size() == 1 ? keys.serverKeys().get(0).source() + ": this key does"
                    : "none of the --server-key keys") + " not match the certificate in the capture ("
                    + certifiedSubject + ")";
        }
        if (extendedMasterSecret && sessionHash == null) {
            return "the handshake for its extended master secret was not all captured";
        }
        for (KeyMaterial.ServerKey k : candidates) {
            byte[] preMaster;
            try {
                Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
                rsa.init(Cipher.DECRYPT_MODE, k.key());
                preMaster = rsa.doFinal(encryptedPreMaster);
            } catch (GeneralSecurityException | RuntimeException e) {
                continue;
            }
            if (preMaster.length != 48) {
                continue;
            }
            TlsHash prf = version >= 0x0303 ? suite.prfHash() : null;
            masterSecret = extendedMasterSecret ? Tls12Prf.extendedMasterSecret(prf, preMaster, sessionHash)
                    : Tls12Prf.masterSecret(prf, preMaster, clientRandom, serverRandom);
            masterSource = "with the server key " + k.source();
            return null;
        }
        return (candidates.size() == 1 ? candidates.get(0).source() + ": this key does" : "none of the keys does")
                + " not open the client's premaster secret";
    }

    /** The session hash of RFC 7627: the suite's PRF hash, or MD5 and SHA-1 side by side before TLS 1.2. */
    private byte[] sessionHash(byte[] messages) {
        if (suite == null) {
            return null;
        }
        if (version >= 0x0303) {
            return suite.prfHash().hash(messages);
        }
        return Tls12Prf.concat(TlsHash.MD5.hash(messages), TlsHash.SHA1.hash(messages));
    }

    private static String sessionKey(byte[] id) {
        return "id:" + HexFormat.of().formatHex(id);
    }

    private static String ticketKey(byte[] ticket) {
        MessageDigest sha = TlsHash.SHA256.newDigest();
        return "ticket:" + HexFormat.of().formatHex(sha.digest(ticket));
    }

    /** What the keys came from, as the subject of a sentence. */
    private String keySource() {
        if (tls13 || masterSource == null || masterSource.equals("with the key log")) {
            return "the key log's secret";
        }
        return masterSource.startsWith("with the server key") ? "the premaster secret opened "
                + masterSource : "the master secret of the resumed session";
    }

    private String describeSession() {
        return TlsNames.version(version) + ", " + suite.name();
    }

    private void sayWhyNot(Direction direction, Frames frames, long timestampMicros, String why) {
        if (saidWhyNot) {
            return;
        }
        saidWhyNot = true;
        if (saidOpened && why.equals(NO_KEY_YET)) {
            why = NO_KEY_YET + " past its handshake (no CLIENT_TRAFFIC_SECRET_0 or SERVER_TRAFFIC_SECRET_0)";
        }
        Outcome outcome = why.startsWith(NO_KEY_YET) || why.contains("not captured") ? Outcome.NO_KEY
                : why.startsWith("forward secrecy") ? Outcome.FORWARD_SECRECY
                : why.contains("does not match the certificate") ? Outcome.KEY_MISMATCH
                : why.contains("does not open") ? Outcome.WRONG_KEY
                : Outcome.UNSUPPORTED;
        say(direction, frames, timestampMicros, outcome, why);
    }

    /** The keys a live capture waited for did not come in time: said once, and not waited for again. */
    public void sayNoKey(Direction direction, Frames frames, long timestampMicros) {
        client.failures = GIVE_UP_AFTER;
        server.failures = GIVE_UP_AFTER;
        sayWhyNot(direction, frames, timestampMicros, NO_KEY_YET);
    }

    private void say(Direction direction, Frames frames, long timestampMicros, Outcome outcome, String detail) {
        sink.accept(new TlsDecryptionSeen(flow, direction, timestampMicros, frames, outcome, detail));
    }

    /** Big-endian reads bounded by a limit; running past it throws {@link Truncated}. */
    private static final class Fields {
        private final byte[] buf;
        private int pos;
        private final int limit;

        Fields(byte[] buf, int offset, int length) {
            this.buf = buf;
            this.pos = offset;
            this.limit = offset + length;
        }

        static final class Truncated extends Exception {
            Truncated() {
                super(null, null, false, false);
            }
        }

        int remaining() {
            return limit - pos;
        }

        private void need(int n) throws Truncated {
            if (n < 0 || pos + n > limit) {
                throw new Truncated();
            }
        }

        int u8() throws Truncated {
            need(1);
            return buf[pos++] & 0xff;
        }

        int u16() throws Truncated {
            need(2);
            int v = ((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff);
            pos += 2;
            return v;
        }

        int u24() throws Truncated {
            need(3);
            int v = ((buf[pos] & 0xff) << 16) | ((buf[pos + 1] & 0xff) << 8) | (buf[pos + 2] & 0xff);
            pos += 3;
            return v;
        }

        void skip(int n) throws Truncated {
            need(n);
            pos += n;
        }

        byte[] bytes(int n) throws Truncated {
            need(n);
            byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
            pos += n;
            return out;
        }

        Fields sub(int n) throws Truncated {
            need(n);
            Fields f = new Fields(buf, pos, n);
            pos += n;
            return f;
        }
    }
}
