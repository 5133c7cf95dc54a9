//! Stage 1: source text → AST (`ast::Program`), via the pest grammar `grammar/kiln.pest`.

pub mod ast;

use crate::diag::Diagnostic;

/// Parse a whole program. On failure returns at least one diagnostic (codes E00xx).
pub fn parse(src: &str) -> Result<ast::Program, Vec<Diagnostic>> {
    let _ = src;
    todo!("syntax::parse")
}
