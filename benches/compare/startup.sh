#!/usr/bin/env bash
# Whole-process start-up of `kiln` (issue 18): the release binary with LLVM linked
# statically (what `./x.sh kiln` builds) against the one linking libLLVM.so, side by side
# in one run. Times `kiln --version`, a cached and an uncached `kiln run` of a small
# program with hyperfine, and each one's peak resident memory with GNU time.
#
#   bash benches/compare/startup.sh        # RUNS=40 runs per case by default
#
# Not run by CI. Needs hyperfine and /usr/bin/time (Debian: hyperfine, time), and LLVM's
# static libraries with Polly (libpolly-19-dev). Builds both binaries into
# target/startup/ (the static build first, then the shared one over target/release/kiln).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
: "${LLVM_SYS_191_PREFIX:=/usr/lib/llvm-19}"
export LLVM_SYS_191_PREFIX
RUNS="${RUNS:-40}"
out=target/startup
mkdir -p "$out"

cargo build --release --quiet -p kiln --bin kiln --no-default-features --features static-llvm
cp target/release/kiln "$out/kiln-static"
cargo build --release --quiet -p kiln --bin kiln
cp target/release/kiln "$out/kiln-shared"

program="$out/small.expr"
printf 'let x = 20;\nx * 2 + 1\n' > "$program"
for kind in static shared; do
  rm -rf "$out/cache-$kind"
  # Fill the cache once, so the timed runs below hit it.
  KILN_CACHE_DIR="$out/cache-$kind" "$out/kiln-$kind" run "$program" > /dev/null
done

cases=()
for kind in static shared; do
  bin="$out/kiln-$kind"
  cases+=("$bin --version")
  cases+=("env KILN_CACHE_DIR=$out/cache-$kind $bin run $program")
  cases+=("$bin run --no-cache $program")
done
hyperfine -N --warmup 5 --runs "$RUNS" "${cases[@]}"

echo
echo "peak resident memory (GNU time, KiB):"
for c in "${cases[@]}"; do
  # shellcheck disable=SC2086 # each case is a command line
  /usr/bin/time -f "%M  $c" $c > /dev/null
done
