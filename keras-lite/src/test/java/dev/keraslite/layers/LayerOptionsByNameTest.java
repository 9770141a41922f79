package dev.keraslite.layers;

import static dev.keraslite.layers.LayerTestHarness.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.KerasLite;
import dev.keraslite.Variable;
import dev.keraslite.activations.Activations;
import dev.keraslite.constraints.MaxNorm;
import dev.keraslite.constraints.NonNeg;
import dev.keraslite.constraints.UnitNorm;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.regularizers.L1;
import dev.keraslite.regularizers.L2;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Issue 13, item 3: a layer configured by Keras names is the layer configured by the objects those
 * names stand for: under the same global seed it gets the same initial weights, gives the same
 * outputs, the same regularization losses and the same constrained weights, and all of them differ
 * from the defaults' (so each option took effect).
 */
class LayerOptionsByNameTest {
  private static final long SEED = 11;
  private Eager eager;
  private Ops tf;

  @BeforeEach
  void open() {
    eager = Eager.create();
    tf = eager.tf();
  }

  @AfterEach
  void close() {
    eager.close();
  }

  private static float[] flat(List<NdArray<?>> weights) {
    List<Float> out = new ArrayList<>();
    for (NdArray<?> w : weights) {
      ((FloatNdArray) w).scalars().forEach(s -> out.add(s.getFloat()));
    }
    float[] a = new float[out.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = out.get(i);
    }
    return a;
  }

  private static float[] lossValues(List<Operand<TFloat32>> losses) {
    float[] out = new float[losses.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values(losses.get(i))[0];
    }
    return out;
  }

  /** Builds each layer on {@code input} after resetting the global seed, so unseeded draws match. */
  private float[] applySeeded(Layer layer, Supplier<Operand<TFloat32>> input) {
    KerasLite.setRandomSeed(SEED);
    return values(layer.apply(tf, input.get()));
  }

  private void assertSameLayer(Layer byName, Layer byObject, Layer defaults, Supplier<Operand<TFloat32>> input) {
    float[] outName = applySeeded(byName, input);
    float[] outObject = applySeeded(byObject, input);
    float[] outDefault = applySeeded(defaults, input);
    assertArrayEquals(flat(byObject.getWeights()), flat(byName.getWeights()), "initial weights");
    assertFalse(Arrays.equals(flat(defaults.getWeights()), flat(byName.getWeights())), "the initializers took effect");
    assertArrayEquals(outObject, outName, "outputs");
    assertFalse(Arrays.equals(outDefault, outName), "outputs differ from the defaults'");
    float[] lossesName = lossValues(byName.losses(tf));
    assertArrayEquals(lossValues(byObject.losses(tf)), lossesName, "regularization losses");
    assertTrue(lossesName.length > defaults.losses(tf).size(), "the regularizers took effect");
    for (float l : lossesName) {
      assertTrue(l > 0, "every penalty is positive: " + Arrays.toString(lossesName));
    }
  }

  /** Scales every weight far outside any norm bound, applies the constraints, returns the weights. */
  private float[] constrained(Layer layer) {
    List<Variable> vars = new ArrayList<>();
    for (Variable v : layer.trainableVariables()) {
      v.assign(tf, tf.math.mul(v.<TFloat32>value(tf), tf.constant(-50f)));
      vars.add(v);
    }
    layer.applyConstraints(tf, vars);
    return flat(layer.getWeights());
  }

  @Test
  void denseByNamesEqualsDenseByObjects() {
    Supplier<Operand<TFloat32>> x = () -> tf.constant(new float[][] {{1f, -2f, 0.5f}, {0.3f, 0.8f, -1.2f}});
    Dense byName =
        new Dense(4).activation("elu").kernelInitializer("he_normal").biasInitializer("random_uniform")
            .kernelRegularizer("l2").biasRegularizer("l1").activityRegularizer("l2")
            .kernelConstraint("max_norm").biasConstraint("non_neg");
    Dense byObject =
        new Dense(4).activation(Activations.elu()).kernelInitializer(Initializers.heNormal())
            .biasInitializer(Initializers.randomUniform()).kernelRegularizer(new L2()).biasRegularizer(new L1())
            .activityRegularizer(new L2()).kernelConstraint(new MaxNorm()).biasConstraint(new NonNeg());
    assertSameLayer(byName, byObject, new Dense(4), x);
    float[] c = constrained(byName);
    assertArrayEquals(constrained(byObject), c, "constrained weights");
    // NonNeg zeroes the (now all non-positive or zero) scaled bias: the constraint ran.
    for (int i = c.length - 4; i < c.length; i++) {
      assertTrue(c[i] >= 0, "bias after non_neg: " + Arrays.toString(c));
    }
  }

  @Test
  void conv2DByNamesEqualsConv2DByObjects() {
    Supplier<Operand<TFloat32>> x =
        () -> tf.reshape(tf.math.sin(tf.range(tf.constant(0f), tf.constant(32f), tf.constant(1f))), tf.constant(new long[] {2, 4, 4, 1}));
    Conv2D byName =
        new Conv2D(2, 3).activation("tanh").kernelInitializer("lecun_uniform").biasInitializer("ones")
            .kernelRegularizer("l1").biasRegularizer("l2");
    Conv2D byObject =
        new Conv2D(2, 3).activation(Activations.tanh()).kernelInitializer(Initializers.lecunUniform())
            .biasInitializer(Initializers.ones()).kernelRegularizer(new L1()).biasRegularizer(new L2());
    assertSameLayer(byName, byObject, new Conv2D(2, 3), x);
  }

  @Test
  void lstmByNamesEqualsLstmByObjects() {
    Supplier<Operand<TFloat32>> x =
        () -> tf.reshape(tf.math.cos(tf.range(tf.constant(0f), tf.constant(12f), tf.constant(1f))), tf.constant(new long[] {2, 3, 2}));
    LSTM byName =
        new LSTM(3).activation("relu").recurrentActivation("hard_sigmoid").kernelInitializer("glorot_normal")
            .recurrentInitializer("orthogonal").biasInitializer("random_normal").kernelRegularizer("l2")
            .recurrentRegularizer("l1").recurrentConstraint("unit_norm");
    LSTM byObject =
        new LSTM(3).activation(Activations.relu()).recurrentActivation(Activations.hardSigmoid())
            .kernelInitializer(Initializers.glorotNormal()).recurrentInitializer(Initializers.orthogonal())
            .biasInitializer(Initializers.randomNormal()).kernelRegularizer(new L2())
            .recurrentRegularizer(new L1()).recurrentConstraint(new UnitNorm());
    assertSameLayer(byName, byObject, new LSTM(3), x);
    assertArrayEquals(constrained(byObject), constrained(byName), "constrained weights");
  }

  @Test
  void embeddingByNamesEqualsEmbeddingByObjects() {
    Supplier<Operand<TFloat32>> x = () -> tf.constant(new float[][] {{1f, 4f}, {0f, 2f}});
    Embedding byName = new Embedding(5, 3).embeddingsInitializer("truncated_normal").embeddingsRegularizer("l2");
    Embedding byObject =
        new Embedding(5, 3).embeddingsInitializer(Initializers.truncatedNormal()).embeddingsRegularizer(new L2());
    KerasLite.setRandomSeed(SEED);
    float[] outName = values(byName.apply(tf, x.get()));
    KerasLite.setRandomSeed(SEED);
    float[] outObject = values(byObject.apply(tf, x.get()));
    assertArrayEquals(outObject, outName);
    assertArrayEquals(flat(byObject.getWeights()), flat(byName.getWeights()));
    assertArrayEquals(lossValues(byObject.losses(tf)), lossValues(byName.losses(tf)));
    assertEquals(1, byName.losses(tf).size());
  }

  @Test
  void anUnknownNameIsRefusedAndLeavesTheLayerUnchanged() {
    Dense dense = new Dense(2).activation("relu");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> dense.activation("relux"));
    assertTrue(e.getMessage().startsWith("Unknown activation 'relux'; valid: elu, gelu,"), e.getMessage());
    assertEquals("relu", dense.activation().toString());
    e = assertThrows(IllegalArgumentException.class, () -> dense.kernelInitializer("xavier"));
    assertTrue(e.getMessage().startsWith("Unknown initializer 'xavier'; valid: "), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> dense.kernelRegularizer("l3"));
    assertEquals("Unknown regularizer 'l3'; valid: L1, L1L2, L2, l1, l1_l2, l2", e.getMessage());
    assertEquals(null, dense.kernelRegularizer());
    e = assertThrows(IllegalArgumentException.class, () -> new Conv2D(1, 1).biasConstraint("positive"));
    assertTrue(e.getMessage().startsWith("Unknown constraint 'positive'; valid: MaxNorm,"), e.getMessage());
  }
}
