package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.constraints.Constraints;
import dev.keraslite.activations.Activations;
import dev.keraslite.constraints.Constraint;
import dev.keraslite.regularizers.Regularizer;
import dev.keraslite.activations.Activation;
import dev.keraslite.initializers.Initializer;
import dev.keraslite.initializers.Initializers;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * The fully connected recurrent layer (Keras's {@code SimpleRNN}): a {@link SimpleRNNCell} looped
 * over sequences {@code [batch, time, features]} by {@link RNN}. Its weights belong to the cell,
 * named as in Keras: {@code simple_rnn/simple_rnn_cell/kernel:0}, {@code recurrent_kernel}, {@code
 * bias}.
 *
 * <p>Keras 3's defaults, those of {@link SimpleRNNCell} and {@link RNN}: {@code tanh}, {@code
 * glorot_uniform} kernel, {@code orthogonal} recurrent kernel, zero bias, only the last output
 * returned, read forwards.
 *
 * <pre>{@code
 * SimpleRNN rnn = new SimpleRNN(32).returnSequences(true);
 * }</pre>
 */
public class SimpleRNN extends RNN {

  /**
   * A layer of {@code units} units.
   *
   * @throws IllegalArgumentException unless {@code units} is positive
   */
  public SimpleRNN(long units) {
    super(new SimpleRNNCell(requireUnits("SimpleRNN", units), "simple_rnn_cell"));
  }

  @Override
  public SimpleRNNCell cell() {
    return (SimpleRNNCell) super.cell();
  }

  @Override
  public SimpleRNN name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public SimpleRNN returnSequences(boolean returnSequences) {
    super.returnSequences(returnSequences);
    return this;
  }

  @Override
  public SimpleRNN returnState(boolean returnState) {
    super.returnState(returnState);
    return this;
  }

  @Override
  public SimpleRNN goBackwards(boolean goBackwards) {
    super.goBackwards(goBackwards);
    return this;
  }

  /** See {@link SimpleRNNCell#activation(Activation)}. */
  public SimpleRNN activation(Activation activation) {
    checkNotBuilt("activation");
    cell().activation(activation);
    return this;
  }

  /** As {@link #activation(Activation)}, by Keras name ({@code "relu"}). */
  public SimpleRNN activation(String name) {
    return activation(Activations.get(name));
  }

  /** See {@link SimpleRNNCell#useBias(boolean)}. */
  public SimpleRNN useBias(boolean useBias) {
    checkNotBuilt("useBias");
    cell().useBias(useBias);
    return this;
  }

  /** See {@link SimpleRNNCell#kernelInitializer}. */
  public SimpleRNN kernelInitializer(Initializer initializer) {
    checkNotBuilt("kernelInitializer");
    cell().kernelInitializer(initializer);
    return this;
  }

  /** As {@link #kernelInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public SimpleRNN kernelInitializer(String name) {
    return kernelInitializer(Initializers.get(name));
  }

  /** See {@link SimpleRNNCell#recurrentInitializer}. */
  public SimpleRNN recurrentInitializer(Initializer initializer) {
    checkNotBuilt("recurrentInitializer");
    cell().recurrentInitializer(initializer);
    return this;
  }

  /** As {@link #recurrentInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public SimpleRNN recurrentInitializer(String name) {
    return recurrentInitializer(Initializers.get(name));
  }

  /** See {@link SimpleRNNCell#biasInitializer}. */
  public SimpleRNN biasInitializer(Initializer initializer) {
    checkNotBuilt("biasInitializer");
    cell().biasInitializer(initializer);
    return this;
  }

  /** As {@link #biasInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public SimpleRNN biasInitializer(String name) {
    return biasInitializer(Initializers.get(name));
  }

  /** See {@link SimpleRNNCell#kernelRegularizer(Regularizer)}. */
  public SimpleRNN kernelRegularizer(Regularizer regularizer) {
    checkNotBuilt("kernelRegularizer");
    cell().kernelRegularizer(regularizer);
    return this;
  }

  /** As {@link #kernelRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public SimpleRNN kernelRegularizer(String name) {
    return kernelRegularizer(Regularizers.get(name));
  }

  /** See {@link SimpleRNNCell#recurrentRegularizer(Regularizer)}. */
  public SimpleRNN recurrentRegularizer(Regularizer regularizer) {
    checkNotBuilt("recurrentRegularizer");
    cell().recurrentRegularizer(regularizer);
    return this;
  }

  /** As {@link #recurrentRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public SimpleRNN recurrentRegularizer(String name) {
    return recurrentRegularizer(Regularizers.get(name));
  }

  /** See {@link SimpleRNNCell#biasRegularizer(Regularizer)}. */
  public SimpleRNN biasRegularizer(Regularizer regularizer) {
    checkNotBuilt("biasRegularizer");
    cell().biasRegularizer(regularizer);
    return this;
  }

  /** As {@link #biasRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public SimpleRNN biasRegularizer(String name) {
    return biasRegularizer(Regularizers.get(name));
  }

  @Override
  public SimpleRNN activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public SimpleRNN activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** See {@link SimpleRNNCell#kernelConstraint(Constraint)}. */
  public SimpleRNN kernelConstraint(Constraint constraint) {
    checkNotBuilt("kernelConstraint");
    cell().kernelConstraint(constraint);
    return this;
  }

  /** As {@link #kernelConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public SimpleRNN kernelConstraint(String name) {
    return kernelConstraint(Constraints.get(name));
  }

  /** See {@link SimpleRNNCell#recurrentConstraint(Constraint)}. */
  public SimpleRNN recurrentConstraint(Constraint constraint) {
    checkNotBuilt("recurrentConstraint");
    cell().recurrentConstraint(constraint);
    return this;
  }

  /** As {@link #recurrentConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public SimpleRNN recurrentConstraint(String name) {
    return recurrentConstraint(Constraints.get(name));
  }

  /** See {@link SimpleRNNCell#biasConstraint(Constraint)}. */
  public SimpleRNN biasConstraint(Constraint constraint) {
    checkNotBuilt("biasConstraint");
    cell().biasConstraint(constraint);
    return this;
  }

  /** As {@link #biasConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public SimpleRNN biasConstraint(String name) {
    return biasConstraint(Constraints.get(name));
  }

  /** See {@link RecurrentCell#dropout(double)}. */
  public SimpleRNN dropout(double dropout) {
    checkNotBuilt("dropout");
    cell().dropout(dropout);
    return this;
  }

  /** See {@link RecurrentCell#recurrentDropout(double)}. */
  public SimpleRNN recurrentDropout(double recurrentDropout) {
    checkNotBuilt("recurrentDropout");
    cell().recurrentDropout(recurrentDropout);
    return this;
  }

  /** See {@link RecurrentCell#seed(Long)}. */
  public SimpleRNN seed(Long seed) {
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

  /**
   * Keras 3's {@code SimpleRNN.get_config()}: the base keys, the RNN keys ({@code
   * return_sequences}, {@code return_state}, {@code go_backwards}, {@code stateful}, {@code unroll},
   * {@code zero_output_for_mask}), then the cell's ({@code units}, {@code activation}, {@code
   * use_bias}, the three initializers, regularizers and constraints (null), {@code dropout} and
   * {@code recurrent_dropout} (0), {@code seed}).
   */
  @Override
  public Map<String, Object> getConfig() {
    SimpleRNNCell cell = cell();
    Map<String, Object> config = super.getConfig();
    config.put("return_sequences", returnSequences());
    config.put("return_state", returnState());
    config.put("go_backwards", goBackwards());
    config.put("stateful", false);
    // keras-lite always unrolls; Keras's flag changes how the loop runs, not its numbers.
    config.put("unroll", false);
    config.put("zero_output_for_mask", false);
    config.put("units", units());
    config.put("activation", LayerConfig.serialize(cell.activation()));
    config.put("use_bias", cell.useBias());
    config.put("kernel_initializer", LayerConfig.serialize(cell.kernelInitializer()));
    config.put("recurrent_initializer", LayerConfig.serialize(cell.recurrentInitializer()));
    config.put("bias_initializer", LayerConfig.serialize(cell.biasInitializer()));
    config.put("kernel_regularizer", LayerConfig.serialize(cell.kernelRegularizer()));
    config.put("recurrent_regularizer", LayerConfig.serialize(cell.recurrentRegularizer()));
    config.put("bias_regularizer", LayerConfig.serialize(cell.biasRegularizer()));
    config.put("activity_regularizer", LayerConfig.serialize(activityRegularizer()));
    config.put("kernel_constraint", LayerConfig.serialize(cell.kernelConstraint()));
    config.put("recurrent_constraint", LayerConfig.serialize(cell.recurrentConstraint()));
    config.put("bias_constraint", LayerConfig.serialize(cell.biasConstraint()));
    config.put("dropout", cell.dropout());
    config.put("recurrent_dropout", cell.recurrentDropout());
    config.put("seed", cell.seed());
    return config;
  }

  /**
   * The layer a Keras config describes (Keras 3's {@code get_config()} or a Keras 2 file's layer
   * config); absent keys take Keras's defaults.
   *
   * @throws IllegalArgumentException for options keras-lite does not implement (stateful,
   *     time_major, regularizers, constraints), naming the layer and the key; dropout rates are
   *     kept (see {@link #dropout(double)})
   */
  public static SimpleRNN fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("SimpleRNN", config);
    if (!c.has("units")) {
      throw c.error("the config needs 'units'");
    }
    c.requireDefault("stateful", false);
    c.requireDefault("time_major", false);
    SimpleRNN layer =
        new SimpleRNN((long) c.getDouble("units", 0))
            .returnSequences(c.getBoolean("return_sequences", false))
            .returnState(c.getBoolean("return_state", false))
            .goBackwards(c.getBoolean("go_backwards", false))
            .dropout(c.getDouble("dropout", 0.0))
            .recurrentDropout(c.getDouble("recurrent_dropout", 0.0))
            .seed(c.has("seed") ? c.getLong("seed") : null)
            .useBias(c.getBoolean("use_bias", true))
            .kernelInitializer(
                c.initializer("kernel_initializer", Initializers.glorotUniform()))
            .recurrentInitializer(
                c.initializer("recurrent_initializer", Initializers.orthogonal()))
            .biasInitializer(
                c.initializer("bias_initializer", Initializers.zeros()));
    // Keras's default is tanh; only an explicit null or "linear" means none.
    if (!c.has("activation")) {
      layer.activation(dev.keraslite.activations.Activations.tanh());
    } else {
      layer.activation(c.activation("activation"));
    }
    layer.kernelRegularizer(c.regularizer("kernel_regularizer"));
    layer.recurrentRegularizer(c.regularizer("recurrent_regularizer"));
    layer.biasRegularizer(c.regularizer("bias_regularizer"));
    layer.activityRegularizer(c.regularizer("activity_regularizer"));
    layer.kernelConstraint(c.constraint("kernel_constraint"));
    layer.recurrentConstraint(c.constraint("recurrent_constraint"));
    layer.biasConstraint(c.constraint("bias_constraint"));
    return c.applyBase(layer);
  }
}
