package dev.keraslite.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.EagerFunction;
import dev.keraslite.layers.Masking;
import dev.keraslite.metrics.SparseCategoricalAccuracy;
import org.tensorflow.types.TBool;
import dev.keraslite.EagerScope;
import dev.keraslite.GradientTape;
import dev.keraslite.KerasLite;
import dev.keraslite.Recording;
import dev.keraslite.Variable;
import dev.keraslite.activations.Activation;
import dev.keraslite.activations.Activations;
import dev.keraslite.callbacks.EarlyStopping;
import dev.keraslite.callbacks.History;
import dev.keraslite.constraints.MaxNorm;
import dev.keraslite.data.Batch;
import dev.keraslite.data.Dataset;
import dev.keraslite.layers.BatchNormalization;
import dev.keraslite.layers.Bidirectional;
import dev.keraslite.layers.Concatenate;
import dev.keraslite.layers.Conv2D;
import dev.keraslite.layers.Conv2DTranspose;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Dropout;
import dev.keraslite.layers.Embedding;
import dev.keraslite.layers.Flatten;
import dev.keraslite.layers.GRU;
import dev.keraslite.layers.KerasTensor;
import dev.keraslite.layers.LSTM;
import dev.keraslite.layers.Layer;
import dev.keraslite.layers.LayerNormalization;
import dev.keraslite.layers.MaxPooling2D;
import dev.keraslite.layers.MultiHeadAttention;
import dev.keraslite.layers.TimeDistributed;
import dev.keraslite.losses.MeanSquaredError;
import dev.keraslite.mixedprecision.DTypePolicy;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.models.Input;
import dev.keraslite.models.Model;
import dev.keraslite.models.Sequential;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.optimizers.ExponentialDecay;
import dev.keraslite.optimizers.LossScaleOptimizer;
import dev.keraslite.optimizers.RMSprop;
import dev.keraslite.optimizers.SGD;
import dev.keraslite.regularizers.L2;
import dev.keraslite.training.FitOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;

/**
 * "A tf.keras program ports line by line", held as pairs: each line {@code // keras: ...} is a
 * tf.keras line (from the tutorial chapter and the Keras guides "The Sequential model", "The
 * Functional API", "Training & evaluation with the built-in methods" and "Writing a training loop
 * from scratch"), and the Java statement on the next line is its keras-lite port, compiled and run
 * here and followed by a check of its value. README's porting table is these pairs, in this order
 * ({@link #readmeTableIsThePairs}).
 */
class PortingTest {
  private static final Path SOURCE =
      Path.of("src/test/java/dev/keraslite/samples/PortingTest.java").toAbsolutePath();
  private static final Path README = Path.of("..", "README.md").toAbsolutePath().normalize();
  private static final Pattern KERAS = Pattern.compile("^\\s*// keras: (.+)$");
  private static final String BEGIN = "<!-- porting-table:begin (generated from PortingTest) -->";
  private static final String END = "<!-- porting-table:end -->";

  @TempDir Path dir;

  private static Operand<TFloat32> ones(Ops tf, long... shape) {
    return tf.ones(tf.constant(shape), TFloat32.class);
  }

  private static float[] floats(NdArray<?> array) {
    FloatNdArray values = (FloatNdArray) array;
    float[] out = new float[(int) values.size()];
    int[] i = {0};
    values.scalars().forEach(s -> out[i[0]++] = s.getFloat());
    return out;
  }

  private static float[] floats(Operand<TFloat32> value) {
    return floats(value.asTensor());
  }

  private static long[] shapeOf(Operand<?> value) {
    return Recording.shape(value).asArray();
  }

  /** {@code n} rows of 4 features whose class is which of the first two features is larger. */
  private static FloatNdArray features(int n) {
    Random random = new Random(7);
    FloatNdArray x = NdArrays.ofFloats(Shape.of(n, 4));
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 4; j++) {
        x.setFloat((float) random.nextGaussian(), i, j);
      }
    }
    return x;
  }

  private static IntNdArray labels(FloatNdArray x) {
    int n = (int) x.shape().get(0);
    IntNdArray y = NdArrays.ofInts(Shape.of(n));
    for (int i = 0; i < n; i++) {
      y.setInt(x.getFloat(i, 0) > x.getFloat(i, 1) ? 1 : 0, i);
    }
    return y;
  }

  @Test
  void theSequentialModel() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      // keras: model = keras.Sequential([layers.Dense(2, activation="relu"), layers.Dense(3, activation="relu"), layers.Dense(4)])
      Sequential model = new Sequential(new Dense(2).activation(Activations.relu()), new Dense(3).activation(Activations.relu()), new Dense(4));
      // keras: y = model(tf.ones((3, 3)))
      Operand<TFloat32> y = model.apply(tf, tf.ones(tf.constant(new long[] {3, 3}), TFloat32.class));
      assertArrayEquals(new long[] {3, 4}, shapeOf(y));
      // keras: len(model.weights)
      int weights = model.variables().size();
      assertEquals(6, weights);
      // keras: model.layers
      List<Layer> layers = model.layers();
      assertEquals(3, layers.size());
      // keras: model.add(layers.Dense(5))
      model.add(new Dense(5));
      assertArrayEquals(new long[] {3, 5}, shapeOf(model.apply(tf, ones(tf, 3, 3))));
      // keras: model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(2, activation="relu")])
      Sequential withInput = new Sequential(Input.of(4), new Dense(2).activation(Activations.relu()));
      withInput.build(tf);
      // keras: model.summary()
      String summary = withInput.summary();
      assertTrue(summary.contains("Total params: 10"), summary);
      // keras: model.layers[0].kernel.shape
      Shape kernel = withInput.layers().get(0).variables().get(0).shape();
      assertEquals(Shape.of(4, 2), kernel);
    }
  }

  @Test
  void theFunctionalApi() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      // keras: inputs = keras.Input(shape=(784,))
      KerasTensor inputs = Input.of(784);
      assertArrayEquals(new long[] {-1, 784}, inputs.shape().asArray());
      // keras: x = layers.Dense(64, activation="relu")(inputs)
      KerasTensor x = new Dense(64).activation(Activations.relu()).apply(inputs);
      // keras: outputs = layers.Dense(10)(x)
      KerasTensor outputs = new Dense(10).apply(x);
      // keras: model = keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")
      Model model = Model.of(inputs, outputs).name("mnist_model");
      assertEquals("mnist_model", model.name());
      model.build(tf);
      assertEquals(784 * 64 + 64 + 64 * 10 + 10, model.variables().stream().mapToLong(v -> v.shape().size()).sum());
      // keras: x = layers.concatenate([title_features, body_features])
      KerasTensor merged = new Concatenate().apply(Input.of(3), Input.of(5));
      assertArrayEquals(new long[] {-1, 8}, merged.shape().asArray());
    }
  }

  @Test
  void trainingAndEvaluationWithTheBuiltInMethods() {
    FloatNdArray xTrain = features(256);
    IntNdArray yTrain = labels(xTrain);
    FloatNdArray xTest = features(64);
    IntNdArray yTest = labels(xTest);
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      KerasLite.setRandomSeed(0);
      Sequential model = new Sequential(Input.of(4), new Dense(16).activation(Activations.relu()), new Dense(2));
      // keras: model.compile(optimizer=keras.optimizers.RMSprop(), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
      model.compile(tf, new RMSprop(), new SparseCategoricalCrossentropy(true), "accuracy");
      // keras: history = model.fit(x_train, y_train, batch_size=64, epochs=20, validation_split=0.2, verbose=0)
      History history = model.fit(xTrain, yTrain, FitOptions.epochs(20).batchSize(64).validationSplit(0.2).verbose(0));
      // keras: history.history["loss"]
      List<Double> losses = history.history().get("loss");
      assertEquals(20, losses.size());
      assertTrue(losses.get(19) < losses.get(0), losses.toString());
      assertEquals(20, history.history().get("val_accuracy").size());
      // keras: results = model.evaluate(x_test, y_test, batch_size=128)
      Map<String, Double> results = model.evaluate(xTest, yTest, 128);
      assertTrue(results.get("accuracy") > 0.8, results.toString());
      // keras: callbacks = [keras.callbacks.EarlyStopping(monitor="val_loss", patience=2)]
      EarlyStopping stop = new EarlyStopping().monitor("val_loss").patience(2);
      // keras: model.fit(x_train, y_train, epochs=100, validation_split=0.2, callbacks=callbacks, verbose=0)
      History stopped = model.fit(xTrain, yTrain, FitOptions.epochs(100).validationSplit(0.2).callbacks(stop).verbose(0));
      assertTrue(stopped.epochs().size() < 100, "stopped after " + stopped.epochs().size() + " epochs");
      // keras: model.fit(x_train, y_train, class_weight={0: 1.0, 1: 0.5}, epochs=1, verbose=0)
      History weighted = model.fit(xTrain, yTrain, FitOptions.epochs(1).classWeight(Map.of(0, 1f, 1, 0.5f)).verbose(0));
      assertEquals(1, weighted.history().get("loss").size());
      // keras: lr_schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=100000, decay_rate=0.96, staircase=True)
      ExponentialDecay schedule = new ExponentialDecay(0.1f, 100_000, 0.96f, true);
      assertEquals(0.1 * 0.96, Recording.readScalar(schedule.call(tf, tf.constant(150_000L))), 1e-7);
      // keras: train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(buffer_size=1024).batch(64)
      Dataset trainDataset = Dataset.of(xTrain, yTrain).shuffle(1024).batch(64);
      assertEquals(4, trainDataset.cardinality());
      // keras: model.fit(train_dataset, epochs=3, verbose=0)
      History fromDataset = model.fit(trainDataset, FitOptions.epochs(3).verbose(0));
      assertEquals(3, fromDataset.history().get("loss").size());
      // keras: model.compile(optimizer="adam", loss="mse", run_eagerly=True)
      model.setRunEagerly(true);
      assertTrue(model.evaluate(xTest, yTest).get("accuracy") > 0.8);
    }
  }

  @Test
  void writingATrainingLoopFromScratch() {
    FloatNdArray xTrain = features(128);
    IntNdArray yTrain = labels(xTrain);
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      KerasLite.setRandomSeed(1);
      Sequential model = new Sequential(Input.of(4), new Dense(16).activation(Activations.relu()), new Dense(2));
      // keras: optimizer = keras.optimizers.SGD(learning_rate=1e-1)
      SGD optimizer = new SGD(1e-1f);
      // keras: loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
      SparseCategoricalCrossentropy lossFn = new SparseCategoricalCrossentropy(true);
      // keras: train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(32)
      Dataset trainDataset = Dataset.of(xTrain, yTrain).batch(32);
      List<Double> epochLosses = new ArrayList<>();
      for (int epoch = 0; epoch < 15; epoch++) {
        double sum = 0;
        // keras: for step, (x_batch_train, y_batch_train) in enumerate(train_dataset):
        for (Batch batch : trainDataset) {
          // One step's eager values live until this scope closes (Python frees them by reference counting).
          try (batch; EagerScope stepScope = eager.scope()) {
            Operand<TFloat32> xBatch = tf.constantOf((TFloat32) batch.x());
            Operand<TInt32> yBatch = tf.constantOf((TInt32) batch.y());
            Operand<TFloat32> lossValue;
            List<Operand<?>> grads;
            // keras: with tf.GradientTape() as tape:
            try (GradientTape tape = new GradientTape(tf)) {
              // keras: logits = model(x_batch_train, training=True)
              Operand<TFloat32> logits = model.apply(tf, xBatch, true);
              // keras: loss_value = loss_fn(y_batch_train, logits)
              lossValue = lossFn.apply(tf, yBatch, logits);
              // keras: grads = tape.gradient(loss_value, model.trainable_weights)
              grads = tape.gradient(lossValue, model.trainableVariables());
            }
            // keras: optimizer.apply_gradients(zip(grads, model.trainable_weights))
            optimizer.applyGradients(grads, model.trainableVariables());
            // keras: float(loss_value)
            double value = Recording.readScalar(lossValue);
            sum += value;
          }
        }
        epochLosses.add(sum / 4);
      }
      double first = epochLosses.get(0);
      double last = epochLosses.get(epochLosses.size() - 1);
      assertTrue(last < 0.6 * first, "loss " + first + " -> " + last);
    }
  }

  @Test
  void theTutorialsCoreLines() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      // keras: x = tf.Variable(3.0)
      Variable x = new Variable(tf, "x", tf.constant(3f), true);
      // keras: x.assign_add(1.0)
      x.assignAdd(tf, tf.constant(1f));
      assertEquals(4.0, Recording.readScalar(x.value(tf)), 0);
      try (GradientTape tape = new GradientTape(tf)) {
        Operand<TFloat32> c = tf.constant(2f);
        // keras: tape.watch(c)
        tape.watch(c);
        Operand<TFloat32> y = tf.math.mul(tf.math.square(c), x.value(tf));
        // keras: dy_dc = tape.gradient(y, c)
        Operand<TFloat32> dyDc = tape.gradient(y, c);
        assertEquals(16.0, Recording.readScalar(dyDc), 1e-6);
      }
      // keras: keras.utils.set_random_seed(0)
      KerasLite.setRandomSeed(0);
      Dense first = new Dense(3);
      first.apply(tf, ones(tf, 1, 2));
      KerasLite.setRandomSeed(0);
      Dense second = new Dense(3);
      second.apply(tf, ones(tf, 1, 2));
      assertArrayEquals(floats(first.getWeights().get(0)), floats(second.getWeights().get(0)));
    }
  }

  @Test
  void everydayLayers() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      // keras: layers.Conv2D(32, 3, activation="relu")
      Conv2D conv = new Conv2D(32, 3).activation(Activations.relu());
      assertArrayEquals(new long[] {2, 26, 26, 32}, shapeOf(conv.apply(tf, ones(tf, 2, 28, 28, 1))));
      // keras: layers.MaxPooling2D(2)
      MaxPooling2D pool = new MaxPooling2D(2);
      assertArrayEquals(new long[] {2, 13, 13, 32}, shapeOf(pool.apply(tf, ones(tf, 2, 26, 26, 32))));
      // keras: layers.Flatten()
      Flatten flatten = new Flatten();
      assertArrayEquals(new long[] {2, 12}, shapeOf(flatten.apply(tf, ones(tf, 2, 3, 4))));
      // keras: layers.Dropout(0.5)
      Dropout dropout = new Dropout(0.5);
      assertArrayEquals(floats(ones(tf, 4, 4)), floats(dropout.apply(tf, ones(tf, 4, 4), false)), "inference keeps all");
      // keras: layers.BatchNormalization()
      BatchNormalization norm = new BatchNormalization();
      assertArrayEquals(new float[] {0, 0}, floats(norm.apply(tf, ones(tf, 1, 2), true)), 1e-3f);
      // keras: layers.Embedding(input_dim=1000, output_dim=64)
      Embedding embedding = new Embedding(1000, 64);
      assertArrayEquals(new long[] {2, 5, 64}, shapeOf(embedding.apply(tf, tf.zeros(tf.constant(new long[] {2, 5}), TFloat32.class))));
      // keras: layers.LSTM(128)
      LSTM lstm = new LSTM(128);
      assertArrayEquals(new long[] {2, 128}, shapeOf(lstm.apply(tf, ones(tf, 2, 5, 3))));
      // keras: layers.GRU(64, return_sequences=True)
      GRU gru = new GRU(64).returnSequences(true);
      assertArrayEquals(new long[] {2, 5, 64}, shapeOf(gru.apply(tf, ones(tf, 2, 5, 3))));
      // keras: layers.Bidirectional(layers.LSTM(8))
      Bidirectional bidirectional = new Bidirectional(new LSTM(8));
      assertArrayEquals(new long[] {2, 16}, shapeOf(bidirectional.apply(tf, ones(tf, 2, 5, 3))));
      // keras: layers.TimeDistributed(layers.Dense(3))
      TimeDistributed timeDistributed = new TimeDistributed(new Dense(3));
      assertArrayEquals(new long[] {2, 5, 3}, shapeOf(timeDistributed.apply(tf, ones(tf, 2, 5, 4))));
      // keras: layers.LayerNormalization()
      LayerNormalization layerNorm = new LayerNormalization();
      assertArrayEquals(new float[] {-1, 1}, floats(layerNorm.apply(tf, tf.constant(new float[][] {{1, 3}}))), 1e-2f);
      // keras: layers.MultiHeadAttention(num_heads=2, key_dim=4)(query, value)
      Operand<TFloat32> attended = new MultiHeadAttention(2, 4).apply(tf, ones(tf, 2, 5, 8), ones(tf, 2, 7, 8));
      assertArrayEquals(new long[] {2, 5, 8}, shapeOf(attended));
      // keras: layers.Conv2DTranspose(8, 3, strides=2, padding="same")
      Conv2DTranspose transpose = new Conv2DTranspose(8, 3).strides(2).padding("same");
      assertArrayEquals(new long[] {2, 14, 14, 8}, shapeOf(transpose.apply(tf, ones(tf, 2, 7, 7, 4))));
      // keras: layers.Dense(4, kernel_regularizer=regularizers.L2(0.01))
      Dense regularized = new Dense(4).kernelRegularizer(new L2(0.01));
      regularized.apply(tf, ones(tf, 1, 3));
      float[] kernel = floats(regularized.getWeights().get(0));
      double l2 = 0;
      for (float k : kernel) {
        l2 += 0.01 * k * k;
      }
      // keras: model.losses
      List<Operand<TFloat32>> penalties = regularized.losses();
      assertEquals(l2, Recording.readScalar(penalties.get(0)), 1e-6);
      // keras: layers.Dense(4, kernel_constraint=constraints.MaxNorm(2.0))
      Dense constrained = new Dense(4).kernelConstraint(new MaxNorm(2.0));
      assertNotNull(constrained);
    }
  }

  @Test
  void savingAndWeights() throws IOException {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential model = new Sequential(Input.of(3), new Dense(2).activation(Activations.tanh()));
      model.build(tf);
      Operand<TFloat32> x = tf.constant(new float[][] {{1, 2, 3}});
      float[] before = floats(model.apply(tf, x));
      Path file = dir.resolve("m.keras");
      // keras: model.save("m.keras")
      model.save(file);
      // keras: restored = keras.models.load_model("m.keras")
      Model restored = Model.load(tf, file);
      assertArrayEquals(before, floats(restored.apply(tf, x)), 1e-6f);
      // keras: weights = model.get_weights()
      List<NdArray<?>> weights = model.getWeights();
      assertEquals(2, weights.size());
      Sequential twin = new Sequential(Input.of(3), new Dense(2).activation(Activations.tanh()));
      twin.build(tf);
      // keras: twin.set_weights(weights)
      twin.setWeights(weights);
      assertArrayEquals(before, floats(twin.apply(tf, x)), 0f);
      // keras: model.save_weights("m.weights.h5")
      model.saveWeights(dir.resolve("m.weights.h5"));
      Sequential third = new Sequential(Input.of(3), new Dense(2).activation(Activations.tanh()));
      third.build(tf);
      // keras: third.load_weights("m.weights.h5")
      third.loadWeights(dir.resolve("m.weights.h5"));
      assertArrayEquals(before, floats(third.apply(tf, x)), 0f);
    }
  }

  @Test
  void optimizersAndData() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      // keras: optimizer = keras.optimizers.Adam(learning_rate=1e-3, amsgrad=True, clipnorm=1.0)
      Adam adam = new Adam(1e-3f).amsgrad(true).clipnorm(1f);
      assertEquals(1f, adam.clipnorm(), 0f);
      Variable w = new Variable(tf, "w", tf.constant(new float[] {1, 1}), true);
      // keras: optimizer.apply_gradients([(tf.constant([30.0, 40.0]), w)])
      adam.applyGradients(List.of(tf.constant(new float[] {30, 40})), List.of(w));
      // Clipped to norm 1, Adam's first step moves every weight by the learning rate.
      assertArrayEquals(new float[] {1 - 1e-3f, 1 - 1e-3f}, floats(w.value(tf)), 1e-6f);
      FloatNdArray x = features(10);
      // keras: ds = tf.data.Dataset.from_tensor_slices((x, y)).map(fn, num_parallel_calls=tf.data.AUTOTUNE).batch(4).prefetch(tf.data.AUTOTUNE)
      Dataset ds = Dataset.of(x, labels(x)).map(e -> e, Dataset.AUTOTUNE).batch(4).prefetch(Dataset.AUTOTUNE);
      assertEquals(3, ds.cardinality());
      // keras: loss = keras.losses.MeanSquaredError()(y_true, y_pred)
      Operand<TFloat32> mse = new MeanSquaredError().apply(tf, tf.constant(new float[][] {{0, 1}}), tf.constant(new float[][] {{1, 3}}));
      assertEquals(2.5, Recording.readScalar(mse), 1e-6);
    }
  }

  @Test
  void thisRoundsPortingItems() {
    FloatNdArray xTrain = features(128);
    IntNdArray yTrain = labels(xTrain);
    FloatNdArray xTest = features(32);
    IntNdArray yTest = labels(xTest);
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      KerasLite.setRandomSeed(2);
      // keras: layers.Dense(64, activation="relu", kernel_initializer="he_normal")
      Dense byName = new Dense(64).activation("relu").kernelInitializer("he_normal");
      float[] relu = floats(byName.apply(tf, tf.constant(new float[][] {{1, -2, 3}})));
      assertEquals(64, relu.length);
      for (float v : relu) {
        assertTrue(v >= 0, "relu output " + v);
      }
      // keras: keras.activations.get("relux")
      IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Activations.get("relux"));
      assertTrue(unknown.getMessage().contains("Unknown activation 'relux'; valid: "), unknown.getMessage());
      Sequential model = new Sequential(Input.of(4), new Dense(16).activation("relu"), new Dense(2));
      // keras: model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
      model.compile(tf, "adam", "sparse_categorical_crossentropy", "accuracy");
      FloatNdArray weights = NdArrays.ofFloats(Shape.of(128));
      for (int i = 0; i < 128; i++) {
        weights.setFloat(i % 2 == 0 ? 1f : 0.5f, i);
      }
      // keras: history = model.fit(x_train, y_train, sample_weight=weights, validation_data=(x_test, y_test), epochs=2, verbose=0)
      History history = model.fit(xTrain, yTrain, FitOptions.epochs(2).sampleWeight(weights).validationData(xTest, yTest).verbose(0));
      assertEquals(2, history.history().get("val_loss").size());
      // keras: predictions = model.predict(x_test)
      FloatNdArray predictions = model.predict(xTest);
      assertArrayEquals(new long[] {32, 2}, predictions.shape().asArray());
      // keras: accuracy = keras.metrics.SparseCategoricalAccuracy()
      SparseCategoricalAccuracy accuracy = new SparseCategoricalAccuracy();
      // keras: accuracy.update_state([1, 0], [[0.1, 0.9], [0.2, 0.8]])
      accuracy.updateState(tf, tf.constant(new int[] {1, 0}), tf.constant(new float[][] {{0.1f, 0.9f}, {0.2f, 0.8f}}));
      // keras: float(accuracy.result())
      double result = Recording.readScalar(accuracy.result(tf));
      assertEquals(0.5, result, 1e-7);
      // keras: accuracy.reset_state()
      accuracy.resetState();
      assertEquals(0.0, Recording.readScalar(accuracy.result(tf)), 0);
      // keras: square = tf.function(lambda a: a * a)
      EagerFunction<Operand<TFloat32>> square = eager.function((Ops g, Operand<TFloat32> a) -> g.math.mul(a, a));
      // keras: nine = square(tf.constant(3.0))
      Operand<TFloat32> nine = square.call(tf.constant(3f));
      assertEquals(9.0, Recording.readScalar(nine), 0);
      assertEquals(1, square.tracingCount());
      // keras: embedded = layers.Embedding(1000, 8, mask_zero=True)(tf.constant([[3, 5, 0, 0]]))
      Operand<TFloat32> embedded = new Embedding(1000, 8).maskZero(true).apply(tf, tf.constant(new float[][] {{3, 5, 0, 0}}));
      // keras: embedded._keras_mask
      Operand<TBool> mask = Layer.kerasMask(embedded);
      boolean[] kept = new boolean[4];
      int[] at = {0};
      mask.asTensor().scalars().forEach(s -> kept[at[0]++] = s.getBoolean());
      assertArrayEquals(new boolean[] {true, true, false, false}, kept);
      // keras: layers.Masking(mask_value=0.0)
      Masking masking = new Masking(0.0);
      assertEquals(0.0, masking.maskValue(), 0);
      // keras: layers.LSTM(8, dropout=0.2, recurrent_dropout=0.2)
      LSTM dropped = new LSTM(8).dropout(0.2).recurrentDropout(0.2);
      assertArrayEquals(new long[] {2, 8}, shapeOf(dropped.apply(tf, ones(tf, 2, 5, 3), true)));
    }
    // keras: with tf.device("/GPU:0"):
    try (Eager placed = Eager.builder().device("/GPU:0").softPlacement(true).create()) {
      Operand<TFloat32> onDevice = placed.tf().math.add(placed.tf().constant(1f), placed.tf().constant(2f));
      assertEquals(3.0, Recording.readScalar(onDevice), 0);
      assertTrue(Recording.device(onDevice).endsWith("CPU:0"), "no GPU here, soft placement: " + Recording.device(onDevice));
    }
  }

  @Test
  void precisionAndExecutionItems() {
    FloatNdArray xTrain = features(96);
    IntNdArray yTrain = labels(xTrain);
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      KerasLite.setRandomSeed(3);
      try {
        // keras: keras.config.set_floatx("float64")
        DTypePolicy.setGlobalPolicy("float64");
        // keras: y64 = layers.Dense(4)(tf.constant([[1.0, 2.0]]))
        Operand<TFloat32> y64 = new Dense(4).apply(tf, tf.constant(new float[][] {{1, 2}}));
        assertEquals(TFloat64.class, (Class<?>) y64.type(), "a float64 layer computes in float64");
      } finally {
        DTypePolicy.setGlobalPolicy("float32");
      }
      // keras: keras.activations.serialize(keras.activations.relu)
      String relu = Activations.serialize(Activations.relu());
      assertEquals("relu", relu);
      // keras: keras.activations.deserialize("tanh")
      Activation tanh = Activations.deserialize("tanh");
      assertEquals(String.valueOf(Activations.tanh()), String.valueOf(tanh));
      Sequential grouped = new Sequential(Input.of(4), new Dense(8).activation("relu"), new Dense(2));
      grouped.compile(tf, "sgd", "sparse_categorical_crossentropy");
      // keras: model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", steps_per_execution=8)
      grouped.setStepsPerExecution(8);
      History history = grouped.fit(xTrain, yTrain, FitOptions.epochs(2).batchSize(8).verbose(0));
      assertEquals(2, history.history().get("loss").size());
      assertEquals(8, grouped.stepsPerExecution());
      Sequential scaledModel = new Sequential(Input.of(4), new Dense(8).activation("relu"), new Dense(2));
      // keras: optimizer = keras.mixed_precision.LossScaleOptimizer(keras.optimizers.SGD(0.1))
      LossScaleOptimizer scaled = new LossScaleOptimizer(new SGD(0.1f));
      scaledModel.compile(tf, scaled, new SparseCategoricalCrossentropy(true));
      scaledModel.fit(xTrain, yTrain, FitOptions.epochs(1).batchSize(16).verbose(0));
      // keras: float(optimizer.dynamic_scale)
      float scale = scaled.scale();
      assertEquals(32768f, scale, 0, "six finite steps keep Keras's initial scale");
      assertEquals(6, Recording.readScalar(scaled.iterations().value(tf)), 0);
    }
  }

  /** A tf.keras line and its keras-lite port, as written in this file. */
  record Pair(String keras, String java) {}

  static List<Pair> pairs() throws IOException {
    List<String> lines = Files.readAllLines(SOURCE, StandardCharsets.UTF_8);
    List<Pair> pairs = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = KERAS.matcher(lines.get(i));
      if (m.matches()) {
        assertTrue(i + 1 < lines.size(), "a keras line ends the file");
        String java = lines.get(i + 1).trim();
        assertTrue(java.endsWith(";") || java.endsWith("{"),
            "PortingTest line " + (i + 2) + ": the port of a keras line is one Java statement on the next line: " + java);
        pairs.add(new Pair(m.group(1).trim(), java));
      }
    }
    return pairs;
  }

  static String table(List<Pair> pairs) {
    StringBuilder out = new StringBuilder("| tf.keras (Python) | keras-lite (Java) |\n|---|---|\n");
    for (Pair p : pairs) {
      out.append("| `").append(p.keras().replace("|", "\\|")).append("` | `")
          .append(p.java().replace("|", "\\|")).append("` |\n");
    }
    return out.toString();
  }

  @Test
  void atLeastSixtyPairsEachOnce() throws IOException {
    List<Pair> pairs = pairs();
    assertTrue(pairs.size() >= 60, "PortingTest holds " + pairs.size() + " pairs; the promise needs at least 60");
    assertEquals(pairs.size(), pairs.stream().map(Pair::keras).distinct().count(), "a keras line appears twice");
  }

  @Test
  void readmeTableIsThePairs() throws IOException {
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    int begin = readme.indexOf(BEGIN);
    int end = readme.indexOf(END);
    String expected = table(pairs());
    assertTrue(begin >= 0 && end > begin,
        "README needs the porting table between " + BEGIN + " and " + END + ":\n" + expected);
    assertEquals(expected, readme.substring(begin + BEGIN.length() + 1, end),
        "README's porting table differs from PortingTest's pairs; the table they give is:\n" + expected);
  }
}
