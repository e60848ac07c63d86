package dev.nextgpt.decoder.service;

/** One named health check of a decoder service: up or down, with a short detail (the apps map it to MicroProfile Health). */
public record HealthCheckResult(String name, boolean up, String detail) {
    public static HealthCheckResult up(String name, String detail) {
        return new HealthCheckResult(name, true, detail);
    }

    public static HealthCheckResult down(String name, String detail) {
        return new HealthCheckResult(name, false, detail);
    }
}
