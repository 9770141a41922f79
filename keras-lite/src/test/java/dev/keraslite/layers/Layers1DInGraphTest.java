package dev.keraslite.layers;

import static dev.keraslite.layers.LayersInGraphTest.sameInGraphAsEagerly;

import dev.keraslite.activations.Activations;
import dev.keraslite.initializers.Initializers;
import org.junit.jupiter.api.Test;

/**
 * The sequence and activation layers in a TensorFlow {@code Graph} with an unknown batch give the
 * same numbers as eagerly (seeded initializers make the same weights), so they work in a traced
 * training or prediction step.
 */
class Layers1DInGraphTest {
  @Test
  void conv1dInEveryPaddingAndLayout() {
    sameInGraphAsEagerly(
        () -> new Conv1D(3, 3).padding("same").strides(2).kernelInitializer(Initializers.glorotUniform(1)),
        new long[] {2, 7, 2}, false);
    sameInGraphAsEagerly(
        () -> new Conv1D(2, 3).padding("causal").dilationRate(2).activation(Activations.relu())
            .kernelInitializer(Initializers.glorotUniform(2)),
        new long[] {2, 6, 3}, false);
    sameInGraphAsEagerly(
        () -> new Conv1D(4, 2).dataFormat("channels_first").groups(2).kernelInitializer(Initializers.glorotUniform(3)),
        new long[] {1, 4, 5}, false);
  }

  @Test
  void simpleRnn() {
    sameInGraphAsEagerly(
        () -> new SimpleRNN(3).returnSequences(true).kernelInitializer(Initializers.glorotUniform(4))
            .recurrentInitializer(Initializers.orthogonal(1.0, 5)),
        new long[] {2, 4, 3}, false);
    sameInGraphAsEagerly(
        () -> new SimpleRNN(2).goBackwards(true).kernelInitializer(Initializers.glorotUniform(6))
            .recurrentInitializer(Initializers.orthogonal(1.0, 7)),
        new long[] {3, 5, 2}, false);
  }

  @Test
  void poolingPaddingAndActivations() {
    sameInGraphAsEagerly(() -> new MaxPooling1D(3).strides(2).padding("same"), new long[] {2, 7, 3}, false);
    sameInGraphAsEagerly(() -> new AveragePooling1D().dataFormat("channels_first"), new long[] {2, 3, 6}, false);
    sameInGraphAsEagerly(() -> new GlobalAveragePooling1D(), new long[] {2, 5, 3}, false);
    sameInGraphAsEagerly(() -> new GlobalMaxPooling1D().keepdims(true), new long[] {2, 5, 3}, false);
    sameInGraphAsEagerly(() -> new ZeroPadding1D(new int[] {1, 2}), new long[] {2, 3, 2}, false);
    sameInGraphAsEagerly(() -> new LeakyReLU(), new long[] {2, 6}, false);
    sameInGraphAsEagerly(() -> new ELU(0.7f), new long[] {2, 6}, false);
    sameInGraphAsEagerly(() -> new ThresholdedReLU(0.2f), new long[] {2, 6}, false);
  }
}
