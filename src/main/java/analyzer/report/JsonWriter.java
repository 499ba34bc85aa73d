package analyzer.report;

import java.nio.charset.StandardCharsets;

/**
 * Builds one JSON object into a StringBuilder, fields in insertion order. Small and allocation-free on purpose:
 * the JSON printer runs once per event on the hot path of large captures.
 */
public final class JsonWriter {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder sb;
    private boolean first = true;

    public JsonWriter(StringBuilder sb) {
        this.sb = sb;
    }

    public JsonWriter begin() {
        sb.append('{');
        first = true;
        return this;
    }

    public JsonWriter end() {
        sb.append('}');
        first = false;
        return this;
    }

    public JsonWriter name(String name) {
        if (!first) {
            sb.append(',');
        }
        first = false;
        sb.append('"').append(name).append("\":");
        return this;
    }

    public JsonWriter field(String name, String value) {
        name(name);
        string(value);
        return this;
    }

    public JsonWriter field(String name, long value) {
        name(name);
        sb.append(value);
        return this;
    }

    public JsonWriter field(String name, boolean value) {
        name(name);
        sb.append(value);
        return this;
    }

    public JsonWriter beginArray(String name) {
        name(name);
        sb.append('[');
        first = true;
        return this;
    }

    public JsonWriter endArray() {
        sb.append(']');
        first = false;
        return this;
    }

    /** An array element: call before each value or object inside an array. */
    public JsonWriter element() {
        if (!first) {
            sb.append(',');
        }
        first = false;
        return this;
    }

    public JsonWriter beginObjectElement() {
        element();
        sb.append('{');
        first = true;
        return this;
    }

    public JsonWriter value(String value) {
        element();
        string(value);
        return this;
    }

    public JsonWriter value(long value) {
        element();
        sb.append(value);
        return this;
    }

    public void string(String value) {
        if (value == null) {
            sb.append("null");
            return;
        }
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Bytes as a JSON string: decoded as UTF-8 (malformed sequences become U+FFFD). */
    public JsonWriter utf8Field(String name, byte[] bytes) {
        name(name);
        string(new String(bytes, StandardCharsets.UTF_8));
        return this;
    }
}
