//! The long campaign: worker threads generate programs and run them through the paths
//! (`diff`), and/or mutate inputs and run them through the no-crash checks (`crash`),
//! until the time is up; every new finding is minimised and written as a test case.

use crate::ast::Case;
use crate::crash::{self, Crash};
use crate::rng::{derive, Rng};
use crate::runner::{disagreeing, known_issue, ExecPath, KilnCmd, Runner, Status};
use crate::{findings, gen, minimise_disagreement, mutate};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Diff,
    Crash,
    Both,
}

pub struct Config {
    pub seconds: u64,
    pub mode: Mode,
    pub seed: u64,
    pub jobs: usize,
    pub out: PathBuf,
    /// Every `exe_every`th program also goes through `kiln run` and an executable.
    pub exe_every: u64,
    /// Every `binary_every`th mutated input also goes through the `kiln` command.
    pub binary_every: u64,
    pub kiln: KilnCmd,
    /// Per run of one path, or one input.
    pub timeout: Duration,
    pub shrink_budget: usize,
    pub gen: gen::GenOptions,
}

#[derive(Default)]
pub struct Totals {
    pub programs: AtomicU64,
    pub rejected: AtomicU64,
    pub path_runs: AtomicU64,
    pub exe_programs: AtomicU64,
    pub disagreements: AtomicU64,
    pub known: AtomicU64,
    pub mutated: AtomicU64,
    pub binary_inputs: AtomicU64,
    pub crashes: AtomicU64,
    /// How the reference path's runs ended: `ok` or the fault's code.
    pub endings: Mutex<BTreeMap<String, u64>>,
    /// Known disagreements by description.
    pub known_kinds: Mutex<BTreeMap<&'static str, u64>>,
    /// What was written (new findings).
    pub written: Mutex<Vec<String>>,
}

fn inc(a: &AtomicU64) -> u64 {
    a.fetch_add(1, Ordering::Relaxed)
}

fn get(a: &AtomicU64) -> u64 {
    a.load(Ordering::Relaxed)
}

impl Totals {
    pub fn line(&self, elapsed: f64) -> String {
        let p = get(&self.programs);
        let m = get(&self.mutated);
        format!(
            "[{elapsed:6.0}s] programs {p} ({:.1}/s; {} also through kiln run, exe, lli; {} rejected) | disagreements {} new, {} known | mutated inputs {m} ({:.1}/s; {} through kiln) | crashes {}",
            p as f64 / elapsed.max(0.001),
            get(&self.exe_programs),
            get(&self.rejected),
            get(&self.disagreements),
            get(&self.known),
            m as f64 / elapsed.max(0.001),
            get(&self.binary_inputs),
            get(&self.crashes),
        )
    }
}

struct Shared {
    cfg: Config,
    totals: Totals,
    next_program: AtomicU64,
    next_input: AtomicU64,
    corpus: Vec<Vec<u8>>,
    deadline: Instant,
}

/// Run the campaign; prints progress and returns the totals.
pub fn run(cfg: Config) -> Totals {
    crash::quiet_panics();
    let corpus: Vec<Vec<u8>> = crash::corpus(&crash::repo_root())
        .into_iter()
        .map(|(_, b)| b)
        .collect();
    let start = Instant::now();
    let shared = Arc::new(Shared {
        deadline: start + Duration::from_secs(cfg.seconds),
        cfg,
        totals: Totals::default(),
        next_program: AtomicU64::new(0),
        next_input: AtomicU64::new(0),
        corpus,
    });
    let workers: Vec<_> = (0..shared.cfg.jobs.max(1))
        .map(|w| {
            let s = Arc::clone(&shared);
            std::thread::Builder::new()
                .name(format!("fuzz-{w}"))
                .spawn(move || worker(&s, w))
                .expect("start a worker")
        })
        .collect();
    let mut last = Instant::now();
    while Instant::now() < shared.deadline {
        std::thread::sleep(Duration::from_millis(200));
        if last.elapsed() >= Duration::from_secs(10) {
            eprintln!("{}", shared.totals.line(start.elapsed().as_secs_f64()));
            last = Instant::now();
        }
    }
    for w in workers {
        let _ = w.join();
    }
    eprintln!("{}", shared.totals.line(start.elapsed().as_secs_f64()));
    match Arc::try_unwrap(shared) {
        Ok(s) => s.totals,
        Err(_) => Totals::default(),
    }
}

fn worker(s: &Shared, w: usize) {
    let mut runner = Runner::new(Some(s.cfg.kiln.clone()));
    runner.timeout = s.cfg.timeout;
    let mut turn = w as u64;
    while Instant::now() < s.deadline {
        turn += 1;
        let diff = match s.cfg.mode {
            Mode::Diff => true,
            Mode::Crash => false,
            // Mutated inputs are cheaper: two of them per program.
            Mode::Both => turn % 3 == 0,
        };
        if diff {
            diff_one(s, &runner);
        } else {
            crash_one(s, &runner);
        }
    }
}

fn diff_one(s: &Shared, runner: &Runner) {
    let i = inc(&s.next_program);
    let seed = derive(s.cfg.seed, i);
    let program = gen::program_with(seed, &s.cfg.gen);
    let case = program.case();
    let mut paths = ExecPath::fast_paths();
    let slow = s.cfg.exe_every > 0 && i % s.cfg.exe_every == 0;
    if slow {
        paths.extend(ExecPath::slow_paths());
        inc(&s.totals.exe_programs);
    }
    let results = runner.run_all(&paths, &case);
    inc(&s.totals.programs);
    s.totals
        .path_runs
        .fetch_add(paths.len() as u64, Ordering::Relaxed);
    let ending = match &results[0].1.status {
        Status::Ok => "ok".to_string(),
        Status::Fault { code, .. } => code.clone(),
        other => other.to_string(),
    };
    *s.totals.endings.lock().unwrap().entry(ending).or_default() += 1;
    if let Status::CompileError(code) = &results[0].1.status {
        inc(&s.totals.rejected);
        if code == "E0999" {
            report_crash(
                s,
                case.source.as_bytes(),
                &Crash::Internal(format!("E0999 on generated program seed {seed:#x}")),
            );
        }
    }
    let bad = disagreeing(&results);
    if bad.is_empty() {
        return;
    }
    if let Some(kind) = known_issue(&case.source, &results) {
        inc(&s.totals.known);
        *s.totals
            .known_kinds
            .lock()
            .unwrap()
            .entry(kind)
            .or_default() += 1;
        return;
    }
    inc(&s.totals.disagreements);
    // A path that timed out makes each try cost the time limit: shrink little.
    let budget = if results.iter().any(|(_, o)| o.status == Status::TimedOut) {
        s.cfg.shrink_budget.min(20)
    } else {
        s.cfg.shrink_budget
    };
    let small = minimise_disagreement(runner, &program, results[0].0, bad[0], budget);
    let small_case = small.case();
    // Record every path's outcome on the minimised program.
    let small_results = runner.run_all(&paths, &small_case);
    let written = findings::write_diff(
        &s.cfg.out,
        &small_case,
        &small_results,
        Some(&Case::to_file(&case)),
    );
    if let Ok(Some(path)) = written {
        eprintln!(
            "DISAGREEMENT (seed {seed:#x}, paths {}): {}",
            bad.iter().map(|p| p.name()).collect::<Vec<_>>().join(","),
            path.display()
        );
        s.totals
            .written
            .lock()
            .unwrap()
            .push(path.display().to_string());
    }
}

fn crash_one(s: &Shared, runner: &Runner) {
    let i = inc(&s.next_input);
    let mut rng = Rng::new(derive(s.cfg.seed ^ 0xc4a5, i));
    // A corpus file or a generated program, mutated (with another input to splice).
    let pick = |rng: &mut Rng| -> Vec<u8> {
        if s.corpus.is_empty() || rng.chance(30) {
            gen::program(rng.next_u64()).source().into_bytes()
        } else {
            s.corpus[rng.below(s.corpus.len())].clone()
        }
    };
    let base = pick(&mut rng);
    let other = pick(&mut rng);
    let input = mutate::mutate(&mut rng, &base, &other);
    inc(&s.totals.mutated);
    let text = String::from_utf8_lossy(&input).into_owned();
    let opt = if rng.chance(20) { 2 } else { 0 };
    let found = crash::library_check_isolated(&text, opt, 1 << 28, s.cfg.timeout);
    let found = found.or_else(|| {
        if s.cfg.binary_every > 0 && i % s.cfg.binary_every == 0 {
            inc(&s.totals.binary_inputs);
            let dir = runner.fresh_dir();
            let r = crash::binary_check(&s.cfg.kiln, &dir, &input, s.cfg.timeout);
            let _ = std::fs::remove_dir_all(&dir);
            r
        } else {
            None
        }
    });
    if let Some(c) = found {
        report_crash(s, &input, &c);
    }
}

fn report_crash(s: &Shared, input: &[u8], c: &Crash) {
    inc(&s.totals.crashes);
    let runner_dir = tempfile::tempdir().ok();
    let kind = c.kind();
    let budget = if c.needs_binary() { 40 } else { 400 };
    let small = crash::minimise(input, budget, |cand| {
        let found = if c.needs_binary() {
            match &runner_dir {
                Some(d) => crash::binary_check(&s.cfg.kiln, d.path(), cand, s.cfg.timeout),
                None => None,
            }
        } else {
            crash::library_check(&String::from_utf8_lossy(cand), 0, 1 << 28)
                .or_else(|| crash::library_check(&String::from_utf8_lossy(cand), 2, 1 << 28))
        };
        found.is_some_and(|f| f.kind() == kind)
    });
    if let Ok(Some(path)) = findings::write_crash(&s.cfg.out, &small, c, input) {
        eprintln!("CRASH ({c}): {}", path.display());
        s.totals
            .written
            .lock()
            .unwrap()
            .push(path.display().to_string());
    }
}
