package dev.nextgpt.runtime.decoding;

import dev.nextgpt.runtime.testing.ReferenceTensors;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.SignalGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole decoding path of every modality × scheduler against {@code diffusion.<m>.<scheduler>.safetensors}
 * (batch of 2, steps and guidance from the file's metadata), starting from the reference {@code noise}.
 * Tolerances (max abs): conditioning {@value #CONDITIONING_TOLERANCE}, final latent {@value #LATENT_TOLERANCE},
 * decoded media and waveform {@value #MEDIA_TOLERANCE}.
 */
class DiffusionParityTest {
    static final float CONDITIONING_TOLERANCE = 1e-4f;
    static final float LATENT_TOLERANCE = 1e-3f;
    static final float MEDIA_TOLERANCE = 1e-3f;

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Modality m : Modality.values()) {
            for (SchedulerKind k : SchedulerKind.values()) {
                cases.add(Arguments.of(m, k));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void diffusionMatchesTheReferenceFromTheSameNoise(Modality m, SchedulerKind kind) {
        String file = "diffusion." + m.wireName() + "." + kind.key() + ".safetensors";
        Map<String, String> meta = DecodingFixtures.metadata(file);
        int steps = Integer.parseInt(meta.get("steps"));
        double guidance = Double.parseDouble(meta.get("guidance_scale"));
        assertEquals(kind.key(), meta.get("scheduler"));
        ModalityDecoder decoder = DecodingFixtures.decoder(m);
        DiffusionLoop loop = decoder.diffusion();

        try (NDManager scope = DecodingFixtures.bundle().newScope()) {
            Map<String, NDArray> ref = DecodingFixtures.reference(scope, file);
            int batch = (int) ref.get("noise").getShape().get(0);

            // timesteps
            long[] refTimesteps = ref.get("timesteps").toLongArray();
            int[] timesteps = loop.scheduler(kind, steps).timesteps();
            assertArrayEquals(refTimesteps, java.util.Arrays.stream(timesteps).asLongStream().toArray());

            // negative conditioning, computed once at construction
            float negative = 0;
            for (int b = 0; b < batch; b++) {
                negative = Math.max(negative, ReferenceTensors.maxAbsDiff(ref.get("negative_conditioning").get("{}:{}", b, b + 1),
                        loop.negativeConditioning()));
            }

            // output projection from the signal hidden states
            List<SignalGroup> groups = new ArrayList<>();
            for (int b = 0; b < batch; b++) {
                groups.add(DecodingFixtures.signalGroup(m, ref.get("signal_hidden"), b));
            }
            NDArray conditioning = decoder.projection().project(scope, groups);
            float conditioningDiff = ReferenceTensors.maxAbsDiff(ref.get("conditioning"), conditioning);

            // diffusion from the reference noise and conditioning
            List<DiffusionJob> jobs = new ArrayList<>();
            for (int b = 0; b < batch; b++) {
                DiffusionParams params = new DiffusionParams(steps, guidance, 0, kind);
                jobs.add(DiffusionJob.of(ref.get("conditioning").get("{}:{}", b, b + 1), params)
                        .withNoise(ref.get("noise").get(b).toFloatArray()));
            }
            List<DiffusionOutcome> outcomes = loop.run(scope, jobs);
            NDList latents = new NDList();
            for (DiffusionOutcome o : outcomes) {
                assertEquals(DecodeStatus.COMPLETED, o.status());
                assertEquals(steps, o.stepsCompleted());
                latents.add(o.latent());
            }
            NDArray latent = NDArrays.concat(latents, 0);
            float latentDiff = ReferenceTensors.maxAbsDiff(ref.get("latent"), latent);

            // VAE (+ vocoder) on the reference latent, so media parity does not compound the latent error
            LatentDecoder vae = decoder.latentDecoder();
            NDArray decoded = vae.vaeDecode(ref.get("latent"));
            float decodedDiff = ReferenceTensors.maxAbsDiff(ref.get("decoded"), decoded);
            float waveformDiff = 0;
            if (m == Modality.AUDIO) {
                waveformDiff = ReferenceTensors.maxAbsDiff(ref.get("waveform"), vae.vocode(decoded));
            }
            // and the media from our own latent
            float endToEnd = ReferenceTensors.maxAbsDiff(m == Modality.AUDIO ? ref.get("waveform") : ref.get("decoded"), vae.decode(latent).media());

            System.out.printf("parity diffusion.%s.%s (%d steps, g %.1f): negative %.3g, conditioning %.3g, latent %.3g,"
                    + " decoded %.3g, waveform %.3g, media from own latent %.3g%n", m.wireName(), kind.key(), steps, guidance,
                    negative, conditioningDiff, latentDiff, decodedDiff, waveformDiff, endToEnd);
            assertTrue(negative < CONDITIONING_TOLERANCE, "negative conditioning off by " + negative);
            assertTrue(conditioningDiff < CONDITIONING_TOLERANCE, "conditioning off by " + conditioningDiff);
            assertTrue(latentDiff < LATENT_TOLERANCE, "latent off by " + latentDiff);
            assertTrue(decodedDiff < MEDIA_TOLERANCE, "decoded off by " + decodedDiff);
            assertTrue(waveformDiff < MEDIA_TOLERANCE, "waveform off by " + waveformDiff);
            assertTrue(endToEnd < MEDIA_TOLERANCE * 10, "media from our latent off by " + endToEnd);
        }
    }

    /** The same through the public entry point: requests with signal groups and explicit noise → media. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void modalityDecoderMatchesTheReferenceMedia(Modality m, SchedulerKind kind) {
        String file = "diffusion." + m.wireName() + "." + kind.key() + ".safetensors";
        Map<String, String> meta = DecodingFixtures.metadata(file);
        DiffusionParams params = new DiffusionParams(Integer.parseInt(meta.get("steps")),
                Double.parseDouble(meta.get("guidance_scale")), 0, kind);
        ModalityDecoder decoder = DecodingFixtures.decoder(m);
        try (NDManager scope = DecodingFixtures.bundle().newScope()) {
            Map<String, NDArray> ref = DecodingFixtures.reference(scope, file);
            NDArray expected = ref.get(m == Modality.AUDIO ? "waveform" : "decoded");
            List<DecodeRequest> requests = new ArrayList<>();
            for (int b = 0; b < 2; b++) {
                requests.add(DecodeRequest.of("r" + b, DecodingFixtures.signalGroup(m, ref.get("signal_hidden"), b), params)
                        .withNoise(ref.get("noise").get(b).toFloatArray()));
            }
            List<DecodedMedia> out = decoder.decode(requests);
            float worst = 0;
            for (int b = 0; b < 2; b++) {
                DecodedMedia media = out.get(b);
                assertEquals(DecodeStatus.COMPLETED, media.status());
                assertEquals("r" + b, media.requestId());
                assertArrayEquals(expected.get(b).getShape().getShape(), media.shape());
                worst = Math.max(worst, DecodingFixtures.maxAbsDiff(expected.get(b).toFloatArray(), media.data()));
            }
            System.out.printf("parity ModalityDecoder %s.%s media max abs %.3g%n", m.wireName(), kind.key(), worst);
            assertTrue(worst < MEDIA_TOLERANCE, "media off by " + worst);
        }
    }
}
