//! Kiln as a library, side by side with the same expressions written in Rust and run by
//! an interpreter a Rust user might otherwise pick (evalexpr, a dev-dependency of the
//! benchmarks only):
//! - `formula`: `(a*1.8+b)/(c+1)-log(a+1)` over three f64 params;
//! - `rule`: a switch/and/or feature rule over an i64 and two f64 params;
//! - `columns`: the formula over 1 M rows of three f64 columns.
//!
//! Each call cycles through a small table of inputs (so nothing is constant-folded), and
//! every variant hands criterion the plain result (`call(..).unwrap()` for Kiln), as a
//! caller uses it.
//! Run with `cargo bench --bench embed`. Kiln compiles for the host CPU; for a Rust
//! baseline on equal terms, build the benchmark for it too:
//! `RUSTFLAGS="-C target-cpu=native" cargo bench --bench embed` (without it, Rust code is
//! generic x86-64 SSE2, which calls into glibc's AVX `log` at a large transition cost, so
//! the formula in Rust looks 2× slower than it is).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use evalexpr::{
    ContextWithMutableVariables, DefaultNumericTypes, HashMapContext, Node, Value as EValue,
};
use kiln::engine::{Column, ColumnBuf};
use kiln::{Engine, Program, Value};
use std::hint::black_box;
use std::time::Duration;

const FORMULA: &str = "param a: f64; param b: f64; param c: f64; (a*1.8+b)/(c+1)-log(a+1)";
const FORMULA_EVALEXPR: &str = "(a*1.8+b)/(c+1.0)-math::ln(a+1.0)";

fn formula_in_rust(a: f64, b: f64, c: f64) -> f64 {
    // `log` is Kiln's (the `libm` crate's, on every path).
    (a * 1.8 + b) / (c + 1.0) - libm::log(a + 1.0)
}

const RULE: &str = "param age: i64; param income: f64; param debt: f64;
switch(age < 18, 0.0,
       income <= 0.0 or debt / income > 0.6, 0.1,
       age >= 65 and income < 20000.0, 0.4,
       0.9)";
/// evalexpr's `if` is a function: it evaluates both branches.
const RULE_EVALEXPR: &str = "if(age < 18, 0.0, if(income <= 0.0 || debt / income > 0.6, 0.1, \
     if(age >= 65 && income < 20000.0, 0.4, 0.9)))";

fn rule_in_rust(age: i64, income: f64, debt: f64) -> f64 {
    if age < 18 {
        0.0
    } else if income <= 0.0 || debt / income > 0.6 {
        0.1
    } else if age >= 65 && income < 20000.0 {
        0.4
    } else {
        0.9
    }
}

const ROWS: [(f64, f64, f64); 8] = [
    (2.0, 3.0, 4.0),
    (10.5, -1.0, 0.5),
    (0.0, 0.0, 0.0),
    (123.0, 7.0, 9.0),
    (5.5, 2.5, 1.5),
    (42.0, 42.0, 42.0),
    (0.25, 8.0, 3.0),
    (77.0, -5.0, 2.0),
];

const PEOPLE: [(i64, f64, f64); 8] = [
    (17, 1000.0, 0.0),
    (30, 0.0, 10.0),
    (40, 50000.0, 40000.0),
    (70, 15000.0, 100.0),
    (35, 60000.0, 1000.0),
    (66, 30000.0, 0.0),
    (25, 20000.0, 11000.0),
    (50, 90000.0, 20000.0),
];

fn compile(src: &str) -> Program {
    Engine::new()
        .compile(src)
        .unwrap_or_else(|e| panic!("{}", e.render()))
}

fn evalexpr_tree(src: &str) -> Node<DefaultNumericTypes> {
    evalexpr::build_operator_tree::<DefaultNumericTypes>(src).expect("evalexpr parses it")
}

fn formula(c: &mut Criterion) {
    let program = compile(FORMULA);
    let typed = program.typed::<(f64, f64, f64), f64>().unwrap();
    let tree = evalexpr_tree(FORMULA_EVALEXPR);
    let mut vars = HashMapContext::<DefaultNumericTypes>::new();
    let eval = |vars: &mut HashMapContext<DefaultNumericTypes>, (a, b, c): (f64, f64, f64)| {
        vars.set_value("a".into(), EValue::Float(a)).unwrap();
        vars.set_value("b".into(), EValue::Float(b)).unwrap();
        vars.set_value("c".into(), EValue::Float(c)).unwrap();
        tree.eval_float_with_context(vars).unwrap()
    };
    // All four agree before their speed means anything.
    for &(a, b, c) in &ROWS {
        let want = formula_in_rust(a, b, c);
        assert_eq!(typed.call(a, b, c), Ok(want));
        let dynamic = program.run(&[Value::F64(a), Value::F64(b), Value::F64(c)]);
        assert_eq!(dynamic, Ok(Some(Value::F64(want))));
        assert!((eval(&mut vars, (a, b, c)) - want).abs() < 1e-9);
    }
    let mut g = c.benchmark_group("formula");
    g.bench_function("kiln compile", |bch| {
        bch.iter(|| Engine::new().compile(black_box(FORMULA)).unwrap())
    });
    g.bench_function("evalexpr parse", |bch| {
        bch.iter(|| evalexpr_tree(black_box(FORMULA_EVALEXPR)))
    });
    let mut i = 0;
    let mut next = move || {
        i = (i + 1) % ROWS.len();
        black_box(ROWS[i])
    };
    g.bench_function("rust", |bch| {
        bch.iter(|| {
            let (a, b, c) = next();
            formula_in_rust(a, b, c)
        })
    });
    // The same Rust function called through a pointer, as a host calls any compiled
    // expression it did not write itself.
    let f: fn(f64, f64, f64) -> f64 = black_box(formula_in_rust);
    g.bench_function("rust fn pointer", |bch| {
        bch.iter(|| {
            let (a, b, c) = next();
            f(a, b, c)
        })
    });
    g.bench_function("kiln typed", |bch| {
        bch.iter(|| {
            let (a, b, c) = next();
            typed.call(a, b, c).unwrap()
        })
    });
    g.bench_function("kiln dynamic", |bch| {
        bch.iter(|| {
            let (a, b, c) = next();
            program
                .run(&[Value::F64(a), Value::F64(b), Value::F64(c)])
                .unwrap()
        })
    });
    g.bench_function("evalexpr", |bch| bch.iter(|| eval(&mut vars, next())));
    g.finish();
}

fn rule(c: &mut Criterion) {
    let program = compile(RULE);
    let typed = program.typed::<(i64, f64, f64), f64>().unwrap();
    let tree = evalexpr_tree(RULE_EVALEXPR);
    let mut vars = HashMapContext::<DefaultNumericTypes>::new();
    let eval = |vars: &mut HashMapContext<DefaultNumericTypes>,
                (age, income, debt): (i64, f64, f64)| {
        vars.set_value("age".into(), EValue::Int(age)).unwrap();
        vars.set_value("income".into(), EValue::Float(income))
            .unwrap();
        vars.set_value("debt".into(), EValue::Float(debt)).unwrap();
        tree.eval_float_with_context(vars).unwrap()
    };
    for &(age, income, debt) in &PEOPLE {
        let want = rule_in_rust(age, income, debt);
        assert_eq!(typed.call(age, income, debt), Ok(want));
        assert_eq!(eval(&mut vars, (age, income, debt)), want);
    }
    let mut g = c.benchmark_group("rule");
    let mut i = 0;
    let mut next = move || {
        i = (i + 1) % PEOPLE.len();
        black_box(PEOPLE[i])
    };
    g.bench_function("rust", |bch| {
        bch.iter(|| {
            let (age, income, debt) = next();
            rule_in_rust(age, income, debt)
        })
    });
    let f: fn(i64, f64, f64) -> f64 = black_box(rule_in_rust);
    g.bench_function("rust fn pointer", |bch| {
        bch.iter(|| {
            let (age, income, debt) = next();
            f(age, income, debt)
        })
    });
    g.bench_function("kiln typed", |bch| {
        bch.iter(|| {
            let (age, income, debt) = next();
            typed.call(age, income, debt).unwrap()
        })
    });
    g.bench_function("evalexpr", |bch| bch.iter(|| eval(&mut vars, next())));
    g.finish();
}

const COLUMN_ROWS: usize = 1_000_000;

fn columns(c: &mut Criterion) {
    let n = COLUMN_ROWS;
    let a: Vec<f64> = (0..n).map(|i| (i % 1000) as f64 * 0.5).collect();
    let b: Vec<f64> = (0..n).map(|i| (i % 77) as f64 - 30.0).collect();
    let cc: Vec<f64> = (0..n).map(|i| (i % 13) as f64).collect();
    let mut out = vec![0.0; n];
    let rust_loop = |out: &mut [f64]| {
        for i in 0..out.len() {
            out[i] = formula_in_rust(a[i], b[i], cc[i]);
        }
    };
    rust_loop(&mut out);
    let program = compile(FORMULA);
    let cols = [Column::F64(&a), Column::F64(&b), Column::F64(&cc)];
    match program.run_columns(&cols) {
        Ok(ColumnBuf::F64(got)) => assert_eq!(got, out),
        other => panic!("{other:?}"),
    }
    let mut g = c.benchmark_group("columns");
    g.throughput(Throughput::Elements(n as u64));
    g.bench_with_input(BenchmarkId::new("rust loop", n), &n, |bch, _| {
        bch.iter(|| rust_loop(black_box(&mut out)))
    });
    g.bench_with_input(BenchmarkId::new("kiln run_columns", n), &n, |bch, _| {
        bch.iter(|| program.run_columns(black_box(&cols)))
    });
    let typed = program.typed::<(f64, f64, f64), f64>().unwrap();
    g.bench_with_input(
        BenchmarkId::new("kiln typed call per row", n),
        &n,
        |bch, _| {
            bch.iter(|| {
                for i in 0..n {
                    out[i] = typed.call(a[i], b[i], cc[i]).unwrap();
                }
            })
        },
    );
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30);
    targets = formula, rule, columns
}
criterion_main!(benches);
