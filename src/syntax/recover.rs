//! Error recovery: after pest rejects a program, find its other independent syntax
//! mistakes by cutting the source into top-level statement chunks and parsing each one
//! on its own (see `parser::parse_program`).
//!
//! A chunk ends after a `;` at bracket depth 0, or after a `}` that brings the depth back
//! to 0 (the end of a top-level `when` or `fn` block) unless `elif` or `else` follows it.
//! Chunks are contiguous: together they cover the whole source, comments and whitespace
//! included, so a chunk can be parsed as a program of its own and its positions shifted
//! back by the chunk's start.
//!
//! Limits: only top-level statements are separated (a mistake inside a block hides the
//! block's later mistakes), and an unclosed bracket swallows everything after it into
//! one chunk — which is the point: its statements cannot be told apart reliably.

use super::lexer::{TokKind, Token};

/// The byte ranges `lo..hi` of the top-level chunks of `src`, in order. They cover
/// `0..src.len()` without gaps (trailing whitespace goes with the last chunk).
pub(super) fn chunks(tokens: &[Token], src: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut depth = 0usize;
    for (i, t) in tokens.iter().enumerate() {
        if t.kind != TokKind::Punct {
            continue;
        }
        let ends = match t.text(src) {
            "(" | "[" | "{" => {
                depth += 1;
                false
            }
            ")" | "]" => {
                depth = depth.saturating_sub(1);
                false
            }
            "}" => {
                let closes_top = depth == 1;
                depth = depth.saturating_sub(1);
                closes_top
                    && !tokens
                        .get(i + 1)
                        .is_some_and(|n| n.is_keyword(src, "elif") || n.is_keyword(src, "else"))
            }
            ";" => depth == 0,
            _ => false,
        };
        if ends {
            out.push((start, t.hi));
            start = t.hi;
        }
    }
    if start < src.len() || out.is_empty() {
        out.push((start, src.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::lexer::lex;

    fn pieces(src: &str) -> Vec<&str> {
        chunks(&lex(src).tokens, src)
            .into_iter()
            .map(|(lo, hi)| &src[lo..hi])
            .collect()
    }

    #[test]
    fn chunks_are_top_level_statements() {
        assert_eq!(
            pieces("a = 1; b = f(1; 2);\nc"),
            ["a = 1;", " b = f(1; 2);", "\nc"]
        );
        assert_eq!(
            pieces("when a { x = 1; } elif b { } else { } y = 2;"),
            ["when a { x = 1; } elif b { } else { }", " y = 2;"]
        );
        assert_eq!(
            pieces("fn f() { 1 } fn g() = 2; // end"),
            ["fn f() { 1 }", " fn g() = 2;", " // end"]
        );
        // An unclosed bracket keeps the rest together; a stray closer does not underflow.
        assert_eq!(pieces("a = (1; b = 2;"), ["a = (1; b = 2;"]);
        assert_eq!(pieces(") ; x"), [") ;", " x"]);
        // Strings and comments are not split.
        assert_eq!(pieces("s = \";\"; /* ; */ t"), ["s = \";\";", " /* ; */ t"]);
        assert_eq!(pieces(""), [""]);
    }
}
