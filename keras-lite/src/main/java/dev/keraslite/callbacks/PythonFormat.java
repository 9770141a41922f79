package dev.keraslite.callbacks;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Number formatting as Python prints it, so that progress bars, CSV files and checkpoint names read
 * exactly as Keras writes them: {@code '%.4f'}, {@code '%.4e'}, {@code '%.0f'}, {@code str(float)}
 * and the format-spec types {@code d f e g %}.
 *
 * <p>Python rounds the exact binary value of a double, ties to even ({@code '%.0f' % 0.5 == '0'});
 * Java's {@link String#format} rounds ties up, so these methods round with {@link BigDecimal}.
 */
final class PythonFormat {
  private PythonFormat() {}

  /** {@code '%.<digits>f' % x}. */
  static String fixed(double x, int digits) {
    if (!Double.isFinite(x)) {
      return nonFinite(x, false);
    }
    String s = new BigDecimal(x).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
    // BigDecimal has no negative zero: -0.001 rounds to "0.00", Python prints "-0.00".
    if (isNegative(x) && !s.startsWith("-")) {
      s = "-" + s;
    }
    return s;
  }

  /** {@code '%.<digits>e' % x}: one digit, the point, {@code digits} digits, {@code e+XX}. */
  static String scientific(double x, int digits) {
    if (!Double.isFinite(x)) {
      return nonFinite(x, false);
    }
    String sign = isNegative(x) ? "-" : "";
    if (x == 0) {
      return sign + fixed(0, digits) + "e+00";
    }
    BigDecimal rounded =
        new BigDecimal(Math.abs(x)).round(new MathContext(digits + 1, RoundingMode.HALF_EVEN));
    int exponent = rounded.precision() - rounded.scale() - 1;
    String mantissa = rounded.movePointLeft(exponent).setScale(digits, RoundingMode.UNNECESSARY)
        .toPlainString();
    return sign + mantissa + exponentSuffix(exponent);
  }

  /**
   * {@code '%.<precision>g' % x}: {@code precision} significant digits, fixed or scientific by the
   * exponent, trailing zeros removed.
   */
  static String general(double x, int precision) {
    if (!Double.isFinite(x)) {
      return nonFinite(x, false);
    }
    int p = Math.max(precision, 1);
    if (x == 0) {
      return isNegative(x) ? "-0" : "0";
    }
    BigDecimal rounded =
        new BigDecimal(Math.abs(x)).round(new MathContext(p, RoundingMode.HALF_EVEN));
    int exponent = rounded.precision() - rounded.scale() - 1;
    String sign = isNegative(x) ? "-" : "";
    if (exponent >= -4 && exponent < p) {
      return sign + stripZeros(rounded.setScale(p - 1 - exponent, RoundingMode.UNNECESSARY)
          .toPlainString());
    }
    String mantissa = stripZeros(rounded.movePointLeft(exponent)
        .setScale(p - 1, RoundingMode.UNNECESSARY).toPlainString());
    return sign + mantissa + exponentSuffix(exponent);
  }

  /**
   * Python's {@code str(x)} (= {@code repr}): the shortest digits that read back as {@code x},
   * fixed notation for exponents in [-4, 16), else {@code 1e-05} style.
   */
  static String repr(double x) {
    if (!Double.isFinite(x)) {
      return nonFinite(x, false);
    }
    if (x == 0) {
      return isNegative(x) ? "-0.0" : "0.0";
    }
    // Double.toString gives the shortest round-tripping digits (JDK 19+; JDK 17 very rarely adds
    // one digit more).
    BigDecimal digits = new BigDecimal(Double.toString(Math.abs(x))).stripTrailingZeros();
    int exponent = digits.precision() - digits.scale() - 1;
    String sign = x < 0 ? "-" : "";
    if (exponent >= -4 && exponent < 16) {
      String plain = digits.toPlainString();
      return sign + (plain.contains(".") ? plain : plain + ".0");
    }
    String mantissa = digits.movePointLeft(exponent).toPlainString();
    return sign + mantissa + exponentSuffix(exponent);
  }

  /** How Keras's progress bar prints a metric: {@code %.4f}, or {@code %.4e} for tiny values. */
  static String metric(double x) {
    return Math.abs(x) > 1e-3 ? fixed(x, 4) : scientific(x, 4);
  }

  /**
   * Formats {@code value} (an Integer/Long or a Double) with a Python format spec: {@code [0][width]
   * [.precision][type]}, type one of {@code d f F e E g G %} or none.
   *
   * @throws IllegalArgumentException for a spec outside that subset, or {@code d} with a float
   */
  static String format(Object value, FormatSpec spec) {
    String body;
    boolean integral = value instanceof Integer || value instanceof Long;
    double x = ((Number) value).doubleValue();
    char type = spec.type();
    switch (type) {
      case 'd':
        if (!integral) {
          throw new IllegalArgumentException(
              "format code 'd' needs an integer, received the float " + repr(x));
        }
        if (spec.precision() >= 0) {
          throw new IllegalArgumentException("format code 'd' takes no precision");
        }
        body = Long.toString(((Number) value).longValue());
        break;
      case 'f':
      case 'F':
        body = fixed(x, spec.precisionOr(6));
        break;
      case 'e':
      case 'E':
        body = scientific(x, spec.precisionOr(6));
        break;
      case 'g':
      case 'G':
        body = general(x, spec.precisionOr(6));
        break;
      case '%':
        body = Double.isFinite(x) ? fixed(x * 100, spec.precisionOr(6)) + "%" : fixed(x, 0) + "%";
        break;
      default: // no type: str(value), or like 'g' keeping a ".0" when a precision is given
        if (integral) {
          body = Long.toString(((Number) value).longValue());
        } else if (spec.precision() < 0) {
          body = repr(x);
        } else {
          body = general(x, spec.precision());
          if (Double.isFinite(x) && !body.contains(".") && !body.contains("e")) {
            body += ".0";
          }
        }
    }
    if (Character.isUpperCase(type)) {
      body = body.toUpperCase(java.util.Locale.ROOT);
    }
    return pad(body, spec);
  }

  private static String pad(String body, FormatSpec spec) {
    int missing = spec.width() - body.length();
    if (missing <= 0) {
      return body;
    }
    if (!spec.zeroPad()) {
      return " ".repeat(missing) + body;
    }
    // Zero padding goes between the sign and the digits: format(-3, '04d') == '-003'.
    boolean signed = body.startsWith("-") || body.startsWith("+");
    return signed
        ? body.charAt(0) + "0".repeat(missing) + body.substring(1)
        : "0".repeat(missing) + body;
  }

  private static String exponentSuffix(int exponent) {
    String digits = Integer.toString(Math.abs(exponent));
    return "e" + (exponent < 0 ? "-" : "+") + (digits.length() < 2 ? "0" + digits : digits);
  }

  private static String stripZeros(String s) {
    if (!s.contains(".")) {
      return s;
    }
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  private static boolean isNegative(double x) {
    return x < 0 || (x == 0 && 1 / x < 0);
  }

  private static String nonFinite(double x, boolean upper) {
    String s = Double.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
    return upper ? s.toUpperCase(java.util.Locale.ROOT) : s;
  }

  /**
   * A parsed Python format spec: {@code [0][width][.precision][type]}.
   *
   * @param precision -1 when absent
   * @param type '\0' when absent
   */
  record FormatSpec(boolean zeroPad, int width, int precision, char type) {
    private static final java.util.regex.Pattern SYNTAX =
        java.util.regex.Pattern.compile("(0)?([1-9][0-9]*)?(?:\\.([0-9]+))?([dfFeEgG%])?");

    static final FormatSpec NONE = new FormatSpec(false, 0, -1, '\0');

    /**
     * Parses {@code spec}.
     *
     * @throws IllegalArgumentException outside the supported subset
     */
    static FormatSpec parse(String spec) {
      java.util.regex.Matcher m = SYNTAX.matcher(spec);
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "unsupported format spec '" + spec + "': use [0][width][.precision][type] with type"
                + " one of d, f, e, g, % (such as 02d or .4f)");
      }
      return new FormatSpec(
          m.group(1) != null,
          m.group(2) == null ? 0 : Integer.parseInt(m.group(2)),
          m.group(3) == null ? -1 : Integer.parseInt(m.group(3)),
          m.group(4) == null ? '\0' : m.group(4).charAt(0));
    }

    int precisionOr(int fallback) {
      return precision < 0 ? fallback : precision;
    }
  }
}
