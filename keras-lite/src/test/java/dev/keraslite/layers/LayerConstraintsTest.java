package dev.keraslite.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.constraints.MaxNorm;
import dev.keraslite.constraints.MinMaxNorm;
import dev.keraslite.constraints.NonNeg;
import dev.keraslite.constraints.UnitNorm;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.saving.LayerRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;

/** Layer.applyConstraints and the constraint options' configs. */
class LayerConstraintsTest {

  @Test
  void applyConstraintsProjectsOnlyTheVariablesNamed() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Dense dense =
          new Dense(3)
              .kernelInitializer(Initializers.randomUniform(-1, 1, 3))
              .biasInitializer(Initializers.constant(new float[] {-1f, 2f, -3f}))
              .kernelConstraint(new UnitNorm())
              .biasConstraint(new NonNeg());
      dense.build(tf, Shape.of(-1, 4));
      float[] kernel = LayerTestHarness.values(dense.kernel().value(tf));
      dense.applyConstraints(tf, List.of(dense.bias()));
      // Keras's w * (w >= 0) leaves -0.0 where w was negative: equal to 0 within a zero delta.
      assertArrayEquals(new float[] {0f, 2f, 0f}, LayerTestHarness.values(dense.bias().value(tf)), 0f);
      assertArrayEquals(kernel, LayerTestHarness.values(dense.kernel().value(tf)), "the kernel was not named");
      dense.applyConstraints(tf, dense.trainableVariables());
      float[] unit = LayerTestHarness.values(dense.kernel().value(tf));
      for (int u = 0; u < 3; u++) {
        double before = 0;
        for (int i = 0; i < 4; i++) {
          before += (double) kernel[i * 3 + u] * kernel[i * 3 + u];
        }
        for (int i = 0; i < 4; i++) {
          assertEquals(kernel[i * 3 + u] / (1e-7 + Math.sqrt(before)), unit[i * 3 + u], 1e-6);
        }
      }
    }
  }

  @Test
  void recurrentCellsConstrainTheirWeights() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      GRU gru = new GRU(2).recurrentConstraint(new MaxNorm(0.1)).biasConstraint(new NonNeg())
          .biasInitializer(Initializers.constant(-0.5f));
      gru.build(tf, Shape.of(-1, 3, 2));
      gru.applyConstraints(tf, gru.trainableVariables());
      float[] recurrent = LayerTestHarness.values(gru.cell().recurrentKernel().value(tf));
      for (int col = 0; col < 6; col++) {
        double sq = 0;
        for (int row = 0; row < 2; row++) {
          sq += (double) recurrent[row * 6 + col] * recurrent[row * 6 + col];
        }
        assertTrue(Math.sqrt(sq) <= 0.1 + 1e-6, "column " + col + ": " + Math.sqrt(sq));
      }
      for (float b : LayerTestHarness.values(gru.cell().bias().value(tf))) {
        assertEquals(0f, b, 0f);
      }
    }
  }

  private static <L extends Layer> void roundTrip(
      L layer, Function<Map<String, Object>, L> fromConfig, String... keys) {
    Map<String, Object> config = layer.getConfig();
    for (String key : keys) {
      assertNotNull(config.get(key), layer + ": " + key);
    }
    assertEquals(config, fromConfig.apply(config).getConfig(), layer.toString());
    assertEquals(config, LayerRegistry.create(layer.typeName(), null, new LinkedHashMap<>(config)).getConfig());
  }

  @Test
  void constraintsRoundTripThroughConfigs() {
    roundTrip(new Dense(3).kernelConstraint(new MaxNorm(3)).biasConstraint(new NonNeg()),
        Dense::fromConfig, "kernel_constraint", "bias_constraint");
    roundTrip(new Conv2D(2, 3).kernelConstraint(new UnitNorm(0, 1, 2)).biasConstraint(new NonNeg()),
        Conv2D::fromConfig, "kernel_constraint", "bias_constraint");
    roundTrip(new Conv1D(2, 3).kernelConstraint(new MinMaxNorm(0.5, 2, 0.5, 0)),
        Conv1D::fromConfig, "kernel_constraint");
    roundTrip(new DepthwiseConv2D(3).depthwiseConstraint(new MaxNorm()).biasConstraint(new NonNeg()),
        DepthwiseConv2D::fromConfig, "depthwise_constraint", "bias_constraint");
    roundTrip(new Embedding(10, 4).embeddingsConstraint(new UnitNorm(1)),
        Embedding::fromConfig, "embeddings_constraint");
    roundTrip(new SimpleRNN(3).kernelConstraint(new MaxNorm()).recurrentConstraint(new UnitNorm())
            .biasConstraint(new NonNeg()),
        SimpleRNN::fromConfig, "kernel_constraint", "recurrent_constraint", "bias_constraint");
    roundTrip(new LSTM(3).kernelConstraint(new MaxNorm()).recurrentConstraint(new UnitNorm())
            .biasConstraint(new NonNeg()),
        LSTM::fromConfig, "kernel_constraint", "recurrent_constraint", "bias_constraint");
    roundTrip(new GRU(3).kernelConstraint(new MaxNorm()).recurrentConstraint(new UnitNorm())
            .biasConstraint(new NonNeg()),
        GRU::fromConfig, "kernel_constraint", "recurrent_constraint", "bias_constraint");
  }

  @Test
  void anUnknownConstraintInAConfigNamesTheLayerAndTheOption() {
    Map<String, Object> config = new Conv2D(2, 3).name("c").getConfig();
    config.put("bias_constraint", Map.of("class_name", "RadialConstraint", "config", Map.of()));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Conv2D.fromConfig(config));
    assertTrue(
        e.getMessage().startsWith("Conv2D 'c': option 'bias_constraint': Unknown constraint 'RadialConstraint'; valid: MaxNorm,"),
        e.getMessage());
  }

  @Test
  void aConstraintReturningAnotherShapeIsRefusedNamingTheWeight() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Dense dense = new Dense(2).name("odd").kernelConstraint((o, w) -> o.reduceSum(w, o.constant(0)));
      dense.build(tf, Shape.of(-1, 3));
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> dense.applyConstraints(tf, dense.trainableVariables()));
      assertTrue(e.getMessage().startsWith("Dense 'odd': the constraint"), e.getMessage());
      assertTrue(e.getMessage().contains("odd/kernel:0") && e.getMessage().contains("[2]"), e.getMessage());
    }
  }
}
