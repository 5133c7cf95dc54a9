//! Stage 1: source text → AST (`ast::Program`), via the pest grammar `grammar/kiln.pest`.
//!
//! See `parser.rs` for the pipeline, the span conventions and the table of error codes
//! (E0001–E0011, E0099). In short: every node carries the exact span of its text (a
//! parenthesised expression's span includes the parentheses), the parser never panics or
//! recurses without bound (nesting deeper than 256 brackets or prefix operators, or an
//! expression tree deeper than 1024, is rejected with E0010; a flat operator chain is not
//! nesting and may be any length, see `crate::chain`), and every diagnostic is in plain
//! words.

pub mod ast;
mod lexer;
pub(crate) use lexer::number_end;
pub use lexer::KEYWORDS;
mod literal;
mod parser;
pub(crate) use parser::foreign_statement;
mod recover;
#[cfg(test)]
mod tests;

use crate::diag::Diagnostic;

/// The byte ranges of the top-level statements of `src`, in order, cut as the parser's
/// error recovery cuts them (see `recover.rs`): at each `;` and statement-ending `}`
/// outside brackets. They cover the whole text, whether or not it parses, so tools can
/// treat each statement of broken text on its own (the language server does).
pub fn statement_chunks(src: &str) -> Vec<(usize, usize)> {
    recover::chunks(&lexer::lex(src).tokens, src)
}

/// The `///` documentation comment right before byte `pos` of `src` (a function's
/// start), its lines joined with a space; empty when there is none. The prelude's docs
/// and the language server's hovers both read user functions' docs with it.
pub fn doc_comment(src: &str, pos: usize) -> String {
    let mut pos = pos.min(src.len());
    while !src.is_char_boundary(pos) {
        pos -= 1;
    }
    let mut lines: Vec<&str> = src[..pos]
        .lines()
        .rev()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| l.trim_start().starts_with("///"))
        .map(|l| l.trim_start().trim_start_matches("///").trim())
        .collect();
    lines.reverse();
    lines.join(" ")
}

/// pest and the AST builder recurse once per bracket level. At the deepest input the
/// parser accepts (256 levels) a release build was measured to need under 1.1 MiB, a
/// debug build a few MiB. When less than `PARSER_RED_ZONE` of the caller's stack is
/// left, the parser runs on a fresh stack segment of `PARSER_STACK_BYTES` (only the
/// pages it touches are committed); otherwise it runs right where it is called, at no
/// cost (spawning a thread for every parse took ~150 µs, most of compiling `1 + 2`).
const PARSER_RED_ZONE: usize = if cfg!(debug_assertions) {
    8 << 20
} else {
    2 << 20
};
const PARSER_STACK_BYTES: usize = 64 << 20;

/// Parse a whole program. On failure returns at least one diagnostic (codes E00xx),
/// sorted by position: one per broken top-level statement (see `recover.rs`). The result does not depend on the caller's stack size.
pub fn parse(src: &str) -> Result<ast::Program, Vec<Diagnostic>> {
    let parsed = stacker::maybe_grow(PARSER_RED_ZONE, PARSER_STACK_BYTES, || {
        std::panic::catch_unwind(|| parser::parse_program(src))
    });
    parsed.unwrap_or_else(|_| {
        // The parser does not panic; if it ever does, report it instead of taking the
        // caller down with it.
        Err(vec![Diagnostic::error(
            "E0099",
            crate::span::Span::default(),
            "internal parser error",
        )
        .with_note("the parser panicked; this is a bug in Kiln")])
    })
}
