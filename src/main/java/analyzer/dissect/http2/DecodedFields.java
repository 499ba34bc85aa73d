package analyzer.dissect.http2;

import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.Arrays;

/**
 * The fields of one header block as Netty's HPACK decoder hands them over, in order and nothing more: the
 * dissector reads each block once, front to back, so the hash table a {@link DefaultHttp2Headers} builds for lookups
 * (an entry object and a bucket per field) would be work thrown away for every message. Only {@link #add} and
 * {@link #size} are what the decoder calls; the dissector reads {@link #name}/{@link #value}.
 */
final class DecodedFields extends DefaultHttp2Headers {

    private CharSequence[] names = new CharSequence[12];
    private CharSequence[] values = new CharSequence[12];
    private int size;

    DecodedFields() {
        super(false, 2);
    }

    @Override
    public Http2Headers add(CharSequence name, CharSequence value) {
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        names[size] = name;
        values[size++] = value;
        return this;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean isEmpty() {
        return size == 0;
    }

    CharSequence name(int i) {
        return names[i];
    }

    CharSequence value(int i) {
        return values[i];
    }

    /** Netty's HPACK decoder (no validation: a capture shows what was sent) collecting into {@link DecodedFields}. */
    static final class Decoder extends DefaultHttp2HeadersDecoder {

        Decoder(long maxHeaderListSize) {
            super(false, false, maxHeaderListSize);
        }

        @Override
        protected Http2Headers newHeaders() {
            return new DecodedFields();
        }
    }
}
