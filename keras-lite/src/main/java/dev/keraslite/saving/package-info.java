/**
 * Saving and restoring models outside the Keras file formats: {@link
 * dev.keraslite.saving.Checkpoint} (training state in TensorFlow's checkpoint format, the object
 * graph keys of {@code tf.train.Checkpoint}) with {@link dev.keraslite.saving.CheckpointManager}
 * (numbered checkpoints and the latest one), {@link dev.keraslite.saving.SavedModelExport} (a
 * TensorFlow SavedModel for serving, behind {@code model.export}), and {@link
 * dev.keraslite.saving.WeightsSnapshot}, an in-memory copy of some variables' values (Keras's
 * {@code get_weights} / {@code set_weights}), as used by {@code EarlyStopping(restoreBestWeights)}.
 *
 * <p>All work on the variables of an eager context, between training steps, and write files
 * atomically (a temporary name, then a rename).
 */
package dev.keraslite.saving;
