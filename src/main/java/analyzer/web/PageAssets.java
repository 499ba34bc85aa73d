package analyzer.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The page's files, read once from the jar: plain HTML, CSS and JavaScript, nothing fetched from anywhere else (a
 * workshop room may have no internet).
 */
final class PageAssets {

    record Asset(byte[] bytes, String contentType) {
    }

    private static final String ROOT = "/analyzer/web/";

    private final Map<String, Asset> byPath = new LinkedHashMap<>();

    PageAssets() {
        add("/", "index.html", "text/html; charset=utf-8");
        add("/app.css", "app.css", "text/css; charset=utf-8");
        add("/app.js", "app.js", "text/javascript; charset=utf-8");
        add("/favicon.svg", "favicon.svg", "image/svg+xml");
    }

    private void add(String path, String file, String contentType) {
        try (InputStream in = PageAssets.class.getResourceAsStream(ROOT + file)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + ROOT + file);
            }
            byPath.put(path, new Asset(in.readAllBytes(), contentType));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file served at this path, or null. */
    Asset get(String path) {
        return byPath.get(path);
    }
}
