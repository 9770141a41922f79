package dev.keraslite.training;

import dev.keraslite.callbacks.Callback;
import dev.keraslite.data.Dataset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

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

  /** Data to evaluate at the end of each epoch (batched with this batch size if not batched). */
  public FitOptions validationData(Dataset data) {
    this.validationData = data;
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
