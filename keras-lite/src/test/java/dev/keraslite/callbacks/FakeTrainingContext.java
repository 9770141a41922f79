package dev.keraslite.callbacks;

import dev.keraslite.layers.Layer;
import dev.keraslite.optimizers.Optimizer;

/** A scripted stand-in for the training loop: what a callback sees, set by the test. */
final class FakeTrainingContext implements TrainingContext {
  private final Layer model;
  private final Optimizer optimizer;
  int epochs;
  long steps;
  int verbose;
  int stopRequests;
  /** As a worker of a cluster: how many workers, whether this one is the chief. */
  int workers = 1;
  boolean chief = true;
  /** What the chief broadcasts, or null to return the value given (this worker is the chief). */
  Long chiefValue;
  /** The values this worker passed to broadcastFromChief, in order. */
  final java.util.List<Long> broadcasts = new java.util.ArrayList<>();
  /** The epoch set by setInitialEpoch, or -1. */
  int initialEpoch = -1;

  FakeTrainingContext(Layer model, Optimizer optimizer, int epochs, long steps, int verbose) {
    this.model = model;
    this.optimizer = optimizer;
    this.epochs = epochs;
    this.steps = steps;
    this.verbose = verbose;
  }

  @Override
  public Layer model() {
    return model;
  }

  @Override
  public Optimizer optimizer() {
    return optimizer;
  }

  @Override
  public void stopTraining() {
    stopRequests++;
  }

  @Override
  public boolean stopTrainingRequested() {
    return stopRequests > 0;
  }

  @Override
  public void setInitialEpoch(int epoch) {
    initialEpoch = epoch;
  }

  @Override
  public int numWorkers() {
    return workers;
  }

  @Override
  public boolean isChief() {
    return chief;
  }

  @Override
  public long broadcastFromChief(long value) {
    broadcasts.add(value);
    return chiefValue != null ? chiefValue : value;
  }

  @Override
  public int epochs() {
    return epochs;
  }

  @Override
  public long steps() {
    return steps;
  }

  @Override
  public int verbose() {
    return verbose;
  }
}
