package dev.keraslite.training.internal;

import dev.keraslite.CompiledFunction;
import dev.keraslite.data.Batch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
 * batch, or several batches per {@code Session.run} ({@link #runGroup}, Keras's {@code
 * steps_per_execution}). The eager variables are copied into the graph's twins before the first
 * batch of a pass and back at its end ({@link #endPass}).
 */
final class CompiledSteps extends StepRunner {
  private final String kind;
  private final StepBody body;
  private final TracedSteps traced;
  /** The single step, traced on the first batch. */
  private TracedSteps.Traced single;
  /** The traced groups of steps, by number of steps. */
  private final Map<Integer, TracedSteps.Traced> groups = new HashMap<>();
  /** The traced step or group last run (its output names are the loop's). */
  private TracedSteps.Traced step;
  private boolean pushed;
  /** The trace whose session holds the variables' current values while {@code pushed}. */
  private TracedSteps.Traced pushedTo;
  private final Function<Graph, Session> sessions;
  private final Ops placedLike;
  private final boolean jitCompile;
  /** Set while a group is traced with its guard deferred; null: groups are guarded step by step. */
  private final GuardDeferral deferral;

  CompiledSteps(String kind, StepBody body, TracedSteps traced, Function<Graph, Session> sessions) {
    this(kind, body, traced, sessions, null, false, null);
  }

  /**
   * With local sessions, steps placed as the eager context of {@code placedLike}, XLA or not;
   * groups of local steps without XLA defer their guard through {@code deferral} (or null).
   */
  CompiledSteps(
      String kind, StepBody body, TracedSteps traced, Function<Graph, Session> sessions,
      Ops placedLike, boolean jitCompile, GuardDeferral deferral) {
    this.kind = kind;
    this.body = body;
    this.traced = traced;
    this.sessions = sessions;
    this.placedLike = placedLike;
    this.jitCompile = jitCompile;
    this.deferral = sessions == null && !jitCompile ? deferral : null;
  }

  @Override
  <R> R run(Batch batch, Function<List<TFloat32>, R> read) {
    if (single == null) {
      single = traceOnce(List.of(batch), null);
    }
    return call(single, List.of(batch), read);
  }

  /**
   * The steps on {@code batches} chained in one graph, each step's variable reads after the
   * previous step's updates (the trace orders stateful ops in program order), fed all at once and
   * run by one {@code Session.run}. Each group size is traced once, for the signature of the
   * batches it first runs.
   *
   * <p>A local group is traced with its non-finite guard deferred ({@link GuardDeferral}): its steps
   * apply their updates and report which were not finite. The state the group starts from is kept
   * in the session before it runs, and when a step was not finite it is put back and null is
   * returned, so that the caller runs the batches one guarded step at a time: the weights come out
   * as if every step had been guarded, and the finite groups run without a switch per step, on
   * TensorFlow's single-threaded executor.
   */
  @Override
  <R> R runGroup(List<Batch> batches, String summed, Function<List<TFloat32>, R> read) {
    Batch first = batches.get(0);
    for (int i = 1; i < batches.size(); i++) {
      if (!sameSignature(first, batches.get(i))) {
        return null; // a trace per mix of signatures would not pay: the caller runs them one by one
      }
    }
    TracedSteps.Traced group = groups.get(batches.size());
    if (group == null) {
      group =
          deferral == null
              ? traceOnce(batches, summed)
              : deferral.during(() -> traceOnce(batches, summed));
      groups.put(batches.size(), group);
    }
    int flagged = deferral == null ? -1 : group.outputNames().indexOf(summed);
    if (flagged < 0) {
      return call(group, batches, read);
    }
    // The guard was deferred: keep the state the group starts from, and if any step of it was not
    // finite, go back to that state and let the caller run the batches one guarded step at a time.
    activate(group);
    group.function().snapshot();
    List<R> logs =
        call(
            group,
            batches,
            values ->
                values.get(flagged).getFloat() > 0
                    ? List.of()
                    : Collections.singletonList(read.apply(values)));
    if (!logs.isEmpty()) {
      return logs.get(0);
    }
    group.function().restoreSnapshot();
    return null;
  }

  private <R> R call(
      TracedSteps.Traced traced, List<Batch> batches, Function<List<TFloat32>, R> read) {
    activate(traced);
    List<Tensor> inputs = new ArrayList<>(2 * batches.size());
    for (Batch batch : batches) {
      inputs.add(batch.x());
      if (batch.hasLabels()) {
        inputs.add(batch.y());
      }
    }
    try (Result result = step.function().call(inputs)) {
      List<TFloat32> values = new ArrayList<>(result.size());
      for (int i = 0; i < result.size(); i++) {
        values.add((TFloat32) result.get(i));
      }
      return read.apply(values);
    }
  }

  /** Makes {@code traced} the step whose session holds the variables' current values. */
  private void activate(TracedSteps.Traced traced) {
    step = traced;
    if (!pushed) {
      step.function().pushVariables();
      pushed = true;
      pushedTo = step;
    } else if (pushedTo != step) {
      // Each trace has its own graph and twins: the one that ran last holds the current values
      // (an epoch's last, smaller group after full groups). A copy out and in, once per switch.
      pushedTo.function().pullVariables();
      step.function().pushVariables();
      pushedTo = step;
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
      pushedTo.function().pullVariables();
      pushedTo = null;
    }
  }

  /**
   * The traced step for {@code batches}' signature and number (one step per batch), tracing it on
   * first use; a group's {@code summed} output is the sum over its steps.
   */
  private TracedSteps.Traced traceOnce(List<Batch> batches, String summed) {
    Batch batch = batches.get(0);
    int count = batches.size();
    String key =
        kind + (jitCompile ? "/xla" : "") + (count > 1 ? "*" + count : "")
            + (deferral != null && deferral.active() ? "/deferred" : "") + signature(batch);
    TracedSteps.Traced known = traced.get(key);
    if (known != null) {
      return known;
    }
    List<CompiledFunction.Spec> specs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      specs.add(spec(batch.x()));
      if (batch.hasLabels()) {
        specs.add(spec(batch.y()));
      }
    }
    int perStep = batch.hasLabels() ? 2 : 1;
    List<String> names = new ArrayList<>();
    CompiledFunction.Body traceBody =
        (g, in) -> {
          Map<String, Operand<TFloat32>> out = null;
          List<Operand<TFloat32>> sums = new ArrayList<>();
          for (int i = 0; i < count; i++) {
            Operand<? extends TNumber> y = perStep > 1 ? Steps.number(in.get(i * perStep + 1)) : null;
            out = body.apply(g, Steps.float32(in.get(i * perStep)), y);
            if (summed != null && out.containsKey(summed)) {
              sums.add(out.get(summed));
            }
          }
          if (sums.size() > 1) {
            out = new LinkedHashMap<>(out);
            out.put(summed, g.math.addN(sums));
          }
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

  /** Whether two batches have the same shapes but for the batch dimension, and label dtype. */
  private static boolean sameSignature(Batch a, Batch b) {
    if (!sameTail(a.x().shape(), b.x().shape()) || a.hasLabels() != b.hasLabels()) {
      return false;
    }
    return !a.hasLabels()
        || (a.y().dataType() == b.y().dataType() && sameTail(a.y().shape(), b.y().shape()));
  }

  private static boolean sameTail(Shape a, Shape b) {
    if (a.numDimensions() != b.numDimensions()) {
      return false;
    }
    for (int i = 1; i < a.numDimensions(); i++) {
      if (a.get(i) != b.get(i)) {
        return false;
      }
    }
    return true;
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
