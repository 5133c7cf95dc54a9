//! Build script: `KILN_BUILD_ID`, a fingerprint of the compiler's own source (every file
//! under the directories in `SOURCES`, with its path, plus the manifest and lock file).
//! The compiled-program cache (`src/cli/cache.rs`) puts it in every cache key, so an
//! entry made by one build of Kiln is never used by another build whose code generation
//! may differ, even at the same version number. Unlike a git commit, it is also there in
//! a source tarball, and it changes with uncommitted edits.

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
}
