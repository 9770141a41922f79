package dev.keraslite;

import dev.keraslite.layers.KerasTensor;
import dev.keraslite.layers.Layer;
import dev.keraslite.layers.Shapes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A Keras model: a layer made of layers. Subclass it and override {@code call}; layers and models
 * held in fields (also in lists, maps and arrays) are tracked without registration, so {@link
 * #variables()} lists all their weights:
 *
 * <pre>{@code
 * class Linear extends Model {
 *   Dense dense = new Dense(1);
 *
 *   @Override
 *   protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
 *     return dense.apply(tf, input);
 *   }
 * }
 *
 * Linear model = new Linear();
 * Operand<TFloat32> y = model.apply(tf, x);      // builds dense on first use
 * model.variables();                             // linear/dense/kernel:0, linear/dense/bias:0
 * }</pre>
 *
 * Or build one from symbolic tensors with {@link #of(KerasTensor, KerasTensor)} (the functional
 * API), or stack layers in a {@link Sequential}.
 */
public abstract class Model extends Layer {
  /** A model named after its class: {@code Linear} gives {@code linear}. */
  protected Model() {}

  /** A model whose automatic name starts with {@code namePrefix}. */
  protected Model(String namePrefix) {
    super(namePrefix);
  }

  /**
   * A functional model computing {@code output} from {@code input} by replaying the layer calls
   * that connect them (Keras's {@code keras.Model(inputs, outputs)}).
   *
   * @param input a tensor from {@code Input.of(...)}
   * @throws IllegalArgumentException if {@code output} does not depend on {@code input} only
   */
  public static Model of(KerasTensor input, KerasTensor output) {
    return FunctionalModel.create(
        List.of(Objects.requireNonNull(input, "input")), List.of(Objects.requireNonNull(output, "output")));
  }

  /** A functional model with several inputs and/or outputs; apply it to a list of inputs in the same order. */
  public static Model of(List<KerasTensor> inputs, List<KerasTensor> outputs) {
    return FunctionalModel.create(inputs, outputs);
  }

  /** A functional model with several inputs and one output. */
  public static Model of(List<KerasTensor> inputs, KerasTensor output) {
    return FunctionalModel.create(inputs, List.of(Objects.requireNonNull(output, "output")));
  }

  @Override
  public Model name(String name) {
    super.name(name);
    return this;
  }

  /** The model's direct layers, in field order (for functional models: graph order). */
  public List<Layer> layers() {
    return sublayers();
  }

  /**
   * The direct layer named {@code name}.
   *
   * @throws IllegalArgumentException if there is none, listing the names there are
   */
  public Layer getLayer(String name) {
    List<String> names = new ArrayList<>();
    for (Layer l : layers()) {
      if (l.name().equals(name)) {
        return l;
      }
      names.add(l.name());
    }
    throw new IllegalArgumentException(
        describe() + " has no layer named '" + name + "'; its layers are " + names);
  }

  /**
   * Builds the model without data, as Keras's {@code model.build(input_shape)}: a subclassed model
   * is run once on a batch of zeros (unknown sizes taken as 1) in inference mode, which builds every
   * layer its {@code call} uses. Does nothing if already built.
   *
   * @param inputShapes full input shapes, batch dimension first
   */
  @Override
  public void build(Ops tf, List<Shape> inputShapes) {
    if (built()) {
      return;
    }
    if (inputShapes == null || inputShapes.isEmpty()) {
      throw new IllegalArgumentException(describe() + ": build needs at least one input shape");
    }
    List<Operand<TFloat32>> zeros = new ArrayList<>(inputShapes.size());
    for (Shape s : inputShapes) {
      if (s.isUnknown()) {
        throw new IllegalArgumentException(describe() + ": build needs input shapes of known rank");
      }
      long[] dims = s.asArray();
      for (int i = 0; i < dims.length; i++) {
        dims[i] = dims[i] < 0 ? 1 : dims[i];
      }
      zeros.add(tf.zeros(tf.constant(dims), TFloat32.class));
    }
    applyOutputs(tf, zeros, false);
  }

  /**
   * Builds a model whose input shapes are known ({@link Sequential} started with an {@link Input},
   * functional models).
   *
   * @throws IllegalStateException if the model does not know its input shape
   */
  public void build(Ops tf) {
    throw new IllegalStateException(
        describe() + " does not know its input shape: use build(tf, inputShape) or apply it to data");
  }

  /**
   * Prints Keras's summary table to standard output and returns it: each layer with its output
   * shape and parameter count, then the total, trainable and non-trainable parameter counts.
   *
   * @throws IllegalStateException if the model is not built yet
   */
  public String summary() {
    return summary(System.out::print);
  }

  /** As {@link #summary()}, printing through {@code printFn} (Keras's {@code print_fn}). */
  public String summary(Consumer<String> printFn) {
    if (!built()) {
      throw new IllegalStateException(
          "This model has not yet been built. Build the model first by calling build(tf, inputShape)"
              + " or by applying it to a batch of data (" + describe() + ").");
    }
    long total = countParams();
    long trainable = 0;
    for (Variable v : trainableVariables()) {
      trainable += v.shape().size();
    }
    String text = ModelSummary.render(name(), summaryRows(), showsConnections(), total, trainable);
    printFn.accept(text);
    return text;
  }

  /** The summary's rows: one per direct layer, with the output shape it was last seen to produce. */
  List<ModelSummary.Row> summaryRows() {
    List<ModelSummary.Row> rows = new ArrayList<>();
    for (Layer l : layers()) {
      rows.add(row(l, l.outputShape().map(Shapes::formatTuple).orElse("multiple"), List.of()));
    }
    return rows;
  }

  /** Whether the summary has a "Connected to" column. */
  boolean showsConnections() {
    return false;
  }

  static ModelSummary.Row row(Layer layer, String shape, List<String> connectedTo) {
    return new ModelSummary.Row(
        layer.name() + " (" + layer.typeName() + ")", shape, layer.countParams(), connectedTo);
  }
}
