package analyzer.proxy;

import java.util.Locale;

/** Which of the kernel's socket interfaces the proxy's event loops use. */
public enum IoTransport {
    /** The best one this machine offers: io_uring, else epoll, else NIO. */
    AUTO,
    /**
     * Linux io_uring: the loop submits all its sends and receives in one system call per pass. Containers often
     * forbid it (Docker's default seccomp profile does); AUTO then falls back to epoll.
     */
    IO_URING,
    /** Linux epoll, edge-triggered: one system call per send and per receive. */
    EPOLL,
    /** Java's NIO selector: every platform. */
    NIO;

    /** The name users type and see: io_uring, epoll, nio, auto. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
