package dev.nextgpt.runtime.encoding.preprocess;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * pytorchvideo's {@code ConstantClipsPerVideoSampler} as ImageBind uses it: {@code clips} clips of
 * {@code clipSeconds}, spread evenly over the input:
 * <pre>
 *   max_start = max(duration − clip_seconds, 0)
 *   spacing   = max_start / max(clips − 1, 1)
 *   clip i    = [i · spacing, i · spacing + clip_seconds)
 * </pre>
 * pytorchvideo computes with {@code fractions.Fraction}, so sample bounds {@code [int(start · sr), int(end · sr))}
 * are exact; {@link Clip#firstSample(int)} and {@link Clip#endSample(int)} reproduce them exactly with
 * {@link BigDecimal}. Clips may reach past the end of a short input.
 */
public final class ClipSampler {

    /** One clip: its index and exact bounds. */
    public static final class Clip {
        private final int index;
        private final BigDecimal start; // exact: max_start · i / divisor (kept as numerator and divisor)
        private final BigDecimal startNumerator;
        private final int divisor;
        private final BigDecimal clipSeconds;

        Clip(int index, BigDecimal maxStart, int divisor, BigDecimal clipSeconds) {
            this.index = index;
            this.startNumerator = maxStart.multiply(BigDecimal.valueOf(index));
            this.divisor = divisor;
            this.clipSeconds = clipSeconds;
            this.start = startNumerator.divide(BigDecimal.valueOf(divisor), 40, RoundingMode.HALF_EVEN);
        }

        public int index() {
            return index;
        }

        public double start() {
            return start.doubleValue();
        }

        public double end() {
            return start.add(clipSeconds).doubleValue();
        }

        /** {@code int(start · sampleRate)}, exact. */
        public long firstSample(int sampleRate) {
            return floorDiv(startNumerator.multiply(BigDecimal.valueOf(sampleRate)), divisor);
        }

        /** {@code int(end · sampleRate)}, exact (may exceed the input length). */
        public long endSample(int sampleRate) {
            BigDecimal num = startNumerator.add(clipSeconds.multiply(BigDecimal.valueOf(divisor)))
                    .multiply(BigDecimal.valueOf(sampleRate));
            return floorDiv(num, divisor);
        }

        private static long floorDiv(BigDecimal numerator, int divisor) {
            return numerator.divide(BigDecimal.valueOf(divisor), 0, RoundingMode.FLOOR).longValueExact();
        }

        @Override
        public String toString() {
            return "Clip" + index + "[" + start() + ", " + end() + ")";
        }
    }

    private final double clipSeconds;
    private final int clips;

    public ClipSampler(double clipSeconds, int clips) {
        if (!(clipSeconds > 0) || Double.isInfinite(clipSeconds)) {
            throw new IllegalArgumentException("clip_seconds must be positive: " + clipSeconds);
        }
        if (clips < 1) {
            throw new IllegalArgumentException("clips must be at least 1: " + clips);
        }
        this.clipSeconds = clipSeconds;
        this.clips = clips;
    }

    public double clipSeconds() {
        return clipSeconds;
    }

    public int clipCount() {
        return clips;
    }

    /** The clips over an input of {@code durationSeconds}. */
    public List<Clip> clips(double durationSeconds) {
        if (!(durationSeconds >= 0) || Double.isInfinite(durationSeconds)) {
            throw new IllegalArgumentException("duration must be finite and non-negative: " + durationSeconds);
        }
        // Python: max(video_duration - clip_duration, 0), computed in float before Fraction() makes it exact
        double maxStart = Math.max(durationSeconds - clipSeconds, 0.0);
        BigDecimal exactMaxStart = new BigDecimal(maxStart);
        BigDecimal exactClip = new BigDecimal(clipSeconds);
        int divisor = Math.max(clips - 1, 1);
        List<Clip> out = new ArrayList<>(clips);
        for (int i = 0; i < clips; i++) {
            out.add(new Clip(i, exactMaxStart, divisor, exactClip));
        }
        return out;
    }
}
