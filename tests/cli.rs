//! Drives the real `kiln` binary and checks its standard output, standard error and
//! exit status against the language contract: 0 success, 1 compile error, 2 usage
//! error, 3 runtime error.
//!
//! Most tests are one line: `value(CODE, DISPLAY)` evaluates `kiln eval CODE` and
//! expects exactly one line of output; `prints(CODE, STDOUT)` expects the whole
//! stdout; `compile_error` and `runtime_error` expect the failure and its diagnostic.

mod common;

use common::{kiln_command, run, scratch_dir, Run, ScratchDir};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

impl Run {
    #[track_caller]
    fn status(&self, want: i32) -> &Self {
        assert_eq!(self.status, Some(want), "wrong exit status:\n{self:?}");
        self
    }

    #[track_caller]
    fn stdout(&self, want: &str) -> &Self {
        assert_eq!(self.stdout, want, "wrong stdout:\n{self:?}");
        self
    }

    #[track_caller]
    fn stderr_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{self:?}"
        );
        self
    }

    #[track_caller]
    fn stderr_empty(&self) -> &Self {
        assert!(self.stderr.is_empty(), "stderr is not empty:\n{self:?}");
        self
    }

    /// The code of the first error in stderr, e.g. `E0101`: its header is
    /// `error[CODE]: message`.
    #[track_caller]
    fn error_code(&self) -> &str {
        self.stderr
            .lines()
            .find_map(|line| line.strip_prefix("error["))
            .and_then(|rest| rest.split_once("]: "))
            .map(|(code, _)| code)
            .unwrap_or_else(|| panic!("no `error[CODE]: ` header in stderr:\n{self:?}"))
    }

    /// The `LINE:COL` of the first diagnostic with `code` in stderr: its header
    /// `error[CODE]: message` is followed by the location line `╭─[ FILE:LINE:COL ]`.
    #[track_caller]
    fn diag_at(&self, file: &str, code: &str) -> (usize, usize) {
        let header = format!("error[{code}]: ");
        let mut lines = self.stderr.lines();
        while let Some(line) = lines.next() {
            if !line.starts_with(&header) {
                continue;
            }
            let place = lines
                .next()
                .and_then(|l| l.trim_start().strip_prefix("╭─[ "))
                .and_then(|l| l.strip_suffix(" ]"))
                .and_then(|l| l.strip_prefix(file))
                .and_then(|l| l.strip_prefix(':'))
                .and_then(|l| l.split_once(':'));
            if let Some((l, c)) = place {
                if let (Ok(l), Ok(c)) = (l.parse(), c.parse()) {
                    return (l, c);
                }
            }
        }
        panic!("no `{header}` diagnostic located at `{file}:LINE:COL`:\n{self:?}")
    }
}

fn kiln_with_stdin(args: &[&str], stdin: Option<&str>) -> Run {
    run(kiln_command().args(args), stdin)
}

fn kiln(args: &[&str]) -> Run {
    kiln_with_stdin(args, None)
}

/// `kiln eval -- CODE` (the `--` lets CODE start with `-`).
fn eval(code: &str) -> Run {
    kiln(&["eval", "--", code])
}

/// `kiln eval CODE` succeeds, writes nothing to stderr and exactly `stdout` to stdout;
/// so does `kiln eval --engine interp CODE`.
#[track_caller]
fn prints(code: &str, stdout: &str) {
    eval(code).status(0).stderr_empty().stdout(stdout);
    kiln(&["eval", "--engine", "interp", "--", code])
        .status(0)
        .stderr_empty()
        .stdout(stdout);
}

/// `kiln eval CODE` succeeds and prints exactly one line: `display`.
#[track_caller]
fn value(code: &str, display: &str) {
    prints(code, &format!("{display}\n"));
}

/// `kiln eval CODE` is a compile error (exit 1) reported at `<eval>:LINE:COL` whose
/// text contains every needle; nothing is run, so stdout stays empty.
#[track_caller]
fn compile_error(code: &str, needles: &[&str]) -> Run {
    let run = eval(code);
    run.status(1).stdout("").stderr_has("error[E");
    run.diag_at("<eval>", run.error_code());
    for needle in needles {
        run.stderr_has(needle);
    }
    run
}

/// `kiln eval CODE` stops with the runtime error `E06xx` (exit 3), reported at
/// `<eval>:LINE:COL`.
#[track_caller]
fn runtime_error(code: &str, diag_code: &str) -> Run {
    let run = eval(code);
    run.status(3).stderr_has(&format!("error[{diag_code}]: "));
    let at = run.diag_at("<eval>", diag_code);
    // The interpreter stops at the same place with the same report.
    let interp = kiln(&["eval", "--engine", "interp", "--", code]);
    interp.status(3).stdout(&run.stdout);
    assert_eq!(
        interp.stderr, run.stderr,
        "the interpreter differs on {code}"
    );
    assert_eq!(interp.diag_at("<eval>", diag_code), at);
    run
}

/// A file with `contents` in a fresh scratch directory, removed with it when dropped.
fn temp_file(name: &str, contents: impl AsRef<[u8]>) -> TempFile {
    let dir = scratch_dir("cli");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write a scratch file");
    TempFile { path, _dir: dir }
}

/// A file from [`temp_file`]; it is a `Path` to its users.
struct TempFile {
    path: PathBuf,
    _dir: ScratchDir,
}

impl std::ops::Deref for TempFile {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.path
    }
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("scratch paths are UTF-8")
}

const SIGNED: [(&str, &str, &str); 4] = [
    ("i8", "-128", "127"),
    ("i16", "-32768", "32767"),
    ("i32", "-2147483648", "2147483647"),
    ("i64", "-9223372036854775808", "9223372036854775807"),
];

const UNSIGNED: [(&str, &str); 4] = [
    ("u8", "255"),
    ("u16", "65535"),
    ("u32", "4294967295"),
    ("u64", "18446744073709551615"),
];

// ---------------------------------------------------------------------------------------
// eval, run, check, stdin
// ---------------------------------------------------------------------------------------

#[test]
fn eval_prints_the_value_of_an_expression() {
    value("1 + 2", "3");
    value("2 * (3 + 4) - 1", "13");
    value("let x = 5; x * x", "25");
}

#[test]
fn eval_takes_options_around_the_code_and_a_double_dash_before_a_leading_minus() {
    kiln(&["eval", "-O0", "1 + 2"]).status(0).stdout("3\n");
    kiln(&["eval", "1 + 2", "-O", "3"]).status(0).stdout("3\n");
    kiln(&["eval", "--", "-5 + 1"]).status(0).stdout("-4\n");
    kiln(&["eval", "-5 + 1"]).status(2).stderr_has("--");
}

#[test]
fn operators_follow_the_precedence_table() {
    value("1 + 2 * 3", "7");
    value("1 << 2 + 1", "8");
    value("6 & 3 | 8", "10");
    value("1 | 6 ^ 3", "5");
    value("12 ^ 10 & 6", "14");
    value("not true or true", "true");
    value("true or true and false", "true");
    value("1 < 2 == true", "true");
    value("-2 * 3", "-6");
    value("2 in [1, 2] and true", "true");
}

#[test]
fn binary_operators_associate_to_the_left() {
    value("10 - 4 - 3", "3");
    value("100 / 10 / 5", "2");
    value("2 * 3 % 4", "2");
    value("64 >> 2 >> 1", "8");
}

#[test]
fn comments_and_literal_forms() {
    value("1 + /* two */ 2 // trailing", "3");
    value("1_000 + 0xff + 0b1010", "1265");
    value(".5 + 2.", "2.5");
    value("1e-3", "0.001");
    value("2.5E10", "25000000000.0");
    value("0x1f32", "7986");
    value("0x1fu32", "31");
    value("3f32", "3.0");
    value("'single' + \"double\"", "singledouble");
    value(r#""a\"b\'c\\d""#, r#"a"b'c\d"#);
    value(r#""\u{1F600}""#, "\u{1F600}");
    prints(r#""x\ty\nz""#, "x\ty\nz\n");
}

#[test]
fn the_last_statement_is_the_result() {
    value("let x = 5;", "5");
    value("x = 7;", "7");
    value("x = 1; x = x + 41", "42");
}

#[test]
fn a_program_without_a_result_prints_nothing() {
    prints("", "");
    prints("fn f(x: i64) -> i64 = x", "");
    prints("n = 1; when n > 0 { n = 2; }", "");
    prints("// only a comment", "");
}

#[test]
fn print_writes_its_argument_and_returns_it() {
    prints("print(print(1))", "1\n1\n1\n");
    prints("print(\"a\"); print(2.5); 3", "a\n2.5\n3\n");
    prints("print([1, 2])", "[1, 2]\n[1, 2]\n");
}

#[test]
fn operands_and_arguments_are_evaluated_left_to_right() {
    prints("print(1) + print(2)", "1\n2\n3\n");
    prints(
        "fn f(a: i64, b: i64) -> i64 = a - b; f(print(5), print(3))",
        "5\n3\n2\n",
    );
}

#[test]
fn run_prints_the_result_of_a_file() {
    let file = temp_file("six_times_seven.expr", "let a = 6;\nlet b = 7;\na * b\n");
    kiln(&["run", path_str(&file)])
        .status(0)
        .stderr_empty()
        .stdout("42\n");
}

#[test]
fn every_optimisation_level_gives_the_same_output() {
    let file = temp_file(
        "levels.expr",
        "fn f(n: i64) -> i64 = if(n < 2, n, f(n - 1) + f(n - 2));\nprint(f(20));\nlet x: u8 = 250; x + 10\n",
    );
    for level in ["0", "1", "2", "3"] {
        kiln(&["run", path_str(&file), "-O", level])
            .status(0)
            .stderr_empty()
            .stdout("6765\n4\n");
        kiln(&["eval", &format!("-O{level}"), "sqrt(2)"])
            .status(0)
            .stdout("1.4142135623730951\n");
    }
}

#[test]
fn check_accepts_a_good_program_silently_without_running_it() {
    let file = temp_file("good.expr", "print(\"ran\");\nparam x: i64;\nx + 1\n");
    kiln(&["check", path_str(&file)])
        .status(0)
        .stdout("")
        .stderr_empty();
}

#[test]
fn check_reports_a_type_error_with_file_line_and_column() {
    let file = temp_file("bad_type.expr", "let a = 1;\nlet b = a + true;\nb\n");
    let name = path_str(&file);
    let run = kiln(&["check", name]);
    run.status(1).stdout("");
    let (line, col) = run.diag_at(name, run.error_code());
    assert_eq!(line, 2, "the error is on line 2:\n{run:?}");
    assert!(
        (9..=16).contains(&col),
        "the column points into `a + true`:\n{run:?}"
    );
}

#[test]
fn an_unknown_name_is_reported_at_its_column() {
    let file = temp_file("unknown.expr", "let a = 1;\nlet b = a + nope;\nb\n");
    let name = path_str(&file);
    let run = kiln(&["check", name]);
    run.status(1);
    let code = run.error_code();
    assert!(code.starts_with("E01"), "names are E01xx: {run:?}");
    assert_eq!(run.diag_at(name, code), (2, 13));
    run.stderr_has("nope");
}

#[test]
fn a_syntax_error_is_a_compile_error() {
    let run = compile_error("let = 5", &["error[E00"]);
    assert_eq!(run.diag_at("<eval>", run.error_code()).0, 1);
    compile_error("1 +", &["error[E00"]);
    compile_error("(1 + 2", &["error[E00"]);
    compile_error("fn (x: i64) = x", &["error[E00"]);
    let file = temp_file("syntax.expr", "let a = 1;\nlet b = ;\n");
    let run = kiln(&["run", path_str(&file)]);
    run.status(1).stdout("");
    assert_eq!(run.diag_at(path_str(&file), run.error_code()).0, 2);
}

#[test]
fn piped_stdin_runs_as_a_program() {
    kiln_with_stdin(&[], Some("print(1);\n2 + 3\n"))
        .status(0)
        .stderr_empty()
        .stdout("1\n5\n");
    kiln_with_stdin(&[], Some("")).status(0).stdout("");
    let run = kiln_with_stdin(&[], Some("let = 5;\n"));
    run.status(1);
    assert_eq!(run.diag_at("<stdin>", run.error_code()).0, 1);
    let run = kiln_with_stdin(&[], Some("fn z(x: i64) -> i64 = x - x;\n1 / z(1)\n"));
    run.status(3);
    assert_eq!(run.diag_at("<stdin>", "E0601").0, 2);
}

#[test]
fn repl_reads_lines_from_a_pipe_too() {
    // Without a terminal, `kiln repl` reads plain lines: no editing, same replies.
    let home = scratch_dir("cli-repl-pipe");
    let done = run(
        kiln_command()
            .args(["repl", "--color", "never"])
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data")),
        Some("let x = 20\nx * 2 + 1\n1 +\n2\nnope\n:quit\n6 * 7\n"),
    );
    assert_eq!(done.status, Some(0), "{done:?}");
    assert!(done.stdout.starts_with("Kiln 0.1 "), "{done:?}");
    assert!(done.stdout.contains("41 : i64\n3 : i64\n"), "{done:?}");
    assert!(
        !done.stdout.contains("42"),
        "`:quit` stops reading: {done:?}"
    );
    assert!(done.stderr.contains("error[E0101]"), "{done:?}");
}

#[test]
fn a_terminal_without_a_program_gets_the_repl() {
    // On a pseudo-terminal, bare `kiln` opens the REPL (tests/repl_pty.rs drives it);
    // Ctrl-D leaves with status 0.
    use rexpect::process::WaitStatus;
    let home = scratch_dir("cli-repl");
    let mut command = kiln_command();
    command
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("NO_COLOR", "1");
    let options = rexpect::reader::Options::new()
        .timeout_ms(Some(10_000))
        .strip_ansi_escape_codes(true);
    let mut pty = rexpect::spawn_with_options(command, options).expect("a pseudo-terminal");
    // rexpect reads bytes as Latin-1, so the banner's dash is matched around.
    let before = pty
        .exp_string(":help for commands, Ctrl-D to leave")
        .expect("the banner");
    assert!(before.starts_with("Kiln 0.1 "), "{before:?}");
    pty.exp_string("kiln> ").expect("the prompt");
    pty.send_control('d').expect("Ctrl-D");
    pty.exp_eof().expect("kiln leaves");
    let status = pty.process_mut().wait().expect("an exit status");
    assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");
}

// ---------------------------------------------------------------------------------------
// Usage errors (exit 2)
// ---------------------------------------------------------------------------------------

#[test]
fn usage_errors_exit_with_status_2() {
    kiln(&["frobnicate"]).status(2).stdout("");
    kiln(&["run"]).status(2);
    kiln(&["eval"]).status(2);
    kiln(&["eval", "-O", "7", "1"]).status(2).stderr_has("7");
    kiln(&["run", "--bogus", "x.expr"]).status(2);
    kiln(&["build", "x.expr"]).status(2).stderr_has("--emit");
    kiln(&["build", "x.expr", "--emit", "wasm"]).status(2);
}

#[test]
fn an_unreadable_file_is_a_usage_error_naming_it() {
    kiln(&["run", "/no/such/dir/missing.expr"])
        .status(2)
        .stdout("")
        .stderr_has("/no/such/dir/missing.expr");
    kiln(&["check", "/no/such/dir/missing.expr"]).status(2);
    let dir = temp_file("placeholder", "");
    let dir = dir.parent().expect("a parent directory");
    kiln(&["run", path_str(dir)]).status(2);
    let latin1 = temp_file("latin1.expr", b"\"caf\xe9\"\n");
    kiln(&["run", path_str(&latin1)])
        .status(2)
        .stderr_has("UTF-8");
}

#[test]
fn help_and_version_succeed() {
    kiln(&["--help"]).status(0).stderr_empty();
    assert!(kiln(&["--help"]).stdout.contains("Usage"));
    assert!(kiln(&["run", "--help"]).stdout.contains("--param"));
    assert!(kiln(&["--version"]).stdout.starts_with("kiln "));
}

// ---------------------------------------------------------------------------------------
// --param
// ---------------------------------------------------------------------------------------

#[test]
fn params_are_bound_by_name_and_parsed_by_type() {
    let file = temp_file(
        "params.expr",
        "param x: i64;\nparam name: string;\nparam on: bool;\nparam f: f64;\nparam b: u8;\n\
         print(name + \": \" + string(x * 2));\nprint(if(on, f * 2.0, 0.0));\nb + 1\n",
    );
    kiln(&[
        "run",
        path_str(&file),
        "--param",
        "b=255",
        "--param",
        "x=21",
        "--param",
        "name=the answer",
        "--param",
        "on=true",
        "--param",
        "f=1.25",
    ])
    .status(0)
    .stderr_empty()
    .stdout("the answer: 42\n2.5\n0\n");
}

#[test]
fn param_names_and_values_may_have_spaces_around_them() {
    let file = temp_file(
        "spaced_params.expr",
        "param x: i64;\nparam s: string;\nparam on: bool;\ns + string(if(on, x, 0))\n",
    );
    let f = path_str(&file);
    kiln(&[
        "run",
        f,
        "--param",
        "x= 5",
        "-p",
        "s = a",
        "-p",
        " on =true ",
    ])
    .status(0)
    .stderr_empty()
    // A string value is taken as written, spaces included.
    .stdout(" a5\n");
    kiln(&["eval", "param n: u8; n + 1", "-p", "n = 254"])
        .status(0)
        .stdout("255\n");
}

#[test]
fn a_minus_as_file_is_standard_input_for_run_and_check() {
    kiln_with_stdin(&["run", "-", "-p", "x=4"], Some("param x: i64;\nx * 10\n"))
        .status(0)
        .stdout("40\n");
    let run = kiln_with_stdin(&["run", "-"], Some("let a = 1;\nnope + a\n"));
    run.status(1);
    assert_eq!(run.diag_at("<stdin>", "E0101"), (2, 1), "{run:?}");
    kiln_with_stdin(&["check", "-"], Some("1 + 2\n"))
        .status(0)
        .stderr_empty()
        .stdout("");
    let run = kiln_with_stdin(&["check", "-", "--error-format", "json"], Some("1 +\n"));
    run.status(1);
    assert!(run.stderr.contains("\"file\":\"<stdin>\""), "{run:?}");
}

#[test]
fn eval_takes_params_too_and_functions_see_them() {
    kiln(&[
        "eval",
        "param p: i64; fn f(x: i64) -> i64 = x + p; f(1)",
        "--param",
        "p=2",
    ])
    .status(0)
    .stdout("3\n");
}

#[test]
fn param_mistakes_are_usage_errors_naming_the_param() {
    let file = temp_file("one_param.expr", "param x: i64;\nx * 2\n");
    let f = path_str(&file);
    kiln(&["run", f, "--param", "x=4"]).status(0).stdout("8\n");
    kiln(&["run", f])
        .status(2)
        .stdout("")
        .stderr_has("missing")
        .stderr_has("`x`");
    kiln(&["run", f, "--param", "x=4", "--param", "y=1"])
        .status(2)
        .stderr_has("unknown parameter `y`");
    kiln(&["run", f, "--param", "x=four"])
        .status(2)
        .stderr_has("`x`")
        .stderr_has("`four`")
        .stderr_has("i64");
    kiln(&["run", f, "--param", "x=1.5"]).status(2);
    kiln(&["run", f, "--param", "x"])
        .status(2)
        .stderr_has("NAME=VALUE");
    kiln(&["run", f, "--param", "x=1", "--param", "x=2"])
        .status(2)
        .stderr_has("more than once");
    let small = temp_file("u8_param.expr", "param b: u8;\nb\n");
    kiln(&["run", path_str(&small), "--param", "b=5 5"])
        .status(2)
        .stderr_has("`b`");
    kiln(&["run", path_str(&small), "--param", "b=256"])
        .status(2)
        .stderr_has("`b`");
}

// ---------------------------------------------------------------------------------------
// build --emit llvm-ir
// ---------------------------------------------------------------------------------------

#[test]
fn build_prints_llvm_ir() {
    let file = temp_file("ir.expr", "1 + 2\n");
    let run = kiln(&["build", path_str(&file), "--emit", "llvm-ir"]);
    run.status(0).stderr_empty();
    assert!(run.stdout.contains("define"), "{run:?}");
}

#[test]
fn build_writes_llvm_ir_to_a_file_with_o() {
    let file = temp_file("ir_out.expr", "param x: f64;\nsqrt(x) + 1.0\n");
    let out = file.with_extension("ll");
    kiln(&[
        "build",
        path_str(&file),
        "--emit",
        "llvm-ir",
        "-o",
        path_str(&out),
        "-O",
        "3",
    ])
    .status(0)
    .stdout("")
    .stderr_has("run it with: lli");
    let ir = std::fs::read_to_string(&out).expect("the IR file was written");
    assert!(ir.contains("define"), "{ir}");
}

#[test]
fn short_circuit_and_compiles_to_a_conditional_branch() {
    // A right operand that can fault (here, divide by zero) runs only when needed. (One
    // that cannot, such as a bool param, is combined with `and i1` instead.)
    let file = temp_file(
        "and.expr",
        "param a: bool;\nparam n: i64;\na and 10 / n > 1\n",
    );
    let run = kiln(&["build", path_str(&file), "--emit", "llvm-ir", "-O", "0"]);
    run.status(0);
    assert!(run.stdout.contains("br i1"), "{run:?}");
}

#[test]
fn build_reports_compile_errors() {
    let file = temp_file("bad_ir.expr", "1 + true\n");
    let run = kiln(&["build", path_str(&file), "--emit", "llvm-ir"]);
    run.status(1).stdout("");
    assert_eq!(run.diag_at(path_str(&file), run.error_code()).0, 1);
}

// ---------------------------------------------------------------------------------------
// Control flow: short-circuit, if, switch, when
// ---------------------------------------------------------------------------------------

#[test]
fn and_or_short_circuit() {
    prints("false and print(true)", "false\n");
    prints("true or print(false)", "true\n");
    prints("true and print(false)", "false\nfalse\n");
    prints("false or print(true)", "true\ntrue\n");
    prints("false && print(true)", "false\n");
    prints("true || print(false)", "true\n");
    prints("!true && print(true)", "false\n");
}

#[test]
fn if_evaluates_only_the_chosen_branch() {
    // Constant conditions: the dead branch is reported (W0002) and never evaluated.
    eval("if(true, print(1), print(2))")
        .status(0)
        .stdout("1\n1\n")
        .stderr_has("warning[W0002]: this condition is always true");
    eval("if(1 > 2, print(1), print(2))")
        .status(0)
        .stdout("2\n2\n")
        .stderr_has("warning[W0002]: this condition is always false");
}

#[test]
fn switch_evaluates_nothing_after_the_first_true_condition() {
    prints(
        "switch(print(1) > 5, print(10), print(2) > 1, print(20), print(3) > 0, print(30), print(40))",
        "1\n2\n20\n20\n",
    );
    prints(
        "switch(print(false), 1, print(false), 2, print(3))",
        "false\nfalse\n3\n3\n",
    );
    value("fn g(s: i64) -> string = switch(s >= 90, \"A\", s >= 80, \"B\", \"C\"); g(95) + g(85) + g(10)", "ABC");
}

#[test]
fn when_branches_assign_outer_mutable_variables() {
    value(
        "n = 5; label = \"\"; when n < 0 { label = \"neg\"; } elif n == 0 { label = \"zero\"; } else { label = \"pos\"; } label",
        "pos",
    );
    value("n = 1; when n == 1 { n = 5; } n", "5");
    value("n = 1; when n == 2 { n = 5; } n", "1");
}

// ---------------------------------------------------------------------------------------
// Integers: wrapping, division, shifts, bit operations
// ---------------------------------------------------------------------------------------

#[test]
fn signed_arithmetic_wraps_at_every_width() {
    for (ty, min, max) in SIGNED {
        let min_plus_1 = (min.parse::<i128>().unwrap() + 1).to_string();
        let code = format!(
            "let hi: {ty} = {max}; let lo: {ty} = {min}; let two: {ty} = 2;\n\
             print(hi + 1); print(lo - 1); print(hi * two); print(-lo); -hi"
        );
        let want = format!("{min}\n{max}\n-2\n{min}\n{min_plus_1}\n");
        for level in ["-O0", "-O2"] {
            kiln(&["eval", level, &code])
                .status(0)
                .stderr_empty()
                .stdout(&want);
        }
    }
}

#[test]
fn unsigned_arithmetic_wraps_at_every_width() {
    for (ty, max) in UNSIGNED {
        let max_minus_1 = (max.parse::<u128>().unwrap() - 1).to_string();
        let code = format!(
            "let hi: {ty} = {max}; let lo: {ty} = 0; let one: {ty} = 1; let two: {ty} = 2;\n\
             print(hi + 1); print(lo - 1); print(hi * two); print(-one); -lo"
        );
        let want = format!("0\n{max}\n{max_minus_1}\n{max}\n0\n");
        for level in ["-O0", "-O2"] {
            kiln(&["eval", level, &code])
                .status(0)
                .stderr_empty()
                .stdout(&want);
        }
    }
}

#[test]
fn suffixed_literal_arithmetic_wraps() {
    value("255u8 + 1u8", "0");
    value("-128i8 - 1i8", "127");
    value("0u64 - 1u64", "18446744073709551615");
    value("9223372036854775807 + 1", "-9223372036854775808");
}

#[test]
fn integer_division_truncates_toward_zero() {
    value("-7 / 2", "-3");
    value("7 / -2", "-3");
    value("-7 % 2", "-1");
    value("7 % -2", "1");
    value("let a: u8 = 200; a / 7", "28");
    value("let a: u32 = 4000000000; a % 7", "3");
}

#[test]
fn division_by_a_runtime_zero_is_a_runtime_error_at_every_width() {
    for ty in ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64"] {
        let div = format!("fn d(x: {ty}) -> {ty} = x; let n: {ty} = 7; n / d(0)");
        runtime_error(&div, "E0601").stdout("");
        let rem = format!("fn d(x: {ty}) -> {ty} = x; let n: {ty} = 7; n % d(0)");
        runtime_error(&rem, "E0601").stdout("");
    }
}

#[test]
fn min_divided_by_minus_one_is_a_runtime_error_and_min_rem_minus_one_is_0() {
    for (ty, min, _) in SIGNED {
        for level in ["-O0", "-O2"] {
            let div = format!("fn d(x: {ty}) -> {ty} = x; let lo: {ty} = {min}; lo / d(-1)");
            let run = kiln(&["eval", level, &div]);
            run.status(3).stdout("").stderr_has("error[E0602]");
            let rem = format!("fn d(x: {ty}) -> {ty} = x; let lo: {ty} = {min}; lo % d(-1)");
            kiln(&["eval", level, &rem])
                .status(0)
                .stderr_empty()
                .stdout("0\n");
        }
    }
}

#[test]
fn division_by_a_param_that_is_zero_is_a_runtime_error() {
    kiln(&["eval", "param d: i64; 10 / d", "--param", "d=0"])
        .status(3)
        .stderr_has("error[E0601]");
    kiln(&["eval", "param d: i64; 10 / d", "--param", "d=3"])
        .status(0)
        .stdout("3\n");
}

#[test]
fn a_runtime_error_points_at_its_span() {
    let run = eval("fn z(x: i64) -> i64 = x - x;\nlet a = 10;\n  a / z(3)");
    run.status(3);
    let (line, col) = run.diag_at("<eval>", "E0601");
    assert_eq!(line, 3, "{run:?}");
    assert!(
        (3..=7).contains(&col),
        "column {col} is not in `a / z(3)`:\n{run:?}"
    );

    let file = temp_file(
        "runtime.expr",
        "let xs = [1, 2, 3];\nfn i(n: i64) -> i64 = n;\nxs[i(3)]\n",
    );
    let run = kiln(&["run", path_str(&file)]);
    run.status(3);
    assert_eq!(run.diag_at(path_str(&file), "E0603").0, 3, "{run:?}");
}

#[test]
fn division_by_a_constant_zero_is_a_compile_error() {
    compile_error("1 / 0", &["error[E05"]);
    compile_error("10 % (2 - 2)", &["error[E05"]);
    value("1.0 / 0.0", "inf");
}

#[test]
fn print_output_before_a_runtime_error_stays_written() {
    eval("print(\"before\"); fn z(x: i64) -> i64 = x - x; print(1 / z(1)); print(\"after\")")
        .status(3)
        .stdout("before\n")
        .stderr_has("error[E0601]");
}

#[test]
fn index_out_of_bounds_is_a_runtime_error() {
    value("let xs = [10, 20, 30]; xs[2]", "30");
    runtime_error(
        "let xs = [10, 20, 30]; fn i(n: i64) -> i64 = n; xs[i(3)]",
        "E0603",
    );
    runtime_error(
        "let xs = [10, 20, 30]; fn i(n: i64) -> i64 = n; xs[i(-1)]",
        "E0603",
    );
    runtime_error("[1, 2, 3][5]", "E0603");
}

#[test]
fn parsing_a_bad_string_is_a_runtime_error() {
    value("i64(\"42\") + 1", "43");
    value("f64(\"2.5\")", "2.5");
    runtime_error("i64(\"4x2\")", "E0604");
    runtime_error("u8(\"256\")", "E0604");
    runtime_error("i32(\"\")", "E0604");
}

#[test]
fn shifts_take_the_count_modulo_the_width() {
    value("1 << 65", "2");
    value("1i8 << 9", "2");
    value("1 << -1", "-9223372036854775808");
    value("let n: u8 = 1; n << 7", "128");
    value("let n: u16 = 1; let c: u64 = 17; n << c", "2");
}

#[test]
fn right_shift_is_arithmetic_on_signed_and_logical_on_unsigned() {
    value("-16 >> 2", "-4");
    value("let x: i8 = -16; x >> 2", "-4");
    value("let x: u8 = 240; x >> 2", "60");
    value("let x: u64 = 18446744073709551615; x >> 63", "1");
}

#[test]
fn bit_operators_work_on_integers_only() {
    value("5 & 3", "1");
    value("5 | 3", "7");
    value("5 ^ 3", "6");
    value("~0", "-1");
    value("~0u8", "255");
    value("let x: u16 = 1; ~x", "65534");
    compile_error("~1.5", &[]);
    compile_error("~true", &[]);
}

// ---------------------------------------------------------------------------------------
// Literal inference and widening
// ---------------------------------------------------------------------------------------

#[test]
fn literals_take_their_type_from_context() {
    value("let x: u8 = 200; x + 100", "44");
    value("let x: u8 = 250; if(x > 0, x, 5) + 10", "4");
    value("let x: i16 = 300; x * 200", "-5536");
    value("sqrt(2)", "1.4142135623730951");
    value("let f: f32 = 1; f / 3", "0.33333334");
}

#[test]
fn a_literal_that_does_not_fit_its_type_is_a_compile_error() {
    compile_error("let x: u8 = 200; x + 300", &["300", "u8"]);
    compile_error("128i8", &["128", "i8"]);
    compile_error("let b: u8 = -1; b", &["u8"]);
    compile_error("let x: u16 = 1; x + 70000", &["70000", "u16"]);
    compile_error("let x: u8 = 1; [x, 300]", &["300"]);
    compile_error("1e39f32", &[]);
    compile_error("let f: f32 = 1e39; f", &[]);
    compile_error("1e400", &[]);
}

#[test]
fn a_negative_literal_is_negated_before_its_range_check() {
    value("-128i8", "-128");
    value("let a: i8 = -128; a", "-128");
    value("-9223372036854775808", "-9223372036854775808");
}

#[test]
fn lossless_widening_is_implicit() {
    value("let a: i32 = 5; let b: i64 = 7; a + b", "12");
    value("let a: u8 = 200; let b: i16 = 1000; a + b", "1200");
    value(
        "let a: u32 = 4000000000; let b: i64 = 1; a + b",
        "4000000001",
    );
    value("let a: i16 = 3; let f: f32 = 0.5; a * f", "1.5");
    value("let a: f32 = 0.5; let b: f64 = 0.25; a + b", "0.75");
    value("let a: i32 = 7; let b: i64 = a; b", "7");
    value("x = 1i64; let s: i32 = 5; x = s; x", "5");
    value("let a: u8 = 1; let xs = [a, 1000i16]; xs", "[1, 1000]");
}

#[test]
fn lossy_mixes_are_compile_errors_with_a_hint() {
    compile_error("let a: i64 = 1; let b: u64 = 2; a + b", &["help"]);
    compile_error("let a: i64 = 2; a * 1.5", &[]);
    compile_error("let a: i8 = 1; let b: u8 = 1; a + b", &[]);
    compile_error("let a: u16 = 1; let b: i16 = 1; a + b", &[]);
    compile_error("let a: i32 = 1; let b: f32 = 1.0; a + b", &[]);
    compile_error("let x: f32 = 1.0f64; x", &[]);
    compile_error("x = 1; x = \"a\"; x", &[]);
}

#[test]
fn operators_reject_the_wrong_types() {
    compile_error("1 + true", &[]);
    compile_error("1 + \"a\"", &[]);
    compile_error("true < false", &[]);
    compile_error("not 1", &[]);
    compile_error("if(1, 2, 3)", &[]);
    compile_error("if(true, 1, \"a\")", &[]);
    value("true == true", "true");
    value("true != false", "true");
}

// ---------------------------------------------------------------------------------------
// Calls, overloads, recursion, scopes
// ---------------------------------------------------------------------------------------

#[test]
fn overloads_rank_literals_by_preference() {
    value(
        "fn f(_x: f32) -> string = \"f32\"; fn f(_x: f64) -> string = \"f64\"; f(1)",
        "f64",
    );
    value(
        "fn h(_x: i32) -> string = \"i32\"; fn h(_x: i64) -> string = \"i64\"; h(1) + h(1i32)",
        "i64i32",
    );
    value(
        "fn k(_x: i32) -> string = \"i32\"; fn k(_x: f64) -> string = \"f64\"; k(1) + k(1.0)",
        "i32f64",
    );
    value(
        "fn w(_x: i32) -> string = \"i32\"; fn w(_x: i64) -> string = \"i64\"; let a: i32 = 1; w(a)",
        "i32",
    );
    value(
        "fn m(_a: i64, _b: f64) -> string = \"A\"; fn m(_a: f64, _b: i64) -> string = \"B\"; m(1, 1.5)",
        "A",
    );
}

#[test]
fn a_tie_is_an_ambiguous_call() {
    compile_error(
        "fn g(x: i32) -> i32 = 1; fn g(x: u8) -> i32 = 2; g(1)",
        &["ambiguous", "error[E03"],
    );
    compile_error(
        "fn m(a: i64, b: f64) -> string = \"A\"; fn m(a: f64, b: i64) -> string = \"B\"; m(1, 1)",
        &["ambiguous"],
    );
}

#[test]
fn no_matching_overload_is_a_compile_error() {
    compile_error(
        "fn f(x: bool) -> i64 = 1; f(\"s\")",
        &["no matching overload", "error[E03"],
    );
    compile_error("fn f(x: i64) -> i64 = x; f(1, 2)", &["error[E03"]);
    compile_error("sqrt(\"4\")", &[]);
}

#[test]
fn defining_the_same_overload_twice_is_an_error() {
    compile_error(
        "fn f(x: i64) -> i64 = 1; fn f(x: i64) -> i64 = 2; f(1)",
        &[],
    );
}

#[test]
fn builtins_work_across_numeric_types() {
    value("abs(-3)", "3");
    value("abs(-2.5)", "2.5");
    value("let x: u8 = 7; max(x, 1) + 250", "1");
    value("min(2.5, 1)", "1.0");
    value("pow(2, 10)", "1024.0");
    value("sqrt(2f32)", "1.4142135");
    value("floor(-2.5) + ceil(2.1) + round(2.5) + trunc(-2.7)", "1.0");
    value("exp(0) + log(1) + log2(8) + log10(1000)", "7.0");
    value("sin(0) + cos(0) + tan(0)", "1.0");
}

#[test]
fn math_extras_for_f64_and_f32() {
    value("hypot(3, 4)", "5.0");
    value("hypot(3f32, 4f32)", "5.0");
    value("hypot(1e308, 1e308)", "1.4142135623730951e308");
    value("atan2(1, 1)", "0.7853981633974483");
    value("atan2(0, -1)", "3.141592653589793");
    value("atan2(1f32, -1f32)", "2.3561945");
    value("asin(1)", "1.5707963267948966");
    value("asin(2)", "NaN");
    value("acos(-1)", "3.141592653589793");
    value("atan(1)", "0.7853981633974483");
    value("sinh(1)", "1.1752011936438014");
    value("sinh(1000)", "inf");
    // Kiln's math is the `libm` crate's on every path (musl's cosh, 1 ulp from glibc's
    // 1.5430806348152437 here).
    value("cosh(1)", &format!("{:?}", libm::cosh(1.0)));
    value("cosh(-0.5f32)", "1.127626");
    value("tanh(1)", "0.7615941559557649");
    value("tanh(1f32)", "0.7615942");
    value("exp2(10)", "1024.0");
    value("exp2(0.5f32)", "1.4142135");
    value("cbrt(-27)", "-3.0");
    value("cbrt(2f32)", "1.2599211");
    value("asin(0.5f32) + acos(0.5f32)", "1.5707964");
    // Through a parameter, so nothing is folded at compile time.
    kiln(&[
        "eval",
        "--param",
        "x=3",
        "--",
        "param x: f32; [hypot(x, 4), atan2(x, 0), sinh(x), cbrt(-x), asin(x/4), acos(x/4), atan(x), cosh(x), tanh(x), exp2(x)]",
    ])
    .status(0)
    .stdout("[5.0, 1.5707964, 10.017875, -1.4422495, 0.8480621, 0.7227343, 1.2490457, 10.067662, 0.9950548, 8.0]\n");
    compile_error("hypot(1)", &[]);
    compile_error("cbrt(\"8\")", &[]);
}

#[test]
fn clamp_is_generic_over_every_numeric_type() {
    value("clamp(5, 0, 3)", "3");
    value("let x: u8 = 200; clamp(x, 10, 100) + 1", "101");
    value("clamp(-7i8, -5, 5)", "-5");
    value("clamp(-1.5, 0, 1)", "0.0");
    value("clamp(2.5f32, 0, 1)", "1.0");
    value("clamp(0.0 / 0.0, 0, 1)", "NaN");
    value("clamp(0.5, 0, 1)", "0.5");
}

#[test]
fn prelude_functions_written_in_kiln() {
    value("[sign(-5), sign(0), sign(7)]", "[-1, 0, 1]");
    value("let x: u8 = 3; sign(x)", "1");
    value("sign(-2.5)", "-1.0");
    value("sign(-0.0)", "-0.0");
    value("sign(0.0 / 0.0)", "NaN");
    value("sign(2.5f32)", "1.0");
    value("lerp(0, 10, 0.25)", "2.5");
    value("lerp(0f32, 10f32, 0.5f32)", "5.0");
    value("mean3(1, 2, 4)", "2.3333333333333335");
    value("[median3(3, 1, 2), median3(1, 1, 9)]", "[2, 1]");
    value("median3(3.5, 1, 2)", "2.0");
    // A user function replaces the prelude's of the same parameter types (W0003)...
    eval("fn sign(x: i64) -> i64 = x * 10; sign(-3)")
        .status(0)
        .stdout("-30\n")
        .stderr_has("warning[W0003]: `sign(i64)` replaces the prelude's");
    // ...and overloads it with other parameter types.
    value(
        "fn sign(s: string) -> string = s; [sign(\"a\"), string(sign(-3))]",
        "[\"a\", \"-1\"]",
    );
    // Errors in calls to prelude functions point at the program.
    compile_error(
        "sign(\"a\")",
        &["no matching overload", "sign(x: i64) -> i64"],
    );
    compile_error("sing(3)", &["did you mean", "`sign`"]);
}

#[test]
fn is_nan_and_is_inf_test_floats() {
    value("is_nan(0.0 / 0.0)", "true");
    value("is_nan(1)", "false");
    value("is_nan(sqrt(-1f32))", "true");
    value("is_inf(-1.0 / 0.0)", "true");
    value("is_inf(1e308 * 10)", "true");
    value("is_inf(1f32)", "false");
    value("is_inf(0.0 / 0.0)", "false");
    kiln(&[
        "eval",
        "--param",
        "x=0",
        "--",
        "param x: f64; [is_inf(1/x), is_nan(x/x), is_inf(-1/x), is_nan(asin(x+2)), is_inf(x)]",
    ])
    .status(0)
    .stdout("[true, true, true, true, false]\n");
    kiln(&[
        "eval",
        "--param",
        "x=3",
        "--",
        "param x: f32; [is_inf(x/0), is_nan(x - x)]",
    ])
    .status(0)
    .stdout("[true, false]\n");
}

#[test]
fn recursion_and_mutual_recursion() {
    value(
        "fn fact(n: i64) -> i64 = if(n <= 1, 1, n * fact(n - 1)); fact(20)",
        "2432902008176640000",
    );
    value(
        "fn even(n: i64) -> bool = if(n == 0, true, odd(n - 1));\n\
         fn odd(n: i64) -> bool = if(n == 0, false, even(n - 1));\n\
         string(even(10)) + \" \" + string(odd(7)) + \" \" + string(even(7))",
        "true true false",
    );
    value(
        "fn sum(n: i64) -> i64 = if(n == 0, 0, n + sum(n - 1)); sum(100000)",
        "5000050000",
    );
    value(
        "fn fib(n: i64) -> i64 = if(n < 2, n, fib(n - 1) + fib(n - 2)); fib(25)",
        "75025",
    );
}

#[test]
fn recursion_needs_a_return_type() {
    compile_error("fn f(n: i64) = if(n == 0, 0, f(n - 1)); f(3)", &[]);
    value("fn twice(n: i64) = n * 2; twice(21)", "42");
}

#[test]
fn let_shadows_and_blocks_scope() {
    value("let x = 1; let x = x + 1; x", "2");
    value(
        "let x = 1; let x = if(x == 1, \"one\", \"other\"); x",
        "one",
    );
    value("fn f(n: i64) -> i64 { let y = n * 2; y + 1 } f(20)", "41");
    compile_error("when true { let t = 1; } t", &["t"]);
    compile_error("when true { fresh = 1; } fresh", &["fresh"]);
    compile_error("fn f(n: i64) -> i64 { let y = n; y } y", &[]);
}

#[test]
fn functions_see_earlier_lets_but_not_mutable_variables() {
    value("let k = 10; fn f(x: i64) -> i64 = x + k; f(1)", "11");
    compile_error("fn f(x: i64) -> i64 = x + k; let k = 10; f(1)", &["k"]);
    compile_error("y = 5; fn f(x: i64) -> i64 = x + y; f(1)", &["y"]);
}

#[test]
fn strings_concatenate_and_compare_bytewise() {
    value("\"ab\" + \"cd\"", "abcd");
    value("\"Z\" < \"a\"", "true");
    value("\"abc\" < \"abd\"", "true");
    value("\"ab\" < \"abc\"", "true");
    value("\"b\" >= \"abc\"", "true");
    value("\"x\" == 'x'", "true");
    value(
        "string(42) + string(true) + string(2.0) + string([1, 2])",
        "42true2.0[1, 2]",
    );
}

#[test]
fn membership_with_in() {
    value("3 in [1, 2, 3]", "true");
    value("4 in [1, 2, 3]", "false");
    value("\"b\" in [\"a\", \"b\"]", "true");
    value("let x: u8 = 2; x in [1, 2]", "true");
}

#[test]
fn conversions_behave_like_rust_as() {
    value("i32(3.9)", "3");
    value("i64(-1.5)", "-1");
    value("u8(300)", "44");
    value("i8(200)", "-56");
    value("u8(-1)", "255");
    value("u8(1e10)", "255");
    value("i32(-1e20)", "-2147483648");
    value("i64(0.0 / 0.0)", "0");
    value("f64(7)", "7.0");
    value("f32(0.1)", "0.1");
    value("u64(-1)", "18446744073709551615");
    value("string(255u8)", "255");
}

#[test]
fn an_empty_list_needs_a_type() {
    compile_error("[]", &["cannot infer"]);
    value("let e: [i64] = []; e", "[]");
}

#[test]
fn deeply_nested_input_does_not_crash() {
    let depth = 3000;
    let code = format!("{}1{}", "(1 + ".repeat(depth), ")".repeat(depth));
    let run = eval(&code);
    // A nesting limit reported as a compile error would be fine; a crash would not.
    match run.status {
        Some(0) => assert_eq!(run.stdout, format!("{}\n", depth + 1)),
        Some(1) => assert!(run.stderr.contains("error["), "{run:?}"),
        _ => panic!("kiln crashed on deep nesting:\n{run:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// Display format
// ---------------------------------------------------------------------------------------

#[test]
fn floats_display_like_rust_debug() {
    value("2.0", "2.0");
    value("0.1", "0.1");
    value("0.1 + 0.2", "0.30000000000000004");
    value("1e300", "1e300");
    value("1e16", "1e16");
    value("1e15", "1000000000000000.0");
    value("1e-7", "1e-7");
    value("0.0 / 0.0", "NaN");
    value("1.0 / 0.0", "inf");
    value("-1.0 / 0.0", "-inf");
    value("-0.0", "-0.0");
    value("f32(0.1)", "0.1");
    value("0.1f32", "0.1");
    value("1.0f32 / 3.0f32", "0.33333334");
    value("1.0 / 3.0", "0.3333333333333333");
}

#[test]
fn scalars_display_plainly() {
    value("true", "true");
    value("false", "false");
    value("-42", "-42");
    value("18446744073709551615u64", "18446744073709551615");
    value("\"raw text, no quotes\"", "raw text, no quotes");
    prints("\"tab\\there\"", "tab\there\n");
}

#[test]
fn lists_display_with_quoted_strings() {
    value("[1, 2, 3]", "[1, 2, 3]");
    value("let e: [i64] = []; e", "[]");
    value(r#"["a", "b\n"]"#, r#"["a", "b\n"]"#);
    value(r#"["say \"hi\"", "it's"]"#, r#"["say \"hi\"", "it's"]"#);
    value("[1.0, 2.5]", "[1.0, 2.5]");
    value("[true, false]", "[true, false]");
    value("[0.1f32]", "[0.1]");
    value("let xs: [u8] = [255]; xs", "[255]");
}

#[test]
fn runaway_recursion_is_a_runtime_error_not_a_crash() {
    // Output printed before the fault stays written; the report points at the function.
    for level in ["-O0", "-O2"] {
        let code = "print(\"start\");\nfn down(n: i64) -> i64 = down(n + 1) + 1;\ndown(0)";
        let run = kiln(&["eval", level, code]);
        run.status(3).stdout("start\n").stderr_has("error[E0606]");
        assert_eq!(run.diag_at("<eval>", "E0606"), (2, 4), "{level}");
        // Mutual recursion is guarded too.
        kiln(&[
            "eval",
            level,
            "fn a(n: i64) -> i64 = b(n) + 1; fn b(n: i64) -> i64 = a(n) + 1; a(0)",
        ])
        .status(3)
        .stderr_has("error[E0606]");
    }
    // Deep but finite recursion still runs.
    value(
        "fn d(n: i64) -> i64 = if(n == 0, 0, 1 + d(n - 1)); d(200000)",
        "200000",
    );
}

// ---------------------------------------------------------------------------------------
// Diagnostics: the human and JSON formats, colour, --deny-warnings, explain
// ---------------------------------------------------------------------------------------

/// Every line of stderr parsed as one JSON diagnostic.
#[track_caller]
fn json_diagnostics(run: &Run) -> Vec<serde_json::Value> {
    assert!(!run.stderr.is_empty(), "no diagnostics:\n{run:?}");
    run.stderr
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not JSON ({e}): {line:?}\n{run:?}"))
        })
        .collect()
}

/// The checks every JSON diagnostic passes: its fields have their types, its primary span
/// comes first and names `file`, and its line and column agree with its byte offset.
#[track_caller]
fn check_json_shape(d: &serde_json::Value, file: &str, src: &str) {
    let code = d["code"].as_str().expect("a code");
    assert!(
        code.len() == 5 && (code.starts_with('E') || code.starts_with('W')),
        "{d}"
    );
    assert!(
        ["error", "warning"].contains(&d["severity"].as_str().unwrap()),
        "{d}"
    );
    assert!(!d["message"].as_str().expect("a message").is_empty(), "{d}");
    assert!(
        d["notes"]
            .as_array()
            .expect("notes")
            .iter()
            .all(|n| n.is_string()),
        "{d}"
    );
    assert!(d["help"].is_null() || d["help"].is_string(), "{d}");
    let spans = d["spans"].as_array().expect("spans");
    assert_eq!(spans[0]["is_primary"], true, "{d}");
    for (i, span) in spans.iter().enumerate() {
        assert_eq!(span["is_primary"], i == 0, "{d}");
        assert_eq!(span["file"], file, "{d}");
        assert!(span["label"].is_null() || span["label"].is_string(), "{d}");
        for (byte, line, col) in [
            ("byte_start", "line_start", "column_start"),
            ("byte_end", "line_end", "column_end"),
        ] {
            let at = span[byte].as_u64().expect("a byte offset") as usize;
            let before = &src[..at];
            let want_line = before.matches('\n').count() + 1;
            let want_col = before.rsplit('\n').next().unwrap().chars().count() + 1;
            assert_eq!(span[line].as_u64(), Some(want_line as u64), "{d}");
            assert_eq!(span[col].as_u64(), Some(want_col as u64), "{d}");
        }
        assert!(
            span["byte_start"].as_u64() <= span["byte_end"].as_u64(),
            "{d}"
        );
    }
}

#[test]
fn error_format_json_prints_one_object_per_diagnostic() {
    // A syntax error.
    let src = "let a = 1\nlet b = 2";
    let run = kiln(&["eval", "--error-format", "json", src]);
    run.status(1).stdout("");
    let ds = json_diagnostics(&run);
    assert_eq!(ds.len(), 1, "{run:?}");
    check_json_shape(&ds[0], "<eval>", src);
    assert_eq!(ds[0]["code"], "E0002");
    let primary = &ds[0]["spans"][0];
    assert_eq!(
        (&primary["byte_start"], &primary["byte_end"]),
        (&9.into(), &9.into())
    );
    assert_eq!(
        (&primary["line_start"], &primary["column_start"]),
        (&1.into(), &10.into())
    );
    assert_eq!(ds[0]["help"], "statements are separated by `;`");

    // A type error with secondary spans, a note and help, from a file.
    let src = "let a: i64 = 1;\nlet b: u64 = 2;\na + b\n";
    let file = temp_file("mix.expr", src);
    let run = kiln(&["check", path_str(&file), "--error-format=json"]);
    run.status(1);
    let ds = json_diagnostics(&run);
    assert_eq!(ds.len(), 1, "{run:?}");
    check_json_shape(&ds[0], path_str(&file), src);
    assert_eq!(ds[0]["code"], "E0202");
    assert_eq!(ds[0]["severity"], "error");
    assert_eq!(ds[0]["spans"][0]["line_start"], 3);
    assert_eq!(ds[0]["spans"].as_array().unwrap().len(), 3);
    assert_eq!(ds[0]["spans"][1]["label"], "this is i64");
    assert!(!ds[0]["notes"].as_array().unwrap().is_empty());
    assert!(ds[0]["help"].as_str().unwrap().contains("i64(...)"));

    // Several errors at once, in source order.
    let src = "let a = 1 + true;\nlet b = nope;\n\"x\" - 1";
    let run = kiln(&["--error-format", "json", "eval", src]);
    run.status(1);
    let ds = json_diagnostics(&run);
    let lines: Vec<_> = ds
        .iter()
        .map(|d| d["spans"][0]["line_start"].clone())
        .collect();
    assert_eq!(lines, [1, 2, 3], "{run:?}");
    assert_eq!(ds[1]["code"], "E0101");
    assert_eq!(ds[1]["spans"][0]["label"], "not found in this scope");
    for d in &ds {
        check_json_shape(d, "<eval>", src);
    }

    // A runtime error: what `print` wrote stays on stdout.
    let src = "print(\"é\");\nfn div(a: i64, b: i64) -> i64 = a / b;\n  div(1, 0)";
    let run = kiln(&["eval", "--error-format", "json", src]);
    run.status(3).stdout("é\n");
    let ds = json_diagnostics(&run);
    assert_eq!(ds.len(), 1, "{run:?}");
    check_json_shape(&ds[0], "<eval>", src);
    assert_eq!(ds[0]["code"], "E0601");
    assert_eq!(ds[0]["spans"][0]["line_start"], 2);
    assert_eq!(ds[0]["spans"][0]["label"], "the divisor is zero");
}

#[test]
fn the_human_format_draws_the_excerpt_labels_notes_and_help() {
    let file = temp_file("human.expr", "let a: i64 = 1;\nlet b: u64 = 2;\na + b\n");
    let name = path_str(&file);
    let run = kiln(&["check", name]);
    run.status(1);
    let want = format!(
        "\
error[E0202]: cannot mix i64 and u64 in `+`
   ╭─[ {name}:3:3 ]
   │
 3 │ a + b
   │ ┬ ┬ ┬
   │ │ │ ╰── this is u64
   │ │ │
   │ │ ╰──── cannot mix i64 and u64 in `+`
   │ │
   │ ╰────── this is i64
   │
   │ note: numbers convert implicitly only where no value can be lost
   │ help: convert one side explicitly, e.g. `i64(...)` around the u64 operand
───╯
"
    );
    assert_eq!(run.stderr, want);
}

#[test]
fn a_point_at_the_end_of_the_input_renders() {
    for (code, at) in [
        ("let a = 1 +", (1, 12)),
        ("(1 + 2", (1, 7)),
        ("1 +\n", (2, 1)),
    ] {
        let run = eval(code);
        run.status(1);
        assert_eq!(run.diag_at("<eval>", run.error_code()), at, "{code:?}");
    }
    let run = eval("let a = 1\nlet b = 2");
    assert_eq!(run.diag_at("<eval>", "E0002"), (1, 10));
    run.stderr_has("add `;` here");
}

#[test]
fn colour_only_on_request_or_on_a_terminal_without_no_color() {
    let bad = "1 + true";
    let plain = kiln(&["eval", bad]);
    assert!(
        !plain.stderr.contains('\x1b'),
        "piped stderr is plain:\n{plain:?}"
    );
    let always = kiln(&["eval", "--color", "always", bad]);
    always.status(1).stderr_has("\x1b[1;31merror[E0201]\x1b[0m");
    let never = kiln(&["--color=never", "eval", bad]);
    assert_eq!(never.stderr, plain.stderr);
    // NO_COLOR does not override an explicit `--color always`.
    let forced = run(
        kiln_command()
            .args(["eval", "--color", "always", bad])
            .env("NO_COLOR", "1"),
        None,
    );
    assert_eq!(forced.stderr, always.stderr);
    kiln(&["eval", "--color", "sometimes", "1"]).status(2);

    // On a terminal, `auto` colours unless NO_COLOR is set and not empty.
    let script_works = Command::new("script")
        .args(["-qec", "true", "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success());
    if !script_works {
        eprintln!("skipped the terminal half: `script` cannot run a pseudo-terminal here");
        return;
    }
    let on_terminal = |no_color: Option<&str>| {
        let shell = format!("{} eval '{bad}'", env!("CARGO_BIN_EXE_kiln"));
        let mut command = Command::new("script");
        command
            .args(["-qec", &shell, "/dev/null"])
            .env_remove("NO_COLOR");
        if let Some(value) = no_color {
            command.env("NO_COLOR", value);
        }
        run(&mut command, None).stdout
    };
    assert!(on_terminal(None).contains("\x1b[1;31merror[E0201]"));
    assert!(on_terminal(Some("")).contains("\x1b[1;31merror[E0201]"));
    let muted = on_terminal(Some("1"));
    assert!(
        muted.contains("error[E0201]") && !muted.contains('\x1b'),
        "{muted:?}"
    );
}

#[test]
fn deny_warnings_is_accepted_everywhere_and_keeps_a_clean_program_running() {
    // The checker reports no warnings yet; the promotion itself is unit-tested in
    // src/cli/mod.rs. A program without warnings runs as before.
    kiln(&["eval", "--deny-warnings", "1 + 2"])
        .status(0)
        .stdout("3\n");
    let file = temp_file("clean.expr", "let a = 1;\na + 1\n");
    kiln(&["--deny-warnings", "check", path_str(&file)])
        .status(0)
        .stderr_empty();
    kiln(&[
        "build",
        path_str(&file),
        "--emit",
        "llvm-ir",
        "--deny-warnings",
    ])
    .status(0);
}

#[test]
fn explain_prints_a_code_case_insensitively() {
    let run = kiln(&["explain", "E0203"]);
    run.status(0).stderr_empty();
    assert!(
        run.stdout.starts_with("E0203: literal out of range\n"),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("    let x: u8 = 200;\n    x + 300\n"),
        "{run:?}"
    );
    kiln(&["explain", "e0203"]).status(0).stdout(&run.stdout);
    kiln(&["explain", "0203"]).status(0).stdout(&run.stdout);
    kiln(&["explain", "w0001"]).status(0);
}

#[test]
fn explain_without_a_code_lists_every_code_with_its_title() {
    let run = kiln(&["explain"]);
    run.status(0).stderr_empty();
    for code in ["E0001", "E0203", "E0601", "E0705", "W0001"] {
        let title = kiln(&["explain", code]).stdout;
        let title = title.lines().next().unwrap().split_once(": ").unwrap().1;
        assert!(
            run.stdout.contains(&format!("  {code}  {title}\n")),
            "{code} {title}:\n{run:?}"
        );
    }
    assert!(run.stdout.contains("E07xx  input data"), "{run:?}");
    // The help says the code is optional, as it is.
    let help = kiln(&["explain", "--help"]).stdout;
    assert!(help.contains("[CODE]"), "{help}");
}

#[test]
fn explain_an_unknown_code_lists_the_nearest_codes_and_exits_2() {
    let run = kiln(&["explain", "E0210"]);
    run.status(2)
        .stdout("")
        .stderr_has("`E0210` is not a Kiln diagnostic code")
        .stderr_has("E0209")
        .stderr_has("E0211")
        .stderr_has("E02xx");
    kiln(&["explain", "nonsense"]).status(2).stderr_has("E06xx");
}

#[test]
fn stdlib_doc_says_what_bool_of_a_bool_does() {
    let run = kiln(&["stdlib-doc"]);
    run.status(0);
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("- `bool(bool) -> bool`"))
        .unwrap_or_else(|| panic!("no bool(bool) entry:\n{run:?}"));
    assert!(!line.contains("false is 0"), "{line}");
    assert!(line.contains("the same value"), "{line}");
    assert!(run
        .stdout
        .contains("- `i64(bool) -> i64` — false is 0, true is 1"));
}

#[test]
fn stdlib_doc_is_docs_stdlib_md() {
    let run = kiln(&["stdlib-doc"]);
    run.status(0);
    let committed = std::fs::read_to_string(common::root().join("docs/stdlib.md")).unwrap();
    assert!(
        run.stdout == committed,
        "docs/stdlib.md is out of date: cargo run --quiet -- stdlib-doc > docs/stdlib.md"
    );
}

#[test]
fn explain_markdown_is_docs_errors_md() {
    let run = kiln(&["explain", "--markdown"]);
    run.status(0);
    let committed = std::fs::read_to_string(common::root().join("docs/errors.md")).unwrap();
    assert!(
        run.stdout == committed,
        "docs/errors.md is out of date: cargo run --quiet -- explain --markdown > docs/errors.md"
    );
}

// ---- standard library: strings and lists ------------------------------------------------

#[test]
fn string_and_list_functions_from_the_command_line() {
    value("len(\"héllo\")", "5");
    value("upper(\"straße\")", "STRASSE");
    value("join(split(\"a,b,c\", \",\"), \"+\")", "a+b+c");
    value("sort_desc(unique([3, 1, 3, 2]))", "[3, 2, 1]");
    value(
        "let xs = [1.0, 4.0, 9.0]; avg(sqrt(xs[0]) * xs)",
        "4.666666666666667",
    );
    value("median([4, 1, 3, 2])", "2.5");
    prints("print(sum([1, 2]) * 2)", "6\n6\n");
}

#[test]
fn list_params_feed_the_library_and_element_wise_operators() {
    kiln(&[
        "eval",
        "param xs: [f64]; param ys: [f64]; sum(xs * 2.0 + ys)",
        "--param",
        "xs=[1, 2, 3]",
        "--param",
        "ys=[10, 20, 30]",
    ])
    .status(0)
    .stderr_empty()
    .stdout("72.0\n");
}

#[test]
fn library_runtime_errors_point_at_the_call() {
    runtime_error("let e: [i64] = [];\nmax(e)", "E0608").stderr_has("`max` of an empty list");
    runtime_error("[1, 2] * [1, 2, 3]", "E0607").stderr_has("list lengths differ: 2 and 3");
    runtime_error("first(slice([1, 2], 1, 1))", "E0608");
    runtime_error("repeat(\"ab\", 1000000000)", "E0609");
}

// ---------------------------------------------------------------------------------------
// --overflow
// ---------------------------------------------------------------------------------------

#[test]
fn overflow_wraps_by_default_and_traps_with_overflow_trap() {
    let code = "let x: i8 = 100; print(x + 27); x + 28";
    prints(code, "127\n-128\n");
    let trap = kiln(&["eval", "--overflow", "trap", code]);
    trap.status(3)
        .stdout("127\n")
        .stderr_has("error[E0617]: integer overflow");
    trap.diag_at("<eval>", "E0617");
    kiln(&["eval", "--overflow", "wrap", code])
        .status(0)
        .stdout("127\n-128\n");
    let bad = kiln(&["eval", "--overflow", "saturate", code]);
    bad.status(2).stderr_has("saturate");
}

#[test]
fn run_and_map_take_overflow_trap() {
    let prog = temp_file("prog.expr", "param a: u8; param b: u8; a * b");
    let path = path_str(&prog);
    kiln(&["run", path, "-p", "a=16", "-p", "b=16"])
        .status(0)
        .stdout("0\n");
    let trapped = kiln(&[
        "run",
        path,
        "-p",
        "a=16",
        "-p",
        "b=16",
        "--overflow",
        "trap",
    ]);
    trapped.status(3).stderr_has("error[E0617]");
    // The cache keeps the two compilations apart: wrapping again after trapping.
    kiln(&["run", path, "-p", "a=16", "-p", "b=16"])
        .status(0)
        .stdout("0\n");
    let data = temp_file("data.csv", "a,b\n2,3\n16,16\n");
    let wrapped = kiln(&["map", path, path_str(&data)]);
    wrapped.status(0).stdout("a,b,result\n2,3,6\n16,16,0\n");
    let mapped = kiln(&["map", path, path_str(&data), "--overflow", "trap"]);
    mapped.status(3).stderr_has("E0617");
}

#[test]
fn timeout_stops_a_long_run_with_e0611_and_exit_status_3() {
    let forever = "fn fib(n: i64) -> i64 = if(n < 2, n, fib(n - 1) + fib(n - 2)); fib(90)";
    let start = std::time::Instant::now();
    kiln(&["eval", "--timeout", "0.05", "--", forever])
        .status(3)
        .stderr_has("error[E0611]: the run was interrupted")
        .stderr_has("the run was interrupted here");
    assert!(start.elapsed() < std::time::Duration::from_secs(30));
    // A run that finishes in time is untouched; `kiln run` takes the option too.
    kiln(&["eval", "--timeout", "30", "1 + 2"])
        .status(0)
        .stdout("3\n");
    let file = temp_file("timeout.expr", forever);
    kiln(&["run", "--timeout", ".05", path_str(&file.path)])
        .status(3)
        .stderr_has("E0611");
    kiln(&["eval", "--timeout", "soon", "1"])
        .status(2)
        .stderr_has("not a number of seconds");
}

#[test]
fn max_memory_stops_a_runaway_list_with_e0616_and_exit_status_3() {
    let grow = "fn grow(xs: [i64], n: i64) -> i64 = \
        if(n == 0, len(xs), grow(concat(xs, xs), n - 1)); grow([1, 2, 3, 4], 50)";
    kiln(&["eval", "--max-memory", "1MiB", "--", grow])
        .status(3)
        .stderr_has("error[E0616]")
        .stderr_has("memory limit of 1048576 bytes");
    kiln(&[
        "eval",
        "--max-memory",
        "4096",
        "len(repeat(\"ab\", 100000))",
    ])
    .status(3)
    .stderr_has("E0616");
    kiln(&[
        "eval",
        "--max-memory",
        "2GiB",
        "len(repeat(\"ab\", 100000))",
    ])
    .status(0)
    .stdout("200000\n");
    for garbage in ["lots", "12XB", "-5", ""] {
        kiln(&["eval", &format!("--max-memory={garbage}"), "1"])
            .status(2)
            .stderr_has("--max-memory");
    }
}

/// Issue 13's typing points from the command line, on the JIT and the interpreter.
#[test]
fn literal_context_joins_indices_and_variadic_min_max_from_the_command_line() {
    value("let x: i32 = 5; x / 2.0", "2.5");
    value("let x: u8 = 5; x * 1.5", "7.5");
    compile_error("let x: i64 = 5; x * 1.5", &["E0202", "f64(...)"]);
    value("fn f() -> u32 { 10 } f()", "10");
    value("[1.5, 2u8, 3.0f64]", "[1.5, 2.0, 3.0]");
    value("[3.0f64, 2u8, 1.5]", "[3.0, 2.0, 1.5]");
    value("let xs: [u8] = [200, 1] + [100, 1]; xs", "[44, 2]");
    value("let xs = [1, 2, 3]; xs[2u64]", "3");
    let run = runtime_error("let xs = [1, 2, 3];\nxs[18446744073709551615u64]", "E0603");
    run.stderr_has("index 18446744073709551615 is out of bounds for a list of length 3");
    value("max(1u8, 2, 3)", "3");
    value(
        "let n = 0.0 / 0.0; [min(n, 2.0, -0.0, 0.0), max(n, n, n)]",
        "[-0.0, NaN]",
    );
}

// ---------------------------------------------------------------------------------------
// kiln sql: the kiln-sql program
// ---------------------------------------------------------------------------------------

/// `kiln` linked (or copied) alone into a scratch directory, so nothing is beside it.
#[cfg(unix)]
fn lone_kiln(label: &str) -> (ScratchDir, PathBuf) {
    let dir = scratch_dir(label);
    let exe = dir.join("kiln");
    if std::fs::hard_link(env!("CARGO_BIN_EXE_kiln"), &exe).is_err() {
        std::fs::copy(env!("CARGO_BIN_EXE_kiln"), &exe).unwrap();
    }
    (dir, exe)
}

#[cfg(unix)]
#[test]
fn kiln_sql_runs_kiln_sql_from_path_with_the_arguments_as_they_are() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, exe) = lone_kiln("sql-on-path");
    let bin = dir.join("bin");
    std::fs::create_dir(&bin).unwrap();
    let fake = bin.join("kiln-sql");
    std::fs::write(&fake, "#!/bin/sh\nprintf '%s|' \"$@\"\nexit 5\n").unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut command = Command::new(&exe);
    command
        .args([
            "sql", "SELECT 1", "--udf", "f=f.expr", "-o", "out.csv", "--help",
        ])
        .env("PATH", &bin);
    run(&mut command, None)
        .status(5)
        .stdout("SELECT 1|--udf|f=f.expr|-o|out.csv|--help|");
}

#[cfg(unix)]
#[test]
fn kiln_sql_without_kiln_sql_says_how_to_build_it() {
    let (dir, exe) = lone_kiln("sql-missing");
    let mut command = Command::new(&exe);
    command
        .args(["sql", "SELECT 1"])
        .env("PATH", dir.join("nowhere"));
    run(&mut command, None)
        .status(2)
        .stdout("")
        .stderr_has("`kiln sql` runs the `kiln-sql` program, which was not found")
        .stderr_has("cargo build --release -p kiln-datafusion --bin kiln-sql");
}

/// `kiln lsp` speaks LSP on standard input and output: the handshake, diagnostics of an
/// opened document, a hover, then `shutdown` and `exit` end it with status 0.
#[test]
fn lsp_serves_over_stdio_until_shutdown_and_exit() {
    use lsp_server::{Message, Notification, Request};
    use std::io::BufReader;
    let mut child = kiln_command()
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut send = |m: Message| m.write(&mut stdin).unwrap();
    let json = |s: &str| -> serde_json::Value { serde_json::from_str(s).unwrap() };
    send(
        Request::new(
            1.into(),
            "initialize".into(),
            json(r#"{"capabilities":{}}"#),
        )
        .into(),
    );
    send(Notification::new("initialized".into(), json("{}")).into());
    let open = r#"{"textDocument":{"uri":"file:///t.expr","languageId":"kiln","version":1,
                   "text":"let x = 1;\nx + true"}}"#;
    send(Notification::new("textDocument/didOpen".into(), json(open)).into());
    let hover = r#"{"textDocument":{"uri":"file:///t.expr"},"position":{"line":1,"character":0}}"#;
    send(Request::new(2.into(), "textDocument/hover".into(), json(hover)).into());
    send(Request::new(3.into(), "shutdown".into(), serde_json::Value::Null).into());
    send(Notification::new("exit".into(), serde_json::Value::Null).into());
    drop(stdin);
    let mut seen = Vec::new();
    while let Some(msg) = Message::read(&mut stdout).unwrap() {
        seen.push(msg);
    }
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{seen:?}");
    let response = |id: i32| {
        seen.iter()
            .find_map(|m| match m {
                Message::Response(r) if r.id == id.into() => Some(r.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no response {id}: {seen:?}"))
    };
    let init = response(1).response_result.unwrap();
    assert_eq!(init["capabilities"]["hoverProvider"], true);
    let hover = response(2).response_result.unwrap();
    assert!(
        hover["contents"]["value"].as_str().unwrap().contains("i64"),
        "{hover}"
    );
    assert!(response(3).response_result.is_ok());
    let diags = seen
        .iter()
        .find_map(|m| match m {
            Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => {
                Some(n.params.clone())
            }
            _ => None,
        })
        .expect("diagnostics");
    assert!(
        !diags["diagnostics"].as_array().unwrap().is_empty(),
        "{diags}"
    );
}

// ---------------------------------------------------------------------------------------
// kiln fmt
// ---------------------------------------------------------------------------------------

const UNFORMATTED: &str = "// sum\nlet x=1+2 ;  // three\n\n\n\nx*2";
const FORMATTED: &str = "// sum\nlet x = 1 + 2;  // three\n\nx * 2\n";

#[test]
fn fmt_check_lists_a_file_that_would_change_and_leaves_it() {
    let file = temp_file("messy.expr", UNFORMATTED);
    let path = file.path.to_str().unwrap();
    kiln(&["fmt", "--check", path])
        .status(1)
        .stdout(&format!("{path}\n"));
    assert_eq!(std::fs::read_to_string(&file.path).unwrap(), UNFORMATTED);
}

#[test]
fn fmt_check_passes_a_formatted_file() {
    let file = temp_file("tidy.expr", FORMATTED);
    kiln(&["fmt", "--check", file.path.to_str().unwrap()])
        .status(0)
        .stdout("");
}

#[test]
fn fmt_rewrites_a_file_in_place() {
    let file = temp_file("messy.expr", UNFORMATTED);
    kiln(&["fmt", file.path.to_str().unwrap()])
        .status(0)
        .stdout("");
    assert_eq!(std::fs::read_to_string(&file.path).unwrap(), FORMATTED);
    // The second time there is nothing to do.
    kiln(&["fmt", "--check", file.path.to_str().unwrap()]).status(0);
}

#[test]
fn fmt_formats_standard_input_to_standard_output() {
    kiln_with_stdin(&["fmt"], Some(UNFORMATTED))
        .status(0)
        .stdout(FORMATTED);
    kiln_with_stdin(&["fmt", "--check"], Some(UNFORMATTED))
        .status(1)
        .stdout("<stdin>\n");
}

#[test]
fn fmt_reports_a_file_that_does_not_parse_and_leaves_it() {
    let broken = "let = 1;\n";
    let file = temp_file("broken.expr", broken);
    kiln(&["fmt", "--color", "never", file.path.to_str().unwrap()])
        .status(1)
        .stdout("")
        .stderr_has("broken.expr:1:");
    assert_eq!(std::fs::read_to_string(&file.path).unwrap(), broken);
}
