//! The REPL session: (a) how long one line takes from Enter to result, without the
//! terminal (`Session::eval("x * 2 + 1")` after `let x = 20`); (b) how resident memory
//! grows over 10 000 lines in one session (`let vN = N` and `vN * 2 + 1` alternating),
//! printed at 1 000, 5 000 and 10 000 lines.
//!
//! Run with `cargo bench --bench repl`. The memory run happens once, before criterion's
//! measurements, and stops early (saying so) if it passes its time budget, so the whole
//! bench stays around a minute.

use criterion::{criterion_group, criterion_main, Criterion};
use kiln::repl::Session;
use kiln::Options;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Lines fed to the session in the memory run, and where its resident memory is shown.
const LINES: usize = 10_000;
const CHECKPOINTS: [usize; 3] = [1_000, 5_000, 10_000];
/// The memory run gives up after this long.
const MEMORY_BUDGET: Duration = Duration::from_secs(40);

/// Resident memory of this process in MiB, from `/proc/self/statm` (Linux only; its
/// second field counts pages, taken as 4 KiB, the page size of x86-64 Linux).
fn resident_mib() -> Option<f64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: f64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096.0 / (1024.0 * 1024.0))
}

fn expect_value(session: &mut Session, line: &str, want: &str) {
    let reply = session.eval(line);
    assert_eq!(reply.stdout, want, "`{line}`: {reply:?}");
    assert!(reply.stderr.is_empty(), "`{line}`: {reply:?}");
}

/// (b): run once, print the figures.
fn memory_over_many_lines() {
    let mut session = Session::new(Options::default(), false);
    let start = Instant::now();
    println!(
        "repl memory: resident {:.1} MiB before the first line",
        resident_mib().unwrap_or(f64::NAN)
    );
    for n in 1..=LINES {
        let line = if n % 2 == 1 {
            format!("let v{n} = {n}")
        } else {
            format!("v{} * 2 + 1", n - 1)
        };
        let reply = session.eval(&line);
        assert!(reply.stderr.is_empty(), "`{line}`: {reply:?}");
        if n % 2 == 0 {
            assert_eq!(reply.stdout, format!("{} : i64\n", 2 * (n - 1) + 1));
        }
        if CHECKPOINTS.contains(&n) {
            println!(
                "repl memory: resident {:.1} MiB after {n} lines ({:.1} s)",
                resident_mib().unwrap_or(f64::NAN),
                start.elapsed().as_secs_f64()
            );
        }
        if start.elapsed() > MEMORY_BUDGET {
            println!(
                "repl memory: stopped after {n} lines: over the {} s budget; resident {:.1} MiB",
                MEMORY_BUDGET.as_secs(),
                resident_mib().unwrap_or(f64::NAN)
            );
            break;
        }
    }
}

/// (a): one line's latency.
fn eval_latency(c: &mut Criterion) {
    memory_over_many_lines();
    let mut session = Session::new(Options::default(), false);
    assert!(session.eval("let x = 20").stdout.is_empty());
    expect_value(&mut session, "x * 2 + 1", "41 : i64\n");
    c.bench_function("repl eval `x * 2 + 1` after `let x = 20`", |b| {
        b.iter(|| session.eval(black_box("x * 2 + 1")))
    });
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
    targets = eval_latency
}
criterion_main!(benches);
