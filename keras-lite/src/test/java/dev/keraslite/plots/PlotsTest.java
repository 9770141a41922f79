package dev.keraslite.plots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.models.Input;
import dev.keraslite.models.Model;
import dev.keraslite.models.Sequential;
import dev.keraslite.activations.Activations;
import dev.keraslite.layers.Add;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Flatten;
import dev.keraslite.layers.KerasTensor;
import dev.keraslite.layers.Layer;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** plot_model: the DOT text names every layer with its Keras output shape; dot renders a real PNG. */
class PlotsTest {
  @TempDir Path dir;

  @BeforeEach
  void names() {
    Layer.clearNameCounters();
  }

  /** A residual block: two branches from one Dense meet in an Add. */
  private static Model residual() {
    KerasTensor in = Input.of("pixels", 28, 28);
    KerasTensor x = new Flatten().apply(in);
    KerasTensor h = new Dense(32).activation(Activations.relu()).apply(x);
    KerasTensor a = new Dense(32).apply(h);
    KerasTensor sum = new Add().apply(h, a);
    return Model.of(in, new Dense(10).apply(sum));
  }

  /** The label of node {@code name} in the DOT text. */
  private static String label(String dot, String name) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\" \\[label=\"([^\"]*)\"\\]").matcher(dot);
    assertTrue(m.find(), "no node " + name + " in\n" + dot);
    return m.group(1);
  }

  @Test
  void dotNamesEveryLayerWithItsOutputShapeAndEdgesFollowTheCalls() {
    Model model = residual();
    String dot = Plots.toDot(model); // symbolic shapes: no weights needed
    String summary;
    try (Eager eager = Eager.create()) {
      model.build(eager.tf());
      summary = model.summary(s -> {});
      assertEquals(dot, Plots.toDot(model), "building changes no shape");
    }
    String[][] expected = {
      {"pixels", "InputLayer", "(None, 28, 28)"},
      {"flatten", "Flatten", "(None, 784)"},
      {"dense", "Dense", "(None, 32)"},
      {"dense_1", "Dense", "(None, 32)"},
      {"add", "Add", "(None, 32)"},
      {"dense_2", "Dense", "(None, 10)"},
    };
    for (String[] e : expected) {
      String label = label(dot, e[0]);
      assertTrue(label.startsWith("{" + e[0] + " (" + e[1] + ")"), label);
      assertTrue(label.contains("Output shape:|" + e[2] + "}"), label);
      // The same shapes as the summary table shows them.
      assertTrue(
          Pattern.compile(Pattern.quote(e[0] + " (" + e[1] + ")") + " +" + Pattern.quote(e[2])).matcher(summary).find(),
          summary);
    }
    assertTrue(label(dot, "add").contains("Input shape:|(None, 32), (None, 32)}"), label(dot, "add"));
    for (String edge :
        new String[] {
          "\"pixels\" -> \"flatten\"", "\"flatten\" -> \"dense\"", "\"dense\" -> \"dense_1\"",
          "\"dense\" -> \"add\"", "\"dense_1\" -> \"add\"", "\"add\" -> \"dense_2\""
        }) {
      assertTrue(dot.contains(edge + ";"), edge + " missing in\n" + dot);
    }
    assertEquals(6, dot.split("->", -1).length - 1, dot);
  }

  @Test
  void sequentialIsAChainAndMustBeBuilt() {
    Sequential unbuilt = new Sequential(new Dense(4));
    assertTrue(
        assertThrows(IllegalStateException.class, () -> Plots.toDot(unbuilt)).getMessage().contains("not yet been built"));
    String dot;
    Layer.clearNameCounters();
    try (Eager eager = Eager.create()) {
      Sequential model =
          new Sequential(Input.of(8), new Dense(16).activation(Activations.relu()), new Dense(3));
      model.build(eager.tf());
      dot = Plots.toDot(model);
    }
    assertTrue(label(dot, "dense").contains("Output shape:|(None, 16)}"), dot);
    assertTrue(label(dot, "dense_1").contains("Input shape:|(None, 16)}|{Output shape:|(None, 3)}"), dot);
    assertTrue(dot.contains("\"dense\" -> \"dense_1\";"), dot);
  }

  @Test
  void modelGraphWritesDotAlwaysAndAPngWhereDotIsInstalled() throws Exception {
    Model model = residual();
    Path png = dir.resolve("out/model.png");
    Plots.Written written = Plots.modelGraph(model, png);
    assertEquals(dir.resolve("out/model.dot"), written.dot());
    assertEquals(Plots.toDot(model), Files.readString(written.dot()));
    if (!Plots.dotAvailable()) {
      // The documented fallback (scripts/setup.sh installs graphviz, so CI takes the branch below).
      assertNull(written.png());
      assertFalse(Files.exists(png));
      return;
    }
    assertEquals(png, written.png());
    BufferedImage image = ImageIO.read(png.toFile());
    assertTrue(image != null, "ImageIO cannot decode " + png);
    // Six boxes stacked top to bottom: much taller than wide, and well beyond a blank canvas.
    assertTrue(image.getHeight() > 300 && image.getWidth() > 100, image.getWidth() + "x" + image.getHeight());
    assertTrue(image.getHeight() > image.getWidth(), image.getWidth() + "x" + image.getHeight());
    assertTrue(darkFraction(image) > 0.005, "dark pixels " + darkFraction(image));
  }

  /** The share of pixels darker than light grey (text, box outlines, edges). */
  static double darkFraction(BufferedImage image) {
    long dark = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        int alpha = (rgb >>> 24) & 0xff;
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        if (alpha > 128 && r + g + b < 3 * 160) {
          dark++;
        }
      }
    }
    return (double) dark / ((long) image.getWidth() * image.getHeight());
  }
}
