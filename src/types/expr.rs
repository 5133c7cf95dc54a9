//! Typing expressions. `synth` gives every node a type; an unsuffixed literal (and any
//! operator tree over literals) keeps a flexible type (`IntLit`/`FloatLit`) until a
//! context settles it through `coerce` or `default` (see `lit.rs`).

use super::check::{Body, Checker};
use super::hir::{self, BinOp, ExprKind, UnOp, Var};
use super::ty::Ty;
use crate::chain::{self, Spine};
use crate::diag::Diagnostic;
use crate::span::Span;
use crate::syntax::ast::{self, BinaryOp, UnaryOp};

/// How a source operator is typed. Described once for every operator.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OpKind {
    /// `+ - * / %`: numbers (and `+` on strings); the operands join.
    Arith,
    /// `& | ^`: integers and bools (both sides evaluated); the operands join.
    Bits,
    /// `<< >>`: integer lhs, any integer count; the result has the lhs type.
    Shift,
    /// `< <= > >=`: numbers and strings; gives bool.
    Order,
    /// `== !=`: numbers, strings and bools; gives bool.
    Equality,
    /// `and or`: bools, short-circuit.
    Logic,
    /// `x in xs`.
    In,
}

fn classify(op: BinaryOp) -> (OpKind, Option<BinOp>) {
    use BinaryOp as B;
    match op {
        B::Add => (OpKind::Arith, Some(BinOp::Add)),
        B::Sub => (OpKind::Arith, Some(BinOp::Sub)),
        B::Mul => (OpKind::Arith, Some(BinOp::Mul)),
        B::Div => (OpKind::Arith, Some(BinOp::Div)),
        B::Rem => (OpKind::Arith, Some(BinOp::Rem)),
        B::BitAnd => (OpKind::Bits, Some(BinOp::BitAnd)),
        B::BitOr => (OpKind::Bits, Some(BinOp::BitOr)),
        B::BitXor => (OpKind::Bits, Some(BinOp::BitXor)),
        B::Shl => (OpKind::Shift, Some(BinOp::Shl)),
        B::Shr => (OpKind::Shift, Some(BinOp::Shr)),
        B::Lt => (OpKind::Order, Some(BinOp::Lt)),
        B::Le => (OpKind::Order, Some(BinOp::Le)),
        B::Gt => (OpKind::Order, Some(BinOp::Gt)),
        B::Ge => (OpKind::Order, Some(BinOp::Ge)),
        B::Eq => (OpKind::Equality, Some(BinOp::Eq)),
        B::Ne => (OpKind::Equality, Some(BinOp::Ne)),
        B::And | B::Or => (OpKind::Logic, None),
        B::In => (OpKind::In, None),
    }
}

/// Whether an operator of this kind is defined for operands of type `t` (`t` may be a
/// literal type; `op` is the source operator, for `+` on strings).
fn defined_for(kind: OpKind, op: BinaryOp, t: &Ty) -> bool {
    match kind {
        OpKind::Arith => t.is_numeric() || (op == BinaryOp::Add && *t == Ty::Str),
        OpKind::Bits => t.is_int() || *t == Ty::Bool,
        OpKind::Shift => t.is_int(),
        OpKind::Order => t.is_numeric() || matches!(t, Ty::Str | Ty::Timestamp | Ty::Duration),
        OpKind::Equality => {
            t.is_numeric() || matches!(t, Ty::Str | Ty::Bool | Ty::Timestamp | Ty::Duration)
        }
        OpKind::Logic => *t == Ty::Bool,
        OpKind::In => true,
    }
}

/// Whether an operator of this kind works element by element on lists of `t`: the
/// arithmetic operators and comparisons wherever they are defined, `& | ^` on masks
/// (`[bool]`) only: an integer list is not a bit vector.
fn defined_elementwise(kind: OpKind, op: BinaryOp, t: &Ty) -> bool {
    match kind {
        OpKind::Arith | OpKind::Order | OpKind::Equality => defined_for(kind, op, t),
        OpKind::Bits => *t == Ty::Bool,
        OpKind::Shift | OpKind::Logic | OpKind::In => false,
    }
}

impl<'a> Checker<'a> {
    pub fn synth(&mut self, b: &mut Body, e: &'a ast::Expr) -> hir::Expr {
        let r = self.synth_node(b, e);
        self.note_opt_bool(&r, e);
        r
    }

    fn synth_node(&mut self, b: &mut Body, e: &'a ast::Expr) -> hir::Expr {
        use ast::ExprKind as K;
        let span = e.span;
        match &e.kind {
            K::Int { value, suffix } => self.int_literal(*value as i128, *value, *suffix, span),
            K::Float { text, suffix } => self.float_literal(text, *suffix, span),
            K::Str(s) => hir::Expr::new(ExprKind::Str(s.clone()), Ty::Str, span),
            K::Bool(v) => hir::Expr::new(ExprKind::Bool(*v), Ty::Bool, span),
            K::Name(n) => self.name(b, n, span),
            K::List(items) => self.list(b, items, span),
            K::None => super::optional::none_expr(span),
            K::Coalesce { operands, op_spans } => self.coalesce(b, operands, op_spans, span),
            // A lambda is checked as an argument of a higher-order built-in
            // (`lambda.rs`); anywhere else it is an error.
            K::Lambda { .. } => self.misplaced_lambda(span),
            K::Unary {
                op,
                op_span,
                operand,
            } => self.unary(b, *op, *op_span, operand, span),
            // A chain (`a + b + c ...`, any length) is checked with a loop.
            K::Binary { .. } => chain::fold(
                &mut (self, b),
                e,
                |(c, b), leaf| c.synth(b, leaf),
                |(c, b), l, node| c.binary(b, l, node),
            ),
            K::Call { callee, args } => self.call(b, callee, args, span),
            K::Index { target, index } => self.index(b, target, index, span),
            K::If { keyword_span, args } => self.if_expr(b, *keyword_span, args, span),
            K::Switch { keyword_span, args } => self.switch_expr(b, *keyword_span, args, span),
        }
    }

    /// A condition: must be bool.
    pub fn condition(&mut self, cond: hir::Expr, what: &str) -> hir::Expr {
        if cond.ty == Ty::Bool || cond.ty.is_error() {
            return cond;
        }
        if cond.ty.is_opt() {
            return self.optional_condition(cond, what);
        }
        let found = cond.ty.clone();
        self.error(
            Diagnostic::error(
                "E0205",
                cond.span,
                format!("{what} must be bool, found {found}"),
            )
            .with_label(format!("this is {found}"))
            .with_help(if found.is_numeric() {
                "compare it to make a bool, e.g. `x != 0`"
            } else if found == Ty::List(Box::new(Ty::Bool)) {
                "this is one bool per element; `any(...)` or `all(...)` makes one bool of them"
            } else {
                "write a comparison or another bool expression"
            }),
        );
        hir::Expr::error(cond.span)
    }

    fn name(&mut self, b: &mut Body, n: &str, span: Span) -> hir::Expr {
        if let Some(local) = b.lookup(n).map(|bind| bind.local) {
            b.mark_read(local);
            let ty = b.locals[local].ty.clone();
            return hir::Expr::new(ExprKind::Var(Var::Local(local)), ty, span);
        }
        if let Some((pos, fid)) = b.func {
            if let Some(t) = self.visible_top(n, pos) {
                let top = &self.tops[t];
                match (&top.ty, top.global) {
                    (Some(ty), Some(g)) => {
                        let ty = ty.clone();
                        self.tops[t].read = true;
                        return hir::Expr::new(ExprKind::Var(Var::Global(g)), ty, span);
                    }
                    _ => {
                        let (bound_at, fname, call) = (
                            top.span,
                            self.fns[fid].decl.name.name.clone(),
                            self.main_stmt,
                        );
                        self.error(
                            Diagnostic::error(
                                "E0105",
                                span,
                                format!("`{n}` is read by `{fname}` before it is bound"),
                            )
                            .with_label("read here")
                            .with_secondary(bound_at, format!("`{n}` is bound here"))
                            .with_secondary(call, format!("but `{fname}` runs here, earlier"))
                            .with_help(format!("bind `{n}` before the first call of `{fname}`")),
                        );
                        return hir::Expr::error(span);
                    }
                }
            }
        }
        if let Some((i, eb)) = self.env_binding(n) {
            // Functions see earlier `let` bindings, not mutable variables (as in a file).
            if b.func.is_none() || !eb.mutable {
                let g = self.env_global(i);
                return hir::Expr::new(ExprKind::Var(Var::Global(g)), eb.ty.clone(), span);
            }
        }
        let d = self.unknown_name(b, n, span);
        self.error(d);
        hir::Expr::error(span)
    }

    fn list(&mut self, b: &mut Body, items: &'a [ast::Expr], span: Span) -> hir::Expr {
        let elems: Vec<hir::Expr> = items.iter().map(|x| self.synth(b, x)).collect();
        let ty = match Ty::join_all(elems.iter().map(|e| &e.ty)) {
            Some(t) => t,
            None => {
                let (i, w) = join_failure(&elems);
                let (e, w) = (&elems[i], &elems[w]);
                let other = if w.span == elems[0].span {
                    format!("the list starts with {}", w.ty)
                } else {
                    format!("this is {}", w.ty)
                };
                self.error(
                    Diagnostic::error(
                        "E0201",
                        e.span,
                        format!("list elements have different types: {} and {}", w.ty, e.ty),
                    )
                    .with_label(format!("this is {}", e.ty))
                    .with_secondary(w.span, other)
                    .with_note(format!("element {} of the list", i + 1)),
                );
                return hir::Expr::error(span);
            }
        };
        if let Some(d) = super::nest::too_deep(&Ty::List(Box::new(ty.clone())), span) {
            self.error(d);
            return hir::Expr::error(span);
        }
        let elems = if ty.is_flexible() {
            elems
        } else {
            elems.into_iter().map(|e| self.coerce(e, &ty)).collect()
        };
        hir::Expr::new(ExprKind::List(elems), Ty::List(Box::new(ty)), span)
    }

    fn unary(
        &mut self,
        b: &mut Body,
        op: UnaryOp,
        op_span: Span,
        operand: &'a ast::Expr,
        span: Span,
    ) -> hir::Expr {
        // `-` directly on a literal negates it before the range check.
        if op == UnaryOp::Neg {
            match &operand.kind {
                ast::ExprKind::Int { value, suffix } => {
                    return self.int_literal(-(*value as i128), *value, *suffix, span)
                }
                ast::ExprKind::Float { text, suffix } => {
                    return self.float_literal(&format!("-{text}"), *suffix, span)
                }
                _ => {}
            }
        }
        let inner = self.synth(b, operand);
        self.unary_typed(b, op, op_span, inner, span)
    }

    /// `op inner`, the operand checked.
    pub(super) fn unary_typed(
        &mut self,
        b: &mut Body,
        op: UnaryOp,
        op_span: Span,
        inner: hir::Expr,
        span: Span,
    ) -> hir::Expr {
        if inner.ty.is_error() {
            return inner;
        }
        if inner.ty.is_opt() {
            return self.unary_opt(b, op, op_span, inner, span);
        }
        if op == UnaryOp::Not && inner.ty == Ty::List(Box::new(Ty::Bool)) {
            // A mask's negation is `mask ^ true` element by element: one element-wise
            // node, which every backend evaluates and codegen fuses like the others.
            let ty = inner.ty.clone();
            let true_ = hir::Expr::new(ExprKind::Bool(true), Ty::Bool, op_span);
            return hir::Expr::new(
                ExprKind::Builtin {
                    op: hir::Builtin::Lib(hir::LibFn::Map(BinOp::BitXor)),
                    args: vec![inner, true_],
                },
                ty,
                span,
            );
        }
        let (ok, hop, sym) = match op {
            // `-d` of a duration (v1).
            UnaryOp::Neg if inner.ty == Ty::Duration => (true, Some(UnOp::Neg), "-"),
            UnaryOp::Neg => (inner.ty.is_numeric(), Some(UnOp::Neg), "-"),
            UnaryOp::Plus => (inner.ty.is_numeric(), None, "+"),
            UnaryOp::Not => (inner.ty == Ty::Bool, Some(UnOp::Not), "not"),
            UnaryOp::BitNot => (inner.ty.is_int(), Some(UnOp::BitNot), "~"),
        };
        if !ok {
            let help = match op {
                UnaryOp::Not => {
                    "`not` takes a bool or a mask (`[bool]`); compare first, e.g. `x == 0`"
                }
                UnaryOp::BitNot => "`~` takes an integer",
                _ => "unary `-` and `+` take a number",
            };
            self.error(
                Diagnostic::error(
                    "E0204",
                    op_span,
                    format!("unary `{sym}` is not defined for {}", inner.ty),
                )
                .with_label(format!("cannot apply to {}", inner.ty))
                .with_secondary(inner.span, format!("this is {}", inner.ty))
                .with_help(help),
            );
            return hir::Expr::error(span);
        }
        match hop {
            None => inner,
            Some(op) => {
                let ty = inner.ty.clone();
                hir::Expr::new(
                    ExprKind::Unary {
                        op,
                        operand: Box::new(inner),
                    },
                    ty,
                    span,
                )
            }
        }
    }

    /// The binary node `e`, its left operand `l` already checked.
    fn binary(&mut self, b: &mut Body, l: hir::Expr, e: &'a ast::Expr) -> hir::Expr {
        let ast::ExprKind::Binary {
            op, op_span, rhs, ..
        } = &e.kind
        else {
            return l;
        };
        let (op, op_span, span) = (*op, *op_span, e.span);
        let r = self.synth(b, rhs);
        let x = self.binary_typed(b, op, op_span, l, r, span);
        self.note_opt_bool(&x, e);
        x
    }

    /// `l op r`, both operands checked.
    pub(super) fn binary_typed(
        &mut self,
        b: &mut Body,
        op: BinaryOp,
        op_span: Span,
        l: hir::Expr,
        r: hir::Expr,
        span: Span,
    ) -> hir::Expr {
        let (kind, hop) = classify(op);
        if l.ty.is_error() || r.ty.is_error() {
            return hir::Expr::error(span);
        }
        let list = |t: &Ty| matches!(t, Ty::List(_));
        if (l.ty.is_opt() || r.ty.is_opt())
            && !matches!(kind, OpKind::Logic | OpKind::In)
            && ((!list(&l.ty) && !list(&r.ty))
                || super::optional::list_and_scalar_opt(kind == OpKind::Equality, &l.ty, &r.ty))
        {
            let equality = kind == OpKind::Equality;
            return self.binary_opt(b, op, op_span, equality, l, r, span);
        }
        if super::time::involved(&l.ty, &r.ty)
            && matches!(kind, OpKind::Arith | OpKind::Order | OpKind::Equality)
        {
            return self.time_binary(op, hop, op_span, l, r, span);
        }
        match kind {
            OpKind::Logic => {
                let word = op.symbol();
                let mask = Ty::List(Box::new(Ty::Bool));
                let masks: Vec<&hir::Expr> =
                    [&l, &r].into_iter().filter(|x| x.ty == mask).collect();
                if !masks.is_empty() {
                    self.mask_in_logic(op, op_span, &masks);
                    return hir::Expr::error(span);
                }
                let what = format!("an operand of `{word}`");
                let l = self.condition(l, &what);
                let r = self.condition(r, &what);
                if l.ty.is_error() || r.ty.is_error() {
                    // Reported; a `bool` here would make callers report again.
                    return hir::Expr::error(span);
                }
                let k = if op == BinaryOp::And {
                    ExprKind::And(Spine::new(l), Box::new(r))
                } else {
                    ExprKind::Or(Spine::new(l), Box::new(r))
                };
                hir::Expr::new(k, Ty::Bool, span)
            }
            OpKind::In => self.membership(b, l, r, op_span, span),
            OpKind::Shift => {
                for side in [&l, &r] {
                    if !side.ty.is_int() {
                        self.op_undefined(op, op_span, side);
                        return hir::Expr::error(span);
                    }
                }
                let r = self.default(r);
                let ty = l.ty.clone();
                binary_node(hop.unwrap(), l, r, ty, span)
            }
            OpKind::Arith | OpKind::Bits | OpKind::Order | OpKind::Equality
                if matches!(l.ty, Ty::List(_)) || matches!(r.ty, Ty::List(_)) =>
            {
                self.elementwise(kind, op, op_span, l, r, span)
            }
            OpKind::Arith | OpKind::Bits | OpKind::Order | OpKind::Equality => {
                let Some(mut ty) = Ty::join(&l.ty, &r.ty) else {
                    self.mismatch(Some(b), op, op_span, &l, &r);
                    return hir::Expr::error(span);
                };
                if !defined_for(kind, op, &ty) {
                    let culprit = if defined_for(kind, op, &l.ty) { &r } else { &l };
                    self.op_undefined(op, op_span, culprit);
                    return hir::Expr::error(span);
                }
                let gives_bool = matches!(kind, OpKind::Order | OpKind::Equality);
                if gives_bool {
                    // Nothing outside can settle the operands' type: default it now.
                    ty = ty.default_ty().unwrap_or(ty);
                }
                let (l, r) = if ty.is_flexible() {
                    (l, r)
                } else {
                    (self.coerce(l, &ty), self.coerce(r, &ty))
                };
                let result = if gives_bool { Ty::Bool } else { ty };
                binary_node(hop.unwrap(), l, r, result, span)
            }
        }
    }

    fn membership(
        &mut self,
        b: &Body,
        item: hir::Expr,
        list: hir::Expr,
        op_span: Span,
        span: Span,
    ) -> hir::Expr {
        let Ty::List(elem) = list.ty.clone() else {
            let mut d = Diagnostic::error(
                "E0204",
                list.span,
                format!("`in` needs a list on its right, found {}", list.ty),
            )
            .with_label(format!("this is {}", list.ty))
            .with_secondary(op_span, "membership test");
            d = d.with_help(self.contains_hint(b, &item, &list).unwrap_or_else(|| {
                "`in` looks for an element in a list, as in `2 in [1, 2, 3]`".to_string()
            }));
            self.error(d);
            return hir::Expr::error(span);
        };
        // The list's elements are never converted: a settled element type is the join.
        let joined = Ty::join(&item.ty, &elem).filter(|j| elem.is_flexible() || *j == *elem);
        let Some(j) = joined else {
            self.error(
                Diagnostic::error(
                    "E0201",
                    item.span,
                    format!("cannot look for a {} in a list of {}", item.ty, elem),
                )
                .with_label(format!("this is {}", item.ty))
                .with_secondary(list.span, format!("this is [{elem}]")),
            );
            return hir::Expr::error(span);
        };
        let Some(j) = j.default_ty() else {
            return self.cannot_infer(list.span);
        };
        if let Some(d) = super::nest::too_deep(&Ty::List(Box::new(j.clone())), list.span) {
            self.error(d);
            return hir::Expr::error(span);
        }
        let item = self.coerce(item, &j);
        let list = self.coerce(list, &Ty::List(Box::new(j)));
        hir::Expr::new(
            ExprKind::In {
                item: Box::new(item),
                list: Box::new(list),
            },
            Ty::Bool,
            span,
        )
    }

    fn index(
        &mut self,
        b: &mut Body,
        target: &'a ast::Expr,
        index: &'a ast::Expr,
        span: Span,
    ) -> hir::Expr {
        let t = self.synth(b, target);
        let i = self.synth(b, index);
        if t.ty.is_error() || i.ty.is_error() {
            return hir::Expr::error(span);
        }
        let t = self.default(t);
        if t.ty.is_opt() || i.ty.is_opt() {
            return self.index_opt(b, t, i, span);
        }
        self.index_typed(t, i, span)
    }

    /// `t[i]`, both checked, neither optional.
    pub(super) fn index_typed(&mut self, t: hir::Expr, i: hir::Expr, span: Span) -> hir::Expr {
        if t.ty.is_error() || i.ty.is_error() {
            return hir::Expr::error(span);
        }
        let Ty::List(elem) = t.ty.clone() else {
            let help = if t.ty == Ty::Str {
                "strings cannot be indexed; convert or compare whole strings"
            } else {
                "only lists can be indexed"
            };
            self.error(
                Diagnostic::error(
                    "E0204",
                    t.span,
                    format!("cannot index a value of type {}", t.ty),
                )
                .with_label(format!("this is {}", t.ty))
                .with_help(help),
            );
            return hir::Expr::error(span);
        };
        // Any integer type indexes; an unsuffixed literal is an i64.
        let i = match &i.ty {
            Ty::Int(_) => i,
            _ => self.coerce_or(i, &Ty::I64, |found, s| {
                Diagnostic::error(
                    "E0201",
                    s,
                    format!("a list index must be an integer, found {found}"),
                )
                .with_label(format!("this is {found}"))
                .with_help("convert it: `i64(...)`")
            }),
        };
        hir::Expr::new(
            ExprKind::Index {
                list: Box::new(t),
                index: Box::new(i),
            },
            *elem,
            span,
        )
    }

    fn if_expr(&mut self, b: &mut Body, kw: Span, args: &'a [ast::Expr], span: Span) -> hir::Expr {
        if args.len() != 3 {
            self.error(
                Diagnostic::error(
                    "E0303",
                    kw,
                    format!("`if` takes 3 arguments, found {}", args.len()),
                )
                .with_label("here")
                .with_help("write `if(condition, value_if_true, value_if_false)`"),
            );
            return hir::Expr::error(span);
        }
        let cond = self.synth(b, &args[0]);
        let cond = self.condition(cond, "the `if` condition");
        self.check_if_condition(&cond, args[1].span, args[2].span);
        let branches = self.join_branches(b, &args[1..], "`if`");
        let Some((mut vals, ty)) = branches else {
            return hir::Expr::error(span);
        };
        let else_ = vals.pop().unwrap();
        let then = vals.pop().unwrap();
        hir::Expr::new(
            ExprKind::If {
                cond: Box::new(cond),
                then: Box::new(then),
                else_: Box::new(else_),
            },
            ty,
            span,
        )
    }

    fn switch_expr(
        &mut self,
        b: &mut Body,
        kw: Span,
        args: &'a [ast::Expr],
        span: Span,
    ) -> hir::Expr {
        if args.len() < 3 || args.len() % 2 == 0 {
            self.error(
                Diagnostic::error(
                    "E0303",
                    kw,
                    format!(
                        "`switch` takes condition/value pairs and a default (an odd number, at least 3), found {} argument{}",
                        args.len(),
                        if args.len() == 1 { "" } else { "s" }
                    ),
                )
                .with_label("here")
                .with_help("write `switch(c1, v1, c2, v2, ..., default)`"),
            );
            return hir::Expr::error(span);
        }
        let mut conds = Vec::new();
        let mut value_args = Vec::new();
        let last = &args[args.len() - 1];
        let arms = args.len() / 2;
        for (i, pair) in args[..args.len() - 1].chunks(2).enumerate() {
            let c = self.synth(b, &pair[0]);
            let c = self.condition(c, "a `switch` condition");
            let rest = args[2 * i + 2].span.to(last.span);
            self.check_switch_condition(&c, pair[1].span, rest, i + 1 == arms);
            conds.push(c);
            value_args.push(&pair[1]);
        }
        value_args.push(&args[args.len() - 1]);
        let values: Vec<hir::Expr> = value_args.iter().map(|a| self.synth(b, a)).collect();
        let Some((mut vals, ty)) = self.join_values(values, "`switch`") else {
            return hir::Expr::error(span);
        };
        let default = vals.pop().unwrap();
        hir::Expr::new(
            ExprKind::Switch {
                arms: conds.into_iter().zip(vals).collect(),
                default: Box::new(default),
            },
            ty,
            span,
        )
    }

    fn join_branches(
        &mut self,
        b: &mut Body,
        args: &'a [ast::Expr],
        what: &str,
    ) -> Option<(Vec<hir::Expr>, Ty)> {
        let values: Vec<hir::Expr> = args.iter().map(|a| self.synth(b, a)).collect();
        self.join_values(values, what)
    }

    /// Join the branch values of `if`/`switch` into one type and convert each to it.
    fn join_values(&mut self, values: Vec<hir::Expr>, what: &str) -> Option<(Vec<hir::Expr>, Ty)> {
        let Some(ty) = Ty::join_all(values.iter().map(|v| &v.ty)) else {
            let (i, w) = join_failure(&values);
            let (v, w) = (&values[i], &values[w]);
            self.error(
                Diagnostic::error(
                    "E0206",
                    v.span,
                    format!(
                        "{what} branches have different types: {} and {}",
                        w.ty, v.ty
                    ),
                )
                .with_label(format!("this is {}", v.ty))
                .with_secondary(w.span, format!("this is {}", w.ty))
                .with_help("every branch must have the same type; convert one of them"),
            );
            return None;
        };
        if ty.is_error() {
            return None;
        }
        let values = if ty.is_flexible() {
            values
        } else {
            values.into_iter().map(|v| self.coerce(v, &ty)).collect()
        };
        Some((values, ty))
    }

    fn op_undefined(&mut self, op: BinaryOp, op_span: Span, culprit: &hir::Expr) {
        let ty = &culprit.ty;
        let help = match (op, ty) {
            (BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge, Ty::Bool) => {
                "bools support only `==` and `!=`"
            }
            (
                BinaryOp::BitAnd
                | BinaryOp::BitOr
                | BinaryOp::BitXor
                | BinaryOp::Shl
                | BinaryOp::Shr,
                Ty::Float(_) | Ty::FloatLit,
            ) => "bitwise operators take integers; convert with `i64(...)` first",
            (BinaryOp::BitAnd | BinaryOp::BitOr | BinaryOp::BitXor, Ty::List(_)) => {
                "element by element, `&`, `|` and `^` combine only masks (`[bool]`)"
            }
            (_, Ty::Str) => "strings support `+` and comparisons",
            (BinaryOp::Eq | BinaryOp::Ne, Ty::List(e)) if matches!(**e, Ty::List(_)) => {
                "`==` on lists compares element by element, and lists have no element-wise \
                 `==`; to look for a whole list use `in` or `index_of`, as in `[1, 2] in xss`"
            }
            (_, Ty::List(e)) if matches!(**e, Ty::List(_)) => {
                "operators work element by element on lists of scalars, not on lists of lists"
            }
            _ => "see the operator table in docs/language.md",
        };
        self.error(
            Diagnostic::error(
                "E0204",
                op_span,
                format!("operator `{}` is not defined for {ty}", op.symbol()),
            )
            .with_label(format!("cannot apply to {ty}"))
            .with_secondary(culprit.span, format!("this is {ty}"))
            .with_help(help),
        );
    }

    /// A mask (`[bool]`) as an operand of `and`/`or`, which take one bool: the
    /// element-wise operator is `&`/`|`.
    fn mask_in_logic(&mut self, op: BinaryOp, op_span: Span, masks: &[&hir::Expr]) {
        let (word, bits) = if op == BinaryOp::And {
            ("and", "&")
        } else {
            ("or", "|")
        };
        let mut d = Diagnostic::error(
            "E0205",
            masks[0].span,
            format!("an operand of `{word}` must be bool, found [bool]"),
        )
        .with_label("this is one bool per element")
        .with_secondary(
            op_span,
            format!("`{word}` takes one bool and short-circuits"),
        );
        for m in &masks[1..] {
            d = d.with_secondary(m.span, "and so is this");
        }
        self.error(d.with_help(format!(
            "to combine masks element by element use `{bits}`, e.g. `(xs > lo) {bits} (xs < hi)`; \
             `any(...)` or `all(...)` makes one bool of a mask"
        )));
    }

    /// Two operands that do not join.
    fn mismatch(
        &mut self,
        b: Option<&Body>,
        op: BinaryOp,
        op_span: Span,
        l: &hir::Expr,
        r: &hir::Expr,
    ) {
        let numeric = elem_of(&l.ty).is_numeric() && elem_of(&r.ty).is_numeric();
        let (code, msg) = if numeric {
            (
                "E0202",
                format!("cannot mix {} and {} in `{}`", l.ty, r.ty, op.symbol()),
            )
        } else {
            (
                "E0201",
                format!(
                    "mismatched operand types for `{}`: {} and {}",
                    op.symbol(),
                    l.ty,
                    r.ty
                ),
            )
        };
        let mut d = Diagnostic::error(code, op_span, msg)
            .with_secondary(l.span, format!("this is {}", l.ty))
            .with_secondary(r.span, format!("this is {}", r.ty));
        if numeric {
            d = d
                .with_note("numbers convert implicitly only where no value can be lost")
                .with_help(cast_hint(l, r));
        } else if let Some(help) = self.concat_hint(b, op, l, r) {
            d = d
                .with_label("`+` joins a string only with another string")
                .with_help(help);
        }
        self.error(d);
    }

    pub fn cannot_infer(&mut self, span: Span) -> hir::Expr {
        self.error(
            Diagnostic::error("E0208", span, "cannot infer the element type of `[]`")
                .with_label("empty list with no type context")
                .with_help("annotate it, e.g. `let xs: [i64] = [];`"),
        );
        hir::Expr::error(span)
    }
}

/// Where values that do not join (`Ty::join_all`) first conflict: the first value that
/// cannot join the values before it, and an earlier value it conflicts with (preferably
/// one of the type those earlier values joined to).
fn join_failure(values: &[hir::Expr]) -> (usize, usize) {
    let i = (1..values.len())
        .find(|&i| Ty::join_all(values[..=i].iter().map(|v| &v.ty)).is_none())
        .unwrap_or(values.len() - 1);
    let before = Ty::join_all(values[..i].iter().map(|v| &v.ty));
    let conflicts: Vec<usize> = (0..i)
        .filter(|&j| Ty::join(&values[j].ty, &values[i].ty).is_none())
        .collect();
    let w = conflicts
        .iter()
        .copied()
        .find(|&j| Some(&values[j].ty) == before.as_ref())
        .or(conflicts.first().copied())
        .unwrap_or(0);
    (i, w)
}

/// The explicit conversion that makes a lossy mix compile.
fn cast_hint(l: &hir::Expr, r: &hir::Expr) -> String {
    if let Some((list, other)) = [(l, r), (r, l)]
        .into_iter()
        .find(|(e, _)| matches!(e.ty, Ty::List(_)))
    {
        let (le, oe) = (elem_of(&list.ty), elem_of(&other.ty));
        let wide = Ty::join(le, oe)
            .and_then(|t| t.default_ty())
            .unwrap_or_else(|| oe.default_ty().unwrap_or(Ty::F64));
        let build = format!(
            "element-wise operators do not convert a list's elements: build the list as [{wide}]"
        );
        // Two lists: nothing converts a list. A float converted to the list's integer
        // type would change the arithmetic.
        return if matches!(other.ty, Ty::List(_)) || (oe.is_float() && le.is_int()) {
            build
        } else {
            format!("{build}, or convert the other operand with `{le}(...)`")
        };
    }
    let float_side = |t: &Ty| t.is_float();
    // Convert the integer side to the float type (or f64 for a float literal).
    if float_side(&l.ty) != float_side(&r.ty) {
        let (int_side, float_ty) = if float_side(&l.ty) {
            (r, &l.ty)
        } else {
            (l, &r.ty)
        };
        let target = match float_ty {
            Ty::Float(f) => f.name(),
            _ => "f64",
        };
        return format!(
            "convert the {} operand explicitly: `{target}(...)`",
            int_side.ty
        );
    }
    format!(
        "convert one side explicitly, e.g. `{}(...)` around the {} operand",
        l.ty, r.ty
    )
}

// ---- element-wise operators on lists ----------------------------------------------------

impl<'a> Checker<'a> {
    /// `xs op ys` (equal element types) or `xs op v` / `v op xs` (`v` joins the element
    /// type; literals take it). The element type is settled (defaulted) here.
    fn elementwise(
        &mut self,
        kind: OpKind,
        op: BinaryOp,
        op_span: Span,
        l: hir::Expr,
        r: hir::Expr,
        span: Span,
    ) -> hir::Expr {
        let (le, re) = (elem_of(&l.ty).clone(), elem_of(&r.ty).clone());
        // A list's elements are never converted: a settled element type is the result's.
        let settled_list = |t: &Ty, e: &Ty| matches!(t, Ty::List(_)) && !e.is_flexible();
        let joined = Ty::join(&le, &re).filter(|j| {
            (!settled_list(&l.ty, &le) || le == *j) && (!settled_list(&r.ty, &re) || re == *j)
        });
        let Some(ty) = joined else {
            self.mismatch(None, op, op_span, &l, &r);
            return hir::Expr::error(span);
        };
        // Optional elements (v1) lift: the operator must be defined on their values.
        if !defined_elementwise(kind, op, ty.strip_opt()) {
            let culprit = if defined_elementwise(kind, op, le.strip_opt()) {
                &r
            } else {
                &l
            };
            self.op_undefined(op, op_span, culprit);
            return hir::Expr::error(span);
        }
        let gives_bool = matches!(kind, OpKind::Order | OpKind::Equality);
        let (_, hop) = classify(op);
        let map = hir::Builtin::Lib(hir::LibFn::Map(hop.expect("an arithmetic operator")));
        if ty.is_flexible() && !gives_bool && ty != Ty::EmptyElem {
            // Only literals: the context settles the element type (`push`), as for a
            // scalar operator over literals.
            return hir::Expr::new(
                ExprKind::Builtin {
                    op: map,
                    args: vec![l, r],
                },
                Ty::List(Box::new(ty)),
                span,
            );
        }
        let ty = match ty.default_ty() {
            Some(t) => t,
            None => return self.cannot_infer(span),
        };
        let side = |c: &mut Self, e: hir::Expr| {
            if matches!(e.ty, Ty::List(_)) {
                c.coerce(e, &Ty::List(Box::new(ty.clone())))
            } else {
                c.coerce(e, &ty)
            }
        };
        let (l, r) = (side(self, l), side(self, r));
        if l.ty.is_error() || r.ty.is_error() {
            return hir::Expr::error(span);
        }
        // Element-wise equality of optionals is total (`bool`); ordering lifts (`bool?`).
        let result = match (gives_bool, ty.is_opt()) {
            (true, true) if kind == OpKind::Order => Ty::opt(Ty::Bool),
            (true, _) => Ty::Bool,
            (false, _) => ty,
        };
        hir::Expr::new(
            ExprKind::Builtin {
                op: map,
                args: vec![l, r],
            },
            Ty::List(Box::new(result)),
            span,
        )
    }
}

/// A list's element type; any other type itself.
fn elem_of(t: &Ty) -> &Ty {
    match t {
        Ty::List(e) => e,
        t => t,
    }
}

fn binary_node(op: BinOp, l: hir::Expr, r: hir::Expr, ty: Ty, span: Span) -> hir::Expr {
    hir::Expr::new(
        ExprKind::Binary {
            op,
            lhs: Spine::new(l),
            rhs: Box::new(r),
        },
        ty,
        span,
    )
}
