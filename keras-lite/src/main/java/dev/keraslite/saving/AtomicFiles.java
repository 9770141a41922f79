package dev.keraslite.saving;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file through a temporary file beside it and a rename, so that a reader (or a crash)
 * sees either the previous complete file or the new complete one, never a partial one.
 */
final class AtomicFiles {
  /** Writes the temporary file it is given. */
  @FunctionalInterface
  interface Writer {
    void write(Path temporary) throws IOException;
  }

  private AtomicFiles() {}

  /** Runs {@code writer} on a temporary file in {@code target}'s directory, then renames it. */
  static void write(Path target, Writer writer) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Path temporary = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
    boolean done = false;
    try {
      writer.write(temporary);
      try {
        Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
      done = true;
    } finally {
      if (!done) {
        Files.deleteIfExists(temporary);
      }
    }
  }
}
