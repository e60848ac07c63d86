package dev.nextgpt.gateway.service;

import dev.nextgpt.contracts.ClaimCheck;
import dev.nextgpt.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * API keys → tenants, from {@code nextgpt.gateway.api-keys} and the local key ({@code NEXTGPT_API_KEY}). Keys are
 * held and looked up by their SHA-256, so a lookup's time does not depend on how much of a guess is right.
 */
@ApplicationScoped
public class ApiKeys {
    private final Map<String, String> tenantByKeyHash = new HashMap<>();

    @Inject
    public ApiKeys(GatewayConfig config) {
        config.apiKeys().forEach((key, tenant) -> tenantByKeyHash.put(hash(key), tenant));
        config.localApiKey().filter(k -> !k.isBlank())
                .ifPresent(key -> tenantByKeyHash.put(hash(key), config.localTenant()));
    }

    /** The tenant of {@code apiKey}, if it is a known key. */
    public Optional<String> tenantOf(String apiKey) {
        return Optional.ofNullable(tenantByKeyHash.get(hash(apiKey)));
    }

    private static String hash(String key) {
        return ClaimCheck.sha256Hex(key.getBytes(StandardCharsets.UTF_8));
    }
}
