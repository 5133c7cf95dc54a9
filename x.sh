#!/usr/bin/env bash
# Kiln's set-up and developer entry point.
#
#   ./x.sh run FILE.expr [ARGS...]   run a program: `kiln run FILE.expr ARGS...`
#   ./x.sh kiln [ARGS...]            any kiln command: `./x.sh kiln eval '1 + 2'`
#                                    (`./x.sh kiln sql ...` builds kiln-sql first)
#   ./x.sh test                      rustfmt check, clippy, every test (Rust and Python), benches compile
#   ./x.sh setup                     only install what is missing
#
# Every command first makes sure cargo and LLVM 19 are there. LLVM 19 counts as
# present when one of these is an LLVM 19 llvm-config:
#   $LLVM_SYS_191_PREFIX/bin/llvm-config, llvm-config-19 on PATH,
#   /usr/lib/llvm-19/bin/llvm-config (Debian and Ubuntu's llvm-19-dev).
# When it is missing and apt-get exists, it installs llvm-19-dev libzstd-dev zlib1g-dev
# (with sudo when not root); otherwise it says what to install and stops. The time zone
# database (tzdata) is installed the same way when /usr/share/zoneinfo is missing.
#
# KILN_LLVM_DEFAULT_PREFIX replaces /usr/lib/llvm-19 above; it exists so the detection
# can be tested on a machine that has LLVM 19 installed.
set -euo pipefail

readonly LLVM_PACKAGES=(llvm-19-dev libzstd-dev zlib1g-dev)
readonly LLVM_DEFAULT_PREFIX="${KILN_LLVM_DEFAULT_PREFIX:-/usr/lib/llvm-19}"

cd "$(dirname "${BASH_SOURCE[0]}")"

note() { printf 'x.sh: %s\n' "$*" >&2; }

usage() {
  sed -n '2,8s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

# Print the first LLVM 19 llvm-config found, or fail.
find_llvm_config() {
  local candidates=() candidate
  if [[ -n "${LLVM_SYS_191_PREFIX:-}" ]]; then
    candidates+=("$LLVM_SYS_191_PREFIX/bin/llvm-config")
  fi
  if candidate=$(command -v llvm-config-19); then
    candidates+=("$candidate")
  fi
  candidates+=("$LLVM_DEFAULT_PREFIX/bin/llvm-config")
  for candidate in "${candidates[@]}"; do
    if [[ -x "$candidate" ]] && [[ "$("$candidate" --version 2>/dev/null)" == 19.* ]]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

explain_llvm_install() {
  printf '%s\n' >&2 \
    "x.sh: LLVM 19 (its development files) is required but was not found." \
    "  Looked for: \$LLVM_SYS_191_PREFIX/bin/llvm-config, llvm-config-19 on PATH," \
    "              $LLVM_DEFAULT_PREFIX/bin/llvm-config" \
    "  Install it, then run this again:" \
    "    Debian, Ubuntu:   sudo apt-get install ${LLVM_PACKAGES[*]}" \
    "    macOS (Homebrew): brew install llvm@19" \
    "                      export LLVM_SYS_191_PREFIX=\"\$(brew --prefix llvm@19)\"" \
    "    elsewhere:        install LLVM 19 and set LLVM_SYS_191_PREFIX to the directory" \
    "                      that holds bin/llvm-config"
}

# apt-get install the given packages (with sudo when not root).
apt_install() {
  local sudo=()
  if [[ "$(id -u)" != 0 ]]; then
    if ! command -v sudo >/dev/null 2>&1; then
      note "installing $* needs root, and sudo is not available"
      return 1
    fi
    sudo=(sudo)
  fi
  note "installing $* with apt-get"
  ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
    ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -q --no-install-recommends "$@"
}

install_llvm_with_apt() {
  note "LLVM 19 not found"
  apt_install "${LLVM_PACKAGES[@]}"
}

# Time zones by IANA name ("Europe/Berlin") come from the system's database
# (/usr/share/zoneinfo, Debian's tzdata); minimal images lack it.
ensure_tzdata() {
  if [[ -e /usr/share/zoneinfo/UTC || -n "${TZDIR:-}" ]]; then
    return 0
  fi
  if ! command -v apt-get >/dev/null 2>&1 || ! apt_install tzdata; then
    note "the time zone database (/usr/share/zoneinfo) is missing: zone names will not resolve"
  fi
}

ensure_cargo() {
  if ! command -v cargo >/dev/null 2>&1; then
    note "cargo was not found: Kiln needs the Rust toolchain (1.85 or newer)."
    note "Install it with rustup (or your system's package manager), open a new shell, and run this again."
    exit 1
  fi
}

ensure_llvm() {
  local config
  if ! config=$(find_llvm_config); then
    if ! command -v apt-get >/dev/null 2>&1; then
      explain_llvm_install
      exit 1
    fi
    if ! install_llvm_with_apt || ! config=$(find_llvm_config); then
      note "installing LLVM 19 with apt-get did not work."
      explain_llvm_install
      exit 1
    fi
  fi
  # Tell llvm-sys where this LLVM lives (it wins over the default in .cargo/config.toml).
  local prefix
  prefix=$("$config" --prefix)
  if [[ -n "${LLVM_SYS_191_PREFIX:-}" && "$LLVM_SYS_191_PREFIX" != "$prefix" ]]; then
    note "LLVM_SYS_191_PREFIX=$LLVM_SYS_191_PREFIX has no LLVM 19; using $prefix"
  fi
  export LLVM_SYS_191_PREFIX="$prefix"
}

# A C++ compiler for build.rs's LLVM shim (src/jit/shim/emit.cpp): the cc crate runs
# `c++` unless CXX names another.
ensure_cxx() {
  if [[ -n "${CXX:-}" ]] || command -v c++ >/dev/null 2>&1; then
    return
  fi
  if ! command -v apt-get >/dev/null 2>&1 || ! apt_install g++; then
    note "no C++ compiler: install g++ (or clang++ and set CXX), then run this again."
    exit 1
  fi
}

ensure_tools() {
  ensure_cargo
  ensure_llvm
  ensure_cxx
  ensure_tzdata
}

# Build (release) and run kiln with the given arguments. `kiln sql` runs the separate
# kiln-sql program (DataFusion), which is built next to kiln first; without Ballista
# (--no-default-features), which only the distributed setup needs.
run_kiln() {
  local target="${CARGO_TARGET_DIR:-target}/release"
  if [[ "${1:-}" == sql ]]; then
    if [[ ! -x "$target/kiln-sql" ]]; then
      note "building kiln-sql in release mode (the first build takes several minutes)"
    fi
    cargo build --release --quiet -p kiln-datafusion --no-default-features --bin kiln-sql
  fi
  if [[ ! -x "$target/kiln" ]]; then
    note "building Kiln in release mode (the first build takes a few minutes)"
  fi
  local link=(--no-default-features --features static-llvm)
  if ! ensure_static_llvm; then
    link=()
  fi
  exec cargo run --release --quiet -p kiln --bin kiln ${link[@]+"${link[@]}"} -- "$@"
}

# The release kiln links LLVM's static libraries (feature static-llvm): it starts in a
# third of the time and memory of one that loads libLLVM.so. llvm-config lists Polly
# among them, which Debian ships apart (libpolly-19-dev); it is installed when missing.
# Without the static libraries kiln links libLLVM.so, as the tests always do.
ensure_static_llvm() {
  local libdir
  libdir=$("$LLVM_SYS_191_PREFIX/bin/llvm-config" --libdir)
  have_static() { [[ -e "$libdir/libLLVMCore.a" && -e "$libdir/libPolly.a" ]]; }
  if have_static; then
    return 0
  fi
  if [[ -e "$libdir/libLLVMCore.a" ]] && command -v apt-get >/dev/null 2>&1 &&
    apt_install libpolly-19-dev && have_static; then
    return 0
  fi
  note "LLVM's static libraries (with Polly: libpolly-19-dev) are missing: kiln links libLLVM.so and starts slower"
  return 1
}

# The Python package's virtual environment (python/, the `kiln` module): made by python3
# under the target directory, with python/requirements-test.txt installed (again only
# when that file changes). The package runs on Python 3.9 and later; its pinned test
# requirements (numpy, pyarrow, polars, DuckDB) need 3.11.
py_venv() {
  mkdir -p "${CARGO_TARGET_DIR:-target}"
  printf '%s/py-venv\n' "$(cd "${CARGO_TARGET_DIR:-target}" && pwd)"
}

ensure_py_venv() {
  local venv stamp
  local check='import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))'
  if ! python3 -c "$check" 2>/dev/null; then
    # Debian 12's python3 is 3.11; venv and pip come in packages of their own.
    if ! command -v apt-get >/dev/null 2>&1 || ! apt_install python3 python3-venv python3-pip ||
      ! python3 -c "$check" 2>/dev/null; then
      note "the Python package's tests need python3 3.11 or newer, with venv and pip"
      return 1
    fi
  fi
  venv=$(py_venv)
  if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv" || return 1
  fi
  stamp="$venv/requirements-test.installed"
  if ! cmp -s python/requirements-test.txt "$stamp"; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
      -r python/requirements-test.txt && cp python/requirements-test.txt "$stamp"
  fi
}

# Build the extension into the virtual environment: maturin develop, a debug build in
# the workspace's target directory, sharing its build of kiln with the cargo steps.
python_build() {
  local venv
  venv=$(py_venv)
  VIRTUAL_ENV="$venv" "$venv/bin/maturin" develop --manifest-path python/Cargo.toml
}

# The pyo3 configuration file maturin wrote for the venv's Python (empty if none).
maturin_pyo3_config() {
  local version
  version=$("$(py_venv)/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  compgen -G "$(dirname "$(py_venv)")/maturin/pyo3-config-*-$version-abi3.txt" | head -n 1
}

# The VS Code extension's tests (editors/vscode/test) run under Node.js, with fakes of
# the vscode modules: nothing is fetched from npm.
ensure_node() {
  if command -v node >/dev/null 2>&1; then
    return 0
  fi
  if ! command -v apt-get >/dev/null 2>&1 || ! apt_install nodejs; then
    note "the VS Code extension's tests need Node.js (Debian: nodejs)"
    return 1
  fi
}

editor_tests() {
  ensure_node && node editors/vscode/test/extension.test.js
}

python_tests() {
  "$(py_venv)/bin/python" -m pytest -q -p no:cacheprovider python/tests
}

run_tests() {
  local failed=() python=1
  step() {
    local name=$1 start=$SECONDS
    shift
    note "== $name: $*"
    if ! "$@"; then
      failed+=("$name")
    fi
    note "-- $name: $((SECONDS - start)) s"
  }
  # The Python package first: its venv, and the extension built by maturin. Then every
  # cargo step below gets pyo3's settings as maturin gives them (the venv's Python, an
  # extension module: no libpython linked, and kiln-python has no Rust test binary; the
  # configuration file maturin wrote). Any difference would rerun pyo3's build script
  # and rebuild pyo3, numpy and kiln-python between the steps.
  local start=$SECONDS config
  note "== python-env: $(py_venv) with python/requirements-test.txt"
  if ensure_py_venv; then
    export PYO3_PYTHON PYO3_BUILD_EXTENSION_MODULE=1
    PYO3_PYTHON="$(py_venv)/bin/python"
  else
    failed+=(python-env)
    python=0
  fi
  note "-- python-env: $((SECONDS - start)) s"
  if ((python)); then
    step python-build python_build
    if config=$(maturin_pyo3_config) && [[ -n "$config" ]]; then
      export PYO3_CONFIG_FILE="$config"
    fi
  fi
  if cargo fmt --version >/dev/null 2>&1; then
    step format cargo fmt --all -- --check
  else
    note "== format: skipped, rustfmt is not installed (rustup component add rustfmt)"
  fi
  if cargo clippy --version >/dev/null 2>&1; then
    step clippy cargo clippy --workspace --all-targets -- -D warnings
  else
    note "== clippy: skipped, clippy is not installed (rustup component add clippy)"
  fi
  step tests cargo test --workspace --no-fail-fast
  if ((python)); then
    step python python_tests
  fi
  step editors editor_tests
  step benches cargo bench --no-run
  if ((${#failed[@]} > 0)); then
    note "FAILED: ${failed[*]}"
    return 1
  fi
  note "every step passed"
}

main() {
  local command=${1:-}
  case "$command" in
    run)
      shift
      ensure_tools
      run_kiln run "$@"
      ;;
    kiln)
      shift
      ensure_tools
      run_kiln "$@"
      ;;
    test)
      ensure_tools
      run_tests
      ;;
    setup)
      ensure_tools
      note "ready: cargo and LLVM 19 ($LLVM_SYS_191_PREFIX)"
      ;;
    help | -h | --help)
      usage
      ;;
    *)
      usage >&2
      [[ -z "$command" ]] || note "unknown command: $command"
      exit 2
      ;;
  esac
}

main "$@"
