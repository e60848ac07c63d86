package dev.nextgpt.runtime.decoding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.SignalGroup;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Behaviour of the decoding tier through {@link ModalityDecoder} (few steps to stay fast on 2 cores). */
class ModalityDecoderTest {
    /** Batched and solo runs go through different batch sizes of the same kernels: float32 rounding only. */
    static final float BATCH_TOLERANCE = 1e-4f;
    static final int STEPS = 3;

    private static DiffusionParams params(Modality m, long seed) {
        return DecodingFixtures.decoder(m).defaultParams(seed).withSteps(STEPS);
    }

    private static DecodeRequest request(Modality m, String id, long seed) {
        return DecodeRequest.of(id, DecodingFixtures.syntheticGroup(m, 100 + seed, 1f), params(m, seed));
    }

    private static DecodedMedia solo(Modality m, DecodeRequest r) {
        return DecodingFixtures.decoder(m).decode(List.of(r)).get(0);
    }

    @ParameterizedTest
    @EnumSource(Modality.class)
    void completedMediaHasTheManifestShapeRangeAndRates(Modality m) {
        DecodedMedia media = solo(m, request(m, "shape", 1));
        assertEquals(DecodeStatus.COMPLETED, media.status());
        assertEquals(STEPS, media.stepsCompleted());
        var out = DecodingFixtures.manifest().decoder(m).output();
        switch (m) {
            case IMAGE -> {
                assertArrayEquals(new long[] {3, out.height(), out.width()}, media.shape());
                assertEquals(3 * out.width() * out.height(), media.toRgbBytes().length);
            }
            case VIDEO -> {
                assertArrayEquals(new long[] {3, out.frames(), out.height(), out.width()}, media.shape());
                assertEquals(out.fps(), media.fps());
                assertEquals(out.frames(), media.frames());
                assertEquals(3 * out.frames() * out.width() * out.height(), media.toRgbBytes().length);
            }
            case AUDIO -> {
                assertArrayEquals(new long[] {(long) (out.sampleRate() * out.seconds())}, media.shape());
                assertEquals(out.sampleRate(), media.sampleRate());
                assertEquals(media.data().length, media.toPcm16().length);
                for (float v : media.data()) {
                    assertTrue(v >= -1f && v <= 1f, "sample " + v + " outside [-1,1]");
                }
            }
        }
        assertEquals(media.shape().length == 0 ? 0 : Arrays.stream(media.shape()).reduce(1, (a, b) -> a * b), media.data().length);
        assertFalse(media.timings().denoise().isNegative() || media.timings().denoise().isZero());
        assertFalse(media.timings().vae().isZero());
        assertEquals(m == Modality.AUDIO, !media.timings().vocoder().isZero());
    }

    @ParameterizedTest
    @EnumSource(Modality.class)
    void theSameSeedGivesIdenticalBytesAndAnotherSeedDifferentOnes(Modality m) {
        SignalGroup signals = DecodingFixtures.syntheticGroup(m, 7, 1f);
        DecodedMedia a = solo(m, DecodeRequest.of("a", signals, params(m, 11)));
        DecodedMedia b = solo(m, DecodeRequest.of("b", signals, params(m, 11)));
        DecodedMedia c = solo(m, DecodeRequest.of("c", signals, params(m, 12)));
        assertArrayEquals(a.data(), b.data());
        if (m == Modality.AUDIO) {
            assertArrayEquals(a.toPcm16(), b.toPcm16());
        } else {
            assertArrayEquals(a.toRgbBytes(), b.toRgbBytes());
        }
        assertFalse(Arrays.equals(a.data(), c.data()), "a different seed gave the same media");
    }

    @ParameterizedTest
    @EnumSource(Modality.class)
    void aBatchOfThreeEqualsTheSameRequestsOneByOne(Modality m) {
        List<DecodeRequest> requests = List.of(
                request(m, "x", 1),
                request(m, "y", 2).withParams(params(m, 2).withGuidanceScale(3.0)),
                request(m, "z", 3).withParams(params(m, 3).withGuidanceScale(1.0)));
        List<DecodedMedia> batched = DecodingFixtures.decoder(m).decode(requests);
        float worst = 0;
        for (int i = 0; i < 3; i++) {
            DecodedMedia alone = solo(m, requests.get(i));
            assertEquals(requests.get(i).id(), batched.get(i).requestId());
            assertEquals(DecodeStatus.COMPLETED, batched.get(i).status());
            worst = Math.max(worst, DecodingFixtures.maxAbsDiff(alone.data(), batched.get(i).data()));
        }
        System.out.printf("batch of 3 vs solo (%s): max abs %.3g%n", m.wireName(), worst);
        assertTrue(worst < BATCH_TOLERANCE, "batched differs from solo by " + worst);
    }

    @Test
    void cancellingOneRequestAtStepKStopsOnlyThatRequest() {
        Modality m = Modality.IMAGE;
        int steps = 5;
        int cancelAt = 2;
        AtomicBoolean cancel = new AtomicBoolean();
        ProgressListener listener = (request, step, total) -> {
            if (request.id().equals("cancelled") && step == cancelAt) {
                cancel.set(true); // seen at the next step boundary: before step index 2
            }
        };
        List<DecodeRequest> requests = List.of(
                request(m, "first", 1).withParams(params(m, 1).withSteps(steps)),
                request(m, "cancelled", 2).withParams(params(m, 2).withSteps(steps)).withCancellation(cancel::get),
                request(m, "last", 3).withParams(params(m, 3).withSteps(steps)));
        List<DecodedMedia> out = DecodingFixtures.decoder(m).decode(requests, listener);

        assertEquals(DecodeStatus.CANCELLED, out.get(1).status());
        assertEquals(cancelAt, out.get(1).stepsCompleted());
        assertEquals(0, out.get(1).data().length);
        for (int i : new int[] {0, 2}) {
            assertEquals(DecodeStatus.COMPLETED, out.get(i).status());
            assertEquals(steps, out.get(i).stepsCompleted());
            DecodedMedia alone = solo(m, requests.get(i));
            float diff = DecodingFixtures.maxAbsDiff(alone.data(), out.get(i).data());
            assertTrue(diff < BATCH_TOLERANCE, requests.get(i).id() + " differs from its solo run by " + diff);
        }
    }

    @Test
    void aRequestAlreadyCancelledDoesNotRun() {
        Modality m = Modality.AUDIO;
        long before = DecodingFixtures.decoder(m).diffusion().denoiserCalls();
        DecodedMedia out = solo(m, request(m, "gone", 1).withCancellation(() -> true));
        assertEquals(DecodeStatus.CANCELLED, out.status());
        assertEquals(0, out.stepsCompleted());
        assertEquals(before, DecodingFixtures.decoder(m).diffusion().denoiserCalls());
    }

    @Test
    void aDeadlineInThePastGivesDeadlineExceededWithoutRunningTheDenoiser() {
        Modality m = Modality.VIDEO;
        ModalityDecoder decoder = DecodingFixtures.decoder(m);
        long before = decoder.diffusion().denoiserCalls();
        AtomicInteger progress = new AtomicInteger();
        DecodedMedia out = decoder.decode(List.of(request(m, "late", 1).withDeadline(Instant.now().minusSeconds(1))),
                (r, s, t) -> progress.incrementAndGet()).get(0);
        assertEquals(DecodeStatus.DEADLINE_EXCEEDED, out.status());
        assertEquals(0, out.stepsCompleted());
        assertEquals(before, decoder.diffusion().denoiserCalls(), "the denoiser ran");
        assertEquals(0, progress.get());
    }

    @Test
    void aDeadlinePassingMidwayStopsThatRequestAtTheNextStep() {
        Modality m = Modality.IMAGE;
        Instant start = Instant.parse("2030-01-01T00:00:00Z");
        AtomicReference<Instant> now = new AtomicReference<>(start);
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        ModalityDecoder decoder = new ModalityDecoder(DecodingFixtures.bundle(), m, clock);
        List<DecodeRequest> requests = List.of(
                request(m, "hurried", 1).withParams(params(m, 1).withSteps(4)).withDeadline(start.plusSeconds(10)),
                request(m, "patient", 2).withParams(params(m, 2).withSteps(4)).withDeadline(start.plusSeconds(1000)));
        List<DecodedMedia> out = decoder.decode(requests, (r, step, total) -> {
            if (step == 1) {
                now.set(start.plusSeconds(60)); // after the first step the clock jumps a minute
            }
        });
        assertEquals(DecodeStatus.DEADLINE_EXCEEDED, out.get(0).status());
        assertEquals(1, out.get(0).stepsCompleted());
        assertEquals(DecodeStatus.COMPLETED, out.get(1).status());
        assertEquals(4, out.get(1).stepsCompleted());
    }

    @Test
    void progressIsReportedOncePerStepInOrderForEveryRequest() {
        Modality m = Modality.AUDIO;
        List<String> calls = new ArrayList<>();
        List<DecodeRequest> requests = List.of(request(m, "a", 1), request(m, "b", 2));
        DecodingFixtures.decoder(m).decode(requests, (r, step, total) -> calls.add(r.id() + ":" + step + "/" + total));
        List<String> expected = new ArrayList<>();
        for (int step = 1; step <= STEPS; step++) {
            expected.add("a:" + step + "/" + STEPS);
            expected.add("b:" + step + "/" + STEPS);
        }
        assertEquals(expected, calls);
    }

    @Test
    void requestsWithDifferentBatchKeysComeBackInOrder() {
        Modality m = Modality.IMAGE;
        List<DecodeRequest> requests = List.of(
                request(m, "three", 1),
                request(m, "two", 2).withParams(params(m, 2).withSteps(2)),
                request(m, "dpm", 3).withParams(params(m, 3).withScheduler(SchedulerKind.DPMPP_2M)));
        assertFalse(requests.get(0).batchKey().equals(requests.get(1).batchKey()));
        List<DecodedMedia> out = DecodingFixtures.decoder(m).decode(requests);
        assertEquals(List.of("three", "two", "dpm"), out.stream().map(DecodedMedia::requestId).toList());
        assertEquals(List.of(3, 2, 3), out.stream().map(DecodedMedia::stepsCompleted).toList());
    }

    @Test
    void invalidRequestsAreRejectedWithMessagesBeforeAnythingRuns() {
        ModalityDecoder image = DecodingFixtures.decoder(Modality.IMAGE);
        long before = image.diffusion().denoiserCalls();
        DecodeRequest good = request(Modality.IMAGE, "good", 1);

        IllegalArgumentException wrongModality = assertThrows(IllegalArgumentException.class,
                () -> image.decode(List.of(good, request(Modality.AUDIO, "audio", 1))));
        assertTrue(wrongModality.getMessage().contains("is for audio"), wrongModality.getMessage());

        SignalGroup full = good.signals();
        SignalGroup incomplete = new SignalGroup(Modality.IMAGE, Arrays.copyOf(full.tokenIds(), 2), full.hidden(),
                Arrays.copyOf(full.hiddenStates(), 2 * full.hidden()), false);
        IllegalArgumentException partial = assertThrows(IllegalArgumentException.class,
                () -> image.decode(List.of(DecodeRequest.of("partial", incomplete, good.params()))));
        assertTrue(partial.getMessage().contains("has 2 tokens, a complete group has"), partial.getMessage());

        int max = image.spec().limits().maxSteps();
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                () -> image.decode(List.of(good.withParams(good.params().withSteps(max + 1)))));
        assertTrue(tooMany.getMessage().contains("steps must be in 1.." + max), tooMany.getMessage());

        IllegalArgumentException noise = assertThrows(IllegalArgumentException.class,
                () -> image.decode(List.of(good.withNoise(new float[5]))));
        assertTrue(noise.getMessage().contains("explicit noise has 5 values"), noise.getMessage());

        assertEquals(before, image.diffusion().denoiserCalls(), "nothing may run when a request is invalid");
    }

    @Test
    void explicitNoiseEqualsTheSameSeededNoise() {
        Modality m = Modality.IMAGE;
        DecodeRequest seeded = request(m, "seeded", 5);
        long size = Arrays.stream(DecodingFixtures.manifest().decoder(m).latentShape()).reduce(1, (a, b) -> a * b);
        DecodeRequest explicit = seeded.withParams(seeded.params().withSeed(999)).withNoise(SeededNoise.gaussian(5, (int) size));
        assertArrayEquals(solo(m, seeded).data(), solo(m, explicit).data());
    }

    @Test
    void timingsCoverEveryStageThatRan() {
        DecodedMedia media = solo(Modality.AUDIO, request(Modality.AUDIO, "t", 1));
        DecodeTimings t = media.timings();
        assertFalse(t.projection().isZero());
        assertEquals(t.projection().plus(t.denoise()).plus(t.vae()).plus(t.vocoder()), t.total());
        assertTrue(t.total().compareTo(Duration.ofMinutes(1)) < 0);
    }
}
