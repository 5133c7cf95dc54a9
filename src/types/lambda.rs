//! Lambdas and the higher-order built-ins (`map`, `filter`, `reduce`, ...; see
//! [`HofOp`]). A lambda is not a value: it is checked only as the last argument of one
//! of them, its parameters typed by the call (the element type, the accumulator's type)
//! and declared as locals of the enclosing function in a scope of their own, its body
//! reading whatever is visible at the call. The call becomes one `hir::ExprKind::Hof`
//! node, which codegen turns into a loop with the body inlined.
//!
//! Codes: E0230 a lambda anywhere else, E0231 a lambda with the wrong number of
//! parameters, E0232 a higher-order call without its list or its lambda, E0233 a lambda
//! whose result has the wrong type for the function (a `sort_by` key, `flat_map`'s list).

use super::check::{BindKind, Body, Checker};
use super::hir::{self, ExprKind, HofOp};
use super::ty::Ty;
use crate::diag::Diagnostic;
use crate::span::Span;
use crate::syntax::ast;
use std::collections::HashMap;

/// One higher-order built-in as the reference (`docs/stdlib.md`, `:doc`) shows it.
pub struct HofDoc {
    pub op: HofOp,
    pub signature: &'static str,
    pub doc: &'static str,
}

/// The reference entries of the higher-order built-ins, one per function.
pub const DOCS: [HofDoc; 12] = [
    HofDoc {
        op: HofOp::Map,
        signature: "map(xs: [T], x -> U) -> [U]",
        doc: "the lambda's value for each element, in order",
    },
    HofDoc {
        op: HofOp::Filter,
        signature: "filter(xs: [T], x -> bool) -> [T]",
        doc: "the elements for which the lambda is true, in order",
    },
    HofDoc {
        op: HofOp::Reduce,
        signature: "reduce(xs: [T], init: A, (acc, x) -> A) -> A",
        doc: "folds left to right from `init`; an unsuffixed literal `init` takes a numeric element type",
    },
    HofDoc {
        op: HofOp::Any,
        signature: "any(xs: [T], x -> bool) -> bool",
        doc: "whether the lambda is true for some element (false for []); stops at the first true",
    },
    HofDoc {
        op: HofOp::All,
        signature: "all(xs: [T], x -> bool) -> bool",
        doc: "whether the lambda is true for every element (true for []); stops at the first false",
    },
    HofDoc {
        op: HofOp::Count,
        signature: "count(xs: [T], x -> bool) -> i64",
        doc: "number of elements for which the lambda is true",
    },
    HofDoc {
        op: HofOp::Find,
        signature: "find(xs: [T], x -> bool) -> T?",
        doc: "the first element for which the lambda is true, or none; stops there",
    },
    HofDoc {
        op: HofOp::FindIndex,
        signature: "find_index(xs: [T], x -> bool) -> i64",
        doc: "index of the first element for which the lambda is true, or -1; stops there",
    },
    HofDoc {
        op: HofOp::SortBy,
        signature: "sort_by(xs: [T], x -> K) -> [T] where K is numeric or string",
        doc: "ascending by the lambda's key, stable; NaN keys last, -0.0 before 0.0",
    },
    HofDoc {
        op: HofOp::ZipWith,
        signature: "zip_with(xs: [T], ys: [S], (x, y) -> U) -> [U]",
        doc: "the lambda's value for each pair of elements at one index (lengths must match)",
    },
    HofDoc {
        op: HofOp::FlatMap,
        signature: "flat_map(xs: [T], x -> [U]) -> [U]",
        doc: "the lambda's lists, one after the other",
    },
    HofDoc {
        op: HofOp::GroupBy,
        signature: "group_by(xs: [T], x -> K) -> [[T]]",
        doc: "the elements grouped by equal keys, groups in order of first appearance",
    },
];

/// Whether this build compiles `op` (every one does now; the reference shows only
/// those that do).
pub fn available(op: HofOp) -> bool {
    HofOp::ALL.contains(&op)
}

/// Every function that takes a lambda, as a list for messages: "map, filter, ...".
fn names_listed() -> String {
    let names: Vec<&str> = HofOp::ALL.iter().map(|op| op.name()).collect();
    names.join(", ")
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// An example call of `op`, for helps.
fn example(op: HofOp) -> &'static str {
    match op {
        HofOp::Map => "map(xs, x -> x * 2)",
        HofOp::Filter => "filter(xs, x -> x > 0)",
        HofOp::Reduce => "reduce(xs, 0, (acc, x) -> acc + x)",
        HofOp::Any => "any(xs, x -> x > 0)",
        HofOp::All => "all(xs, x -> x > 0)",
        HofOp::Count => "count(xs, x -> x > 0)",
        HofOp::Find => "find(xs, x -> x > 0)",
        HofOp::FindIndex => "find_index(xs, x -> x > 0)",
        HofOp::SortBy => "sort_by(xs, x -> abs(x))",
        HofOp::ZipWith => "zip_with(xs, ys, (x, y) -> x + y)",
        HofOp::FlatMap => "flat_map(xs, x -> [x, x])",
        HofOp::GroupBy => "group_by(xs, x -> x % 10)",
    }
}

fn lambda_parts(e: &ast::Expr) -> Option<(&[ast::Ident], &ast::Expr)> {
    match &e.kind {
        ast::ExprKind::Lambda { params, body } => Some((params, body)),
        _ => None,
    }
}

impl<'a> Checker<'a> {
    /// A call that takes a lambda, or that names a higher-order built-in: checked here
    /// (`Some`), else `None` for the ordinary overload resolution. `filter`, `count`,
    /// `any` and `all` without a lambda are their mask forms; a user function named like
    /// a higher-order built-in is called as usual when no lambda is passed.
    pub fn lambda_call(
        &mut self,
        b: &mut Body,
        callee: &ast::Ident,
        args: &'a [ast::Expr],
        span: Span,
    ) -> Option<hir::Expr> {
        let has_lambda = args.iter().any(|a| lambda_parts(a).is_some());
        let op = HofOp::from_name(&callee.name);
        match op {
            Some(op) if has_lambda || !self.has_other_candidates(&callee.name) => {
                Some(self.hof(b, op, callee, args, span))
            }
            _ if has_lambda => {
                // Check the other arguments for their own errors; the lambdas are the
                // error reported here.
                for a in args.iter().filter(|a| lambda_parts(a).is_none()) {
                    self.synth(b, a);
                }
                for a in args.iter().filter(|a| lambda_parts(a).is_some()) {
                    self.lambda_passed_to(b, callee, a);
                }
                Some(hir::Expr::error(span))
            }
            _ => None,
        }
    }

    /// Whether a name has candidates besides the higher-order built-in: a user, earlier
    /// line's, prelude or host function, or a built-in row (the mask forms).
    fn has_other_candidates(&self, name: &str) -> bool {
        self.fn_names.contains_key(name)
            || !self.env_fns_named(name).is_empty()
            || super::builtins::named(name).next().is_some()
            || !self.prelude_named(name).is_empty()
            || !self.host_named(name).is_empty()
    }

    /// E0230 for a lambda passed to `callee`, which does not take one (E0102 with "did
    /// you mean" when `callee` names no function at all and is close to one that does).
    fn lambda_passed_to(&mut self, b: &Body, callee: &ast::Ident, lambda: &ast::Expr) {
        let n = &callee.name;
        let known = self.fn_names.contains_key(n.as_str())
            || !self.env_fns_named(n).is_empty()
            || super::builtins::named(n).next().is_some()
            || !self.prelude_named(n).is_empty()
            || !self.host_named(n).is_empty();
        if !known && b.lookup(n).is_none() {
            let mut d = Diagnostic::error("E0102", callee.span, format!("unknown function `{n}`"))
                .with_label("no function of this name");
            if let Some(help) = self.suggest_function(n) {
                d = d.with_help(help);
            }
            self.error(d);
            return;
        }
        let what = if self.fn_names.contains_key(n.as_str()) || !self.env_fns_named(n).is_empty() {
            format!("`{n}` is a user function")
        } else {
            format!("`{n}` does not take a lambda")
        };
        self.error(
            Diagnostic::error(
                "E0230",
                lambda.span,
                format!(
                    "a lambda can only be an argument of {}",
                    names_listed()
                ),
            )
            .with_label("a lambda passed to a function that does not take one")
            .with_secondary(callee.span, what)
            .with_note("a lambda is not a value: it cannot be bound, stored, returned or passed to a function")
            .with_help("apply it to a list with `map`, `filter` or `reduce`, e.g. `map(xs, x -> x * 2)`"),
        );
    }

    /// E0230 for a lambda standing anywhere but as an argument of a call.
    pub fn misplaced_lambda(&mut self, span: Span) -> hir::Expr {
        self.error(
            Diagnostic::error(
                "E0230",
                span,
                format!("a lambda can only be an argument of {}", names_listed()),
            )
            .with_label("a lambda here is not a value")
            .with_note("a lambda cannot be bound, stored, returned or passed to a function")
            .with_help("write it inside the call that uses it, e.g. `map(xs, x -> x * 2)`"),
        );
        hir::Expr::error(span)
    }

    /// `op(args...)` with its lambda last.
    fn hof(
        &mut self,
        b: &mut Body,
        op: HofOp,
        callee: &ast::Ident,
        args: &'a [ast::Expr],
        span: Span,
    ) -> hir::Expr {
        let name = op.name();
        let want = op.leading_args() + 1;
        let Some((last, leading)) = args.split_last() else {
            return self.hof_shape_error(op, callee.span, callee.span, "no arguments");
        };
        // Lambdas before the last argument are misplaced.
        let mut bad = false;
        for a in leading.iter().filter(|a| lambda_parts(a).is_some()) {
            self.error(
                Diagnostic::error(
                    "E0230",
                    a.span,
                    format!("`{name}` takes its lambda as its last argument"),
                )
                .with_label("a lambda here")
                .with_help(format!("write the call as `{}`", example(op))),
            );
            bad = true;
        }
        let mut vals: Vec<hir::Expr> = leading
            .iter()
            .map(|a| match lambda_parts(a) {
                Some(_) => hir::Expr::error(a.span),
                None => self.synth(b, a),
            })
            .collect();
        let Some((params, body)) = lambda_parts(last) else {
            if !bad {
                let found = self.synth(b, last);
                let found = self.default(found);
                if found.ty.is_error() {
                    return hir::Expr::error(span);
                }
                return self.hof_shape_error(
                    op,
                    last.span,
                    callee.span,
                    &format!("this is {}, not a lambda", found.ty),
                );
            }
            return hir::Expr::error(span);
        };
        if args.len() != want {
            self.error(
                Diagnostic::error(
                    "E0303",
                    callee.span,
                    format!(
                        "`{name}` takes {}, found {}",
                        plural(want, "argument"),
                        args.len()
                    ),
                )
                .with_label(format!("called with {}", plural(args.len(), "argument")))
                .with_help(format!("write it as `{}`", example(op))),
            );
            bad = true;
        }
        // The list(s) and `init`, settled.
        let mut elems: Vec<Ty> = Vec::new();
        let lists = if op == HofOp::ZipWith { 2 } else { 1 };
        for (i, v) in vals.iter_mut().enumerate().take(lists) {
            let x = std::mem::replace(v, hir::Expr::error(v.span));
            let x = self.default(x);
            match &x.ty {
                Ty::List(e) => elems.push((**e).clone()),
                t if t.is_error() => elems.push(Ty::Error),
                t => {
                    let t = t.clone();
                    let which = if i == 0 { "first" } else { "second" };
                    self.error(
                        Diagnostic::error(
                            "E0232",
                            x.span,
                            format!("the {which} argument of `{name}` must be a list, found {t}"),
                        )
                        .with_label(format!("this is {t}"))
                        .with_secondary(callee.span, format!("`{name}` goes over a list"))
                        .with_help(format!("pass a list, e.g. `{}`", example(op))),
                    );
                    elems.push(Ty::Error);
                }
            }
            *v = x;
        }
        while elems.len() < lists {
            elems.push(Ty::Error);
        }
        // `reduce`'s accumulator type: `init`'s, an unsuffixed literal taking a numeric
        // element type.
        let acc = if op == HofOp::Reduce {
            match vals.get_mut(1) {
                Some(v) => {
                    let x = std::mem::replace(v, hir::Expr::error(v.span));
                    let x = if x.ty.is_flexible()
                        && elems[0].is_numeric()
                        && Ty::join(&x.ty, &elems[0]).as_ref() == Some(&elems[0])
                    {
                        self.coerce(x, &elems[0])
                    } else {
                        self.default(x)
                    };
                    let t = x.ty.clone();
                    *v = x;
                    t
                }
                None => Ty::Error,
            }
        } else {
            Ty::Error
        };
        // The lambda's parameters.
        let wanted = op.lambda_params();
        if params.len() != wanted {
            let shown = match op {
                HofOp::Reduce => "(acc, x) -> ...",
                HofOp::ZipWith => "(x, y) -> ...",
                _ => "x -> ...",
            };
            let at = match (params.first(), params.last()) {
                (Some(f), Some(l)) => f.span.to(l.span),
                _ => last.span,
            };
            let passes = match op {
                HofOp::Reduce => "the accumulator and an element".to_string(),
                HofOp::ZipWith => "an element of each list".to_string(),
                _ => "each element".to_string(),
            };
            self.error(
                Diagnostic::error(
                    "E0231",
                    at,
                    format!(
                        "`{name}` passes {} to its lambda, but this lambda takes {}",
                        plural(wanted, "argument"),
                        params.len()
                    ),
                )
                .with_label(format!("{} here", plural(params.len(), "parameter")))
                .with_note(format!("`{name}` passes {passes}"))
                .with_help(format!("write the lambda as `{shown}`")),
            );
            bad = true;
        }
        let types: Vec<Ty> = match op {
            HofOp::Reduce => vec![acc.clone(), elems[0].clone()],
            HofOp::ZipWith => vec![elems[0].clone(), elems[1].clone()],
            _ => vec![elems[0].clone()],
        };
        b.scopes.push(HashMap::new());
        let locals: Vec<hir::LocalId> = params
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let ty = types.get(i).cloned().unwrap_or(Ty::Error);
                let id = b.declare(&p.name, ty, BindKind::Let, p.span);
                // A lambda parameter nothing reads is no mistake worth a warning.
                b.mark_read(id);
                id
            })
            .collect();
        let body = self.synth(b, body);
        b.scopes.pop();
        let acc_at = if op == HofOp::Reduce {
            vals.get(1).map_or(callee.span, |v| v.span)
        } else {
            callee.span
        };
        let body = self.lambda_result(op, body, &acc, acc_at);
        if bad
            || body.ty.is_error()
            || vals.iter().any(|v| v.ty.is_error())
            || elems.iter().any(Ty::is_error)
            || locals.iter().any(|&l| b.locals[l].ty.is_error())
        {
            return hir::Expr::error(span);
        }
        let ty = match op {
            HofOp::Map | HofOp::ZipWith => Ty::List(Box::new(body.ty.clone())),
            HofOp::FlatMap => body.ty.clone(),
            HofOp::Filter | HofOp::SortBy => Ty::List(Box::new(elems[0].clone())),
            HofOp::Reduce => acc,
            HofOp::Any | HofOp::All => Ty::Bool,
            HofOp::Count | HofOp::FindIndex => Ty::I64,
            HofOp::Find => Ty::opt(elems[0].clone()),
            HofOp::GroupBy => Ty::List(Box::new(Ty::List(Box::new(elems[0].clone())))),
        };
        if let Some(d) = super::nest::too_deep(&ty, span) {
            self.error(d);
            return hir::Expr::error(span);
        }
        hir::Expr::new(
            ExprKind::Hof {
                op,
                args: vals,
                params: locals,
                body: Box::new(body),
            },
            ty,
            span,
        )
    }

    /// The lambda's body settled for `op`: a condition, `reduce`'s accumulator, a key,
    /// or a value of the type it has.
    fn lambda_result(&mut self, op: HofOp, body: hir::Expr, acc: &Ty, init: Span) -> hir::Expr {
        let name = op.name();
        if body.ty.is_error() {
            return body;
        }
        if op.is_predicate() {
            return self.condition(body, &format!("the lambda of `{name}`"));
        }
        match op {
            HofOp::Reduce => {
                if acc.is_error() {
                    return hir::Expr::error(body.span);
                }
                let acc = acc.clone();
                self.coerce_or(body, &acc, |found, at| {
                    Diagnostic::error(
                        "E0201",
                        at,
                        format!(
                            "the lambda of `reduce` gives {found}, but the accumulator is {acc}"
                        ),
                    )
                    .with_label(format!("this is {found}"))
                    .with_secondary(init, format!("`init` makes the accumulator {acc}"))
                    .with_help(format!(
                        "give `init` the type of the lambda's value, or convert the value to {acc}"
                    ))
                })
            }
            HofOp::SortBy | HofOp::GroupBy | HofOp::FlatMap => {
                let body = self.default(body);
                let (ok, wants, help) = match op {
                    HofOp::FlatMap => (
                        matches!(body.ty, Ty::List(_)),
                        "the lambda of `flat_map` must give a list".to_string(),
                        "give a list per element (`x -> [x]`), or use `map` for one value per element",
                    ),
                    _ => (
                        match op {
                            HofOp::SortBy => body.ty.is_numeric() || body.ty == Ty::Str,
                            _ => matches!(body.ty, Ty::Bool | Ty::Int(_) | Ty::Float(_) | Ty::Str),
                        },
                        format!("the key of `{name}` must be a number or a string"),
                        "make the lambda give one number or string per element",
                    ),
                };
                if ok || body.ty.is_error() {
                    return body;
                }
                let found = body.ty.clone();
                self.error(
                    Diagnostic::error("E0233", body.span, format!("{wants}, found {found}"))
                        .with_label(format!("this is {found}"))
                        .with_help(help),
                );
                hir::Expr::error(body.span)
            }
            _ => self.default(body),
        }
    }

    /// E0232: `op` called without a lambda.
    fn hof_shape_error(&mut self, op: HofOp, at: Span, callee: Span, what: &str) -> hir::Expr {
        let name = op.name();
        self.error(
            Diagnostic::error(
                "E0232",
                at,
                format!("`{name}` takes a lambda as its last argument"),
            )
            .with_label(what.to_string())
            .with_secondary(callee, format!("`{name}` applies a lambda to each element"))
            .with_help(format!("write it as `{}`", example(op))),
        );
        hir::Expr::error(at)
    }
}

#[cfg(test)]
mod tests {
    use crate::diag::Diagnostic;
    use crate::types::hir::{self, ExprKind, HofOp};
    use crate::types::ty::{IntTy, Ty};

    fn list(t: Ty) -> Ty {
        Ty::List(Box::new(t))
    }

    fn checked(src: &str) -> hir::Program {
        crate::check_source(src)
            .unwrap_or_else(|d| panic!("{src}: {d:#?}"))
            .program
    }

    fn ty(src: &str) -> Ty {
        checked(src).main.ret.expect("a result")
    }

    fn errors(src: &str) -> Vec<Diagnostic> {
        match crate::check_source(src) {
            Ok(_) => panic!("{src}: accepted"),
            Err(d) => d.into_iter().filter(Diagnostic::is_error).collect(),
        }
    }

    /// Exactly one error, with this code.
    #[track_caller]
    fn one(src: &str, code: &str) -> Diagnostic {
        let d = errors(src);
        assert_eq!(d.len(), 1, "{src}: {d:#?}");
        assert_eq!(d[0].code, code, "{src}: {d:#?}");
        d.into_iter().next().expect("one")
    }

    #[test]
    fn result_types_come_from_the_body_and_the_call() {
        assert_eq!(ty("map([1, 2], x -> f64(x) * 0.5)"), list(Ty::F64));
        assert_eq!(ty("map([1, 2], x -> string(x))"), list(Ty::Str));
        assert_eq!(ty("map([1.5f32], x -> x > 1.0)"), list(Ty::Bool));
        assert_eq!(
            ty("filter([1u8, 2u8], x -> x > 1)"),
            list(Ty::Int(IntTy::U8))
        );
        assert_eq!(ty("count([\"a\"], s -> s == \"a\")"), Ty::I64);
        assert_eq!(ty("find_index([1], x -> x > 0)"), Ty::I64);
        assert_eq!(ty("any([1], x -> x > 0)"), Ty::Bool);
        assert_eq!(
            ty("zip_with([1], [\"a\"], (n, s) -> s + string(n))"),
            list(Ty::Str)
        );
        assert_eq!(ty("flat_map([1], x -> [x, x])"), list(Ty::I64));
        assert_eq!(ty("sort_by([\"a\"], s -> len(s))"), list(Ty::Str));
        // `reduce`: an unsuffixed literal `init` takes a numeric element type; otherwise
        // `init`'s own type is the accumulator's.
        assert_eq!(ty("reduce([1.5], 0, (a, x) -> a + x)"), Ty::F64);
        assert_eq!(
            ty("reduce([1u16], 0, (a, x) -> a + x)"),
            Ty::Int(IntTy::U16)
        );
        assert_eq!(ty("reduce([1u16], 0i64, (a, x) -> a + x)"), Ty::I64);
        assert_eq!(ty("reduce([\"a\"], 0, (n, s) -> n + len(s))"), Ty::I64);
        assert_eq!(ty("reduce([1], \"\", (s, x) -> s + string(x))"), Ty::Str);
        // A body of a narrower type widens to the accumulator.
        assert_eq!(ty("reduce([1u8], 0i32, (a, x) -> x)"), Ty::Int(IntTy::I32));
    }

    #[test]
    fn the_parameters_are_locals_of_the_caller_typed_by_the_call() {
        let p = checked("let k = 2.0; reduce([1.0], k, (acc, x) -> acc * x)");
        let Some(value) = &p.main.body.value else {
            panic!("a result")
        };
        let ExprKind::Hof {
            op, params, body, ..
        } = &value.kind
        else {
            panic!("{value:?}")
        };
        assert_eq!(*op, HofOp::Reduce);
        let names: Vec<(&str, &Ty)> = params
            .iter()
            .map(|&l| (p.main.locals[l].name.as_str(), &p.main.locals[l].ty))
            .collect();
        assert_eq!(names, [("acc", &Ty::F64), ("x", &Ty::F64)]);
        assert_eq!(body.ty, Ty::F64);
        // Inside a function the parameters are its locals too, beside its own.
        let p = checked("fn f(xs: [i64]) -> [i64] = map(xs, x -> x + 1); f([1])");
        let f = &p.functions[0];
        assert!(f.locals.iter().any(|l| l.name == "x" && l.ty == Ty::I64));
    }

    #[test]
    fn a_lambda_reads_what_is_visible_and_may_shadow_it() {
        checked("let k = 3; param p: i64; n = 1; map([1], x -> x + k + p + n)");
        checked("fn f(xs: [i64], by: i64) -> [i64] = map(xs, x -> x * by); f([1], 2)");
        checked("let x = \"outer\"; map([1], x -> x + 1)");
        // After the call the outer binding is back.
        assert_eq!(
            ty("let x = \"outer\"; let ys = map([1], x -> x + 1); x"),
            Ty::Str
        );
        // The parameter is not visible after the lambda.
        one("let ys = map([1], x -> x + 1); x", "E0101");
    }

    #[test]
    fn a_lambda_anywhere_but_a_higher_order_call_is_e0230() {
        let d = one("let f = x -> x + 1;", "E0230");
        assert!(d
            .message
            .starts_with("a lambda can only be an argument of map, filter"));
        one("fn g(x: i64) -> i64 = x; g(y -> y)", "E0230");
        one("[x -> x]", "E0230");
        one("fn h() -> i64 = x -> x; h()", "E0230");
        // `abs` is a built-in that takes no lambda.
        let d = one("abs(x -> x)", "E0230");
        assert!(
            d.secondary
                .iter()
                .any(|l| l.message.contains("does not take a lambda")),
            "{d:#?}"
        );
        // Before the last argument of a higher-order call.
        one("map(x -> x, [1])", "E0230");
        // A misspelt name: "did you mean", with or without a lambda.
        let d = one("fliter([1], x -> x > 0)", "E0102");
        assert_eq!(d.help.as_deref(), Some("did you mean `filter`?"));
        let d = one("redcue([1], 0, 2)", "E0102");
        assert_eq!(d.help.as_deref(), Some("did you mean `reduce`?"));
    }

    #[test]
    fn wrong_shapes_of_a_higher_order_call() {
        let d = one("map([1], (a, b) -> a)", "E0231");
        assert!(
            d.message.contains("passes 1 argument to its lambda"),
            "{}",
            d.message
        );
        let d = one("reduce([1], 0, x -> x)", "E0231");
        assert_eq!(
            d.help.as_deref(),
            Some("write the lambda as `(acc, x) -> ...`")
        );
        one("zip_with([1], [2], x -> x)", "E0231");
        one("map(3, x -> x)", "E0232");
        one("map([1], 3)", "E0232");
        one("sort_by([1], x -> [x])", "E0233");
        one("flat_map([1], x -> x)", "E0233");
        one("filter([1], x -> x)", "E0205");
        one("count([1], x -> \"yes\")", "E0205");
        one("reduce([1], 0, (a, x) -> a > x)", "E0201");
        one("map([1], [2], x -> x)", "E0303");
        // An error inside the body is reported once, with nothing after it.
        one("map([1], x -> x + \"a\")", "E0201");
        one("map([1], x -> undefined_name)", "E0101");
        // Not yet: an optional result, a list of lists.
        assert_eq!(ty("find([1], x -> x > 0)"), Ty::opt(Ty::I64));
        // An optional element stays one optional.
        assert_eq!(
            ty("let xs: [i64?] = [1, none]; find(xs, x -> true)"),
            Ty::opt(Ty::I64)
        );
        // Lists of lists are results like any other, up to the type codes' depth.
        assert_eq!(ty("map([1], x -> [x])"), list(list(Ty::I64)));
        assert_eq!(ty("group_by([1, 2], x -> x % 2)"), list(list(Ty::I64)));
        assert_eq!(ty("map([[1], [2, 3]], xs -> len(xs))"), list(Ty::I64));
        assert_eq!(ty("flat_map([[1], [2, 3]], xs -> xs)"), list(Ty::I64));
    }

    #[test]
    fn without_a_lambda_the_names_keep_their_other_meanings() {
        // The mask forms.
        assert_eq!(ty("let xs = [1, 2]; count(xs > 1)"), Ty::I64);
        assert_eq!(ty("let xs = [1, 2]; filter(xs, xs > 1)"), list(Ty::I64));
        // String `find`.
        assert_eq!(ty("find(\"abc\", \"b\")"), Ty::I64);
        // A user function named like a higher-order built-in, called without a lambda.
        assert_eq!(ty("fn map(x: i64) -> f64 = f64(x); map(2)"), Ty::F64);
        // ...while the built-in still takes a lambda.
        assert_eq!(
            ty("fn map(x: i64) -> f64 = f64(x); map([1], x -> x)"),
            list(Ty::I64)
        );
    }

    #[test]
    fn the_walk_reaches_the_body_and_its_effects_count() {
        use crate::types::hir::{Builtin, FallibleCalls, Walk};
        let p = checked("let xs = [1, 2]; reduce(xs, 0, (a, x) -> a + print(x))");
        // The list, `init`, then the body: the `print` inside is found.
        assert!(p.main.body.any(|e| matches!(
            e.kind,
            ExprKind::Builtin {
                op: Builtin::Print,
                ..
            }
        )));
        // The loop itself may fault (it polls interrupts), whatever its body.
        let p = checked("let xs = [1.0]; map(xs, x -> x * 2.0)");
        let calls = FallibleCalls::default();
        assert!(p.main.body.may_fault(calls));
        assert!(HofOp::ALL
            .iter()
            .all(|op| op.effects().can_fault && op.effects().pure));
    }
}
