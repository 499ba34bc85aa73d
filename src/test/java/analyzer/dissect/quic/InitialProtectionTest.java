package analyzer.dissect.quic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import analyzer.dissect.tls.Hkdf;
import analyzer.dissect.tls.TlsHash;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 9001 Appendix A: the keys derived from the client's DCID, and its sample packets opened with them. */
class InitialProtectionTest {

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void initialSecretsMatchAppendixA1() {
        byte[] initial = Hkdf.extract(TlsHash.SHA256, Rfc9001Vectors.hex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a"),
                Rfc9001Vectors.CLIENT_DCID);
        assertEquals("7db5df06e7a69e432496adedb00851923595221596ae2ae9fb8115c1e9ed0a44", hex(initial));
        assertEquals("c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea",
                hex(Hkdf.expandLabel(TlsHash.SHA256, initial, "client in", new byte[0], 32)));
        assertEquals("3c199828fd139efd216c155ad844cc81fb82fa8d7446fa7d78be803acdda951b",
                hex(Hkdf.expandLabel(TlsHash.SHA256, initial, "server in", new byte[0], 32)));
    }

    @Test
    void packetProtectionKeysMatchAppendixA1() {
        InitialProtection client = InitialProtection.derive(QuicVersion.V1, Rfc9001Vectors.CLIENT_DCID, true);
        assertEquals("1f369613dd76d5467730efcbe3b1a22d", hex(client.key()));
        assertEquals("fa044b2f42a3fd3b46fb255c", hex(client.iv()));
        assertEquals("9f50449e04a0e810283a1e9933adedd2", hex(client.hp()));
        InitialProtection server = InitialProtection.derive(QuicVersion.V1, Rfc9001Vectors.CLIENT_DCID, false);
        assertEquals("cf3a5331653c364c88f0f379b6067e37", hex(server.key()));
        assertEquals("0ac1493ca1905853b0bba03e", hex(server.iv()));
        assertEquals("c206b8d9b9f0f37644430b490eeaa314", hex(server.hp()));
    }

    @Test
    void clientInitialOfAppendixA2Opens() {
        byte[] packet = Rfc9001Vectors.CLIENT_INITIAL;
        List<QuicPacketHeader> headers = QuicPacketHeader.read(packet, 0, packet.length, false);
        assertEquals(1, headers.size());
        QuicPacketHeader h = headers.get(0);
        assertEquals(QuicPacketType.INITIAL, h.type());
        assertEquals(1, h.version());
        assertEquals("8394c8f03e515708", hex(h.dcid()));
        assertEquals(0, h.scid().length);
        assertEquals(1200, h.end());
        byte[] frames = InitialProtection.derive(QuicVersion.V1, h.dcid(), true).open(packet, 0, h.pnOffset(), h.end());
        assertArrayEquals(Rfc9001Vectors.CLIENT_FRAMES, frames);
    }

    @Test
    void serverInitialOfAppendixA3OpensWithKeysFromTheClientsDcid() {
        byte[] packet = Rfc9001Vectors.SERVER_INITIAL;
        QuicPacketHeader h = QuicPacketHeader.read(packet, 0, packet.length, false).get(0);
        assertEquals("f067a5502a4262b5", hex(h.scid()));
        byte[] frames = InitialProtection.derive(QuicVersion.V1, Rfc9001Vectors.CLIENT_DCID, false)
                .open(packet, 0, h.pnOffset(), h.end());
        assertArrayEquals(Rfc9001Vectors.SERVER_FRAMES, frames);
    }

    @Test
    void alteredPacketOrWrongKeysDoNotOpen() {
        byte[] packet = Rfc9001Vectors.CLIENT_INITIAL.clone();
        QuicPacketHeader h = QuicPacketHeader.read(packet, 0, packet.length, false).get(0);
        assertNull(InitialProtection.derive(QuicVersion.V1, h.dcid(), false).open(packet, 0, h.pnOffset(), h.end()));
        assertNull(InitialProtection.derive(QuicVersion.V2, h.dcid(), true).open(packet, 0, h.pnOffset(), h.end()));
        packet[600] ^= 1;
        assertNull(InitialProtection.derive(QuicVersion.V1, h.dcid(), true).open(packet, 0, h.pnOffset(), h.end()));
    }
}
