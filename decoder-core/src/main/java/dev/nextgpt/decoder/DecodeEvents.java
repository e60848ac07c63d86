package dev.nextgpt.decoder;

import dev.nextgpt.contracts.Stage;
import dev.nextgpt.contracts.messages.JobEvent;
import dev.nextgpt.contracts.messages.Messages;
import dev.nextgpt.contracts.messages.OutputStored;
import dev.nextgpt.contracts.messages.SignalsReady;
import java.time.Clock;

/** The messages a decoder emits about one output, stamped with the stage {@code decode-<modality>} and its index. */
public final class DecodeEvents {
    /** Reason of the FAILED event when the job's deadline passed (the text the gateway and clients see). */
    public static final String DEADLINE_EXCEEDED = "deadline exceeded";

    private final Clock clock;

    public DecodeEvents(Clock clock) {
        this.clock = clock;
    }

    public JobEvent progress(SignalsReady request, double fraction) {
        return JobEvent.progress(request.jobId(), request.tenant(), stage(request), request.outputIndex(), fraction,
                clock.instant());
    }

    public JobEvent failed(SignalsReady request, String reason) {
        return JobEvent.failed(request.jobId(), request.tenant(), stage(request), request.outputIndex(), reason,
                clock.instant());
    }

    public JobEvent cancelled(SignalsReady request, String reason) {
        return new JobEvent(Messages.SCHEMA, request.jobId(), request.tenant(), JobEvent.Kind.CANCELLED, stage(request),
                request.outputIndex(), null, reason, clock.instant());
    }

    public OutputStored stored(DecodeTask task, Artifact artifact) {
        SignalsReady r = task.message();
        return new OutputStored(Messages.SCHEMA, r.jobId(), r.tenant(), r.modality(), r.outputIndex(), task.objectKey(),
                artifact.contentType(), artifact.size(), artifact.sha256());
    }

    private static Stage stage(SignalsReady request) {
        return Stage.decode(request.modality());
    }
}
