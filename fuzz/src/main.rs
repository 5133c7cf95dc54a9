//! `kiln-fuzz`: the long-campaign driver.
//!
//! `cargo run --release --bin kiln-fuzz -- --seconds 600 --mode both --jobs 2 --out DIR`
//!
//! With the environment variable `KILN_FUZZ_AS_KILN=1` the binary is the `kiln` command
//! itself (`kiln::cli::main`, as `src/main.rs`): the campaign runs itself that way for
//! the paths that need the command, so it always tests the compiler it was built with.

use clap::{Parser, ValueEnum};
use kiln_fuzz::campaign::{self, Config, Mode};
use kiln_fuzz::runner::{KilnCmd, AS_KILN_VAR};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Duration;

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ModeArg {
    Diff,
    Crash,
    Both,
}

/// Differential and crash fuzzing of Kiln.
#[derive(Debug, Parser)]
#[command(name = "kiln-fuzz")]
struct Args {
    /// How long to run.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// `diff`: random programs through every path; `crash`: mutated inputs; `both`.
    #[arg(long, value_enum, default_value_t = ModeArg::Both)]
    mode: ModeArg,
    /// The campaign's seed (program `i` is generated from a seed derived from it).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Worker threads.
    #[arg(long, default_value_t = 1)]
    jobs: usize,
    /// Where findings are written (ready for `tests/fuzz_cases/`).
    #[arg(long, default_value = "fuzz-findings")]
    out: PathBuf,
    /// Every Nth program also runs through `kiln run`, a built executable and lli (0:
    /// never).
    #[arg(long, default_value_t = 25)]
    exe_every: u64,
    /// Every Nth mutated input also runs through the `kiln` command (0: never).
    #[arg(long, default_value_t = 20)]
    binary_every: u64,
    /// The `kiln` executable to test (default: this binary acting as `kiln`).
    #[arg(long)]
    kiln: Option<PathBuf>,
    /// Time limit per path run and per input, in seconds.
    #[arg(long, default_value_t = 5)]
    timeout: u64,
    /// Most runs spent minimising one disagreement.
    #[arg(long, default_value_t = 400)]
    shrink_budget: usize,
    /// Also generate deep recursion (`GenOptions::deep_recursion`): off by default, as
    /// where E0606 strikes depends on the optimisation level (see `GenOptions`).
    #[arg(long)]
    deep: bool,
    /// Print the program generated from this seed (a test-case file, params included)
    /// and exit.
    #[arg(long, value_name = "SEED")]
    show: Option<u64>,
    /// Run a case file (`tests/fuzz_cases/NAME.expr`) through every path, print what
    /// each did, and, when they agree, write the outcome to `NAME.expected`; exit.
    #[arg(long, value_name = "CASE")]
    record: Option<PathBuf>,
    /// Check an input for a crash (panic, internal error, signal, hang); when it has one,
    /// print the input minimised and exit 1.
    #[arg(long, value_name = "FILE")]
    minimise: Option<PathBuf>,
}

fn main() {
    if std::env::var_os(AS_KILN_VAR).is_some_and(|v| !v.is_empty()) {
        std::process::exit(kiln::cli::main());
    }
    let args = Args::parse();
    if let Some(seed) = args.show {
        let options = kiln_fuzz::gen::GenOptions {
            deep_recursion: args.deep,
        };
        print!(
            "{}",
            kiln_fuzz::gen::program_with(seed, &options)
                .case()
                .to_file()
        );
        return;
    }
    let kiln = match args.kiln.clone() {
        Some(path) => KilnCmd::binary(path),
        None => KilnCmd::fuzz_binary(std::env::current_exe().expect("the running executable")),
    };
    if let Some(path) = &args.minimise {
        std::process::exit(minimise(path, &kiln, Duration::from_secs(args.timeout)));
    }
    if let Some(path) = &args.record {
        std::process::exit(record(path, kiln));
    }
    let cfg = Config {
        seconds: args.seconds,
        mode: match args.mode {
            ModeArg::Diff => Mode::Diff,
            ModeArg::Crash => Mode::Crash,
            ModeArg::Both => Mode::Both,
        },
        seed: args.seed,
        jobs: args.jobs,
        out: args.out.clone(),
        exe_every: args.exe_every,
        binary_every: args.binary_every,
        kiln,
        timeout: Duration::from_secs(args.timeout),
        shrink_budget: args.shrink_budget,
        gen: kiln_fuzz::gen::GenOptions {
            deep_recursion: args.deep,
        },
    };
    eprintln!(
        "kiln-fuzz: {} s, mode {:?}, seed {}, {} job(s), findings in {}",
        args.seconds,
        args.mode,
        args.seed,
        args.jobs,
        args.out.display()
    );
    let totals = campaign::run(cfg);
    let written = totals.written.lock().unwrap();
    let known = totals.known_kinds.lock().unwrap();
    println!(
        "programs run: {}\npath runs: {}\nprograms also through kiln run, exe and lli: {}\nprograms the checker rejected: {}\nmutated inputs tried: {}\nmutated inputs through kiln: {}\nnew disagreements: {}\nknown disagreements skipped: {}",
        totals.programs.load(Ordering::Relaxed),
        totals.path_runs.load(Ordering::Relaxed),
        totals.exe_programs.load(Ordering::Relaxed),
        totals.rejected.load(Ordering::Relaxed),
        totals.mutated.load(Ordering::Relaxed),
        totals.binary_inputs.load(Ordering::Relaxed),
        totals.disagreements.load(Ordering::Relaxed),
        totals.known.load(Ordering::Relaxed),
    );
    for (ending, n) in totals.endings.lock().unwrap().iter() {
        println!("  programs ending {ending}: {n}");
    }
    for (kind, n) in known.iter() {
        println!("  known: {kind}: {n}");
    }
    println!("crashes: {}", totals.crashes.load(Ordering::Relaxed));
    println!("findings written: {}", written.len());
    for w in written.iter() {
        println!("  {w}");
    }
}

/// `--record CASE`: run a case through every path; write `.expected` when they agree.
fn record(path: &std::path::Path, kiln: KilnCmd) -> i32 {
    use kiln_fuzz::runner::{disagreeing, majority, ExecPath, Runner};
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", path.display());
            return 2;
        }
    };
    let case = match kiln_fuzz::ast::Case::from_file(&text) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {}: {e}", path.display());
            return 2;
        }
    };
    let runner = Runner::new(Some(kiln));
    let results = runner.run_all(&ExecPath::default_paths(), &case);
    for (p, o) in &results {
        println!("=== {p}\n{}", o.render());
    }
    let bad = disagreeing(&results);
    if !bad.is_empty() {
        eprintln!("the paths disagree ({bad:?}); nothing written");
        return 1;
    }
    let expected = path.with_extension("expected");
    let outcome = majority(&results).expect("a path ran");
    if let Err(e) = std::fs::write(&expected, outcome.render()) {
        eprintln!("error: cannot write {}: {e}", expected.display());
        return 2;
    }
    eprintln!("wrote {}", expected.display());
    0
}

/// `--minimise FILE`: find the input's crash and minimise the input while it keeps it.
fn minimise(path: &std::path::Path, kiln: &KilnCmd, timeout: Duration) -> i32 {
    use kiln_fuzz::crash;
    let Ok(bytes) = std::fs::read(path) else {
        eprintln!("error: cannot read {}", path.display());
        return 2;
    };
    crash::quiet_panics();
    let dir = tempfile::tempdir().expect("a scratch directory");
    let check = |b: &[u8]| {
        let text = String::from_utf8_lossy(b);
        crash::library_check_isolated(&text, 0, 1 << 28, timeout)
            .or_else(|| crash::library_check_isolated(&text, 2, 1 << 28, timeout))
            .or_else(|| crash::binary_check(kiln, dir.path(), b, timeout))
    };
    let Some(found) = check(&bytes) else {
        eprintln!("no crash: Kiln reports on this input");
        return 0;
    };
    eprintln!("{found}");
    let kind = found.kind();
    let small = crash::minimise(&bytes, 2000, |c| check(c).is_some_and(|f| f.kind() == kind));
    print!("{}", String::from_utf8_lossy(&small));
    1
}
