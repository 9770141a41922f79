package dev.keraslite.distribute;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * A small graph of collective ops run on host tensors: the path of eager code (custom training
 * loops, the broadcast of initial weights, the aggregation of logs). Built once per kind and list
 * of shapes, in the same order on every worker, and reused for every call.
 */
final class HostCollective implements AutoCloseable {
  private final Graph graph;
  private final Session session;
  private final List<Placeholder<TFloat32>> inputs = new ArrayList<>();
  private final Placeholder<TFloat32> weight;
  private final List<Operand<TFloat32>> outputs;

  /** Weighted means (see {@link CollectiveMean#mean}) of tensors of {@code shapes}. */
  static HostCollective mean(MultiWorkerStrategy strategy, List<Shape> shapes) {
    return new HostCollective(strategy, shapes, true);
  }

  /** Sums of tensors of {@code shapes} over workers. */
  static HostCollective sum(MultiWorkerStrategy strategy, List<Shape> shapes) {
    return new HostCollective(strategy, shapes, false);
  }

  private HostCollective(MultiWorkerStrategy strategy, List<Shape> shapes, boolean mean) {
    graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      for (Shape s : shapes) {
        inputs.add(tf.placeholder(TFloat32.class, Placeholder.shape(s)));
      }
      if (mean) {
        weight = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
        outputs = CollectiveMean.mean(strategy, tf, inputs, weight);
      } else {
        weight = null;
        List<Operand<TFloat32>> sums = new ArrayList<>();
        for (Placeholder<TFloat32> in : inputs) {
          sums.add(CollectiveMean.sum(strategy, tf, in));
        }
        outputs = sums;
      }
      session = strategy.newSession(graph);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /** Runs the collectives on {@code values} (and this worker's {@code w} for means). */
  Result run(List<TFloat32> values, float w) {
    Session.Runner runner = session.runner();
    for (int i = 0; i < values.size(); i++) {
      runner.feed(inputs.get(i), values.get(i));
    }
    TFloat32 wt = weight == null ? null : TFloat32.scalarOf(w);
    try {
      if (wt != null) {
        runner.feed(weight, wt);
      }
      outputs.forEach(runner::fetch);
      return runner.run();
    } finally {
      if (wt != null) {
        wt.close();
      }
    }
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
