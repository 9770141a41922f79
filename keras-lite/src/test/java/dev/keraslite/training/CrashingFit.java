package dev.keraslite.training;

import dev.keraslite.Eager;
import dev.keraslite.models.Sequential;
import dev.keraslite.callbacks.Callback;
import dev.keraslite.callbacks.TensorBoard;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.optimizers.Adam;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.op.Ops;

/**
 * The child JVM of {@link TensorBoardFitTest}'s crash test: a compiled fit with TensorBoard that prints
 * {@code EPOCH <epoch> <loss>} after each epoch, then stops in the middle of epoch {@link
 * #KILLED_IN_EPOCH} (prints {@link #MID_EPOCH} and waits there to be killed).
 */
final class CrashingFit {
  static final int KILLED_IN_EPOCH = 3;
  static final String MID_EPOCH = "MID_EPOCH";

  private CrashingFit() {}

  public static void main(String[] args) throws Exception {
    Path logDir = Path.of(args[0]);
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential m = FitTest.model();
      m.compile(tf, new Adam(1e-2f), new SparseCategoricalCrossentropy(true), "accuracy");
      FloatNdArray x = FitTest.features(500, 5);
      Callback printer =
          new Callback() {
            private int epoch;

            @Override
            public void onEpochBegin(int epoch, Map<String, Double> logs) {
              this.epoch = epoch;
            }

            @Override
            public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
              if (epoch == KILLED_IN_EPOCH && batch == 4) {
                System.out.println(MID_EPOCH);
                System.out.flush();
                try {
                  Thread.sleep(600_000);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            }

            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
              System.out.println("EPOCH " + epoch + " " + logs.get("loss"));
              System.out.flush();
            }
          };
      // TensorBoard first: when an epoch is printed, its summaries are queued and its flush is under
      // way; the epochs before it are on disk.
      m.fit(x, FitTest.labels(x),
          FitOptions.epochs(100).batchSize(50).seed(1).verbose(0)
              .callbacks(new TensorBoard(logDir).histogramFreq(1), printer));
    }
  }
}
