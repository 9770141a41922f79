package dev.keraslite.optimizers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongToDoubleFunction;

/**
 * The test oracle: Keras 3's optimizer update equations ({@code keras/src/optimizers/*.py}, {@code
 * base_optimizer.py}), written out independently in double precision on plain arrays. Each subclass
 * is one Keras {@code update_step}; the base reproduces {@code BaseOptimizer.apply}: clip, weight
 * decay with the current learning rate, the updates with {@code local_step = iterations + 1}, then
 * {@code iterations += 1}.
 */
abstract class KerasReference {
  double learningRate;
  LongToDoubleFunction schedule;
  Double weightDecay;
  double clipnorm;
  double clipvalue;
  double globalClipnorm;
  long iterations;

  /** Per variable, slot name to values, in the names Keras uses. */
  final List<Map<String, double[]>> slots = new ArrayList<>();

  KerasReference(double learningRate) {
    this.learningRate = learningRate;
  }

  /** Creates variable {@code index}'s slots. */
  abstract void createSlots(Map<String, double[]> slots, int size);

  /** Keras's {@code update_step} for one variable; {@code t} is the local step. */
  abstract void update(Map<String, double[]> slots, double[] w, double[] g, double lr, long t);

  /** State shared by all variables, updated once per step before them (Nadam). */
  void beforeUpdates(long t) {}

  double currentLearningRate() {
    return schedule != null ? schedule.applyAsDouble(iterations) : learningRate;
  }

  /** One {@code apply(grads, vars)}; updates {@code vars} in place. */
  void apply(List<double[]> grads, List<double[]> vars) {
    while (slots.size() < vars.size()) {
      Map<String, double[]> s = new LinkedHashMap<>();
      createSlots(s, vars.get(slots.size()).length);
      slots.add(s);
    }
    List<double[]> g = clip(grads);
    double lr = currentLearningRate();
    if (weightDecay != null) {
      for (double[] w : vars) {
        for (int i = 0; i < w.length; i++) {
          w[i] -= w[i] * weightDecay * lr;
        }
      }
    }
    long t = iterations + 1;
    beforeUpdates(t);
    for (int k = 0; k < vars.size(); k++) {
      update(slots.get(k), vars.get(k), g.get(k), lr, t);
    }
    iterations++;
  }

  private List<double[]> clip(List<double[]> grads) {
    List<double[]> out = new ArrayList<>();
    for (double[] g : grads) {
      out.add(g.clone());
    }
    if (clipnorm > 0) {
      for (double[] g : out) {
        double norm = norm(g);
        scale(g, clipnorm / Math.max(norm, clipnorm));
      }
    } else if (globalClipnorm > 0) {
      double sum = 0;
      for (double[] g : out) {
        sum += norm(g) * norm(g);
      }
      double norm = Math.sqrt(sum);
      double s = globalClipnorm * Math.min(1 / norm, 1 / globalClipnorm);
      for (double[] g : out) {
        scale(g, s);
      }
    } else if (clipvalue > 0) {
      for (double[] g : out) {
        for (int i = 0; i < g.length; i++) {
          g[i] = Math.max(-clipvalue, Math.min(clipvalue, g[i]));
        }
      }
    }
    return out;
  }

  private static double norm(double[] g) {
    double s = 0;
    for (double x : g) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  private static void scale(double[] g, double s) {
    for (int i = 0; i < g.length; i++) {
      g[i] *= s;
    }
  }

  static double[] filled(int size, double value) {
    double[] a = new double[size];
    java.util.Arrays.fill(a, value);
    return a;
  }

  // ---- the optimizers ------------------------------------------------------------------------

  static final class Sgd extends KerasReference {
    final double momentum;
    final boolean nesterov;

    Sgd(double lr, double momentum, boolean nesterov) {
      super(lr);
      this.momentum = momentum;
      this.nesterov = nesterov;
    }

    @Override
    void createSlots(Map<String, double[]> s, int n) {
      if (momentum != 0) {
        s.put("momentum", new double[n]);
      }
    }

    @Override
    void update(Map<String, double[]> s, double[] w, double[] g, double lr, long t) {
      if (momentum == 0) {
        for (int i = 0; i < w.length; i++) {
          w[i] -= g[i] * lr;
        }
        return;
      }
      double[] m = s.get("momentum");
      for (int i = 0; i < w.length; i++) {
        m[i] = m[i] * momentum - g[i] * lr;
        w[i] += nesterov ? m[i] * momentum - g[i] * lr : m[i];
      }
    }
  }

  static final class Adam extends KerasReference {
    final double beta1;
    final double beta2;
    final double epsilon;
    final boolean amsgrad;

    Adam(double lr, double beta1, double beta2, double epsilon, boolean amsgrad) {
      super(lr);
      this.beta1 = beta1;
      this.beta2 = beta2;
      this.epsilon = epsilon;
      this.amsgrad = amsgrad;
    }

    @Override
    void createSlots(Map<String, double[]> s, int n) {
      s.put("momentum", new double[n]);
      s.put("velocity", new double[n]);
      if (amsgrad) {
        s.put("velocity_hat", new double[n]);
      }
    }

    @Override
    void update(Map<String, double[]> s, double[] w, double[] g, double lr, long t) {
      double[] m = s.get("momentum");
      double[] v = s.get("velocity");
      double alpha = lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
      for (int i = 0; i < w.length; i++) {
        m[i] += (g[i] - m[i]) * (1 - beta1);
        v[i] += (g[i] * g[i] - v[i]) * (1 - beta2);
        double vUsed = v[i];
        if (amsgrad) {
          double[] vHat = s.get("velocity_hat");
          vHat[i] = Math.max(vHat[i], v[i]);
          vUsed = vHat[i];
        }
        w[i] -= m[i] * alpha / (Math.sqrt(vUsed) + epsilon);
      }
    }
  }

  static final class RmsProp extends KerasReference {
    final double rho;
    final double momentum;
    final double epsilon;
    final boolean centered;

    RmsProp(double lr, double rho, double momentum, double epsilon, boolean centered) {
      super(lr);
      this.rho = rho;
      this.momentum = momentum;
      this.epsilon = epsilon;
      this.centered = centered;
    }

    @Override
    void createSlots(Map<String, double[]> s, int n) {
      s.put("velocity", new double[n]);
      if (momentum > 0) {
        s.put("momentum", new double[n]);
      }
      if (centered) {
        s.put("average_gradient", new double[n]);
      }
    }

    @Override
    void update(Map<String, double[]> s, double[] w, double[] g, double lr, long t) {
      double[] vel = s.get("velocity");
      for (int i = 0; i < w.length; i++) {
        vel[i] = rho * vel[i] + (1 - rho) * g[i] * g[i];
        double denominator;
        if (centered) {
          double[] avg = s.get("average_gradient");
          avg[i] = rho * avg[i] + (1 - rho) * g[i];
          denominator = vel[i] - avg[i] * avg[i] + epsilon;
        } else {
          denominator = vel[i] + epsilon;
        }
        double increment = lr * g[i] / Math.sqrt(denominator);
        if (momentum > 0) {
          double[] mom = s.get("momentum");
          mom[i] = momentum * mom[i] + increment;
          w[i] -= mom[i];
        } else {
          w[i] -= increment;
        }
      }
    }
  }

  static final class Adagrad extends KerasReference {
    final double initialAccumulator;
    final double epsilon;

    Adagrad(double lr, double initialAccumulator, double epsilon) {
      super(lr);
      this.initialAccumulator = initialAccumulator;
      this.epsilon = epsilon;
    }

    @Override
    void createSlots(Map<String, double[]> s, int n) {
      s.put("accumulator", filled(n, initialAccumulator));
    }

    @Override
    void update(Map<String, double[]> s, double[] w, double[] g, double lr, long t) {
      double[] acc = s.get("accumulator");
      for (int i = 0; i < w.length; i++) {
        acc[i] += g[i] * g[i];
        w[i] -= lr * g[i] / Math.sqrt(acc[i] + epsilon);
      }
    }
  }

  static final class Adadelta extends KerasReference {
    final double rho;
    final double epsilon;

    Adadelta(double lr, double rho, double epsilon) {
      super(lr);
      this.rho = rho;
      this.epsilon = epsilon;
    }

    @Override
    void createSlots(Map<String, double[]> s, int n) {
      s.put("accumulated_grad", new double[n]);
      s.put("accumulated_delta_var", new double[n]);
    }

    @Override
    void update(Map<String, double[]> s, double[] w, double[] g, double lr, long t) {
      double[] ag = s.get("accumulated_grad");
      double[] ad = s.get("accumulated_delta_var");
      for (int i = 0; i < w.length; i++) {
        ag[i] = rho * ag[i] + (1 - rho) * g[i] * g[i];
        double delta = -Math.sqrt(ad[i] + epsilon) * g[i] / Math.sqrt(ag[i] + epsilon);
        ad[i] = rho * ad[i] + (1 - rho) * delta * delta;
        w[i] += lr * delta;
      }
    }
  }

  static final class Adamax extends KerasReference {
    final double beta1;
    final double beta2;
    final double epsilon;

    Adamax(double lr, double beta1, double beta2, double epsilon) {
      super(lr);
      this.beta1 = beta1;
      this.beta2 = beta2;
      this.epsilon = epsilon;
    }

    @Override
    void createSlots(Map<String, double[]> s, int n) {
      s.put("momentum", new double[n]);
      s.put("norm", new double[n]);
    }

    @Override
    void update(Map<String, double[]> s, double[] w, double[] g, double lr, long t) {
      double[] m = s.get("momentum");
      double[] u = s.get("norm");
      double b1Power = Math.pow(beta1, t);
      for (int i = 0; i < w.length; i++) {
        m[i] += (g[i] - m[i]) * (1 - beta1);
        u[i] = Math.max(beta2 * u[i], Math.abs(g[i]));
        w[i] -= lr * m[i] / ((1 - b1Power) * (u[i] + epsilon));
      }
    }
  }

  static final class Nadam extends KerasReference {
    final double beta1;
    final double beta2;
    final double epsilon;
    double uProduct = 1.0;

    Nadam(double lr, double beta1, double beta2, double epsilon) {
      super(lr);
      this.beta1 = beta1;
      this.beta2 = beta2;
      this.epsilon = epsilon;
    }

    private double mu(double step) {
      return beta1 * (1.0 - 0.5 * Math.pow(0.96, step));
    }

    @Override
    void createSlots(Map<String, double[]> s, int n) {
      s.put("momentum", new double[n]);
      s.put("velocity", new double[n]);
    }

    @Override
    void beforeUpdates(long t) {
      uProduct *= mu(t);
    }

    @Override
    void update(Map<String, double[]> s, double[] w, double[] g, double lr, long t) {
      double[] m = s.get("momentum");
      double[] v = s.get("velocity");
      double uT = mu(t);
      double uNext = mu(t + 1);
      double productNext = uProduct * uNext;
      double b2Power = Math.pow(beta2, t);
      for (int i = 0; i < w.length; i++) {
        m[i] += (g[i] - m[i]) * (1 - beta1);
        v[i] += (g[i] * g[i] - v[i]) * (1 - beta2);
        double mHat = uNext * m[i] / (1 - productNext) + (1 - uT) * g[i] / (1 - uProduct);
        double vHat = v[i] / (1 - b2Power);
        w[i] -= mHat * lr / (Math.sqrt(vHat) + epsilon);
      }
    }
  }
}
