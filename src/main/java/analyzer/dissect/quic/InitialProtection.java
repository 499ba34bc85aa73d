package analyzer.dissect.quic;

import analyzer.dissect.tls.Hkdf;
import analyzer.dissect.tls.TlsHash;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The packet protection of one direction's Initial packets (RFC 9001 §5): keys derived with HKDF from the version's
 * public salt and the Destination Connection ID of the client's first Initial, so anyone on the path can remove it.
 * AES-128-GCM for the payload, AES-ECB over a sample of it for the header.
 */
public final class InitialProtection {

    private static final int TAG_LENGTH = 16;
    private static final int SAMPLE_LENGTH = 16;

    private final byte[] key;
    private final byte[] iv;
    private final byte[] hp;

    private InitialProtection(byte[] key, byte[] iv, byte[] hp) {
        this.key = key;
        this.iv = iv;
        this.hp = hp;
    }

    /** @param clientDcid the Destination Connection ID of the client's first Initial packet */
    public static InitialProtection derive(QuicVersion version, byte[] clientDcid, boolean client) {
        byte[] initialSecret = Hkdf.extract(TlsHash.SHA256, version.initialSalt(), clientDcid);
        byte[] secret = Hkdf.expandLabel(TlsHash.SHA256, initialSecret, client ? "client in" : "server in", new byte[0], 32);
        String prefix = version.keyLabelPrefix();
        return new InitialProtection(
                Hkdf.expandLabel(TlsHash.SHA256, secret, prefix + "key", new byte[0], 16),
                Hkdf.expandLabel(TlsHash.SHA256, secret, prefix + "iv", new byte[0], 12),
                Hkdf.expandLabel(TlsHash.SHA256, secret, prefix + "hp", new byte[0], 16));
    }

    byte[] key() {
        return key.clone();
    }

    byte[] iv() {
        return iv.clone();
    }

    byte[] hp() {
        return hp.clone();
    }

    /**
     * Removes header and payload protection from one long-header packet.
     *
     * @param packet    the datagram's bytes
     * @param start     where the packet starts
     * @param pnOffset  where its (protected) packet number starts
     * @param end       where the packet ends (the Length field's end)
     * @return the plaintext frames, or null when the packet is too short or does not authenticate (wrong keys, or
     *         not what it claimed to be)
     */
    public byte[] open(byte[] packet, int start, int pnOffset, int end) {
        if (pnOffset + 4 + SAMPLE_LENGTH > end) {
            return null;
        }
        try {
            Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
            ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(hp, "AES"));
            byte[] mask = ecb.doFinal(packet, pnOffset + 4, SAMPLE_LENGTH);
            byte[] header = Arrays.copyOfRange(packet, start, pnOffset + 4);
            header[0] ^= (byte) (mask[0] & 0x0f);
            int pnLength = (header[0] & 0x03) + 1;
            int pnAt = pnOffset - start;
            long packetNumber = 0;
            for (int i = 0; i < pnLength; i++) {
                header[pnAt + i] ^= mask[1 + i];
                packetNumber = (packetNumber << 8) | (header[pnAt + i] & 0xff);
            }
            int headerLength = pnAt + pnLength;
            int payloadStart = pnOffset + pnLength;
            if (end - payloadStart < TAG_LENGTH) {
                return null;
            }
            byte[] nonce = iv.clone();
            for (int i = 0; i < 8; i++) {
                nonce[nonce.length - 1 - i] ^= (byte) (packetNumber >>> (8 * i));
            }
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_LENGTH * 8, nonce));
            gcm.updateAAD(header, 0, headerLength);
            return gcm.doFinal(packet, payloadStart, end - payloadStart);
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM and AES-ECB are part of every JDK", e);
        }
    }
}
