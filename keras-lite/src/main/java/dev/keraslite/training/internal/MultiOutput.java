package dev.keraslite.training.internal;

import dev.keraslite.losses.BinaryCrossentropy;
import dev.keraslite.losses.CategoricalCrossentropy;
import dev.keraslite.losses.Loss;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.metrics.BinaryAccuracy;
import dev.keraslite.metrics.CategoricalAccuracy;
import dev.keraslite.metrics.Mean;
import dev.keraslite.metrics.Metric;
import dev.keraslite.metrics.Metrics;
import dev.keraslite.metrics.SparseCategoricalAccuracy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/**
 * What {@code compile} sets up for a functional model with several inputs and/or outputs: one
 * loss per output with its weight (the total is {@code Σ weight·loss}, plus the model's
 * penalties), and Keras's logs {@code loss}, {@code <output>_loss} (each output's unweighted loss)
 * and {@code <output>_<metric>}.
 *
 * <p>The loops carry one x and one y per batch, so the inputs travel packed side by side in one
 * float32 array {@code [N, Σ input sizes]} and the targets in another {@code [N, Σ target sizes]}
 * (int32 class indices as float32, exact below 2^24); the steps split them again ({@link #inputs},
 * {@link #targets}) before the model and the losses see them. Outputs and inputs are named and
 * ordered as the model's ({@code Model.inputs()}, {@code outputs()}: their layers' names).
 */
public final class MultiOutput {
  private static final int EXACT = 1 << 24;

  private final List<String> inputNames;
  private final List<Shape> inputShapes;
  private final List<String> outputNames;
  private final List<Loss> losses;
  private final float[] lossWeights;
  private final Mean lossTracker;
  private final List<Mean> outputLossTrackers = new ArrayList<>();
  private final List<List<Metric>> outputMetrics = new ArrayList<>();
  private final List<List<String>> metricKeys = new ArrayList<>();
  /** Per output: the shape of one sample's targets, and whether they are int32 (set by packing). */
  private List<Shape> targetShapes;
  private List<Boolean> intTargets;

  /**
   * @param inputNames the model's inputs' names, in order
   * @param inputShapes their shapes without the batch dimension (fully known)
   * @param outputNames the model's outputs' names, in order
   * @param losses one loss per output, in order (null: a model compiled for prediction only)
   * @param lossWeights one weight per output, or null for all 1
   * @param metrics Keras names, each computed on every output ({@code "accuracy"} follows that
   *     output's loss), or one map from output name to a name or a list of names
   */
  public MultiOutput(
      Ops tf,
      List<String> inputNames,
      List<Shape> inputShapes,
      List<String> outputNames,
      List<Loss> losses,
      List<Float> lossWeights,
      List<?> metrics) {
    this.inputNames = List.copyOf(inputNames);
    this.inputShapes = List.copyOf(inputShapes);
    this.outputNames = List.copyOf(outputNames);
    for (int i = 0; i < inputShapes.size(); i++) {
      if (inputShapes.get(i).hasUnknownDimension()) {
        throw new IllegalArgumentException(
            "compile: input '" + inputNames.get(i) + "' has shape " + inputShapes.get(i)
                + "; several inputs need fully known sample shapes");
      }
    }
    int n = outputNames.size();
    if (losses == null) {
      this.losses = null;
      this.lossWeights = null;
      this.lossTracker = null;
      return;
    }
    if (losses.size() != n) {
      throw new IllegalArgumentException(
          "compile: the model has " + n + " outputs " + outputNames + " but " + losses.size()
              + " losses were given; give one per output");
    }
    if (lossWeights != null && lossWeights.size() != n) {
      throw new IllegalArgumentException(
          "compile: the model has " + n + " outputs " + outputNames + " but " + lossWeights.size()
              + " loss weights were given; give one per output");
    }
    this.losses = List.copyOf(losses);
    this.lossWeights = new float[n];
    for (int j = 0; j < n; j++) {
      this.lossWeights[j] = lossWeights == null ? 1f : lossWeights.get(j);
    }
    this.lossTracker = built(tf, new Mean("loss"));
    for (int j = 0; j < n; j++) {
      outputLossTrackers.add(built(tf, new Mean(outputNames.get(j) + "_loss")));
      List<Metric> ms = new ArrayList<>();
      List<String> keys = new ArrayList<>();
      for (Object m : metricsOf(metrics, outputNames, j)) {
        if (!(m instanceof String name)) {
          throw new IllegalArgumentException(
              "compile: a model with several outputs takes metrics by Keras name (\"mae\","
                  + " \"accuracy\"), one instance per output; got " + m);
        }
        ms.add(built(tf, resolve(name, losses.get(j))));
        keys.add(outputNames.get(j) + "_" + name);
      }
      outputMetrics.add(ms);
      metricKeys.add(keys);
    }
  }

  /**
   * The metrics of output {@code j}: all of {@code metrics}, or, when they are one map by output
   * name (Keras's {@code metrics={"reg": ["mae"]}}), that output's entry (a name or a list of names).
   */
  private static List<?> metricsOf(List<?> metrics, List<String> outputNames, int j) {
    if (metrics.size() == 1 && metrics.get(0) instanceof Map<?, ?> byOutput) {
      for (Object key : byOutput.keySet()) {
        if (!outputNames.contains(key)) {
          throw new IllegalArgumentException(
              "compile: metrics are keyed by output name, one of " + outputNames + "; received '"
                  + key + "'");
        }
      }
      Object mine = byOutput.get(outputNames.get(j));
      return mine == null ? List.of() : mine instanceof List<?> list ? list : List.of(mine);
    }
    return metrics;
  }

  /**
   * Keras's resolution of a metric name for an output (the trainer's single output too):
   * "accuracy" follows its loss.
   */
  static Metric resolve(String name, Loss loss) {
    if (name.equals("accuracy") || name.equals("acc")) {
      if (loss instanceof SparseCategoricalCrossentropy) {
        return new SparseCategoricalAccuracy(name);
      }
      if (loss instanceof CategoricalCrossentropy) {
        return new CategoricalAccuracy(name);
      }
      if (loss instanceof BinaryCrossentropy) {
        return new BinaryAccuracy(0.5f, name);
      }
    }
    return Metrics.get(name);
  }

  /**
   * {@code metric} with its state created now, in the model's eager context: the compiled steps
   * then share it (a metric first used inside a trace would keep its state there).
   */
  private static <M extends Metric> M built(Ops tf, M metric) {
    metric.ensureBuilt(tf);
    return metric;
  }

  /** The outputs' names, in order. */
  public List<String> outputNames() {
    return outputNames;
  }

  /** The inputs' names, in order. */
  public List<String> inputNames() {
    return inputNames;
  }

  /** {@code values} by name, in the order of {@code names}; every name must be there. */
  public static <T> List<T> ordered(String what, List<String> names, Map<String, T> values) {
    if (!values.keySet().equals(new java.util.HashSet<>(names))) {
      throw new IllegalArgumentException(
          what + " must be keyed by the model's names " + names + ", received " + values.keySet());
    }
    List<T> out = new ArrayList<>(names.size());
    for (String name : names) {
      out.add(values.get(name));
    }
    return out;
  }

  /** The loss tracker, each output's loss tracker, then each output's metrics. */
  List<Metric> metrics() {
    List<Metric> all = new ArrayList<>();
    if (lossTracker != null) {
      all.add(lossTracker);
    }
    all.addAll(outputLossTrackers);
    for (List<Metric> ms : outputMetrics) {
      all.addAll(ms);
    }
    return all;
  }

  /** A key telling traced steps apart by how the targets are packed. */
  String key() {
    return "+multi" + (intTargets == null ? "" : intTargets.toString() + targetShapes);
  }

  // ---- packing ------------------------------------------------------------------------------

  /** The inputs (converted to float32 as {@code fit}'s x) side by side, {@code [N, Σ sizes]}. */
  FloatNdArray packInputs(String what, List<? extends NdArray<?>> xs) {
    if (xs.size() != inputShapes.size()) {
      throw new IllegalArgumentException(
          what + ": the model has " + inputShapes.size() + " inputs " + inputNames + ", received "
              + xs.size() + " arrays");
    }
    List<FloatNdArray> floats = new ArrayList<>();
    for (int i = 0; i < xs.size(); i++) {
      FloatNdArray x = ArrayInputs.features(what, "x['" + inputNames.get(i) + "']", xs.get(i));
      if (!x.shape().tail().equals(inputShapes.get(i))) {
        throw new IllegalArgumentException(
            what + ": input '" + inputNames.get(i) + "' expects samples of shape "
                + inputShapes.get(i) + ", received an array of shape " + x.shape());
      }
      floats.add(x);
    }
    return pack(what, "x", inputNames, floats);
  }

  /** The targets side by side, {@code [N, Σ sizes]} float32; remembers their shapes and dtypes. */
  FloatNdArray packTargets(String what, List<? extends NdArray<?>> ys) {
    if (ys.size() != outputNames.size()) {
      throw new IllegalArgumentException(
          what + ": the model has " + outputNames.size() + " outputs " + outputNames + ", received "
              + ys.size() + " target arrays");
    }
    List<FloatNdArray> floats = new ArrayList<>();
    List<Shape> shapes = new ArrayList<>();
    List<Boolean> ints = new ArrayList<>();
    for (int j = 0; j < ys.size(); j++) {
      NdArray<?> y = ArrayInputs.targets(what, "y['" + outputNames.get(j) + "']", ys.get(j));
      if (y == null || y.shape().numDimensions() == 0) {
        throw new IllegalArgumentException(
            what + ": targets of output '" + outputNames.get(j) + "' need a batch dimension");
      }
      shapes.add(y.shape().tail());
      ints.add(y instanceof IntNdArray);
      if (y instanceof IntNdArray labels) {
        int[] v = new int[Math.toIntExact(labels.size())];
        labels.copyTo(DataBuffers.of(v, false, false));
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
          if (Math.abs(v[i]) > EXACT) {
            throw new IllegalArgumentException(
                what + ": integer targets of output '" + outputNames.get(j)
                    + "' must be within +-2^24, received " + v[i]);
          }
          f[i] = v[i];
        }
        floats.add(NdArrays.wrap(y.shape(), DataBuffers.of(f, false, false)));
      } else {
        floats.add((FloatNdArray) y);
      }
    }
    FloatNdArray packed = pack(what, "y", outputNames, floats);
    targetShapes = List.copyOf(shapes);
    intTargets = List.copyOf(ints);
    return packed;
  }

  private static FloatNdArray pack(
      String what, String kind, List<String> names, List<FloatNdArray> arrays) {
    long n = arrays.get(0).shape().get(0);
    int width = 0;
    int[] sizes = new int[arrays.size()];
    for (int i = 0; i < arrays.size(); i++) {
      Shape s = arrays.get(i).shape();
      if (s.get(0) != n) {
        throw new IllegalArgumentException(
            what + ": " + kind + "['" + names.get(i) + "'] holds " + s.get(0) + " samples but "
                + kind + "['" + names.get(0) + "'] holds " + n
                + "; every array must have the same first dimension");
      }
      sizes[i] = Math.toIntExact(Math.max(1, s.tail().size()));
      width += sizes[i];
    }
    int rows = Math.toIntExact(n);
    float[] out = new float[Math.multiplyExact(rows, width)];
    int column = 0;
    for (int i = 0; i < arrays.size(); i++) {
      float[] v = new float[rows * sizes[i]];
      arrays.get(i).copyTo(DataBuffers.of(v, false, false));
      for (int r = 0; r < rows; r++) {
        System.arraycopy(v, r * sizes[i], out, r * width + column, sizes[i]);
      }
      column += sizes[i];
    }
    return NdArrays.wrap(Shape.of(n, width), DataBuffers.of(out, false, false));
  }

  /** Splits packed columns {@code [B, Σ sizes]} into arrays of {@code [B, ...shapes]}. */
  private static List<Operand<TFloat32>> split(
      Ops tf, Operand<? extends TNumber> packed, List<Shape> shapes) {
    Operand<TFloat32> values = tf.dtypes.cast(packed, TFloat32.class);
    List<Operand<TFloat32>> out = new ArrayList<>(shapes.size());
    int column = 0;
    for (Shape s : shapes) {
      int size = Math.toIntExact(Math.max(1, s.size()));
      Operand<TFloat32> part =
          tf.slice(values, tf.constant(new int[] {0, column}), tf.constant(new int[] {-1, size}));
      out.add(tf.reshape(part, tf.constant(Shape.of(-1).append(s).asArray())));
      column += size;
    }
    return out;
  }

  /** A batch's inputs, from the packed x. */
  public List<Operand<TFloat32>> inputs(Ops tf, Operand<TFloat32> packed) {
    return split(tf, packed, inputShapes);
  }

  /** A batch's targets as given (int32 class indices or float32), from the packed y. */
  public List<Operand<? extends TNumber>> targets(Ops tf, Operand<? extends TNumber> packed) {
    if (targetShapes == null) {
      throw new IllegalStateException("the targets were not packed by fit or evaluate");
    }
    List<Operand<TFloat32>> parts = split(tf, packed, targetShapes);
    List<Operand<? extends TNumber>> out = new ArrayList<>(parts.size());
    for (int j = 0; j < parts.size(); j++) {
      out.add(intTargets.get(j) ? tf.dtypes.cast(parts.get(j), TInt32.class) : parts.get(j));
    }
    return out;
  }

  // ---- losses and metrics -------------------------------------------------------------------

  /**
   * Each output's loss into {@code perOutput} (unweighted, as Keras logs them) and their weighted
   * sum, which is returned.
   */
  public Operand<TFloat32> loss(
      Ops tf,
      List<Operand<? extends TNumber>> ys,
      List<Operand<TFloat32>> preds,
      Operand<TFloat32> sampleWeight,
      List<Operand<TFloat32>> perOutput) {
    Operand<TFloat32> total = null;
    for (int j = 0; j < losses.size(); j++) {
      Operand<TFloat32> value = losses.get(j).apply(tf, ys.get(j), preds.get(j), sampleWeight);
      perOutput.add(value);
      Operand<TFloat32> weighted =
          lossWeights[j] == 1f ? value : tf.math.mul(value, tf.constant(lossWeights[j]));
      total = total == null ? weighted : tf.math.add(total, weighted);
    }
    return total;
  }

  /** Updates the trackers and metrics; returns the logs in Keras's order and names. */
  public Map<String, Operand<TFloat32>> updateMetrics(
      Ops tf,
      Operand<TFloat32> total,
      List<Operand<TFloat32>> perOutput,
      List<Operand<? extends TNumber>> ys,
      List<Operand<TFloat32>> preds,
      Operand<TFloat32> sampleWeight) {
    Operand<TFloat32> batch =
        tf.dtypes.cast(tf.shape.size(preds.get(0), tf.constant(0)), TFloat32.class);
    Map<String, Operand<TFloat32>> logs = new LinkedHashMap<>();
    logs.put("loss", lossTracker.apply(tf, total, batch));
    for (int j = 0; j < outputNames.size(); j++) {
      logs.put(outputNames.get(j) + "_loss", outputLossTrackers.get(j).apply(tf, perOutput.get(j), batch));
    }
    for (int j = 0; j < outputNames.size(); j++) {
      List<Metric> ms = outputMetrics.get(j);
      for (int k = 0; k < ms.size(); k++) {
        logs.put(metricKeys.get(j).get(k), ms.get(k).apply(tf, ys.get(j), preds.get(j), sampleWeight));
      }
    }
    return logs;
  }

  /** The outputs flattened per sample and side by side, {@code [B, Σ sizes]}, for predict. */
  Operand<TFloat32> packOutputs(Ops tf, List<Operand<TFloat32>> preds) {
    List<Operand<TFloat32>> flat = new ArrayList<>(preds.size());
    for (int j = 0; j < preds.size(); j++) {
      Operand<TFloat32> p = preds.get(j);
      Shape sample = p.shape().numDimensions() < 1 ? Shape.unknown() : p.shape().tail();
      if (sample.isUnknown() || sample.hasUnknownDimension()) {
        throw new IllegalArgumentException(
            "predict: output '" + outputNames.get(j) + "' has samples of shape " + sample
                + "; several outputs need fully known sample shapes");
      }
      flat.add(tf.reshape(p, tf.constant(new long[] {-1, Math.max(1, sample.size())})));
    }
    return tf.concat(flat, tf.constant(1));
  }

  /** Predictions packed by {@link #packOutputs}, split per output with {@code shapes} per sample. */
  static List<FloatNdArray> unpackOutputs(FloatNdArray packed, List<Shape> shapes) {
    long n = packed.shape().get(0);
    int width = Math.toIntExact(packed.shape().get(1));
    int rows = Math.toIntExact(n);
    float[] all = new float[rows * width];
    packed.copyTo(DataBuffers.of(all, false, false));
    List<FloatNdArray> out = new ArrayList<>();
    int column = 0;
    for (Shape s : shapes) {
      int size = Math.toIntExact(Math.max(1, s.size()));
      float[] v = new float[rows * size];
      for (int r = 0; r < rows; r++) {
        System.arraycopy(all, r * width + column, v, r * size, size);
      }
      out.add(NdArrays.wrap(Shape.of(n).append(s), DataBuffers.of(v, false, false)));
      column += size;
    }
    return out;
  }
}
