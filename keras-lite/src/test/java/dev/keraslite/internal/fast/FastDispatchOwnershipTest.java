package dev.keraslite.internal.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.EagerScope;
import dev.keraslite.GradientTape;
import dev.keraslite.internal.NativeHandles;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.internal.c_api.TFE_TensorHandle;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Who frees a fast-path value, and that it happens once: a scope or tape at once, the garbage
 * collector otherwise, the session's close at the latest.
 */
class FastDispatchOwnershipTest {
  @Test
  void scopesAndTapesReleaseTheirValuesAtOnce() {
    try (Eager eager = Eager.create(true)) {
      Ops tf = eager.tf();
      EagerDispatcher dispatcher = FastAndSlow.dispatcher(eager);
      Operand<TFloat32> x = tf.constant(3f);
      tf.math.add(x, x); // creates the reused AddV2 op
      int baseline = dispatcher.liveNativeObjects();
      List<Operation> ops = new ArrayList<>();
      try (EagerScope scope = eager.scope()) {
        for (int i = 0; i < 10; i++) {
          ops.add(tf.math.add(x, x).op());
        }
        assertEquals(baseline + 10, dispatcher.liveNativeObjects());
      }
      assertEquals(baseline, dispatcher.liveNativeObjects());
      for (Operation op : ops) {
        assertTrue(NativeHandles.isReleased(op));
      }
      try (GradientTape tape = new GradientTape(tf)) {
        tape.watch(x);
        Operand<TFloat32> y = tf.math.mul(x, x);
        assertEquals(6f, tape.gradient(y, x).asTensor().getFloat());
      }
      // The tape's reused Mul op and its gradient's ops stay; every value is gone.
      for (Operation op : ops) {
        NativeHandles.release(op); // releasing twice is harmless
      }
      int reusedOps = dispatcher.liveNativeObjects() - baseline;
      assertTrue(reusedOps >= 0 && reusedOps <= 4, "reused ops only, got " + reusedOps);
    }
  }

  @Test
  void keptValuesSurviveTheirScope() {
    try (Eager eager = Eager.create(true)) {
      Ops tf = eager.tf();
      Operand<TFloat32> kept;
      try (EagerScope scope = eager.scope()) {
        kept = eager.keep(tf.math.mul(tf.constant(2f), tf.constant(5f)));
      }
      assertEquals(11f, tf.math.add(kept, tf.constant(1f)).asTensor().getFloat());
    }
  }

  @Test
  void garbageCollectedValuesAreFreedByALaterOp() throws InterruptedException {
    try (Eager eager = Eager.create(true)) {
      Ops tf = eager.tf();
      EagerDispatcher dispatcher = FastAndSlow.dispatcher(eager);
      Operand<TFloat32> x = tf.constant(1f);
      for (int i = 0; i < 2000; i++) {
        tf.math.add(x, x); // outside any scope: left to the garbage collector, as in TensorFlow Java
      }
      int before = dispatcher.liveNativeObjects();
      assertTrue(before >= 2000, "live " + before);
      int after = before;
      for (int attempt = 0; attempt < 50 && after > before - 1900; attempt++) {
        System.gc();
        Thread.sleep(20);
        tf.math.add(x, x).asTensor(); // the next op deletes what the collector reported
        after = dispatcher.liveNativeObjects();
      }
      assertTrue(after <= before - 1900, "before " + before + ", after " + after);
      assertEquals(2f, tf.math.add(x, x).asTensor().getFloat());
    }
  }

  @Test
  void closingTheSessionFreesEverythingOnce() {
    Eager eager = Eager.create(true);
    Ops tf = eager.tf();
    EagerDispatcher dispatcher = FastAndSlow.dispatcher(eager);
    Operand<TFloat32> x = tf.constant(1f);
    Operand<TFloat32> y = tf.math.add(x, x);
    Operand<TFloat32> released;
    try (EagerScope scope = eager.scope()) {
      released = tf.math.mul(y, y);
    }
    TFE_TensorHandle handle = TfInternals.outputHandles(y.op())[0];
    assertTrue(dispatcher.liveNativeObjects() > 0);
    eager.close();
    assertEquals(0, dispatcher.liveNativeObjects());
    assertTrue(handle.isNull());
    // Releasing after the close, or the garbage collector later, must not free anything again.
    NativeHandles.release(y.op());
    NativeHandles.release(released.op());
    System.gc();
    assertThrows(IllegalStateException.class, () -> tf.math.add(x, x));
  }

  @Test
  void aCallersPointerScopeDoesNotFreeTheDispatchersMemory() {
    Eager eager;
    // JavaCPP attaches pointers allocated with a deallocator to the innermost open PointerScope;
    // closing it must not free anything the dispatcher keeps using.
    try (PointerScope scope = new PointerScope()) {
      eager = Eager.create(true);
      eager.tf().math.add(eager.tf().constant(1f), eager.tf().constant(2f));
    }
    try (eager) {
      Ops tf = eager.tf();
      for (int i = 0; i < 100; i++) {
        assertEquals(5f, tf.math.add(tf.constant(2f), tf.constant(3f)).asTensor().getFloat());
      }
    }
  }
}
