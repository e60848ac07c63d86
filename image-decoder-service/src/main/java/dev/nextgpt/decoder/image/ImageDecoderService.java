package dev.nextgpt.decoder.image;

import dev.nextgpt.contracts.Modality;
import dev.nextgpt.decoder.service.DecoderService;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * The image decoder: {@code nextgpt.signals.image} → PNG in the object store → {@code nextgpt.jobs.outputs}. Starts
 * the {@link DecoderService} with the app (a refused bundle fails the start) and stops it gracefully.
 */
@Singleton
public class ImageDecoderService {
    private volatile DecoderService service;

    void start(@Observes StartupEvent event, ImageDecoderConfig config, MeterRegistry registry) {
        service = DecoderService.start(Modality.IMAGE, config, registry);
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
