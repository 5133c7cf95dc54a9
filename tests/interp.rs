//! Differential tests: the reference interpreter (`kiln run --engine interp`) against the
//! JIT (`kiln run`, the default engine) on every program the repository already runs:
//! every `examples/*.expr` (with its `.args`) and every `tests/ui/*.expr` case (with its
//! `.args`). Both runs must agree exactly: exit status, standard output, and standard
//! error (so the same diagnostics: fault code, span and message, rendered alike).
//!
//! Where the JIT is known to disagree with the language contract (LANGUAGE.md,
//! "Clarifications (v1)"), the interpreter follows the contract; such a case is listed
//! in [`KNOWN_JIT_DISAGREEMENTS`] with the rule it breaks, and checked only for the
//! interpreter's side. The list is empty: no example or ui case hits one today.

mod common;

use common::{kiln_command, root, run, scratch_dir, Rng, Run};
use std::path::{Path, PathBuf};

/// `(case path, the contract rule the JIT breaks there)`.
const KNOWN_JIT_DISAGREEMENTS: &[(&str, &str)] = &[];

/// The `.expr` files of a directory (relative to the repository root), sorted.
fn programs(dir: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("cannot list {dir}: {e}"))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "expr"))
        .map(|p| Path::new(dir).join(p.file_name().expect("a file name")))
        .collect();
    out.sort();
    out
}

/// The whitespace-separated words of `NAME.args`, if it exists.
fn extra_args(program: &Path) -> Vec<String> {
    std::fs::read_to_string(root().join(program.with_extension("args")))
        .map(|t| t.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// `kiln run [--engine interp] PROGRAM --color never ARGS...` from the repository root.
fn kiln_run(program: &Path, interp: bool) -> Run {
    let mut cmd = kiln_command();
    cmd.current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .arg("run");
    if interp {
        cmd.args(["--engine", "interp"]);
    }
    cmd.arg(program)
        .args(["--color", "never"])
        .args(extra_args(program));
    run(&mut cmd, None)
}

/// Every program of `dir` through both engines; the differences found.
fn compare_dir(dir: &str) -> (usize, Vec<String>) {
    let programs = programs(dir);
    let mut problems = Vec::new();
    for program in &programs {
        let name = program.to_string_lossy().replace('\\', "/");
        let interp = kiln_run(program, true);
        if KNOWN_JIT_DISAGREEMENTS.iter().any(|(p, _)| *p == name) {
            continue;
        }
        let jit = kiln_run(program, false);
        if (jit.status, &jit.stdout, &jit.stderr) != (interp.status, &interp.stdout, &interp.stderr)
        {
            problems.push(format!(
                "{name}: the engines differ\n--- jit ---\n{jit:?}\n--- interp ---\n{interp:?}"
            ));
        }
    }
    (programs.len(), problems)
}

#[test]
fn every_example_runs_alike_on_the_jit_and_the_interpreter() {
    let (n, problems) = compare_dir("examples");
    assert!(n >= 12, "only {n} examples");
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn every_ui_case_runs_alike_on_the_jit_and_the_interpreter() {
    let (n, problems) = compare_dir("tests/ui");
    assert!(n >= 100, "only {n} ui cases");
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn the_interpreter_prints_each_examples_expected_output() {
    for program in programs("examples") {
        let expected = std::fs::read_to_string(root().join(program.with_extension("stdout")))
            .expect("every example has a .stdout");
        let out = kiln_run(&program, true);
        assert_eq!(out.status, Some(0), "{}: {out:?}", program.display());
        assert_eq!(out.stdout, expected, "{}", program.display());
    }
}

/// `kiln run --engine interp` end to end: output before a fault stays, the fault is
/// rendered with its code and location, exit 3; the compiled-program cache is neither
/// read nor written.
#[test]
fn kiln_run_engine_interp_reports_like_the_jit_and_bypasses_the_cache() {
    let dir = scratch_dir("interp-cli");
    let cache = dir.join("cache");
    let file = dir.join("prog.expr");
    std::fs::write(
        &file,
        "param d: i64;\nprint(\"before\");\nlet xs = [1, 2, 3];\nprint(sum(xs) / d)\n",
    )
    .unwrap();
    let go = |engine: Option<&str>, param: &str| {
        let mut cmd = kiln_command();
        cmd.env("KILN_CACHE_DIR", &cache)
            .env("KILN_CACHE_LOG", "1")
            .env("NO_COLOR", "1")
            .arg("run");
        if let Some(e) = engine {
            cmd.args(["--engine", e]);
        }
        cmd.arg(&file).args(["--color", "never", "--param", param]);
        run(&mut cmd, None)
    };
    let ok = go(Some("interp"), "d=2");
    assert_eq!(ok.status, Some(0), "{ok:?}");
    assert_eq!(ok.stdout, "before\n3\n3\n");
    assert_eq!(ok.stderr, "", "no cache trace: the cache is not used");
    let bad = go(Some("interp"), "d=0");
    assert_eq!(bad.status, Some(3), "{bad:?}");
    assert_eq!(bad.stdout, "before\n");
    assert!(
        bad.stderr
            .contains("error[E0601]: division by zero: `6 / 0`")
            && bad.stderr.contains("prog.expr:4:7"),
        "{bad:?}"
    );
    assert!(
        !cache.exists() || std::fs::read_dir(&cache).unwrap().next().is_none(),
        "--engine interp wrote to the cache"
    );
    // The JIT says the same (and does use the cache).
    let jit = go(None, "d=0");
    assert_eq!((jit.status, &jit.stdout), (bad.status, &bad.stdout));
    assert!(jit.stderr.contains("cache"), "{jit:?}");
    assert!(jit.stderr.ends_with(&bad.stderr), "{jit:?}\n{bad:?}");
    let jit = go(Some("jit"), "d=2");
    assert_eq!(jit.stdout, ok.stdout);
    // Compile errors and usage errors keep their statuses.
    std::fs::write(&file, "1 +").unwrap();
    assert_eq!(go(Some("interp"), "d=1").status, Some(1));
    let unknown = run(
        kiln_command().args(["run", "--engine", "llvm"]).arg(&file),
        None,
    );
    assert_eq!(unknown.status, Some(2), "{unknown:?}");
    let eval = run(
        kiln_command().args(["eval", "--engine", "interp", "sort([0.0, -0.0])"]),
        None,
    );
    assert_eq!(
        (eval.status, eval.stdout.as_str()),
        (Some(0), "[-0.0, 0.0]\n")
    );
}

/// The library API: `EngineOptions::backend` chooses the interpreter for `run`,
/// `run_with` and `run_captured`; typed handles are refused; the options reach the
/// interpreter.
#[test]
fn the_engine_runs_programs_on_either_backend() {
    use kiln::{Backend, Engine, EngineOptions, Overflow, Value};
    let engine = |backend, overflow| {
        Engine::with_options(EngineOptions {
            backend,
            overflow,
            ..EngineOptions::default()
        })
    };
    let src = "param n: i64; param s: string;\nfn f(k: i64) -> i64 = if(k == 0, 0, k + f(k - 1));\nprint(s);\n[f(n), 100 / n]";
    let inputs = |n| [Value::I64(n), Value::Str("hi".into())];
    let jit = engine(Backend::Jit, Overflow::Wrap).compile(src).unwrap();
    let interp = engine(Backend::Interp, Overflow::Wrap)
        .compile(src)
        .unwrap();
    assert_eq!(
        (jit.backend(), interp.backend()),
        (Backend::Jit, Backend::Interp)
    );
    assert_eq!(interp.params(), jit.params());
    assert_eq!(interp.output_type(), jit.output_type());
    for n in [1, 10, 0] {
        assert_eq!(
            interp.run_captured(&inputs(n)),
            jit.run_captured(&inputs(n)),
            "n = {n}"
        );
    }
    let (r, out) = interp.run_captured(&inputs(4));
    assert_eq!(out, "hi\n");
    assert_eq!(r.unwrap().unwrap().to_string(), "[10, 25]");
    let e = match interp.typed::<(i64,), i64>() {
        Err(e) => e,
        Ok(_) => panic!("a typed handle of an interpreted program"),
    };
    assert!(e.message.contains("Backend::Interp"), "{e}");
    let trap = engine(Backend::Interp, Overflow::Trap)
        .compile("param x: i8; x + 100i8")
        .unwrap();
    assert_eq!(trap.run(&[Value::I8(1)]), Ok(Some(Value::I8(101))));
    assert_eq!(trap.run(&[Value::I8(100)]).unwrap_err().code(), "E0617");
    assert_eq!(interp.run(&[Value::I64(1)]).unwrap_err().code(), "E0605");
}

// ---- random library calls on both engines -------------------------------------------------

/// Values that find the edges, per element type.
const FLOATS: &[&str] = &[
    "0.0",
    "-0.0",
    "1.5",
    "-2.0",
    "(0.0 / 0.0)",
    "(1.0 / 0.0)",
    "(-1.0 / 0.0)",
    "1e308",
    "3.0",
    "0.1",
    "-1e-300",
];
const INTS: &[&str] = &[
    "0",
    "1",
    "-1",
    "7",
    "-128",
    "127",
    "9223372036854775807",
    "-9223372036854775807 - 1",
    "3",
];
const STRS: &[&str] = &[
    "\"\"",
    "\"a\"",
    "\"é\"",
    "\"ab,c\"",
    "\"  x \"",
    "\"straße\"",
    "\",\"",
    "\"b\\n\"",
];

/// One random program: a few lists and scalars of one element type, then a library
/// call or operator on them. Returns the program and the call's name.
fn library_program(rng: &mut Rng) -> (String, &'static str) {
    let (ty, pool) = match rng.below(5) {
        0 | 1 => ("f64", FLOATS),
        2 => ("f32", FLOATS),
        3 => (
            *["i64", "i8", "u8", "i32", "u64"].get(rng.below(5)).unwrap(),
            INTS,
        ),
        _ => ("string", STRS),
    };
    let value = |rng: &mut Rng| -> String {
        let v = rng.pick(pool);
        match ty {
            "f64" | "string" | "i64" => v.to_string(),
            t => format!("{t}({v})"),
        }
    };
    let list = |rng: &mut Rng| -> String {
        let n = rng.below(5);
        let items: Vec<String> = (0..n).map(|_| value(rng)).collect();
        items.join(", ")
    };
    let mut src = format!(
        "let xs: [{ty}] = [{}];\nlet ys: [{ty}] = [{}];\nlet a: {ty} = {};\nlet b: {ty} = {};\nlet c: {ty} = {};\nlet k: i64 = {};\n",
        list(rng),
        list(rng),
        value(rng),
        value(rng),
        value(rng),
        rng.pick(&["0", "1", "2", "-1", "5"]),
    );
    let numeric: &[&'static str] = &[
        "sum(xs)",
        "avg(xs)",
        "median(xs)",
        "min(xs)",
        "max(xs)",
        "min(a, b)",
        "max(a, b)",
        "clamp(a, b, c)",
        "abs(a)",
        "xs + ys",
        "xs - a",
        "xs * ys",
        "a / xs",
        "xs % ys",
        "xs < ys",
        "xs == a",
        "a + b",
        "a - b",
        "a * b",
        "a / b",
        "a % b",
        "-a",
        "i64(a)",
        "u8(a)",
        "f32(a)",
        "f64(a)",
        "i8(a)",
        "u64(a)",
    ];
    let any: &[&'static str] = &[
        "sort(xs)",
        "sort_desc(xs)",
        "unique(xs)",
        "count_distinct(xs)",
        "reverse(xs)",
        "index_of(xs, a)",
        "contains(xs, a)",
        "a in xs",
        "first(xs)",
        "last(xs)",
        "slice(xs, k, k + 2)",
        "concat(xs, ys)",
        "len(xs)",
        "xs[k]",
        "string(xs)",
        "string(a)",
        "filter(xs, xs == a)",
        "count(xs == a)",
        "any(xs == a)",
        "all(xs == a)",
        "a == b",
        "a < b",
        "a >= b",
    ];
    let strings: &[&'static str] = &[
        "len(a)",
        "concat(a, b)",
        "contains(a, b)",
        "starts_with(a, b)",
        "ends_with(a, b)",
        "find(a, b)",
        "substr(a, k, 2)",
        "upper(a)",
        "lower(a)",
        "trim(a)",
        "replace(a, b, c)",
        "split(a, b)",
        "join(xs, b)",
        "repeat(a, k)",
        "a + b",
        "f64(a)",
        "i64(a)",
        "bool(a)",
    ];
    let call = match ty {
        "string" if rng.below(2) == 0 => rng.pick(strings),
        "string" => rng.pick(any),
        _ if rng.below(2) == 0 => rng.pick(numeric),
        _ => rng.pick(any),
    };
    src.push_str(&format!("print(xs);\n{call}\n"));
    (src, call)
}

/// Where the JIT breaks a rule of the contract that the interpreter follows (issue 12):
/// `min`/`max`/`sort` and signed zeros (and so `median`, the middle of the sorted list),
/// `median` and infinities, `clamp` with bad bounds.
/// `printed` is what the program printed first: its list `xs`.
fn known_jit_disagreement(call: &str, src: &str, printed: &str) -> bool {
    let zeros = src.contains("-0.0") || printed.contains("-0.0");
    let infinite = src.contains("1.0 / 0.0") || printed.contains("inf");
    (zeros
        && ["min(", "max(", "sort", "median("]
            .iter()
            .any(|f| call.starts_with(f)))
        || (infinite && call.starts_with("median("))
        || call.starts_with("clamp(")
}

#[test]
fn random_library_calls_run_alike_on_the_jit_and_the_interpreter() {
    use kiln::runtime::RunCtx;
    let mut rng = Rng::new(0x1e55_0012);
    let (mut compared, mut known, mut problems) = (0, 0, Vec::new());
    // `KILN_INTERP_SCALE=N` multiplies the count (the seed stays fixed).
    let scale: usize = std::env::var("KILN_INTERP_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    for _ in 0..400 * scale {
        let (src, call) = library_program(&mut rng);
        let Ok(checked) = kiln::check_source(&src) else {
            continue;
        };
        let (program, _) = kiln::compile_source(&src, &kiln::Options::default())
            .unwrap_or_else(|d| panic!("{src}: {d:?}"));
        let mut ctx = RunCtx::new();
        ctx.capture_output();
        let jit = program.run_in(&mut ctx, &[]);
        let jit = (
            jit.map(|v| v.map(|v| kiln::interp::display(&v))),
            ctx.take_output(),
        );
        let mut out = String::new();
        let interp = kiln::driver::interpret(
            &checked.program,
            &[],
            &kiln::interp::Options::default(),
            &mut out,
        );
        let interp = (interp.map(|v| v.map(|v| kiln::interp::display(&v))), out);
        compared += 1;
        if jit != interp {
            if known_jit_disagreement(call, &src, &interp.1) {
                known += 1;
            } else {
                problems.push(format!("{src}  jit:    {jit:?}\n  interp: {interp:?}"));
            }
        }
    }
    assert!(compared >= 200, "only {compared} programs checked");
    assert!(
        problems.is_empty(),
        "{} of {compared} programs differ ({known} known):\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

/// Program sets follow the engine's backend: every output, or one alone (the others'
/// expressions not evaluated), alike on both.
#[test]
fn program_sets_run_alike_on_both_backends() {
    use kiln::{Backend, Engine, EngineOptions, Value};
    let sets: Vec<kiln::ProgramSet> = [Backend::Jit, Backend::Interp]
        .into_iter()
        .map(|backend| {
            Engine::with_options(EngineOptions {
                backend,
                ..EngineOptions::default()
            })
            .compile_set(
                "param n: i64; param s: string; let t = n * 2;",
                &[
                    ("twice", "t"),
                    ("ratio", "100 / n"),
                    ("label", "s + string(t)"),
                    ("half", "f64(n) / 2.0"),
                ],
            )
            .unwrap()
        })
        .collect();
    let (jit, interp) = (&sets[0], &sets[1]);
    assert_eq!(jit.params(), interp.params());
    for name in jit.names() {
        assert_eq!(jit.output_type(name), interp.output_type(name), "{name}");
    }
    for n in [4, 0, -3] {
        let inputs = [Value::I64(n), Value::Str("x".into())];
        assert_eq!(jit.run_all(&inputs), interp.run_all(&inputs), "n = {n}");
        for name in jit.names() {
            assert_eq!(
                jit.run(name, &inputs),
                interp.run(name, &inputs),
                "{name}, n = {n}"
            );
        }
    }
    assert_eq!(
        interp.run("label", &[Value::I64(0), Value::Str("x".into())]),
        Ok(Some(Value::Str("x0".into())))
    );
    assert_eq!(
        interp
            .run("nope", &[Value::I64(0), Value::Str("x".into())])
            .unwrap_err()
            .code(),
        "E0605"
    );
}
