package dev.keraslite.optimizers;

/**
 * AdamW, as Keras's {@code AdamW}: {@link Adam} with decoupled weight decay, {@code w -= w *
 * weightDecay * lr} before each Adam update (default weight decay 0.004).
 *
 * <p>No TensorFlow kernel fuses the decay with Adam, so each step is the decay (a read, two
 * multiplications and an {@code AssignSubVariableOp}, done by {@link Optimizer}) followed by the
 * fused {@code ResourceApplyAdam}.
 */
public class AdamW extends Adam {
  /** Keras's default weight decay for AdamW. */
  public static final float DEFAULT_WEIGHT_DECAY = 0.004f;

  /** AdamW with Keras's defaults (learning rate 0.001, weight decay 0.004). */
  public AdamW() {
    this(DEFAULT_LEARNING_RATE);
  }

  /** AdamW with a constant learning rate. */
  public AdamW(float learningRate) {
    super("adamw", learningRate);
    weightDecay(DEFAULT_WEIGHT_DECAY);
  }

  /** AdamW whose learning rate follows {@code schedule}. */
  public AdamW(LearningRateSchedule schedule) {
    super("adamw", schedule);
    weightDecay(DEFAULT_WEIGHT_DECAY);
  }
}
