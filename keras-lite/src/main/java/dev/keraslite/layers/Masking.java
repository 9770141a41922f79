package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizer;
import dev.keraslite.regularizers.Regularizers;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Any;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Marks the timesteps to skip (Keras's {@code Masking}): for inputs {@code [batch, time,
 * features]}, a timestep whose features all equal {@code maskValue} is masked. The output is the
 * input with masked timesteps zeroed, and it carries the mask {@code [batch, time]} to the next
 * layers, so that a recurrent layer keeps its state across those steps.
 *
 * <pre>{@code
 * Sequential model = Sequential.of(new Masking(0.0), new LSTM(32));
 * }</pre>
 */
public class Masking extends Layer {
  private final double maskValue;

  /** Masks timesteps whose features all equal {@code maskValue} (Keras's default: 0.0). */
  public Masking(double maskValue) {
    this.maskValue = maskValue;
  }

  /** Masks all-zero timesteps. */
  public Masking() {
    this(0.0);
  }

  @Override
  public Masking name(String name) {
    super.name(name);
    return this;
  }

  /** The value that marks a masked timestep. */
  public double maskValue() {
    return maskValue;
  }

  @Override
  public boolean supportsMasking() {
    return true;
  }

  private Operand<TBool> keep(Ops tf, Operand<TFloat32> input, boolean keepDims) {
    return tf.any(
        tf.math.notEqual(input, tf.constant((float) maskValue)), tf.constant(-1), Any.keepDims(keepDims));
  }

  @Override
  protected void checkInputShapes(List<Shape> inputShapes) {
    Shape x = inputShapes.get(0);
    if (inputShapes.size() != 1) {
      throw new IllegalArgumentException(
          describe() + ": expected a single input, received " + inputShapes.size() + " inputs");
    }
    if (x.isUnknown() || x.numDimensions() < 2) {
      throw inputError("expected input of rank 2 or more ([batch, ..., features])", x);
    }
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    return tf.math.mul(input, tf.dtypes.cast(keep(tf, input, true), TFloat32.class));
  }

  @Override
  public Operand<TBool> computeMask(Ops tf, List<Operand<TFloat32>> inputs, Operand<TBool> mask) {
    return keep(tf, inputs.get(0), false);
  }

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    return inputShape;
  }

  /** Keras 3's config keys: mask_value. */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("mask_value", maskValue);
    return config;
  }

  /** A layer from a Keras config. */
  public static Masking fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("Masking", config);
    return c.applyBase(new Masking(c.getDouble("mask_value", 0.0)));
  }

  @Override
  public Masking activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public Masking activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }
}
