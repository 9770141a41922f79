/**
 * Keras 3 stateful metrics over keras-lite {@link dev.keraslite.Variable}s: a {@link
 * dev.keraslite.metrics.Metric} base with {@code addWeight}, {@code updateState}, {@code result} and
 * {@code resetState}, and the built-in metrics with Keras's names and defaults (accuracies, regression
 * errors, precision, recall, AUC, mean and sum), resolved from strings by {@link
 * dev.keraslite.metrics.Metrics#get}.
 *
 * <p>A metric lives where its {@code Ops} lives: an eager context or a graph being traced. Its updates
 * are issued with every gradient tape paused, and inputs are checked (dtype, shape, sample weight)
 * before any state changes, so a rejected batch leaves the metric as it was. Results are float32
 * scalars.
 */
package dev.keraslite.metrics;
