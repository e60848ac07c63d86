package dev.nextgpt.gateway.config;

import dev.nextgpt.gateway.service.JobStore;
import dev.nextgpt.gateway.service.SecretSealer;
import dev.nextgpt.gateway.service.WebhookTargets;
import dev.nextgpt.objectstore.ObjectStore;
import dev.nextgpt.objectstore.ObjectStoreConfig;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Base64;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/** The plain (non-CDI) building blocks the gateway's beans share, made from the configuration. */
public class GatewayBeans {
    private static final Logger LOG = Logger.getLogger(GatewayBeans.class);

    @Produces
    @Singleton
    ObjectStore objectStore(S3Config s3) {
        return new ObjectStore(new ObjectStoreConfig(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket(),
                s3.region()));
    }

    void close(@Disposes ObjectStore store) {
        store.close();
    }

    @Produces
    @Singleton
    JobStore jobStore() {
        return new JobStore();
    }

    @Produces
    @Singleton
    WebhookTargets webhookTargets(GatewayConfig config) {
        return new WebhookTargets(config.webhooks().allowLoopback(), config.webhooks().allowPrivate());
    }

    @Produces
    @Singleton
    SecretSealer secretSealer(GatewayConfig config) {
        if (config.webhooks().sealingKey().isPresent()) {
            byte[] key;
            try {
                key = Base64.getDecoder().decode(config.webhooks().sealingKey().get().trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("nextgpt.gateway.webhooks.sealing-key is not base64: " + e.getMessage());
            }
            if (key.length != 32) {
                throw new IllegalStateException("nextgpt.gateway.webhooks.sealing-key must be 32 bytes (base64 of "
                        + "`head -c 32 /dev/urandom`), was " + key.length);
            }
            return new SecretSealer(key);
        }
        LOG.warn("nextgpt.gateway.webhooks.sealing-key is not set: webhook secrets are sealed with a key derived from "
                + "the API keys; set it (NEXTGPT_GATEWAY_WEBHOOKS_SEALING_KEY) the same on every replica in production");
        StringBuilder material = new StringBuilder();
        new TreeMap<>(config.apiKeys()).forEach((k, t) -> material.append(k).append('=').append(t).append('\n'));
        config.localApiKey().ifPresent(k -> material.append(k).append('=').append(config.localTenant()));
        return new SecretSealer(SecretSealer.deriveKey(material.toString()));
    }

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
