package dev.nextgpt.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.config.WithDefault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default output bounds are what the nano bundle can produce (models/nano/bundle.json). */
class GatewayConfigTest {

    private static String defaultOf(Class<?> type, String method) throws Exception {
        return type.getMethod(method).getAnnotation(WithDefault.class).value();
    }

    @Test
    void defaultBoundsMatchTheNanoBundle() throws Exception {
        Path root = Path.of(System.getProperty("nextgpt.repo.root", ".."));
        JsonNode bundle = new ObjectMapper().readTree(Files.readAllBytes(root.resolve("models/nano/bundle.json")));
        JsonNode decoders = bundle.get("decoders");
        Class<?> params = GatewayConfig.Params.class;
        JsonNode image = decoders.get("image").get("output");
        assertEquals(image.get("width").asInt() + "x" + image.get("height").asInt(), defaultOf(params, "imageSizes"));
        JsonNode video = decoders.get("video").get("output");
        assertEquals(video.get("width").asInt() + "x" + video.get("height").asInt(), defaultOf(params, "videoSizes"));
        assertEquals(video.get("frames").asText(), defaultOf(params, "minVideoFrames"));
        assertEquals(video.get("frames").asText(), defaultOf(params, "maxVideoFrames"));
        double seconds = decoders.get("audio").get("output").get("seconds").asDouble();
        assertEquals(seconds, Double.parseDouble(defaultOf(params, "minAudioSeconds")));
        assertEquals(seconds, Double.parseDouble(defaultOf(params, "maxAudioSeconds")));
        for (String m : List.of("image", "video", "audio")) {
            assertEquals(decoders.get(m).get("limits").get("max_steps").asText(), defaultOf(params, "maxSteps"));
            assertTrue(List.of(defaultOf(params, "schedulers").split(","))
                    .contains(decoders.get(m).get("defaults").get("scheduler").asText()));
        }
        assertEquals(bundle.get("llm").get("max_positions").asText(), defaultOf(params, "maxNewTokens"));
    }
}
