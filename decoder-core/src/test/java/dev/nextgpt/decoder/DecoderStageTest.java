package dev.nextgpt.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nextgpt.contracts.ClaimCheck;
import dev.nextgpt.contracts.InMemoryClaimCheck;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.contracts.messages.DiffusionParams;
import dev.nextgpt.contracts.messages.OutputStored;
import dev.nextgpt.contracts.messages.SignalsReady;
import dev.nextgpt.decoder.testing.MediaProbe;
import dev.nextgpt.decoder.testing.MemoryArtifactStore;
import dev.nextgpt.decoder.testing.SampleSignals;
import dev.nextgpt.objectstore.ObjectKeys;
import java.awt.image.BufferedImage;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The stage on the real nano bundle, with an in-memory store and cancellation set by the test. */
class DecoderStageTest {
    private static final Map<Modality, DecoderTier> TIERS = new EnumMap<>(Modality.class);

    private final MemoryArtifactStore store = new MemoryArtifactStore();
    /** Progress reports as "job:index:fraction". */
    private final List<Progress> progress = new CopyOnWriteArrayList<>();
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();

    static synchronized DecoderTier tier(Modality m) {
        return TIERS.computeIfAbsent(m, k -> {
            DecoderTier tier = DecoderTier.load(SampleSignals.nanoBundle(), k, Clock.systemUTC());
            tier.warmUp();
            return tier;
        });
    }

    @AfterAll
    static void closeTiers() {
        TIERS.values().forEach(DecoderTier::close);
        TIERS.clear();
    }

    private record Progress(String jobId, int outputIndex, double fraction) {}

    private DecoderStage stage(Modality m) {
        return stage(m, true);
    }

    private DecoderStage stage(Modality m, boolean padBatches) {
        return new DecoderStage(tier(m).decoder(), DecoderSettings.defaults(m, SampleSignals.nanoBundle()).withPadBatches(padBatches),
                cancelled::contains, store, DecoderMetrics.inMemory(m));
    }

    private List<DecodeOutcome> run(DecoderStage stage, List<DecodeTask> tasks, ProgressSink extra) {
        return stage.process(tasks, (task, fraction) -> {
            progress.add(new Progress(task.jobId(), task.outputIndex(), fraction));
            extra.progress(task, fraction);
        });
    }

    private List<DecodeOutcome> run(DecoderStage stage, List<DecodeTask> tasks) {
        return run(stage, tasks, ProgressSink.NONE);
    }

    private static DecodeTask task(Modality m, SignalsReady message) {
        SignalsIntake intake = new SignalsIntake(tier(m).manifest(), DecoderSettings.defaults(m, SampleSignals.nanoBundle()));
        return intake.accept(message, new InMemoryClaimCheck());
    }

    private static DecodeTask task(Modality m, String job, int steps, long seed) {
        return task(m, SampleSignals.signals(job, m, 0, SampleSignals.steps(steps, seed), null));
    }

    private static OutputStored stored(DecodeOutcome outcome) {
        return assertInstanceOf(DecodeOutcome.Stored.class, outcome).message();
    }

    @ParameterizedTest
    @EnumSource(Modality.class)
    void storesAReadableArtifactAtItsKeyAnnouncesItsSha256AndReportsProgressUpTo1(Modality m) {
        DecodeTask task = task(m, SampleSignals.signals("job-" + m.wireName(), m, 1, SampleSignals.steps(5, 7), null));
        DecodeOutcome outcome = run(stage(m), List.of(task)).get(0);

        OutputStored out = stored(outcome);
        String ext = ObjectKeys.extension(m);
        assertEquals("tenants/tenant-a/jobs/job-" + m.wireName() + "/outputs/" + m.wireName() + "-1." + ext, out.objectKey());
        MemoryArtifactStore.Stored object = store.objects().get(out.objectKey());
        assertEquals(out.contentType(), object.contentType());
        assertEquals(ObjectKeys.contentType(m), out.contentType());
        assertEquals(object.bytes().length, out.size());
        assertEquals(ClaimCheck.sha256Hex(object.bytes()), out.sha256());
                assertEquals(1, out.outputIndex());

        switch (m) {
            case IMAGE -> {
                BufferedImage png = MediaProbe.png(object.bytes());
                assertEquals(32, png.getWidth());
                assertEquals(32, png.getHeight());
            }
            case AUDIO -> {
                MediaProbe.Wav wav = MediaProbe.wav(object.bytes());
                assertEquals(16_000f, wav.format().getSampleRate());
                assertEquals(1, wav.format().getChannels());
                assertEquals(16, wav.format().getSampleSizeInBits());
                assertEquals(16_000, wav.frames());
            }
            case VIDEO -> {
                assumeTrue(MediaProbe.ffprobeAvailable(), "ffprobe not installed");
                String probe = MediaProbe.ffprobeVideo(object.bytes());
                assertTrue(probe.contains("codec_name=h264"), probe);
                assertTrue(probe.contains("width=32") && probe.contains("height=32"), probe);
                assertTrue(probe.contains("nb_read_frames=8"), probe);
                assertTrue(probe.contains("format_name=mov,mp4"), probe);
            }
        }

        assertEquals(6, progress.size(), "5 steps (interval 0) then 1.0 once stored: " + progress);
        double last = 0;
        for (Progress p : progress) {
            assertEquals(1, p.outputIndex());
            assertTrue(p.fraction() > last, "progress grows: " + progress);
            last = p.fraction();
        }
        assertEquals(DecoderStage.DIFFUSION_SHARE, progress.get(4).fraction(), 1e-12);
        assertEquals(1.0, last);
    }

    @ParameterizedTest
    @EnumSource(Modality.class)
    void threeCompatibleRequestsRunAsOneBatchAndEachEqualsItsSoloBytes(Modality m) {
        DecoderStage stage = stage(m);
        List<DecodeOutcome> together = run(stage, List.of(similar(m, "job-a", 1), similar(m, "job-b", 2), similar(m, "job-c", 3)));
        assertEquals(1, stage.metrics().batches());
        assertEquals(3.0, stage.metrics().batchedRequests());
        for (int i = 0; i < together.size(); i++) {
            OutputStored batched = stored(together.get(i));
            OutputStored solo = stored(run(stage, List.of(similar(m, "solo-" + i, i + 1))).get(0));
            assertArrayEquals(store.objects().get(batched.objectKey()).bytes(), store.objects().get(solo.objectKey()).bytes(),
                    "output " + i + " of the batch has the bytes it has alone");
            assertEquals(batched.sha256(), solo.sha256());
        }
        assertEquals(4, stage.metrics().batches());
    }

    /** Requests that differ by job only when {@code variant} is the same: same signals, same params, same seed. */
    private static DecodeTask similar(Modality m, String job, int variant) {
        return task(m, SampleSignals.signals(job, m, 0, SampleSignals.steps(6, variant), null, SampleSignals.tensors(m, variant)));
    }

    @Test
    void aRedeliveredRequestWhoseArtifactIsStoredIsAnnouncedAgainWithoutDecodingOrRewriting() {
        DecoderStage stage = stage(Modality.AUDIO);
        SignalsReady message = SampleSignals.signals("job-r", Modality.AUDIO, 0, null, null);   // no seed: derived
        OutputStored first = stored(run(stage, List.of(task(Modality.AUDIO, message))).get(0));
        progress.clear();
        DecodeOutcome again = run(stage, List.of(task(Modality.AUDIO, message))).get(0);
        assertEquals(first, stored(again), "the same announcement");
        assertEquals(0, ((DecodeOutcome.Stored) again).stepsCompleted(), "not decoded again");
        assertEquals(List.of(first.objectKey()), store.puts(), "not rewritten");
        assertEquals(1.0, stage.metrics().alreadyStoredCount());
        assertEquals(List.of(new Progress("job-r", 0, 1.0)), progress);
    }

    @Test
    void theSameRequestDecodedAgainHasTheSameBytes() {
        SignalsReady message = SampleSignals.signals("job-s", Modality.VIDEO, 0,
                new DiffusionParams(4, null, null, null), null);   // seed derived from the work
        OutputStored first = stored(run(stage(Modality.VIDEO), List.of(task(Modality.VIDEO, message))).get(0));
        byte[] bytes = store.objects().remove(first.objectKey()).bytes();
        OutputStored second = stored(run(stage(Modality.VIDEO), List.of(task(Modality.VIDEO, message))).get(0));
        assertEquals(first, second);
        assertArrayEquals(bytes, store.objects().get(first.objectKey()).bytes());
    }

    @Test
    void aCancelDuringDiffusionStopsWithinAStepAndStoresNothingWhileTheBatchGoesOn() {
        DecoderStage stage = stage(Modality.VIDEO);
        List<DecodeOutcome> outcomes = run(stage, List.of(task(Modality.VIDEO, "job-x", 12, 1),
                task(Modality.VIDEO, "job-y", 12, 2)), (task, fraction) -> {
                    if (task.jobId().equals("job-x") && fraction >= DecoderStage.DIFFUSION_SHARE * 3 / 12) {
                        cancelled.add("job-x");
                    }
                });
        DecodeOutcome.Cancelled c = assertInstanceOf(DecodeOutcome.Cancelled.class, outcomes.get(0));
        assertEquals(3, c.stepsCompleted(), "stopped at the step boundary after the cancel");
        assertInstanceOf(DecodeOutcome.Stored.class, outcomes.get(1));
        assertEquals(Set.of("tenants/tenant-a/jobs/job-y/outputs/video-0.mp4"), store.objects().keySet());
        assertEquals(1.0, stage.metrics().cancellationCount());
        assertTrue(progress.stream().noneMatch(p -> p.jobId().equals("job-x") && p.fraction() == 1.0));
    }

    @Test
    void aCancelThatArrivesAfterTheLastStepStillStoresNothing() {
        DecodeOutcome outcome = run(stage(Modality.IMAGE), List.of(task(Modality.IMAGE, "job-late", 4, 1)),
                (task, fraction) -> {
                    if (fraction >= DecoderStage.DIFFUSION_SHARE) {
                        cancelled.add(task.jobId());
                    }
                }).get(0);
        assertEquals(4, assertInstanceOf(DecodeOutcome.Cancelled.class, outcome).stepsCompleted());
        assertTrue(store.puts().isEmpty());
    }

    @Test
    void anAlreadyCancelledJobRunsNothing() {
        cancelled.add("job-gone");
        DecodeOutcome outcome = run(stage(Modality.AUDIO), List.of(task(Modality.AUDIO, "job-gone", 20, 1))).get(0);
        assertEquals(0, assertInstanceOf(DecodeOutcome.Cancelled.class, outcome).stepsCompleted());
        assertTrue(progress.isEmpty());
        assertTrue(store.puts().isEmpty());
    }

    @Test
    void aDeadlineThatPassesDuringDiffusionFailsTheJobAtTheNextStep() {
        Instant start = Instant.now();
        AtomicLong reads = new AtomicLong();
        // every reading of this clock is 10 ms later than the one before
        Clock ticking = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return start.plusMillis(10 * reads.getAndIncrement());
            }
        };
        try (DecoderTier slow = DecoderTier.load(SampleSignals.nanoBundle(), Modality.IMAGE, ticking)) {
            DecoderStage stage = new DecoderStage(slow.decoder(), DecoderSettings.defaults(Modality.IMAGE, SampleSignals.nanoBundle()),
                    cancelled::contains, store, DecoderMetrics.inMemory(Modality.IMAGE));
            SignalsReady message = SampleSignals.signals("job-t", Modality.IMAGE, 0, SampleSignals.steps(50, 1),
                    start.plusMillis(105));
            DecodeOutcome outcome = run(stage, List.of(task(Modality.IMAGE, message))).get(0);
            assertEquals("deadline exceeded", assertInstanceOf(DecodeOutcome.Failed.class, outcome).reason());
            long steps = progress.size();
            assertTrue(steps > 0 && steps < 50, "stopped during diffusion after " + steps + " steps");
            assertTrue(store.puts().isEmpty());
        }
    }

    @Test
    void aPassedDeadlineFailsTheJobWithDeadlineExceeded() {
        SignalsReady late = SampleSignals.signals("job-d", Modality.IMAGE, 0, SampleSignals.steps(4, 1),
                Instant.now().minusSeconds(1));
        DecodeOutcome outcome = run(stage(Modality.IMAGE), List.of(task(Modality.IMAGE, late))).get(0);
        assertEquals("deadline exceeded", assertInstanceOf(DecodeOutcome.Failed.class, outcome).reason());
        assertTrue(store.puts().isEmpty());
    }
}
