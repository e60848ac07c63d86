package dev.nextgpt.gateway;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a job is: {@code queued} until a worker reports, {@code running}, then one of the three terminal states. */
public enum JobStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    /** Whether nothing changes the status any more. */
    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
