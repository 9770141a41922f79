package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.constraints.Constraints;
import dev.keraslite.constraints.Constraint;
import dev.keraslite.regularizers.Regularizer;
import java.util.Map;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.activations.Activations;
import dev.keraslite.activations.Activation;
import dev.keraslite.initializers.Initializer;

/**
 * The gated recurrent unit layer (Keras's {@code GRU}): a {@link GRUCell} looped over
 * sequences {@code [batch, time, features]} by {@link RNN}. Its weights belong to the cell, named
 * as in Keras: {@code gru/gru_cell/kernel:0}, {@code recurrent_kernel}, {@code bias}.
 *
 * <p>Keras 3's defaults, those of {@link GRUCell} and {@link RNN}: {@code tanh} and {@code
 * sigmoid}, {@code glorot_uniform} kernel, {@code orthogonal} recurrent kernel, zero biases of
 * shape {@code [2, 3 units]} ({@code resetAfter}), only the last output returned.
 *
 * <pre>{@code
 * GRU gru = new GRU(64).returnSequences(true);
 * }</pre>
 */
public class GRU extends RNN {
  /**
   * A layer of {@code units} units.
   *
   * @throws IllegalArgumentException unless {@code units} is positive
   */
  public GRU(long units) {
    super(new GRUCell(requireUnits("GRU", units), "gru_cell"));
  }

  @Override
  public GRUCell cell() {
    return (GRUCell) super.cell();
  }

  @Override
  public GRU name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public GRU returnSequences(boolean returnSequences) {
    super.returnSequences(returnSequences);
    return this;
  }

  @Override
  public GRU returnState(boolean returnState) {
    super.returnState(returnState);
    return this;
  }

  @Override
  public GRU goBackwards(boolean goBackwards) {
    super.goBackwards(goBackwards);
    return this;
  }

  /** See {@link RecurrentCell#dropout(double)}. */
  public GRU dropout(double dropout) {
    checkNotBuilt("dropout");
    cell().dropout(dropout);
    return this;
  }

  /** See {@link RecurrentCell#recurrentDropout(double)}. */
  public GRU recurrentDropout(double recurrentDropout) {
    checkNotBuilt("recurrentDropout");
    cell().recurrentDropout(recurrentDropout);
    return this;
  }

  /** See {@link RecurrentCell#seed(Long)}. */
  public GRU seed(Long seed) {
    checkNotBuilt("seed");
    cell().seed(seed);
    return this;
  }

  /** The input dropout rate. */
  public double dropout() {
    return cell().dropout();
  }

  /** The recurrent dropout rate. */
  public double recurrentDropout() {
    return cell().recurrentDropout();
  }

  /** See {@link GRUCell#activation}. */
  public GRU activation(Activation activation) {
    checkNotBuilt("activation");
    cell().activation(activation);
    return this;
  }

  /** As {@link #activation(Activation)}, by Keras name ({@code "relu"}). */
  public GRU activation(String name) {
    return activation(Activations.get(name));
  }

  /** See {@link GRUCell#recurrentActivation}. */
  public GRU recurrentActivation(Activation recurrentActivation) {
    checkNotBuilt("recurrentActivation");
    cell().recurrentActivation(recurrentActivation);
    return this;
  }

  /** As {@link #recurrentActivation(Activation)}, by Keras name ({@code "relu"}). */
  public GRU recurrentActivation(String name) {
    return recurrentActivation(Activations.get(name));
  }

  /** See {@link GRUCell#useBias}. */
  public GRU useBias(boolean useBias) {
    checkNotBuilt("useBias");
    cell().useBias(useBias);
    return this;
  }

  /** See {@link GRUCell#resetAfter}. */
  public GRU resetAfter(boolean resetAfter) {
    checkNotBuilt("resetAfter");
    cell().resetAfter(resetAfter);
    return this;
  }

  /** See {@link GRUCell#kernelInitializer}. */
  public GRU kernelInitializer(Initializer initializer) {
    checkNotBuilt("kernelInitializer");
    cell().kernelInitializer(initializer);
    return this;
  }

  /** As {@link #kernelInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public GRU kernelInitializer(String name) {
    return kernelInitializer(Initializers.get(name));
  }

  /** See {@link GRUCell#recurrentInitializer}. */
  public GRU recurrentInitializer(Initializer initializer) {
    checkNotBuilt("recurrentInitializer");
    cell().recurrentInitializer(initializer);
    return this;
  }

  /** As {@link #recurrentInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public GRU recurrentInitializer(String name) {
    return recurrentInitializer(Initializers.get(name));
  }

  /** See {@link GRUCell#biasInitializer}. */
  public GRU biasInitializer(Initializer initializer) {
    checkNotBuilt("biasInitializer");
    cell().biasInitializer(initializer);
    return this;
  }

  /** As {@link #biasInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public GRU biasInitializer(String name) {
    return biasInitializer(Initializers.get(name));
  }

  /** See {@link GRUCell#kernelRegularizer(Regularizer)}. */
  public GRU kernelRegularizer(Regularizer regularizer) {
    checkNotBuilt("kernelRegularizer");
    cell().kernelRegularizer(regularizer);
    return this;
  }

  /** As {@link #kernelRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public GRU kernelRegularizer(String name) {
    return kernelRegularizer(Regularizers.get(name));
  }

  /** See {@link GRUCell#recurrentRegularizer(Regularizer)}. */
  public GRU recurrentRegularizer(Regularizer regularizer) {
    checkNotBuilt("recurrentRegularizer");
    cell().recurrentRegularizer(regularizer);
    return this;
  }

  /** As {@link #recurrentRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public GRU recurrentRegularizer(String name) {
    return recurrentRegularizer(Regularizers.get(name));
  }

  /** See {@link GRUCell#biasRegularizer(Regularizer)}. */
  public GRU biasRegularizer(Regularizer regularizer) {
    checkNotBuilt("biasRegularizer");
    cell().biasRegularizer(regularizer);
    return this;
  }

  /** As {@link #biasRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public GRU biasRegularizer(String name) {
    return biasRegularizer(Regularizers.get(name));
  }

  @Override
  public GRU activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public GRU activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** See {@link GRUCell#kernelConstraint(Constraint)}. */
  public GRU kernelConstraint(Constraint constraint) {
    checkNotBuilt("kernelConstraint");
    cell().kernelConstraint(constraint);
    return this;
  }

  /** As {@link #kernelConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public GRU kernelConstraint(String name) {
    return kernelConstraint(Constraints.get(name));
  }

  /** See {@link GRUCell#recurrentConstraint(Constraint)}. */
  public GRU recurrentConstraint(Constraint constraint) {
    checkNotBuilt("recurrentConstraint");
    cell().recurrentConstraint(constraint);
    return this;
  }

  /** As {@link #recurrentConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public GRU recurrentConstraint(String name) {
    return recurrentConstraint(Constraints.get(name));
  }

  /** See {@link GRUCell#biasConstraint(Constraint)}. */
  public GRU biasConstraint(Constraint constraint) {
    checkNotBuilt("biasConstraint");
    cell().biasConstraint(constraint);
    return this;
  }

  /** As {@link #biasConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public GRU biasConstraint(String name) {
    return biasConstraint(Constraints.get(name));
  }

  /** Keras 3's config keys: units, activations, initializers, reset_after, sequence options. */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("units", units());
    putGateConfig(config, cell().activationFunction(), cell().recurrentActivationFunction(),
        cell().gateWeights(), activityRegularizer());
    putDropoutConfig(config, cell());
    config.put("reset_after", cell().resetAfter());
    return config;
  }

  /**
   * A layer from a Keras config (dropout, recurrent_dropout and seed included). Keras 2 files made with
   * {@code reset_after=False} say so in their config, which is read.
   */
  public static GRU fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("GRU", config);
    GRU layer =
        new GRU(c.getLong("units"))
            .activation(c.has("activation") ? c.activation("activation") : Activations.tanh())
            .recurrentActivation(c.has("recurrent_activation")
                ? c.activation("recurrent_activation") : Activations.sigmoid())
            .useBias(c.getBoolean("use_bias", true))
            .resetAfter(c.getBoolean("reset_after", true))
            .kernelInitializer(c.initializer("kernel_initializer", Initializers.glorotUniform()))
            .recurrentInitializer(c.initializer("recurrent_initializer", Initializers.orthogonal()))
            .biasInitializer(c.initializer("bias_initializer", Initializers.zeros()));
    readGateOptions(layer, layer.cell().gateWeights(), c);
    layer.dropout(c.getDouble("dropout", 0.0)).recurrentDropout(c.getDouble("recurrent_dropout", 0.0));
    layer.seed(c.has("seed") ? c.getLong("seed") : null);
    return configure(layer, c);
  }
}
