package dev.keraslite.saving;

import dev.keraslite.models.Model;
import dev.keraslite.losses.Loss;
import dev.keraslite.losses.Losses;
import dev.keraslite.optimizers.Optimizer;
import dev.keraslite.optimizers.Optimizers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.op.Ops;

/**
 * Compiles a loaded model as the file says it was compiled: Keras 2's {@code training_config}
 * ({@code optimizer_config}, {@code loss}, {@code metrics}) or Keras 3's {@code compile_config}
 * ({@code optimizer}, {@code loss}, {@code metrics}). The optimizer's class and learning rate are
 * restored (its slots are not: training resumes with fresh moments); a loss or metric keras-lite
 * lacks leaves the model uncompiled, as Keras does when it cannot compile a loaded model, and the
 * reason is returned.
 */
final class TrainingConfig {
  private TrainingConfig() {}

  /**
   * Compiles {@code model} from the config; returns null on success, or why it was left
   * uncompiled.
   */
  static String compile(Model model, Ops tf, Map<String, Object> config) {
    try {
      Object optimizerConfig = config.containsKey("optimizer_config") ? config.get("optimizer_config") : config.get("optimizer");
      Optimizer optimizer = optimizer(optimizerConfig);
      Loss loss = loss(config.get("loss"));
      List<Object> metrics = new ArrayList<>();
      Object m = config.get("metrics");
      if (m instanceof List) {
        for (Object o : (List<?>) m) {
          metrics.add(metricName(o));
        }
      } else if (m != null) {
        return "metrics " + m + " are not a list";
      }
      model.compile(tf, optimizer, loss, metrics.toArray());
      return null;
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      return e.getMessage();
    }
  }

  private static Optimizer optimizer(Object config) {
    if (config instanceof String) {
      return Optimizers.get((String) config);
    }
    Map<String, Object> map = ModelConfig.map(config, "optimizer config");
    Optimizer optimizer = Optimizers.get(ModelConfig.string(map.get("class_name"), "optimizer class_name"));
    Object inner = map.get("config");
    if (inner instanceof Map) {
      Object lr = ((Map<?, ?>) inner).get("learning_rate");
      if (lr == null) {
        lr = ((Map<?, ?>) inner).get("lr"); // Keras 2.0-2.2
      }
      if (lr instanceof Number) {
        optimizer.setLearningRate(((Number) lr).floatValue());
      } else if (lr != null) {
        throw new IllegalArgumentException("learning rate schedule " + lr + " is not restored");
      }
    }
    return optimizer;
  }

  private static Loss loss(Object config) {
    if (config instanceof String) {
      return Losses.get((String) config);
    }
    if (config instanceof Map) {
      Object cls = ((Map<?, ?>) config).get("class_name");
      return Losses.get(String.valueOf(cls));
    }
    throw new IllegalArgumentException("loss " + config + " (several losses) is not restored");
  }

  private static Object metricName(Object o) {
    if (o instanceof String) {
      return o;
    }
    if (o instanceof Map) {
      Object inner = ((Map<?, ?>) o).get("config");
      if (inner instanceof Map && ((Map<?, ?>) inner).get("name") instanceof String) {
        return ((Map<?, ?>) inner).get("name");
      }
      return String.valueOf(((Map<?, ?>) o).get("class_name"));
    }
    if (o instanceof List && ((List<?>) o).size() == 1) {
      return metricName(((List<?>) o).get(0)); // Keras 2's per-output nesting, one output
    }
    throw new IllegalArgumentException("metric " + o + " is not restored");
  }
}
