package dev.nextgpt.gateway.rest;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The API's error format for a body over {@code quarkus.http.limits.max-body-size}, which Vert.x would refuse with a
 * bare 413 before the REST layer sees the request: a declared {@code Content-Length} over the limit is answered here,
 * first.
 */
@ApplicationScoped
public class HttpErrors {
    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    MemorySize maxBodySize;

    void install(@Observes Router router) {
        long limit = maxBodySize.asLongValue();
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String length = ctx.request().getHeader("Content-Length");
            if (length != null && length.matches("[0-9]{1,19}") && Long.parseLong(length) > limit) {
                write(ctx, 413, "payload_too_large", "request body: " + length + " bytes exceed the gateway's limit of "
                        + limit + " bytes (media inputs have lower limits per modality)");
            } else {
                ctx.next();
            }
        });
    }

    private static void write(RoutingContext ctx, int status, String code, String message) {
        JsonObject body = new JsonObject().put("error",
                new JsonObject().put("code", code).put("message", message).put("status", status));
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .putHeader("Connection", "close").end(body.encode());
    }
}
