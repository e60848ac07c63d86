package dev.nextgpt.gateway.mapping;

import dev.nextgpt.contracts.Modality;
import dev.nextgpt.gateway.Artifact;
import dev.nextgpt.gateway.DeliveryAttempt;
import dev.nextgpt.gateway.JobSnapshot;
import dev.nextgpt.gateway.JobUpdate;
import dev.nextgpt.gateway.StageProgress;
import dev.nextgpt.gateway.config.GatewayConfig;
import dev.nextgpt.gateway.mapping.JobView.ArtifactView;
import dev.nextgpt.gateway.mapping.JobView.AttemptView;
import dev.nextgpt.gateway.mapping.JobView.ErrorView;
import dev.nextgpt.gateway.mapping.JobView.OutputRef;
import dev.nextgpt.gateway.mapping.JobView.StageView;
import dev.nextgpt.gateway.mapping.JobView.WebhookView;
import dev.nextgpt.objectstore.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/** Turns the gateway's job state into what the API shows: job answers, artifacts with presigned URLs, SSE data. */
@ApplicationScoped
public class JobMapper {
    private static final Logger LOG = Logger.getLogger(JobMapper.class);

    private final ObjectStore store;
    private final Duration urlExpiry;
    private final Clock clock;

    @Inject
    public JobMapper(ObjectStore store, GatewayConfig config, Clock clock) {
        this.store = store;
        this.urlExpiry = config.artifacts().urlExpiry();
        this.clock = clock;
    }

    /** The job as the API shows it, artifact URLs presigned now. */
    public JobView view(JobSnapshot s) {
        Object outputs = s.request().outputs().isEmpty() ? "auto"
                : s.request().outputs().stream().map(Modality::wireName).toList();
        List<StageView> stages = s.stages().stream().map(JobMapper::stage).toList();
        List<OutputRef> planned = s.plannedOutputs().stream()
                .map(p -> new OutputRef(p.modality().wireName(), p.outputIndex())).toList();
        ErrorView error = s.error() == null ? null : new ErrorView(s.error().stage().wireName(),
                s.error().outputIndex(), s.error().reason());
        WebhookView webhook = null;
        if (s.hasWebhook()) {
            List<AttemptView> attempts = s.webhookAttempts().stream().map(JobMapper::attempt).toList();
            webhook = new WebhookView(s.request().webhook().url(), s.status().terminal() ? s.webhookEventId() : null,
                    s.status().terminal() && s.webhookDelivered(), attempts);
        }
        return new JobView(s.id(), "job", s.status(), s.createdAt(), s.updatedAt(), s.finishedAt(),
                s.request().deadline(), outputs, stages, s.text(), s.finishReason(), planned,
                s.artifacts().stream().map(this::artifact).toList(), error, s.cancelReason(), webhook);
    }

    /** An artifact with a URL that works for the configured expiry. */
    public ArtifactView artifact(Artifact a) {
        String url = null;
        Instant expires = null;
        try {
            url = store.presignGet(a.objectKey(), urlExpiry);
            expires = clock.instant().plus(urlExpiry).truncatedTo(ChronoUnit.SECONDS);
        } catch (RuntimeException e) {
            LOG.warnf("presigning %s failed: %s", a.objectKey(), e.getMessage());
        }
        return new ArtifactView(a.modality().wireName(), a.index(), a.contentType(), a.size(), a.sha256(), url,
                expires, a.storedAt());
    }

    /** The data of an SSE event: the update's detail, or the whole job for status changes. */
    public Object eventData(JobUpdate update, JobSnapshot job) {
        Object detail = update.detail();
        if (detail instanceof JobUpdate.TextPiece piece) {
            return Map.of("sequence", piece.sequence(), "text", piece.text());
        }
        if (detail instanceof JobUpdate.FinalText text) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("text", text.text());
            out.put("finish_reason", text.finishReason());
            out.put("outputs", text.outputs().stream()
                    .map(p -> new OutputRef(p.modality().wireName(), p.outputIndex())).toList());
            return out;
        }
        if (detail instanceof StageProgress progress) {
            return stage(progress);
        }
        if (detail instanceof Artifact artifact) {
            return artifact(artifact);
        }
        if (update.kind().terminal()) {
            return view(job);
        }
        return Map.of("id", job.id(), "status", update.kind().eventName());
    }

    private static StageView stage(StageProgress p) {
        return new StageView(p.stage().wireName(), p.outputIndex(), p.progress(), p.at());
    }

    private static AttemptView attempt(DeliveryAttempt d) {
        var a = d.attempt();
        return new AttemptView(a.attempt(), a.eventId(), a.jobStatus(), d.at(), a.delivered(), a.httpStatus(),
                a.error());
    }
}
