package dev.nextgpt.objectstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nextgpt.contracts.ClaimCheck;
import dev.nextgpt.contracts.ClaimCheckPolicy;
import dev.nextgpt.contracts.ContractViolation;
import dev.nextgpt.contracts.Headers;
import dev.nextgpt.contracts.IdempotencyKey;
import dev.nextgpt.contracts.Stage;
import dev.nextgpt.contracts.messages.TensorPayload;
import dev.nextgpt.contracts.tensors.FloatTensor;
import dev.nextgpt.contracts.tensors.NamedTensors;
import dev.nextgpt.contracts.tensors.TensorCodec;
import dev.nextgpt.platform.testing.S3Server;
import dev.nextgpt.platform.testing.S3ServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(S3ServerExtension.class)
class S3ClaimCheckTest {
    private static ObjectStore store;
    private static S3ClaimCheck claims;

    @BeforeAll
    static void setUp(S3Server s3) {
        store = new ObjectStore(new ObjectStoreConfig(s3.endpoint().toString(), s3.accessKey(), s3.secretKey(),
                "claimcheck-test", S3Server.REGION));
        store.ensureBucket();
        claims = new S3ClaimCheck(store);
    }

    @Test
    void putIsContentAddressedAndIdempotent() {
        String prefix = ClaimCheck.prefixFor("acme", new IdempotencyKey("job-1", Stage.GENERATE, 0));
        byte[] bytes = new byte[] {1, 2, 3, 4};
        String key = claims.put(prefix, bytes);
        assertEquals(ClaimCheck.keyFor(prefix, bytes), key);
        String etag = store.stat(key).orElseThrow().etag();
        assertEquals(key, claims.put(prefix, bytes)); // a redelivery
        assertEquals(1, store.list(prefix + "/").size());
        assertEquals(etag, store.stat(key).orElseThrow().etag());
        assertEquals(Headers.SAFETENSORS, store.stat(key).orElseThrow().contentType());
        assertArrayEquals(bytes, claims.get(key));
    }

    @Test
    void aMissingClaimIsAContractViolation() {
        var e = assertThrows(ContractViolation.class, () -> claims.get("claims/acme/job-9/encode-0/" + "b".repeat(64)));
        assertTrue(e.getMessage().contains("job-9"), e.getMessage());
    }

    @Test
    void tensorPayloadsGoThroughTheStoreAndVerify() {
        TensorCodec codec = new TensorCodec();
        byte[] blob = codec.encode(NamedTensors.of(FloatTensor.f16("signal_hidden", new long[] {4, 8}, new float[32])));
        String prefix = ClaimCheck.prefixFor("acme", new IdempotencyKey("job-2", Stage.GENERATE, 0));
        TensorPayload payload = TensorPayload.of(blob, claims, prefix, ClaimCheckPolicy.ALWAYS);
        assertTrue(payload.claimChecked());
        assertArrayEquals(blob, payload.resolve(claims));
    }
}
