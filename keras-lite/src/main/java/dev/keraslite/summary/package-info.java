/**
 * TensorBoard event files written by TensorFlow's own summary ops ({@code CreateSummaryFileWriter},
 * {@code WriteScalarSummary}, {@code WriteHistogramSummary}, {@code WriteGraphSummary}): keras-lite's
 * {@code tf.summary}, for custom training loops and for the {@code TensorBoard} callback.
 */
package dev.keraslite.summary;
