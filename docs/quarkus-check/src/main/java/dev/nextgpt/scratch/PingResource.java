package dev.nextgpt.scratch;

import dev.nextgpt.contracts.Topics;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.util.Map;

@Path("/ping")
public class PingResource {
  @GET
  public Map<String, String> ping() {
    return Map.of("requested", Topics.JOBS_REQUESTED);
  }
}
