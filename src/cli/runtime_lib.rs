//! Where the Kiln runtime library is: the shared library `lli -load`s to run LLVM IR or
//! bitcode, and the static library executables are linked with.
//!
//! Looked for in `$KILN_RUNTIME_DIR` alone when it is set (and not empty); otherwise in
//! the directory of the running `kiln` executable and in its `deps/` subdirectory (where
//! cargo puts the runtime when it builds the compiler; `cargo build -p kiln-runtime`
//! puts it next to `kiln`). When both hold one, the newer file wins: building the
//! compiler refreshes only the copy in `deps/`, so the one next to `kiln` may be stale.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The environment variable naming the directory that holds the runtime libraries.
pub const RUNTIME_DIR_VAR: &str = "KILN_RUNTIME_DIR";

/// The two forms of the runtime library.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuntimeLib {
    /// `libkiln_runtime.so` (the platform's shared-library name): for `lli -load`.
    Shared,
    /// `libkiln_runtime.a`: linked into standalone executables.
    Static,
}

impl RuntimeLib {
    /// The library's file name on this platform.
    pub fn file_name(self) -> String {
        use std::env::consts::{DLL_PREFIX, DLL_SUFFIX};
        match self {
            RuntimeLib::Shared => format!("{DLL_PREFIX}kiln_runtime{DLL_SUFFIX}"),
            RuntimeLib::Static => "libkiln_runtime.a".to_owned(),
        }
    }
}

/// The absolute path of the runtime library `lib`, or an error saying where it was looked
/// for and how to build it.
pub fn find(lib: RuntimeLib) -> Result<PathBuf, String> {
    let exe = std::env::current_exe().ok();
    find_in(lib, std::env::var_os(RUNTIME_DIR_VAR), exe.as_deref())
}

/// The directories searched, in order (see the module docs).
fn search_dirs(env_dir: Option<OsString>, exe: Option<&Path>) -> Vec<PathBuf> {
    if let Some(dir) = env_dir.filter(|d| !d.is_empty()) {
        return vec![PathBuf::from(dir)];
    }
    match exe.and_then(Path::parent) {
        Some(dir) => vec![dir.to_path_buf(), dir.join("deps")],
        None => Vec::new(),
    }
}

/// [`find`] with the environment variable's value and the executable's path given.
fn find_in(
    lib: RuntimeLib,
    env_dir: Option<OsString>,
    exe: Option<&Path>,
) -> Result<PathBuf, String> {
    let from_env = env_dir.as_ref().is_some_and(|d| !d.is_empty());
    let dirs = search_dirs(env_dir, exe);
    let name = lib.file_name();
    let modified = |path: &Path| path.metadata().and_then(|m| m.modified()).ok();
    let newest = dirs
        .iter()
        .map(|dir| dir.join(&name))
        .filter(|path| path.is_file())
        // The first of equally new files: `max_by_key` keeps the last, so go backwards.
        .rev()
        .max_by_key(|path| modified(path));
    if let Some(path) = newest {
        return std::path::absolute(&path).map_err(|e| format!("{}: {e}", path.display()));
    }
    let looked = dirs
        .iter()
        .map(|d| format!("`{}`", d.display()))
        .collect::<Vec<_>>()
        .join(", ");
    let looked = if looked.is_empty() {
        "nowhere: the location of `kiln` is unknown".to_owned()
    } else {
        format!("in {looked}")
    };
    let source = if from_env {
        format!(" (from {RUNTIME_DIR_VAR})")
    } else {
        String::new()
    };
    Err(format!(
        "cannot find the Kiln runtime library `{name}`: looked {looked}{source}\n\
         help: build it with `cargo build -p kiln-runtime --release` (drop `--release` for a \
         debug build) and set {RUNTIME_DIR_VAR} to the directory that holds it \
         (`target/release`), or keep it next to the `kiln` executable"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A new directory of this test's own with an empty `deps/`, removed when dropped.
    fn scratch() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("deps")).unwrap();
        dir
    }

    #[test]
    fn the_environment_variable_wins_and_is_the_only_place_looked() {
        let scratch = scratch();
        let dir = scratch.path();
        std::fs::write(dir.join("deps").join(RuntimeLib::Static.file_name()), b"!").unwrap();
        let exe = dir.join("kiln");
        let err = find_in(RuntimeLib::Static, Some(dir.into()), Some(&exe)).unwrap_err();
        assert!(err.contains(RUNTIME_DIR_VAR), "{err}");
        assert!(err.contains("cargo build -p kiln-runtime"), "{err}");
        std::fs::write(dir.join(RuntimeLib::Static.file_name()), b"!").unwrap();
        let found = find_in(RuntimeLib::Static, Some(dir.into()), None).unwrap();
        assert_eq!(found, dir.join("libkiln_runtime.a"));
        assert!(found.is_absolute());
    }

    #[test]
    fn next_to_the_executable_or_in_its_deps_directory_whichever_is_newer() {
        let scratch = scratch();
        let dir = scratch.path();
        let exe = dir.join("kiln");
        let shared = RuntimeLib::Shared.file_name();
        std::fs::write(dir.join("deps").join(&shared), b"!").unwrap();
        // An empty variable counts as unset.
        let found = find_in(RuntimeLib::Shared, Some(OsString::new()), Some(&exe)).unwrap();
        assert_eq!(found, dir.join("deps").join(&shared));
        std::fs::write(dir.join(&shared), b"!").unwrap();
        let now = std::time::SystemTime::now();
        let age = |path: &Path, secs: u64| {
            let when = now - std::time::Duration::from_secs(secs);
            let file = std::fs::File::options().write(true).open(path).unwrap();
            file.set_modified(when).unwrap();
        };
        // Both there: the newer wins (the one next to `kiln` may be left from an
        // earlier `cargo build -p kiln-runtime`); equally new, the one next to `kiln`.
        age(&dir.join(&shared), 100);
        age(&dir.join("deps").join(&shared), 100);
        assert_eq!(
            find_in(RuntimeLib::Shared, None, Some(&exe)).unwrap(),
            dir.join(&shared)
        );
        age(&dir.join(&shared), 200);
        let found = find_in(RuntimeLib::Shared, None, Some(&exe)).unwrap();
        assert_eq!(found, dir.join("deps").join(&shared));
        age(&dir.join("deps").join(&shared), 300);
        assert_eq!(
            find_in(RuntimeLib::Shared, None, Some(&exe)).unwrap(),
            dir.join(&shared)
        );
    }

    #[test]
    fn a_missing_library_names_the_places_looked_and_how_to_build_it() {
        let scratch = scratch();
        let dir = scratch.path();
        let err = find_in(RuntimeLib::Static, None, Some(&dir.join("kiln"))).unwrap_err();
        assert!(err.contains("libkiln_runtime.a"), "{err}");
        assert!(
            err.contains(&dir.join("deps").display().to_string()),
            "{err}"
        );
        assert!(
            err.contains("cargo build -p kiln-runtime --release"),
            "{err}"
        );
        let err = find_in(RuntimeLib::Static, None, None).unwrap_err();
        assert!(err.contains("nowhere"), "{err}");
    }
}
