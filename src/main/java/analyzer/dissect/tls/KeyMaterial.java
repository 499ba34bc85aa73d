package analyzer.dissect.tls;

import java.io.IOException;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Everything given to open TLS with: key log files (read at start, and tailed during a live capture), secrets
 * embedded in the capture (pcapng Decryption Secrets Blocks), and servers' RSA private keys. Also remembers the
 * master secrets of the sessions it opened, by session ID and ticket, so resumed sessions open too.
 * Thread-safe: files and embedded secrets may arrive on another thread than the dissector's lookups.
 */
public final class KeyMaterial implements AutoCloseable {

    /** More sessions than this in key logs are not kept: the first ones stay, and it is said once. */
    static final int MAX_SESSIONS = 1 << 18;
    private static final int MAX_RESUMABLE = 4096;
    /** A live capture looks at its key logs again after a miss, but not more often than this. */
    private static final long POLL_INTERVAL_NANOS = 2_000_000L;

    /** The server keys given with --server-key, by where they came from. */
    public record ServerKey(String source, RSAPrivateKey key) {
    }

    private final Map<RandomKey, SessionSecrets> sessions = new ConcurrentHashMap<>();
    private final List<KeyLogFile> files = new CopyOnWriteArrayList<>();
    private final List<ServerKey> serverKeys = new CopyOnWriteArrayList<>();
    private final Map<String, byte[]> resumable = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > MAX_RESUMABLE;
        }
    };
    /** The connections opened so far, with what opened them: the key log a capture written now should carry. */
    private final Map<RandomKey, Opened> opened = new ConcurrentHashMap<>();
    private final Consumer<String> problems;
    private volatile boolean embedded;
    private boolean live;
    private long lastPoll;
    private boolean saidTooMany;

    /** @param problems hears each malformed key line and each other thing worth a warning, once */
    public KeyMaterial(Consumer<String> problems) {
        this.problems = problems;
    }

    /** Nothing to open TLS with: every connection stays records. */
    public static KeyMaterial none() {
        return new KeyMaterial(message -> { });
    }

    /** Whether anything was given at all; without, the dissector does not even keep ciphertext. */
    public boolean isEmpty() {
        return files.isEmpty() && serverKeys.isEmpty() && sessions.isEmpty() && !embedded;
    }

    public boolean hasKeyLog() {
        return !files.isEmpty() || embedded || !sessions.isEmpty();
    }

    public boolean hasServerKeys() {
        return !serverKeys.isEmpty();
    }

    /**
     * Reads a key log file now; with {@code tail}, keeps it open to read what a client appends later (a live
     * capture), otherwise a last line without end of line counts too.
     */
    public void addKeyLog(KeyLogFile file, boolean tail) throws IOException {
        file.readAppended(this::add, problems);
        if (tail) {
            files.add(file);
            live = true;
        } else {
            file.finishLastLine(this::add, problems);
            file.close();
        }
    }

    /** Key log lines embedded in a capture (a pcapng Decryption Secrets Block). */
    public void addEmbedded(String keyLogText, String where) {
        embedded = true;
        String[] lines = keyLogText.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            try {
                KeyLogLine line = KeyLogLine.parse(lines[i]);
                if (line != null) {
                    add(line);
                }
            } catch (KeyLogLine.Malformed e) {
                problems.accept(where + " line " + (i + 1) + ": " + e.getMessage() + " (skipped)");
            }
        }
    }

    public void addServerKey(String source, PrivateKey key) {
        if (!(key instanceof RSAPrivateKey rsa)) {
            throw new IllegalArgumentException(source + " holds an " + key.getAlgorithm() + " key: only an RSA"
                    + " server key opens sessions (those with RSA key exchange)");
        }
        serverKeys.add(new ServerKey(source, rsa));
    }

    public List<ServerKey> serverKeys() {
        return List.copyOf(serverKeys);
    }

    void add(KeyLogLine line) {
        RandomKey key = RandomKey.of(line.clientRandom());
        SessionSecrets secrets = sessions.get(key);
        if (secrets == null) {
            if (sessions.size() >= MAX_SESSIONS) {
                if (!saidTooMany) {
                    saidTooMany = true;
                    problems.accept("the key logs hold more than " + MAX_SESSIONS + " connections; the later ones"
                            + " are not kept");
                }
                return;
            }
            secrets = sessions.computeIfAbsent(key, k -> new SessionSecrets());
        }
        secrets.set(line.label(), line.secret());
    }

    /**
     * The secrets logged for the connection with this client random, or null. During a live capture a miss reads
     * what the clients appended since (at most every few milliseconds).
     */
    public SessionSecrets find(byte[] clientRandom) {
        RandomKey key = RandomKey.of(clientRandom);
        SessionSecrets found = sessions.get(key);
        if (found == null && live && poll()) {
            found = sessions.get(key);
        }
        return found;
    }

    /** Reads what was appended to the tailed key logs; whether anything came. */
    public boolean poll() {
        long now = System.nanoTime();
        synchronized (this) {
            if (now - lastPoll < POLL_INTERVAL_NANOS) {
                return false;
            }
            lastPoll = now;
        }
        boolean any = false;
        for (KeyLogFile f : files) {
            try {
                any |= f.readAppended(this::add, problems);
            } catch (IOException e) {
                files.remove(f);
                problems.accept("stopped reading the key log " + f.path() + ": " + e.getMessage());
            }
        }
        return any;
    }

    /** Whether a live capture may still learn keys later (so a miss is not final). */
    public boolean live() {
        return live;
    }

    /** Remembers the master secret of an opened TLS 1.2 session for its resumption. */
    void rememberSession(String id, byte[] masterSecret) {
        synchronized (resumable) {
            resumable.put(id, masterSecret);
        }
    }

    byte[] resumedSession(String id) {
        synchronized (resumable) {
            return resumable.get(id);
        }
    }

    @Override
    public void close() {
        for (KeyLogFile f : files) {
            try {
                f.close();
            } catch (IOException ignored) {
                // read-only
            }
        }
        files.clear();
    }

    /**
     * A connection was opened: by its TLS 1.3 secrets as logged (read when {@link #openedKeyLog()} is asked, so
     * secrets logged later come along), or by a TLS 1.0-1.2 master secret from wherever it came — a key log, a
     * resumed session, or a server's RSA key.
     */
    void opened(byte[] clientRandom, SessionSecrets tls13, byte[] masterSecret) {
        if (opened.size() < MAX_SESSIONS) {
            opened.putIfAbsent(RandomKey.of(clientRandom), new Opened(clientRandom.clone(), tls13, masterSecret));
        }
    }

    /**
     * The secrets of the connections opened so far, in the NSS key log format: what a capture file should carry for
     * Wireshark to open exactly these connections (the keys of others a key log may hold are left out; a session
     * opened with a server's RSA key is given as its master secret, so no private key goes into the file).
     */
    public String openedKeyLog() {
        StringBuilder sb = new StringBuilder();
        for (Opened o : opened.values()) {
            String random = java.util.HexFormat.of().formatHex(o.clientRandom());
            if (o.masterSecret() != null) {
                line(sb, "CLIENT_RANDOM", random, o.masterSecret());
            }
            SessionSecrets s = o.tls13();
            if (s != null) {
                line(sb, "CLIENT_EARLY_TRAFFIC_SECRET", random, s.clientEarlyTraffic());
                line(sb, "CLIENT_HANDSHAKE_TRAFFIC_SECRET", random, s.clientHandshakeTraffic());
                line(sb, "SERVER_HANDSHAKE_TRAFFIC_SECRET", random, s.serverHandshakeTraffic());
                line(sb, "CLIENT_TRAFFIC_SECRET_0", random, s.clientTraffic0());
                line(sb, "SERVER_TRAFFIC_SECRET_0", random, s.serverTraffic0());
            }
        }
        return sb.toString();
    }

    /** How many connections were opened so far (each once, however it was opened). */
    public int openedConnections() {
        return opened.size();
    }

    private static void line(StringBuilder sb, String label, String random, byte[] secret) {
        if (secret != null) {
            sb.append(label).append(' ').append(random).append(' ').append(java.util.HexFormat.of().formatHex(secret))
                    .append('\n');
        }
    }

    private record Opened(byte[] clientRandom, SessionSecrets tls13, byte[] masterSecret) {
    }

    /** A client random as a map key, without hex strings. */
    private record RandomKey(long a, long b, long c, long d) {
        static RandomKey of(byte[] r) {
            return new RandomKey(word(r, 0), word(r, 8), word(r, 16), word(r, 24));
        }

        private static long word(byte[] r, int at) {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (r[at + i] & 0xff);
            }
            return v;
        }
    }

    /** For tests and the summary: how many connections the key logs name. */
    public int sessions() {
        return sessions.size();
    }
}
