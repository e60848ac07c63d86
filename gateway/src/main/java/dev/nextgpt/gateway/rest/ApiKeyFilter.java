package dev.nextgpt.gateway.rest;

import dev.nextgpt.gateway.ApiException;
import dev.nextgpt.gateway.service.ApiKeys;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** {@code Authorization: Bearer <api key>} on every {@code /v1} call; the key decides the tenant. */
public class ApiKeyFilter {
    @Inject
    ApiKeys keys;
    @Inject
    Caller caller;

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public void authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/v1/") && !path.equals("/v1")) {
            return;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            throw new ApiException(401, "unauthorized",
                    "Authorization: header is missing; send 'Authorization: Bearer <api key>'");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
            throw new ApiException(401, "unauthorized",
                    "Authorization: expected the scheme 'Bearer' followed by the API key ('Bearer <api key>')");
        }
        String tenant = keys.tenantOf(header.substring(7).trim()).orElseThrow(() -> new ApiException(401,
                "unauthorized", "Authorization: the API key is not valid"));
        caller.tenant(tenant);
    }
}
