package dev.nextgpt.gateway.client;

import dev.nextgpt.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Posts webhook bodies: HTTP/1.1, no redirects (a redirect could lead to an address the target check refused), the
 * response body discarded; each post has its own time limit.
 */
@ApplicationScoped
public class WebhookClient {

    /** What the target answered: a status (null when there was no answer) and why it failed, if it did. */
    public record Result(Integer status, String error) {
        public boolean delivered() {
            return status != null && status >= 200 && status < 300;
        }
    }

    private final HttpClient http;

    @Inject
    public WebhookClient(GatewayConfig config) {
        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(config.webhooks().timeout())
                .build();
    }

    /** Posts {@code body} with {@code headers}; completes (never exceptionally) with the outcome. */
    public CompletableFuture<Result> post(URI url, byte[] body, Map<String, String> headers, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
                .orTimeout(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS)
                .handle((response, failure) -> {
                    if (failure == null) {
                        int status = response.statusCode();
                        return new Result(status, status >= 200 && status < 300 ? null : "HTTP " + status);
                    }
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
                        return new Result(null, "no answer within " + timeout.toMillis() + " ms");
                    }
                    return new Result(null, "request failed: " + cause);
                });
    }
}
