package dev.keraslite.training.internal;

import dev.keraslite.EagerScope;
import dev.keraslite.data.Batch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

/**
 * Steps run eagerly (Keras's {@code run_eagerly=True}): each batch's values, tapes included, live in
 * one {@link EagerScope} and are released when the step's outputs have been read.
 */
final class EagerSteps extends StepRunner {
  private final Ops tf;
  private final StepBody body;
  private List<String> names = List.of();

  EagerSteps(Ops tf, StepBody body) {
    this.tf = tf;
    this.body = body;
  }

  @Override
  <R> R run(Batch batch, Function<List<TFloat32>, R> read) {
    try (EagerScope scope = EagerScope.open(tf)) {
      Operand<TFloat32> x = tf.constantOf(batch.x());
      Operand<? extends TNumber> y = batch.hasLabels() ? Steps.number(tf.constantOf(batch.y())) : null;
      Map<String, Operand<TFloat32>> out = body.apply(tf, x, y);
      names = List.copyOf(out.keySet());
      List<TFloat32> values = new ArrayList<>(out.size());
      // Each tensor is owned by its eager op and released with the scope: not closed here.
      out.values().forEach(v -> values.add(v.asTensor()));
      return read.apply(values);
    }
  }

  @Override
  List<String> outputNames() {
    return names;
  }
}
