package dev.nextgpt.gateway.rest;

import jakarta.enterprise.context.RequestScoped;

/** The tenant the current request acts for (set by {@link ApiKeyFilter}). */
@RequestScoped
public class Caller {
    private String tenant;

    public String tenant() {
        if (tenant == null) {
            throw new IllegalStateException("no authenticated caller");
        }
        return tenant;
    }

    void tenant(String tenant) {
        this.tenant = tenant;
    }
}
