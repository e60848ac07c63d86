package dev.nextgpt.contracts.messages;

/** What travels on {@code nextgpt.jobs.text}: streamed deltas, then one final text; decode as this type. */
public sealed interface TextMessage extends Message permits TextDelta, JobText {}
