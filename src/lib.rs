//! Kiln: a typed expression language compiled to native code by LLVM.
//!
//! Pipeline: [`syntax`] (text → AST) → [`types`] (AST → typed HIR) → [`codegen`]
//! (HIR → LLVM IR) → [`jit`] (optimise, compile, call) → [`runtime`] (what generated code
//! calls). [`cli`] sits on top. See ARCHITECTURE.md.

pub mod abi;
pub mod cli;
pub mod codegen;
pub mod diag;
pub mod jit;
pub mod runtime;
pub mod span;
pub mod syntax;
pub mod types;

pub use diag::{Diagnostic, Severity};

pub use jit::{Compiled, Options};
pub use runtime::{RuntimeError, Value};

use span::Span;

/// Parse and type-check a program.
pub fn check_source(src: &str) -> Result<types::Checked, Vec<Diagnostic>> {
    let ast = syntax::parse(src)?;
    types::check(&ast)
}

/// Parse, check and JIT-compile a program. Returns the program and any warnings.
pub fn compile_source(
    src: &str,
    options: &Options,
) -> Result<(Compiled, Vec<Diagnostic>), Vec<Diagnostic>> {
    let checked = check_source(src)?;
    let compiled = jit::compile(&checked.program, options).map_err(internal_error)?;
    Ok((compiled, checked.warnings))
}

/// The optimised LLVM IR of a program, and any warnings.
pub fn emit_ir(src: &str, options: &Options) -> Result<(String, Vec<Diagnostic>), Vec<Diagnostic>> {
    let checked = check_source(src)?;
    let ir = jit::emit_ir(&checked.program, options).map_err(internal_error)?;
    Ok((ir, checked.warnings))
}

fn internal_error(message: String) -> Vec<Diagnostic> {
    vec![Diagnostic::error(
        "E0999",
        Span::default(),
        format!("internal compiler error: {message}"),
    )
    .with_note("this is a bug in Kiln; please report it with the program that caused it")]
}
