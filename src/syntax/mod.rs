//! Stage 1: source text → AST (`ast::Program`), via the pest grammar `grammar/kiln.pest`.
//!
//! See `parser.rs` for the pipeline, the span conventions and the table of error codes
//! (E0001–E0011, E0099). In short: every node carries the exact span of its text (a
//! parenthesised expression's span includes the parentheses), the parser never panics or
//! recurses without bound (nesting deeper than 256 brackets or prefix operators, or an
//! expression tree deeper than 1024, is rejected with E0010), and every diagnostic is in
//! plain words.

pub mod ast;
mod lexer;
mod literal;
mod parser;
#[cfg(test)]
mod tests;

use crate::diag::Diagnostic;

/// Stack for the parser thread. pest and the AST builder recurse once per bracket level;
/// at the maximum nesting (256) a debug build needs a few MiB, more than a test thread's
/// default 2 MiB. Only the pages actually touched are committed.
const PARSER_STACK_BYTES: usize = 64 << 20;

/// Parse a whole program. On failure returns at least one diagnostic (codes E00xx),
/// sorted by position.
///
/// Runs on a helper thread with a large stack, so the result does not depend on the
/// caller's stack size. (If no thread can be spawned it parses on the caller's thread.)
pub fn parse(src: &str) -> Result<ast::Program, Vec<Diagnostic>> {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("kiln-parser".into())
            .stack_size(PARSER_STACK_BYTES)
            .spawn_scoped(scope, || parser::parse_program(src));
        match worker {
            Ok(handle) => match handle.join() {
                Ok(result) => result,
                // The parser does not panic; if it ever does, report it instead of
                // taking the caller down with it.
                Err(_) => Err(vec![Diagnostic::error(
                    "E0099",
                    crate::span::Span::default(),
                    "internal parser error",
                )
                .with_note("the parser panicked; this is a bug in Kiln")]),
            },
            Err(_) => parser::parse_program(src),
        }
    })
}
