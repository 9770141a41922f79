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

  /** Called once at the start of {@code fit}, after {@link #setContext}. */
  public void onTrainBegin(Map<String, Double> logs) {}

  /** Called once at the end of {@code fit}, also when a callback asked it to stop. */
  public void onTrainEnd(Map<String, Double> logs) {}

  /** @param epoch zero-based, as in Keras */
  public void onEpochBegin(int epoch, Map<String, Double> logs) {}

  /** @param epoch zero-based; {@code logs} hold the epoch's metrics and the validation ones */
  public void onEpochEnd(int epoch, Map<String, Double> logs) {}

  /** @param batch zero-based index within the epoch (Keras's {@code on_train_batch_begin}) */
  public void onTrainBatchBegin(int batch, Map<String, Double> logs) {}

  /**
   * @param batch zero-based index within the epoch
   * @param logs the epoch-to-date averages: {@code loss}, then the compiled metrics
   */
  public void onTrainBatchEnd(int batch, Map<String, Double> logs) {}

  /** Called when {@code evaluate}, or the validation at the end of a {@code fit} epoch, starts. */
  public void onTestBegin(Map<String, Double> logs) {}

  /** @param logs the evaluation's metrics (without a {@code val_} prefix) */
  public void onTestEnd(Map<String, Double> logs) {}

  /** @param batch zero-based index within the evaluation */
  public void onTestBatchBegin(int batch, Map<String, Double> logs) {}

  /** @param logs the evaluation-to-date averages */
  public void onTestBatchEnd(int batch, Map<String, Double> logs) {}

  /** Called when {@code predict} starts. */
  public void onPredictBegin(Map<String, Double> logs) {}

  /** Called when {@code predict} ends. */
  public void onPredictEnd(Map<String, Double> logs) {}

  /** @param batch zero-based index within the prediction */
  public void onPredictBatchBegin(int batch, Map<String, Double> logs) {}

  /** @param batch zero-based index within the prediction */
  public void onPredictBatchEnd(int batch, Map<String, Double> logs) {}
}
