package dev.keraslite.samples.readme;

import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Embedding;
import dev.keraslite.layers.LSTM;
import dev.keraslite.layers.Masking;
import dev.keraslite.models.Input;
import dev.keraslite.models.Sequential;

/** README's masking example (padded sequences, recurrent dropout), compiled as printed. */
class MaskedSequences {
  static Sequential[] models() {
    // README:begin
    // Token ids padded with 0 to length 20: the LSTM skips the padded steps.
    Sequential text = new Sequential(Input.of(20),
        new Embedding(10_000, 64).maskZero(true),
        new LSTM(32).dropout(0.2).recurrentDropout(0.2),
        new Dense(1));
    // Float features: timesteps whose 8 features all equal 0.0 are skipped.
    Sequential series = new Sequential(Input.of(20, 8), new Masking(0.0), new LSTM(32), new Dense(1));
    // README:end
    return new Sequential[] {text, series};
  }
}
