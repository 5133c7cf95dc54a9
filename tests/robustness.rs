//! No input makes Kiln panic or crash instead of reporting.
//!
//! Every input goes through the library (`kiln::check_source`, then
//! `kiln::compile_source` and a run when it checks) inside `catch_unwind`, and a sample
//! of them through the real binary. The library must return `Ok`, or `Err` with at
//! least one diagnostic; the binary must exit 0, 1, 2 or 3 (never 101, the status of a
//! panic, nor a signal), with something on stderr whenever it does not exit 0.
//!
//! Inputs: random bytes, random soup of Kiln's own tokens, deep nesting, huge literals,
//! NUL bytes, invalid UTF-8 files, empty and comment-only files. Random well-typed
//! programs and mutations of the `tests/ui` cases, the examples and generated programs
//! (bytes and tokens) are the fuzz crate's (`fuzz/`, `kiln-fuzz`: `tests/crash.rs` there,
//! and the `kiln-fuzz` campaign). The random inputs come
//! from a fixed-seed generator, so a failure reproduces; set `KILN_ROBUST_VERBOSE=1` to
//! print every input before it is tried (to find the one that crashes the process).
//! Iteration counts are bounded to keep the file under ~30 s in a debug build;
//! `KILN_ROBUST_SCALE=N` multiplies them.

mod common;

use common::{kiln_command, run, scratch_dir, Rng};
use kiln::runtime::{Interrupt, RunCtx};
use kiln::{Diagnostic, Options};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

/// Multiplies the random iteration counts: `KILN_ROBUST_SCALE=50 cargo test --release
/// --test robustness` searches longer (the seeds stay fixed, so a failure still
/// reproduces).
fn scale(n: usize) -> usize {
    let k = std::env::var("KILN_ROBUST_SCALE")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(1);
    n * k.max(1)
}

fn verbose() -> bool {
    std::env::var_os("KILN_ROBUST_VERBOSE").is_some()
}

// ---------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------

/// A short, printable excerpt of an input for failure messages.
fn excerpt(src: &str) -> String {
    let mut s: String = src.chars().take(300).collect();
    if s.len() < src.len() {
        s.push_str(&format!("… ({} bytes in all)", src.len()));
    }
    format!("{s:?}")
}

/// Codes that mean Kiln caught a bug of its own rather than reporting on the program.
fn assert_no_internal_error(diags: &[Diagnostic], what: &str, src: &str) {
    for d in diags {
        assert!(
            d.code != "E0099" && d.code != "E0999",
            "{what} reported an internal error {} ({}) for {}",
            d.code,
            d.message,
            excerpt(src)
        );
    }
}

/// Run `f` and turn a panic into a test failure that shows the input.
fn no_panic<R>(what: &str, src: &str, f: impl FnOnce() -> R) -> R {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("{what} panicked ({msg}) on input {}", excerpt(src))
        }
    }
}

/// What the library did with one input.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// A compile error (at least one diagnostic).
    Rejected,
    /// Compiled; the run succeeded or faulted.
    Ran,
}

/// Feed `src` through the library: check it; when it checks, compile it and run it once
/// with no inputs (print output captured). (`compile_source` starts with `check_source`,
/// so for a rejected program it would only repeat the same work.)
fn library(src: &str, opt_level: u8) -> Outcome {
    if verbose() {
        eprintln!("library input: {src:?}");
    }
    let checked = no_panic("check_source", src, || kiln::check_source(src));
    if let Err(diags) = checked {
        assert!(
            !diags.is_empty(),
            "check_source failed without a diagnostic on {}",
            excerpt(src)
        );
        assert_no_internal_error(&diags, "check_source", src);
        if verbose() {
            eprintln!("  rejected: {} {}", diags[0].code, diags[0].message);
        }
        return Outcome::Rejected;
    }
    let options = Options::at_level(opt_level);
    let compiled = no_panic("compile_source", src, || {
        kiln::compile_source(src, &options)
    });
    match compiled {
        Err(diags) => {
            assert!(
                !diags.is_empty(),
                "compile_source failed without a diagnostic on {}",
                excerpt(src)
            );
            assert_no_internal_error(&diags, "compile_source", src);
            panic!(
                "check_source accepted but compile_source rejected {}: {diags:?}",
                excerpt(src)
            );
        }
        Ok((program, _warnings)) => {
            no_panic("running the program", src, || {
                let mut ctx = RunCtx::new();
                ctx.capture_output();
                // Some cases run for ever or grow without bound unless their `.args`
                // limit them (`--timeout`, `--max-memory`): bound every run here.
                ctx.set_max_memory(256 << 20);
                let interrupt = Interrupt::new();
                ctx.set_interrupt(Some(&interrupt));
                let _timer = interrupt.cancel_after(std::time::Duration::from_secs(2));
                // A program with `param`s gets no inputs: that is an E0605 error, fine.
                let _ = program.run_in(&mut ctx, &[]);
            });
            Outcome::Ran
        }
    }
}

/// Run the binary as `kiln ARGS FILE`, with `src` written to FILE, and check its exit
/// status and stderr.
fn binary(dir: &Path, name: &str, src: &[u8], args: &[&str]) -> common::Run {
    let file = dir.join(name);
    std::fs::write(&file, src).expect("write the input");
    if verbose() {
        eprintln!(
            "binary input {name}: {}",
            excerpt(&String::from_utf8_lossy(src))
        );
    }
    let mut command = kiln_command();
    command.env("NO_COLOR", "1").args(args).arg(&file);
    if args == ["run"] {
        // Optimising is not what these inputs test; -O 0 keeps the runs quick.
        command.args(["-O", "0"]);
    }
    let out = run(&mut command, None);
    let shown = || excerpt(&String::from_utf8_lossy(src));
    match out.status {
        Some(0..=3) => {}
        Some(code) => panic!("kiln {args:?} exited {code} on {}:\n{out:?}", shown()),
        None => panic!(
            "kiln {args:?} was killed by a signal on {}:\n{out:?}",
            shown()
        ),
    }
    if out.status != Some(0) {
        assert!(
            !out.stderr.trim().is_empty(),
            "kiln {args:?} exited {:?} without a message on {}",
            out.status,
            shown()
        );
    }
    for bad in ["panicked", "E0099", "E0999", "RUST_BACKTRACE"] {
        assert!(
            !out.stderr.contains(bad),
            "kiln {args:?} reported `{bad}` on {}:\n{out:?}",
            shown()
        );
    }
    out
}

// ---------------------------------------------------------------------------------------
// Input generators
// ---------------------------------------------------------------------------------------

/// Random bytes, half of the time mostly printable ASCII, made valid UTF-8 lossily.
fn garbage(rng: &mut Rng) -> String {
    let len = rng.below(200);
    let printable = rng.chance(50);
    let bytes: Vec<u8> = (0..len)
        .map(|_| {
            if printable && rng.chance(90) {
                b' ' + rng.below(95) as u8
            } else {
                rng.next() as u8
            }
        })
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

const TOKENS: &[&str] = &[
    // keywords
    "let",
    "fn",
    "param",
    "if",
    "switch",
    "when",
    "elif",
    "else",
    "in",
    "and",
    "or",
    "not",
    "true",
    "false", // punctuation and operators
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ";",
    ":",
    "=",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "%",
    "&",
    "|",
    "^",
    "<<",
    ">>",
    "~",
    "!",
    "&&",
    "||",
    "->",
    ".",
    // number literals, edge cases included
    "0",
    "1",
    "2",
    "7",
    "42",
    "255u8",
    "256u8",
    "-128i8",
    "128i8",
    "0xff",
    "0x1f32",
    "0b1010",
    "0b",
    "0x",
    "1_000",
    "1__0",
    "1_",
    "1.5",
    ".5",
    "2.",
    "1e-3",
    "2.5E10",
    "1e",
    "0.1f32",
    "3f32",
    "1.5u8",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551615u64",
    "18446744073709551616",
    "99999999999999999999999",
    "1e400",
    "1e39f32",
    "1.2.3", // string literals
    "\"s\"",
    "'c'",
    "\"a\\nb\"",
    "\"\\u{1F600}\"",
    "\"\"",
    "\"\\q\"",
    "\"\\u{110000}\"",
    "\"\\u{}\"",
    "\"\\u{FFFFFFFFFFFFFFFFFFFFFFFF}\"",
    "\"",
    "'", // names
    "x",
    "y",
    "f",
    "g",
    "xs",
    "n",
    "_",
    "i8",
    "i16",
    "i32",
    "i64",
    "u8",
    "u16",
    "u32",
    "u64",
    "f32",
    "f64",
    "bool",
    "string",
    "print",
    "sqrt",
    "abs",
    "min",
    "max",
    "pow",
    "floor",
    "len", // comments and odd characters
    "// c\n",
    "/* c */",
    "/*",
    "*/",
    "$",
    "#",
    "@",
    "\u{0}",
    "é",
    "×",
    "\u{FEFF}",
];

/// A random sequence of Kiln tokens.
fn token_soup(rng: &mut Rng) -> String {
    let n = 1 + rng.below(60);
    let mut s = String::new();
    for _ in 0..n {
        let token: &&str = rng.pick(TOKENS);
        let space: &&str = rng.pick(&[" ", " ", " ", "", "\n", "\t"]);
        s.push_str(token);
        s.push_str(space);
    }
    s
}

// ---------------------------------------------------------------------------------------
// Fixed inputs
// ---------------------------------------------------------------------------------------

const DEEP: usize = 100_000;
/// Chains of other operators than `+`: a chain of 100 000 takes over a second to parse
/// in a debug build, and the 100 000 `+1` chain already shows the length is handled.
const CHAIN: usize = 20_000;

/// Deeply nested and very long inputs, by name.
fn deep_inputs() -> Vec<(&'static str, String)> {
    let ops = ["+1", "*2", "-3", "<<1", "|4", "&5", "^6", "/7", "%8"];
    vec![
        (
            "parens",
            format!("{}1{}", "(".repeat(DEEP), ")".repeat(DEEP)),
        ),
        ("open_parens_only", "(".repeat(DEEP)),
        (
            "brackets",
            format!("{}1{}", "[".repeat(DEEP), "]".repeat(DEEP)),
        ),
        ("braces", format!("when true {}", "{".repeat(DEEP))),
        ("minus", format!("{}1", "-".repeat(DEEP))),
        ("not", format!("{}true", "not ".repeat(DEEP))),
        ("bang_tilde", format!("{}1", "!~".repeat(DEEP / 2))),
        ("plus_chain", format!("1{}", "+1".repeat(DEEP))),
        (
            "mixed_chain",
            format!(
                "1{}",
                (0..CHAIN).map(|i| ops[i % ops.len()]).collect::<String>()
            ),
        ),
        ("and_chain", format!("true{}", " and true".repeat(CHAIN))),
        ("compare_chain", format!("1{}", " < 1".repeat(CHAIN))),
        ("concat_chain", format!("\"a\"{}", " + \"a\"".repeat(CHAIN))),
        (
            "ifs",
            format!("{}1{}", "if(true, ".repeat(10_000), ", 2)".repeat(10_000)),
        ),
        (
            "if_conditions",
            format!(
                "{}true{}",
                "if(".repeat(10_000),
                ", true, false)".repeat(10_000)
            ),
        ),
        (
            "switches",
            format!(
                "{}1{}",
                "switch(false, 0, ".repeat(10_000),
                ")".repeat(10_000)
            ),
        ),
        (
            "calls",
            format!("{}1{}", "abs(".repeat(10_000), ")".repeat(10_000)),
        ),
        ("index_chain", format!("[1]{}", "[0]".repeat(10_000))),
        ("long_list", format!("[{}]", vec!["1"; 10_000].join(", "))),
        (
            "many_statements",
            (0..5_000).map(|i| format!("let x{i} = {i};")).collect(),
        ),
        (
            "many_args",
            format!(
                "fn f(a: i64) -> i64 = a; f({})",
                vec!["1"; 10_000].join(", ")
            ),
        ),
        ("semicolons", ";".repeat(DEEP)),
        ("commas", format!("[{}]", ",".repeat(DEEP))),
    ]
}

/// Huge literals, odd characters and other edge inputs, by name.
fn edge_inputs() -> Vec<(&'static str, String)> {
    vec![
        ("empty", String::new()),
        ("whitespace", " \n\t\r\n ".into()),
        (
            "only_comments",
            "// a comment\n/* a block */\n// another".into(),
        ),
        ("only_block_comment_unclosed", "/*".into()),
        ("nul", "let x = 1;\0\0\nx".into()),
        ("nul_in_string", "\"a\0b\"".into()),
        ("only_nul", "\0".into()),
        ("bom", "\u{FEFF}1 + 2".into()),
        ("huge_int", "9".repeat(100_000)),
        ("huge_int_suffixed", format!("{}u8", "9".repeat(10_000))),
        ("huge_hex", format!("0x{}", "f".repeat(10_000))),
        ("huge_binary", format!("0b{}", "1".repeat(10_000))),
        ("huge_float", format!("{}.5", "9".repeat(100_000))),
        ("huge_exponent", "1e99999999999999999999999999".into()),
        ("tiny_exponent", "1e-99999999999999999999999999".into()),
        ("many_underscores", format!("1{}1", "_".repeat(10_000))),
        ("huge_string", format!("\"{}\"", "a".repeat(1_000_000))),
        ("huge_escape", format!("\"\\u{{{}}}\"", "F".repeat(10_000))),
        ("huge_name", "x".repeat(100_000)),
        ("huge_comment", format!("/*{}*/ 1", "*".repeat(100_000))),
        ("unterminated_escape", "\"\\".into()),
        ("unterminated_unicode", "\"\\u{12".into()),
        ("lone_quote", "'".into()),
        ("min_i64", "-9223372036854775808".into()),
        ("min_i64_minus_one", "-9223372036854775809".into()),
        ("max_u64_plus_one", "18446744073709551616u64".into()),
        ("control_chars", "\u{1}\u{7}\u{1b}[31m 1".into()),
        ("rtl_and_emoji", "let 名前 = \"😀\u{202E}\"; 名前".into()),
        ("crlf", "let x = 1;\r\nx +\r\n 1".into()),
        ("lone_cr", "let x = 1;\rx".into()),
        ("many_params", {
            // One per line: 1999 unused-parameter warnings each drawing a 22 KB line
            // took 20 s in a debug build (rendering is diagnostics × line length).
            let ps: Vec<String> = (0..2_000).map(|i| format!("a{i}: i64")).collect();
            format!("fn f({}) -> i64 = a0; 1", ps.join(",\n"))
        }),
        (
            "deep_recursion_at_run_time",
            "fn r(n: i64) -> i64 = if(n <= 0, 0, r(n - 1) + 1);\nr(100000000)".into(),
        ),
        (
            "nested_when_blocks",
            format!(
                "x = 0;\n{}x = 1;{}\nx",
                "when true { ".repeat(200),
                " }".repeat(200)
            ),
        ),
    ]
}

// ---------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------

#[test]
fn random_bytes_are_reported_not_panicked_on() {
    let mut rng = Rng::new(0x5eed_0001);
    for _ in 0..scale(400) {
        let src = garbage(&mut rng);
        library(&src, 0);
    }
}

#[test]
fn token_soup_is_reported_not_panicked_on() {
    let mut rng = Rng::new(0x5eed_0002);
    for _ in 0..scale(1_500) {
        let src = token_soup(&mut rng);
        library(&src, 0);
    }
}

#[test]
fn deep_nesting_and_long_chains_are_reported_not_panicked_on() {
    for (name, src) in deep_inputs() {
        if verbose() {
            eprintln!("deep input {name}");
        }
        library(&src, 0);
    }
}

#[test]
fn huge_literals_and_odd_characters_are_reported_not_panicked_on() {
    for (name, src) in edge_inputs() {
        if verbose() {
            eprintln!("edge input {name}");
        }
        library(&src, 0);
    }
    // An empty program, and one of comments only, have no result and are fine.
    for src in ["", "// c\n/* d */"] {
        assert_eq!(library(src, 0), Outcome::Ran, "{src:?}");
    }
}

#[test]
fn the_binary_reports_every_kind_of_bad_input() {
    let dir = scratch_dir("robustness");
    let mut inputs: Vec<(String, String)> = Vec::new();
    for (name, src) in edge_inputs() {
        inputs.push((format!("edge_{name}"), src));
    }
    // The slow ones (100 000 operators) are covered through the library above; a few
    // of each shape suffice here.
    for (name, src) in deep_inputs() {
        if [
            "parens",
            "brackets",
            "minus",
            "plus_chain",
            "ifs",
            "open_parens_only",
        ]
        .contains(&name)
        {
            inputs.push((format!("deep_{name}"), src));
        }
    }
    let mut rng = Rng::new(0x5eed_0005);
    for i in 0..15 {
        inputs.push((format!("garbage_{i}"), garbage(&mut rng)));
        inputs.push((format!("soup_{i}"), token_soup(&mut rng)));
    }
    for (name, src) in &inputs {
        let file = format!("{name}.expr");
        binary(&dir, &file, src.as_bytes(), &["run"]);
    }
    // `check` and `build` go through the same front end; a sample suffices.
    for (name, src) in inputs.iter().step_by(5) {
        binary(&dir, &format!("{name}.expr"), src.as_bytes(), &["check"]);
    }
    let ir = dir.join("out.ll");
    let ir = ir.to_str().expect("a UTF-8 scratch path");
    for (name, src) in inputs.iter().skip(2).step_by(7) {
        let args = ["build", "--emit", "llvm-ir", "-o", ir];
        binary(&dir, &format!("{name}.expr"), src.as_bytes(), &args);
    }

    // Empty and comment-only files have no result: exit 0, no output.
    for (name, src) in [("empty", ""), ("comments", "// a\n/* b */\n")] {
        let out = binary(&dir, &format!("{name}.expr"), src.as_bytes(), &["run"]);
        assert_eq!(out.status, Some(0), "{out:?}");
        assert_eq!(out.stdout, "", "{out:?}");
    }
}

#[test]
fn invalid_utf8_files_are_a_usage_error() {
    let dir = scratch_dir("robustness-utf8");
    let cases: &[(&str, &[u8])] = &[
        ("lone_ff", b"\xff"),
        ("in_a_string", b"let s = \"a\xffb\";\ns"),
        ("truncated_sequence", b"1 + 2 \xe2\x82"),
        ("overlong_slash", b"1 \xc0\xaf 2"),
        ("encoded_surrogate", b"\"\xed\xa0\x80\""),
        ("utf16_with_bom", b"\xff\xfe1\x00+\x002\x00"),
        ("latin1_name", b"let caf\xe9 = 1;"),
    ];
    for (name, bytes) in cases {
        for cmd in ["run", "check"] {
            let out = binary(&dir, &format!("{name}.expr"), bytes, &[cmd]);
            assert_eq!(out.status, Some(2), "kiln {cmd} on {name}:\n{out:?}");
            assert!(
                out.stderr.contains("UTF-8"),
                "kiln {cmd} on {name} does not say the file is not UTF-8:\n{out:?}"
            );
        }
    }
}

#[test]
fn invalid_utf8_on_stdin_is_a_usage_error() {
    use std::io::Write;
    use std::process::Stdio;
    for bytes in [&b"\xff"[..], b"let s = \"a\xffb\"; s", b"1 + \xe2\x82"] {
        let mut child = kiln_command()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start kiln");
        let mut stdin = child.stdin.take().expect("a stdin pipe");
        stdin.write_all(bytes).expect("write stdin");
        drop(stdin);
        let out = child.wait_with_output().expect("kiln finishes");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{bytes:?}: {stderr}");
        assert!(stderr.contains("UTF-8"), "{bytes:?}: {stderr}");
    }
}

/// A bug the random programs found: the checker accepted `x in []` when `x` is a list
/// (the `[]` took the type "list of lists"), and code generation then failed with an
/// internal compiler error (E0999, at 1:1). It was the compile error E0211 while lists
/// of lists were unsupported; since v1 they are, and these programs compile and run.
#[test]
fn a_list_in_an_empty_list_compiles_and_runs() {
    for src in ["[73] in []", "let xs: [i64] = [1];\nxs in []"] {
        assert_eq!(library(src, 0), Outcome::Ran, "{src:?}");
    }
}
