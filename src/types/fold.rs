//! Compile-time checks on folded literal arithmetic: an integer `/` or `%` whose divisor
//! folds to zero is a compile error (every other fault stays a runtime error).

use super::check::Checker;
use super::hir::{self, BinOp, ExprKind, UnOp, Walk};
use super::ty::Ty;
use crate::chain;
use crate::diag::Diagnostic;

/// The value of an integer expression built only from literals, as bits of its type.
/// A chain (`1 + 2 + ...`, any length) is folded with a loop (see `crate::chain`).
pub fn const_int(e: &hir::Expr) -> Option<u64> {
    chain::fold(
        &mut (),
        e,
        |_, leaf| const_node(leaf, None),
        |_, lhs, node| const_node(node, Some(lhs?)),
    )
}

/// `const_int` of one node; `lhs` is the value of its left operand when it is a chain
/// node.
fn const_node(e: &hir::Expr, lhs: Option<u64>) -> Option<u64> {
    let Ty::Int(it) = &e.ty else { return None };
    let mask = it.mask();
    let sext = |v: u64, t: &Ty| -> i128 {
        match t {
            Ty::Int(i) if i.signed() => {
                let shift = 64 - i.bits();
                (((v << shift) as i64) >> shift) as i128
            }
            _ => v as i128,
        }
    };
    let v = match &e.kind {
        ExprKind::Int(v) => *v,
        ExprKind::Cast(inner) => {
            let v = const_int(inner)?;
            sext(v, &inner.ty) as u64
        }
        ExprKind::Unary { op, operand } => {
            let v = const_int(operand)?;
            match op {
                UnOp::Neg => v.wrapping_neg(),
                UnOp::BitNot => !v,
                UnOp::Not => return None,
            }
        }
        ExprKind::Binary { op, lhs: l, rhs } => {
            let (a, b) = (lhs?, const_int(rhs)?);
            let (sa, sb) = (sext(a, &l.ty), sext(b, &rhs.ty));
            let bits = it.bits() as u64;
            match op {
                BinOp::Add => a.wrapping_add(b),
                BinOp::Sub => a.wrapping_sub(b),
                BinOp::Mul => a.wrapping_mul(b),
                BinOp::Div | BinOp::Rem if b & mask == 0 => return None,
                BinOp::Div => {
                    if it.signed() {
                        sa.checked_div(sb)? as u64
                    } else {
                        (a & mask) / (b & mask)
                    }
                }
                BinOp::Rem => {
                    if it.signed() {
                        (sa % sb) as u64
                    } else {
                        (a & mask) % (b & mask)
                    }
                }
                BinOp::BitAnd => a & b,
                BinOp::BitOr => a | b,
                BinOp::BitXor => a ^ b,
                BinOp::Shl => a << (b % bits),
                BinOp::Shr => {
                    if it.signed() {
                        (sa >> (b % bits)) as u64
                    } else {
                        (a & mask) >> (b % bits)
                    }
                }
                _ => return None,
            }
        }
        _ => return None,
    };
    Some(v & mask)
}

impl Checker<'_> {
    /// Report integer division or remainder by a constant zero anywhere in a function.
    pub fn fold_checks(&mut self, f: &mut hir::Function) {
        let mut found = Vec::new();
        f.body.walk(&mut |e| {
            if let ExprKind::Binary {
                op: op @ (BinOp::Div | BinOp::Rem),
                rhs,
                ..
            } = &e.kind
            {
                // A division's type is its operands'.
                if op.effects(&e.ty, hir::Overflow::Wrap).can_fault && const_int(rhs) == Some(0) {
                    found.push((rhs.span, e.span, *op));
                }
            }
        });
        for (rhs, whole, op) in found {
            let what = if op == BinOp::Div {
                "division"
            } else {
                "remainder"
            };
            self.error(
                Diagnostic::error("E0501", rhs, format!("{what} by zero"))
                    .with_label("this divisor is always zero")
                    .with_secondary(whole, format!("this {what} would fail every time it runs"))
                    .with_help(
                        "an integer divisor must not be zero; floats give inf or NaN instead",
                    ),
            );
        }
    }
}
