package dev.nextgpt.contracts.messages;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;

/** One piece of a turn: text, or a reference to a stored media input. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({@JsonSubTypes.Type(ContentPart.Text.class), @JsonSubTypes.Type(ContentPart.Media.class)})
public sealed interface ContentPart {
  /** {@code {"type":"text","text":"…"}} */
  @JsonTypeName("text")
  record Text(String text) implements ContentPart {
    public Text {
      Fields.text(text, "ContentPart.Text.text", Fields.MAX_TEXT_CHARS);
    }
  }

  /** {@code {"type":"media","media":{…}}} */
  @JsonTypeName("media")
  record Media(MediaRef media) implements ContentPart {
    public Media {
      Fields.required(media, "ContentPart.Media.media");
    }
  }

  static ContentPart text(String text) {
    return new Text(text);
  }

  static ContentPart media(MediaRef media) {
    return new Media(media);
  }
}
