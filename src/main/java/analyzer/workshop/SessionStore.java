package analyzer.workshop;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The server's logged-in sessions, in memory: an unguessable token per login, bounded in number (the oldest is
 * dropped first) and in age. Whoever presents a token is that member — which is exactly what a session hijacker
 * exploits when the token travels in clear. Thread-safe.
 */
final class SessionStore {

    private static final int TOKEN_BYTES = 16;

    private final SecureRandom random = new SecureRandom();
    private final int capacity;
    private final Duration lifetime;
    private final Clock clock;
    /** Insertion order = login order, so the first entry is always the oldest. */
    private final LinkedHashMap<String, Session> sessions = new LinkedHashMap<>();

    private record Session(String username, Instant expires) {
    }

    SessionStore(int capacity, Duration lifetime, Clock clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("session capacity must be at least 1, not " + capacity);
        }
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("session lifetime must be positive, not " + lifetime);
        }
        this.capacity = capacity;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** Opens a session for the member and returns its token (32 hex digits). */
    synchronized String open(String username) {
        byte[] raw = new byte[TOKEN_BYTES];
        random.nextBytes(raw);
        String token = HexFormat.of().formatHex(raw);
        dropExpired();
        while (sessions.size() >= capacity) {
            Iterator<Map.Entry<String, Session>> oldest = sessions.entrySet().iterator();
            oldest.next();
            oldest.remove();
        }
        sessions.put(token, new Session(username, clock.instant().plus(lifetime)));
        return token;
    }

    /** The member this token belongs to, if it is a live session. */
    synchronized Optional<String> member(String token) {
        if (token == null) {
            return Optional.empty();
        }
        Session s = sessions.get(token);
        if (s == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(s.expires())) {
            sessions.remove(token);
            return Optional.empty();
        }
        return Optional.of(s.username());
    }

    synchronized boolean close(String token) {
        return token != null && sessions.remove(token) != null;
    }

    synchronized int size() {
        return sessions.size();
    }

    private void dropExpired() {
        Instant now = clock.instant();
        // Sessions expire in login order, so the expired ones are all at the front.
        Iterator<Session> it = sessions.values().iterator();
        while (it.hasNext() && !now.isBefore(it.next().expires())) {
            it.remove();
        }
    }
}
