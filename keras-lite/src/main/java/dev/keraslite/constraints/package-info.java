/**
 * Weight constraints with Keras 3's names and defaults: {@link dev.keraslite.constraints.MaxNorm}
 * (maxValue 2, axis 0), {@link dev.keraslite.constraints.NonNeg}, {@link
 * dev.keraslite.constraints.UnitNorm} (axis 0) and {@link dev.keraslite.constraints.MinMaxNorm}.
 * Layers take them as {@code kernelConstraint} and {@code biasConstraint}; after each optimizer
 * update, {@code fit} assigns {@code constraint(weight)} to every updated weight that has one, as
 * Keras's optimizers do.
 *
 * <pre>{@code
 * Dense hidden = new Dense(64).kernelConstraint(new MaxNorm(3));
 * }</pre>
 *
 * <p>{@link dev.keraslite.constraints.Constraints} reads and writes Keras's serialized form.
 */
package dev.keraslite.constraints;
