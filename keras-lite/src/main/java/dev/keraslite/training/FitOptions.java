package dev.keraslite.training;

import dev.keraslite.callbacks.Callback;
import dev.keraslite.data.Dataset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;

/**
 * The arguments of {@code fit}, with Keras's names and defaults: {@code
 * FitOptions.epochs(5).batchSize(50).validationSplit(0.1)}.
 */
public final class FitOptions {
  /** Keras's default batch size. */
  public static final int DEFAULT_BATCH_SIZE = 32;

  private int epochs = 1;
  private int batchSize = DEFAULT_BATCH_SIZE;
  private boolean shuffle = true;
  private Long seed;
  private double validationSplit;
  private Dataset validationData;
  private NdArray<?> validationX;
  private NdArray<?> validationY;
  private FloatNdArray sampleWeight;
  private long stepsPerEpoch = -1;
  private final List<Callback> callbacks = new ArrayList<>();
  private int initialEpoch;
  private Map<Integer, Float> classWeight;
  private int verbose = 1;
  private boolean validateInputs = true;
  private Boolean nonFiniteGuard;
  private boolean rollbackOnError = true;

  /** Defaults: 1 epoch, batch 32, shuffled, verbose 1. */
  public FitOptions() {}

  /** Options with {@code epochs} epochs. */
  public static FitOptions epochs(int epochs) {
    return new FitOptions().setEpochs(epochs);
  }

  /** Sets the number of epochs (the last epoch index, counting from {@link #initialEpoch}). */
  public FitOptions setEpochs(int epochs) {
    if (epochs < 0) {
      throw new IllegalArgumentException("fit: epochs must be >= 0, got " + epochs);
    }
    this.epochs = epochs;
    return this;
  }

  /** Samples per gradient step (ignored for an already batched {@link Dataset}). */
  public FitOptions batchSize(int batchSize) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("fit: batchSize must be > 0, got " + batchSize);
    }
    this.batchSize = batchSize;
    return this;
  }

  /** Whether to reshuffle the training samples before each epoch (default true). */
  public FitOptions shuffle(boolean shuffle) {
    this.shuffle = shuffle;
    return this;
  }

  /**
   * Seed for shuffling, for reproducible runs; without one the seed comes from {@link
   * dev.keraslite.KerasLite#drawSeed()} (reproducible after {@code KerasLite.setRandomSeed}).
   */
  public FitOptions seed(long seed) {
    this.seed = seed;
    return this;
  }

  /** Holds out the last {@code fraction} of the samples (before shuffling) for validation. */
  public FitOptions validationSplit(double fraction) {
    if (fraction < 0 || fraction >= 1) {
      throw new IllegalArgumentException("fit: validationSplit must be in [0, 1), got " + fraction);
    }
    this.validationSplit = fraction;
    return this;
  }

  /**
   * Data to evaluate at the end of each epoch. A dataset made without {@link Dataset#batch} is
   * batched with this batch size (Keras would take each of its samples as a batch, and fail on the
   * shapes); a batched one is used as it is. Replaces arrays given to {@link #validationData(NdArray,
   * NdArray)}.
   */
  public FitOptions validationData(Dataset data) {
    this.validationData = data;
    this.validationX = null;
    this.validationY = null;
    return this;
  }

  /**
   * Arrays to evaluate at the end of each epoch (Keras's {@code validation_data=(x_val, y_val)}),
   * in batches of this batch size, converted as {@code fit}'s x and y are. Replaces a dataset given
   * to {@link #validationData(Dataset)}.
   */
  public FitOptions validationData(NdArray<?> x, NdArray<?> y) {
    if (x == null || y == null) {
      throw new IllegalArgumentException("fit: validationData needs both x and y");
    }
    this.validationX = x;
    this.validationY = y;
    this.validationData = null;
    return this;
  }

  /**
   * Per-sample weights, one per sample of x, {@code [N]} (Keras's {@code sample_weight}): each
   * sample's loss is multiplied by its weight before the batch mean (the sum is divided by the
   * batch size, not by the weights' sum), and weighted metrics see them too. With {@link
   * #classWeight} both apply, multiplied. Only for array inputs; a weight stays with its sample
   * through the shuffle and the validation split (the held-out samples' weights are dropped).
   */
  public FitOptions sampleWeight(FloatNdArray sampleWeight) {
    this.sampleWeight = sampleWeight;
    return this;
  }

  /**
   * Batches per epoch (Keras's {@code steps_per_epoch}); needed to train on a {@link
   * Dataset#repeat() repeating} dataset. One pass over the data continues across epochs, as in
   * Keras; if the data ends before {@code steps * epochs} batches, training stops there with a
   * warning ("Your input ran out of data").
   */
  public FitOptions stepsPerEpoch(long steps) {
    if (steps <= 0) {
      throw new IllegalArgumentException("fit: stepsPerEpoch must be > 0, got " + steps);
    }
    this.stepsPerEpoch = steps;
    return this;
  }

  /** Adds callbacks (a progress bar and {@code History} are always present). */
  public FitOptions callbacks(Callback... callbacks) {
    Collections.addAll(this.callbacks, callbacks);
    return this;
  }

  /** The epoch to start from, to resume a previous training. */
  public FitOptions initialEpoch(int initialEpoch) {
    this.initialEpoch = initialEpoch;
    return this;
  }

  /** Weights per class index, applied to the loss (and metrics) of each sample by its label. */
  public FitOptions classWeight(Map<Integer, Float> classWeight) {
    this.classWeight = Map.copyOf(classWeight);
    return this;
  }

  /** 0 silent, 1 progress bar, 2 one line per epoch. */
  public FitOptions verbose(int verbose) {
    this.verbose = verbose;
    return this;
  }

  /**
   * Whether {@code fit} checks in-memory arrays in one pass before the first update (default true):
   * non-finite features, labels outside {@code [0, classes)} for sparse losses, wrong target dtype
   * or rank, empty data; the exception names the first offending sample. Turn off for data too
   * large to read twice (empty data is refused either way).
   */
  public FitOptions validateInputs(boolean validateInputs) {
    this.validateInputs = validateInputs;
    return this;
  }

  /**
   * Whether a training step whose gradients are not all finite applies no update: it is counted
   * ({@code History.skippedSteps()}) and reported by {@code TerminateOnNaN}. Keras has no such guard
   * outside mixed precision's loss scaling. Applies to the default train step and to custom steps
   * that update through {@code Trainer.applyGradients}.
   *
   * <p>Default: on for compiled steps, off for eager ones ({@code setRunEagerly(true)}), by what it
   * costs on the FitBenchmark MLP (benchmarks' ReliabilityBenchmark 15000 7, medians of 7 rounds'
   * on/off ratios, two runs on different days): compiled +2.2% and +8.4% per step (best rounds
   * +1.5% and +6.2%), eager +11.7% and +12.4% (the eager check reads a flag back to the host before
   * the update, a synchronisation per step). A scratch run of FitBenchmark under heavy load saw the
   * compiled guard cost up to 18%: it holds every update until all gradients are reduced.
   */
  public FitOptions nonFiniteGuard(boolean nonFiniteGuard) {
    this.nonFiniteGuard = nonFiniteGuard;
    return this;
  }

  /**
   * Whether a {@code fit} failing mid-epoch (an exception from a batch, a callback or the
   * validation) rolls the model's weights and the optimizer's state back to the start of that epoch
   * (default true); the exception then says so. Costs one copy of the state per epoch.
   */
  public FitOptions rollbackOnError(boolean rollbackOnError) {
    this.rollbackOnError = rollbackOnError;
    return this;
  }

  public boolean validateInputs() {
    return validateInputs;
  }

  /** The guard as set, or null for the default (on for compiled steps, off for eager ones). */
  public Boolean nonFiniteGuard() {
    return nonFiniteGuard;
  }

  public boolean rollbackOnError() {
    return rollbackOnError;
  }

  public int epochs() {
    return epochs;
  }

  public int batchSize() {
    return batchSize;
  }

  public boolean shuffle() {
    return shuffle;
  }

  public Long seed() {
    return seed;
  }

  public double validationSplit() {
    return validationSplit;
  }

  public Dataset validationData() {
    return validationData;
  }

  /** The validation features given as an array, or null. */
  public NdArray<?> validationX() {
    return validationX;
  }

  /** The validation targets given as an array, or null. */
  public NdArray<?> validationY() {
    return validationY;
  }

  /** The per-sample weights, or null. */
  public FloatNdArray sampleWeight() {
    return sampleWeight;
  }

  /** Batches per epoch, or -1 for one pass over the data per epoch. */
  public long stepsPerEpoch() {
    return stepsPerEpoch;
  }

  public List<Callback> callbacks() {
    return Collections.unmodifiableList(callbacks);
  }

  public int initialEpoch() {
    return initialEpoch;
  }

  public Map<Integer, Float> classWeight() {
    return classWeight;
  }

  public int verbose() {
    return verbose;
  }
}
