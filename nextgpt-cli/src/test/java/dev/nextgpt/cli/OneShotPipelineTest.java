package dev.nextgpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.llm.GenerationParams;
import dev.nextgpt.runtime.llm.TokenListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline's conversation handling on the nano bundle. */
class OneShotPipelineTest {
    @TempDir
    Path tmp;

    @Test
    void mediaOfHistoryTurnsAreEncodedIntoThePrompt() throws Exception {
        Path wav = tmp.resolve("tone.wav");
        EvalCommandTest.writeTone(wav);
        OneShotPipeline.MediaInput audio = new OneShotPipeline.MediaInput(Modality.AUDIO, wav, Files.readAllBytes(wav));
        try (OneShotPipeline pipeline = new OneShotPipeline(RunCommandTest.bundle())) {
            int audioRows = pipeline.encoding().encode(Modality.AUDIO, audio.bytes()).tokens();
            GenerationParams gen = pipeline.llm().defaultParams().withTemperature(0).withMaxNewTokens(1);
            OneShotPipeline.DiffusionOverrides diffusion = new OneShotPipeline.DiffusionOverrides(null, null, null, 0);
            OneShotPipeline.Request single = new OneShotPipeline.Request("and now?", List.of(), List.of(), gen, diffusion);
            OneShotPipeline.Request textHistory = new OneShotPipeline.Request("and now?", List.of(),
                    List.of(new OneShotPipeline.HistoryTurn("what do you hear?", List.of(), "a tone")), gen, diffusion);
            OneShotPipeline.Request audioHistory = new OneShotPipeline.Request("and now?", List.of(),
                    List.of(new OneShotPipeline.HistoryTurn("what do you hear?", List.of(audio), "a tone")), gen, diffusion);

            List<OneShotPipeline.Result> results = pipeline.run(List.of(single, textHistory, audioHistory), TokenListener.NONE);

            int p0 = results.get(0).generation().promptTokens();
            int p1 = results.get(1).generation().promptTokens();
            int p2 = results.get(2).generation().promptTokens();
            assertTrue(p1 > p0, "a history turn lengthens the prompt: " + p0 + " → " + p1);
            assertTrue(p2 - p1 >= audioRows, "the history turn's audio adds its " + audioRows + " rows: " + p1 + " → " + p2);
            // the same conversation alone gives the same prompt as inside the batch
            assertEquals(p2, pipeline.run(List.of(audioHistory), TokenListener.NONE).get(0).generation().promptTokens());
        }
    }
}
