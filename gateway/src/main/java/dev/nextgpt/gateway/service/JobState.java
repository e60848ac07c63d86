package dev.nextgpt.gateway.service;

import dev.nextgpt.contracts.Modality;
import dev.nextgpt.contracts.Stage;
import dev.nextgpt.contracts.messages.JobRequested;
import dev.nextgpt.contracts.messages.JobText;
import dev.nextgpt.contracts.messages.PlannedOutput;
import dev.nextgpt.gateway.Artifact;
import dev.nextgpt.gateway.DeliveryAttempt;
import dev.nextgpt.gateway.JobFailure;
import dev.nextgpt.gateway.JobSnapshot;
import dev.nextgpt.gateway.JobStatus;
import dev.nextgpt.gateway.JobUpdate;
import dev.nextgpt.gateway.StageProgress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/** The mutable state of one job inside {@link JobStore}; every access holds the object's monitor. */
final class JobState {
    final String id;
    String tenant;
    JobRequested request;
    JobStatus status = JobStatus.QUEUED;
    Instant createdAt;
    Instant updatedAt;
    Instant finishedAt;
    final TreeMap<Long, String> deltas = new TreeMap<>();
    JobText finalText;
    final Map<String, Artifact> artifacts = new LinkedHashMap<>();
    final Map<String, StageProgress> stages = new LinkedHashMap<>();
    JobFailure error;
    String cancelReason;
    final List<DeliveryAttempt> attempts = new ArrayList<>();
    /** What was applied, by (stage, output index, sequence): a redelivered record changes nothing. */
    final Set<String> seen = new HashSet<>();
    final List<JobUpdate> updates = new ArrayList<>();
    final List<Consumer<JobUpdate>> listeners = new ArrayList<>();

    JobState(String id) {
        this.id = id;
    }

    boolean visible() {
        return request != null;
    }

    void touch(Instant at) {
        if (updatedAt == null || at.isAfter(updatedAt)) {
            updatedAt = at;
        }
    }

    void emit(JobUpdate.Kind kind, Object detail) {
        JobUpdate update = new JobUpdate(updates.size() + 1L, kind, detail);
        updates.add(update);
        for (Consumer<JobUpdate> listener : List.copyOf(listeners)) {
            listener.accept(update);
        }
        if (kind.terminal()) {
            listeners.clear();
        }
    }

    void start(Instant at) {
        if (status == JobStatus.QUEUED) {
            status = JobStatus.RUNNING;
            touch(at);
            emit(JobUpdate.Kind.RUNNING, null);
        }
    }

    void finish(JobStatus terminal, Instant at) {
        status = terminal;
        finishedAt = at;
        touch(at);
        emit(JobUpdate.Kind.of(terminal), null);
    }

    /** Succeeded once the final text is there and every planned output is stored. */
    boolean complete() {
        if (finalText == null) {
            return false;
        }
        for (PlannedOutput planned : finalText.outputs()) {
            if (!artifacts.containsKey(outputKey(planned.modality(), planned.outputIndex()))) {
                return false;
            }
        }
        return true;
    }

    static String outputKey(Modality modality, int index) {
        return modality.wireName() + ":" + index;
    }

    static String stageKey(Stage stage, Integer outputIndex) {
        return stage.wireName() + (outputIndex == null ? "" : ":" + outputIndex);
    }

    String text() {
        if (finalText != null) {
            return finalText.text();
        }
        if (deltas.isEmpty()) {
            return null;
        }
        return String.join("", deltas.values());
    }

    JobSnapshot snapshot() {
        return new JobSnapshot(id, tenant, request, status, createdAt, updatedAt, finishedAt, text(),
                finalText == null ? null : finalText.finishReason().wireName(),
                finalText == null ? List.of() : finalText.outputs(),
                List.copyOf(artifacts.values()), List.copyOf(stages.values()), error, cancelReason,
                List.copyOf(attempts), updates.size());
    }
}
