//! Facts about the call graph: which user functions are recursive (they guard their
//! stack on entry) and which can fail at run time (a fixpoint; calls to functions that
//! cannot fail need no status check afterwards).

use super::HostImpl;
use crate::span::Span;
use crate::types::hir::{BinOp, Block, Builtin, Expr, ExprKind, Program, Stmt};
use crate::types::ty::Ty;

/// `result[id]`: function `id` can reach a call of itself, directly or through others.
pub fn recursive_functions(program: &Program) -> Vec<bool> {
    let callees: Vec<Vec<usize>> = program
        .functions
        .iter()
        .map(|f| {
            let mut out = Vec::new();
            for_each_expr(&f.body, &mut |e| {
                if let ExprKind::Call { func, .. } = e.kind {
                    out.push(func);
                }
            });
            out
        })
        .collect();
    (0..callees.len())
        .map(|start| {
            let mut seen = vec![false; callees.len()];
            let mut stack = callees[start].clone();
            while let Some(f) = stack.pop() {
                if f == start {
                    return true;
                }
                if f < seen.len() && !std::mem::replace(&mut seen[f], true) {
                    stack.extend(&callees[f]);
                }
            }
            false
        })
        .collect()
}

/// Visit every expression of a block, statements included.
fn for_each_expr(b: &Block, f: &mut impl FnMut(&Expr)) {
    fn expr(e: &Expr, f: &mut impl FnMut(&Expr)) {
        f(e);
        for c in children(e) {
            expr(c, f);
        }
    }
    for s in &b.stmts {
        match s {
            Stmt::Assign { value, .. } | Stmt::Expr(value) => expr(value, f),
            Stmt::When { arms, else_block } => {
                for (c, blk) in arms {
                    expr(c, f);
                    for_each_expr(blk, f);
                }
                if let Some(blk) = else_block {
                    for_each_expr(blk, f);
                }
            }
        }
    }
    if let Some(v) = &b.value {
        expr(v, f);
    }
}

/// `result[id]`: function `id` may record a fault (directly or through a call). A
/// recursive function may always fault: it can run out of stack. Every host function
/// counts as one that may fail (see [`fallible_functions_with`]).
pub fn fallible_functions(program: &Program) -> Vec<bool> {
    fallible_functions_with(program, &[])
}

/// Like [`fallible_functions`], knowing how host functions are called: only those
/// whose [`HostImpl::may_fail`] holds may fail (an unknown one may).
pub fn fallible_functions_with(program: &Program, host: &[HostImpl]) -> Vec<bool> {
    let host: Vec<bool> = host.iter().map(HostImpl::may_fail).collect();
    let mut fallible = recursive_functions(program);
    loop {
        let mut changed = false;
        for (id, f) in program.functions.iter().enumerate() {
            let facts = Facts {
                fallible: &fallible,
                host: &host,
            };
            if !fallible[id] && block_may_fail(&f.body, facts) {
                fallible[id] = true;
                changed = true;
            }
        }
        if !changed {
            return fallible;
        }
    }
}

/// What the fixpoint knows: which user functions and which host functions may fail.
#[derive(Clone, Copy)]
struct Facts<'f> {
    fallible: &'f [bool],
    host: &'f [bool],
}

/// Every call of a host function in the program (functions first, then `main`): the
/// function's index and the call's span.
pub fn host_calls(program: &Program) -> Vec<(usize, Span)> {
    let mut out = Vec::new();
    for f in program
        .functions
        .iter()
        .chain(std::iter::once(&program.main))
    {
        for_each_expr(&f.body, &mut |e| {
            if let ExprKind::CallHost { func, .. } = e.kind {
                out.push((func, e.span));
            }
        });
    }
    out
}

/// Whether the program's top level may record a fault (so a loop over rows must check
/// the status word after each).
pub(super) fn main_may_fail(program: &Program, host: &[HostImpl]) -> bool {
    let fallible = fallible_functions_with(program, host);
    let host: Vec<bool> = host.iter().map(HostImpl::may_fail).collect();
    let facts = Facts {
        fallible: &fallible,
        host: &host,
    };
    block_may_fail(&program.main.body, facts)
}

fn block_may_fail(b: &Block, facts: Facts) -> bool {
    b.stmts.iter().any(|s| stmt_may_fail(s, facts))
        || b.value.as_deref().is_some_and(|e| expr_may_fail(e, facts))
}

fn stmt_may_fail(s: &Stmt, facts: Facts) -> bool {
    match s {
        Stmt::Assign { value, .. } => expr_may_fail(value, facts),
        Stmt::Expr(e) => expr_may_fail(e, facts),
        Stmt::When { arms, else_block } => {
            arms.iter()
                .any(|(c, b)| expr_may_fail(c, facts) || block_may_fail(b, facts))
                || else_block
                    .as_ref()
                    .is_some_and(|b| block_may_fail(b, facts))
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

fn expr_may_fail(e: &Expr, facts: Facts) -> bool {
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
        ExprKind::Builtin {
            op: Builtin::Lib(f),
            ..
        } => f.may_fail(),
        ExprKind::Call { func, .. } => facts.fallible.get(*func).copied().unwrap_or(true),
        ExprKind::CallExtern { .. } => true,
        ExprKind::CallHost { func, .. } => facts.host.get(*func).copied().unwrap_or(true),
        _ => false,
    };
    here || children(e).into_iter().any(|c| expr_may_fail(c, facts))
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
        ExprKind::Call { args, .. }
        | ExprKind::CallExtern { args, .. }
        | ExprKind::CallHost { args, .. }
        | ExprKind::Builtin { args, .. } => args.iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program(src: &str) -> Program {
        crate::check_source(src).expect("a valid program").program
    }

    #[test]
    fn recursion_is_found_through_any_cycle_and_only_there() {
        let p = program(
            "fn fact(n: i64) -> i64 = if(n < 2, 1, n * fact(n - 1));
             fn even(n: i64) -> bool = if(n == 0, true, odd(n - 1));
             fn odd(n: i64) -> bool = if(n == 0, false, even(n - 1));
             fn twice(n: i64) = fact(n) * 2;
             fn leaf(n: i64) = n + 1;
             0",
        );
        assert_eq!(recursive_functions(&p), [true, true, true, false, false]);
    }

    #[test]
    fn recursive_functions_and_their_callers_are_fallible() {
        let p = program(
            "fn r(n: i64) -> i64 = if(n == 0, 0, r(n - 1));
             fn calls_r(n: i64) = r(n) + 1;
             fn pure(n: i64) = n * 2;
             fn divides(n: i64) = 10 / n;
             0",
        );
        assert_eq!(fallible_functions(&p), [true, true, false, true]);
    }
}
