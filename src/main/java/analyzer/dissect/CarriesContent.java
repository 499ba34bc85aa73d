package analyzer.dissect;

import java.util.List;

/**
 * An event whose message content someone could read: its decoded views are searched for secrets and credentials
 * by {@code check} (and a connection whose events carry content outside TLS is readable on the wire). A dissector
 * plugs into that search by implementing this on its events; it never calls the matcher itself.
 */
public interface CarriesContent {

    /** The views of this message's content, each as decoded as its dissector could make it; may be empty. */
    List<ContentView> contentViews();
}
