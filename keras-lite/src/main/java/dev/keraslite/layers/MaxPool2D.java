package dev.keraslite.layers;

/**
 * Keras's alias {@code MaxPool2D} of {@link MaxPooling2D}, as the tutorial's CNN spells it. It is
 * the same layer: named {@code max_pooling2d...} and shown as {@code MaxPooling2D}, as in Keras
 * where the alias is the same class.
 */
public class MaxPool2D extends MaxPooling2D {
  /** A 2x2 window. */
  public MaxPool2D() {
    this(DEFAULT_POOL_SIZE);
  }

  /** A square window of side {@code poolSize}. */
  public MaxPool2D(int poolSize) {
    this(new int[] {poolSize});
  }

  /** A window of {@code poolSize = {height, width}}. */
  public MaxPool2D(int[] poolSize) {
    super("max_pooling2d", poolSize);
  }

  @Override
  public MaxPool2D name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public MaxPool2D strides(int strides) {
    super.strides(strides);
    return this;
  }

  @Override
  public MaxPool2D strides(int[] strides) {
    super.strides(strides);
    return this;
  }

  @Override
  public MaxPool2D padding(String padding) {
    super.padding(padding);
    return this;
  }

  @Override
  public String typeName() {
    return "MaxPooling2D";
  }
}
