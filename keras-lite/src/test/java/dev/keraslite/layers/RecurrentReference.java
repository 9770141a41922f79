package dev.keraslite.layers;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's LSTM and GRU cell equations in double precision, from the layer's own weights (row-major
 * float arrays as the harness returns them), for checking the layers: an oracle independent of
 * TensorFlow.
 */
final class RecurrentReference {
  private RecurrentReference() {}

  /** A run over a sequence: each processed step's output {@code [batch * units]}, and the final states. */
  record Run(double[][] outputs, double[] h, double[] c) {
    /** The outputs as {@code [batch, time, units]}, in processing order. */
    double[] sequence(int batch, int units) {
      int steps = outputs.length;
      double[] out = new double[batch * steps * units];
      for (int t = 0; t < steps; t++) {
        for (int b = 0; b < batch; b++) {
          System.arraycopy(outputs[t], b * units, out, (b * steps + t) * units, units);
        }
      }
      return out;
    }

    double[] last() {
      return outputs[outputs.length - 1];
    }
  }

  /**
   * Keras's LSTM over {@code x [batch, time, features]}: {@code z = x k + h rk + bias}, gates {@code
   * i, f, c, o}; {@code c' = f c + i tanh(z_c)}, {@code h' = o tanh(c')}. Null states start at zero.
   */
  static Run lstm(
      float[] x, int batch, int time, int features, float[] k, float[] rk, float[] bias, int units,
      double[] h0, double[] c0, boolean backwards) {
    double[] h = h0 == null ? new double[batch * units] : h0.clone();
    double[] c = c0 == null ? new double[batch * units] : c0.clone();
    double[][] outputs = new double[time][];
    int cols = 4 * units;
    for (int s = 0; s < time; s++) {
      int t = backwards ? time - 1 - s : s;
      double[] hNext = new double[batch * units];
      double[] cNext = new double[batch * units];
      for (int b = 0; b < batch; b++) {
        double[] z = new double[cols];
        for (int j = 0; j < cols; j++) {
          double v = bias == null ? 0 : bias[j];
          for (int f = 0; f < features; f++) {
            v += x[(b * time + t) * features + f] * (double) k[f * cols + j];
          }
          for (int q = 0; q < units; q++) {
            v += h[b * units + q] * rk[q * cols + j];
          }
          z[j] = v;
        }
        for (int q = 0; q < units; q++) {
          double i = sigmoid(z[q]);
          double f = sigmoid(z[units + q]);
          double g = Math.tanh(z[2 * units + q]);
          double o = sigmoid(z[3 * units + q]);
          double cell = f * c[b * units + q] + i * g;
          cNext[b * units + q] = cell;
          hNext[b * units + q] = o * Math.tanh(cell);
        }
      }
      h = hNext;
      c = cNext;
      outputs[s] = h;
    }
    return new Run(outputs, h, c);
  }

  /**
   * Keras's GRU over {@code x [batch, time, features]}, gates {@code z, r, h}. With {@code
   * resetAfter} the bias is {@code [2, 3 units]} (input row, recurrent row) and the candidate is
   * {@code tanh(x_h + r * (h rk_h + b_rh))}; otherwise the bias is {@code [3 units]} and the
   * candidate {@code tanh(x_h + (r * h) rk_h)}. {@code h' = z h + (1 - z) candidate}.
   */
  static Run gru(
      float[] x, int batch, int time, int features, float[] k, float[] rk, float[] bias, int units,
      boolean resetAfter, double[] h0) {
    double[] h = h0 == null ? new double[batch * units] : h0.clone();
    double[][] outputs = new double[time][];
    int cols = 3 * units;
    for (int t = 0; t < time; t++) {
      double[] hNext = new double[batch * units];
      for (int b = 0; b < batch; b++) {
        double[] mx = new double[cols];
        for (int j = 0; j < cols; j++) {
          double v = bias == null ? 0 : bias[j];
          for (int f = 0; f < features; f++) {
            v += x[(b * time + t) * features + f] * (double) k[f * cols + j];
          }
          mx[j] = v;
        }
        // h rk, with the recurrent bias row when the reset gate comes after the product.
        double[] mh = new double[cols];
        for (int j = 0; j < cols; j++) {
          double v = resetAfter && bias != null ? bias[cols + j] : 0;
          for (int q = 0; q < units; q++) {
            v += h[b * units + q] * rk[q * cols + j];
          }
          mh[j] = v;
        }
        double[] r = new double[units];
        double[] zGate = new double[units];
        for (int q = 0; q < units; q++) {
          zGate[q] = sigmoid(mx[q] + mh[q]);
          r[q] = sigmoid(mx[units + q] + mh[units + q]);
        }
        for (int q = 0; q < units; q++) {
          double recurrent;
          if (resetAfter) {
            recurrent = r[q] * mh[2 * units + q];
          } else {
            recurrent = 0;
            for (int p = 0; p < units; p++) {
              recurrent += r[p] * h[b * units + p] * rk[p * cols + 2 * units + q];
            }
          }
          double candidate = Math.tanh(mx[2 * units + q] + recurrent);
          hNext[b * units + q] = zGate[q] * h[b * units + q] + (1 - zGate[q]) * candidate;
        }
      }
      h = hNext;
      outputs[t] = h;
    }
    return new Run(outputs, h, null);
  }

  static double sigmoid(double v) {
    return 1 / (1 + Math.exp(-v));
  }

  static double[] toDoubles(float[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }

  /**
   * A test-only layer around one step of a cell, for the layer harness (which handles single-output
   * layers): inputs {@code [x, states...]}, output the new states joined on the last axis ({@code
   * [h', c']} for an LSTM cell), so the harness sees every state the step computes.
   */
  static final class CellStep extends Layer {
    private final RecurrentCell cell;

    CellStep(RecurrentCell cell) {
      this.cell = cell;
    }

    @Override
    protected Operand<TFloat32> call(Ops tf, List<Operand<TFloat32>> inputs, boolean training) {
      RecurrentStep step = cell.apply(tf, inputs.get(0), inputs.subList(1, inputs.size()));
      return step.states().size() == 1 ? step.states().get(0) : tf.concat(step.states(), tf.constant(-1));
    }

    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
      return call(tf, List.of(input), false);
    }

    @Override
    public Shape computeOutputShape(List<Shape> inputShapes) {
      return Shape.of(inputShapes.get(0).get(0), cell.units() * cell.stateCount());
    }
  }
}
