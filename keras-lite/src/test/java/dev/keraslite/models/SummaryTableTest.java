package dev.keraslite;

import dev.keraslite.models.Input;
import dev.keraslite.models.Sequential;
import dev.keraslite.models.Model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.activations.Activations;
import dev.keraslite.layers.Add;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.KerasTensor;
import dev.keraslite.layers.Layer;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Model.summaryTable(): the rows of summary() as data, the same shapes and counts the text shows. */
class SummaryTableTest {
  @BeforeEach
  void names() {
    Layer.clearNameCounters();
  }

  /** Each row's layer, shape and parameter count appear on one line of the printed table. */
  private static void assertRowsMatchText(List<Model.SummaryRow> rows, String text) {
    for (Model.SummaryRow r : rows) {
      String line =
          Pattern.quote(r.layer().name() + " (" + r.layer().typeName() + ")") + " +"
              + Pattern.quote(r.outputShape()) + " +" + r.params() + "\\b";
      assertTrue(Pattern.compile(line).matcher(text).find(), line + " not in\n" + text);
    }
  }

  @Test
  void functionalRowsNameTheTensorsEachLayerTakes() {
    KerasTensor in = Input.of("features", 8);
    KerasTensor h = new Dense(4).activation(Activations.relu()).apply(in);
    KerasTensor a = new Dense(4).apply(h);
    Model model = Model.of(in, new Dense(2).apply(new Add().apply(h, a)));
    List<Model.SummaryRow> rows = model.summaryTable(); // symbolic shapes: known before build
    assertEquals(model.layers(), rows.stream().map(Model.SummaryRow::layer).toList());
    assertEquals(List.of("(None, 8)", "(None, 4)", "(None, 4)", "(None, 4)", "(None, 2)"),
        rows.stream().map(Model.SummaryRow::outputShape).toList());
    assertEquals(List.of(), rows.get(0).connectedTo());
    assertEquals(List.of("dense[0][0]", "dense_1[0][0]"), rows.get(3).connectedTo());
    try (Eager eager = Eager.create()) {
      model.build(eager.tf());
      List<Model.SummaryRow> built = model.summaryTable();
      assertEquals(List.of(0L, 36L, 20L, 0L, 10L), built.stream().map(Model.SummaryRow::params).toList());
      assertRowsMatchText(built, model.summary(s -> {}));
    }
  }

  @Test
  void sequentialRowsOnceBuiltWithoutConnections() {
    Sequential model = new Sequential(Input.of(8), new Dense(16).activation(Activations.relu()), new Dense(3));
    assertTrue(
        assertThrows(IllegalStateException.class, model::summaryTable).getMessage().contains("not yet been built"));
    try (Eager eager = Eager.create()) {
      model.build(eager.tf());
      List<Model.SummaryRow> rows = model.summaryTable();
      assertEquals(List.of("(None, 16)", "(None, 3)"), rows.stream().map(Model.SummaryRow::outputShape).toList());
      assertTrue(rows.stream().allMatch(r -> r.connectedTo().isEmpty()));
      assertRowsMatchText(rows, model.summary(s -> {}));
    }
  }
}
