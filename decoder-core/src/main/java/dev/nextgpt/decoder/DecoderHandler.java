package dev.nextgpt.decoder;

import dev.nextgpt.contracts.ClaimCheck;
import dev.nextgpt.contracts.ContractViolation;
import dev.nextgpt.contracts.Topics;
import dev.nextgpt.contracts.messages.SignalsReady;
import dev.nextgpt.objectstore.ObjectStoreException;
import dev.nextgpt.worker.BatchHandler;
import dev.nextgpt.worker.Delivery;
import dev.nextgpt.worker.Outcome;
import dev.nextgpt.worker.StageContext;
import dev.nextgpt.worker.TransientFailure;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stage worker's handler for a batch of {@code SignalsReady}: intake (claim checks resolved, parameters checked
 * against the bundle), {@link DecoderStage}, then {@code OutputStored} to {@code nextgpt.jobs.outputs} in the trace of
 * the request. Invalid parameters fail the job with the reason; an unreachable object store postpones the batch
 * ({@link TransientFailure}: nothing committed, consumed again).
 */
public final class DecoderHandler implements BatchHandler<SignalsReady> {
    private final SignalsIntake intake;
    private final DecoderStage stage;
    private final ClaimCheck claims;

    public DecoderHandler(SignalsIntake intake, DecoderStage stage, ClaimCheck claims) {
        this.intake = intake;
        this.stage = stage;
        this.claims = claims;
    }

    @Override
    public List<Outcome> handle(List<Delivery<SignalsReady>> batch, StageContext context) {
        Outcome[] outcomes = new Outcome[batch.size()];
        List<DecodeTask> tasks = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        Map<DecodeTask, Delivery<SignalsReady>> deliveries = new IdentityHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            Delivery<SignalsReady> d = batch.get(i);
            try {
                DecodeTask task = intake.accept(d.message(), claims);
                tasks.add(task);
                positions.add(i);
                deliveries.put(task, d);
            } catch (InvalidParamsException e) {
                stage.metrics().failed("invalid_params");
                outcomes[i] = Outcome.failed(e.getMessage());
            } catch (ObjectStoreException e) {
                throw new TransientFailure("reading the claim-checked signals of " + d.jobId() + ": " + e.getMessage(), e);
            } catch (ContractViolation e) {
                // only claim-checked signals get here: inline ones were checked when consumed (dead letter)
                stage.metrics().failed("invalid_signals");
                outcomes[i] = Outcome.failed("invalid signals: " + e.getMessage());
            }
        }

        List<DecodeOutcome> decoded;
        try {
            decoded = stage.process(tasks, (task, fraction) -> {
                Delivery<SignalsReady> d = deliveries.get(task);
                context.events().progress(d, d.outputIndex(), fraction);
            });
        } catch (ObjectStoreException e) {
            throw new TransientFailure("storing an artifact: " + e.getMessage(), e);
        }
        for (int k = 0; k < decoded.size(); k++) {
            DecodeOutcome o = decoded.get(k);
            Delivery<SignalsReady> d = deliveries.get(o.task());
            if (o instanceof DecodeOutcome.Stored s) {
                context.publisher().send(d, Topics.JOBS_OUTPUTS, s.message());
                outcomes[positions.get(k)] = Outcome.DONE;
            } else if (o instanceof DecodeOutcome.Failed f) {
                outcomes[positions.get(k)] = Outcome.failed(f.reason());
            } else {
                outcomes[positions.get(k)] = Outcome.cancelled();
            }
        }
        // a mutable list: the worker checks the outcomes with contains(null), which immutable lists refuse
        return new ArrayList<>(Arrays.asList(outcomes));
    }
}
