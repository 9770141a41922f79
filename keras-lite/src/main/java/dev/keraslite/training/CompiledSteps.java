package dev.keraslite.training;

import dev.keraslite.CompiledFunction;
import dev.keraslite.data.Batch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * Steps traced once into a graph ({@link CompiledFunction}) and run by its session batch after
 * batch. The eager variables are copied into the graph's twins before the first batch of a pass
 * and back at its end ({@link #endPass}).
 */
final class CompiledSteps extends StepRunner {
  private final String kind;
  private final StepBody body;
  private final TracedSteps traced;
  private TracedSteps.Traced step;
  private boolean pushed;
  private final Function<Graph, Session> sessions;
  private final Ops placedLike;
  private final boolean jitCompile;

  CompiledSteps(String kind, StepBody body, TracedSteps traced, Function<Graph, Session> sessions) {
    this(kind, body, traced, sessions, null, false);
  }

  /** With local sessions, steps placed as the eager context of {@code placedLike}, XLA or not. */
  CompiledSteps(
      String kind, StepBody body, TracedSteps traced, Function<Graph, Session> sessions,
      Ops placedLike, boolean jitCompile) {
    this.kind = kind;
    this.body = body;
    this.traced = traced;
    this.sessions = sessions;
    this.placedLike = placedLike;
    this.jitCompile = jitCompile;
  }

  @Override
  <R> R run(Batch batch, Function<List<TFloat32>, R> read) {
    if (step == null) {
      step = traceOnce(batch);
    }
    if (!pushed) {
      step.function().pushVariables();
      pushed = true;
    }
    List<Tensor> inputs = batch.hasLabels() ? List.of(batch.x(), batch.y()) : List.of(batch.x());
    try (Result result = step.function().call(inputs)) {
      List<TFloat32> values = new ArrayList<>(result.size());
      for (int i = 0; i < result.size(); i++) {
        values.add((TFloat32) result.get(i));
      }
      return read.apply(values);
    }
  }

  @Override
  List<String> outputNames() {
    return step == null ? List.of() : step.outputNames();
  }

  @Override
  void endPass() {
    if (pushed) {
      pushed = false;
      step.function().pullVariables();
    }
  }

  /** The traced step for {@code batch}'s signature, tracing it on first use. */
  private TracedSteps.Traced traceOnce(Batch batch) {
    String key = kind + (jitCompile ? "/xla" : "") + signature(batch);
    TracedSteps.Traced known = traced.get(key);
    if (known != null) {
      return known;
    }
    List<CompiledFunction.Spec> specs = new ArrayList<>();
    specs.add(spec(batch.x()));
    if (batch.hasLabels()) {
      specs.add(spec(batch.y()));
    }
    List<String> names = new ArrayList<>();
    CompiledFunction.Body traceBody =
        (g, in) -> {
          Operand<? extends TNumber> y = in.size() > 1 ? Steps.number(in.get(1)) : null;
          Map<String, Operand<TFloat32>> out = body.apply(g, Steps.float32(in.get(0)), y);
          names.addAll(out.keySet());
          return new ArrayList<>(out.values());
        };
    CompiledFunction fn =
        sessions == null && placedLike != null
            ? CompiledFunction.trace(specs, traceBody, placedLike, jitCompile)
            : CompiledFunction.trace(specs, traceBody, sessions);
    TracedSteps.Traced made = new TracedSteps.Traced(fn, List.copyOf(names));
    traced.put(key, made);
    return made;
  }

  private static String signature(Batch batch) {
    String s = batch.x().shape().tail().toString();
    return batch.hasLabels() ? s + batch.y().shape().tail() + batch.y().dataType() : s;
  }

  /** Batch dimension left open: the last batch of an epoch may be smaller. */
  private static CompiledFunction.Spec spec(Tensor t) {
    return new CompiledFunction.Spec(typeOf(t), Shape.of(-1).append(t.shape().tail()));
  }

  @SuppressWarnings("unchecked")
  private static Class<? extends TType> typeOf(Tensor t) {
    return (Class<? extends TType>) ((TType) t).type();
  }
}
