//! A 1 M-element `range` built and summed: `sum(range(n))` in Kiln (the generated
//! `main` called directly, the arena reset between calls) against the same in Rust,
//! `(0..n).collect::<Vec<i64>>().iter().sum()`. Both build the whole list, then add it.
//!
//! Run with `cargo bench --bench range`; the whole run takes a few seconds.

use criterion::{criterion_group, criterion_main, Criterion};
use kiln::runtime::RunCtx;
use kiln::{compile_source, Options};
use std::hint::black_box;
use std::time::Duration;

const N: i64 = 1_000_000;

/// `kiln_main(ctx, n)` of a program with one i64 input and an i64 result.
type RangeSumFn = unsafe extern "C" fn(*mut RunCtx, i64) -> i64;

fn range_sum(c: &mut Criterion) {
    let compiled = match compile_source("param n: i64; sum(range(n))", &Options::default()) {
        Ok((compiled, _)) => compiled,
        Err(d) => panic!("{d:?}"),
    };
    let mut context = compiled.new_context();
    let ctx: *mut RunCtx = &mut *context;
    // SAFETY: the generated main of a program with one i64 input and an i64 result is
    // `RangeSumFn`; `compiled` and the context outlive every call.
    let f: RangeSumFn =
        unsafe { std::mem::transmute::<usize, RangeSumFn>(compiled.main_address()) };
    let run = |n: i64| {
        // SAFETY: as above; the list lives in the arena until the next reset.
        unsafe {
            (*ctx).reset();
            f(ctx, n)
        }
    };
    let rust = |n: i64| (0..n).collect::<Vec<i64>>().iter().sum::<i64>();
    assert_eq!(run(N), rust(N));
    assert_eq!(run(N), N * (N - 1) / 2);

    let mut group = c.benchmark_group("sum(range(n)), n = 1M");
    group.bench_function("kiln", |b| b.iter(|| run(black_box(N))));
    group.bench_function("rust", |b| b.iter(|| rust(black_box(N))));
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
    targets = range_sum
}
criterion_main!(benches);
