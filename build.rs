//! Build script: `KILN_BUILD_ID`, a fingerprint of the compiler's own source (every file
//! under the directories in `SOURCES`, with its path, plus the manifest and lock file).
//! The compiled-program cache (`src/cli/cache.rs`) puts it in every cache key, so an
//! entry made by one build of Kiln is never used by another build whose code generation
//! may differ, even at the same version number. Unlike a git commit, it is also there in
//! a source tarball, and it changes with uncommitted edits.
//!
//! It also compiles the C++ shim `src/jit/shim/emit.cpp` (see `src/jit/emitter.rs`)
//! against the LLVM that llvm-sys found, with that `llvm-config`'s C++ flags, and links
//! the `kiln` binary at a fixed address when LLVM is linked statically.

use std::fs;
use std::path::{Path, PathBuf};
use xxhash_rust::xxh3::Xxh3;

/// What the fingerprint covers, relative to the package root; missing ones are skipped.
const SOURCES: [&str; 6] = [
    "src",
    "grammar",
    "stdlib",
    "runtime",
    "Cargo.toml",
    "Cargo.lock",
];

/// Every file under `path` (or `path` itself), in a stable order.
fn files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_file() {
        out.push(path.to_owned());
        return;
    }
    let Ok(entries) = fs::read_dir(path) else {
        return;
    };
    let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    children.sort();
    for child in children {
        files(&child, out);
    }
}

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let mut all = Vec::new();
    for source in SOURCES {
        let path = root.join(source);
        // Cargo reruns a script whose watched path is missing on every build, so only
        // existing ones are watched (a new directory comes with a manifest change).
        if path.exists() {
            println!("cargo:rerun-if-changed={source}");
            files(&path, &mut all);
        }
    }
    // The cache's own hash (xxh3-128) over every file's path, length and contents.
    let mut hasher = Xxh3::new();
    for file in &all {
        let name = file.strip_prefix(&root).unwrap_or(file);
        let contents = fs::read(file).unwrap_or_default();
        hasher.update(name.to_string_lossy().as_bytes());
        hasher.update(&(contents.len() as u64).to_le_bytes());
        hasher.update(&contents);
    }
    println!("cargo:rustc-env=KILN_BUILD_ID={:032x}", hasher.digest128());
    shim();
    static_llvm();
}

/// With LLVM's static libraries linked in (feature `static-llvm`), the `kiln` binary on
/// Linux is linked as a fixed-address executable: a position-independent one makes the
/// dynamic loader apply some 160 000 relocations (LLVM's vtables and tables) at every
/// start, a quarter of `kiln --version`'s time. The linker takes the last of `-pie` (which
/// rustc passes) and `-no-pie`.
fn static_llvm() {
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    if linux && std::env::var_os("CARGO_FEATURE_STATIC_LLVM").is_some() {
        println!("cargo:rustc-link-arg-bin=kiln=-no-pie");
    }
}

/// The C++ shim, built with the flags of the `llvm-config` llvm-sys used.
fn shim() {
    const SHIM: &str = "src/jit/shim/emit.cpp";
    println!("cargo:rerun-if-env-changed=DEP_LLVM_19_CONFIG_PATH");
    let config = std::env::var("DEP_LLVM_19_CONFIG_PATH")
        .expect("llvm-sys reports its llvm-config (DEP_LLVM_19_CONFIG_PATH)");
    let output = std::process::Command::new(&config)
        .arg("--cxxflags")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {config} --cxxflags: {e}"));
    let flags = String::from_utf8_lossy(&output.stdout).into_owned();
    let mut build = cc::Build::new();
    build.cpp(true).file(SHIM).warnings(false);
    for flag in flags.split_whitespace() {
        match flag.strip_prefix("-I") {
            Some(dir) => build.include(dir),
            // Optimisation and warnings are cc's; the rest (standard, defines, exceptions)
            // must match how LLVM was built.
            None if flag.starts_with("-O") || flag.starts_with("-W") => &mut build,
            None => build.flag(flag),
        };
    }
    build.compile("kiln_llvm_shim");
}
