//! "Did you mean …?" for unknown names, functions and types.
//!
//! A candidate is close to what was written when, ignoring case, its Damerau-Levenshtein
//! distance (an adjacent transposition counts as one edit) is at most a third of the
//! written name's length, at least one edit for names of two or more characters. A
//! one-character name is only matched by case (`X` for `x`): any other one-letter name
//! is one edit away, which says nothing. Closest first; ties broken by Jaro-Winkler
//! similarity (shared prefix), then alphabetically.

use super::check::{Body, Checker};
use super::hir;
use super::ty::Ty;
use crate::diag::Diagnostic;
use crate::span::Span;
use crate::syntax::ast::BinaryOp;
use strsim::{damerau_levenshtein, jaro_winkler};

/// At most this many suggestions in one help.
const MAX_SUGGESTIONS: usize = 3;

/// How many edits a name of this length may be from a suggestion.
fn max_edits(len: usize) -> usize {
    match len {
        0 | 1 => 0,
        2..=5 => 1,
        n => n / 3,
    }
}

/// Up to `limit` candidates close to `written`, best first, without duplicates and
/// without `written` itself.
pub(crate) fn closest<'c>(
    written: &str,
    candidates: impl IntoIterator<Item = &'c str>,
    limit: usize,
) -> Vec<&'c str> {
    let lower = written.to_lowercase();
    let max = max_edits(written.chars().count());
    let mut found: Vec<(usize, f64, &str)> = Vec::new();
    for c in candidates {
        if c == written || found.iter().any(|f| f.2 == c) {
            continue;
        }
        let d = damerau_levenshtein(&lower, &c.to_lowercase());
        if d <= max {
            found.push((d, jaro_winkler(written, c), c));
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(b.2)));
    found.into_iter().take(limit).map(|f| f.2).collect()
}

impl Checker<'_> {
    /// Every function name: the user's, the built-ins', the prelude's and the host's.
    fn function_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.fn_names.keys().map(String::as_str).collect();
        names.extend(super::builtins::all().iter().map(|b| b.name.as_str()));
        names.extend(super::hir::HofOp::ALL.iter().map(|op| op.name()));
        if self.use_prelude {
            names.extend(super::prelude::all().iter().map(|f| f.name.as_str()));
        }
        if let Some((env, _)) = &self.env {
            names.extend(env.functions.iter().map(|f| f.name.as_str()));
        }
        names.extend(self.setup.host.iter().map(|h| h.name.as_str()));
        names
    }

    /// Help for an unknown name `n` (E0101): the close names a reader could mean there —
    /// variables in scope and, in a function, the program-level bindings it sees — or
    /// failing those, close function names.
    pub(super) fn suggest_name(&self, b: &Body, n: &str) -> Option<String> {
        let mut vars: Vec<&str> = b
            .scopes
            .iter()
            .flat_map(|s| s.keys().map(String::as_str))
            .collect();
        if let Some((pos, _)) = b.func {
            vars.extend(
                self.tops
                    .iter()
                    .filter(|t| t.pos < pos)
                    .map(|t| t.name.as_str()),
            );
        }
        // Earlier REPL lines' bindings (functions see only the `let` ones).
        if let Some((env, _)) = &self.env {
            vars.extend(
                env.bindings
                    .iter()
                    .filter(|e| b.func.is_none() || !e.mutable)
                    .map(|e| e.name.as_str()),
            );
        }
        let close = closest(n, vars, MAX_SUGGESTIONS);
        if !close.is_empty() {
            return Some(format!(
                "did you mean {}?",
                one_of(&close, |c| format!("`{c}`"))
            ));
        }
        let close = closest(n, self.function_names(), MAX_SUGGESTIONS);
        if !close.is_empty() {
            return Some(format!(
                "did you mean to call {}?",
                one_of(&close, |c| format!("`{c}(...)`"))
            ));
        }
        None
    }

    /// The report for a name that resolves to nothing, saying the real reason when there
    /// is one: a function reading a mutable variable of the program (E0106), a name made
    /// in a block that has ended, a statement of another language; else "unknown name"
    /// (E0101) with the names it could be a misspelling of.
    pub(super) fn unknown_name(&self, b: &Body, n: &str, span: Span) -> Diagnostic {
        if let Some((_, fid)) = b.func {
            let top = self.top_mutables.get(n).copied();
            let env = self.env_binding(n).is_some_and(|(_, e)| e.mutable);
            if top.is_some() || env {
                let fname = &self.fns[fid].decl.name.name;
                let mut d = Diagnostic::error(
                    "E0106",
                    span,
                    format!("function `{fname}` cannot read the mutable variable `{n}`"),
                )
                .with_label(format!("`{n}` is a mutable variable of the program"));
                if let Some(at) = top {
                    d = d.with_secondary(at, format!("`{n}` is made mutable here"));
                }
                return d
                    .with_note(
                        "a function sees its parameters, every function, and the program's `let` \
                         bindings and `param`s written before it; never mutable variables",
                    )
                    .with_help(format!(
                        "pass `{n}` to `{fname}` as a parameter, or, if it never changes, bind \
                         it with `let {n} = ...;` before `{fname}`"
                    ));
            }
        }
        let mut d = Diagnostic::error("E0101", span, format!("unknown name `{n}`"))
            .with_label("not found in this scope");
        if let Some((_, bound, block)) = b.ended.iter().rev().find(|(name, ..)| name == n) {
            let is_let = bound.kind == super::check::BindKind::Let;
            let help = if is_let {
                format!(
                    "make `{n}` before the block (`{n} = ...;`) and assign it inside with \
                     `{n} = ...;` (a `let` inside makes a new name of the block)"
                )
            } else {
                format!(
                    "make `{n}` before the block (`{n} = ...;`): the assignment inside then \
                     updates it"
                )
            };
            let how = if is_let { "bound" } else { "assigned" };
            return d
                .with_secondary(bound.span, format!("`{n}` is {how} here, inside a block"))
                .with_secondary(
                    Span {
                        lo: block.hi.saturating_sub(1),
                        hi: block.hi,
                    },
                    "the block, and its names, end here",
                )
                .with_note("a name made inside a `when` block belongs to that block")
                .with_help(help);
        }
        if let Some((what, help)) = crate::syntax::foreign_statement(n) {
            return d.with_note(what).with_help(help);
        }
        if self.fn_names.contains_key(n) || super::builtins::named(n).next().is_some() {
            return d.with_help(format!("`{n}` is a function: call it with `{n}(...)`"));
        }
        if let Some(help) = self.suggest_name(b, n) {
            d = d.with_help(help);
        }
        d
    }

    /// How `e` is written, when it is a literal or a name (for a hint that shows the
    /// user's own expression); `b` resolves local names.
    fn written(&self, b: Option<&Body>, e: &hir::Expr) -> Option<String> {
        use super::check::LitVal;
        use hir::{ExprKind as K, Var};
        Some(match &e.kind {
            _ if self.lits.contains_key(&e.span) => match &self.lits[&e.span] {
                LitVal::Int(v) => v.to_string(),
                LitVal::Float(text) => text.clone(),
            },
            K::Int(v) => v.to_string(),
            K::Float(v) => format!("{v:?}"),
            K::Bool(v) => v.to_string(),
            K::Str(s) => format!("{s:?}"),
            K::Var(Var::Local(l)) => b?.locals.get(*l)?.name.clone(),
            K::Var(Var::Global(g)) => self.globals.get(*g)?.name.clone(),
            _ => return None,
        })
    }

    /// Help for `string + number` (or `number + string`): convert the number.
    pub(super) fn concat_hint(
        &self,
        b: Option<&Body>,
        op: BinaryOp,
        l: &hir::Expr,
        r: &hir::Expr,
    ) -> Option<String> {
        let other = match (&l.ty, &r.ty) {
            (Ty::Str, t) if t.is_numeric() || *t == Ty::Bool => r,
            (t, Ty::Str) if t.is_numeric() || *t == Ty::Bool => l,
            _ => return None,
        };
        if op != BinaryOp::Add {
            return None;
        }
        let shown = self.written(b, other).unwrap_or_else(|| "...".to_string());
        Some(format!(
            "to join text, convert the {} with `string(...)`: `string({shown})`",
            if other.ty == Ty::Bool {
                "bool"
            } else {
                "number"
            }
        ))
    }

    /// Help for `x in text` (a string on the right of `in`): `contains(text, x)`.
    pub(super) fn contains_hint(
        &self,
        b: &Body,
        item: &hir::Expr,
        list: &hir::Expr,
    ) -> Option<String> {
        if list.ty != Ty::Str || item.ty != Ty::Str {
            return None;
        }
        let show = |e| {
            self.written(Some(b), e)
                .unwrap_or_else(|| "...".to_string())
        };
        Some(format!(
            "to look for text in a string, call `contains({}, {})`",
            show(list),
            show(item)
        ))
    }

    /// Help for an unknown function `n` (E0102): close function names.
    pub(super) fn suggest_function(&self, n: &str) -> Option<String> {
        let close = closest(n, self.function_names(), MAX_SUGGESTIONS);
        (!close.is_empty())
            .then(|| format!("did you mean {}?", one_of(&close, |c| format!("`{c}`"))))
    }

    /// Help for an unknown type (E0103): a close type name, or the Kiln name of a type
    /// from another language.
    pub(super) fn suggest_type(n: &str) -> Option<String> {
        let names: Vec<String> = Ty::scalars().iter().map(|t| t.to_string()).collect();
        let close = closest(n, names.iter().map(String::as_str), MAX_SUGGESTIONS);
        if !close.is_empty() {
            return Some(format!(
                "did you mean {}?",
                one_of(&close, |c| format!("`{c}`"))
            ));
        }
        type_alias(n).map(|t| format!("did you mean `{t}`?"))
    }
}

/// Type names people bring from other languages, and the Kiln type they likely mean.
const TYPE_ALIASES: &[(&str, &str)] = &[
    ("int", "i64"),
    ("integer", "i64"),
    ("long", "i64"),
    ("isize", "i64"),
    ("uint", "u64"),
    ("usize", "u64"),
    ("byte", "u8"),
    ("char", "string"),
    ("float", "f64"),
    ("double", "f64"),
    ("number", "f64"),
    ("str", "string"),
    ("text", "string"),
    ("boolean", "bool"),
];

/// The Kiln type a foreign type name (`int`, `double`, `str`, …) most likely means.
pub(super) fn type_alias(written: &str) -> Option<&'static str> {
    let lower = written.to_lowercase();
    TYPE_ALIASES
        .iter()
        .find(|(alias, _)| *alias == lower)
        .map(|(_, kiln)| *kiln)
}

/// "`a`", "`a` or `b`", "`a`, `b` or `c`", each name shown by `show`.
pub(super) fn one_of(names: &[&str], show: impl Fn(&str) -> String) -> String {
    let shown: Vec<String> = names.iter().map(|n| show(n)).collect();
    match shown.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_only() {
        let names = ["count", "counter", "amount", "x", "total"];
        assert_eq!(closest("cuont", names, 3), ["count"]);
        assert_eq!(closest("coutn", names, 3), ["count"]);
        assert_eq!(closest("countr", names, 3), ["counter", "count"]);
        assert_eq!(closest("Count", names, 3), ["count"]);
        assert!(closest("zebra", names, 3).is_empty());
        // One-letter names: only a different case.
        assert!(closest("y", names, 3).is_empty());
        assert_eq!(closest("X", names, 3), ["x"]);
        // Never the name itself, never twice, at most `limit`.
        assert!(closest("count", ["count"], 3).is_empty());
        assert_eq!(
            closest("cnt", ["cat", "cot", "cut", "cit", "cat"], 3).len(),
            3
        );
    }

    #[test]
    fn aliases_and_lists() {
        assert_eq!(type_alias("Int"), Some("i64"));
        assert_eq!(type_alias("double"), Some("f64"));
        assert_eq!(type_alias("i64"), None);
        assert_eq!(one_of(&["a"], |n| format!("`{n}`")), "`a`");
        assert_eq!(
            one_of(&["a", "b", "c"], |n| format!("`{n}`")),
            "`a`, `b` or `c`"
        );
    }
}
