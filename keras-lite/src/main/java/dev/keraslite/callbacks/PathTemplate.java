package dev.keraslite.callbacks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A file path with Python {@code str.format} placeholders, as Keras's {@code ModelCheckpoint}
 * fills them: {@code "ckpt/{epoch:02d}-{val_loss:.2f}"}. Fields are names with an
 * optional format spec (see {@link PythonFormat#format}); {@code {{} and {@code }}} stand for
 * braces. Parsed once, so a malformed template fails when the callback is created.
 */
final class PathTemplate {
  private record Part(String literal, String field, PythonFormat.FormatSpec spec) {}

  private final String template;
  private final List<Part> parts = new ArrayList<>();

  /**
   * @throws IllegalArgumentException for unbalanced braces or an unsupported format spec
   */
  PathTemplate(String template) {
    this.template = template;
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c == '{' && i + 1 < template.length() && template.charAt(i + 1) == '{') {
        literal.append('{');
        i += 2;
      } else if (c == '}' && i + 1 < template.length() && template.charAt(i + 1) == '}') {
        literal.append('}');
        i += 2;
      } else if (c == '}') {
        throw error("a single '}' at position " + i + " (write '}}' for a brace)");
      } else if (c == '{') {
        int close = template.indexOf('}', i);
        if (close < 0) {
          throw error("the '{' at position " + i + " is never closed");
        }
        String field = template.substring(i + 1, close);
        int colon = field.indexOf(':');
        String name = colon < 0 ? field : field.substring(0, colon);
        if (name.isEmpty() || name.contains("{") || name.contains("!") || name.contains("[")) {
          throw error("'{" + field + "}' is not a supported field (use {name} or {name:spec})");
        }
        PythonFormat.FormatSpec spec;
        try {
          spec =
              colon < 0
                  ? PythonFormat.FormatSpec.NONE
                  : PythonFormat.FormatSpec.parse(field.substring(colon + 1));
        } catch (IllegalArgumentException e) {
          throw error("field '{" + field + "}': " + e.getMessage());
        }
        if (literal.length() > 0) {
          parts.add(new Part(literal.toString(), null, null));
          literal.setLength(0);
        }
        parts.add(new Part(null, name, spec));
        i = close + 1;
      } else {
        literal.append(c);
        i++;
      }
    }
    if (literal.length() > 0) {
      parts.add(new Part(literal.toString(), null, null));
    }
  }

  /** Whether the template names {@code field}. */
  boolean uses(String field) {
    for (Part p : parts) {
      if (field.equals(p.field())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Fills the fields from {@code values} (Integer, Long or Double).
   *
   * @throws IllegalArgumentException naming the template and the missing field or bad value
   */
  String format(Map<String, ?> values) {
    StringBuilder sb = new StringBuilder();
    for (Part p : parts) {
      if (p.literal() != null) {
        sb.append(p.literal());
        continue;
      }
      Object value = values.get(p.field());
      if (value == null) {
        throw error(
            "no value named '" + p.field() + "' (available: " + String.join(", ", values.keySet())
                + ")");
      }
      try {
        sb.append(PythonFormat.format(value, p.spec()));
      } catch (IllegalArgumentException e) {
        throw error("field '" + p.field() + "': " + e.getMessage());
      }
    }
    return sb.toString();
  }

  private IllegalArgumentException error(String reason) {
    return new IllegalArgumentException(
        "Failed to format this callback filepath: \"" + template + "\". Reason: " + reason);
  }

  @Override
  public String toString() {
    return template;
  }
}
