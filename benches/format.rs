//! `format` (issue 15) against Rust's `format!` doing the same work, side by side:
//!
//! - one call: `len(format("{:.2}", x))` through a typed handle (a run per call: context
//!   reset, the call, the arena string), against `format!("{:.2}", x).len()`;
//! - a list: `sum(map(xs, x -> len(format("{:.2}", x))))` over 100 000 f64 (the
//!   generated `main` called directly), against the same sum of `format!` lengths;
//! - two arguments: `len(format("{} items at {:>8.2}", n, price))` through a typed
//!   handle, against `format!("{} items at {:>8.2}", n, price).len()`.
//!
//! The literal format strings are planned when the programs compile: a run does no
//! parsing. Run with `cargo bench --bench format`; the whole run takes a few seconds.

use criterion::{criterion_group, criterion_main, Criterion};
use kiln::runtime::RunCtx;
use kiln::{compile_source, Engine, Options};
use std::hint::black_box;
use std::time::Duration;

const N: usize = 100_000;

fn one_call(c: &mut Criterion) {
    let program = Engine::new()
        .compile("param x: f64; len(format(\"{:.2}\", x))")
        .unwrap();
    let h = program.typed::<(f64,), i64>().unwrap();
    let x = 1234.5678;
    let kiln = || h.call(black_box(x)).unwrap();
    let rust = || format!("{:.2}", black_box(x)).len() as i64;
    assert_eq!(kiln(), rust());
    let mut group = c.benchmark_group("format(\"{:.2}\", x), one call");
    group.bench_function("kiln typed handle", |b| b.iter(kiln));
    group.bench_function("rust format!", |b| b.iter(rust));
    group.finish();
}

/// `kiln_main(ctx, xs)` of a program with one `[f64]` input (its `{ ptr, i64 }` pair,
/// passed as two arguments) and an `i64` result.
type ListFn = unsafe extern "C" fn(*mut RunCtx, *const f64, i64) -> i64;

fn over_a_list(c: &mut Criterion) {
    let xs: Vec<f64> = (0..N).map(|i| i as f64 * 0.37 - 5000.0).collect();
    let src = "param xs: [f64]; sum(map(xs, x -> len(format(\"{:.2}\", x))))";
    let compiled = match compile_source(src, &Options::default()) {
        Ok((compiled, _)) => compiled,
        Err(d) => panic!("{d:?}"),
    };
    let mut context = compiled.new_context();
    let ctx: *mut RunCtx = &mut *context;
    // SAFETY: the generated main of a program with one list input and an i64 result is
    // `ListFn`; `compiled`, the context and `xs` outlive every call.
    let f: ListFn = unsafe { std::mem::transmute::<usize, ListFn>(compiled.main_address()) };
    let kiln = || unsafe {
        (*ctx).reset();
        f(ctx, black_box(xs.as_ptr()), xs.len() as i64)
    };
    let rust = || {
        black_box(&xs)
            .iter()
            .map(|x| format!("{x:.2}").len() as i64)
            .sum::<i64>()
    };
    assert_eq!(kiln(), rust());
    let mut group = c.benchmark_group("map(xs, x -> format(\"{:.2}\", x)), 100k f64");
    group.bench_function("kiln", |b| b.iter(kiln));
    group.bench_function("rust format!", |b| b.iter(rust));
    group.finish();
}

fn two_arguments(c: &mut Criterion) {
    let program = Engine::new()
        .compile("param n: i64; param price: f64; len(format(\"{} items at {:>8.2}\", n, price))")
        .unwrap();
    let h = program.typed::<(i64, f64), i64>().unwrap();
    let (n, price) = (12, 2.71);
    let kiln = || h.call(black_box(n), black_box(price)).unwrap();
    let rust = || format!("{} items at {:>8.2}", black_box(n), black_box(price)).len() as i64;
    assert_eq!(kiln(), rust());
    let mut group = c.benchmark_group("format(\"{} items at {:>8.2}\", n, price), one call");
    group.bench_function("kiln typed handle", |b| b.iter(kiln));
    group.bench_function("rust format!", |b| b.iter(rust));
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(15)
}

criterion_group! {
    name = benches;
    config = config();
    targets = one_call, over_a_list, two_arguments
}
criterion_main!(benches);
