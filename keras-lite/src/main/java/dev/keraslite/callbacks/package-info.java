/**
 * Hooks into the training loop with Keras's names: the progress bar ({@link
 * dev.keraslite.callbacks.ProgbarLogger}), {@link dev.keraslite.callbacks.History}, {@link
 * dev.keraslite.callbacks.EarlyStopping}, {@link dev.keraslite.callbacks.ModelCheckpoint}, {@link
 * dev.keraslite.callbacks.CSVLogger}, {@link dev.keraslite.callbacks.TerminateOnNaN}, {@link
 * dev.keraslite.callbacks.ReduceLROnPlateau} and {@link dev.keraslite.callbacks.LambdaCallback}.
 */
package dev.keraslite.callbacks;
