package analyzer.proxy;

/**
 * What a {@link ProxiedConnection} asks of the I/O around it: its commands. The Netty adapter carries them out on
 * the two channels ({@link ChannelCommands}); tests record them. Messages handed over with {@link #write} belong
 * to the receiver from then on.
 */
interface ConnectionCommands {

    enum Side { CLIENT, UPSTREAM }

    /**
     * The client's bytes are relayed as they are (TLS passed through, another protocol, a server that spoke first);
     * what a sniffer still held goes on with them.
     */
    void relayClientBytes();

    /** The client speaks HTTP/1 (plain, or decrypted): its messages are parsed, relayed and may be rewritten. */
    void relayClientHttp();

    /** Present a certificate forged for the name the client asks for, then sniff the decrypted bytes. */
    void interceptClientTls(HostAndPort target);

    /** After a CONNECT answered 200: what follows on the client's side is sniffed afresh. */
    void sniffClient();

    /**
     * Call {@link ProxiedConnection#clientSilent} once the client has been connected (or its CONNECT answered) a
     * moment, or once more that long from now; whether it spoke by then is for the connection to know.
     */
    void awaitClientSilence();

    /** After a CONNECT passed through: the client's HTTP codec goes, bytes follow. */
    void relayClientBytesAfterConnect();

    /** After 101 Switching Protocols: both sides' HTTP codecs go, bytes follow. */
    void relayBytesFromNowOn();

    /**
     * Open the upstream connection to {@code target}; {@link ProxiedConnection#upstreamReady} or
     * {@link ProxiedConnection#upstreamFailed} follows.
     *
     * @param tls  open TLS to it, verifying it as configured (intercept mode)
     * @param http relay HTTP messages with it
     */
    void connect(HostAndPort target, boolean tls, boolean http);

    /** The upstream speaks HTTP from now on (the decrypted client turned out to). */
    void relayUpstreamHttp();

    /** Send the upstream what was written to it, then close it; nothing more it does concerns this connection. */
    void retireUpstream();

    /** Close the upstream without sending what was written to it and not yet sent; forget it. */
    void abandonUpstream();

    void write(Side side, Object message);

    void flush(Side side);

    /** Write the proxy's own answer to the client, below any HTTP codec, and send it. */
    void answerClient(byte[] response);

    /** Start or stop reading a side (a side whose input has ended stays as it is). */
    void read(Side side, boolean on);

    /** Send what was written, then end this side's output (half-close; a TLS side is closed). */
    void endOutput(Side side);

    /** Send what was written, then close this side. */
    void close(Side side);

    void report(UpstreamFailure failure);
}
