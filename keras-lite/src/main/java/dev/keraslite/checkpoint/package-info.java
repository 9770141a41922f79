/**
 * TensorFlow's own formats: {@link
 * dev.keraslite.checkpoint.Checkpoint} (training state in TensorFlow's checkpoint format, the object
 * graph keys of {@code tf.train.Checkpoint}) with {@link dev.keraslite.checkpoint.CheckpointManager}
 * (numbered checkpoints and the latest one) and {@link dev.keraslite.checkpoint.SavedModelExport} (a
 * TensorFlow SavedModel for serving, behind {@code model.export}). In-memory copies of weights are
 * Keras's {@code layer.getWeights()} / {@code setWeights}.
 *
 * <p>This package knows layers and optimizers but no model class, so that callbacks can use it
 * without a dependency cycle (models know callbacks). All of it works on the variables of an eager
 * context, between training steps, and writes files atomically (a temporary name, then a rename).
 */
package dev.keraslite.checkpoint;
