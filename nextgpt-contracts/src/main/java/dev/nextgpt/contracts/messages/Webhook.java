package dev.nextgpt.contracts.messages;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where the gateway posts the job's completion (and progress when asked). Only the URL travels: the signing secret
 * stays with the gateway, and whether the target is allowed (no private addresses) is the gateway's check.
 */
public record Webhook(String url, boolean progress) {
  public static final int MAX_URL_LENGTH = 2048;

  public Webhook {
    Fields.text(url, "Webhook.url", MAX_URL_LENGTH);
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw Fields.violation("Webhook.url", "is not a URI: " + e.getReason());
    }
    if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
      throw Fields.violation("Webhook.url", "must be an absolute http(s) URL with a host");
    }
    if (uri.getUserInfo() != null) {
      throw Fields.violation("Webhook.url", "must not carry credentials");
    }
  }
}
