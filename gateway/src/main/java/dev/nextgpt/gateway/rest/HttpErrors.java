package dev.nextgpt.gateway.rest;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The API's error format for what Vert.x refuses before the REST layer sees the request: a body over
 * {@code quarkus.http.limits.max-body-size} (413).
 */
@ApplicationScoped
public class HttpErrors {

    void install(@Observes Router router) {
        router.errorHandler(413, ctx -> write(ctx, 413, "payload_too_large", "request body is larger than the "
                + "gateway accepts at all (quarkus.http.limits.max-body-size); media inputs have lower limits per "
                + "modality"));
    }

    private static void write(RoutingContext ctx, int status, String code, String message) {
        if (ctx.response().headWritten()) {
            return;
        }
        JsonObject body = new JsonObject().put("error",
                new JsonObject().put("code", code).put("message", message).put("status", status));
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .putHeader("Connection", "close").end(body.encode());
    }
}
