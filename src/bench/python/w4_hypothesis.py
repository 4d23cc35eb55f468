"""W4 baseline: the CONJ-1 counterexample search with Hypothesis `find` and its defaults, exact fractions.

Same search as `./prefixproof bench --workload W4`: 2-layer, one-head, attention-only transformers with a
residual stream (no norms, no MLP, optional biases, causal mask, score scale 1) and a key/value prefix
at both layers; d_model, d_head, d_value in 1..8, 2..6 content rows, 1..3 prefix positions, every entry
num/den with num in -3..3 and den in 1..3; the rational softmax kernel k(s) = 1 + s + s^2/2 for s >= 0,
1/k(-s) below. CONJ-1 says that layer 2's content weights equal the prefix-free run's times one factor
per query (1 - prefix share); `find` searches for a model where they do not, and shrinks it. Each search
uses another seed. Prints one JSON line: searches per second, the property's calls, the witness's shape.
Usage: python3 w4_hypothesis.py [seconds]
"""
import json
import random
import sys
import time
from fractions import Fraction

from hypothesis import find, strategies as st


def kappa(s):
    return 1 + s + s * s / 2 if s >= 0 else 1 / kappa(-s)


def matvec(w, x):
    return [sum(a * b for a, b in zip(row, x)) for row in w]


def plus(a, b):
    return [x + y for x, y in zip(a, b)]


def attention_layer(layer, xs, prefixed):
    """One block: returns the new residual rows and each content query's weights (prefix keys first)."""
    q = [plus(matvec(layer["wq"], x), layer["bq"]) for x in xs]
    k = [plus(matvec(layer["wk"], x), layer["bk"]) for x in xs]
    v = [plus(matvec(layer["wv"], x), layer["bv"]) for x in xs]
    pk, pv = (layer["pk"], layer["pv"]) if prefixed else ([], [])
    out, weights = [], []
    for i, qi in enumerate(q):
        keys, values = pk + k[:i + 1], pv + v[:i + 1]
        e = [kappa(sum(a * b for a, b in zip(qi, kj))) for kj in keys]
        total = sum(e)
        w = [x / total for x in e]
        weights.append(w)
        head = [sum(wj * vj[c] for wj, vj in zip(w, values)) for c in range(len(v[0]))]
        out.append(plus(plus(xs[i], matvec(layer["wo"], head)), layer["bo"]))
    return out, weights


def run(case, prefixed):
    layers, xs = case
    weights = []
    for layer in layers:
        xs, w = attention_layer(layer, xs, prefixed)
        weights.append(w)
    return weights


def conj1_fails(case):
    """True when layer 2's content weights are not the plain run's times (1 - prefix share)."""
    p = len(case[0][0]["pk"])
    with_prefix, plain = run(case, True)[1], run(case, False)[1]
    for wp, w in zip(with_prefix, plain):
        keep = 1 - sum(wp[:p])
        if any(a != b * keep for a, b in zip(wp[p:], w)):
            return True
    return False


entries = st.builds(Fraction, st.integers(-3, 3), st.integers(1, 3))


@st.composite
def cases(draw):
    d, k, kv = (draw(st.integers(1, 8)) for _ in range(3))
    n, p = draw(st.integers(2, 6)), draw(st.integers(1, 3))
    biases = draw(st.booleans())

    def mat(rows, cols):
        return [[draw(entries) for _ in range(cols)] for _ in range(rows)]

    def bias(size):
        return mat(1, size)[0] if biases else [Fraction(0)] * size

    layers = [{"wq": mat(k, d), "bq": bias(k), "wk": mat(k, d), "bk": bias(k), "wv": mat(kv, d), "bv": bias(kv),
               "wo": mat(d, kv), "bo": bias(d), "pk": mat(p, k), "pv": mat(p, kv)} for _ in range(2)]
    return layers, mat(n, d)


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5
    searches, calls, most, t0, cpu0 = 0, 0, 0, time.perf_counter(), time.process_time()
    while True:
        count = [0]

        def condition(case):
            count[0] += 1
            return conj1_fails(case)

        layers, xs = find(cases(), condition, random=random.Random(searches + 1))
        searches += 1
        calls += count[0]
        most = max(most, count[0])
        if time.perf_counter() - t0 >= seconds:
            break
    dt, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    print(json.dumps({"workload": "W4-hypothesis", "size": "default", "checks": searches, "seconds": round(dt, 3),
                      "checks_per_s": round(searches / dt, 4), "max_abs_err": None, "cpu_seconds": round(cpu, 3),
                      "property_calls_per_search": round(calls / searches, 1), "most_property_calls": most,
                      "witness": "L2 H1 d%d n%d p%d" % (len(xs[0]), len(xs), len(layers[0]["pk"]))}))


if __name__ == "__main__":
    main()
