"""W2 baseline: the W1 check in exact arithmetic with Python's fractions, score scale 1, kernel
kappa(s) = 2^floor(s) * (1 + s - floor(s)), entries num/den with num in [-9, 9], den in [1, 9];
equality, no tolerance. Prints one JSON line per size (or for the one size named).
Usage: python3 w2_fractions.py [seconds [size]]
"""
import math
import random
import sys
from fractions import Fraction

from timing import chosen, timed

SIZES = {"tiny": (4, 2, 4, 1), "small": (8, 4, 8, 2), "medium": (16, 8, 16, 2)}


def kappa(s):
    f = math.floor(s)
    return Fraction(2) ** f * (1 + s - f)


def mat(rng, r, c):
    return [[Fraction(rng.randint(-9, 9), rng.randint(1, 9)) for _ in range(c)] for _ in range(r)]


def mul_t(a, b):
    return [[sum(x * y for x, y in zip(ra, rb)) for rb in b] for ra in a]


def check(rng, d, k, n, p):
    wq, wk, wv = mat(rng, k, d), mat(rng, k, d), mat(rng, k, d)
    x, s = mat(rng, n, d), mat(rng, p, d)
    q, kk, v = mul_t(x, wq), mul_t(x, wk), mul_t(x, wv)
    sk, sv = mul_t(s, wk), mul_t(s, wv)
    for i in range(n):
        plain = [kappa(sum(a * b for a, b in zip(q[i], kk[j]))) for j in range(i + 1)]
        pre = [kappa(sum(a * b for a, b in zip(q[i], sk[m]))) for m in range(p)]
        zp, zc = sum(pre), sum(plain)
        share = zp / (zp + zc)
        for j in range(i + 1):
            if plain[j] / (zp + zc) != plain[j] / zc * (1 - share):
                raise AssertionError("LIM-1")
        for c in range(k):
            t = sum(plain[j] / zc * v[j][c] for j in range(i + 1))
            tpt = sum(pre[m] / (zp + zc) * sv[m][c] for m in range(p)) + sum(
                plain[j] / (zp + zc) * v[j][c] for j in range(i + 1))
            if tpt != (1 - share) * t + sum(pre[m] / (zp + zc) * sv[m][c] for m in range(p)):
                raise AssertionError("LIM-3")


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5
    names = chosen(SIZES, sys.argv[2:])
    for name, shape in SIZES.items():
        if name not in names:
            continue
        rng = random.Random(1000)
        timed("W2-fractions", name, lambda: check(rng, *shape), seconds)


if __name__ == "__main__":
    main()
