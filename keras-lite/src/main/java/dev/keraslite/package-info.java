/**
 * keras-lite: a Keras-like API over TensorFlow Java. The core lives here: {@link
 * dev.keraslite.Eager} (an eager context whose ops tapes can see), {@link dev.keraslite.Variable}
 * (resource variables) and {@link dev.keraslite.GradientTape} (eager reverse-mode autodiff).
 */
package dev.keraslite;
