package dev.nextgpt.contracts.messages;

import java.util.List;

/**
 * One turn of the conversation. User turns hold text and media in order (the prompt places media first, as
 * NExT-GPT does); assistant turns are earlier answers and hold text only.
 */
public record Turn(Role role, List<ContentPart> content) {
  public static final int MAX_PARTS = 32;

  public Turn {
    Fields.required(role, "Turn.role");
    content = Fields.nonEmpty(content, "Turn.content", MAX_PARTS);
    if (role == Role.ASSISTANT) {
      for (int i = 0; i < content.size(); i++) {
        if (!(content.get(i) instanceof ContentPart.Text)) {
          throw Fields.violation("Turn.content[" + i + "]", "an assistant turn holds text only");
        }
      }
    }
  }

  public static Turn user(ContentPart... parts) {
    return new Turn(Role.USER, List.of(parts));
  }

  public static Turn assistant(String text) {
    return new Turn(Role.ASSISTANT, List.of(ContentPart.text(text)));
  }

  /** Validates a conversation: 1..{@value Messages#MAX_TURNS} turns, the last one the user's. */
  static List<Turn> conversation(List<Turn> turns, String where) {
    List<Turn> copy = Fields.nonEmpty(turns, where, Messages.MAX_TURNS);
    if (copy.get(copy.size() - 1).role() != Role.USER) {
      throw Fields.violation(where, "the last turn must be the user's");
    }
    return copy;
  }
}
