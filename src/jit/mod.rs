//! Stage 4: verify, optimise (new pass manager, -O0..-O3) and JIT-compile a generated
//! module; call it.
//!
//! Two engines ([`JitEngine`]), same module, same results:
//! - **ORC** (the default): the module is turned into an object file by a target machine
//!   cached per thread and optimisation level, then linked into the process by one
//!   process-wide LLJIT (`orc.rs`). Reusing the target machine (and so its subtarget
//!   tables) makes compiling a small program about twice as fast as MCJIT, which builds
//!   a new target machine for every module. The LLVM context is gone once the object is
//!   made; [`Compiled`] keeps only the resource tracker that frees the code.
//! - **MCJIT**: one execution engine per program, owning its module; [`Compiled`] owns
//!   the context, module and engine (see `McjitCode`). Used if ORC cannot start, and by
//!   the tests, which run every program on both engines.
//!
//! Either way every runtime symbol and every C math function LLVM may lower to is mapped
//! explicitly to its address (MCJIT: `add_global_mapping`; ORC: absolute symbols);
//! nothing relies on finding them by name in the host process. Targets are initialised
//! once per process.

use crate::abi;
use crate::abi::KindTy;
use crate::codegen::{self, EntryFn, ENTRY_SYMBOL, MAIN_SYMBOL};
use crate::runtime::RunError;
use crate::runtime::{self, RunCtx, RuntimeError, Value};
use crate::span::Span;
use crate::types::hir;
use crate::types::ty::{FloatTy, Ty};
use inkwell::attributes::AttributeLoc;
use inkwell::context::Context;
use inkwell::execution_engine::ExecutionEngine;
use inkwell::module::{Linkage, Module};
use inkwell::passes::PassBuilderOptions;
use inkwell::targets::{CodeModel, InitializationConfig, RelocMode, Target, TargetMachine};
use inkwell::OptimizationLevel;
use std::cell::RefCell;
use std::mem::ManuallyDrop;
use std::sync::OnceLock;

/// How floating-point arithmetic may be optimised (jitfusion's `fp_math_mode`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FpMath {
    /// IEEE semantics exactly as written (the default).
    #[default]
    Strict,
    /// Float operations may be reassociated, contracted into fused multiply-adds,
    /// replaced by reciprocals and approximate library calls, and may ignore the sign of
    /// zero. NaN and infinity keep their IEEE meaning, so no value becomes poison and
    /// generated code stays free of undefined behaviour.
    Fast,
}

#[derive(Clone, Debug)]
pub struct Options {
    /// 0..=3; default 2.
    pub opt_level: u8,
    pub fp_math: FpMath,
    /// Also generate the columnar entry (`codegen::COLUMNS_SYMBOL`): one call runs the
    /// program over a batch of rows.
    pub columns: bool,
    /// What each `hir::ExprKind::CallHost` calls, by index.
    pub host: std::sync::Arc<[codegen::HostImpl]>,
    /// Make machine code for small straight-line programs with LLVM's fast instruction
    /// selector (see `machine_level`): compiles about twice as fast, runs a little
    /// slower. Right for the CLI and the REPL, which run a program once; the library
    /// API, which compiles once and runs many times, turns it off.
    pub quick_machine_code: bool,
    /// Ahead-of-time output for a standalone program: also generate a C `main` that runs
    /// the program through the runtime's `kiln_rt_main` (command-line params, printing
    /// the result, faults reported with `FILE:LINE:COL` and exit status 3). `None` for
    /// JIT use.
    pub standalone: Option<std::sync::Arc<codegen::Standalone>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            opt_level: 2,
            fp_math: FpMath::Strict,
            columns: false,
            host: std::sync::Arc::from(Vec::new()),
            quick_machine_code: true,
            standalone: None,
        }
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
}

/// The host's target description, computed once per process.
struct Host {
    triple: inkwell::targets::TargetTriple,
    cpu: String,
    features: String,
}

// SAFETY: `TargetTriple` is an owned C string, only read after creation.
unsafe impl Send for Host {}
unsafe impl Sync for Host {}

fn host() -> Result<&'static Host, String> {
    static HOST: OnceLock<Result<Host, String>> = OnceLock::new();
    HOST.get_or_init(|| {
        Target::initialize_native(&InitializationConfig::default())?;
        Ok(Host {
            triple: TargetMachine::get_default_triple(),
            cpu: TargetMachine::get_host_cpu_name().to_string(),
            features: TargetMachine::get_host_cpu_features().to_string(),
        })
    })
    .as_ref()
    .map_err(Clone::clone)
}

thread_local! {
    /// Host target machines, one per optimisation level, built on first use in each
    /// thread: the module's data layout, the optimiser's cost model, and ahead-of-time
    /// output (position-independent, default code model).
    static MACHINES: RefCell<[Option<TargetMachine>; 4]> = const { RefCell::new([None, None, None, None]) };
}

fn with_machine<R>(opt_level: u8, f: impl FnOnce(&TargetMachine, &Host) -> R) -> Result<R, String> {
    let host = host()?;
    let level = opt_level.min(3);
    MACHINES.with(|cell| {
        let mut slots = cell.borrow_mut();
        let slot = &mut slots[level as usize];
        if slot.is_none() {
            let target = Target::from_triple(&host.triple).map_err(|e| e.to_string())?;
            let tm = target
                .create_target_machine(
                    &host.triple,
                    &host.cpu,
                    &host.features,
                    llvm_level(level),
                    RelocMode::PIC,
                    CodeModel::Default,
                )
                .ok_or("cannot create a target machine for the host")?;
            *slot = Some(tm);
        }
        match slot.as_ref() {
            Some(tm) => Ok(f(tm, host)),
            None => Err("no target machine".to_owned()),
        }
    })
}

fn llvm_level(opt_level: u8) -> OptimizationLevel {
    match opt_level {
        0 => OptimizationLevel::None,
        1 => OptimizationLevel::Less,
        2 => OptimizationLevel::Default,
        _ => OptimizationLevel::Aggressive,
    }
}

/// Generate, target, verify and optimise a module in `context`.
fn build<'ctx>(
    context: &'ctx Context,
    program: &hir::Program,
    options: &Options,
) -> Result<codegen::Generated<'ctx>, String> {
    check_boundary_types(program)?;
    let generated = codegen::try_generate_with(context, program, &options.host)?;
    let module = &generated.module;
    if options.columns {
        codegen::add_columns_entry(context, module, program, &options.host)?;
    }
    if let Some(standalone) = &options.standalone {
        codegen::add_c_main(context, module, program, &generated.spans, standalone)?;
    }
    if options.fp_math == FpMath::Fast {
        relax_float_math(module);
    }
    with_machine(options.opt_level, |tm, host| {
        module.set_triple(&host.triple);
        module.set_data_layout(&tm.get_target_data().get_data_layout());
        // Code for the host CPU whichever target machine compiles it (MCJIT builds its
        // own, generic one; these per-function attributes override it).
        let cpu = context.create_string_attribute("target-cpu", &host.cpu);
        let features = context.create_string_attribute("target-features", &host.features);
        for f in module
            .get_functions()
            .filter(|f| f.count_basic_blocks() > 0)
        {
            f.add_attribute(AttributeLoc::Function, cpu);
            f.add_attribute(AttributeLoc::Function, features);
        }
        // `try_generate` verified the module; the attributes cannot break it.
        let level = options.opt_level.min(3);
        module
            .run_passes(
                &format!("default<O{level}>"),
                tm,
                PassBuilderOptions::create(),
            )
            .map_err(|e| e.to_string())
    })??;
    Ok(generated)
}

/// [`FpMath::Fast`]: every float operation may be reassociated, contracted, use
/// reciprocals and approximate functions, and ignore the sign of zero. Not `nnan`/`ninf`:
/// those turn a NaN or infinity into poison, which could reach a branch or an index.
fn relax_float_math(module: &Module<'_>) {
    use inkwell::values::FastMathFlags as F;
    let flags =
        F::AllowReassoc | F::AllowContract | F::AllowReciprocal | F::ApproxFunc | F::NoSignedZeros;
    for f in module.get_functions() {
        for bb in f.get_basic_blocks() {
            for inst in bb.get_instructions() {
                // Only instructions that take the flags (float operations, calls and phis
                // of float type); `set` refuses the rest.
                let _ = inst.set_fast_math_flags(flags);
            }
        }
    }
}

/// Which JIT links the machine code into the process (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JitEngine {
    Orc,
    Mcjit,
}

/// The MCJIT engine of one program with the module and context it was built from.
///
/// The context is boxed so its address is stable; the module and engine borrow it with a
/// lifetime extended to `'static`, which is sound because they never leave this struct
/// and its `Drop` drops them (engine first, which owns the module's code) before the
/// context.
struct McjitCode {
    engine: ManuallyDrop<ExecutionEngine<'static>>,
    module: ManuallyDrop<Module<'static>>,
    context: ManuallyDrop<Box<Context>>,
}

impl Drop for McjitCode {
    fn drop(&mut self) {
        // SAFETY: each field is dropped exactly once, here, borrowers before the context.
        unsafe {
            ManuallyDrop::drop(&mut self.engine);
            ManuallyDrop::drop(&mut self.module);
            ManuallyDrop::drop(&mut self.context);
        }
    }
}

/// What keeps a program's machine code alive; dropping it frees the code.
enum Code {
    Orc { _tracker: orc::Tracker },
    Mcjit { _engine: McjitCode },
}

/// A compiled program, callable many times. Dropping it frees its machine code: function
/// pointers taken from it ([`Compiled::main_address`], [`Compiled::entry`]) must not be
/// used afterwards.
pub struct Compiled {
    entry: EntryFn,
    main: usize,
    /// The columnar entry, when `Options::columns` asked for it and the program has one.
    columns: Option<codegen::ColumnsFn>,
    spans: Vec<Span>,
    result: Option<Ty>,
    inputs: Vec<hir::Input>,
    engine: JitEngine,
    /// Some function recurses: runs must arm the stack guard.
    stack_guard: bool,
    /// `kiln_main` never reads or writes its run context (see [`context_free`]).
    context_free: bool,
    /// A program set's entries (`set.rs`).
    set: Option<set::SetCode>,
    _code: Code,
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
        let Some(ty) = &self.result else {
            return Ok(None);
        };
        // SAFETY: the run succeeded, so `out` holds a value of the result type whose
        // memory (arena or constants) is alive until `ctx` is reset or dropped.
        Ok(unsafe { Value::from_slot(ty, out) })
    }

    /// Before a run through a slot entry: check the inputs, reset `ctx` (arming the
    /// stack guard when needed) and lay the inputs out in their 16-byte slots.
    fn prepare(&self, ctx: &mut RunCtx, inputs: &[Value]) -> Result<Vec<[u64; 2]>, RuntimeError> {
        self.check_inputs(inputs)?;
        ctx.reset();
        if self.stack_guard {
            ctx.arm_stack_guard();
        }
        Ok(inputs.iter().map(|v| input_slot(ctx, v)).collect())
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
        let bad = |span, message| {
            Err(RuntimeError {
                fault: abi::Fault::InvalidInput,
                span,
                message,
            })
        };
        if inputs.len() != self.inputs.len() {
            return bad(
                Span::default(),
                format!(
                    "the program takes {} input(s), {} given",
                    self.inputs.len(),
                    inputs.len()
                ),
            );
        }
        for (input, v) in self.inputs.iter().zip(inputs) {
            let ok = match (v, &input.ty) {
                (Value::List(elem, items), Ty::List(want)) => {
                    **want == *elem && items.iter().all(|i| i.ty() == *elem)
                }
                (v, t) => v.ty() == *t,
            };
            if !ok {
                return bad(
                    input.span,
                    format!(
                        "input `{}` has type {}, but a value of type {} was given",
                        input.name,
                        input.ty,
                        v.ty()
                    ),
                );
            }
        }
        Ok(())
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
    /// `Options::columns` and the program's inputs and result are scalars or strings.
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
        self.result.as_ref()
    }

    /// The program's inputs (`param`s), in order.
    pub fn inputs(&self) -> &[hir::Input] {
        &self.inputs
    }

    /// Whether a run must arm the stack guard first ([`RunCtx::arm_stack_guard`]): some
    /// generated function recurses.
    #[inline]
    pub fn needs_stack_guard(&self) -> bool {
        self.stack_guard
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

/// The 16-byte slot of one (type-checked) input.
fn input_slot(ctx: &mut RunCtx, v: &Value) -> [u64; 2] {
    match v {
        Value::Str(s) => [s.as_ptr() as u64, s.len() as u64],
        Value::List(elem, items) => {
            let Some(kind) = abi::Kind::of(elem) else {
                return [0, 0];
            };
            let (size, align) = kind.layout();
            let ptr = ctx.alloc(size as usize * items.len(), align as usize);
            for (i, item) in items.iter().enumerate() {
                // SAFETY: `ptr` has room for `items.len()` elements of `size` bytes.
                unsafe {
                    let p = ptr.add(i * size as usize);
                    match item {
                        Value::Str(s) => (p as *mut abi::RtStr).write_unaligned(abi::RtStr {
                            ptr: s.as_ptr(),
                            len: s.len() as i64,
                        }),
                        v => {
                            let bits = v.to_bits().unwrap_or(0).to_le_bytes();
                            std::ptr::copy_nonoverlapping(bits.as_ptr(), p, size as usize);
                        }
                    }
                }
            }
            [ptr as u64, items.len() as u64]
        }
        v => [v.to_bits().unwrap_or(0), 0],
    }
}

/// Compile with the ORC engine (MCJIT if ORC cannot start in this process).
pub fn compile(program: &hir::Program, options: &Options) -> Result<Compiled, String> {
    let engine = if orc::available() {
        JitEngine::Orc
    } else {
        JitEngine::Mcjit
    };
    compile_with(program, options, engine)
}

/// Compile with a chosen engine.
pub fn compile_with(
    program: &hir::Program,
    options: &Options,
    engine: JitEngine,
) -> Result<Compiled, String> {
    match engine {
        JitEngine::Orc => compile_orc(program, options),
        JitEngine::Mcjit => compile_mcjit(program, options),
    }
}

/// Machine-code generation dominates compile time. Straight-line code (no loops, no calls
/// left between generated functions: each instruction runs at most once per call) gains
/// little from the optimising instruction selector and register allocator, so small
/// straight-line modules use the fast ones. The IR was optimised at the requested level
/// either way.
fn machine_level(module: &Module<'_>, options: &Options) -> u8 {
    if options.quick_machine_code && is_small_straight_line(module) {
        0
    } else {
        options.opt_level.min(3)
    }
}

fn compile_orc(program: &hir::Program, options: &Options) -> Result<Compiled, String> {
    compile_orc_linked(program, options, &[]).map(|(c, _)| c)
}

/// Compile with the ORC engine into the process-wide JITDylib, where the program can use
/// the symbols of earlier programs (its `hir::Linking`), and look up the addresses of
/// `symbols` it defines (exported globals and functions). The REPL's way to compile.
pub fn compile_linked(
    program: &hir::Program,
    options: &Options,
    symbols: &[String],
) -> Result<(Compiled, Vec<usize>), String> {
    if !orc::available() {
        return Err("the ORC JIT is not available in this process".to_owned());
    }
    compile_orc_linked(program, options, symbols)
}

fn compile_orc_linked(
    program: &hir::Program,
    options: &Options,
    symbols: &[String],
) -> Result<(Compiled, Vec<usize>), String> {
    // All programs share one JITDylib: the exported symbols get a unique suffix.
    let suffix = orc::reserve_suffix();
    let (object, spans, columns, context_free) =
        object::make_object(program, options, &suffix.text())?;
    let (mut compiled, extra) = object::link(program, object, spans, columns, suffix, symbols)?;
    compiled.context_free = context_free;
    Ok((compiled, extra))
}

fn compile_mcjit(program: &hir::Program, options: &Options) -> Result<Compiled, String> {
    let context = Box::new(Context::create());
    // SAFETY: the context is boxed (stable address) and owned by the `McjitCode` built
    // below, which drops everything borrowing it first. On the error paths the borrowers
    // are dropped before `context` (reverse declaration order).
    let cx: &'static Context = unsafe { &*(&*context as *const Context) };
    let generated = build(cx, program, options)?;
    let module = generated.module;
    // LLVM may lower intrinsics and `frem` to C math calls: declare them (after the
    // optimiser, which would drop unused declarations) so they can be mapped.
    let f64t = cx.f64_type();
    let f32t = cx.f32_type();
    for (name, ft, arity) in abi::LIBM_FUNCTIONS {
        if module.get_function(name).is_none() {
            let fn_ty = match ft {
                FloatTy::F32 => f32t.fn_type(&vec![f32t.into(); *arity as usize], false),
                FloatTy::F64 => f64t.fn_type(&vec![f64t.into(); *arity as usize], false),
            };
            module.add_function(name, fn_ty, Some(Linkage::External));
        }
    }
    let level = llvm_level(machine_level(&module, options));
    let engine = module
        .create_jit_execution_engine(level)
        .map_err(|e| e.to_string())?;
    for f in module.get_functions() {
        if f.count_basic_blocks() > 0 {
            continue;
        }
        let name = f.get_name().to_str().unwrap_or("");
        if name.starts_with("llvm.") {
            continue;
        }
        let addr = runtime::runtime_address(name)
            .or_else(|| runtime::libm_address(name))
            .ok_or_else(|| format!("no runtime symbol for `{name}`"))?;
        engine.add_global_mapping(&f, addr);
    }
    let entry = engine
        .get_function_address(ENTRY_SYMBOL)
        .map_err(|e| format!("{ENTRY_SYMBOL}: {e}"))?;
    let main = engine
        .get_function_address(MAIN_SYMBOL)
        .map_err(|e| format!("{MAIN_SYMBOL}: {e}"))?;
    // SAFETY: `kiln_entry` was generated with exactly this signature.
    let entry: EntryFn = unsafe { std::mem::transmute::<usize, EntryFn>(entry) };
    let set_addresses = set::symbols(program)
        .iter()
        .map(|s| {
            engine
                .get_function_address(s)
                .map_err(|e| format!("{s}: {e}"))
        })
        .collect::<Result<Vec<usize>, String>>()?;
    let columns = match module.get_function(codegen::COLUMNS_SYMBOL) {
        Some(_) => {
            let address = engine
                .get_function_address(codegen::COLUMNS_SYMBOL)
                .map_err(|e| format!("{}: {e}", codegen::COLUMNS_SYMBOL))?;
            // SAFETY: `kiln_columns` was generated with exactly this signature.
            Some(unsafe { std::mem::transmute::<usize, codegen::ColumnsFn>(address) })
        }
        None => None,
    };
    Ok(Compiled {
        entry,
        main,
        columns,
        spans: generated.spans,
        result: program.main.ret.clone(),
        inputs: program.inputs.clone(),
        engine: JitEngine::Mcjit,
        stack_guard: needs_stack_guard(program),
        context_free: context_free(&module),
        set: set::code(program, &set_addresses),
        _code: Code::Mcjit {
            _engine: McjitCode {
                engine: ManuallyDrop::new(engine),
                module: ManuallyDrop::new(module),
                context: ManuallyDrop::new(context),
            },
        },
    })
}

/// Whether the optimised `kiln_main` of `module` leaves its context parameter alone:
/// LLVM's attribute inference marks it `readnone` only when no instruction of the
/// function, and no call it makes, can read or write through it.
fn context_free(module: &Module<'_>) -> bool {
    let readnone = inkwell::attributes::Attribute::get_named_enum_kind_id("readnone");
    module
        .get_function(MAIN_SYMBOL)
        .and_then(|f| f.get_enum_attribute(AttributeLoc::Param(0), readnone))
        .is_some()
}

/// Some function of the program recurses, or it calls functions of other modules (a
/// REPL line calling an earlier line's functions, which may recurse).
fn needs_stack_guard(program: &hir::Program) -> bool {
    !program.link.extern_fns.is_empty() || codegen::recursive_functions(program).contains(&true)
}

/// At most this many instructions count as "small" for [`is_small_straight_line`].
const SMALL_MODULE: usize = 400;

/// No cycle in any function's control flow, no calls from one generated function to
/// another (recursion), and at most [`SMALL_MODULE`] instructions in all.
fn is_small_straight_line(module: &Module<'_>) -> bool {
    let mut count = 0;
    for f in module.get_functions() {
        let blocks = f.get_basic_blocks();
        for (i, bb) in blocks.iter().enumerate() {
            for inst in bb.get_instructions() {
                count += 1;
                if count > SMALL_MODULE {
                    return false;
                }
                let ops = inst.get_num_operands();
                if inst.get_opcode() == inkwell::values::InstructionOpcode::Call {
                    let callee = inst
                        .get_operand(ops.saturating_sub(1))
                        .and_then(|o| o.value());
                    let internal = match callee {
                        Some(inkwell::values::BasicValueEnum::PointerValue(p)) => {
                            let name = p.get_name().to_bytes();
                            // User functions: internal ones, and the exported ones of a
                            // REPL line (defined here; not the entry points).
                            name.starts_with(b"kiln.fn.")
                                || (!name.starts_with(b"kiln_")
                                    && p.get_name()
                                        .to_str()
                                        .ok()
                                        .and_then(|n| module.get_function(n))
                                        .is_some_and(|f| f.count_basic_blocks() > 0))
                        }
                        _ => true,
                    };
                    if internal {
                        return false;
                    }
                }
                if inst.is_terminator() {
                    // In any linear order of the blocks, a cycle has an edge that goes
                    // back (or to itself).
                    for k in 0..ops {
                        if let Some(target) = inst.get_operand(k).and_then(|o| o.block()) {
                            if blocks[..=i].contains(&target) {
                                return false;
                            }
                        }
                    }
                }
            }
        }
    }
    true
}

/// Inputs and the result cross the host boundary as scalars, strings or lists of those;
/// anything else (a list of lists) is not supported there.
fn check_boundary_types(program: &hir::Program) -> Result<(), String> {
    let ok = |t: &Ty| match t {
        Ty::List(e) => abi::Kind::of(e).is_some(),
        t => abi::Kind::of(t).is_some(),
    };
    if let Some(t) = program.main.ret.as_ref().filter(|t| !ok(t)) {
        return Err(format!("a program result of type {t} is not supported"));
    }
    if let Some(i) = program.inputs.iter().find(|i| !ok(&i.ty)) {
        return Err(format!(
            "input `{}` of type {} is not supported",
            i.name, i.ty
        ));
    }
    Ok(())
}

mod emit;
mod object;
mod orc;
mod set;

pub use emit::{emit, emit_asm, emit_bitcode, emit_ir, emit_object, EmitKind};
pub use object::{compile_object, load_object, target_id, ObjectCode};

#[cfg(test)]
mod tests;
