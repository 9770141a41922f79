package dev.keraslite.benchmarks;

import dev.keraslite.Eager;
import dev.keraslite.EagerScope;
import dev.keraslite.Variable;
import dev.keraslite.callbacks.LambdaCallback;
import dev.keraslite.data.Dataset;
import dev.keraslite.distribute.MultiWorkerStrategy;
import dev.keraslite.layers.Layer;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.models.Model;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.samples.KerasPipeline;
import dev.keraslite.training.FitOptions;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Issue 18's figures for {@link MultiWorkerStrategy}: starts 1, 2 and 3 worker JVMs on 127.0.0.1
 * (free ports, a {@code TF_CONFIG} each, one cluster after the other), each training the tutorial's
 * MLP ({@link KerasPipeline.Kind#MLP_SEQUENTIAL}: Flatten, Dense(100, relu), Dense(10), softmax;
 * Adam 1e-3) with compiled {@code fit} for {@code steps} global batches of synthetic data of
 * Fashion-MNIST's shape ([28, 28, 1] float32 images, labels 0..9; the time of a dense step does not
 * depend on the values). It prints, per number of workers:
 *
 * <ul>
 *   <li>the median time of one training step after {@code warmup} steps (the time between two
 *       consecutive {@code onTrainBatchEnd}, on the chief): the forward and backward pass on this
 *       worker's shard of the global batch, the gradient all-reduce, the Adam update;
 *   <li>the median time of one all-reduce of the gradients alone: after {@code fit}, {@code
 *       allReduceCalls} calls of {@code strategy.allReduceMean} on tensors of the trainable
 *       variables' shapes, weighted as {@code fit} weighs them. That runs the same {@code
 *       CollectiveReduce} ops as the compiled step (one per variable and one for the weights), but
 *       from host tensors fed to a session, so it also copies the gradients in and out: an upper
 *       bound of the all-reduce inside the compiled step, whose share of the step cannot be timed
 *       apart;
 *   <li>the median time of {@code strategy.allReduceMean} of one number (two chained {@code
 *       CollectiveReduce}s, the weights' sum and then the weighted value's, as in the gradient
 *       mean): the latency every averaging pays, whatever the size;
 *   <li>the gradient bytes per step (the trainable variables' sizes times 4 bytes) and what a ring
 *       all-reduce sends per worker, {@code 2 (n - 1) / n} times that (TensorFlow picks its own
 *       collective implementation; the ring figure is the usual yardstick, not a measurement).
 * </ul>
 *
 * <p>Not in CI. Every worker shares this machine's cores, so with more workers than cores the step
 * time measures contention as much as communication; the load average before each cluster is
 * printed with the figures. Arguments ({@code key=value}): {@code steps} (200), {@code warmup} (20),
 * {@code batch} the global batch (100), {@code workers} (1,2,3), {@code allReduceCalls} (100).
 *
 * <pre>
 * mvn -B -q -DskipTests -pl benchmarks -am install
 * mvn -B -q -pl benchmarks dependency:build-classpath -Dmdep.outputFile=cp.txt
 * java -cp "$(cat benchmarks/cp.txt):benchmarks/target/classes" dev.keraslite.benchmarks.MultiWorkerBenchmark steps=200
 * </pre>
 *
 * <p>The workers are this class started with {@code role=worker} and the launcher's class path;
 * each prints one {@code RESULT} line that the launcher reads.
 */
public final class MultiWorkerBenchmark {
  private static final Pattern RESULT =
      Pattern.compile(
          "(?m)^RESULT rank=(\\d+) params=(\\d+) stepMs=(\\S+) allReduceMs=(\\S+) scalarMs=(\\S+)$");
  /** Distinct synthetic batches cycled through; enough that no two consecutive steps repeat one. */
  private static final int DISTINCT_BATCHES = 8;

  private MultiWorkerBenchmark() {}

  /** Runs the benchmark, or one worker of it when given {@code role=worker}. */
  public static void main(String[] args) throws Exception {
    Map<String, String> a = parse(args);
    if ("worker".equals(a.get("role"))) {
      worker(a);
      return;
    }
    int steps = Integer.parseInt(a.getOrDefault("steps", "200"));
    int warmup = Integer.parseInt(a.getOrDefault("warmup", "20"));
    int batch = Integer.parseInt(a.getOrDefault("batch", "100"));
    int calls = Integer.parseInt(a.getOrDefault("allReduceCalls", "100"));
    if (steps <= warmup) {
      throw new IllegalArgumentException("MultiWorkerBenchmark: steps must exceed warmup");
    }
    String classPath = classPath();
    System.out.printf(Locale.ROOT,
        "MultiWorkerBenchmark: tutorial MLP, compiled fit, global batch %d, %d steps (median after %d),"
            + " %d all-reduce calls; %d cores%n",
        batch, steps, warmup, calls, Runtime.getRuntime().availableProcessors());
    List<String> rows = new ArrayList<>();
    for (String w : a.getOrDefault("workers", "1,2,3").split(",")) {
      int n = Integer.parseInt(w.trim());
      String load = loadAverage();
      List<Map<String, String>> results = cluster(classPath, n, steps, warmup, batch, calls);
      Map<String, String> chief = results.get(0);
      long params = Long.parseLong(chief.get("params"));
      long bytes = 4 * params;
      double ring = 2.0 * (n - 1) / n * bytes;
      double slowestStep = 0;
      for (Map<String, String> r : results) {
        slowestStep = Math.max(slowestStep, Double.parseDouble(r.get("stepMs")));
      }
      String row =
          String.format(Locale.ROOT, "%7d  %10.2f  %12.2f  %15s  %14s  %14d  %16.0f  %s",
              n, Double.parseDouble(chief.get("stepMs")), slowestStep,
              n == 1 ? "-" : String.format(Locale.ROOT, "%.2f", Double.parseDouble(chief.get("allReduceMs"))),
              n == 1 ? "-" : String.format(Locale.ROOT, "%.3f", Double.parseDouble(chief.get("scalarMs"))),
              bytes, ring, load);
      rows.add(row);
      System.out.println("  done: " + n + " worker(s)");
    }
    System.out.println(
        "workers  step ms(chief)  step ms(slowest)  all-reduce ms  scalar a-r ms  gradient bytes"
            + "  ring bytes/worker  load average before");
    rows.forEach(System.out::println);
    System.out.println(
        "step: median time between consecutive train batches after warm-up; all-reduce: median of"
            + " strategy.allReduceMean on gradient-shaped host tensors (the step's CollectiveReduce ops"
            + " plus feeding and fetching); ring: 2(n-1)/n x gradient bytes.");
  }

  /** Runs {@code n} workers to completion and returns each one's RESULT fields, by rank. */
  private static List<Map<String, String>> cluster(
      String classPath, int n, int steps, int warmup, int batch, int calls) throws Exception {
    List<String> hosts = freeHosts(n);
    List<Process> ps = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(MultiWorkerBenchmark.class.getName());
        cmd.addAll(List.of("role=worker", "steps=" + steps, "warmup=" + warmup, "batch=" + batch,
            "allReduceCalls=" + calls));
        Path log = Files.createTempFile("multiworker-bench-" + n + "-" + i + "-", ".log");
        logs.add(log);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("TF_CONFIG");
        if (n > 1) {
          pb.environment().put("TF_CONFIG",
              "{\"cluster\": {\"worker\": [\"" + String.join("\", \"", hosts) + "\"]},"
                  + " \"task\": {\"type\": \"worker\", \"index\": " + i + "}}");
        }
        ps.add(pb.start());
      }
      List<Map<String, String>> results = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Process p = ps.get(i);
        String out;
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
          throw new IllegalStateException(
              "worker " + i + " of " + n + " failed or hung; its output:\n" + Files.readString(logs.get(i)));
        }
        out = Files.readString(logs.get(i));
        Matcher m = RESULT.matcher(out);
        if (!m.find()) {
          throw new IllegalStateException("worker " + i + " printed no RESULT line:\n" + out);
        }
        Map<String, String> r = new HashMap<>();
        r.put("params", m.group(2));
        r.put("stepMs", m.group(3));
        r.put("allReduceMs", m.group(4));
        r.put("scalarMs", m.group(5));
        results.add(r);
      }
      for (Path log : logs) {
        Files.deleteIfExists(log);
      }
      return results;
    } finally {
      ps.forEach(Process::destroyForcibly);
    }
  }

  /** One worker: compiled fit with per-step times, then the all-reduce loops; prints RESULT. */
  private static void worker(Map<String, String> a) {
    int steps = Integer.parseInt(a.get("steps"));
    int warmup = Integer.parseInt(a.get("warmup"));
    int batch = Integer.parseInt(a.get("batch"));
    int calls = Integer.parseInt(a.get("allReduceCalls"));
    MultiWorkerStrategy strategy = MultiWorkerStrategy.fromEnvironment(Duration.ofSeconds(120));
    Layer.clearNameCounters();
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Model model = KerasPipeline.build(KerasPipeline.Kind.MLP_SEQUENTIAL);
      model.build(tf, Shape.of(-1, 28, 28, 1));
      try (MultiWorkerStrategy.Scope scope = strategy.scope()) {
        model.compile(tf, new Adam(1e-3f), new SparseCategoricalCrossentropy());
      }
      long[] ends = new long[steps];
      int[] done = {0};
      LambdaCallback clock =
          LambdaCallback.builder().onTrainBatchEnd((i, logs) -> ends[done[0]++] = System.nanoTime()).build();
      Dataset data = syntheticData(batch).repeat().take(steps);
      model.fit(data, FitOptions.epochs(1).verbose(0).callbacks(clock));
      double[] stepMs = new double[steps - warmup];
      for (int i = warmup; i < steps; i++) {
        stepMs[i - warmup] = (ends[i] - ends[i - 1]) / 1e6;
      }

      List<Variable> trainable = model.trainableVariables();
      long params = 0;
      for (Variable v : trainable) {
        params += v.shape().size();
      }
      double[] allReduceMs = timeGradientAllReduce(tf, strategy, trainable, calls, batch);
      double[] scalarMs = new double[calls];
      for (int i = -10; i < calls; i++) {
        long t0 = System.nanoTime();
        strategy.allReduceMean(new double[] {i}, 1);
        if (i >= 0) {
          scalarMs[i] = (System.nanoTime() - t0) / 1e6;
        }
      }
      System.out.printf(Locale.ROOT, "RESULT rank=%d params=%d stepMs=%.4f allReduceMs=%.4f scalarMs=%.4f%n",
          strategy.rank(), params, median(stepMs), median(allReduceMs), median(scalarMs));
      System.out.flush();
    }
    // The gRPC server of a strategy cannot be stopped: leave the JVM without waiting for it.
    System.exit(0);
  }

  /**
   * {@code calls} timed all-reduces (after 10 untimed ones) of tensors shaped as {@code vars},
   * weighted by this worker's shard of the global batch, as the compiled train step averages its
   * gradients.
   */
  private static double[] timeGradientAllReduce(
      Ops tf, MultiWorkerStrategy strategy, List<Variable> vars, int calls, int batch) {
    int n = strategy.numWorkers();
    int r = strategy.rank();
    float shard = (float) ((long) batch * (r + 1) / n - (long) batch * r / n);
    double[] ms = new double[calls];
    try (EagerScope kept = EagerScope.open(tf)) {
      List<Operand<TFloat32>> grads = new ArrayList<>();
      for (Variable v : vars) {
        float[] values = new float[Math.toIntExact(v.shape().size())];
        Arrays.fill(values, 0.001f * (r + 1));
        grads.add(tf.constant(v.shape(), DataBuffers.of(values, false, false)));
      }
      Operand<TFloat32> weight = tf.constant(shard);
      for (int i = -10; i < calls; i++) {
        try (EagerScope perCall = EagerScope.open(tf)) {
          long t0 = System.nanoTime();
          List<Operand<TFloat32>> mean = strategy.allReduceMean(tf, grads, weight);
          if (i >= 0) {
            ms[i] = (System.nanoTime() - t0) / 1e6;
          }
          if (mean.size() != grads.size()) {
            throw new IllegalStateException("all-reduce returned " + mean.size() + " tensors");
          }
        }
      }
    }
    return ms;
  }

  /** {@value #DISTINCT_BATCHES} global batches of random images and labels, in [28, 28, 1]. */
  private static Dataset syntheticData(int batch) {
    int n = DISTINCT_BATCHES * batch;
    java.util.Random random = new java.util.Random(18);
    float[] pixels = new float[n * 28 * 28];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = random.nextFloat();
    }
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = random.nextInt(10);
    }
    FloatNdArray x = NdArrays.wrap(Shape.of(n, 28, 28, 1), DataBuffers.of(pixels, false, false));
    IntNdArray y = NdArrays.wrap(Shape.of(n), DataBuffers.of(labels, false, false));
    return Dataset.of(x, y).batch(batch);
  }

  private static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> a = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("MultiWorkerBenchmark: expected key=value, got " + arg);
      }
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    return a;
  }

  /**
   * The class path the workers need: this JVM's URLs (exec:java runs us in a class loader of its
   * own, whose path {@code java.class.path} does not show), else {@code java.class.path}.
   */
  private static String classPath() throws URISyntaxException {
    Set<String> entries = new LinkedHashSet<>();
    for (ClassLoader l = MultiWorkerBenchmark.class.getClassLoader(); l != null; l = l.getParent()) {
      if (l instanceof URLClassLoader) {
        for (URL u : ((URLClassLoader) l).getURLs()) {
          if (u.getProtocol().equals("file")) {
            entries.add(Path.of(u.toURI()).toString());
          }
        }
      }
    }
    return entries.isEmpty()
        ? System.getProperty("java.class.path")
        : String.join(File.pathSeparator, entries);
  }

  /** The 1-minute load average (Linux), or "?" where it cannot be read. */
  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  /** {@code n} loopback addresses whose ports were free a moment ago. */
  private static List<String> freeHosts(int n) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    List<String> hosts = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(s);
        hosts.add("127.0.0.1:" + s.getLocalPort());
      }
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
    return hosts;
  }
}
