//! The REPL session: (a) how long one line takes from Enter to result, without the
//! terminal (`Session::eval("x * 2 + 1")` after `let x = 20`); (b) resident memory over
//! 10 000 lines in one session, printed at 1 000, 5 000 and 10 000 lines, for two
//! workloads: "steady" updates, rebinds and redefines the same names (live state stays
//! the same, so memory must stay flat), "growing" binds a new name every other line
//! (`let vN = N` and `vN * 2 + 1`; live state grows, and memory with it).
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

/// One line of the growing workload: every other line binds a new name, so the live
/// state (and so memory) grows with the session.
fn growing_line(n: usize) -> (String, Option<String>) {
    if n % 2 == 1 {
        (format!("let v{n} = {n}"), None)
    } else {
        (
            format!("v{} * 2 + 1", n - 1),
            Some(format!("{} : i64\n", 2 * (n - 1) + 1)),
        )
    }
}

/// One line of the steady workload: the same names are updated, rebound and redefined
/// over and over, so the live state stays the same size and memory must stay flat.
fn steady_line(n: usize) -> (String, Option<String>) {
    let round = (n - 1) / 4;
    match (n - 1) % 4 {
        0 => ("count = count + 1".to_owned(), None),
        1 => (format!("let y = {round}"), None),
        2 => (format!("fn f(a: i64) -> i64 = a + {round}"), None),
        _ => (
            "f(y) + count".to_owned(),
            Some(format!("{} : i64\n", 2 * round as i64 + round as i64 + 1)),
        ),
    }
}

/// (b): run a workload once, print the figures.
fn memory_over_many_lines(name: &str, setup: &str, line: fn(usize) -> (String, Option<String>)) {
    let mut session = Session::new(Options::default(), false);
    if !setup.is_empty() {
        let reply = session.eval(setup);
        assert!(reply.stderr.is_empty(), "`{setup}`: {reply:?}");
    }
    let start = Instant::now();
    println!(
        "repl memory ({name}): resident {:.1} MiB before the first line",
        resident_mib().unwrap_or(f64::NAN)
    );
    for n in 1..=LINES {
        let (text, want) = line(n);
        let reply = session.eval(&text);
        assert!(reply.stderr.is_empty(), "`{text}`: {reply:?}");
        if let Some(want) = want {
            assert_eq!(reply.stdout, want, "`{text}`");
        }
        if CHECKPOINTS.contains(&n) {
            println!(
                "repl memory ({name}): resident {:.1} MiB after {n} lines ({:.1} s)",
                resident_mib().unwrap_or(f64::NAN),
                start.elapsed().as_secs_f64()
            );
        }
        if start.elapsed() > MEMORY_BUDGET {
            println!(
                "repl memory ({name}): stopped after {n} lines: over the {} s budget; resident {:.1} MiB",
                MEMORY_BUDGET.as_secs(),
                resident_mib().unwrap_or(f64::NAN)
            );
            break;
        }
    }
}

/// (a): one line's latency.
fn eval_latency(c: &mut Criterion) {
    memory_over_many_lines("steady", "count = 0", steady_line);
    memory_over_many_lines("growing", "", growing_line);
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
