package dev.keraslite.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, item 2: every optimizer's setters chain in any order, the common ones ({@code name},
 * {@code clipnorm}, {@code clipvalue}, {@code globalClipnorm}, {@code weightDecay}, {@code
 * excludeFromWeightDecay}) before its own, and the chain's type is the optimizer's. Each chain below
 * failed to compile when the common setters returned {@code Optimizer}; the assertions check that
 * every option of the chain took effect on the one instance.
 */
class OptionChainingTest {

  @Test
  void commonSettersChainBeforeEachOptimizersOwn() {
    Adam adam = new Adam(1e-3f).clipnorm(1f).amsgrad(true).name("opt").beta1(0.8f);
    assertEquals(1f, adam.clipnorm());
    assertTrue(adam.amsgrad());
    assertEquals("opt", adam.name());
    assertEquals(0.8f, adam.beta1());

    AdamW adamW = new AdamW(1e-3f).weightDecay(0.01f).clipvalue(0.5f).beta2(0.99f).epsilon(1e-6f);
    assertEquals(0.01f, adamW.weightDecay());
    assertEquals(0.5f, adamW.clipvalue());
    assertEquals(0.99f, adamW.beta2());
    assertEquals(1e-6f, adamW.epsilon());

    SGD sgd = new SGD(0.1f).globalClipnorm(2f).momentum(0.9f).nesterov(true);
    assertEquals(2f, sgd.globalClipnorm());
    assertEquals(0.9f, sgd.momentum());
    assertTrue(sgd.nesterov());

    RMSprop rms = new RMSprop(1e-3f).excludeFromWeightDecay(null, List.of("bias")).weightDecay(1e-4f).centered(true);
    assertEquals(1e-4f, rms.weightDecay());
    assertTrue(rms.centered());

    Adagrad adagrad = new Adagrad(1e-2f).clipnorm(3f).initialAccumulatorValue(0.2f);
    assertEquals(3f, adagrad.clipnorm());
    Adadelta adadelta = new Adadelta(1f).name("ada").rho(0.9f);
    assertEquals("ada", adadelta.name());
    Adamax adamax = new Adamax(2e-3f).clipvalue(1f).epsilon(1e-6f);
    assertEquals(1f, adamax.clipvalue());
    Nadam nadam = new Nadam(2e-3f).globalClipnorm(1f).epsilon(1e-6f);
    assertEquals(1f, nadam.globalClipnorm());
  }

  @Test
  void throughAnOptimizerReferenceTheSettersStillConfigureTheSameInstance() {
    Adam adam = new Adam();
    Optimizer asOptimizer = adam;
    assertSame(adam, asOptimizer.clipnorm(1.5f).name("held"));
    assertEquals(1.5f, adam.clipnorm());
    assertEquals("held", adam.name());
  }
}
