/**
 * Mixed precision, as Keras's {@code keras.mixed_precision}: a {@link
 * dev.keraslite.mixedprecision.DTypePolicy} says in which dtype a layer computes and in which it
 * keeps its variables. {@code DTypePolicy.setGlobalPolicy("mixed_bfloat16")} before a model is
 * built makes its matrix products and convolutions run in bfloat16 on TensorFlow's oneDNN kernels
 * (CPUs with AVX-512 BF16 or AMX), with float32 variables, float32 between layers and a float32
 * loss. {@code "mixed_float16"} does the same in float16 and needs a {@code LossScaleOptimizer}.
 */
package dev.keraslite.mixedprecision;
