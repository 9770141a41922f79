package dev.keraslite.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expected strings are what CPython 3 prints for the same expressions (shown in comments). */
class PythonFormatTest {
  @Test
  void percentFormatsRoundTheExactBinaryValueHalfToEven() {
    assertEquals("0.1235", PythonFormat.fixed(0.12345, 4)); // '%.4f' % 0.12345
    assertEquals("0", PythonFormat.fixed(0.5, 0)); // '%.0f' % 0.5
    assertEquals("2", PythonFormat.fixed(1.5, 0));
    assertEquals("2", PythonFormat.fixed(2.5, 0));
    assertEquals("-0.0000", PythonFormat.fixed(-0.00001, 4));
    assertEquals("1.2346e-04", PythonFormat.scientific(0.000123456, 4)); // '%.4e' % 0.000123456
    assertEquals("0.0000e+00", PythonFormat.scientific(0.0, 4));
    assertEquals("-1.0000e-04", PythonFormat.scientific(-9.99996e-5, 4));
    assertEquals("nan", PythonFormat.scientific(Double.NaN, 4));
    assertEquals("inf", PythonFormat.fixed(Double.POSITIVE_INFINITY, 4));
  }

  @Test
  void reprIsPythonsStrOfAFloat() {
    double[] xs = {1e-05, 0.1, 100.0, 1.5e16, 1e16, 123456789.123, 0.0001, -2.5, 1e22,
        0.1 + 0.2};
    List<String> expected =
        List.of("1e-05", "0.1", "100.0", "1.5e+16", "1e+16", "123456789.123", "0.0001", "-2.5",
            "1e+22", "0.30000000000000004");
    for (int i = 0; i < xs.length; i++) {
      assertEquals(expected.get(i), PythonFormat.repr(xs[i]), "str(" + xs[i] + ")");
    }
  }

  @Test
  void formatSpecsAsStrFormat() {
    assertEquals("03", f(3, "02d")); // format(3, '02d')
    assertEquals("0.46", f(0.4567, ".2f"));
    assertEquals("-003", f(-3, "04d"));
    assertEquals("1.23e+03", f(1234.5, ".3g"));
    assertEquals("0.0001", f(0.0001, "g"));
    assertEquals("1e-05", f(1e-5, "g"));
    assertEquals("   12", f(12, "5d"));
    assertEquals("25.000000%", f(0.25, "%"));
    assertEquals("25.6%", f(0.256, ".1%"));
    assertEquals("2.0", f(2.0, ".3"));
    assertEquals("0.123", f(0.12345678, ".3"));
    assertEquals("1.23E+03", f(1234.5, ".2E"));
    assertEquals("7.000000", f(7, "f"));
    assertEquals("5", f(5, ""));
    IllegalArgumentException d = assertThrows(IllegalArgumentException.class, () -> f(0.5, "d"));
    assertTrue(d.getMessage().contains("format code 'd' needs an integer"), d.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PythonFormat.FormatSpec.parse("<10s"));
  }

  @Test
  void pathTemplatesFillEpochAndLogs() {
    PathTemplate t = new PathTemplate("ckpt/{{x}}/w-{epoch:02d}-{val_loss:.2f}-{loss}.bin");
    assertEquals(
        "ckpt/{x}/w-07-0.35-0.25.bin",
        t.format(Map.of("epoch", 7, "val_loss", 0.3456, "loss", 0.25)));
    IllegalArgumentException missing =
        assertThrows(IllegalArgumentException.class, () -> t.format(Map.of("epoch", 1, "loss", 1.0)));
    assertTrue(
        missing.getMessage().startsWith(
            "Failed to format this callback filepath: \"ckpt/{{x}}/w-{epoch:02d}-{val_loss:.2f}-{loss}.bin\"."
                + " Reason: no value named 'val_loss'"),
        missing.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new PathTemplate("w-{epoch.bin"));
    assertThrows(IllegalArgumentException.class, () -> new PathTemplate("w-}.bin"));
    assertThrows(IllegalArgumentException.class, () -> new PathTemplate("w-{epoch!r}.bin"));
  }

  private static String f(Object value, String spec) {
    return PythonFormat.format(value, PythonFormat.FormatSpec.parse(spec));
  }
}
