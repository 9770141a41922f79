/**
 * Keras layers: the {@link dev.keraslite.layers.Layer} base and every layer keras-lite has, named
 * and configured as in Keras 3.
 *
 * <ul>
 *   <li><b>Core</b>: {@link dev.keraslite.layers.Dense}, {@link dev.keraslite.layers.Activation},
 *       {@link dev.keraslite.layers.Dropout}, {@link dev.keraslite.layers.Softmax}, {@link
 *       dev.keraslite.layers.Embedding}, {@link dev.keraslite.layers.Masking}, {@link
 *       dev.keraslite.layers.InputLayer}.
 *   <li><b>Shapes</b>: {@link dev.keraslite.layers.Flatten}, {@link dev.keraslite.layers.Reshape}.
 *   <li><b>Convolution and pooling</b>: {@link dev.keraslite.layers.Conv2D}, {@link
 *       dev.keraslite.layers.MaxPooling2D} (alias {@link dev.keraslite.layers.MaxPool2D}), {@link
 *       dev.keraslite.layers.AveragePooling2D}, {@link dev.keraslite.layers.GlobalAveragePooling2D},
 *       {@link dev.keraslite.layers.GlobalMaxPooling2D}, {@link dev.keraslite.layers.Conv2DTranspose}.
 *   <li><b>Normalization</b>: {@link dev.keraslite.layers.BatchNormalization}, {@link
 *       dev.keraslite.layers.LayerNormalization}.
 *   <li><b>Recurrent</b>: {@link dev.keraslite.layers.LSTM}, {@link dev.keraslite.layers.GRU}, the
 *       cells {@link dev.keraslite.layers.LSTMCell} and {@link dev.keraslite.layers.GRUCell}, and
 *       {@link dev.keraslite.layers.RNN} to run a cell over a sequence (masks honoured, {@code
 *       dropout} and {@code recurrentDropout} as Keras's DropoutRNNCell).
 *   <li><b>Wrappers</b>: {@link dev.keraslite.layers.TimeDistributed} (a layer on every time step)
 *       and {@link dev.keraslite.layers.Bidirectional} (a recurrent layer run both ways).
 *   <li><b>Merging</b>: {@link dev.keraslite.layers.Concatenate}, {@link dev.keraslite.layers.Add}
 *       (both {@link dev.keraslite.layers.Merge}s).
 *   <li><b>Functional API</b>: the symbolic tensors {@link dev.keraslite.layers.KerasTensor} and their
 *       {@link dev.keraslite.layers.Node}s.
 * </ul>
 *
 * <p>Sequence layers: {@link dev.keraslite.layers.Conv1D}, {@link dev.keraslite.layers.SimpleRNN}
 * (with {@link dev.keraslite.layers.SimpleRNNCell}), {@link dev.keraslite.layers.MaxPooling1D},
 * {@link dev.keraslite.layers.AveragePooling1D}, {@link dev.keraslite.layers.GlobalAveragePooling1D},
 * {@link dev.keraslite.layers.GlobalMaxPooling1D}, {@link dev.keraslite.layers.ZeroPadding1D}; activation
 * layers {@link dev.keraslite.layers.LeakyReLU}, {@link dev.keraslite.layers.ELU}, {@link
 * dev.keraslite.layers.ThresholdedReLU}. Each writes its Keras config with {@code getConfig()} and
 * is rebuilt by its static {@code fromConfig(Map)}; {@link dev.keraslite.layers.LayerConfig} reads
 * and writes the config values they share (integer tuples, activation names, initializers).
 *
 * <h2>Writing a layer</h2>
 *
 * Follow Keras's split: the constructor holds configuration, {@code build} creates weights once the
 * input shape is known, {@code call} holds only the math. (A compiled copy of this example, with the
 * harness run on it, is {@code LayerLifecycleTest.Scale} in the tests.)
 *
 * <pre>{@code
 * public class Scale extends Layer {
 *   private final Initializer init;
 *   private Variable gamma;
 *
 *   public Scale(Initializer init) {                  // configuration only: no Ops here
 *     this.init = init;
 *     setInputSpec(InputSpec.minRank(2));             // checked on every apply, before any op
 *   }
 *
 *   @Override
 *   public Scale name(String name) {                  // so that options chain
 *     super.name(name);
 *     return this;
 *   }
 *
 *   @Override
 *   protected void build(Shape inputShape) {          // once, on the first apply (or build(tf, shape))
 *     long dim = inputShape.get(inputShape.numDimensions() - 1);
 *     gamma = addWeight("gamma", Shape.of(dim), init); // named <enclosing layers>/scale/gamma:0
 *     setInputSpec(InputSpec.minRank(2).withAxis(-1, dim));
 *   }
 *
 *   @Override
 *   protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x) {
 *     return tf.math.mul(x, gamma.value(tf));          // TensorFlow ops on the tf given, nothing else
 *   }
 *
 *   @Override
 *   public Shape computeOutputShape(Shape inputShape) { // for the functional API and summary()
 *     return inputShape;
 *   }
 * }
 * }</pre>
 *
 * <ul>
 *   <li><b>Options</b> are fluent setters that begin with {@link
 *       dev.keraslite.layers.Layer#checkNotBuilt checkNotBuilt("option")}, use Keras 3's argument
 *       names in camel case and its defaults (documented once, as named constants where they are
 *       numbers). Override {@code name(String)} with the layer's own return type.
 *   <li><b>Weights</b>: {@code addWeight(name, shape, initializer[, trainable])} in {@code build};
 *       non-trainable weights (moving statistics) pass {@code trainable=false}. Read them in {@code
 *       call} with {@code variable.value(tf)}; update state with {@code variable.assign(tf, ...)}.
 *       A weight with a penalty or a constraint passes them: {@code addWeight(name, shape,
 *       initializer, kernelRegularizer, kernelConstraint)}; the penalty is then part of {@link
 *       dev.keraslite.layers.Layer#losses(org.tensorflow.op.Ops) losses(tf)}, which training adds to
 *       the loss, and training projects the weight with the constraint after each update. {@code
 *       addLoss} adds any other loss of the forward pass.
 *   <li><b>Training mode</b>: override {@code call(tf, x, training)} when the layer behaves
 *       differently in training (dropout, batch normalization). The flag given to the outermost
 *       {@code apply} reaches every nested layer applied without one.
 *   <li><b>Several inputs</b>: extend {@link dev.keraslite.layers.Merge}, or override {@code
 *       call(tf, List, training)} and {@code computeOutputShape(List)}. <b>Several outputs</b>:
 *       override {@code callOutputs} and {@code computeOutputShapes}.
 *   <li><b>Input checks</b>: an {@link dev.keraslite.layers.InputSpec} for ranks and sizes; {@code
 *       checkInputShapes} for anything else, throwing {@code inputError(problem, shape)} so the
 *       message reads {@code Dense 'dense_1': expected input with last dimension 784, received shape
 *       [50, 28, 28]. Add a Flatten layer before it.} ({@code inputHint} adds the advice). These run
 *       before any op or variable is touched, so refused input changes nothing.
 *   <li><b>Sublayers</b> held in fields (or lists, maps, arrays of layers) are tracked automatically.
 *   <li><b>Tests</b>: run the shared {@code LayerTestHarness} (test scope, this package) on the layer:
 *       output shape, weight names and shapes, parameter count, symbolic shape inference, one
 *       training step, and a value check against an independent computation.
 * </ul>
 */
package dev.keraslite.layers;
