package analyzer.dissect.mail;

import java.util.ArrayList;
import java.util.List;

/** IMAP command arguments (RFC 9051 §4): atoms and quoted strings with backslash escapes. */
final class ImapArguments {

    private ImapArguments() {
    }

    /** At most {@code max} arguments from the text after the command name. */
    static List<String> parse(String text, int max) {
        List<String> args = new ArrayList<>(max);
        int i = 0;
        int n = text.length();
        while (i < n && args.size() < max) {
            while (i < n && text.charAt(i) == ' ') {
                i++;
            }
            if (i >= n) {
                break;
            }
            StringBuilder sb = new StringBuilder();
            if (text.charAt(i) == '"') {
                i++;
                while (i < n && text.charAt(i) != '"') {
                    if (text.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    sb.append(text.charAt(i++));
                }
                i++;
            } else {
                while (i < n && text.charAt(i) != ' ') {
                    sb.append(text.charAt(i++));
                }
            }
            args.add(sb.toString());
        }
        return args;
    }

    static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
