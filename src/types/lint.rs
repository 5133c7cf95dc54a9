//! Warnings: W0001 (a binding nothing reads) and W0002 (a condition that is a constant).
//! They are collected in `Checker::warnings` and returned only with a program that has
//! no errors (an error such as a misspelt name often makes a binding look unused).
//!
//! W0001 — what counts:
//! - a `let` binding, a mutable variable (`x = e;`) or a function parameter that no
//!   expression reads; assigning to a variable is not reading it;
//! - the value of a body is read: the variable bound by the last statement of the
//!   program or of a function's block body (`let x = 5;` at the end) is not unused; a
//!   trailing `let` in a `when` block is (a `when` block has no value);
//! - a program-level binding read only by a function is read;
//! - exempt: names starting with `_`, and `param` inputs (the host's interface: a host
//!   may supply inputs a program version does not use).
//!
//! W0002 — a condition of `if`, `switch`, `when` or `elif` built only from literals
//! (`true`, `not false`, `1 < 2`, `"a" == "b"`, `true and false`, `2 in [1, 2]`), folded
//! after typing. A condition that reads any variable or calls any function is never
//! constant here, even when it could be (`false and x`). A `switch` default has no
//! condition.

use super::check::{BindKind, Body, Checker};
use super::hir::{self, BinOp, ExprKind, UnOp};
use super::ty::{FloatTy, Ty};
use crate::chain;
use crate::diag::Diagnostic;
use crate::span::Span;

impl Checker<'_> {
    /// W0001 for every local of `body` nothing reads. `func` is the function's name
    /// (`None` for the program's top level).
    pub(super) fn unused_warnings(&mut self, body: &Body, func: Option<&str>) {
        for (local, u) in body.locals.iter().zip(&body.uses) {
            let name = local.name.as_str();
            if u.read || name.starts_with('_') {
                continue;
            }
            let d = match u.kind {
                BindKind::Param => continue,
                BindKind::Let => {
                    Diagnostic::warning("W0001", u.span, format!("unused binding `{name}`"))
                        .with_label("bound here, never read")
                }
                BindKind::Mutable => Diagnostic::warning(
                    "W0001",
                    u.span,
                    format!("variable `{name}` is assigned but never read"),
                )
                .with_label("first assigned here")
                .with_note("assigning to a variable does not count as reading it"),
                BindKind::FnParam => {
                    Diagnostic::warning("W0001", u.span, format!("unused parameter `{name}`"))
                        .with_label(format!(
                            "the body of `{}` never reads it",
                            func.unwrap_or("this function")
                        ))
                }
            };
            self.warnings.push(d.with_help(format!(
                "if this is intentional, prefix it with `_` to silence this: `_{name}`"
            )));
        }
    }

    /// W0002 for the condition of `if(cond, then, else_)`.
    pub(super) fn check_if_condition(&mut self, cond: &hir::Expr, then: Span, else_: Span) {
        let Some(v) = const_bool(cond) else { return };
        let (dead, which) = if v {
            (else_, "the third argument")
        } else {
            (then, "the second argument")
        };
        let alive = if v { "second" } else { "third" };
        self.warnings.push(
            constant(cond.span, v, "`if` condition")
                .with_secondary(dead, "never evaluated")
                .with_help(format!(
                    "{which} of `if` is dead code; write the {alive} argument alone"
                )),
        );
    }

    /// W0002 for condition `arm` (0-based) of a `switch` with `arms` conditions.
    /// `value` is the arm's value, `rest` the span of everything after it.
    pub(super) fn check_switch_condition(
        &mut self,
        cond: &hir::Expr,
        value: Span,
        rest: Span,
        last_arm: bool,
    ) {
        let Some(v) = const_bool(cond) else { return };
        let d = constant(cond.span, v, "`switch` condition");
        self.warnings.push(if v {
            let dead = if last_arm {
                "the default"
            } else {
                "the arms after it and the default"
            };
            d.with_secondary(rest, "never chosen")
                .with_help(format!("{dead} can never be chosen: this arm always is"))
        } else {
            d.with_secondary(value, "never chosen").with_help(
                "this arm's value can never be chosen; remove the condition and its value",
            )
        });
    }

    /// W0002 for the condition of a `when` (`first`) or `elif` arm. `block` is the arm's
    /// block, `later` whether `elif`/`else` arms follow it.
    pub(super) fn check_when_condition(
        &mut self,
        cond: &hir::Expr,
        first: bool,
        block: Span,
        later: Option<Span>,
    ) {
        let Some(v) = const_bool(cond) else { return };
        let kw = if first { "when" } else { "elif" };
        let d = constant(cond.span, v, &format!("`{kw}` condition"));
        self.warnings.push(match (v, later) {
            (false, _) => d
                .with_secondary(block, "never runs")
                .with_help(format!("this `{kw}` block never runs; remove it")),
            (true, Some(rest)) => d
                .with_secondary(rest, "never runs")
                .with_help("the `elif`/`else` arms after this one never run"),
            (true, None) => d.with_help(format!(
                "this block always runs; the `{kw}` around it is unnecessary"
            )),
        });
    }
}

fn constant(span: Span, v: bool, what: &str) -> Diagnostic {
    Diagnostic::warning("W0002", span, format!("this condition is always {v}"))
        .with_label(format!("this {what} is a constant"))
}

/// A constant made of literals.
#[derive(Clone, Debug, PartialEq)]
enum Const<'e> {
    Bool(bool),
    /// Any integer type's value, sign-extended for signed types.
    Int(i128),
    Float(f64),
    Str(&'e str),
}

/// The value of a bool expression built only from literals.
pub(super) fn const_bool(e: &hir::Expr) -> Option<bool> {
    match konst(e)? {
        Const::Bool(b) => Some(b),
        _ => None,
    }
}

/// A chain (`true and false and ...`, any length) is folded with a loop (see
/// `crate::chain`); an integer operand, with `const_int`.
fn konst(e: &hir::Expr) -> Option<Const<'_>> {
    chain::fold_where(
        &mut (),
        e,
        |n| !matches!(n.ty, Ty::Int(_)),
        |_, leaf| konst_node(leaf, None),
        |_, lhs, node| konst_node(node, Some(lhs?)),
    )
}

/// `konst` of one node; `lhs` is the value of its left operand when it is a chain node.
fn konst_node<'e>(e: &'e hir::Expr, lhs: Option<Const<'e>>) -> Option<Const<'e>> {
    if let Ty::Int(it) = &e.ty {
        let bits = super::fold::const_int(e)?;
        let v = if it.signed() {
            let shift = 64 - it.bits();
            (((bits << shift) as i64) >> shift) as i128
        } else {
            bits as i128
        };
        return Some(Const::Int(v));
    }
    let f32_round = |v: f64| match e.ty {
        Ty::Float(FloatTy::F32) => v as f32 as f64,
        _ => v,
    };
    Some(match &e.kind {
        ExprKind::Bool(b) => Const::Bool(*b),
        ExprKind::Float(v) => Const::Float(*v),
        ExprKind::Str(s) => Const::Str(s),
        ExprKind::Cast(inner) if e.ty.is_float() => match konst(inner)? {
            Const::Int(i) => Const::Float(f32_round(i as f64)),
            Const::Float(f) => Const::Float(f32_round(f)),
            _ => return None,
        },
        ExprKind::Unary { op, operand } => match (op, konst(operand)?) {
            (UnOp::Not, Const::Bool(b)) => Const::Bool(!b),
            (UnOp::Neg, Const::Float(f)) => Const::Float(-f),
            _ => return None,
        },
        ExprKind::And(_, b) => match (lhs?, konst(b)?) {
            (Const::Bool(x), Const::Bool(y)) => Const::Bool(x && y),
            _ => return None,
        },
        ExprKind::Or(_, b) => match (lhs?, konst(b)?) {
            (Const::Bool(x), Const::Bool(y)) => Const::Bool(x || y),
            _ => return None,
        },
        ExprKind::Binary { op, rhs, .. } => {
            let (l, r) = (lhs?, konst(rhs)?);
            match (op, l, r) {
                (BinOp::Add, Const::Float(a), Const::Float(b)) => Const::Float(f32_round(a + b)),
                (BinOp::Sub, Const::Float(a), Const::Float(b)) => Const::Float(f32_round(a - b)),
                (BinOp::Mul, Const::Float(a), Const::Float(b)) => Const::Float(f32_round(a * b)),
                (BinOp::Div, Const::Float(a), Const::Float(b)) => Const::Float(f32_round(a / b)),
                (BinOp::Rem, Const::Float(a), Const::Float(b)) => Const::Float(f32_round(a % b)),
                (BinOp::BitAnd, Const::Bool(a), Const::Bool(b)) => Const::Bool(a & b),
                (BinOp::BitOr, Const::Bool(a), Const::Bool(b)) => Const::Bool(a | b),
                (BinOp::BitXor, Const::Bool(a), Const::Bool(b)) => Const::Bool(a ^ b),
                (op, l, r) => Const::Bool(compare(*op, &l, &r)?),
            }
        }
        ExprKind::In { item, list } => {
            let item = konst(item)?;
            let ExprKind::List(elems) = &list.kind else {
                return None;
            };
            let mut found = false;
            for x in elems {
                found |= compare(BinOp::Eq, &item, &konst(x)?)?;
            }
            Const::Bool(found)
        }
        _ => return None,
    })
}

/// A comparison of two constants of one type (`None`: not a comparison).
fn compare(op: BinOp, l: &Const, r: &Const) -> Option<bool> {
    use std::cmp::Ordering;
    let ord: Option<Ordering> = match (l, r) {
        (Const::Int(a), Const::Int(b)) => Some(a.cmp(b)),
        (Const::Float(a), Const::Float(b)) => a.partial_cmp(b),
        (Const::Str(a), Const::Str(b)) => Some(a.as_bytes().cmp(b.as_bytes())),
        (Const::Bool(a), Const::Bool(b)) => Some(a.cmp(b)),
        _ => return None,
    };
    // Unordered (NaN): only `!=` holds.
    let Some(ord) = ord else {
        return matches!(
            op,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        )
        .then_some(op == BinOp::Ne);
    };
    Some(match op {
        BinOp::Eq => ord == Ordering::Equal,
        BinOp::Ne => ord != Ordering::Equal,
        BinOp::Lt => ord == Ordering::Less,
        BinOp::Le => ord != Ordering::Greater,
        BinOp::Gt => ord == Ordering::Greater,
        BinOp::Ge => ord != Ordering::Less,
        _ => return None,
    })
}
