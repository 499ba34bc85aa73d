package analyzer.dissect;

import java.util.List;

public record HttpHeader(String name, String value) {

    /** The value of the first header of that name (compared ignoring case), or null. */
    public static String value(List<HttpHeader> headers, String name) {
        if (headers == null) {
            return null;
        }
        for (int i = 0; i < headers.size(); i++) {
            HttpHeader h = headers.get(i);
            if (h.name().equalsIgnoreCase(name)) {
                return h.value();
            }
        }
        return null;
    }
}
