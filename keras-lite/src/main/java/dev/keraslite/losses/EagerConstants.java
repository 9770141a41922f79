package dev.keraslite.losses;

import dev.keraslite.autodiff.RecordingEnvironment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Function;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TType;

/**
 * The reduction constants of losses (axes, element counts), made once per keras-lite eager context
 * and kept: a loss computed every step would otherwise pay a dispatch and a tensor for each, every
 * step, for the same values. In a graph, and with other environments, each call makes a plain
 * constant.
 */
final class EagerConstants {
  private static final Map<ExecutionEnvironment, Map<List<Object>, Operand<?>>> CONTEXTS =
      new WeakHashMap<>();

  private EagerConstants() {}

  @SuppressWarnings("unchecked")
  static <T extends TType> Operand<T> get(
      Ops tf, List<Object> key, Function<Ops, Operand<T>> make) {
    ExecutionEnvironment env = tf.scope().env();
    if (!env.isEager() || !(env instanceof RecordingEnvironment)) {
      return make.apply(tf);
    }
    synchronized (CONTEXTS) {
      Map<List<Object>, Operand<?>> constants = CONTEXTS.computeIfAbsent(env, e -> new HashMap<>());
      Operand<T> value = (Operand<T>) constants.get(key);
      if (value == null) {
        value = make.apply(tf);
        // Outlives the step that first needs it: no tape or scope releases it.
        ((RecordingEnvironment) env).keep(value.op());
        constants.put(key, value);
      }
      return value;
    }
  }
}
