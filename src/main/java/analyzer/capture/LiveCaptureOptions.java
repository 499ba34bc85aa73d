package analyzer.capture;

/**
 * @param interfaceName null for the loopback device
 * @param bpfFilter     tcpdump-syntax filter, or null/empty for everything
 * @param snaplen       bytes kept of each frame
 * @param bufferBytes   kernel buffer; 32 MB keeps a loaded loopback from dropping packets
 */
public record LiveCaptureOptions(String interfaceName, String bpfFilter, int snaplen, int bufferBytes) {

    public static final int DEFAULT_SNAPLEN = 262_144;
    public static final int DEFAULT_BUFFER = 32 * 1024 * 1024;

    public static LiveCaptureOptions loopback(String bpfFilter) {
        return new LiveCaptureOptions(null, bpfFilter, DEFAULT_SNAPLEN, DEFAULT_BUFFER);
    }
}
