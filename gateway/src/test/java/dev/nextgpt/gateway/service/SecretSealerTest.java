package dev.nextgpt.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nextgpt.contracts.messages.Webhook;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Sealed webhook secrets and the signature scheme. */
class SecretSealerTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @Test
    void aSealedSecretOpensOnlyForItsJobWithTheSameKeyAndFitsTheContract() {
        SecretSealer sealer = new SecretSealer(KEY);
        String sealed = sealer.seal("job-1", "my secret");
        assertFalse(sealed.contains("my secret"));
        assertNotEquals(sealed, sealer.seal("job-1", "my secret"), "a fresh nonce each time");
        new Webhook("https://hooks.example.com/x", false, sealed);
        assertEquals("my secret", new SecretSealer(KEY.clone()).open("job-1", sealed), "another replica opens it");
        assertThrows(IllegalArgumentException.class, () -> sealer.open("job-2", sealed), "bound to its job");
        assertThrows(IllegalArgumentException.class,
                () -> new SecretSealer(SecretSealer.deriveKey("other")).open("job-1", sealed));
        assertThrows(IllegalArgumentException.class, () -> sealer.open("job-1", sealed.substring(0, sealed.length() - 2)));
    }

    @Test
    void theSignatureIsHmacSha256OfTimestampDotBody() {
        // printf '%s' '123.{"a":1}' | openssl dgst -sha256 -hmac secret
        assertEquals("t=123,v1=979e3c2c30ebc0b46dd7165b75ee282921dd508ff4a0b4a4e072ba27b16970ae",
                WebhookSignature.header("secret", 123, "{\"a\":1}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void requestDigestsDependOnTheKey() {
        assertEquals(new SecretSealer(KEY).digest("x"), new SecretSealer(KEY.clone()).digest("x"));
        assertNotEquals(new SecretSealer(KEY).digest("x"), new SecretSealer(SecretSealer.deriveKey("k")).digest("x"));
    }
}
