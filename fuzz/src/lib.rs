//! `kiln-fuzz`: random well-typed Kiln programs run through every execution path and
//! compared (differential testing), and mutated inputs that must never crash Kiln.
//!
//! - [`gen`]: the seeded generator of well-typed, terminating programs ([`ast`] is its
//!   tree), and [`shrink`], which minimises a program while a disagreement persists;
//! - [`runner`]: the execution paths ([`runner::ExecPath`]) and the comparison of their
//!   outcomes;
//! - [`mutate`] and [`crash`]: byte- and token-level mutations and the no-crash checks;
//! - [`campaign`]: the long-running driver behind the `kiln-fuzz` binary, and
//!   [`findings`], the files it writes (which `tests/fuzz_cases/` takes as they are).
//!
//! Invariant: generated programs are well-typed and terminate; every path must agree.

pub mod ast;
pub mod campaign;
pub mod crash;
pub mod findings;
pub mod gen;
pub mod mutate;
pub mod rng;
pub mod runner;
pub mod shrink;

use ast::Program;
use runner::{known_issue, ExecPath, Outcome, Runner};

/// Shrink `program`, on which paths `a` and `b` disagree, while they still disagree (and
/// the program still compiles, and the disagreement does not turn into a known one).
pub fn minimise_disagreement(
    runner: &Runner,
    program: &Program,
    a: ExecPath,
    b: ExecPath,
    budget: usize,
) -> Program {
    shrink::shrink(program, budget, |cand| {
        let case = cand.case();
        if kiln::check_source(&case.source).is_err() {
            return false;
        }
        let results: Vec<(ExecPath, Outcome)> =
            vec![(a, runner.run(a, &case)), (b, runner.run(b, &case))];
        results[0].1 != results[1].1 && known_issue(&case.source, &results).is_none()
    })
}
