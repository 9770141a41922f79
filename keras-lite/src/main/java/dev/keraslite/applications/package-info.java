/**
 * Ready-made architectures, as Keras's {@code keras.applications}: {@link
 * dev.keraslite.applications.MobileNetV2}, built from the library's layers with Keras's arguments,
 * defaults and layer names (so that weights saved by Keras match by name).
 */
package dev.keraslite.applications;
