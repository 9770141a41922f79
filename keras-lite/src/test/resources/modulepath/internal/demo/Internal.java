package demo;

import dev.keraslite.internal.fast.FastShape;
import dev.keraslite.layers.internal.Shapes;
import dev.keraslite.losses.internal.ShapeAlignment;
import dev.keraslite.training.internal.Trainer;

/** Must not compile: dev.keraslite does not export its internal packages. */
public class Internal {
  Object shape = FastShape.class;
  Object shapes = Shapes.class;
  Object alignment = ShapeAlignment.class;
  Object trainer = Trainer.class;
}
