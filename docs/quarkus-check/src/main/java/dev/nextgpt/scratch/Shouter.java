package dev.nextgpt.scratch;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Outgoing;

@ApplicationScoped
public class Shouter {
  @Incoming("words-in")
  @Outgoing("words-out")
  public String shout(String word) {
    return word.toUpperCase();
  }
}
