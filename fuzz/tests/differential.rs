//! Differential testing: random well-typed programs (fixed seeds) run through every
//! execution path — the JIT at -O0 and -O2 through the library, and for a sample
//! `kiln run` and a built executable — and every path must give the same stdout and the
//! same exit status (success, or the same fault code, message and line:column).
//! A disagreement fails the test with the program minimised.
//!
//! The regression cases in `tests/fuzz_cases/` (written by the `kiln-fuzz` campaign)
//! run through every path too: `diff-*.expr` must agree and match `.expected`;
//! `crash-*.expr` must be reported, not crash.

use kiln_fuzz::ast::Case;
use kiln_fuzz::crash;
use kiln_fuzz::rng::derive;
use kiln_fuzz::runner::{disagreeing, known_issue, majority, ExecPath, KilnCmd, Outcome, Runner};
use kiln_fuzz::{gen, minimise_disagreement};
use std::time::Duration;

fn kiln() -> KilnCmd {
    KilnCmd::fuzz_binary(env!("CARGO_BIN_EXE_kiln-fuzz"))
}

fn runner() -> Runner {
    let mut r = Runner::new(Some(kiln()));
    // Generous: a debug build on two busy cores.
    r.timeout = Duration::from_secs(60);
    r
}

fn show(results: &[(ExecPath, Outcome)]) -> String {
    results
        .iter()
        .map(|(p, o)| format!("=== {p}\n{}", o.render()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Programs per run; `KILN_FUZZ_SCALE=N` multiplies it (the seeds stay fixed).
fn scaled(n: u64) -> u64 {
    let k = std::env::var("KILN_FUZZ_SCALE")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(1);
    n * k.max(1)
}

#[test]
fn generated_programs_agree_on_every_path() {
    let runner = runner();
    let total = scaled(300);
    // Every 20th program also goes through `kiln run`, a built executable and lli (15
    // in all).
    let every = 20;
    let mut failures = Vec::new();
    let mut known = Vec::new();
    let mut faulted = 0;
    for i in 0..total {
        let seed = derive(0xd1ff_0001, i);
        let program = gen::program(seed);
        let case = program.case();
        let mut paths = ExecPath::fast_paths();
        if i % every == 0 {
            paths.extend(ExecPath::slow_paths());
        }
        let results = runner.run_all(&paths, &case);
        if matches!(results[0].1.status, kiln_fuzz::runner::Status::Fault { .. }) {
            faulted += 1;
        }
        // Generated programs are well typed: not compiling is a bug (E0999: Kiln's; any
        // other code: the generator's).
        if let kiln_fuzz::runner::Status::CompileError(code) = &results[0].1.status {
            failures.push(format!(
                "seed {seed:#x}: does not compile ({code}):\n{}",
                case.to_file()
            ));
            continue;
        }
        let bad = disagreeing(&results);
        if bad.is_empty() {
            continue;
        }
        if let Some(kind) = known_issue(&case.source, &results) {
            known.push(format!("seed {seed:#x}: {kind}"));
            continue;
        }
        let small = minimise_disagreement(&runner, &program, results[0].0, bad[0], 300);
        let small_case = small.case();
        let small_results = runner.run_all(&paths, &small_case);
        failures.push(format!(
            "seed {seed:#x}: paths {bad:?} disagree; minimised:\n{}\n{}",
            small_case.to_file(),
            show(&small_results)
        ));
    }
    for k in &known {
        eprintln!("known disagreement (skipped): {k}");
    }
    assert!(
        failures.is_empty(),
        "{} of {total} programs disagree:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    // Faults are part of what is compared, but most programs should run to the end.
    assert!(
        faulted * 10 < total * 9,
        "{faulted} of {total} programs fault; the generator should reach further"
    );
}

/// The campaign's findings, kept as regression cases.
#[test]
fn regression_cases_agree_on_every_path() {
    let dir = crash::repo_root().join("tests/fuzz_cases");
    let runner = runner();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.sort();
    let mut failures = Vec::new();
    for path in entries {
        if path.extension().is_none_or(|x| x != "expr") {
            continue;
        }
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).expect("read the case");
        if name.starts_with("crash-") {
            let text = String::from_utf8_lossy(&bytes);
            for opt in [0, 2] {
                if let Some(c) = crash::library_check(&text, opt, 1 << 28) {
                    failures.push(format!("{name}: {c} (in process, -O{opt})"));
                }
            }
            let scratch = runner.fresh_dir();
            if let Some(c) = crash::binary_check(&kiln(), &scratch, &bytes, runner.timeout) {
                failures.push(format!("{name}: {c} (kiln run)"));
            }
            continue;
        }
        let case = Case::from_file(&String::from_utf8_lossy(&bytes))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let results = runner.run_all(&ExecPath::default_paths(), &case);
        if !disagreeing(&results).is_empty() {
            failures.push(format!("{name}: paths disagree\n{}", show(&results)));
            continue;
        }
        let expected = path.with_extension("expected");
        if let Ok(want) = std::fs::read_to_string(&expected) {
            let got = majority(&results).expect("some path ran").render();
            if got != want {
                failures.push(format!("{name}: expected\n{want}\ngot\n{got}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The comparison is real: two programs that differ only in output are told apart.
#[test]
fn a_difference_in_output_or_fault_position_is_a_disagreement() {
    let runner = runner();
    let a = runner.run(ExecPath::JitO0, &Case::new("print(1); 2"));
    let b = runner.run(ExecPath::JitO2, &Case::new("print(1); 3"));
    assert!(!disagreeing(&[(ExecPath::JitO0, a.clone()), (ExecPath::JitO2, b)]).is_empty());
    let c = runner.run(ExecPath::Exe, &Case::new("print(1); 2"));
    assert!(disagreeing(&[(ExecPath::JitO0, a), (ExecPath::Exe, c)]).is_empty());
    // Same fault, other line: a disagreement.
    let f1 = runner.run(ExecPath::JitO0, &Case::new("let z = 0;\n1 / z"));
    let f2 = runner.run(ExecPath::KilnRun, &Case::new("let z = 0;\n\n1 / z"));
    assert!(
        matches!(f1.status, kiln_fuzz::runner::Status::Fault { line: 2, .. }),
        "{f1:?}"
    );
    assert!(
        matches!(f2.status, kiln_fuzz::runner::Status::Fault { line: 3, .. }),
        "{f2:?}"
    );
    assert!(!disagreeing(&[(ExecPath::JitO0, f1), (ExecPath::KilnRun, f2)]).is_empty());
}

/// The report of paths that disagree on `case` (generated from `seed`) in a way no known
/// issue explains; `None` when they agree.
fn new_disagreement(
    seed: u64,
    case: &kiln_fuzz::ast::Case,
    results: &[(ExecPath, kiln_fuzz::runner::Outcome)],
) -> Option<String> {
    let bad = disagreeing(results);
    if bad.is_empty() || known_issue(&case.source, results).is_some() {
        return None;
    }
    Some(format!(
        "seed {seed:#x}: paths {bad:?} disagree:\n{}\n{}",
        case.to_file(),
        show(results)
    ))
}

/// What [`agree_on_picked`] saw: how many programs ran, how many of them `note` counted,
/// and the disagreements (and programs that did not compile).
struct Picked {
    ran: usize,
    noted: usize,
    failures: Vec<String>,
}

/// The first `want` programs generated from seeds `derive(base, 0..tries)` that `pick`
/// accepts, each run on every path; `note` counts the runs that show what the test is
/// after (a `none` printed, a fault).
fn agree_on_picked(
    base: u64,
    tries: u64,
    want: usize,
    pick: impl Fn(&kiln_fuzz::ast::Program) -> bool,
    note: impl Fn(&[(ExecPath, Outcome)]) -> bool,
) -> Picked {
    let runner = runner();
    let mut paths = ExecPath::fast_paths();
    paths.extend(ExecPath::slow_paths());
    let mut seen = Picked {
        ran: 0,
        noted: 0,
        failures: Vec::new(),
    };
    for i in 0..tries {
        if seen.ran == want {
            break;
        }
        let seed = derive(base, i);
        let program = gen::program(seed);
        if !pick(&program) {
            continue;
        }
        seen.ran += 1;
        let case = program.case();
        let results = runner.run_all(&paths, &case);
        if let kiln_fuzz::runner::Status::CompileError(code) = &results[0].1.status {
            seen.failures
                .push(format!("seed {seed:#x}: does not compile ({code})"));
            continue;
        }
        seen.noted += note(&results) as usize;
        seen.failures
            .extend(new_disagreement(seed, &case, &results));
    }
    seen
}

/// Whether some expression of `program` (statements, function bodies, and everything
/// inside them) is one `is` accepts.
fn some_expr(program: &kiln_fuzz::ast::Program, is: fn(&kiln_fuzz::ast::Expr) -> bool) -> bool {
    use kiln_fuzz::ast::{Expr, Stmt};
    fn any(e: &Expr, is: fn(&Expr) -> bool) -> bool {
        is(e) || e.children().into_iter().any(|c| any(c, is))
    }
    program.stmts.iter().any(|s| match s {
        Stmt::Let(_, _, e) | Stmt::Expr(e) => any(e, is),
        Stmt::Fn(f) => any(&f.result, is),
        _ => false,
    })
}

/// Issue 14: generated programs with optional params, `none` or values, agree on every
/// path: the library's JIT and interpreter (`Value::None`), optional columns (a validity
/// bitmap), MCJIT, `kiln run --param p=`, a built executable and `lli`.
#[test]
fn programs_with_optional_params_agree_on_every_path() {
    let has_none = |program: &kiln_fuzz::ast::Program| {
        program
            .inputs
            .iter()
            .any(|p| matches!(p.ty, kiln_fuzz::ast::Ty::Opt(_)) && p.text.is_empty())
    };
    let columns = |results: &[(ExecPath, Outcome)]| {
        results.iter().any(|(p, o)| {
            *p == ExecPath::Columns && !matches!(o.status, kiln_fuzz::runner::Status::Unavailable)
        })
    };
    let seen = agree_on_picked(0x0b7_0001, 2000, 12, has_none, columns);
    assert_eq!(seen.ran, 12, "too few programs with a none param");
    assert!(seen.noted >= 1, "no columnar run with an optional column");
    assert!(seen.failures.is_empty(), "{}", seen.failures.join("\n\n"));
}

/// Issue 14: generated programs that compute with optional values (`none`, lifting,
/// `??`, `unwrap`, `T?(...)`, lists of optionals, optional results) agree on every
/// path, `none` in their output and E0612 faults included. A program computes with
/// optionals (v1) beyond reading its optional params through `??` when it has an
/// expression of type `T?` or `[T?]`, or a `??` chain.
#[test]
fn programs_with_optional_expressions_agree_on_every_path() {
    use kiln_fuzz::ast::{Expr, Kind};
    let computes_with_optionals = |program: &kiln_fuzz::ast::Program| {
        some_expr(program, |e: &Expr| {
            (e.ty.has_opt() && !matches!(e.kind, Kind::Var(_)))
                || matches!(e.kind, Kind::Coalesce(_))
        })
    };
    let printed_none =
        |results: &[(ExecPath, Outcome)]| results[0].1.stdout.lines().any(|l| l.contains("none"));
    let seen = agree_on_picked(0x0b7_0002, 400, 25, computes_with_optionals, printed_none);
    assert_eq!(seen.ran, 25, "too few programs with optional expressions");
    assert!(seen.noted >= 2, "only {} programs printed none", seen.noted);
    assert!(seen.failures.is_empty(), "{}", seen.failures.join("\n\n"));
}

/// Issue 15: generated programs that call `format` (random specs over every argument
/// type, optionals and lists included; computed format strings, some bad: E0618) agree
/// on every path.
#[test]
fn programs_that_format_agree_on_every_path() {
    use kiln_fuzz::ast::{Expr, Kind};
    let calls_format = |program: &kiln_fuzz::ast::Program| {
        some_expr(
            program,
            |e: &Expr| matches!(&e.kind, Kind::Call(f, _) if f == "format"),
        )
    };
    let bad_format = |results: &[(ExecPath, Outcome)]| results[0].1.render().contains("E0618");
    let seen = agree_on_picked(0xf0_0015, 600, 25, calls_format, bad_format);
    assert_eq!(seen.ran, 25, "too few programs that format");
    eprintln!("{} of {} programs faulted with E0618", seen.noted, seen.ran);
    assert!(seen.failures.is_empty(), "{}", seen.failures.join("\n\n"));
}
