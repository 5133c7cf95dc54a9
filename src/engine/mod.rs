//! The library API: compile a program once, run it many times from any thread, with
//! host functions, typed native calls, program sets and columnar batches.
//!
//! Sits on top of the pipeline like `cli` and `repl`: it drives the stages through the
//! `driver` room, runs programs through `jit::Compiled` and owns the public types
//! ([`Engine`], [`Program`], [`CompileError`]).
//!
//! ```
//! use kiln::{Engine, Value};
//!
//! let engine = Engine::new();
//! let program = engine
//!     .compile("param a: f64; param b: f64; (a * 1.8 + b) / 2")
//!     .expect("it compiles");
//! assert_eq!(program.params()[0].name, "a");
//! assert_eq!(
//!     program.run(&[Value::F64(10.0), Value::F64(2.0)]).unwrap(),
//!     Some(Value::F64(10.0))
//! );
//! ```

mod batch;
mod columns;
mod host;
mod typed;

pub use crate::driver::{FpMath, Overflow};
pub use batch::ProgramSet;
pub use columns::{Column, ColumnBuf, RowError, CHUNK_ROWS};
pub use host::{HostArg, HostFn, HostFnWith, HostOut, HostRegistry, HostRet, InlineCx, Purity};
pub use typed::{Arg, Args, Ret, SignatureError, TypedFn};

use crate::diag::Diagnostic;
use crate::driver::{self, Options};
use crate::jit::Compiled;
use crate::runtime::RunCtx;
use crate::types::ty::Ty;
use crate::value::{RuntimeError, Value};
use std::fmt;
use std::sync::Arc;

/// How an [`Engine`] compiles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EngineOptions {
    /// LLVM optimisation level, 0..=3 (default 2).
    pub opt_level: u8,
    /// Strict IEEE floating point (default) or fast-math optimisations.
    pub fp_math: FpMath,
    /// Integer `+ - *` and unary `-` wrap (default) or fault with E0617.
    pub overflow: Overflow,
    /// The most memory one run's strings and lists may take, in bytes (default
    /// [`DEFAULT_MAX_MEMORY`](crate::runtime::abi::DEFAULT_MAX_MEMORY), 4 GiB); more is
    /// runtime error E0616.
    pub max_memory: u64,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            opt_level: 2,
            fp_math: FpMath::Strict,
            overflow: Overflow::Wrap,
            max_memory: crate::runtime::abi::DEFAULT_MAX_MEMORY,
        }
    }
}

/// Compiles programs. Holds the options and the host functions programs may call;
/// compiled programs keep what they use, so the engine may be dropped or changed after.
#[derive(Default)]
pub struct Engine {
    options: EngineOptions,
    host: HostRegistry,
}

impl Engine {
    /// An engine with default options and no host functions.
    pub fn new() -> Engine {
        Engine::default()
    }

    /// An engine with the given options.
    ///
    /// ```
    /// use kiln::{Engine, EngineOptions, FpMath};
    ///
    /// let engine = Engine::with_options(EngineOptions {
    ///     opt_level: 3,
    ///     fp_math: FpMath::Fast,
    ///     ..EngineOptions::default()
    /// });
    /// let dot = engine.compile("param a: f64; param b: f64; a * a + b * b").unwrap();
    /// let f = dot.typed::<(f64, f64), f64>().unwrap();
    /// assert_eq!(f.call(3.0, 4.0), Ok(25.0));
    /// ```
    pub fn with_options(options: EngineOptions) -> Engine {
        Engine {
            options,
            host: HostRegistry::default(),
        }
    }

    pub fn options(&self) -> &EngineOptions {
        &self.options
    }

    /// The host functions programs compiled from now on may call.
    pub fn host(&mut self) -> &mut HostRegistry {
        &mut self.host
    }

    /// Parse, check and compile `source` (named `<input>` in diagnostics). Every error
    /// found comes back in the [`CompileError`], each a [`Diagnostic`] with its stable
    /// code, as `kiln check` would report it.
    ///
    /// ```
    /// use kiln::types::ty::{FloatTy, Ty};
    /// use kiln::Engine;
    ///
    /// let engine = Engine::new();
    /// let program = engine.compile("param x: f64; let unused = 2; x / 4").unwrap();
    /// assert_eq!(program.params()[0].ty, Ty::Float(FloatTy::F64));
    /// assert_eq!(program.output_type(), Some(&Ty::Float(FloatTy::F64)));
    /// assert_eq!(program.warnings()[0].code, "W0001");
    ///
    /// let error = engine.compile("param x: u8; x + 300").unwrap_err();
    /// assert_eq!(error.diagnostics[0].code, "E0203");
    /// assert!(error.render().contains("literal 300 out of range for u8"));
    /// ```
    pub fn compile(&self, source: &str) -> Result<Program, CompileError> {
        self.compile_named("<input>", source)
    }

    /// Like [`Engine::compile`], with the file name diagnostics show.
    pub fn compile_named(&self, name: &str, source: &str) -> Result<Program, CompileError> {
        let error = |diagnostics| CompileError {
            file: name.to_owned(),
            source: source.to_owned(),
            diagnostics,
        };
        let sigs = self.host.signatures();
        let setup = crate::types::Setup {
            host: &sigs,
            outputs: 0,
        };
        let checked = driver::check_with(source, &setup).map_err(error)?;
        let compiled = self.jit(&checked.program).map_err(error)?;
        Ok(Program {
            inner: Arc::new(Inner {
                params: params_of(&compiled),
                host: self.host.used_by(&checked.program),
                columns: columns::Lazy::new(&checked.program, self.jit_options(true)),
                compiled,
                warnings: checked.warnings,
                file: name.to_owned(),
                source: source.to_owned(),
            }),
        })
    }

    /// JIT-compile a checked program (without the columnar entry).
    fn jit(&self, program: &crate::types::hir::Program) -> Result<Compiled, Vec<Diagnostic>> {
        Ok(driver::compile(program, &self.jit_options(false))?)
    }

    fn jit_options(&self, columns: bool) -> Options {
        Options {
            opt_level: self.options.opt_level,
            fp_math: self.options.fp_math,
            overflow: self.options.overflow,
            columns,
            host: self.host.impls(),
            // Compiled once, run many times: the best machine code.
            quick_machine_code: false,
            standalone: None,
        }
    }
}

/// The params of a compiled program.
fn params_of(compiled: &Compiled) -> Vec<Param> {
    compiled
        .inputs()
        .iter()
        .map(|i| Param {
            name: i.name.clone(),
            ty: i.ty.clone(),
        })
        .collect()
}

/// One input of a program: a `param` declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: String,
    pub ty: Ty,
}

/// A compiled program: cheap to clone, `Send + Sync`, runnable from many threads at once
/// (each run has its own scratch memory).
#[derive(Clone)]
pub struct Program {
    inner: Arc<Inner>,
}

struct Inner {
    compiled: Compiled,
    params: Vec<Param>,
    warnings: Vec<Diagnostic>,
    /// The host functions the program calls (kept alive with it).
    host: host::Used,
    /// The program compiled again with its columnar entry, on first use.
    columns: columns::Lazy,
    file: String,
    source: String,
}

impl Program {
    /// The program's inputs (`param` declarations), in order.
    pub fn params(&self) -> &[Param] {
        &self.inner.params
    }

    /// The type of the program's result (`None`: it has none).
    pub fn output_type(&self) -> Option<&Ty> {
        self.inner.compiled.result_type()
    }

    /// Warnings found while compiling.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.inner.warnings
    }

    /// The source text the program was compiled from.
    pub fn source(&self) -> &str {
        &self.inner.source
    }

    /// Render a diagnostic (a warning, or a [`RuntimeError::to_diagnostic`]) against the
    /// program's source, as the CLI prints it (no colour).
    pub fn render(&self, diagnostic: &Diagnostic) -> String {
        crate::diag::render::human(diagnostic, &self.inner.file, &self.inner.source, false)
    }

    /// Run with one value per param, in order. A runtime fault (division by zero, an
    /// index out of bounds, a host function's error) is an `Err`; the program stays
    /// usable.
    ///
    /// ```
    /// use kiln::{Engine, Value};
    ///
    /// let p = Engine::new().compile("param a: i64; param b: i64; a / b").unwrap();
    /// let error = p.run(&[Value::I64(1), Value::I64(0)]).unwrap_err();
    /// assert_eq!(error.code(), "E0601");
    /// assert_eq!(p.run(&[Value::I64(6), Value::I64(3)]), Ok(Some(Value::I64(2))));
    /// ```
    pub fn run(&self, inputs: &[Value]) -> Result<Option<Value>, RuntimeError> {
        self.run_in(&mut RunCtx::new(), None, inputs)
    }

    /// Like [`Program::run`], passing `host` to the host functions that take a context.
    /// Its type must be the one those functions were registered with.
    pub fn run_with<T: 'static>(
        &self,
        host: &T,
        inputs: &[Value],
    ) -> Result<Option<Value>, RuntimeError> {
        let value = host::HostValue::of(host);
        self.run_in(&mut RunCtx::new(), Some(value), inputs)
    }

    /// Like [`Program::run`], with the output of `print` captured instead of written to
    /// standard output: the run's outcome and everything it printed (also what it printed
    /// before a fault). Differential testing compares it across engines
    /// (`fuzz/`, crate `kiln-fuzz`).
    ///
    /// ```
    /// use kiln::{Engine, Value};
    ///
    /// let p = Engine::new().compile("print(1); print(2) + 1").unwrap();
    /// let (result, printed) = p.run_capturing(&[]);
    /// assert_eq!(result, Ok(Some(Value::I64(3))));
    /// assert_eq!(printed, "1\n2\n");
    /// ```
    pub fn run_capturing(&self, inputs: &[Value]) -> (Result<Option<Value>, RuntimeError>, String) {
        let mut ctx = RunCtx::new();
        ctx.capture_output();
        let result = self.run_in(&mut ctx, None, inputs);
        (result, ctx.take_output())
    }

    fn run_in(
        &self,
        ctx: &mut RunCtx,
        host: Option<host::HostValue>,
        inputs: &[Value],
    ) -> Result<Option<Value>, RuntimeError> {
        let inner = &self.inner;
        ctx.set_host(inner.host.check(host)?);
        let result = inner.compiled.run_in(ctx, inputs);
        inner.host.finish(ctx, result)
    }
}

impl fmt::Debug for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Program")
            .field("params", &self.inner.params)
            .field("output_type", &self.output_type())
            .finish_non_exhaustive()
    }
}

/// A program that did not compile: every diagnostic, and the source they point into.
#[derive(Clone, Debug)]
pub struct CompileError {
    pub file: String,
    pub source: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl CompileError {
    /// The diagnostics as the CLI renders them (no colour).
    pub fn render(&self) -> String {
        let format = crate::diag::render::Format::Human { color: false };
        crate::diag::render::render_list(&self.diagnostics, &self.file, &self.source, format)
    }
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl std::error::Error for CompileError {}

#[cfg(test)]
mod tests;
