package dev.keraslite.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.activations.Activation;
import dev.keraslite.callbacks.EarlyStopping;
import dev.keraslite.callbacks.ReduceLROnPlateau;
import dev.keraslite.constraints.Constraint;
import dev.keraslite.constraints.MaxNorm;
import dev.keraslite.constraints.NonNeg;
import dev.keraslite.initializers.Initializer;
import dev.keraslite.regularizers.L1;
import dev.keraslite.regularizers.L2;
import dev.keraslite.regularizers.Regularizer;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.TypeVariable;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, item 2: the documented option chains compile in any order, the options a layer inherits
 * ({@code name}, {@code activityRegularizer}) before its own, and each option takes effect. The
 * reflection checks keep it so: every public setter of every public concrete layer, callback and
 * optimizer returns its own class, and every layer option that takes an activation, initializer,
 * regularizer or constraint also takes its Keras name.
 */
class LayerOptionChainingTest {

  @Test
  void inheritedOptionsChainBeforeEachLayersOwn() {
    Dense dense =
        new Dense(4).name("d").activityRegularizer(new L2(0.1)).activation("relu").kernelRegularizer("l2")
            .useBias(false);
    assertEquals("d", dense.name());
    assertInstanceOf(L2.class, dense.activityRegularizer());
    assertEquals("relu", dense.activation().toString());
    assertInstanceOf(L2.class, dense.kernelRegularizer());
    assertFalse(dense.useBias());

    Conv2D conv =
        new Conv2D(3, 3).activityRegularizer("l1").name("c").padding("same").kernelConstraint("max_norm")
            .biasConstraint(new NonNeg());
    assertEquals("c", conv.name());
    assertInstanceOf(L1.class, conv.activityRegularizer());
    assertInstanceOf(MaxNorm.class, conv.kernelConstraint());
    assertInstanceOf(NonNeg.class, conv.biasConstraint());

    LSTM lstm =
        new LSTM(5).name("l").activityRegularizer("l2").returnSequences(true).recurrentConstraint("unit_norm")
            .unitForgetBias(false);
    assertEquals("l", lstm.name());
    assertInstanceOf(L2.class, lstm.activityRegularizer());

    Embedding embedding = new Embedding(10, 3).activityRegularizer("l1").name("e").embeddingsRegularizer("l2");
    assertEquals("e", embedding.name());
    assertInstanceOf(L1.class, embedding.activityRegularizer());

    // Layers without options of their own still keep their type through the inherited ones.
    Dropout dropout = new Dropout(0.5).activityRegularizer("l2").name("drop");
    assertEquals("drop", dropout.name());
    assertInstanceOf(L2.class, dropout.activityRegularizer());
    BatchNormalization bn = new BatchNormalization().activityRegularizer("l1").gammaInitializer("ones").name("bn");
    assertInstanceOf(L1.class, bn.activityRegularizer());
    MaxPool2D pool = new MaxPool2D().activityRegularizer(new L1()).name("p");
    assertEquals("p", pool.name());
    Add add = new Add().activityRegularizer("l2").name("add");
    assertInstanceOf(L2.class, add.activityRegularizer());
    LSTMCell cell = new LSTMCell(2).activityRegularizer("l2").recurrentActivation("sigmoid").name("cell");
    assertEquals("cell", cell.name());
    assertInstanceOf(L2.class, cell.activityRegularizer());
  }

  @Test
  void callbackOptionsChain() {
    EarlyStopping stop = new EarlyStopping().monitor("val_loss").patience(3).minDelta(0.01).restoreBestWeights(true);
    assertEquals("val_loss", stop.monitor());
    ReduceLROnPlateau reduce = new ReduceLROnPlateau().monitor("loss").factor(0.5).patience(2);
    assertEquals("loss", reduce.monitor());
    assertEquals(0.5, reduce.factor());
    assertEquals(2, reduce.patience());
    assertEquals(3, stop.patience());
  }

  private static final Set<String> GUARDED = Set.of("layers", "callbacks", "optimizers");

  private static List<Class<?>> publicConcreteClasses() throws IOException, URISyntaxException, ClassNotFoundException {
    Path root = Path.of(Layer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertTrue(Files.isDirectory(root), "expected the library's classes in a directory, found " + root);
    List<Class<?>> out = new ArrayList<>();
    for (String pkg : GUARDED) {
      try (Stream<Path> files = Files.list(root.resolve("dev/keraslite/" + pkg))) {
        for (Path f : (Iterable<Path>) files::iterator) {
          String file = f.getFileName().toString();
          if (!file.endsWith(".class") || file.contains("$") || file.startsWith("package-info")) {
            continue;
          }
          Class<?> c = Class.forName("dev.keraslite." + pkg + "." + file.substring(0, file.length() - 6));
          if (Modifier.isPublic(c.getModifiers()) && !Modifier.isAbstract(c.getModifiers()) && !c.isInterface()) {
            out.add(c);
          }
        }
      }
    }
    return out;
  }

  @Test
  void everyPublicSetterReturnsItsOwnClass() throws Exception {
    List<Class<?>> classes = publicConcreteClasses();
    assertTrue(classes.size() > 60, "found only " + classes.size() + " classes");
    List<String> broken = new ArrayList<>();
    for (Class<?> c : classes) {
      for (Method m : c.getMethods()) {
        if (m.isBridge() || Modifier.isStatic(m.getModifiers()) || m.getParameterCount() == 0
            || m.getGenericReturnType() instanceof TypeVariable) {
          continue;
        }
        Class<?> r = m.getReturnType();
        if (r != c && r != Object.class && r.isAssignableFrom(c)) {
          broken.add(c.getSimpleName() + "." + m.getName() + " returns " + r.getSimpleName());
        }
      }
    }
    assertEquals(List.of(), broken, "setters that break a chain");
  }

  @Test
  void everyLayerOptionTakingAnObjectAlsoTakesItsKerasName() throws Exception {
    Set<Class<?>> named = Set.of(Activation.class, Initializer.class, Regularizer.class, Constraint.class);
    List<String> missing = new ArrayList<>();
    int options = 0;
    for (Class<?> c : publicConcreteClasses()) {
      if (!Layer.class.isAssignableFrom(c)) {
        continue;
      }
      for (Method m : c.getMethods()) {
        if (m.getParameterCount() != 1 || !named.contains(m.getParameterTypes()[0]) || m.isBridge()) {
          continue;
        }
        options++;
        try {
          Method byName = c.getMethod(m.getName(), String.class);
          if (byName.getReturnType() != m.getReturnType()) {
            missing.add(c.getSimpleName() + "." + m.getName() + "(String) returns " + byName.getReturnType().getSimpleName());
          }
        } catch (NoSuchMethodException e) {
          missing.add(c.getSimpleName() + "." + m.getName() + "(String)");
        }
      }
    }
    assertTrue(options > 100, "found only " + options + " options");
    assertEquals(List.of(), missing);
  }
}
