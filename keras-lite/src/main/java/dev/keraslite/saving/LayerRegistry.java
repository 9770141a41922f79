package dev.keraslite.saving;

import dev.keraslite.layers.Activation;
import dev.keraslite.layers.Add;
import dev.keraslite.layers.AveragePooling1D;
import dev.keraslite.layers.AveragePooling2D;
import dev.keraslite.layers.BatchNormalization;
import dev.keraslite.layers.Bidirectional;
import dev.keraslite.layers.Concatenate;
import dev.keraslite.layers.Conv1D;
import dev.keraslite.layers.Conv2D;
import dev.keraslite.layers.Conv2DTranspose;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.DepthwiseConv2D;
import dev.keraslite.layers.Dropout;
import dev.keraslite.layers.ELU;
import dev.keraslite.layers.Embedding;
import dev.keraslite.layers.Flatten;
import dev.keraslite.layers.GRU;
import dev.keraslite.layers.GlobalAveragePooling1D;
import dev.keraslite.layers.GlobalAveragePooling2D;
import dev.keraslite.layers.GlobalMaxPooling1D;
import dev.keraslite.layers.GlobalMaxPooling2D;
import dev.keraslite.layers.InputLayer;
import dev.keraslite.layers.LSTM;
import dev.keraslite.layers.Layer;
import dev.keraslite.layers.LayerNormalization;
import dev.keraslite.layers.LeakyReLU;
import dev.keraslite.layers.MaxPool2D;
import dev.keraslite.layers.Masking;
import dev.keraslite.layers.MaxPooling1D;
import dev.keraslite.layers.MaxPooling2D;
import dev.keraslite.layers.MultiHeadAttention;
import dev.keraslite.layers.ReLU;
import dev.keraslite.layers.Reshape;
import dev.keraslite.layers.SimpleRNN;
import dev.keraslite.layers.Softmax;
import dev.keraslite.layers.ThresholdedReLU;
import dev.keraslite.layers.TimeDistributed;
import dev.keraslite.layers.ZeroPadding1D;
import dev.keraslite.layers.ZeroPadding2D;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Keras layer class names and the keras-lite factories that rebuild them from a config (Keras's
 * registry of serializable objects). Loading never runs code from a file: a {@code Lambda} layer,
 * or any custom object, is refused, as with Keras's {@code safe_mode=True}.
 */
public final class LayerRegistry {
  /** Layers whose config carries code (Python bytecode or source) and that are never loaded. */
  private static final Set<String> CODE_BEARING =
      Set.of("Lambda", "TFOpLambda", "SlicingOpLambda", "LambdaLayer");

  private static final Map<String, Function<Map<String, Object>, Layer>> FACTORIES =
      new LinkedHashMap<>();
  private static final Map<Class<?>, String> CLASS_NAMES = new LinkedHashMap<>();

  static {
    register("InputLayer", InputLayer.class, InputLayer::fromConfig);
    register("Dense", Dense.class, Dense::fromConfig);
    register("Flatten", Flatten.class, Flatten::fromConfig);
    register("Reshape", Reshape.class, Reshape::fromConfig);
    register("Activation", Activation.class, Activation::fromConfig);
    register("Dropout", Dropout.class, Dropout::fromConfig);
    register("Softmax", Softmax.class, Softmax::fromConfig);
    register("Concatenate", Concatenate.class, Concatenate::fromConfig);
    register("Add", Add.class, Add::fromConfig);
    register("Conv2D", Conv2D.class, Conv2D::fromConfig);
    register("MaxPooling2D", MaxPooling2D.class, MaxPooling2D::fromConfig);
    // Keras's MaxPool2D is an alias of the same class, so files name it MaxPooling2D.
    CLASS_NAMES.put(MaxPool2D.class, "MaxPooling2D");
    register("AveragePooling2D", AveragePooling2D.class, AveragePooling2D::fromConfig);
    register("GlobalAveragePooling2D", GlobalAveragePooling2D.class, GlobalAveragePooling2D::fromConfig);
    register("GlobalMaxPooling2D", GlobalMaxPooling2D.class, GlobalMaxPooling2D::fromConfig);
    register("BatchNormalization", BatchNormalization.class, BatchNormalization::fromConfig);
    register("Embedding", Embedding.class, Embedding::fromConfig);
    register("Masking", Masking.class, Masking::fromConfig);
    register("LSTM", LSTM.class, LSTM::fromConfig);
    register("GRU", GRU.class, GRU::fromConfig);
    register("SimpleRNN", SimpleRNN.class, SimpleRNN::fromConfig);
    register("Conv1D", Conv1D.class, Conv1D::fromConfig);
    register("MaxPooling1D", MaxPooling1D.class, MaxPooling1D::fromConfig);
    register("AveragePooling1D", AveragePooling1D.class, AveragePooling1D::fromConfig);
    register("GlobalAveragePooling1D", GlobalAveragePooling1D.class, GlobalAveragePooling1D::fromConfig);
    register("GlobalMaxPooling1D", GlobalMaxPooling1D.class, GlobalMaxPooling1D::fromConfig);
    register("ZeroPadding1D", ZeroPadding1D.class, ZeroPadding1D::fromConfig);
    register("LeakyReLU", LeakyReLU.class, LeakyReLU::fromConfig);
    register("ELU", ELU.class, ELU::fromConfig);
    register("ThresholdedReLU", ThresholdedReLU.class, ThresholdedReLU::fromConfig);
    register("ReLU", ReLU.class, ReLU::fromConfig);
    register("DepthwiseConv2D", DepthwiseConv2D.class, DepthwiseConv2D::fromConfig);
    register("ZeroPadding2D", ZeroPadding2D.class, ZeroPadding2D::fromConfig);
    register("LayerNormalization", LayerNormalization.class, LayerNormalization::fromConfig);
    register("Conv2DTranspose", Conv2DTranspose.class, Conv2DTranspose::fromConfig);
    // Wrappers: their config holds the wrapped layer's, rebuilt by this registry.
    register("TimeDistributed", TimeDistributed.class, c -> TimeDistributed.fromConfig(c, LayerRegistry::createSerialized));
    register("Bidirectional", Bidirectional.class, c -> Bidirectional.fromConfig(c, LayerRegistry::createSerialized));
    register("MultiHeadAttention", MultiHeadAttention.class, MultiHeadAttention::fromConfig);
    // Aliases Keras 2 files may use for the same classes.
    FACTORIES.put("Convolution2D", Conv2D::fromConfig);
    FACTORIES.put("MaxPool2D", MaxPooling2D::fromConfig);
    FACTORIES.put("AvgPool2D", AveragePooling2D::fromConfig);
    FACTORIES.put("GlobalAvgPool2D", GlobalAveragePooling2D::fromConfig);
    FACTORIES.put("GlobalMaxPool2D", GlobalMaxPooling2D::fromConfig);
    FACTORIES.put("Convolution1D", Conv1D::fromConfig);
    FACTORIES.put("MaxPool1D", MaxPooling1D::fromConfig);
    FACTORIES.put("AvgPool1D", AveragePooling1D::fromConfig);
    FACTORIES.put("GlobalAvgPool1D", GlobalAveragePooling1D::fromConfig);
    FACTORIES.put("GlobalMaxPool1D", GlobalMaxPooling1D::fromConfig);
    FACTORIES.put("Convolution2DTranspose", Conv2DTranspose::fromConfig);
  }

  private LayerRegistry() {}

  /**
   * Registers the factory of a layer class under its Keras class name, so that files naming it
   * load and models holding it save (for layers added outside this package).
   *
   * @throws IllegalArgumentException if the name is already taken or names a code-bearing layer
   */
  public static synchronized <L extends Layer> void register(
      String kerasClassName, Class<L> type, Function<Map<String, Object>, ? extends Layer> factory) {
    if (CODE_BEARING.contains(kerasClassName)) {
      throw new IllegalArgumentException(kerasClassName + " layers carry code and are never registered");
    }
    if (FACTORIES.containsKey(kerasClassName)) {
      throw new IllegalArgumentException("layer class '" + kerasClassName + "' is already registered");
    }
    FACTORIES.put(kerasClassName, factory::apply);
    CLASS_NAMES.put(type, kerasClassName);
  }

  /** The Keras class names that load, sorted. */
  public static synchronized Set<String> knownClassNames() {
    return new TreeSet<>(FACTORIES.keySet());
  }

  /**
   * The Keras class name a file gives {@code layer} ({@code MaxPool2D} is saved as {@code
   * MaxPooling2D}).
   *
   * @throws IllegalArgumentException for a layer class that cannot be saved, saying how to register it
   */
  public static synchronized String classNameOf(Layer layer) {
    String name = CLASS_NAMES.get(layer.getClass());
    if (name == null) {
      throw new IllegalArgumentException(
          layer.typeName() + " '" + layer.name() + "' (" + layer.getClass().getName() + ") cannot be"
              + " saved with its config: its class is not in the LayerRegistry. Register it with"
              + " LayerRegistry.register(\"" + layer.typeName() + "\", " + layer.getClass().getSimpleName()
              + ".class, " + layer.getClass().getSimpleName() + "::fromConfig), or save only its"
              + " weights with saveWeights");
    }
    return name;
  }

  /**
   * The class name that names {@code layer} in a weights file's object path: its Keras class name
   * when registered, otherwise its {@link Layer#typeName()} (a custom or subclassed layer).
   */
  static synchronized String pathClassName(Layer layer) {
    String name = CLASS_NAMES.get(layer.getClass());
    return name != null ? name : layer.typeName();
  }

  /**
   * The layer a serialized layer describes ({@code class_name}, {@code config} and, from Keras 3,
   * {@code registered_name}): a wrapper's nested layer.
   *
   * @throws IllegalArgumentException as {@link #create}
   */
  public static Layer createSerialized(Map<String, Object> serialized) {
    Object className = serialized.get("class_name");
    Object registered = serialized.get("registered_name");
    Object config = serialized.get("config");
    if (!(className instanceof String) || (config != null && !(config instanceof Map))) {
      throw new IllegalArgumentException(
          "A nested layer must be given as class_name and config, received " + serialized);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> c = config == null ? new LinkedHashMap<>() : (Map<String, Object>) config;
    return create((String) className, registered instanceof String ? (String) registered : null, c);
  }

  /**
   * The layer a Keras config describes.
   *
   * @param className the config's {@code class_name}
   * @param registeredName the config's {@code registered_name} (Keras 3), or null
   * @throws IllegalArgumentException for a code-bearing layer, a custom object, or an unknown class
   *     name (listing the known ones)
   */
  public static Layer create(String className, String registeredName, Map<String, Object> config) {
    Object name = config == null ? null : config.get("name");
    String which = className + (name == null ? "" : " '" + name + "'");
    if (CODE_BEARING.contains(className)) {
      throw new IllegalArgumentException(
          which + " refused: a " + className + " layer holds Python code, and loading runs no code"
              + " from a file (Keras's safe_mode). Rebuild the model in Java with a layer that does"
              + " the same computation, then load its weights with loadWeights");
    }
    if (registeredName != null && !registeredName.equals(className)) {
      throw new IllegalArgumentException(
          which + " refused: it is a custom object ('" + registeredName + "'); only Keras's built-in"
              + " layers load. Known layers: " + String.join(", ", knownClassNames()));
    }
    Function<Map<String, Object>, Layer> factory;
    synchronized (LayerRegistry.class) {
      factory = FACTORIES.get(className);
    }
    if (factory == null) {
      throw new IllegalArgumentException(
          "Unknown layer class '" + className + "'" + (name == null ? "" : " (layer '" + name + "')")
              + " in the model config: keras-lite does not implement it. Known layers: "
              + String.join(", ", knownClassNames()));
    }
    return factory.apply(config);
  }
}
