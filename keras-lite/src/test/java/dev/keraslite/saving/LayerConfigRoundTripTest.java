package dev.keraslite.saving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.activations.Activations;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.layers.Activation;
import dev.keraslite.layers.Add;
import dev.keraslite.layers.AveragePooling2D;
import dev.keraslite.layers.BatchNormalization;
import dev.keraslite.layers.Concatenate;
import dev.keraslite.layers.Bidirectional;
import dev.keraslite.layers.Conv2D;
import dev.keraslite.layers.Conv2DTranspose;
import dev.keraslite.layers.LayerNormalization;
import dev.keraslite.layers.SimpleRNN;
import dev.keraslite.layers.TimeDistributed;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Dropout;
import dev.keraslite.layers.Embedding;
import dev.keraslite.layers.Flatten;
import dev.keraslite.layers.GRU;
import dev.keraslite.layers.GlobalAveragePooling2D;
import dev.keraslite.layers.GlobalMaxPooling2D;
import dev.keraslite.layers.InputLayer;
import dev.keraslite.layers.LSTM;
import dev.keraslite.layers.Layer;
import dev.keraslite.layers.MaxPool2D;
import dev.keraslite.layers.MaxPooling2D;
import dev.keraslite.layers.Reshape;
import dev.keraslite.layers.Softmax;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every layer's config survives JSON and {@code fromConfig}: what {@code save} writes, {@code load}
 * reads, options that differ from Keras's defaults included.
 */
class LayerConfigRoundTripTest {
  static Stream<Layer> layers() {
    return Stream.of(
        new InputLayer(28, 28, 1).name("pixels"),
        new Dense(7).activation(Activations.gelu()).useBias(false)
            .kernelInitializer(Initializers.heNormal()).biasInitializer(Initializers.ones()).name("d"),
        new Flatten(),
        new Reshape(-1, 4),
        new Activation("selu"),
        new Dropout(0.25).seed(3).noiseShape(-1, 1, 5),
        new Softmax(1),
        new Concatenate(1),
        new Add(),
        new Conv2D(5, new int[] {3, 2}).strides(new int[] {2, 1}).padding("same")
            .activation(Activations.relu()).kernelInitializer(Initializers.lecunUniform()),
        new Conv2D(4, 3).dilationRate(2).biasInitializer(Initializers.constant(0.5f)),
        new MaxPooling2D(3).strides(2).padding("same"),
        new MaxPool2D(2),
        new AveragePooling2D(new int[] {2, 3}),
        new GlobalAveragePooling2D().keepdims(true),
        new GlobalMaxPooling2D(),
        new BatchNormalization().axis(1).momentum(0.9).epsilon(1e-5).center(false)
            .gammaInitializer(Initializers.randomNormal(1.0, 0.02)),
        new Embedding(100, 8).embeddingsInitializer(Initializers.truncatedNormal(0.0, 0.1)),
        new LSTM(6).returnSequences(true).goBackwards(true).unitForgetBias(false)
            .recurrentActivation(Activations.hardSigmoid()),
        new GRU(5).resetAfter(false).returnState(true)
            .recurrentInitializer(Initializers.orthogonal(2.0))
            .kernelInitializer(Initializers.varianceScaling(0.5, "fan_out", "untruncated_normal")),
        new LayerNormalization().axis(1, 2).epsilon(1e-6f).scale(false),
        new Conv2DTranspose(3, new int[] {3, 2}).strides(2).padding("same").outputPadding(new int[] {1, 0})
            .activation(Activations.relu()),
        new TimeDistributed(new Dense(3).activation(Activations.tanh()).name("per_step")),
        new TimeDistributed(new Conv2D(2, 3).padding("same")),
        new Bidirectional(new LSTM(4).returnSequences(true).name("enc")).mergeMode("ave"),
        new Bidirectional(new GRU(3).resetAfter(false), new GRU(3).goBackwards(true).name("back")).mergeMode("mul"),
        new Bidirectional(new SimpleRNN(2).returnState(true)));
  }

  @ParameterizedTest
  @MethodSource("layers")
  void configSurvivesJsonAndFromConfig(Layer layer) {
    Map<String, Object> serialized = ModelConfig.serializeLayer(layer);
    Map<String, Object> parsed = KerasJson.parse(KerasJson.write(serialized), "config");
    @SuppressWarnings("unchecked")
    Map<String, Object> config = (Map<String, Object>) parsed.get("config");
    Layer rebuilt = LayerRegistry.create((String) parsed.get("class_name"), null, config);
    assertSame(layer.getClass() == MaxPool2D.class ? MaxPooling2D.class : layer.getClass(), rebuilt.getClass());
    assertEquals(KerasJson.write(layer.getConfig()), KerasJson.write(rebuilt.getConfig()));
    assertEquals(layer.name(), rebuilt.name());
  }

  @Test
  void initializersUseKerasClassNames() {
    Map<String, Object> glorot = Initializers.serialize(Initializers.glorotUniform());
    assertEquals("GlorotUniform", glorot.get("class_name"));
    assertEquals("keras.initializers", glorot.get("module"));
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("seed", null);
    assertEquals(expected, glorot.get("config"));
    Map<?, ?> normal = (Map<?, ?>) Initializers.serialize(Initializers.randomNormal(0.0, 0.02)).get("config");
    assertEquals(0.0, normal.get("mean"));
    assertEquals(0.02, normal.get("stddev"));
    assertTrue(normal.containsKey("seed"));
    // Keras 2's VarianceScaling(distribution="normal") is Keras 3's truncated normal.
    Map<String, Object> keras2 =
        Map.of("class_name", "VarianceScaling",
            "config", Map.of("scale", 2.0, "mode", "fan_in", "distribution", "normal"));
    assertEquals(
        "variance_scaling(scale=2.0, mode=fan_in, distribution=truncated_normal)",
        Initializers.deserialize(keras2).toString());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class,
            () -> Initializers.serialize((tf, shape) -> tf.zeros(tf.constant(shape.asArray()), org.tensorflow.types.TFloat32.class)));
    assertTrue(e.getMessage().contains("has no Keras serialized form"), e.getMessage());
  }

  @Test
  void unsupportedOptionsAreRefusedByName() {
    Map<String, Object> config = new LinkedHashMap<>(new Dense(3).name("d").getConfig());
    config.put("lora_rank", 4);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Dense.fromConfig(config));
    assertTrue(e.getMessage().startsWith("Dense 'd': option lora_rank=4 is not supported"), e.getMessage());
    // mask_zero is supported now: it loads. A recurrent layer's stateful=true is still refused by name.
    Map<String, Object> emb = new LinkedHashMap<>(new Embedding(5, 2).name("e").getConfig());
    emb.put("mask_zero", true);
    assertTrue(Embedding.fromConfig(emb).maskZero());
    Map<String, Object> lstm = new LinkedHashMap<>(new dev.keraslite.layers.LSTM(2).name("l").getConfig());
    lstm.put("stateful", true);
    IllegalArgumentException e2 =
        assertThrows(IllegalArgumentException.class, () -> dev.keraslite.layers.LSTM.fromConfig(lstm));
    assertTrue(e2.getMessage().contains("stateful=true is not supported"), e2.getMessage());
    Map<String, Object> act = new LinkedHashMap<>(new Dense(3).getConfig());
    act.put("activation", "my_custom_activation");
    IllegalArgumentException e3 = assertThrows(IllegalArgumentException.class, () -> Dense.fromConfig(act));
    assertTrue(e3.getMessage().contains("Unknown activation 'my_custom_activation'"), e3.getMessage());
  }
}
