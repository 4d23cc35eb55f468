package io.prefixproof.model;

/** Parameter names; every weight of a model is addressed by one of these (LoRA and fine-tuning too). */
public final class Names {
  private Names() {}

  public static final String EMBED = "embed";
  public static final String UNEMBED = "unembed";
  public static final String POS = "pos";
  public static final String ROPE_COS = "rope.cos";
  public static final String ROPE_SIN = "rope.sin";
  public static final String ALIBI = "alibi";
  public static final String LNF_G = "lnf.g";
  public static final String LNF_B = "lnf.b";

  public static String head(int layer, int head, String role) {
    return "L" + layer + ".h" + head + "." + role;
  }

  public static String wq(int l, int h) {
    return head(l, h, "Wq");
  }

  public static String wk(int l, int h) {
    return head(l, h, "Wk");
  }

  public static String wv(int l, int h) {
    return head(l, h, "Wv");
  }

  public static String bq(int l, int h) {
    return head(l, h, "bq");
  }

  public static String bk(int l, int h) {
    return head(l, h, "bk");
  }

  public static String bv(int l, int h) {
    return head(l, h, "bv");
  }

  public static String layer(int l, String role) {
    return "L" + l + "." + role;
  }

  public static String wo(int l) {
    return layer(l, "Wo");
  }

  public static String bo(int l) {
    return layer(l, "bo");
  }

  public static String ln1g(int l) {
    return layer(l, "ln1.g");
  }

  public static String ln1b(int l) {
    return layer(l, "ln1.b");
  }

  public static String ln2g(int l) {
    return layer(l, "ln2.g");
  }

  public static String ln2b(int l) {
    return layer(l, "ln2.b");
  }

  public static String w1(int l) {
    return layer(l, "mlp.W1");
  }

  public static String c1(int l) {
    return layer(l, "mlp.c1");
  }

  /** The gate {@code W_g} of a {@link Architecture.Activation#SWIGLU} MLP. */
  public static String wg(int l) {
    return layer(l, "mlp.Wg");
  }

  public static String w2(int l) {
    return layer(l, "mlp.W2");
  }

  public static String c2(int l) {
    return layer(l, "mlp.c2");
  }
}
