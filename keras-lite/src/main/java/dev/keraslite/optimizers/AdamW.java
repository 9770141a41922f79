package dev.keraslite.optimizers;

import dev.keraslite.Variable;
import java.util.List;

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

  // Adam's setters return Adam; these return AdamW, so that AdamW's options chain as Adam's do.

  @Override
  public AdamW name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public AdamW weightDecay(float weightDecay) {
    super.weightDecay(weightDecay);
    return this;
  }

  @Override
  public AdamW clipnorm(float clipnorm) {
    super.clipnorm(clipnorm);
    return this;
  }

  @Override
  public AdamW clipvalue(float clipvalue) {
    super.clipvalue(clipvalue);
    return this;
  }

  @Override
  public AdamW globalClipnorm(float globalClipnorm) {
    super.globalClipnorm(globalClipnorm);
    return this;
  }

  @Override
  public AdamW beta1(float beta1) {
    super.beta1(beta1);
    return this;
  }

  @Override
  public AdamW beta2(float beta2) {
    super.beta2(beta2);
    return this;
  }

  @Override
  public AdamW epsilon(float epsilon) {
    super.epsilon(epsilon);
    return this;
  }

  @Override
  public AdamW amsgrad(boolean amsgrad) {
    super.amsgrad(amsgrad);
    return this;
  }

  @Override
  public AdamW excludeFromWeightDecay(List<Variable> variables, List<String> namePatterns) {
    super.excludeFromWeightDecay(variables, namePatterns);
    return this;
  }
}
