package dev.nextgpt.runtime.decoding;

import dev.nextgpt.runtime.media.MediaOut;

import dev.nextgpt.contracts.Modality;
import java.util.Arrays;

/**
 * The result of one {@link DecodeRequest}. For {@link DecodeStatus#COMPLETED} it holds the media as float32, row-major:
 * image {@code [3,H,W]} and video {@code [3,F,H,W]} in [-1,1] (as the VAE produced them), audio {@code [S]} samples
 * clamped to [-1,1]; {@code sampleRate} (audio) and {@code fps} (video) come from the manifest, 0 otherwise. For the
 * other statuses {@code data} is empty and {@code shape} has no dims.
 */
public record DecodedMedia(
        String requestId,
        Modality modality,
        DecodeStatus status,
        float[] data,
        long[] shape,
        int sampleRate,
        int fps,
        int stepsCompleted,
        DecodeTimings timings) {

    static DecodedMedia unfinished(DecodeRequest request, DecodeStatus status, int stepsCompleted, DecodeTimings timings) {
        return new DecodedMedia(request.id(), request.modality(), status, new float[0], new long[0], 0, 0, stepsCompleted, timings);
    }

    public boolean completed() {
        return status == DecodeStatus.COMPLETED;
    }

    /** Image and video height (the second-to-last dim). */
    public int height() {
        requireVisual();
        return (int) shape[shape.length - 2];
    }

    /** Image and video width (the last dim). */
    public int width() {
        requireVisual();
        return (int) shape[shape.length - 1];
    }

    /** Video frames ({@code 1} for an image). */
    public int frames() {
        requireVisual();
        return modality == Modality.VIDEO ? (int) shape[1] : 1;
    }

    /** Seconds of audio or video. */
    public double durationSeconds() {
        requireCompleted();
        return switch (modality) {
            case AUDIO -> sampleRate > 0 ? (double) data.length / sampleRate : 0;
            case VIDEO -> fps > 0 ? (double) frames() / fps : 0;
            case IMAGE -> 0;
        };
    }

    /** Pixels as interleaved RGB bytes, frame after frame ({@code [F,H,W,3]}; one frame for an image); see {@link MediaOut}. */
    public byte[] toRgbBytes() {
        requireVisual();
        return MediaOut.toInterleavedRgb(data, frames(), height(), width());
    }

    /** Audio as PCM16 samples; see {@link MediaOut}. */
    public short[] toPcm16() {
        requireCompleted();
        if (modality != Modality.AUDIO) {
            throw new IllegalStateException(modality.wireName() + " result has no waveform");
        }
        return MediaOut.toPcm16(data);
    }

    private void requireCompleted() {
        if (!completed()) {
            throw new IllegalStateException("request " + requestId + " did not complete: " + status);
        }
    }

    private void requireVisual() {
        requireCompleted();
        if (modality == Modality.AUDIO) {
            throw new IllegalStateException("audio result has no pixels");
        }
    }

    @Override
    public String toString() {
        return "DecodedMedia[" + requestId + ", " + modality.wireName() + ", " + status + ", shape " + Arrays.toString(shape)
                + ", steps " + stepsCompleted + ", " + timings + "]";
    }
}
