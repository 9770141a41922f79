package dev.keraslite.callbacks;

import dev.keraslite.Eager;
import dev.keraslite.Variable;
import dev.keraslite.layers.Dense;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** A real Dense(2) model on 3 inputs, built on an eager context, whose weights tests set and read. */
final class TinyModel implements AutoCloseable {
  final Eager eager = Eager.create();
  final Ops tf = eager.tf();
  final Dense dense = new Dense(2);

  TinyModel() {
    dense.build(tf, Shape.of(-1, 3));
  }

  Variable kernel() {
    return dense.variables().get(0);
  }

  Variable bias() {
    return dense.variables().get(1);
  }

  /** Sets every weight to {@code value}, as if training had moved them there. */
  void fill(float value) {
    for (Variable v : dense.variables()) {
      float[] values = new float[(int) v.shape().size()];
      Arrays.fill(values, value);
      v.assign(tf, tf.constant(v.shape(), DataBuffers.of(values)));
    }
  }

  static float[] read(Variable v) {
    try (Tensor t = v.value(v.ops()).asTensor()) {
      float[] out = new float[(int) v.shape().size()];
      ((TFloat32) t).asRawTensor().data().asFloats().read(out);
      return out;
    }
  }

  static float[] filled(Variable v, float value) {
    float[] out = new float[(int) v.shape().size()];
    Arrays.fill(out, value);
    return out;
  }

  List<Variable> variables() {
    return dense.variables();
  }

  @Override
  public void close() {
    eager.close();
  }

  /** An ordered, mutable log map: {@code logs("loss", 0.5, "val_loss", 0.6)}. */
  static Map<String, Double> logs(Object... keysAndValues) {
    Map<String, Double> logs = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      logs.put((String) keysAndValues[i], ((Number) keysAndValues[i + 1]).doubleValue());
    }
    return logs;
  }
}
