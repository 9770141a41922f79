package dev.keraslite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keraslite.activations.Activations;
import dev.keraslite.constraints.Constraints;
import dev.keraslite.constraints.MaxNorm;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.losses.Losses;
import dev.keraslite.losses.MeanSquaredError;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.metrics.AUC;
import dev.keraslite.metrics.Accuracy;
import dev.keraslite.metrics.Metrics;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.optimizers.Optimizers;
import dev.keraslite.optimizers.RMSprop;
import dev.keraslite.regularizers.L2;
import dev.keraslite.regularizers.Regularizers;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.tensorflow.op.Ops;

/**
 * Issue 13, item 3: every registry of Keras names resolves Keras's names and aliases and refuses an
 * unknown one with the same message, {@code Unknown <kind> '<name>'; valid: <sorted names>}.
 */
class IdentifiersTest {

  private static String message(Executable call) {
    return assertThrows(IllegalArgumentException.class, call).getMessage();
  }

  @Test
  void theMessageNamesTheKindAndListsTheValidNamesSortedOnce() {
    IllegalArgumentException e = Identifiers.unknown("widget", "wigdet", List.of("gear", "cog", "gear", "axle"));
    assertEquals("Unknown widget 'wigdet'; valid: axle, cog, gear", e.getMessage());
    assertEquals("Unknown widget 'null'; valid: a", Identifiers.unknown("widget", null, List.of("a")).getMessage());
  }

  @Test
  void everyRegistryGivesTheSameMessageForAnUnknownName() {
    assertEquals(
        "Unknown activation 'relux'; valid: elu, gelu, hard_sigmoid, leaky_relu, linear, relu, selu,"
            + " sigmoid, silu, softmax, softplus, softsign, swish, tanh",
        message(() -> Activations.get("relux")));
    assertEquals(
        "Unknown optimizer 'adamm'; valid: adadelta, adagrad, adam, adamax, adamw, nadam, rmsprop, sgd",
        message(() -> Optimizers.get("adamm")));
    assertEquals(
        "Unknown regularizer 'l3'; valid: L1, L1L2, L2, l1, l1_l2, l2", message(() -> Regularizers.get("l3")));
    assertEquals(
        "Unknown constraint 'maxnorm'; valid: MaxNorm, MinMaxNorm, NonNeg, UnitNorm, max_norm,"
            + " min_max_norm, non_neg, unit_norm",
        message(() -> Constraints.get("maxnorm")));
    String initializer = message(() -> Initializers.get("he_normall"));
    assertEquals(
        "Unknown initializer 'he_normall'; valid: GlorotNormal, GlorotUniform, HeNormal, HeUniform,"
            + " LecunNormal, LecunUniform, Ones, Orthogonal, RandomNormal, RandomUniform, TruncatedNormal,"
            + " Zeros, glorot_normal, glorot_uniform, he_normal, he_uniform, lecun_normal, lecun_uniform,"
            + " ones, orthogonal, random_normal, random_uniform, truncated_normal, zeros",
        initializer);
    String loss = message(() -> Losses.get("msee"));
    assertEquals(
        "Unknown loss 'msee'; valid: BCE, BinaryCrossentropy, CategoricalCrossentropy, CosineSimilarity,"
            + " Hinge, Huber, KLD, KLDivergence, LogCosh, MAE, MAPE, MSE, MSLE, MeanAbsoluteError,"
            + " MeanAbsolutePercentageError, MeanSquaredError, MeanSquaredLogarithmicError, Poisson,"
            + " SparseCategoricalCrossentropy, bce, binary_crossentropy, categorical_crossentropy,"
            + " cosine_similarity, hinge, huber, kl_divergence, kld, log_cosh, mae, mape,"
            + " mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,"
            + " mean_squared_logarithmic_error, mse, msle, poisson, sparse_categorical_crossentropy",
        loss);
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      String metric = message(() -> Metrics.get("acuracy"));
      assertEquals(
          "Unknown metric 'acuracy'; valid: AUC, Accuracy, BinaryAccuracy, CategoricalAccuracy, MAE, MSE,"
              + " Mean, MeanAbsoluteError, MeanSquaredError, Precision, Recall, RootMeanSquaredError,"
              + " SparseCategoricalAccuracy, SparseTopKCategoricalAccuracy, Sum, TopKCategoricalAccuracy,"
              + " acc, accuracy, auc, binary_accuracy, categorical_accuracy, mae, mean,"
              + " mean_absolute_error, mean_squared_error, mse, precision, recall, root_mean_squared_error,"
              + " sparse_categorical_accuracy, sparse_top_k_categorical_accuracy, sum,"
              + " top_k_categorical_accuracy",
          metric);
    }
  }

  @Test
  void aMissingNameIsRefusedTheSameWayWhereKerasHasNoDefault() {
    assertEquals("Unknown initializer 'null'; valid: ", message(() -> Initializers.get(null)).substring(0, 35));
    assertEquals("Unknown regularizer 'null'; valid: L1", message(() -> Regularizers.get(null)).substring(0, 37));
    assertEquals("Unknown constraint 'null'; valid: MaxNorm", message(() -> Constraints.get(null)).substring(0, 41));
    assertEquals("Unknown loss 'null'; valid: BCE", message(() -> Losses.get(null)).substring(0, 31));
    // Keras's activations.get(None) is linear.
    assertEquals("linear", Activations.get(null).toString());
  }

  @Test
  void kerasNamesAndAliasesResolve() {
    assertEquals("glorot_uniform", Initializers.get("glorot_uniform").toString());
    assertEquals("he_normal", Initializers.get("he_normal").toString());
    assertEquals("he_normal", Initializers.get("HeNormal").toString());
    assertEquals(Initializers.orthogonal().toString(), Initializers.get("Orthogonal").toString());
    assertInstanceOf(MeanSquaredError.class, Losses.get("mse"));
    assertInstanceOf(MeanSquaredError.class, Losses.get("mean_squared_error"));
    assertInstanceOf(SparseCategoricalCrossentropy.class, Losses.get("sparse_categorical_crossentropy"));
    assertInstanceOf(RMSprop.class, Optimizers.get("rmsprop"));
    assertInstanceOf(RMSprop.class, Optimizers.get("RMSprop"));
    assertInstanceOf(Adam.class, Optimizers.get("adam"));
    assertInstanceOf(L2.class, Regularizers.get("l2"));
    assertInstanceOf(MaxNorm.class, Constraints.get("max_norm"));
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      assertInstanceOf(Accuracy.class, Metrics.get("accuracy"));
      assertInstanceOf(Accuracy.class, Metrics.get("acc"));
      assertInstanceOf(AUC.class, Metrics.get("auc"));
      assertInstanceOf(dev.keraslite.metrics.MeanAbsoluteError.class, Metrics.get("mae"));
      assertInstanceOf(dev.keraslite.metrics.MeanSquaredError.class, Metrics.get("mse"));
    }
  }
}
