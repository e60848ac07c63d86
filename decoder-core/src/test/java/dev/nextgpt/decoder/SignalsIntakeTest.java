package dev.nextgpt.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nextgpt.contracts.ClaimCheckPolicy;
import dev.nextgpt.contracts.ContractViolation;
import dev.nextgpt.contracts.InMemoryClaimCheck;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.contracts.messages.DiffusionParams;
import dev.nextgpt.contracts.messages.Messages;
import dev.nextgpt.contracts.messages.SignalsReady;
import dev.nextgpt.contracts.messages.TensorPayload;
import dev.nextgpt.contracts.tensors.FloatTensor;
import dev.nextgpt.contracts.tensors.NamedTensors;
import dev.nextgpt.contracts.tensors.TensorCodec;
import dev.nextgpt.decoder.testing.SampleSignals;
import dev.nextgpt.objectstore.ObjectKeys;
import dev.nextgpt.runtime.bundle.BundleLoader;
import dev.nextgpt.runtime.bundle.BundleManifest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SignalsIntakeTest {
    private static final BundleManifest NANO = BundleLoader.readManifest(SampleSignals.nanoBundle());
    private static final InMemoryClaimCheck CLAIMS = new InMemoryClaimCheck();

    private static SignalsIntake intake(Modality modality) {
        return new SignalsIntake(NANO, DecoderSettings.defaults(modality, SampleSignals.nanoBundle()));
    }

    @Test
    void validSignalsBecomeATaskWithTheGroupsTokenIdsAndResolvedParams() {
        for (Modality m : Modality.values()) {
            SignalsReady message = SampleSignals.signals("job-1", m, 2, SampleSignals.steps(7, 5), null);
            DecodeTask task = intake(m).accept(message, CLAIMS);
            int first = NANO.signalGroup(m).firstId();
            assertEquals(m.signalTokenCount(), task.signals().tokens());
            assertEquals(first, task.signals().tokenIds()[0]);
            assertEquals(first + m.signalTokenCount() - 1, task.signals().tokenIds()[m.signalTokenCount() - 1]);
            assertEquals(7, task.params().steps());
            assertEquals(5, task.params().seed());
            assertEquals("tenants/tenant-a/jobs/job-1/outputs/" + m.wireName() + "-2." + ObjectKeys.extension(m), task.objectKey());
            float[] expected = new TensorCodec().decode(message.signals().inline()).require(SignalsReady.SIGNAL_HIDDEN).values();
            assertArrayEquals(expected, task.signals().hiddenStates());
        }
    }

    @Test
    void claimCheckedSignalsAreReadFromTheStore() {
        byte[] blob = SampleSignals.tensors(Modality.AUDIO, 3);
        TensorPayload payload = TensorPayload.of(blob, CLAIMS, "claims/tenant-a/job-2/decode-audio-0", ClaimCheckPolicy.ALWAYS);
        SignalsReady message = new SignalsReady(Messages.SCHEMA, "job-2", "tenant-a", Modality.AUDIO, 0, payload, null, null);
        assertEquals(8, intake(Modality.AUDIO).accept(message, CLAIMS).signals().tokens());
    }

    @Test
    void recordsThatBreakTheContractAreRefusedAsPoison() {
        SignalsIntake image = intake(Modality.IMAGE);
        var otherModality = assertThrows(ContractViolation.class,
                () -> image.accept(SampleSignals.signals("job-1", Modality.AUDIO, 0, null, null), CLAIMS));
        assertTrue(otherModality.getMessage().contains("reached the image decoder"), otherModality.getMessage());

        var wrongRows = assertThrows(ContractViolation.class, () -> image.accept(
                SampleSignals.signals("job-1", Modality.IMAGE, 0, null, null, SampleSignals.tensors(5, 256, 1)), CLAIMS));
        assertTrue(wrongRows.getMessage().contains("shape [5, 256]"), wrongRows.getMessage());

        var wrongHidden = assertThrows(ContractViolation.class, () -> image.accept(
                SampleSignals.signals("job-1", Modality.IMAGE, 0, null, null, SampleSignals.tensors(4, 128, 1)), CLAIMS));
        assertTrue(wrongHidden.getMessage().contains("[4, 128]"), wrongHidden.getMessage());

        byte[] garbage = "definitely not safetensors".getBytes(StandardCharsets.UTF_8);
        assertThrows(ContractViolation.class,
                () -> image.accept(SampleSignals.signals("job-1", Modality.IMAGE, 0, null, null, garbage), CLAIMS));

        float[] values = new float[4 * 256];
        values[17] = Float.NaN;
        byte[] nan = new TensorCodec().encode(NamedTensors.of(
                FloatTensor.f16(SignalsReady.SIGNAL_HIDDEN, new long[] {4, 256}, values),
                FloatTensor.f16(SignalsReady.SIGNAL_EMBEDS, new long[] {4, 256}, new float[4 * 256])));
        var notFinite = assertThrows(ContractViolation.class,
                () -> image.accept(SampleSignals.signals("job-1", Modality.IMAGE, 0, null, null, nan), CLAIMS));
        assertTrue(notFinite.getMessage().contains("value 17 is NaN"), notFinite.getMessage());

        byte[] onlyHidden = new TensorCodec().encode(NamedTensors.of(
                FloatTensor.f16(SignalsReady.SIGNAL_HIDDEN, new long[] {4, 256}, new float[4 * 256])));
        var missing = assertThrows(ContractViolation.class,
                () -> image.accept(SampleSignals.signals("job-1", Modality.IMAGE, 0, null, null, onlyHidden), CLAIMS));
        assertTrue(missing.getMessage().contains("signal_embeds"), missing.getMessage());
    }

    @Test
    void paramsBeyondTheBundlesLimitsFailTheJobInsteadOfDeadLettering() {
        var e = assertThrows(InvalidParamsException.class, () -> intake(Modality.VIDEO).accept(
                SampleSignals.signals("job-1", Modality.VIDEO, 0, new DiffusionParams(101, null, null, null), null), CLAIMS));
        assertEquals("invalid diffusion params: steps must be in 1..100, got 101", e.getMessage());
    }
}
