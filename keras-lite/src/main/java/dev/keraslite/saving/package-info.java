/**
 * Saving and restoring variable values: {@link dev.keraslite.saving.WeightsFile}, keras-lite's
 * single-file weights format (Keras's {@code save_weights} / {@code load_weights}; the format is
 * documented on the class), and {@link dev.keraslite.saving.WeightsSnapshot}, an in-memory copy of
 * some variables' values (Keras's {@code get_weights} / {@code set_weights}), as used by {@code
 * EarlyStopping(restoreBestWeights)}.
 *
 * <p>Both work on lists of {@link dev.keraslite.Variable}s of an eager context, such as {@code
 * model.variables()}, and match values to variables by name. They copy values between training
 * steps, never inside one.
 */
package dev.keraslite.saving;
