package dev.keraslite.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.optimizers.ExponentialDecay;
import dev.keraslite.optimizers.Optimizer;
import dev.keraslite.optimizers.SGD;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.tensorflow.Tensor;
import org.tensorflow.types.TFloat32;

class ReduceLROnPlateauTest {
  /**
   * Runs one epoch per value of {@code valLoss} and returns the learning rate after each epoch.
   * The optimizer is built on the model's variables, so the rate lives in its variable.
   */
  private static List<Float> run(
      TinyModel model, Optimizer optimizer, ReduceLROnPlateau callback, double... valLoss) {
    optimizer.build(model.variables());
    FakeTrainingContext context =
        new FakeTrainingContext(model.dense, optimizer, valLoss.length, 1, 0);
    callback.setContext(context);
    callback.onTrainBegin(null);
    List<Float> rates = new ArrayList<>();
    for (int epoch = 0; epoch < valLoss.length; epoch++) {
      callback.onEpochBegin(epoch, null);
      callback.onEpochEnd(epoch, TinyModel.logs("loss", 1.0, "val_loss", valLoss[epoch]));
      rates.add(variableValue(optimizer));
      assertEquals(rates.get(epoch), optimizer.learningRate(), "learningRate() and its variable");
    }
    callback.onTrainEnd(null);
    return rates;
  }

  private static float variableValue(Optimizer optimizer) {
    var v = optimizer.learningRateVariable();
    try (Tensor t = v.value(v.ops()).asTensor()) {
      return ((TFloat32) t).getFloat();
    }
  }

  @Test
  void reducesByFactorAfterPatienceEpochsWithoutImprovement() {
    try (TinyModel model = new TinyModel()) {
      ReduceLROnPlateau cb = new ReduceLROnPlateau().factor(0.5).patience(2);
      // Epoch 0 sets the best (1.0); epochs 1, 2 do not improve: reduce at 2, then again at 4.
      List<Float> rates = run(model, new SGD(0.1f), cb, 1.0, 1.0, 1.0, 1.0, 1.0);
      float r1 = (float) (0.1f * 0.5);
      float r2 = (float) (r1 * 0.5);
      assertEquals(List.of(0.1f, 0.1f, r1, r1, r2), rates);
    }
  }

  @Test
  void improvementsSmallerThanMinDeltaDoNotResetTheWait() {
    try (TinyModel model = new TinyModel()) {
      ReduceLROnPlateau cb = new ReduceLROnPlateau().factor(0.5).patience(2).minDelta(0.01);
      // 0.995 and 0.99 each gain less than 0.01 over the best 1.0: reduced at epoch 2.
      List<Float> rates = run(model, new SGD(0.1f), cb, 1.0, 0.995, 0.99);
      assertEquals(List.of(0.1f, 0.1f, (float) (0.1f * 0.5)), rates);
      // A real improvement resets it.
      ReduceLROnPlateau cb2 = new ReduceLROnPlateau().factor(0.5).patience(2).minDelta(0.01);
      assertEquals(List.of(0.1f, 0.1f, 0.1f), run(model, new SGD(0.1f), cb2, 1.0, 0.995, 0.5));
    }
  }

  @Test
  void cooldownDelaysTheNextCount() {
    try (TinyModel model = new TinyModel()) {
      // Reduced at epoch 2; epochs 3 and 4 are cooldown (wait held at 0, then counts again at 4),
      // so the next reduction comes at epoch 5 instead of 4.
      ReduceLROnPlateau cb = new ReduceLROnPlateau().factor(0.5).patience(2).cooldown(2);
      List<Float> rates = run(model, new SGD(0.1f), cb, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0);
      float r1 = (float) (0.1f * 0.5);
      float r2 = (float) (r1 * 0.5);
      assertEquals(List.of(0.1f, 0.1f, r1, r1, r1, r2), rates);
    }
  }

  @Test
  void neverGoesBelowMinLr() {
    try (TinyModel model = new TinyModel()) {
      ReduceLROnPlateau cb = new ReduceLROnPlateau().factor(0.1).patience(0).minLr(0.005);
      // 0.1 -> 0.01 -> max(0.001, 0.005) = 0.005 -> stays.
      List<Float> rates = run(model, new SGD(0.1f), cb, 1.0, 1.0, 1.0, 1.0);
      assertEquals(List.of(0.1f, (float) (0.1f * 0.1), 0.005f, 0.005f), rates);
    }
  }

  @Test
  void writesTheEpochsLearningRateIntoTheLogsAndReportsReductions() {
    try (TinyModel model = new TinyModel()) {
      SGD sgd = new SGD(0.1f);
      sgd.build(model.variables());
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      ReduceLROnPlateau cb =
          new ReduceLROnPlateau()
              .factor(0.5)
              .patience(1)
              .verbose(1)
              .output(new PrintStream(bytes, true, StandardCharsets.UTF_8));
      cb.setContext(new FakeTrainingContext(model.dense, sgd, 2, 1, 0));
      cb.onTrainBegin(null);
      Map<String, Double> first = TinyModel.logs("loss", 1.0, "val_loss", 1.0);
      cb.onEpochEnd(0, first);
      Map<String, Double> second = TinyModel.logs("loss", 1.0, "val_loss", 1.0);
      cb.onEpochEnd(1, second);
      // The rate during the epoch (before the reduction at its end), as a double of the float32.
      assertEquals(List.of("loss", "val_loss", "learning_rate"), List.copyOf(second.keySet()));
      assertEquals((double) 0.1f, first.get("learning_rate"));
      assertEquals((double) 0.1f, second.get("learning_rate"));
      // Keras prints new_lr = float(float32 0.1) * 0.5.
      assertEquals(
          "\nEpoch 2: ReduceLROnPlateau reducing learning rate to 0.05000000074505806.\n",
          bytes.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void maxModeForAccuracy() {
    try (TinyModel model = new TinyModel()) {
      SGD sgd = new SGD(0.2f);
      sgd.build(model.variables());
      ReduceLROnPlateau cb = new ReduceLROnPlateau().monitor("val_accuracy").patience(1).factor(0.5);
      cb.setContext(new FakeTrainingContext(model.dense, sgd, 3, 1, 0));
      cb.onTrainBegin(null);
      cb.onEpochEnd(0, TinyModel.logs("val_accuracy", 0.5));
      cb.onEpochEnd(1, TinyModel.logs("val_accuracy", 0.7)); // improves: higher is better
      assertEquals(0.2f, sgd.learningRate());
      cb.onEpochEnd(2, TinyModel.logs("val_accuracy", 0.6));
      assertEquals((float) (0.2f * 0.5), sgd.learningRate());
    }
  }

  @Test
  void aMissingMetricWarnsOnceInKerasWordingAndReducesNothing() {
    Logger log = Logger.getLogger(ReduceLROnPlateau.class.getName());
    List<String> warnings = new ArrayList<>();
    log.setFilter(
        record -> {
          warnings.add(record.getLevel() + " " + record.getMessage());
          return false;
        });
    try (TinyModel model = new TinyModel()) {
      ReduceLROnPlateau cb = new ReduceLROnPlateau().monitor("val_auc").patience(0);
      assertEquals(List.of(0.1f, 0.1f), run(model, new SGD(0.1f), cb, 1.0, 2.0));
      // As Keras, the learning rate is in the logs before the metric is looked up.
      assertEquals(
          List.of(
              "WARNING Learning rate reduction is conditioned on metric `val_auc` which is not"
                  + " available. Available metrics are: loss,val_loss,learning_rate."),
          warnings);
    } finally {
      log.setFilter(null);
    }
  }

  @Test
  void refusesAScheduleAndBadArguments() {
    try (TinyModel model = new TinyModel()) {
      SGD scheduled = new SGD(new ExponentialDecay(0.1f, 10, 0.9f));
      ReduceLROnPlateau cb = new ReduceLROnPlateau();
      cb.setContext(new FakeTrainingContext(model.dense, scheduled, 1, 1, 0));
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> cb.onTrainBegin(null));
      assertTrue(e.getMessage().contains("LearningRateSchedule"), e.getMessage());
    }
    IllegalArgumentException factor =
        assertThrows(IllegalArgumentException.class, () -> new ReduceLROnPlateau().factor(1.0));
    assertTrue(factor.getMessage().contains("factor=1.0"), factor.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ReduceLROnPlateau().minLr(-1));
    assertThrows(IllegalArgumentException.class, () -> new ReduceLROnPlateau().cooldown(-1));
  }
}
