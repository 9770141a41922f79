package dev.keraslite.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The job's {@code --function} flag: parsed, off by default, and kept out of README's table. */
class TutorialArgsTest {
  @Test
  void functionFlagIsParsedAndOffByDefault() throws TutorialArgs.UsageException {
    assertFalse(TutorialArgs.parse(new String[0], Tutorial.examples()).function());
    TutorialArgs args =
        TutorialArgs.parse(
            new String[] {"--only", "mlpcustomloop,CnnCustomLoop", "--function"}, Tutorial.examples());
    assertTrue(args.function());
    assertEquals(Set.of("MlpCustomLoop", "CnnCustomLoop"), args.only());
    assertTrue(TutorialArgs.USAGE.contains("[--function]"), TutorialArgs.USAGE);
  }

  @Test
  void readmeTableRefusesTheFunctionFlag() {
    TutorialArgs.UsageException e =
        assertThrows(
            TutorialArgs.UsageException.class,
            () -> TutorialArgs.parse(new String[] {"--function", "--check-readme"}, Tutorial.examples()));
    assertTrue(e.getMessage().contains("no --function"), e.getMessage());
  }
}
