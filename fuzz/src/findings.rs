//! Findings as files, ready to become regression cases: a disagreement is
//! `diff-<hash>.expr` (the minimised program, its param values in leading
//! `// param NAME = VALUE` comments), `diff-<hash>.expected` (the majority's outcome:
//! a status line, then stdout) and `diff-<hash>.note` (which paths disagreed, and what
//! each did). A crash is `crash-<hash>.expr` (the minimised input) and `.note`. Copy
//! them into `tests/fuzz_cases/`: the fuzz crate's tests run every `diff-*` case through
//! all paths (they must agree, and match `.expected`) and every `crash-*` input through
//! the no-crash checks.

use crate::ast::Case;
use crate::crash::Crash;
use crate::rng::fnv1a;
use crate::runner::{disagreeing, majority, ExecPath, Outcome};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Write a disagreement; returns the `.expr` path (`None` when it was already there).
pub fn write_diff(
    dir: &Path,
    case: &Case,
    results: &[(ExecPath, Outcome)],
    original: Option<&str>,
) -> std::io::Result<Option<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let file = case.to_file();
    let name = format!("diff-{:016x}", fnv1a(file.as_bytes()));
    let expr = dir.join(format!("{name}.expr"));
    if expr.exists() {
        return Ok(None);
    }
    std::fs::write(&expr, &file)?;
    if let Some(m) = majority(results) {
        std::fs::write(dir.join(format!("{name}.expected")), m.render())?;
    }
    let mut note = String::new();
    let bad: Vec<&str> = disagreeing(results).iter().map(|p| p.name()).collect();
    let _ = writeln!(
        note,
        "paths that disagree with the first: {}",
        bad.join(", ")
    );
    for (p, o) in results {
        let _ = writeln!(note, "\n=== {p}\n{}", o.render());
    }
    if let Some(src) = original {
        let _ = writeln!(note, "\n=== the program before shrinking\n{src}");
    }
    std::fs::write(dir.join(format!("{name}.note")), note)?;
    Ok(Some(expr))
}

/// Write a crash; returns the `.expr` path (`None` when it was already there).
pub fn write_crash(
    dir: &Path,
    input: &[u8],
    crash: &Crash,
    original: &[u8],
) -> std::io::Result<Option<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let name = format!("crash-{:016x}", fnv1a(input));
    let expr = dir.join(format!("{name}.expr"));
    if expr.exists() {
        return Ok(None);
    }
    std::fs::write(&expr, input)?;
    let note = format!(
        "{crash}\n\n=== the input before minimising\n{}\n",
        String::from_utf8_lossy(original)
    );
    std::fs::write(dir.join(format!("{name}.note")), note)?;
    Ok(Some(expr))
}
