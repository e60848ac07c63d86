package dev.nextgpt.decoder;

import dev.nextgpt.contracts.ClaimCheck;
import dev.nextgpt.contracts.ContractViolation;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.contracts.messages.SignalsReady;
import dev.nextgpt.contracts.tensors.FloatTensor;
import dev.nextgpt.contracts.tensors.NamedTensors;
import dev.nextgpt.contracts.tensors.TensorCodec;
import dev.nextgpt.objectstore.ObjectKeys;
import dev.nextgpt.runtime.SignalGroup;
import dev.nextgpt.runtime.bundle.BundleManifest;
import dev.nextgpt.runtime.bundle.BundleManifest.SignalGroupSpec;
import dev.nextgpt.runtime.decoding.DiffusionParams;

/**
 * Checks a {@code SignalsReady} before it is queued and turns it into a {@link DecodeTask}. Two kinds of refusal:
 * a record that breaks the contract (another modality, unreadable or mis-shaped tensors, non-finite values) throws
 * {@link ContractViolation} and goes to the dead-letter topic; valid signals with parameters beyond the bundle's
 * limits throw {@link InvalidParamsException} and fail the job.
 */
public final class SignalsIntake {
    private final Modality modality;
    private final SignalGroupSpec group;
    private final int hiddenSize;
    private final ParamsResolver params;
    private final TensorCodec codec = new TensorCodec();

    public SignalsIntake(BundleManifest manifest, DecoderSettings settings) {
        this.modality = settings.modality();
        this.group = manifest.signalGroup(modality);
        this.hiddenSize = manifest.llm().hiddenSize();
        this.params = new ParamsResolver(manifest.decoder(modality), settings.stepsOverride());
    }

    /**
     * What can be checked without the object store (when the record is consumed, so a bad one goes to the dead-letter
     * topic): the modality, and inline signals completely. Claim-checked signals are checked by {@link #accept}.
     */
    public SignalsReady check(SignalsReady message) {
        requireModality(message);
        if (!message.signals().claimChecked()) {
            signalGroup(codec.decode(message.signals().inline()));
        }
        return message;
    }

    /** Resolves the signals (inline or by claim check), checks them and resolves the parameters. */
    public DecodeTask accept(SignalsReady message, ClaimCheck claims) {
        requireModality(message);
        byte[] blob = message.signals().resolve(claims);
        SignalGroup signals = signalGroup(codec.decode(blob));
        DiffusionParams resolved = params.resolve(message.diffusion(), message.idempotencyKey());
        return new DecodeTask(message, signals, resolved,
                ObjectKeys.output(message.tenant(), message.jobId(), modality, message.outputIndex()));
    }

    private void requireModality(SignalsReady message) {
        if (message.modality() != modality) {
            throw new ContractViolation("signals.ready for " + message.modality().wireName() + " output "
                    + message.outputIndex() + " reached the " + modality.wireName() + " decoder");
        }
    }

    /** The signal group of decoded tensors: [N, H] with N this modality's token count and H the bundle's hidden size. */
    SignalGroup signalGroup(NamedTensors tensors) {
        SignalsReady.checkSignals(tensors, modality);
        FloatTensor hidden = tensors.require(SignalsReady.SIGNAL_HIDDEN).requireShape(group.count(), hiddenSize);
        float[] values = hidden.values();
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new ContractViolation("tensor '" + SignalsReady.SIGNAL_HIDDEN + "': value " + i + " is " + values[i]);
            }
        }
        // The runtime takes the signal tokens' input embeddings from the bundle (the same rows of llm.embed), so
        // signal_embeds is checked for shape only.
        int[] ids = new int[group.count()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = group.firstId() + i;
        }
        return new SignalGroup(modality, ids, hiddenSize, values, false);
    }
}
