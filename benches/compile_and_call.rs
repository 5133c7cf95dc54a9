//! What it costs to compile a tiny program, and to call a compiled formula three ways:
//! through the raw function pointer, as the same formula written in Rust, and through
//! the checked `Compiled::run(&[Value])`.
//!
//! Run with `cargo bench --bench compile_and_call`; the whole run takes well under a
//! minute (short warm-up and measurement, few samples).

use criterion::{criterion_group, criterion_main, Criterion};
use kiln::diag::render::{render_list, Format};
use kiln::runtime::RunCtx;
use kiln::{compile_source, Compiled, Options, Value};
use std::hint::black_box;
use std::time::Duration;

const FORMULA: &str = "param a: f64; param b: f64; param c: f64; (a*1.8+b)/(c+1)-log(a+1)";

/// The formula as plain Rust, for comparison.
fn formula_in_rust(a: f64, b: f64, c: f64) -> f64 {
    // `log` is Kiln's (the `libm` crate's, on every path).
    (a * 1.8 + b) / (c + 1.0) - libm::log(a + 1.0)
}

/// The generated `main` of a program with three f64 inputs and an f64 result: the run
/// context first, then the inputs in declaration order.
type Formula = unsafe extern "C" fn(*mut RunCtx, f64, f64, f64) -> f64;

fn compile(src: &str) -> Compiled {
    match compile_source(src, &Options::default()) {
        Ok((compiled, _warnings)) => compiled,
        Err(diags) => panic!(
            "{}",
            render_list(&diags, "<bench>", src, Format::Human { color: false })
        ),
    }
}

fn compile_tiny_program(c: &mut Criterion) {
    c.bench_function("compile `1 + 2`", |b| {
        b.iter(|| compile(black_box("1 + 2")))
    });
    // The library path: fully optimised machine code, as an embedding host gets it.
    let engine = kiln::Engine::new();
    c.bench_function("Engine::compile `1 + 2`", |b| {
        b.iter(|| engine.compile(black_box("1 + 2")).unwrap())
    });
}

fn call_formula(c: &mut Criterion) {
    let compiled = compile(FORMULA);
    let mut context = compiled.new_context();
    let ctx: *mut RunCtx = &mut *context;
    // SAFETY: `main_address` is the entry of the program's generated `main`, whose
    // signature for three f64 inputs and an f64 result is `Formula`. `compiled` (which
    // owns the code) and the context outlive every call below.
    let formula: Formula =
        unsafe { std::mem::transmute::<usize, Formula>(compiled.main_address()) };
    let (a, b, c_in) = (2.0, 3.0, 4.0);

    // The three ways must agree before their speed means anything.
    // SAFETY: as above.
    let direct = unsafe { formula(ctx, a, b, c_in) };
    let expected = formula_in_rust(a, b, c_in);
    assert!((direct - expected).abs() < 1e-12, "{direct} != {expected}");
    let inputs = [Value::F64(a), Value::F64(b), Value::F64(c_in)];
    assert_eq!(compiled.run(&inputs), Ok(Some(Value::F64(direct))));

    let mut group = c.benchmark_group("call (a*1.8+b)/(c+1)-log(a+1)");
    group.bench_function("kiln, function pointer", |bench| {
        // SAFETY: as above.
        bench.iter(|| unsafe { formula(ctx, black_box(a), black_box(b), black_box(c_in)) })
    });
    group.bench_function("rust", |bench| {
        bench.iter(|| formula_in_rust(black_box(a), black_box(b), black_box(c_in)))
    });
    group.bench_function("kiln, run(&[Value])", |bench| {
        bench.iter(|| compiled.run(black_box(&inputs)))
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
}

criterion_group! {
    name = benches;
    config = config();
    targets = compile_tiny_program, call_formula
}
criterion_main!(benches);
