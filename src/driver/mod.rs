//! The pipeline room: text → [`syntax`](crate::syntax) → [`types`](crate::types) →
//! [`codegen`](crate::codegen) → [`jit`](crate::jit), put together once (or a checked
//! program → [`interp`](crate::interp), the reference interpreter: [`interpret`]). Every caller
//! above the stages (the engine, the REPL, the command line) goes through here, never
//! through the stages themselves.
//!
//! Two things are done here and nowhere else:
//! - **The stack red zone.** The parser, the checker, the code generator and LLVM recurse
//!   once per level of the program tree, so each step runs with a red zone sized by the
//!   source (or, for a checked program, by the source its top level spans), continuing on
//!   a fresh stack segment when the thread has less left (see [`with_stack`]). Any host
//!   thread will do.
//! - **Internal errors.** A failure of code generation or LLVM is a bug; it comes back as
//!   an [`InternalError`], which turns into the one diagnostic E0999.
//!
//! [`Options`] are the caller's: what codegen puts into the module
//! ([`Options::codegen`]) and how the JIT optimises and loads it ([`Options::jit`]).

use crate::codegen::{self, HostImpl, Standalone};
use crate::diag::Diagnostic;
use crate::interp;
use crate::jit::{self, Compiled, EmitKind, JitEngine, ObjectCode};
use crate::span::Span;
use crate::syntax::{self, ast};
use crate::types::{self, hir, Checked, Env, Setup};
use crate::value::{RuntimeError, Value};
use std::fmt;
use std::sync::Arc;

pub use crate::codegen::{FpMath, Overflow};

/// How a program is compiled: what goes into its module and how it is optimised.
#[derive(Clone)]
pub struct Options {
    /// 0..=3; default 2.
    pub opt_level: u8,
    pub fp_math: FpMath,
    /// Integer `+ - *` and unary `-` wrap (default) or fault with E0617.
    pub overflow: Overflow,
    /// Also generate the columnar entry (`codegen::COLUMNS_SYMBOL`): one call runs the
    /// program over a batch of rows.
    pub columns: bool,
    /// What each `hir::ExprKind::CallHost` calls, by index.
    pub host: Arc<[HostImpl]>,
    /// Make machine code for small straight-line programs with LLVM's fast instruction
    /// selector: compiles about twice as fast, runs a little slower. Right for the CLI
    /// and the REPL, which run a program once; the library API, which compiles once and
    /// runs many times, turns it off.
    pub quick_machine_code: bool,
    /// Ahead-of-time output for a standalone program: also generate a C `main` that runs
    /// the program through the runtime's `kiln_rt_main` (command-line params, printing
    /// the result, faults reported with `FILE:LINE:COL` and exit status 3). `None` for
    /// JIT use.
    pub standalone: Option<Arc<Standalone>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            opt_level: 2,
            fp_math: FpMath::Strict,
            overflow: Overflow::Wrap,
            columns: false,
            host: Arc::from(Vec::new()),
            quick_machine_code: true,
            standalone: None,
        }
    }
}

impl fmt::Debug for Options {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Options")
            .field("opt_level", &self.opt_level)
            .field("fp_math", &self.fp_math)
            .field("overflow", &self.overflow)
            .field("columns", &self.columns)
            .field("host", &self.host.len())
            .field("quick_machine_code", &self.quick_machine_code)
            .field("standalone", &self.standalone)
            .finish()
    }
}

impl Options {
    /// Default options at optimisation level `opt_level`.
    pub fn at_level(opt_level: u8) -> Options {
        Options {
            opt_level,
            ..Options::default()
        }
    }

    /// What codegen puts into the module.
    pub fn codegen(&self) -> codegen::Options<'_> {
        codegen::Options {
            host: &self.host,
            columns: self.columns,
            standalone: self.standalone.as_deref(),
            fp_math: self.fp_math,
            overflow: self.overflow,
        }
    }

    /// How the JIT optimises, targets and loads the module.
    pub fn jit(&self) -> jit::Options {
        jit::Options {
            opt_level: self.opt_level,
            quick_machine_code: self.quick_machine_code,
        }
    }
}

/// A failure after type checking: code generation or LLVM refused the program. Always a
/// bug in Kiln; as a diagnostic it is E0999.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InternalError(pub String);

impl fmt::Display for InternalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<InternalError> for Vec<Diagnostic> {
    fn from(e: InternalError) -> Vec<Diagnostic> {
        vec![Diagnostic::error(
            "E0999",
            Span::default(),
            format!("internal compiler error: {}", e.0),
        )
        .with_note("this is a bug in Kiln; please report it with the program that caused it")]
    }
}

// ---- checking ----------------------------------------------------------------------------

/// Parse a program.
pub fn parse(src: &str) -> Result<ast::Program, Vec<Diagnostic>> {
    with_stack(src.len(), || syntax::parse(src))
}

/// Parse and type-check a program.
pub fn check_source(src: &str) -> Result<Checked, Vec<Diagnostic>> {
    check_with(src, &Setup::default())
}

/// Parse and type-check a program against host functions and program-set outputs.
pub fn check_with(src: &str, setup: &Setup<'_>) -> Result<Checked, Vec<Diagnostic>> {
    with_stack(src.len(), || types::check_with(&syntax::parse(src)?, setup))
}

/// Type-check `ast`, parsed from `src`, against host functions and program-set outputs.
pub fn check_parsed(
    src: &str,
    ast: &ast::Program,
    setup: &Setup<'_>,
) -> Result<Checked, Vec<Diagnostic>> {
    with_stack(src.len(), || types::check_with(ast, setup))
}

/// Type-check a REPL line (`ast`, parsed from `src`) against the session's earlier
/// definitions; its own symbols start with `prefix`; `params`: it may declare `param`
/// inputs (see `types::check_in`).
pub fn check_in(
    src: &str,
    ast: &ast::Program,
    env: &Env,
    prefix: &str,
    params: bool,
) -> Result<Checked, Vec<Diagnostic>> {
    with_stack(src.len(), || types::check_in(ast, env, prefix, params))
}

// ---- compiling a checked program ---------------------------------------------------------

/// The module codegen makes of `program` under `options`, as the JIT asks for it (in
/// the LLVM context the JIT chose).
fn module<'c>(
    context: &'c inkwell::context::Context,
    program: &hir::Program,
    options: &Options,
) -> Result<codegen::Generated<'c>, String> {
    codegen::generate(context, program, &options.codegen())
}

/// [`module`] of `program`, as the JIT's module builder.
fn builder<'a>(
    program: &'a hir::Program,
    options: &'a Options,
) -> impl for<'c> FnOnce(&'c inkwell::context::Context) -> Result<codegen::Generated<'c>, String> + 'a
{
    move |cx| module(cx, program, options)
}

/// Compile a checked program with the ORC engine (MCJIT if ORC cannot start in this
/// process).
pub fn compile(program: &hir::Program, options: &Options) -> Result<Compiled, InternalError> {
    let engine = if jit::orc_available() {
        JitEngine::Orc
    } else {
        JitEngine::Mcjit
    };
    compile_with(program, options, engine)
}

/// Compile a checked program with a chosen engine.
pub fn compile_with(
    program: &hir::Program,
    options: &Options,
    engine: JitEngine,
) -> Result<Compiled, InternalError> {
    on_program_stack(program, || {
        jit::compile(|cx| module(cx, program, options), &options.jit(), engine)
    })
}

/// Compile checked programs as one group (`jit::compile_group`): one module, one
/// object, one link for all of them, each program running as if compiled alone. For
/// each, in order, its program or its error. When the group as a whole fails (or ORC is
/// not available), each program is compiled on its own instead, so one program never
/// costs another its result.
pub fn compile_group(
    programs: &[&hir::Program],
    options: &Options,
) -> Vec<Result<Compiled, InternalError>> {
    let longest = programs
        .iter()
        .map(|p| p.main.span.hi.saturating_sub(p.main.span.lo) as usize)
        .max()
        .unwrap_or(0);
    let builds: Vec<_> = programs
        .iter()
        .map(|&program| builder(program, options))
        .collect();
    match with_stack(longest, || jit::compile_group(builds, &options.jit())) {
        Ok(results) => results
            .into_iter()
            .map(|r| r.map_err(InternalError))
            .collect(),
        Err(_) => programs.iter().map(|p| compile(p, options)).collect(),
    }
}

/// Compile a REPL line into the process-wide JITDylib, where it uses the symbols of
/// earlier lines (its `hir::Linking`); also the addresses of `symbols` it defines.
pub fn compile_linked(
    program: &hir::Program,
    options: &Options,
    symbols: &[String],
) -> Result<(Compiled, Vec<usize>), InternalError> {
    on_program_stack(program, || {
        jit::compile_linked(|cx| module(cx, program, options), &options.jit(), symbols)
    })
}

/// Compile `program` to an object whose exported names end with `.<suffix>` (a letter,
/// then ASCII letters and digits), to be linked later by [`load_object`]. Programs that
/// call host functions (their code holds this process's addresses) or link with other
/// modules (REPL lines) cannot be kept as objects.
///
/// ```
/// use kiln::driver::{check_source, compile_object, load_object, Options};
/// use kiln::Value;
///
/// let checked = check_source("param n: i64;\nn * n").expect("a valid program");
/// let code = compile_object(&checked.program, &Options::default(), "kdemo").unwrap();
/// // `code.object` can be stored and linked later, in this or another process, with
/// // the HIR of the same source.
/// let program = load_object(&checked.program, &code).unwrap();
/// assert_eq!(program.run(&[Value::I64(7)]).unwrap(), Some(Value::I64(49)));
/// ```
pub fn compile_object(
    program: &hir::Program,
    options: &Options,
    suffix: &str,
) -> Result<ObjectCode, InternalError> {
    if !options.host.is_empty() {
        return Err(InternalError(
            "a program calling host functions cannot be kept as an object".to_owned(),
        ));
    }
    let link = &program.link;
    if !(link.imported_globals.is_empty()
        && link.exported_globals.is_empty()
        && link.exported_fns.is_empty()
        && link.extern_fns.is_empty())
    {
        return Err(InternalError(
            "a program linked with other modules cannot be kept as an object".to_owned(),
        ));
    }
    on_program_stack(program, || {
        jit::compile_object(|cx| module(cx, program, options), &options.jit(), suffix)
    })
}

/// Link an object made by [`compile_object`] from the same `program` into this process:
/// no code generation, no optimisation.
pub fn load_object(program: &hir::Program, code: &ObjectCode) -> Result<Compiled, InternalError> {
    let interface = codegen::Interface::of(program).map_err(InternalError)?;
    jit::load_object(interface, code).map_err(InternalError)
}

/// The optimised module of `program` in the form `kind`, as bytes (UTF-8 text for the
/// text kinds).
pub fn emit(
    program: &hir::Program,
    options: &Options,
    kind: EmitKind,
) -> Result<Vec<u8>, InternalError> {
    on_program_stack(program, || {
        jit::emit(|cx| module(cx, program, options), &options.jit(), kind)
    })
}

fn emit_text(
    program: &hir::Program,
    options: &Options,
    kind: EmitKind,
) -> Result<String, InternalError> {
    String::from_utf8(emit(program, options, kind)?).map_err(|e| InternalError(e.to_string()))
}

/// The optimised LLVM IR of a program, as text.
pub fn emit_ir(program: &hir::Program, options: &Options) -> Result<String, InternalError> {
    emit_text(program, options, EmitKind::Ir)
}

/// The optimised module as LLVM bitcode (what `llvm-dis` and `lli` read).
pub fn emit_bitcode(program: &hir::Program, options: &Options) -> Result<Vec<u8>, InternalError> {
    emit(program, options, EmitKind::Bitcode)
}

/// The program as host assembly text.
pub fn emit_asm(program: &hir::Program, options: &Options) -> Result<String, InternalError> {
    emit_text(program, options, EmitKind::Asm)
}

/// The program as a host relocatable object file (ELF on Linux).
pub fn emit_object(program: &hir::Program, options: &Options) -> Result<Vec<u8>, InternalError> {
    emit(program, options, EmitKind::Object)
}

// ---- from source to the end --------------------------------------------------------------

/// Parse, check and JIT-compile a program. Returns the program and any warnings.
pub fn compile_source(
    src: &str,
    options: &Options,
) -> Result<(Compiled, Vec<Diagnostic>), Vec<Diagnostic>> {
    let checked = check_source(src)?;
    let compiled = compile(&checked.program, options)?;
    Ok((compiled, checked.warnings))
}

/// The optimised LLVM IR of a program's source, and any warnings.
pub fn source_ir(
    src: &str,
    options: &Options,
) -> Result<(String, Vec<Diagnostic>), Vec<Diagnostic>> {
    let checked = check_source(src)?;
    let ir = emit_ir(&checked.program, options)?;
    Ok((ir, checked.warnings))
}

// ---- interpreting a checked program -------------------------------------------------------

/// Run a checked program through the reference interpreter ([`crate::interp`]): no code
/// generation, no LLVM. Output goes to `out`; the result or fault is the JIT's for the
/// same program (where the JIT follows the contract).
pub fn interpret(
    program: &hir::Program,
    inputs: &[Value],
    options: &interp::Options,
    out: &mut dyn interp::Output,
) -> Result<Option<Value>, RuntimeError> {
    interp::run(program, inputs, options, out)
}

/// Run a checked program set through the reference interpreter: every output (`only:
/// None`) or output `k` alone (see [`interp::run_set`]).
pub fn interpret_set(
    program: &hir::Program,
    inputs: &[Value],
    only: Option<usize>,
    options: &interp::Options,
    out: &mut dyn interp::Output,
) -> Result<Vec<Option<Value>>, RuntimeError> {
    interp::run_set(program, inputs, only, options, out)
}

// ---- the stack -----------------------------------------------------------------------------

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

/// Run `f` (a step over a program of `source_len` bytes) with enough stack.
fn with_stack<R>(source_len: usize, f: impl FnOnce() -> R) -> R {
    let red_zone = source_len
        .saturating_mul(STACK_PER_SOURCE_BYTE)
        .clamp(STACK_RED_ZONE_MIN, STACK_RED_ZONE_MAX);
    stacker::maybe_grow(red_zone, COMPILER_STACK_BYTES, f)
}

/// Run a step over a checked program with enough stack (its top level spans the whole
/// source it was checked from), turning a failure into an [`InternalError`].
fn on_program_stack<R>(
    program: &hir::Program,
    f: impl FnOnce() -> Result<R, String>,
) -> Result<R, InternalError> {
    let span = program.main.span;
    let len = span.hi.saturating_sub(span.lo) as usize;
    with_stack(len, f).map_err(InternalError)
}

#[cfg(test)]
mod emit_tests;
#[cfg(test)]
mod group_tests;
#[cfg(test)]
mod object_tests;
#[cfg(test)]
mod optional_tests;
#[cfg(test)]
mod tests;
