"""The timing loop shared by the Python baselines: run a check for a number of seconds, print one JSON line."""
import json
import time


def timed(workload, size, check, seconds, per_call=1, extra=None):
    """Calls check() (returning an error or None) until `seconds` have passed; prints the JSON line
    (with the process's CPU seconds, which a loaded machine disturbs less than wall time). Each call counts
    `per_call` checks (a training step counts its tokens); `extra` adds fields to the line."""
    checks, err, t0, cpu0 = 0, None, time.perf_counter(), time.process_time()
    while True:
        e = check()
        err = e if err is None else (max(err, e) if e is not None else err)
        checks += per_call
        if time.perf_counter() - t0 >= seconds:
            break
    dt, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    line = {"workload": workload, "size": size, "checks": checks, "seconds": round(dt, 3),
            "checks_per_s": round(checks / dt, 2), "max_abs_err": err, "cpu_seconds": round(cpu, 3)}
    line.update(extra or {})
    print(json.dumps(line))


def chosen(sizes, names):
    """The size names asked for on the command line (all of `sizes` when none); exits naming an unknown one."""
    for name in names:
        if name not in sizes:
            raise SystemExit(f"unknown size {name!r}; sizes: {', '.join(sizes)}")
    return names or list(sizes)
