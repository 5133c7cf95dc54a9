//! List aggregates and element-wise arithmetic over 1 M f64: `sum(xs)` and
//! `xs * 2.0 + ys` in Kiln (the generated `main` called directly with list inputs, the
//! arena reset between calls) against the same in Rust.
//!
//! Run with `cargo bench --bench lists`; the whole run takes well under a minute.

use criterion::{criterion_group, criterion_main, Criterion};
use kiln::abi::RtStr;
use kiln::runtime::RunCtx;
use kiln::{compile_source, Compiled, Options};
use std::hint::black_box;
use std::time::Duration;

const N: usize = 1_000_000;

/// `kiln_main(ctx, xs)` with the list split into (ptr, len) and an f64 result.
type SumFn = unsafe extern "C" fn(*mut RunCtx, *const f64, i64) -> f64;
/// `kiln_main(ctx, out, xs, ys)`: a list result goes through the out pointer.
type AxpyFn = unsafe extern "C" fn(*mut RunCtx, *mut RtStr, *const f64, i64, *const f64, i64);

fn compile(src: &str) -> Compiled {
    match compile_source(src, &Options::default()) {
        Ok((compiled, _)) => compiled,
        Err(d) => panic!("{d:?}"),
    }
}

fn data() -> (Vec<f64>, Vec<f64>) {
    let xs = (0..N).map(|i| (i % 1000) as f64 * 0.5).collect();
    let ys = (0..N).map(|i| (i % 7) as f64).collect();
    (xs, ys)
}

fn sum(c: &mut Criterion) {
    let (xs, _) = data();
    let compiled = compile("param xs: [f64]; sum(xs)");
    let mut context = compiled.new_context();
    let ctx: *mut RunCtx = &mut *context;
    // SAFETY: the generated main of a program with one [f64] input and an f64 result
    // is `SumFn` (the `{ptr, i64}` pair is passed as its two fields); `compiled` and the
    // context outlive every call.
    let f: SumFn = unsafe { std::mem::transmute::<usize, SumFn>(compiled.main_address()) };
    let kiln = unsafe { f(ctx, xs.as_ptr(), xs.len() as i64) };
    let rust: f64 = xs.iter().sum();
    assert_eq!(kiln, rust);

    let mut group = c.benchmark_group("sum(xs), 1M f64");
    group.bench_function("kiln", |b| {
        // SAFETY: as above.
        b.iter(|| unsafe { f(ctx, black_box(xs.as_ptr()), black_box(xs.len() as i64)) })
    });
    group.bench_function("rust", |b| b.iter(|| black_box(&xs).iter().sum::<f64>()));
    group.finish();
}

fn axpy(c: &mut Criterion) {
    let (xs, ys) = data();
    let compiled = compile("param xs: [f64]; param ys: [f64]; xs * 2.0 + ys");
    let mut context = compiled.new_context();
    let ctx: *mut RunCtx = &mut *context;
    // SAFETY: the generated main of a program with two [f64] inputs and a [f64] result
    // is `AxpyFn`; `compiled` and the context outlive every call, and each result is
    // read before the context is reset.
    let f: AxpyFn = unsafe { std::mem::transmute::<usize, AxpyFn>(compiled.main_address()) };
    let run = |ctx: *mut RunCtx| {
        let mut out = RtStr {
            ptr: std::ptr::null(),
            len: 0,
        };
        // SAFETY: as above.
        unsafe {
            (*ctx).reset();
            f(ctx, &mut out, xs.as_ptr(), N as i64, ys.as_ptr(), N as i64);
        }
        out
    };
    let out = run(ctx);
    // SAFETY: the result holds `out.len` f64 in the context's arena, alive until reset.
    let got = unsafe { std::slice::from_raw_parts(out.ptr as *const f64, out.len as usize) };
    let want: Vec<f64> = xs.iter().zip(&ys).map(|(x, y)| x * 2.0 + y).collect();
    assert_eq!(got, &want[..]);

    let mut group = c.benchmark_group("xs * 2.0 + ys, 1M f64");
    group.bench_function("kiln", |b| b.iter(|| black_box(run(ctx))));
    group.bench_function("rust", |b| {
        b.iter(|| {
            black_box(&xs)
                .iter()
                .zip(black_box(&ys))
                .map(|(x, y)| x * 2.0 + y)
                .collect::<Vec<f64>>()
        })
    });
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
    targets = sum, axpy
}
criterion_main!(benches);
