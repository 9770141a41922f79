package dev.keraslite.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.EagerScope;
import dev.keraslite.GradientTape;
import dev.keraslite.Variable;
import dev.keraslite.callbacks.History;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.layers.Concatenate;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.KerasTensor;
import dev.keraslite.losses.Loss;
import dev.keraslite.losses.MeanSquaredError;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.models.Input;
import dev.keraslite.models.Model;
import dev.keraslite.optimizers.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.LongNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A functional model with two inputs and two outputs (a regression head under MSE, a 3-class head
 * under sparse cross-entropy) in {@code fit}/{@code evaluate}/{@code predict}: the first step's
 * total and per-output losses and the SGD update are checked against the same quantities computed
 * independently, the losses written out with TensorFlow ops under an eager {@link GradientTape}
 * over the same model.
 */
class MultiOutputFitTest {
  private static final int N = 6;
  private static final float LR = 0.1f;
  private static final float REG_WEIGHT = 0.5f;
  private static final float CLS_WEIGHT = 2f;

  private static Model model(Ops tf) {
    KerasTensor a = Input.of(3);
    KerasTensor b = Input.of(2);
    KerasTensor ha = new Dense(4).kernelInitializer(Initializers.glorotUniform(1)).apply(a);
    KerasTensor hb = new Dense(4).kernelInitializer(Initializers.glorotUniform(2)).apply(b);
    KerasTensor h = new Concatenate().apply(ha, hb);
    KerasTensor reg =
        new Dense(1).name("reg").kernelInitializer(Initializers.glorotUniform(3)).apply(h);
    KerasTensor cls =
        new Dense(3).name("cls").kernelInitializer(Initializers.glorotUniform(4)).apply(h);
    Model model = Model.of(List.of(a, b), List.of(reg, cls));
    model.build(tf);
    return model;
  }

  private static FloatNdArray xa() {
    float[][] v = new float[N][3];
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < 3; j++) {
        v[i][j] = (float) Math.sin(1.1 * i + 0.7 * j);
      }
    }
    return StdArrays.ndCopyOf(v);
  }

  private static FloatNdArray xb() {
    float[][] v = new float[N][2];
    for (int i = 0; i < N; i++) {
      v[i][0] = (float) Math.cos(0.9 * i);
      v[i][1] = i * 0.25f - 0.5f;
    }
    return StdArrays.ndCopyOf(v);
  }

  private static FloatNdArray yReg() {
    float[][] v = new float[N][1];
    for (int i = 0; i < N; i++) {
      v[i][0] = 0.3f * i - 0.4f;
    }
    return StdArrays.ndCopyOf(v);
  }

  private static int[] labels() {
    return new int[] {0, 2, 1, 1, 0, 2};
  }

  /** The class labels as int64, as a Keras user's NumPy labels often are. */
  private static LongNdArray yCls() {
    LongNdArray y = NdArrays.ofLongs(Shape.of(N));
    int[] l = labels();
    for (int i = 0; i < N; i++) {
      y.setLong(l[i], i);
    }
    return y;
  }

  private static float[] host(Operand<?> value) {
    @SuppressWarnings("unchecked")
    TFloat32 t = ((Operand<TFloat32>) value).asTensor();
    float[] out = new float[Math.toIntExact(t.shape().size())];
    t.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  private static float[] host(Variable v) {
    FloatNdArray a = (FloatNdArray) v.numpy();
    float[] out = new float[Math.toIntExact(a.size())];
    a.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  /** The oracle: {total, mse, sce} at the current weights, and the SGD step's new weights. */
  private record Expected(double total, double mse, double sce, List<float[]> weights) {}

  private static Expected oracle(Ops tf, Model model) {
    List<Variable> vars = model.trainableVariables();
    try (EagerScope scope = EagerScope.open(tf);
        GradientTape tape = new GradientTape(tf)) {
      List<Operand<TFloat32>> out =
          model.applyOutputs(tf, List.of(tf.constant(xa()), tf.constant(xb())), true);
      // MSE: the mean over samples of the squared error (one value per sample here).
      Operand<TFloat32> diff = tf.math.sub(out.get(0), tf.constant(yReg()));
      Operand<TFloat32> mse = tf.math.mean(tf.math.mul(diff, diff), tf.constant(new int[] {0, 1}));
      // Sparse cross-entropy from logits: minus the mean log-softmax of each sample's class.
      Operand<TInt32> labels = tf.constant(labels());
      Operand<TFloat32> logProbs = tf.nn.logSoftmax(out.get(1));
      Operand<TFloat32> picked =
          tf.reduceSum(
              tf.math.mul(logProbs, tf.oneHot(labels, tf.constant(3), tf.constant(1f), tf.constant(0f))),
              tf.constant(1));
      Operand<TFloat32> sce = tf.math.neg(tf.math.mean(picked, tf.constant(0)));
      Operand<TFloat32> total =
          tf.math.add(
              tf.math.mul(tf.constant(REG_WEIGHT), mse), tf.math.mul(tf.constant(CLS_WEIGHT), sce));
      List<Operand<?>> grads = tape.gradient(total, vars);
      List<float[]> after = new ArrayList<>();
      for (int v = 0; v < vars.size(); v++) {
        float[] w = host(vars.get(v));
        float[] g = host(grads.get(v));
        for (int i = 0; i < w.length; i++) {
          w[i] -= LR * g[i];
        }
        after.add(w);
      }
      return new Expected(host(total)[0], host(mse)[0], host(sce)[0], after);
    }
  }

  private static FitOptions oneStep() {
    return FitOptions.epochs(1).batchSize(N).shuffle(false).verbose(0);
  }

  private static void assertMatches(Expected expected, Model model, History h) {
    Map<String, List<Double>> logs = h.history();
    assertEquals(expected.total(), logs.get("loss").get(0), 1e-5, "loss: 0.5 mse + 2 sce");
    assertEquals(expected.mse(), logs.get("reg_loss").get(0), 1e-5, "reg_loss (unweighted)");
    assertEquals(expected.sce(), logs.get("cls_loss").get(0), 1e-5, "cls_loss (unweighted)");
    List<Variable> vars = model.trainableVariables();
    for (int v = 0; v < vars.size(); v++) {
      float[] actual = host(vars.get(v));
      for (int i = 0; i < actual.length; i++) {
        assertEquals(expected.weights().get(v)[i], actual[i], 1e-5, vars.get(v).name() + "[" + i + "]");
      }
    }
  }

  @ParameterizedTest(name = "eagerly={0}")
  @ValueSource(booleans = {false, true})
  void listsOfArraysTrainOnTheWeightedSumOfTheOutputsLosses(boolean eagerly) {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Model model = model(tf);
      List<Loss> losses = List.of(new MeanSquaredError(), new SparseCategoricalCrossentropy(true));
      model.compile(tf, new SGD(LR), losses, List.of(REG_WEIGHT, CLS_WEIGHT), "accuracy");
      model.setRunEagerly(eagerly);
      Expected expected = oracle(tf, model);
      History h = model.fit(List.of(xa(), xb()), List.of(yReg(), yCls()), oneStep());
      assertMatches(expected, model, h);
      assertEquals(
          List.of("loss", "reg_loss", "cls_loss", "reg_accuracy", "cls_accuracy"),
          new ArrayList<>(h.history().keySet()),
          "Keras's log names for two outputs");
    }
  }

  @Test
  void mapsByNameTrainAsListsAndEvaluateAndPredictAgreeWithTheModel() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Model model = model(tf);
      String inA = model.inputs().get(0).node().layer().name();
      String inB = model.inputs().get(1).node().layer().name();
      model.compile(
          tf,
          new SGD(LR),
          Map.of("cls", new SparseCategoricalCrossentropy(true), "reg", new MeanSquaredError()),
          Map.of("reg", REG_WEIGHT, "cls", CLS_WEIGHT),
          Map.of("reg", List.of("mae"), "cls", "accuracy"));
      Expected expected = oracle(tf, model);
      Map<String, NdArray<?>> xs = Map.of(inB, xb(), inA, xa());
      Map<String, NdArray<?>> ys = Map.of("cls", yCls(), "reg", yReg());
      History h = model.fit(xs, ys, oneStep());
      assertMatches(expected, model, h);

      // evaluate: the losses at the trained weights, which the oracle now computes from scratch.
      Expected now = oracle(tf, model);
      Map<String, Double> eval = model.evaluate(xs, ys);
      assertEquals(now.total(), eval.get("loss"), 1e-5);
      assertEquals(now.mse(), eval.get("reg_loss"), 1e-5);
      assertEquals(now.sce(), eval.get("cls_loss"), 1e-5);
      assertEquals(List.of("loss", "reg_loss", "cls_loss", "reg_mae", "cls_accuracy"), new ArrayList<>(eval.keySet()));
      // reg_mae against the predictions below: the mean absolute error of the regression head.
      double mae = 0;
      float[] target = new float[N];
      yReg().copyTo(DataBuffers.of(target, false, false));

      Map<String, FloatNdArray> predicted = model.predict(Map.of(inA, xa(), inB, xb()), 4);
      try (EagerScope scope = EagerScope.open(tf)) {
        List<Operand<TFloat32>> direct =
            model.applyOutputs(tf, List.of(tf.constant(xa()), tf.constant(xb())), false);
        assertEquals(Shape.of(N, 1), predicted.get("reg").shape());
        assertEquals(Shape.of(N, 3), predicted.get("cls").shape());
        float[] reg = host(direct.get(0));
        float[] cls = host(direct.get(1));
        float[] pReg = new float[N];
        float[] pCls = new float[N * 3];
        predicted.get("reg").copyTo(DataBuffers.of(pReg, false, false));
        predicted.get("cls").copyTo(DataBuffers.of(pCls, false, false));
        for (int i = 0; i < reg.length; i++) {
          assertEquals(reg[i], pReg[i], 1e-6);
          mae += Math.abs(reg[i] - target[i]) / N;
        }
        assertEquals(mae, eval.get("reg_mae"), 1e-5);
        for (int i = 0; i < cls.length; i++) {
          assertEquals(cls[i], pCls[i], 1e-6);
        }
      }
    }
  }

  private static FloatNdArray rows(FloatNdArray a, int from, int to) {
    return a.slice(org.tensorflow.ndarray.index.Indices.range(from, to));
  }

  private static List<float[]> trained(float lr, List<NdArray<?>> xs, List<NdArray<?>> ys, FitOptions options) {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Model model = model(tf);
      model.compile(
          tf, new SGD(lr), List.of(new MeanSquaredError(), new SparseCategoricalCrossentropy(true)),
          List.of(REG_WEIGHT, CLS_WEIGHT));
      model.fit(xs, ys, options);
      List<float[]> out = new ArrayList<>();
      for (Variable v : model.trainableVariables()) {
        out.add(host(v));
      }
      return out;
    }
  }

  @Test
  void sampleWeightsWeighEveryOutputsLoss() {
    // Weights 1,1,1,1,0,0 over a batch of 6: the gradient is that of the first 4 samples' mean loss
    // times 4/6, so one SGD step equals a step on those 4 samples with the learning rate times 4/6.
    LongNdArray labels = yCls();
    LongNdArray firstLabels = NdArrays.ofLongs(Shape.of(4));
    for (int i = 0; i < 4; i++) {
      firstLabels.setLong(labels.getLong(i), i);
    }
    List<float[]> weighted =
        trained(LR, List.of(xa(), xb()), List.of(yReg(), labels),
            oneStep().sampleWeight(NdArrays.vectorOf(1f, 1f, 1f, 1f, 0f, 0f)));
    List<float[]> subset =
        trained(LR * 4 / 6f, List.of(rows(xa(), 0, 4), rows(xb(), 0, 4)), List.of(rows(yReg(), 0, 4), firstLabels),
            FitOptions.epochs(1).batchSize(4).shuffle(false).verbose(0));
    for (int v = 0; v < weighted.size(); v++) {
      for (int i = 0; i < weighted.get(v).length; i++) {
        assertEquals(subset.get(v)[i], weighted.get(v)[i], 1e-6, "variable " + v + "[" + i + "]");
      }
    }
  }

  @Test
  void validationSplitEvaluatesTheHeldOutSamplesOfEveryInputAndOutput() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Model model = model(tf);
      model.compile(
          tf, new SGD(LR), List.of(new MeanSquaredError(), new SparseCategoricalCrossentropy(true)),
          List.of(REG_WEIGHT, CLS_WEIGHT));
      History h =
          model.fit(List.of(xa(), xb()), List.of(yReg(), yCls()),
              FitOptions.epochs(2).batchSize(2).shuffle(true).seed(3).verbose(0).validationSplit(1 / 3.0));
      LongNdArray heldOut = NdArrays.ofLongs(Shape.of(2));
      heldOut.setLong(yCls().getLong(4), 0);
      heldOut.setLong(yCls().getLong(5), 1);
      Map<String, Double> eval =
          model.evaluate(List.of(rows(xa(), 4, 6), rows(xb(), 4, 6)), List.of(rows(yReg(), 4, 6), heldOut));
      for (String key : List.of("loss", "reg_loss", "cls_loss")) {
        assertEquals(eval.get(key), h.history().get("val_" + key).get(1), 1e-5, "val_" + key);
      }
    }
  }

  @Test
  void mismatchedArgumentsAreRefusedWithTheModelsNames() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Model model = model(tf);
      IllegalArgumentException oneLoss =
          assertThrows(
              IllegalArgumentException.class,
              () -> model.compile(tf, new SGD(LR), List.of(new MeanSquaredError()), null));
      assertTrue(oneLoss.getMessage().contains("2 outputs [reg, cls] but 1 losses"), oneLoss.getMessage());
      model.compile(tf, new SGD(LR), List.of(new MeanSquaredError(), new SparseCategoricalCrossentropy(true)), null);
      IllegalArgumentException wrongKeys =
          assertThrows(
              IllegalArgumentException.class,
              () -> model.fit(Map.of("a", xa()), Map.of("reg", yReg(), "cls", yCls()), oneStep()));
      assertTrue(wrongKeys.getMessage().contains("keyed by the model's names"), wrongKeys.getMessage());
      IllegalArgumentException rows =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  model.fit(
                      List.of(xa(), xb()),
                      List.of(yReg(), NdArrays.ofLongs(Shape.of(N - 1))),
                      oneStep()));
      assertTrue(rows.getMessage().contains("holds 5 samples"), rows.getMessage());
      IllegalArgumentException shape =
          assertThrows(
              IllegalArgumentException.class,
              () -> model.fit(List.of(xb(), xa()), List.of(yReg(), yCls()), oneStep()));
      assertTrue(shape.getMessage().contains("expects samples of shape [3]"), shape.getMessage());
    }
  }
}
