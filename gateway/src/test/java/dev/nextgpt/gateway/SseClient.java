package dev.nextgpt.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Reads a server-sent event stream to its end, as a plain HTTP client does. */
public final class SseClient {

    /** One event: its name, id and data (comments are kept as events named "comment"). */
    public record Event(String name, String id, String data) {
    }

    /** The status and the events of a stream that ended. */
    public record Stream(int status, String contentType, List<Event> events, String body) {
        public List<String> names() {
            return events.stream().map(Event::name).filter(n -> !n.equals("comment")).toList();
        }

        public List<Event> data() {
            return events.stream().filter(e -> !e.name().equals("comment")).toList();
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private SseClient() {
    }

    /** Opens the stream now and completes when the server ends it. */
    public static CompletableFuture<Stream> open(URI uri, String auth, String lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Authorization", auth).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        return HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines()).thenApply(r -> {
            List<Event> events = new ArrayList<>();
            StringBuilder body = new StringBuilder();
            String name = null;
            String id = null;
            StringBuilder data = new StringBuilder();
            try (java.util.stream.Stream<String> lines = r.body()) {
                for (String line : (Iterable<String>) lines::iterator) {
                    body.append(line).append('\n');
                    if (line.isEmpty()) {
                        if (name != null || data.length() > 0) {
                            events.add(new Event(name == null ? "message" : name, id, data.toString()));
                        }
                        name = null;
                        id = null;
                        data.setLength(0);
                    } else if (line.startsWith(":")) {
                        events.add(new Event("comment", null, line.substring(1).trim()));
                    } else if (line.startsWith("event:")) {
                        name = line.substring(6).trim();
                    } else if (line.startsWith("id:")) {
                        id = line.substring(3).trim();
                    } else if (line.startsWith("data:")) {
                        data.append(data.length() > 0 ? "\n" : "").append(line.substring(5).trim());
                    }
                }
            }
            if (name != null || data.length() > 0) {
                events.add(new Event(name == null ? "message" : name, id, data.toString()));
            }
            return new Stream(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), events,
                    body.toString());
        });
    }
}
