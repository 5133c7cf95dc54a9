//! Compile latency (issue 18): `Engine::compile` of four programs, from a tiny one to a
//! large one, and compiling 10 000 distinct small rule expressions at once. Each
//! iteration checks and compiles from source, with the library's options (the best
//! machine code, `-O2`).
//!
//! The programs (`programs()`, also used by `tests/latency_programs.rs`, which checks
//! they compile and compute what they should):
//! - `1 + 2`;
//! - the formula `(a * 1.8 + b) / (c + 1.0) - log(a + 1.0)` over three `f64` params;
//! - a chain of 1 000 float terms `x * 0.5 + x * 1.5 - ...` (floats do not fold away);
//! - 200 nested `if`s over an `i64` param.
//!
//! Run with `cargo bench --bench latency`.

use criterion::{criterion_group, criterion_main, Criterion};
use kiln::Engine;
use std::hint::black_box;
use std::time::Duration;

// The checks of what the programs compute are the test's, not used here.
#[allow(dead_code)]
#[path = "../tests/common/latency.rs"]
mod latency;

fn compile_one(c: &mut Criterion) {
    let engine = Engine::new();
    let mut group = c.benchmark_group("Engine::compile");
    for (name, src) in latency::programs() {
        group.bench_function(name, |b| {
            b.iter(|| engine.compile(black_box(&src)).expect("compiles"))
        });
    }
    // One of the rules of `compile_rules`, alone: what a rule costs without the batch.
    let rule = latency::rules(1).remove(0);
    group.bench_function("one rule", |b| {
        b.iter(|| engine.compile(black_box(&rule)).expect("compiles"))
    });
    group.finish();
}

fn compile_rules(c: &mut Criterion) {
    let engine = Engine::new();
    let rules = latency::rules(10_000);
    let texts: Vec<&str> = rules.iter().map(String::as_str).collect();
    let mut group = c.benchmark_group("rules");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("compile_many 10 000 rules", |b| {
        b.iter(|| {
            let programs = engine.compile_many(black_box(&texts));
            assert!(programs.iter().all(Result::is_ok));
            programs
        })
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .sample_size(20)
}

criterion_group! {
    name = benches;
    config = config();
    targets = compile_one, compile_rules
}
criterion_main!(benches);
