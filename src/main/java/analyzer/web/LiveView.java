package analyzer.web;

import analyzer.flow.Flow;
import analyzer.report.HexDump;
import analyzer.report.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;

/**
 * What the page shows, kept on the server: the last N flows (the least recently active is dropped first, and
 * counted), each with its summary, flags, evidence and a bounded sample of its events' JSON; the demo's scoreboard;
 * a title and a banner. Feeds add to it from capture and proxy threads; each page connection asks for what changed
 * since the version it last saw. Every change bumps one version counter, so "what changed" is a scan of at most N
 * records and a page that falls behind is brought up to date in one batch rather than replaying every event.
 */
public final class LiveView {

    public static final int DEFAULT_FLOWS = 2000;
    /** Bytes of event JSON kept over all flows; past it the least recently active flows are dropped. */
    static final long DEFAULT_MAX_BYTES = 64L << 20;
    /** Flow summaries sent in one batch at most; the rest follow in the next. */
    static final int MAX_BATCH_FLOWS = 2000;

    private record Removal(long version, String key) {
    }

    private final int maxFlows;
    private final long maxBytes;
    private final boolean showSecrets;
    private final List<String> secrets;
    private final byte[][] textPatterns;
    private final byte[][] hexPatterns;
    private final LinkedHashMap<Long, FlowRecord> flows = new LinkedHashMap<>(256, 0.75f, true);
    private final ArrayDeque<Removal> removals = new ArrayDeque<>();
    private final int maxRemovals;
    private final List<Feed> feeds = new ArrayList<>();
    /** Open pages, woken when something changes (each wakes at most once per batch it sends). */
    private final java.util.concurrent.CopyOnWriteArrayList<Runnable> watchers =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    /** A page that last saw a version below this missed removals that are no longer logged: it gets everything. */
    private long removalsFloor;
    private volatile long version;
    private long nextRecordId;
    private long events;
    private long flowsSeen;
    private long droppedFlows;
    private long keptBytes;
    private String title;
    private String banner;
    private String bannerTone;
    private long headerVersion;
    private DemoBoard board;

    /**
     * @param maxFlows flows kept (and shown) at most
     * @param secrets  texts whose appearance in an event flags its flow ("secret seen"); may be empty
     */
    public LiveView(String title, int maxFlows, List<String> secrets) {
        this(title, maxFlows, DEFAULT_MAX_BYTES, secrets, false);
    }

    /** @param showSecrets passwords and tokens in full (--show-secrets), not masked as by default */
    public LiveView(String title, int maxFlows, List<String> secrets, boolean showSecrets) {
        this(title, maxFlows, DEFAULT_MAX_BYTES, secrets, showSecrets);
    }

    LiveView(String title, int maxFlows, long maxBytes, List<String> secrets, boolean showSecrets) {
        if (maxFlows < 1) {
            throw new IllegalArgumentException("maxFlows must be at least 1, not " + maxFlows);
        }
        this.title = Objects.requireNonNull(title, "title");
        this.maxFlows = maxFlows;
        this.maxBytes = maxBytes;
        this.showSecrets = showSecrets;
        this.maxRemovals = Math.max(1024, 4 * maxFlows);
        this.secrets = List.copyOf(secrets);
        this.textPatterns = new byte[this.secrets.size()][];
        this.hexPatterns = new byte[this.secrets.size()][];
        for (int i = 0; i < textPatterns.length; i++) {
            String secret = this.secrets.get(i);
            if (secret.isEmpty()) {
                throw new IllegalArgumentException("an empty secret matches everything");
            }
            StringBuilder escaped = new StringBuilder();
            new JsonWriter(escaped).string(secret);
            textPatterns[i] = escaped.substring(1, escaped.length() - 1).getBytes(StandardCharsets.UTF_8);
            byte[] raw = secret.getBytes(StandardCharsets.UTF_8);
            hexPatterns[i] = HexDump.hex(raw, 0, raw.length).getBytes(StandardCharsets.US_ASCII);
        }
    }

    boolean showSecrets() {
        return showSecrets;
    }

    public int maxFlows() {
        return maxFlows;
    }

    /**
     * A new observer whose events will show on the page.
     *
     * @param seenBy "wire" or "proxy": the page's "seen by" column
     * @param label  where exactly, for the detail pane and the filter ("wire · lo tcp port 5683")
     * @param live   whether its events happen now (a capture, a proxy) rather than come from a file
     */
    public synchronized Feed feed(String seenBy, String label, boolean live) {
        Feed feed = new Feed(this, feeds.size() + 1, seenBy, label, live);
        feeds.add(feed);
        return feed;
    }

    public void title(String title) {
        synchronized (this) {
            this.title = Objects.requireNonNull(title, "title");
            headerVersion = ++version;
        }
        wake();
    }

    /**
     * A line across the top of the page: a verdict, a state ("capture ended").
     *
     * @param tone "bad", "good", "warn" or "info": how it is coloured
     */
    public void banner(String text, String tone) {
        synchronized (this) {
            this.banner = text;
            this.bannerTone = tone;
            headerVersion = ++version;
        }
        wake();
    }

    /** The demo's scoreboard, shown above the list once set. */
    public synchronized DemoBoard demoBoard() {
        if (board == null) {
            board = new DemoBoard(this);
            headerVersion = ++version;
        }
        return board;
    }

    /** The scoreboard, or null when this run is not a demo. */
    synchronized DemoBoard board() {
        return board;
    }

    /** Called by the board under this view's lock when a cell or a stage changed. */
    long boardChanged() {
        long v = ++version;
        wake();
        return v;
    }

    /** {@code wake} runs, on the caller's thread, after each change: it must be quick and must not block. */
    void watch(Runnable wake) {
        watchers.add(wake);
    }

    void unwatch(Runnable wake) {
        watchers.remove(wake);
    }

    private void wake() {
        for (Runnable w : watchers) {
            w.run();
        }
    }

    Object lock() {
        return this;
    }

    long version() {
        return version;
    }

    void add(Feed feed, Flow flow, long micros, Object report, byte[] json) {
        List<String> found = secretsIn(json);
        synchronized (this) {
            events++;
            long id = ((long) feed.number() << 32) | (flow.id() & 0xffffffffL);
            FlowRecord record = flows.get(id);
            if (record == null) {
                record = new FlowRecord(nextRecordId++, feed, flow, micros);
                flows.put(id, record);
                flowsSeen++;
            }
            keptBytes += record.add(report, micros, json, found);
            record.version = ++version;
            evict();
        }
        wake();
    }

    /** The flows found by key ("2-15"), for the demo's evidence links. */
    synchronized boolean contains(String key) {
        return find(key) != null;
    }

    private void evict() {
        Iterator<FlowRecord> eldest = flows.values().iterator();
        while ((flows.size() > maxFlows || keptBytes > maxBytes) && eldest.hasNext()) {
            FlowRecord r = eldest.next();
            eldest.remove();
            keptBytes -= r.keptBytes();
            droppedFlows++;
            removals.addLast(new Removal(++version, r.key));
            if (removals.size() > maxRemovals) {
                removalsFloor = removals.removeFirst().version;
            }
        }
    }

    private List<String> secretsIn(byte[] json) {
        List<String> found = List.of();
        for (int i = 0; i < textPatterns.length; i++) {
            if (FlowRecord.indexOf(json, textPatterns[i]) >= 0 || hexAt(json, hexPatterns[i])) {
                if (found.isEmpty()) {
                    found = new ArrayList<>(1);
                }
                found.add(secrets.get(i));
            }
        }
        return found;
    }

    /** The secret's bytes in a hex string field: a match at an even offset of a run of hex digits. */
    private static boolean hexAt(byte[] json, byte[] hex) {
        int from = 0;
        while (from <= json.length - hex.length) {
            int at = indexFrom(json, hex, from);
            if (at < 0) {
                return false;
            }
            int start = at;
            while (start > 0 && isHexDigit(json[start - 1])) {
                start--;
            }
            if (start > 0 && json[start - 1] == '"' && (at - start) % 2 == 0) {
                return true;
            }
            from = at + 1;
        }
        return false;
    }

    private static int indexFrom(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = from; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static boolean isHexDigit(byte b) {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f');
    }

    private FlowRecord find(String key) {
        int dash = key.indexOf('-');
        if (dash <= 0) {
            return null;
        }
        try {
            long feed = Long.parseLong(key.substring(0, dash));
            long flow = Long.parseLong(key.substring(dash + 1));
            if (feed < 0 || feed > Integer.MAX_VALUE || flow < 0 || flow > 0xffffffffL) {
                return null;
            }
            // A lookup that does not count as activity: the page reading a flow does not keep it from being dropped.
            for (FlowRecord r : flows.values()) {
                if (r.feed.number() == feed && (r.flow.id() & 0xffffffffL) == flow) {
                    return r;
                }
            }
            return null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The first message to a new page: what it is looking at and how many flows it may keep. */
    synchronized String hello() {
        StringBuilder sb = new StringBuilder(256);
        JsonWriter json = new JsonWriter(sb).begin().field("type", "hello").field("maxFlows", maxFlows);
        json.beginArray("secrets");
        secrets.forEach(json::value);
        json.endArray();
        json.field("demo", board != null);
        json.end();
        return sb.toString();
    }

    /** One page connection's view of what changed. */
    static final class Cursor {
        long version = -1;
        long header = -1;
        long board = -1;
        long seq;
    }

    /**
     * What changed since the cursor's version, as one JSON message, or null when nothing did; advances the cursor.
     * A cursor that never saw anything, or that missed removals no longer logged, gets every flow ("reset").
     */
    synchronized String batch(Cursor cursor) {
        if (cursor.version == version) {
            return null;
        }
        boolean reset = cursor.version < 0 || cursor.version < removalsFloor;
        List<FlowRecord> changed = new ArrayList<>();
        for (FlowRecord r : flows.values()) {
            if (reset || r.version > cursor.version) {
                changed.add(r);
            }
        }
        changed.sort(Comparator.comparingLong(r -> r.version));
        long upTo = version;
        if (changed.size() > MAX_BATCH_FLOWS) {
            upTo = changed.get(MAX_BATCH_FLOWS - 1).version;
            // The rest, changed later than upTo, follow in the next batch.
            changed = changed.subList(0, MAX_BATCH_FLOWS);
        }
        StringBuilder sb = new StringBuilder(256 + 320 * changed.size());
        JsonWriter json = new JsonWriter(sb).begin().field("type", "batch").field("seq", ++cursor.seq)
                .field("reset", reset);
        json.beginArray("flows");
        for (FlowRecord r : changed) {
            json.beginObjectElement();
            r.summaryJson(json);
            json.end();
            r.unsentSinceMicros = -1;
        }
        json.endArray();
        json.beginArray("removed");
        if (!reset) {
            for (Removal removal : removals) {
                if (removal.version() > cursor.version && removal.version() <= upTo) {
                    json.value(removal.key());
                }
            }
        }
        json.endArray();
        json.name("stats").begin().field("events", events).field("flowsSeen", flowsSeen)
                .field("shown", flows.size()).field("dropped", droppedFlows).field("maxFlows", maxFlows)
                .field("micros", System.currentTimeMillis() * 1000).end();
        if (headerVersion > cursor.header) {
            json.field("title", title);
            json.name("banner");
            if (banner == null) {
                sb.append("null");
            } else {
                json.begin().field("text", banner).field("tone", bannerTone).end();
            }
            cursor.header = version;
        }
        if (board != null && board.version() > cursor.board) {
            json.name("board");
            board.json(json);
            cursor.board = version;
        }
        json.end();
        cursor.version = upTo;
        return sb.toString();
    }

    /**
     * One flow in full for the detail pane: its summary, evidence and kept events (JSON objects as {@code --format
     * json} prints them), or null when no such flow is kept.
     */
    byte[] detail(String key) {
        List<byte[]> events;
        StringBuilder head = new StringBuilder(1024);
        synchronized (this) {
            FlowRecord r = find(key);
            if (r == null) {
                return null;
            }
            JsonWriter json = new JsonWriter(head).begin();
            json.name("flow").begin();
            r.summaryJson(json);
            json.end();
            json.beginArray("evidence");
            r.evidence().forEach(json::value);
            json.endArray();
            json.field("notKept", r.notKept());
            json.name("events");
            events = r.events();
        }
        byte[] start = head.toString().getBytes(StandardCharsets.UTF_8);
        int size = start.length + 3;
        for (byte[] e : events) {
            size += e.length + 1;
        }
        byte[] out = new byte[size];
        System.arraycopy(start, 0, out, 0, start.length);
        int pos = start.length;
        out[pos++] = '[';
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                out[pos++] = ',';
            }
            byte[] e = events.get(i);
            System.arraycopy(e, 0, out, pos, e.length);
            pos += e.length;
        }
        out[pos++] = ']';
        out[pos++] = '}';
        return java.util.Arrays.copyOf(out, pos);
    }
}
