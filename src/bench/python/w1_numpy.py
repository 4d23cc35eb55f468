"""W1 baseline: what a researcher would write in numpy for one causal head (LIM-1 and LIM-3).

Same workload as `./prefixproof bench --workload W1`: draw W_Q, W_K, W_V ~ N(0,1)/sqrt(d), X (n x d) and
S (p x d) ~ N(0,1); compute plain and prefixed causal attention; check
A_pt[:, content] = A * (1 - a) and t_pt = (1 - a) t + A_pt[:, prefix] S W_V^T; record the largest
deviation. The time includes generating each case. Prints one JSON line per size (or for the one size named).
Usage: python3 w1_numpy.py [seconds [size]]
"""
import sys

import numpy as np

from timing import chosen, timed

SIZES = {"small": (16, 8, 8, 2), "medium": (64, 16, 64, 4), "large": (512, 64, 512, 16)}


def softmax_rows(s, mask):
    s = np.where(mask, s, -np.inf)
    s = s - s.max(axis=1, keepdims=True)
    e = np.exp(s)
    return e / e.sum(axis=1, keepdims=True)


def check(rng, d, k, n, p):
    wq, wk, wv = (rng.standard_normal((k, d)) / np.sqrt(d) for _ in range(3))
    return deviation(wq, wk, wv, rng.standard_normal((n, d)), rng.standard_normal((p, d)))


def deviation(wq, wk, wv, x, s):
    """Largest deviation from LIM-1 and LIM-3 of one causal head with prefix rows s before content x."""
    n, p, k = x.shape[0], s.shape[0], wq.shape[0]
    scale = 1 / np.sqrt(k)
    q, kk, v = x @ wq.T, x @ wk.T, x @ wv.T
    causal = np.tril(np.ones((n, n), dtype=bool))
    a = softmax_rows(scale * q @ kk.T, causal)
    t = a @ v
    keys = np.vstack([s @ wk.T, kk])
    vals = np.vstack([s @ wv.T, v])
    mask = np.hstack([np.ones((n, p), dtype=bool), causal])
    apt = softmax_rows(scale * q @ keys.T, mask)
    tpt = apt @ vals
    share = apt[:, :p].sum(axis=1, keepdims=True)
    err1 = np.abs(apt[:, p:] - a * (1 - share)).max()
    err3 = np.abs(tpt - ((1 - share) * t + apt[:, :p] @ (s @ wv.T))).max()
    return max(err1, err3)


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5
    names = chosen(SIZES, sys.argv[2:])
    for name, (d, k, n, p) in SIZES.items():
        if name not in names:
            continue
        rng = np.random.default_rng(1000)
        timed("W1-numpy", name, lambda: check(rng, d, k, n, p), seconds)


if __name__ == "__main__":
    main()
