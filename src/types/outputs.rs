//! Program sets (`Setup::outputs`): the last statements of the program are named outputs.
//! Each must be an expression statement; its value is bound to a fresh local of `main`
//! (named `_output.K`, which no source name can be) and listed in
//! `hir::Program::outputs`. `main` then has no result of its own.

use super::check::{BindKind, Body, Checker};
use super::hir::{self, Var};
use crate::diag::Diagnostic;
use crate::span::Span;
use crate::syntax::ast;

impl<'a> Checker<'a> {
    /// Whether top-level statement `i` of `n` is an output.
    pub(super) fn is_output(&self, top: bool, i: usize, n: usize) -> bool {
        top && self.setup.outputs > 0 && i + self.setup.outputs >= n
    }

    /// E0408 for every output position that is not an expression statement (and for a
    /// program with fewer statements than outputs).
    pub(super) fn check_output_positions(&mut self, prog: &ast::Program) {
        let n = self.setup.outputs;
        if n == 0 {
            return;
        }
        if prog.stmts.len() < n {
            let end = prog
                .stmts
                .last()
                .map_or(Span::default(), |s| s.span.end_point());
            self.error(
                Diagnostic::error(
                    "E0408",
                    end,
                    format!(
                        "expected {n} output expression(s), found {}",
                        prog.stmts.len()
                    ),
                )
                .with_label("the outputs end here"),
            );
            return;
        }
        for s in &prog.stmts[prog.stmts.len() - n..] {
            if !matches!(s.kind, ast::StmtKind::Expr(_)) {
                self.error(not_an_expression(s.span));
            }
        }
    }

    /// Bind the value of output expression `e` to a fresh local of `main`.
    pub(super) fn bind_output(&mut self, b: &mut Body, e: hir::Expr, out: &mut Vec<hir::Stmt>) {
        let k = self.outputs.len();
        let ty = e.ty.clone();
        let local = b.declare(&format!("_output.{k}"), ty.clone(), BindKind::Let, e.span);
        b.mark_read(local);
        self.outputs.push(hir::Output {
            local,
            ty,
            span: e.span,
        });
        out.push(hir::Stmt::Assign {
            var: Var::Local(local),
            value: e,
        });
    }
}

/// E0408: an output of a program set that is not one expression.
pub fn not_an_expression(span: Span) -> Diagnostic {
    Diagnostic::error(
        "E0408",
        span,
        "an output of a program set must be exactly one expression",
    )
    .with_label("not a single expression")
    .with_help("write one expression; put `let`, `fn` and `param` in the shared source")
}
