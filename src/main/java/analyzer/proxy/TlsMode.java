package analyzer.proxy;

/** What the proxy does with a client that speaks TLS. */
public enum TlsMode {
    /** Relay the encrypted records untouched (and dissect them): eavesdropping fails, visibly. */
    PASSTHROUGH,
    /** Terminate TLS with a certificate forged on the fly for the requested host, and open TLS to the upstream. */
    INTERCEPT
}
