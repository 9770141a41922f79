package dev.keraslite.metrics;

import java.util.Random;

/** Small deterministic batches for the metric tests: labels, predictions and weights per batch. */
final class MetricData {
  static final int BATCHES = 3;
  static final int BATCH = 6;
  static final int CLASSES = 4;

  final int[][] labels = new int[BATCHES][BATCH];
  final float[][][] oneHot = new float[BATCHES][BATCH][CLASSES];
  final float[][][] probabilities = new float[BATCHES][BATCH][CLASSES];
  final float[][] binaryLabels = new float[BATCHES][BATCH];
  final float[][] scores = new float[BATCHES][BATCH];
  final float[][] weights = new float[BATCHES][BATCH];
  final float[][][] targets = new float[BATCHES][BATCH][CLASSES];
  final float[][][] predictions = new float[BATCHES][BATCH][CLASSES];

  MetricData(long seed) {
    Random r = new Random(seed);
    for (int b = 0; b < BATCHES; b++) {
      for (int i = 0; i < BATCH; i++) {
        labels[b][i] = r.nextInt(CLASSES);
        oneHot[b][i][labels[b][i]] = 1;
        float sum = 0;
        for (int c = 0; c < CLASSES; c++) {
          probabilities[b][i][c] = 0.05f + r.nextFloat();
          sum += probabilities[b][i][c];
        }
        for (int c = 0; c < CLASSES; c++) {
          probabilities[b][i][c] /= sum;
          targets[b][i][c] = (float) (r.nextGaussian() * 2);
          predictions[b][i][c] = (float) (r.nextGaussian() * 2);
        }
        binaryLabels[b][i] = r.nextBoolean() ? 1 : 0;
        // Keep scores off every AUC threshold k/199 and off 0.5 by a wide margin.
        scores[b][i] = (float) ((r.nextInt(199) + 0.25 + 0.5 * r.nextDouble()) / 199);
        weights[b][i] = r.nextInt(4) * 0.5f;
      }
    }
  }

  static int argMax(float[] row) {
    int best = 0;
    for (int c = 1; c < row.length; c++) {
      if (row[c] > row[best]) {
        best = c;
      }
    }
    return best;
  }

  /** Whether {@code label}'s score is among the {@code k} largest of {@code row}. */
  static boolean inTopK(float[] row, int label, int k) {
    int larger = 0;
    for (float v : row) {
      if (v > row[label]) {
        larger++;
      }
    }
    return larger < k;
  }
}
