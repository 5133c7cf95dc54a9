//! The one walk over the HIR: which expressions are the children of which node, and
//! which expressions a block holds. Every analysis that visits sub-expressions goes
//! through these, so a new node kind teaches its children here and nowhere else.
//!
//! Order: source order, parents before their children (pre-order); a `switch` gives
//! each arm's condition, then its value, then the default; a block gives its statements
//! in order (a `when` arm's condition before its block), then its value.

use super::{Block, Expr, ExprKind, Stmt};
use std::ops::ControlFlow;

impl Expr {
    /// Calls `f` on each direct sub-expression in source order, until `f` breaks.
    pub fn try_for_each_child<'e, B>(
        &'e self,
        mut f: impl FnMut(&'e Expr) -> ControlFlow<B>,
    ) -> ControlFlow<B> {
        match &self.kind {
            ExprKind::Bool(_)
            | ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Str(_)
            | ExprKind::Var(_)
            | ExprKind::None => ControlFlow::Continue(()),
            ExprKind::List(xs)
            | ExprKind::Call { args: xs, .. }
            | ExprKind::CallExtern { args: xs, .. }
            | ExprKind::CallHost { args: xs, .. }
            | ExprKind::Builtin { args: xs, .. } => xs.iter().try_for_each(f),
            ExprKind::Cast(x) | ExprKind::Unary { operand: x, .. } => f(x),
            ExprKind::Binary { lhs: a, rhs: b, .. } | ExprKind::And(a, b) | ExprKind::Or(a, b) => {
                f(a)?;
                f(b)
            }
            ExprKind::In { item: a, list: b } | ExprKind::Index { list: a, index: b } => {
                f(a)?;
                f(b)
            }
            ExprKind::If { cond, then, else_ } => {
                f(cond)?;
                f(then)?;
                f(else_)
            }
            ExprKind::Switch { arms, default } => {
                for (c, v) in arms {
                    f(c)?;
                    f(v)?;
                }
                f(default)
            }
            // The list(s) and `init`, then the lambda's body.
            ExprKind::Hof { args, body, .. } => {
                args.iter().try_for_each(&mut f)?;
                f(body)
            }
            ExprKind::Some(x) | ExprKind::TryConvert(x) => f(x),
            ExprKind::Lift { args, body, .. } => {
                for a in args {
                    f(&a.value)?;
                }
                f(body)
            }
            ExprKind::Coalesce(xs) => xs.iter().try_for_each(f),
        }
    }

    /// Calls `f` on each direct sub-expression, in source order.
    pub fn for_each_child<'e>(&'e self, mut f: impl FnMut(&'e Expr)) {
        let _ = self.try_for_each_child(|c| {
            f(c);
            ControlFlow::<()>::Continue(())
        });
    }
}

/// A walk over every expression of a node, parents before their children (see the
/// module's order): an expression walks itself and all below it, a block every
/// expression of its statements (nested blocks included) and of its value.
pub trait Walk {
    /// Calls `f` on each expression, until `f` breaks.
    fn try_walk<'e, B>(&'e self, f: &mut impl FnMut(&'e Expr) -> ControlFlow<B>) -> ControlFlow<B>;

    /// Calls `f` on each expression.
    fn walk<'e>(&'e self, f: &mut impl FnMut(&'e Expr)) {
        let _ = self.try_walk(&mut |e| {
            f(e);
            ControlFlow::<()>::Continue(())
        });
    }

    /// Whether `f` holds for some expression (stops at the first).
    fn any(&self, mut f: impl FnMut(&Expr) -> bool) -> bool {
        self.try_walk(&mut |e| {
            if f(e) {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .is_break()
    }
}

impl Walk for Expr {
    /// With a stack of its own, not recursion: a chain of a million operators (see
    /// `crate::chain`) walks on any thread.
    fn try_walk<'e, B>(&'e self, f: &mut impl FnMut(&'e Expr) -> ControlFlow<B>) -> ControlFlow<B> {
        let mut todo = vec![self];
        while let Some(e) = todo.pop() {
            f(e)?;
            let at = todo.len();
            e.for_each_child(|c| todo.push(c));
            todo[at..].reverse();
        }
        ControlFlow::Continue(())
    }
}

impl Walk for Block {
    fn try_walk<'e, B>(&'e self, f: &mut impl FnMut(&'e Expr) -> ControlFlow<B>) -> ControlFlow<B> {
        for s in &self.stmts {
            match s {
                Stmt::Assign { value, .. } | Stmt::Expr(value) => value.try_walk(f)?,
                Stmt::When { arms, else_block } => {
                    for (cond, block) in arms {
                        cond.try_walk(f)?;
                        block.try_walk(f)?;
                    }
                    if let Some(block) = else_block {
                        block.try_walk(f)?;
                    }
                }
            }
        }
        match &self.value {
            Some(v) => v.try_walk(f),
            None => ControlFlow::Continue(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_walk_visits_every_expression_parents_first_in_source_order() {
        let src = "let a = [1, 2][0] + if(3 > 4, 5, 6);
                   when a > 7 { print(8); } elif a > 9 { print(10); } else { print(11); }
                   switch(a == 12, 13, 14)";
        let p = crate::check_source(src).expect("a valid program").program;
        let mut ints = Vec::new();
        p.main.body.walk(&mut |e| {
            if let ExprKind::Int(v) = e.kind {
                ints.push(v);
            }
        });
        // The list, then its elements, then the index: parents first.
        assert_eq!(ints, [1, 2, 0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
        assert!(p
            .main
            .body
            .any(|e| matches!(e.kind, ExprKind::Index { .. })));
        assert!(!p.main.body.any(|e| matches!(e.kind, ExprKind::Float(_))));
    }
}
