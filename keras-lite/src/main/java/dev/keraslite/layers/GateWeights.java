package dev.keraslite.layers;

import java.util.Map;
import dev.keraslite.Variable;
import dev.keraslite.initializers.Initializer;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.constraints.Constraint;
import dev.keraslite.regularizers.Regularizer;
import java.util.Objects;
import org.tensorflow.ndarray.Shape;

/**
 * The weights Keras's gated recurrent cells ({@link LSTMCell}, {@link GRUCell}) share, and the
 * options that shape them: {@code kernel [inputDim, gates * units]} ({@code glorot_uniform}),
 * {@code recurrent_kernel [units, gates * units]} ({@code orthogonal}) and, with {@code useBias}, a
 * {@code bias} whose shape and starting value the cell decides (from the bias initializer, {@code
 * zeros} by default). Created in that order, under those names, by the cell's {@code build}.
 */
final class GateWeights {
  private final RecurrentCell cell;
  private final int gates;
  private boolean useBias = true;
  private Initializer kernelInitializer = Initializers.glorotUniform();
  private Initializer recurrentInitializer = Initializers.orthogonal();
  private Initializer biasInitializer = Initializers.zeros();
  private Regularizer kernelRegularizer;
  private Regularizer recurrentRegularizer;
  private Regularizer biasRegularizer;
  private Constraint kernelConstraint;
  private Constraint recurrentConstraint;
  private Constraint biasConstraint;
  private Variable kernel;
  private Variable recurrentKernel;
  private Variable bias;

  /** The weights of {@code cell}, whose kernels hold {@code gates} blocks of {@code units} columns. */
  GateWeights(RecurrentCell cell, int gates) {
    this.cell = cell;
    this.gates = gates;
  }

  // The setters refuse changes to a built cell, naming the option as the cell's setter does.

  void useBias(boolean useBias) {
    cell.checkNotBuilt("useBias");
    this.useBias = useBias;
  }

  boolean useBias() {
    return useBias;
  }

  void kernelInitializer(Initializer initializer) {
    cell.checkNotBuilt("kernelInitializer");
    this.kernelInitializer = Objects.requireNonNull(initializer, "kernelInitializer");
  }

  void recurrentInitializer(Initializer initializer) {
    cell.checkNotBuilt("recurrentInitializer");
    this.recurrentInitializer = Objects.requireNonNull(initializer, "recurrentInitializer");
  }

  void biasInitializer(Initializer initializer) {
    cell.checkNotBuilt("biasInitializer");
    this.biasInitializer = Objects.requireNonNull(initializer, "biasInitializer");
  }

  Initializer biasInitializer() {
    return biasInitializer;
  }

  Initializer kernelInitializer() {
    return kernelInitializer;
  }

  Initializer recurrentInitializer() {
    return recurrentInitializer;
  }

  void kernelRegularizer(Regularizer regularizer) {
    cell.checkNotBuilt("kernelRegularizer");
    this.kernelRegularizer = regularizer;
  }

  void recurrentRegularizer(Regularizer regularizer) {
    cell.checkNotBuilt("recurrentRegularizer");
    this.recurrentRegularizer = regularizer;
  }

  void biasRegularizer(Regularizer regularizer) {
    cell.checkNotBuilt("biasRegularizer");
    this.biasRegularizer = regularizer;
  }

  Regularizer kernelRegularizer() {
    return kernelRegularizer;
  }

  Regularizer recurrentRegularizer() {
    return recurrentRegularizer;
  }

  Regularizer biasRegularizer() {
    return biasRegularizer;
  }

  void kernelConstraint(Constraint constraint) {
    cell.checkNotBuilt("kernelConstraint");
    this.kernelConstraint = constraint;
  }

  Constraint kernelConstraint() {
    return kernelConstraint;
  }

  void recurrentConstraint(Constraint constraint) {
    cell.checkNotBuilt("recurrentConstraint");
    this.recurrentConstraint = constraint;
  }

  Constraint recurrentConstraint() {
    return recurrentConstraint;
  }

  void biasConstraint(Constraint constraint) {
    cell.checkNotBuilt("biasConstraint");
    this.biasConstraint = constraint;
  }

  Constraint biasConstraint() {
    return biasConstraint;
  }

  /**
   * Creates the kernel and the recurrent kernel for inputs of {@code inputDim} features and, with
   * {@code useBias}, the bias of {@code biasShape} starting from {@code biasStart}; from the cell's
   * {@code build}.
   */
  void build(long inputDim, Shape biasShape, Initializer biasStart) {
    long units = cell.units();
    kernel = cell.addWeight("kernel", Shape.of(inputDim, gates * units), kernelInitializer, kernelRegularizer,
            kernelConstraint);
    recurrentKernel =
        cell.addWeight("recurrent_kernel", Shape.of(units, gates * units), recurrentInitializer,
            recurrentRegularizer, recurrentConstraint);
    if (useBias) {
      bias = cell.addWeight("bias", biasShape, biasStart, biasRegularizer, biasConstraint);
    }
  }

  Variable kernel() {
    requireBuilt("kernel");
    return kernel;
  }

  Variable recurrentKernel() {
    requireBuilt("recurrent_kernel");
    return recurrentKernel;
  }

  /** The bias, or null without one. */
  Variable bias() {
    requireBuilt("bias");
    return bias;
  }

  private void requireBuilt(String what) {
    if (!cell.built()) {
      throw new IllegalStateException(
          cell.describe() + ": the " + what + " is created on the first apply(); the cell is not"
              + " built yet");
    }
  }

}
