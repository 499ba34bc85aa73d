package analyzer.dissect.tls;

import static analyzer.dissect.tls.Rfc8448.get;
import static analyzer.dissect.tls.Rfc8448.hex;
import static analyzer.dissect.tls.Rfc8448.payload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.KeyAgreement;
import org.junit.jupiter.api.Test;

/**
 * The key schedules against published vectors: HKDF (RFC 5869), the TLS 1.3 schedule and record protection of
 * RFC 8448's simple 1-RTT handshake (every record of the trace opens, and its plaintext is the trace's), and the
 * TLS 1.2 and 1.0 PRF.
 */
class KeyScheduleTest {

    private static final CipherSuite AES_128_GCM_SHA256 = CipherSuite.of(0x1301);
    private static final TlsHash SHA256 = TlsHash.SHA256;

    @Test
    void hkdfMatchesRfc5869TestCase1() {
        byte[] prk = Hkdf.extract(SHA256, hex("000102030405060708090a0b0c"), hex("0b".repeat(22)));
        assertArrayEquals(hex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5"), prk);
        assertArrayEquals(hex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"),
                Hkdf.expand(SHA256, prk, hex("f0f1f2f3f4f5f6f7f8f9"), 42));
    }

    @Test
    void tls13ScheduleMatchesRfc8448FromTheKeyExchangeOn() throws Exception {
        // The shared secret, from the trace's x25519 keys through the JDK's XDH.
        assertArrayEquals(get("ecdhe"), x25519(get("server_private"), get("client_public")));

        byte[] early = Hkdf.extract(SHA256, new byte[0], new byte[32]);
        assertArrayEquals(get("early_secret"), early);
        byte[] derived = Hkdf.deriveSecret(SHA256, early, "derived", SHA256.hash(new byte[0]));
        assertArrayEquals(get("derived_early"), derived);
        byte[] handshake = Hkdf.extract(SHA256, derived, get("ecdhe"));
        assertArrayEquals(get("handshake_secret"), handshake);

        byte[] serverHello = payload("server_hello_record");
        byte[] helloHash = SHA256.hash(concat(get("client_hello"), serverHello));
        assertArrayEquals(get("hello_hash"), helloHash);
        byte[] clientHs = Hkdf.deriveSecret(SHA256, handshake, "c hs traffic", helloHash);
        byte[] serverHs = Hkdf.deriveSecret(SHA256, handshake, "s hs traffic", helloHash);
        assertArrayEquals(get("client_handshake_traffic_secret"), clientHs);
        assertArrayEquals(get("server_handshake_traffic_secret"), serverHs);
        assertArrayEquals(get("server_handshake_key"), Hkdf.expandLabel(SHA256, serverHs, "key", new byte[0], 16));
        assertArrayEquals(get("server_handshake_iv"), Hkdf.expandLabel(SHA256, serverHs, "iv", new byte[0], 12));
        assertArrayEquals(get("client_handshake_key"), Hkdf.expandLabel(SHA256, clientHs, "key", new byte[0], 16));
        assertArrayEquals(get("client_handshake_iv"), Hkdf.expandLabel(SHA256, clientHs, "iv", new byte[0], 12));
        assertArrayEquals(get("server_finished_key"), Hkdf.expandLabel(SHA256, serverHs, "finished", new byte[0], 32));

        // The server's encrypted flight opens with its handshake keys: EncryptedExtensions … Finished.
        RecordDecryptor server = TrafficKeys.tls13(AES_128_GCM_SHA256, serverHs);
        byte[] flight = open(server, "server_flight_record");
        assertEquals(22, server.contentType());
        assertEquals(List.of(8, 11, 15, 20), handshakeTypes(flight));

        byte[] finishedHash = SHA256.hash(concat(get("client_hello"), serverHello, flight));
        assertArrayEquals(get("server_finished_hash"), finishedHash);
        byte[] master = Hkdf.extract(SHA256, Hkdf.deriveSecret(SHA256, handshake, "derived",
                SHA256.hash(new byte[0])), new byte[32]);
        assertArrayEquals(get("master_secret"), master);
        byte[] clientAp = Hkdf.deriveSecret(SHA256, master, "c ap traffic", finishedHash);
        byte[] serverAp = Hkdf.deriveSecret(SHA256, master, "s ap traffic", finishedHash);
        assertArrayEquals(get("client_application_traffic_secret"), clientAp);
        assertArrayEquals(get("server_application_traffic_secret"), serverAp);
    }

    @Test
    void everyRecordOfTheRfc8448TraceOpensWithItsTrafficSecret() {
        RecordDecryptor clientHs = TrafficKeys.tls13(AES_128_GCM_SHA256, get("client_handshake_traffic_secret"));
        byte[] finished = open(clientHs, "client_finished_record");
        assertEquals(22, clientHs.contentType());
        assertEquals(List.of(20), handshakeTypes(finished));

        RecordDecryptor server = TrafficKeys.tls13(AES_128_GCM_SHA256, get("server_application_traffic_secret"));
        assertEquals(List.of(4), handshakeTypes(open(server, "new_session_ticket_record")));
        RecordDecryptor client = TrafficKeys.tls13(AES_128_GCM_SHA256, get("client_application_traffic_secret"));
        byte[] fifty = new byte[50];
        for (int i = 0; i < 50; i++) {
            fifty[i] = (byte) i;
        }
        assertArrayEquals(fifty, open(client, "client_application_record"));
        assertEquals(23, client.contentType());
        assertArrayEquals(fifty, open(server, "server_application_record"));
        assertArrayEquals(new byte[] {1, 0}, open(client, "client_alert_record"));
        assertEquals(21, client.contentType());
        assertArrayEquals(new byte[] {1, 0}, open(server, "server_alert_record"));
        assertEquals(3, server.sequence());
    }

    @Test
    void aWrongSecretOrAnAlteredRecordDoesNotOpenAndLosesNoPlace() {
        RecordDecryptor wrong = TrafficKeys.tls13(AES_128_GCM_SHA256, get("client_application_traffic_secret"));
        byte[] record = payload("server_application_record");
        assertFalse(wrong.open(23, 0x0303, record, 0, record.length));
        assertEquals(0, wrong.sequence());

        RecordDecryptor server = TrafficKeys.tls13(AES_128_GCM_SHA256, get("server_application_traffic_secret"));
        byte[] ticket = payload("new_session_ticket_record");
        ticket[40] ^= 1;
        assertFalse(server.open(23, 0x0303, ticket, 0, ticket.length));
        ticket[40] ^= 1;
        assertTrue(server.open(23, 0x0303, ticket, 0, ticket.length));
    }

    @Test
    void tls12PrfMatchesThePublishedSha256VectorAndOpenSsl() {
        // The TLS working group's PRF vector (also what `openssl kdf … TLS1-PRF` gives).
        assertArrayEquals(hex("e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e"
                + "14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff7"
                + "0187347b66"), Tls12Prf.prf(TlsHash.SHA256, hex("9bbe436ba940f017b17652849a71db35"), "test label",
                hex("a0ba9f936cda311827a6f796ffd5198c"), 100));
        // SHA-384 and the TLS 1.0/1.1 MD5+SHA-1 PRF (an odd-length secret: the halves share a byte), as computed
        // by `openssl kdf -kdfopt digest:SHA384|MD5-SHA1 … TLS1-PRF`.
        assertArrayEquals(hex("7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1"
                + "233c9146a0e534cb400fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d9184"
                + "259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee691c8f3a26854308d5eaa3be85e0990703d73e5"
                + "6f"), Tls12Prf.prf(TlsHash.SHA384, hex("b80b733d6ceefcdc71566ea48e5567df"), "test label",
                hex("cd665cf6a8447dd6ff8b27555edb7465"), 148));
        assertArrayEquals(hex("d15d261f27f994096fbb4709ff20d231799dce32219baafb6883af51983e132f9c83dfee54eba38ec8a358"
                + "79b14b96132a2561599776267547e8c543d4cd86a8"), Tls12Prf.prf(null,
                hex("9bbe436ba940f017b17652849a71db35aa"), "test label", hex("a0ba9f936cda311827a6f796ffd5198c"), 64));
    }

    @Test
    void suitesAreReadFromTheirNames() {
        CipherSuite gcm = CipherSuite.of(0xc030);
        assertEquals(CipherSuite.Bulk.AES_256_GCM, gcm.bulk());
        assertEquals(TlsHash.SHA384, gcm.prfHash());
        assertFalse(gcm.rsaKeyExchange());
        CipherSuite cbc = CipherSuite.of(0x002f);
        assertEquals(CipherSuite.Bulk.AES_128_CBC, cbc.bulk());
        assertEquals(TlsHash.SHA1, cbc.mac());
        assertEquals(TlsHash.SHA256, cbc.prfHash());
        assertTrue(cbc.rsaKeyExchange());
        assertEquals("3DES", CipherSuite.of(0x000a).unsupported());
        assertEquals("RC4", CipherSuite.of(0x0005).unsupported());
        assertEquals("AES-CCM", CipherSuite.of(0x1304).unsupported());
        assertEquals("unknown cipher suite 0xabcd", CipherSuite.of(0xabcd).unsupported());
        assertTrue(CipherSuite.of(0x1303).tls13());
        assertEquals(CipherSuite.Bulk.CHACHA20_POLY1305, CipherSuite.of(0xcca8).bulk());
    }

    private static byte[] open(RecordDecryptor decryptor, String recordName) {
        byte[] record = get(recordName);
        int type = record[0] & 0xff;
        int version = ((record[1] & 0xff) << 8) | (record[2] & 0xff);
        assertTrue(decryptor.open(type, version, record, 5, record.length - 5), recordName + " does not open");
        return Arrays.copyOf(decryptor.plaintext(), decryptor.length());
    }

    /** The types of the handshake messages one after the other in the bytes. */
    private static List<Integer> handshakeTypes(byte[] messages) {
        List<Integer> types = new ArrayList<>();
        int at = 0;
        while (at + 4 <= messages.length) {
            types.add(messages[at] & 0xff);
            at += 4 + (((messages[at + 1] & 0xff) << 16) | ((messages[at + 2] & 0xff) << 8) | (messages[at + 3] & 0xff));
        }
        assertEquals(messages.length, at, "the messages fill the plaintext exactly");
        return types;
    }

    private static byte[] x25519(byte[] privateKey, byte[] peerPublic) throws Exception {
        KeyFactory kf = KeyFactory.getInstance("XDH");
        PrivateKey priv = kf.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey));
        byte[] little = peerPublic.clone();
        for (int i = 0; i < little.length / 2; i++) {
            byte t = little[i];
            little[i] = little[little.length - 1 - i];
            little[little.length - 1 - i] = t;
        }
        PublicKey pub = kf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, little)));
        KeyAgreement ka = KeyAgreement.getInstance("XDH");
        ka.init(priv);
        ka.doPhase(pub, true);
        return ka.generateSecret();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
