//! A compiled program: its entry points, what keeps its machine code alive, and running
//! it (checking inputs, laying them out in slots, reading the result, reporting faults).

use super::mcjit::McjitCode;
use super::{orc, set, JitEngine};
use crate::abi;
use crate::codegen::{self, EntryFn, Interface};
use crate::runtime::RunCtx;
use crate::span::Span;
use crate::types::hir;
use crate::types::ty::Ty;
use crate::value::{layout, RunError, RuntimeError, Value};

/// What keeps a program's machine code alive; dropping it frees the code. The programs
/// compiled as one group (`group.rs`) share their object's tracker: its code is freed
/// when the last of them is dropped.
pub(super) enum Code {
    Orc {
        _tracker: std::sync::Arc<orc::Tracker>,
    },
    Mcjit {
        _engine: McjitCode,
    },
}

/// A compiled program, callable many times. Dropping it frees its machine code: function
/// pointers taken from it ([`Compiled::main_address`], [`Compiled::entry`]) must not be
/// used afterwards.
pub struct Compiled {
    pub(super) entry: EntryFn,
    pub(super) main: usize,
    /// The columnar entry, when codegen generated one.
    pub(super) columns: Option<codegen::ColumnsFn>,
    pub(super) spans: Vec<Span>,
    /// Inputs, result and outputs, and whether runs arm the stack guard.
    pub(super) interface: Interface,
    pub(super) engine: JitEngine,
    /// `kiln_main` never reads or writes its run context (see
    /// [`optimise::context_free`](super::optimise::context_free)).
    pub(super) context_free: bool,
    /// A program set's entries (`set.rs`).
    pub(super) set: Option<set::SetCode>,
    pub(super) _code: Code,
}

// SAFETY: a `Compiled` is immutable once made: its machine code is finalised and only
// executed, and every run gets its own `RunCtx` (program-level bindings live in the
// run's globals frame, not in module globals). The LLVM objects it owns (the ORC
// resource tracker; MCJIT's context, module and engine) are touched again only by `Drop`,
// which runs once, on whichever thread drops the last reference, when no run is active.
unsafe impl Send for Compiled {}
unsafe impl Sync for Compiled {}

impl Compiled {
    /// Run with one value per input (`param`), in declaration order.
    ///
    /// Inputs that do not match the program's `param`s (count or types) give a
    /// `RuntimeError` with fault [`abi::Fault::InvalidInput`] (code E0605), before any
    /// generated code runs.
    pub fn run(&self, inputs: &[Value]) -> Result<Option<Value>, RuntimeError> {
        let mut ctx = RunCtx::new();
        self.run_in(&mut ctx, inputs)
    }

    /// Like [`Compiled::run`], in a caller-provided context (reset first). Use it to reuse
    /// a context's arena across runs or to capture `print` output
    /// ([`RunCtx::capture_output`]).
    pub fn run_in(
        &self,
        ctx: &mut RunCtx,
        inputs: &[Value],
    ) -> Result<Option<Value>, RuntimeError> {
        let slots = self.prepare(ctx, inputs)?;
        let mut out = [0u64; 2];
        // SAFETY: `entry` is the generated `kiln_entry`, whose slot layout matches
        // `slots`/`out`; the inputs were checked against the program's types, and strings
        // and lists they point to outlive the call.
        unsafe { (self.entry)(ctx, slots.as_ptr(), &mut out) };
        if ctx.status() != 0 {
            return Err(self.fault(ctx));
        }
        let Some(ty) = &self.interface.result else {
            return Ok(None);
        };
        // SAFETY: the run succeeded, so `out` holds a value of the result type whose
        // memory (arena or constants) is alive until `ctx` is reset or dropped.
        Ok(unsafe { layout::from_slot(ty, out) })
    }

    /// Before a run through a slot entry: check the inputs, reset `ctx` (arming the
    /// stack guard when needed) and lay the inputs out in their 16-byte slots.
    pub(super) fn prepare(
        &self,
        ctx: &mut RunCtx,
        inputs: &[Value],
    ) -> Result<Vec<[u64; 2]>, RuntimeError> {
        self.check_inputs(inputs)?;
        ctx.reset();
        if self.interface.stack_guard {
            ctx.arm_stack_guard();
        }
        Ok(inputs
            .iter()
            .zip(&self.interface.inputs)
            .map(|(v, input)| layout::to_slot_as(ctx, v, &input.ty))
            .collect())
    }

    /// The fault a run recorded in `ctx` (its status is non-zero), as an error.
    pub fn fault(&self, ctx: &RunCtx) -> RuntimeError {
        ctx.error(&self.spans).unwrap_or_else(|| RuntimeError {
            fault: abi::Fault::InvalidInput,
            span: Span::default(),
            message: format!("unknown runtime fault {}", ctx.status()),
        })
    }

    fn check_inputs(&self, inputs: &[Value]) -> Result<(), RuntimeError> {
        crate::value::check_inputs(&self.interface.inputs, inputs)
    }

    /// Address of the generated `kiln_main`: `(ctx, [out,] inputs...)` with inputs and a
    /// scalar result in their natural types (see `codegen::MAIN_SYMBOL`). For benchmarks:
    /// transmute to the matching `extern "C" fn` and pass a context from
    /// [`Compiled::new_context`].
    #[inline]
    pub fn main_address(&self) -> usize {
        self.main
    }

    /// The columnar entry (`codegen::COLUMNS_SYMBOL`): present when compiled with
    /// `codegen::Options::columns` and the program's inputs and result are scalars or strings.
    pub fn columns(&self) -> Option<codegen::ColumnsFn> {
        self.columns
    }

    /// Address of the uniform entry wrapper (`codegen::ENTRY_SYMBOL`).
    pub fn entry(&self) -> EntryFn {
        self.entry
    }

    /// A fresh run context to pass to `kiln_main` directly. Reusable: a program that does
    /// not allocate never touches its arena; call [`RunCtx::reset`] between runs that do.
    pub fn new_context(&self) -> Box<RunCtx> {
        Box::new(RunCtx::new())
    }

    /// The program's result type (`None`: no result).
    pub fn result_type(&self) -> Option<&Ty> {
        self.interface.result.as_ref()
    }

    /// The program's inputs (`param`s), in order.
    pub fn inputs(&self) -> &[hir::Input] {
        &self.interface.inputs
    }

    /// Whether a run must arm the stack guard first ([`RunCtx::arm_stack_guard`]): some
    /// generated function recurses.
    #[inline]
    pub fn needs_stack_guard(&self) -> bool {
        self.interface.stack_guard
    }

    /// `kiln_main` never reads or writes its run context, as LLVM proved while optimising
    /// (its context parameter is `readnone`): it cannot fault, allocate, print or call
    /// anything that could, so a host may call it with any pointer and skip the status
    /// check. Conservatively `false` at -O0 and for objects loaded from the cache.
    #[inline]
    pub fn context_free(&self) -> bool {
        self.context_free
    }

    /// The engine that linked this program.
    pub fn engine(&self) -> JitEngine {
        self.engine
    }

    /// The span table runtime faults index into.
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }
}
