//! Compiling large generated programs at -O2 (issue 13): a list literal of 100 000
//! integer constants (one constant array, copied with one `memcpy`, not a store per
//! element), a flat chain `x + x + ... ` of 100 000 terms (walked with loops by every
//! stage), and a chain of 100 000 float operations that reach machine code. Each
//! iteration checks and compiles the program from source.
//!
//! Run with `cargo bench --bench compile_large`.

use criterion::{criterion_group, criterion_main, Criterion};
use kiln::{compile_source, Options};
use std::hint::black_box;
use std::time::Duration;

const N: usize = 100_000;

fn compile(src: &str) {
    match compile_source(src, &Options::default()) {
        Ok((compiled, _)) => drop(black_box(compiled)),
        Err(d) => panic!("{d:?}"),
    }
}

fn list_literal(c: &mut Criterion) {
    let items: Vec<String> = (0..N).map(|i| ((i * 7919) % 100_003).to_string()).collect();
    let src = format!("let xs = [{}];\nsum(xs)\n", items.join(", "));
    let mut g = c.benchmark_group("compile_large");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("list_literal_100k_ints", |b| b.iter(|| compile(&src)));
    let floats: Vec<String> = (0..N).map(|i| format!("{}.25", i % 977)).collect();
    let src = format!("let xs = [{}];\nsum(xs)\n", floats.join(", "));
    g.bench_function("list_literal_100k_floats", |b| b.iter(|| compile(&src)));
    g.finish();
}

fn chain(c: &mut Criterion) {
    let src = format!("param x: i64;\n{}\n", vec!["x"; N].join(" + "));
    let mut g = c.benchmark_group("compile_large");
    g.sample_size(10).measurement_time(Duration::from_secs(30));
    g.bench_function("chain_100k_terms", |b| b.iter(|| compile(&src)));
    // Floats do not fold away: 100 000 multiplications and additions reach machine code
    // (a huge block gets the fast machine passes, see jit::optimise::machine_level).
    let products: Vec<String> = (0..N / 2).map(|i| format!("y * {}.5", i % 7)).collect();
    let src = format!("param y: f64;\n{}\n", products.join(" + "));
    g.bench_function("float_chain_100k_operations", |b| b.iter(|| compile(&src)));
    g.finish();
}

criterion_group!(benches, list_literal, chain);
criterion_main!(benches);
