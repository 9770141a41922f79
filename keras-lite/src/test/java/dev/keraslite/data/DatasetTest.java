package dev.keraslite.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.KerasLite;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Dataset semantics against tf.data's definitions. Sample {@code i} has features {@code [i, 100 +
 * i]} and label {@code i}, so every batch shows which samples it holds and that x and y stay
 * paired.
 */
class DatasetTest {

  private static Dataset numbered(int n) {
    float[] x = new float[2 * n];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      x[2 * i] = i;
      x[2 * i + 1] = 100 + i;
      y[i] = i;
    }
    return Dataset.of(
        NdArrays.wrap(Shape.of(n, 2), DataBuffers.of(x, false, false)),
        NdArrays.wrap(Shape.of(n), DataBuffers.of(y, false, false)));
  }

  private static float[] floats(TFloat32 t) {
    float[] values = new float[Math.toIntExact(t.size())];
    t.copyTo(DataBuffers.of(values, false, false));
    return values;
  }

  private static int[] ints(TInt32 t) {
    int[] values = new int[Math.toIntExact(t.size())];
    t.copyTo(DataBuffers.of(values, false, false));
    return values;
  }

  /** One pass as lists of labels per batch, checking each batch's x against its labels. */
  private static List<int[]> labelBatches(Dataset dataset) {
    List<int[]> batches = new ArrayList<>();
    for (Batch batch : dataset) {
      try (batch) {
        int[] y = ints((TInt32) batch.y());
        float[] x = floats(batch.x());
        assertEquals(Shape.of(y.length, 2), batch.x().shape());
        assertEquals(Shape.of(y.length), batch.y().shape());
        assertEquals(y.length, batch.size());
        for (int k = 0; k < y.length; k++) {
          assertEquals(y[k], x[2 * k], 0f, "x row " + k + " belongs to label " + y[k]);
          assertEquals(100 + y[k], x[2 * k + 1], 0f);
        }
        batches.add(y);
      }
    }
    return batches;
  }

  private static int[] pass(Dataset dataset) {
    return labelBatches(dataset).stream().flatMapToInt(Arrays::stream).toArray();
  }

  private static int[] range(int from, int to) {
    return IntStream.range(from, to).toArray();
  }

  private static void assertPermutation(int n, int[] order) {
    int[] sorted = order.clone();
    Arrays.sort(sorted);
    assertArrayEquals(range(0, n), sorted, "every sample exactly once: " + Arrays.toString(order));
  }

  @Test
  void batchingCoversEverySampleOnceWithAPartialLastBatch() {
    Dataset batched = numbered(10).batch(4);
    assertEquals(3, batched.cardinality());
    List<int[]> batches = labelBatches(batched);
    assertEquals(3, batches.size());
    assertArrayEquals(range(0, 4), batches.get(0));
    assertArrayEquals(range(4, 8), batches.get(1));
    assertArrayEquals(range(8, 10), batches.get(2));
  }

  @Test
  void dropRemainderDropsThePartialBatch() {
    Dataset batched = numbered(10).batch(4, true);
    assertEquals(2, batched.cardinality());
    List<int[]> batches = labelBatches(batched);
    assertEquals(2, batches.size());
    assertArrayEquals(range(4, 8), batches.get(1));
    assertEquals(
        2, labelBatches(numbered(8).batch(4, true)).size(), "no remainder, nothing dropped");
  }

  @Test
  void shuffleIsAPermutationAndReshufflesEachPass() {
    Dataset shuffled = numbered(50).shuffle(50, 7).batch(8);
    assertEquals(7, shuffled.cardinality());
    int[] first = pass(shuffled);
    int[] second = pass(shuffled);
    assertPermutation(50, first);
    assertPermutation(50, second);
    assertFalse(Arrays.equals(range(0, 50), first), "shuffled");
    assertFalse(Arrays.equals(first, second), "a new order each pass");

    Dataset again = numbered(50).shuffle(50, 7).batch(8);
    assertArrayEquals(first, pass(again), "the sequence of orders depends only on the seed");
    assertArrayEquals(second, pass(again));
    assertFalse(Arrays.equals(first, pass(numbered(50).shuffle(50, 8).batch(8))), "another seed");
  }

  @Test
  void shuffleTakesABufferSizeAsTfDataDoes() {
    // tf.data's shuffle(buffer_size): the element at position p comes from the first p + bufferSize
    // elements, so with a buffer of 3 no element moves more than 2 places earlier.
    KerasLite.setRandomSeed(11);
    int[] order = pass(numbered(200).shuffle(3).batch(200));
    assertPermutation(200, order);
    assertFalse(Arrays.equals(range(0, 200), order), "shuffled");
    for (int p = 0; p < order.length; p++) {
      assertTrue(order[p] <= p + 2, "element " + order[p] + " drawn at position " + p + " from a buffer of 3");
    }
    assertArrayEquals(range(0, 20), pass(numbered(20).shuffle(1).batch(20)), "a buffer of 1 keeps the order");
    // Unseeded, the order follows KerasLite.setRandomSeed, as Keras's shuffles follow set_random_seed.
    KerasLite.setRandomSeed(11);
    assertArrayEquals(order, pass(numbered(200).shuffle(3).batch(200)));
    assertThrows(IllegalArgumentException.class, () -> numbered(5).shuffle(0));
  }

  @Test
  void shuffleWithoutReshuffleKeepsOneOrder() {
    Dataset shuffled = numbered(30).shuffle(30, 3, false);
    int[] first = pass(shuffled.batch(30));
    assertPermutation(30, first);
    assertFalse(Arrays.equals(range(0, 30), first));
    assertArrayEquals(first, pass(shuffled.batch(30)));
    assertArrayEquals(first, pass(shuffled.batch(7)));
  }

  @Test
  void shuffleBufferBoundsHowFarAheadElementsComeFrom() {
    int n = 200;
    int buffer = 5;
    int[] order = pass(numbered(n).shuffle(buffer, 11).batch(16));
    assertPermutation(n, order);
    // The element emitted at position p was read after at most p + buffer inputs.
    for (int p = 0; p < n; p++) {
      assertTrue(order[p] <= p + buffer - 1, "position " + p + " emitted sample " + order[p]);
    }
    assertFalse(Arrays.equals(range(0, n), order));
    assertArrayEquals(range(0, n), pass(numbered(n).shuffle(1, 11).batch(16)), "buffer 1 = order");
  }

  @Test
  void repeatConcatenatesPassesAndReshufflesEachOne() {
    Dataset three = numbered(5).repeat(3);
    assertEquals(15, three.cardinality());
    int[] expected = IntStream.range(0, 15).map(i -> i % 5).toArray();
    assertArrayEquals(expected, pass(three.batch(4)));

    int[] twice = pass(numbered(20).shuffle(5).repeat(2).batch(40));
    int[] firstHalf = Arrays.copyOfRange(twice, 0, 20);
    int[] secondHalf = Arrays.copyOfRange(twice, 20, 40);
    assertPermutation(20, firstHalf);
    assertPermutation(20, secondHalf);
    assertFalse(Arrays.equals(firstHalf, secondHalf), "each repetition is a new shuffle");

    Dataset forever = numbered(5).repeat();
    assertEquals(Dataset.INFINITE_CARDINALITY, forever.cardinality());
    assertEquals(Dataset.INFINITE_CARDINALITY, forever.batch(3).cardinality());
    Dataset twelve = forever.take(12);
    assertEquals(12, twelve.cardinality());
    assertArrayEquals(IntStream.range(0, 12).map(i -> i % 5).toArray(), pass(twelve.batch(5)));
    assertEquals(Dataset.INFINITE_CARDINALITY, numbered(5).repeat(-1).cardinality());

    assertEquals(0, numbered(5).repeat(0).cardinality());
    assertEquals(0, pass(numbered(5).repeat(0).batch(2)).length);
    Dataset emptyForever = numbered(5).take(0).repeat();
    assertEquals(0, emptyForever.cardinality());
    assertFalse(emptyForever.iterator().hasNext(), "repeating nothing ends instead of looping");
  }

  @Test
  void takeCountsElementsAtItsPlaceInThePipeline() {
    assertArrayEquals(range(0, 3), pass(numbered(10).take(3).batch(5)));
    assertEquals(3, numbered(10).take(3).cardinality());
    Dataset tooMany = numbered(10).take(20);
    assertEquals(10, tooMany.cardinality());
    assertArrayEquals(range(0, 10), pass(tooMany.batch(3)));
    assertEquals(0, numbered(10).take(0).cardinality());
    assertFalse(numbered(10).take(0).batch(2).iterator().hasNext());
    assertEquals(10, numbered(10).take(-1).cardinality());

    List<int[]> twoBatches = labelBatches(numbered(10).batch(4).take(2));
    assertEquals(2, twoBatches.size(), "take after batch takes batches");
    assertArrayEquals(range(4, 8), twoBatches.get(1));
  }

  @Test
  void skipDropsTheFirstElementsAndSplitsWithTake() {
    Dataset all = numbered(10);
    assertArrayEquals(range(3, 10), pass(all.skip(3).batch(4)));
    assertEquals(7, all.skip(3).cardinality());
    assertArrayEquals(range(0, 7), pass(all.take(7).batch(4)));
    assertArrayEquals(range(7, 10), pass(all.skip(7).batch(4)), "take(n) + skip(n) = all");
    assertEquals(0, all.skip(20).cardinality());
    assertFalse(all.skip(20).iterator().hasNext());
    assertEquals(0, all.skip(-1).cardinality());
    assertFalse(all.skip(-1).iterator().hasNext());
    assertArrayEquals(range(0, 10), pass(all.skip(0).batch(10)));

    List<int[]> lastBatches = labelBatches(all.batch(4).skip(1));
    assertEquals(2, lastBatches.size(), "skip after batch skips batches");
    assertArrayEquals(range(4, 8), lastBatches.get(0));

    Dataset forever = numbered(5).repeat().skip(12);
    assertEquals(Dataset.INFINITE_CARDINALITY, forever.cardinality());
    assertArrayEquals(new int[] {2, 3, 4, 0}, pass(forever.take(4).batch(4)));
    assertThrows(IllegalArgumentException.class, () -> numbered(5).repeat().skip(-1));
    assertThrows(IllegalArgumentException.class, () -> all.skip(-2));
  }

  @Test
  void mapBeforeBatchSeesSamplesAndMayChangeLabelType() {
    AtomicInteger calls = new AtomicInteger();
    Dataset oneHot =
        numbered(6)
            .map(
                e -> {
                  calls.incrementAndGet();
                  assertEquals(Shape.of(2), e.xShape());
                  assertEquals(TInt32.class, e.labelType());
                  float[] x = e.x();
                  float[] y = new float[3];
                  y[e.yInts()[0] % 3] = 1f;
                  return e.withX(Shape.of(2), new float[] {2 * x[0], -x[1]}).withY(Shape.of(3), y);
                })
            .batch(4);
    assertEquals(0, calls.get(), "lazy");
    assertEquals(2, oneHot.cardinality());
    int sample = 0;
    for (Batch batch : oneHot) {
      try (batch) {
        TFloat32 y = (TFloat32) batch.y();
        int b = Math.toIntExact(batch.size());
        assertEquals(Shape.of(b, 3), y.shape());
        float[] x = floats(batch.x());
        float[] labels = floats(y);
        for (int k = 0; k < b; k++, sample++) {
          assertEquals(2f * sample, x[2 * k], 0f);
          assertEquals(-(100f + sample), x[2 * k + 1], 0f);
          for (int c = 0; c < 3; c++) {
            assertEquals(c == sample % 3 ? 1f : 0f, labels[3 * k + c], 0f);
          }
        }
      }
    }
    assertEquals(6, sample);
    assertEquals(6, calls.get(), "once per sample per pass");
    oneHot.elements().forEach(e -> {});
    assertEquals(12, calls.get(), "again on the next pass");
  }

  @Test
  void mapAfterBatchSeesWholeBatches() {
    List<Shape> seen = new ArrayList<>();
    Dataset scaled =
        numbered(10)
            .batch(4)
            .map(
                b -> {
                  seen.add(b.xShape());
                  float[] x = b.x();
                  for (int i = 0; i < x.length; i++) {
                    x[i] /= 10f;
                  }
                  int[] y = b.yInts();
                  assertEquals(b.xShape().get(0), y.length);
                  return b.withX(b.xShape(), x);
                });
    List<Element> batches = new ArrayList<>();
    scaled.elements().forEach(batches::add);
    assertEquals(List.of(Shape.of(4, 2), Shape.of(4, 2), Shape.of(2, 2)), seen);
    assertArrayEquals(new float[] {0.8f, 10.8f, 0.9f, 10.9f}, batches.get(2).x(), 1e-6f);
    assertArrayEquals(new int[] {8, 9}, batches.get(2).yInts());
  }

  @Test
  void batchingElementsOfDifferentShapesFailsNamingBothShapes() {
    Dataset ragged =
        numbered(4).map(e -> e.withX(Shape.of(e.yInts()[0] + 1), new float[e.yInts()[0] + 1]));
    Iterator<Batch> batches = ragged.batch(2).iterator();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, batches::next);
    assertTrue(e.getMessage().contains("[1]") && e.getMessage().contains("[2]"), e.getMessage());
    assertTrue(e.getMessage().contains("batch(2)"), e.getMessage());

    Dataset mixedLabels =
        numbered(4).map(s -> s.yInts()[0] == 1 ? s.withY(Shape.of(), new float[] {1f}) : s);
    IllegalArgumentException labels =
        assertThrows(IllegalArgumentException.class, () -> mixedLabels.batch(4).iterator().next());
    assertTrue(labels.getMessage().contains("int32 labels"), labels.getMessage());
    assertTrue(labels.getMessage().contains("float32 labels"), labels.getMessage());
  }

  @Test
  void featuresOnlyDatasetsHaveNoLabels() {
    Dataset predict = Dataset.of(new float[][] {{1, 2}, {3, 4}, {5, 6}}).batch(2);
    Iterator<Batch> it = predict.iterator();
    try (Batch batch = it.next()) {
      assertFalse(batch.hasLabels());
      assertNull(batch.y());
      assertArrayEquals(new float[] {1, 2, 3, 4}, floats(batch.x()), 0f);
    }
    try (Batch batch = it.next()) {
      assertEquals(Shape.of(1, 2), batch.x().shape());
    }
    assertFalse(it.hasNext());
  }

  @Test
  void tutorialArraysBatchAsFloatLabels() {
    Dataset data = Dataset.of(new float[][] {{1, 2, 3}, {4, 5, 6}}, new float[][] {{10}, {20}});
    try (Batch batch = data.batch(2).iterator().next()) {
      assertEquals(Shape.of(2, 3), batch.x().shape());
      assertEquals(Shape.of(2, 1), batch.y().shape());
      assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, floats(batch.x()), 0f);
      assertArrayEquals(new float[] {10, 20}, floats((TFloat32) batch.y()), 0f);
    }
  }

  @Test
  void imageShapedSamplesKeepTheirShape() {
    FloatNdArray x = NdArrays.ofFloats(Shape.of(5, 3, 2, 1));
    for (int i = 0; i < 5; i++) {
      x.setFloat(i, i, 2, 1, 0);
    }
    IntNdArray y = NdArrays.ofInts(Shape.of(5, 1));
    try (Batch batch = Dataset.of(x, y).batch(3).iterator().next()) {
      assertEquals(Shape.of(3, 3, 2, 1), batch.x().shape());
      assertEquals(Shape.of(3, 1), batch.y().shape());
      assertEquals(2f, batch.x().getFloat(2, 2, 1, 0), 0f);
    }
  }

  @Test
  void tensorsAreCopiedToTheHeapOnce() {
    Dataset data;
    try (TFloat32 x = TFloat32.tensorOf(Shape.of(3, 2), t -> {});
        TInt32 y = TInt32.vectorOf(7, 8, 9)) {
      for (int i = 0; i < 3; i++) {
        x.setFloat(10 * i, i, 0);
        x.setFloat(10 * i + 1, i, 1);
      }
      data = Dataset.of(x, y);
    }
    // The caller's tensors are closed; the dataset still has its copy, pass after pass.
    for (int pass = 0; pass < 2; pass++) {
      try (Batch batch = data.batch(3).iterator().next()) {
        assertArrayEquals(new float[] {0, 1, 10, 11, 20, 21}, floats(batch.x()), 0f);
        assertArrayEquals(new int[] {7, 8, 9}, ints((TInt32) batch.y()));
      }
    }
  }

  @Test
  void closingABatchFreesItsTensors() {
    Iterator<Batch> it = numbered(6).batch(3).iterator();
    Batch batch = it.next();
    TFloat32 x = batch.x();
    TInt32 y = (TInt32) batch.y();
    assertEquals(3 * 2 * Float.BYTES, x.asRawTensor().numBytes());
    batch.close();
    // TensorFlow Java reports a freed native tensor this way.
    assertThrows(IllegalStateException.class, () -> x.asRawTensor().data());
    assertThrows(IllegalStateException.class, () -> y.asRawTensor().data());
    assertThrows(IllegalStateException.class, batch::x);
    batch.close();
    try (Batch next = it.next()) {
      assertArrayEquals(new int[] {3, 4, 5}, ints((TInt32) next.y()), "later batches unaffected");
    }
  }

  @Test
  void sampleBatchDrawsIndicesWithReplacementLikeRandint() {
    Dataset data = numbered(5);
    Random expectedIndices = new Random(3);
    int[] expected = new int[40];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = expectedIndices.nextInt(5);
    }
    try (Batch batch = data.sampleBatch(new Random(3), 40)) {
      assertEquals(Shape.of(40, 2), batch.x().shape());
      int[] y = ints((TInt32) batch.y());
      assertArrayEquals(expected, y);
      float[] x = floats(batch.x());
      for (int k = 0; k < 40; k++) {
        assertEquals(y[k], x[2 * k], 0f);
      }
    }
    // Maps apply to the drawn samples.
    Dataset negated = data.map(e -> e.withY(e.yShape(), new int[] {-e.yInts()[0]}));
    try (Batch batch = negated.sampleBatch(new Random(3), 40)) {
      assertArrayEquals(Arrays.stream(expected).map(i -> -i).toArray(), ints((TInt32) batch.y()));
    }
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> data.shuffle(1).sampleBatch(new Random(), 2));
    assertTrue(e.getMessage().contains("Dataset.of"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> data.sampleBatch(new Random(), 0));
  }

  @Test
  void sampleCountMismatchNamesBothCounts() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Dataset.of(NdArrays.ofFloats(Shape.of(5, 2)), NdArrays.ofInts(Shape.of(4))));
    assertTrue(e.getMessage().contains("x has 5 samples"), e.getMessage());
    assertTrue(e.getMessage().contains("y has 4"), e.getMessage());
    IllegalArgumentException rows =
        assertThrows(
            IllegalArgumentException.class,
            () -> Dataset.of(new float[][] {{1}, {2}}, new float[][] {{1}, {2}, {3}}));
    assertTrue(rows.getMessage().contains("x has 2 samples"), rows.getMessage());
    assertTrue(rows.getMessage().contains("y has 3"), rows.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> Dataset.of(new float[][] {{1, 2}, {3}}, new int[2]));
    assertThrows(IllegalArgumentException.class, () -> Dataset.of(NdArrays.scalarOf(1f)));
  }

  @Test
  void badArgumentsAreRejected() {
    Dataset data = numbered(4);
    assertThrows(IllegalArgumentException.class, () -> data.batch(0));
    assertThrows(IllegalArgumentException.class, () -> data.shuffle(0, 1));
    assertThrows(IllegalArgumentException.class, () -> data.take(-2));
    assertThrows(IllegalArgumentException.class, () -> data.repeat(-2));
    assertThrows(IllegalArgumentException.class, () -> data.map(null));
    // A shuffle buffer works on an endless dataset as in tf.data (the former whole-dataset
    // shuffle(seed) refused it): a buffer of 1 keeps the order across the repeats.
    assertArrayEquals(new int[] {0, 1, 2, 3, 0, 1, 2, 3}, pass(data.repeat().shuffle(1, 5).take(8).batch(8)));
    assertEquals(8, pass(data.repeat().shuffle(3, 5).take(8).batch(8)).length);
    IllegalArgumentException size =
        assertThrows(
            IllegalArgumentException.class, () -> Element.of(Shape.of(2, 2), new float[3]));
    assertTrue(size.getMessage().contains("3 values") && size.getMessage().contains("[2, 2]"));
    Element noLabels = Element.of(Shape.of(1), new float[] {1});
    assertThrows(IllegalStateException.class, noLabels::yShape);
    assertThrows(
        IllegalStateException.class,
        () -> Element.of(Shape.of(1), new float[1], Shape.of(1), new int[1]).yFloats());
  }

  @Test
  void elementsAreImmutable() {
    float[] values = {1, 2};
    Element e = Element.of(Shape.of(2), values);
    values[0] = 99;
    assertArrayEquals(new float[] {1, 2}, e.x(), 0f);
    e.x()[1] = 99;
    assertArrayEquals(new float[] {1, 2}, e.x(), 0f);
  }
}
