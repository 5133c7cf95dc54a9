//! Formatting's promise, checked after the fact: the formatted text parses, keeps every
//! comment of the source, and checks to the same program. `kiln fmt` verifies each text
//! it would change before writing it (a failure is a bug in the formatter, reported
//! instead of written), and the tests verify every program in the repository and
//! generated ones with it.

use crate::diag::Diagnostic;
use std::fmt;

/// How a formatted text broke formatting's promise.
#[derive(Debug)]
pub enum Broken {
    /// The formatted text does not parse.
    Parse(Vec<Diagnostic>),
    /// Its comments are not the source's (texts, in order).
    Comments,
    /// It checks to a different program (or fails to check differently): `before` and
    /// `after` are the two [`meaning`]s.
    Meaning { before: String, after: String },
}

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Broken::Parse(d) => {
                let first = d.first().map_or("", |d| d.message.as_str());
                write!(f, "the formatted text does not parse ({first})")
            }
            Broken::Comments => f.write_str("the formatted text lost or changed a comment"),
            Broken::Meaning { .. } => {
                f.write_str("the formatted text checks to a different program")
            }
        }
    }
}

/// Check that `formatted` is a faithful layout of `src`: it parses, has the same
/// comments in the same order, and has the same [`meaning`].
pub fn verify(src: &str, formatted: &str) -> Result<(), Broken> {
    crate::syntax::parse(formatted).map_err(Broken::Parse)?;
    if super::comment_texts(formatted) != super::comment_texts(src) {
        return Err(Broken::Comments);
    }
    let (before, after) = (meaning(src), meaning(formatted));
    if before != after {
        return Err(Broken::Meaning { before, after });
    }
    Ok(())
}

/// What a program means, as text to compare: the checked program (the HIR, every span
/// erased, since formatting moves text and so its spans) and its warnings; for a
/// program that does not check, its errors' codes and messages, since formatting must
/// not change those either. The HIR has no source positions other than its spans.
pub fn meaning(src: &str) -> String {
    match crate::driver::check_source(src) {
        Ok(c) => {
            let warnings: Vec<_> = c.warnings.iter().map(|d| (d.code, &d.message)).collect();
            erase_spans(&format!("{:?}\n{warnings:?}", c.program))
        }
        Err(d) => {
            let errors: Vec<_> = d.iter().map(|d| (d.code, &d.message)).collect();
            format!("errors: {errors:?}")
        }
    }
}

/// `debug` with every `Span { lo: N, hi: M }` (a span's derived `Debug`) made `Span`.
fn erase_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(at) = rest.find("Span { lo: ") {
        out.push_str(&rest[..at]);
        out.push_str("Span");
        let after = &rest[at..];
        let end = after.find('}').map_or(after.len(), |n| n + 1);
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erasing_spans_keeps_everything_else() {
        assert_eq!(
            erase_spans("A { span: Span { lo: 1, hi: 22 }, x: [Span { lo: 3, hi: 4 }] }"),
            "A { span: Span, x: [Span] }"
        );
    }

    #[test]
    fn meaning_ignores_layout_but_not_the_program() {
        assert_eq!(meaning("let x = 1+2;\nx"), meaning("let x = 1 + 2;   x"));
        assert_ne!(meaning("let x = 1 + 2;\nx"), meaning("let x = 2 + 1;\nx"));
        assert_ne!(meaning("(1 + 2) * 3"), meaning("1 + 2 * 3"));
        assert_ne!(meaning("let y = z;"), meaning("let y = 1;"));
    }

    #[test]
    fn verify_says_which_promise_was_broken() {
        assert!(verify("let x=1+2;x", "let x = 1 + 2;\nx\n").is_ok());
        assert!(matches!(verify("1 + 2", "1 +"), Err(Broken::Parse(_))));
        assert!(matches!(verify("1 // one", "1\n"), Err(Broken::Comments)));
        assert!(matches!(
            verify("/* a */ 1 /* b */", "/* b */ 1 /* a */"),
            Err(Broken::Comments)
        ));
        let e = verify("(1 + 2) * 3", "1 + 2 * 3").unwrap_err();
        assert!(matches!(e, Broken::Meaning { .. }));
        assert_eq!(
            e.to_string(),
            "the formatted text checks to a different program"
        );
    }
}
