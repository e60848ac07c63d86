package dev.nextgpt.gateway.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nextgpt.contracts.Identifiers;
import dev.nextgpt.gateway.ApiException;
import dev.nextgpt.gateway.JobSnapshot;
import dev.nextgpt.gateway.JobSubmission;
import dev.nextgpt.gateway.JobUpdate;
import dev.nextgpt.gateway.config.GatewayConfig;
import dev.nextgpt.gateway.listener.GatewayLifecycle;
import dev.nextgpt.gateway.mapping.JobMapper;
import dev.nextgpt.gateway.mapping.JobRequestSchema;
import dev.nextgpt.gateway.mapping.JobView;
import dev.nextgpt.gateway.service.GatewayMetrics;
import dev.nextgpt.gateway.service.JobStore;
import dev.nextgpt.gateway.service.JobSubmitter;
import dev.nextgpt.gateway.service.MediaUploads;
import dev.nextgpt.gateway.service.WebhookTargets;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.multipart.FormValue;
import org.jboss.resteasy.reactive.server.multipart.MultipartFormDataInput;

/** The async job API: submit, read, list, follow and cancel jobs. */
@Path("/v1/jobs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "jobs")
@SecurityRequirement(name = "apiKey")
public class JobResource {
    private static final ScheduledExecutorService KEEP_ALIVE = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sse-keep-alive");
        t.setDaemon(true);
        return t;
    });

    /** What {@code POST /v1/jobs} answers. */
    public record Accepted(String id, String status) {
    }

    /** A page of jobs. */
    public record JobList(String object, List<JobView> data, @JsonProperty("has_more") boolean hasMore,
            @JsonProperty("next_cursor") String nextCursor) {
    }

    @Inject
    Caller caller;
    @Inject
    JobStore store;
    @Inject
    JobSubmitter submitter;
    @Inject
    JobMapper mapper;
    @Inject
    GatewayConfig config;
    @Inject
    WebhookTargets webhookTargets;
    @Inject
    GatewayLifecycle lifecycle;
    @Inject
    GatewayMetrics metrics;
    @Inject
    ObjectMapper json;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a job", description = "Queues a job; answers at once with its id. Media parts give "
            + "a file_id from POST /v1/files or base64 data. With an Idempotency-Key, a retry returns the same job.")
    @RequestBody(content = @Content(schema = @Schema(implementation = JobRequestSchema.class)))
    @APIResponse(responseCode = "202", description = "Queued",
            content = @Content(schema = @Schema(implementation = Accepted.class)))
    @APIResponse(responseCode = "400", description = "A field breaks a rule (the message names it)",
            content = @Content(schema = @Schema(implementation = ErrorMappers.ErrorBody.class)))
    @APIResponse(responseCode = "409", description = "Idempotency-Key reused with another body",
            content = @Content(schema = @Schema(implementation = ErrorMappers.ErrorBody.class)))
    public Response submit(byte[] body,
            @Parameter(description = "Makes the submission safe to retry: same key, same job")
            @HeaderParam("Idempotency-Key") String idempotencyKey) {
        String key = idempotencyKey(idempotencyKey);
        requireCaughtUp();
        JsonNode json = JobRequestReader.parse(body, "request body");
        return accepted(submitter.submit(caller.tenant(), reader().read(json), key, Map.of()));
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Submit a job with media files", description = "multipart/form-data: a 'job' field with "
            + "the JSON request, and file fields that media parts name with \"part\": \"<field>\".")
    @RequestBody(content = @Content(mediaType = MediaType.MULTIPART_FORM_DATA,
            schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(responseCode = "202", description = "Queued",
            content = @Content(schema = @Schema(implementation = Accepted.class)))
    public Response submitMultipart(MultipartFormDataInput form,
            @HeaderParam("Idempotency-Key") String idempotencyKey) {
        String key = idempotencyKey(idempotencyKey);
        requireCaughtUp();
        Map<String, Collection<FormValue>> values = form.getValues();
        Collection<FormValue> job = values.get("job");
        if (job == null || job.isEmpty()) {
            throw ApiException.invalid("job", "the multipart field 'job' (the JSON request) is missing");
        }
        if (job.size() > 1) {
            throw ApiException.invalid("job", "the multipart field 'job' is given " + job.size() + " times");
        }
        JsonNode json = JobRequestReader.parse(bytes(job.iterator().next()), "multipart field 'job'");
        JobSubmission submission = reader().read(json);
        Map<String, MediaUploads.Upload> files = new HashMap<>();
        for (Map.Entry<String, Collection<FormValue>> e : values.entrySet()) {
            if (e.getKey().equals("job")) {
                continue;
            }
            if (e.getValue().size() > 1) {
                throw ApiException.invalid(e.getKey(), "the multipart field '" + e.getKey() + "' is given "
                        + e.getValue().size() + " times; give each file its own field name");
            }
            files.put(e.getKey(), upload(e.getValue().iterator().next()));
        }
        return accepted(submitter.submit(caller.tenant(), submission, key, files));
    }

    @GET
    @Path("{id}")
    @Operation(summary = "A job: status, per-stage progress, text, artifacts with presigned URLs, error, webhook")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = JobView.class)))
    @APIResponse(responseCode = "404", description = "No such job for this API key",
            content = @Content(schema = @Schema(implementation = ErrorMappers.ErrorBody.class)))
    public JobView get(@PathParam("id") String id) {
        requireCaughtUp();
        return mapper.view(job(id));
    }

    @GET
    @Operation(summary = "The tenant's jobs, newest first")
    public JobList list(@Parameter(description = "Jobs per page, 1..max (default 20)") @QueryParam("limit") String limit,
            @Parameter(description = "next_cursor of the previous page") @QueryParam("cursor") String cursor) {
        requireCaughtUp();
        int n = limit(limit);
        Instant afterCreated = null;
        String afterId = null;
        if (cursor != null) {
            String[] c = decodeCursor(cursor);
            afterCreated = Instant.ofEpochMilli(Long.parseLong(c[0]));
            afterId = c[1];
        }
        JobStore.Page page = store.list(caller.tenant(), afterCreated, afterId, n);
        String next = page.more() && page.last() != null ? encodeCursor(page.last()) : null;
        return new JobList("list", page.jobs().stream().map(mapper::view).toList(), page.more(), next);
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Cancel a queued or running job", description = "Posts a cancel command; the running stage "
            + "stops within a step and nothing is stored after it. 409 when the job is already terminal.")
    @APIResponse(responseCode = "202", content = @Content(schema = @Schema(implementation = Accepted.class)))
    @APIResponse(responseCode = "409", description = "The job is already terminal",
            content = @Content(schema = @Schema(implementation = ErrorMappers.ErrorBody.class)))
    public Response cancel(@PathParam("id") String id) {
        requireCaughtUp();
        JobSnapshot job = submitter.cancel(caller.tenant(), checkedId(id), "cancelled by the client");
        return Response.accepted(new Accepted(job.id(), job.status().wireName())).build();
    }

    @GET
    @Path("{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Follow a job (server-sent events)", description = "Replays the job's events, then streams "
            + "new ones: queued, running, text.delta, text, progress, artifact, and the terminal state (succeeded, "
            + "failed or cancelled, with the job) after which the stream ends. Each event has an id; send "
            + "Last-Event-ID to resume after it.")
    public Multi<OutboundSseEvent> events(@PathParam("id") String id,
            @HeaderParam("Last-Event-ID") String lastEventId, @Context Sse sse) {
        requireCaughtUp();
        String tenant = caller.tenant();
        job(id);
        long after = lastEventId(lastEventId);
        long keepAlive = config.events().keepAlive().toMillis();
        Multi<Object> updates = Multi.createFrom().emitter(emitter -> {
            var subscription = store.subscribe(tenant, id, after, update -> {
                emitter.emit(update);
                if (update.kind().terminal()) {
                    emitter.complete();
                }
            });
            if (subscription.isEmpty() || subscription.get().ended()) {
                emitter.complete();
                return;
            }
            ScheduledFuture<?> ping = KEEP_ALIVE.scheduleAtFixedRate(() -> emitter.emit(KeepAlive.INSTANCE),
                    keepAlive, keepAlive, TimeUnit.MILLISECONDS);
            emitter.onTermination(() -> {
                ping.cancel(false);
                subscription.get().close();
            });
        }, BackPressureStrategy.BUFFER);
        return updates.emitOn(Infrastructure.getDefaultWorkerPool())
                .map(item -> render(item, sse, tenant, id))
                .onSubscription().invoke(metrics::sseOpened)
                .onTermination().invoke(metrics::sseClosed);
    }

    private enum KeepAlive { INSTANCE }

    private OutboundSseEvent render(Object item, Sse sse, String tenant, String id) {
        if (item instanceof JobUpdate update) {
            JobSnapshot job = store.get(tenant, id).orElseThrow();
            String data;
            try {
                data = json.writeValueAsString(mapper.eventData(update, job));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            return sse.newEventBuilder().name(update.kind().eventName()).id(String.valueOf(update.sequence()))
                    .data(data).build();
        }
        return sse.newEventBuilder().comment("keep-alive").build();
    }

    private Response accepted(JobSubmitter.Accepted accepted) {
        JobSnapshot job = accepted.job();
        Response.ResponseBuilder r = Response.accepted(new Accepted(job.id(), job.status().wireName()))
                .location(URI.create("/v1/jobs/" + job.id()));
        if (accepted.replayed()) {
            r.header("Idempotent-Replayed", "true");
        }
        return r.build();
    }

    private JobRequestReader reader() {
        return new JobRequestReader(config, webhookTargets);
    }

    private JobSnapshot job(String id) {
        return store.get(caller.tenant(), checkedId(id)).orElseThrow(() -> JobSubmitter.jobNotFound(id));
    }

    /** Ids that cannot be job ids are simply not found (no hint about the id format to a prober). */
    private static String checkedId(String id) {
        if (!Identifiers.ID.matcher(id).matches()) {
            throw JobSubmitter.jobNotFound(id);
        }
        return id;
    }

    private void requireCaughtUp() {
        var reader = lifecycle.reader();
        if (reader == null || !reader.caughtUp()) {
            String problem = reader == null ? "starting" : reader.problem();
            throw ApiException.unavailable("job state is still loading from Kafka (" + problem + "); retry shortly");
        }
    }

    private String idempotencyKey(String value) {
        if (value == null) {
            return null;
        }
        int max = config.limits().maxIdempotencyKeyLength();
        if (value.isEmpty() || value.length() > max) {
            throw ApiException.invalid("Idempotency-Key", "must be 1.." + max + " characters, was " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw ApiException.invalid("Idempotency-Key", "must be printable ASCII without spaces; character "
                        + i + " is not");
            }
        }
        return value;
    }

    private int limit(String value) {
        int max = config.listing().maxLimit();
        if (value == null) {
            return Math.min(config.listing().defaultLimit(), max);
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw ApiException.invalid("limit", "must be an integer 1.." + max + ", was '" + JobRequestReader
                .abbreviate(value) + "'");
    }

    private static long lastEventId(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            long n = Long.parseLong(value.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw ApiException.invalid("Last-Event-ID", "must be the id of an event of this stream (a number), was '"
                + JobRequestReader.abbreviate(value) + "'");
    }

    static String encodeCursor(JobSnapshot last) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("c1:" + last.createdAt().toEpochMilli() + ":"
                + last.id()).getBytes(StandardCharsets.UTF_8));
    }

    static String[] decodeCursor(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            String[] parts = text.split(":", 3);
            if (parts.length == 3 && parts[0].equals("c1") && parts[1].matches("[0-9]{1,15}")
                    && Identifiers.ID.matcher(parts[2]).matches()) {
                return new String[] {parts[1], parts[2]};
            }
        } catch (IllegalArgumentException e) {
            // below
        }
        throw ApiException.invalid("cursor", "is not a cursor this API issued (use next_cursor of the previous page)");
    }

    private static byte[] bytes(FormValue value) {
        if (!value.isFileItem()) {
            return value.getValue().getBytes(StandardCharsets.UTF_8);
        }
        try (InputStream in = value.getFileItem().getInputStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw ApiException.invalid("job", "the multipart field could not be read: " + e.getMessage());
        }
    }

    private static MediaUploads.Upload upload(FormValue value) {
        if (!value.isFileItem()) {
            byte[] bytes = value.getValue().getBytes(StandardCharsets.ISO_8859_1);
            return new MediaUploads.Upload() {
                @Override
                public long size() {
                    return bytes.length;
                }

                @Override
                public InputStream open() {
                    return new ByteArrayInputStream(bytes);
                }
            };
        }
        var item = value.getFileItem();
        return new MediaUploads.Upload() {
            @Override
            public long size() throws IOException {
                return item.getFileSize();
            }

            @Override
            public InputStream open() throws IOException {
                return item.getInputStream();
            }
        };
    }
}
