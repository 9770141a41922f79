package dev.keraslite.callbacks;

import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A callback made of lambdas, as Keras's {@code LambdaCallback}: hooks not given do nothing.
 *
 * <pre>{@code
 * Callback printer =
 *     LambdaCallback.builder()
 *         .onEpochEnd((epoch, logs) -> System.out.println(epoch + ": " + logs.get("loss")))
 *         .onTrainEnd(logs -> System.out.println("done"))
 *         .build();
 * }</pre>
 *
 * Epoch and batch hooks take the zero-based index and the logs; the others take the logs.
 */
public final class LambdaCallback extends Callback {
  private final Builder b;

  private LambdaCallback(Builder b) {
    this.b = b.copy();
  }

  /** A builder whose hooks all start as no-ops. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void onTrainBegin(Map<String, Double> logs) {
    b.onTrainBegin.accept(logs);
  }

  @Override
  public void onTrainEnd(Map<String, Double> logs) {
    b.onTrainEnd.accept(logs);
  }

  @Override
  public void onEpochBegin(int epoch, Map<String, Double> logs) {
    b.onEpochBegin.accept(epoch, logs);
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    b.onEpochEnd.accept(epoch, logs);
  }

  @Override
  public void onTrainBatchBegin(int batch, Map<String, Double> logs) {
    b.onTrainBatchBegin.accept(batch, logs);
  }

  @Override
  public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
    b.onTrainBatchEnd.accept(batch, logs);
  }

  @Override
  public void onTestBegin(Map<String, Double> logs) {
    b.onTestBegin.accept(logs);
  }

  @Override
  public void onTestEnd(Map<String, Double> logs) {
    b.onTestEnd.accept(logs);
  }

  @Override
  public void onTestBatchBegin(int batch, Map<String, Double> logs) {
    b.onTestBatchBegin.accept(batch, logs);
  }

  @Override
  public void onTestBatchEnd(int batch, Map<String, Double> logs) {
    b.onTestBatchEnd.accept(batch, logs);
  }

  @Override
  public void onPredictBegin(Map<String, Double> logs) {
    b.onPredictBegin.accept(logs);
  }

  @Override
  public void onPredictEnd(Map<String, Double> logs) {
    b.onPredictEnd.accept(logs);
  }

  @Override
  public void onPredictBatchBegin(int batch, Map<String, Double> logs) {
    b.onPredictBatchBegin.accept(batch, logs);
  }

  @Override
  public void onPredictBatchEnd(int batch, Map<String, Double> logs) {
    b.onPredictBatchEnd.accept(batch, logs);
  }

  /** Collects the hooks of a {@link LambdaCallback}; each setter replaces that hook. */
  public static final class Builder {
    private Consumer<Map<String, Double>> onTrainBegin = logs -> {};
    private Consumer<Map<String, Double>> onTrainEnd = logs -> {};
    private BiConsumer<Integer, Map<String, Double>> onEpochBegin = (i, logs) -> {};
    private BiConsumer<Integer, Map<String, Double>> onEpochEnd = (i, logs) -> {};
    private BiConsumer<Integer, Map<String, Double>> onTrainBatchBegin = (i, logs) -> {};
    private BiConsumer<Integer, Map<String, Double>> onTrainBatchEnd = (i, logs) -> {};
    private Consumer<Map<String, Double>> onTestBegin = logs -> {};
    private Consumer<Map<String, Double>> onTestEnd = logs -> {};
    private BiConsumer<Integer, Map<String, Double>> onTestBatchBegin = (i, logs) -> {};
    private BiConsumer<Integer, Map<String, Double>> onTestBatchEnd = (i, logs) -> {};
    private Consumer<Map<String, Double>> onPredictBegin = logs -> {};
    private Consumer<Map<String, Double>> onPredictEnd = logs -> {};
    private BiConsumer<Integer, Map<String, Double>> onPredictBatchBegin = (i, logs) -> {};
    private BiConsumer<Integer, Map<String, Double>> onPredictBatchEnd = (i, logs) -> {};

    private Builder() {}

    public Builder onTrainBegin(Consumer<Map<String, Double>> hook) {
      onTrainBegin = check(hook, "onTrainBegin");
      return this;
    }

    public Builder onTrainEnd(Consumer<Map<String, Double>> hook) {
      onTrainEnd = check(hook, "onTrainEnd");
      return this;
    }

    public Builder onEpochBegin(BiConsumer<Integer, Map<String, Double>> hook) {
      onEpochBegin = check(hook, "onEpochBegin");
      return this;
    }

    public Builder onEpochEnd(BiConsumer<Integer, Map<String, Double>> hook) {
      onEpochEnd = check(hook, "onEpochEnd");
      return this;
    }

    /** Keras's {@code on_train_batch_begin} (also {@code on_batch_begin}). */
    public Builder onTrainBatchBegin(BiConsumer<Integer, Map<String, Double>> hook) {
      onTrainBatchBegin = check(hook, "onTrainBatchBegin");
      return this;
    }

    /** Keras's {@code on_train_batch_end} (also {@code on_batch_end}). */
    public Builder onTrainBatchEnd(BiConsumer<Integer, Map<String, Double>> hook) {
      onTrainBatchEnd = check(hook, "onTrainBatchEnd");
      return this;
    }

    public Builder onTestBegin(Consumer<Map<String, Double>> hook) {
      onTestBegin = check(hook, "onTestBegin");
      return this;
    }

    public Builder onTestEnd(Consumer<Map<String, Double>> hook) {
      onTestEnd = check(hook, "onTestEnd");
      return this;
    }

    public Builder onTestBatchBegin(BiConsumer<Integer, Map<String, Double>> hook) {
      onTestBatchBegin = check(hook, "onTestBatchBegin");
      return this;
    }

    public Builder onTestBatchEnd(BiConsumer<Integer, Map<String, Double>> hook) {
      onTestBatchEnd = check(hook, "onTestBatchEnd");
      return this;
    }

    public Builder onPredictBegin(Consumer<Map<String, Double>> hook) {
      onPredictBegin = check(hook, "onPredictBegin");
      return this;
    }

    public Builder onPredictEnd(Consumer<Map<String, Double>> hook) {
      onPredictEnd = check(hook, "onPredictEnd");
      return this;
    }

    public Builder onPredictBatchBegin(BiConsumer<Integer, Map<String, Double>> hook) {
      onPredictBatchBegin = check(hook, "onPredictBatchBegin");
      return this;
    }

    public Builder onPredictBatchEnd(BiConsumer<Integer, Map<String, Double>> hook) {
      onPredictBatchEnd = check(hook, "onPredictBatchEnd");
      return this;
    }

    /** The callback; later changes to this builder do not affect it. */
    public LambdaCallback build() {
      return new LambdaCallback(this);
    }

    private Builder copy() {
      Builder c = new Builder();
      c.onTrainBegin = onTrainBegin;
      c.onTrainEnd = onTrainEnd;
      c.onEpochBegin = onEpochBegin;
      c.onEpochEnd = onEpochEnd;
      c.onTrainBatchBegin = onTrainBatchBegin;
      c.onTrainBatchEnd = onTrainBatchEnd;
      c.onTestBegin = onTestBegin;
      c.onTestEnd = onTestEnd;
      c.onTestBatchBegin = onTestBatchBegin;
      c.onTestBatchEnd = onTestBatchEnd;
      c.onPredictBegin = onPredictBegin;
      c.onPredictEnd = onPredictEnd;
      c.onPredictBatchBegin = onPredictBatchBegin;
      c.onPredictBatchEnd = onPredictBatchEnd;
      return c;
    }

    private static <T> T check(T hook, String name) {
      if (hook == null) {
        throw new IllegalArgumentException("LambdaCallback: the " + name + " hook is null");
      }
      return hook;
    }
  }
}
