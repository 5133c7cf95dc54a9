//! `kiln run`'s compiled-program cache: the object code of a script
//! ([`jit::ObjectCode`]) is kept in the user's cache directory, so running the same
//! script again parses and type-checks it (diagnostics are printed as always) but skips
//! LLVM entirely: the stored object is linked as it is.
//!
//! - **Directory**: `$KILN_CACHE_DIR`, else `$XDG_CACHE_HOME/kiln` (an absolute
//!   `XDG_CACHE_HOME` only, as the XDG spec says), else `$HOME/.cache/kiln`. If it cannot
//!   be created the program runs uncached.
//! - **Key**: xxh3-128 over the entry format version, the Kiln version, the build id
//!   (`KILN_BUILD_ID`, a fingerprint of the compiler's source made by `build.rs`), whether
//!   this is a debug build, the target (triple, CPU, CPU features, LLVM version), every
//!   [`Options`] field that changes the code, and the source text.
//! - **Entry**: `<dir>/<key as 32 hex digits>.kobj` (layout in `entry.rs`), written
//!   atomically. The exported symbols of its object end in `.k<key hex>`, a name only
//!   that entry's object uses (see `jit::load_object`).
//! - **Trust**: an entry is used only if its magic, format version, full key, length and
//!   checksum match, its payload decodes, and ORC links the object and finds every entry
//!   point; otherwise it is *invalid*: the program is compiled as usual and the entry
//!   overwritten. (The checksum catches damage, not malice: whoever can write the cache
//!   directory can already run code as its owner.)
//! - **Trace**: with `KILN_CACHE_LOG` set (not empty, not `0`) one line goes to stderr:
//!   `cache: hit PATH`, `cache: miss, stored PATH`, `cache: invalid entry (WHY), rebuilt
//!   PATH`, `cache: off` (`--no-cache`) or `cache: off (WHY)`; when an entry cannot be
//!   written, `stored`/`rebuilt PATH` reads `not stored (WHY)`.
//! - **Age**: a hit refreshes its entry's modification time; storing an entry removes
//!   entries unused for 30 days (older builds' entries end there) and temporary files an
//!   interrupted writer left.

mod entry;

use crate::diag::Diagnostic;
use crate::driver::{self, InternalError, Options};
use crate::jit::{self, Compiled, ObjectCode};
use crate::types::hir;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use xxhash_rust::xxh3::xxh3_128;

/// Whether a command uses the cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Policy {
    /// `kiln run`: read and write the cache.
    On,
    /// `kiln run --no-cache`: neither read nor write it.
    Off,
}

/// Parse, check and compile `src` for `kiln run` (like `crate::compile_source`), through
/// the cache under `policy`; prints the trace line when `KILN_CACHE_LOG` asks for it.
/// Under `deny_warnings` a program with warnings is not compiled (nor cached): they come
/// back as the error list, which the caller turns into errors.
pub(super) fn compile_source(
    src: &str,
    options: &Options,
    policy: Policy,
    deny_warnings: bool,
) -> Result<(Compiled, Vec<Diagnostic>), Vec<Diagnostic>> {
    let checked = driver::check_source(src)?;
    if deny_warnings && !checked.warnings.is_empty() {
        return Err(checked.warnings);
    }
    let (compiled, trace) = compile(&checked.program, src, options, policy);
    if trace_enabled(std::env::var_os("KILN_CACHE_LOG")) {
        super::say(&format!("cache: {trace}\n"));
    }
    Ok((compiled?, checked.warnings))
}

fn trace_enabled(value: Option<OsString>) -> bool {
    value.is_some_and(|v| !v.is_empty() && v != "0")
}

/// Compile a checked program through the cache; also what happened, for the trace.
fn compile(
    program: &hir::Program,
    src: &str,
    options: &Options,
    policy: Policy,
) -> (Result<Compiled, InternalError>, String) {
    let uncached = |why: String| (driver::compile(program, options), why);
    if policy == Policy::Off {
        return uncached("off".to_owned());
    }
    let dir = match directory() {
        Ok(dir) => dir,
        Err(why) => return uncached(format!("off ({why})")),
    };
    let target = match jit::target_id() {
        Ok(target) => target,
        Err(why) => return uncached(format!("off ({why})")),
    };
    let key = key(src, options, &target);
    let path = dir.join(format!("{key:032x}.kobj"));
    let suffix = format!("k{key:032x}");
    let invalid = match read(&path, key) {
        Ok(None) => None,
        Ok(Some(code)) if code.suffix != suffix => Some(format!("symbol suffix {}", code.suffix)),
        Ok(Some(code)) => match driver::load_object(program, &code) {
            Ok(compiled) => {
                touch(&path);
                return (Ok(compiled), format!("hit {}", path.display()));
            }
            Err(why) => Some(format!("object refused: {why}")),
        },
        Err(why) => Some(why),
    };
    let made = driver::compile_object(program, options, &suffix)
        .and_then(|code| driver::load_object(program, &code).map(|compiled| (compiled, code)));
    let (compiled, code) = match made {
        Ok(made) => made,
        // Not something the cache can hold: compile as if it were off.
        Err(why) => return uncached(format!("off ({why})")),
    };
    prune(&dir, SystemTime::now());
    let stored = entry::write_atomically(&path, &entry::encode(key, &code));
    if stored.is_err() && invalid.is_some() {
        let _ = std::fs::remove_file(&path);
    }
    let outcome = match stored {
        Ok(()) => match &invalid {
            None => format!("stored {}", path.display()),
            Some(_) => format!("rebuilt {}", path.display()),
        },
        Err(why) => format!("not stored ({why})"),
    };
    let trace = match invalid {
        None => format!("miss, {outcome}"),
        Some(why) => format!("invalid entry ({why}), {outcome}"),
    };
    (Ok(compiled), trace)
}

/// The entry at `path` for `key`: `None` if there is none, an error saying why if it is
/// there but not valid.
fn read(path: &Path, key: u128) -> Result<Option<ObjectCode>, String> {
    match std::fs::read(path) {
        Ok(bytes) => entry::decode(&bytes, key).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("unreadable: {e}")),
    }
}

/// Entries not used for this long are removed when a new entry is stored.
const MAX_AGE: Duration = Duration::from_secs(30 * 24 * 60 * 60);
/// Temporary files this old were left by writers that died.
const TEMP_AGE: Duration = Duration::from_secs(60 * 60);

/// Mark an entry as used now (its modification time), so [`prune`] keeps it.
fn touch(path: &Path) {
    if let Ok(file) = std::fs::File::open(path) {
        let _ = file.set_modified(SystemTime::now());
    }
}

/// Remove entries unused for [`MAX_AGE`] and temporary files older than [`TEMP_AGE`].
/// Only regular files named like the cache's own are touched, so a cache directory
/// shared with other files (`KILN_CACHE_DIR=/tmp`) loses nothing else.
fn prune(dir: &Path, now: SystemTime) {
    let Ok(list) = std::fs::read_dir(dir) else {
        return;
    };
    for item in list.flatten() {
        let name = item.file_name();
        let Some(limit) = name.to_str().and_then(|n| match entry::file_kind(n) {
            Some(entry::FileKind::Entry) => Some(MAX_AGE),
            Some(entry::FileKind::Temporary) => Some(TEMP_AGE),
            None => None,
        }) else {
            continue;
        };
        let Ok(meta) = item.metadata() else {
            continue;
        };
        let age = meta
            .modified()
            .ok()
            .and_then(|t| now.duration_since(t).ok());
        if meta.is_file() && age.is_some_and(|age| age > limit) {
            let _ = std::fs::remove_file(item.path());
        }
    }
}

/// The cache directory (see the module docs), created if missing.
fn directory() -> Result<PathBuf, String> {
    let var = std::env::var_os;
    let dir = choose_directory(var("KILN_CACHE_DIR"), var("XDG_CACHE_HOME"), var("HOME"))
        .ok_or("no KILN_CACHE_DIR, XDG_CACHE_HOME or HOME")?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

/// Which directory the variables name; empty ones count as unset.
fn choose_directory(
    kiln: Option<OsString>,
    xdg: Option<OsString>,
    home: Option<OsString>,
) -> Option<PathBuf> {
    let set = |v: Option<OsString>| v.filter(|v| !v.is_empty()).map(PathBuf::from);
    set(kiln)
        .or_else(|| set(xdg).filter(|p| p.is_absolute()).map(|p| p.join("kiln")))
        .or_else(|| set(home).map(|p| p.join(".cache").join("kiln")))
}

/// The cache key of `src` compiled with `options` for `target` (`jit::target_id`) by
/// this build of Kiln. Every part is length-prefixed, so no two different inputs hash
/// the same bytes.
fn key(src: &str, options: &Options, target: &str) -> u128 {
    let options = format!(
        "O{} {:?} {:?} columns={} quick={} host={}",
        options.opt_level,
        options.fp_math,
        options.overflow,
        options.columns,
        options.quick_machine_code,
        options.host.len()
    );
    let parts: [&[u8]; 7] = [
        &entry::FORMAT_VERSION.to_le_bytes(),
        env!("CARGO_PKG_VERSION").as_bytes(),
        env!("KILN_BUILD_ID").as_bytes(),
        if cfg!(debug_assertions) {
            b"debug"
        } else {
            b"release"
        },
        target.as_bytes(),
        options.as_bytes(),
        src.as_bytes(),
    ];
    let mut bytes = Vec::with_capacity(src.len() + 512);
    for part in parts {
        bytes.extend_from_slice(&(part.len() as u64).to_le_bytes());
        bytes.extend_from_slice(part);
    }
    xxh3_128(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::FpMath;

    #[test]
    fn the_directory_is_kiln_cache_dir_then_xdg_then_home() {
        let s = |v: &str| Some(OsString::from(v));
        let p = PathBuf::from;
        assert_eq!(choose_directory(s("/k"), s("/x"), s("/h")), Some(p("/k")));
        assert_eq!(choose_directory(None, s("/x"), s("/h")), Some(p("/x/kiln")));
        assert_eq!(
            choose_directory(s(""), s("/x"), s("/h")),
            Some(p("/x/kiln"))
        );
        // A relative XDG_CACHE_HOME is ignored, as the XDG spec says.
        assert_eq!(
            choose_directory(None, s("x"), s("/h")),
            Some(p("/h/.cache/kiln"))
        );
        assert_eq!(
            choose_directory(None, s(""), s("/h")),
            Some(p("/h/.cache/kiln"))
        );
        assert_eq!(choose_directory(None, None, None), None);
    }

    #[test]
    fn the_key_changes_with_every_input() {
        let base = key("1 + 2", &Options::default(), "x86_64\ncpu\n+avx");
        let variants = [
            key("1 + 3", &Options::default(), "x86_64\ncpu\n+avx"),
            key("1 + 2", &Options::at_level(3), "x86_64\ncpu\n+avx"),
            key("1 + 2", &Options::default(), "x86_64\ncpu\n-avx"),
            key(
                "1 + 2",
                &Options {
                    fp_math: FpMath::Fast,
                    ..Options::default()
                },
                "x86_64\ncpu\n+avx",
            ),
            key(
                "1 + 2",
                &Options {
                    quick_machine_code: false,
                    ..Options::default()
                },
                "x86_64\ncpu\n+avx",
            ),
        ];
        for (i, v) in variants.iter().enumerate() {
            assert_ne!(*v, base, "variant {i}");
        }
        assert_eq!(base, key("1 + 2", &Options::default(), "x86_64\ncpu\n+avx"));
    }

    #[test]
    fn the_trace_is_on_for_any_value_but_empty_and_zero() {
        assert!(trace_enabled(Some("1".into())));
        assert!(trace_enabled(Some("yes".into())));
        assert!(!trace_enabled(Some("0".into())));
        assert!(!trace_enabled(Some("".into())));
        assert!(!trace_enabled(None));
    }
}
