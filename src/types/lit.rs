//! Literal typing. An unsuffixed literal's node carries a flexible type (`IntLit`,
//! `FloatLit`, `List(..)` of those, or `List(EmptyElem)` for `[]`) and its value sits in
//! `Checker::lits` keyed by span. When a context settles the type, `coerce` pushes it down
//! through the operators, `if`/`switch` branches and list elements to every literal,
//! checking each literal's range on the way.

use super::check::{Checker, LitVal};
use super::hir::{self, ExprKind};
use super::ty::{FloatTy, IntTy, Ty};
use crate::chain::{self, Spine};
use crate::diag::Diagnostic;
use crate::span::Span;
use crate::syntax::ast::NumSuffix;

fn suffix_ty(s: NumSuffix) -> Ty {
    Ty::from_name(s.name()).expect("suffixes are type names")
}

fn range_text(i: IntTy) -> String {
    format!("{} holds {} to {}", i.name(), i.min(), i.max())
}

impl<'a> Checker<'a> {
    pub fn int_literal(
        &mut self,
        value: i128,
        magnitude: u128,
        suffix: Option<NumSuffix>,
        span: Span,
    ) -> hir::Expr {
        if magnitude > u64::MAX as u128 {
            self.error(
                Diagnostic::error("E0203", span, "integer literal is too large")
                    .with_label("does not fit in any integer type")
                    .with_note("the largest integer type is u64, up to 18446744073709551615"),
            );
            return hir::Expr::error(span);
        }
        // Unsuffixed: flexible until a context settles it. Suffixed (an integer or a
        // float suffix): settled now, with the same range check.
        self.lits.insert(span, LitVal::Int(value));
        let flex = hir::Expr::new(ExprKind::Int(0), Ty::IntLit, span);
        match suffix {
            None => flex,
            Some(s) => self.push(flex, &suffix_ty(s)),
        }
    }

    pub fn float_literal(
        &mut self,
        text: &str,
        suffix: Option<NumSuffix>,
        span: Span,
    ) -> hir::Expr {
        self.lits.insert(span, LitVal::Float(text.to_string()));
        let flex = hir::Expr::new(ExprKind::Float(0.0), Ty::FloatLit, span);
        match suffix {
            None => {
                // Out of range even for f64: report now, whatever the context.
                if text.parse::<f64>().map(|v| v.is_infinite()).unwrap_or(true) {
                    return self.push(flex, &Ty::F64);
                }
                flex
            }
            Some(s) if s.is_float() => self.push(flex, &suffix_ty(s)),
            Some(s) => {
                self.error(
                    Diagnostic::error(
                        "E0005",
                        span,
                        format!(
                            "a float literal cannot have the integer suffix `{}`",
                            s.name()
                        ),
                    )
                    .with_help(format!("write an integer, or convert: `{}(...)`", s.name())),
                );
                hir::Expr::error(span)
            }
        }
    }

    /// Give an expression its type from context: push a settled type into a literal tree,
    /// or widen losslessly (an explicit `Cast` node). Reports a mismatch otherwise.
    pub fn coerce(&mut self, e: hir::Expr, target: &Ty) -> hir::Expr {
        self.coerce_or(e, target, |found, span| {
            let (code, help) = if found.is_numeric() && target.is_numeric() {
                (
                    "E0202",
                    format!("convert explicitly: `{target}(...)` (this conversion can lose information)"),
                )
            } else {
                ("E0201", format!("a {target} is needed here"))
            };
            Diagnostic::error(code, span, format!("expected {target}, found {found}"))
                .with_label(format!("this is {found}"))
                .with_help(help)
        })
    }

    /// `coerce`, with the caller's diagnostic for a value of a settled, incompatible type.
    pub fn coerce_or(
        &mut self,
        e: hir::Expr,
        target: &Ty,
        mismatch: impl FnOnce(&Ty, Span) -> Diagnostic,
    ) -> hir::Expr {
        if e.ty == *target || e.ty.is_error() {
            return e;
        }
        if target.is_error() {
            // The type was already reported as wrong: nothing more to say about the value.
            return hir::Expr::error(e.span);
        }
        if let Ty::Opt(inner) = target {
            if !e.ty.is_opt() {
                // `T` widens to `T?`: settle or widen to `T`, then wrap.
                let e = self.coerce_or(e, inner, mismatch);
                return super::optional::wrap_some(e);
            }
        }
        if e.ty.is_flexible() && Ty::join(&e.ty, target).is_some_and(|j| j == *target) {
            return self.push(e, target);
        }
        if let (ExprKind::List(_), Ty::List(elem)) = (&e.kind, target) {
            // A list literal (an inner one of a nested literal too) widens element by
            // element, where widening applies; a list *value* never converts.
            let span = e.span;
            let ExprKind::List(items) = e.kind else {
                unreachable!("matched a list literal")
            };
            let out: Vec<hir::Expr> = items.into_iter().map(|x| self.coerce(x, elem)).collect();
            if out.iter().any(|x| x.ty.is_error()) {
                return hir::Expr::error(span);
            }
            return hir::Expr::new(ExprKind::List(out), target.clone(), span);
        }
        if e.ty.widens_to(target) {
            let span = e.span;
            return hir::Expr::new(ExprKind::Cast(Box::new(e)), target.clone(), span);
        }
        if e.ty.is_flexible() {
            // e.g. a float literal where an integer is needed: push reports it precisely.
            return self.push(e, target);
        }
        let d = mismatch(&e.ty, e.span);
        self.error(d);
        hir::Expr::error(e.span)
    }

    /// Settle a flexible type with its default (i64, f64); `[]` with no context is an error.
    pub fn default(&mut self, e: hir::Expr) -> hir::Expr {
        if !e.ty.is_flexible() {
            return e;
        }
        match e.ty.default_ty() {
            Some(t) => self.push(e, &t),
            None if super::optional::unknown_under_opt(&e.ty) => self.cannot_infer_none(e.span),
            None => self.cannot_infer(e.span),
        }
    }

    /// Push `target` into a flexible tree. Reports literals out of range, float literals
    /// in integer positions, and integer-only operators settled to floats.
    pub fn push(&mut self, e: hir::Expr, target: &Ty) -> hir::Expr {
        if !e.ty.is_flexible() {
            return self.coerce(e, target);
        }
        let e = match self.push_opt(e, target) {
            Ok(done) => return done,
            Err(e) => e,
        };
        let span = e.span;
        let kind = match e.kind {
            ExprKind::Int(_) if e.ty == Ty::IntLit => {
                let Some(LitVal::Int(v)) = self.lits.get(&span).cloned() else {
                    return hir::Expr::error(span);
                };
                match target {
                    Ty::Int(i) => {
                        if !i.fits(v) {
                            self.error(
                                Diagnostic::error(
                                    "E0203",
                                    span,
                                    format!("literal {v} out of range for {}", i.name()),
                                )
                                .with_label(format!("does not fit in {}", i.name()))
                                .with_note(range_text(*i)),
                            );
                            return hir::Expr::error(span);
                        }
                        ExprKind::Int((v as i64 as u64) & i.mask())
                    }
                    Ty::Float(FloatTy::F64) => ExprKind::Float(v as f64),
                    Ty::Float(FloatTy::F32) => ExprKind::Float(v as f32 as f64),
                    _ => return self.literal_mismatch(span, "an integer literal", target),
                }
            }
            ExprKind::Float(_) if e.ty == Ty::FloatLit => {
                let Some(LitVal::Float(text)) = self.lits.get(&span).cloned() else {
                    return hir::Expr::error(span);
                };
                let value = match target {
                    Ty::Float(FloatTy::F64) => text.parse::<f64>().ok(),
                    Ty::Float(FloatTy::F32) => text.parse::<f32>().ok().map(f64::from),
                    Ty::Int(i) => {
                        self.error(
                            Diagnostic::error(
                                "E0209",
                                span,
                                format!("a float literal cannot be {}", i.name()),
                            )
                            .with_label(format!("{} is an integer type", i.name()))
                            .with_help(format!(
                                "convert the other operand to a float (`f64(...)`), or write `{}(...)` around this value",
                                i.name()
                            )),
                        );
                        return hir::Expr::error(span);
                    }
                    _ => return self.literal_mismatch(span, "a float literal", target),
                };
                match value {
                    Some(v) if v.is_finite() => ExprKind::Float(v),
                    _ => {
                        self.error(
                            Diagnostic::error(
                                "E0203",
                                span,
                                format!("float literal out of range for {target}"),
                            )
                            .with_label(format!("too large for {target}"))
                            .with_note(match target {
                                Ty::Float(FloatTy::F32) => "the largest finite f32 is about 3.4e38",
                                _ => "the largest finite f64 is about 1.8e308",
                            }),
                        );
                        return hir::Expr::error(span);
                    }
                }
            }
            ExprKind::Unary { op, operand } => {
                if op == hir::UnOp::BitNot && !matches!(target, Ty::Int(_)) {
                    return self.int_only(span, "~", target);
                }
                ExprKind::Unary {
                    op,
                    operand: Box::new(self.push(*operand, target)),
                }
            }
            kind @ ExprKind::Binary { .. } => {
                return self.push_chain(hir::Expr::new(kind, e.ty, span), target);
            }
            ExprKind::If { cond, then, else_ } => ExprKind::If {
                cond,
                then: Box::new(self.push(*then, target)),
                else_: Box::new(self.push(*else_, target)),
            },
            ExprKind::Switch { arms, default } => ExprKind::Switch {
                arms: arms
                    .into_iter()
                    .map(|(c, v)| (c, self.push(v, target)))
                    .collect(),
                default: Box::new(self.push(*default, target)),
            },
            ExprKind::List(items) => {
                let Ty::List(elem) = target else {
                    return self.literal_mismatch(span, "a list", target);
                };
                ExprKind::List(items.into_iter().map(|x| self.push(x, elem)).collect())
            }
            ExprKind::Builtin {
                op: op @ hir::Builtin::Lib(hir::LibFn::Map(_)),
                args,
            } => {
                // An element-wise operator over literal lists (and literal scalars).
                let Some(elem) = (match target {
                    Ty::List(e) if e.is_numeric() => Some(e),
                    _ => None,
                }) else {
                    return self.literal_mismatch(span, "a list of numbers", target);
                };
                let args = args
                    .into_iter()
                    .map(|a| {
                        let t = if matches!(a.ty, Ty::List(_)) {
                            target
                        } else {
                            &**elem
                        };
                        self.push(a, t)
                    })
                    .collect();
                ExprKind::Builtin { op, args }
            }
            other => {
                // Not a literal form: nothing flexible below (should not happen).
                return hir::Expr::new(other, e.ty, span);
            }
        };
        hir::Expr::new(kind, target.clone(), span)
    }

    /// `push` into a flexible operator chain (`1 + 2 * 3 - ...`, any length), with a
    /// loop (see `crate::chain`). As recursion would: the outermost node whose operator
    /// cannot have type `target` is reported and stands for everything below it; else
    /// the leaf, then each node's right operand, innermost first, take `target`.
    fn push_chain(&mut self, e: hir::Expr, target: &Ty) -> hir::Expr {
        use hir::BinOp::*;
        let misfit = |op: hir::BinOp| {
            let int_only = matches!(op, BitAnd | BitOr | BitXor | Shl | Shr);
            (int_only && !matches!(target, Ty::Int(_)))
                || !matches!(target, Ty::Int(_) | Ty::Float(_))
        };
        let op_of = |n: &hir::Expr| match n.kind {
            ExprKind::Binary { op, .. } => Some(op),
            _ => None,
        };
        let (leaf, nodes) = chain::unzip(e);
        let failed = nodes.iter().rposition(|n| op_of(n).is_none_or(misfit));
        let (mut acc, start) = match failed {
            None => (self.push(leaf, target), 0),
            Some(k) => {
                let span = nodes[k].span;
                let error = match op_of(&nodes[k]) {
                    Some(op @ (BitAnd | BitOr | BitXor | Shl | Shr))
                        if !matches!(target, Ty::Int(_)) =>
                    {
                        let sym = match op {
                            BitAnd => "&",
                            BitOr => "|",
                            BitXor => "^",
                            Shl => "<<",
                            _ => ">>",
                        };
                        self.int_only(span, sym, target)
                    }
                    _ => self.literal_mismatch(span, "a number", target),
                };
                (error, k + 1)
            }
        };
        for node in nodes.into_iter().skip(start) {
            let hir::Expr { kind, span, .. } = node;
            let ExprKind::Binary { op, rhs, .. } = kind else {
                return hir::Expr::error(span);
            };
            // A shift count keeps its own type.
            let rhs = if matches!(op, Shl | Shr) {
                rhs
            } else {
                Box::new(self.push(*rhs, target))
            };
            let lhs = Spine::new(acc);
            acc = hir::Expr::new(ExprKind::Binary { op, lhs, rhs }, target.clone(), span);
        }
        acc
    }

    /// The source value of an unsettled literal (`300`, `-1`, `1e40`), for messages.
    pub fn literal_value(&self, e: &hir::Expr) -> Option<String> {
        if !matches!(e.ty, Ty::IntLit | Ty::FloatLit) {
            return None;
        }
        match self.lits.get(&e.span)? {
            LitVal::Int(v) => Some(v.to_string()),
            LitVal::Float(text) => Some(text.clone()),
        }
    }

    /// Whether `e` (flexible) can take type `t` without error: used to rank overloads.
    pub fn fits(&self, e: &hir::Expr, t: &Ty) -> bool {
        if !e.ty.is_flexible() {
            return e.ty.widens_to(t);
        }
        if let Some(fits) = super::optional::fits_opt(self, e, t) {
            return fits;
        }
        match &e.kind {
            ExprKind::Int(_) if e.ty == Ty::IntLit => match (self.lits.get(&e.span), t) {
                (Some(LitVal::Int(v)), Ty::Int(i)) => i.fits(*v),
                (Some(LitVal::Int(_)), Ty::Float(_)) => true,
                _ => false,
            },
            ExprKind::Float(_) if e.ty == Ty::FloatLit => match (self.lits.get(&e.span), t) {
                (Some(LitVal::Float(s)), Ty::Float(FloatTy::F64)) => {
                    s.parse::<f64>().is_ok_and(f64::is_finite)
                }
                (Some(LitVal::Float(s)), Ty::Float(FloatTy::F32)) => {
                    s.parse::<f32>().is_ok_and(f32::is_finite)
                }
                _ => false,
            },
            ExprKind::Unary { op, operand } => {
                (*op != hir::UnOp::BitNot || matches!(t, Ty::Int(_))) && self.fits(operand, t)
            }
            ExprKind::Binary { .. } => {
                // A chain of any length, with a loop (see `crate::chain`).
                use hir::BinOp::*;
                let (leaf, nodes) = chain::spine(e);
                let node_fits = |n: &hir::Expr| match &n.kind {
                    ExprKind::Binary { op, rhs, .. } => match op {
                        BitAnd | BitOr | BitXor => matches!(t, Ty::Int(_)) && self.fits(rhs, t),
                        Shl | Shr => matches!(t, Ty::Int(_)),
                        _ => t.is_numeric() && self.fits(rhs, t),
                    },
                    _ => false,
                };
                nodes.into_iter().all(node_fits) && self.fits(leaf, t)
            }
            ExprKind::If { then, else_, .. } => self.fits(then, t) && self.fits(else_, t),
            ExprKind::Switch { arms, default } => {
                arms.iter().all(|(_, v)| self.fits(v, t)) && self.fits(default, t)
            }
            ExprKind::List(items) => match t {
                Ty::List(elem) => items.iter().all(|x| self.fits(x, elem)),
                _ => false,
            },
            ExprKind::Builtin {
                op: hir::Builtin::Lib(hir::LibFn::Map(_)),
                args,
            } => match t {
                Ty::List(elem) => args.iter().all(|a| {
                    let want = if matches!(a.ty, Ty::List(_)) {
                        t
                    } else {
                        &**elem
                    };
                    self.fits(a, want)
                }),
                _ => false,
            },
            _ => false,
        }
    }

    fn literal_mismatch(&mut self, span: Span, what: &str, target: &Ty) -> hir::Expr {
        self.error(
            Diagnostic::error("E0201", span, format!("expected {target}, found {what}"))
                .with_label(format!("this is {what}"))
                .with_help(format!("a {target} is needed here")),
        );
        hir::Expr::error(span)
    }

    fn int_only(&mut self, span: Span, sym: &str, target: &Ty) -> hir::Expr {
        self.error(
            Diagnostic::error(
                "E0204",
                span,
                format!("operator `{sym}` is not defined for {target}"),
            )
            .with_label(format!("this is needed as {target}"))
            .with_help(format!("`{sym}` takes integers")),
        );
        hir::Expr::error(span)
    }
}
