//! `format(fmt, args...)` (v1): arguments of any types, so it is checked here rather
//! than by overload resolution (its row in `builtins.rs` is for `:doc`, the reference
//! and "did you mean"). A literal format string is parsed now with the runtime's parser
//! (`kiln_runtime::format`, the one that plans it for codegen) and checked against the
//! arguments' types; each error points at its characters inside the literal
//! (`Checker::string_span`). The call becomes `Builtin::Format` with the format string
//! as its first argument.
//!
//! Codes: E0250 an unclosed `{` or a lone `}`, E0251 a malformed SPEC, E0252 placeholders
//! and arguments that do not pair up, E0253 a SPEC that does not fit its argument's type,
//! E0254 a positional or named placeholder (`{0}`, `{x}`). A computed format string is
//! checked at run time (fault E0618).

use super::check::{Body, Checker};
use super::hir::{self, Builtin, ExprKind};
use super::ty::Ty;
use crate::diag::Diagnostic;
use crate::span::Span;
use crate::syntax::ast;
use kiln_runtime::format::{self as rtf, Category, ErrorKind, Piece};

/// The name of the built-in.
pub const NAME: &str = "format";

impl<'a> Checker<'a> {
    /// A call of the built-in `format` (`Some`), unless a user, earlier line's, prelude
    /// or host function named `format` takes this many arguments (`None`: ordinary
    /// overload resolution, which never picks the built-in's row).
    pub(super) fn format_call(
        &mut self,
        b: &mut Body,
        callee: &ast::Ident,
        args: &'a [ast::Expr],
        span: Span,
    ) -> Option<hir::Expr> {
        if callee.name != NAME || self.other_format_takes(args.len()) {
            return None;
        }
        Some(self.format(b, callee, args, span))
    }

    fn other_format_takes(&self, n: usize) -> bool {
        let users = self.fn_names.get(NAME).is_some_and(|ids| {
            ids.iter()
                .any(|&id| self.fns[id].callable && self.fns[id].params.len() == n)
        });
        users
            || self
                .env_fns_named(NAME)
                .iter()
                .any(|(_, f)| f.params.len() == n)
            || self
                .prelude_named(NAME)
                .iter()
                .any(|(_, f)| f.params.len() == n)
            || self
                .host_named(NAME)
                .iter()
                .any(|(_, h)| h.params.len() == n)
    }

    fn format(
        &mut self,
        b: &mut Body,
        callee: &ast::Ident,
        args: &'a [ast::Expr],
        span: Span,
    ) -> hir::Expr {
        let Some((fmt_ast, rest)) = args.split_first() else {
            self.error(
                Diagnostic::error("E0252", span, "`format` needs a format string")
                    .with_label("no arguments")
                    .with_help(
                        "write the text with a `{}` for each value: `format(\"{} items\", n)`",
                    ),
            );
            return hir::Expr::error(span);
        };
        let fmt = self.synth(b, fmt_ast);
        let fmt = self.default(fmt);
        let mut vals = Vec::with_capacity(rest.len());
        for a in rest {
            let v = self.synth(b, a);
            vals.push(self.default(v));
        }
        if fmt.ty.is_error() || vals.iter().any(|v| v.ty.is_error()) {
            return hir::Expr::error(span);
        }
        if fmt.ty != Ty::Str {
            self.error(
                Diagnostic::error(
                    "E0201",
                    fmt.span,
                    format!(
                        "the format string of `format` must be a string, found {}",
                        fmt.ty
                    ),
                )
                .with_label(format!("this is {}", fmt.ty))
                .with_secondary(
                    callee.span,
                    "`format(fmt, args...)` takes the format string first",
                )
                .with_help("to show a value by itself, write `format(\"{}\", x)` or `string(x)`"),
            );
            return hir::Expr::error(span);
        }
        if let (ast::ExprKind::Str(text), ExprKind::Str(_)) = (&fmt_ast.kind, &fmt.kind) {
            if !self.check_literal_format(text, fmt_ast.span, &vals) {
                return hir::Expr::error(span);
            }
        }
        let mut all = Vec::with_capacity(vals.len() + 1);
        all.push(fmt);
        all.extend(vals);
        hir::Expr::new(
            ExprKind::Builtin {
                op: Builtin::Format,
                args: all,
            },
            Ty::Str,
            span,
        )
    }

    /// Check a literal format string `text` (the literal at `lit`) against the
    /// arguments; false when an error was reported.
    fn check_literal_format(&mut self, text: &str, lit: Span, vals: &[hir::Expr]) -> bool {
        let pieces = match rtf::parse(text) {
            Ok(p) => p,
            Err(e) => {
                let code = match e.kind {
                    ErrorKind::Unclosed | ErrorKind::LoneClose => "E0250",
                    ErrorKind::Spec => "E0251",
                    ErrorKind::Positional => "E0254",
                };
                let at = self.string_span(lit, e.range.clone());
                let label = match e.kind {
                    ErrorKind::Unclosed => "this brace is never closed",
                    ErrorKind::LoneClose => "this brace closes nothing",
                    ErrorKind::Spec => "not a valid format spec",
                    ErrorKind::Positional => "an argument name or position",
                };
                let mut d = Diagnostic::error(code, at, e.message.clone()).with_label(label);
                if e.kind == ErrorKind::Spec && e.help.is_none() {
                    d = d.with_note(
                        "a spec is `[[fill]align][+][#][0][width][.precision][type]`: align `<` `^` `>`, type `x` `X` `o` `b` (integers) or `e` `E` (floats)",
                    );
                }
                if let Some(h) = e.help {
                    d = d.with_help(h);
                }
                self.error(d);
                return false;
            }
        };
        let holes: Vec<(&rtf::Spec, &std::ops::Range<usize>, &std::ops::Range<usize>)> = pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Arg {
                    spec,
                    range,
                    spec_range,
                } => Some((spec, range, spec_range)),
                Piece::Lit(_) => None,
            })
            .collect();
        let (np, na) = (holes.len(), vals.len());
        if np != na {
            let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
            let message = format!(
                "the format string has {} but {} given",
                plural(np, "placeholder"),
                if na == 1 {
                    "1 argument is".to_string()
                } else {
                    format!("{na} arguments are")
                }
            );
            let d = if np > na {
                let (_, range, _) = holes[na];
                let at = self.string_span(lit, range.clone());
                Diagnostic::error("E0252", at, message)
                    .with_label("this placeholder has no argument")
                    .with_help(format!(
                        "pass {} more argument{}, or remove the placeholder",
                        np - na,
                        if np - na == 1 { "" } else { "s" }
                    ))
            } else {
                let extra = &vals[np];
                let mut d = Diagnostic::error("E0252", extra.span, message)
                    .with_label("this argument has no placeholder")
                    .with_secondary(lit, format!("{} here", plural(np, "placeholder")));
                d = d.with_help("add a `{}` for each argument, or remove the argument");
                d
            };
            self.error(d);
            return false;
        }
        let mut ok = true;
        for ((spec, _, spec_range), v) in holes.into_iter().zip(vals) {
            let Some(code) = crate::abi::type_code(&v.ty) else {
                continue;
            };
            if let Err(why) = rtf::check_fit(spec, Category::of(code)) {
                let at = self.string_span(lit, spec_range.clone());
                self.error(
                    Diagnostic::error(
                        "E0253",
                        at,
                        format!("format spec does not fit an argument of type {}", v.ty),
                    )
                    .with_label(why)
                    .with_secondary(v.span, format!("this is {}", v.ty))
                    .with_help(fit_help(&v.ty)),
                );
                ok = false;
            }
        }
        ok
    }
}

/// What specs an argument of type `ty` takes.
fn fit_help(ty: &Ty) -> String {
    match ty.strip_opt() {
        Ty::Int(_) => "an integer takes fill, align, `+`, `#`, `0`, width and a type `x X o b` (no precision)".to_string(),
        Ty::Float(_) => "a float takes fill, align, `+`, `0`, width, `.precision` and a type `e E`".to_string(),
        Ty::Str => "a string takes fill, align, width and `.precision` (characters kept)".to_string(),
        _ => format!("a value of type {ty} takes only fill, align and width; convert it first to format it as a number"),
    }
}
