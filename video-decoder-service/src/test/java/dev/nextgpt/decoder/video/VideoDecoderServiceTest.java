package dev.nextgpt.decoder.video;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.nextgpt.contracts.Modality;
import dev.nextgpt.decoder.service.DecoderService;
import dev.nextgpt.decoder.testing.DecoderServiceScenarios;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** The video decoder app on the in-JVM broker and S3 server with the nano bundle: the shared scenarios, health, metrics. */
@QuarkusTest
@WithTestResource(PlatformResource.class)
class VideoDecoderServiceTest extends DecoderServiceScenarios {
    @Inject
    VideoDecoderService app;

    @Override
    protected Modality modality() {
        return Modality.VIDEO;
    }

    @Override
    protected DecoderService service() {
        return app.service();
    }

    @Override
    protected String config(String key) {
        return ConfigProvider.getConfig().getValue(key, String.class);
    }

    @Test
    void readinessCoversTheBundleKafkaTheObjectStoreAndTheCancellationView() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks[0].data.bundle", startsWith("UP: nano video tier warmed"))
                .body("checks[0].data.kafka", startsWith("UP: cluster"))
                .body("checks[0].data.object-store", equalTo("UP: bucket nextgpt"))
                .body("checks[0].data.cancellation-view", startsWith("UP"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void prometheusMetricsIncludeDecoderStageAndConsumerLagMeters() {
        decodeOne();
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("nextgpt_decoder_batch_size_count{modality=\"video\"}"))
                .body(containsString("nextgpt_decoder_steps_per_second"))
                .body(containsString("nextgpt_decoder_artifacts_stored_total{modality=\"video\"}"))
                .body(containsString("nextgpt_decoder_stage_seconds"))
                .body(containsString("nextgpt_decoder_cancellations_total"))
                .body(containsString("nextgpt_stage_latency_seconds"))
                .body(containsString("kafka_consumer_fetch_manager_records_lag_max"));
    }
}
