package dev.nextgpt.gateway;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Calls of the gateway's API as the tests' clients make them. */
public final class Api {
    public static final String TENANT_A = "tenant-a";
    public static final String TENANT_B = "tenant-b";
    public static final String KEY_A = "Bearer test-key-tenant-a";
    public static final String KEY_B = "Bearer test-key-tenant-b";

    private Api() {
    }

    /** Waits until the gateway is ready (job state caught up, Kafka and the store reachable). */
    public static void awaitReady() {
        await(Duration.ofSeconds(60), () -> given().get("/q/health/ready").statusCode() == 200, "gateway ready");
    }

    /** Submits a JSON job as {@code auth}; asserts 202 and returns the job id. */
    public static String submit(String auth, String json) {
        Response r = given().header("Authorization", auth).contentType(ContentType.JSON).body(json)
                .post("/v1/jobs");
        if (r.statusCode() != 202) {
            fail("expected 202, got " + r.statusCode() + ": " + r.asString());
        }
        return r.jsonPath().getString("id");
    }

    /** A one-turn text job. */
    public static String textJob(String text) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
    }

    public static Response job(String auth, String id) {
        return given().header("Authorization", auth).get("/v1/jobs/" + id);
    }

    /** Waits until the job has {@code status} (as {@code auth} sees it). */
    public static Response awaitStatus(String auth, String id, String status) {
        Response[] last = new Response[1];
        await(Duration.ofSeconds(20), () -> {
            last[0] = job(auth, id);
            return status.equals(last[0].jsonPath().getString("status"));
        }, "job " + id + " " + status);
        return last[0];
    }

    public static void await(Duration timeout, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        assertTrue(condition.getAsBoolean(), "timed out waiting for " + what);
    }
}
