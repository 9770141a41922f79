package dev.keraslite.internal.recording;

import dev.keraslite.autodiff.GradientFunction;
import dev.keraslite.autodiff.Gradients;
import dev.keraslite.autodiff.MissingGradientException;
import dev.keraslite.internal.fast.FastShape;
import dev.keraslite.internal.fast.KeptConstants;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

/**
 * Reverse-mode autodiff in the style of micrograd: the tape keeps, in execution order, every op with
 * an input that depends on a watched tensor; {@link #gradient} walks that list backwards, asks the
 * {@link Gradients registry} for each op's gradient and accumulates on fan-out.
 */
public final class Tape {
  private final RecordingEnvironment env;
  private final boolean watchAccessedVariables;
  private final List<TapeOp> ops = new ArrayList<>();
  private final TensorSet watched = new TensorSet();
  private final Set<VariableSource> watchedVariables =
      Collections.newSetFromMap(new IdentityHashMap<>());
  private final Map<VariableSource, List<Output<?>>> variableReads = new IdentityHashMap<>();

  public Tape(RecordingEnvironment env, boolean watchAccessedVariables) {
    this.env = env;
    this.watchAccessedVariables = watchAccessedVariables;
  }

  /** Watches a tensor: ops that consume it are recorded from now on. */
  public void watch(Operand<?> tensor) {
    watched.add(tensor);
  }

  /** Watches a variable: its reads are recorded from now on, trainable or not. */
  public void watch(VariableSource variable) {
    watchedVariables.add(variable);
  }

  /** Variables read under this tape and watched, in first-read order. */
  public List<VariableSource> watchedVariables() {
    return new ArrayList<>(variableReads.keySet());
  }

  /** Called by the environment for each op built while this tape records. */
  void offer(TapeOp op) {
    String type = op.type();
    if (type.equals("ReadVariableOp")) {
      VariableSource v = watchedVariable(op);
      if (v != null) {
        Output<?> read = op.output(0);
        watched.add(read);
        variableReads.computeIfAbsent(v, k -> new ArrayList<>()).add(read);
        return;
      }
    } else if (type.equals("ResourceGather") || type.equals("ResourceGatherNd")) {
      // A gather straight from the variable (an embedding lookup) reads it without ReadVariableOp:
      // the gradient flows into the handle, which then stands for the variable like a read does.
      VariableSource v = watchedVariable(op);
      if (v != null) {
        Output<?> handle = op.input(0);
        watched.add(handle);
        List<Output<?>> reads = variableReads.computeIfAbsent(v, k -> new ArrayList<>());
        if (!reads.contains(handle)) {
          reads.add(handle);
        }
      }
    }
    if (Gradients.isNonDifferentiable(op.type())) {
      // Nothing flows back through it (ones and zeros the backward pass builds, shapes, random
      // numbers), so its outputs do not depend on watched values as far as the tape is concerned.
      return;
    }
    List<Output<?>> inputs = op.inputs();
    for (int i = 0; i < inputs.size(); i++) {
      if (watched.contains(inputs.get(i))) {
        ops.add(op);
        watched.addOutputsOf(op.operation(), op.numOutputs());
        return;
      }
    }
  }

  /** The variable whose handle is {@code op}'s first input, if this tape watches it. */
  private VariableSource watchedVariable(TapeOp op) {
    VariableSource v = env.variableOf(op.input(0).op());
    if (v != null && (watchedVariables.contains(v) || (watchAccessedVariables && v.trainable()))) {
      return v;
    }
    return null;
  }

  /**
   * Gradients of {@code target} with respect to each source, in order; null for a source the target
   * does not depend on through recorded ops.
   *
   * @param tf ops to build the backward pass with
   * @param target the value to differentiate
   * @param targetGradient the gradient flowing into {@code target} (ones when null)
   * @param sources tensors ({@link Operand}) or variables ({@link VariableSource})
   */
  public List<Operand<?>> gradient(
      Ops tf, Operand<?> target, Operand<?> targetGradient, List<?> sources) {
    List<List<TensorKey>> sourceKeys = new ArrayList<>(sources.size());
    TensorSet reachable = new TensorSet();
    for (Object source : sources) {
      List<TensorKey> keys = new ArrayList<>(1);
      if (source instanceof VariableSource) {
        for (Output<?> read : variableReads.getOrDefault((VariableSource) source, List.of())) {
          keys.add(TensorKey.of(read));
          reachable.add(read);
        }
      } else if (source instanceof Operand) {
        TensorKey key = TensorKey.of((Operand<?>) source);
        // As in TensorFlow, a tensor the tape never watched has no gradient.
        if (watched.contains((Operand<?>) source)) {
          keys.add(key);
          reachable.add((Operand<?>) source);
        }
      } else {
        throw new IllegalArgumentException(
            "GradientTape.gradient: sources must be Operands or Variables, got "
                + (source == null ? "null" : source.getClass().getName()));
      }
      sourceKeys.add(keys);
    }

    // Forward sweep: the ops through which some source reaches later tensors.
    List<TapeOp> onPath = new ArrayList<>();
    for (TapeOp op : ops) {
      for (Output<?> in : op.inputs()) {
        if (reachable.contains(in)) {
          onPath.add(op);
          reachable.addOutputsOf(op.operation(), op.numOutputs());
          break;
        }
      }
    }

    Map<TensorKey, List<Operand<?>>> pending = new HashMap<>();
    TensorKey targetKey = TensorKey.of(target);
    if (reachable.contains(target)) {
      pending
          .computeIfAbsent(targetKey, k -> new ArrayList<>(1))
          .add(targetGradient != null ? targetGradient : ones(tf, target));
    }

    // Backward sweep: recording order is a topological order, so its reverse visits every consumer
    // of a tensor before the tensor's producer.
    for (int k = onPath.size() - 1; k >= 0 && !pending.isEmpty(); k--) {
      TapeOp op = onPath.get(k);
      Operand<?>[] outGrads = new Operand<?>[op.numOutputs()];
      boolean any = false;
      for (int j = 0; j < outGrads.length; j++) {
        List<Operand<?>> parts = pending.remove(TensorKey.of(op.output(j)));
        if (parts != null) {
          outGrads[j] = sum(tf, parts);
          any = true;
        }
      }
      if (!any) {
        continue;
      }
      GradientFunction fn = Gradients.lookup(op.type());
      if (fn == null) {
        throw new MissingGradientException(op);
      }
      if (Gradients.isNonDifferentiable(op.type())) {
        continue;
      }
      for (int j = 0; j < outGrads.length; j++) {
        if (outGrads[j] == null) {
          outGrads[j] = zeros(tf, op.output(j));
        }
      }
      boolean[] needed = new boolean[op.numInputs()];
      for (int i = 0; i < needed.length; i++) {
        needed[i] = reachable.contains(op.input(i));
      }
      op.setNeeded(needed);
      List<Operand<?>> inGrads;
      try {
        inGrads = fn.apply(tf, op, Arrays.asList(outGrads));
      } finally {
        op.setNeeded(null);
      }
      if (inGrads.size() != op.numInputs()) {
        throw new IllegalStateException(
            "The gradient of "
                + op
                + " returned "
                + inGrads.size()
                + " values for "
                + op.numInputs()
                + " inputs");
      }
      for (int i = 0; i < inGrads.size(); i++) {
        Operand<?> g = inGrads.get(i);
        if (g != null && needed[i]) {
          pending.computeIfAbsent(TensorKey.of(op.input(i)), x -> new ArrayList<>(1)).add(g);
        }
      }
    }

    List<Operand<?>> result = new ArrayList<>(sources.size());
    for (List<TensorKey> keys : sourceKeys) {
      List<Operand<?>> parts = new ArrayList<>();
      for (TensorKey key : keys) {
        List<Operand<?>> p = pending.get(key);
        if (p != null) {
          parts.addAll(p);
        }
      }
      result.add(parts.isEmpty() ? null : sum(tf, parts));
    }
    return result;
  }

  /**
   * The seed gradient: ones shaped like the target. A scalar target, the usual loss, gets a kept
   * constant rather than an op per step.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Operand<?> ones(Ops tf, Operand<?> target) {
    Class<?> type = target.type();
    if ((type == TFloat32.class || type == TFloat64.class) && FastShape.of(target).isScalar()) {
      return KeptConstants.scalar(tf, (Class) type, 1);
    }
    return tf.onesLike((Operand) target);
  }

  /**
   * Largest output (in elements) whose missing gradient is a kept zero constant rather than a
   * {@code ZerosLike} op: 256 KB of float32.
   */
  private static final long KEPT_ZEROS_LIMIT = 1 << 16;

  /**
   * The gradient of an output that did not reach the target (a cross-entropy's backprop output, a
   * batch normalization's saved statistics). Gradient functions usually skip it, so eagerly a
   * float output of known, modest shape gets a kept constant, with no op per step; elsewhere a
   * {@code ZerosLike}, which a graph prunes when unused.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Operand<?> zeros(Ops tf, Output<?> output) {
    Class<?> type = output.type();
    if (tf.scope().env().isEager() && (type == TFloat32.class || type == TFloat64.class)) {
      Shape shape = FastShape.of(output);
      if (!shape.isUnknown() && !shape.hasUnknownDimension() && shape.size() <= KEPT_ZEROS_LIMIT) {
        return KeptConstants.filled(tf, (Class) type, shape, 0);
      }
    }
    return tf.zerosLike(output);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Operand<?> sum(Ops tf, List<Operand<?>> parts) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    if (parts.size() == 2) {
      return tf.math.add((Operand) parts.get(0), (Operand) parts.get(1));
    }
    return tf.math.addN((Iterable) parts);
  }
}
