//! The diagnostic snapshot suite: every `tests/ui/NAME.expr` is run through the real
//! `kiln` binary as `kiln run tests/ui/NAME.expr` (from the repository root, without
//! colour), and what it did — exit status, stdout, stderr — must equal
//! `tests/ui/NAME.snap`. See `tests/ui/README.md` for how to add a case and accept a
//! changed snapshot.
//!
//! A second test checks that the cases between them show every code of the registry
//! (`kiln::diag::codes::ALL`), so a new code cannot be added without a case.

mod common;

use common::{kiln_command, root, run};
use std::collections::BTreeSet;
use std::path::Path;

/// Options that turn colour off, passed to every run after `run FILE`. `NO_COLOR=1` is
/// always set as well.
const NO_COLOR_ARGS: &[&str] = &["--color", "never"];

/// Codes no `.expr` file can make `kiln run` report. Each needs a reason.
const EXEMPT: &[(&str, &str)] = &[
    // The parser does not panic; E0099 is the safety net that reports it if it ever does.
    (
        "E0099",
        "internal parser error: only a parser bug can cause it",
    ),
    // Retired in language v1: every form it refused (lists of lists, optionals, lambdas)
    // is implemented.
    (
        "E0211",
        "retired: no longer reported since v1 (every form is implemented); kept so old reports can be explained",
    ),
    // Retired in language v1: a user function now replaces the built-in (W0003).
    (
        "E0406",
        "retired: no longer reported since v1 (see W0003); kept so old reports can be explained",
    ),
    // Program sets exist only in the library API (`Engine::compile_set`).
    (
        "E0408",
        "invalid program-set output: only the library API can cause it",
    ),
    // Only a REPL input can redefine a function of an earlier input; a REPL unit test
    // (`repl::tests::late_binding_*`) checks the report.
    (
        "E0409",
        "REPL redefinition changing a called function's return type: only the REPL can cause it",
    ),
    // `kiln run` checks `--param` values itself (a usage error, exit 2) before the
    // program runs; only a library caller can pass the wrong inputs.
    (
        "E0605",
        "host inputs mismatch: only the library API can cause it",
    ),
    // The command line registers no host functions.
    (
        "E0610",
        "host function failed: only the library API registers host functions",
    ),
    // Input-data errors are about `kiln map`'s CSV data (and its program's fit for it),
    // not reachable from a `.expr` file run alone; tests/map.rs covers each.
    ("E0701", "CSV row length: only `kiln map` data can cause it"),
    (
        "E0702",
        "unterminated CSV quote: only `kiln map` data can cause it",
    ),
    (
        "E0703",
        "duplicate CSV column: only `kiln map` data can cause it",
    ),
    (
        "E0704",
        "output column clash: only `kiln map` data can cause it",
    ),
    (
        "E0705",
        "missing CSV column: only `kiln map` data can cause it",
    ),
    ("E0706", "bad CSV cell: only `kiln map` data can cause it"),
    (
        "E0707",
        "non-UTF-8 CSV cell: only `kiln map` data can cause it",
    ),
    ("E0708", "no CSV header: only `kiln map` data can cause it"),
    (
        "E0709",
        "program unfit for rows: only `kiln map` reports it",
    ),
    (
        "E0710",
        "column of the wrong Arrow type: only `kiln map` data can cause it",
    ),
    (
        "E0711",
        "unreadable data file: only `kiln map` data can cause it",
    ),
    ("E0712", "null for a plain param: only `kiln map` data can cause it"),
    // Only a bug in Kiln (LLVM rejecting generated code, …) can cause it.
    (
        "E0999",
        "internal compiler error: only a compiler bug can cause it",
    ),
];

/// Options a case needs (`--overflow trap`, `--max-memory 1MiB`, ...): the
/// whitespace-separated words of `tests/ui/NAME.args` when it exists.
fn extra_args(case: &Path) -> Vec<String> {
    match std::fs::read_to_string(case.with_extension("args")) {
        Ok(text) => text.split_whitespace().map(str::to_owned).collect(),
        Err(_) => Vec::new(),
    }
}

/// What `kiln run tests/ui/NAME.expr [ARGS]` did, as the snapshot records it.
fn report(case: &Path) -> String {
    let rel = case
        .strip_prefix(root())
        .expect("the case lies in the repository")
        .to_str()
        .expect("case paths are UTF-8")
        .replace('\\', "/");
    let out = run(
        kiln_command()
            .current_dir(root())
            .env("NO_COLOR", "1")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("FORCE_COLOR")
            .arg("run")
            .arg(&rel)
            .args(NO_COLOR_ARGS)
            .args(extra_args(case)),
        None,
    );
    let status = match out.status {
        Some(code) => code.to_string(),
        None => "killed by a signal".to_string(),
    };
    let mut text = format!("exit status: {status}\n");
    if !out.stdout.is_empty() {
        text.push_str("--- stdout ---\n");
        text.push_str(&out.stdout);
        if !out.stdout.ends_with('\n') {
            text.push('\n');
        }
    }
    if !out.stderr.is_empty() {
        text.push_str("--- stderr ---\n");
        text.push_str(&out.stderr);
    }
    text
}

/// Insta settings shared by the tests: snapshots live next to the cases and are named
/// after them (`tests/ui/NAME.snap`).
fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("ui");
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    s
}

#[test]
fn ui() {
    settings().bind(|| {
        insta::glob!("ui/*.expr", |path| {
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("a UTF-8 case name")
                .to_string();
            let text = report(path);
            // `glob!` would add the file name as a suffix (`NAME@NAME.expr.snap`).
            let mut s = insta::Settings::clone_current();
            s.remove_snapshot_suffix();
            s.bind(|| insta::assert_snapshot!(name, text));
        });
    });
}

/// Every `.snap` belongs to a case, so a renamed or deleted case leaves nothing behind.
#[test]
fn every_snapshot_has_a_case() {
    let dir = root().join("tests/ui");
    let mut orphans = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("tests/ui exists") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_some_and(|e| e == "snap") && !path.with_extension("expr").exists() {
            orphans.push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    assert!(
        orphans.is_empty(),
        "snapshots without a case (delete them or restore the case): {orphans:?}"
    );
}

/// The codes a rendered report shows. A code is `E` or `W` and four digits, standing
/// alone (not part of a longer word or number), so this finds it whether the renderer
/// writes `error[E0203]:`, `[E0203] Error:` or `E0203`.
fn codes_in(text: &str) -> BTreeSet<String> {
    let b = text.as_bytes();
    let mut found = BTreeSet::new();
    for i in 0..b.len().saturating_sub(4) {
        let word = |j: usize| {
            b.get(j)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        };
        if (b[i] == b'E' || b[i] == b'W')
            && b[i + 1..i + 5].iter().all(u8::is_ascii_digit)
            && !word(i + 5)
            && (i == 0 || !word(i - 1))
        {
            found.insert(text[i..i + 5].to_string());
        }
    }
    found
}

#[test]
fn codes_in_finds_codes_in_any_header_style() {
    let plain = "a.expr:1:2: error[E0203]: literal out of range";
    let ariadne = "[E0101] Error: unknown name\n   ╭─[ a.expr:1:1 ]";
    let warning = "warning[W0001]: unused binding";
    let not_codes = "E02031 XE0203 E020 0xE0203";
    assert_eq!(codes_in(plain), BTreeSet::from(["E0203".to_string()]));
    assert_eq!(codes_in(ariadne), BTreeSet::from(["E0101".to_string()]));
    assert_eq!(codes_in(warning), BTreeSet::from(["W0001".to_string()]));
    assert!(codes_in(not_codes).is_empty(), "{:?}", codes_in(not_codes));
}

/// Every registered code appears in at least one accepted snapshot, unless it is
/// exempt above. Reads the `.snap` files, so it checks what the suite accepted.
#[test]
fn every_code_has_a_case() {
    let dir = root().join("tests/ui");
    let mut shown = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).expect("tests/ui exists") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_some_and(|e| e == "snap") {
            let text = std::fs::read_to_string(&path).expect("a readable snapshot");
            // Only the snapshot body: the header names the case file, not a code.
            let body = text.splitn(3, "---\n").nth(2).unwrap_or(&text);
            shown.extend(codes_in(body));
        }
    }
    let registered: BTreeSet<&str> = kiln::diag::codes::ALL.iter().map(|c| c.code).collect();
    for (code, _) in EXEMPT {
        assert!(
            registered.contains(code),
            "exempt code {code} is not registered"
        );
        assert!(
            !shown.contains(*code),
            "{code} is exempt but a case shows it: remove it from EXEMPT"
        );
    }
    let missing: Vec<&str> = registered
        .iter()
        .copied()
        .filter(|c| !shown.contains(*c) && !EXEMPT.iter().any(|(e, _)| e == c))
        .collect();
    assert!(
        missing.is_empty(),
        "{} registered code(s) appear in no tests/ui snapshot: {}\n\
         add a tests/ui/NAME.expr case that makes `kiln run` report each and accept its \
         snapshot (see tests/ui/README.md); if a case exists but its snapshot predates \
         the code, re-accept the snapshots; if no program can trigger it, add it to \
         EXEMPT in tests/ui.rs with the reason",
        missing.len(),
        missing.join(", ")
    );
    let unknown: Vec<&String> = shown
        .iter()
        .filter(|c| !registered.contains(c.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "snapshots show codes the registry does not know: {unknown:?}"
    );
}
