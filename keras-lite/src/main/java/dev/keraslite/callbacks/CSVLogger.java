package dev.keraslite.callbacks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Streams each epoch's logs to a CSV file, as Keras's {@code CSVLogger}.
 *
 * <pre>{@code
 * new CSVLogger("training.log")            // or .separator(";").append(true)
 * }</pre>
 *
 * <p>The file gets what Keras 3 writes: a header {@code epoch,<keys>} with the first epoch's log
 * keys in sorted order, followed, when those have no {@code val_} key, by the {@code val_}
 * counterpart of each key; then one row per epoch with the zero-based epoch and each value
 * (Python's {@code str(float)}, or {@code NA} when absent). Lines end with {@code \r\n} and fields
 * are quoted only when needed, as Python's {@code csv} module does. The file is opened at the
 * beginning of training (truncated, or appended to with {@link #append(boolean) append(true)},
 * writing the header only if the file is empty), flushed after every row and closed at the end.
 */
public class CSVLogger extends Callback {
  private final Path filename;
  private String separator = ",";
  private boolean append;

  private Writer writer;
  private List<String> keys;
  private boolean writeHeader;

  /** Logs to {@code filename}. */
  public CSVLogger(String filename) {
    this(filename == null ? null : Path.of(filename));
  }

  /** Logs to {@code filename}. */
  public CSVLogger(Path filename) {
    if (filename == null) {
      throw new IllegalArgumentException("CSVLogger: the filename is null");
    }
    this.filename = filename;
  }

  /** The field separator (Keras's {@code separator}, default {@code ","}), one character. */
  public CSVLogger separator(String separator) {
    if (separator == null || separator.length() != 1 || separator.equals("\"")
        || separator.equals("\n") || separator.equals("\r")) {
      throw new IllegalArgumentException(
          "CSVLogger: the separator must be one character other than a quote or a line break,"
              + " received " + (separator == null ? "null" : "\"" + separator + "\""));
    }
    this.separator = separator;
    return this;
  }

  /**
   * Whether to append to an existing file (to continue a training run) instead of overwriting it
   * (Keras's {@code append}, default false).
   */
  public CSVLogger append(boolean append) {
    this.append = append;
    return this;
  }

  public Path filename() {
    return filename;
  }

  public String separator() {
    return separator;
  }

  public boolean append() {
    return append;
  }

  @Override
  public void onTrainBegin(Map<String, Double> logs) {
    closeQuietly();
    try {
      writeHeader = true;
      if (append && Files.exists(filename)) {
        try (BufferedReader r = Files.newBufferedReader(filename, StandardCharsets.UTF_8)) {
          String first = r.readLine();
          writeHeader = first == null || first.isEmpty();
        }
        writer = Files.newBufferedWriter(
            filename, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } else {
        writer = Files.newBufferedWriter(filename, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("CSVLogger: cannot open " + filename, e);
    }
    keys = null;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    if (writer == null) {
      throw new IllegalStateException("CSVLogger: onEpochEnd before onTrainBegin opened " + filename);
    }
    Map<String, Double> values = logs == null ? Map.of() : logs;
    try {
      if (keys == null) {
        keys = new ArrayList<>(values.keySet());
        keys.sort(null);
        boolean hasValidation = keys.stream().anyMatch(k -> k.startsWith("val_"));
        if (!hasValidation && !keys.isEmpty()) {
          for (String k : new ArrayList<>(keys)) {
            keys.add("val_" + k);
          }
        }
        if (writeHeader) {
          List<String> header = new ArrayList<>();
          header.add("epoch");
          header.addAll(keys);
          writeRow(header);
        }
      }
      List<String> row = new ArrayList<>(keys.size() + 1);
      row.add(Integer.toString(epoch));
      for (String k : keys) {
        Double v = values.get(k);
        row.add(v == null ? "NA" : PythonFormat.repr(v));
      }
      writeRow(row);
      writer.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("CSVLogger: cannot write to " + filename, e);
    }
  }

  @Override
  public void onTrainEnd(Map<String, Double> logs) {
    try {
      if (writer != null) {
        writer.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("CSVLogger: cannot close " + filename, e);
    } finally {
      writer = null;
    }
  }

  private void writeRow(List<String> fields) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        sb.append(separator);
      }
      sb.append(quote(fields.get(i)));
    }
    writer.write(sb.append("\r\n").toString());
  }

  /** Python's {@code csv.QUOTE_MINIMAL}: quote fields holding the separator, a quote or a newline. */
  private String quote(String field) {
    if (field.contains(separator) || field.contains("\"") || field.contains("\n")
        || field.contains("\r")) {
      return "\"" + field.replace("\"", "\"\"") + "\"";
    }
    return field;
  }

  private void closeQuietly() {
    if (writer != null) {
      try {
        writer.close();
      } catch (IOException ignored) {
        // A new run replaces the writer; the old one's failure to close changes nothing for it.
      }
      writer = null;
    }
  }
}
