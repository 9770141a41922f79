/**
 * TensorFlow's own formats and in-memory copies of variables: {@link
 * dev.keraslite.checkpoint.Checkpoint} (training state in TensorFlow's checkpoint format, the object
 * graph keys of {@code tf.train.Checkpoint}) with {@link dev.keraslite.checkpoint.CheckpointManager}
 * (numbered checkpoints and the latest one), {@link dev.keraslite.checkpoint.SavedModelExport} (a
 * TensorFlow SavedModel for serving, behind {@code model.export}), and {@link
 * dev.keraslite.checkpoint.WeightsSnapshot}, an in-memory copy of some variables' values (Keras's
 * {@code get_weights} / {@code set_weights}), as used by {@code EarlyStopping(restoreBestWeights)}.
 *
 * <p>This package knows layers and optimizers but no model class, so that callbacks can use it
 * without a dependency cycle (models know callbacks). All of it works on the variables of an eager
 * context, between training steps, and writes files atomically (a temporary name, then a rename).
 */
package dev.keraslite.checkpoint;
