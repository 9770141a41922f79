/**
 * The machinery behind {@link dev.keraslite.GradientTape}: the recording execution environment
 * through which every op is dispatched, the tape and its backward sweep, and the gradient registry
 * ({@link dev.keraslite.autodiff.Gradients}), one class per op family.
 */
package dev.keraslite.autodiff;
