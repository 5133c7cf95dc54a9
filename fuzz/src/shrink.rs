//! Shrinking: make a program that shows a disagreement smaller while it still shows it.
//! Greedy passes over the generator's tree until none makes progress: delete statements
//! (and the params nothing reads), inline or drop `when` arms, drop functions' block
//! statements and recursion, and replace each expression by a simple literal of its type
//! or by one of its children of the same type. Every candidate is kept only when
//! `interesting` says the disagreement persists (which includes compiling cleanly).

use crate::ast::{Expr, Kind, Program, Stmt};
use crate::gen::simple;

/// Shrink `program` while `interesting` holds, calling it at most `budget` times.
/// Returns the smallest program found.
pub fn shrink(
    program: &Program,
    budget: usize,
    mut interesting: impl FnMut(&Program) -> bool,
) -> Program {
    let mut best = program.clone();
    let mut calls = 0usize;
    let mut try_it = |candidate: &Program, best: &mut Program, calls: &mut usize| -> bool {
        if *calls >= budget || candidate == best {
            return false;
        }
        *calls += 1;
        if interesting(candidate) {
            *best = candidate.clone();
            true
        } else {
            false
        }
    };
    loop {
        let before = best.clone();
        // 1. Delete top-level statements, last first (the result stays last).
        let mut i = best.stmts.len().saturating_sub(1);
        while i > 0 {
            i -= 1;
            if i < best.stmts.len().saturating_sub(1) {
                let cand = remove_stmt(&best, i);
                try_it(&cand, &mut best, &mut calls);
            }
        }
        // 2. Simplify statements in place: `when` to one arm, functions to their base.
        for i in 0..best.stmts.len() {
            for variant in 0..4 {
                if let Some(cand) = simplify_stmt(&best, i, variant) {
                    try_it(&cand, &mut best, &mut calls);
                }
            }
        }
        // 3. Expressions: each node replaced by a literal or a same-typed child.
        let mut k = 0;
        while k < count_nodes(&best) {
            let node = nth_node(&best, k).expect("k is in range");
            let mut replacements: Vec<Expr> = Vec::new();
            if !matches!(node.kind, Kind::Lit(_)) {
                for which in 0..3 {
                    replacements.push(simple(&node.ty, which));
                }
            } else if node.text_len() > 3 {
                replacements.push(simple(&node.ty, 0));
                replacements.push(simple(&node.ty, 1));
            }
            if !matches!(node.kind, Kind::Bounded(..)) {
                for c in node.children() {
                    if c.ty == node.ty {
                        replacements.push(c.clone());
                    }
                }
            }
            for r in replacements {
                let cand = replace_node(&best, k, &r);
                if try_it(&cand, &mut best, &mut calls) {
                    break;
                }
            }
            k += 1;
        }
        if best == before || calls >= budget {
            return best;
        }
    }
}

impl Expr {
    fn text_len(&self) -> usize {
        match &self.kind {
            Kind::Lit(t) => t.len(),
            _ => usize::MAX,
        }
    }
}

fn remove_stmt(p: &Program, i: usize) -> Program {
    let mut c = p.clone();
    let removed = c.stmts.remove(i);
    if let Stmt::Param(name, _) = removed {
        c.inputs.retain(|inp| inp.name != name);
    }
    c
}

fn simplify_stmt(p: &Program, i: usize, variant: usize) -> Option<Program> {
    let mut c = p.clone();
    match &mut c.stmts[i] {
        Stmt::When(arms, other) => {
            let body = match variant {
                0 => arms.first().map(|a| a.1.clone()),
                1 => other.clone(),
                2 if arms.len() > 1 => {
                    arms.remove(arms.len() - 1);
                    return Some(c);
                }
                3 if other.is_some() => {
                    *other = None;
                    return Some(c);
                }
                _ => return None,
            }?;
            c.stmts.splice(i..=i, body);
        }
        Stmt::Fn(f) => match variant {
            0 if f.step.is_some() => f.step = None,
            1 if f.block.as_ref().is_some_and(|b| !b.is_empty()) => {
                f.block.as_mut().unwrap().remove(0);
            }
            2 if f.block.as_ref().is_some_and(|b| b.is_empty()) => f.block = None,
            _ => return None,
        },
        _ => return None,
    }
    Some(c)
}

/// The root expressions of a statement, in order.
fn stmt_roots(s: &Stmt) -> Vec<&Expr> {
    match s {
        Stmt::Param(..) => vec![],
        Stmt::Let(_, _, e) | Stmt::Assign(_, e) | Stmt::Expr(e) => vec![e],
        Stmt::When(arms, other) => {
            let mut v = Vec::new();
            for (c, body) in arms {
                v.push(c);
                for s in body {
                    v.extend(stmt_roots(s));
                }
            }
            for s in other.iter().flatten() {
                v.extend(stmt_roots(s));
            }
            v
        }
        Stmt::Fn(f) => {
            let mut v = Vec::new();
            for s in f.block.iter().flatten() {
                v.extend(stmt_roots(s));
            }
            v.push(&f.result);
            if let Some(s) = &f.step {
                v.push(s);
            }
            v
        }
    }
}

fn stmt_roots_mut(s: &mut Stmt) -> Vec<&mut Expr> {
    match s {
        Stmt::Param(..) => vec![],
        Stmt::Let(_, _, e) | Stmt::Assign(_, e) | Stmt::Expr(e) => vec![e],
        Stmt::When(arms, other) => {
            let mut v = Vec::new();
            for (c, body) in arms {
                v.push(c);
                for s in body {
                    v.extend(stmt_roots_mut(s));
                }
            }
            for s in other.iter_mut().flatten() {
                v.extend(stmt_roots_mut(s));
            }
            v
        }
        Stmt::Fn(f) => {
            let mut v = Vec::new();
            for s in f.block.iter_mut().flatten() {
                v.extend(stmt_roots_mut(s));
            }
            v.push(&mut f.result);
            if let Some(s) = &mut f.step {
                v.push(s);
            }
            v
        }
    }
}

fn count_nodes(p: &Program) -> usize {
    p.stmts.iter().flat_map(stmt_roots).map(|e| e.size()).sum()
}

fn preorder<'a>(e: &'a Expr, k: &mut usize) -> Option<&'a Expr> {
    if *k == 0 {
        return Some(e);
    }
    *k -= 1;
    for c in e.children() {
        if let Some(found) = preorder(c, k) {
            return Some(found);
        }
    }
    None
}

fn preorder_mut<'a>(e: &'a mut Expr, k: &mut usize) -> Option<&'a mut Expr> {
    if *k == 0 {
        return Some(e);
    }
    *k -= 1;
    for c in e.children_mut() {
        if let Some(found) = preorder_mut(c, k) {
            return Some(found);
        }
    }
    None
}

/// The `k`th expression node of the program, in preorder.
fn nth_node(p: &Program, mut k: usize) -> Option<Expr> {
    for s in &p.stmts {
        for root in stmt_roots(s) {
            if let Some(e) = preorder(root, &mut k) {
                return Some(e.clone());
            }
        }
    }
    None
}

fn replace_node(p: &Program, mut k: usize, with: &Expr) -> Program {
    let mut c = p.clone();
    'outer: for s in &mut c.stmts {
        for root in stmt_roots_mut(s) {
            if let Some(e) = preorder_mut(root, &mut k) {
                *e = with.clone();
                break 'outer;
            }
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gen;

    #[test]
    fn shrinking_keeps_what_is_interesting_and_drops_the_rest() {
        // "Interesting": the program still calls `sqrt` somewhere (the generator writes
        // many other forms since language v1, so a program with `sqrt` can take a few
        // hundred seeds to come up).
        let mut shrunk_some = false;
        for seed in 0..400u64 {
            let p = gen::program(seed);
            if !p.source().contains("sqrt(") {
                continue;
            }
            let small = shrink(&p, 2000, |c| c.source().contains("sqrt("));
            assert!(small.source().contains("sqrt("));
            assert!(small.source().len() <= p.source().len());
            if small.source().len() < p.source().len() / 2 {
                shrunk_some = true;
                break;
            }
        }
        assert!(shrunk_some, "the shrinker never halved a program");
    }
}
