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
