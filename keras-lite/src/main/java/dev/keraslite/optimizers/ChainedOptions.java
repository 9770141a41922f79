package dev.keraslite.optimizers;

import dev.keraslite.Variable;
import java.util.List;

/**
 * {@link Optimizer}'s common options with setters that return the concrete optimizer, so that they
 * chain in any order with its own: {@code new Adam(1e-3f).clipnorm(1f).amsgrad(true)}. Every
 * built-in optimizer extends it as {@code Adam extends ChainedOptions<Adam>}; code that holds an
 * {@code Optimizer} sees the same setters returning {@code Optimizer}.
 *
 * @param <S> the concrete optimizer
 */
abstract class ChainedOptions<S extends ChainedOptions<S>> extends Optimizer {

  ChainedOptions(String name, float learningRate) {
    super(name, learningRate);
  }

  ChainedOptions(String name, LearningRateSchedule schedule) {
    super(name, schedule);
  }

  @SuppressWarnings("unchecked")
  private S self() {
    return (S) this;
  }

  @Override
  public S name(String name) {
    super.name(name);
    return self();
  }

  @Override
  public S weightDecay(float weightDecay) {
    super.weightDecay(weightDecay);
    return self();
  }

  @Override
  public S clipnorm(float clipnorm) {
    super.clipnorm(clipnorm);
    return self();
  }

  @Override
  public S clipvalue(float clipvalue) {
    super.clipvalue(clipvalue);
    return self();
  }

  @Override
  public S globalClipnorm(float globalClipnorm) {
    super.globalClipnorm(globalClipnorm);
    return self();
  }

  @Override
  public S excludeFromWeightDecay(List<Variable> variables, List<String> namePatterns) {
    super.excludeFromWeightDecay(variables, namePatterns);
    return self();
  }
}
