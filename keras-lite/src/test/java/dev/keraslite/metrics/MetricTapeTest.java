package dev.keraslite.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.internal.recording.RecordingEnvironment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Metric updates are bookkeeping: tapes are paused while they run and resumed afterwards. */
class MetricTapeTest {
  /** A built-in whose per-sample computation records whether a tape was listening. */
  static class Spy extends SparseCategoricalAccuracy {
    final List<Boolean> recording = new ArrayList<>();

    Spy() {
      super();
    }

    @Override
    protected Operand<TFloat32> values(Ops tf, Operand<?> yTrue, Operand<?> yPred) {
      recording.add(((RecordingEnvironment) tf.scope().env()).isRecording());
      return super.values(tf, yTrue, yPred);
    }
  }

  /** The tutorial-style custom metric does not pause by itself; apply() pauses for it. */
  static class CustomSpy extends CustomMetricTest.SparseCategoricalAccuracy {
    final List<Boolean> recording = new ArrayList<>();

    CustomSpy() {
      super();
    }

    @Override
    public void updateState(Ops tf, Operand<?> yTrue, Operand<?> yPred, Operand<?> sampleWeight) {
      recording.add(((RecordingEnvironment) tf.scope().env()).isRecording());
      super.updateState(tf, yTrue, yPred, sampleWeight);
    }
  }

  @Test
  void updatesRunWithTapesPausedAndTapesResume() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      RecordingEnvironment env = (RecordingEnvironment) tf.scope().env();
      Spy builtIn = new Spy();
      CustomSpy custom = new CustomSpy();
      Operand<TFloat32> x = tf.constant(new float[][] {{0.2f, 0.8f}, {0.6f, 0.4f}});
      Operand<?> labels = tf.constant(new int[] {1, 1});
      float gradient;
      try (GradientTape tape = new GradientTape(tf)) {
        tape.watch(x);
        Operand<TFloat32> p = tf.math.add(x, x);
        assertTrue(env.isRecording());
        builtIn.updateState(tf, labels, p);
        builtIn.apply(tf, labels, p);
        custom.apply(tf, labels, p);
        assertTrue(env.isRecording(), "recording resumes after the updates");
        Operand<TFloat32> y = tf.reduceSum(p, tf.constant(new int[] {0, 1}));
        gradient = tape.gradient(y, x).asTensor().getFloat(0, 0);
        assertEquals(0.5f, builtIn.result().asTensor().getFloat());
        assertEquals(0.5f, custom.result().asTensor().getFloat());
      }
      assertEquals(List.of(false, false), builtIn.recording);
      assertEquals(List.of(false), custom.recording);
      assertEquals(2f, gradient, "the tape still differentiates what came after");
      assertFalse(env.isRecording());
    }
  }
}
