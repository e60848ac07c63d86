package dev.nextgpt.decoder.video;

import dev.nextgpt.contracts.Modality;
import dev.nextgpt.decoder.service.DecoderService;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * The video decoder: {@code nextgpt.signals.video} → MP4 (H.264) in the object store →
 * {@code nextgpt.jobs.outputs}. Starts the {@link DecoderService} with the app (a refused bundle fails the start) and stops it gracefully.
 */
@Singleton
public class VideoDecoderService {
    private volatile DecoderService service;

    void start(@Observes StartupEvent event, VideoDecoderConfig config, MeterRegistry registry) {
        service = DecoderService.start(Modality.VIDEO, config, registry);
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
