package dev.keraslite.internal.fast;

import java.util.function.Supplier;
import org.tensorflow.Operand;
import org.tensorflow.types.family.TType;

/**
 * An execution environment that keeps small constants across steps ({@link KeptConstants} asks
 * it). The recording environment implements it; living here, below the recording machinery, it
 * lets gradient functions use kept constants without depending on the tape.
 */
public interface ConstantCache {

  /** The constant cached under {@code key}, made by {@code make} on first use and kept. */
  <T extends TType> Operand<T> cachedConstant(Object key, Supplier<Operand<T>> make);

  /** The key {@code value} is cached under, or null if it is not a cached constant. */
  Object cachedConstantKey(Operand<?> value);
}
