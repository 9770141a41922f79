package dev.keraslite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.internal.recording.RecordingEnvironment;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Eager variables used in a traced graph through twins, with tapes working on the graph. */
class VariableTwinTest {
  @Test
  void graphTwinTracesTheSameGradientAsEagerly() {
    try (Eager eager = Eager.create(); Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = eager.tf();
      Variable w = new Variable(tf, "w", tf.constant(new float[] {2f, -1f}), true);

      RecordingEnvironment env = new RecordingEnvironment(graph);
      env.enableTwins();
      Ops g = Ops.create(env);
      Operand<TFloat32> x = g.constant(new float[] {3f, 4f});
      Operand<TFloat32> loss;
      Operand<?> grad;
      try (GradientTape tape = new GradientTape(g)) {
        loss = g.sum(g.math.square(g.math.mul(w.value(g), x)), g.constant(0));
        grad = tape.gradient(loss, w);
      }
      assertEquals(1, env.twins().size());
      // Initialise the twin from the eager value, as a compiled step does.
      Operand<?> twin = env.twins().get(w);
      Placeholder<TFloat32> init = g.placeholder(TFloat32.class);
      var assign = g.assignVariableOp(twin, init);
      try (TFloat32 value = w.<TFloat32>value(tf).asTensor()) {
        session.runner().feed(init, value).addTarget(assign).run();
      }
      try (Result r = session.runner().fetch(loss).fetch(grad).run()) {
        // loss = (2*3)^2 + (-1*4)^2 = 52; d/dw = 2 w x^2 = [36, -32]
        assertEquals(52f, ((TFloat32) r.get(0)).getFloat(), 1e-5);
        assertEquals(36f, ((TFloat32) r.get(1)).getFloat(0), 1e-5);
        assertEquals(-32f, ((TFloat32) r.get(1)).getFloat(1), 1e-5);
      }
    }
  }

  @Test
  void unrelatedContextIsRefused() {
    try (Eager a = Eager.create(); Eager b = Eager.create()) {
      Variable w = new Variable(a.tf(), "w", a.tf().constant(1f), true);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.value(b.tf()));
      assertTrue(e.getMessage().contains("'w'"), e.getMessage());
    }
  }
}
