//! `timestamp` and `duration` (v1) in the checker: which operators combine them (one
//! table), the errors for the combinations that do not exist (E0260), and the
//! compile-time reading of a literal `timestamp("...")` / `duration("...")` (E0261).

use super::check::Checker;
use super::hir::{self, BinOp, Builtin, ExprKind};
use super::ty::Ty;
use crate::diag::Diagnostic;
use crate::span::Span;
use crate::syntax::ast::BinaryOp;
use kiln_runtime::time::ParseError;

/// One operand of a time operator.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Operand {
    Ts,
    Dur,
    /// Any integer that widens to i64 (an unsuffixed literal too): converted to i64.
    Int,
}

/// The time operators: (lhs, operator, rhs, result). Comparisons (`== != < <= > >=`)
/// take two values of one time type and are not listed.
const TABLE: [(Operand, BinOp, Operand, Ty); 8] = {
    use Operand::*;
    [
        (Ts, BinOp::Sub, Ts, Ty::Duration),
        (Ts, BinOp::Add, Dur, Ty::Timestamp),
        (Dur, BinOp::Add, Ts, Ty::Timestamp),
        (Ts, BinOp::Sub, Dur, Ty::Timestamp),
        (Dur, BinOp::Add, Dur, Ty::Duration),
        (Dur, BinOp::Sub, Dur, Ty::Duration),
        (Dur, BinOp::Mul, Int, Ty::Duration),
        (Int, BinOp::Mul, Dur, Ty::Duration),
    ]
};

/// `duration / int`, kept apart from [`TABLE`] because a constant zero divisor is a
/// compile error (`fold.rs`), as for integers.
const DIVISION: (Operand, BinOp, Operand, Ty) =
    (Operand::Dur, BinOp::Div, Operand::Int, Ty::Duration);

fn operand(t: &Ty) -> Option<Operand> {
    match t {
        Ty::Timestamp => Some(Operand::Ts),
        Ty::Duration => Some(Operand::Dur),
        t if t.is_int() && (t.widens_to(&Ty::I64) || *t == Ty::IntLit) => Some(Operand::Int),
        _ => None,
    }
}

/// Whether `l op r` is a time operator's business: a time type on either side and no
/// list (element by element, times only compare; optionals are lifted before).
pub(super) fn involved(l: &Ty, r: &Ty) -> bool {
    let list = |t: &Ty| matches!(t, Ty::List(_));
    let time = |t: &Ty| matches!(t, Ty::Timestamp | Ty::Duration);
    !list(l) && !list(r) && (time(l) || time(r))
}

/// The result type of `l op r` for a time operator, `None` when it does not exist.
fn result_of(l: &Ty, op: BinOp, r: &Ty) -> Option<Ty> {
    let (lo, ro) = (operand(l)?, operand(r)?);
    if matches!(
        op,
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
    ) {
        return (l == r).then_some(Ty::Bool);
    }
    TABLE
        .iter()
        .chain([&DIVISION])
        .find(|(a, o, b, _)| *a == lo && *o == op && *b == ro)
        .map(|row| row.3.clone())
}

/// What to write instead of an operator that does not exist.
fn hint(l: &Ty, op: BinaryOp, r: &Ty) -> String {
    use BinaryOp as B;
    let either = |t: &Ty| l == t || r == t;
    match op {
        B::Add if *l == Ty::Timestamp && *r == Ty::Timestamp => {
            "two instants do not add; subtract them for the duration between (`a - b`), \
             or add a duration (`ts + hours(1)`)"
                .to_owned()
        }
        B::Add | B::Sub if either(&Ty::Timestamp) && (l.is_numeric() || r.is_numeric()) => {
            "add or subtract a duration, e.g. `ts + secs(5)` or `ts - days(1)`".to_owned()
        }
        B::Mul | B::Div if l.is_float() || r.is_float() => {
            "a duration scales by an integer; for a fraction, scale a smaller unit, \
             e.g. `d * 3 / 2` or `millis(1500)`"
                .to_owned()
        }
        B::Lt | B::Le | B::Gt | B::Ge | B::Eq | B::Ne => {
            "compare a timestamp with a timestamp and a duration with a duration; \
             `timestamp(\"...\")` and `duration(\"...\")` make one from text"
                .to_owned()
        }
        _ => "time operators: `timestamp - timestamp` (a duration), `timestamp + duration`, \
              `timestamp - duration`, `duration + duration`, `duration - duration`, \
              `duration * i64`, `duration / i64`, and comparisons of two values of one type"
            .to_owned(),
    }
}

impl Checker<'_> {
    /// `l op r` with a timestamp or duration on one side, neither a list nor optional.
    pub(super) fn time_binary(
        &mut self,
        op: BinaryOp,
        hop: Option<BinOp>,
        op_span: Span,
        l: hir::Expr,
        r: hir::Expr,
        span: Span,
    ) -> hir::Expr {
        let Some(result) = hop.and_then(|h| result_of(&l.ty, h, &r.ty)) else {
            let settled = |t: &Ty| t.default_ty().unwrap_or_else(|| t.clone());
            let (lt, rt) = (settled(&l.ty), settled(&r.ty));
            self.error(
                Diagnostic::error(
                    "E0260",
                    op_span,
                    format!(
                        "operator `{}` is not defined for {lt} and {rt}",
                        op.symbol()
                    ),
                )
                .with_label(format!("no `{lt} {} {rt}`", op.symbol()))
                .with_secondary(l.span, format!("this is {lt}"))
                .with_secondary(r.span, format!("this is {rt}"))
                .with_help(hint(&lt, op, &rt)),
            );
            return hir::Expr::error(span);
        };
        // An integer operand (of `*` or `/`) is an i64.
        let side = |c: &mut Self, e: hir::Expr| match operand(&e.ty) {
            Some(Operand::Int) => c.coerce(e, &Ty::I64),
            _ => e,
        };
        let (l, r) = (side(self, l), side(self, r));
        if l.ty.is_error() || r.ty.is_error() {
            return hir::Expr::error(span);
        }
        hir::Expr::new(
            ExprKind::Binary {
                op: hop.expect("a time operator"),
                lhs: crate::chain::Spine::new(l),
                rhs: Box::new(r),
            },
            result,
            span,
        )
    }

    /// A call of `timestamp(s)` or `duration(s)` (a `Parse` to a time type): a literal
    /// `s` is read now, its value folded into the program (no parsing when it runs);
    /// text that does not parse is error E0261 pointing into the literal.
    pub(super) fn time_literal(&mut self, call: hir::Expr) -> hir::Expr {
        let ExprKind::Builtin {
            op: Builtin::Parse,
            args,
        } = &call.kind
        else {
            return call;
        };
        let (Some(ExprKind::Str(text)), true) = (
            args.first().map(|a| &a.kind),
            matches!(call.ty, Ty::Timestamp | Ty::Duration),
        ) else {
            return call;
        };
        let parsed = match call.ty {
            Ty::Timestamp => kiln_runtime::time::parse_timestamp(text),
            _ => kiln_runtime::time::parse_duration(text),
        };
        match parsed {
            Ok(ns) => hir::Expr::new(ExprKind::Int(ns as u64), call.ty.clone(), call.span),
            Err(e) => {
                let why = match e {
                    ParseError::Malformed(reason) => {
                        format!("cannot parse {text:?} as {}: {reason}", call.ty)
                    }
                    ParseError::OutOfRange => {
                        kiln_runtime::time::parse_message(&call.ty.to_string(), text, true)
                    }
                };
                let what = call.ty.to_string();
                let example = match call.ty {
                    Ty::Timestamp => "`timestamp(\"2024-03-01T12:00:00Z\")`",
                    _ => "`duration(\"1h30m\")`, `duration(\"PT45S\")`",
                };
                let inside = inside_quotes(args[0].span);
                self.error(
                    Diagnostic::error("E0261", inside, why)
                        .with_label(format!("not a {what}"))
                        .with_help(format!("write it like {example}")),
                );
                hir::Expr::error(call.span)
            }
        }
    }
}

/// The characters of a string literal between its quotes.
fn inside_quotes(literal: Span) -> Span {
    match literal.hi.checked_sub(literal.lo) {
        Some(2..) => Span::new(literal.lo as usize + 1, literal.hi as usize - 1),
        _ => literal,
    }
}
