/**
 * Weight and activity regularizers with Keras 3's names and defaults: {@link
 * dev.keraslite.regularizers.L1} and {@link dev.keraslite.regularizers.L2} (factor 0.01) and {@link
 * dev.keraslite.regularizers.L1L2} (both factors 0). Layers take them as {@code
 * kernelRegularizer}, {@code biasRegularizer} and {@code activityRegularizer}; the penalties are
 * {@code Layer.losses()}, which {@code fit} and {@code evaluate} add to the compiled loss, as Keras
 * adds {@code model.losses}.
 *
 * <pre>{@code
 * Dense hidden = new Dense(64).kernelRegularizer(new L2(1e-4));
 * }</pre>
 *
 * <p>{@link dev.keraslite.regularizers.Regularizers} reads and writes Keras's serialized form.
 */
package dev.keraslite.regularizers;
