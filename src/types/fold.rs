//! Compile-time checks on folded literal arithmetic: an integer `/` or `%` whose divisor
//! folds to zero is a compile error (every other fault stays a runtime error).

use super::check::Checker;
use super::hir::{self, BinOp, ExprKind, UnOp};
use super::ty::Ty;
use crate::diag::Diagnostic;

/// The value of an integer expression built only from literals, as bits of its type.
pub fn const_int(e: &hir::Expr) -> Option<u64> {
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
        ExprKind::Binary { op, lhs, rhs } => {
            let (a, b) = (const_int(lhs)?, const_int(rhs)?);
            let (sa, sb) = (sext(a, &lhs.ty), sext(b, &rhs.ty));
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
        visit_block(&f.body, &mut |e| {
            if let ExprKind::Binary {
                op: op @ (BinOp::Div | BinOp::Rem),
                rhs,
                ..
            } = &e.kind
            {
                if matches!(e.ty, Ty::Int(_)) && const_int(rhs) == Some(0) {
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

fn visit_block(b: &hir::Block, f: &mut impl FnMut(&hir::Expr)) {
    for s in &b.stmts {
        match s {
            hir::Stmt::Assign { value, .. } | hir::Stmt::Expr(value) => visit(value, f),
            hir::Stmt::When { arms, else_block } => {
                for (c, blk) in arms {
                    visit(c, f);
                    visit_block(blk, f);
                }
                if let Some(blk) = else_block {
                    visit_block(blk, f);
                }
            }
        }
    }
    if let Some(v) = &b.value {
        visit(v, f);
    }
}

fn visit(e: &hir::Expr, f: &mut impl FnMut(&hir::Expr)) {
    f(e);
    match &e.kind {
        ExprKind::Bool(_)
        | ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Str(_)
        | ExprKind::Var(_) => {}
        ExprKind::List(xs)
        | ExprKind::Call { args: xs, .. }
        | ExprKind::CallExtern { args: xs, .. }
        | ExprKind::CallHost { args: xs, .. }
        | ExprKind::Builtin { args: xs, .. } => xs.iter().for_each(|x| visit(x, f)),
        ExprKind::Cast(x) | ExprKind::Unary { operand: x, .. } => visit(x, f),
        ExprKind::Binary { lhs: a, rhs: b, .. }
        | ExprKind::And(a, b)
        | ExprKind::Or(a, b)
        | ExprKind::In { item: a, list: b }
        | ExprKind::Index { list: a, index: b } => {
            visit(a, f);
            visit(b, f);
        }
        ExprKind::If { cond, then, else_ } => {
            visit(cond, f);
            visit(then, f);
            visit(else_, f);
        }
        ExprKind::Switch { arms, default } => {
            for (c, v) in arms {
                visit(c, f);
                visit(v, f);
            }
            visit(default, f);
        }
    }
}
