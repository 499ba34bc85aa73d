package analyzer.dissect.mail;

import analyzer.dissect.StreamContext;
import analyzer.dissect.StreamDissector;
import analyzer.dissect.StreamProtocol;
import java.nio.charset.StandardCharsets;

/**
 * SMTP, IMAP, POP3 and FTP's control connection: text sessions whose server speaks first. Recognised by the
 * server's greeting ("220", "+OK", "* OK", "* PREAUTH") or, when the capture missed it, by the client's first
 * command; whichever side is recognised first claims the other, and {@link MailSession} tells the four apart.
 */
public final class MailProtocol implements StreamProtocol {

    public static final MailProtocol INSTANCE = new MailProtocol();

    private static final String[] GREETINGS = {"220 ", "220-", "+OK", "* OK ", "* PREAUTH "};
    private static final String[] COMMANDS = {"EHLO ", "HELO ", "AUTH TLS\r", "AUTH SSL\r", "CAPA\r", "STLS\r",
        "FEAT\r"};
    private static final int PROBE = 12;

    private MailProtocol() {
    }

    @Override
    public String name() {
        return "mail";
    }

    @Override
    public int probeLength() {
        return PROBE;
    }

    @Override
    public Recognition recognise(byte[] data, int offset, int length) {
        Recognition best = Recognition.NO;
        for (String[] words : new String[][] {GREETINGS, COMMANDS}) {
            for (String w : words) {
                Recognition r = prefix(w, data, offset, length);
                if (r == Recognition.YES) {
                    return r;
                }
                if (r == Recognition.NEED_MORE) {
                    best = r;
                }
            }
        }
        return best;
    }

    private static Recognition prefix(String word, byte[] data, int offset, int length) {
        byte[] w = word.getBytes(StandardCharsets.US_ASCII);
        int n = Math.min(w.length, length);
        for (int i = 0; i < n; i++) {
            int c = data[offset + i];
            int expected = w[i];
            if (c != expected && !(expected >= 'A' && expected <= 'Z' && c == expected + 32)) {
                return Recognition.NO;
            }
        }
        return n == w.length ? Recognition.YES : Recognition.NEED_MORE;
    }

    @Override
    public StreamDissector open(StreamContext stream, byte[] first, int offset, int length) {
        return new MailStreamDissector(stream);
    }
}
