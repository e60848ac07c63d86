package dev.nextgpt.decoder.audio;

import dev.nextgpt.contracts.Modality;
import dev.nextgpt.decoder.service.DecoderService;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * The audio decoder: {@code nextgpt.signals.audio} → WAV (16 kHz PCM16) in the object store →
 * {@code nextgpt.jobs.outputs}. Starts the {@link DecoderService} with the app (a refused bundle fails the start) and stops it gracefully.
 */
@Singleton
public class AudioDecoderService {
    private volatile DecoderService service;

    void start(@Observes StartupEvent event, AudioDecoderConfig config, MeterRegistry registry) {
        service = DecoderService.start(Modality.AUDIO, config, registry);
    }

    void stop(@Observes ShutdownEvent event) {
        DecoderService s = service;
        if (s != null) {
            s.close();
        }
    }

    /** The running service (null before start-up completed). */
    public DecoderService service() {
        return service;
    }
}
