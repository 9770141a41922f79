/**
 * Training on several machines: {@link dev.keraslite.distribute.MultiWorkerStrategy}, Keras's
 * {@code MultiWorkerMirroredStrategy} on TensorFlow's own distributed runtime (its gRPC server and
 * collective ops). Depends on the core and the building blocks; the training loops use it.
 */
package dev.keraslite.distribute;
