//! Compile latency (issue 18): `Engine::compile` of four programs, from a tiny one to a
//! large one, and compiling 10 000 distinct small rule expressions at once, with the best
//! and with quick machine code (and what a typed call of a rule costs with each). Each
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
use kiln::{Engine, EngineOptions};
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
    // The small straight-line ones again with quick machine code.
    let quick = quick();
    let small = latency::programs().into_iter().take(2);
    for (name, src) in small.chain([("one rule", rule.clone())]) {
        group.bench_function(format!("{name}, quick machine code"), |b| {
            b.iter(|| quick.compile(black_box(&src)).expect("compiles"))
        });
    }
    group.finish();
}

/// An engine that makes quick machine code (`EngineOptions::quick_machine_code`).
fn quick() -> Engine {
    Engine::with_options(EngineOptions {
        quick_machine_code: true,
        ..EngineOptions::default()
    })
}

fn compile_rules(c: &mut Criterion) {
    let rules = latency::rules(10_000);
    let texts: Vec<&str> = rules.iter().map(String::as_str).collect();
    let mut group = c.benchmark_group("rules");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for (name, engine) in [
        ("compile_many 10 000 rules", Engine::new()),
        ("compile_many 10 000 rules, quick machine code", quick()),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let programs = engine.compile_many(black_box(&texts));
                assert!(programs.iter().all(Result::is_ok));
                programs
            })
        });
    }
    // The same rules compiled one at a time on every core, each its own module, object
    // and link: what `compile_many` did before it compiled groups.
    let engine = Engine::new();
    group.bench_function("10 000 rules, each alone on every core", |b| {
        b.iter(|| {
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            std::thread::scope(|scope| {
                let workers: Vec<_> = texts
                    .chunks(texts.len().div_ceil(cores))
                    .map(|chunk| {
                        let engine = &engine;
                        scope.spawn(move || {
                            let programs: Vec<_> =
                                chunk.iter().map(|t| engine.compile(t)).collect();
                            assert!(programs.iter().all(Result::is_ok));
                            programs
                        })
                    })
                    .collect();
                workers
                    .into_iter()
                    .map(|w| w.join().expect("a worker"))
                    .collect::<Vec<_>>()
            })
        })
    });
    group.finish();
}

/// What quick machine code costs at run time: a typed call of a numeric rule (typed
/// calls take no strings), compiled with each engine, over a cycle of rows.
fn call_rule(c: &mut Criterion) {
    let rule = "param amount: f64; param qty: i64; param limit: f64;\n\
                amount * 3.25 > limit and qty >= 5 or amount < limit * 0.01";
    let in_rust = |amount: f64, qty: i64, limit: f64| {
        amount * 3.25 > limit && qty >= 5 || amount < limit * 0.01
    };
    let rows: Vec<(f64, i64, f64)> = (0..64)
        .map(|i| (i as f64 * 7.5, i % 9, 100.0 + (i % 5) as f64 * 40.0))
        .collect();
    let mut group = c.benchmark_group("rule typed call");
    for (name, engine) in [
        ("optimised", Engine::new()),
        ("quick machine code", quick()),
    ] {
        let program = engine.compile(rule).expect("compiles");
        let typed = program
            .typed::<(f64, i64, f64), bool>()
            .expect("the rule's signature");
        for &(amount, qty, limit) in &rows {
            assert_eq!(
                typed.call(amount, qty, limit),
                Ok(in_rust(amount, qty, limit))
            );
        }
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut yes = 0;
                for &(amount, qty, limit) in &rows {
                    yes += typed
                        .call(black_box(amount), black_box(qty), limit)
                        .unwrap() as u32;
                }
                yes
            })
        });
    }
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
    targets = compile_one, compile_rules, call_rule
}
criterion_main!(benches);
