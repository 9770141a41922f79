package dev.keraslite.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.regularizers.L1;
import dev.keraslite.regularizers.L1L2;
import dev.keraslite.regularizers.L2;
import dev.keraslite.saving.LayerRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Layer.losses(): the weight penalties and activity penalties of a layer, and their configs. */
class LayerLossesTest {

  private static double sumSquares(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return s;
  }

  private static double sumAbs(float[] v) {
    double s = 0;
    for (float x : v) {
      s += Math.abs((double) x);
    }
    return s;
  }

  private static double value(Operand<TFloat32> loss) {
    return loss.asTensor().getFloat();
  }

  private static Operand<TFloat32> input(Ops tf) {
    return tf.constant(new float[][] {{1f, -2f, 0.5f}, {0.3f, 0.8f, -1.2f}});
  }

  @Test
  void weightPenaltiesAreComputedFromTheCurrentWeights() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Dense dense =
          new Dense(4)
              .kernelInitializer(Initializers.glorotUniform(3))
              .biasInitializer(Initializers.randomUniform(-1, 1, 4))
              .kernelRegularizer(new L2(0.3))
              .biasRegularizer(new L1(0.02));
      assertTrue(dense.losses(tf).isEmpty(), "no weights, no penalty");
      dense.apply(tf, input(tf));
      float[] kernel = LayerTestHarness.values(dense.kernel().value(tf));
      float[] bias = LayerTestHarness.values(dense.bias().value(tf));
      List<Operand<TFloat32>> losses = dense.losses();
      assertEquals(2, losses.size());
      assertEquals(0.3 * sumSquares(kernel), value(losses.get(0)), 1e-5);
      assertEquals(0.02 * sumAbs(bias), value(losses.get(1)), 1e-6);
      assertEquals(value(losses.get(0)), value(dense.losses(tf).get(0)), 0.0);
      // A changed weight changes the penalty: it is computed on demand, not cached.
      dense.kernel().assign(tf, tf.math.mul(dense.kernel().<TFloat32>value(tf), tf.constant(2f)));
      assertEquals(4 * 0.3 * sumSquares(kernel), value(dense.losses().get(0)), 1e-4);
      // Keras regularizes trainable weights only.
      dense.setTrainable(false);
      assertTrue(dense.losses().isEmpty());
    }
  }

  @Test
  void activityPenaltyBelongsToTheLatestForwardPass() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Dense inner =
          new Dense(3).kernelInitializer(Initializers.glorotUniform(5)).activityRegularizer(new L2(0.05));
      Operand<TFloat32> first = inner.apply(tf, input(tf));
      assertEquals(1, inner.losses(tf).size());
      assertEquals(0.05 * sumSquares(LayerTestHarness.values(first)), value(inner.losses(tf).get(0)), 1e-5);
      Operand<TFloat32> second = inner.apply(tf, tf.math.mul(input(tf), tf.constant(3f)));
      List<Operand<TFloat32>> losses = inner.losses(tf);
      assertEquals(1, losses.size(), "a new forward pass replaces the previous one's losses");
      assertEquals(0.05 * sumSquares(LayerTestHarness.values(second)), value(losses.get(0)), 1e-4);
    }
  }

  @Test
  void recurrentLayersRegularizeTheirCellsWeights() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      LSTM lstm =
          new LSTM(2)
              .kernelRegularizer(new L2(0.1))
              .recurrentRegularizer(new L1(0.2))
              .biasRegularizer(new L1L2(0.3, 0.4));
      lstm.apply(tf, tf.constant(new float[][][] {{{1f, 2f}, {0.5f, -1f}}}));
      List<Operand<TFloat32>> losses = lstm.losses();
      assertEquals(3, losses.size());
      float[] kernel = LayerTestHarness.values(lstm.cell().kernel().value(tf));
      float[] recurrent = LayerTestHarness.values(lstm.cell().recurrentKernel().value(tf));
      float[] bias = LayerTestHarness.values(lstm.cell().bias().value(tf));
      assertEquals(0.1 * sumSquares(kernel), value(losses.get(0)), 1e-5);
      assertEquals(0.2 * sumAbs(recurrent), value(losses.get(1)), 1e-5);
      assertEquals(0.3 * sumAbs(bias) + 0.4 * sumSquares(bias), value(losses.get(2)), 1e-5);
    }
  }

  private static <L extends Layer> void roundTrip(
      L layer, Function<Map<String, Object>, L> fromConfig, String... keys) {
    Map<String, Object> config = layer.getConfig();
    for (String key : keys) {
      assertNotNull(config.get(key), layer + ": " + key);
    }
    L back = fromConfig.apply(config);
    assertEquals(config, back.getConfig(), layer.toString());
    // The loader's route (class name to factory) reads them too.
    Map<String, Object> copy = new LinkedHashMap<>(config);
    assertEquals(config, LayerRegistry.create(layer.typeName(), null, copy).getConfig());
  }

  @Test
  void regularizersRoundTripThroughConfigs() {
    roundTrip(
        new Dense(3).kernelRegularizer(new L2(0.5)).biasRegularizer(new L1(0.25)).activityRegularizer(new L1L2(0.125, 0)),
        Dense::fromConfig, "kernel_regularizer", "bias_regularizer", "activity_regularizer");
    roundTrip(
        new Conv2D(2, 3).kernelRegularizer(new L1()).biasRegularizer(new L2()).activityRegularizer(new L2(0.5)),
        Conv2D::fromConfig, "kernel_regularizer", "bias_regularizer", "activity_regularizer");
    roundTrip(
        new Conv1D(2, 3).kernelRegularizer(new L1(0.5)).biasRegularizer(new L2(0.25)),
        Conv1D::fromConfig, "kernel_regularizer", "bias_regularizer");
    roundTrip(
        new DepthwiseConv2D(3).depthwiseRegularizer(new L2(0.5)).biasRegularizer(new L1(0.5)),
        DepthwiseConv2D::fromConfig, "depthwise_regularizer", "bias_regularizer");
    roundTrip(
        new Embedding(10, 4).embeddingsRegularizer(new L2(0.5)).activityRegularizer(new L1(0.25)),
        Embedding::fromConfig, "embeddings_regularizer", "activity_regularizer");
    roundTrip(
        new SimpleRNN(3).kernelRegularizer(new L2(0.5)).recurrentRegularizer(new L1(0.5))
            .biasRegularizer(new L2(0.25)).activityRegularizer(new L2(0.125)),
        SimpleRNN::fromConfig, "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
        "activity_regularizer");
    roundTrip(
        new LSTM(3).kernelRegularizer(new L2(0.5)).recurrentRegularizer(new L1(0.5))
            .biasRegularizer(new L2(0.25)).activityRegularizer(new L2(0.125)),
        LSTM::fromConfig, "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
        "activity_regularizer");
    roundTrip(
        new GRU(3).kernelRegularizer(new L2(0.5)).recurrentRegularizer(new L1(0.5))
            .biasRegularizer(new L2(0.25)).activityRegularizer(new L2(0.125)),
        GRU::fromConfig, "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
        "activity_regularizer");
  }

  @Test
  void anUnknownRegularizerInAConfigNamesTheLayerAndTheOption() {
    Map<String, Object> config = new Dense(2).name("d").getConfig();
    config.put("kernel_regularizer", Map.of("class_name", "OrthogonalRegularizer", "config", Map.of("factor", 0.01)));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Dense.fromConfig(config));
    assertTrue(
        e.getMessage().startsWith("Dense 'd': option 'kernel_regularizer': Unknown regularizer"
            + " 'OrthogonalRegularizer'; valid: L1, L1L2, L2, l1, l1_l2, l2"),
        e.getMessage());
  }

  @Test
  void aRegularizerCannotBeChangedOnceTheWeightsExist() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Dense dense = new Dense(2).name("built");
      dense.build(tf, Shape.of(-1, 3));
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> dense.kernelRegularizer(new L2()));
      assertTrue(e.getMessage().startsWith("Dense 'built': cannot change kernelRegularizer"), e.getMessage());
    }
  }
}
