package dev.keraslite.distribute;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;
import org.tensorflow.types.TFloat32;

/**
 * Builds TensorFlow's collective all-reduce ({@code CollectiveReduce}: every worker's value summed
 * over the group) into a graph. Every worker builds the same graphs in the same order, so the
 * instance keys the strategy hands out in order pair the same op across workers.
 */
final class CollectiveMean {
  /** All workers form one collective group. */
  static final long GROUP_KEY = 1;

  private CollectiveMean() {}

  /** The sum of {@code value} over every worker, a collective op of {@code strategy}'s group. */
  static Operand<TFloat32> sum(MultiWorkerStrategy strategy, Ops tf, Operand<TFloat32> value) {
    Scope scope = tf.scope();
    return scope
        .opBuilder("CollectiveReduce", "CollectiveReduce")
        .addInput(value.asOutput())
        .setAttr("group_size", (long) strategy.numWorkers())
        .setAttr("group_key", GROUP_KEY)
        .setAttr("instance_key", strategy.nextInstanceKey())
        .setAttr("merge_op", "Add")
        .setAttr("final_op", "Id")
        .setAttr("subdiv_offsets", new long[] {0})
        .setAttr("timeout_seconds", (float) strategy.timeout().toMillis() / 1000f)
        .build()
        .<TFloat32>output(0);
  }

  /**
   * The mean of {@code values} over workers weighted by each worker's {@code weight} (its number of
   * samples): {@code sum_w(weight_w * v_w) / sum_w(weight_w)}; with equal weights the plain mean.
   * Weighting by samples makes uneven shards (100 samples over 3 workers) give the gradient of the
   * mean loss over the whole global batch, as one worker would compute it.
   */
  static List<Operand<TFloat32>> mean(
      MultiWorkerStrategy strategy, Ops tf, List<? extends Operand<TFloat32>> values,
      Operand<TFloat32> weight) {
    Operand<TFloat32> total = sum(strategy, tf, weight);
    Operand<TFloat32> share = tf.math.div(weight, total);
    List<Operand<TFloat32>> out = new ArrayList<>(values.size());
    for (Operand<TFloat32> v : values) {
      out.add(v == null ? null : sum(strategy, tf, tf.math.mul(v, share)));
    }
    return out;
  }
}
