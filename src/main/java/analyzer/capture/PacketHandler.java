package analyzer.capture;

/** Receives captured frames, on the capture thread. */
@FunctionalInterface
public interface PacketHandler {

    /**
     * @param frameNumber     1-based position in the capture
     * @param timestampMicros capture time, microseconds since the epoch
     * @param data            the frame as captured; only valid during the call
     * @param capturedLength  bytes of {@code data} that are the frame
     * @param originalLength  length on the wire (larger than capturedLength when cut by the snap length)
     */
    void onPacket(long frameNumber, long timestampMicros, byte[] data, int capturedLength, int originalLength);
}
