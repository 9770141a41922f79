package dev.keraslite.distribute;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.time.Duration;
import org.bytedeco.javacpp.BytePointer;
import org.tensorflow.Graph;
import org.tensorflow.Server;
import org.tensorflow.Session;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.proto.ClusterDef;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.JobDef;
import org.tensorflow.proto.ServerDef;

/**
 * This task's TensorFlow gRPC server ({@link Server}) and the sessions that run on it. A session
 * created against the server's target is a distributed (master) session: its collective ops meet
 * the other workers' through TensorFlow's collective executor, coordinated by the chief ({@code
 * collective_group_leader}), which is how TensorFlow 1's collective all-reduce strategy ran graphs.
 *
 * <p>TensorFlow Java has no public constructor for a session with a target, so {@link #session}
 * creates the native session with the C API's {@code TF_SetTarget} and wraps it with {@code
 * Session}'s package-private constructor, reached by reflection (checked when the server starts).
 */
final class WorkerServer {
  private final Server server;
  private final String target;
  private final ConfigProto config;

  WorkerServer(ClusterSpec cluster, ClusterSpec.Task self, Duration timeout) {
    ClusterDef.Builder clusterDef = ClusterDef.newBuilder();
    for (var job : cluster.jobs().entrySet()) {
      JobDef.Builder j = JobDef.newBuilder().setName(job.getKey());
      for (int i = 0; i < job.getValue().size(); i++) {
        j.putTasks(i, job.getValue().get(i));
      }
      clusterDef.addJob(j);
    }
    ClusterSpec.Task chief = cluster.tasks().get(0);
    config =
        ConfigProto.newBuilder()
            // Place every op of this task's graphs on this task: each worker runs its own replica.
            .addDeviceFilters("/job:" + self.type() + "/task:" + self.index())
            // The train and test graphs of one model must not share their variables' twins.
            .setIsolateSessionState(true)
            // A peer that never answers fails the blocking op instead of hanging it.
            .setOperationTimeoutInMs(timeout.toMillis())
            .setExperimental(
                ConfigProto.Experimental.newBuilder().setCollectiveGroupLeader(chief.deviceName()))
            .build();
    ServerDef def =
        ServerDef.newBuilder()
            .setCluster(clusterDef)
            .setJobName(self.type())
            .setTaskIndex(self.index())
            .setProtocol("grpc")
            .setDefaultSessionConfig(config)
            .build();
    checkReflection();
    server = new Server(def);
    server.start();
    target = "grpc://" + self.address();
  }

  /** A session on this task's server running {@code graph}. */
  Session session(Graph graph) {
    TF_SessionOptions opts = tensorflow.TF_NewSessionOptions();
    try (TF_Status status = TF_Status.newStatus()) {
      tensorflow.TF_SetTarget(opts, target);
      byte[] bytes = config.toByteArray();
      try (BytePointer p = new BytePointer(bytes)) {
        tensorflow.TF_SetConfig(opts, p, bytes.length, status);
      }
      status.throwExceptionIfNotOK();
      TF_Session native_ = tensorflow.TF_NewSession(nativeGraph(graph), opts, status);
      status.throwExceptionIfNotOK();
      return SESSION.newInstance(graph, native_);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("MultiWorkerStrategy: cannot wrap a TensorFlow session", e);
    } finally {
      tensorflow.TF_DeleteSessionOptions(opts);
    }
  }

  private static TF_Graph nativeGraph(Graph graph) throws IllegalAccessException {
    return (TF_Graph) GRAPH_HANDLE.get(graph);
  }

  private static final Field GRAPH_HANDLE;
  private static final Constructor<Session> SESSION;
  private static final Exception MISSING;

  static {
    Field f = null;
    Constructor<Session> c = null;
    Exception missing = null;
    try {
      f = Graph.class.getDeclaredField("nativeHandle");
      f.setAccessible(true);
      c = Session.class.getDeclaredConstructor(Graph.class, TF_Session.class);
      c.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // RuntimeException: InaccessibleObjectException on the module path without --add-opens.
      missing = e;
    }
    GRAPH_HANDLE = f;
    SESSION = c;
    MISSING = missing;
  }

  private static void checkReflection() {
    if (MISSING != null) {
      throw new IllegalStateException(
          "MultiWorkerStrategy needs TensorFlow Java 1.1.0's Graph.nativeHandle and "
              + "Session(Graph, TF_Session): this TensorFlow Java differs, or, on the module path, "
              + "--add-opens tensorflow/org.tensorflow=dev.keraslite is missing",
          MISSING);
    }
  }
}
