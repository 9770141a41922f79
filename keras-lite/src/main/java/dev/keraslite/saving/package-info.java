/**
 * Keras's file formats: {@link dev.keraslite.saving.Saving} reads and writes {@code .keras}
 * archives, legacy {@code .h5} models and {@code .weights.h5} files (behind {@code Model.save},
 * {@code Model.load}, {@code saveWeights} and {@code loadWeights}), and {@link
 * dev.keraslite.saving.LayerRegistry} maps Keras's layer class names to keras-lite's layers.
 * Loading never runs code from a file: {@code Lambda} layers and custom objects are refused.
 *
 * <p>TensorFlow's own formats (checkpoints, SavedModel) are in {@link dev.keraslite.checkpoint}.
 */
package dev.keraslite.saving;
