package dev.keraslite.layers;

import static dev.keraslite.layers.LayerTestHarness.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.models.Input;
import dev.keraslite.Variable;
import dev.keraslite.initializers.Initializers;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The Layer base: lazy build, explicit build, addWeight rules, failed builds, custom layers. */
class LayerLifecycleTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  /** The package documentation's example layer, with a counter of builds. */
  static class Scale extends Layer {
    int builds;
    Variable gamma;

    Scale() {
      setInputSpec(InputSpec.minRank(2));
    }

    @Override
    protected void build(Shape inputShape) {
      builds++;
      long dim = inputShape.get(inputShape.numDimensions() - 1);
      gamma = addWeight("gamma", Shape.of(dim), Initializers.constant(2f));
      addWeight("count", Shape.of(), Initializers.zeros(), false);
      setInputSpec(InputSpec.minRank(2).withAxis(-1, dim));
    }

    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x) {
      return tf.math.mul(x, gamma.value(tf));
    }

    @Override
    public Shape computeOutputShape(Shape inputShape) {
      return inputShape;
    }
  }

  @Test
  void aCustomLayerBuildsOnceOnItsFirstApplyEvenInInference() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(Scale::new)
            .input(3, 2)
            .expectOutputShape(3, 2)
            .expectWeight("gamma", 2)
            .expectNonTrainableWeight("count")
            .expectParams(3)
            .oracle((tf, x, w) -> tf.math.mul(x.get(0), tf.constant(2f)), 0)
            .run();
    assertEquals(1, ((Scale) r.layer()).builds);
  }

  @Test
  void explicitBuildCreatesWeightsWithoutData() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Scale scale = new Scale();
      scale.build(tf, Shape.of(-1, 4));
      assertTrue(scale.built());
      assertEquals("scale/gamma:0", scale.variables().get(0).name());
      assertEquals(List.of(scale.variables().get(1)), scale.nonTrainableVariables());
      scale.build(tf, Shape.of(-1, 4));
      assertEquals(1, scale.builds, "build runs once");
      assertArrayEquals(
          new float[] {2, 2, 2, 2, 4, 4, 4, 4},
          values(scale.apply(tf, tf.constant(new float[][] {{1, 1, 1, 1}, {2, 2, 2, 2}}))));
      assertEquals(1, scale.builds, "the apply after an explicit build does not build again");
    }
  }

  @Test
  void addWeightOutsideBuildThrowsIllegalState() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Misplaced());
    assertTrue(e.getMessage().startsWith("Misplaced 'misplaced': addWeight(\"w\") must be called from build()"), e.getMessage());
  }

  static class Misplaced extends Layer {
    Misplaced() {
      addWeight("w", Shape.of(1), Initializers.zeros());
    }

    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
      return input;
    }
  }

  /** Creates a weight, then fails: the weight must not stay behind. */
  static class FailsOnce extends Layer {
    boolean fail = true;

    @Override
    protected void build(Shape inputShape) {
      addWeight("w", Shape.of(inputShape.get(1)), Initializers.ones());
      if (fail) {
        fail = false;
        throw new IllegalArgumentException("FailsOnce: refused");
      }
    }

    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
      return input;
    }
  }

  @Test
  void aFailedBuildLeavesNoWeightAndCanBeRetried() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      FailsOnce layer = new FailsOnce();
      Operand<TFloat32> x = tf.constant(new float[][] {{1, 2}});
      assertThrows(IllegalArgumentException.class, () -> layer.apply(tf, x));
      assertFalse(layer.built());
      assertTrue(layer.variables().isEmpty());
      layer.apply(tf, x);
      assertEquals(List.of("fails_once/w:0"), layer.variables().stream().map(Variable::name).toList());
    }
  }

  @Test
  void weightShapesAndNamesAreChecked() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Layer twice =
          new Layer() {
            @Override
            protected void build(Shape inputShape) {
              addWeight("w", Shape.of(1), Initializers.zeros());
              addWeight("w", Shape.of(1), Initializers.zeros());
            }

            @Override
            protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
              return input;
            }
          };
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> twice.apply(tf, tf.constant(new float[][] {{1}})));
      assertEquals("Layer 'layer' already has a weight named 'w'", e.getMessage());
      Layer wrongShape =
          new Layer() {
            @Override
            protected void build(Shape inputShape) {
              addWeight("w", Shape.of(2), (ops, shape) -> ops.constant(new float[] {1, 2, 3}));
            }

            @Override
            protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
              return input;
            }
          };
      e = assertThrows(IllegalArgumentException.class, () -> wrongShape.apply(tf, tf.constant(new float[][] {{1}})));
      assertTrue(e.getMessage().contains("returned shape [3] for weight 'w' of shape [2]"), e.getMessage());
    }
  }

  @Test
  void symbolicApplyChecksShapesButBuildsNothing() {
    Dense dense = new Dense(3);
    KerasTensor y = dense.apply(Input.of(5));
    assertEquals("[-1, 3]", y.shape().toString());
    assertFalse(dense.built());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> dense.apply(Input.of(-1)));
    assertEquals("Dense 'dense': the last dimension of the input must be known, received shape [None, None].", e.getMessage());
    assertEquals("<Dense name=dense, built=false>", dense.toString());
  }
}
