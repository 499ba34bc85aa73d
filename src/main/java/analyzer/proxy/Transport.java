package analyzer.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringBufferRingConfig;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringFixedBufferRingAllocator;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The event loops and channel classes of one {@link IoTransport}. Relaying costs mostly system calls and wake-ups,
 * not Java: io_uring, which batches a loop pass's sends and receives into one call, relays 8–15 % more requests
 * a second than epoll on two cores (four runs of bench/proxy.sh).
 */
record Transport(IoTransport kind, IoHandlerFactory ioHandlers, Class<? extends ServerChannel> serverChannel,
                 Class<? extends SocketChannel> socketChannel, boolean bufferRing) {

    /**
     * io_uring: the kernel picks receive buffers from a ring registered per event loop, so one multishot receive
     * stays armed per socket instead of a new receive submitted after every read (5 % and 17 % more requests a
     * second in two sets of alternating runs on two cores). 256 buffers of 16 KiB (4 MiB per loop); a buffer
     * handed to the pipeline is replaced at once, and a receive that finds the ring empty is simply retried.
     */
    private static final short BUFFER_GROUP = 1;

    /**
     * The transport asked for; AUTO takes the first available of io_uring, epoll and NIO.
     *
     * @throws ProxyException when a transport other than AUTO was asked for and this machine lacks it
     */
    static Transport of(IoTransport wanted) throws ProxyException {
        return switch (wanted) {
            case AUTO -> IoUring.isAvailable() ? ioUring() : Epoll.isAvailable() ? epoll() : nio();
            case IO_URING -> {
                if (!IoUring.isAvailable()) {
                    throw unavailable(wanted, IoUring.unavailabilityCause());
                }
                yield ioUring();
            }
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    throw unavailable(wanted, Epoll.unavailabilityCause());
                }
                yield epoll();
            }
            case NIO -> nio();
        };
    }

    private static Transport ioUring() {
        IoUringIoHandlerConfig config = new IoUringIoHandlerConfig();
        boolean ring = IoUring.isRegisterBufferRingSupported();
        if (ring) {
            config.setBufferRingConfig(IoUringBufferRingConfig.builder().bufferGroupId(BUFFER_GROUP)
                    .bufferRingSize((short) 256).batchSize(64)
                    .allocator(new IoUringFixedBufferRingAllocator(16 * 1024)).build());
        }
        return new Transport(IoTransport.IO_URING, IoUringIoHandler.newFactory(config),
                IoUringServerSocketChannel.class, IoUringSocketChannel.class, ring);
    }

    private static Transport epoll() {
        return new Transport(IoTransport.EPOLL, EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                EpollSocketChannel.class, false);
    }

    private static Transport nio() {
        return new Transport(IoTransport.NIO, NioIoHandler.newFactory(), NioServerSocketChannel.class,
                NioSocketChannel.class, false);
    }

    private static ProxyException unavailable(IoTransport wanted, Throwable cause) {
        String why = cause == null ? "not supported here" : firstLine(cause);
        return new ProxyException(wanted.label() + " is not available on this machine: " + why,
                "Leave --transport at auto to use the best one available.", cause);
    }

    private static String firstLine(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** Sets what the transport's own channels need on connections the proxy opens. */
    Bootstrap configure(Bootstrap bootstrap) {
        if (bufferRing) {
            bootstrap.option(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID, BUFFER_GROUP);
        }
        return bootstrap;
    }

    /** Sets what the transport's own channels need on connections the proxy accepts. */
    ServerBootstrap configure(ServerBootstrap bootstrap) {
        if (bufferRing) {
            bootstrap.childOption(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID, BUFFER_GROUP);
        }
        return bootstrap;
    }

    EventLoopGroup group(int threads, String name) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), ioHandlers);
    }
}
