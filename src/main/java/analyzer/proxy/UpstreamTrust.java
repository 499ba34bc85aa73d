package analyzer.proxy;

import java.nio.file.Path;

/**
 * What the proxy trusts when it opens TLS to the upstream (intercept mode).
 *
 * @param caCertificate PEM file of the CA(s) to trust instead of the JDK's trust store, or null
 * @param insecure      accept any certificate for any name (--upstream-insecure)
 */
public record UpstreamTrust(Path caCertificate, boolean insecure) {

    public static UpstreamTrust systemDefault() {
        return new UpstreamTrust(null, false);
    }

    public static UpstreamTrust pinned(Path caCertificate) {
        return new UpstreamTrust(caCertificate, false);
    }

    public static UpstreamTrust insecureTrust() {
        return new UpstreamTrust(null, true);
    }
}
