package dev.nextgpt.objectstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nextgpt.contracts.ContractViolation;
import dev.nextgpt.contracts.Identifiers;
import dev.nextgpt.contracts.Modality;
import org.junit.jupiter.api.Test;

class ObjectKeysTest {
    private static final String SHA = "a".repeat(64);

    @Test
    void uploadsAreContentAddressedPerTenant() {
        assertEquals("tenants/acme/files/" + SHA, ObjectKeys.upload("acme", SHA));
        assertEquals("file-" + SHA, ObjectKeys.fileId(SHA));
        assertEquals(SHA, ObjectKeys.sha256OfFileId("file-" + SHA));
        assertEquals("tenants/acme/files/" + SHA, ObjectKeys.uploadOfFileId("acme", "file-" + SHA));
    }

    @Test
    void outputsFollowTheLayout() {
        assertEquals("tenants/acme/jobs/job-1/outputs/image-0.png", ObjectKeys.output("acme", "job-1", Modality.IMAGE, 0));
        assertEquals("tenants/acme/jobs/job-1/outputs/audio-2.wav", ObjectKeys.output("acme", "job-1", Modality.AUDIO, 2));
        assertEquals("tenants/acme/jobs/job-1/outputs/video-0.mp4", ObjectKeys.output("acme", "job-1", Modality.VIDEO, 0));
        assertEquals("video/mp4", ObjectKeys.contentType(Modality.VIDEO));
        for (Modality m : Modality.values()) {
            Identifiers.requireObjectKey(ObjectKeys.output("t", "j", m, 255), "key");
        }
    }

    @Test
    void badIdsAreRefused() {
        assertThrows(ContractViolation.class, () -> ObjectKeys.upload("../other", SHA));
        assertThrows(ContractViolation.class, () -> ObjectKeys.upload("acme", "ABC"));
        assertThrows(ContractViolation.class, () -> ObjectKeys.output("acme", "job/1", Modality.IMAGE, 0));
        assertThrows(ContractViolation.class, () -> ObjectKeys.output("acme", "job-1", Modality.IMAGE, 256));
        assertThrows(ContractViolation.class, () -> ObjectKeys.output("acme", "job-1", null, 0));
        assertThrows(ContractViolation.class, () -> ObjectKeys.sha256OfFileId("file-xyz"));
        assertThrows(ContractViolation.class, () -> ObjectKeys.sha256OfFileId(SHA));
    }

    @Test
    void aKeyBelongsToItsTenantOnly() {
        assertTrue(ObjectKeys.belongsTo(ObjectKeys.upload("acme", SHA), "acme"));
        assertTrue(ObjectKeys.belongsTo("claims/acme/job-1/generate-0/" + SHA, "acme"));
        assertFalse(ObjectKeys.belongsTo(ObjectKeys.upload("acme", SHA), "acm"));
        assertFalse(ObjectKeys.belongsTo(ObjectKeys.upload("acme2", SHA), "acme"));
        assertFalse(ObjectKeys.belongsTo(null, "acme"));
    }
}
