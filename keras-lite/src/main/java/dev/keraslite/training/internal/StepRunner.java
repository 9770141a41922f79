package dev.keraslite.training.internal;

import dev.keraslite.data.Batch;
import java.util.List;
import java.util.function.Function;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Runs one kind of step batch after batch, eagerly or as a traced graph. The loops choose the kind
 * once per {@code fit}, {@code evaluate} or {@code predict} call ({@link #of}), never per batch, and
 * then see no difference between the two.
 */
abstract class StepRunner {

  /**
   * The runner for {@code body}: eager under {@code runEagerly}, else compiled, tracing on the first
   * batch and reusing the traced step kept in {@code traced} under {@code kind} and the batch's
   * signature (later calls with the same data do not trace again).
   */
  static StepRunner of(
      boolean runEagerly, Ops tf, String kind, StepBody body, TracedSteps traced) {
    return of(runEagerly, tf, kind, body, traced, null);
  }

  /** As above, compiled steps running in the sessions {@code sessions} makes (null: local ones). */
  static StepRunner of(
      boolean runEagerly, Ops tf, String kind, StepBody body, TracedSteps traced,
      Function<Graph, Session> sessions) {
    return of(runEagerly, tf, kind, body, traced, sessions, false);
  }

  /**
   * As above; local compiled steps are placed as {@code tf}'s eager context (its device and soft
   * placement) and, with {@code jitCompile}, compiled by XLA.
   */
  static StepRunner of(
      boolean runEagerly, Ops tf, String kind, StepBody body, TracedSteps traced,
      Function<Graph, Session> sessions, boolean jitCompile) {
    return of(runEagerly, tf, kind, body, traced, sessions, jitCompile, null);
  }

  /**
   * As above; groups of local compiled steps defer their non-finite guard through {@code deferral}
   * (null: each step of a group is guarded as a single step is).
   */
  static StepRunner of(
      boolean runEagerly, Ops tf, String kind, StepBody body, TracedSteps traced,
      Function<Graph, Session> sessions, boolean jitCompile, GuardDeferral deferral) {
    return runEagerly
        ? new EagerSteps(tf, body)
        : new CompiledSteps(kind, body, traced, sessions, tf, jitCompile, deferral);
  }

  /**
   * Runs the step on {@code batch} and hands its outputs, in the order of {@link #outputNames()},
   * to {@code read}, whose result is returned. The tensors are valid only during {@code read}.
   */
  abstract <R> R run(Batch batch, Function<List<TFloat32>, R> read);

  /**
   * Runs the step on each of {@code batches} in turn, in one execution when the runner can (a
   * compiled step traced {@code batches.size()} times in one graph, run by one {@code Session.run}:
   * Keras's {@code steps_per_execution}), and hands {@code read} the outputs of the last step,
   * except {@code summed}, which is the sum of that output over all the steps. Returns null when
   * the runner cannot run them in one execution (eager steps; batches of different signatures), or
   * when a step of a group whose guard was deferred was not finite (the state the group started
   * from is then put back): the caller then runs them one by one.
   */
  <R> R runGroup(List<Batch> batches, String summed, Function<List<TFloat32>, R> read) {
    return null;
  }

  /** The names of the outputs of the last {@link #run} or {@link #runGroup}, in order. */
  abstract List<String> outputNames();

  /**
   * Ends a pass over the data: a compiled step copies its variables back to the eager ones, so
   * that callbacks and eager code see the trained values. Call it in a {@code finally}.
   */
  void endPass() {}
}
