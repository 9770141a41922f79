package dev.keraslite.callbacks;

import java.util.Map;

/**
 * A hook into {@code fit}, {@code evaluate} and {@code predict}, with Keras's method names. Logs are
 * metric names to values ({@code loss}, {@code accuracy}, {@code val_loss}, ...), in the order the
 * training loop produced them; batch logs hold the running (epoch-to-date) averages.
 *
 * <pre>{@code
 * model.fit(x, y, FitOptions.epochs(10).callbacks(new EarlyStopping().monitor("val_loss").patience(2)));
 * }</pre>
 *
 * <p>The loop calls {@link #setContext} before any hook. Between epochs the model's variables hold
 * their current values, so callbacks may read or change them (and the optimizer's learning rate).
 */
public abstract class Callback {
  private TrainingContext context;

  /** Called by the training loop before any hook. */
  public void setContext(TrainingContext context) {
    this.context = context;
  }

  /** The running loop: the model, the optimizer, {@code stopTraining}, the parameters. */
  protected TrainingContext context() {
    if (context == null) {
      throw new IllegalStateException(
          getClass().getSimpleName() + " is not attached to a training loop yet");
    }
    return context;
  }

  public void onTrainBegin(Map<String, Double> logs) {}

  public void onTrainEnd(Map<String, Double> logs) {}

  /** @param epoch zero-based, as in Keras */
  public void onEpochBegin(int epoch, Map<String, Double> logs) {}

  /** @param epoch zero-based; {@code logs} hold the epoch's metrics and the validation ones */
  public void onEpochEnd(int epoch, Map<String, Double> logs) {}

  public void onTrainBatchBegin(int batch, Map<String, Double> logs) {}

  public void onTrainBatchEnd(int batch, Map<String, Double> logs) {}

  public void onTestBegin(Map<String, Double> logs) {}

  public void onTestEnd(Map<String, Double> logs) {}

  public void onTestBatchBegin(int batch, Map<String, Double> logs) {}

  public void onTestBatchEnd(int batch, Map<String, Double> logs) {}

  public void onPredictBegin(Map<String, Double> logs) {}

  public void onPredictEnd(Map<String, Double> logs) {}

  public void onPredictBatchBegin(int batch, Map<String, Double> logs) {}

  public void onPredictBatchEnd(int batch, Map<String, Double> logs) {}
}
