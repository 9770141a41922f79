package dev.keraslite.layers;

import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.ndarray.Shape;

/**
 * What a layer accepts, checked on every {@code apply} before any op runs (Keras's {@code
 * InputSpec}): a rank or rank range, and known sizes on some axes. A layer sets a coarse spec in its
 * constructor and a precise one in {@code build}, once it knows the input size:
 *
 * <pre>{@code
 * setInputSpec(InputSpec.minRank(2).withAxis(-1, inputDim));
 * }</pre>
 *
 * <p>Unknown dimensions in the received shape are accepted, so the same spec serves eager inputs and
 * symbolic ones whose batch size is unknown.
 */
public final class InputSpec {
  private final int minRank;
  private final int maxRank;
  private final Map<Integer, Long> axes;

  private InputSpec(int minRank, int maxRank, Map<Integer, Long> axes) {
    if (minRank < 0 || (maxRank >= 0 && maxRank < minRank)) {
      throw new IllegalArgumentException(
          "InputSpec: invalid rank range [" + minRank + ", " + maxRank + "]");
    }
    this.minRank = minRank;
    this.maxRank = maxRank;
    this.axes = axes;
  }

  /** Inputs of rank at least {@code rank}. */
  public static InputSpec minRank(int rank) {
    return new InputSpec(rank, -1, new TreeMap<>());
  }

  /** Inputs of exactly rank {@code rank}. */
  public static InputSpec rank(int rank) {
    return new InputSpec(rank, rank, new TreeMap<>());
  }

  /** This spec, also limiting the rank to at most {@code rank}. */
  public InputSpec maxRank(int rank) {
    return new InputSpec(minRank, rank, axes);
  }

  /**
   * This spec, also requiring size {@code size} on {@code axis} (negative axes count from the end,
   * so {@code -1} is the last dimension).
   */
  public InputSpec withAxis(int axis, long size) {
    if (axis >= 0 && axis >= Math.max(minRank, 1)) {
      throw new IllegalArgumentException(
          "InputSpec: axis " + axis + " is beyond the minimum rank " + minRank);
    }
    Map<Integer, Long> copy = new TreeMap<>(axes);
    copy.put(axis, size);
    return new InputSpec(minRank, maxRank, copy);
  }

  /**
   * What is wrong with {@code shape}, phrased to follow "{@code Dense 'dense': }" and precede
   * "{@code , received shape [...]}", or null if it is acceptable.
   */
  public String mismatch(Shape shape) {
    if (shape.isUnknown()) {
      return null;
    }
    int rank = shape.numDimensions();
    if (minRank == maxRank && rank != minRank) {
      return "expected input of rank " + minRank;
    }
    if (rank < minRank) {
      return "expected input of rank at least " + minRank;
    }
    if (maxRank >= 0 && rank > maxRank) {
      return "expected input of rank at most " + maxRank;
    }
    for (Map.Entry<Integer, Long> e : axes.entrySet()) {
      int axis = e.getKey() < 0 ? rank + e.getKey() : e.getKey();
      if (axis < 0 || axis >= rank) {
        return "expected input of rank at least " + (e.getKey() < 0 ? -e.getKey() : e.getKey() + 1);
      }
      long actual = shape.get(axis);
      if (actual >= 0 && actual != e.getValue()) {
        return e.getKey() == -1
            ? "expected input with last dimension " + e.getValue()
            : "expected input with size " + e.getValue() + " on axis " + e.getKey();
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "InputSpec(minRank=" + minRank + (maxRank >= 0 ? ", maxRank=" + maxRank : "")
        + (axes.isEmpty() ? "" : ", axes=" + axes) + ")";
  }
}
