//! Arrow (issue 16): `(a * 1.8 + b) / (c + 1.0) - log(a + 1.0)` over 1 M rows of three
//! `Float64` columns, through `Program::run_arrow` (a record batch in, a `Float64Array`
//! out), side by side with
//!
//! - arrow-rs compute kernels (`arrow-arith`) composing the same expression, one kernel
//!   per operator (each a pass over the data and a new array), `log` as a `unary` map;
//! - a hand-written Rust loop over the arrays' value slices, collected into a `Vec<f64>`
//!   and wrapped as a `Float64Array` (what the columns loop does by hand; it calls the
//!   `libm` crate's `log`, as Kiln's `log` does, so both compute the same bits).
//!
//! Targets: `run_arrow` at most 1.1× the loop and faster than the kernels. Each is run
//! without nulls and with 10 % nulls in `a` (the kernels and the loop propagate the null
//! buffer; Kiln applies its null rule: the expression cannot fault and has no side
//! effect, so every row runs and the null rows are masked).
//!
//! Also `len(s)` over 1 M `Utf8` strings (read through the array's offsets in place)
//! against a Rust loop over the array.
//!
//! Run with `cargo bench --bench arrow`; the whole run takes a few seconds.

use arrow_arith::arity::unary;
use arrow_arith::numeric::{add, div, mul, sub};
use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use arrow_array::{
    Array, ArrayRef, Float64Array, Int64Array, RecordBatch, Scalar, StringArray, StringViewArray,
};
use arrow_buffer::NullBuffer;
use criterion::{criterion_group, criterion_main, Criterion};
use kiln::Engine;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

const N: usize = 1_000_000;
const SRC: &str =
    "param a: f64; param b: f64; param c: f64; (a * 1.8 + b) / (c + 1.0) - log(a + 1.0)";

/// Three columns of positive values; `a` null in every tenth row when `nulls`.
fn batch(nulls: bool) -> RecordBatch {
    let col = |k: u64, nulls: bool| -> ArrayRef {
        Arc::new(Float64Array::from_iter((0..N as u64).map(|i| {
            let h = i.wrapping_add(k).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
            (!(nulls && i % 10 == 3)).then_some((h % 10_000) as f64 / 7.0)
        })))
    };
    RecordBatch::try_from_iter([
        ("a", col(1, nulls)),
        ("b", col(2, false)),
        ("c", col(3, false)),
    ])
    .expect("a batch")
}

/// The expression with arrow-rs kernels, one per operator.
fn kernels(batch: &RecordBatch) -> ArrayRef {
    let (a, b, c) = (batch.column(0), batch.column(1), batch.column(2));
    let k = |x: f64| Scalar::new(Float64Array::from(vec![x]));
    let t = mul(a, &k(1.8)).unwrap();
    let t = add(&t, b).unwrap();
    let d = add(c, &k(1.0)).unwrap();
    let t = div(&t, &d).unwrap();
    let l = add(a, &k(1.0)).unwrap();
    let l: Float64Array = unary(l.as_primitive::<Float64Type>(), libm::log);
    sub(&t, &l).unwrap()
}

/// The expression as a Rust loop over the value slices.
fn rust_loop(batch: &RecordBatch) -> ArrayRef {
    let col = |i: usize| batch.column(i).as_primitive::<Float64Type>();
    let (a, b, c) = (col(0), col(1), col(2));
    let out: Vec<f64> = a
        .values()
        .iter()
        .zip(b.values().iter())
        .zip(c.values().iter())
        .map(|((&a, &b), &c)| (a * 1.8 + b) / (c + 1.0) - libm::log(a + 1.0))
        .collect();
    let nulls = NullBuffer::union(NullBuffer::union(a.nulls(), b.nulls()).as_ref(), c.nulls());
    Arc::new(Float64Array::new(out.into(), nulls))
}

fn bench(c: &mut Criterion) {
    let program = Engine::new().compile(SRC).expect("compiles");
    for nulls in [false, true] {
        let batch = batch(nulls);
        let kiln = program.run_arrow(&batch).expect("runs");
        assert_eq!(kiln.as_ref(), rust_loop(&batch).as_ref());
        assert_eq!(kiln.as_ref(), kernels(&batch).as_ref());
        assert_eq!(kiln.null_count(), if nulls { N / 10 } else { 0 });

        let name = match nulls {
            false => "(a * 1.8 + b) / (c + 1.0) - log(a + 1.0), 1M rows, no nulls",
            true => "(a * 1.8 + b) / (c + 1.0) - log(a + 1.0), 1M rows, 10% nulls",
        };
        let mut group = c.benchmark_group(name);
        group.bench_function("kiln run_arrow", |b| {
            b.iter(|| program.run_arrow(black_box(&batch)).unwrap())
        });
        group.bench_function("arrow-rs kernels", |b| {
            b.iter(|| kernels(black_box(&batch)))
        });
        group.bench_function("rust loop over the slices", |b| {
            b.iter(|| rust_loop(black_box(&batch)))
        });
        group.finish();
    }
}

/// `len(s)` (characters) over 1 M `Utf8` strings: the compiled loop reads the array's
/// offsets and text in place, against `chars().count()` over the array in Rust.
fn strings(c: &mut Criterion) {
    let words: ArrayRef = Arc::new(StringArray::from_iter_values((0..N as u64).map(|i| {
        let h = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
        "ab\u{e9}cd".repeat(1 + (h % 4) as usize)
    })));
    let batch = RecordBatch::try_from_iter([("s", words)]).expect("a batch");
    let program = Engine::new()
        .compile("param s: string; len(s)")
        .expect("compiles");
    let rust = |batch: &RecordBatch| -> ArrayRef {
        let s = batch.column(0).as_string::<i32>();
        let out: Vec<i64> = s
            .iter()
            .map(|s| s.map_or(0, |s| s.chars().count() as i64))
            .collect();
        Arc::new(Int64Array::new(out.into(), s.nulls().cloned()))
    };
    assert_eq!(
        program.run_arrow(&batch).unwrap().as_ref(),
        rust(&batch).as_ref()
    );
    let mut group = c.benchmark_group("len(s), 1M Utf8 strings");
    group.bench_function("kiln run_arrow", |b| {
        b.iter(|| program.run_arrow(black_box(&batch)).unwrap())
    });
    // The same strings as `Utf8View`: cut into `&str`s and passed as pairs (the path
    // strings took before offsets were read in place).
    let view: ArrayRef = Arc::new(StringViewArray::from_iter_values(
        batch
            .column(0)
            .as_string::<i32>()
            .iter()
            .map(|s| s.unwrap_or("")),
    ));
    let view = RecordBatch::try_from_iter([("s", view)]).expect("a batch");
    group.bench_function("kiln run_arrow, Utf8View (as pairs)", |b| {
        b.iter(|| program.run_arrow(black_box(&view)).unwrap())
    });
    group.bench_function("rust loop over the array", |b| {
        b.iter(|| rust(black_box(&batch)))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = bench, strings
}
criterion_main!(benches);
