package dev.nextgpt.gateway.service;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals webhook secrets for the trip through {@code nextgpt.jobs.requested} (AES-256-GCM, the job id as associated
 * data so a sealed secret cannot be moved to another job), and computes the request digest of idempotent
 * submissions (HMAC-SHA256 under a key derived from the same one). Every gateway replica needs the same key.
 */
public final class SecretSealer {
    private static final String VERSION = "v1";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec aesKey;
    private final SecretKeySpec digestKey;
    private final SecureRandom random = new SecureRandom();

    /** {@code key}: 32 bytes. */
    public SecretSealer(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("the sealing key must be 32 bytes, was " + key.length);
        }
        this.aesKey = new SecretKeySpec(key, "AES");
        this.digestKey = new SecretKeySpec(hmac(key, "nextgpt request digest"), "HmacSHA256");
    }

    /** A key derived from {@code material} (for deployments that configure none: the API keys). */
    public static byte[] deriveKey(String material) {
        return hmac("nextgpt-gateway-sealing-key".getBytes(StandardCharsets.UTF_8), material);
    }

    /** {@code v1.<base64url(nonce ‖ ciphertext ‖ tag)>}. */
    public String seal(String jobId, String secret) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, aesKey, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(jobId.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[nonce.length + sealed.length];
            System.arraycopy(nonce, 0, out, 0, nonce.length);
            System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
            return VERSION + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing failed", e);
        }
    }

    /** The secret; throws {@link IllegalArgumentException} if it was sealed for another job or with another key. */
    public String open(String jobId, String sealed) {
        if (sealed == null || !sealed.startsWith(VERSION + ".")) {
            throw new IllegalArgumentException("not a " + VERSION + " sealed secret");
        }
        try {
            byte[] in = Base64.getUrlDecoder().decode(sealed.substring(VERSION.length() + 1));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, aesKey, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(jobId.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the sealed secret of job " + jobId
                    + " does not open with this gateway's key (another sealing key?)", e);
        }
    }

    /** Lower-case hex HMAC-SHA256 of {@code canonical} under the digest key. */
    public String digest(String canonical) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(digestKey);
            return WebhookSignature.hex(mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
