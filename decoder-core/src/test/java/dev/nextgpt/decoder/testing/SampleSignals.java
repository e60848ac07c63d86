package dev.nextgpt.decoder.testing;

import dev.nextgpt.contracts.Modality;
import dev.nextgpt.contracts.messages.DiffusionParams;
import dev.nextgpt.contracts.messages.Messages;
import dev.nextgpt.contracts.messages.SignalsReady;
import dev.nextgpt.contracts.messages.TensorPayload;
import dev.nextgpt.contracts.tensors.FloatTensor;
import dev.nextgpt.contracts.tensors.NamedTensors;
import dev.nextgpt.contracts.tensors.TensorCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * Signals as the LLM service would send them, without running the LLM: random but valid [N, H] F16 tensors through
 * the contract's {@link TensorCodec}, wrapped in a {@link SignalsReady}. Shared with the decoder apps' tests.
 */
public final class SampleSignals {
    /** The nano bundle's LLM hidden size. */
    public static final int NANO_HIDDEN = 256;
    public static final String TENANT = "tenant-a";

    private SampleSignals() {}

    /** A safetensors blob with {@code signal_hidden} and {@code signal_embeds} of shape [rows, hidden]. */
    public static byte[] tensors(int rows, int hidden, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] h = new float[rows * hidden];
        float[] e = new float[rows * hidden];
        for (int i = 0; i < h.length; i++) {
            h[i] = (float) (random.nextDouble(-2, 2));
            e[i] = (float) (random.nextDouble(-0.1, 0.1));
        }
        return new TensorCodec().encode(NamedTensors.of(
                FloatTensor.f16(SignalsReady.SIGNAL_HIDDEN, new long[] {rows, hidden}, h),
                FloatTensor.f16(SignalsReady.SIGNAL_EMBEDS, new long[] {rows, hidden}, e)));
    }

    /** Valid signals of {@code modality} for the nano bundle. */
    public static byte[] tensors(Modality modality, long seed) {
        return tensors(modality.signalTokenCount(), NANO_HIDDEN, seed);
    }

    public static SignalsReady signals(String jobId, Modality modality, int index, DiffusionParams params, Instant deadline) {
        return signals(jobId, modality, index, params, deadline, tensors(modality, jobId.hashCode()));
    }

    public static SignalsReady signals(String jobId, Modality modality, int index, DiffusionParams params, Instant deadline,
            byte[] tensors) {
        return new SignalsReady(Messages.SCHEMA, jobId, TENANT, modality, index, TensorPayload.inline(tensors), params, deadline);
    }

    /** Diffusion params with a fixed seed and {@code steps} steps, the bundle's guidance and scheduler. */
    public static DiffusionParams steps(int steps, long seed) {
        return new DiffusionParams(steps, null, null, seed);
    }

    /** {@code models/nano} of the checkout ({@code nextgpt.repo.root}, or the first parent holding it). */
    public static Path nanoBundle() {
        String root = System.getProperty("nextgpt.repo.root");
        if (root != null && Files.isDirectory(Path.of(root, "models/nano"))) {
            return Path.of(root, "models/nano").toAbsolutePath();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("models/nano"))) {
                return p.resolve("models/nano");
            }
        }
        throw new IllegalStateException("no models/nano above " + Path.of("").toAbsolutePath());
    }
}
