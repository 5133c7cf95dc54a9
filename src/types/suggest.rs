//! "Did you mean …?" for unknown names, functions and types.
//!
//! A candidate is close to what was written when, ignoring case, its Damerau-Levenshtein
//! distance (an adjacent transposition counts as one edit) is at most a third of the
//! written name's length, at least one edit for names of two or more characters. A
//! one-character name is only matched by case (`X` for `x`): any other one-letter name
//! is one edit away, which says nothing. Closest first; ties broken by Jaro-Winkler
//! similarity (shared prefix), then alphabetically.

use super::check::{Body, Checker};
use super::ty::Ty;
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
