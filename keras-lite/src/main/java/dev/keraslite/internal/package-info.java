/** Implementation details with no API guarantees: access to TensorFlow Java internals. */
package dev.keraslite.internal;
