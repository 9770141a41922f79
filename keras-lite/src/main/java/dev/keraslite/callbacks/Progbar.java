package dev.keraslite.callbacks;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * One run of Keras 2's progress bar (one epoch, one evaluate or one predict), printing what
 * {@code keras.utils.Progbar} prints:
 *
 * <pre>
 * verbose 1, in progress:  7/10 [====================&gt;.........] - ETA: 1s - loss: 0.5012
 * verbose 1, finished:    10/10 [==============================] - 3s 250ms/step - loss: 0.4987
 * verbose 2, finished:    10/10 - 3s - loss: 0.4987
 * </pre>
 *
 * <p>On a terminal ({@code dynamic}) the verbose-1 line is redrawn in place with {@code '\r'}, at
 * most once per {@code interval} and padded with spaces when it got shorter. Elsewhere (a log file,
 * a pipe) the in-progress line is printed as a line of its own at most once per {@code logInterval}
 * (so a long epoch is not a long silence), and the finished line at the end. Metric values are shown as given (the training loop already averages
 * them over the epoch), in the order they first appeared.
 */
final class Progbar {
  static final int WIDTH = 30;

  private final long target; // -1: unknown until finish
  private final int verbose;
  private final boolean dynamic;
  private final long intervalNanos;
  private final long logIntervalNanos;
  private final PrintStream out;
  private final LongSupplier clock;
  private final long start;
  private final Map<String, Double> values = new LinkedHashMap<>();

  private long seen;
  private long lastUpdate;
  private long lastLogLine;
  private boolean updated;
  private long timeAfterFirstStep;
  private boolean firstStepDone;
  private int totalWidth;

  Progbar(long target, int verbose, boolean dynamic, double intervalSeconds, PrintStream out,
      LongSupplier clock) {
    this(target, verbose, dynamic, intervalSeconds, ProgbarLogger.DEFAULT_LOG_INTERVAL, out, clock);
  }

  Progbar(long target, int verbose, boolean dynamic, double intervalSeconds,
      double logIntervalSeconds, PrintStream out, LongSupplier clock) {
    this.target = target > 0 ? target : -1;
    this.verbose = verbose;
    this.dynamic = dynamic;
    this.intervalNanos = (long) (intervalSeconds * 1e9);
    this.logIntervalNanos = (long) (logIntervalSeconds * 1e9);
    this.out = out;
    this.clock = clock;
    this.start = clock.getAsLong();
    this.lastLogLine = start;
  }

  /** Steps seen so far. */
  long seen() {
    return seen;
  }

  /** Records that {@code current} steps are done, with the logs so far; may redraw. */
  void update(long current, Map<String, Double> logs) {
    draw(current, target, logs, false);
  }

  /** Prints the finished line: the target (or the steps seen, when unknown) and the final logs. */
  void finish(Map<String, Double> logs) {
    draw(target > 0 ? target : seen, target > 0 ? target : seen, logs, true);
  }

  private void draw(long current, long total, Map<String, Double> logs, boolean finalize) {
    if (logs != null) {
      values.putAll(logs);
    }
    seen = current;
    long now = clock.getAsLong();
    double timePerStep = stepDuration(current, now);
    if (verbose == 1) {
      if (!finalize && updated && now - lastUpdate < intervalNanos) {
        return;
      }
      lastUpdate = now;
      updated = true;
      if (!dynamic && !finalize) {
        if (now - lastLogLine < logIntervalNanos) {
          return;
        }
        lastLogLine = now;
      }
      String bar = bar(current, total);
      StringBuilder info = new StringBuilder();
      if (total < 0 || finalize) {
        info.append(" - ").append(PythonFormat.fixed(seconds(now - start), 0)).append('s')
            .append(formatTime(timePerStep));
      } else {
        info.append(" - ETA: ").append(eta(timePerStep * (total - current)));
      }
      appendValues(info);
      StringBuilder message = new StringBuilder();
      int width = bar.length() + info.length();
      if (dynamic) {
        message.append('\r').append(bar).append(info);
        if (totalWidth > width) {
          message.append(" ".repeat(totalWidth - width));
        }
      } else {
        message.append(bar).append(info);
      }
      totalWidth = width;
      if (finalize || !dynamic) {
        message.append('\n');
      }
      out.print(message);
      out.flush();
    } else if (verbose == 2 && finalize) {
      StringBuilder line = new StringBuilder(count(current, total));
      line.append(" - ").append(PythonFormat.fixed(seconds(now - start), 0)).append('s');
      appendValues(line);
      out.print(line.append('\n'));
      out.flush();
    }
  }

  private void appendValues(StringBuilder sb) {
    for (Map.Entry<String, Double> e : values.entrySet()) {
      sb.append(" - ").append(e.getKey()).append(": ");
      sb.append(e.getValue() == null ? "None" : PythonFormat.metric(e.getValue()));
    }
  }

  /** {@code " 7/10 [====>....]"}, or {@code "      7/Unknown"} without a target. */
  private static String bar(long current, long total) {
    if (total < 0) {
      return String.format(Locale.ROOT, "%7d/Unknown", current);
    }
    StringBuilder bar = new StringBuilder(count(current, total)).append(" [");
    double progress = (double) current / total;
    int done = (int) (WIDTH * progress);
    if (done > 0) {
      bar.append("=".repeat(done - 1)).append(current < total ? '>' : '=');
    }
    bar.append(".".repeat(Math.max(0, WIDTH - done)));
    return bar.append(']').toString();
  }

  /** {@code current} right-aligned to the width of {@code total}, a slash and {@code total}. */
  private static String count(long current, long total) {
    String t = Long.toString(total);
    String c = Long.toString(current);
    return " ".repeat(Math.max(0, t.length() - c.length())) + c + "/" + t;
  }

  /**
   * Keras's estimate: the time since the first step over the steps after it, because the first
   * step (tracing, warm-up) is not representative; the plain average until there is a second.
   */
  private double stepDuration(long current, long now) {
    if (current <= 0) {
      return 0;
    }
    double perStep =
        firstStepDone && current > 1
            ? seconds(now - timeAfterFirstStep) / (current - 1)
            : seconds(now - start) / current;
    if (current == 1) {
      timeAfterFirstStep = now;
      firstStepDone = true;
    }
    return perStep;
  }

  /** {@code " 3s/step"}, {@code " 25ms/step"} or {@code " 840us/step"}. */
  private static String formatTime(double perStep) {
    if (perStep >= 1 || perStep == 0) {
      return " " + PythonFormat.fixed(perStep, 0) + "s/step";
    }
    if (perStep >= 1e-3) {
      return " " + PythonFormat.fixed(perStep * 1e3, 0) + "ms/step";
    }
    return " " + PythonFormat.fixed(perStep * 1e6, 0) + "us/step";
  }

  /** {@code 1:02:03}, {@code 2:03} or {@code 45s}, truncating seconds as Keras's {@code %d}. */
  private static String eta(double seconds) {
    if (seconds > 3600) {
      return String.format(
          Locale.ROOT,
          "%d:%02d:%02d", (long) Math.floor(seconds / 3600), (long) Math.floor(seconds % 3600 / 60),
          (long) (seconds % 60));
    }
    if (seconds > 60) {
      return String.format(
          Locale.ROOT, "%d:%02d", (long) Math.floor(seconds / 60), (long) (seconds % 60));
    }
    return (long) seconds + "s";
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
