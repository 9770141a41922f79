/**
 * Runnable Java ports of the example programs of the chapter "TensorFlow model building and
 * training" (A Concise Handbook of TensorFlow 2), each printing what the Python original prints.
 */
package dev.keraslite.samples;
