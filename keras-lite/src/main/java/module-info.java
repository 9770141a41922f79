/**
 * keras-lite: a Keras-like library over TensorFlow Java.
 *
 * <p>The module exports the packages users program against and keeps every package named {@code
 * internal} unexported: {@code dev.keraslite.internal} (the recording machinery and the fast eager
 * path), the helpers two packages of one level share ({@code layers.internal}: shape formatting;
 * {@code losses.internal}: Keras's label and prediction shape alignment, which metrics use too) and
 * the engine behind {@code Model.fit} ({@code training.internal}: the trainer and its step runners). On
 * the module path those types are invisible to users, whatever their Java access modifier
 * (docs/ARCHITECTURE.md, "Public surface").
 *
 * <p>Two things need opening when keras-lite runs on the module path, both documented in README:
 * the fast eager path and the distributed runtime read private handles of TensorFlow Java ({@code
 * --add-opens tensorflow/org.tensorflow=dev.keraslite}; without it the fast path turns itself off),
 * and {@code Layer} finds a model's sublayers in its fields, as Keras does by attribute tracking, so a
 * package holding user models must be {@code opens} to {@code dev.keraslite}.
 */
module dev.keraslite {
  requires transitive tensorflow;
  requires transitive tensorflow.framework;
  requires transitive org.tensorflow.ndarray;
  requires com.fasterxml.jackson.databind;
  requires io.jhdf;
  requires org.knowm.xchart;
  requires java.desktop;
  requires java.logging;

  exports dev.keraslite;
  exports dev.keraslite.activations;
  exports dev.keraslite.applications;
  exports dev.keraslite.autodiff;
  exports dev.keraslite.callbacks;
  exports dev.keraslite.checkpoint;
  exports dev.keraslite.constraints;
  exports dev.keraslite.data;
  exports dev.keraslite.datasets;
  exports dev.keraslite.distribute;
  exports dev.keraslite.initializers;
  exports dev.keraslite.layers;
  exports dev.keraslite.losses;
  exports dev.keraslite.metrics;
  exports dev.keraslite.mixedprecision;
  exports dev.keraslite.models;
  exports dev.keraslite.optimizers;
  exports dev.keraslite.plots;
  exports dev.keraslite.regularizers;
  exports dev.keraslite.saving;
  exports dev.keraslite.summary;
  exports dev.keraslite.training;
}
