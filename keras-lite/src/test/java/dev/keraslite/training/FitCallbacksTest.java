package dev.keraslite.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.models.Sequential;
import dev.keraslite.Variable;
import dev.keraslite.callbacks.CSVLogger;
import dev.keraslite.callbacks.EarlyStopping;
import dev.keraslite.callbacks.History;
import dev.keraslite.callbacks.LambdaCallback;
import dev.keraslite.callbacks.ProgbarLogger;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.optimizers.Adam;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Callbacks driven by a real fit: progress bar lines, History, CSVLogger, EarlyStopping. */
class FitCallbacksTest {
  @TempDir Path dir;

  private static float[] values(Ops tf, List<Variable> vars) {
    List<Float> out = new ArrayList<>();
    for (Variable v : vars) {
      try (TFloat32 t = v.<TFloat32>value(tf).asTensor()) {
        t.scalars().forEach(s -> out.add(s.getFloat()));
      }
    }
    float[] a = new float[out.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = out.get(i);
    }
    return a;
  }

  @Test
  void progressBarHistoryAndCsvAgree() throws Exception {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential m = FitTest.model();
      m.compile(tf, new Adam(1e-2f), new SparseCategoricalCrossentropy(true), "accuracy");
      FloatNdArray x = FitTest.features(600, 11);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      ProgbarLogger bar = new ProgbarLogger().output(new PrintStream(bytes, true, StandardCharsets.UTF_8)).dynamicDisplay(false);
      Path csv = dir.resolve("log.csv");
      History h =
          m.fit(x, FitTest.labels(x),
              FitOptions.epochs(3).batchSize(50).seed(3).validationSplit(0.2).callbacks(bar, new CSVLogger(csv)));
      String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
      assertEquals("Epoch 1/3", lines[0]);
      // 480 training samples in batches of 50: 10 steps, one line per epoch when not a terminal.
      assertTrue(
          lines[1].matches(
              "10/10 \\[==============================\\] - \\d+s \\d+(ms|us)/step - loss: \\d\\.\\d{4}"
                  + " - accuracy: \\d\\.\\d{4} - val_loss: \\d\\.\\d{4} - val_accuracy: \\d\\.\\d{4}"),
          lines[1]);
      assertEquals("Epoch 3/3", lines[4]);
      List<Double> loss = h.history().get("loss");
      assertEquals(3, loss.size());
      assertTrue(lines[5].contains(String.format(java.util.Locale.ROOT, "loss: %.4f", loss.get(2))), lines[5]);
      List<String> rows = Files.readAllLines(csv);
      assertEquals("epoch,accuracy,loss,val_accuracy,val_loss", rows.get(0));
      assertEquals(4, rows.size());
      assertTrue(rows.get(3).startsWith("2,"), rows.get(3));
      assertEquals(h.history().get("val_loss").get(1), Double.parseDouble(rows.get(2).split(",")[4]), 1e-6);
    }
  }

  @Test
  void earlyStoppingRestoresTheBestEpochsWeights() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential m = FitTest.model();
      // A learning rate this high makes the validation loss wander, so that some epoch is best.
      m.compile(tf, new Adam(0.3f), new SparseCategoricalCrossentropy(true));
      FloatNdArray x = FitTest.features(400, 12);
      List<float[]> weightsPerEpoch = new ArrayList<>();
      LambdaCallback record =
          LambdaCallback.builder()
              .onEpochEnd((epoch, logs) -> weightsPerEpoch.add(values(tf, m.variables())))
              .build();
      EarlyStopping stop = new EarlyStopping().monitor("val_loss").patience(2).restoreBestWeights(true);
      History h =
          m.fit(x, FitTest.labels(x),
              FitOptions.epochs(30).batchSize(20).seed(5).validationSplit(0.25).verbose(0).callbacks(record, stop));
      List<Double> val = h.history().get("val_loss");
      int best = 0;
      for (int i = 1; i < val.size(); i++) {
        if (val.get(i) < val.get(best)) {
          best = i;
        }
      }
      assertTrue(val.size() < 30, "stopped early: " + val);
      assertEquals(best + 3, val.size(), "stops patience epochs after the best: " + val);
      float[] restored = values(tf, m.variables());
      float[] expected = weightsPerEpoch.get(best);
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], restored[i], 0f, "weight " + i);
      }
    }
  }
}
