package dev.keraslite.benchmarks;

import dev.keraslite.Eager;
import dev.keraslite.EagerScope;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Locale;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The cost of an Eager's owner-thread check (issue 17): eager scalar adds through {@code
 * eager.tf()} with the check on (the default) and off (the context's confinement cleared by
 * reflection, as no public API allows), interleaved in rounds of {@code ops} adds, each round
 * released by a scope. Not in CI.
 *
 * <pre>
 * java -cp "$(cat benchmarks/cp.txt):benchmarks/target/classes" dev.keraslite.benchmarks.ThreadCheckBenchmark 200000 9
 * </pre>
 */
public final class ThreadCheckBenchmark {
  private ThreadCheckBenchmark() {}

  public static void main(String[] args) throws Exception {
    int ops = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Field envField = Eager.class.getDeclaredField("env");
      envField.setAccessible(true);
      Object env = envField.get(eager);
      Method confineTo = env.getClass().getMethod("confineTo", Thread.class);
      Operand<TFloat32> one = eager.keep(tf.constant(1f));
      double[] on = new double[rounds];
      double[] off = new double[rounds];
      run(eager, tf, one, ops); // warm-up
      for (int r = 0; r < rounds; r++) {
        confineTo.invoke(env, Thread.currentThread());
        on[r] = run(eager, tf, one, ops);
        confineTo.invoke(env, (Object) null);
        off[r] = run(eager, tf, one, ops);
      }
      confineTo.invoke(env, Thread.currentThread());
      double[] ratio = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        ratio[r] = on[r] / off[r];
      }
      System.out.printf(Locale.ROOT,
          "eager scalar add: %.3f us/op with the thread check, %.3f us/op without (medians of %d rounds of %d);"
              + " median ratio %.4f%n",
          median(on), median(off), rounds, ops, median(ratio));
    }
  }

  private static double run(Eager eager, Ops tf, Operand<TFloat32> one, int ops) {
    long t0 = System.nanoTime();
    for (int done = 0; done < ops; done += 1000) {
      try (EagerScope scope = eager.scope()) {
        for (int i = 0; i < 1000; i++) {
          tf.math.add(one, one);
        }
      }
    }
    return (System.nanoTime() - t0) / 1e3 / ops;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
