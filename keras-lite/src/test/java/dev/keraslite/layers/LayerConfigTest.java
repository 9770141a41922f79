package dev.keraslite.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.activations.Activations;
import dev.keraslite.initializers.Initializer;
import dev.keraslite.initializers.Initializers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;

class LayerConfigTest {
  private static Map<String, Object> holding(String key, Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(key, value);
    return m;
  }

  private static Initializer read(String className, Map<String, Object> args) {
    return LayerConfig.initializer(
        "T", holding("k", Map.of("class_name", className, "config", args)), "k", null);
  }

  /** A seeded initializer read from a config draws exactly what the factory with those arguments draws. */
  private static void sameValues(Initializer expected, Initializer actual, Shape shape) {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      assertArrayEquals(
          LayerTestHarness.values(expected.apply(tf, shape)), LayerTestHarness.values(actual.apply(tf, shape)),
          actual + " vs " + expected);
    }
  }

  @Test
  void readsEveryKerasInitializerClassWithItsArguments() {
    Shape s = Shape.of(4, 5);
    sameValues(Initializers.glorotUniform(3), read("GlorotUniform", Map.of("seed", 3)), s);
    sameValues(Initializers.glorotNormal(3), read("GlorotNormal", Map.of("seed", 3)), s);
    sameValues(Initializers.heUniform(3), read("HeUniform", Map.of("seed", 3)), s);
    sameValues(Initializers.heNormal(3), read("HeNormal", Map.of("seed", 3)), s);
    sameValues(Initializers.lecunUniform(3), read("LecunUniform", Map.of("seed", 3)), s);
    sameValues(Initializers.lecunNormal(3), read("LecunNormal", Map.of("seed", 3)), s);
    sameValues(Initializers.orthogonal(0.5, 3), read("Orthogonal", Map.of("gain", 0.5, "seed", 3)), s);
    sameValues(Initializers.randomNormal(1, 0.5, 3), read("RandomNormal", Map.of("mean", 1, "stddev", 0.5, "seed", 3)), s);
    sameValues(Initializers.truncatedNormal(0, 2, 3), read("TruncatedNormal", Map.of("stddev", 2, "seed", 3)), s);
    sameValues(Initializers.randomUniform(-2, 1, 3), read("RandomUniform", Map.of("minval", -2, "maxval", 1, "seed", 3)), s);
    sameValues(Initializers.constant(0.25f), read("Constant", Map.of("value", 0.25)), s);
    sameValues(Initializers.zeros(), read("Zeros", Map.of()), s);
    sameValues(Initializers.ones(), read("Ones", Map.of()), s);
    // Keras 2's VarianceScaling "normal" is Keras 3's "truncated_normal".
    sameValues(
        Initializers.varianceScaling(2.0, "fan_out", "truncated_normal", 3),
        read("VarianceScaling", Map.of("scale", 2.0, "mode", "fan_out", "distribution", "normal", "seed", 3)), s);
    // A bare name, as Keras also accepts.
    assertEquals("he_normal", LayerConfig.initializer("T", holding("k", "he_normal"), "k", null).toString());
  }

  @Test
  void writesWhatItReadAndRefusesWhatItCannotDescribe() {
    Initializer read = read("RandomNormal", Map.of("mean", 1, "stddev", 0.5, "seed", 3));
    Map<String, Object> written = LayerConfig.initializer("T", read);
    assertEquals("RandomNormal", written.get("class_name"));
    assertEquals(Map.of("mean", 1, "stddev", 0.5, "seed", 3), written.get("config"));
    assertEquals("keras.initializers", written.get("module"));

    IllegalStateException lambda =
        assertThrows(IllegalStateException.class, () -> LayerConfig.initializer("Conv1D 'c'", (tf, shape) -> null));
    assertTrue(lambda.getMessage().startsWith("Conv1D 'c': the initializer"), lambda.getMessage());
    IllegalStateException act =
        assertThrows(IllegalStateException.class, () -> LayerConfig.activation("Conv1D 'c'", Activations.leakyRelu(0.1f)));
    assertTrue(act.getMessage().startsWith("Conv1D 'c': the activation"), act.getMessage());
  }

  @Test
  void refusalsNameTheLayerAndTheKey() {
    IllegalArgumentException unknown =
        assertThrows(IllegalArgumentException.class, () -> read("Identity", Map.of()));
    assertTrue(unknown.getMessage().contains("T: config key 'k'") && unknown.getMessage().contains("Identity"),
        unknown.getMessage());
    IllegalArgumentException customActivation =
        assertThrows(IllegalArgumentException.class,
            () -> LayerConfig.activation("T", holding("activation", Map.of("class_name", "MyAct")), "activation"));
    assertTrue(customActivation.getMessage().contains("'activation'"), customActivation.getMessage());
    IllegalArgumentException tuple =
        assertThrows(IllegalArgumentException.class, () -> LayerConfig.singleInt("T", holding("k", List.of(1, 2)), "k", 0));
    assertTrue(tuple.getMessage().contains("'k'"), tuple.getMessage());
    IllegalArgumentException dtype =
        assertThrows(IllegalArgumentException.class,
            () -> Conv1D.fromConfig(Map.of("name", "c", "filters", 2, "kernel_size", 3,
                "dtype", Map.of("class_name", "DTypePolicy", "config", Map.of("name", "mixed_float16")))));
    assertTrue(dtype.getMessage().contains("Conv1D 'c'") && dtype.getMessage().contains("mixed_float16"), dtype.getMessage());
    // Keras 3's float32 policy is accepted.
    Conv1D.fromConfig(Map.of("filters", 2, "kernel_size", 3,
        "dtype", Map.of("class_name", "DTypePolicy", "config", Map.of("name", "float32"))));
  }
}
