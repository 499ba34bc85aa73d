package analyzer.dissect.session;

import analyzer.dissect.StreamContext;
import analyzer.dissect.StreamDissector;
import analyzer.dissect.StreamProtocol;

/**
 * Telnet (RFC 854), recognised by the option negotiation both sides open with: IAC followed by WILL, WONT, DO or
 * DONT. Whichever side is recognised first claims the other.
 */
public final class TelnetProtocol implements StreamProtocol {

    public static final TelnetProtocol INSTANCE = new TelnetProtocol();

    static final int IAC = 255;

    private TelnetProtocol() {
    }

    @Override
    public String name() {
        return "telnet";
    }

    @Override
    public int probeLength() {
        return 3;
    }

    @Override
    public Recognition recognise(byte[] data, int offset, int length) {
        if ((data[offset] & 0xff) != IAC) {
            return Recognition.NO;
        }
        if (length < 3) {
            return length == 2 && (data[offset + 1] & 0xff) < 251 ? Recognition.NO : Recognition.NEED_MORE;
        }
        int command = data[offset + 1] & 0xff;
        return command >= 251 && command <= 254 ? Recognition.YES : Recognition.NO;
    }

    @Override
    public StreamDissector open(StreamContext stream, byte[] first, int offset, int length) {
        return new TelnetStreamDissector(stream);
    }
}
