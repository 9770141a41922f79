/**
 * Hooks into the training loop with Keras's names: the progress bar ({@link
 * dev.keraslite.callbacks.ProgbarLogger}), {@link dev.keraslite.callbacks.History}, {@link
 * dev.keraslite.callbacks.EarlyStopping}, {@link dev.keraslite.callbacks.ModelCheckpoint}, {@link
 * dev.keraslite.callbacks.CSVLogger}, {@link dev.keraslite.callbacks.TerminateOnNaN}, {@link
 * dev.keraslite.callbacks.ReduceLROnPlateau} and {@link dev.keraslite.callbacks.LambdaCallback}.
 * The loop drives them through one {@link dev.keraslite.callbacks.CallbackList}.
 *
 * <p>Options are fluent setters named after Keras 3's arguments, with Keras 3's defaults ({@code
 * new EarlyStopping().monitor("val_accuracy").patience(3)}). Callbacks that watch a metric take
 * Keras's {@code mode} ({@code "auto"}, {@code "min"}, {@code "max"}); in auto mode the direction
 * follows the metric's name. Text output (progress, verbose messages) goes to {@code System.out}
 * unless an {@code output(PrintStream)} is given; warnings go to java.util.logging.
 * Numbers print as Python prints them, so output reads as Keras's does.
 */
package dev.keraslite.callbacks;
