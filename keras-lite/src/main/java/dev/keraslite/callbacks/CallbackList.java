package dev.keraslite.callbacks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calls each hook on every callback of a list, in order, as Keras's {@code CallbackList}; the
 * training loop drives this one object.
 *
 * <pre>{@code
 * CallbackList callbacks = new CallbackList(userCallbacks, true, verbose != 0);
 * callbacks.setContext(context);
 * callbacks.onTrainBegin(null);
 * ...
 * History history = callbacks.history();
 * }</pre>
 *
 * <p>Each hook hands all callbacks one mutable copy of the logs, so a callback that adds an entry
 * (ReduceLROnPlateau adds {@code learning_rate}, as in Keras) is seen by the callbacks after it,
 * History included, while the caller's map is left untouched. A null {@code logs} becomes an
 * empty map.
 */
public class CallbackList extends Callback {
  private final List<Callback> callbacks;
  private final History history;
  private final ProgbarLogger progbar;

  /** Fans out to {@code callbacks}, adding nothing. */
  public CallbackList(List<? extends Callback> callbacks) {
    this(callbacks, false, false);
  }

  /**
   * Fans out to {@code callbacks}, appending a {@link History} and a {@link ProgbarLogger} when
   * asked for and not already present (Keras's {@code add_history} and {@code add_progbar}).
   *
   * @throws IllegalArgumentException if the list or one of its callbacks is null
   */
  public CallbackList(List<? extends Callback> callbacks, boolean addHistory, boolean addProgbar) {
    if (callbacks == null) {
      throw new IllegalArgumentException("CallbackList: the list of callbacks is null");
    }
    List<Callback> all = new ArrayList<>(callbacks.size() + 2);
    History foundHistory = null;
    ProgbarLogger foundProgbar = null;
    for (int i = 0; i < callbacks.size(); i++) {
      Callback c = callbacks.get(i);
      if (c == null) {
        throw new IllegalArgumentException("CallbackList: callback " + i + " is null");
      }
      if (c instanceof History && foundHistory == null) {
        foundHistory = (History) c;
      } else if (c instanceof ProgbarLogger && foundProgbar == null) {
        foundProgbar = (ProgbarLogger) c;
      }
      all.add(c);
    }
    if (foundHistory == null && addHistory) {
      foundHistory = new History();
      all.add(foundHistory);
    }
    if (foundProgbar == null && addProgbar) {
      foundProgbar = new ProgbarLogger();
      all.add(foundProgbar);
    }
    this.callbacks = Collections.unmodifiableList(all);
    this.history = foundHistory;
    this.progbar = foundProgbar;
  }

  /** The callbacks called, in order (the added defaults last). */
  public List<Callback> callbacks() {
    return callbacks;
  }

  /** The History among the callbacks, or null. */
  public History history() {
    return history;
  }

  /** The ProgbarLogger among the callbacks, or null. */
  public ProgbarLogger progbar() {
    return progbar;
  }

  @Override
  public void setContext(TrainingContext context) {
    super.setContext(context);
    for (Callback c : callbacks) {
      c.setContext(context);
    }
  }

  private static Map<String, Double> copy(Map<String, Double> logs) {
    return logs == null ? new LinkedHashMap<>() : new LinkedHashMap<>(logs);
  }

  @Override
  public void onTrainBegin(Map<String, Double> logs) {
    Map<String, Double> shared = copy(logs);
    for (Callback c : callbacks) {
      c.onTrainBegin(shared);
    }
  }

  @Override
  public void onTrainEnd(Map<String, Double> logs) {
    Map<String, Double> shared = copy(logs);
    for (Callback c : callbacks) {
      c.onTrainEnd(shared);
    }
  }

  @Override
  public void onEpochBegin(int epoch, Map<String, Double> logs) {
    Map<String, Double> shared = copy(logs);
    for (Callback c : callbacks) {
      c.onEpochBegin(epoch, shared);
    }
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    Map<String, Double> shared = copy(logs);
    for (Callback c : callbacks) {
      c.onEpochEnd(epoch, shared);
    }
  }

  @Override
  public void onTrainBatchBegin(int batch, Map<String, Double> logs) {
    Map<String, Double> shared = copy(logs);
    for (Callback c : callbacks) {
      c.onTrainBatchBegin(batch, shared);
    }
  }

  @Override
  public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
    Map<String, Double> shared = copy(logs);
    for (Callback c : callbacks) {
      c.onTrainBatchEnd(batch, shared);
    }
  }

  @Override
  public void onTestBegin(Map<String, Double> logs) {
    Map<String, Double> shared = copy(logs);
    for (Callback c : callbacks) {
      c.onTestBegin(shared);
    }
  }

  @Override
  public void onTestEnd(Map<String, Double> logs) {
    Map<String, Double> shared = copy(logs);
    for (Callback c : callbacks) {
      c.onTestEnd(shared);
    }
  }

  @Override
  public void onTestBatchBegin(int batch, Map<String, Double> logs) {
    Map<String, Double> shared = copy(logs);
    for (Callback c : callbacks) {
      c.onTestBatchBegin(batch, shared);
    }
  }

  @Override
  public void onTestBatchEnd(int batch, Map<String, Double> logs) {
    Map<String, Double> shared = copy(logs);
    for (Callback c : callbacks) {
      c.onTestBatchEnd(batch, shared);
    }
  }

  @Override
  public void onPredictBegin(Map<String, Double> logs) {
    Map<String, Double> shared = copy(logs);
    for (Callback c : callbacks) {
      c.onPredictBegin(shared);
    }
  }

  @Override
  public void onPredictEnd(Map<String, Double> logs) {
    Map<String, Double> shared = copy(logs);
    for (Callback c : callbacks) {
      c.onPredictEnd(shared);
    }
  }

  @Override
  public void onPredictBatchBegin(int batch, Map<String, Double> logs) {
    Map<String, Double> shared = copy(logs);
    for (Callback c : callbacks) {
      c.onPredictBatchBegin(batch, shared);
    }
  }

  @Override
  public void onPredictBatchEnd(int batch, Map<String, Double> logs) {
    Map<String, Double> shared = copy(logs);
    for (Callback c : callbacks) {
      c.onPredictBatchEnd(batch, shared);
    }
  }
}
