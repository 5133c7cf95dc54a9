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

pub mod arrow;
mod batch;
mod columns;
mod host;
mod typed;

pub use crate::driver::{FpMath, Overflow};
pub use arrow::ArrowError;
pub use batch::ProgramSet;
pub use columns::{validity_bitmap, Column, ColumnBuf, RowError, Utf8Column, CHUNK_ROWS};
pub use host::{HostArg, HostFn, HostFnWith, HostOut, HostRegistry, HostRet, InlineCx, Purity};
pub use typed::{Arg, Args, Ret, SignatureError, TypedFn};

use crate::diag::Diagnostic;
use crate::driver::{self, Options};
use crate::jit::Compiled;
pub use crate::runtime::Interrupt;
use crate::runtime::RunCtx;
use crate::types::ty::Ty;
use crate::value::{RuntimeError, Value};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

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
    /// How [`Program::run`] and its variants execute a program: native code from the
    /// JIT (default), or the reference interpreter ([`crate::interp`], no LLVM, for
    /// cross-checking). Typed handles ([`Program::typed`]) call native code, so an
    /// interpreted program refuses them; program sets follow it too; columnar runs
    /// always use the JIT.
    pub backend: Backend,
    /// Trade run time for compile time (default `false`): small straight-line programs
    /// (no loops, no calls between their functions) get LLVM's fast instruction
    /// selector and register allocator instead of the optimising ones. Their IR is
    /// optimised as usual, but values may live on the stack more: compiling 10 000 small
    /// rules ([`Engine::compile_many`]) took 0.42× the time, and a call of a rule up to
    /// a quarter more (`benches/latency.rs`, `benches/embed.rs`).
    pub quick_machine_code: bool,
}

/// How an [`Engine`]'s programs run (see [`EngineOptions::backend`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Backend {
    /// Compile with LLVM and run native code.
    #[default]
    Jit,
    /// Keep the checked program and evaluate it with the reference interpreter.
    Interp,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            opt_level: 2,
            fp_math: FpMath::Strict,
            overflow: Overflow::Wrap,
            max_memory: crate::runtime::abi::DEFAULT_MAX_MEMORY,
            backend: Backend::Jit,
            quick_machine_code: false,
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
        let checked = self.check_named(name, source)?;
        let code = match self.options.backend {
            Backend::Jit => Code::Jit(
                self.jit(&checked.program)
                    .map_err(|d| compile_error(name, source, d))?,
            ),
            Backend::Interp => {
                Code::Interp(Box::new(checked.program.clone()), self.interp_options())
            }
        };
        Ok(self.program(name, source, checked, code))
    }

    /// The signatures of the host functions registered so far, in registration order
    /// (what programs are checked against; the language server completes them).
    pub fn host_signatures(&self) -> Vec<crate::types::hir::HostSig> {
        self.host.signatures()
    }

    /// Parse and check `source` (from the file `name`) with this engine's host functions.
    fn check_named(&self, name: &str, source: &str) -> Result<crate::types::Checked, CompileError> {
        let sigs = self.host.signatures();
        let setup = crate::types::Setup {
            host: &sigs,
            outputs: 0,
        };
        driver::check_with(source, &setup).map_err(|d| compile_error(name, source, d))
    }

    /// The program of a checked source and its code.
    fn program(
        &self,
        name: &str,
        source: &str,
        checked: crate::types::Checked,
        code: Code,
    ) -> Program {
        let host = self.host.used_by(&checked.program);
        Program {
            inner: Arc::new(Inner {
                params: params_of(code.inputs()),
                pure: host.all_pure() && !has_side_effect(&checked.program),
                host,
                columns: columns::Lazy::new(&checked.program, self.jit_options(true)),
                code,
                warnings: checked.warnings,
                file: name.to_owned(),
                source: source.to_owned(),
                max_memory: self.options.max_memory,
            }),
        }
    }

    /// Compile many programs at once: the result for each source, in order, as
    /// [`Engine::compile`] would give it, and each program as fast.
    ///
    /// The sources are checked on every core, and compiled in groups of up to 64: the
    /// programs of a group are optimised and turned into machine code as one LLVM module
    /// and linked into the process at once, which saves what compiling costs per module
    /// (10 000 small rules: 0.68× the time of compiling each alone; most of the rest is
    /// LLVM's machine code for each function, see
    /// [`EngineOptions::quick_machine_code`]). A group's machine code is freed when the
    /// last of its programs is dropped.
    ///
    /// ```
    /// use kiln::{Engine, Value};
    ///
    /// let rules: Vec<String> = (0..100).map(|i| format!("param x: i64; x > {i}")).collect();
    /// let texts: Vec<&str> = rules.iter().map(String::as_str).collect();
    /// let programs = Engine::new().compile_many(&texts);
    /// let passed = programs
    ///     .iter()
    ///     .filter(|p| p.as_ref().unwrap().run(&[Value::I64(42)]) == Ok(Some(Value::Bool(true))))
    ///     .count();
    /// assert_eq!(passed, 42);
    /// ```
    pub fn compile_many(&self, sources: &[&str]) -> Vec<Result<Program, CompileError>> {
        /// The most programs compiled as one group.
        const GROUP: usize = 64;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let group = sources.len().div_ceil(cores).clamp(1, GROUP);
        let groups: Vec<&[&str]> = sources.chunks(group).collect();
        let workers = cores.min(groups.len());
        if workers <= 1 {
            return groups.iter().flat_map(|g| self.compile_group(g)).collect();
        }
        // Each worker takes the next group until none is left and keeps its results
        // with the group's index; a worker's panic (a compiler bug) is the caller's.
        let next = std::sync::atomic::AtomicUsize::new(0);
        let work = || {
            let mut done = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(group) = groups.get(i) else {
                    return done;
                };
                done.push((i, self.compile_group(group)));
            }
        };
        let mut results: Vec<Vec<Result<Program, CompileError>>> =
            (0..groups.len()).map(|_| Vec::new()).collect();
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..workers).map(|_| scope.spawn(work)).collect();
            for worker in workers {
                match worker.join() {
                    Ok(done) => done.into_iter().for_each(|(i, r)| results[i] = r),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
        });
        results.into_iter().flatten().collect()
    }

    /// Compile `sources` as one group (see [`Engine::compile_many`]).
    fn compile_group(&self, sources: &[&str]) -> Vec<Result<Program, CompileError>> {
        const NAME: &str = "<input>";
        if self.options.backend != Backend::Jit {
            return sources.iter().map(|s| self.compile(s)).collect();
        }
        let checked: Vec<_> = sources.iter().map(|s| self.check_named(NAME, s)).collect();
        let programs: Vec<&crate::types::hir::Program> = checked
            .iter()
            .filter_map(|c| c.as_ref().ok().map(|c| &c.program))
            .collect();
        let mut compiled = driver::compile_group(&programs, &self.jit_options(false)).into_iter();
        sources
            .iter()
            .zip(checked)
            .map(|(source, checked)| {
                let checked = checked?;
                let missing = || driver::InternalError("a program of the group is missing".into());
                let code = compiled
                    .next()
                    .unwrap_or_else(|| Err(missing()))
                    .map_err(|e| compile_error(NAME, source, e.into()))?;
                Ok(self.program(NAME, source, checked, Code::Jit(code)))
            })
            .collect()
    }

    /// JIT-compile a checked program (without the columnar entry).
    fn jit(&self, program: &crate::types::hir::Program) -> Result<Compiled, Vec<Diagnostic>> {
        Ok(driver::compile(program, &self.jit_options(false))?)
    }

    /// How the interpreter runs this engine's programs.
    fn interp_options(&self) -> crate::interp::Options {
        crate::interp::Options {
            overflow: self.options.overflow,
            max_memory: self.options.max_memory,
            interrupt: None,
        }
    }

    fn jit_options(&self, columns: bool) -> Options {
        Options {
            opt_level: self.options.opt_level,
            fp_math: self.options.fp_math,
            overflow: self.options.overflow,
            columns,
            host: self.host.impls(),
            // Compiled once, run many times: the best machine code unless asked.
            quick_machine_code: self.options.quick_machine_code,
            standalone: None,
        }
    }
}

/// A compile error of `source`, read from the file `name`.
fn compile_error(name: &str, source: &str, diagnostics: Vec<Diagnostic>) -> CompileError {
    CompileError {
        file: name.to_owned(),
        source: source.to_owned(),
        diagnostics,
    }
}

/// The params of a program, from its inputs.
fn params_of(inputs: &[crate::types::hir::Input]) -> Vec<Param> {
    inputs
        .iter()
        .map(|i| Param {
            name: i.name.clone(),
            ty: i.ty.clone(),
        })
        .collect()
}

/// Whether the program itself (its top level or a function) calls a built-in with a side
/// effect (`print`, `now()`: `Effects::pure` is false) or a function of another module
/// (the REPL's, unknown here). Host functions are judged by [`host::Used::all_pure`].
fn has_side_effect(program: &crate::types::hir::Program) -> bool {
    use crate::types::hir::{ExprKind, Walk as _};
    let impure = |e: &crate::types::hir::Expr| match &e.kind {
        ExprKind::Builtin { op, .. } => !op.effects(&e.ty).pure,
        ExprKind::Hof { op, .. } => !op.effects().pure,
        ExprKind::CallExtern { .. } => true,
        _ => false,
    };
    program.main.body.any(impure) || program.functions.iter().any(|f| f.body.any(impure))
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
    code: Code,
    params: Vec<Param>,
    warnings: Vec<Diagnostic>,
    /// The host functions the program calls (kept alive with it).
    host: host::Used,
    /// [`Program::is_pure`].
    pure: bool,
    /// The program compiled again with its columnar entry, on first use.
    columns: columns::Lazy,
    file: String,
    source: String,
    /// [`EngineOptions::max_memory`] when compiled: every run's limit.
    max_memory: u64,
}

/// What runs a program: JIT-compiled native code, or the checked program and the
/// options the interpreter runs it with. (One per program, behind its `Arc`: the
/// size difference does not matter.)
#[allow(clippy::large_enum_variant)]
enum Code {
    Jit(Compiled),
    Interp(Box<crate::types::hir::Program>, crate::interp::Options),
}

impl Code {
    fn inputs(&self) -> &[crate::types::hir::Input] {
        match self {
            Code::Jit(c) => c.inputs(),
            Code::Interp(p, _) => &p.inputs,
        }
    }
}

impl Inner {
    /// The native code of a JIT-compiled program. Only typed handles call it, and they
    /// are made only for JIT-compiled programs (`TypedFn::new` checks).
    fn compiled(&self) -> &Compiled {
        match &self.code {
            Code::Jit(c) => c,
            Code::Interp(..) => unreachable!("typed handles refuse interpreted programs"),
        }
    }
}

impl Program {
    /// A fresh run context with the program's memory limit.
    pub(crate) fn new_ctx(&self) -> RunCtx {
        let mut ctx = RunCtx::new();
        ctx.set_max_memory(self.inner.max_memory);
        ctx
    }

    /// The most memory one run's strings and lists may take
    /// ([`EngineOptions::max_memory`]).
    pub fn max_memory(&self) -> u64 {
        self.inner.max_memory
    }

    /// The program's inputs (`param` declarations), in order.
    pub fn params(&self) -> &[Param] {
        &self.inner.params
    }

    /// The type of the program's result (`None`: it has none).
    pub fn output_type(&self) -> Option<&Ty> {
        match &self.inner.code {
            Code::Jit(c) => c.result_type(),
            Code::Interp(p, _) => p.main.ret.as_ref(),
        }
    }

    /// The backend this program runs on.
    pub fn backend(&self) -> Backend {
        match self.inner.code {
            Code::Jit(_) => Backend::Jit,
            Code::Interp(..) => Backend::Interp,
        }
    }

    /// Whether a run has no effect but its result (or its fault): the program calls no
    /// `print`, no `now()`, and no host function registered [`Purity::SideEffect`]. A
    /// pure program's result depends only on its inputs, so a query engine may run it
    /// once for constant inputs, or not at all for unused rows.
    ///
    /// ```
    /// use kiln::Engine;
    ///
    /// let engine = Engine::new();
    /// assert!(engine.compile("param a: i64; 10 / a").unwrap().is_pure());
    /// assert!(!engine.compile("param a: i64; print(a); a").unwrap().is_pure());
    /// assert!(!engine.compile("now()").unwrap().is_pure());
    /// ```
    pub fn is_pure(&self) -> bool {
        self.inner.pure
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
        self.run_in(&mut self.new_ctx(), None, inputs)
    }

    /// Like [`Program::run`], stopping with runtime error E0611 at the next loop chunk
    /// or recursive call once `interrupt` is cancelled (from any thread). The flag is
    /// left as it is: [`Interrupt::reset`] it before reusing it. The program stays
    /// usable after an interrupted run.
    ///
    /// ```
    /// use kiln::{Engine, Interrupt, Value};
    /// use std::time::Duration;
    ///
    /// // About 10^18 calls, never deeper than 90: it would run for centuries.
    /// let p = Engine::new()
    ///     .compile("fn fib(n: i64) -> i64 = if(n < 2, n, fib(n - 1) + fib(n - 2)); fib(90)")
    ///     .unwrap();
    /// let interrupt = Interrupt::new();
    /// let canceller = interrupt.clone();
    /// std::thread::spawn(move || {
    ///     std::thread::sleep(Duration::from_millis(50));
    ///     canceller.cancel();
    /// });
    /// let error = p.run_interruptible(&[], &interrupt).unwrap_err();
    /// assert_eq!(error.code(), "E0611");
    /// // Reset, the flag lets runs go on; the program is as good as new.
    /// interrupt.reset();
    /// let q = Engine::new().compile("sum([1, 2, 3])").unwrap();
    /// assert_eq!(q.run_interruptible(&[], &interrupt), Ok(Some(Value::I64(6))));
    /// ```
    pub fn run_interruptible(
        &self,
        inputs: &[Value],
        interrupt: &Interrupt,
    ) -> Result<Option<Value>, RuntimeError> {
        let mut ctx = self.new_ctx();
        ctx.set_interrupt(Some(interrupt));
        self.run_in(&mut ctx, None, inputs)
    }

    /// Like [`Program::run`], interrupted (runtime error E0611) when it runs longer than
    /// `timeout`. A background timer sets the run's own [`Interrupt`]; it stops as soon
    /// as the run ends.
    ///
    /// ```
    /// use kiln::{Engine, Value};
    /// use std::time::Duration;
    ///
    /// let p = Engine::new()
    ///     .compile("param n: i64; fn fib(k: i64) -> i64 = if(k < 2, k, fib(k - 1) + fib(k - 2)); fib(n)")
    ///     .unwrap();
    /// let quick = p.run_with_deadline(&[Value::I64(10)], Duration::from_secs(60));
    /// assert_eq!(quick, Ok(Some(Value::I64(55))));
    /// let slow = p.run_with_deadline(&[Value::I64(90)], Duration::from_millis(20));
    /// assert_eq!(slow.unwrap_err().code(), "E0611");
    /// ```
    pub fn run_with_deadline(
        &self,
        inputs: &[Value],
        timeout: Duration,
    ) -> Result<Option<Value>, RuntimeError> {
        let interrupt = Interrupt::new();
        let _timer = interrupt.cancel_after(timeout);
        self.run_interruptible(inputs, &interrupt)
    }

    /// Like [`Program::run`], passing `host` to the host functions that take a context.
    /// Its type must be the one those functions were registered with.
    pub fn run_with<T: 'static>(
        &self,
        host: &T,
        inputs: &[Value],
    ) -> Result<Option<Value>, RuntimeError> {
        let value = host::HostValue::of(host);
        self.run_in(&mut self.new_ctx(), Some(value), inputs)
    }

    /// Like [`Program::run`], keeping what `print` writes instead of writing it to
    /// stdout: the result, and the output (also the output before a fault).
    ///
    /// ```
    /// use kiln::{Backend, Engine, EngineOptions, Value};
    ///
    /// for backend in [Backend::Jit, Backend::Interp] {
    ///     let engine = Engine::with_options(EngineOptions { backend, ..Default::default() });
    ///     let p = engine.compile("param n: i64; print(n); 10 / n").unwrap();
    ///     assert_eq!(p.run_captured(&[Value::I64(5)]), (Ok(Some(Value::I64(2))), "5\n".into()));
    ///     let (r, out) = p.run_captured(&[Value::I64(0)]);
    ///     assert_eq!((r.unwrap_err().code(), out.as_str()), ("E0601", "0\n"));
    /// }
    /// ```
    pub fn run_captured(&self, inputs: &[Value]) -> (Result<Option<Value>, RuntimeError>, String) {
        self.run_captured_interruptible(inputs, None)
    }

    /// [`Program::run_captured`] that `interrupt` can stop (E0611), as
    /// [`Program::run_interruptible`] does.
    pub fn run_captured_interruptible(
        &self,
        inputs: &[Value],
        interrupt: Option<&Interrupt>,
    ) -> (Result<Option<Value>, RuntimeError>, String) {
        let mut ctx = self.new_ctx();
        ctx.capture_output();
        ctx.set_interrupt(interrupt);
        let mut out = String::new();
        let result = match &self.inner.code {
            Code::Jit(_) => self.run_in(&mut ctx, None, inputs),
            Code::Interp(p, options) => {
                let options = crate::interp::Options {
                    interrupt: interrupt.cloned(),
                    ..options.clone()
                };
                self.interpret(p, &options, inputs, &mut out)
            }
        };
        out.push_str(&ctx.take_output());
        (result, out)
    }

    fn run_in(
        &self,
        ctx: &mut RunCtx,
        host: Option<host::HostValue>,
        inputs: &[Value],
    ) -> Result<Option<Value>, RuntimeError> {
        let inner = &self.inner;
        let compiled = match &inner.code {
            Code::Jit(c) => c,
            Code::Interp(p, options) => {
                // Host functions are not called by the interpreter (E0610 at the call),
                // but a wrong host value is still refused as for the JIT.
                inner.host.check(host)?;
                let options = crate::interp::Options {
                    interrupt: ctx.interrupt().cloned(),
                    ..options.clone()
                };
                return self.interpret(p, &options, inputs, &mut crate::interp::Stdout);
            }
        };
        ctx.set_host(inner.host.check(host)?);
        let result = compiled.run_in(ctx, inputs);
        inner.host.finish(ctx, result)
    }

    fn interpret(
        &self,
        program: &crate::types::hir::Program,
        options: &crate::interp::Options,
        inputs: &[Value],
        out: &mut dyn crate::interp::Output,
    ) -> Result<Option<Value>, RuntimeError> {
        driver::interpret(program, inputs, options, out)
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
