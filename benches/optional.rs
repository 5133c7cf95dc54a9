//! Optional inputs (v1): an optional `f64` column of 1 M rows with 10 % nulls through
//! `x ?? 0.0`, against the same in Rust over `Option<f64>`.
//!
//! - columnar: `Program::run_columns` over `Column::opt(values, validity)` (a values
//!   buffer and an Arrow-style bitmap, as Arrow hands them over) giving a `ColumnBuf` of
//!   1 M `f64`, against `xs.iter().map(|x| x.unwrap_or(0.0)).collect::<Vec<f64>>()`;
//! - list: `sum(xs)` over a `[f64?]` (the generated `main` called directly; `sum` skips
//!   `none`, which is adding 0.0), against `xs.iter().map(|x| x.unwrap_or(0.0)).sum()`.
//!
//! Run with `cargo bench --bench optional`; the whole run takes a few seconds.

use criterion::{criterion_group, criterion_main, Criterion};
use kiln::engine::{validity_bitmap, Column, ColumnBuf};
use kiln::runtime::RunCtx;
use kiln::{compile_source, Engine, Options};
use std::hint::black_box;
use std::time::Duration;

const N: usize = 1_000_000;

/// Row `i` is null for 10 % of the rows, spread as a hash spreads them.
fn data() -> Vec<Option<f64>> {
    (0..N)
        .map(|i| {
            let h = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
            (h % 10 != 0).then_some(i as f64 * 0.5)
        })
        .collect()
}

fn column(c: &mut Criterion) {
    let xs = data();
    let values: Vec<f64> = xs.iter().map(|x| x.unwrap_or(0.0)).collect();
    let validity = validity_bitmap(xs.iter().map(Option::is_some));
    let program = Engine::new().compile("param x: f64?; x ?? 0.0").unwrap();
    let values_col = Column::from(&values);
    let cols = [Column::opt(&values_col, &validity)];
    let kiln = || match program.run_columns(black_box(&cols)) {
        Ok(ColumnBuf::F64(out)) => out,
        other => panic!("{other:?}"),
    };
    let rust = || {
        black_box(&xs)
            .iter()
            .map(|x| x.unwrap_or(0.0))
            .collect::<Vec<f64>>()
    };
    assert_eq!(kiln(), rust());

    let mut group = c.benchmark_group("x ?? 0.0 over an f64? column, 1M rows, 10% null");
    group.bench_function("kiln columns", |b| b.iter(kiln));
    group.bench_function("rust Option<f64>", |b| b.iter(rust));
    group.finish();
}

/// An element of a `[f64?]` in memory: `{ f64, u8 valid }` (see `kiln_runtime::typecode`).
#[repr(C)]
#[derive(Clone, Copy)]
struct OptF64 {
    value: f64,
    valid: u8,
}

/// `kiln_main(ctx, xs)` of a program with one `[f64?]` input (its `{ ptr, i64 }` pair,
/// passed as two arguments) and an `f64` result.
type SumFn = unsafe extern "C" fn(*mut RunCtx, *const OptF64, i64) -> f64;

fn list(c: &mut Criterion) {
    let xs = data();
    let elems: Vec<OptF64> = xs
        .iter()
        .map(|x| OptF64 {
            value: x.unwrap_or(0.0),
            valid: x.is_some() as u8,
        })
        .collect();
    let compiled = match compile_source("param xs: [f64?]; sum(xs)", &Options::default()) {
        Ok((compiled, _)) => compiled,
        Err(d) => panic!("{d:?}"),
    };
    let mut context = compiled.new_context();
    let ctx: *mut RunCtx = &mut *context;
    // SAFETY: the generated main of a program with one list input and an f64 result is
    // `SumFn`; `compiled`, the context and `elems` outlive every call.
    let f: SumFn = unsafe { std::mem::transmute::<usize, SumFn>(compiled.main_address()) };
    let kiln = || unsafe {
        (*ctx).reset();
        f(ctx, black_box(elems.as_ptr()), elems.len() as i64)
    };
    let rust = || black_box(&xs).iter().map(|x| x.unwrap_or(0.0)).sum::<f64>();
    let (k, r) = (kiln(), rust());
    assert!((k - r).abs() <= r.abs() * 1e-9, "{k} {r}");

    let mut group = c.benchmark_group("sum of an f64? list, 1M elements, 10% none");
    group.bench_function("kiln sum(xs)", |b| b.iter(kiln));
    group.bench_function("rust Option<f64>", |b| b.iter(rust));
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
    targets = column, list
}
criterion_main!(benches);
