//! The time library over 1 M timestamps, side by side with jiff called directly in a
//! Rust loop: `sum(map(ts, t -> year(t)))` (UTC and "Europe/Berlin") and
//! `map(ts, t -> date_trunc(t, "day"))` (UTC and "Europe/Berlin"). Kiln's generated
//! `main` is called directly with the list input (a `[timestamp]` is i64 nanoseconds),
//! the arena reset between calls; each case first checks that both sides agree.
//!
//! Run with `cargo bench --bench time`.

use criterion::{criterion_group, criterion_main, Criterion};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use kiln::abi::RtStr;
use kiln::runtime::RunCtx;
use kiln::{compile_source, Compiled, Options};
use std::hint::black_box;
use std::time::Duration;

const N: usize = 1_000_000;

/// `kiln_main(ctx, ts)`: an i64 result.
type ScalarFn = unsafe extern "C" fn(*mut RunCtx, *const i64, i64) -> i64;
/// `kiln_main(ctx, out, ts)`: a list result through the out pointer.
type ListFn = unsafe extern "C" fn(*mut RunCtx, *mut RtStr, *const i64, i64);

fn compile(src: &str) -> Compiled {
    match compile_source(src, &Options::default()) {
        Ok((compiled, _)) => compiled,
        Err(d) => panic!("{d:?}"),
    }
}

/// Timestamps spread over 1970–2100 (nanosecond precision), in no order.
fn data() -> Vec<i64> {
    let mut s: u64 = 0x9e37_79b9_7f4a_7c15;
    let span = 4_102_444_800i64 * 1_000_000_000; // 2100-01-01 in nanoseconds
    (0..N)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 1) as i64 % span
        })
        .collect()
}

fn jiff_ts(ns: i64) -> Timestamp {
    Timestamp::from_nanosecond(i128::from(ns)).expect("in range")
}

/// The sum of the years, by jiff.
fn years(ts: &[i64], tz: &TimeZone) -> i64 {
    ts.iter()
        .map(|&t| i64::from(jiff_ts(t).to_zoned(tz.clone()).year()))
        .sum()
}

/// Each timestamp truncated to the start of its day in the zone, by jiff.
fn days(ts: &[i64], tz: &TimeZone) -> Vec<i64> {
    ts.iter()
        .map(|&t| {
            let z = jiff_ts(t).to_zoned(tz.clone());
            let start = z.start_of_day().expect("a day start");
            start.timestamp().as_nanosecond() as i64
        })
        .collect()
}

fn scalar_case(c: &mut Criterion, name: &str, src: &str, rust: impl Fn(&[i64]) -> i64) {
    let xs = data();
    let compiled = compile(src);
    let mut context = compiled.new_context();
    let ctx: *mut RunCtx = &mut *context;
    // SAFETY: the generated main of a program with one [timestamp] input and an i64
    // result is `ScalarFn`; `compiled` and the context outlive every call.
    let f: ScalarFn = unsafe { std::mem::transmute::<usize, ScalarFn>(compiled.main_address()) };
    let run = |ctx: *mut RunCtx, xs: &[i64]| {
        // SAFETY: as above.
        unsafe {
            (*ctx).reset();
            f(ctx, xs.as_ptr(), xs.len() as i64)
        }
    };
    assert_eq!(run(ctx, &xs), rust(&xs), "{name}");
    let mut group = c.benchmark_group(format!("{name}, 1M timestamps"));
    group.bench_function("kiln", |b| b.iter(|| black_box(run(ctx, black_box(&xs)))));
    group.bench_function("jiff", |b| b.iter(|| rust(black_box(&xs))));
    group.finish();
}

fn list_case(c: &mut Criterion, name: &str, src: &str, rust: impl Fn(&[i64]) -> Vec<i64>) {
    let xs = data();
    let compiled = compile(src);
    let mut context = compiled.new_context();
    let ctx: *mut RunCtx = &mut *context;
    // SAFETY: the generated main of a program with one [timestamp] input and a
    // [timestamp] result is `ListFn`; `compiled` and the context outlive every call, and
    // each result is read before the context is reset.
    let f: ListFn = unsafe { std::mem::transmute::<usize, ListFn>(compiled.main_address()) };
    let run = |ctx: *mut RunCtx, xs: &[i64]| {
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
    // SAFETY: the result holds `out.len` i64 in the context's arena, alive until reset.
    let got = unsafe { std::slice::from_raw_parts(out.ptr as *const i64, out.len as usize) };
    assert_eq!(got, &rust(&xs)[..], "{name}");
    let mut group = c.benchmark_group(format!("{name}, 1M timestamps"));
    group.bench_function("kiln", |b| b.iter(|| black_box(run(ctx, black_box(&xs)))));
    group.bench_function("jiff", |b| b.iter(|| rust(black_box(&xs))));
    group.finish();
}

fn time(c: &mut Criterion) {
    let berlin = TimeZone::get("Europe/Berlin").expect("the zone database");
    scalar_case(
        c,
        "sum(map(ts, t -> year(t)))",
        "param ts: [timestamp]; sum(map(ts, t -> year(t)))",
        |xs| years(xs, &TimeZone::UTC),
    );
    scalar_case(
        c,
        "sum(map(ts, t -> year(t, \"Europe/Berlin\")))",
        "param ts: [timestamp]; sum(map(ts, t -> year(t, \"Europe/Berlin\")))",
        |xs| years(xs, &berlin),
    );
    list_case(
        c,
        "map(ts, t -> date_trunc(t, \"day\"))",
        "param ts: [timestamp]; map(ts, t -> date_trunc(t, \"day\"))",
        |xs| days(xs, &TimeZone::UTC),
    );
    list_case(
        c,
        "map(ts, t -> date_trunc(t, \"day\", \"Europe/Berlin\"))",
        "param ts: [timestamp]; map(ts, t -> date_trunc(t, \"day\", \"Europe/Berlin\"))",
        |xs| days(xs, &berlin),
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = time
}
criterion_main!(benches);
