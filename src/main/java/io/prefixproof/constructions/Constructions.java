package io.prefixproof.constructions;

import io.prefixproof.adapt.SoftPrompt;
import io.prefixproof.algebra.Arith;
import io.prefixproof.model.Model;
import java.util.Arrays;
import org.apache.commons.math3.FieldElement;
import org.apache.commons.math3.fraction.BigFraction;

/** Command-line glue for the constructions: parsing options and running a construction on a target. */
public final class Constructions {
  private Constructions() {}

  /** A decimal temperature such as {@code 50} or {@code 39.65}, as an exact fraction. */
  public static BigFraction parseTemperature(String t) {
    try {
      java.math.BigDecimal d = new java.math.BigDecimal(t.trim());
      return d.scale() > 0 ? new BigFraction(d.unscaledValue(), java.math.BigInteger.TEN.pow(d.scale()))
          : new BigFraction(d.toBigIntegerExact());
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("temperature must be a decimal number like 50 or 39.65, got '" + t + "'");
    }
  }

  public static boolean parseScale(String s) {
    return switch (s) {
      case "notebook" -> true;
      case "fixed" -> false;
      default -> throw new IllegalArgumentException("--scale must be notebook or fixed, got '" + s + "'");
    };
  }

  public static String parseArith(String a) {
    if (!a.equals("dfp") && !a.equals("double") && !a.equals("exact")) {
      throw new IllegalArgumentException("--arith must be dfp, double or exact, got '" + a + "'");
    }
    return a;
  }

  public static int[] cap2Target(Settings s, String text, int[] tokens) {
    if ((text == null) == (tokens == null)) {
      throw new IllegalArgumentException("give exactly one of --target-text and --target-tokens");
    }
    return text != null ? Decoder.encode(text, s.vocab()) : tokens;
  }

  /** Text for V = 94, indices otherwise. */
  public static String show(int[] tokens, int vocab) {
    return Decoder.text(tokens, vocab);
  }

  /** Builds CAP-2 in the named arithmetic, encodes the target, generates N tokens, returns them as text. */
  public static String runCap2(Settings s, String arith, int[] target) {
    return switch (arith) {
      case "double" -> cap2(s, Arith.decimal64(), target);
      case "exact" -> cap2(s, exact(s), target);
      default -> cap2(s, Arith.dfp(40), target);
    };
  }

  /** Exact mode (the rational kernel in place of exp); the notebook scale T/√n is irrational there. */
  static Arith<BigFraction> exact(Settings s) {
    if (s.notebookScale()) {
      throw new IllegalArgumentException("exact mode needs --scale fixed: T/sqrt(n) is irrational");
    }
    return Arith.exact();
  }

  static <T extends FieldElement<T>> String cap2(Settings s, Arith<T> ar, int[] target) {
    Model<T> m = Cap2.model(s, ar);
    SoftPrompt<T> prompt = Cap2.prompt(target, s, ar);
    return Decoder.text(Cap2.generate(m, prompt), s.vocab());
  }

  /**
   * A CAP-4 map: "demo" (V = 94: capital letters to animals, lower case to foods, the rest to themselves,
   * each answer padded or cut to N0) or one answer per token separated by '|' (text for V = 94, else
   * comma-separated indices).
   */
  public static int[][] cap4Map(Settings s, String map) {
    if (map == null) {
      throw new IllegalArgumentException("--map is required for cap4");
    }
    int v = s.vocab();
    int n0 = s.length();
    int[][] rows = new int[v][];
    if (map.equals("demo")) {
      if (v != 94) {
        throw new IllegalArgumentException("--map demo needs --vocab 94");
      }
      String[] animals = {"ant", "bear", "cat", "dog", "eagle", "fox", "goat", "horse", "ibis", "jaguar", "koala",
          "lion", "mouse", "newt", "owl", "panda", "quail", "rabbit", "snake", "tiger", "urchin", "viper", "wolf",
          "yak", "xerus", "zebra"};
      String[] foods = {"apple", "blueberries", "carrot", "dates", "eggs", "figs", "grapes", "honey", "icecream",
          "jam", "kiwi", "lemon", "mango", "nuts", "olives", "pasta", "quince", "rice", "soup", "tofu", "udon",
          "vanilla", "waffles", "xigua", "yogurt", "ziti"};
      for (int c = 0; c < v; c++) {
        char ch = (char) (c + 32);
        String answer = Character.isUpperCase(ch) ? animals[ch - 'A'] : Character.isLowerCase(ch) ? foods[ch - 'a']
            : String.valueOf(ch);
        rows[c] = Decoder.encode(pad(answer, n0), 94);
      }
      return rows;
    }
    String[] parts = map.split("\\|", -1);
    if (parts.length != v) {
      throw new IllegalArgumentException("--map has " + parts.length + " answers separated by '|', expected V=" + v);
    }
    for (int k = 0; k < v; k++) {
      rows[k] = v == 94 ? Decoder.encode(pad(parts[k], n0), 94) : indices(parts[k]);
      if (rows[k].length != n0) {
        throw new IllegalArgumentException("answer " + k + " has " + rows[k].length + " tokens, expected N0=" + n0);
      }
    }
    return rows;
  }

  static String pad(String s, int n) {
    return s.length() >= n ? s.substring(0, n) : s + " ".repeat(n - s.length());
  }

  static int[] indices(String s) {
    try {
      return Arrays.stream(s.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected comma-separated token indices, got '" + s + "'");
    }
  }

  /** Answers each user token with CAP-4; one answer per line. */
  public static String runCap4(Settings s, String arith, int[][] map, int[] input) {
    return switch (arith) {
      case "double" -> cap4(s, Arith.decimal64(), map, input);
      case "exact" -> cap4(s, exact(s), map, input);
      default -> cap4(s, Arith.dfp(40), map, input);
    };
  }

  static <T extends FieldElement<T>> String cap4(Settings s, Arith<T> ar, int[][] map, int[] input) {
    Model<T> m = Cap4.model(s, ar);
    SoftPrompt<T> prompt = Cap4.prompt(map, s, ar);
    StringBuilder sb = new StringBuilder();
    for (int u : input) {
      sb.append(sb.length() == 0 ? "" : "\n").append(Decoder.text(Cap4.answer(m, prompt, u), s.vocab()));
    }
    return sb.toString();
  }

  /**
   * A CAP-5 table: "sum" ((a + b) mod V) or V rows separated by '|', each V comma-separated entries.
   */
  public static int[][] cap5Table(Settings s, String table) {
    if (table == null) {
      throw new IllegalArgumentException("--map is required for cap5 (a table: 'sum' or rows separated by '|')");
    }
    int v = s.vocab();
    int[][] f = new int[v][];
    if (table.equals("sum")) {
      for (int a = 0; a < v; a++) {
        f[a] = new int[v];
        for (int b = 0; b < v; b++) {
          f[a][b] = (a + b) % v;
        }
      }
      return f;
    }
    String[] rows = table.split("\\|", -1);
    if (rows.length != v) {
      throw new IllegalArgumentException("--map has " + rows.length + " rows separated by '|', expected V=" + v);
    }
    for (int a = 0; a < v; a++) {
      f[a] = indices(rows[a]);
    }
    return f;
  }

  /** Answers user token pairs (a, b) with CAP-5; the input is a, b, a, b, ... */
  public static String runCap5(Settings s, String arith, int[][] table, int[] input) {
    if (input.length % 2 != 0) {
      throw new IllegalArgumentException("cap5 answers pairs: give an even number of user tokens, got " + input.length);
    }
    return switch (arith) {
      case "double" -> cap5(s, Arith.decimal64(), table, input);
      case "exact" -> cap5(s, Arith.exact(), table, input);
      default -> cap5(s, Arith.dfp(40), table, input);
    };
  }

  static <T extends FieldElement<T>> String cap5(Settings s, Arith<T> ar, int[][] table, int[] input) {
    Model<T> m = Cap5.model(s, ar);
    SoftPrompt<T> prompt = Cap5.prompt(table, s, ar);
    int[] out = new int[input.length / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = Cap5.answer(m, prompt, input[2 * i], input[2 * i + 1]);
    }
    return Decoder.text(out, s.vocab());
  }

  /** The map: "swapcase" (V = 94) or comma-separated images of 0..V-1. */
  public static int[] cap3Map(Settings s, String map) {
    if (map == null) {
      throw new IllegalArgumentException("--map is required for cap3");
    }
    int v = s.vocab();
    if (map.equals("swapcase")) {
      if (v != 94) {
        throw new IllegalArgumentException("--map swapcase needs --vocab 94");
      }
      int[] m = new int[v];
      for (int c = 0; c < v; c++) {
        char ch = (char) (c + 32);
        char sw = Character.isUpperCase(ch) ? Character.toLowerCase(ch) : Character.toUpperCase(ch);
        m[c] = sw - 32 < v ? sw - 32 : c;
      }
      return m;
    }
    try {
      return Arrays.stream(map.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--map must be 'swapcase' or comma-separated integers, got '" + map + "'");
    }
  }

  public static int[] cap3Input(Settings s, String input) {
    if (input == null) {
      throw new IllegalArgumentException("--input is required for cap3");
    }
    if (s.vocab() == 94) {
      return Decoder.encode(input, 94);
    }
    try {
      return Arrays.stream(input.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--input must be comma-separated token indices for V != 94");
    }
  }

  /** Answers each input token with CAP-3 and returns the answers as text. */
  public static String runCap3(Settings s, String arith, int[] map, int[] input) {
    return switch (arith) {
      case "double" -> cap3(s, Arith.decimal64(), map, input);
      case "exact" -> cap3(s, exact(s), map, input);
      default -> cap3(s, Arith.dfp(40), map, input);
    };
  }

  static <T extends FieldElement<T>> String cap3(Settings s, Arith<T> ar, int[] map, int[] input) {
    Model<T> m = Cap3.model(s, ar);
    SoftPrompt<T> prompt = Cap3.prompt(map, s, ar);
    int[] out = Arrays.stream(input).map(u -> Cap3.answer(m, prompt, u)).toArray();
    return Decoder.text(out, s.vocab());
  }
}
