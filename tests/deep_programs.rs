//! The deepest programs the parser accepts, and flat operator chains of a million terms,
//! check, compile and run through the library on a thread with a small stack (2 MiB,
//! Rust's default for spawned threads): the compiler's recursive passes find room
//! whatever stack the host calls them on, and every stage walks a chain with a loop.

mod common;

use common::{kiln_command, run, scratch_dir};
use kiln::driver::{self, interpret};
use kiln::{compile_source, interp, Options, Value};

fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("the compiler must not overflow the caller's stack")
}

/// `src` compiled at -O2 and run with `inputs`, on a small stack; an error's code and
/// message.
fn run_small(src: String) -> Result<Option<Value>, String> {
    on_small_stack(move || match compile_source(&src, &Options::default()) {
        Ok((compiled, _)) => compiled.run(&[]).map_err(|e| e.message),
        Err(d) => Err(format!("{}: {}", d[0].code, d[0].message)),
    })
}

type Outcome = Result<Option<Value>, String>;

/// `src` checked once, compiled at -O0 and -O2 and run on the JIT, and run on the
/// interpreter, all on a small stack: for each set of inputs, the three results.
fn every_engine(src: String, inputs: Vec<Vec<Value>>) -> Vec<[Outcome; 3]> {
    on_small_stack(move || {
        let checked = match driver::check_source(&src) {
            Ok(c) => c,
            Err(d) => {
                let e: Outcome = Err(format!("{}: {}", d[0].code, d[0].message));
                return vec![[e.clone(), e.clone(), e]];
            }
        };
        let compiled = |opt_level: u8| {
            let options = Options {
                opt_level,
                ..Options::default()
            };
            driver::compile(&checked.program, &options).map_err(|e| e.0)
        };
        let (o0, o2) = (compiled(0), compiled(2));
        let jit = |c: &Result<kiln::Compiled, String>, inputs: &[Value]| match c {
            Ok(c) => c.run(inputs).map_err(|e| e.message),
            Err(e) => Err(e.clone()),
        };
        let interpreted = |inputs: &[Value]| {
            let mut printed = String::new();
            let options = interp::Options::default();
            interpret(&checked.program, inputs, &options, &mut printed).map_err(|e| e.message)
        };
        inputs
            .iter()
            .map(|i| [jit(&o0, i), jit(&o2, i), interpreted(i)])
            .collect()
    })
}

/// The same `want` from every engine, for each set of inputs.
fn agree(want: &[Outcome]) -> Vec<[Outcome; 3]> {
    want.iter()
        .map(|w| [w.clone(), w.clone(), w.clone()])
        .collect()
}

/// `first op term(1) op term(2) ... op term(n - 1)`: a flat chain of `n` terms.
fn chain(n: usize, op: &str, term: impl Fn(usize) -> String) -> String {
    let mut src = String::with_capacity(n * 8);
    for i in 0..n {
        if i > 0 {
            src.push_str(op);
        }
        src.push_str(&term(i));
    }
    src
}

/// The contract's size: "a generated `a + b + c + ...` of 1,000,000 terms compiles".
const MILLION: usize = 1_000_000;

/// Far more than any stage could recurse through on a 2 MiB stack (a frame per term),
/// small enough that the debug test build checks it in seconds, not minutes.
const LONG: usize = 200_000;

#[test]
fn a_chain_of_1000_additions() {
    let src = vec!["1"; 1000].join(" + ");
    assert_eq!(run_small(src), Ok(Some(Value::I64(1000))));
}

#[test]
fn a_long_chain_of_literals_added() {
    let src = chain(LONG, " + ", |_| "1".into());
    let want = Ok(Some(Value::I64(LONG as i64)));
    assert_eq!(every_engine(src, vec![vec![]]), agree(&[want]));
}

#[test]
fn a_million_terms_of_a_param() {
    // x - x + x - x ...: nothing folds it away before LLVM does.
    let body = chain(MILLION, "", |i| match (i, i % 2) {
        (0, _) => "x".into(),
        (_, 1) => " - x".into(),
        _ => " + x".into(),
    });
    let src = format!("param x: i64;\n{body} + 7\n");
    let want = Ok(Some(Value::I64(7)));
    assert_eq!(
        every_engine(src, vec![vec![Value::I64(12345)]]),
        agree(&[want])
    );
}

#[test]
fn a_million_terms_of_an_optional_param() {
    // x - x + x - x ... + y + 7 with optional params: one lifting node for the whole
    // chain (every optional operand bound once, tested once, then the plain chain).
    let body = chain(MILLION, "", |i| match (i, i % 2) {
        (0, _) => "x".into(),
        (_, 1) => " - x".into(),
        _ => " + x".into(),
    });
    let src = format!("param x: i64?;\nparam y: i64?;\n{body} + y + 7\n");
    let inputs = vec![
        vec![Value::I64(12345), Value::I64(0)],
        vec![Value::I64(12345), Value::None],
        vec![Value::None, Value::I64(1)],
    ];
    let want = [
        Ok(Some(Value::I64(7))),
        Ok(Some(Value::None)),
        Ok(Some(Value::None)),
    ];
    assert_eq!(every_engine(src, inputs), agree(&want));
}

#[test]
fn a_long_chain_of_products_summed() {
    // a*b + c*d + ...: a chain of `+` whose right operands are chains of `*`, and an
    // f64 variable, so the literals take its type.
    let body = chain(LONG / 2, " + ", |i| format!("y * {}", i % 3));
    let src = format!("param y: f64;\n{body}\n");
    // The sum of i % 3 for i < 100_000: 33_333 ones and 33_333 twos.
    let want = Ok(Some(Value::F64(0.5 * 99_999.0)));
    assert_eq!(
        every_engine(src, vec![vec![Value::F64(0.5)]]),
        agree(&[want])
    );
}

#[test]
fn a_long_chain_of_conditions_with_and_and_or() {
    // Short-circuit all the way: only the last `or` operand decides.
    let ands = chain(LONG / 2, " and ", |i| format!("n > {i}"));
    let src = format!("param n: i64;\n{ands} or n == 3\n");
    let ns = [LONG as i64, 3, 4];
    let inputs = ns.iter().map(|n| vec![Value::I64(*n)]).collect();
    let want = [true, true, false].map(|b| Ok(Some(Value::Bool(b))));
    assert_eq!(every_engine(src, inputs), agree(&want));
}

#[test]
fn a_long_chain_short_circuits_before_a_fault() {
    // Operands that can fault run only when the chain is still undecided: with n = 1000,
    // `100 / (n - 1000)` would divide by zero, but `n < 0` has decided the `and` first.
    let faulting = |from: usize, to: usize| {
        chain(to - from, " and ", |i| {
            format!("100 / (n - {}) != 1000", from + i)
        })
    };
    let src = format!(
        "param n: i64;\n{} and n < 0 and {} or n == 1\n",
        faulting(0, 500),
        faulting(1000, 1500)
    );
    // -3: every operand runs, none divides by zero, all hold.
    let inputs = [1000, -3, 5000].map(|n| vec![Value::I64(n)]).to_vec();
    let want = [false, true, false].map(|b| Ok(Some(Value::Bool(b))));
    assert_eq!(every_engine(src, inputs), agree(&want));
}

#[test]
fn a_long_chain_builds_into_an_executable() {
    let dir = scratch_dir("deep-chain");
    let body = chain(100_000, " + ", |i| format!("x * {}", i % 2));
    std::fs::write(dir.join("prog.expr"), format!("param x: i64;\n{body}\n")).expect("write");
    let made = run(
        kiln_command().current_dir(&dir).args([
            "build",
            "prog.expr",
            "--emit",
            "exe",
            "-o",
            "prog",
        ]),
        None,
    );
    assert_eq!(made.status, Some(0), "kiln build: {made:?}");
    let ran = run(
        std::process::Command::new(dir.join("prog")).args(["--param", "x=3"]),
        None,
    );
    assert_eq!(ran.stdout, "150000\n", "{ran:?}");
}

#[test]
fn brackets_ifs_and_prefix_operators_250_deep() {
    let parens = format!("{}7{}", "(".repeat(250), ")".repeat(250));
    assert_eq!(run_small(parens), Ok(Some(Value::I64(7))));
    let ifs = format!("{}1{}", "if(true, 1, ".repeat(250), ")".repeat(250));
    assert_eq!(run_small(ifs), Ok(Some(Value::I64(1))));
    let negs = format!("{}5", "-".repeat(250));
    assert_eq!(run_small(negs), Ok(Some(Value::I64(5))));
}

#[test]
fn deeper_than_the_parser_accepts_is_a_diagnostic() {
    // Brackets are nesting (a chain is not): 300 levels are over the limit of 256.
    let parens = format!("{}7{}", "(".repeat(300), ")".repeat(300));
    let err = run_small(parens).unwrap_err();
    assert!(err.starts_with("E0010"), "{err}");
    // Right operands are nesting too: `1 + (1 + (1 + ...))` through calls.
    let calls = format!("{}1{}", "abs(1 + ".repeat(300), ")".repeat(300));
    let err = run_small(calls).unwrap_err();
    assert!(err.starts_with("E0010"), "{err}");
}

#[test]
fn a_long_constant_list_literal_is_data_not_code() {
    let items: Vec<String> = (0..10_000).map(|i| (i * 37 % 1001).to_string()).collect();
    let total: i64 = (0..10_000).map(|i| i * 37 % 1001).sum();
    let src = format!(
        "param x: i64;\nlet xs = [{}, x, -x, 2];\nlet fs = [{}.5, 1.0 / 4.0];\nsum(xs) + i64(sum(fs) * 4.0)\n",
        items.join(", "),
        items.join(".5, ")
    );
    let checked = driver::check_source(&src).expect("a valid program");
    let options = Options {
        opt_level: 0,
        ..Options::default()
    };
    let ir = driver::emit_ir(&checked.program, &options).expect("IR");
    // The constants are two arrays in read-only data (the elements computed at run time
    // are zero there); only `x` and `-x` are stored one by one.
    assert!(
        ir.contains("private unnamed_addr constant [10003 x i64]"),
        "no constant array of the integers"
    );
    assert!(
        ir.contains("private unnamed_addr constant [10001 x double]"),
        "no constant array of the floats"
    );
    let stores = ir
        .lines()
        .filter(|l| l.trim_start().starts_with("store"))
        .count();
    assert!(
        stores < 20,
        "{stores} stores: the constants are stored one by one"
    );
    // Every engine sees the same list: the constants, then `x`, `-x` and 2.
    let floats = 4 * total + 10_000 * 2 + 1;
    let want = Ok(Some(Value::I64(total + 2 + floats)));
    assert_eq!(every_engine(src, vec![vec![Value::I64(5)]]), agree(&[want]));
}
