package dev.nextgpt.contracts.messages;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where the gateway posts the job's completion (and progress when asked). The signing secret travels only sealed
 * (encrypted under a key that only gateways hold), so every gateway replica can sign and no worker can read it;
 * whether the target is allowed (no private addresses) is the gateway's check.
 *
 * @param sealedSecret the signing secret, sealed by the gateway (opaque, URL-safe base64; null: none)
 */
public record Webhook(String url, boolean progress, String sealedSecret) {
  public static final int MAX_URL_LENGTH = 2048;
  public static final int MAX_SEALED_SECRET_LENGTH = 1024;

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
    if (sealedSecret != null && !sealedSecret.matches("[A-Za-z0-9_.:-]{1," + MAX_SEALED_SECRET_LENGTH + "}")) {
      throw Fields.violation("Webhook.sealedSecret", "must be 1.." + MAX_SEALED_SECRET_LENGTH
          + " characters of URL-safe base64, '.' and ':'");
    }
  }

  /** A webhook without a sealed secret. */
  public Webhook(String url, boolean progress) {
    this(url, progress, null);
  }
}
