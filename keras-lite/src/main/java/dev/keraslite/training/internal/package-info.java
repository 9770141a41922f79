/**
 * The engine behind {@code Model.fit}, {@code evaluate} and {@code predict}: the {@code Trainer} a
 * compiled model holds, the eager and compiled step runners (chosen once per call), the data feeding,
 * the non-finite guard, steps per execution and the epoch rollback. Not exported by the module
 * (docs/ARCHITECTURE.md, "Public surface"): users reach it through {@code Model} and configure it
 * with {@link dev.keraslite.training.FitOptions}, as Keras's {@code Trainer} is reached through {@code
 * keras.Model}.
 */
package dev.keraslite.training.internal;
