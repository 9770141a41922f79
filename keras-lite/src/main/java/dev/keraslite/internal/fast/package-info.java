/**
 * keras-lite's fast eager dispatcher: executes the ops built through {@code Eager.tf()} with
 * TensorFlow's eager C API directly ({@code TFE_OpReset}, {@code TFE_OpAddInput}, typed {@code
 * TFE_OpSetAttr*}, {@code TFE_Execute}) and hands back ordinary TensorFlow Java {@code
 * EagerOperation}s, so {@code Ops}, tensorflow-framework, tapes and layers work unchanged.
 *
 * <p>{@link dev.keraslite.internal.fast.EagerDispatcher} is the entry point. Implementation detail
 * with no API guarantees: it reaches package-private parts of TensorFlow Java 1.1.0 by reflection
 * ({@link dev.keraslite.internal.fast.TfInternals}) and falls back to TensorFlow Java's own builder
 * per op for whatever it does not handle.
 */
package dev.keraslite.internal.fast;
