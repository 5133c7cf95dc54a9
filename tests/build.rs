//! `kiln build --emit llvm-ir|llvm-bc|asm|obj|exe`, through the real binary: the outputs
//! are checked by the LLVM tools (`llvm-as-19`, `llc-19`, `llvm-dis-19`,
//! `llvm-objdump-19`) and the C compiler, and every example run under `lli-19 -load
//! libkiln_runtime.so` and as an executable must print what `kiln run` prints and exit
//! with its status.
//!
//! The tools are required (CI installs LLVM 19 and has `cc`): a missing one fails loudly.

mod common;

use common::{kiln_command, root, run, scratch_dir, Run, ScratchDir};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `kiln build ARGS...` in `dir`.
fn build_in(dir: &Path, args: &[&str]) -> Run {
    run(
        kiln_command().current_dir(dir).arg("build").args(args),
        None,
    )
}

/// Run an external tool; it must exist.
fn tool(program: &str, args: &[&str], dir: &Path) -> Run {
    run(Command::new(program).current_dir(dir).args(args), None)
}

/// A tool run that succeeded silently (no warnings); its stdout.
fn quiet_ok(what: Run, label: &str) -> String {
    assert_eq!(what.status, Some(0), "{label}: {what:?}");
    assert_eq!(what.stderr, "", "{label} printed warnings: {what:?}");
    what.stdout
}

/// `dir/NAME` with `text` in it; its path.
fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).expect("write a test file");
    path
}

const SQUARE: &str =
    "param x: i64;\nfn sq(n: i64) -> i64 = n * n;\nprint(\"square\");\nsq(x) + 1\n";

/// `kiln build` of `text` saved as `prog.expr` in a new directory, with `args`; must
/// succeed. The directory and the run.
fn built(label: &str, text: &str, args: &[&str]) -> (ScratchDir, Run) {
    let dir = scratch_dir(label);
    write(&dir, "prog.expr", text);
    let mut all = vec!["prog.expr"];
    all.extend_from_slice(args);
    let made = build_in(&dir, &all);
    assert_eq!(made.status, Some(0), "kiln build {all:?}: {made:?}");
    (dir, made)
}

/// LLVM's default target triple, as `llc-19 --version` reports it.
fn host_triple() -> String {
    let version = quiet_ok(
        tool("llc-19", &["--version"], Path::new(".")),
        "llc-19 --version",
    );
    version
        .lines()
        .find_map(|l| l.trim().strip_prefix("Default target: "))
        .expect("llc-19 names its default target")
        .to_owned()
}

// ---------------------------------------------------------------------------------------
// Each output kind, checked by the tools
// ---------------------------------------------------------------------------------------

#[test]
fn llvm_ir_is_accepted_by_llvm_as_and_llc_and_names_the_host() {
    let (dir, made) = built("ir", SQUARE, &["--emit", "llvm-ir", "-o", "prog.ll"]);
    assert_eq!(made.stdout, "", "{made:?}");
    let ir = fs::read_to_string(dir.join("prog.ll")).expect("prog.ll was written");
    assert!(
        ir.contains(&format!("target triple = \"{}\"", host_triple())),
        "{ir}"
    );
    assert!(ir.contains("target datalayout = \""), "{ir}");
    assert!(ir.contains("@kiln_main(") && ir.contains("@main("), "{ir}");
    quiet_ok(
        tool("llvm-as-19", &["prog.ll", "-o", "as.bc"], &dir),
        "llvm-as-19",
    );
    quiet_ok(tool("llc-19", &["prog.ll", "-o", "llc.s"], &dir), "llc-19");
    // Without -o the IR goes to standard output, with nothing on stderr.
    let piped = build_in(&dir, &["prog.expr", "--emit", "llvm-ir", "-O0"]);
    assert_eq!(
        (piped.status, piped.stderr.as_str()),
        (Some(0), ""),
        "{piped:?}"
    );
    assert!(piped.stdout.contains("define i32 @main("), "{piped:?}");
}

#[test]
fn llvm_bitcode_disassembles_to_ir_for_the_host() {
    // Without -o: `prog.bc` in the current directory.
    let (dir, made) = built("bc", SQUARE, &["--emit", "llvm-bc", "-O3"]);
    assert_eq!(made.stdout, "", "{made:?}");
    let bc = fs::read(dir.join("prog.bc")).expect("prog.bc was written");
    assert!(bc.starts_with(b"BC\xC0\xDE"), "not bitcode");
    let ir = quiet_ok(
        tool("llvm-dis-19", &["prog.bc", "-o", "-"], &dir),
        "llvm-dis-19",
    );
    assert!(
        ir.contains(&format!("target triple = \"{}\"", host_triple())),
        "{ir}"
    );
    assert!(ir.contains("define i64 @kiln_main("), "{ir}");
    assert!(ir.contains("@main("), "{ir}");
}

#[test]
fn asm_has_the_entry_points_and_assembles() {
    let (dir, made) = built("asm", SQUARE, &["--emit", "asm"]);
    let asm = made.stdout;
    for needle in [
        "kiln_main:",
        "main:",
        "\t.text",
        ".globl\tkiln_main",
        ".globl\tmain",
    ] {
        assert!(asm.contains(needle), "no {needle:?} in:\n{asm}");
    }
    write(&dir, "prog.s", &asm);
    quiet_ok(
        tool("cc", &["-c", "prog.s", "-o", "prog.o"], &dir),
        "cc -c prog.s",
    );
}

#[test]
fn obj_is_an_object_with_kiln_main_and_main_and_says_how_to_link_it() {
    let (dir, made) = built("obj", SQUARE, &["--emit", "obj", "-O1"]);
    assert!(dir.join("prog.o").is_file(), "prog.o was not written");
    let dump = quiet_ok(
        tool("llvm-objdump-19", &["-d", "prog.o"], &dir),
        "llvm-objdump-19",
    );
    assert!(dump.contains("<kiln_main>:"), "{dump}");
    assert!(dump.contains("<main>:"), "{dump}");
    // The hint is a link command that works.
    let line = made
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("link it with: "))
        .unwrap_or_else(|| panic!("no link hint: {made:?}"));
    let words: Vec<&str> = line.split_whitespace().collect();
    quiet_ok(tool(words[0], &words[1..], &dir), "the link hint");
    let prog = run(
        Command::new(dir.join("prog")).args(["--param", "x=4"]),
        None,
    );
    assert_eq!(
        (prog.status, prog.stdout.as_str()),
        (Some(0), "square\n17\n"),
        "{prog:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Every example under lli and as an executable, compared with `kiln run`
// ---------------------------------------------------------------------------------------

/// Every `examples/*.expr` with its extra arguments (`.args`).
fn examples() -> Vec<(PathBuf, Vec<String>)> {
    let mut found: Vec<PathBuf> = fs::read_dir(root().join("examples"))
        .expect("examples/ is readable")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "expr"))
        .collect();
    found.sort();
    assert!(found.len() >= 12, "examples missing: {found:?}");
    found
        .into_iter()
        .map(|p| {
            let args = fs::read_to_string(p.with_extension("args")).unwrap_or_default();
            let args = args.split_whitespace().map(str::to_owned).collect();
            (p, args)
        })
        .collect()
}

/// `kiln run PROGRAM ARGS`.
fn kiln_run(program: &Path, args: &[String]) -> Run {
    run(kiln_command().arg("run").arg(program).args(args), None)
}

/// Build `program` to IR in `dir` and run it with the exact command `kiln build` printed.
fn through_lli(dir: &Path, program: &Path, args: &[String]) -> Run {
    let ll = dir.join(format!("{}.ll", stem(program)));
    let made = run(
        kiln_command()
            .arg("build")
            .arg(program)
            .args(["--emit", "llvm-ir", "-o"])
            .arg(&ll),
        None,
    );
    assert_eq!(made.status, Some(0), "{}: {made:?}", program.display());
    let line = made
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("run it with: "))
        .unwrap_or_else(|| panic!("no lli hint: {made:?}"));
    // The hint ends with a `--param NAME=VALUE` template per param: replace those.
    let words: Vec<&str> = line
        .split_whitespace()
        .take_while(|w| *w != "--param")
        .collect();
    assert!(words[0].starts_with("lli"), "{line}");
    assert!(Path::new(words[2]).is_absolute(), "{line}");
    run(Command::new(words[0]).args(&words[1..]).args(args), None)
}

/// Build `program` to an executable in `dir` and run it with an empty environment.
fn through_exe(dir: &Path, program: &Path, args: &[String]) -> Run {
    let exe = dir.join(stem(program));
    let made = run(
        kiln_command()
            .arg("build")
            .arg(program)
            .args(["--emit", "exe", "-o"])
            .arg(&exe),
        None,
    );
    assert_eq!(made.status, Some(0), "{}: {made:?}", program.display());
    assert_eq!(made.stderr, "", "{made:?}");
    run(Command::new(&exe).env_clear().args(args), None)
}

fn stem(program: &Path) -> String {
    program
        .file_stem()
        .expect("a file name")
        .to_string_lossy()
        .into_owned()
}

/// Differences between `got` and `kiln run`'s `want` (stdout and status; stderr must be
/// empty when the run succeeded).
fn compare(label: &str, program: &Path, want: &Run, got: &Run) -> Option<String> {
    let same = got.stdout == want.stdout
        && got.status == want.status
        && (want.status != Some(0) || got.stderr.is_empty());
    (!same).then(|| {
        format!(
            "{label} {}:\nkiln run: {want:?}\n{label}: {got:?}",
            program.display()
        )
    })
}

fn every_example_through(label: &str, way: fn(&Path, &Path, &[String]) -> Run) {
    let dir = scratch_dir(label);
    let mut failures = Vec::new();
    for (program, args) in examples() {
        let want = kiln_run(&program, &args);
        assert_eq!(want.status, Some(0), "{want:?}");
        let got = way(&dir, &program, &args);
        failures.extend(compare(label, &program, &want, &got));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Math a C library may round differently, and float orderings LLVM may choose freely,
/// print the same bits under `kiln run` at -O0 and -O2, under `lli` and as an
/// executable (issue 12: `cbrt(493.93)` differed in its last digit under `lli`, and
/// `max([-0.0, 0.0])` between -O0 and -O2).
#[test]
fn math_and_float_order_are_bit_identical_on_every_path() {
    let dir = scratch_dir("math");
    let program = write(
        &dir,
        "math.expr",
        "param x: f64;\n\
         let inf = 1.0 / 0.0;\n\
         let nan = 0.0 / 0.0;\n\
         print([cbrt(x), sin(x * 1e15), cos(x), tan(x), exp(x / 100.0), exp2(x / 50.0)]);\n\
         print([log(x), log2(x), log10(x), pow(x, 1.37), hypot(x, 3.3), atan2(x, -2.0)]);\n\
         print([asin(0.3), acos(-0.7), atan(x), sinh(3.1), cosh(-2.2), tanh(0.55)]);\n\
         print([cbrt(f32(x)), sin(f32(x)), pow(f32(x), 0.3f32), exp(f32(x) / 100.0f32)]);\n\
         print([max([-0.0, 0.0]), min([0.0, -0.0]), max(0.0, -0.0), min(-0.0, 0.0)]);\n\
         print([1.0 / min([0.0, -0.0]), min(nan, 2.0), max([nan, 1.0, nan])]);\n\
         print(sort([0.0, nan, -0.0, -1.0]));\n\
         print([median([-inf, 0.0]), median([inf, inf, 0.0, 1.0])]);\n\
         median([1.7976931348623157e308, 1.7976931348623157e308])\n",
    );
    let args = ["--param".to_owned(), "x=493.93".to_owned()];
    let want = kiln_run(&program, &args);
    assert_eq!(want.status, Some(0), "{want:?}");
    // The contract's rules, spelt out once.
    let lines: Vec<&str> = want.stdout.lines().collect();
    assert!(
        lines[0].starts_with("[7.9047559889542764, "),
        "{}",
        lines[0]
    );
    assert_eq!(lines[4], "[0.0, -0.0, 0.0, -0.0]");
    assert_eq!(lines[5], "[-inf, 2.0, 1.0]");
    assert_eq!(lines[6], "[-1.0, -0.0, 0.0, NaN]");
    assert_eq!(lines[7], "[-inf, inf]");
    assert_eq!(lines[8], "1.7976931348623157e308");
    let mut failures = Vec::new();
    let o0 = run(
        kiln_command()
            .args(["run", "-O0", "--no-cache"])
            .arg(&program)
            .args(&args),
        None,
    );
    failures.extend(compare("-O0", &program, &want, &o0));
    failures.extend(compare(
        "lli",
        &program,
        &want,
        &through_lli(&dir, &program, &args),
    ));
    failures.extend(compare(
        "exe",
        &program,
        &want,
        &through_exe(&dir, &program, &args),
    ));
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_example_runs_under_lli_as_kiln_run_runs_it() {
    every_example_through("lli", through_lli);
}

#[test]
fn every_example_runs_as_an_executable_as_kiln_run_runs_it() {
    every_example_through("exe", through_exe);
}

#[test]
fn a_runtime_error_exits_3_under_lli_and_as_an_executable() {
    let dir = scratch_dir("fault");
    let program = write(
        &dir,
        "fault.expr",
        "fn z(x: i64) -> i64 = x - x;\nprint(\"before\");\n10 / z(1)\n",
    );
    let want = kiln_run(&program, &[]);
    assert_eq!(
        (want.status, want.stdout.as_str()),
        (Some(3), "before\n"),
        "{want:?}"
    );
    for (label, got) in [
        ("lli", through_lli(&dir, &program, &[])),
        ("exe", through_exe(&dir, &program, &[])),
    ] {
        assert_eq!(compare(label, &program, &want, &got), None);
        assert!(got.stderr.contains("fault.expr"), "{label}: {got:?}");
        assert!(got.stderr.contains("division by zero"), "{label}: {got:?}");
    }
}

#[test]
fn limits_apply_under_lli_and_in_an_executable() {
    let dir = scratch_dir("limits");
    let grow = write(
        &dir,
        "grow.expr",
        "fn grow(xs: [i64], n: i64) -> i64 =\n  if(n == 0, len(xs), grow(concat(xs, xs), n - 1));\ngrow([1, 2, 3, 4], 50)\n",
    );
    let limit = ["--max-memory".to_owned(), "1MiB".to_owned()];
    let want = kiln_run(&grow, &limit);
    assert_eq!(want.status, Some(3), "{want:?}");
    assert!(want.stderr.contains("E0616"), "{want:?}");
    for (label, got) in [
        ("lli", through_lli(&dir, &grow, &limit)),
        ("exe", through_exe(&dir, &grow, &limit)),
    ] {
        assert_eq!(got.status, Some(3), "{label}: {got:?}");
        assert!(got.stderr.contains("error[E0616]"), "{label}: {got:?}");
        assert!(got.stderr.contains("grow.expr:2:"), "{label}: {got:?}");
    }
    // The environment variable sets the limit too; garbage is a usage error.
    let exe = dir.join("grow");
    let env = run(Command::new(&exe).env("KILN_MAX_MEMORY", "64KiB"), None);
    assert_eq!(env.status, Some(3), "{env:?}");
    assert!(env.stderr.contains("E0616"), "{env:?}");
    let bad = run(Command::new(&exe).args(["--max-memory", "lots"]), None);
    assert_eq!(bad.status, Some(2), "{bad:?}");
    // `--timeout` interrupts a long run (E0611).
    let fib = write(
        &dir,
        "fib.expr",
        "fn fib(n: i64) -> i64 = if(n < 2, n, fib(n - 1) + fib(n - 2));\nfib(90)\n",
    );
    let got = through_exe(&dir, &fib, &["--timeout".to_owned(), "0.05".to_owned()]);
    assert_eq!(got.status, Some(3), "{got:?}");
    assert!(got.stderr.contains("error[E0611]"), "{got:?}");
}

#[test]
fn an_executable_takes_params_from_its_command_line() {
    let (dir, _) = built("params", SQUARE, &["--emit", "exe", "-o", "square"]);
    let exe = dir.join("square");
    for (x, want) in [("3", "square\n10\n"), ("-5", "square\n26\n")] {
        let arg = format!("x={x}");
        let got = run(Command::new(&exe).args(["--param", &arg]), None);
        assert_eq!(
            (got.status, got.stdout.as_str()),
            (Some(0), want),
            "{got:?}"
        );
    }
    let missing = run(&mut Command::new(&exe), None);
    assert_eq!(missing.status, Some(2), "{missing:?}");
    let bad = run(Command::new(&exe).args(["--param", "x=three"]), None);
    assert_eq!(bad.status, Some(2), "{bad:?}");
    assert!(bad.stderr.contains('x'), "{bad:?}");
}

/// Built executables take params as `kiln run` does: `-p` as well as `--param`, and
/// spaces around the name and a non-string value.
#[test]
fn an_executable_takes_short_params_and_spaces_like_kiln_run() {
    let text = "param x: i64;\nparam s: string;\ns + string(x * 2)\n";
    let (dir, _) = built("short-params", text, &["--emit", "exe", "-o", "prog"]);
    let exe = dir.join("prog");
    for args in [
        &["-p", "x=4", "-p", "s=v"][..],
        &["-px=4", "--param=s=v"],
        &["--param", "x = 4", "-p", " s=v"],
        &["-p", "x= 4 ", "--param", "s=v"],
    ] {
        let got = run(Command::new(&exe).args(args), None);
        assert_eq!(
            (got.status, got.stdout.as_str()),
            (Some(0), "v8\n"),
            "{args:?}: {got:?}"
        );
        let mut kiln_args = vec!["run", "prog.expr"];
        kiln_args.extend_from_slice(args);
        let want = run(kiln_command().current_dir(&dir).args(&kiln_args), None);
        assert_eq!(want.stdout, got.stdout, "kiln run {args:?}: {want:?}");
    }
    // A string value keeps its spaces.
    let got = run(Command::new(&exe).args(["-p", "x=1", "-p", "s= a "]), None);
    assert_eq!(got.stdout, " a 2\n", "{got:?}");
    let got = run(Command::new(&exe).args(["-p"]), None);
    assert_eq!(got.status, Some(2), "{got:?}");
    assert!(got.stderr.contains("`-p` needs NAME=VALUE"), "{got:?}");
}

/// `--overflow trap` is compiled into the output: an executable built with it faults with
/// E0617 where one built without it wraps, like `kiln run` with the same flag.
#[test]
fn overflow_trap_is_built_into_the_executable() {
    let text = "param x: i32;\nprint(x * 2);\nx * 1000000\n";
    for (flags, status, stdout) in [
        (&["--overflow", "trap"][..], 3, "2000000\n"),
        (&[][..], 0, "2000000\n-727379968\n"),
    ] {
        let mut args = vec!["--emit", "exe", "-o", "prog"];
        args.extend_from_slice(flags);
        let (dir, _) = built("overflow", text, &args);
        let got = run(
            Command::new(dir.join("prog")).args(["--param", "x=1000000"]),
            None,
        );
        assert_eq!(
            (got.status, got.stdout.as_str()),
            (Some(status), stdout),
            "{flags:?}: {got:?}"
        );
        let mut run_args = vec!["run", "prog.expr", "--param", "x=1000000"];
        run_args.extend_from_slice(flags);
        let want = run(kiln_command().current_dir(&dir).args(&run_args), None);
        assert_eq!(
            (want.status, &want.stdout),
            (got.status, &got.stdout),
            "{flags:?}"
        );
        if status == 3 {
            assert!(got.stderr.contains("E0617"), "{got:?}");
            assert!(got.stderr.contains("prog.expr:3:1"), "{got:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

#[test]
fn an_unknown_emit_kind_is_a_usage_error_listing_the_kinds() {
    let dir = scratch_dir("kind");
    write(&dir, "prog.expr", "1\n");
    let run = build_in(&dir, &["prog.expr", "--emit", "wasm"]);
    assert_eq!(run.status, Some(2), "{run:?}");
    for kind in ["llvm-ir", "llvm-bc", "asm", "obj", "exe"] {
        assert!(run.stderr.contains(kind), "{kind} not listed: {run:?}");
    }
}

#[test]
fn a_compile_error_exits_1_and_writes_nothing() {
    let dir = scratch_dir("compile-error");
    write(&dir, "bad.expr", "1 + true\n");
    for kind in ["llvm-ir", "llvm-bc", "asm", "obj", "exe"] {
        let named = build_in(&dir, &["bad.expr", "--emit", kind, "-o", "out"]);
        assert_eq!(
            (named.status, named.stdout.as_str()),
            (Some(1), ""),
            "{kind}: {named:?}"
        );
        assert!(named.stderr.contains("bad.expr:1:"), "{kind}: {named:?}");
        let default = build_in(&dir, &["bad.expr", "--emit", kind]);
        assert_eq!(default.status, Some(1), "{kind}: {default:?}");
    }
    let left: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["bad.expr"], "files were written");
}

#[test]
fn an_executable_without_the_runtime_library_is_a_usage_error_saying_how_to_build_it() {
    let dir = scratch_dir("no-runtime");
    write(&dir, "prog.expr", "1\n");
    let run = run(
        kiln_command()
            .current_dir(&dir)
            .env("KILN_RUNTIME_DIR", &dir)
            .args(["build", "prog.expr", "--emit", "exe"]),
        None,
    );
    assert_eq!(run.status, Some(2), "{run:?}");
    assert!(run.stderr.contains("libkiln_runtime.a"), "{run:?}");
    assert!(run.stderr.contains("KILN_RUNTIME_DIR"), "{run:?}");
    assert!(
        run.stderr.contains("cargo build -p kiln-runtime"),
        "{run:?}"
    );
    assert!(!dir.join("prog").exists());
}

#[test]
fn an_executable_cannot_go_to_standard_output_nor_overwrite_its_source() {
    let dir = scratch_dir("exe-dest");
    write(&dir, "prog", "1\n");
    let stdout = build_in(&dir, &["prog", "--emit", "exe", "-o", "-"]);
    assert_eq!(
        (stdout.status, stdout.stdout.as_str()),
        (Some(2), ""),
        "{stdout:?}"
    );
    let over = build_in(&dir, &["prog", "--emit", "exe"]);
    assert_eq!(over.status, Some(2), "{over:?}");
    assert!(over.stderr.contains("overwrite"), "{over:?}");
    let named = build_in(&dir, &["prog", "--emit", "llvm-ir", "-o", "./prog"]);
    assert_eq!(named.status, Some(2), "{named:?}");
    assert!(named.stderr.contains("overwrite"), "{named:?}");
    assert_eq!(fs::read_to_string(dir.join("prog")).unwrap(), "1\n");
}

#[test]
fn an_unwritable_output_is_a_usage_error() {
    let dir = scratch_dir("unwritable");
    write(&dir, "prog.expr", "1\n");
    for kind in ["llvm-ir", "llvm-bc", "asm", "obj", "exe"] {
        let run = build_in(
            &dir,
            &["prog.expr", "--emit", kind, "-o", "no/such/dir/out"],
        );
        assert_eq!(run.status, Some(2), "{kind}: {run:?}");
        assert!(run.stderr.contains("no/such/dir/out"), "{kind}: {run:?}");
    }
}

#[test]
fn a_missing_c_compiler_is_a_usage_error_and_leaves_no_temporary_object() {
    let dir = scratch_dir("no-cc");
    write(&dir, "prog.expr", "1\n");
    let tmp = dir.join("tmp");
    fs::create_dir(&tmp).unwrap();
    let run = run(
        kiln_command()
            .current_dir(&dir)
            .env("CC", "kiln-no-such-cc")
            .env("TMPDIR", &tmp)
            .args(["build", "prog.expr", "--emit", "exe"]),
        None,
    );
    assert_eq!(run.status, Some(2), "{run:?}");
    assert!(run.stderr.contains("kiln-no-such-cc"), "{run:?}");
    assert!(!dir.join("prog").exists());
    assert_eq!(
        fs::read_dir(&tmp).unwrap().count(),
        0,
        "a temporary file was left"
    );
}

#[test]
fn binary_output_is_never_written_to_a_terminal() {
    use rexpect::process::WaitStatus;
    let dir = scratch_dir("terminal");
    write(&dir, "prog.expr", "1\n");
    for kind in ["llvm-bc", "obj"] {
        let mut command = kiln_command();
        command.current_dir(&dir).env("NO_COLOR", "1").args([
            "build",
            "prog.expr",
            "--emit",
            kind,
            "-o",
            "-",
        ]);
        let options = rexpect::reader::Options::new().timeout_ms(Some(10_000));
        let mut pty = rexpect::spawn_with_options(command, options).expect("a pseudo-terminal");
        pty.exp_string("standard output is a terminal")
            .expect("the refusal");
        pty.exp_eof().expect("kiln stops");
        let status = pty.process_mut().wait().expect("an exit status");
        assert!(
            matches!(status, WaitStatus::Exited(_, 2)),
            "{kind}: {status:?}"
        );
    }
    let left: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["prog.expr"], "files were written");
}

/// `-` as FILE reads the program from standard input; a file output then needs `-o`.
#[test]
fn a_program_from_standard_input_builds_and_a_file_output_needs_a_name() {
    let dir = scratch_dir("build-stdin");
    let ir = run(
        kiln_command()
            .current_dir(&dir)
            .args(["build", "-", "--emit", "llvm-ir"]),
        Some("param x: i64;\nx * 3\n"),
    );
    assert_eq!(ir.status, Some(0), "{ir:?}");
    assert!(ir.stdout.contains("kiln_main"), "{ir:?}");
    let obj = run(
        kiln_command()
            .current_dir(&dir)
            .args(["build", "-", "--emit", "obj"]),
        Some("1\n"),
    );
    assert_eq!(obj.status, Some(2), "{obj:?}");
    assert!(obj.stderr.contains("-o"), "{obj:?}");
}

/// Issue 13: a list index of any integer type; out of `0..len` (negative, or a `u64` of
/// 2^63 or more) is fault E0603 naming the index as written, alike under `kiln run` at
/// every level, the interpreter, `lli`, an executable and a columnar `kiln map`.
#[test]
fn any_integer_type_indexes_and_faults_alike_on_every_path() {
    let dir = scratch_dir("index");
    let program = write(
        &dir,
        "index.expr",
        "param i: u64;\nparam j: i8;\nlet xs = [10, 20, 30];\nprint(xs[j]);\nxs[i]\n",
    );
    let params = |i: &str, j: &str| vec![format!("--param=i={i}"), format!("--param=j={j}")];
    let cases = [
        (params("1", "2"), "30\n20\n", None),
        (
            params("18446744073709551615", "0"),
            "10\n",
            Some(
                "error[E0603]: index 18446744073709551615 is out of bounds for a list of length 3",
            ),
        ),
        (
            params("3", "1"),
            "20\n",
            Some("error[E0603]: index 3 is out of bounds for a list of length 3"),
        ),
        (
            params("0", "-1"),
            "",
            Some("error[E0603]: index -1 is out of bounds for a list of length 3"),
        ),
    ];
    let mut failures = Vec::new();
    for (args, stdout, fault) in &cases {
        let want = kiln_run(&program, args);
        assert_eq!(want.stdout, *stdout, "{args:?}: {want:?}");
        assert_eq!(
            want.status,
            Some(if fault.is_some() { 3 } else { 0 }),
            "{want:?}"
        );
        let paths = runs_on_every_path(&dir, &program, args, &["0", "1", "2", "3"]);
        if let Some(message) = fault {
            assert!(want.stderr.contains(message), "{args:?}: {want:?}");
        }
        for (label, got) in &paths {
            failures.extend(compare(label, &program, &want, got));
            if let Some(message) = fault {
                if !got.stderr.contains(message) {
                    failures.push(format!("{label} {args:?}: no `{message}`: {got:?}"));
                }
            }
        }
    }
    // Columnar: one row per case; the run stops at the first faulting row.
    let data = write(&dir, "rows.csv", "i,j\n1,2\n18446744073709551615,0\n0,-1\n");
    let mapped = run(kiln_command().arg("map").arg(&program).arg(&data), None);
    assert_eq!(mapped.status, Some(3), "{mapped:?}");
    assert!(
        mapped.stdout.starts_with("i,j,result\n1,2,20\n"),
        "{mapped:?}"
    );
    assert!(
        mapped.stderr.contains(
            "error[E0603]: index 18446744073709551615 is out of bounds for a list of length 3"
        ),
        "{mapped:?}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Issue 13: `min`/`max` of three or more arguments, on values the optimiser cannot see,
/// give the same bits under `kiln run` at every level, the interpreter, `lli` and an
/// executable.
#[test]
fn min_and_max_of_three_or_more_agree_on_every_path() {
    let dir = scratch_dir("minmax");
    // NaN ignored (NaN only when all are), -0.0 below 0.0.
    let minmax = write(
        &dir,
        "minmax.expr",
        "param a: f64;\nparam b: f64;\n\
         print([max(a, -0.0, b), min(b, a, 0.0), max(a / a, b, -1.0), min(a / a, b / b, a / a)]);\n\
         let k: u8 = 3;\n[max(k, 200, 7), min(k, 2, 9, 4)]\n",
    );
    let args = vec!["--param=a=0.0".to_owned(), "--param=b=-0.0".to_owned()];
    let want = kiln_run(&minmax, &args);
    let mut failures = Vec::new();
    assert_eq!(
        (want.stdout.as_str(), want.status),
        ("[0.0, -0.0, -0.0, NaN]\n[200, 2]\n", Some(0)),
        "{want:?}"
    );
    failures.extend(differences_on_every_path(
        &dir,
        &minmax,
        &args,
        &["0", "1", "2", "3"],
        &want,
    ));
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// `program` with `args` under `kiln run` at each of `levels`, the interpreter, `lli` and
/// an executable: each path's label and run.
fn runs_on_every_path(
    dir: &Path,
    program: &Path,
    args: &[String],
    levels: &[&str],
) -> Vec<(String, Run)> {
    let mut paths: Vec<(String, Run)> = levels
        .iter()
        .map(|level| {
            let mut cmd = kiln_command();
            cmd.args(["run", "--no-cache", "-O", level])
                .arg(program)
                .args(args);
            (format!("-O{level}"), run(&mut cmd, None))
        })
        .collect();
    let mut interp = kiln_command();
    interp
        .args(["run", "--engine", "interp"])
        .arg(program)
        .args(args);
    paths.push(("interp".into(), run(&mut interp, None)));
    paths.push(("lli".into(), through_lli(dir, program, args)));
    paths.push(("exe".into(), through_exe(dir, program, args)));
    paths
}

/// [`runs_on_every_path`] compared with `want` (`kiln run`'s default): the differences.
fn differences_on_every_path(
    dir: &Path,
    program: &Path,
    args: &[String],
    levels: &[&str],
    want: &Run,
) -> Vec<String> {
    let mut failures = Vec::new();
    for (label, got) in &runs_on_every_path(dir, program, args, levels) {
        failures.extend(compare(label, program, want, got));
        if got.stderr.lines().next() != want.stderr.lines().next() {
            failures.push(format!("{label} {args:?}: another fault: {got:?}"));
        }
    }
    failures
}

/// Each case (`--param` arguments, the printed lines, a piece of the fault's message or
/// "") run by `kiln run`, which must print those lines (`check_empty` false: an empty
/// expectation is not checked) and fault so; then under `kiln run` at -O0 and -O2, the
/// interpreter, `lli` and an executable, which must do what `kiln run` did.
#[track_caller]
fn agree_on_every_path(
    dir: &Path,
    program: &Path,
    cases: &[(Vec<String>, &str, &str)],
    check_empty: bool,
) {
    let mut failures = Vec::new();
    for (args, stdout, fault) in cases {
        let want = kiln_run(program, args);
        if check_empty || !stdout.is_empty() {
            assert_eq!(want.stdout, *stdout, "{args:?}: {want:?}");
        }
        assert!(want.stderr.contains(fault), "{args:?}: {want:?}");
        failures.extend(differences_on_every_path(
            dir,
            program,
            args,
            &["0", "2"],
            &want,
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Issue 14: `range` on bounds the optimiser cannot see counts alike, and a zero step
/// (E0613) and a huge range (E0609) fault alike, under `kiln run` at -O0 and -O2, the
/// interpreter, `lli` and an executable.
#[test]
fn range_counts_and_faults_alike_on_every_path() {
    let dir = scratch_dir("range");
    let program = write(
        &dir,
        "range.expr",
        "param a: i64;\nparam b: i64;\nparam s: i64;\nprint(range(b));\nprint(range(a, b));\n\
         print(sum(range(a, b, 1)));\nrange(a, b, s)\n",
    );
    let params = |a: &str, b: &str, s: &str| {
        vec![
            format!("--param=a={a}"),
            format!("--param=b={b}"),
            format!("--param=s={s}"),
        ]
    };
    let cases = [
        (
            params("-2", "5", "3"),
            "[0, 1, 2, 3, 4]\n[-2, -1, 0, 1, 2, 3, 4]\n7\n[-2, 1, 4]\n",
            "",
        ),
        (params("5", "-2", "-2"), "[]\n[]\n0\n[5, 3, 1, -1]\n", ""),
        (
            params("1", "3", "0"),
            "[0, 1, 2]\n[1, 2]\n3\n",
            "error[E0613]: `range` needs a step other than zero",
        ),
        (
            params("-9223372036854775808", "0", "1"),
            "[]\n",
            "error[E0609]: the result would take 9223372036854775807 bytes",
        ),
    ];
    agree_on_every_path(&dir, &program, &cases, true);
}

/// Issue 14: nested lists from a `--param`, built, indexed at each level, flattened,
/// searched structurally and printed, alike under `kiln run` at every level, the
/// interpreter, `lli` and an executable; an inner index out of bounds faults alike.
#[test]
fn nested_lists_agree_on_every_path() {
    let dir = scratch_dir("nested");
    let program = write(
        &dir,
        "nested.expr",
        "param g: [[i64]];\nparam i: i64;\n\
         let words = [[\"a\", \"b\\n\"], [], [\"a\", \"b\\n\"]];\n\
         print(words);\nprint(unique(words));\nprint(string(g));\n\
         print([len(g), len(g[1]), index_of(g, [3]), count_distinct(concat(g, g))]);\n\
         print([[1] in g, [2, 1] in g, contains(reverse(g), [])]);\n\
         print(flatten(concat(g, [[7, 8]])));\n\
         let cube = [[[1.5], []], [[2.5, -0.0]]];\nprint(cube[1]);\n\
         g[1][i]\n",
    );
    let params = |g: &str, i: &str| vec![format!("--param=g={g}"), format!("--param=i={i}")];
    let ok = params("[[1, 2], [3], []]", "0");
    let want = kiln_run(&program, &ok);
    assert_eq!(
        (want.stdout.as_str(), want.status),
        (
            "[[\"a\", \"b\\n\"], [], [\"a\", \"b\\n\"]]\n[[\"a\", \"b\\n\"], []]\n\
             [[1, 2], [3], []]\n[3, 1, 1, 3]\n[false, false, true]\n[1, 2, 3, 7, 8]\n\
             [[2.5, -0.0]]\n3\n",
            Some(0)
        ),
        "{want:?}"
    );
    let mut failures = differences_on_every_path(&dir, &program, &ok, &["0", "1", "2", "3"], &want);
    let bad = params("[[1, 2], [3], []]", "1");
    let want = kiln_run(&program, &bad);
    assert_eq!(want.status, Some(3), "{want:?}");
    assert!(
        want.stderr
            .contains("error[E0603]: index 1 is out of bounds for a list of length 1"),
        "{want:?}"
    );
    failures.extend(differences_on_every_path(
        &dir,
        &program,
        &bad,
        &["0", "2"],
        &want,
    ));
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Issue 14: optionals print alike (scalars, strings, lists of optionals, `none` results)
/// and `unwrap` of none faults alike (E0612) under `kiln run` at -O0 and -O2, the
/// interpreter, `lli` and an executable.
#[test]
fn optionals_print_and_fault_alike_on_every_path() {
    let dir = scratch_dir("optionals");
    let body = "let cells = [\"4\", \"\", \"2.5\", \"x\"];\n\
                let xs = [f64?(cells[0]), f64?(cells[1]), f64?(cells[2]), f64?(cells[3])];\n\
                print(xs);\nprint(sum(xs));\nprint(avg(xs));\nprint(compact(xs));\n\
                let n: i64? = none;\nprint(n + 1);\nprint(u8?(300) ?? 7u8);\n\
                let s: string? = none;\nprint(s);\nprint([\"a\", s]);\nprint(xs[0] == 4.0);\n";
    let cases = [
        ("opt_value", format!("{body}xs[2]\n"), "2.5\n", ""),
        ("opt_none", format!("{body}xs[1] * 2.0\n"), "none\n", ""),
        (
            "opt_list",
            format!("{body}xs\n"),
            "[4.0, none, 2.5, none]\n",
            "",
        ),
        (
            "opt_unwrap",
            format!("{body}unwrap(xs[3])\n"),
            "",
            "error[E0612]: `unwrap` of `none`",
        ),
    ];
    let printed =
        "[4.0, none, 2.5, none]\n6.5\n3.25\n[4.0, 2.5]\nnone\n7\nnone\n[\"a\", none]\ntrue\n";
    let mut failures = Vec::new();
    for (name, src, result, fault) in &cases {
        let program = write(&dir, &format!("{name}.expr"), src);
        let want = kiln_run(&program, &[]);
        assert_eq!(
            want.stdout,
            format!("{printed}{result}"),
            "{name}: {want:?}"
        );
        assert!(want.stderr.contains(fault), "{name}: {want:?}");
        failures.extend(differences_on_every_path(
            &dir,
            &program,
            &[],
            &["0", "2"],
            &want,
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Issue 14: optional params take `none` from an empty `--param x=` (a `string?` only
/// when empty) and values otherwise, `[T?]` params take `none` elements, and an empty
/// value for a plain param is the same usage error, under `kiln run` at -O0 and -O2, the
/// interpreter, `lli` and an executable.
#[test]
fn optional_params_take_none_alike_on_every_path() {
    let dir = scratch_dir("optparams");
    let program = write(
        &dir,
        "optparams.expr",
        "param x: f64?;\nparam n: u8?;\nparam s: string?;\nparam xs: [i64?];\n\
         print(x);\nprint(n);\nprint(s);\nprint(xs);\nprint(sum(xs));\n\
         (x ?? -1.0) + f64(n ?? 100u8)\n",
    );
    let params = |x: &str, n: &str, s: &str, xs: &str| {
        vec![
            format!("--param=x={x}"),
            format!("--param=n={n}"),
            format!("--param=s={s}"),
            format!("--param=xs={xs}"),
        ]
    };
    let cases = [
        (params("", " ", "", "[]"), "none\nnone\nnone\n[]\n0\n99.0\n"),
        (
            params("2.5", "7", " a", "[1, none, , 3]"),
            "2.5\n7\n a\n[1, none, none, 3]\n4\n9.5\n",
        ),
    ];
    let mut failures = Vec::new();
    for (args, stdout) in &cases {
        let want = kiln_run(&program, args);
        assert_eq!(want.stdout, *stdout, "{args:?}: {want:?}");
        failures.extend(differences_on_every_path(
            &dir,
            &program,
            args,
            &["0", "2"],
            &want,
        ));
    }
    let plain = write(&dir, "plain.expr", "param x: f64;\nx\n");
    let args = vec!["--param=x=".to_owned()];
    let want = kiln_run(&plain, &args);
    assert_eq!(want.status, Some(2), "{want:?}");
    assert!(
        want.stderr.contains("declare it `param x: f64?;`"),
        "{want:?}"
    );
    // (How each path words the parse error itself differs; the help does not.)
    for (label, got) in runs_on_every_path(&dir, &plain, &args, &["2"]) {
        if got.status != Some(2) || !got.stderr.contains("declare it `param x: f64?;`") {
            failures.push(format!("{label}: {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Issue 14: lambdas in the higher-order built-ins, over inputs the optimiser cannot see,
/// compute, stop early and fault alike under `kiln run` at -O0 and -O2, the interpreter,
/// `lli` and an executable.
#[test]
fn higher_order_builtins_agree_on_every_path() {
    let dir = scratch_dir("hof");
    let program = write(
        &dir,
        "hof.expr",
        "param n: i64;\nparam d: i64;\nlet xs = map(range(n), i -> f64(i) * 0.5);\n\
         print(filter(xs, x -> x > 1.0));\nprint(reduce(xs, 0.0, (a, x) -> a + x * x));\n\
         print(sum(map(xs, x -> x * x)));\nprint(any(xs, x -> print(x) >= 1.0));\n\
         print(flat_map(range(n), i -> range(i)));\n\
         print(sort_by(xs, x -> if(x == 1.0, 0.0 / 0.0, -x)));\n\
         print(group_by(range(n), i -> i % 2));\n\
         print(find(xs, x -> x > 0.7));\n\
         zip_with(range(n), range(d), (a, b) -> a * 10 / (b - 1))\n",
    );
    let params = |n: &str, d: &str| vec![format!("--param=n={n}"), format!("--param=d={d}")];
    let cases = [
        (params("4", "4"), "error[E0601]"),
        (params("3", "2"), "error[E0607]"),
        (params("0", "0"), ""),
    ];
    let mut failures = Vec::new();
    for (args, fault) in &cases {
        let want = kiln_run(&program, args);
        assert!(want.stderr.contains(fault), "{args:?}: {want:?}");
        failures.extend(differences_on_every_path(
            &dir,
            &program,
            args,
            &["0", "2"],
            &want,
        ));
    }
    let want = kiln_run(&program, &params("4", "4"));
    assert_eq!(
        want.stdout,
        "[1.5]\n3.5\n3.5\n0.0\n0.5\n1.0\ntrue\n[0, 0, 1, 0, 1, 2]\n[1.5, 0.5, 0.0, 1.0]\n\
         [[0, 2], [1, 3]]\n1.0\n",
        "{want:?}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Issue 14: nested lists and optionals together (`[[i64?]]` built from a `[[i64]]`
/// param and an optional parsed from a string param, `[[string?]]`, `[[i64]?]`): the
/// list functions over them (sort with nones last, unique, structural `in`, `index_of`
/// of `none`), a plain list lifted by an optional, printing, results and an index
/// fault, alike under `kiln run` at -O0 and -O2, the interpreter, `lli` and an
/// executable.
#[test]
fn nested_lists_of_optionals_agree_on_every_path() {
    let dir = scratch_dir("nested_optionals");
    let program = write(
        &dir,
        "nested_optionals.expr",
        "param g: [[i64]];\nparam s: string;\nparam i: i64;\nlet m = i64?(s);\n\
         let names: [[string?]] = [[\"a\", none], [], [none]];\n\
         print(names);\nprint(sort(flatten(names)));\n\
         let h: [[i64?]] = [[g[0][0], m], [m, 2], []];\n\
         print(h);\nprint(unique(concat(h, h)));\n\
         print([[1, none] in h, none in flatten(h), contains(h, [])]);\n\
         print(index_of(flatten(h), none));\nprint(sort_desc(flatten(h)));\n\
         print(g[0] + m);\nlet ys: [[i64]?] = [g[0], none];\nprint(ys[1]);\n\
         h[1][i]\n",
    );
    let params = |s: &str, i: &str| {
        vec![
            "--param=g=[[1, 2], [3]]".to_string(),
            format!("--param=s={s}"),
            format!("--param=i={i}"),
        ]
    };
    let names = "[[\"a\", none], [], [none]]\n[\"a\", none, none]\n";
    let cases = [
        (
            params("", "0"),
            format!(
                "{names}[[1, none], [none, 2], []]\n[[1, none], [none, 2], []]\n\
                 [true, true, true]\n1\n[2, 1, none, none]\nnone\nnone\nnone\n"
            ),
            Some(0),
            "",
        ),
        (
            params("5", "1"),
            format!(
                "{names}[[1, 5], [5, 2], []]\n[[1, 5], [5, 2], []]\n[false, false, true]\n\
                 -1\n[5, 5, 2, 1]\n[6, 7]\nnone\n2\n"
            ),
            Some(0),
            "",
        ),
        (
            params("x", "9"),
            format!(
                "{names}[[1, none], [none, 2], []]\n[[1, none], [none, 2], []]\n\
                 [true, true, true]\n1\n[2, 1, none, none]\nnone\nnone\n"
            ),
            Some(3),
            "error[E0603]: index 9 is out of bounds for a list of length 2",
        ),
    ];
    let mut failures = Vec::new();
    for (args, stdout, status, fault) in &cases {
        let want = kiln_run(&program, args);
        assert_eq!(
            (want.stdout.as_str(), want.status),
            (stdout.as_str(), *status),
            "{args:?}: {want:?}"
        );
        assert!(want.stderr.contains(fault), "{args:?}: {want:?}");
        failures.extend(differences_on_every_path(
            &dir,
            &program,
            args,
            &["0", "2"],
            &want,
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Issue 15 (time core): timestamps and durations from `--param`, parsed from text,
/// computed, compared, sorted and printed (alone and in lists), and their faults (a
/// malformed text E0604, out of range E0621, a duration divided by zero E0601), alike
/// under `kiln run` at -O0 and -O2, the interpreter, `lli` and an executable.
#[test]
fn times_compute_print_and_fault_alike_on_every_path() {
    let dir = scratch_dir("times");
    let program = write(
        &dir,
        "times.expr",
        "param t: timestamp;\nparam d: duration;\nparam s: string;\nparam n: i64;\n\
         let u = timestamp(\"2024-01-01T00:00:00Z\");\n\
         print(t);\nprint(d);\nprint(t - u);\nprint([t + d, t - d * 2, d + t]);\n\
         print(sort([d, -d, secs(1)]));\nprint(seconds(d / 4));\nprint(t > u);\n\
         print(timestamp?(s));\nprint(duration?(s));\nprint(max(t, u + days(n)));\n\
         print(string(d) + \"|\");\n\
         (t + days(n)) - timestamp(s) + d / n\n",
    );
    let params = |t: &str, d: &str, s: &str, n: &str| {
        vec![
            format!("--param=t={t}"),
            format!("--param=d={d}"),
            format!("--param=s={s}"),
            format!("--param=n={n}"),
        ]
    };
    let cases = [
        (
            params(
                "2024-03-01T12:00:00.5Z",
                "1h30m",
                "2024-03-01T00:00:00Z",
                "2",
            ),
            "2024-03-01T12:00:00.5Z\n1h30m\n1452h0.5s\n\
             [2024-03-01T13:30:00.5Z, 2024-03-01T09:00:00.5Z, 2024-03-01T13:30:00.5Z]\n\
             [-1h30m, 1s, 1h30m]\n1350.0\ntrue\n2024-03-01T00:00:00Z\nnone\n\
             2024-03-01T12:00:00.5Z\n1h30m|\n60h45m0.5s\n",
            "",
        ),
        (
            params("2024-03-01T12:00:00Z", "-0.25s", "PT2S", "-1"),
            "2024-03-01T12:00:00Z\n-0.25s\n1452h\n\
             [2024-03-01T11:59:59.75Z, 2024-03-01T12:00:00.5Z, 2024-03-01T11:59:59.75Z]\n\
             [-0.25s, 0.25s, 1s]\n-0.0625\ntrue\nnone\n2s\n2024-03-01T12:00:00Z\n-0.25s|\n",
            "error[E0604]: cannot parse \"PT2S\" as timestamp",
        ),
        (
            params("2262-04-01T00:00:00Z", "1s", "2262-04-01T00:00:00Z", "20"),
            "",
            "error[E0621]:",
        ),
        (
            params("2024-03-01T12:00:00Z", "1s", "2024-03-01T00:00:00Z", "0"),
            "",
            "error[E0601]: division by zero: `1s / 0`",
        ),
    ];
    agree_on_every_path(&dir, &program, &cases, false);
}

/// Issue 15 (the time library): fields, `format_time`, `parse_time` and `date_trunc` in
/// UTC, at a fixed offset and in a named zone read from the system database at run
/// time (literal zones resolved once per call site, computed ones per call), and the
/// faults of a computed zone (E0619), unit (E0622) and a truncation out of range (E0621),
/// alike under `kiln run` at -O0 and -O2, the interpreter, `lli` and an executable.
#[test]
fn time_library_computes_and_faults_alike_on_every_path() {
    let dir = scratch_dir("time-lib");
    let program = write(
        &dir,
        "time_lib.expr",
        "param t: timestamp;\nparam zone: string;\nparam unit: string;\n\
         print([year(t), month(t), day(t), hour(t), minute(t), second(t), weekday(t), day_of_year(t)]);\n\
         print([hour(t, \"Europe/Berlin\"), hour(t, \"+05:30\"), day(t, \"America/New_York\")]);\n\
         print(format_time(t, \"%Y-%m-%d %H:%M:%S%.f %Z\", \"Europe/Berlin\"));\n\
         print(parse_time(\"2024-03-31 02:30\", \"%Y-%m-%d %H:%M\", \"Europe/Berlin\"));\n\
         print(parse_time(\"not a time\", \"%Y-%m-%d\"));\n\
         print(date_trunc(t, \"week\"));\n\
         print(hour(t, zone));\n\
         date_trunc(t, unit, zone)\n",
    );
    let params = |t: &str, zone: &str, unit: &str| {
        vec![
            format!("--param=t={t}"),
            format!("--param=zone={zone}"),
            format!("--param=unit={unit}"),
        ]
    };
    let cases = [
        (
            params("2024-03-31T00:30:15.5Z", "Asia/Tokyo", "month"),
            "[2024, 3, 31, 0, 30, 15, 7, 91]\n[1, 6, 30]\n\
             2024-03-31 01:30:15.5 CET\n2024-03-31T01:30:00Z\nnone\n2024-03-25T00:00:00Z\n9\n\
             2024-02-29T15:00:00Z\n",
            "",
        ),
        (
            params("2024-11-03T06:30:00Z", "America/New_York", "hour"),
            "[2024, 11, 3, 6, 30, 0, 7, 308]\n[7, 12, 3]\n\
             2024-11-03 07:30:00 CET\n2024-03-31T01:30:00Z\nnone\n2024-10-28T00:00:00Z\n1\n\
             2024-11-03T06:00:00Z\n",
            "",
        ),
        (
            params("2024-03-31T00:30:00Z", "Mars/Olympus", "day"),
            "[2024, 3, 31, 0, 30, 0, 7, 91]\n[1, 6, 30]\n\
             2024-03-31 01:30:00 CET\n2024-03-31T01:30:00Z\nnone\n2024-03-25T00:00:00Z\n",
            "error[E0619]: unknown time zone `Mars/Olympus`",
        ),
        (
            params("2024-03-31T00:30:00Z", "UTC", "fortnight"),
            "[2024, 3, 31, 0, 30, 0, 7, 91]\n[1, 6, 30]\n\
             2024-03-31 01:30:00 CET\n2024-03-31T01:30:00Z\nnone\n2024-03-25T00:00:00Z\n0\n",
            "error[E0622]: unknown date_trunc unit `fortnight`",
        ),
        (
            params("1677-09-21T00:13:00Z", "UTC", "year"),
            // Berlin's local mean time then (+00:53:28); the week began before the range.
            "[1677, 9, 21, 0, 13, 0, 2, 264]\n[1, 5, 20]\n\
             1677-09-21 01:06:28 LMT\n2024-03-31T01:30:00Z\nnone\n",
            "error[E0621]:",
        ),
    ];
    agree_on_every_path(&dir, &program, &cases, true);
}

/// Issue 15 (format): literal format strings (planned when the program compiles) and
/// computed ones (parsed at run time) over every kind of argument, and `round`, print
/// alike under `kiln run` at -O0 and -O2, the interpreter, `lli` and an executable; a
/// bad computed format string faults (E0618) alike, at the format string.
#[test]
fn format_and_round_agree_on_every_path() {
    let dir = scratch_dir("format");
    let program = write(
        &dir,
        "format.expr",
        "param f: string;\nparam x: f64;\nparam n: i64;\nparam o: f32?;\n\
         let words = [\"a\", \"b\\n\"];\n\
         print(format(\"{} items at {:>8.2}|\", n, x));\n\
         print(format(\"{:#x} {:+08.3} {:e} {:^9}|{:<8}|{:.1}|{}\", n, x, x, \"héllo\", words, o, [o]));\n\
         print(format(\"{:b} {:X} {:o} {:08} {{}} {:ñ>5}\", 255u8, -1i8, 8, -12, true));\n\
         print(format(\"\"));\nprint(format(\"only text\"));\n\
         print(format(\"{:08.2} {:+} {:>6}\", x / 0.0, 0.0 / 0.0, -x / 0.0));\n\
         print(round(x, 2));\nprint(round(x, -1));\nprint(round(f32(x), 1));\n\
         format(f, x, n)\n",
    );
    let params = |f: &str, x: &str, n: &str, o: &str| {
        vec![
            format!("--param=f={f}"),
            format!("--param=x={x}"),
            format!("--param=n={n}"),
            format!("--param=o={o}"),
        ]
    };
    let cases = [
        (
            params("{:>9.3}|{:+}", "2.675", "255", "0.1"),
            "255 items at     2.67|\n\
             0xff +002.675 2.675e0   héllo  |[\"a\", \"b\\n\"]|0.1|[0.1]\n\
             11111111 FF 10 -0000012 {} ñtrue\n\nonly text\n\
             \x20    inf NaN   -inf\n2.68\n0.0\n2.7\n",
            "    2.675|+255",
        ),
        (
            params("{:x}{}", "-1234.5", "-7", ""),
            "-7 items at -1234.50|\n\
             0xfffffffffffffff9 -1234.500 -1.2345e3   héllo  |[\"a\", \"b\\n\"]|none|[none]\n\
             11111111 FF 10 -0000012 {} ñtrue\n\nonly text\n\
             \x20   -inf NaN    inf\n-1234.5\n-1230.0\n-1234.5\n",
            "error[E0618]: bad format string: the spec of placeholder 1 does not fit its argument of type f64",
        ),
        (
            params("{} {} {}", "1", "2", "3"),
            "",
            "error[E0618]: bad format string: it has 3 placeholders but 2 arguments were given",
        ),
        (
            params("{", "1", "2", "3"),
            "",
            "error[E0618]: bad format string: the `{` at byte 0 is never closed",
        ),
    ];
    let mut failures = Vec::new();
    for (args, stdout, last) in &cases {
        let want = kiln_run(&program, args);
        if !stdout.is_empty() {
            assert!(want.stdout.starts_with(stdout), "{args:?}: {want:?}");
        }
        assert!(
            want.stdout.contains(last) || want.stderr.contains(last),
            "{args:?}: {want:?}"
        );
        failures.extend(differences_on_every_path(
            &dir,
            &program,
            args,
            &["0", "2"],
            &want,
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Issue 15: regular expressions (literal patterns, which a built program compiles once
/// per process at first use, and computed ones) and characters, alike under `kiln run` at
/// -O0 and -O2, the interpreter, `lli` and an executable; a bad computed pattern (E0614)
/// and a bad character code (E0620) fault alike, at the same place.
#[test]
fn regex_and_characters_agree_on_every_path() {
    let dir = scratch_dir("regex");
    let program = write(
        &dir,
        "regex.expr",
        "param s: string;\nparam p: string;\nparam n: i64;\n\
         let rows = split_re(s, \"\\\\s*;\\\\s*\");\n\
         print(rows);\n\
         print(count(rows, r -> matches(r, \"^[a-z]+\\\\d{2}$\")));\n\
         print(map(rows, r -> find_match(r, \"\\\\d+\") ?? \"-\"));\n\
         print(captures(s, \"(?<w>[a-zé]+)(\\\\d)?\"));\n\
         print(replace_all(s, \"(?<w>[a-zé]+)(\\\\d+)\", \"${w}#$2\"));\n\
         print(chars(s)[0]);\n\
         print([is_digit(\"42\"), is_alpha(s), is_space(\" \")]);\n\
         print(char_code(chars(s)[0]));\n\
         print(matches(s, p));\n\
         from_char_code(n)\n",
    );
    let params = |s: &str, p: &str, n: &str| {
        vec![
            format!("--param=s={s}"),
            format!("--param=p={p}"),
            format!("--param=n={n}"),
        ]
    };
    let cases = [
        (
            params("abc12; é7 ;zz", "\\d{2}", "128512"),
            "[\"abc12\", \"é7\", \"zz\"]\n1\n[\"12\", \"7\", \"-\"]\n[\"abc1\", \"abc\", \"1\"]\n\
             abc#12; é#7 ;zz\na\n[true, false, true]\n97\ntrue\n😀\n",
            "",
        ),
        (
            params("x", "(x", "65"),
            "[\"x\"]\n0\n[\"-\"]\n[\"x\", \"x\", none]\nx\nx\n[true, true, true]\n120\n",
            "error[E0614]: invalid regular expression \"(x\": unclosed group",
        ),
        (
            params("x", "x", "1114112"),
            "[\"x\"]\n0\n[\"-\"]\n[\"x\", \"x\", none]\nx\nx\n[true, true, true]\n120\ntrue\n",
            "error[E0620]: 1114112 is not a Unicode scalar value",
        ),
    ];
    agree_on_every_path(&dir, &program, &cases, true);
}
