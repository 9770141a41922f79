package dev.keraslite.saving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/** Keras configs as JSON, through Jackson: objects become maps, arrays lists, numbers numbers. */
final class KerasJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private KerasJson() {}

  /**
   * The JSON object in {@code text}.
   *
   * @throws IllegalArgumentException naming {@code what} if it is not a JSON object
   */
  static Map<String, Object> parse(String text, String what) {
    try {
      Map<String, Object> out = MAPPER.readValue(text, new TypeReference<Map<String, Object>>() {});
      if (out == null) {
        throw new IllegalArgumentException(what + " is empty");
      }
      return out;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** {@code value} as compact JSON. */
  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write as JSON: " + e.getOriginalMessage(), e);
    }
  }
}
