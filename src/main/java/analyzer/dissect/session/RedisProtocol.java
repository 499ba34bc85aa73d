package analyzer.dissect.session;

import analyzer.dissect.StreamContext;
import analyzer.dissect.StreamDissector;
import analyzer.dissect.StreamProtocol;

/**
 * Redis's RESP, recognised by the client's first command: an array of bulk strings ("*2\r\n$4\r\n…"), as every
 * client library and redis-cli send. The client side claims the server side.
 */
public final class RedisProtocol implements StreamProtocol {

    public static final RedisProtocol INSTANCE = new RedisProtocol();

    private RedisProtocol() {
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public int probeLength() {
        return 8;
    }

    @Override
    public Recognition recognise(byte[] data, int offset, int length) {
        // "*" count "\r\n$" — up to three digits of count.
        int end = offset + length;
        int i = offset;
        if (data[i++] != '*') {
            return Recognition.NO;
        }
        int digits = 0;
        while (i < end && data[i] >= '0' && data[i] <= '9' && digits < 3) {
            i++;
            digits++;
        }
        String rest = "\r\n$";
        for (int k = 0; k < rest.length(); k++, i++) {
            if (i >= end) {
                return digits > 0 || i == offset + 1 ? Recognition.NEED_MORE : Recognition.NO;
            }
            if (data[i] != rest.charAt(k) || digits == 0) {
                return Recognition.NO;
            }
        }
        return Recognition.YES;
    }

    @Override
    public StreamDissector open(StreamContext stream, byte[] first, int offset, int length) {
        return new RedisStreamDissector(stream);
    }
}
