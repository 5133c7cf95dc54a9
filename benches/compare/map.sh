#!/usr/bin/env bash
# Whole-process comparison of `kiln map` with Polars and DuckDB (issue 16).
# See benches/compare/README.md. Not run by CI: it installs packages from PyPI
# and takes minutes.
#
#   bash benches/compare/map.sh
#
# Environment:
#   KILN=/path/to/kiln   the kiln binary to time (default: target/release/kiln of
#                        this checkout, built with `cargo build --release` if it is
#                        missing or older than the sources)
#   RUNS=N               timed runs per row, after one warm-up run (default 5)
#   PYTHON=python3       the interpreter to make the virtual environment with
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
VENV=$ROOT/target/compare-venv
DATA=$ROOT/target/compare-data
OUT=$DATA/out
MD=$ROOT/target/compare-results.md
RESULTS=$OUT/results.jsonl
RUNS=${RUNS:-5}
PY=$VENV/bin/python
HELPER=$HERE/compare.py
export LLVM_SYS_191_PREFIX=${LLVM_SYS_191_PREFIX:-/usr/lib/llvm-19}

step() { printf '\n== %s\n' "$*"; }

# ---------------------------------------------------------------- 1. venv
step "Python environment: $VENV"
if [[ ! -x $PY ]]; then
    "${PYTHON:-python3}" -m venv "$VENV"
fi
# Reinstall only when requirements.txt changed since the last install.
if ! cmp -s "$HERE/requirements.txt" "$VENV/.compare-requirements"; then
    "$PY" -m pip install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"
    cp "$HERE/requirements.txt" "$VENV/.compare-requirements"
fi
"$PY" -c 'import polars, duckdb, pyarrow, numpy; print("  polars", polars.__version__, "| duckdb", duckdb.__version__, "| pyarrow", pyarrow.__version__, "| numpy", numpy.__version__)'

# ---------------------------------------------------------------- hyperfine
if ! command -v hyperfine >/dev/null && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    step "Installing hyperfine (Debian package)"
    apt-get install -y -qq hyperfine >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq hyperfine >/dev/null 2>&1; } ||
        echo "  could not install hyperfine; timing kiln with a Python loop instead"
fi
if command -v hyperfine >/dev/null; then
    echo "  $(hyperfine --version)"
    HAVE_HYPERFINE=1
else
    HAVE_HYPERFINE=0
fi

# ---------------------------------------------------------------- kiln
step "kiln binary"
if [[ -n ${KILN:-} ]]; then
    echo "  KILN=$KILN"
else
    KILN=$ROOT/target/release/kiln
    if [[ ! -x $KILN ]] || [[ -n $(cd "$ROOT" && find src runtime stdlib grammar build.rs Cargo.toml Cargo.lock -newer "$KILN" -print -quit 2>/dev/null) ]]; then
        echo "  $KILN is missing or older than the sources: cargo build --release"
        (cd "$ROOT" && cargo build --release)
    fi
fi
echo "  $KILN: $("$KILN" --version)"

# ---------------------------------------------------------------- 2. data
step "Data: $DATA"
"$PY" "$HELPER" gen "$DATA"
mkdir -p "$OUT"
rm -f "$RESULTS" "$OUT"/*.csv "$OUT"/*.parquet
PROG=$HERE/prog.expr
PROG2=$HERE/prog2.expr

MISMATCH=0
check() { "$PY" "$HELPER" check "$RESULTS" "$@" || MISMATCH=1; }

# Time a kiln command line (a shell string, may redirect) as a whole process.
time_kiln() { # case label command
    local case=$1 label=$2 cmd=$3
    if [[ $HAVE_HYPERFINE == 1 ]]; then
        hyperfine --style basic --warmup 1 --runs "$RUNS" \
            --export-json "$OUT/hyperfine.json" "$cmd" >"$OUT/hyperfine.log"
        "$PY" "$HELPER" hyperfine "$RESULTS" "$case" "$label" "$OUT/hyperfine.json"
    else
        "$PY" "$HELPER" loop "$RESULTS" "$case" "$label" "$RUNS" "$cmd"
    fi
}

# Run kiln once on the small probe file; a non-zero exit means this kiln
# cannot run the case (today's kiln: no Parquet, no -o, no --threads).
probe() { # log-file args...
    local log=$1
    shift
    "$KILN" "$@" >"$log" 2>&1
}

q() { printf '%q' "$1"; }
UNSUPPORTED="unsupported (needs issue 16's kiln map)"

# ---------------------------------------------------------------- 3a. CSV
step "CSV: 1M rows, $(basename "$PROG"): $(tr '\n' ' ' <"$PROG")"
if probe "$OUT/probe-csv.log" map "$PROG" "$DATA/probe.csv"; then
    time_kiln csv kiln "$(q "$KILN") map $(q "$PROG") $(q "$DATA/data.csv") > $(q "$OUT/kiln.csv")"
    KILN_CSV=1
else
    echo "  kiln failed on the probe file:"; sed 's/^/    /' "$OUT/probe-csv.log" | head -n 20
    "$PY" "$HELPER" skip "$RESULTS" csv kiln "failed on the probe file (see the log)"
    KILN_CSV=0
fi
"$PY" "$HELPER" time "$RESULTS" polars csv "$DATA/data.csv" "$OUT/polars.csv" "$RUNS"
"$PY" "$HELPER" time "$RESULTS" duckdb csv "$DATA/data.csv" "$OUT/duckdb.csv" "$RUNS"
if [[ $KILN_CSV == 1 ]]; then check csv "$OUT/polars.csv" "$OUT/kiln.csv"; fi
check csv "$OUT/polars.csv" "$OUT/duckdb.csv"

# ---------------------------------------------------------------- 3b. Parquet
step "Parquet: 10M rows, $(basename "$PROG2"): $(tr '\n' ' ' <"$PROG2")"
KILN_PQ=()
for variant in "" "--threads 2"; do
    label="kiln${variant:+ $variant}"
    out=$OUT/kiln${variant:+-threads2}.parquet
    # shellcheck disable=SC2086 # $variant is meant to split into words
    if probe "$OUT/probe-parquet.log" map "$PROG2" "$DATA/probe.parquet" -o "$OUT/probe.parquet" $variant; then
        time_kiln parquet "$label" "$(q "$KILN") map $(q "$PROG2") $(q "$DATA/data.parquet") -o $(q "$out") $variant"
        KILN_PQ+=("$out")
    else
        echo "$label: $UNSUPPORTED"
        echo "  (the probe on the small file exited non-zero: $(head -n 1 "$OUT/probe-parquet.log"))"
        "$PY" "$HELPER" skip "$RESULTS" parquet "$label" "$UNSUPPORTED" >/dev/null
    fi
done
"$PY" "$HELPER" time "$RESULTS" polars parquet "$DATA/data.parquet" "$OUT/polars.parquet" "$RUNS"
"$PY" "$HELPER" time "$RESULTS" duckdb parquet "$DATA/data.parquet" "$OUT/duckdb.parquet" "$RUNS"
for out in "${KILN_PQ[@]}"; do
    check parquet "$OUT/polars.parquet" "$out"
done
check parquet "$OUT/polars.parquet" "$OUT/duckdb.parquet"

# ---------------------------------------------------------------- 4. table
step "Results (also in $MD)"
"$PY" "$HELPER" table "$RESULTS" "$MD" || MISMATCH=1
if [[ $MISMATCH == 1 ]]; then
    echo
    echo "!!! MISMATCH: some outputs disagree (see above) !!!"
    exit 1
fi
