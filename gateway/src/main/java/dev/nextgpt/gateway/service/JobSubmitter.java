package dev.nextgpt.gateway.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.contracts.messages.ContentPart;
import dev.nextgpt.contracts.messages.ControlCommand;
import dev.nextgpt.contracts.messages.DiffusionParams;
import dev.nextgpt.contracts.messages.JobRequested;
import dev.nextgpt.contracts.messages.MediaRef;
import dev.nextgpt.contracts.messages.Messages;
import dev.nextgpt.contracts.messages.Turn;
import dev.nextgpt.contracts.messages.Webhook;
import dev.nextgpt.gateway.ApiException;
import dev.nextgpt.gateway.JobSnapshot;
import dev.nextgpt.gateway.JobSubmission;
import dev.nextgpt.gateway.JobSubmission.MediaInput;
import dev.nextgpt.gateway.JobSubmission.PartInput;
import dev.nextgpt.gateway.JobSubmission.TextInput;
import dev.nextgpt.gateway.JobSubmission.TurnInput;
import dev.nextgpt.gateway.client.JobTopics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Accepts jobs and cancellations: resolves media into the object store, posts the contract's record to Kafka, and
 * applies it to the {@link JobStore} once Kafka acknowledged it (so the caller reads its own write at once).
 *
 * <p>With an {@code Idempotency-Key} the job id is a name-based UUID of (tenant, key): every replica, every retry gives
 * the same id. The record carries a digest of the request, so a second submission with another body is a 409.
 */
@ApplicationScoped
public class JobSubmitter {
    private static final ObjectMapper CANONICAL = Messages.mapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /** What a submission did: the job, and whether it existed already under the same idempotency key. */
    public record Accepted(JobSnapshot job, boolean replayed) {
    }

    private final JobStore store;
    private final MediaUploads uploads;
    private final JobTopics topics;
    private final SecretSealer sealer;
    private final GatewayMetrics metrics;
    private final Clock clock;
    private final Object[] keyLocks = new Object[64];

    @Inject
    public JobSubmitter(JobStore store, MediaUploads uploads, JobTopics topics, SecretSealer sealer,
            GatewayMetrics metrics, Clock clock) {
        this.store = store;
        this.uploads = uploads;
        this.topics = topics;
        this.sealer = sealer;
        this.metrics = metrics;
        this.clock = clock;
        for (int i = 0; i < keyLocks.length; i++) {
            keyLocks[i] = new Object();
        }
    }

    /** The job id of an idempotent submission: the same for the same tenant and key, everywhere. */
    public static String idempotentJobId(String tenant, String idempotencyKey) {
        return "job-" + UUID.nameUUIDFromBytes(("nextgpt:idempotency:" + tenant + "\n" + idempotencyKey)
                .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Submits a job.
     *
     * @param idempotencyKey the client's key, or null
     * @param formParts the files of a multipart request by field name (empty for JSON)
     */
    public Accepted submit(String tenant, JobSubmission submission, String idempotencyKey, Map<String, MediaUploads.Upload> formParts) {
        List<Turn> turns = resolveMedia(tenant, submission, formParts);
        if (idempotencyKey == null) {
            return new Accepted(publish(tenant, "job-" + UUID.randomUUID(), submission, turns, null), false);
        }
        String jobId = idempotentJobId(tenant, idempotencyKey);
        String digest = sealer.digest(canonical(submission, turns));
        synchronized (keyLocks[Math.floorMod(jobId.hashCode(), keyLocks.length)]) {
            var existing = store.get(tenant, jobId);
            if (existing.isPresent()) {
                String previous = existing.get().request().requestDigest();
                if (!digest.equals(previous)) {
                    throw ApiException.conflict("idempotency_conflict", "Idempotency-Key: '" + idempotencyKey
                            + "' was used for job " + jobId + " with a different request body; use a new key for a "
                            + "new job");
                }
                metrics.replayed();
                return new Accepted(existing.get(), true);
            }
            return new Accepted(publish(tenant, jobId, submission, turns, digest), false);
        }
    }

    private JobSnapshot publish(String tenant, String jobId, JobSubmission s, List<Turn> turns, String digest) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Instant deadline = s.deadlineSeconds() == null ? null : now.plusSeconds(s.deadlineSeconds());
        Webhook webhook = s.webhook() == null ? null
                : new Webhook(s.webhook().url(), false, sealer.seal(jobId, s.webhook().secret()));
        JobRequested request = new JobRequested(Messages.SCHEMA, jobId, tenant, now, turns, s.forcedOutputs(),
                s.generation(), DiffusionParams.DEFAULTS, deadline, webhook, s.diffusion(), digest);
        topics.submit(request);
        store.apply(request, now);
        metrics.submitted();
        return store.get(tenant, jobId).orElseThrow();
    }

    private List<Turn> resolveMedia(String tenant, JobSubmission s, Map<String, MediaUploads.Upload> formParts) {
        List<Turn> turns = new ArrayList<>();
        for (TurnInput turn : s.turns()) {
            List<ContentPart> parts = new ArrayList<>();
            for (PartInput part : turn.parts()) {
                if (part instanceof TextInput text) {
                    parts.add(new ContentPart.Text(text.text()));
                } else if (part instanceof MediaInput media) {
                    parts.add(new ContentPart.Media(resolve(tenant, media, formParts)));
                }
            }
            turns.add(new Turn(turn.role(), parts));
        }
        return turns;
    }

    private MediaRef resolve(String tenant, MediaInput media, Map<String, MediaUploads.Upload> formParts) {
        if (media.fileId() != null) {
            return uploads.resolve(tenant, media.fileId(), media.modality(), media.field() + ".file_id");
        }
        if (media.data() != null) {
            return uploads.store(tenant, media.data(), media.modality(), media.field() + ".data");
        }
        MediaUploads.Upload file = formParts.get(media.formPart());
        if (file == null) {
            throw ApiException.invalid(media.field() + ".part", "the request has no multipart file field '"
                    + media.formPart() + "'" + (formParts.isEmpty() ? " (it is not multipart/form-data)"
                    : " (it has " + String.join(", ", new TreeMap<>(formParts).keySet()) + ")"));
        }
        return uploads.store(tenant, file, media.modality(), media.field() + " (multipart field '"
                + media.formPart() + "')");
    }

    /** The request as its digest sees it: media by content, the webhook with its secret. */
    private static String canonical(JobSubmission s, List<Turn> turns) {
        Map<String, Object> c = new LinkedHashMap<>();
        List<Object> conversation = new ArrayList<>();
        for (Turn turn : turns) {
            List<Object> parts = new ArrayList<>();
            for (ContentPart part : turn.content()) {
                if (part instanceof ContentPart.Text text) {
                    parts.add(Map.of("text", text.text()));
                } else if (part instanceof ContentPart.Media media) {
                    parts.add(Map.of(media.media().modality().wireName(), media.media().sha256()));
                }
            }
            conversation.add(Map.of("role", turn.role().wireName(), "content", parts));
        }
        c.put("messages", conversation);
        c.put("outputs", s.forcedOutputs().stream().map(Modality::wireName).toList());
        c.put("generation", s.generation());
        Map<String, Object> params = new TreeMap<>();
        s.diffusion().forEach((m, p) -> params.put(m.wireName(), p));
        c.put("params", params);
        c.put("deadline_seconds", s.deadlineSeconds());
        c.put("webhook", s.webhook() == null ? null : Map.of("url", s.webhook().url(), "secret", s.webhook().secret()));
        try {
            return CANONICAL.writeValueAsString(c);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Cancels a queued or running job: 404 for another tenant's or an unknown job, 409 for a terminal one. */
    public JobSnapshot cancel(String tenant, String jobId, String reason) {
        JobSnapshot job = store.get(tenant, jobId).orElseThrow(() -> jobNotFound(jobId));
        if (job.status().terminal()) {
            throw ApiException.conflict("job_terminal", "job " + jobId + " is already " + job.status().wireName()
                    + "; only queued or running jobs can be cancelled");
        }
        ControlCommand command = ControlCommand.cancel(jobId, tenant, reason,
                clock.instant().truncatedTo(ChronoUnit.MILLIS));
        topics.cancel(command);
        store.apply(command, command.at());
        return store.get(tenant, jobId).orElseThrow();
    }

    /** The one answer for an unknown job and another tenant's job. */
    public static ApiException jobNotFound(String jobId) {
        return ApiException.notFound("job_not_found", "job '" + abbreviate(jobId) + "' not found");
    }

    private static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }
}
