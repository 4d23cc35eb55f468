package io.prefixproof.constructions;

/**
 * CAP-5 as the companion notebook computes it (A. Petrov, {@code constructions.ipynb}, section 5 "Conditional
 * generation given 2 tokens", repository AleksandarPetrov/prefix-tuning-theory), ported to Java doubles, which are
 * IEEE binary64 like numpy's float64, operation for operation: the same weights, the same rounded operations in the
 * same order (reductions as said below), Python's float {@code %} and {@code //}. Nothing here is exact; this class
 * exists to measure what the published float64 procedure answers.
 *
 * <p>Positions: 0 a zero dummy virtual token, 1 the table token, 2 and 3 the user tokens a and b, each row
 * {@code [token part (V) | one-hot position (4)]}, no residual. The table token packs row a of the table into one
 * real, {@code vt_a = Σ_j (f(a, j)/V)·V^(V−j) / V^V} (base-V digits), and layer 1 brings {@code vt_a + 1} to
 * position 2. The step between the layers, {@code ReLU(h − 1)} and the unpacking of {@code vt_a} into its V digits
 * {@code (num % V)/V} with {@code num = vt_a·V^V}, {@code num ← num // V}, is a Python function in the notebook, not
 * weights. Layer 2 reads the digit vector and the second user token into position 3, and the CAP-2 decoder answers.
 *
 * <p>numpy's reductions (pairwise {@code np.sum}, BLAS dot products, softmax row sums) are summed left to right
 * here. The order cannot change a double in this network: every such sum has at most one non-zero term, or is a
 * softmax row of 1.0 and terms below 1e-21 (or four 1.0s), except the layer-2 keys (sums of digits), which only
 * enter {@code exp} through scores whose weights are 1.0 or below 1e-21. The golden test compares with numpy.
 */
public final class Cap5Notebook {
  private Cap5Notebook() {}

  /** The notebook's sequence length N: positions 0..3. */
  static final int POSITIONS = 4;

  /** The largest V whose powers V^V the port holds exactly in a long (numpy would convert them the same way). */
  public static final int MAX_VOCAB = 15;

  /** Runs the notebook on every pair (a, b) of table f at inverse temperature t. */
  public static Cap5Tables.TableResult run(int[][] f, double t) {
    return run(f, t, false);
  }

  /**
   * As {@link #run(int[][], double)}; with {@code rounded} the unpacking first rounds {@code num = x·V^V} to the
   * nearest integer (not in the notebook: the variant that isolates what the float {@code %} and {@code //} cost).
   */
  public static Cap5Tables.TableResult run(int[][] f, double t, boolean rounded) {
    int v = f.length;
    requireVocab(v);
    Decoder.requireTable(f, v, v, v, "table");
    double[] vt = pack(f);
    return Cap5Tables.TableResult.of(f, (a, b) -> answer(vt, v, t, a, b, rounded));
  }

  /**
   * The K tables numpy draws with {@code numpy.random.RandomState(seed).randint(V, size=(K, V, V))}: MT19937 seeded
   * by {@code init_genrand(seed)} (Commons Math's {@code MersenneTwister(int)}), each entry the first 32-bit output,
   * masked to the smallest all-ones mask covering V − 1, that is below V (numpy's legacy masked rejection). Seed 0
   * gives the notebook's own table first.
   */
  public static int[][][] randomTables(int v, int count, int seed) {
    if (v < 2) {
      throw new IllegalArgumentException("random tables need --vocab >= 2, got " + v);
    }
    if (count < 1) {
      throw new IllegalArgumentException("--random-tables must be at least 1, got " + count);
    }
    if (seed < 0) {
      throw new IllegalArgumentException("--seed must be in [0, 2^31 - 1] (numpy's seeding of larger seeds differs), got "
          + seed);
    }
    org.apache.commons.math3.random.MersenneTwister mt = new org.apache.commons.math3.random.MersenneTwister(seed);
    int mask = Integer.highestOneBit(v - 1) * 2 - 1;
    int[][][] out = new int[count][v][v];
    for (int[][] table : out) {
      for (int[] row : table) {
        for (int j = 0; j < v; j++) {
          int x;
          do {
            x = mt.nextInt() & mask;
          } while (x > v - 1);
          row[j] = x;
        }
      }
    }
    return out;
  }

  static void requireVocab(int v) {
    if (v < 2 || v > MAX_VOCAB) {
      throw new IllegalArgumentException("the notebook port needs 2 <= --vocab <= " + MAX_VOCAB + " (V^V in a long), got "
          + v);
    }
  }

  /** The table token: {@code r[i]} packs row i, as the notebook's {@code build_virtual_token} does. */
  public static double[] pack(int[][] f) {
    int v = f.length;
    double[] r = new double[v];
    for (int i = 0; i < v; i++) {
      double[] digits = new double[v];
      for (int j = 0; j < v; j++) {
        digits[j] = (double) f[i][j] / v;
      }
      r[i] = packRow(digits);
    }
    return r;
  }

  /**
   * {@code seq_to_float}: Python's {@code sum} of {@code v·V^(V−i)} left to right (numpy float64 scalars, so no
   * compensated float sum), then divided by {@code V^V}.
   */
  static double packRow(double[] digits) {
    int v = digits.length;
    double sum = 0;
    for (int i = 0; i < v; i++) {
      sum = sum + digits[i] * (double) pow(v, v - i);
    }
    return sum / (double) pow(v, v);
  }

  /**
   * {@code float_to_seq}: {@code num = x·V^V}; while num &gt; 0 take {@code (num % V)/V} and {@code num ← num // V};
   * the digits read most significant first, padded with zeros in front to V entries.
   */
  static double[] unpack(double x, int v, boolean rounded) {
    double product = x * (double) pow(v, v);
    double num = rounded ? Math.rint(product) : product;
    double[] out = new double[v];
    if (num == 0) {
      return out;
    }
    java.util.List<Double> reverse = new java.util.ArrayList<>();
    while (num > 0) {
      reverse.add(pyMod(num, v) / v);
      num = pyFloorDiv(num, v);
    }
    if (reverse.size() > v) {
      throw new IllegalStateException("the notebook's unpacking produced " + reverse.size() + " digits for V=" + v
          + " (numpy would fail on the shapes)");
    }
    for (int k = 0; k < reverse.size(); k++) {
      out[v - 1 - k] = reverse.get(k);
    }
    return out;
  }

  /** Python's float {@code a % b} (CPython {@code float_divmod}, numpy {@code npy_divmod}): fmod, then the sign of b. */
  static double pyMod(double a, double b) {
    double mod = a % b;
    if (mod != 0) {
      if ((b < 0) != (mod < 0)) {
        mod += b;
      }
    } else {
      mod = Math.copySign(0.0, b);
    }
    return mod;
  }

  /**
   * Python's float {@code a // b}: {@code div = (a − fmod(a, b))/b}, adjusted with the sign rule of {@link #pyMod},
   * then floored and rounded up when the floor lost more than one half.
   */
  static double pyFloorDiv(double a, double b) {
    double mod = a % b;
    double div = (a - mod) / b;
    if (mod != 0 && (b < 0) != (mod < 0)) {
      div -= 1.0;
    }
    if (div != 0) {
      double floor = Math.floor(div);
      return div - floor > 0.5 ? floor + 1.0 : floor;
    }
    return Math.copySign(0.0, a / b);
  }

  static long pow(int v, int e) {
    long p = 1;
    for (int i = 0; i < e; i++) {
      p *= v;
    }
    return p;
  }

  /** The notebook's {@code compute_completion(m, (a, b))[3]}: the answer decoded at position 3. */
  static int answer(double[] vt, int v, double t, int a, int b, boolean rounded) {
    int d = v + POSITIONS;
    double[][] x = new double[POSITIONS][];
    x[0] = row(new double[v], 0);
    x[1] = row(vt, 1);
    x[2] = row(onehot(a, v), 2);
    x[3] = row(onehot(b, v), 3);
    // layer 1: three heads with 2-dimensional queries and keys on the position part, values 2V wide
    double[][] copyFirst = new double[2 * v][d];
    double[][] copySecondTwice = new double[2 * v][d];
    for (int k = 0; k < v; k++) {
      copyFirst[k][k] = 1;
      copySecondTwice[v + k][k] = 2;
    }
    double[][] user1 = head(positionRows(v, new int[][] {{1, 1, 0, 1}, {0, 0, 1, 0}}),
        positionRows(v, new int[][] {{1, 0, 0, 0}, {0, 0, 1, 0}}), copyFirst, x, t);
    double[][] user2 = head(positionRows(v, new int[][] {{1, 1, 1, 0}, {0, 0, 0, 1}}),
        positionRows(v, new int[][] {{1, 0, 0, 0}, {0, 0, 0, 1}}), copySecondTwice, x, t);
    double[][] first = head(positionRows(v, new int[][] {{1, 1, 0, 1}, {0, 0, 1, 0}}),
        positionRows(v, new int[][] {{1, 0, 0, 0}, {0, 1, 0, 0}}), copyFirst, x, t);
    double[][] z = new double[POSITIONS][2 * v];
    for (int i = 0; i < POSITIONS; i++) {
      double[] firstHalf = new double[v];
      for (int k = 0; k < 2 * v; k++) {
        double h = user1[i][k] + user2[i][k] + first[i][k];
        double relu = Math.max(h + -1.0, 0);
        if (k < v) {
          firstHalf[k] = relu;
        } else {
          z[i][k] = relu;
        }
      }
      // the Python step: unpack the sum of the first half into its V digits
      System.arraycopy(unpack(sum(firstHalf), v, rounded), 0, z[i], 0, v);
    }
    // layer 2: one-dimensional queries and keys (sums of halves), values one half each
    double[][] firstOnes = new double[1][2 * v];
    double[][] secondOnes = new double[1][2 * v];
    double[][] takeFirst = new double[v][2 * v];
    double[][] takeSecond = new double[v][2 * v];
    for (int k = 0; k < v; k++) {
      firstOnes[0][k] = 1;
      secondOnes[0][v + k] = 1;
      takeFirst[k][k] = 1;
      takeSecond[k][v + k] = 1;
    }
    double[][] embedding = head(secondOnes, firstOnes, takeFirst, z, t);
    double[][] remap = head(secondOnes, secondOnes, takeSecond, z, t);
    // decoder at position 3: ReLU(h − 1), its sum, then logits (2c/V − 1)·z + 1/4 − (c/V)²
    double sum = 0;
    for (int k = 0; k < v; k++) {
      sum = sum + Math.max((embedding[3][k] + remap[3][k]) + -1.0, 0);
    }
    double z2 = Math.max(sum + 0, 0);
    int best = 0;
    double bestLogit = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < v; c++) {
      double slope = (double) (2 * c) / v - 1;
      double grid = (double) c / v;
      double logit = slope * z2 + (0.25 - grid * grid);
      if (logit > bestLogit) {
        best = c;
        bestLogit = logit;
      }
    }
    return best;
  }

  /**
   * The notebook's {@code attention_head}: {@code q_i = W_Q x_i}, {@code k_j}, {@code v_j} likewise; scores
   * {@code (q_i·k_j)/√n}; {@code softmax(T·scores)} by rows as scipy does it (subtract the row maximum, exp, divide
   * by the row sum); outputs accumulated {@code rr += A_ij v_j} in order j = 0..n−1.
   */
  static double[][] head(double[][] wq, double[][] wk, double[][] wv, double[][] xs, double t) {
    int n = xs.length;
    double[][] q = times(wq, xs);
    double[][] k = times(wk, xs);
    double[][] v = times(wv, xs);
    double sqrtN = Math.sqrt(n);
    double[][] out = new double[n][wv.length];
    for (int i = 0; i < n; i++) {
      double[] s = new double[n];
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        s[j] = dot(q[i], k[j]) / sqrtN * t;
        max = Math.max(max, s[j]);
      }
      double rowSum = 0;
      double[] e = new double[n];
      for (int j = 0; j < n; j++) {
        e[j] = StrictMath.exp(s[j] - max);
        rowSum = rowSum + e[j];
      }
      for (int j = 0; j < n; j++) {
        double a = e[j] / rowSum;
        for (int c = 0; c < wv.length; c++) {
          out[i][c] = out[i][c] + a * v[j][c];
        }
      }
    }
    return out;
  }

  private static double[][] times(double[][] w, double[][] xs) {
    double[][] out = new double[xs.length][];
    for (int i = 0; i < xs.length; i++) {
      out[i] = new double[w.length];
      for (int r = 0; r < w.length; r++) {
        out[i][r] = dot(w[r], xs[i]);
      }
    }
    return out;
  }

  private static double sum(double[] a) {
    double s = 0;
    for (double x : a) {
      s = s + x;
    }
    return s;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s = s + a[i] * b[i];
    }
    return s;
  }

  /** Rows {@code [0_V | p]} for the given position patterns p (4 entries each). */
  private static double[][] positionRows(int v, int[][] patterns) {
    double[][] w = new double[patterns.length][v + POSITIONS];
    for (int r = 0; r < patterns.length; r++) {
      for (int c = 0; c < POSITIONS; c++) {
        w[r][v + c] = patterns[r][c];
      }
    }
    return w;
  }

  private static double[] row(double[] token, int position) {
    double[] r = java.util.Arrays.copyOf(token, token.length + POSITIONS);
    r[token.length + position] = 1;
    return r;
  }

  private static double[] onehot(int k, int v) {
    double[] r = new double[v];
    r[k] = 1;
    return r;
  }
}
