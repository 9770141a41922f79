/**
 * Keras 3 losses: a {@link dev.keraslite.losses.Loss} base whose subclasses compute per-sample values
 * in {@link dev.keraslite.losses.Loss#call call}, while the final {@link
 * dev.keraslite.losses.Loss#apply apply} casts labels, checks shapes, applies sample weights and the
 * {@link dev.keraslite.losses.Reduction}, as Keras's {@code Loss.__call__} does.
 *
 * <p>The built-in losses keep Keras's names, defaults and numerics: probabilities are clipped to
 * {@code [1e-7, 1 - 1e-7]} when {@code fromLogits} is false, and logits go through TensorFlow's fused
 * kernels ({@code SoftmaxCrossEntropyWithLogits}, {@code SparseSoftmaxCrossEntropyWithLogits}) or the
 * stable sigmoid formula. Every loss computes with the {@code Ops} it is given, so the same object
 * works eagerly and in a traced {@code Graph}. {@link dev.keraslite.losses.Losses#get} resolves
 * Keras's string identifiers.
 */
package dev.keraslite.losses;
