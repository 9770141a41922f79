/**
 * Pictures of a model ({@link dev.keraslite.plots.Plots#modelGraph}, Keras's {@code plot_model}). Sits
 * above the models, which it reads; nothing below imports it.
 */
package dev.keraslite.plots;
