package dev.keraslite.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Monitor against Keras 3's {@code MonitorCallback}: {@code auto} mode minimizes losses and errors
 * and maximizes scores, and {@code _is_improvement} is {@code current - min_delta > reference}
 * (max) or {@code current + min_delta < reference} (min), strictly.
 */
class MonitorTest {
  @Test
  void autoModeFollowsTheMetricName() {
    for (String name :
        List.of("loss", "val_loss", "mse", "val_mae", "mean_squared_error", "val_custom_loss",
            "categorical_crossentropy", "val_my_crossentropy", "root_mean_squared_error",
            "val_squared_error", "kl_divergence", "loss_1")) {
      assertFalse(Monitor.maximizes("X", name, "auto"), name + " is minimized");
    }
    for (String name :
        List.of("accuracy", "val_accuracy", "acc", "val_acc", "auc", "val_auc_2",
            "sparse_categorical_accuracy", "val_top_k_categorical_accuracy", "precision_1",
            "recall", "f1_score", "binary_acc")) {
      assertTrue(Monitor.maximizes("X", name, "auto"), name + " is maximized");
    }
  }

  @Test
  void explicitModesOverrideTheName() {
    assertTrue(Monitor.maximizes("X", "loss", "max"));
    assertFalse(Monitor.maximizes("X", "accuracy", "min"));
    assertTrue(Monitor.maximizes("X", "my_score", "max"));
    assertFalse(Monitor.maximizes("X", "my_score", "min"));
  }

  @Test
  void autoModeRefusesAnUnknownName() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Monitor.maximizes("EarlyStopping", "my_score", "auto"));
    assertTrue(
        e.getMessage().startsWith("EarlyStopping callback received monitor=my_score, but"),
        e.getMessage());
  }

  @Test
  void improvementIsStrictByMoreThanMinDelta() {
    // min: 0.875 + 0.1 < 1.0 improves; 0.875 + 0.125 == 1.0 does not
    assertTrue(Monitor.improves(false, 0.1, 0.875, 1.0));
    assertFalse(Monitor.improves(false, 0.125, 0.875, 1.0));
    assertFalse(Monitor.improves(false, 0, 1.0, 1.0));
    assertTrue(Monitor.improves(false, 0, 0.999, 1.0));
    // max: 1.125 - 0.1 > 1.0 improves; 1.125 - 0.125 == 1.0 does not (negative minDelta: its
    // absolute value)
    assertTrue(Monitor.improves(true, -0.1, 1.125, 1.0));
    assertFalse(Monitor.improves(true, -0.125, 1.125, 1.0));
    assertFalse(Monitor.improves(true, 0, 0.5, 1.0));
    // anything beats a missing reference; NaN beats nothing
    assertTrue(Monitor.improves(true, 0, -1e9, null));
    assertFalse(Monitor.improves(true, 0, Double.NaN, 1.0));
    assertFalse(Monitor.improves(false, 0, Double.NaN, 1.0));
  }

  @Test
  void anInstanceTracksTheBestOfEachFitWithItsMinDelta() {
    Monitor m = new Monitor("X", 0, Logger.getAnonymousLogger(), "X conditioned on", "");
    m.monitor("val_accuracy");
    m.minDelta(-0.25);
    assertEquals(0.25, m.minDelta());
    m.start();
    assertNull(m.best());
    assertTrue(m.improvesOnBest(0.5));
    m.best(0.5);
    assertFalse(m.improvesOnBest(0.75), "0.75 - 0.25 is not above 0.5");
    assertTrue(m.improvesOnBest(0.875));
    assertTrue(m.improvesOn(0.5, 0.125), "a baseline is compared with the same rule");
    m.start();
    assertNull(m.best(), "a new fit forgets the previous best");
  }

  @Test
  void aMissingMetricIsReportedOncePerFitInTheCallbacksWording() {
    Logger log = Logger.getAnonymousLogger();
    log.setUseParentHandlers(false);
    List<String> warnings = new ArrayList<>();
    log.setFilter(
        record -> {
          warnings.add(record.getMessage());
          return false;
        });
    Monitor m = new Monitor("X", 0, log, "Learning rate reduction is conditioned on", ".");
    m.start();
    Map<String, Double> logs = TinyModel.logs("loss", 1.0, "accuracy", 0.5);
    assertNull(m.current(logs));
    assertNull(m.current(logs));
    assertEquals(0.5, m.current(TinyModel.logs("val_loss", 0.5)));
    m.start();
    assertNull(m.current(null));
    assertEquals(
        List.of(
            "Learning rate reduction is conditioned on metric `val_loss` which is not available."
                + " Available metrics are: loss,accuracy.",
            "Learning rate reduction is conditioned on metric `val_loss` which is not available."
                + " Available metrics are: ."),
        warnings);
  }

  @Test
  void badArgumentsNameTheCallback() {
    Monitor m = new Monitor("ReduceLROnPlateau", 1e-4, Logger.getAnonymousLogger(), "", "");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.mode("up"));
    assertEquals(
        "ReduceLROnPlateau: mode must be \"auto\", \"min\" or \"max\", received \"up\"",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> m.monitor(""));
    assertEquals("ReduceLROnPlateau: monitor must name a metric, received \"\"", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> m.minDelta(Double.NaN));
    assertEquals("ReduceLROnPlateau: minDelta must be finite, received NaN", e.getMessage());
    assertEquals(1e-4, m.minDelta(), "a refused value leaves the old one");
    assertEquals("auto", m.mode());
    assertEquals("val_loss", m.monitor());
  }
}
