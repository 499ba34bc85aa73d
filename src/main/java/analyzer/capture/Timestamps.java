package analyzer.capture;

import java.sql.Timestamp;

/** pcap4j hands timestamps as java.sql.Timestamp; the pipeline counts microseconds since the epoch. */
final class Timestamps {

    private Timestamps() {
    }

    static long micros(Timestamp ts) {
        if (ts == null) {
            return 0;
        }
        return Math.floorDiv(ts.getTime(), 1000L) * 1_000_000L + ts.getNanos() / 1000;
    }

    static Timestamp of(long micros) {
        Timestamp ts = new Timestamp(Math.floorDiv(micros, 1_000_000L) * 1000L);
        ts.setNanos((int) Math.floorMod(micros, 1_000_000L) * 1000);
        return ts;
    }
}
