package dev.nextgpt.runtime.decoding;

/** How a decode request ended. */
public enum DecodeStatus {
    /** All steps ran and the media was decoded. */
    COMPLETED,
    /** The request's cancellation check said so at a step boundary; it left its batch there. */
    CANCELLED,
    /** The request's deadline had passed at a step boundary; it left its batch there. */
    DEADLINE_EXCEEDED
}
