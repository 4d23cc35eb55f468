"""W3 baseline: what a researcher would write in numpy for the per-layer LIM-6 checks of a deep model.

Same workload as `./prefixproof bench --workload W3`: a 4-layer, 4-head pre-LayerNorm transformer (d 64,
heads of 16, biases, tanh-GELU MLP of width 256, causal), weights N(0, 1/fan_in), biases 0.1 N(0,1), norm
gains 1 + 0.1 N(0,1); 64 content rows and a residual prefix of 4 rows per layer, all N(0,1). At every
layer, with the prefixed run's own layer input: LIM-1 (content weights = prefix-free weights times
1 - prefix share), LIM-2/3 (head outputs = (1 - share) prefix-free outputs + the prefix's pull) and
LIM-4 (the attention output through W_O); the prefix-free heads reuse the content rows' queries, keys and
values. Records the largest deviation. The time includes drawing each model. Prints one JSON line.
Usage: python3 w3_numpy.py [seconds]
"""
import sys

import numpy as np

from timing import timed

LAYERS, HEADS, D, N, P = 4, 4, 64, 64, 4
K = D // HEADS


def layer_norm(x, g, b, eps=1e-5):
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


def gelu(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))


def softmax(s, mask):
    s = np.where(mask, s, -np.inf)
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def draw_layer(rng):
    def g(*shape, sd):
        return rng.standard_normal(shape) * sd
    return {"wq": g(HEADS, D, K, sd=1 / np.sqrt(D)), "bq": g(HEADS, 1, K, sd=0.1),
            "wk": g(HEADS, D, K, sd=1 / np.sqrt(D)), "bk": g(HEADS, 1, K, sd=0.1),
            "wv": g(HEADS, D, K, sd=1 / np.sqrt(D)), "bv": g(HEADS, 1, K, sd=0.1),
            "wo": g(HEADS * K, D, sd=1 / np.sqrt(HEADS * K)), "bo": g(D, sd=0.1),
            "ln1g": 1 + g(D, sd=0.1), "ln1b": g(D, sd=0.1), "ln2g": 1 + g(D, sd=0.1), "ln2b": g(D, sd=0.1),
            "w1": g(D, 4 * D, sd=1 / np.sqrt(D)), "c1": g(4 * D, sd=0.1),
            "w2": g(4 * D, D, sd=1 / np.sqrt(4 * D)), "c2": g(D, sd=0.1)}


def check(rng):
    layers = [draw_layer(rng) for _ in range(LAYERS)]
    prefix = rng.standard_normal((LAYERS, P, D))
    x = np.vstack([prefix[0], rng.standard_normal((N, D))])
    causal = np.tril(np.ones((P + N, P + N), dtype=bool))
    plain = np.tril(np.ones((N, N), dtype=bool))
    scale = 1 / np.sqrt(K)
    worst = 0.0
    for layer, w in enumerate(layers):
        x = x.copy()
        x[:P] = prefix[layer]
        h = layer_norm(x, w["ln1g"], w["ln1b"])
        q, k, v = (h @ w["w" + c] + w["b" + c] for c in "qkv")  # (heads, P + N, K)
        a = softmax(scale * q @ k.transpose(0, 2, 1), causal)
        t = a @ v
        o = t.transpose(1, 0, 2).reshape(P + N, HEADS * K) @ w["wo"] + w["bo"]
        ref_a = softmax(scale * q[:, P:] @ k[:, P:].transpose(0, 2, 1), plain)
        ref_t = ref_a @ v[:, P:]
        a_pt = a[:, P:]
        keep = 1 - a_pt[:, :, :P].sum(axis=-1, keepdims=True)
        pred = keep * ref_t + a_pt[:, :, :P] @ v[:, :P]
        pred_o = pred.transpose(1, 0, 2).reshape(N, HEADS * K) @ w["wo"] + w["bo"]
        worst = max(worst, np.abs(a_pt[:, :, P:] - ref_a * keep).max(), np.abs(t[:, P:] - pred).max(),
                    np.abs(o[P:] - pred_o).max())
        after = x + o
        x = after + gelu(layer_norm(after, w["ln2g"], w["ln2b"]) @ w["w1"] + w["c1"]) @ w["w2"] + w["c2"]
    return float(worst)


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5
    rng = np.random.default_rng(1000)
    timed("W3-numpy", "default", lambda: check(rng), seconds)


if __name__ == "__main__":
    main()
