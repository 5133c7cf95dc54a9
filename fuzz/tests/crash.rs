//! Crash fuzzing in CI: mutations (byte and token level) of the examples, the `tests/ui`
//! cases and generated programs go through parse, check, compile and run, and Kiln must
//! report on each: no panic, no internal error (E0999), no hang — in process, thousands
//! of them — and, for a sample through the `kiln` command, no signal and an exit status
//! of 0..=3 with a message whenever it is not 0. Fixed seeds; `KILN_FUZZ_SCALE=N`
//! multiplies the counts.

use kiln_fuzz::crash::{self, Crash};
use kiln_fuzz::gen;
use kiln_fuzz::mutate;
use kiln_fuzz::rng::{derive, Rng};
use kiln_fuzz::runner::KilnCmd;
use std::time::Duration;

fn scaled(n: u64) -> u64 {
    let k = std::env::var("KILN_FUZZ_SCALE")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(1);
    n * k.max(1)
}

/// The inputs to mutate: every example and ui case, and some generated programs.
fn corpus() -> Vec<Vec<u8>> {
    let mut c: Vec<Vec<u8>> = crash::corpus(&crash::repo_root())
        .into_iter()
        .map(|(_, b)| b)
        .collect();
    assert!(c.len() > 50, "the corpus (examples/, tests/ui/) is missing");
    for i in 0..40 {
        c.push(gen::program(derive(0xc0a5_0001, i)).source().into_bytes());
    }
    c
}

/// The `i`th mutated input of a stream seeded with `seed`.
fn input(corpus: &[Vec<u8>], seed: u64, i: u64) -> Vec<u8> {
    let mut rng = Rng::new(derive(seed, i));
    let base = &corpus[rng.below(corpus.len())];
    let other = &corpus[rng.below(corpus.len())];
    mutate::mutate(&mut rng, base, other)
}

fn excerpt(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(bytes);
    let mut e: String = s.chars().take(600).collect();
    if e.len() < s.len() {
        e.push_str(" …");
    }
    e
}

#[test]
fn mutated_inputs_are_reported_not_crashed_on_in_process() {
    crash::quiet_panics();
    let corpus = corpus();
    let total = scaled(2500);
    let mut failures = Vec::new();
    for i in 0..total {
        let bytes = input(&corpus, 0xc4a5_0001, i);
        let text = String::from_utf8_lossy(&bytes);
        let opt = if i % 10 == 0 { 2 } else { 0 };
        if let Some(c) = crash::library_check_isolated(&text, opt, 1 << 28, Duration::from_secs(60))
        {
            let kind = c.kind();
            let small = if matches!(c, Crash::Hang) {
                bytes.clone()
            } else {
                crash::minimise(&bytes, 300, |cand| {
                    crash::library_check(&String::from_utf8_lossy(cand), opt, 1 << 28)
                        .is_some_and(|f| f.kind() == kind)
                })
            };
            failures.push(format!(
                "input {i} (-O{opt}): {c}\nminimised:\n{}",
                excerpt(&small)
            ));
        }
    }
    let _ = std::panic::take_hook();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_sample_of_mutated_inputs_through_the_kiln_command() {
    let kiln = KilnCmd::fuzz_binary(env!("CARGO_BIN_EXE_kiln-fuzz"));
    let corpus = corpus();
    let dir = tempfile::tempdir().expect("a scratch directory");
    let mut failures = Vec::new();
    for i in 0..scaled(40) {
        let bytes = input(&corpus, 0xc4a5_0002, i);
        if let Some(c) = crash::binary_check(&kiln, dir.path(), &bytes, Duration::from_secs(60)) {
            failures.push(format!("input {i}: {c}\n{}", excerpt(&bytes)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
