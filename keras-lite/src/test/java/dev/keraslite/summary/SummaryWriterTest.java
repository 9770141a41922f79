package dev.keraslite.summary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.HistogramProto;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;

/** SummaryWriter's files read back by an independent TFRecord reader (both CRCs checked). */
class SummaryWriterTest {
  @TempDir Path dir;

  @Test
  void scalarsHistogramsAndGraphsReadBack() {
    float[] values = {-2.5f, 0f, 0.25f, 1f, 3f};
    GraphDef graphDef;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      tf.math.add(tf.constant(1f), tf.constant(2f));
      graphDef = g.toGraphDef();
    }
    try (SummaryWriter writer = SummaryWriter.create(dir.resolve("custom"))) {
      for (int step = 0; step < 3; step++) {
        writer.scalar("loss", 1.0 / (step + 1), step);
      }
      writer.histogram("weights", values, 7);
      try (TFloat64 d = TFloat64.vectorOf(1.0, 2.0); TInt32 i = TInt32.vectorOf(4, 5, 6)) {
        writer.histogram("doubles", d, 8);
        writer.histogram("ints", i, 9);
      }
      writer.graph(graphDef, 0);
    }
    Path file = EventFiles.single(dir.resolve("custom"));
    assertTrue(file.getFileName().toString().endsWith(".v2"), file.toString());
    EventFiles.Contents c = EventFiles.readDir(dir.resolve("custom"));
    assertEquals("brain.Event:2", c.events().get(0).getFileVersion());
    List<double[]> loss = c.scalars("loss");
    assertEquals(3, loss.size());
    for (int step = 0; step < 3; step++) {
      assertEquals(step, loss.get(step)[0]);
      assertEquals((float) (1.0 / (step + 1)), loss.get(step)[1], 0);
    }
    Event h = c.eventsTagged("weights").get(0);
    assertEquals(7, h.getStep());
    HistogramProto histo = h.getSummary().getValue(0).getHisto();
    assertEquals(5, histo.getNum(), 0);
    assertEquals(-2.5, histo.getMin(), 0);
    assertEquals(3, histo.getMax(), 0);
    assertEquals(1.75, histo.getSum(), 1e-9);
    assertEquals(6.25 + 0.0625 + 1 + 9, histo.getSumSquares(), 1e-9);
    double counted = histo.getBucketList().stream().mapToDouble(Double::doubleValue).sum();
    assertEquals(5, counted, 0);
    assertEquals(2, c.eventsTagged("doubles").get(0).getSummary().getValue(0).getHisto().getNum(), 0);
    assertEquals(15, c.eventsTagged("ints").get(0).getSummary().getValue(0).getHisto().getSum(), 0);
    assertEquals(1, c.graphs().size());
    assertEquals(graphDef, parse(c.graphs().get(0)));
  }

  private static GraphDef parse(Event e) {
    try {
      return GraphDef.parseFrom(e.getGraphDef());
    } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
      throw new AssertionError(ex);
    }
  }

  @Test
  void theReaderChecksBothChecksums() throws Exception {
    try (SummaryWriter writer = SummaryWriter.create(dir)) {
      writer.scalar("x", 1, 0);
    }
    Path file = EventFiles.single(dir);
    byte[] bytes = Files.readAllBytes(file);
    // The second record (after the file-version event): flip a bit of its length, then of its data.
    int second = 12 + (int) bytes[0] + 4;
    byte[] badLength = bytes.clone();
    badLength[second] ^= 1;
    Files.write(file, badLength);
    assertTrue(
        assertThrows(IllegalStateException.class, () -> EventFiles.read(file)).getMessage().contains("length checksum"));
    byte[] badData = bytes.clone();
    badData[bytes.length - 6] ^= 1;
    Files.write(file, badData);
    assertTrue(
        assertThrows(IllegalStateException.class, () -> EventFiles.read(file)).getMessage().contains("data checksum"));
    // Cut inside the last record: the complete records before it still read.
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 3));
    EventFiles.Contents cut = EventFiles.read(file);
    assertTrue(cut.truncatedTail());
    assertEquals(1, cut.events().size());
  }

  @Test
  void badInputIsRefusedAndAClosedWriterRefusesWrites() {
    SummaryWriter writer = SummaryWriter.create(dir);
    assertThrows(IllegalArgumentException.class, () -> writer.scalar("", 1, 0));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> writer.histogram("h", (float[]) null, 0))
            .getMessage().contains("'h'"));
    writer.close();
    writer.close();
    assertTrue(
        assertThrows(IllegalStateException.class, () -> writer.scalar("x", 1, 0)).getMessage().contains("closed"));
    assertThrows(IllegalArgumentException.class, () -> SummaryWriter.create(dir, 0, 10));
  }

  @Test
  void shapesOfTheHistogramValuesDoNotMatter() {
    try (SummaryWriter writer = SummaryWriter.create(dir);
        org.tensorflow.types.TFloat32 m =
            org.tensorflow.types.TFloat32.tensorOf(
                Shape.of(2, 3), org.tensorflow.ndarray.buffer.DataBuffers.of(1f, 2f, 3f, 4f, 5f, 6f))) {
      writer.histogram("matrix", m, 1);
    }
    HistogramProto histo =
        EventFiles.readDir(dir).eventsTagged("matrix").get(0).getSummary().getValue(0).getHisto();
    assertEquals(6, histo.getNum(), 0);
    assertArrayEquals(new double[] {1, 6, 21}, new double[] {histo.getMin(), histo.getMax(), histo.getSum()});
  }
}
