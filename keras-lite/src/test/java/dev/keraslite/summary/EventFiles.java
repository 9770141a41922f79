package dev.keraslite.summary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;

/**
 * An independent reader of TensorBoard event files for tests: TFRecord framing (little-endian uint64
 * length, masked CRC32C of the length, the data, masked CRC32C of the data) with both checksums
 * verified, each record parsed as an {@link Event}. Written from the TFRecord format description, not
 * from keras-lite's writer (which is TensorFlow's own).
 */
public final class EventFiles {
  private static final int MASK_DELTA = 0xa282ead8;

  /** The records of one file: the complete ones and whether the file ends inside a record. */
  public record Contents(List<Event> events, boolean truncatedTail) {
    /** The scalar values written under {@code tag}, as (step, value) pairs in file order. */
    public List<double[]> scalars(String tag) {
      List<double[]> out = new ArrayList<>();
      for (Event e : events) {
        for (Summary.Value v : e.getSummary().getValueList()) {
          if (v.getTag().equals(tag)) {
            out.add(new double[] {e.getStep(), v.getSimpleValue()});
          }
        }
      }
      return out;
    }

    /** The summary values (any kind) under {@code tag}, with their events' steps. */
    public List<Event> eventsTagged(String tag) {
      List<Event> out = new ArrayList<>();
      for (Event e : events) {
        for (Summary.Value v : e.getSummary().getValueList()) {
          if (v.getTag().equals(tag)) {
            out.add(e);
          }
        }
      }
      return out;
    }

    /** The events that carry a serialized graph. */
    public List<Event> graphs() {
      return events.stream().filter(e -> !e.getGraphDef().isEmpty()).toList();
    }
  }

  private EventFiles() {}

  /** TensorFlow's masked CRC32C (crc32c rotated right by 15 bits plus a constant). */
  public static int maskedCrc32c(byte[] data, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(data, offset, length);
    int c = (int) crc.getValue();
    return ((c >>> 15) | (c << 17)) + MASK_DELTA;
  }

  /** The only {@code events.out.tfevents.*} file in {@code dir}. */
  public static Path single(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> events =
          files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).toList();
      if (events.size() != 1) {
        throw new AssertionError("expected one event file in " + dir + ", found " + events);
      }
      return events.get(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads every event of the only event file in {@code dir}; a truncated last record is refused. */
  public static Contents readDir(Path dir) {
    Contents c = read(single(dir));
    if (c.truncatedTail()) {
      throw new AssertionError("the event file in " + dir + " ends inside a record");
    }
    return c;
  }

  /**
   * Reads the complete records of {@code file}; a record cut short at the end of the file (a crashed
   * writer) ends the reading and is reported, a checksum mismatch anywhere throws.
   */
  public static Contents read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    List<Event> events = new ArrayList<>();
    int pos = 0;
    while (pos < bytes.length) {
      if (bytes.length - pos < 12) {
        return new Contents(events, true);
      }
      long length = buf.getLong(pos);
      int lengthCrc = buf.getInt(pos + 8);
      if (maskedCrc32c(bytes, pos, 8) != lengthCrc) {
        throw new IllegalStateException(file + ": length checksum mismatch at offset " + pos);
      }
      if (length < 0 || length > bytes.length - pos - 16L) {
        return new Contents(events, true);
      }
      int dataStart = pos + 12;
      int n = (int) length;
      int dataCrc = buf.getInt(dataStart + n);
      if (maskedCrc32c(bytes, dataStart, n) != dataCrc) {
        throw new IllegalStateException(file + ": data checksum mismatch at offset " + pos);
      }
      try {
        events.add(Event.parseFrom(ByteBuffer.wrap(bytes, dataStart, n)));
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new IllegalStateException(file + ": record at offset " + pos + " is not an Event", e);
      }
      pos = dataStart + n + 4;
    }
    return new Contents(events, false);
  }
}
