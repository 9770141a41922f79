package dev.keraslite.distribute;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code TF_CONFIG} environment variable, read as TensorFlow's {@code TFConfigClusterResolver}
 * reads it: {@code {"cluster": {"worker": [...]}, "task": {"type": "worker", "index": i}}}, with an
 * optional {@code "rpc_layer"} (only {@code "grpc"}, TensorFlow's default). An unset or empty
 * variable, or one without a cluster, means a single local worker, as in TensorFlow.
 *
 * @param cluster the cluster, or null for a single local worker
 * @param taskType the task's job ({@code "worker"} or {@code "chief"})
 * @param taskIndex the task's index in its job
 */
record TfConfig(ClusterSpec cluster, String taskType, int taskIndex) {

  /** Parses {@code json} (the value of {@code TF_CONFIG}); null or blank means a single worker. */
  public static TfConfig parse(String json) {
    if (json == null || json.isBlank()) {
      return new TfConfig(null, "worker", 0);
    }
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("TF_CONFIG is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException("TF_CONFIG must be a JSON object, got: " + json);
    }
    JsonNode rpc = root.get("rpc_layer");
    if (rpc != null && !rpc.isNull() && !rpc.asText().equals("grpc")) {
      throw new UnsupportedOperationException(
          "TF_CONFIG: rpc_layer '" + rpc.asText() + "' is not supported (only grpc)");
    }
    JsonNode clusterNode = root.get("cluster");
    JsonNode task = root.get("task");
    String type = text(task, "type", "worker");
    int index = index(task);
    if (clusterNode == null || clusterNode.isNull() || clusterNode.isEmpty()) {
      return new TfConfig(null, type, index);
    }
    if (!clusterNode.isObject()) {
      throw new IllegalArgumentException("TF_CONFIG: 'cluster' must be an object of job lists");
    }
    Map<String, List<String>> jobs = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = clusterNode.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> job = it.next();
      if (!job.getValue().isArray()) {
        // TensorFlow also accepts {index: address} maps for sparse jobs; keras-lite does not.
        throw new IllegalArgumentException(
            "TF_CONFIG: cluster job '" + job.getKey() + "' must be a list of host:port");
      }
      List<String> addresses = new ArrayList<>();
      job.getValue().forEach(a -> addresses.add(a.asText()));
      jobs.put(job.getKey(), addresses);
    }
    ClusterSpec cluster = ClusterSpec.ofJobs(jobs);
    cluster.rankOf(type, index); // the task must be in the cluster
    return new TfConfig(cluster, type, index);
  }

  /** Reads the {@code TF_CONFIG} environment variable. */
  public static TfConfig fromEnvironment() {
    return parse(System.getenv("TF_CONFIG"));
  }

  private static String text(JsonNode task, String key, String absent) {
    JsonNode v = task == null ? null : task.get(key);
    return v == null || v.isNull() ? absent : v.asText();
  }

  /** TensorFlow takes the index as an int; JSON writers sometimes quote it. */
  private static int index(JsonNode task) {
    JsonNode v = task == null ? null : task.get("index");
    if (v == null || v.isNull()) {
      return 0;
    }
    if (v.isIntegralNumber()) {
      return v.asInt();
    }
    try {
      return Integer.parseInt(v.asText().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("TF_CONFIG: task index must be an integer, got " + v);
    }
  }
}
