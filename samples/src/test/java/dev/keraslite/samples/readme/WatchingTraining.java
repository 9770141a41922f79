package dev.keraslite.samples.readme;

import dev.keraslite.callbacks.History;
import dev.keraslite.callbacks.TensorBoard;
import dev.keraslite.models.Model;
import dev.keraslite.plots.Plots;
import dev.keraslite.training.FitOptions;
import java.nio.file.Path;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;

/** README's "Watching training", compiled as printed. */
class WatchingTraining {
  static void watch(Model model, FloatNdArray x, IntNdArray y) {
    // README:begin
    History history = model.fit(x, y, FitOptions.epochs(5).batchSize(50)
        .callbacks(new TensorBoard("logs/fit").histogramFreq(1)));   // TensorBoard event files
    history.plot(Path.of("history.png"));                             // every metric per epoch (XChart)
    Plots.modelGraph(model, Path.of("model.png"));                    // plot_model: model.dot, and model.png
    // README:end
  }
}
