"""Kiln against numexpr and numba on one numexpr-style expression over 10 M float64.

    (a * 1.8 + b) / (c + 1.0) - log(a + 1.0)

Each contender is timed twice: its first call in this process, compile included (Kiln's
``kiln.compile`` plus the first ``run``, which compiles the columnar loop; numexpr's
compiler, ``numexpr.NumExpr``, plus one run of what it made; numba's first call, which
JIT-compiles), and its best of REPEAT
later calls, compile excluded. Kiln and numexpr run on one thread and on every core;
numba's ``@njit`` loop runs on one thread. Every result is checked against numpy's.

Not run in CI. Set up once (numexpr and numba go into the test venv only for this):

    ./x.sh test                                   # creates target/py-venv
    target/py-venv/bin/pip install -r python/bench/requirements.txt
    VIRTUAL_ENV=$PWD/target/py-venv target/py-venv/bin/maturin develop --release -m python/Cargo.toml
    target/py-venv/bin/python python/bench/bench_expr.py [--rows N] [--repeat R]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

import kiln

EXPR = "(a * 1.8 + b) / (c + 1.0) - log(a + 1.0)"
KILN_SOURCE = f"param a: f64; param b: f64; param c: f64; {EXPR}"


def best(f, repeat):
    """The fastest of `repeat` calls of f, in seconds, and its last result."""
    times = []
    out = None
    for _ in range(repeat):
        start = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - start)
    return min(times), out


def first(f):
    start = time.perf_counter()
    out = f()
    return time.perf_counter() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    rows, repeat = args.rows, args.repeat
    cores = os.cpu_count() or 1

    rng = np.random.default_rng(17)
    a = rng.uniform(0.0, 100.0, rows)
    b = rng.uniform(0.0, 100.0, rows)
    c = rng.uniform(0.0, 100.0, rows)
    expected = (a * 1.8 + b) / (c + 1.0) - np.log(a + 1.0)

    rows_out = []  # (name, threads, first call s, best s, result)

    # Kiln: compile, then the first run (which compiles the columnar loop).
    def kiln_first():
        p = kiln.compile(KILN_SOURCE)
        return p, p.run(a=a, b=b, c=c)

    kiln.set_num_threads(1)
    t_first, (program, out) = first(kiln_first)
    t_best, out = best(lambda: program.run(a=a, b=b, c=c), repeat)
    rows_out.append(("kiln", 1, t_first, t_best, out))
    kiln.set_num_threads(cores)
    t_first_mt, (program_mt, _) = first(kiln_first)
    t_best, out = best(lambda: program_mt.run(a=a, b=b, c=c), repeat)
    rows_out.append(("kiln", cores, t_first_mt, t_best, out))
    kiln.set_num_threads(1)

    try:
        import numexpr as ne
    except ImportError:
        ne = None
    if ne is not None:
        for threads in (1, cores):
            ne.set_num_threads(threads)
            # Compile included: numexpr's compiler (ne.NumExpr, what evaluate caches)
            # and one run of what it made.
            signature = [("a", np.float64), ("b", np.float64), ("c", np.float64)]
            t_first, out = first(lambda: ne.NumExpr(EXPR, signature)(a, b, c))
            columns = {"a": a, "b": b, "c": c}
            t_best, out = best(lambda: ne.evaluate(EXPR, local_dict=columns), repeat)
            rows_out.append((f"numexpr {ne.__version__}", threads, t_first, t_best, out))

    try:
        import numba
    except ImportError:
        numba = None
    if numba is not None:

        @numba.njit
        def loop(a, b, c):
            out = np.empty_like(a)
            for i in range(a.shape[0]):
                out[i] = (a[i] * 1.8 + b[i]) / (c[i] + 1.0) - np.log(a[i] + 1.0)
            return out

        t_first, out = first(lambda: loop(a, b, c))
        t_best, out = best(lambda: loop(a, b, c), repeat)
        rows_out.append((f"numba {numba.__version__} @njit", 1, t_first, t_best, out))

    t_best, out = best(lambda: (a * 1.8 + b) / (c + 1.0) - np.log(a + 1.0), repeat)
    rows_out.append((f"numpy {np.__version__}", 1, 0.0, t_best, out))

    numba_best = next((r[3] for r in rows_out if r[0].startswith("numba")), None)
    print(f"{rows:,} rows, float64, best of {repeat}; {cores} core(s); expression: {EXPR}")
    print(f"{'':28} {'threads':>7} {'first call':>11} {'best':>9} {'vs numba':>9} {'max error':>12}")
    for name, threads, t_first, t_best, out in rows_out:
        # Error against numpy, relative to the value's magnitude (at least 1: results
        # near zero come from subtracting values near 4, so their error is absolute).
        err = float(np.max(np.abs(out - expected) / np.maximum(np.abs(expected), 1.0)))
        ratio = f"{t_best / numba_best:8.2f}x" if numba_best else "-"
        first_text = f"{t_first * 1e3:9.1f}ms" if t_first else "-"
        print(
            f"{name:28} {threads:>7} {first_text:>11} {t_best * 1e3:7.1f}ms {ratio:>9} {err:12.1e}"
        )


if __name__ == "__main__":
    main()
