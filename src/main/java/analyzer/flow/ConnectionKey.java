package analyzer.flow;

/** The 4-tuple of a connection or UDP flow in a canonical order, so both directions find the same entry. */
record ConnectionKey(long aHi, long aLo, int aPort, long bHi, long bLo, int bPort) {

    static ConnectionKey of(IpPacket s) {
        int c = Long.compare(s.srcHi, s.dstHi);
        if (c == 0) {
            c = Long.compare(s.srcLo, s.dstLo);
        }
        if (c == 0) {
            c = Integer.compare(s.srcPort, s.dstPort);
        }
        return c <= 0
                ? new ConnectionKey(s.srcHi, s.srcLo, s.srcPort, s.dstHi, s.dstLo, s.dstPort)
                : new ConnectionKey(s.dstHi, s.dstLo, s.dstPort, s.srcHi, s.srcLo, s.srcPort);
    }
}
