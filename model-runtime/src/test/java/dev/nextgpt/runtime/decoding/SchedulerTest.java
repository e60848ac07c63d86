package dev.nextgpt.runtime.decoding;

import dev.nextgpt.runtime.testing.ReferenceTensors;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.nextgpt.runtime.bundle.BundleManifest.SchedulerSpec;
import dev.nextgpt.runtime.bundle.TorchRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The schedulers on their own: no model, only arrays. */
class SchedulerTest {
    /** Stable Diffusion's schedule, as in the nano manifest. */
    static final SchedulerSpec SD = new SchedulerSpec(1000, 0.00085, 0.012, "scaled_linear", "epsilon", false, 1);
    static final SchedulerSpec SD_ALPHA_ONE = new SchedulerSpec(1000, 0.00085, 0.012, "scaled_linear", "epsilon", true, 1);

    private static NDManager manager;

    @BeforeAll
    static void engine() {
        TorchRuntime.engine();
        manager = NDManager.newBaseManager(TorchRuntime.ENGINE);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void ddimTimestepsForTwentyStepsAreLeadingSpacedWithOffsetOne() {
        Scheduler ddim = Scheduler.create(SchedulerKind.DDIM, NoiseSchedule.of(SD), 20);
        int[] expected = new int[20];
        for (int i = 0; i < 20; i++) {
            expected[i] = 951 - 50 * i;
        }
        assertArrayEquals(expected, ddim.timesteps());
        assertEquals(951, expected[0]);
        assertEquals(1, expected[19]);
    }

    @Test
    void dpmSolverTimestepsAreRoundedLinspaceHalfToEven() {
        NoiseSchedule schedule = NoiseSchedule.of(SD);
        assertArrayEquals(new int[] {999, 832, 666, 500, 333, 166},
                Scheduler.create(SchedulerKind.DPMPP_2M, schedule, 6).timesteps());
        assertArrayEquals(new int[] {999, 949, 899, 849, 799, 749, 699, 649, 599, 549, 500, 450, 400, 350, 300, 250, 200, 150, 100, 50},
                Scheduler.create(SchedulerKind.DPMPP_2M, schedule, 20).timesteps());
    }

    @Test
    void scaledLinearScheduleMatchesItsDefinition() {
        NoiseSchedule s = NoiseSchedule.of(SD);
        assertEquals(0.00085, s.beta(0), 1e-15);
        assertEquals(0.012, s.beta(999), 1e-15);
        double product = 1;
        for (int t = 0; t < 1000; t++) {
            product *= 1 - s.beta(t);
        }
        assertEquals(product, s.alphaCumprod(999), 1e-15);
        assertEquals(1 - 0.00085, s.finalAlphaCumprod(), 1e-15);
        assertEquals(1.0, NoiseSchedule.of(SD_ALPHA_ONE).finalAlphaCumprod());
    }

    /** x_t = √ᾱ_t x0 + √(1−ᾱ_t) ε at the first timestep, then every step is given the true ε. */
    private static NDArray runWithTrueNoise(Scheduler scheduler, NoiseSchedule schedule, NDArray x0, NDArray noise,
            SchedulerState state, boolean checkPredictedX0) {
        double a = schedule.alphaCumprod(scheduler.timestep(0));
        NDArray x = x0.mul((float) Math.sqrt(a)).add(noise.mul((float) Math.sqrt(1 - a)));
        while (!state.done()) {
            x = scheduler.step(noise, x, state);
            if (checkPredictedX0) {
                assertTrue(ReferenceTensors.maxAbsDiff(x0, state.predictedOriginal()) < 1e-5f,
                        "step " + state.stepIndex() + " predicts x0 off by " + ReferenceTensors.maxAbsDiff(x0, state.predictedOriginal()));
            }
        }
        return x;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 20, 50})
    void dpmSolverRecoversX0WhenTheDenoiserReturnsTheTrueNoise(int steps) {
        try (NDManager m = manager.newSubManager()) {
            NDArray x0 = SeededNoise.sample(m, 1, new Shape(1, 4, 8, 8)).mul(0.5f);
            NDArray noise = SeededNoise.sample(m, 2, new Shape(1, 4, 8, 8));
            NoiseSchedule schedule = NoiseSchedule.of(SD);
            Scheduler dpm = Scheduler.create(SchedulerKind.DPMPP_2M, schedule, steps);
            NDArray out = runWithTrueNoise(dpm, schedule, x0, noise, dpm.newState(m), true);
            float diff = ReferenceTensors.maxAbsDiff(x0, out);
            assertTrue(diff < 1e-5f, "DPM-Solver++ with " + steps + " steps ends " + diff + " from x0");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 20, 50})
    void ddimRecoversX0WhenTheDenoiserReturnsTheTrueNoise(int steps) {
        try (NDManager m = manager.newSubManager()) {
            NDArray x0 = SeededNoise.sample(m, 3, new Shape(1, 4, 8, 8)).mul(0.5f);
            NDArray noise = SeededNoise.sample(m, 4, new Shape(1, 4, 8, 8));
            // with set_alpha_to_one the last step lands exactly on x0
            NoiseSchedule one = NoiseSchedule.of(SD_ALPHA_ONE);
            Scheduler ddimOne = Scheduler.create(SchedulerKind.DDIM, one, steps);
            NDArray out = runWithTrueNoise(ddimOne, one, x0, noise, ddimOne.newState(m), true);
            assertTrue(ReferenceTensors.maxAbsDiff(x0, out) < 1e-5f, "DDIM (alpha one) ends " + ReferenceTensors.maxAbsDiff(x0, out) + " from x0");

            // without it the last step lands on ᾱ[0]: √ᾱ0 x0 + √(1−ᾱ0) ε, and every step's x0 prediction is exact
            NoiseSchedule sd = NoiseSchedule.of(SD);
            Scheduler ddim = Scheduler.create(SchedulerKind.DDIM, sd, steps);
            NDArray last = runWithTrueNoise(ddim, sd, x0, noise, ddim.newState(m), true);
            double a0 = sd.alphaCumprod(0);
            NDArray expected = x0.mul((float) Math.sqrt(a0)).add(noise.mul((float) Math.sqrt(1 - a0)));
            assertTrue(ReferenceTensors.maxAbsDiff(expected, last) < 1e-5f);
        }
    }

    @ParameterizedTest
    @EnumSource(SchedulerKind.class)
    void interleavedRequestStatesDoNotInterfere(SchedulerKind kind) {
        try (NDManager m = manager.newSubManager()) {
            Scheduler s = Scheduler.create(kind, NoiseSchedule.of(SD), 5);
            NDArray epsA = SeededNoise.sample(m, 10, new Shape(1, 2, 3));
            NDArray epsB = SeededNoise.sample(m, 11, new Shape(1, 2, 3));
            // a alone
            NDArray aSolo = SeededNoise.sample(m, 12, new Shape(1, 2, 3));
            SchedulerState solo = s.newState(m);
            for (int i = 0; i < 5; i++) {
                aSolo = s.step(epsA.mul(1f + i), aSolo, solo);
            }
            // a and b interleaved
            NDArray a = SeededNoise.sample(m, 12, new Shape(1, 2, 3));
            NDArray b = SeededNoise.sample(m, 13, new Shape(1, 2, 3));
            SchedulerState sa = s.newState(m);
            SchedulerState sb = s.newState(m);
            for (int i = 0; i < 5; i++) {
                b = s.step(epsB, b, sb);
                a = s.step(epsA.mul(1f + i), a, sa);
            }
            assertEquals(0f, ReferenceTensors.maxAbsDiff(aSolo, a));
            assertTrue(sa.done());
            NDArray finalA = a;
            assertThrows(IllegalStateException.class, () -> s.step(epsA, finalA, sa));
        }
    }

    @Test
    void aStateOfAnotherSchedulerIsRefused() {
        try (NDManager m = manager.newSubManager()) {
            Scheduler five = Scheduler.create(SchedulerKind.DDIM, NoiseSchedule.of(SD), 5);
            Scheduler six = Scheduler.create(SchedulerKind.DDIM, NoiseSchedule.of(SD), 6);
            NDArray x = m.zeros(new Shape(1, 2));
            assertThrows(IllegalArgumentException.class, () -> six.step(x, x, five.newState(m)));
        }
    }

    @Test
    void schedulerKindsParseTheirManifestNamesAndRejectOthers() {
        assertEquals(SchedulerKind.DDIM, SchedulerKind.fromKey("ddim"));
        assertEquals(SchedulerKind.DPMPP_2M, SchedulerKind.fromKey(" DPMPP_2M "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SchedulerKind.fromKey("pndm"));
        assertTrue(e.getMessage().contains("pndm") && e.getMessage().contains("ddim, dpmpp_2m"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SchedulerKind.fromKey(null));
    }

    @Test
    void unsupportedSchedulesAreRefusedWithTheirName() {
        IllegalArgumentException beta = assertThrows(IllegalArgumentException.class,
                () -> NoiseSchedule.of(new SchedulerSpec(1000, 0.00085, 0.012, "squaredcos_cap_v2", "epsilon", false, 1)));
        assertTrue(beta.getMessage().contains("squaredcos_cap_v2"), beta.getMessage());
        IllegalArgumentException prediction = assertThrows(IllegalArgumentException.class,
                () -> NoiseSchedule.of(new SchedulerSpec(1000, 0.00085, 0.012, "scaled_linear", "v_prediction", false, 1)));
        assertTrue(prediction.getMessage().contains("v_prediction"), prediction.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Scheduler.create(SchedulerKind.DDIM, NoiseSchedule.of(SD), 0));
        assertThrows(IllegalArgumentException.class, () -> Scheduler.create(SchedulerKind.DDIM, NoiseSchedule.of(SD), 1000));
    }
}
