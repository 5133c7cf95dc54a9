//! Which user functions can fail at run time: a fixpoint over the call graph. Calls to
//! functions that cannot fail need no status check afterwards.

use crate::types::hir::{BinOp, Block, Builtin, Expr, ExprKind, Program, Stmt};
use crate::types::ty::Ty;

/// `result[id]`: function `id` may record a fault (directly or through a call).
pub fn fallible_functions(program: &Program) -> Vec<bool> {
    let mut fallible = vec![false; program.functions.len()];
    loop {
        let mut changed = false;
        for (id, f) in program.functions.iter().enumerate() {
            if !fallible[id] && block_may_fail(&f.body, &fallible) {
                fallible[id] = true;
                changed = true;
            }
        }
        if !changed {
            return fallible;
        }
    }
}

fn block_may_fail(b: &Block, fallible: &[bool]) -> bool {
    b.stmts.iter().any(|s| stmt_may_fail(s, fallible))
        || b.value
            .as_deref()
            .is_some_and(|e| expr_may_fail(e, fallible))
}

fn stmt_may_fail(s: &Stmt, fallible: &[bool]) -> bool {
    match s {
        Stmt::Assign { value, .. } => expr_may_fail(value, fallible),
        Stmt::Expr(e) => expr_may_fail(e, fallible),
        Stmt::When { arms, else_block } => {
            arms.iter()
                .any(|(c, b)| expr_may_fail(c, fallible) || block_may_fail(b, fallible))
                || else_block
                    .as_ref()
                    .is_some_and(|b| block_may_fail(b, fallible))
        }
    }
}

/// A divisor that can neither be zero nor (for signed types) -1.
fn safe_divisor(rhs: &Expr) -> bool {
    match (&rhs.kind, &rhs.ty) {
        (ExprKind::Int(bits), Ty::Int(it)) => *bits != 0 && !(it.signed() && *bits == it.mask()),
        _ => false,
    }
}

pub(super) fn expr_may_fail(e: &Expr, fallible: &[bool]) -> bool {
    let here = match &e.kind {
        ExprKind::Binary {
            op: BinOp::Div | BinOp::Rem,
            lhs,
            rhs,
        } => matches!(lhs.ty, Ty::Int(_)) && !safe_divisor(rhs),
        ExprKind::Index { .. } => true,
        ExprKind::Builtin {
            op: Builtin::Parse, ..
        } => e.ty != Ty::Str,
        ExprKind::Call { func, .. } => fallible.get(*func).copied().unwrap_or(true),
        _ => false,
    };
    here || children(e).into_iter().any(|c| expr_may_fail(c, fallible))
}

/// The direct sub-expressions of `e`.
pub(super) fn children(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Bool(_)
        | ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Str(_)
        | ExprKind::Var(_) => vec![],
        ExprKind::List(items) => items.iter().collect(),
        ExprKind::Cast(x) | ExprKind::Unary { operand: x, .. } => vec![x],
        ExprKind::Binary { lhs, rhs, .. } => vec![lhs, rhs],
        ExprKind::And(a, b) | ExprKind::Or(a, b) => vec![a, b],
        ExprKind::If { cond, then, else_ } => vec![cond, then, else_],
        ExprKind::Switch { arms, default } => arms
            .iter()
            .flat_map(|(c, v)| [c, v])
            .chain(std::iter::once(&**default))
            .collect(),
        ExprKind::In { item, list } => vec![item, list],
        ExprKind::Index { list, index } => vec![list, index],
        ExprKind::Call { args, .. } | ExprKind::Builtin { args, .. } => args.iter().collect(),
    }
}
