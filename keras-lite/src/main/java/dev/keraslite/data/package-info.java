/**
 * Input pipelines: {@link dev.keraslite.data.Dataset}, a small {@code tf.data.Dataset} over samples
 * held on the Java heap (shuffle, batch, map, repeat, take, and sampling with replacement), whose
 * iteration hands out {@link dev.keraslite.data.Batch}es of TensorFlow tensors that the consumer
 * closes. Host-side elements, as {@code map} functions see them, are {@link
 * dev.keraslite.data.Element}s.
 *
 * <p>This package knows nothing of models or training; training code consumes datasets.
 */
package dev.keraslite.data;
