package dev.keraslite.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** TensorBoard's options: Keras's defaults and clear refusals (the files are tested with real fits). */
class TensorBoardTest {
  @Test
  void kerasDefaults() {
    TensorBoard tb = new TensorBoard();
    assertEquals(Path.of("logs"), tb.logDir());
    assertEquals("epoch", tb.updateFreq());
    assertEquals(0, tb.histogramFreq());
    assertTrue(tb.writeGraph());
    assertEquals("1", new TensorBoard("x").updateFreq("batch").updateFreq());
    assertEquals("25", new TensorBoard("x").updateFreq(25).updateFreq());
  }

  @Test
  void badOptionsAreRefusedWithTheValue() {
    TensorBoard tb = new TensorBoard("x");
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> tb.updateFreq("epochs")).getMessage().contains("\"epochs\""));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> tb.updateFreq(0)).getMessage().contains("0"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> tb.histogramFreq(-1)).getMessage().contains("-1"));
    assertThrows(IllegalArgumentException.class, () -> new TensorBoard((Path) null));
    // The options were left as they were.
    assertEquals("epoch", tb.updateFreq());
    assertEquals(0, tb.histogramFreq());
  }

  @Test
  void usedOutsideFitItSaysSo() {
    TensorBoard tb = new TensorBoard("x");
    tb.setContext(new FakeTrainingContext(null, null, 1, 1, 0));
    assertTrue(
        assertThrows(IllegalStateException.class, () -> tb.onEpochEnd(0, java.util.Map.of("loss", 1.0)))
            .getMessage().contains("onTrainBegin"));
  }
}
