//! Calls: gather the candidates of a name (user functions and built-ins share one
//! namespace), rank each argument the contract's way, pick the candidate that beats all
//! others, and report "no matching overload" or "ambiguous call" otherwise.
//!
//! Per argument, best first: exact type; an unsuffixed literal at its default type
//! (i64/f64); a literal adapted to another type (other integer types it fits, then f64,
//! then f32); a lossless widening. Candidate A beats B when every argument of A ranks at
//! least as well as in B and one strictly better.

use super::builtins::{self, BuiltinFn, Class, Lowering, Pat};
use super::check::{sig, Body, Checker};
use super::hir::{self, ExprKind, FnId};
use super::ty::{FloatTy, IntTy, Ty};
use crate::diag::Diagnostic;
use crate::span::Span;
use crate::syntax::ast;

/// (class, order within the class); smaller is better.
type Rank = (u8, u8);

const EXACT: Rank = (0, 0);
const LIT_DEFAULT: Rank = (1, 0);
const WIDENING: Rank = (3, 0);

#[derive(Clone, Copy)]
enum Target {
    User(FnId),
    /// A function of an earlier REPL line (index into the env).
    Extern(usize),
    Builtin(&'static BuiltinFn),
    /// A prelude function (index into `prelude::all()`).
    Prelude(usize),
    /// A host function (index into `Setup::host`).
    Host(usize),
}

struct Candidate {
    target: Target,
    params: Vec<Ty>,
    ret: Ty,
    /// How each argument ranks, or why the candidate does not apply.
    ranks: Result<Vec<Rank>, String>,
    signature: String,
}

/// The preference of a literal for a parameter type other than its default.
fn adapted_rank(t: &Ty) -> Rank {
    match t {
        Ty::Int(_) => (2, 0),
        Ty::Float(FloatTy::F64) => (2, 1),
        Ty::Float(FloatTy::F32) => (2, 2),
        Ty::List(e) => adapted_rank(e),
        _ => (2, 3),
    }
}

/// The order an unsuffixed integer literal tries numeric types in.
const INT_LITERAL_ORDER: [Ty; 10] = [
    Ty::Int(IntTy::I64),
    Ty::Int(IntTy::I8),
    Ty::Int(IntTy::I16),
    Ty::Int(IntTy::I32),
    Ty::Int(IntTy::U8),
    Ty::Int(IntTy::U16),
    Ty::Int(IntTy::U32),
    Ty::Int(IntTy::U64),
    Ty::Float(FloatTy::F64),
    Ty::Float(FloatTy::F32),
];

impl<'a> Checker<'a> {
    pub fn call(
        &mut self,
        b: &mut Body,
        callee: &'a ast::Ident,
        args: &'a [ast::Expr],
        span: Span,
    ) -> hir::Expr {
        if let Some(e) = self.lambda_call(b, callee, args, span) {
            return e;
        }
        if let Some(e) = self.format_call(b, callee, args, span) {
            return e;
        }
        let args: Vec<hir::Expr> = args.iter().map(|a| self.synth(b, a)).collect();
        match self.call_opt(b, callee, args, span) {
            Ok(done) => done,
            Err(args) => self.call_with(b, callee, args, span),
        }
    }

    /// A call whose arguments are checked.
    pub(super) fn call_with(
        &mut self,
        b: &mut Body,
        callee: &ast::Ident,
        args: Vec<hir::Expr>,
        span: Span,
    ) -> hir::Expr {
        let name = callee.name.as_str();
        let users: Vec<FnId> = self
            .fn_names
            .get(name)
            .map(|ids| {
                ids.iter()
                    .copied()
                    .filter(|&id| self.fns[id].callable)
                    .collect()
            })
            .unwrap_or_default();
        let externs = self.env_fns_named(name);
        let any_defined = self.fn_names.contains_key(name) || !externs.is_empty();
        // `format`'s row documents it; its calls are checked by `format.rs`.
        let builtin_list: Vec<&'static BuiltinFn> = builtins::named(name)
            .filter(|b| b.lowering != Lowering::Op(hir::Builtin::Format))
            .collect();
        let preludes = self.prelude_named(name);
        let hosts: Vec<(usize, &'a hir::HostSig)> = self.host_named(name);
        if users.is_empty()
            && builtin_list.is_empty()
            && externs.is_empty()
            && preludes.is_empty()
            && hosts.is_empty()
        {
            if !any_defined {
                self.unknown_function(b, callee);
            }
            return hir::Expr::error(span);
        }
        if args.iter().any(|a| a.ty.is_error()) {
            return hir::Expr::error(span);
        }
        let arities = self.arities(name, &users, &externs, &builtin_list, &preludes, &hosts);
        let mut cands: Vec<Candidate> = users
            .iter()
            .map(|&id| {
                let params = self.fns[id].params.clone();
                Candidate {
                    target: Target::User(id),
                    ranks: self.rank_all(&args, &params),
                    signature: format!(
                        "{}{}",
                        sig(name, &params),
                        self.fns[id]
                            .ret
                            .as_ref()
                            .filter(|_| self.fns[id].declared_ret)
                            .map(|r| format!(" -> {r}"))
                            .unwrap_or_default()
                    ),
                    params,
                    ret: Ty::Error, // known after the body is checked
                }
            })
            .collect();
        for (i, f) in externs {
            cands.push(Candidate {
                target: Target::Extern(i),
                ranks: self.rank_all(&args, &f.params),
                signature: format!("{} -> {}", sig(name, &f.params), f.ret),
                params: f.params.clone(),
                ret: f.ret.clone(),
            });
        }
        for bf in builtin_list {
            cands.push(self.instantiate(bf, &args));
        }
        for (i, f) in preludes {
            cands.push(Candidate {
                target: Target::Prelude(i),
                ranks: self.rank_all(&args, &f.params),
                signature: f.signature(),
                params: f.params.clone(),
                ret: f.ret.clone(),
            });
        }
        // A user function (or an earlier REPL line's) replaces the built-in overload with
        // its parameter types, as instantiated for this call (W0003 at its definition).
        let own: Vec<Vec<Ty>> = cands
            .iter()
            .filter(|c| matches!(c.target, Target::User(_) | Target::Extern(_)))
            .map(|c| c.params.clone())
            .collect();
        cands.retain(|c| {
            !matches!(c.target, Target::Builtin(_)) || c.ranks.is_err() || !own.contains(&c.params)
        });
        // A host function replaces a built-in or prelude overload with its parameter
        // types (as instantiated for this call).
        cands.retain(|c| {
            matches!(c.target, Target::User(_) | Target::Extern(_))
                || c.ranks.is_err()
                || !hosts.iter().any(|(_, h)| h.params == c.params)
        });
        for (i, h) in hosts {
            cands.push(Candidate {
                target: Target::Host(i),
                ranks: self.rank_all(&args, &h.params),
                signature: format!("{} -> {}", sig(name, &h.params), h.ret),
                params: h.params.clone(),
                ret: h.ret.clone(),
            });
        }

        let viable: Vec<usize> = (0..cands.len())
            .filter(|&i| cands[i].ranks.is_ok())
            .collect();
        let arg_sig = sig(name, &args.iter().map(|a| a.ty.clone()).collect::<Vec<_>>());
        if viable.is_empty() {
            // No candidate takes this many arguments: say that, not "no matching overload".
            if !arities.iter().any(|a| a.takes(args.len())) {
                self.wrong_arity(callee, &args, &arities);
                return hir::Expr::error(span);
            }
            let mut d = Diagnostic::error(
                "E0301",
                callee.span,
                format!("no matching overload for `{arg_sig}`"),
            )
            .with_label("no candidate accepts these arguments");
            for c in &cands {
                d = d.with_note(format!(
                    "candidate `{}`: {}",
                    c.signature,
                    c.ranks.as_ref().err().map(String::as_str).unwrap_or("")
                ));
            }
            d = d.with_help("convert the arguments to one of the candidates' parameter types");
            self.error(d);
            return hir::Expr::error(span);
        }
        let beats = |a: &Candidate, b: &Candidate| -> bool {
            let (ra, rb) = (a.ranks.as_ref().unwrap(), b.ranks.as_ref().unwrap());
            ra.iter().zip(rb).all(|(x, y)| x <= y) && ra.iter().zip(rb).any(|(x, y)| x < y)
        };
        let winner = viable.iter().copied().find(|&w| {
            viable
                .iter()
                .all(|&o| o == w || beats(&cands[w], &cands[o]))
        });
        let Some(w) = winner else {
            // The tied candidates: those no other candidate beats.
            let tied: Vec<&Candidate> = viable
                .iter()
                .filter(|&&i| {
                    !viable
                        .iter()
                        .any(|&o| o != i && beats(&cands[o], &cands[i]))
                })
                .map(|&i| &cands[i])
                .collect();
            let mut d = Diagnostic::error(
                "E0302",
                callee.span,
                format!("ambiguous call to `{arg_sig}`"),
            )
            .with_label(format!("{} candidates fit equally well", tied.len()));
            for c in &tied {
                d = d.with_note(format!("candidate `{}`", c.signature));
            }
            d = d.with_help(
                "pick one by giving a literal a suffix (`1i32`, `2.0f32`) or converting an argument (`f32(x)`)",
            );
            self.error(d);
            return hir::Expr::error(span);
        };

        let c = cands.swap_remove(w);
        let args: Vec<hir::Expr> = args
            .into_iter()
            .zip(&c.params)
            .map(|(a, p)| self.coerce(a, p))
            .collect();
        match c.target {
            Target::User(id) => {
                let ret = self.fn_ret(id, span);
                hir::Expr::new(ExprKind::Call { func: id, args }, ret, span)
            }
            Target::Extern(i) => {
                let func = self.env_fn(i);
                hir::Expr::new(ExprKind::CallExtern { func, args }, c.ret, span)
            }
            Target::Prelude(i) => {
                let func = self.prelude_fn(i);
                hir::Expr::new(ExprKind::Call { func, args }, c.ret, span)
            }
            Target::Host(func) => hir::Expr::new(ExprKind::CallHost { func, args }, c.ret, span),
            Target::Builtin(bf) => match bf.lowering {
                Lowering::Cast => {
                    let arg = args.into_iter().next().expect("one argument");
                    if arg.ty == c.ret {
                        arg
                    } else {
                        hir::Expr::new(ExprKind::Cast(Box::new(arg)), c.ret, span)
                    }
                }
                // A literal `timestamp("...")` / `duration("...")` (v1) is read now.
                Lowering::Op(op @ hir::Builtin::Parse)
                    if matches!(c.ret, Ty::Timestamp | Ty::Duration) =>
                {
                    let call = hir::Expr::new(ExprKind::Builtin { op, args }, c.ret, span);
                    self.time_literal(call)
                }
                // Issue 15: literal patterns and characters are checked here.
                Lowering::Op(op) if !self.text_literals_ok(op, &args) => hir::Expr::error(span),
                Lowering::Op(op) => match self.plan_time(op, &args) {
                    Some(op) => hir::Expr::new(ExprKind::Builtin { op, args }, c.ret, span),
                    None => hir::Expr::error(span),
                },
            },
        }
    }

    fn rank_all(&self, args: &[hir::Expr], params: &[Ty]) -> Result<Vec<Rank>, String> {
        if args.len() != params.len() {
            return Err(format!(
                "takes {} argument{}, found {}",
                params.len(),
                if params.len() == 1 { "" } else { "s" },
                args.len()
            ));
        }
        args.iter()
            .zip(params)
            .enumerate()
            .map(|(i, (a, p))| {
                self.rank(a, p).ok_or_else(|| match self.literal_value(a) {
                    // A literal of the right kind that does not fit: say so.
                    Some(v) if p.is_numeric() && a.ty.is_numeric() => {
                        format!(
                            "argument {} expects {p}, and {v} does not fit in {p}",
                            i + 1
                        )
                    }
                    _ => format!("argument {} expects {p}, found {}", i + 1, a.ty),
                })
            })
            .collect()
    }

    fn rank(&self, a: &hir::Expr, p: &Ty) -> Option<Rank> {
        if a.ty == *p {
            Some(EXACT)
        } else if a.ty.is_flexible() {
            if !self.fits(a, p) {
                None
            } else if a.ty.default_ty().as_ref() == Some(p) {
                Some(LIT_DEFAULT)
            } else {
                Some(adapted_rank(p))
            }
        } else if a.ty.widens_to(p) {
            Some(WIDENING)
        } else {
            None
        }
    }

    /// Make a built-in's signature concrete for these arguments.
    fn instantiate(&self, bf: &'static BuiltinFn, args: &[hir::Expr]) -> Candidate {
        let fail = |why: String| Candidate {
            target: Target::Builtin(bf),
            params: Vec::new(),
            ret: Ty::Error,
            ranks: Err(why),
            signature: bf.signature(),
        };
        if !bf.takes(args.len()) {
            return fail(format!(
                "takes {}{} argument{}, found {}",
                bf.params.len(),
                if bf.variadic { " or more" } else { "" },
                if bf.params.len() == 1 { "" } else { "s" },
                args.len()
            ));
        }
        let pats = bf.params_for(args.len());
        let tvar = match bf.class {
            None => None,
            Some(class) => match self.solve(class, &pats, args) {
                Ok(t) => Some(t),
                Err(why) => return fail(why),
            },
        };
        let concrete = |p: &Pat| p.concrete(tvar.as_ref());
        let params: Vec<Ty> = pats.iter().map(concrete).collect();
        Candidate {
            target: Target::Builtin(bf),
            ranks: self.rank_all(args, &params),
            ret: concrete(&bf.ret),
            params,
            signature: bf.signature(),
        }
    }

    /// The type variable of a generic built-in: the join of the arguments in `T`
    /// positions, settled the way a literal prefers, then fitted into the class.
    fn solve(&self, class: Class, pats: &[Pat], args: &[hir::Expr]) -> Result<Ty, String> {
        // Each argument in a `T` position with the type it gives `T` (a `[T]` argument
        // gives its element type).
        let mut t_args: Vec<(&hir::Expr, Ty, usize)> = Vec::new();
        for (i, (p, a)) in pats.iter().zip(args).enumerate() {
            match (p, &a.ty) {
                (Pat::T, t) => t_args.push((a, t.clone(), 0)),
                (Pat::ListT, Ty::List(e)) => t_args.push((a, (**e).clone(), 1)),
                (Pat::ListT, t) => {
                    return Err(format!("argument {} expects a list, found {t}", i + 1))
                }
                (Pat::ListListT, Ty::List(e)) if matches!(**e, Ty::List(_) | Ty::EmptyElem) => {
                    let inner = match &**e {
                        Ty::List(x) => (**x).clone(),
                        _ => Ty::EmptyElem,
                    };
                    t_args.push((a, inner, 2))
                }
                (Pat::ListListT, t) => {
                    return Err(format!(
                        "argument {} expects a list of lists, found {t}",
                        i + 1
                    ))
                }
                _ => {}
            }
        }
        // Joined whatever their order (`max(1.5, 2u8, 3.0f32)` is an f32).
        let j = Ty::join_all(t_args.iter().map(|(_, t, _)| t)).ok_or_else(|| {
            let conflict = t_args.iter().enumerate().find_map(|(i, (_, a, _))| {
                t_args[..i]
                    .iter()
                    .find(|(_, b, _)| Ty::join(a, b).is_none())
                    .map(|(_, b, _)| (b, a))
            });
            let (a, b) = conflict.unwrap_or((&t_args[0].1, &t_args[t_args.len() - 1].1));
            format!("its arguments must have one type, found {a} and {b}")
        })?;
        let fits_all = |t: &Ty| {
            t_args.iter().all(|(a, _, depth)| {
                let mut want = t.clone();
                for _ in 0..*depth {
                    want = Ty::List(Box::new(want));
                }
                self.fits(a, &want)
            })
        };
        let t = match (&j, class) {
            (Ty::IntLit, Class::Float) | (Ty::FloatLit, _) => Ty::F64,
            (Ty::IntLit, _) => INT_LITERAL_ORDER
                .iter()
                .find(|t| class.contains(t) && fits_all(t))
                .cloned()
                .ok_or("the literal fits no numeric type")?,
            (t, _) if t.is_flexible() => {
                t.default_ty().ok_or("cannot infer the element type of `[]`")?
            }
            (t, Class::Float) if matches!(t, Ty::Int(_)) => builtins::float_for(t).ok_or_else(|| {
                format!("{t} does not convert to a float type without loss; convert it with `f64(...)`")
            })?,
            (t, _) => t.clone(),
        };
        if !class.contains(&t) {
            return Err(format!("expects {}, found {}", class.describe(), t));
        }
        Ok(t)
    }

    /// The prelude functions named `name` that neither this program nor (in the REPL) an
    /// earlier line redefines with the same parameter types. The prelude is loaded only
    /// for a name no user function or earlier line defines with every overload.
    pub(super) fn prelude_named(
        &self,
        name: &str,
    ) -> Vec<(usize, &'static super::prelude::PreludeFn)> {
        if !self.use_prelude {
            return Vec::new();
        }
        let user_params: Vec<&Vec<Ty>> = self
            .fn_names
            .get(name)
            .map(|ids| {
                ids.iter()
                    .filter(|&&id| self.fns[id].callable)
                    .map(|&id| &self.fns[id].params)
                    .collect()
            })
            .unwrap_or_default();
        let env_params: Vec<&Vec<Ty>> = self
            .env
            .as_ref()
            .map(|(env, _)| {
                env.functions
                    .iter()
                    .filter(|f| f.name == name)
                    .map(|f| &f.params)
                    .collect()
            })
            .unwrap_or_default();
        super::prelude::named(name)
            .filter(|(_, f)| !user_params.contains(&&f.params) && !env_params.contains(&&f.params))
            .collect()
    }

    /// The host functions named `name` (index into `Setup::host`, signature).
    pub(super) fn host_named(&self, name: &str) -> Vec<(usize, &'a hir::HostSig)> {
        let host: &'a [hir::HostSig] = self.setup.host;
        host.iter()
            .enumerate()
            .filter(|(_, h)| h.name == name)
            .collect()
    }

    /// The function id of prelude function `i` in this program, copying it in once.
    fn prelude_fn(&mut self, i: usize) -> FnId {
        let k = match self.prelude_used.iter().position(|&u| u == i) {
            Some(k) => k,
            None => {
                self.prelude_used.push(i);
                self.prelude_used.len() - 1
            }
        };
        self.fns.len() + k
    }

    /// How many parameters each candidate of `name` takes, how to show it, and where a
    /// user function is defined (for E0303).
    fn arities(
        &self,
        name: &str,
        users: &[FnId],
        externs: &[(usize, &super::EnvFn)],
        builtin_list: &[&'static BuiltinFn],
        preludes: &[(usize, &'static super::prelude::PreludeFn)],
        hosts: &[(usize, &hir::HostSig)],
    ) -> Vec<Arity> {
        let fixed = |count: usize, shown: String| Arity {
            count,
            variadic: false,
            shown,
            at: None,
        };
        let mut arities: Vec<Arity> = Vec::new();
        for &id in users {
            let f = &self.fns[id];
            let names: Vec<&str> = f.decl.params.iter().map(|p| p.name.name.as_str()).collect();
            arities.push(Arity {
                at: Some(f.decl.name.span),
                ..fixed(f.params.len(), format!("{name}({})", names.join(", ")))
            });
        }
        for (_, f) in externs {
            arities.push(fixed(f.params.len(), sig(name, &f.params)));
        }
        for bf in builtin_list {
            arities.push(Arity {
                variadic: bf.variadic,
                ..fixed(bf.params.len(), bf.signature())
            });
        }
        for (_, f) in preludes {
            arities.push(fixed(f.params.len(), f.signature()));
        }
        for (_, h) in hosts {
            arities.push(fixed(h.params.len(), sig(name, &h.params)));
        }
        arities
    }

    /// E0303: no candidate of `callee` takes `args.len()` arguments.
    fn wrong_arity(&mut self, callee: &ast::Ident, args: &[hir::Expr], arities: &[Arity]) {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let mut counts: Vec<(usize, bool)> =
            arities.iter().map(|a| (a.count, a.variadic)).collect();
        counts.sort_unstable();
        counts.dedup();
        let shown: Vec<String> = counts
            .iter()
            .map(|&(c, v)| {
                if v {
                    format!("{c} or more")
                } else {
                    c.to_string()
                }
            })
            .collect();
        let shown: Vec<&str> = shown.iter().map(String::as_str).collect();
        let most = counts.last().map_or(0, |&(c, v)| if v { 2 } else { c });
        let expected = format!(
            "{} argument{}",
            super::suggest::one_of(&shown, str::to_string),
            plural(most)
        );
        let n = &callee.name;
        let found = args.len();
        let mut d = Diagnostic::error(
            "E0303",
            callee.span,
            format!("`{n}` takes {expected}, found {found}"),
        )
        .with_label(format!(
            "called with {found} argument{}, expected {expected}",
            plural(found)
        ));
        let fewest_extra = counts
            .iter()
            .filter(|&&(c, v)| c < found && !v)
            .map(|&(c, _)| c)
            .max();
        if let Some(keep) = fewest_extra {
            let extra = &args[keep..];
            let surplus = extra[0].span.to(extra[extra.len() - 1].span);
            d = d.with_secondary(
                surplus,
                format!("{} argument{} too many", extra.len(), plural(extra.len())),
            );
        }
        for a in arities {
            let count = match a.variadic {
                true => format!("{} or more", a.count),
                false => a.count.to_string(),
            };
            let s = plural(if a.variadic { 2 } else { a.count });
            d = match a.at {
                Some(at) => d.with_secondary(
                    at,
                    format!("`{}` is defined here with {count} parameter{s}", a.shown),
                ),
                None => d.with_note(format!("`{}` takes {count} argument{s}", a.shown)),
            };
        }
        let help = match arities {
            [Arity {
                shown, at: Some(_), ..
            }] => format!("call it as `{shown}`, with a value for each parameter"),
            _ => format!("pass {expected}"),
        };
        self.error(d.with_help(help));
    }

    fn unknown_function(&mut self, b: &Body, callee: &ast::Ident) {
        let n = &callee.name;
        let mut d = Diagnostic::error("E0102", callee.span, format!("unknown function `{n}`"))
            .with_label("no function of this name");
        if b.lookup(n).is_some() {
            d = d.with_note(format!("`{n}` is a variable, not a function"));
        } else if let Some((what, help)) = crate::syntax::foreign_statement(n) {
            self.error(d.with_note(what).with_help(help));
            return;
        }
        if let Some(help) = self.suggest_function(n) {
            d = d.with_help(help);
        }
        self.error(d);
    }
}

/// How many arguments one candidate of a call takes (for E0303).
struct Arity {
    count: usize,
    /// Takes `count` or more.
    variadic: bool,
    /// The candidate as shown: `area(w, h)`, `max(T, T, ...) -> T`.
    shown: String,
    /// Where a user function is defined.
    at: Option<Span>,
}

impl Arity {
    fn takes(&self, n: usize) -> bool {
        n == self.count || (self.variadic && n > self.count)
    }
}
