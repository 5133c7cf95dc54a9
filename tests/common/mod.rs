//! Helpers shared by the integration tests: running a command and capturing what it
//! did, fresh scratch directories, and a seeded random generator.

// Each test crate uses its own subset of these.
#![allow(dead_code)]

pub mod agree;
pub mod arrow_io;
pub mod latency;

use std::fmt;
use std::io::Write;

use std::path::Path;
use std::process::{Command, Stdio};

/// What one run of a command did.
pub struct Run {
    pub status: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl fmt::Debug for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "exit status {:?}\n--- stdout ---\n{}--- stderr ---\n{}--------------",
            self.status, self.stdout, self.stderr
        )
    }
}

/// Run `command` to completion, feeding it `stdin` (or an empty, closed stdin).
pub fn run(command: &mut Command, stdin: Option<&str>) -> Run {
    let mut child = command
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().expect("a stdin pipe");
        pipe.write_all(text.as_bytes()).expect("write stdin");
    }
    let output = child.wait_with_output().expect("the command finishes");
    Run {
        status: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The `kiln` binary under test. Its compiled-program cache (`kiln run`) is kept under
/// Cargo's scratch space, not in the user's cache directory.
pub fn kiln_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kiln"));
    command.env(
        "KILN_CACHE_DIR",
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("kiln-cache"),
    );
    command
}

/// `kiln run prog.expr ARGS...` with `program` written to `prog.expr` in a new scratch
/// directory (named after `label`), on `engine` (`jit` or `interp`), colour off.
pub fn kiln_run_source(label: &str, program: &str, engine: &str, args: &[&str]) -> Run {
    let dir = scratch_dir(label);
    std::fs::write(dir.join("prog.expr"), program).unwrap();
    run(
        kiln_command()
            .current_dir(&dir)
            .args(["run", "prog.expr", "--color", "never", "--engine", engine])
            .args(args),
        None,
    )
}

/// The crate's root directory.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A new, empty directory of the caller's own under Cargo's scratch space for integration
/// tests (a random name, created exclusively, so no other test, thread or process shares
/// it), removed when the value is dropped, also when the test fails.
pub fn scratch_dir(label: &str) -> ScratchDir {
    let dir = tempfile::Builder::new()
        .prefix(&format!("{label}-"))
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("create a scratch directory");
    ScratchDir(std::sync::Arc::new(dir))
}

/// A directory from [`scratch_dir`]; it is a `Path` to its users. Clones share it, and the
/// last one to drop removes it.
#[derive(Clone)]
pub struct ScratchDir(std::sync::Arc<tempfile::TempDir>);

impl std::ops::Deref for ScratchDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        self.0.path()
    }
}

impl AsRef<Path> for ScratchDir {
    fn as_ref(&self) -> &Path {
        self.0.path()
    }
}

impl AsRef<std::ffi::OsStr> for ScratchDir {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.path().as_os_str()
    }
}

impl fmt::Debug for ScratchDir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.path().fmt(f)
    }
}

/// A small deterministic random generator (splitmix64): fixed seeds, so a failing
/// random test reproduces.
pub struct Rng(pub u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// `true` with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}
