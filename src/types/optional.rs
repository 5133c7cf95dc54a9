//! Optional values (v1) in the checker: `T?`, `none`, `T` widening to `T?`, `??`,
//! lifting of operators and pure built-ins, total `==`, `is_none`/`is_some`/`unwrap`,
//! the `T?(...)` conversions, and `bool?` refused where a condition must decide.
//!
//! `none` is typed `Opt(EmptyElem)` until a context settles it, as `[]` is
//! `List(EmptyElem)`; optionals join by their inner types (`Ty::join_all`). Every test
//! of an optional is one HIR form, [`hir::ExprKind::Lift`]: its operands are bound to
//! temporaries (an optional one to its inner value), and the operation is checked as
//! usual on those, so lifting adds no typing rule of its own.

use super::check::{BindKind, Body, Checker, LocalUse};
use super::hir::{self, ExprKind, LibFn, LiftArg, OnNone, Var};
use super::ty::Ty;
use crate::chain::Link;
use crate::diag::Diagnostic;
use crate::span::Span;
use crate::syntax::ast::{self, BinaryOp, UnaryOp};

/// Whether `t` is a list of optionals (`[T?]`).
pub(super) fn opt_list(t: &Ty) -> bool {
    matches!(t, Ty::List(e) if e.is_opt())
}

/// Whether an element-wise operator's operands are a settled list of plain values and
/// a scalar optional (`xs + x`, `xs: [i64]`, `x: i64?`): the whole operation lifts, a
/// `[T]?` that is none when `x` is. `==`/`!=` do not (total equality has no element-wise
/// meaning against a none).
pub(super) fn list_and_scalar_opt(equality: bool, l: &Ty, r: &Ty) -> bool {
    let plain_list = |t: &Ty| matches!(t, Ty::List(e) if !e.is_opt() && !e.is_flexible());
    let scalar_opt = |t: &Ty| t.is_opt() && !matches!(t.strip_opt(), Ty::List(_));
    !equality && ((plain_list(l) && scalar_opt(r)) || (scalar_opt(l) && plain_list(r)))
}

/// Whether `l op r` continues the lifted chain `l`: `l` lifts a plain operation to none,
/// and `r` is a variable or a literal (maybe widened), whose evaluation after the
/// earlier operations nothing could tell apart.
fn continues_lift(l: &hir::Expr, r: &hir::Expr) -> bool {
    let lifted = matches!(
        &l.kind,
        ExprKind::Lift { on_none: OnNone::None, body, .. } if !body.ty.is_opt()
    );
    lifted && trivial(r)
}

/// A variable or a literal, maybe widened: evaluating it has no effect and cannot fault.
fn trivial(e: &hir::Expr) -> bool {
    match &e.kind {
        ExprKind::Var(_)
        | ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Bool(_)
        | ExprKind::Str(_)
        | ExprKind::None => true,
        ExprKind::Cast(x) | ExprKind::Some(x) => trivial(x),
        _ => false,
    }
}

/// `none`, its type still to come from context.
pub(super) fn none_expr(span: Span) -> hir::Expr {
    hir::Expr::new(ExprKind::None, Ty::Opt(Box::new(Ty::EmptyElem)), span)
}

/// `e` (a `T`) widened to `T?`.
pub(super) fn wrap_some(e: hir::Expr) -> hir::Expr {
    if e.ty.is_error() || e.ty.is_opt() {
        return e;
    }
    let (ty, span) = (Ty::opt(e.ty.clone()), e.span);
    hir::Expr::new(ExprKind::Some(Box::new(e)), ty, span)
}

/// Whether what no context settled in `t` is the type of a `none` (not a `[]`).
pub(super) fn unknown_under_opt(t: &Ty) -> bool {
    match t {
        Ty::Opt(inner) => inner.default_ty().is_none(),
        Ty::List(e) => unknown_under_opt(e),
        _ => false,
    }
}

/// `Checker::fits` for the optional cases: `none` fits any optional, a `T` fits `U?`
/// when it fits `U`. `None`: not an optional case.
pub(super) fn fits_opt(c: &Checker, e: &hir::Expr, t: &Ty) -> Option<bool> {
    if matches!(e.kind, ExprKind::None) {
        return Some(t.is_opt());
    }
    match t {
        Ty::Opt(inner) if !e.ty.is_opt() => Some(c.fits(e, inner)),
        _ => None,
    }
}

/// The built-ins of optionals as documentation shows them (`docs/stdlib.md`, `:doc`):
/// (name, signature, doc). Their typing is this module's, not the builtin table's (`T?`
/// is not a pattern there).
pub const DOCS: &[(&str, &str, &str)] = &[
    (
        "compact",
        "compact([T?]) -> [T]",
        "the values of a list of optionals, in order, without its nones",
    ),
    (
        "is_none",
        "is_none(T?) -> bool",
        "whether an optional is none",
    ),
    (
        "is_some",
        "is_some(T?) -> bool",
        "whether an optional holds a value",
    ),
    (
        "unwrap",
        "unwrap(T?) -> T",
        "the value of an optional; runtime error E0612 at the argument when it is none",
    ),
];

/// The aggregates that skip the `none`s of a `[T?]`.
const AGGREGATES: [&str; 7] = [
    "sum",
    "avg",
    "median",
    "min",
    "max",
    "count",
    "count_distinct",
];

/// The list functions that do not take a list of optionals: `join` needs strings (a
/// `none` has no text to join); refused with E0223 and a help that settles the nones.
/// Every other list function takes any element type, optionals at any depth included
/// (the runtime walks elements by their type code).
const PLAIN_LIST_ONLY: [&str; 1] = ["join"];

/// The built-ins on optionals themselves (not lifted).
const OPTIONAL_BUILTINS: [&str; 3] = ["is_none", "is_some", "unwrap"];

impl Body {
    /// A temporary local (never named in source, so never reported unused).
    pub(super) fn temp(&mut self, ty: Ty) -> hir::LocalId {
        let id = self.locals.len();
        self.locals.push(hir::Local {
            name: format!("?{id}"),
            ty,
        });
        self.uses.push(LocalUse {
            kind: BindKind::Let,
            span: Span::default(),
            read: true,
        });
        id
    }
}

impl<'a> Checker<'a> {
    /// E0220: a `none` nothing gives a type.
    pub(super) fn cannot_infer_none(&mut self, span: Span) -> hir::Expr {
        self.error(
            Diagnostic::error("E0220", span, "cannot infer the type of `none`")
                .with_label("`none` with no type context")
                .with_help("annotate it, e.g. `let x: f64? = none;`"),
        );
        hir::Expr::error(span)
    }

    /// `push` for optionals: `none` takes an optional target; a `T` tree pushed to `U?`
    /// takes `U` and is wrapped. `Err` gives `e` back when neither applies.
    pub(super) fn push_opt(&mut self, e: hir::Expr, target: &Ty) -> Result<hir::Expr, hir::Expr> {
        if matches!(e.kind, ExprKind::None) {
            if target.is_opt() {
                return Ok(hir::Expr::new(ExprKind::None, target.clone(), e.span));
            }
            self.error(
                Diagnostic::error("E0201", e.span, format!("expected {target}, found `none`"))
                    .with_label(format!("{target} is never none"))
                    .with_help(format!(
                        "only an optional holds `none`: declare the type `{target}?`"
                    )),
            );
            return Ok(hir::Expr::error(e.span));
        }
        match target {
            Ty::Opt(inner) if !e.ty.is_opt() => Ok(wrap_some(self.push(e, inner))),
            _ => Err(e),
        }
    }

    /// Remember the source of a `bool?` expression (for E0221's fix).
    pub(super) fn note_opt_bool(&mut self, r: &hir::Expr, e: &'a ast::Expr) {
        if matches!(&r.ty, Ty::Opt(t) if **t == Ty::Bool) {
            self.opt_bools.insert(r.span, e);
        }
    }

    /// E0221 (a `bool?` where a condition must decide), or E0205 for another optional.
    pub(super) fn optional_condition(&mut self, cond: hir::Expr, what: &str) -> hir::Expr {
        let found = cond.ty.clone();
        if found != Ty::Opt(Box::new(Ty::Bool)) {
            self.error(
                Diagnostic::error(
                    "E0205",
                    cond.span,
                    format!("{what} must be bool, found {found}"),
                )
                .with_label(format!("this is {found}"))
                .with_help("write a comparison or another bool expression"),
            );
            return hir::Expr::error(cond.span);
        }
        let text = self
            .opt_bools
            .get(&cond.span)
            .and_then(|e| condition_text(e))
            .unwrap_or_else(|| "(...)".to_string());
        self.error(
            Diagnostic::error(
                "E0221",
                cond.span,
                format!("{what} must be bool, found bool?"),
            )
            .with_label("this may be none")
            .with_note("a condition must decide: `none` is neither true nor false")
            .with_help(format!(
                "say what `none` means here, e.g. `{text} ?? false` (or `?? true`)"
            )),
        );
        hir::Expr::error(cond.span)
    }

    /// Bind a lifted operand: an optional one to a temporary of its inner type (tested
    /// for none), any other that is not a literal or a variable to a temporary too (so
    /// operands are evaluated in order, before the test).
    fn lift_operand(&mut self, b: &mut Body, e: hir::Expr, args: &mut Vec<LiftArg>) -> hir::Expr {
        let e = if e.ty.is_opt() && e.ty.is_flexible() {
            self.default(e)
        } else {
            e
        };
        let pure = matches!(
            e.kind,
            ExprKind::Var(_)
                | ExprKind::Bool(_)
                | ExprKind::Int(_)
                | ExprKind::Float(_)
                // A literal pattern stays a literal in the lifted call (issue 15).
                | ExprKind::Str(_)
        );
        if e.ty.is_error() || (!e.ty.is_opt() && (pure || e.ty.is_flexible())) {
            return e;
        }
        let ty = e.ty.strip_opt().clone();
        let (local, span) = (b.temp(ty.clone()), e.span);
        args.push(LiftArg { local, value: e });
        hir::Expr::new(ExprKind::Var(Var::Local(local)), ty, span)
    }

    /// The lifting node over `args` and the operation `body`.
    fn finish_lift(
        &mut self,
        args: Vec<LiftArg>,
        body: hir::Expr,
        on_none: OnNone,
        span: Span,
    ) -> hir::Expr {
        if body.ty.is_error() || args.iter().any(|a| a.value.ty.is_error()) {
            return hir::Expr::error(span);
        }
        if !args.iter().any(|a| a.value.ty.is_opt()) {
            // Callers lift only when some operand is optional, so every bound operand
            // has its node (never reached with bindings the body would lose).
            debug_assert!(args.is_empty(), "a lifting node without optional operands");
            return body;
        }
        let body = if body.ty.is_flexible() {
            self.default(body)
        } else {
            body
        };
        let ty = match on_none {
            OnNone::None => Ty::opt(body.ty.clone()),
            _ => body.ty.clone(),
        };
        hir::Expr::new(
            ExprKind::Lift {
                args,
                body: Box::new(body),
                on_none,
            },
            ty,
            span,
        )
    }

    /// A bare `none` beside a typed operand takes its type (`x == none`, `x + none`).
    fn settle_none(&mut self, e: hir::Expr, other: &hir::Expr) -> hir::Expr {
        if !matches!(e.kind, ExprKind::None) {
            return e;
        }
        match other.ty.default_ty() {
            Some(t) if !other.ty.strip_opt().is_flexible() || t != Ty::Error => {
                self.coerce(e, &Ty::opt(t))
            }
            _ => self.cannot_infer_none(e.span),
        }
    }

    /// A binary operator with an optional operand: lifted, or total equality.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn binary_opt(
        &mut self,
        b: &mut Body,
        op: BinaryOp,
        op_span: Span,
        equality: bool,
        l: hir::Expr,
        r: hir::Expr,
        span: Span,
    ) -> hir::Expr {
        let l = self.settle_none(l, &r);
        let r = self.settle_none(r, &l);
        if l.ty.is_error() || r.ty.is_error() {
            return hir::Expr::error(span);
        }
        if !equality {
            if continues_lift(&l, &r) {
                return self.extend_lift(b, op, op_span, l, r, span);
            }
            let mut args = Vec::new();
            let lv = self.lift_operand(b, l, &mut args);
            let rv = self.lift_operand(b, r, &mut args);
            let body = self.binary_typed(b, op, op_span, lv, rv, span);
            return self.finish_lift(args, body, OnNone::None, span);
        }
        // Total equality: both sides made `T?` (the same `T`), then compared.
        let Some(j) = Ty::join(&l.ty, &r.ty).and_then(|j| j.default_ty()) else {
            return self.binary_typed(
                b,
                op,
                op_span,
                hir::Expr::new(l.kind, l.ty.strip_opt().clone(), l.span),
                hir::Expr::new(r.kind, r.ty.strip_opt().clone(), r.span),
                span,
            );
        };
        if matches!(j.strip_opt(), Ty::List(_)) {
            self.error(
                Diagnostic::error(
                    "E0204",
                    op_span,
                    format!("operator `{}` is not defined for {j}", op.symbol()),
                )
                .with_label(format!("cannot compare {j} values"))
                .with_help(
                    "compare optional lists by their parts: `is_none(xs)`, `unwrap(xs) == ys`",
                ),
            );
            return hir::Expr::error(span);
        }
        let (l, r) = (self.coerce(l, &j), self.coerce(r, &j));
        let mut args = Vec::new();
        let lv = self.lift_operand(b, l, &mut args);
        let rv = self.lift_operand(b, r, &mut args);
        let body = self.binary_typed(b, op, op_span, lv, rv, span);
        let ne = op == BinaryOp::Ne;
        self.finish_lift(args, body, OnNone::Equal { ne }, span)
    }

    /// `xs[i]` with an optional list or index: lifted (indexing is an operator), a `T?`
    /// that is none when either is (or when the element itself is).
    pub(super) fn index_opt(
        &mut self,
        b: &mut Body,
        t: hir::Expr,
        i: hir::Expr,
        span: Span,
    ) -> hir::Expr {
        let mut args = Vec::new();
        let tv = self.lift_operand(b, t, &mut args);
        let iv = self.lift_operand(b, i, &mut args);
        let body = self.index_typed(tv, iv, span);
        self.finish_lift(args, body, OnNone::None, span)
    }

    /// `l op r` where `l` is itself lifted (`x + 1` in `x + 1 + y`): one lifting node
    /// for the chain, its bindings extended with `r`'s, its body the plain chain
    /// (`(t0 + 1) + t1`), so a chain of any length is one node whose body every stage
    /// walks with a loop. Only when [`continues_lift`].
    #[allow(clippy::too_many_arguments)]
    fn extend_lift(
        &mut self,
        b: &mut Body,
        op: BinaryOp,
        op_span: Span,
        l: hir::Expr,
        r: hir::Expr,
        span: Span,
    ) -> hir::Expr {
        let ExprKind::Lift { mut args, body, .. } = l.kind else {
            return hir::Expr::error(span);
        };
        // An optional variable already bound in the chain is bound once: nothing in a
        // chain assigns, so its value is the one bound.
        let bound = match &r.kind {
            ExprKind::Var(v) if r.ty.is_opt() => args
                .iter()
                .find(|a| matches!(&a.value.kind, ExprKind::Var(w) if w == v))
                .map(|a| {
                    hir::Expr::new(
                        ExprKind::Var(Var::Local(a.local)),
                        r.ty.strip_opt().clone(),
                        r.span,
                    )
                }),
            _ => None,
        };
        let rv = match bound {
            Some(rv) => rv,
            None => self.lift_operand(b, r, &mut args),
        };
        let body = self.binary_typed(b, op, op_span, *body, rv, span);
        if body.ty.is_error() {
            return hir::Expr::error(span);
        }
        // What `finish_lift` checks of the earlier bindings holds already (they made `l`).
        let body = match body.ty.is_flexible() {
            true => self.default(body),
            false => body,
        };
        let ty = Ty::opt(body.ty.clone());
        let kind = ExprKind::Lift {
            args,
            body: Box::new(body),
            on_none: OnNone::None,
        };
        hir::Expr::new(kind, ty, span)
    }

    /// A unary operator on an optional: lifted (`not` is not: a condition must decide).
    pub(super) fn unary_opt(
        &mut self,
        b: &mut Body,
        op: UnaryOp,
        op_span: Span,
        inner: hir::Expr,
        span: Span,
    ) -> hir::Expr {
        if op == UnaryOp::Not {
            return self.optional_condition(inner, "the operand of `not`");
        }
        let mut args = Vec::new();
        let v = self.lift_operand(b, inner, &mut args);
        let body = self.unary_typed(b, op, op_span, v, span);
        self.finish_lift(args, body, OnNone::None, span)
    }

    /// `a ?? b ?? c`.
    pub(super) fn coalesce(
        &mut self,
        b: &mut Body,
        operands: &'a [ast::Expr],
        op_spans: &[Span],
        span: Span,
    ) -> hir::Expr {
        let xs: Vec<hir::Expr> = operands.iter().map(|o| self.synth(b, o)).collect();
        if xs.iter().any(|x| x.ty.is_error()) {
            return hir::Expr::error(span);
        }
        let n = xs.len();
        for (i, x) in xs[..n - 1].iter().enumerate() {
            if !x.ty.is_opt() {
                let ty = &x.ty;
                self.error(
                    Diagnostic::error(
                        "E0222",
                        x.span,
                        format!("the left operand of `??` is never none: it is {ty}"),
                    )
                    .with_label(format!("this is {ty}, never none"))
                    .with_secondary(op_spans[i], "so this `??` would never use its right side")
                    .with_help("remove the `?? ...`, or give the value an optional type (`T?`)"),
                );
                return hir::Expr::error(span);
            }
        }
        let Some(j) = Ty::join_all(xs.iter().map(|x| x.ty.strip_opt())) else {
            let first = &xs[0];
            let other = xs
                .iter()
                .find(|x| Ty::join(first.ty.strip_opt(), x.ty.strip_opt()).is_none())
                .unwrap_or(&xs[n - 1]);
            self.error(
                Diagnostic::error(
                    "E0201",
                    other.span,
                    format!(
                        "the operands of `??` have different types: {} and {}",
                        first.ty, other.ty
                    ),
                )
                .with_label(format!("this is {}", other.ty))
                .with_secondary(first.span, format!("this is {}", first.ty))
                .with_help("every operand of `??` must have the same type (optional or not); convert one of them"),
            );
            return hir::Expr::error(span);
        };
        let Some(j) = j.default_ty() else {
            return self.cannot_infer_none(span);
        };
        let last_opt = xs[n - 1].ty.is_opt();
        let ty = if last_opt {
            Ty::opt(j.clone())
        } else {
            j.clone()
        };
        let xs: Vec<hir::Expr> = xs
            .into_iter()
            .enumerate()
            .map(|(i, x)| {
                let t = if i + 1 < n {
                    Ty::opt(j.clone())
                } else {
                    ty.clone()
                };
                self.coerce(x, &t)
            })
            .collect();
        if xs.iter().any(|x| x.ty.is_error()) {
            return hir::Expr::error(span);
        }
        hir::Expr::new(ExprKind::Coalesce(xs), ty, span)
    }

    /// Whether some function named `name` other than a built-in takes an optional
    /// parameter (then its calls are resolved, never lifted).
    fn takes_optionals(&self, name: &str) -> bool {
        let users = self.fn_names.get(name).into_iter().flatten();
        users
            .map(|&id| &self.fns[id].params)
            .chain(self.env_fns_named(name).into_iter().map(|(_, f)| &f.params))
            .chain(
                self.setup
                    .host
                    .iter()
                    .filter(|h| h.name == name)
                    .map(|h| &h.params),
            )
            .any(|ps| ps.iter().any(|p| p.is_opt()))
    }

    /// Calls that optionals change: `is_none`, `is_some`, `unwrap`, `T?(...)` and pure
    /// built-ins with an optional argument (lifted). `Err` gives the arguments back.
    pub(super) fn call_opt(
        &mut self,
        b: &mut Body,
        callee: &ast::Ident,
        mut args: Vec<hir::Expr>,
        span: Span,
    ) -> Result<hir::Expr, Vec<hir::Expr>> {
        let name = callee.name.as_str();
        let user = self.fn_names.contains_key(name) || !self.env_fns_named(name).is_empty();
        if let Some(base) = name.strip_suffix('?') {
            return Ok(self.try_convert(b, callee, base, args, span));
        }
        if OPTIONAL_BUILTINS.contains(&name) && !user {
            if args.len() != 1 {
                self.error(
                    Diagnostic::error(
                        "E0303",
                        callee.span,
                        format!("`{name}` takes 1 argument, found {}", args.len()),
                    )
                    .with_label("here")
                    .with_help(format!("write `{name}(x)` with an optional `x`")),
                );
                return Ok(hir::Expr::error(span));
            }
            let a = args.pop().expect("one argument");
            return Ok(self.optional_builtin(b, name, a, span));
        }
        if name == "compact" && !user && args.len() == 1 {
            let a = args.pop().expect("one argument");
            return Ok(self.compact(a, LibFn::Compact, span));
        }
        if PLAIN_LIST_ONLY.contains(&name) && !user {
            if let Some(a) = args.iter().find(|a| opt_list(&a.ty)) {
                self.optional_list_refused(&format!("`{name}`"), a);
                return Ok(hir::Expr::error(span));
            }
        }
        let over_optionals =
            matches!(args.as_slice(), [a] if matches!(&a.ty, Ty::List(e) if e.is_opt()));
        if AGGREGATES.contains(&name) && !user && over_optionals {
            let a = args.pop().expect("one argument");
            return Ok(self.aggregate_opt(b, callee, a, span));
        }
        // Built-ins and the prelude's functions (pure, by the prelude's tests) lift.
        let library = super::builtins::named(name).next().is_some()
            || (self.use_prelude && super::prelude::named(name).next().is_some());
        // A list of optionals given with an optional item (`index_of(xs, x)` with
        // `xs: [T?]`, `x: T?`) is a plain call whose `T` is the optional.
        let lift = args.iter().any(|a| a.ty.is_opt())
            && !args.iter().any(|a| opt_list(&a.ty))
            && name != "print"
            && library
            && !self.takes_optionals(name);
        if !lift {
            return Err(args);
        }
        let mut largs = Vec::new();
        let vs: Vec<hir::Expr> = args
            .into_iter()
            .map(|a| self.lift_operand(b, a, &mut largs))
            .collect();
        let body = self.call_with(b, callee, vs, span);
        Ok(self.finish_lift(largs, body, OnNone::None, span))
    }

    /// E0223: a list of optionals given to `what`, which takes plain lists.
    pub(super) fn optional_list_refused(&mut self, what: &str, list: &hir::Expr) {
        let ty = &list.ty;
        self.error(
            Diagnostic::error(
                "E0223",
                list.span,
                format!("{what} does not take a list of optionals, found {ty}"),
            )
            .with_label(format!("this is {ty}, which may hold none"))
            .with_help("a none has no text to join: remove the nones first with `compact(...)`"),
        );
    }

    /// `compact(xs)` (`f`: `Compact`, or `CompactSome` for a `[T]?` that is none when
    /// nothing is left).
    fn compact(&mut self, xs: hir::Expr, f: LibFn, span: Span) -> hir::Expr {
        if xs.ty.is_error() {
            return hir::Expr::error(span);
        }
        let xs = self.default(xs);
        let inner = match &xs.ty {
            Ty::List(e) if e.is_opt() => e.strip_opt().clone(),
            Ty::Error => return hir::Expr::error(span),
            t => {
                let t = t.clone();
                self.error(
                    Diagnostic::error(
                        "E0222",
                        xs.span,
                        format!("`compact` takes a list of optional values, found {t}"),
                    )
                    .with_label(format!("this is {t}, with no none to remove"))
                    .with_help("`compact(xs)` keeps the values of a `[T?]`; use the list itself"),
                );
                return hir::Expr::error(span);
            }
        };
        let list = Ty::List(Box::new(inner));
        let ty = match f {
            LibFn::CompactSome => Ty::opt(list),
            _ => list,
        };
        hir::Expr::new(
            ExprKind::Builtin {
                op: hir::Builtin::Lib(f),
                args: vec![xs],
            },
            ty,
            span,
        )
    }

    /// An aggregate of a `[T?]`: over its values (`compact`); `avg`, `median`, `min` and
    /// `max` give none when there is none.
    fn aggregate_opt(
        &mut self,
        b: &mut Body,
        callee: &ast::Ident,
        xs: hir::Expr,
        span: Span,
    ) -> hir::Expr {
        if matches!(callee.name.as_str(), "sum" | "count" | "count_distinct") {
            let values = self.compact(xs, LibFn::Compact, span);
            return self.call_with(b, callee, vec![values], span);
        }
        let values = self.compact(xs, LibFn::CompactSome, span);
        if values.ty.is_error() {
            return values;
        }
        let mut args = Vec::new();
        let v = self.lift_operand(b, values, &mut args);
        let body = self.call_with(b, callee, vec![v], span);
        self.finish_lift(args, body, OnNone::None, span)
    }

    /// `is_none(x)`, `is_some(x)`, `unwrap(x)`.
    fn optional_builtin(
        &mut self,
        b: &mut Body,
        name: &str,
        a: hir::Expr,
        span: Span,
    ) -> hir::Expr {
        if a.ty.is_error() {
            return hir::Expr::error(span);
        }
        if !a.ty.is_opt() {
            let ty = a.ty.clone();
            let help = match name {
                "unwrap" => "it is never none: use the value itself".to_string(),
                "is_none" => format!("a {ty} is never none, so this is always false"),
                _ => format!("a {ty} is never none, so this is always true"),
            };
            self.error(
                Diagnostic::error(
                    "E0222",
                    a.span,
                    format!("`{name}` takes an optional value, found {ty}"),
                )
                .with_label(format!("this is {ty}, never none"))
                .with_help(help),
            );
            return hir::Expr::error(span);
        }
        let a = self.default(a);
        if a.ty.is_error() {
            return hir::Expr::error(span);
        }
        let inner = a.ty.strip_opt().clone();
        let local = b.temp(inner.clone());
        let arg_span = a.span;
        let args = vec![LiftArg { local, value: a }];
        let (body, on_none) = match name {
            "is_some" => (ExprKind::Bool(true), OnNone::Bool(false)),
            "is_none" => (ExprKind::Bool(false), OnNone::Bool(true)),
            _ => (ExprKind::Var(Var::Local(local)), OnNone::Fault),
        };
        let body_ty = if on_none == OnNone::Fault {
            inner
        } else {
            Ty::Bool
        };
        let body = hir::Expr::new(body, body_ty, arg_span);
        self.finish_lift(args, body, on_none, span)
    }

    /// `T?(x)`: a numeric `T`; `x` a string or a number (lifted when optional).
    fn try_convert(
        &mut self,
        b: &mut Body,
        callee: &ast::Ident,
        base: &str,
        mut args: Vec<hir::Expr>,
        span: Span,
    ) -> hir::Expr {
        let target = match Ty::from_name(base) {
            Some(t @ (Ty::Int(_) | Ty::Float(_) | Ty::Timestamp | Ty::Duration)) => t,
            _ => {
                self.error(
                    Diagnostic::error(
                        "E0102",
                        callee.span,
                        format!("unknown function `{}`", callee.name),
                    )
                    .with_label("no conversion of this name")
                    .with_help(
                        "the conversions that give none instead of failing are the numeric \
                         type names followed by `?`: `i64?(s)`, `f64?(s)`, `u8?(x)`, and \
                         `timestamp?(s)`, `duration?(s)`",
                    ),
                );
                return hir::Expr::error(span);
            }
        };
        if args.len() != 1 {
            self.error(
                Diagnostic::error(
                    "E0303",
                    callee.span,
                    format!("`{}` takes 1 argument, found {}", callee.name, args.len()),
                )
                .with_label("here")
                .with_help(format!("write `{}(x)`", callee.name)),
            );
            return hir::Expr::error(span);
        }
        let a = args.pop().expect("one argument");
        if a.ty.is_error() {
            return hir::Expr::error(span);
        }
        let mut largs = Vec::new();
        let a = match a.ty.is_opt() {
            true => self.lift_operand(b, a, &mut largs),
            false => a,
        };
        let a = self.default(a);
        if a.ty.is_error() {
            return hir::Expr::error(span);
        }
        // A time type (v1) is read from text only.
        let time = matches!(target, Ty::Timestamp | Ty::Duration);
        if !((a.ty.is_numeric() && !time) || a.ty == Ty::Str) {
            let ty = a.ty.clone();
            self.error(
                Diagnostic::error(
                    "E0301",
                    callee.span,
                    format!("no matching overload for `{}({ty})`", callee.name),
                )
                .with_label(if time {
                    "reads a string"
                } else {
                    "converts a string or a number"
                })
                .with_secondary(a.span, format!("this is {ty}")),
            );
            return hir::Expr::error(span);
        }
        let body = hir::Expr::new(
            ExprKind::TryConvert(Box::new(a)),
            Ty::opt(target.clone()),
            span,
        );
        self.finish_lift(largs, body, OnNone::None, span)
    }
}

/// How tightly a printed form binds (the parser's levels, times ten; `??` between the
/// comparisons and `|`).
const COALESCE: u8 = 35;
const ATOM: u8 = 100;

fn precedence(op: BinaryOp) -> u8 {
    use BinaryOp::*;
    match op {
        Or => 10,
        And => 20,
        Eq | Ne | Lt | Le | Gt | Ge | In => 30,
        BitOr => 40,
        BitXor => 50,
        BitAnd => 60,
        Shl | Shr => 70,
        Add | Sub => 80,
        Mul | Div | Rem => 90,
    }
}

/// The source text of a condition, ready to stand before `?? false` (parenthesized
/// when it binds more loosely than `??`); `None` for forms not worth printing.
fn condition_text(e: &ast::Expr) -> Option<String> {
    let (text, prec) = source_of(e, 0)?;
    Some(match prec < COALESCE {
        true => format!("({text})"),
        false => text,
    })
}

/// The source text of `e` as the user would write it (for a fix in a message) and how
/// tightly it binds.
fn source_of(e: &ast::Expr, depth: usize) -> Option<(String, u8)> {
    use ast::ExprKind as K;
    if depth > 8 {
        return None;
    }
    let sub = |x: &ast::Expr| source_of(x, depth + 1).map(|(t, _)| t);
    // An operand, parenthesized when it binds more loosely than `min`.
    let operand = |x: &ast::Expr, min: u8| {
        source_of(x, depth + 1).map(|(t, p)| if p < min { format!("({t})") } else { t })
    };
    Some(match &e.kind {
        K::Name(n) => (n.clone(), ATOM),
        K::Int { value, suffix } => (format!("{value}{}", suffix.map_or("", |s| s.name())), ATOM),
        K::Float { text, suffix } => (format!("{text}{}", suffix.map_or("", |s| s.name())), ATOM),
        K::Str(s) => (format!("{s:?}"), ATOM),
        K::Bool(v) => (v.to_string(), ATOM),
        K::None => ("none".to_string(), ATOM),
        K::Call { callee, args } => {
            let args: Option<Vec<String>> = args.iter().map(sub).collect();
            (format!("{}({})", callee.name, args?.join(", ")), ATOM)
        }
        K::Index { target, index } => {
            (format!("{}[{}]", operand(target, ATOM)?, sub(index)?), ATOM)
        }
        K::Unary { op, operand: x, .. } => {
            let sym = match op {
                UnaryOp::Neg => "-",
                UnaryOp::Plus => "+",
                UnaryOp::Not => "not ",
                UnaryOp::BitNot => "~",
            };
            (format!("{sym}{}", operand(x, ATOM)?), 95)
        }
        K::Binary { op, rhs, .. } => {
            let p = precedence(*op);
            // Left-associative: the right operand needs more.
            let (l, r) = (operand(e.lhs()?, p)?, operand(rhs, p + 1)?);
            (format!("{l} {} {r}", op.symbol()), p)
        }
        K::Coalesce { operands, .. } => {
            let parts: Option<Vec<String>> =
                operands.iter().map(|x| operand(x, COALESCE + 1)).collect();
            (parts?.join(" ?? "), COALESCE)
        }
        _ => return None,
    })
}

#[cfg(test)]
#[path = "optional_tests.rs"]
mod tests;
