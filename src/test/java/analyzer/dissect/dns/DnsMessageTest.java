package analyzer.dissect.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DnsMessageTest {

    /** An answer for fluffy.example A: one question, one record that points back at the question's name. */
    private static final byte[] ANSWER = HexFormat.of().parseHex("beef8580000100010000000006666c75666679076578616d706c65"
            + "0000010001c00c000100010000012c0004c0000207");

    @Test
    void answerWithACompressedName() {
        DnsMessage m = DnsMessage.parse(ANSWER, 0, ANSWER.length);
        assertEquals(0xbeef, m.id());
        assertTrue(m.response());
        assertTrue(m.authoritative());
        assertEquals("NOERROR", m.rcodeName());
        assertEquals("fluffy.example", m.questions().get(0).name());
        assertEquals("A", m.questions().get(0).typeName());
        assertEquals(1, m.answerCount());
        DnsMessage.Record r = m.answers().get(0);
        assertEquals("fluffy.example", r.name());
        assertEquals(300, r.ttl());
        assertEquals("192.0.2.7", r.data());
    }

    @Test
    void anythingButExactlyOneMessageIsNotDns() {
        assertNull(DnsMessage.parse(ANSWER, 0, ANSWER.length - 1), "truncated");
        byte[] longer = Arrays.copyOf(ANSWER, ANSWER.length + 1);
        assertNull(DnsMessage.parse(longer, 0, longer.length), "trailing bytes");
        byte[] text = "token=tok_5e3f9a2b7c".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertNull(DnsMessage.parse(text, 0, text.length));
        assertNull(DnsMessage.parse(new byte[12], 0, 12), "no question, no answer");
    }

    @Test
    void compressionPointerLoopsAndForwardPointersAreRejectedQuickly() {
        // The answer's name points at itself (offset 32): a loop that must not hang the reader.
        byte[] loop = ANSWER.clone();
        loop[32] = (byte) 0xc0;
        loop[33] = 32;
        assertNull(DnsMessage.parse(loop, 0, loop.length));
        byte[] forward = ANSWER.clone();
        forward[33] = 40;
        assertNull(DnsMessage.parse(forward, 0, forward.length));
    }

    @Test
    void manyRecordsAreCountedButKeptBounded() {
        int records = DnsMessage.MAX_RECORDS + 10;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(HexFormat.of().parseHex("00018180000100"));
        out.write(records);
        out.writeBytes(HexFormat.of().parseHex("00000000"));
        out.writeBytes(Arrays.copyOfRange(ANSWER, 12, 32));
        for (int i = 0; i < records; i++) {
            out.writeBytes(Arrays.copyOfRange(ANSWER, 32, ANSWER.length));
        }
        byte[] big = out.toByteArray();
        DnsMessage m = DnsMessage.parse(big, 0, big.length);
        assertEquals(records, m.answerCount());
        assertEquals(DnsMessage.MAX_RECORDS, m.answers().size());
        assertFalse(m.truncated());
    }
}
