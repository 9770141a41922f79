package dev.keraslite.saving;

/**
 * Fails a fuzz input whose reading allocated more heap than its size justifies: a reader must not
 * believe a corrupt header that declares gigabytes. Measured with the JVM's per-thread allocation
 * counter ({@code com.sun.management.ThreadMXBean}).
 */
public final class AllocationLimit implements AutoCloseable {
  /** Bytes a reader may allocate beyond {@link #PER_INPUT_BYTE} per byte of input. */
  public static final long FIXED = 8L << 20;
  /** Allocation allowed per byte of input (the data is copied a few times while parsed). */
  public static final long PER_INPUT_BYTE = 64;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

  private final long limit;
  private final long start;

  private AllocationLimit(long limit) {
    this.limit = limit;
    this.start = THREADS.getCurrentThreadAllocatedBytes();
  }

  /** A limit for reading an input of {@code inputBytes} bytes. */
  public static AllocationLimit forInput(long inputBytes) {
    return new AllocationLimit(FIXED + PER_INPUT_BYTE * inputBytes);
  }

  @Override
  public void close() {
    long used = THREADS.getCurrentThreadAllocatedBytes() - start;
    if (used > limit) {
      throw new AssertionError("allocated " + used + " bytes reading the input, over the limit of " + limit);
    }
  }
}
