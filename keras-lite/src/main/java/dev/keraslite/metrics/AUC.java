package dev.keraslite.metrics;

import dev.keraslite.Variable;
import dev.keraslite.initializers.Initializers;
import java.util.Locale;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code AUC}: the area under the ROC (or precision-recall) curve, approximated from the
 * confusion counts at {@code numThresholds} evenly spaced thresholds {@code [-1e-7, 1/(n-1), ...,
 * (n-2)/(n-1), 1 + 1e-7]} (200 by default). With {@link SummationMethod#INTERPOLATION} the ROC curve
 * is integrated with the trapezoidal rule, and the PR curve with Davis and Goadrich's interpolation,
 * exactly as Keras does. Labels count as positive when non-zero; predictions are clipped to [0, 1]
 * (after a sigmoid with {@code fromLogits}).
 */
public class AUC extends Metric {
  /** Keras's default number of thresholds. */
  public static final int DEFAULT_NUM_THRESHOLDS = 200;

  /** Which curve to integrate. */
  public enum Curve {
    /** True positive rate against false positive rate. */
    ROC,
    /** Precision against recall. */
    PR
  }

  /** How the area between two thresholds is approximated. */
  public enum SummationMethod {
    /** Trapezoids for ROC; interpolated true and false positives for PR. */
    INTERPOLATION,
    /** The smaller of the two heights. */
    MINORING,
    /** The larger of the two heights. */
    MAJORING
  }

  private final int numThresholds;
  private final Curve curve;
  private final SummationMethod summationMethod;
  private final boolean fromLogits;
  private Variable truePositives;
  private Variable falsePositives;
  private Variable trueNegatives;
  private Variable falseNegatives;

  /** 200 thresholds, ROC, interpolation, named {@code "auc"}. */
  public AUC() {
    this(DEFAULT_NUM_THRESHOLDS, Curve.ROC, SummationMethod.INTERPOLATION, false, "auc");
  }

  /**
   * @param numThresholds how many thresholds to count at, more than 1
   * @param curve the curve to integrate
   * @param summationMethod how to approximate the area between thresholds
   * @param fromLogits whether predictions are logits (a sigmoid is applied first)
   * @param name the metric's name
   */
  public AUC(
      int numThresholds,
      Curve curve,
      SummationMethod summationMethod,
      boolean fromLogits,
      String name) {
    super(name);
    if (numThresholds <= 1) {
      throw new IllegalArgumentException(
          "Metric '" + name() + "': num_thresholds must be an integer > 1, received "
              + numThresholds);
    }
    if (curve == null || summationMethod == null) {
      throw new IllegalArgumentException(
          "Metric '" + name() + "': curve and summation_method must not be null");
    }
    this.numThresholds = numThresholds;
    this.curve = curve;
    this.summationMethod = summationMethod;
    this.fromLogits = fromLogits;
  }

  /** Float32 confusion counts, one per threshold, zero. */
  @Override
  protected final void build(Ops tf) {
    Shape shape = Shape.of(numThresholds);
    truePositives = addWeight("true_positives", shape, TFloat32.class, Initializers.zeros());
    falsePositives = addWeight("false_positives", shape, TFloat32.class, Initializers.zeros());
    trueNegatives = addWeight("true_negatives", shape, TFloat32.class, Initializers.zeros());
    falseNegatives = addWeight("false_negatives", shape, TFloat32.class, Initializers.zeros());
  }

  /** The thresholds the counts are taken at, as Keras lists them. */
  public float[] thresholds() {
    float[] t = new float[numThresholds];
    t[0] = -1e-7f;
    for (int i = 1; i < numThresholds - 1; i++) {
      t[i] = (float) (i * 1.0 / (numThresholds - 1));
    }
    t[numThresholds - 1] = 1 + 1e-7f;
    return t;
  }

  /** The curve integrated. */
  public Curve curve() {
    return curve;
  }

  @Override
  public void updateState(Ops tf, Operand<?> yTrue, Operand<?> yPred, Operand<?> sampleWeight) {
    ConfusionMatrix.check(this, yTrue, yPred, sampleWeight, null, null);
    ensureBuilt(tf);
    withoutRecording(
        tf,
        () -> {
          Operand<?> predictions =
              fromLogits ? tf.math.sigmoid(MetricInputs.toFloat32(tf, yPred)) : yPred;
          ConfusionMatrix.Counts c =
              ConfusionMatrix.evenlySpaced(
                  tf,
                  ConfusionMatrix.prepare(tf, yTrue, predictions, sampleWeight, null, null),
                  numThresholds);
          truePositives.assignAdd(tf, c.truePositives());
          falsePositives.assignAdd(tf, c.falsePositives());
          trueNegatives.assignAdd(tf, c.trueNegatives());
          falseNegatives.assignAdd(tf, c.falseNegatives());
        });
  }

  @Override
  public Operand<TFloat32> result(Ops tf) {
    ensureBuilt(tf);
    Operand<TFloat32> tp = truePositives.value(tf);
    Operand<TFloat32> fp = falsePositives.value(tf);
    Operand<TFloat32> tn = trueNegatives.value(tf);
    Operand<TFloat32> fn = falseNegatives.value(tf);
    if (curve == Curve.PR && summationMethod == SummationMethod.INTERPOLATION) {
      return interpolatePrAuc(tf, tp, fp, fn);
    }
    Operand<TFloat32> recall = tf.math.divNoNan(tp, tf.math.add(tp, fn));
    Operand<TFloat32> x;
    Operand<TFloat32> y;
    if (curve == Curve.ROC) {
      x = tf.math.divNoNan(fp, tf.math.add(fp, tn));
      y = recall;
    } else {
      x = recall;
      y = tf.math.divNoNan(tp, tf.math.add(tp, fp));
    }
    Operand<TFloat32> heights;
    switch (summationMethod) {
      case INTERPOLATION:
        heights = tf.math.div(tf.math.add(head(tf, y), tail(tf, y)), tf.constant(2f));
        break;
      case MINORING:
        heights = tf.math.minimum(head(tf, y), tail(tf, y));
        break;
      default:
        heights = tf.math.maximum(head(tf, y), tail(tf, y));
    }
    Operand<TFloat32> widths = tf.math.sub(head(tf, x), tail(tf, x));
    return tf.reduceSum(tf.math.mul(widths, heights), tf.constant(0));
  }

  /**
   * Keras's closed form for the PR curve (Davis and Goadrich 2006): true and predicted positives vary
   * linearly between thresholds, precision does not.
   */
  private Operand<TFloat32> interpolatePrAuc(
      Ops tf, Operand<TFloat32> tp, Operand<TFloat32> fp, Operand<TFloat32> fn) {
    Operand<TFloat32> zero = tf.constant(0f);
    Operand<TFloat32> dtp = tf.math.sub(head(tf, tp), tail(tf, tp));
    Operand<TFloat32> p = tf.math.add(tp, fp);
    Operand<TFloat32> dp = tf.math.sub(head(tf, p), tail(tf, p));
    Operand<TFloat32> slope = tf.math.divNoNan(dtp, tf.math.maximum(dp, zero));
    Operand<TFloat32> intercept = tf.math.sub(tail(tf, tp), tf.math.mul(slope, tail(tf, p)));
    Operand<TBool> bothPositive =
        tf.math.logicalAnd(tf.math.greater(head(tf, p), zero), tf.math.greater(tail(tf, p), zero));
    Operand<TFloat32> ratio =
        tf.select(
            bothPositive,
            tf.math.divNoNan(head(tf, p), tf.math.maximum(tail(tf, p), zero)),
            tf.onesLike(tail(tf, p)));
    Operand<TFloat32> increment =
        tf.math.divNoNan(
            tf.math.mul(slope, tf.math.add(dtp, tf.math.mul(intercept, tf.math.log(ratio)))),
            tf.math.maximum(tf.math.add(tail(tf, tp), tail(tf, fn)), zero));
    return tf.reduceSum(increment, tf.constant(0));
  }

  /** Entries {@code [0, n-1)}. */
  private Operand<TFloat32> head(Ops tf, Operand<TFloat32> v) {
    return tf.slice(v, tf.constant(new int[] {0}), tf.constant(new int[] {numThresholds - 1}));
  }

  /** Entries {@code [1, n)}. */
  private Operand<TFloat32> tail(Ops tf, Operand<TFloat32> v) {
    return tf.slice(v, tf.constant(new int[] {1}), tf.constant(new int[] {numThresholds - 1}));
  }

  @Override
  public String toString() {
    return "<AUC name=" + name() + " num_thresholds=" + numThresholds + " curve="
        + curve.name() + " summation_method=" + summationMethod.name().toLowerCase(Locale.ROOT)
        + ">";
  }
}
