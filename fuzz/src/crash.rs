//! Crash fuzzing: every input goes through parse, check, compile and run, and Kiln must
//! report instead of failing: no panic, no signal, no internal error (E0999), no hang.
//! In process (the library inside `catch_unwind`, on a thread with a time limit) for
//! speed; through the `kiln` command as a child process (signals, exit statuses, hangs)
//! for a sample.

use crate::runner::{panic_message, run_process, KilnCmd};
use kiln::abi::{Kind, KindTy};
use kiln::types::ty::Ty;
use kiln::{Engine, EngineOptions, Value};
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// What went wrong with one input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Crash {
    Panic(String),
    /// A diagnostic with an internal code (E0999, E0099), or a check that accepted what
    /// compiling then refused.
    Internal(String),
    Signal(i32),
    /// The command exited with a status other than 0..=3, or failed without a message.
    BadExit(String),
    Hang,
}

impl Crash {
    /// The kind, for keeping the same failure while minimising.
    pub fn kind(&self) -> &'static str {
        match self {
            Crash::Panic(_) => "panic",
            Crash::Internal(_) => "internal-error",
            Crash::Signal(_) => "signal",
            Crash::BadExit(_) => "bad-exit",
            Crash::Hang => "hang",
        }
    }

    /// Whether finding it needs the binary (it kills the process or hangs).
    pub fn needs_binary(&self) -> bool {
        matches!(self, Crash::Signal(_) | Crash::BadExit(_) | Crash::Hang)
    }
}

impl fmt::Display for Crash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Crash::Panic(m) => write!(f, "panic: {m}"),
            Crash::Internal(m) => write!(f, "internal error: {m}"),
            Crash::Signal(s) => write!(f, "killed by signal {s}"),
            Crash::BadExit(m) => write!(f, "bad exit: {m}"),
            Crash::Hang => f.write_str("hang (time limit exceeded)"),
        }
    }
}

fn internal(diags: &[kiln::Diagnostic]) -> Option<Crash> {
    diags
        .iter()
        .find(|d| d.code == "E0999" || d.code == "E0099")
        .map(|d| Crash::Internal(format!("{} {}", d.code, d.message)))
}

/// A value of each param's type for inputs that declare params (zero, "", []).
fn default_value(ty: &Ty) -> Value {
    match ty {
        Ty::List(e) => Value::List((**e).clone(), Vec::new()),
        t => Kind::of(t).map_or(Value::Str(String::new()), |k| Value::from_bits(k, 0)),
    }
}

/// Parse, check, compile and run `src` in this thread; a failure that is not a proper
/// report. Memory per run is bounded by `max_memory`.
/// How long one run of a checked input may take before it is interrupted (E0611, not a
/// finding); only an input that takes longer than the caller's time limit in all is a
/// hang.
pub const RUN_LIMIT: Duration = Duration::from_secs(2);

pub fn library_check(src: &str, opt_level: u8, max_memory: u64) -> Option<Crash> {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let diags = match kiln::check_source(src) {
            Err(diags) => {
                if diags.is_empty() {
                    return Some(Crash::Internal("check failed without a diagnostic".into()));
                }
                return internal(&diags);
            }
            Ok(checked) => checked.warnings,
        };
        if let Some(c) = internal(&diags) {
            return Some(c);
        }
        let engine = Engine::with_options(EngineOptions {
            opt_level,
            max_memory,
            ..EngineOptions::default()
        });
        let program = match engine.compile(src) {
            Ok(p) => p,
            Err(e) => {
                return internal(&e.diagnostics).or_else(|| {
                    Some(Crash::Internal(format!(
                        "check_source accepted what compiling refused: {}",
                        e.diagnostics.first().map_or("", |d| d.code)
                    )))
                })
            }
        };
        let inputs: Vec<Value> = program
            .params()
            .iter()
            .map(|p| default_value(&p.ty))
            .collect();
        // A mutated program may run for years (`fib(90)`): stop it like `--timeout`.
        let interrupt = kiln::Interrupt::new();
        let _deadline = interrupt.cancel_after(RUN_LIMIT);
        let _ = program.run_captured_interruptible(&inputs, Some(&interrupt));
        None
    }));
    match outcome {
        Ok(r) => r,
        Err(p) => Some(Crash::Panic(panic_message(&*p))),
    }
}

/// [`library_check`] on a thread of its own with `kiln`'s stack and a time limit (a
/// hang is abandoned and reported).
pub fn library_check_isolated(
    src: &str,
    opt_level: u8,
    max_memory: u64,
    timeout: Duration,
) -> Option<Crash> {
    let (tx, rx) = mpsc::channel();
    let src = src.to_string();
    let spawned = std::thread::Builder::new()
        .name("kiln-fuzz-crash".into())
        .stack_size(256 << 20)
        .spawn(move || {
            let _ = tx.send(library_check(&src, opt_level, max_memory));
        });
    if spawned.is_err() {
        return None;
    }
    match rx.recv_timeout(timeout) {
        Ok(r) => r,
        Err(mpsc::RecvTimeoutError::Timeout) => Some(Crash::Hang),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            Some(Crash::Panic("the checking thread died".into()))
        }
    }
}

/// Run `kiln run -O 0 --no-cache FILE` on `bytes` (written into `dir`): the exit status
/// must be 0..=3, never a signal; a failure must say something; stderr must not show a
/// panic or an internal error.
pub fn binary_check(kiln: &KilnCmd, dir: &Path, bytes: &[u8], timeout: Duration) -> Option<Crash> {
    let file = dir.join("input.expr");
    if std::fs::write(&file, bytes).is_err() {
        return None;
    }
    let mut cmd = kiln.command();
    cmd.current_dir(dir)
        .args(["run", "-O", "0", "--no-cache", "--timeout"])
        .arg(RUN_LIMIT.as_secs_f64().to_string())
        .arg(&file);
    let out = match run_process(&mut cmd, timeout) {
        Ok(o) => o,
        Err(e) => return Some(Crash::BadExit(format!("cannot start kiln: {e}"))),
    };
    if out.timed_out {
        return Some(Crash::Hang);
    }
    if let Some(sig) = out.signal {
        return Some(Crash::Signal(sig));
    }
    for bad in ["panicked", "E0999", "E0099", "internal compiler error"] {
        if out.stderr.contains(bad) {
            return Some(if out.stderr.contains("panicked") {
                Crash::Panic(out.stderr.lines().take(3).collect::<Vec<_>>().join(" | "))
            } else {
                Crash::Internal(out.stderr.lines().take(3).collect::<Vec<_>>().join(" | "))
            });
        }
    }
    match out.code {
        Some(0) => None,
        Some(1..=3) if !out.stderr.trim().is_empty() => None,
        code => Some(Crash::BadExit(format!(
            "exit status {code:?}, stderr {:?}",
            out.stderr.chars().take(300).collect::<String>()
        ))),
    }
}

/// Minimise `input` while `still` reports a crash of the same kind: delete runs of whole
/// lines, then chunks of bytes, of halving size (ddmin-like), at most `budget` tries.
pub fn minimise(input: &[u8], budget: usize, mut still: impl FnMut(&[u8]) -> bool) -> Vec<u8> {
    let mut tries = 0;
    // Lines first: deleting within a statement mostly breaks the parse.
    let mut lines: Vec<Vec<u8>> = input
        .split_inclusive(|b| *b == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    let mut chunk = lines.len().div_ceil(2).max(1);
    loop {
        let mut i = 0;
        while i < lines.len() && tries < budget / 2 {
            let end = (i + chunk).min(lines.len());
            let cand: Vec<u8> = lines[..i]
                .iter()
                .chain(&lines[end..])
                .flatten()
                .copied()
                .collect();
            tries += 1;
            if still(&cand) {
                lines.drain(i..end);
            } else {
                i += chunk;
            }
        }
        if chunk == 1 || tries >= budget / 2 {
            break;
        }
        chunk = chunk.div_ceil(2);
    }
    let mut best: Vec<u8> = lines.concat();
    let mut chunk = best.len().div_ceil(2).max(1);
    while chunk >= 1 && tries < budget {
        let mut i = 0;
        let mut progress = false;
        while i < best.len() && tries < budget {
            let end = (i + chunk).min(best.len());
            let mut cand = best[..i].to_vec();
            cand.extend_from_slice(&best[end..]);
            tries += 1;
            if still(&cand) {
                best = cand;
                progress = true;
            } else {
                i += chunk;
            }
        }
        if !progress {
            if chunk == 1 {
                break;
            }
            chunk = chunk.div_ceil(2);
        }
    }
    best
}

/// The repository's `.expr` files to mutate: `examples/` and `tests/ui/`, sorted.
pub fn corpus(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    for dir in ["examples", "tests/ui"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "expr") {
                if let Ok(bytes) = std::fs::read(&p) {
                    files.push((p, bytes));
                }
            }
        }
    }
    files.sort();
    files
}

/// The repository's root (the fuzz crate lives in `fuzz/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("fuzz/ has a parent")
        .to_path_buf()
}

/// Silence the default panic message while fuzzing in process (panics are caught and
/// reported as findings with their message).
pub fn quiet_panics() {
    std::panic::set_hook(Box::new(|_| {}));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimising_keeps_the_lines_that_matter() {
        let input = b"a = 1;\nlet x = 1;\nb = 2;\nparam p: i8;\nc = 3;\np\n";
        let small = minimise(input, 500, |c| {
            let s = String::from_utf8_lossy(c);
            s.contains("let x") && s.contains("param p")
        });
        let s = String::from_utf8_lossy(&small);
        assert!(s.contains("let x") && s.contains("param p"), "{s:?}");
        assert!(s.len() <= "let xparam p".len(), "{s:?}");
    }
}
