//! The reference interpreter: evaluates a checked program (`hir::Program`) directly,
//! written for clarity, not speed. It sits beside `codegen` + `jit` as a second way to
//! run the same HIR, so that the two can be compared (differential testing): every
//! operator, conversion, builtin and library function is restated here in plain Rust
//! over [`Value`]s, without the runtime crate's library functions, display code or the
//! JIT. Where the JIT and the language contract (`LANGUAGE.md`, "Clarifications (v1)")
//! disagree, this module follows the contract.
//!
//! Entry points: [`run`] (a program's result) and [`run_set`] (a program set's outputs).
//!
//! Invariants:
//! - **Same observable behaviour as generated code.** Output is written in the display
//!   format, line by line, in evaluation order; a fault stops the run with the fault
//!   code, span and message the JIT reports for the same node (integer `/` and `%` and
//!   element-wise operators at the operator node, an index at the index, parse and
//!   library faults at the call, runaway recursion at the function's name).
//! - **Evaluation order is the HIR's.** Operands and arguments left to right; `and`,
//!   `or`, `if`, `switch` and `when` evaluate only what they choose.
//! - **No host-stack overflow.** Evaluation continues on fresh stack segments
//!   (`stacker`) when the thread runs low. It counts the running calls of recursive
//!   functions: one beyond [`MAX_RECURSION_DEPTH`] is E0606 at the callee. (Generated
//!   code stops where its thread's stack runs out instead, which depends on frame sizes
//!   and so on the optimisation level: only runaway recursion meets either limit.)
//! - **Bounded memory.** Every string and list a run builds is counted (string bytes;
//!   element size × length for lists, as `value::layout::mem_size`); one over
//!   `MAX_STRING_BYTES` (1 GiB) is E0609, a total over [`Options::max_memory`] is E0616.
//!   Views (`trim`, `slice`, string literals) and the inputs are not counted.
//! - **What it cannot run.** Host functions (`CallHost`) and functions of other modules
//!   (`CallExtern`, REPL lines) live in native code: calling one is runtime error E0610
//!   saying so.

mod eval;
mod format;
mod hof;
mod lib_fns;
mod ops;
mod optional;
mod regex;
mod time;
mod zones;

#[cfg(test)]
mod tests;

use crate::abi::DEFAULT_MAX_MEMORY;
use crate::codegen::Overflow;
use crate::types::hir;
use crate::value::{RuntimeError, Value};

pub use ops::display;

/// How many calls of recursive functions may be running at once before the run faults
/// with E0606 (about 1 GB of stack segments in a debug build, a quarter of that in a
/// release build).
pub const MAX_RECURSION_DEPTH: u64 = 250_000;

/// How a run behaves.
#[derive(Clone, Debug)]
pub struct Options {
    /// Integer `+ - *` and unary `-` wrap, or fault with E0617.
    pub overflow: Overflow,
    /// The most bytes of strings and lists one run may build (E0616 beyond).
    pub max_memory: u64,
    /// When set, the run stops with E0611 at the next user-function call or list-loop
    /// iteration.
    pub interrupt: Option<crate::runtime::Interrupt>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            overflow: Overflow::Wrap,
            max_memory: DEFAULT_MAX_MEMORY,
            interrupt: None,
        }
    }
}

/// Where `print` writes: one call per printed line (without its newline).
pub trait Output {
    fn line(&mut self, text: &str);
}

/// `print` to the process's standard output, flushed line by line (write errors, such
/// as a closed pipe, are ignored: printing never faults).
#[derive(Clone, Copy, Debug, Default)]
pub struct Stdout;

impl Output for Stdout {
    fn line(&mut self, text: &str) {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes());
        let _ = out.write_all(b"\n");
        let _ = out.flush();
    }
}

/// Captured output: each line and its newline appended.
impl Output for String {
    fn line(&mut self, text: &str) {
        self.push_str(text);
        self.push('\n');
    }
}

/// Run `program` with one value per input (`param`), in order: its result (`None` when
/// it has none), or the fault that stopped it. Inputs that do not match the program's
/// params are E0605, as for the JIT.
pub fn run(
    program: &hir::Program,
    inputs: &[Value],
    options: &Options,
    out: &mut dyn Output,
) -> Result<Option<Value>, RuntimeError> {
    check_inputs(program, inputs)?;
    let mut m = eval::Machine::new(program, options, out);
    m.run_main(inputs)
}

/// Run a program set (`hir::Program::outputs` non-empty): every output's value in order
/// (`only: None`), or just output `k` (`Some(k)`: the other outputs' expressions are not
/// evaluated, as in the JIT's set entry; their places hold `None`).
pub fn run_set(
    program: &hir::Program,
    inputs: &[Value],
    only: Option<usize>,
    options: &Options,
    out: &mut dyn Output,
) -> Result<Vec<Option<Value>>, RuntimeError> {
    check_inputs(program, inputs)?;
    let mut m = eval::Machine::new(program, options, out);
    m.run_set(inputs, only)
}

/// The inputs' count and types against the program's params (the JIT's check).
fn check_inputs(program: &hir::Program, inputs: &[Value]) -> Result<(), RuntimeError> {
    crate::value::check_inputs(&program.inputs, inputs)
}
