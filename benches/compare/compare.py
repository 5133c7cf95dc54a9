"""Helper for benches/compare/map.sh: data generation, in-process timing of
Polars and DuckDB, result checks and the results table.

Run only through map.sh (it sets up the virtual environment this needs).

    compare.py gen DATA_DIR
    compare.py time RESULTS TOOL CASE INPUT OUTPUT RUNS
    compare.py loop RESULTS CASE LABEL RUNS SHELL_COMMAND
    compare.py hyperfine RESULTS CASE LABEL HYPERFINE_JSON
    compare.py skip RESULTS CASE LABEL NOTE
    compare.py check RESULTS CASE REFERENCE OTHER    (exit 1 on a mismatch)
    compare.py table RESULTS MARKDOWN_OUT             (exit 1 if any mismatch)

RESULTS is a JSON-lines file that each step appends one record to.
TOOL is polars or duckdb; CASE is csv or parquet. A row whose LABEL is
exactly "kiln" is the reference of its case for the ratio column.
"""

import json
import math
import os
import statistics
import sys
import time

CSV_ROWS = 1_000_000
PARQUET_ROWS = 10_000_000
PROBE_ROWS = 100
SEED = 16  # issue 16


# --------------------------------------------------------------------------
# Data


def _write_atomic(path, write):
    """Write through a temporary name so an interrupted run leaves no half file
    that a later run would take as done."""
    tmp = path + ".partial"
    write(tmp)
    os.replace(tmp, path)


def gen(data_dir):
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    os.makedirs(data_dir, exist_ok=True)

    def csv_table(rows, seed):
        rng = np.random.default_rng(seed)
        return pa.table(
            {
                # Non-negative, so the Parquet program's log(a + 1.0) is defined.
                "a": rng.uniform(0.0, 1000.0, rows),
                "b": rng.integers(0, 5, rows, dtype=np.int64),
            }
        )

    def parquet_table(rows, seed):
        rng = np.random.default_rng(seed)
        return pa.table(
            {
                "a": rng.uniform(0.0, 1000.0, rows),
                "b": rng.normal(0.0, 50.0, rows),
                "c": rng.uniform(0.0, 10.0, rows),
                "id": np.arange(rows, dtype=np.int64),
            }
        )

    def write_csv(table):
        return lambda p: pacsv.write_csv(table, p)

    def write_parquet(table):
        return lambda p: pq.write_table(table, p, row_group_size=1_000_000)

    files = [
        ("data.csv", lambda: write_csv(csv_table(CSV_ROWS, SEED))),
        ("data.parquet", lambda: write_parquet(parquet_table(PARQUET_ROWS, SEED))),
        # Tiny files: to find out cheaply whether the kiln binary can run a case.
        ("probe.csv", lambda: write_csv(csv_table(PROBE_ROWS, SEED + 1))),
        ("probe.parquet", lambda: write_parquet(parquet_table(PROBE_ROWS, SEED + 1))),
    ]
    for name, make in files:
        path = os.path.join(data_dir, name)
        if os.path.exists(path):
            print(f"  {path}: exists, kept")
            continue
        t0 = time.perf_counter()
        _write_atomic(path, make())
        size = os.path.getsize(path) / 1e6
        print(f"  {path}: written ({size:.1f} MB, {time.perf_counter() - t0:.1f} s)")


# --------------------------------------------------------------------------
# In-process timing. Only read + compute + write is inside perf_counter; the
# import of the library (and, for DuckDB, opening the connection) is not.

CSV_SQL = "CASE WHEN b > 2 THEN a * 2.0 ELSE a + 1.0 END"
PARQUET_SQL = "(a * 1.8 + b) / (c + 1.0) - ln(a + 1.0)"  # DuckDB: ln is natural, log is base 10


def _polars_run(case, src, dst):
    import polars as pl

    if case == "csv":
        expr = (
            pl.when(pl.col("b") > 2)
            .then(pl.col("a") * 2.0)
            .otherwise(pl.col("a") + 1.0)
        )
        (
            pl.scan_csv(src, schema={"a": pl.Float64, "b": pl.Int64})
            .with_columns(expr.alias("result"))
            .sink_csv(dst)
        )
    else:
        a, b, c = pl.col("a"), pl.col("b"), pl.col("c")
        expr = (a * 1.8 + b) / (c + 1.0) - (a + 1.0).log()
        pl.scan_parquet(src).with_columns(expr.alias("result")).sink_parquet(dst)


def _duckdb_run(con, case, src, dst):
    if case == "csv":
        con.execute(
            f"COPY (SELECT *, {CSV_SQL} AS result "
            f"FROM read_csv(?, header = true, columns = {{'a': 'DOUBLE', 'b': 'BIGINT'}})) "
            f"TO '{dst}' (FORMAT csv, HEADER true)",
            [src],
        )
    else:
        con.execute(
            f"COPY (SELECT *, {PARQUET_SQL} AS result FROM read_parquet(?)) "
            f"TO '{dst}' (FORMAT parquet)",
            [src],
        )


def _append(results, record):
    with open(results, "a") as f:
        f.write(json.dumps(record) + "\n")


def time_tool(results, tool, case, src, dst, runs):
    runs = int(runs)
    if "'" in dst:
        raise SystemExit("output path must not contain a quote")
    if tool == "polars":
        import polars as pl

        version = pl.__version__
        threads = pl.thread_pool_size()

        def once():
            _polars_run(case, src, dst)

    elif tool == "duckdb":
        import duckdb

        version = duckdb.__version__
        con = duckdb.connect()  # in-memory; default threads = cores
        threads = con.execute("SELECT current_setting('threads')").fetchone()[0]

        def once():
            _duckdb_run(con, case, src, dst)

    else:
        raise SystemExit(f"unknown tool {tool}")

    once()  # warm-up (page cache, lazy initialisation), not counted
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        once()
        times.append(time.perf_counter() - t0)
    note = f"{tool} {version}, {threads} threads, in-process, import excluded"
    _report(case, tool, times, note)
    _append(results, {"case": case, "tool": tool, "times": times, "note": note})


def _report(case, label, times, note):
    print(
        f"  {case:8} {label:20} median {statistics.median(times):.3f} s"
        f"  min {min(times):.3f} s  ({len(times)} runs; {note})"
    )


def loop(results, case, label, runs, command):
    """Fallback when hyperfine is missing: time a shell command as a whole
    process, one warm-up run and then RUNS timed runs."""
    import subprocess

    def once():
        subprocess.run(command, shell=True, check=True)

    once()
    times = []
    for _ in range(int(runs)):
        t0 = time.perf_counter()
        once()
        times.append(time.perf_counter() - t0)
    note = "whole process (Python timing loop; includes the shell's start)"
    _report(case, label, times, note)
    _append(results, {"case": case, "tool": label, "times": times, "note": note})


def hyperfine(results, case, label, json_path):
    with open(json_path) as f:
        times = json.load(f)["results"][0]["times"]
    note = "whole process (hyperfine)"
    _report(case, label, times, note)
    _append(results, {"case": case, "tool": label, "times": times, "note": note})


def skip(results, case, label, note):
    print(f"  {case:8} {label:20} {note}")
    _append(results, {"case": case, "tool": label, "times": None, "note": note})


# --------------------------------------------------------------------------
# Checks


def _result_column(path):
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    if path.endswith(".parquet"):
        table = pq.read_table(path)
    else:
        table = pacsv.read_csv(path)
    return table.column("result").cast("float64").to_numpy()


def check(results, case, ref_path, other_path):
    """Compare the `result` column of two outputs: row count, sum, a few rows
    by position (output rows must keep the input order), and then every row,
    all up to float rounding: |x - y| <= 1e-9 * (|y| + 1), NaN equal to NaN."""
    import numpy as np

    name = os.path.basename(other_path)
    refname = os.path.basename(ref_path)
    problems = []
    total = float("nan")
    try:
        ref = _result_column(ref_path)
        other = _result_column(other_path)
    except Exception as e:  # a missing file or column is a mismatch too
        problems.append(f"cannot read the result column: {e}")
    else:
        if len(ref) != len(other):
            problems.append(f"{len(other)} rows vs {len(ref)}")
        else:
            total = math.fsum(ref[~np.isnan(ref)])
            other_total = math.fsum(other[~np.isnan(other)])
            if not math.isclose(total, other_total, rel_tol=1e-9, abs_tol=1e-6):
                problems.append(f"sum {other_total!r} vs {total!r}")
            close = (np.abs(ref - other) <= 1e-9 * (np.abs(ref) + 1.0)) | (
                np.isnan(ref) & np.isnan(other)
            )
            for i in sorted({0, len(ref) // 2, len(ref) - 1}):
                if len(ref) and not close[i]:
                    problems.append(f"row {i}: {float(other[i])!r} vs {float(ref[i])!r}")
            bad = np.flatnonzero(~close)
            if len(bad):
                i = int(bad[0])
                problems.append(
                    f"{len(bad)} rows differ, the first is row {i}: "
                    f"{float(other[i])!r} vs {float(ref[i])!r}"
                )
    if problems:
        msg = f"{case}: {name} vs {refname}: " + "; ".join(problems)
        print("  " + "!" * 72)
        print(f"  !!! MISMATCH !!! {msg}")
        print("  " + "!" * 72)
        _append(results, {"mismatch": msg})
        sys.exit(1)
    print(f"  ok  {case}: {name} agrees with {refname} ({len(ref)} rows, sum {total:.6f})")


# --------------------------------------------------------------------------
# Table


def table(results_path, md_path):
    records = [json.loads(line) for line in open(results_path) if line.strip()]
    mismatches = [r["mismatch"] for r in records if "mismatch" in r]
    rows = [r for r in records if "case" in r]
    ref = {}
    for r in rows:
        if r["tool"] == "kiln" and r["times"]:
            ref[r["case"]] = statistics.median(r["times"])

    header = ["case", "tool", "seconds (median)", "min", "runs", "ratio to kiln", "note"]
    body = []
    for r in rows:
        if r["times"]:
            med = statistics.median(r["times"])
            k = ref.get(r["case"])
            ratio = f"{med / k:.2f}" if k else "n/a"
            body.append(
                [r["case"], r["tool"], f"{med:.3f}", f"{min(r['times']):.3f}",
                 str(len(r["times"])), ratio, r["note"]]
            )
        else:
            body.append([r["case"], r["tool"], "-", "-", "0", "n/a", r["note"]])

    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(header)]

    def line(cells):
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    print(line(header))
    print(line(["-" * w for w in widths]))
    for b in body:
        print(line(b))
    for m in mismatches:
        print(f"!!! MISMATCH !!! {m}")

    with open(md_path, "w") as f:
        f.write("# kiln map vs Polars and DuckDB\n\n")
        f.write(
            f"Written by benches/compare/map.sh on "
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs. "
            "kiln: the whole process; Polars and DuckDB: in their Python process, import "
            "excluded. Ratio: the tool's median over kiln's median for the case "
            "(above 1: kiln is faster).\n\n"
        )
        f.write("| " + " | ".join(header) + " |\n")
        f.write("|" + "|".join("---" for _ in header) + "|\n")
        for b in body:
            f.write("| " + " | ".join(c.replace("|", "\\|") for c in b) + " |\n")
        for m in mismatches:
            f.write(f"\n**MISMATCH**: {m}\n")
    if mismatches:
        sys.exit(1)


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    cmd, args = argv[1], argv[2:]
    if cmd == "gen":
        gen(*args)
    elif cmd == "time":
        time_tool(*args)
    elif cmd == "loop":
        loop(*args)
    elif cmd == "hyperfine":
        hyperfine(*args)
    elif cmd == "skip":
        skip(*args)
    elif cmd == "check":
        check(*args)
    elif cmd == "table":
        table(*args)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
