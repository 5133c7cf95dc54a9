//! Stage 2: AST → typed HIR (`hir::Program`): name resolution, literal inference,
//! widening, overload resolution, constant-folded checks.

pub mod builtins;
mod call;
mod check;
mod expr;
mod fold;
pub mod hir;
mod lint;
mod lit;
mod suggest;
pub mod ty;

pub use fold::const_int;

use crate::diag::Diagnostic;
use crate::syntax::ast;

/// A program that passed every check, with the warnings found on the way.
#[derive(Clone, Debug)]
pub struct Checked {
    pub program: hir::Program,
    pub warnings: Vec<Diagnostic>,
}

/// Type-check a program. Reports every error found, not just the first.
pub fn check(program: &ast::Program) -> Result<Checked, Vec<Diagnostic>> {
    check::Checker::new().program(program)
}

#[cfg(test)]
mod tests;
