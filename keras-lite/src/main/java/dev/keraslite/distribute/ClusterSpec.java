package dev.keraslite.distribute;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The machines of a training cluster by job, as TensorFlow's {@code tf.train.ClusterSpec}: {@code
 * {"worker": ["host0:port", "host1:port"]}}, optionally with one {@code "chief"} task. The chief
 * (the {@code "chief"} task if there is one, else worker 0) has rank 0; workers follow in order.
 *
 * <p>Only the data-parallel jobs of {@code MultiWorkerMirroredStrategy} are accepted: parameter
 * servers ({@code "ps"}) and evaluators are not supported.
 */
public final class ClusterSpec {
  /** One task of the cluster: its job, its index in the job and its {@code host:port}. */
  public record Task(String type, int index, String address) {
    /** TensorFlow's name of the task, {@code /job:worker/replica:0/task:1}. */
    public String deviceName() {
      return "/job:" + type + "/replica:0/task:" + index;
    }

    @Override
    public String toString() {
      return type + " " + index + " (" + address + ")";
    }
  }

  private final Map<String, List<String>> jobs;
  private final List<Task> ranks;

  private ClusterSpec(Map<String, List<String>> jobs) {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : jobs.entrySet()) {
      String job = e.getKey();
      if (!job.equals("chief") && !job.equals("worker")) {
        throw new UnsupportedOperationException(
            "ClusterSpec: job '" + job + "' is not supported; multi-worker training takes "
                + "'worker' tasks and at most one 'chief' (no parameter servers, no evaluator)");
      }
      List<String> addresses = e.getValue();
      if (addresses == null || addresses.isEmpty()) {
        throw new IllegalArgumentException("ClusterSpec: job '" + job + "' lists no task");
      }
      for (String a : addresses) {
        if (a == null || !a.matches("[^:\\s]+:\\d{1,5}")) {
          throw new IllegalArgumentException(
              "ClusterSpec: job '" + job + "': expected host:port, got '" + a + "'");
        }
      }
      copy.put(job, List.copyOf(addresses));
    }
    if (copy.containsKey("chief") && copy.get("chief").size() != 1) {
      throw new IllegalArgumentException(
          "ClusterSpec: the 'chief' job must have exactly one task, got " + copy.get("chief"));
    }
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("ClusterSpec: no 'worker' or 'chief' task");
    }
    this.jobs = Collections.unmodifiableMap(copy);
    List<Task> order = new ArrayList<>();
    for (String job : List.of("chief", "worker")) {
      List<String> addresses = copy.getOrDefault(job, List.of());
      for (int i = 0; i < addresses.size(); i++) {
        order.add(new Task(job, i, addresses.get(i)));
      }
    }
    this.ranks = List.copyOf(order);
  }

  /** A cluster of workers only; worker 0 is the chief. */
  public static ClusterSpec of(String... workers) {
    return of(List.of(workers));
  }

  /** A cluster of workers only; worker 0 is the chief. */
  public static ClusterSpec of(List<String> workers) {
    return new ClusterSpec(Map.of("worker", workers));
  }

  /** A cluster from its jobs ({@code "worker"}, optionally {@code "chief"}) and their addresses. */
  public static ClusterSpec ofJobs(Map<String, List<String>> jobs) {
    return new ClusterSpec(jobs);
  }

  /** The addresses by job. */
  public Map<String, List<String>> jobs() {
    return jobs;
  }

  /** Every task, chief first (rank 0), then the workers in order. */
  public List<Task> tasks() {
    return ranks;
  }

  /** The number of tasks that train. */
  public int size() {
    return ranks.size();
  }

  /** The rank of a task, or an exception naming the task if the cluster does not hold it. */
  public int rankOf(String type, int index) {
    for (int r = 0; r < ranks.size(); r++) {
      Task t = ranks.get(r);
      if (t.type().equals(type) && t.index() == index) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "ClusterSpec: no task " + type + " " + index + " in " + jobs);
  }

  @Override
  public String toString() {
    return "ClusterSpec" + jobs;
  }
}
