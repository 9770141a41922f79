package dev.keraslite.optimizers;

import static dev.keraslite.optimizers.TestValues.assertClose;
import static dev.keraslite.optimizers.TestValues.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.EagerScope;
import dev.keraslite.GradientTape;
import dev.keraslite.Variable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

/**
 * Three updates of each optimizer on a fixed problem (a [2, 3] and a [3] variable, gradients that
 * change every step) against {@link KerasReference}, Keras 3's equations in double precision: the
 * variables, every slot and {@code iterations}. Hyperparameters are chosen so that each one matters
 * well above the 1e-5 tolerance (a large epsilon, say, tells where it is added).
 */
class OptimizerUpdatesTest {
  static final double TOLERANCE = 1e-5;
  static final String W_NAME = "model/dense/kernel:0";
  static final String B_NAME = "model/dense/bias:0";
  static final double[] W0 = {0.5, -0.3, 0.2, 1.0, -0.7, 0.05};
  static final double[] B0 = {0.4, -0.6, 1.2};
  static final int STEPS = 3;

  /** Fixed gradients, no zeros, signs and magnitudes varying with the element and the step. */
  static double[] gradient(int offset, int size, int step) {
    double[] g = new double[size];
    for (int i = 0; i < size; i++) {
      int k = i + offset;
      double sign = (k + step) % 2 == 0 ? 1 : -1;
      g[i] = sign * (0.1 + 0.3 * ((k + 2 * step) % 5));
    }
    return g;
  }

  static double[] gradW(int step) {
    return gradient(0, 6, step);
  }

  static double[] gradB(int step) {
    return gradient(6, 3, step);
  }

  static float[][] asMatrix(double[] v) {
    float[][] m = new float[2][3];
    for (int i = 0; i < 6; i++) {
      m[i / 3][i % 3] = (float) v[i];
    }
    return m;
  }

  static float[] asFloats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }

  static double[][] asDoubleMatrix(double[] v) {
    double[][] m = new double[2][3];
    for (int i = 0; i < 6; i++) {
      m[i / 3][i % 3] = v[i];
    }
    return m;
  }

  /**
   * Runs {@code STEPS} updates of {@code optimizer} and of {@code reference} and compares
   * variables, slots (by Keras's names) and iterations. Returns the optimizer for further checks.
   */
  static Optimizer check(Optimizer optimizer, KerasReference reference) {
    return check(optimizer, reference, false, TOLERANCE);
  }

  static Optimizer check(
      Optimizer optimizer, KerasReference reference, boolean float64, double tolerance) {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable w =
          new Variable(
              tf,
              W_NAME,
              float64 ? tf.constant(asDoubleMatrix(W0)) : tf.constant(asMatrix(W0)),
              true);
      Variable b =
          new Variable(tf, B_NAME, float64 ? tf.constant(B0) : tf.constant(asFloats(B0)), true);
      double[] wRef = W0.clone();
      double[] bRef = B0.clone();
      for (int s = 0; s < STEPS; s++) {
        try (EagerScope scope = eager.scope()) {
          Operand<?> gw =
              float64 ? tf.constant(asDoubleMatrix(gradW(s))) : tf.constant(asMatrix(gradW(s)));
          Operand<?> gb = float64 ? tf.constant(gradB(s)) : tf.constant(asFloats(gradB(s)));
          optimizer.applyGradients(List.of(gw, gb), List.of(w, b));
        }
        reference.apply(List.of(gradW(s), gradB(s)), List.of(wRef, bRef));
        assertClose("kernel after step " + (s + 1), wRef, read(tf, w), tolerance);
        assertClose("bias after step " + (s + 1), bRef, read(tf, b), tolerance);
      }
      List<Variable> vars = List.of(w, b);
      for (int k = 0; k < 2; k++) {
        for (Map.Entry<String, double[]> slot : reference.slots.get(k).entrySet()) {
          Variable actual = optimizer.slot(vars.get(k), slot.getKey());
          assertTrue(actual != null, "missing slot " + slot.getKey() + " of " + vars.get(k).name());
          assertClose(actual.name(), slot.getValue(), read(tf, actual), tolerance);
          assertFalse(actual.trainable(), actual.name() + " must not be trainable");
        }
      }
      assertEquals(STEPS, (long) read(tf, optimizer.iterations())[0], "iterations");
      assertEquals(optimizer.name() + "/iteration:0", optimizer.iterations().name());
    }
    return optimizer;
  }

  /** The names of the optimizer's variables, in order. */
  static List<String> names(Optimizer optimizer) {
    List<String> out = new ArrayList<>();
    for (Variable v : optimizer.variables()) {
      out.add(v.name());
    }
    return out;
  }

  // ---- SGD -----------------------------------------------------------------------------------

  @Test
  void sgd() {
    Optimizer opt = check(new SGD(0.1f), new KerasReference.Sgd(0.1f, 0, false));
    assertEquals(List.of("SGD/iteration:0", "SGD/learning_rate:0"), names(opt));
  }

  @Test
  void sgdWithMomentum() {
    Optimizer opt = check(new SGD(0.1f).momentum(0.9f), new KerasReference.Sgd(0.1f, 0.9f, false));
    assertEquals(
        List.of(
            "SGD/iteration:0",
            "SGD/learning_rate:0",
            "SGD/model_dense_kernel_momentum:0",
            "SGD/model_dense_bias_momentum:0"),
        names(opt));
  }

  @Test
  void sgdWithNesterovMomentum() {
    check(new SGD(0.1f).momentum(0.8f).nesterov(true), new KerasReference.Sgd(0.1f, 0.8f, true));
  }

  @Test
  void sgdDefaultsAreKeras() {
    SGD sgd = new SGD();
    assertEquals(0.01f, sgd.learningRate());
    assertEquals(0f, sgd.momentum());
    assertFalse(sgd.nesterov());
    assertNull(sgd.weightDecay());
    assertEquals("SGD", sgd.name());
  }

  // ---- Adam, AdamW ---------------------------------------------------------------------------

  @Test
  void adam() {
    Optimizer opt =
        check(
            new Adam(0.1f).beta1(0.8f).beta2(0.95f).epsilon(0.05f),
            new KerasReference.Adam(0.1f, 0.8f, 0.95f, 0.05f, false));
    assertEquals(
        List.of(
            "adam/iteration:0",
            "adam/learning_rate:0",
            "adam/model_dense_kernel_momentum:0",
            "adam/model_dense_kernel_velocity:0",
            "adam/model_dense_bias_momentum:0",
            "adam/model_dense_bias_velocity:0"),
        names(opt));
  }

  @Test
  void adamWithKerasDefaults() {
    Adam adam = new Adam();
    assertEquals(0.001f, adam.learningRate());
    assertEquals(0.9f, adam.beta1());
    assertEquals(0.999f, adam.beta2());
    assertEquals(1e-7f, adam.epsilon());
    assertFalse(adam.amsgrad());
    check(new Adam(0.1f), new KerasReference.Adam(0.1f, 0.9f, 0.999f, 1e-7f, false));
  }

  @Test
  void adamAmsgrad() {
    // Decreasing gradient magnitudes on some elements make v fall below its running maximum.
    Optimizer opt =
        check(
            new Adam(0.1f).beta2(0.5f).epsilon(0.01f).amsgrad(true),
            new KerasReference.Adam(0.1f, 0.9f, 0.5f, 0.01f, true));
    assertEquals(
        List.of(
            "adam/iteration:0",
            "adam/learning_rate:0",
            "adam/model_dense_kernel_momentum:0",
            "adam/model_dense_kernel_velocity:0",
            "adam/model_dense_bias_momentum:0",
            "adam/model_dense_bias_velocity:0",
            "adam/model_dense_kernel_velocity_hat:0",
            "adam/model_dense_bias_velocity_hat:0"),
        names(opt));
  }

  @Test
  void adamOnFloat64Variables() {
    KerasReference.Adam ref = new KerasReference.Adam(0.1f, 0.8f, 0.95f, 0.05f, false);
    check(new Adam(0.1f).beta1(0.8f).beta2(0.95f).epsilon(0.05f), ref, true, 1e-12);
  }

  @Test
  void adamW() {
    AdamW adamW = new AdamW(0.1f);
    assertEquals(0.004f, adamW.weightDecay());
    assertEquals("adamw", adamW.name());
    KerasReference ref = new KerasReference.Adam(0.1f, 0.9f, 0.999f, 1e-7f, false);
    ref.weightDecay = (double) 0.5f;
    check(adamW.weightDecay(0.5f), ref);
  }

  @Test
  void adamWithWeightDecayExcludingBias() {
    // Keras's exclude_from_weight_decay(var_names=["bias"]): only the kernel decays.
    Optimizer opt = new Adam(0.1f).weightDecay(0.5f).excludeFromWeightDecay(null, List.of("bias"));
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable w = new Variable(tf, W_NAME, tf.constant(asMatrix(W0)), true);
      Variable b = new Variable(tf, B_NAME, tf.constant(asFloats(B0)), true);
      KerasReference decayed = new KerasReference.Adam(0.1f, 0.9f, 0.999f, 1e-7f, false);
      decayed.weightDecay = (double) 0.5f;
      KerasReference plain = new KerasReference.Adam(0.1f, 0.9f, 0.999f, 1e-7f, false);
      double[] wRef = W0.clone();
      double[] bRef = B0.clone();
      for (int s = 0; s < STEPS; s++) {
        opt.applyGradients(
            List.of(tf.constant(asMatrix(gradW(s))), tf.constant(asFloats(gradB(s)))),
            List.of(w, b));
        decayed.apply(List.of(gradW(s)), List.of(wRef));
        plain.apply(List.of(gradB(s)), List.of(bRef));
      }
      assertClose("kernel", wRef, read(tf, w), TOLERANCE);
      assertClose("bias", bRef, read(tf, b), TOLERANCE);
    }
  }

  // ---- RMSprop -------------------------------------------------------------------------------

  @Test
  void rmsprop() {
    RMSprop defaults = new RMSprop();
    assertEquals(0.001f, defaults.learningRate());
    assertEquals(0.9f, defaults.rho());
    assertEquals(0f, defaults.momentum());
    assertEquals(1e-7f, defaults.epsilon());
    assertFalse(defaults.centered());
    Optimizer opt =
        check(
            new RMSprop(0.1f).rho(0.8f).epsilon(0.05f),
            new KerasReference.RmsProp(0.1f, 0.8f, 0, 0.05f, false));
    assertEquals(
        List.of(
            "rmsprop/iteration:0",
            "rmsprop/learning_rate:0",
            "rmsprop/model_dense_kernel_velocity:0",
            "rmsprop/model_dense_bias_velocity:0"),
        names(opt));
  }

  @Test
  void rmspropWithMomentum() {
    check(
        new RMSprop(0.1f).rho(0.8f).momentum(0.7f).epsilon(0.05f),
        new KerasReference.RmsProp(0.1f, 0.8f, 0.7f, 0.05f, false));
  }

  @Test
  void rmspropCentered() {
    check(
        new RMSprop(0.1f).rho(0.8f).epsilon(0.05f).centered(true),
        new KerasReference.RmsProp(0.1f, 0.8f, 0, 0.05f, true));
  }

  @Test
  void rmspropCenteredWithMomentum() {
    Optimizer opt =
        check(
            new RMSprop(0.1f).rho(0.8f).momentum(0.7f).epsilon(0.05f).centered(true),
            new KerasReference.RmsProp(0.1f, 0.8f, 0.7f, 0.05f, true));
    // Keras builds all velocities, then all momentums, then all average gradients.
    assertEquals(
        List.of(
            "rmsprop/iteration:0",
            "rmsprop/learning_rate:0",
            "rmsprop/model_dense_kernel_velocity:0",
            "rmsprop/model_dense_bias_velocity:0",
            "rmsprop/model_dense_kernel_momentum:0",
            "rmsprop/model_dense_bias_momentum:0",
            "rmsprop/model_dense_kernel_average_gradient:0",
            "rmsprop/model_dense_bias_average_gradient:0"),
        names(opt));
  }

  // ---- Adagrad, Adadelta, Adamax, Nadam ------------------------------------------------------

  @Test
  void adagrad() {
    Adagrad defaults = new Adagrad();
    assertEquals(0.001f, defaults.learningRate());
    assertEquals(0.1f, defaults.initialAccumulatorValue());
    assertEquals(1e-7f, defaults.epsilon());
    Optimizer opt =
        check(
            new Adagrad(0.3f).initialAccumulatorValue(0.2f).epsilon(0.05f),
            new KerasReference.Adagrad(0.3f, 0.2f, 0.05f));
    assertEquals(
        List.of(
            "adagrad/iteration:0",
            "adagrad/learning_rate:0",
            "adagrad/model_dense_kernel_accumulator:0",
            "adagrad/model_dense_bias_accumulator:0"),
        names(opt));
  }

  @Test
  void adadelta() {
    Adadelta defaults = new Adadelta();
    assertEquals(0.001f, defaults.learningRate());
    assertEquals(0.95f, defaults.rho());
    assertEquals(1e-7f, defaults.epsilon());
    Optimizer opt =
        check(
            new Adadelta(1.0f).rho(0.8f).epsilon(0.05f),
            new KerasReference.Adadelta(1.0f, 0.8f, 0.05f));
    assertEquals(
        List.of(
            "adadelta/iteration:0",
            "adadelta/learning_rate:0",
            "adadelta/model_dense_kernel_accumulated_grad:0",
            "adadelta/model_dense_kernel_accumulated_delta_var:0",
            "adadelta/model_dense_bias_accumulated_grad:0",
            "adadelta/model_dense_bias_accumulated_delta_var:0"),
        names(opt));
  }

  @Test
  void adamax() {
    Adamax defaults = new Adamax();
    assertEquals(0.001f, defaults.learningRate());
    assertEquals(0.9f, defaults.beta1());
    assertEquals(0.999f, defaults.beta2());
    assertEquals(1e-7f, defaults.epsilon());
    Optimizer opt =
        check(
            new Adamax(0.1f).beta1(0.8f).beta2(0.5f).epsilon(0.05f),
            new KerasReference.Adamax(0.1f, 0.8f, 0.5f, 0.05f));
    assertEquals(
        List.of(
            "adamax/iteration:0",
            "adamax/learning_rate:0",
            "adamax/model_dense_kernel_momentum:0",
            "adamax/model_dense_kernel_norm:0",
            "adamax/model_dense_bias_momentum:0",
            "adamax/model_dense_bias_norm:0"),
        names(opt));
  }

  @Test
  void nadam() {
    Nadam defaults = new Nadam();
    assertEquals(0.001f, defaults.learningRate());
    assertEquals(0.9f, defaults.beta1());
    assertEquals(0.999f, defaults.beta2());
    assertEquals(1e-7f, defaults.epsilon());
    KerasReference.Nadam ref = new KerasReference.Nadam(0.1f, 0.8f, 0.95f, 0.05f);
    Optimizer opt = check(new Nadam(0.1f).beta1(0.8f).beta2(0.95f).epsilon(0.05f), ref);
    assertEquals(
        List.of(
            "nadam/iteration:0",
            "nadam/learning_rate:0",
            "nadam/model_dense_kernel_momentum:0",
            "nadam/model_dense_kernel_velocity:0",
            "nadam/model_dense_bias_momentum:0",
            "nadam/model_dense_bias_velocity:0",
            "nadam/u_product:0"),
        names(opt));
  }

  @Test
  void nadamWithKerasDefaults() {
    check(new Nadam(0.1f), new KerasReference.Nadam(0.1f, 0.9f, 0.999f, 1e-7f));
  }

  // ---- base options: weight decay, clipping, schedules, learning rate -----------------------

  @Test
  void weightDecayOnTheBase() {
    KerasReference ref = new KerasReference.Sgd(0.1f, 0.9f, false);
    ref.weightDecay = (double) 0.3f;
    check(new SGD(0.1f).momentum(0.9f).weightDecay(0.3f), ref);
  }

  @Test
  void clipnorm() {
    // The kernel's gradient norm is above 1 at every step, the bias's below 1 at some.
    KerasReference ref = new KerasReference.Sgd(0.1f, 0, false);
    ref.clipnorm = 1.0;
    check(new SGD(0.1f).clipnorm(1f), ref);
  }

  @Test
  void clipvalue() {
    KerasReference ref = new KerasReference.Adam(0.1f, 0.9f, 0.999f, 0.05f, false);
    ref.clipvalue = (double) 0.45f;
    check(new Adam(0.1f).epsilon(0.05f).clipvalue(0.45f), ref);
  }

  @Test
  void globalClipnorm() {
    KerasReference ref = new KerasReference.RmsProp(0.1f, 0.8f, 0.7f, 0.05f, false);
    ref.globalClipnorm = (double) 1.5f;
    check(new RMSprop(0.1f).rho(0.8f).momentum(0.7f).epsilon(0.05f).globalClipnorm(1.5f), ref);
  }

  @Test
  void exponentialDecaySchedule() {
    KerasReference ref = new KerasReference.Sgd(0, 0.5f, false);
    ref.schedule = step -> 0.2f * Math.pow(0.5f, step / 2.0);
    Optimizer opt = check(new SGD(new ExponentialDecay(0.2f, 2, 0.5f)).momentum(0.5f), ref);
    // With a schedule, Keras keeps no learning-rate variable.
    assertEquals(
        List.of(
            "SGD/iteration:0",
            "SGD/model_dense_kernel_momentum:0",
            "SGD/model_dense_bias_momentum:0"),
        names(opt));
  }

  @Test
  void piecewiseConstantScheduleWithAdamAndWeightDecay() {
    // Steps 0 and 1 use 0.1, step 2 uses 0.02; the decay uses the scheduled rate too.
    KerasReference ref = new KerasReference.Adam(0, 0.9f, 0.999f, 0.05f, false);
    ref.schedule = step -> step <= 1 ? 0.1f : 0.02f;
    ref.weightDecay = (double) 0.5f;
    check(
        new Adam(new PiecewiseConstantDecay(new long[] {1}, new float[] {0.1f, 0.02f}))
            .epsilon(0.05f)
            .weightDecay(0.5f),
        ref);
  }

  @Test
  void cosineDecayScheduleWithAdagrad() {
    KerasReference ref = new KerasReference.Adagrad(0, 0.1f, 0.05f);
    ref.schedule =
        step -> 0.5f * ((1 - 0.1f) * 0.5 * (1 + Math.cos(Math.PI * Math.min(step, 4) / 4)) + 0.1f);
    check(new Adagrad(new CosineDecay(0.5f, 4, 0.1f)).epsilon(0.05f), ref);
  }

  @Test
  void setLearningRateChangesLaterSteps() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable w = new Variable(tf, W_NAME, tf.constant(asMatrix(W0)), true);
      SGD sgd = new SGD(0.1f);
      sgd.applyGradients(List.of(tf.constant(asMatrix(gradW(0)))), List.of(w));
      sgd.setLearningRate(0.5f);
      assertEquals(0.5f, sgd.learningRate());
      assertEquals(0.5, read(tf, sgd.learningRateVariable())[0], 0.0);
      sgd.applyGradients(List.of(tf.constant(asMatrix(gradW(1)))), List.of(w));
      double[] expected = W0.clone();
      for (int i = 0; i < 6; i++) {
        expected[i] -= (double) 0.1f * gradW(0)[i];
        expected[i] -= (double) 0.5f * gradW(1)[i];
      }
      assertClose("kernel", expected, read(tf, w), TOLERANCE);
    }
  }

  @Test
  void explicitBuildCreatesTheStateBeforeAnyUpdate() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable w = new Variable(tf, W_NAME, tf.constant(asMatrix(W0)), true);
      Adagrad adagrad = new Adagrad(0.1f);
      assertFalse(adagrad.built());
      assertTrue(adagrad.variables().isEmpty());
      adagrad.build(List.of(w));
      assertTrue(adagrad.built());
      assertEquals(
          List.of(
              "adagrad/iteration:0",
              "adagrad/learning_rate:0",
              "adagrad/model_dense_kernel_accumulator:0"),
          names(adagrad));
      assertEquals(0L, (long) read(tf, adagrad.iterations())[0]);
      assertClose(
          "accumulator",
          KerasReference.filled(6, 0.1f),
          read(tf, adagrad.slot(w, "accumulator")),
          0);
      assertClose(
          "learning rate", new double[] {0.1f}, read(tf, adagrad.learningRateVariable()), 0);
      assertClose("kernel untouched", W0, read(tf, w), 1e-7);
    }
  }

  @Test
  void updatesAreNotRecordedByAnOpenTape() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable w = new Variable(tf, W_NAME, tf.constant(asMatrix(W0)), true);
      // Weight decay reads the trainable variable: a recording tape would watch that read.
      Optimizer sgd = new SGD(0.1f).weightDecay(0.1f);
      try (GradientTape tape = new GradientTape(tf)) {
        sgd.applyGradients(List.of(tf.constant(asMatrix(gradW(0)))), List.of(w));
        assertTrue(tape.watchedVariables().isEmpty(), "the tape saw " + tape.watchedVariables());
        Operand<TFloat32> after = w.value(tf);
        assertEquals(List.of(w), tape.watchedVariables(), "the tape still records afterwards");
      }
    }
  }

  @Test
  void float64StateForFloat64Variables() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable w = new Variable(tf, W_NAME, tf.constant(asDoubleMatrix(W0)), true);
      Adam adam = new Adam(0.1f);
      adam.applyGradients(List.of(tf.constant(asDoubleMatrix(gradW(0)))), List.of(w));
      assertEquals(TFloat64.class, adam.slot(w, "momentum").type());
      assertEquals(TFloat32.class, adam.learningRateVariable().type());
    }
  }
}
