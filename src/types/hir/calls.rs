//! Facts about a program's call graph that every engine needs alike.

use super::{ExprKind, Program, Walk};

impl Program {
    /// `result[id]`: function `id` can reach a call of itself, directly or through others.
    pub fn recursive_functions(&self) -> Vec<bool> {
        let callees: Vec<Vec<usize>> = self
            .functions
            .iter()
            .map(|f| {
                let mut out = Vec::new();
                f.body.walk(&mut |e| {
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
}
