"""W1 baseline with Hypothesis: the same check as w1_numpy.py, cases drawn by Hypothesis
(hypothesis.extra.numpy arrays of floats), as a property-based test in Python would do it.
Counts checks per second over a fixed number of examples per size. Prints one JSON line per size.
Usage: python3 w1_hypothesis.py [examples]
"""
import json
import sys
import time

import numpy as np
from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from w1_numpy import SIZES, deviation

EXAMPLES = int(sys.argv[1]) if len(sys.argv) > 1 else 200


def run(d, k, n, p):
    floats = st.floats(-3, 3, allow_nan=False, allow_infinity=False)
    errs = []

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(arrays(np.float64, (k, d), elements=floats), arrays(np.float64, (k, d), elements=floats),
           arrays(np.float64, (k, d), elements=floats), arrays(np.float64, (n, d), elements=floats),
           arrays(np.float64, (p, d), elements=floats))
    def prop(wq, wk, wv, x, s):
        errs.append(deviation(wq, wk, wv, x, s))

    t0 = time.perf_counter()
    prop()
    return len(errs), time.perf_counter() - t0, max(errs)


def main():
    for name, shape in SIZES.items():
        if name == "large":
            continue  # Hypothesis draws every entry one by one: the large shape does not finish in minutes
        checks, dt, err = run(*shape)
        print(json.dumps({"workload": "W1-hypothesis", "size": name, "checks": checks, "seconds": round(dt, 3),
                          "checks_per_s": round(checks / dt, 2), "max_abs_err": err}))


if __name__ == "__main__":
    main()
