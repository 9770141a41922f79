package dev.keraslite;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import dev.keraslite.layers.Layer;
import dev.keraslite.layers.WrongImportFixture;
import dev.keraslite.models.Model;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of docs/ARCHITECTURE.md, checked on the library's compiled classes: the
 * packages form no cycle; the core (the root package, {@code autodiff}, {@code internal}) depends on
 * nothing above it; the building blocks (layers, optimizers, losses, metrics, data, ...) know no
 * model, training loop, callback or file format; {@code internal} is reached only from the core
 * (everything else goes through {@link Recording}). Each rule is also shown to fail on a class that
 * breaks it, so that a rule which can no longer fail is noticed.
 */
class ArchitectureTest {
  static final String[] CORE = {"dev.keraslite", "dev.keraslite.autodiff..", "dev.keraslite.internal.."};
  static final String[] BUILDING_BLOCKS = {
    "dev.keraslite.layers..", "dev.keraslite.optimizers..", "dev.keraslite.losses..",
    "dev.keraslite.metrics..", "dev.keraslite.data..", "dev.keraslite.datasets..",
    "dev.keraslite.initializers..", "dev.keraslite.activations..", "dev.keraslite.distribute..",
    "dev.keraslite.checkpoint..", "dev.keraslite.summary..", "dev.keraslite.mixedprecision..",
    "dev.keraslite.regularizers..", "dev.keraslite.constraints.."
  };
  static final String[] ABOVE_BUILDING_BLOCKS = {
    "dev.keraslite.models..", "dev.keraslite.training..", "dev.keraslite.callbacks..",
    "dev.keraslite.saving..", "dev.keraslite.applications..", "dev.keraslite.plots.."
  };

  private static JavaClasses library;

  @BeforeAll
  static void importLibrary() {
    library =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("dev.keraslite");
  }

  /**
   * Every package (the root package included) is a slice of its own, except the Keras file formats,
   * which are part of the models.
   */
  static final SliceAssignment PACKAGES =
      new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
          String pkg = javaClass.getPackageName();
          if (pkg.equals("dev.keraslite.saving")) {
            // Keras's model files belong to the models: Model.save and Model.load write and read
            // them, and the files' configs are made of Sequential and functional models (Keras's
            // keras.models and keras.saving import each other the same way).
            return SliceIdentifier.of("dev.keraslite.models");
          }
          return pkg.equals("dev.keraslite") || pkg.startsWith("dev.keraslite.")
              ? SliceIdentifier.of(pkg)
              : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
          return "the packages of dev.keraslite";
        }
      };

  static final ArchRule NO_PACKAGE_CYCLES =
      SlicesRuleDefinition.slices().assignedFrom(PACKAGES).should().beFreeOfCycles();

  static final ArchRule CORE_DEPENDS_ON_NOTHING_ABOVE =
      noClasses()
          .that()
          .resideInAnyPackage(CORE)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(concat(BUILDING_BLOCKS, ABOVE_BUILDING_BLOCKS))
          .because("the core (Eager, GradientTape, Variable, autodiff, internal) knows no layer");

  static final ArchRule BUILDING_BLOCKS_KNOW_NO_MODEL_OR_LOOP =
      noClasses()
          .that()
          .resideInAnyPackage(BUILDING_BLOCKS)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(ABOVE_BUILDING_BLOCKS)
          .because("a layer, optimizer, loss, metric or dataset knows no model, loop or file format");

  static final ArchRule INTERNAL_ONLY_THROUGH_THE_CORE =
      noClasses()
          .that()
          .resideOutsideOfPackages(CORE)
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.keraslite.internal..")
          .because("the rest of the library reaches the recording machinery through Recording");

  @Test
  void packagesFormNoCycle() {
    NO_PACKAGE_CYCLES.check(library);
  }

  @Test
  void coreDependsOnNothingAboveIt() {
    CORE_DEPENDS_ON_NOTHING_ABOVE.check(library);
  }

  @Test
  void buildingBlocksKnowNoModelTrainingCallbackOrSaving() {
    BUILDING_BLOCKS_KNOW_NO_MODEL_OR_LOOP.check(library);
  }

  @Test
  void internalIsUsedOnlyByTheCore() {
    INTERNAL_ONLY_THROUGH_THE_CORE.check(library);
  }

  /**
   * {@link WrongImportFixture} (test code, in {@code layers}) imports a model and the internal
   * fast path: with it among the classes, the rules must fail.
   */
  @Test
  void theRulesFailOnAWrongImport() {
    JavaClasses withWrongImport =
        new ClassFileImporter().importClasses(WrongImportFixture.class, Model.class, Layer.class);
    assertThrows(AssertionError.class, () -> BUILDING_BLOCKS_KNOW_NO_MODEL_OR_LOOP.check(withWrongImport));
    assertThrows(AssertionError.class, () -> INTERNAL_ONLY_THROUGH_THE_CORE.check(withWrongImport));
    // layers -> models (the fixture) and models -> layers (Model extends Layer): a cycle.
    assertThrows(AssertionError.class, () -> NO_PACKAGE_CYCLES.check(withWrongImport));
  }

  @Test
  void theCoreRuleFailsOnACoreClassThatKnowsALayer() {
    JavaClasses withWrongImport =
        new ClassFileImporter().importClasses(CoreWrongImportFixture.class, Layer.class);
    assertThrows(AssertionError.class, () -> CORE_DEPENDS_ON_NOTHING_ABOVE.check(withWrongImport));
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
