//! Recursive calls: `fib(24)` (about 75,000 calls of a recursive function) in Kiln, called
//! through a typed handle, against the same function in Rust. Every recursive Kiln call
//! checks the stack, the interrupt flag and the recursion count on entry, so this is
//! where those guards cost most.
//!
//! Run with `cargo bench --bench recursion`; it takes a few seconds.

use criterion::{criterion_group, criterion_main, Criterion};
use kiln::Engine;
use std::hint::black_box;
use std::time::Duration;

fn fib_in_rust(n: i64) -> i64 {
    if n < 2 {
        n
    } else {
        fib_in_rust(n - 1) + fib_in_rust(n - 2)
    }
}

fn fib(c: &mut Criterion) {
    let program = Engine::new()
        .compile(
            "param n: i64; fn fib(k: i64) -> i64 = if(k < 2, k, fib(k - 1) + fib(k - 2)); fib(n)",
        )
        .expect("fib compiles");
    let f = program.typed::<(i64,), i64>().expect("(i64) -> i64");
    assert_eq!(f.call(24), Ok(fib_in_rust(24)));
    let mut group = c.benchmark_group("fib(24)");
    group.bench_function("kiln", |b| b.iter(|| f.call(black_box(24))));
    group.bench_function("rust", |b| b.iter(|| fib_in_rust(black_box(24))));
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
    targets = fib
}
criterion_main!(benches);
