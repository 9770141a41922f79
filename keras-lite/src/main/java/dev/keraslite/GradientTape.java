package dev.keraslite;

import dev.keraslite.internal.recording.RecordingEnvironment;
import dev.keraslite.internal.recording.Tape;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TType;

/**
 * Records eager ops and computes gradients, with TensorFlow's {@code tf.GradientTape} semantics:
 *
 * <pre>{@code
 * try (GradientTape tape = new GradientTape(tf)) {
 *   Operand<TFloat32> loss = lossOf(model.apply(tf, x), y);
 *   List<Operand<?>> grads = tape.gradient(loss, model.variables());
 *   optimizer.applyGradients(grads, model.variables());
 * }
 * }</pre>
 *
 * <ul>
 *   <li>Reads of trainable {@link Variable}s are watched automatically; {@link #watch} adds tensors.
 *   <li>A plain tape allows one {@link #gradient} call, a {@link #persistent} tape many. {@code
 *       gradient} may be called after {@link #close()}, as after Python's {@code with} block.
 *   <li>Tapes nest: an outer tape records the gradient computed by an inner one, so second
 *       derivatives work.
 *   <li>The outermost tape owns the step's eager values, unless an {@link EagerScope} encloses it:
 *       see {@link Eager} for when they are freed.
 * </ul> *
 * <p>Unlike layers, optimizers and metrics, a tape takes its {@code Ops} in the constructor: it is
 * nothing but a recording of one context's ops from the moment it opens (Python's {@code with
 * tf.GradientTape()} binds the current context the same way), so there is no later call to take it.
 */
public final class GradientTape implements AutoCloseable {
  private final RecordingEnvironment env;
  private final Ops tf;
  private final Tape tape;
  private final boolean persistent;
  private final boolean ownsArena;
  private List<Operation> pendingArena;
  private boolean recording;
  private boolean closed;
  private boolean used;

  /** A tape that records on {@code tf}, which must come from {@link Eager#tf()}. */
  public GradientTape(Ops tf) {
    this(tf, false, true);
  }

  /** A tape that allows several {@link #gradient} calls. */
  public static GradientTape persistent(Ops tf) {
    return new GradientTape(tf, true, true);
  }

  /**
   * A tape with TensorFlow's options.
   *
   * @param persistent whether {@link #gradient} may be called more than once
   * @param watchAccessedVariables whether reads of trainable variables are watched automatically
   */
  public GradientTape(Ops tf, boolean persistent, boolean watchAccessedVariables) {
    this.env = Eager.environmentOf(tf, "GradientTape");
    this.tf = tf;
    this.persistent = persistent;
    this.tape = new Tape(env, watchAccessedVariables);
    // The outermost region owns the step's values: an enclosing EagerScope if there is one,
    // otherwise the outermost tape. Inner tapes leave them to it, since an outer tape may still need
    // them for higher-order gradients.
    this.ownsArena = env.delegate().isEager() && !env.isRecording() && !env.hasArena();
    if (ownsArena) {
      env.pushArena();
    }
    env.startRecording(tape);
    recording = true;
  }

  /** Watches {@code tensor}: gradients with respect to it become available. */
  public GradientTape watch(Operand<?> tensor) {
    tape.watch(tensor);
    return this;
  }

  /** Watches {@code variable}, trainable or not. */
  public GradientTape watch(Variable variable) {
    tape.watch(variable);
    return this;
  }

  /**
   * The gradient of {@code target} with respect to one tensor or variable, or null when {@code
   * target} does not depend on it.
   */
  @SuppressWarnings("unchecked")
  public <T extends TType> Operand<T> gradient(Operand<?> target, Operand<T> source) {
    return (Operand<T>) gradient(target, List.of(source)).get(0);
  }

  /** The gradient of {@code target} with respect to {@code variable}, or null. */
  public Operand<?> gradient(Operand<?> target, Variable variable) {
    return gradient(target, List.of(variable)).get(0);
  }

  /**
   * Gradients of {@code target} with respect to each source, in order: one per source, null for a
   * source that {@code target} does not depend on.
   *
   * @param sources {@link Operand}s and {@link Variable}s, such as {@code model.variables()}
   * @throws IllegalStateException on a second call to a non-persistent tape
   * @throws dev.keraslite.autodiff.MissingGradientException if an op on the way has no gradient
   */
  public List<Operand<?>> gradient(Operand<?> target, List<?> sources) {
    return gradient(target, sources, null);
  }

  /**
   * As {@link #gradient(Operand, List)}, with {@code outputGradient} flowing into {@code target}
   * instead of ones (a vector-Jacobian product).
   */
  public List<Operand<?>> gradient(Operand<?> target, List<?> sources, Operand<?> outputGradient) {
    if (used && !persistent) {
      throw new IllegalStateException(
          "GradientTape.gradient can only be called once on a non-persistent tape; create it with"
              + " GradientTape.persistent(tf) to compute several gradients.");
    }
    used = true;
    // A tape does not record its own backward pass; outer tapes do (second derivatives).
    boolean wasRecording = env.stopRecording(tape);
    List<Operand<?>> grads;
    try {
      grads = tape.gradient(tf, target, outputGradient, new ArrayList<>(sources));
    } finally {
      if (wasRecording) {
        env.startRecording(tape);
      }
    }
    if (pendingArena != null && !persistent) {
      // Closed before gradient() (Python's style): the forward values are done with now. The
      // target stays readable; it and the gradients belong to the enclosing region.
      Operation targetOp = target.asOutput().op();
      List<Operation> keep = new ArrayList<>(1);
      List<Operation> drop = new ArrayList<>(pendingArena.size());
      for (Operation op : pendingArena) {
        (op == targetOp ? keep : drop).add(op);
      }
      env.release(drop);
      env.adopt(keep);
      pendingArena = null;
    }
    return grads;
  }

  /**
   * Pauses recording until the returned region is closed:
   *
   * <pre>{@code
   * try (var paused = tape.stopRecording()) { ... }
   * }</pre>
   */
  public AutoCloseable stopRecording() {
    if (!env.stopRecording(tape)) {
      throw new IllegalStateException("GradientTape.stopRecording: this tape is not recording");
    }
    recording = false;
    return new AutoCloseable() {
      private boolean done;

      @Override
      public void close() {
        if (!done && !closed) {
          env.startRecording(tape);
          recording = true;
        }
        done = true;
      }
    };
  }

  /** Variables whose reads this tape watched, in first-read order. */
  public List<Variable> watchedVariables() {
    List<Variable> out = new ArrayList<>();
    for (var v : tape.watchedVariables()) {
      out.add((Variable) v);
    }
    return out;
  }

  /**
   * Stops recording. If this is the outermost tape, the step's eager values are released now when
   * {@link #gradient} has been called (or the tape is persistent), otherwise right after the one
   * {@code gradient} call still to come.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (recording) {
      env.stopRecording(tape);
      recording = false;
    }
    if (ownsArena) {
      List<Operation> ops = env.popArena();
      if (!used && !persistent) {
        pendingArena = ops;
      } else if (persistent) {
        // A persistent tape may still be asked for gradients after close: let its values go
        // with the enclosing region (or the garbage collector).
        env.adopt(ops);
      } else {
        env.release(ops);
      }
    }
  }
}
