package analyzer.capture;

/** libpcap's counters at the end of a live capture. */
public record CaptureStats(long received, long droppedByKernel, long droppedByInterface) {
}
