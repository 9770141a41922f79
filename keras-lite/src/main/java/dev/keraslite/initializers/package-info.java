/**
 * Weight initializers with Keras 3's names and defaults. {@link
 * dev.keraslite.initializers.Initializer} is the functional interface layers accept; {@link
 * dev.keraslite.initializers.Initializers} makes them ({@code Initializers.glorotUniform()}) or looks
 * them up by Keras name ({@code Initializers.get("he_normal")}).
 *
 * <p>Random initializers take an optional seed. A seeded initializer is deterministic: it draws from
 * TensorFlow's stateless random ops, so it returns the same values every time it is called, as in
 * Keras 3. An unseeded one draws a new seed from {@link dev.keraslite.KerasLite#drawSeed()} on each
 * call: fresh values, or a reproducible sequence after {@link dev.keraslite.KerasLite#setRandomSeed}.
 */
package dev.keraslite.initializers;
