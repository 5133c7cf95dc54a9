//! Runs every program in `examples/` through the real `kiln` binary and compares its
//! whole standard output with the expected output stored next to it.
//!
//! Conventions, for each `examples/NAME.expr`:
//! - `NAME.stdout` (required) holds the exact expected standard output, final newline
//!   included.
//! - `NAME.args` (optional) holds extra arguments for `kiln run examples/NAME.expr`,
//!   separated by whitespace (spaces or newlines), e.g. `--param x=5`. An argument
//!   cannot contain whitespace.
//!
//! Every example must exit with status 0 and write nothing to standard error.

mod common;

use common::{kiln_command, root, run, Run};
use std::fs;
use std::path::{Path, PathBuf};

const FIB_LINE: &str = "0 1 1 2 3 5 8 13 21 34 55 89 144 233 377 610 987\n";

/// Every `examples/*.expr`, as paths relative to the crate root, sorted by name.
fn example_programs() -> Vec<PathBuf> {
    let dir = root().join("examples");
    let mut programs: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "expr"))
        .map(|path| Path::new("examples").join(path.file_name().expect("a file name")))
        .collect();
    programs.sort();
    programs
}

/// `kiln run PROGRAM ARGS...` from the crate root.
fn run_example(program: &Path) -> Run {
    let args_file = root().join(program.with_extension("args"));
    let extra = fs::read_to_string(&args_file).unwrap_or_default();
    run(
        kiln_command()
            .current_dir(root())
            .arg("run")
            .arg(program)
            .args(extra.split_whitespace()),
        None,
    )
}

/// A line-by-line comparison: `  ` same, `-` expected only, `+` actual only.
fn line_diff(expected: &str, actual: &str) -> String {
    let want: Vec<&str> = expected.split_inclusive('\n').collect();
    let got: Vec<&str> = actual.split_inclusive('\n').collect();
    let mut out = String::new();
    for i in 0..want.len().max(got.len()) {
        match (want.get(i), got.get(i)) {
            (Some(w), Some(g)) if w == g => out += &format!("   {w:?}\n"),
            (w, g) => {
                if let Some(w) = w {
                    out += &format!("  -{w:?}\n");
                }
                if let Some(g) = g {
                    out += &format!("  +{g:?}\n");
                }
            }
        }
    }
    out
}

/// `None` when the example behaves; otherwise what went wrong.
fn check_example(program: &Path) -> Option<String> {
    let expected_file = root().join(program.with_extension("stdout"));
    let expected = match fs::read_to_string(&expected_file) {
        Ok(text) => text,
        Err(e) => {
            return Some(format!(
                "{}: cannot read its expected output {}: {e}",
                program.display(),
                expected_file.display()
            ))
        }
    };
    let outcome = run_example(program);
    let mut problems = Vec::new();
    if outcome.status != Some(0) {
        problems.push(format!("exit status {:?}, expected 0", outcome.status));
    }
    if !outcome.stderr.is_empty() {
        problems.push(format!("stderr is not empty:\n{}", outcome.stderr));
    }
    if outcome.stdout != expected {
        problems.push(format!(
            "stdout differs from {} (- expected, + actual):\n{}",
            program.with_extension("stdout").display(),
            line_diff(&expected, &outcome.stdout)
        ));
    }
    if problems.is_empty() {
        None
    } else {
        Some(format!(
            "{}:\n  {}",
            program.display(),
            problems.join("\n  ")
        ))
    }
}

#[test]
fn every_example_prints_its_expected_output() {
    let programs = example_programs();
    let failures: Vec<String> = programs.iter().filter_map(|p| check_example(p)).collect();
    assert!(
        failures.is_empty(),
        "{} of {} examples failed:\n\n{}",
        failures.len(),
        programs.len(),
        failures.join("\n\n")
    );
}

#[test]
fn there_are_at_least_twelve_examples_each_with_expected_output() {
    let programs = example_programs();
    assert!(
        programs.len() >= 12,
        "only {} examples: {programs:?}",
        programs.len()
    );
    let dir = root().join("examples");
    for entry in fs::read_dir(&dir).expect("examples/ is readable") {
        let path = entry.expect("a directory entry").path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        match ext {
            "expr" => assert!(
                path.with_extension("stdout").is_file(),
                "{} has no .stdout file",
                path.display()
            ),
            "stdout" | "args" => assert!(
                path.with_extension("expr").is_file(),
                "{} belongs to no .expr program",
                path.display()
            ),
            _ => {}
        }
    }
}

#[test]
fn fib_prints_the_fibonacci_numbers_below_1000() {
    let outcome = run_example(Path::new("examples/fib.expr"));
    assert_eq!(outcome.stderr, "");
    assert_eq!(outcome.status, Some(0));
    assert_eq!(outcome.stdout, FIB_LINE);
}

#[test]
fn line_diff_marks_changed_missing_and_extra_lines() {
    let diff = line_diff("a\nb\nc\n", "a\nB\n");
    assert_eq!(diff, "   \"a\\n\"\n  -\"b\\n\"\n  +\"B\\n\"\n  -\"c\\n\"\n");
}
