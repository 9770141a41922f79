package dev.keraslite.autodiff;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gradient registry, keyed by TensorFlow op type and shared by every mode (eager tapes and traced
 * graphs). Built-in gradients are grouped by op family ({@link MathGradients}, {@link NnGradients},
 * {@link ArrayGradients}); users add their own with {@link #register}:
 *
 * <pre>{@code
 * Gradients.register("MyOp", (tf, op, grads) -> List.of(tf.math.mul(grads.get(0), op.input(1)), null));
 * }</pre>
 */
public final class Gradients {
  private static final GradientFunction NOT_DIFFERENTIABLE = (tf, op, grads) -> null;
  private static final Map<String, Entry> REGISTRY = new ConcurrentHashMap<>();

  private record Entry(GradientFunction function, String registrant) {}

  static {
    MathGradients.registerAll();
    NnGradients.registerAll();
    ArrayGradients.registerAll();
  }

  private Gradients() {}

  /**
   * Registers the gradient of {@code opType}.
   *
   * @throws IllegalArgumentException if {@code opType} already has a gradient, naming both
   *     registrants
   */
  public static void register(String opType, GradientFunction function) {
    put(opType, function, callerName());
  }

  /**
   * Declares ops that have no gradient (shapes, comparisons, random numbers): the tape stops at them
   * instead of failing.
   */
  public static void registerNonDifferentiable(String... opTypes) {
    String registrant = callerName();
    for (String type : opTypes) {
      put(type, NOT_DIFFERENTIABLE, registrant);
    }
  }

  /** Whether {@code opType} has a gradient function or is declared non-differentiable. */
  public static boolean isRegistered(String opType) {
    return REGISTRY.containsKey(opType);
  }

  /** Whether {@code opType} is declared non-differentiable. */
  public static boolean isNonDifferentiable(String opType) {
    Entry e = REGISTRY.get(opType);
    return e != null && e.function == NOT_DIFFERENTIABLE;
  }

  /** The gradient of {@code opType}, or null if none is registered. */
  public static GradientFunction lookup(String opType) {
    Entry e = REGISTRY.get(opType);
    return e == null ? null : e.function;
  }

  private static void put(String opType, GradientFunction function, String registrant) {
    Entry previous = REGISTRY.putIfAbsent(opType, new Entry(function, registrant));
    if (previous != null) {
      throw new IllegalArgumentException(
          "A gradient for op type '"
              + opType
              + "' is already registered by "
              + previous.registrant
              + "; a second registration came from "
              + registrant
              + ". Each op type has one gradient.");
    }
  }

  private static String callerName() {
    return StackWalker.getInstance()
        .walk(
            frames ->
                frames
                    .map(StackWalker.StackFrame::getClassName)
                    .filter(c -> !c.equals(Gradients.class.getName()))
                    .findFirst()
                    .orElse("unknown"));
  }
}
