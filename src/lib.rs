//! Kiln: a typed expression language compiled to native code by LLVM.
//!
//! Pipeline: [`syntax`] (text → AST) → [`types`] (AST → typed HIR) → [`codegen`]
//! (HIR → LLVM IR) → [`jit`] (optimise, compile, call) → [`runtime`] (what generated code
//! calls). [`cli`] and the interactive [`repl`] sit on top. See ARCHITECTURE.md.

pub mod abi;
pub mod cli;
pub mod codegen;
pub mod diag;
pub mod engine;
pub mod jit;
pub mod repl;
pub mod runtime;
pub mod span;
pub mod syntax;
pub mod types;

pub use diag::{Diagnostic, Severity};
pub use engine::{
    Column, ColumnBuf, CompileError, Engine, EngineOptions, FpMath, Program, ProgramSet, Purity,
    TypedFn,
};

pub use jit::{Compiled, Options};
pub use runtime::{RuntimeError, Value};

use span::Span;

/// Parse and type-check a program.
pub fn check_source(src: &str) -> Result<types::Checked, Vec<Diagnostic>> {
    with_stack(src, || {
        let ast = syntax::parse(src)?;
        types::check(&ast)
    })
}

/// Parse, check and JIT-compile a program. Returns the program and any warnings.
pub fn compile_source(
    src: &str,
    options: &Options,
) -> Result<(Compiled, Vec<Diagnostic>), Vec<Diagnostic>> {
    with_stack(src, || {
        let checked = check_source(src)?;
        let compiled = jit::compile(&checked.program, options).map_err(internal_error)?;
        Ok((compiled, checked.warnings))
    })
}

/// The optimised LLVM IR of a program, and any warnings.
pub fn emit_ir(src: &str, options: &Options) -> Result<(String, Vec<Diagnostic>), Vec<Diagnostic>> {
    with_stack(src, || {
        let checked = check_source(src)?;
        let ir = jit::emit_ir(&checked.program, options).map_err(internal_error)?;
        Ok((ir, checked.warnings))
    })
}

/// The checker, the code generator and LLVM recurse once per level of the program tree,
/// and a level takes at least two bytes of source (`1+`). The deepest program the parser
/// accepts (a chain of 1000 `+`) was measured to need under 3 MiB of stack in a release
/// build. So a compile gets a red zone that grows with the source, capped; below that
/// much free stack it continues on a fresh segment of `COMPILER_STACK_BYTES` (committed
/// only as touched), otherwise it runs in place at no cost.
const STACK_PER_SOURCE_BYTE: usize = if cfg!(debug_assertions) {
    16 << 10
} else {
    2 << 10
};
const STACK_RED_ZONE_MIN: usize = 256 << 10;
const STACK_RED_ZONE_MAX: usize = if cfg!(debug_assertions) {
    64 << 20
} else {
    8 << 20
};
const COMPILER_STACK_BYTES: usize = 256 << 20;

pub(crate) fn with_stack<R>(src: &str, f: impl FnOnce() -> R) -> R {
    let red_zone = src
        .len()
        .saturating_mul(STACK_PER_SOURCE_BYTE)
        .clamp(STACK_RED_ZONE_MIN, STACK_RED_ZONE_MAX);
    stacker::maybe_grow(red_zone, COMPILER_STACK_BYTES, f)
}

pub(crate) fn internal_error(message: String) -> Vec<Diagnostic> {
    vec![Diagnostic::error(
        "E0999",
        Span::default(),
        format!("internal compiler error: {message}"),
    )
    .with_note("this is a bug in Kiln; please report it with the program that caused it")]
}
