package dev.keraslite.layers;

import java.util.ArrayDeque;
import org.tensorflow.op.Ops;

/**
 * The stack of layers being applied or built on this thread: Keras's call context. It lets {@code
 * addWeight} reach the {@code Ops} of the apply in progress (so {@code build(Shape)} keeps Keras's
 * signature), scopes variable names by the layers that enclose their creation ({@code
 * linear/dense/kernel:0}), and carries the training flag to nested layers applied without one.
 */
final class CallContext {
  /** One layer's apply (or explicit build) in progress. */
  record Frame(Layer layer, Ops tf, boolean training, String path) {}

  private static final ThreadLocal<ArrayDeque<Frame>> STACK =
      ThreadLocal.withInitial(ArrayDeque::new);

  private CallContext() {}

  /**
   * Enters {@code layer}. An explicit {@code training} wins; otherwise the enclosing apply's flag is
   * inherited, and the outermost default is inference (false), as in Keras.
   */
  static Frame push(Layer layer, Ops tf, Boolean training) {
    ArrayDeque<Frame> stack = STACK.get();
    Frame parent = stack.peek();
    boolean effective = training != null ? training : parent != null && parent.training();
    String path;
    if (parent == null) {
      path = layer.name();
    } else if (parent.layer() == layer) {
      path = parent.path(); // a model building itself by applying itself: one scope, not two
    } else {
      path = parent.path() + "/" + layer.name();
    }
    Frame frame = new Frame(layer, tf, effective, path);
    stack.push(frame);
    return frame;
  }

  static void pop(Frame frame) {
    ArrayDeque<Frame> stack = STACK.get();
    if (stack.peek() != frame) {
      throw new IllegalStateException("Layer call context out of order: expected " + frame.layer());
    }
    stack.pop();
  }

  /** The innermost frame, or null outside any apply. */
  static Frame current() {
    return STACK.get().peek();
  }
}
