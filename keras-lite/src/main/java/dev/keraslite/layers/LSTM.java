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
 * The long short-term memory layer (Keras's {@code LSTM}): an {@link LSTMCell} looped over
 * sequences {@code [batch, time, features]} by {@link RNN}. Its weights belong to the cell, named
 * as in Keras: {@code lstm/lstm_cell/kernel:0}, {@code recurrent_kernel}, {@code bias}.
 *
 * <p>Keras 3's defaults, those of {@link LSTMCell} and {@link RNN}: {@code tanh} and {@code
 * sigmoid}, {@code glorot_uniform} kernel, {@code orthogonal} recurrent kernel, zero bias with a
 * forget-gate bias of one, only the last output returned.
 *
 * <pre>{@code
 * LSTM lstm = new LSTM(64).returnSequences(true);
 * }</pre>
 */
public class LSTM extends RNN {
  /**
   * A layer of {@code units} units.
   *
   * @throws IllegalArgumentException unless {@code units} is positive
   */
  public LSTM(long units) {
    super(new LSTMCell(requireUnits("LSTM", units), "lstm_cell"));
  }

  @Override
  public LSTMCell cell() {
    return (LSTMCell) super.cell();
  }

  @Override
  public LSTM name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public LSTM returnSequences(boolean returnSequences) {
    super.returnSequences(returnSequences);
    return this;
  }

  @Override
  public LSTM returnState(boolean returnState) {
    super.returnState(returnState);
    return this;
  }

  @Override
  public LSTM goBackwards(boolean goBackwards) {
    super.goBackwards(goBackwards);
    return this;
  }

  /** See {@link RecurrentCell#dropout(double)}. */
  public LSTM dropout(double dropout) {
    checkNotBuilt("dropout");
    cell().dropout(dropout);
    return this;
  }

  /** See {@link RecurrentCell#recurrentDropout(double)}. */
  public LSTM recurrentDropout(double recurrentDropout) {
    checkNotBuilt("recurrentDropout");
    cell().recurrentDropout(recurrentDropout);
    return this;
  }

  /** See {@link RecurrentCell#seed(Long)}. */
  public LSTM seed(Long seed) {
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

  /** See {@link LSTMCell#activation}. */
  public LSTM activation(Activation activation) {
    checkNotBuilt("activation");
    cell().activation(activation);
    return this;
  }

  /** As {@link #activation(Activation)}, by Keras name ({@code "relu"}). */
  public LSTM activation(String name) {
    return activation(Activations.get(name));
  }

  /** See {@link LSTMCell#recurrentActivation}. */
  public LSTM recurrentActivation(Activation recurrentActivation) {
    checkNotBuilt("recurrentActivation");
    cell().recurrentActivation(recurrentActivation);
    return this;
  }

  /** As {@link #recurrentActivation(Activation)}, by Keras name ({@code "relu"}). */
  public LSTM recurrentActivation(String name) {
    return recurrentActivation(Activations.get(name));
  }

  /** See {@link LSTMCell#useBias}. */
  public LSTM useBias(boolean useBias) {
    checkNotBuilt("useBias");
    cell().useBias(useBias);
    return this;
  }

  /** See {@link LSTMCell#unitForgetBias}. */
  public LSTM unitForgetBias(boolean unitForgetBias) {
    checkNotBuilt("unitForgetBias");
    cell().unitForgetBias(unitForgetBias);
    return this;
  }

  /** See {@link LSTMCell#kernelInitializer}. */
  public LSTM kernelInitializer(Initializer initializer) {
    checkNotBuilt("kernelInitializer");
    cell().kernelInitializer(initializer);
    return this;
  }

  /** As {@link #kernelInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public LSTM kernelInitializer(String name) {
    return kernelInitializer(Initializers.get(name));
  }

  /** See {@link LSTMCell#recurrentInitializer}. */
  public LSTM recurrentInitializer(Initializer initializer) {
    checkNotBuilt("recurrentInitializer");
    cell().recurrentInitializer(initializer);
    return this;
  }

  /** As {@link #recurrentInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public LSTM recurrentInitializer(String name) {
    return recurrentInitializer(Initializers.get(name));
  }

  /** See {@link LSTMCell#biasInitializer}. */
  public LSTM biasInitializer(Initializer initializer) {
    checkNotBuilt("biasInitializer");
    cell().biasInitializer(initializer);
    return this;
  }

  /** As {@link #biasInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public LSTM biasInitializer(String name) {
    return biasInitializer(Initializers.get(name));
  }

  /** See {@link LSTMCell#kernelRegularizer(Regularizer)}. */
  public LSTM kernelRegularizer(Regularizer regularizer) {
    checkNotBuilt("kernelRegularizer");
    cell().kernelRegularizer(regularizer);
    return this;
  }

  /** As {@link #kernelRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public LSTM kernelRegularizer(String name) {
    return kernelRegularizer(Regularizers.get(name));
  }

  /** See {@link LSTMCell#recurrentRegularizer(Regularizer)}. */
  public LSTM recurrentRegularizer(Regularizer regularizer) {
    checkNotBuilt("recurrentRegularizer");
    cell().recurrentRegularizer(regularizer);
    return this;
  }

  /** As {@link #recurrentRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public LSTM recurrentRegularizer(String name) {
    return recurrentRegularizer(Regularizers.get(name));
  }

  /** See {@link LSTMCell#biasRegularizer(Regularizer)}. */
  public LSTM biasRegularizer(Regularizer regularizer) {
    checkNotBuilt("biasRegularizer");
    cell().biasRegularizer(regularizer);
    return this;
  }

  /** As {@link #biasRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public LSTM biasRegularizer(String name) {
    return biasRegularizer(Regularizers.get(name));
  }

  @Override
  public LSTM activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public LSTM activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** See {@link LSTMCell#kernelConstraint(Constraint)}. */
  public LSTM kernelConstraint(Constraint constraint) {
    checkNotBuilt("kernelConstraint");
    cell().kernelConstraint(constraint);
    return this;
  }

  /** As {@link #kernelConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public LSTM kernelConstraint(String name) {
    return kernelConstraint(Constraints.get(name));
  }

  /** See {@link LSTMCell#recurrentConstraint(Constraint)}. */
  public LSTM recurrentConstraint(Constraint constraint) {
    checkNotBuilt("recurrentConstraint");
    cell().recurrentConstraint(constraint);
    return this;
  }

  /** As {@link #recurrentConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public LSTM recurrentConstraint(String name) {
    return recurrentConstraint(Constraints.get(name));
  }

  /** See {@link LSTMCell#biasConstraint(Constraint)}. */
  public LSTM biasConstraint(Constraint constraint) {
    checkNotBuilt("biasConstraint");
    cell().biasConstraint(constraint);
    return this;
  }

  /** As {@link #biasConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public LSTM biasConstraint(String name) {
    return biasConstraint(Constraints.get(name));
  }

  /** Keras 3's config keys: units, activations, initializers, unit_forget_bias, sequence options. */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("units", units());
    putGateConfig(config, cell().activationFunction(), cell().recurrentActivationFunction(),
        cell().gateWeights(), activityRegularizer());
    putDropoutConfig(config, cell());
    config.put("unit_forget_bias", cell().unitForgetBias());
    return config;
  }

  /** A layer from a Keras config, dropout, recurrent_dropout and seed included. */
  public static LSTM fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("LSTM", config);
    LSTM layer =
        new LSTM(c.getLong("units"))
            .activation(c.activation("activation"))
            .recurrentActivation(c.has("recurrent_activation")
                ? c.activation("recurrent_activation") : Activations.sigmoid())
            .useBias(c.getBoolean("use_bias", true))
            .unitForgetBias(c.getBoolean("unit_forget_bias", true))
            .kernelInitializer(c.initializer("kernel_initializer", Initializers.glorotUniform()))
            .recurrentInitializer(c.initializer("recurrent_initializer", Initializers.orthogonal()))
            .biasInitializer(c.initializer("bias_initializer", Initializers.zeros()));
    if (!c.has("activation")) {
      layer.activation(Activations.tanh());
    }
    readGateOptions(layer, layer.cell().gateWeights(), c);
    layer.dropout(c.getDouble("dropout", 0.0)).recurrentDropout(c.getDouble("recurrent_dropout", 0.0));
    layer.seed(c.has("seed") ? c.getLong("seed") : null);
    return configure(layer, c);
  }
}
