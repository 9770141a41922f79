/**
 * Activation functions with Keras 3's names and defaults: {@link dev.keraslite.activations.Activation}
 * is the functional interface layers accept, {@link dev.keraslite.activations.Activations} makes them
 * ({@code Activations.relu()}) or looks them up by Keras name ({@code Activations.get("relu")}).
 * Every activation is built from TensorFlow ops on the {@code Ops} it is given.
 */
package dev.keraslite.activations;
