//! Regular expressions (issue 15): `matches(s, "^[a-z]+\\d{2}$")` over 100 000 strings,
//! side by side with the `regex` crate called directly in a Rust loop over the same
//! strings (target: at most 1.2×).
//!
//! - literal: `count(xs, s -> matches(s, "^[a-z]+\\d{2}$"))` over a `[string]` (the
//!   generated `main` called directly), the pattern compiled when the program was and
//!   reached through its call site's slot; also the runtime function the generated loop
//!   calls, called from a Rust loop (what the JIT loop itself costs);
//! - computed: the same with the pattern a `string` param (the runtime's per-thread
//!   cache), against the crate with the pattern compiled once before the loop;
//! - columns: `matches(s, "^[a-z]+\\d{2}$")` over a string column (`run_columns`, one
//!   `bool` out per row), against collecting `is_match` into a `Vec<bool>`.
//!
//! Run with `cargo bench --bench regex`; the whole run takes a few seconds.

use criterion::{criterion_group, criterion_main, Criterion};
use kiln::engine::{Column, ColumnBuf};
use kiln::runtime::abi::RtStr;
use kiln::runtime::RunCtx;
use kiln::{compile_source, Engine, Options};
use regex::Regex;
use std::hint::black_box;
use std::time::Duration;

const N: usize = 100_000;
const PATTERN: &str = r"^[a-z]+\d{2}$";

/// Strings of which about half match: `abc12`, `xyz7`, `hello42x`, ...
fn data() -> Vec<String> {
    (0..N)
        .map(|i| {
            let h = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
            let word: String = (0..(3 + h % 6))
                .map(|k| (b'a' + ((h >> k) % 26) as u8) as char)
                .collect();
            match h % 4 {
                0 | 1 => format!("{word}{:02}", h % 100),
                2 => format!("{word}{}", h % 10),
                _ => format!("{word}{:02}x", h % 100),
            }
        })
        .collect()
}

/// The strings as a Kiln `[string]` in memory: `{ ptr, len }` pairs.
fn pairs(xs: &[String]) -> Vec<RtStr> {
    xs.iter()
        .map(|s| RtStr {
            ptr: s.as_ptr(),
            len: s.len() as i64,
        })
        .collect()
}

/// `kiln_main(ctx, xs)` of a program with one `[string]` input and an `i64` result.
type CountFn = unsafe extern "C" fn(*mut RunCtx, *const RtStr, i64) -> i64;
/// `kiln_main(ctx, xs, p)` with a `string` input after the list.
type CountWithFn = unsafe extern "C" fn(*mut RunCtx, *const RtStr, i64, *const u8, i64) -> i64;

fn literal(c: &mut Criterion) {
    let xs = data();
    let elems = pairs(&xs);
    let src = format!("param xs: [string]; count(xs, s -> matches(s, {PATTERN:?}))");
    let (compiled, _) = compile_source(&src, &Options::default()).expect("compiles");
    let mut context = compiled.new_context();
    let ctx: *mut RunCtx = &mut *context;
    // SAFETY: the generated main of a program with one list input and an i64 result is
    // `CountFn`; `compiled`, the context and `elems` outlive every call.
    let f: CountFn = unsafe { std::mem::transmute::<usize, CountFn>(compiled.main_address()) };
    let kiln = || unsafe {
        (*ctx).reset();
        f(ctx, black_box(elems.as_ptr()), elems.len() as i64)
    };
    let re = Regex::new(PATTERN).unwrap();
    let rust = || black_box(&xs).iter().filter(|s| re.is_match(s)).count() as i64;
    assert_eq!(kiln(), rust());
    assert!(rust() > 0 && rust() < N as i64);

    let mut group = c.benchmark_group("matches with a literal pattern, 100k strings");
    group.bench_function("kiln count(xs, s -> matches(s, lit))", |b| b.iter(kiln));
    group.bench_function("rust regex is_match loop", |b| b.iter(rust));
    // The runtime function generated code calls, called from a Rust loop: what is left of
    // the gap once the loop is Rust's (the JIT loop's own share).
    let literal = kiln_runtime::regex::literal(PATTERN).expect("compiles");
    let runtime = || {
        black_box(&elems)
            .iter()
            // SAFETY: `literal` is the process's compiled pattern; each pair is a string.
            .map(|p| unsafe { kiln_runtime::regex::kiln_rt_re_is_match(literal, p.ptr, p.len) })
            .sum::<i64>()
    };
    assert_eq!(runtime(), rust());
    group.bench_function("rust loop calling the runtime's is_match", |b| {
        b.iter(runtime)
    });
    group.finish();
}

fn computed(c: &mut Criterion) {
    let xs = data();
    let elems = pairs(&xs);
    let src = "param xs: [string]; param p: string; count(xs, s -> matches(s, p))";
    let (compiled, _) = compile_source(src, &Options::default()).expect("compiles");
    let mut context = compiled.new_context();
    let ctx: *mut RunCtx = &mut *context;
    // SAFETY: as in `literal`, with the pattern's pair after the list's.
    let f: CountWithFn =
        unsafe { std::mem::transmute::<usize, CountWithFn>(compiled.main_address()) };
    let kiln = || unsafe {
        (*ctx).reset();
        f(
            ctx,
            black_box(elems.as_ptr()),
            elems.len() as i64,
            PATTERN.as_ptr(),
            PATTERN.len() as i64,
        )
    };
    let re = Regex::new(PATTERN).unwrap();
    let rust = || black_box(&xs).iter().filter(|s| re.is_match(s)).count() as i64;
    assert_eq!(kiln(), rust());

    let mut group = c.benchmark_group("matches with a computed pattern, 100k strings");
    group.bench_function("kiln count(xs, s -> matches(s, p))", |b| b.iter(kiln));
    group.bench_function("rust regex is_match loop", |b| b.iter(rust));
    group.finish();
}

fn columns(c: &mut Criterion) {
    let xs = data();
    let strs: Vec<&str> = xs.iter().map(String::as_str).collect();
    let program = Engine::new()
        .compile(&format!("param s: string; matches(s, {PATTERN:?})"))
        .expect("compiles");
    let col = Column::from(&strs[..]);
    let cols = [col];
    let kiln = || match program.run_columns(black_box(&cols)) {
        Ok(ColumnBuf::Bool(out)) => out,
        other => panic!("{other:?}"),
    };
    let re = Regex::new(PATTERN).unwrap();
    let rust = || {
        black_box(&strs)
            .iter()
            .map(|s| re.is_match(s))
            .collect::<Vec<bool>>()
    };
    assert_eq!(kiln(), rust());

    let mut group = c.benchmark_group("matches over a string column, 100k rows");
    group.bench_function("kiln columns", |b| b.iter(kiln));
    group.bench_function("rust regex is_match collect", |b| b.iter(rust));
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
}

criterion_group! {
    name = benches;
    config = config();
    targets = literal, computed, columns
}
criterion_main!(benches);
