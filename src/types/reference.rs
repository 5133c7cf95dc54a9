//! `docs/stdlib.md`: the standard-library reference, generated from the builtin table
//! (`builtins::all`) and the prelude (`prelude::all`), and the look-up behind the
//! REPL's `:doc NAME`. Regenerate the file with
//! `cargo run --quiet -- stdlib-doc > docs/stdlib.md` (a test fails when it is stale).

use super::ty::Ty;
use super::{builtins, prelude};

/// The command that regenerates `docs/stdlib.md`.
pub const REGENERATE: &str = "cargo run --quiet -- stdlib-doc > docs/stdlib.md";

/// One overload of a standard-library function, for documentation.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub signature: String,
    pub doc: String,
    /// "built-in" or the prelude file that defines it.
    pub origin: String,
}

/// Every standard-library name, sorted, without duplicates.
pub fn names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = builtins::all().iter().map(|b| b.name.as_str()).collect();
    names.extend(prelude::all().iter().map(|f| f.name.as_str()));
    names.extend(super::optional::DOCS.iter().map(|d| d.0));
    names.sort_unstable();
    names.dedup();
    names
}

/// The overloads named `name`: built-ins first, then prelude functions.
pub fn entries(name: &str) -> Vec<Entry> {
    entries_not_replaced(name, &[])
}

/// The overloads named `name` that functions with the parameter types `own` (a
/// session's or a program's) leave in place: a concrete built-in or a prelude function
/// with one of those parameter lists is replaced (W0003) and left out; a generic
/// built-in stays, since it keeps its other instances.
pub fn entries_not_replaced(name: &str, own: &[&[Ty]]) -> Vec<Entry> {
    let replaced = |params: &[Ty]| own.contains(&params);
    let mut v: Vec<Entry> = builtins::named(name)
        .filter(|b| b.class.is_some() || !own.iter().any(|p| b.accepts_exactly(p)))
        .map(builtin_entry)
        .collect();
    v.extend(
        prelude::named(name)
            .filter(|(_, f)| !replaced(&f.params))
            .map(|(_, f)| prelude_entry(f)),
    );
    // The built-ins of optionals (v1), typed by `optional.rs`.
    v.extend(
        super::optional::DOCS
            .iter()
            .filter(|d| d.0 == name)
            .map(|d| Entry {
                signature: d.1.to_string(),
                doc: d.2.to_string(),
                origin: "built-in".to_string(),
            }),
    );
    v
}

fn builtin_entry(b: &builtins::BuiltinFn) -> Entry {
    Entry {
        signature: b.signature(),
        doc: b.doc.to_string(),
        origin: "built-in".to_string(),
    }
}

fn prelude_entry(f: &prelude::PreludeFn) -> Entry {
    Entry {
        signature: f.signature(),
        doc: f.doc.clone(),
        origin: f.file.to_string(),
    }
}

/// Up to three names among `candidates` close to `written`, best first (for "did you
/// mean").
pub fn close_names<'c>(
    written: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Vec<&'c str> {
    super::suggest::closest(written, candidates, 3)
}

/// The text of `docs/stdlib.md`.
pub fn markdown() -> String {
    let mut s = String::new();
    s += "# Standard library reference\n\n";
    s += &format!(
        "<!-- Generated from src/types/builtins.rs and stdlib/*.expr; do not edit. \
         Regenerate with `{REGENERATE}`. -->\n\n"
    );
    s += "Every function available without a definition: the native built-ins and the \
          prelude written in Kiln (`stdlib/`). A generic signature has one type variable \
          `T`; its arguments join like the operands of one operator. Your own functions \
          may overload any of these; one with the same name and parameter types as a \
          built-in or prelude overload replaces that overload (warning W0003). In the \
          REPL, `:doc NAME` shows one entry.\n\n";
    s += "| name | overloads |\n|---|---|\n";
    for name in names() {
        s += &format!("| [`{name}`](#{name}) | {} |\n", entries(name).len());
    }
    for name in names() {
        s += &format!("\n## {name}\n\n");
        for e in entries(name) {
            s += &format!("- `{}` — {} ({})\n", e.signature, e.doc, e.origin);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_and_prelude_function_is_documented() {
        for name in names() {
            for e in entries(name) {
                assert!(!e.doc.trim().is_empty(), "{} has no doc", e.signature);
            }
        }
        let md = markdown();
        assert!(md.contains("- `hypot(T, T) -> T where T is f32 or f64`"));
        assert!(md.contains("- `sign(x: u8) -> u8` — 0 or 1"));
    }

    #[test]
    fn replaced_overloads_are_left_out() {
        let sigs = |name: &str, own: &[&[Ty]]| -> Vec<String> {
            entries_not_replaced(name, own)
                .into_iter()
                .map(|e| e.signature)
                .collect()
        };
        let i64s = [Ty::I64];
        let strs = [Ty::Str];
        // A concrete built-in overload is replaced; the others stay.
        let len = sigs("len", &[&strs]);
        assert!(!len.contains(&"len(string) -> i64".to_string()), "{len:?}");
        assert!(len.iter().any(|s| s.starts_with("len([T])")), "{len:?}");
        // A generic built-in keeps its other instances.
        assert_eq!(sigs("abs", &[&i64s]), sigs("abs", &[]));
        // A prelude function with the same parameter types is replaced.
        let sign = sigs("sign", &[&i64s]);
        assert!(
            !sign.contains(&"sign(x: i64) -> i64".to_string()),
            "{sign:?}"
        );
        assert_eq!(sign.len() + 1, sigs("sign", &[]).len());
    }
}
