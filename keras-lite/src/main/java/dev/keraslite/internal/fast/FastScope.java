package dev.keraslite.internal.fast;

import org.tensorflow.DeviceSpec;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.op.OpScope;
import org.tensorflow.op.Scope;

/**
 * The base scope of a fast-path {@code Ops}: the scope TensorFlow Java's {@link OpScope} would be,
 * except that building an op does no name work. {@code OpScope} makes every op name unique (two
 * regular-expression checks, a map update and a {@code String.format} per op), which costs a
 * noticeable share of a fast eager op and means nothing in eager mode, where no graph holds the
 * names. Ops built here are named by their default name ("Add", "MatMul").
 *
 * <p>Everything else, and every scope derived from this one ({@code withName}, {@code
 * withSubScope}, {@code withDevice}, control dependencies), is TensorFlow Java's own {@code
 * OpScope}, so asking for a name gets TensorFlow Java's naming exactly.
 */
final class FastScope implements Scope {
  private final ExecutionEnvironment env;
  private final OpScope named;

  FastScope(ExecutionEnvironment env) {
    this.env = env;
    this.named = new OpScope(env);
  }

  @Override
  public OperationBuilder opBuilder(String type, String name) {
    return env.opBuilder(type, name, this);
  }

  @Override
  public ExecutionEnvironment env() {
    return env;
  }

  @Override
  public Scope withSubScope(String childScopeName) {
    return named.withSubScope(childScopeName);
  }

  @Override
  public Scope withName(String opName) {
    return named.withName(opName);
  }

  @Override
  public Scope withNameAsSubScope(String defaultName) {
    return named.withNameAsSubScope(defaultName);
  }

  @Override
  public Scope withDevice(DeviceSpec newDevice) {
    return named.withDevice(newDevice);
  }

  @Override
  public Scope withInitScope() {
    return named.withInitScope();
  }

  @Override
  public String makeOpName(String defaultName) {
    return named.makeOpName(defaultName);
  }

  @Override
  public String makeUnique(String id) {
    return named.makeUnique(id);
  }

  @Override
  public void refreshNames() {
    named.refreshNames();
  }

  @Override
  public Scope withControlDependencyOps(Iterable<Operation> controls) {
    return named.withControlDependencyOps(controls);
  }

  @Override
  public OperationBuilder apply(OperationBuilder builder) {
    return named.apply(builder);
  }

  @Override
  public String getDeviceString() {
    return "";
  }

  @Override
  public boolean isInit() {
    return false;
  }
}
