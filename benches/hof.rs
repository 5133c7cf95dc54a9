//! Higher-order built-ins over 1 M f64, side by side with the same Rust iterator chains:
//! `map(xs, x -> x * 2.0 + 1.0)`, `filter(xs, x -> x > 0.5)`,
//! `reduce(xs, 0.0, (a, x) -> a + x * x)` and `sum(map(xs, x -> x * x))` (fused: no list
//! in between). Kiln's generated `main` is called directly with the list input, the
//! arena reset between calls; both sides use IEEE semantics in order (no fast math).
//!
//! Run with `cargo bench --bench hof`; the whole run takes well under a minute.

use criterion::{criterion_group, criterion_main, Criterion};
use kiln::abi::RtStr;
use kiln::runtime::RunCtx;
use kiln::{compile_source, Compiled, Options};
use std::hint::black_box;
use std::time::Duration;

const N: usize = 1_000_000;

/// `kiln_main(ctx, xs)`: the list as (ptr, len), an f64 result.
type ScalarFn = unsafe extern "C" fn(*mut RunCtx, *const f64, i64) -> f64;
/// `kiln_main(ctx, out, xs)`: a list result goes through the out pointer.
type ListFn = unsafe extern "C" fn(*mut RunCtx, *mut RtStr, *const f64, i64);

fn compile(src: &str) -> Compiled {
    match compile_source(src, &Options::default()) {
        Ok((compiled, _)) => compiled,
        Err(d) => panic!("{d:?}"),
    }
}

/// Values in [0, 1), about half above 0.5, in no order a branch predictor could learn.
fn data() -> Vec<f64> {
    let mut s: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..N)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect()
}

fn list_case(c: &mut Criterion, name: &str, src: &str, rust: impl Fn(&[f64]) -> Vec<f64>) {
    let xs = data();
    let compiled = compile(src);
    let mut context = compiled.new_context();
    let ctx: *mut RunCtx = &mut *context;
    // SAFETY: the generated main of a program with one [f64] input and a [f64] result
    // is `ListFn`; `compiled` and the context outlive every call, and each result is
    // read before the context is reset.
    let f: ListFn = unsafe { std::mem::transmute::<usize, ListFn>(compiled.main_address()) };
    let run = |ctx: *mut RunCtx, xs: &[f64]| {
        let mut out = RtStr {
            ptr: std::ptr::null(),
            len: 0,
        };
        // SAFETY: as above.
        unsafe {
            (*ctx).reset();
            f(ctx, &mut out, xs.as_ptr(), xs.len() as i64);
        }
        out
    };
    let out = run(ctx, &xs);
    // SAFETY: the result holds `out.len` f64 in the context's arena, alive until reset.
    let got = unsafe { std::slice::from_raw_parts(out.ptr as *const f64, out.len as usize) };
    assert_eq!(got, &rust(&xs)[..], "{name}");
    let mut group = c.benchmark_group(format!("{name}, 1M f64"));
    group.bench_function("kiln", |b| b.iter(|| black_box(run(ctx, black_box(&xs)))));
    group.bench_function("rust", |b| b.iter(|| rust(black_box(&xs))));
    group.finish();
}

fn scalar_case(c: &mut Criterion, name: &str, src: &str, rust: impl Fn(&[f64]) -> f64) {
    let xs = data();
    let compiled = compile(src);
    let mut context = compiled.new_context();
    let ctx: *mut RunCtx = &mut *context;
    // SAFETY: the generated main of a program with one [f64] input and an f64 result
    // is `ScalarFn`; `compiled` and the context outlive every call.
    let f: ScalarFn = unsafe { std::mem::transmute::<usize, ScalarFn>(compiled.main_address()) };
    let run = |xs: &[f64]| {
        // SAFETY: as above.
        unsafe {
            (*ctx).reset();
            f(ctx, xs.as_ptr(), xs.len() as i64)
        }
    };
    assert_eq!(run(&xs), rust(&xs), "{name}");
    let mut group = c.benchmark_group(format!("{name}, 1M f64"));
    group.bench_function("kiln", |b| b.iter(|| run(black_box(&xs))));
    group.bench_function("rust", |b| b.iter(|| rust(black_box(&xs))));
    group.finish();
}

fn map(c: &mut Criterion) {
    list_case(
        c,
        "map(xs, x -> x * 2.0 + 1.0)",
        "param xs: [f64]; map(xs, x -> x * 2.0 + 1.0)",
        |xs| xs.iter().map(|x| x * 2.0 + 1.0).collect(),
    );
}

fn filter(c: &mut Criterion) {
    list_case(
        c,
        "filter(xs, x -> x > 0.5)",
        "param xs: [f64]; filter(xs, x -> x > 0.5)",
        |xs| xs.iter().copied().filter(|&x| x > 0.5).collect(),
    );
}

fn reduce(c: &mut Criterion) {
    scalar_case(
        c,
        "reduce(xs, 0.0, (a, x) -> a + x * x)",
        "param xs: [f64]; reduce(xs, 0.0, (a, x) -> a + x * x)",
        |xs| xs.iter().fold(0.0, |a, x| a + x * x),
    );
}

fn sum_map(c: &mut Criterion) {
    scalar_case(
        c,
        "sum(map(xs, x -> x * x))",
        "param xs: [f64]; sum(map(xs, x -> x * x))",
        |xs| xs.iter().map(|x| x * x).sum(),
    );
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
    targets = map, filter, reduce, sum_map
}
criterion_main!(benches);
