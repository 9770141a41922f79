/**
 * Keras 3's optimizers over keras-lite {@link dev.keraslite.Variable}s: {@link
 * dev.keraslite.optimizers.SGD}, {@link dev.keraslite.optimizers.Adam}, {@link
 * dev.keraslite.optimizers.AdamW}, {@link dev.keraslite.optimizers.RMSprop}, {@link
 * dev.keraslite.optimizers.Adagrad}, {@link dev.keraslite.optimizers.Adadelta}, {@link
 * dev.keraslite.optimizers.Adamax} and {@link dev.keraslite.optimizers.Nadam}, with Keras's names,
 * defaults, slot names and update equations, and the learning-rate schedules {@link
 * dev.keraslite.optimizers.ExponentialDecay}, {@link
 * dev.keraslite.optimizers.PiecewiseConstantDecay} and {@link
 * dev.keraslite.optimizers.CosineDecay}.
 *
 * <p>{@link dev.keraslite.optimizers.Optimizer} owns what Keras's {@code BaseOptimizer} owns
 * (iterations, learning rate, clipping, weight decay, slots); each subclass implements one update
 * step per variable, with TensorFlow's fused {@code ResourceApply*} kernel where one computes
 * exactly Keras's equations, and with composite TensorFlow ops where none does (each class says
 * which and why). Updates are built with the {@code Ops} passed in, so one optimizer serves eager
 * training and traced graphs alike.
 */
package dev.keraslite.optimizers;
