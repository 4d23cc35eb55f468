"""Regenerates src/test/resources/golden/cap5-notebook.json: the answers of the companion notebook's CAP-5
procedure (A. Petrov, constructions.ipynb, section 5, AleksandarPetrov/prefix-tuning-theory) under numpy and
scipy, for the tables numpy.random.RandomState(seed).randint(V, size=(K, V, V)) draws. Cap5NotebookTest compares
PrefixProof's Java port (constructions.Cap5Notebook) with it. Not part of the build; needs numpy and scipy.

usage: python3 src/golden/cap5_notebook_golden.py [K] > src/test/resources/golden/cap5-notebook.json
"""
import json
import sys

import numpy as np
from scipy.special import softmax

V, T, POSITIONS = 10, 1000, 4


def pack(row):
    # one row of digits c/V as sum_i (c_i/V) * V^(V-i) / V^V; numpy scalars, so Python's sum adds them left to right
    # (a sum of plain floats would be compensated since Python 3.12)
    return sum([(np.float64(c) / V) * V ** (V - i) for i, c in zip(range(V), row)]) / (V ** V)


def unpack(x):
    # the notebook's digit loop with Python's float % and //
    num = x * V ** V
    if num == 0:
        return [0] * V
    digits = []
    while num > 0:
        digits.append((num % V) / V)
        num = num // V
    digits.reverse()
    return [0] * (V - len(digits)) + digits


def head(wq, wk, wv, rows):
    q = [wq @ r for r in rows]
    k = [wk @ r for r in rows]
    v = [wv @ r for r in rows]
    n = len(rows)
    scores = np.array([[np.dot(q[i], k[j]) / np.sqrt(n) for j in range(n)] for i in range(n)])
    weights = softmax(scores * T, axis=1)
    out = []
    for i in range(n):
        acc = np.zeros_like(v[0])
        for j in range(n):
            acc += weights[i, j] * v[j]
        out.append(acc)
    return out


def on_positions(pattern):
    return np.block([np.zeros((len(pattern), V)), np.array(pattern)])


def answer(tok, a, b):
    pos = np.eye(POSITIONS)
    rows = [np.hstack([np.zeros(V), pos[0]]), np.hstack([tok, pos[1]]),
            np.hstack([np.eye(V)[a], pos[2]]), np.hstack([np.eye(V)[b], pos[3]])]
    copy_first = np.block([[np.eye(V), np.zeros((V, POSITIONS))], [np.zeros((V, V + POSITIONS))]])
    copy_second = np.block([[np.zeros((V, V + POSITIONS))], [2 * np.eye(V), np.zeros((V, POSITIONS))]])
    u1 = head(on_positions([[1, 1, 0, 1], [0, 0, 1, 0]]), on_positions([[1, 0, 0, 0], [0, 0, 1, 0]]), copy_first, rows)
    u2 = head(on_positions([[1, 1, 1, 0], [0, 0, 0, 1]]), on_positions([[1, 0, 0, 0], [0, 0, 0, 1]]), copy_second, rows)
    f = head(on_positions([[1, 1, 0, 1], [0, 0, 1, 0]]), on_positions([[1, 0, 0, 0], [0, 1, 0, 0]]), copy_first, rows)
    relu1 = [np.clip(np.dot(np.eye(2 * V), x + y + z) - np.ones(2 * V), 0, np.inf) for x, y, z in zip(u1, u2, f)]
    mid = [np.hstack((unpack(np.sum(r[:V])), r[V:])) for r in relu1]
    first_ones = np.hstack([np.ones(V), np.zeros(V)])
    second_ones = np.hstack([np.zeros(V), np.ones(V)])
    e = head(second_ones, first_ones, np.block([[np.eye(V), np.zeros((V, V))]]), mid)
    r = head(second_ones, second_ones, np.block([[np.zeros((V, V)), np.eye(V)]]), mid)
    h = e[3] + r[3]
    z = np.clip(np.dot(np.ones(V), np.clip(np.dot(np.eye(V), h) - np.ones(V), 0, np.inf)) + 0, 0, np.inf)
    logits = np.array([2 * c / V - 1 for c in range(V)]) * z + np.array([0.25 - (c / V) ** 2 for c in range(V)])
    return int(np.argmax(logits))


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    tables = np.random.RandomState(0).randint(V, size=(count, V, V)).tolist()
    failing = []
    for index, table in enumerate(tables):
        tok = np.array([pack(row) for row in table])
        wrong = [[a, b, y] for a in range(V) for b in range(V) for y in [answer(tok, a, b)] if y != table[a][b]]
        if wrong:
            failing.append({"index": index, "wrong": wrong})
    json.dump({"seed": 0, "vocab": V, "temperature": T, "tables": count,
               "tables_correct": count - len(failing), "failing": failing}, sys.stdout)


if __name__ == "__main__":
    main()
