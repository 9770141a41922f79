package dev.keraslite.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.layers.Layer;
import dev.keraslite.models.Sequential;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One Eager per thread trains in parallel, bit for bit as sequential runs do; one Eager (or a model
 * in it) shared with another thread fails fast with a clear exception, leaving the state as it was.
 */
class ThreadConfinementTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  /** Trains a fresh seeded classifier in a fresh Eager on this thread; returns its state bits. */
  private static StateBits train(boolean eagerly, int variant) {
    try (Eager eager = Eager.create()) {
      Sequential model = Fixtures.classifier(eager.tf(), eagerly);
      model.fit(
          Fixtures.x(Fixtures.features(96 + 8 * variant)),
          Fixtures.y(Fixtures.labels(96 + 8 * variant)),
          FitOptions.epochs(3).batchSize(8).seed(11 + variant).verbose(0));
      return StateBits.of(model);
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void fourThreadsWithAnEagerEachMatchSequentialRunsBitwise(boolean eagerly) throws Exception {
    List<StateBits> sequential = new ArrayList<>();
    for (int v = 0; v < 4; v++) {
      sequential.add(train(eagerly, v));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<StateBits>> parallel = new ArrayList<>();
      for (int v = 0; v < 4; v++) {
        int variant = v;
        parallel.add(pool.submit(() -> train(eagerly, variant)));
      }
      for (int v = 0; v < 4; v++) {
        StateBits p = parallel.get(v).get();
        // Layer names differ (a global counter); the values must not.
        assertEquals(sequential.get(v).bytes().size(), p.bytes().size());
        for (int i = 0; i < p.bytes().size(); i++) {
          assertTrue(java.util.Arrays.equals(sequential.get(v).bytes().get(i), p.bytes().get(i)),
              "variant " + v + ", variable " + i + " (" + p.names().get(i) + ") differs");
        }
        assertTrue(sequential.get(v).allFinite());
      }
    } finally {
      pool.shutdown();
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aModelSharedWithAnotherThreadFailsFastAndChangesNothing(boolean eagerly) throws Exception {
    try (Eager eager = Eager.create()) {
      Sequential model = Fixtures.classifier(eager.tf(), eagerly);
      model.fit(Fixtures.x(Fixtures.features(16)), Fixtures.y(Fixtures.labels(16)),
          FitOptions.epochs(1).batchSize(8).verbose(0));
      StateBits before = StateBits.of(model);
      ExecutorService other = Executors.newSingleThreadExecutor(r -> new Thread(r, "intruder"));
      try {
        for (Runnable misuse :
            List.<Runnable>of(
                () -> model.fit(Fixtures.x(Fixtures.features(16)), Fixtures.y(Fixtures.labels(16)),
                    FitOptions.epochs(1).batchSize(8).verbose(0)),
                () -> model.apply(eager.tf(), eager.tf().constant(new float[][] {{1, 2, 3, 4}})),
                () -> eager.tf().math.add(eager.tf().constant(1f), eager.tf().constant(2f)))) {
          ExecutionException e =
              org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> other.submit(misuse).get());
          IllegalStateException cause = assertInstanceOf(IllegalStateException.class, e.getCause());
          assertTrue(cause.getMessage().contains("belongs to thread '" + Thread.currentThread().getName()
              + "' but is used from thread 'intruder'"), cause.getMessage());
          assertTrue(cause.getMessage().contains("Create one Eager per thread"), cause.getMessage());
        }
        before.assertSameAs(StateBits.of(model), "after the refused uses");
        // A hand-over moves the context: the other thread may use it, then give it back.
        other.submit(() -> {
          eager.handOverToCurrentThread();
          model.fit(Fixtures.x(Fixtures.features(16)), Fixtures.y(Fixtures.labels(16)),
              FitOptions.epochs(1).batchSize(8).verbose(0));
        }).get();
        eager.handOverToCurrentThread();
        assertTrue(before.differsFrom(StateBits.of(model)), "trained on the other thread");
      } finally {
        other.shutdown();
      }
    }
  }
}
