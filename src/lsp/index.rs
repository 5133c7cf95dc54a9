//! Names of one document, resolved over its AST by the language's scoping rules
//! (LANGUAGE.md, "Scopes"): every definition (function, `let`, `param`, a mutable
//! variable's first assignment, a function's or a lambda's parameter) with the text it is
//! visible in, and every use with the definition it names. It needs only what parses,
//! so it answers for a program that does not type-check.
//!
//! - Functions are visible everywhere; a call names every function of its name (the
//!   checker picks the overload; `analysis` narrows it with the HIR when there is one).
//! - `let` and `param` are visible from the end of their statement to the end of their
//!   block (the program, a `fn` body, a `when` branch); a later one of the same name
//!   shadows them.
//! - `x = e` updates a visible mutable variable `x`, else declares one in its block.
//! - A `fn` body sees its parameters, every function and the program-level `let`s and
//!   `param`s written before it, not mutable variables.
//! - A lambda's parameters are visible in its body.

use crate::chain;
use crate::span::Span;
use crate::syntax::ast::{self, Expr, ExprKind, FnBody, Stmt, StmtKind};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DefKind {
    Fn,
    Let,
    Param,
    /// A mutable variable (declared by its first assignment).
    Var,
    FnParam,
    LambdaParam,
}

#[derive(Clone, Debug)]
pub(crate) struct Def {
    pub name: String,
    pub kind: DefKind,
    /// The name where it is defined.
    pub span: Span,
    /// The whole definition (a function's declaration, a `let` statement).
    pub full: Span,
    /// Where it can be named: `lo..hi` of the text.
    pub visible: Span,
    /// Program-level (not inside a `fn`, a `when` branch or a lambda).
    pub top: bool,
    /// The type as written, if any (`let x: T`, `param x: T`, a parameter).
    pub ty: Option<String>,
    /// The defining expression (`let`, a variable's first assignment).
    pub value: Option<Span>,
}

/// A use of a name: a variable read or assigned, or a call's callee.
#[derive(Clone, Debug)]
pub(crate) struct Use {
    pub span: Span,
    /// The definitions it may name: one for a variable, every overload for a call, none
    /// for an unknown name or a built-in.
    pub defs: Vec<usize>,
    /// A call's callee (whose name is a function's).
    pub call: Option<Span>,
}

#[derive(Default, Debug)]
pub(crate) struct Index {
    pub defs: Vec<Def>,
    pub uses: Vec<Use>,
    /// The spans of `fn` declarations (their bodies do not see mutable variables).
    pub fn_spans: Vec<Span>,
}

impl Index {
    /// The index of `program`, whose text is `len` bytes long.
    pub(crate) fn build(program: &ast::Program, len: usize) -> Index {
        let mut b = Builder {
            index: Index::default(),
            scopes: vec![Vec::new()],
            fns: Vec::new(),
        };
        // Functions first: every statement sees every function.
        for s in &program.stmts {
            if let StmtKind::Fn(f) = &s.kind {
                let params: Vec<String> = f
                    .params
                    .iter()
                    .map(|p| format!("{}: {}", p.name.name, type_text(&p.ty)))
                    .collect();
                let mut sig = format!("fn {}({})", f.name.name, params.join(", "));
                if let Some(r) = &f.ret {
                    sig += &format!(" -> {}", type_text(r));
                }
                let id = b.def(Def {
                    name: f.name.name.clone(),
                    kind: DefKind::Fn,
                    span: f.name.span,
                    full: s.span,
                    visible: Span::new(0, len),
                    top: true,
                    ty: Some(sig),
                    value: None,
                });
                b.fns.push(id);
                b.index.fn_spans.push(s.span);
            }
        }
        let end = Span::new(len, len);
        b.stmts(&program.stmts, end, true);
        b.index
    }

    /// The use or definition whose name holds `offset`: (use index or none, the
    /// definitions it names).
    pub(crate) fn at(&self, offset: usize) -> Option<(Option<usize>, Vec<usize>)> {
        let holds = |s: Span| s.lo as usize <= offset && offset <= s.hi as usize;
        if let Some(i) = self.uses.iter().position(|u| holds(u.span)) {
            return Some((Some(i), self.uses[i].defs.clone()));
        }
        self.defs
            .iter()
            .position(|d| holds(d.span))
            .map(|d| (None, vec![d]))
    }

    /// The definitions visible at `offset`, the innermost of each name.
    pub(crate) fn visible_at(&self, offset: usize) -> Vec<&Def> {
        let in_fn = self
            .fn_spans
            .iter()
            .any(|s| s.lo as usize <= offset && offset <= s.hi as usize);
        let mut seen: Vec<&Def> = Vec::new();
        for d in &self.defs {
            let v = d.visible;
            // Not in its own statement (`let z = z|`): strictly after its start.
            let starts_before = (v.lo as usize) < offset || (v.lo == 0 && d.kind == DefKind::Fn);
            if !(starts_before && offset <= v.hi as usize) {
                continue;
            }
            if in_fn && d.top && d.kind == DefKind::Var {
                continue;
            }
            match seen
                .iter_mut()
                .find(|s| s.name == d.name && s.kind != DefKind::Fn)
            {
                // The one defined later (inner or shadowing) wins.
                Some(s) if d.kind != DefKind::Fn => {
                    if d.span.lo > s.span.lo {
                        *s = d;
                    }
                }
                _ => seen.push(d),
            }
        }
        seen
    }

    /// Every span that names definition `def`: the definition's own and its uses'.
    pub(crate) fn occurrences(&self, def: usize) -> Vec<Span> {
        let mut out = vec![self.defs[def].span];
        out.extend(
            self.uses
                .iter()
                .filter(|u| u.defs.contains(&def))
                .map(|u| u.span),
        );
        out
    }
}

/// A type as written, in text.
pub(crate) fn type_text(t: &ast::TypeExpr) -> String {
    match &t.kind {
        ast::TypeExprKind::Named(n) => n.clone(),
        ast::TypeExprKind::List(inner) => format!("[{}]", type_text(inner)),
        ast::TypeExprKind::Opt(inner) => format!("{}?", type_text(inner)),
    }
}

struct Builder {
    index: Index,
    /// Innermost last: (name, definition) pairs in definition order.
    scopes: Vec<Vec<(String, usize)>>,
    fns: Vec<usize>,
}

impl Builder {
    fn def(&mut self, d: Def) -> usize {
        self.index.defs.push(d);
        self.index.defs.len() - 1
    }

    fn bind(&mut self, name: &str, id: usize) {
        if let Some(s) = self.scopes.last_mut() {
            s.push((name.to_string(), id));
        }
    }

    fn lookup(&self, name: &str) -> Option<usize> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|s| s.iter().rev())
            .find(|(n, _)| n == name)
            .map(|&(_, id)| id)
    }

    /// The statements of one block, which ends at `end`.
    fn stmts(&mut self, stmts: &[Stmt], end: Span, top: bool) {
        for s in stmts {
            self.stmt(s, end, top);
        }
    }

    fn stmt(&mut self, s: &Stmt, end: Span, top: bool) {
        let after = Span::new(s.span.hi as usize, end.hi as usize);
        match &s.kind {
            StmtKind::Fn(f) => {
                // Only program-level `let`s and `param`s before it, then its parameters.
                let outer: Vec<(String, usize)> = self.scopes[0]
                    .iter()
                    .filter(|(_, id)| {
                        matches!(self.index.defs[*id].kind, DefKind::Let | DefKind::Param)
                    })
                    .cloned()
                    .collect();
                let saved = std::mem::replace(&mut self.scopes, vec![outer, Vec::new()]);
                for p in &f.params {
                    let id = self.def(Def {
                        name: p.name.name.clone(),
                        kind: DefKind::FnParam,
                        span: p.name.span,
                        full: p.name.span.to(p.ty.span),
                        visible: s.span,
                        top: false,
                        ty: Some(type_text(&p.ty)),
                        value: None,
                    });
                    self.bind(&p.name.name, id);
                }
                match &f.body {
                    FnBody::Expr(e) => self.expr(e),
                    FnBody::Block(b) => {
                        self.scopes.push(Vec::new());
                        self.stmts(&b.stmts, b.span, false);
                    }
                }
                self.scopes = saved;
            }
            StmtKind::Let { name, ty, value } => {
                self.expr(value);
                let id = self.def(Def {
                    name: name.name.clone(),
                    kind: DefKind::Let,
                    span: name.span,
                    full: s.span,
                    visible: after,
                    top,
                    ty: ty.as_ref().map(type_text),
                    value: Some(value.span),
                });
                self.bind(&name.name, id);
            }
            StmtKind::Assign { name, value } => {
                self.expr(value);
                match self.lookup(&name.name) {
                    Some(id) if self.index.defs[id].kind == DefKind::Var => {
                        self.index.uses.push(Use {
                            span: name.span,
                            defs: vec![id],
                            call: None,
                        });
                    }
                    _ => {
                        let id = self.def(Def {
                            name: name.name.clone(),
                            kind: DefKind::Var,
                            span: name.span,
                            full: s.span,
                            visible: after,
                            top,
                            ty: None,
                            value: Some(value.span),
                        });
                        self.bind(&name.name, id);
                    }
                }
            }
            StmtKind::Param { name, ty } => {
                let id = self.def(Def {
                    name: name.name.clone(),
                    kind: DefKind::Param,
                    span: name.span,
                    full: s.span,
                    visible: after,
                    top,
                    ty: Some(type_text(ty)),
                    value: None,
                });
                self.bind(&name.name, id);
            }
            StmtKind::Expr(e) => self.expr(e),
            StmtKind::When { arms, else_block } => {
                for arm in arms {
                    self.expr(&arm.cond);
                    self.block(&arm.block);
                }
                if let Some(b) = else_block {
                    self.block(b);
                }
            }
        }
    }

    fn block(&mut self, b: &ast::Block) {
        self.scopes.push(Vec::new());
        self.stmts(&b.stmts, b.span, false);
        self.scopes.pop();
    }

    fn expr(&mut self, e: &Expr) {
        // Nesting is bounded by the parser (E0010), not by the caller's stack.
        stacker::maybe_grow(64 << 10, 1 << 20, || self.expr_here(e));
    }

    fn expr_here(&mut self, e: &Expr) {
        // A chain's left spine with a loop (it may be any length).
        let (leaf, nodes) = chain::spine(e);
        self.leaf(leaf);
        for n in nodes {
            if let ExprKind::Binary { rhs, .. } = &n.kind {
                self.expr(rhs);
            }
        }
    }

    fn leaf(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Int { .. }
            | ExprKind::Float { .. }
            | ExprKind::Str(_)
            | ExprKind::Bool(_)
            | ExprKind::None => {}
            ExprKind::Name(n) => {
                let defs = self.lookup(n).into_iter().collect();
                self.index.uses.push(Use {
                    span: e.span,
                    defs,
                    call: None,
                });
            }
            ExprKind::List(xs)
            | ExprKind::If { args: xs, .. }
            | ExprKind::Switch { args: xs, .. }
            | ExprKind::Coalesce { operands: xs, .. } => xs.iter().for_each(|x| self.expr(x)),
            ExprKind::Unary { operand, .. } => self.expr(operand),
            ExprKind::Binary { lhs, rhs, .. } => {
                if let Some(l) = lhs.node() {
                    self.expr(l);
                }
                self.expr(rhs);
            }
            ExprKind::Call { callee, args } => {
                let defs = self
                    .fns
                    .iter()
                    .copied()
                    .filter(|&id| self.index.defs[id].name == callee.name)
                    .collect();
                self.index.uses.push(Use {
                    span: callee.span,
                    defs,
                    call: Some(e.span),
                });
                args.iter().for_each(|a| self.expr(a));
            }
            ExprKind::Index { target, index } => {
                self.expr(target);
                self.expr(index);
            }
            ExprKind::Lambda { params, body } => {
                self.scopes.push(Vec::new());
                for p in params {
                    let id = self.def(Def {
                        name: p.name.clone(),
                        kind: DefKind::LambdaParam,
                        span: p.span,
                        full: p.span,
                        visible: body.span,
                        top: false,
                        ty: None,
                        value: None,
                    });
                    self.bind(&p.name, id);
                }
                self.expr(body);
                self.scopes.pop();
            }
        }
    }
}
