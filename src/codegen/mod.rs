//! Stage 3: typed HIR → one LLVM module (one function per user function, one `main`).
//!
//! Layout of the module:
//! - `kiln.fn.<name>.<id>`: one internal function per `hir::Function`, `(ctx, params...)`.
//! - [`MAIN_SYMBOL`]: the program's top level, `(ctx, [out,] inputs...)`.
//! - [`ENTRY_SYMBOL`]: a uniform wrapper over `kiln_main` that hosts call through one
//!   function-pointer type (see [`EntryFn`]).
//! - Program-level bindings that functions read live in a per-run *globals frame*: a
//!   struct `main` allocates on its stack, zeroes and publishes in the run context (at
//!   `abi::GLOBALS_OFFSET`); functions load the frame pointer from the context. So
//!   concurrent runs of one program share nothing. (REPL lines instead share module
//!   globals by symbol, see `hir::Linking`.)
//! - Private constant globals for string literals.
//!
//! Faults: a failing check calls `kiln_rt_fail(ctx, fault, span, a, b)` and branches to
//! the function's `bail` block, which returns a zero value. After a call that may fail
//! (a user function the fixpoint in [`analysis`] marks fallible, or `kiln_rt_parse`),
//! the status word is loaded and a non-zero status branches to `bail` as well.
//!
//! Interrupts and memory: loops poll the interrupt flag the run context points at
//! (`abi::INTERRUPT_OFFSET`) once per chunk of [`LOOP_CHUNK`] iterations, and recursive
//! functions on entry; a set flag is fault E0611. Every arena allocation
//! (`kiln_rt_alloc`) is followed by a null check: null means the runtime recorded E0609
//! or E0616, and the function bails.

mod analysis;
mod batch;
mod columns;
mod expr;
mod format;
mod hof;
mod host;
mod ops;
mod optional;
mod regex;
mod standalone;
mod time;
mod zones;

#[cfg(test)]
mod runtime_abi;

use crate::abi::{self, AbiTy};
use crate::span::Span;
use crate::types::hir::{self, Block, Stmt, Var};
use crate::types::ty::{FloatTy, IntTy, Ty};
use inkwell::attributes::{Attribute, AttributeLoc};
use inkwell::basic_block::BasicBlock;
use inkwell::builder::{Builder, BuilderError};
use inkwell::context::Context;
use inkwell::module::{Linkage, Module};
use inkwell::types::{BasicMetadataTypeEnum, BasicType, BasicTypeEnum, IntType, StructType};
use inkwell::values::{
    BasicMetadataValueEnum, BasicValue, BasicValueEnum, FunctionValue, GlobalValue, IntValue,
    PointerValue, StructValue,
};
use inkwell::{AddressSpace, IntPredicate};
use std::collections::HashMap;

pub use crate::types::hir::Overflow;
pub(crate) use analysis::main_may_fail;
pub use analysis::{fallible_functions, fallible_functions_with, host_calls, recursive_functions};
pub use batch::{SetOneFn, ALL_OUTPUTS, SET_ALL_SYMBOL, SET_ONE_SYMBOL};
use columns::add_columns_entry;
pub use columns::{has_columns_entry, has_validity, is_column_type, ColumnsFn, COLUMNS_SYMBOL};
pub use host::{HostImpl, InlineCall, InlineCx, InlineEmit, NativeCall};
use standalone::add_c_main;
pub use standalone::Standalone;

/// Name of the generated entry point. Its signature: `(ctx: ptr, [out: ptr,] inputs...)`
/// returning the result directly when it is a scalar, through `out` when it is a string
/// or list, and nothing when the program has no result.
pub const MAIN_SYMBOL: &str = "kiln_main";

/// Iterations of a generated loop between two polls of the interrupt flag.
pub(crate) const LOOP_CHUNK: u64 = 1 << 14;

/// Name of the uniform entry wrapper: `void (ctx: ptr, inputs: ptr, out: ptr)`. `inputs`
/// points to one 16-byte slot per input (a scalar's ABI bits in the first word; a string
/// or list as ptr, len); the result is stored the same way into the slot at `out`
/// (nothing is stored when the program has no result or a fault was recorded).
pub const ENTRY_SYMBOL: &str = "kiln_entry";

/// The Rust type of [`ENTRY_SYMBOL`].
pub type EntryFn =
    unsafe extern "C" fn(*mut crate::runtime::RunCtx, *const [u64; 2], *mut [u64; 2]);

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

/// What goes into a module besides the program itself.
#[derive(Clone, Debug, Default)]
pub struct Options<'a> {
    /// How each `hir::ExprKind::CallHost` is called, by index.
    pub host: &'a [HostImpl],
    /// Also generate the columnar entry ([`COLUMNS_SYMBOL`]) when the program can have
    /// one ([`has_columns_entry`]): one call runs the program over a batch of rows.
    pub columns: bool,
    /// Also generate a C `main` that runs the program as a standalone executable (see
    /// [`add_c_main`]); `None` for JIT use.
    pub standalone: Option<&'a Standalone>,
    /// Fast-math flags on float operations ([`FpMath::Fast`]).
    pub fp_math: FpMath,
    /// Integer overflow wraps or traps (E0617).
    pub overflow: Overflow,
}

/// What a host needs to know to call a module's entry points, derived from the program
/// alone (so a module loaded from an object file gets it without generating code).
#[derive(Clone, Debug)]
pub struct Interface {
    /// The program's inputs (`param`s), in order: `kiln_entry`'s input slots.
    pub inputs: Vec<hir::Input>,
    /// The result type (`None`: no result).
    pub result: Option<Ty>,
    /// A program set's output types, in order (empty for an ordinary program).
    pub outputs: Vec<Ty>,
    /// Runs must arm the stack guard first: some function recurses, or the program
    /// calls functions of other modules (a REPL line calling an earlier line's functions,
    /// which may recurse).
    pub stack_guard: bool,
}

impl Interface {
    /// The program's interface. Fails for inputs or a result that cannot cross the host
    /// boundary (only scalars, strings and lists of those can).
    pub fn of(program: &hir::Program) -> Result<Interface, String> {
        check_boundary_types(program)?;
        Ok(Interface {
            inputs: program.inputs.clone(),
            result: program.main.ret.clone(),
            outputs: program.outputs.iter().map(|o| o.ty.clone()).collect(),
            stack_guard: !program.link.extern_fns.is_empty()
                || analysis::recursive_functions(program).contains(&true),
        })
    }

    /// The entry symbols a module defines besides [`MAIN_SYMBOL`] and [`ENTRY_SYMBOL`]
    /// (and [`COLUMNS_SYMBOL`]): a set's two entries, or none.
    pub fn set_symbols(&self) -> &'static [&'static str] {
        if self.outputs.is_empty() {
            &[]
        } else {
            &[SET_ALL_SYMBOL, SET_ONE_SYMBOL]
        }
    }
}

/// Inputs and the result cross the host boundary as any type a runtime type code
/// describes (scalars, strings, lists of any depth).
fn check_boundary_types(program: &hir::Program) -> Result<(), String> {
    let ok = |t: &Ty| abi::type_code(t).is_some();
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

/// A finished, verified, not yet optimised module.
pub struct Generated<'ctx> {
    pub module: Module<'ctx>,
    /// Span table: runtime faults name an index into it.
    pub spans: Vec<Span>,
    pub interface: Interface,
}

/// Generate the whole module of a checked program in `context`: its functions and entry
/// points, plus what `options` ask for; verified. An error names what was unexpected in
/// the program (one outside the HIR invariants) or what LLVM refused.
pub fn generate<'ctx>(
    context: &'ctx Context,
    program: &hir::Program,
    options: &Options<'_>,
) -> Result<Generated<'ctx>, String> {
    let interface = Interface::of(program)?;
    let mut cg = Cg::new(context, program, options.host, options.overflow);
    cg.run().map_err(|Error(e)| e)?;
    let (module, spans) = (cg.module, cg.spans);
    if options.columns {
        add_columns_entry(context, &module, program, options.host, options.overflow)?;
    }
    if let Some(standalone) = options.standalone {
        add_c_main(context, &module, program, &spans, standalone)?;
    }
    if options.fp_math == FpMath::Fast {
        relax_float_math(&module);
    }
    module.verify().map_err(|e| e.to_string())?;
    Ok(Generated {
        module,
        spans,
        interface,
    })
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

/// A codegen failure (a program outside what the HIR invariants allow, or a builder error).
#[derive(Debug)]
pub(crate) struct Error(pub String);

impl From<BuilderError> for Error {
    fn from(e: BuilderError) -> Self {
        Error(format!("LLVM builder: {e}"))
    }
}

impl From<String> for Error {
    fn from(e: String) -> Self {
        Error(e)
    }
}

pub(crate) type Res<T> = Result<T, Error>;

fn bug<T>(what: impl Into<String>) -> Res<T> {
    Err(Error(what.into()))
}

/// Where a program-level binding lives.
#[derive(Clone, Copy)]
enum GlobalSlot<'ctx> {
    /// A module global shared with other modules by symbol (REPL).
    Linked(GlobalValue<'ctx>),
    /// Field `i` of the run's globals frame.
    Frame(u32),
}

/// Per-function state.
struct Frame<'a, 'ctx> {
    hir: &'a hir::Function,
    func: FunctionValue<'ctx>,
    ctx: PointerValue<'ctx>,
    locals: Vec<PointerValue<'ctx>>,
    bail: BasicBlock<'ctx>,
    /// A `{ ptr, i64 }` slot for runtime functions that return a pair through `out`.
    scratch: Option<PointerValue<'ctx>>,
    /// The run's globals frame (when the program has one).
    globals: Option<PointerValue<'ctx>>,
}

pub(crate) struct Cg<'a, 'ctx> {
    cx: &'ctx Context,
    module: Module<'ctx>,
    b: Builder<'ctx>,
    /// Positioned at the end of the current function's entry block (allocas only).
    alloca_b: Builder<'ctx>,
    prog: &'a hir::Program,
    /// How each host function is called (`hir::ExprKind::CallHost`).
    host: &'a [HostImpl],
    fns: Vec<FunctionValue<'ctx>>,
    fallible: Vec<bool>,
    globals: Vec<GlobalSlot<'ctx>>,
    /// The globals frame's struct type (`None`: the program has no frame globals).
    frame_ty: Option<StructType<'ctx>>,
    spans: Vec<Span>,
    span_ids: HashMap<Span, u32>,
    strings: HashMap<String, GlobalValue<'ctx>>,
    frame: Option<Frame<'a, 'ctx>>,
    /// Integer `+ - *` and unary `-` wrap or trap (E0617).
    overflow: Overflow,
}

/// Whether values of this type cross as a (ptr, len) pair.
fn is_pair(ty: &Ty) -> bool {
    crate::value::layout::is_pair(ty)
}

impl<'a, 'ctx> Cg<'a, 'ctx> {
    fn new(
        cx: &'ctx Context,
        prog: &'a hir::Program,
        host: &'a [HostImpl],
        overflow: Overflow,
    ) -> Self {
        Cg {
            cx,
            module: cx.create_module("kiln"),
            b: cx.create_builder(),
            alloca_b: cx.create_builder(),
            prog,
            host,
            fns: Vec::new(),
            fallible: analysis::fallible_functions_with(prog, host, overflow),
            overflow,
            globals: Vec::new(),
            frame_ty: None,
            spans: Vec::new(),
            span_ids: HashMap::new(),
            strings: HashMap::new(),
            frame: None,
        }
    }

    fn run(&mut self) -> Res<()> {
        let prog = self.prog;
        let mut fields = Vec::new();
        for (id, g) in prog.globals.iter().enumerate() {
            let ty = self.mem_ty(&g.ty)?;
            let imported = prog.link.imported_globals.iter().find(|(i, _)| *i == id);
            let exported = prog.link.exported_globals.iter().find(|e| e.global == id);
            let slot = match (imported, exported) {
                (Some((_, symbol)), _) => {
                    let global = self.module.add_global(ty, None, symbol);
                    global.set_linkage(Linkage::External);
                    GlobalSlot::Linked(global)
                }
                (None, Some(e)) => {
                    let global = self.module.add_global(ty, None, &e.symbol);
                    global.set_linkage(Linkage::External);
                    global.set_initializer(&ty.const_zero());
                    GlobalSlot::Linked(global)
                }
                (None, None) => {
                    fields.push(ty);
                    GlobalSlot::Frame(fields.len() as u32 - 1)
                }
            };
            self.globals.push(slot);
        }
        if !fields.is_empty() {
            self.frame_ty = Some(self.cx.struct_type(&fields, false));
        }
        // Declare every function first: calls may go forward and be mutually recursive.
        for (id, f) in prog.functions.iter().enumerate() {
            let mut params = vec![self.ptr_ty().into()];
            for &p in &f.params {
                params.push(self.local_ty(f, p)?.into());
            }
            let fn_ty = self.fn_type(f.ret.as_ref(), &params)?;
            let func = match prog.link.exported_fns.iter().find(|(i, _)| *i == id) {
                Some((_, symbol)) => {
                    self.module
                        .add_function(symbol, fn_ty, Some(Linkage::External))
                }
                None => {
                    let name = format!("kiln.fn.{}.{}", f.name, id);
                    self.module
                        .add_function(&name, fn_ty, Some(Linkage::Internal))
                }
            };
            self.fns.push(func);
        }
        let main = self.declare_main()?;
        let recursive = analysis::recursive_functions(prog);
        for (id, f) in prog.functions.iter().enumerate() {
            self.define(self.fns[id], f, false)?;
            if recursive[id] {
                self.guard_stack(self.fns[id], f.span)?;
            }
        }
        self.define(main, &prog.main, true)?;
        if self.is_set() {
            return self.define_set_entries(main);
        }
        self.define_entry(main)
    }

    // ---- types -------------------------------------------------------------------------

    fn ptr_ty(&self) -> inkwell::types::PointerType<'ctx> {
        self.cx.ptr_type(AddressSpace::default())
    }

    fn i32_ty(&self) -> IntType<'ctx> {
        self.cx.i32_type()
    }

    fn i64_ty(&self) -> IntType<'ctx> {
        self.cx.i64_type()
    }

    fn int_ty(&self, it: IntTy) -> IntType<'ctx> {
        match it.bits() {
            8 => self.cx.i8_type(),
            16 => self.cx.i16_type(),
            32 => self.cx.i32_type(),
            _ => self.cx.i64_type(),
        }
    }

    fn float_ty(&self, ft: FloatTy) -> inkwell::types::FloatType<'ctx> {
        match ft {
            FloatTy::F32 => self.cx.f32_type(),
            FloatTy::F64 => self.cx.f64_type(),
        }
    }

    /// `{ ptr, i64 }`: strings and lists.
    fn pair_ty(&self) -> StructType<'ctx> {
        self.cx
            .struct_type(&[self.ptr_ty().into(), self.i64_ty().into()], false)
    }

    /// The type of a value in registers.
    fn llty(&self, ty: &Ty) -> Res<BasicTypeEnum<'ctx>> {
        Ok(match ty {
            Ty::Bool => self.cx.bool_type().into(),
            Ty::Int(i) => self.int_ty(*i).into(),
            Ty::Float(f) => self.float_ty(*f).into(),
            Ty::Str | Ty::List(_) => self.pair_ty().into(),
            Ty::Opt(t) => return self.opt_llty(t),
            Ty::Timestamp | Ty::Duration => self.i64_ty().into(),
            t => return bug(format!("unexpected type `{t}` in a checked program")),
        })
    }

    /// The type of a value in memory (locals, globals, list elements): bool is a byte.
    fn mem_ty(&self, ty: &Ty) -> Res<BasicTypeEnum<'ctx>> {
        match ty {
            Ty::Bool => Ok(self.cx.i8_type().into()),
            Ty::Opt(t) => self.opt_mem_ty(t),
            t => self.llty(t),
        }
    }

    fn local_ty(&self, f: &hir::Function, id: usize) -> Res<BasicTypeEnum<'ctx>> {
        match f.locals.get(id) {
            Some(l) => self.llty(&l.ty),
            None => bug(format!("local {id} out of range in `{}`", f.name)),
        }
    }

    fn fn_type(
        &self,
        ret: Option<&Ty>,
        params: &[BasicMetadataTypeEnum<'ctx>],
    ) -> Res<inkwell::types::FunctionType<'ctx>> {
        Ok(match ret {
            Some(t) => self.llty(t)?.fn_type(params, false),
            None => self.cx.void_type().fn_type(params, false),
        })
    }

    fn declare_main(&mut self) -> Res<FunctionValue<'ctx>> {
        if self.is_set() {
            return self.declare_set_main();
        }
        let main = &self.prog.main;
        let mut params: Vec<BasicMetadataTypeEnum> = vec![self.ptr_ty().into()];
        let out = main.ret.as_ref().is_some_and(is_pair);
        if out {
            params.push(self.ptr_ty().into());
        }
        for &p in &main.params {
            params.push(self.local_ty(main, p)?.into());
        }
        let ret = main.ret.as_ref().filter(|t| !is_pair(t));
        let fn_ty = self.fn_type(ret, &params)?;
        let func = self
            .module
            .add_function(MAIN_SYMBOL, fn_ty, Some(Linkage::External));
        // The C ABI of narrow scalars, so hosts may call `kiln_main` as an `extern "C"`
        // function of the matching Rust types (typed handles do).
        let first = if out { 2 } else { 1 };
        for (i, &p) in main.params.iter().enumerate() {
            if let Some(attr) = self.extension(&main.locals[p].ty) {
                func.add_attribute(AttributeLoc::Param(first + i as u32), attr);
            }
        }
        if let Some(attr) = ret.and_then(|t| self.extension(t)) {
            func.add_attribute(AttributeLoc::Return, attr);
        }
        Ok(func)
    }

    /// `zeroext`/`signext` for scalars narrower than 32 bits (bool, 8- and 16-bit ints).
    fn extension(&self, ty: &Ty) -> Option<Attribute> {
        match ty {
            Ty::Bool => Some(self.enum_attr("zeroext")),
            Ty::Int(i) if i.bits() < 32 && i.signed() => Some(self.enum_attr("signext")),
            Ty::Int(i) if i.bits() < 32 => Some(self.enum_attr("zeroext")),
            _ => None,
        }
    }

    // ---- values in memory and at the ABI ------------------------------------------------

    fn reg_to_mem(&self, v: BasicValueEnum<'ctx>, ty: &Ty) -> Res<BasicValueEnum<'ctx>> {
        Ok(match ty {
            Ty::Bool => self
                .b
                .build_int_z_extend(v.into_int_value(), self.cx.i8_type(), "")?
                .into(),
            Ty::Opt(t) => self.opt_convert(v, t, true)?,
            _ => v,
        })
    }

    fn mem_to_reg(&self, v: BasicValueEnum<'ctx>, ty: &Ty) -> Res<BasicValueEnum<'ctx>> {
        Ok(match ty {
            Ty::Bool => self
                .b
                .build_int_truncate(v.into_int_value(), self.cx.bool_type(), "")?
                .into(),
            Ty::Opt(t) => self.opt_convert(v, t, false)?,
            _ => v,
        })
    }

    fn load(&self, ptr: PointerValue<'ctx>, ty: &Ty) -> Res<BasicValueEnum<'ctx>> {
        let v = self.b.build_load(self.mem_ty(ty)?, ptr, "")?;
        self.mem_to_reg(v, ty)
    }

    fn store(&self, ptr: PointerValue<'ctx>, v: BasicValueEnum<'ctx>, ty: &Ty) -> Res<()> {
        let v = self.reg_to_mem(v, ty)?;
        self.b.build_store(ptr, v)?;
        Ok(())
    }

    fn var_slot(&self, var: Var) -> Res<(PointerValue<'ctx>, Ty)> {
        let func = self.current_hir()?;
        Ok(match var {
            Var::Local(id) => match (self.frame()?.locals.get(id), func.locals.get(id)) {
                (Some(p), Some(l)) => (*p, l.ty.clone()),
                _ => return bug(format!("local {id} out of range")),
            },
            Var::Global(id) => match (self.globals.get(id), self.prog.globals.get(id)) {
                (Some(GlobalSlot::Linked(g)), Some(h)) => (g.as_pointer_value(), h.ty.clone()),
                (Some(GlobalSlot::Frame(i)), Some(h)) => {
                    let (Some(frame_ty), Some(frame)) = (self.frame_ty, self.frame()?.globals)
                    else {
                        return bug("a frame global without a globals frame");
                    };
                    let ptr = self.b.build_struct_gep(frame_ty, frame, *i, "")?;
                    (ptr, h.ty.clone())
                }
                _ => return bug(format!("global {id} out of range")),
            },
        })
    }

    /// A scalar as `u64` ABI bits: integers extended by signedness, bool 0/1, floats as
    /// their bit patterns.
    fn to_bits(&self, v: BasicValueEnum<'ctx>, ty: &Ty) -> Res<IntValue<'ctx>> {
        let i64t = self.i64_ty();
        Ok(match ty {
            Ty::Bool => self.b.build_int_z_extend(v.into_int_value(), i64t, "")?,
            Ty::Int(i) => {
                self.b
                    .build_int_cast_sign_flag(v.into_int_value(), i64t, i.signed(), "")?
            }
            Ty::Float(FloatTy::F32) => {
                let i = self.b.build_bit_cast(v, self.i32_ty(), "")?;
                self.b.build_int_z_extend(i.into_int_value(), i64t, "")?
            }
            Ty::Float(FloatTy::F64) => self.b.build_bit_cast(v, i64t, "")?.into_int_value(),
            Ty::Timestamp | Ty::Duration => v.into_int_value(),
            t => return bug(format!("`{t}` has no scalar bits")),
        })
    }

    /// The inverse of [`Cg::to_bits`].
    fn bits_to_value(&self, bits: IntValue<'ctx>, ty: &Ty) -> Res<BasicValueEnum<'ctx>> {
        Ok(match ty {
            Ty::Bool => self
                .b
                .build_int_truncate(bits, self.cx.bool_type(), "")?
                .into(),
            Ty::Int(i) => self
                .b
                .build_int_cast_sign_flag(bits, self.int_ty(*i), false, "")?
                .into(),
            Ty::Float(FloatTy::F32) => {
                let i = self.b.build_int_truncate(bits, self.i32_ty(), "")?;
                self.b.build_bit_cast(i, self.cx.f32_type(), "")?
            }
            Ty::Float(FloatTy::F64) => self.b.build_bit_cast(bits, self.cx.f64_type(), "")?,
            Ty::Timestamp | Ty::Duration => bits.into(),
            t => return bug(format!("`{t}` has no scalar bits")),
        })
    }

    fn make_pair(&self, ptr: PointerValue<'ctx>, len: IntValue<'ctx>) -> Res<StructValue<'ctx>> {
        let undef = self.pair_ty().get_undef();
        let s = self.b.build_insert_value(undef, ptr, 0, "")?;
        Ok(self
            .b
            .build_insert_value(s, len, 1, "")?
            .into_struct_value())
    }

    fn split_pair(&self, v: BasicValueEnum<'ctx>) -> Res<(PointerValue<'ctx>, IntValue<'ctx>)> {
        let s = v.into_struct_value();
        let ptr = self.b.build_extract_value(s, 0, "")?.into_pointer_value();
        let len = self.b.build_extract_value(s, 1, "")?.into_int_value();
        Ok((ptr, len))
    }

    // ---- function state -----------------------------------------------------------------

    fn frame(&self) -> Res<&Frame<'a, 'ctx>> {
        self.frame
            .as_ref()
            .ok_or_else(|| Error("no current function".into()))
    }

    fn ctx_ptr(&self) -> Res<PointerValue<'ctx>> {
        Ok(self.frame()?.ctx)
    }

    fn current_hir(&self) -> Res<&'a hir::Function> {
        Ok(self.frame()?.hir)
    }

    fn block(&self, name: &str) -> Res<BasicBlock<'ctx>> {
        Ok(self.cx.append_basic_block(self.frame()?.func, name))
    }

    fn current_block(&self) -> Res<BasicBlock<'ctx>> {
        self.b
            .get_insert_block()
            .ok_or_else(|| Error("builder has no block".into()))
    }

    /// An alloca in the entry block (so mem2reg can promote it).
    fn entry_alloca(&self, ty: BasicTypeEnum<'ctx>, name: &str) -> Res<PointerValue<'ctx>> {
        Ok(self.alloca_b.build_alloca(ty, name)?)
    }

    fn scratch(&mut self) -> Res<PointerValue<'ctx>> {
        if let Some(p) = self.frame()?.scratch {
            return Ok(p);
        }
        let p = self.entry_alloca(self.pair_ty().into(), "scratch")?;
        if let Some(f) = self.frame.as_mut() {
            f.scratch = Some(p);
        }
        Ok(p)
    }

    fn span_id(&mut self, span: Span) -> u32 {
        let base = self.prog.link.span_base;
        *self.span_ids.entry(span).or_insert_with(|| {
            self.spans.push(span);
            base + (self.spans.len() - 1) as u32
        })
    }

    // ---- runtime calls and faults -------------------------------------------------------

    /// The declaration of runtime function `name` (declared on first use from the ABI table).
    fn rt(&self, name: &str) -> Res<FunctionValue<'ctx>> {
        if let Some(f) = self.module.get_function(name) {
            return Ok(f);
        }
        let Some((_, ret, params)) = abi::RUNTIME_FUNCTIONS.iter().find(|r| r.0 == name) else {
            return bug(format!("unknown runtime function {name}"));
        };
        let abi_ty = |t: &AbiTy| -> BasicTypeEnum<'ctx> {
            match t {
                AbiTy::Ptr => self.ptr_ty().into(),
                AbiTy::I32 => self.i32_ty().into(),
                AbiTy::I64 => self.i64_ty().into(),
                AbiTy::F32 => self.cx.f32_type().into(),
                AbiTy::F64 => self.cx.f64_type().into(),
            }
        };
        let params: Vec<BasicMetadataTypeEnum> = params.iter().map(|p| abi_ty(p).into()).collect();
        let fn_ty = match ret {
            Some(r) => abi_ty(r).fn_type(&params, false),
            None => self.cx.void_type().fn_type(&params, false),
        };
        let f = self
            .module
            .add_function(name, fn_ty, Some(Linkage::External));
        f.add_attribute(AttributeLoc::Function, self.enum_attr("nounwind"));
        match name {
            abi::RT_FAIL => f.add_attribute(AttributeLoc::Function, self.enum_attr("cold")),
            // Fresh arena memory: aliases nothing else.
            abi::RT_ALLOC => f.add_attribute(AttributeLoc::Return, self.enum_attr("noalias")),
            // A field of a timestamp in a resolved zone: a function of its arguments
            // (the zone table only grows), so LLVM may merge and hoist it (issue 15).
            abi::RT_TIME_FIELD => {
                let memory = Attribute::get_named_enum_kind_id("memory");
                f.add_attribute(
                    AttributeLoc::Function,
                    self.cx.create_enum_attribute(memory, 0),
                );
                f.add_attribute(AttributeLoc::Function, self.enum_attr("willreturn"));
            }
            abi::RT_STR_CMP => {
                // Only reads memory (`memory(read)`: ref for every location kind), always
                // returns: calls can be reused or dropped.
                let memory = Attribute::get_named_enum_kind_id("memory");
                f.add_attribute(
                    AttributeLoc::Function,
                    self.cx.create_enum_attribute(memory, 0b01_01_01),
                );
                f.add_attribute(AttributeLoc::Function, self.enum_attr("willreturn"));
            }
            _ => {}
        }
        Ok(f)
    }

    fn enum_attr(&self, name: &str) -> Attribute {
        self.cx
            .create_enum_attribute(Attribute::get_named_enum_kind_id(name), 0)
    }

    fn call_rt(
        &self,
        name: &str,
        args: &[BasicMetadataValueEnum<'ctx>],
    ) -> Res<Option<BasicValueEnum<'ctx>>> {
        let f = self.rt(name)?;
        let call = self.b.build_call(f, args, "")?;
        Ok(match call.try_as_basic_value() {
            inkwell::values::ValueKind::Basic(v) => Some(v),
            inkwell::values::ValueKind::Instruction(_) => None,
        })
    }

    /// Call a runtime function that returns a (ptr, len) pair through an out pointer.
    fn call_rt_pair(
        &mut self,
        name: &str,
        args: &[BasicMetadataValueEnum<'ctx>],
    ) -> Res<BasicValueEnum<'ctx>> {
        let out = self.scratch()?;
        let mut all = args.to_vec();
        all.push(out.into());
        self.call_rt(name, &all)?;
        Ok(self.b.build_load(self.pair_ty(), out, "")?)
    }

    /// When `cond` holds: record `fault` at `span` with operands `a`, `b` (i64) and return
    /// from the function. Continues in the not-failed block.
    fn fail_if(
        &mut self,
        cond: IntValue<'ctx>,
        fault: abi::Fault,
        span: Span,
        a: IntValue<'ctx>,
        b: IntValue<'ctx>,
    ) -> Res<()> {
        let fail = self.block("fail")?;
        let ok = self.block("ok")?;
        self.b.build_conditional_branch(cond, fail, ok)?;
        self.b.position_at_end(fail);
        let ctx = self.ctx_ptr()?;
        let bail = self.frame()?.bail;
        self.record_fault(ctx, fault, span, (a, b), bail)?;
        self.b.position_at_end(ok);
        Ok(())
    }

    /// At the builder's position: record `fault` at `span` (with its two values) in the
    /// run context and branch to `bail`.
    fn record_fault(
        &mut self,
        ctx: PointerValue<'ctx>,
        fault: abi::Fault,
        span: Span,
        (a, b): (IntValue<'ctx>, IntValue<'ctx>),
        bail: BasicBlock<'ctx>,
    ) -> Res<()> {
        let span = self.span_id(span);
        let args = [
            ctx.into(),
            self.i32_ty().const_int(fault as u64, false).into(),
            self.i32_ty().const_int(span as u64, false).into(),
            a.into(),
            b.into(),
        ];
        self.call_rt(abi::RT_FAIL, &args)?;
        self.b.build_unconditional_branch(bail)?;
        Ok(())
    }

    /// The span id of `span` as an `i32` argument for a runtime call.
    fn span_arg(&mut self, span: Span) -> IntValue<'ctx> {
        let id = self.span_id(span);
        self.i32_ty().const_int(id as u64, false)
    }

    /// `bytes` of arena memory aligned to `align` for a value made at `span`; when it
    /// does not fit (the runtime recorded E0609 or E0616) the function bails.
    fn alloc(&mut self, span: Span, bytes: IntValue<'ctx>, align: u64) -> Res<PointerValue<'ctx>> {
        let span = self.span_arg(span);
        let args = [
            self.ctx_ptr()?.into(),
            span.into(),
            bytes.into(),
            self.i64_ty().const_int(align, false).into(),
        ];
        let Some(ptr) = self.call_rt(abi::RT_ALLOC, &args)? else {
            return bug("kiln_rt_alloc returned nothing");
        };
        let ptr = ptr.into_pointer_value();
        let failed = self.b.build_is_null(ptr, "")?;
        let ok = self.block("alloc.ok")?;
        self.b
            .build_conditional_branch(failed, self.frame()?.bail, ok)?;
        self.b.position_at_end(ok);
        Ok(ptr)
    }

    /// Whether the run's interrupt flag is set: the flag pointer at
    /// `abi::INTERRUPT_OFFSET`, then a monotonic load (which LLVM keeps in the loop).
    fn interrupt_set(&self, b: &Builder<'ctx>, ctx: PointerValue<'ctx>) -> Res<IntValue<'ctx>> {
        let slot = self.ctx_field(b, ctx, abi::INTERRUPT_OFFSET)?;
        let flag = b
            .build_load(self.ptr_ty(), slot, "interrupt.flag")?
            .into_pointer_value();
        let value = b.build_load(self.i32_ty(), flag, "interrupt")?;
        if let Some(load) = value.as_instruction_value() {
            load.set_alignment(4)
                .map_err(|e| Error(format!("interrupt load: {e:?}")))?;
            load.set_atomic_ordering(inkwell::AtomicOrdering::Monotonic)
                .map_err(|e| Error(format!("interrupt load: {e:?}")))?;
        }
        Ok(b.build_int_compare(
            IntPredicate::NE,
            value.into_int_value(),
            self.i32_ty().const_zero(),
            "interrupted",
        )?)
    }

    /// Poll the interrupt flag: when set, fault E0611 at `span` and return.
    fn poll_interrupt(&mut self, span: Span) -> Res<()> {
        let set = self.interrupt_set(&self.b, self.ctx_ptr()?)?;
        let zero = self.i64_ty().const_zero();
        self.fail_if(set, abi::Fault::Interrupted, span, zero, zero)
    }

    /// The latch of a loop with an early exit: with the incremented counter `inc`, poll
    /// the interrupt flag when `inc` is a multiple of [`LOOP_CHUNK`], then branch to
    /// `header`. The blocks that branch to `header` (for its phi).
    fn poll_every_chunk(
        &mut self,
        inc: IntValue<'ctx>,
        header: BasicBlock<'ctx>,
        span: Span,
    ) -> Res<[BasicBlock<'ctx>; 2]> {
        let i64t = self.i64_ty();
        let from = self.current_block()?;
        let low = self
            .b
            .build_and(inc, i64t.const_int(LOOP_CHUNK - 1, false), "")?;
        let due = self
            .b
            .build_int_compare(IntPredicate::EQ, low, i64t.const_zero(), "")?;
        let poll = self.block("loop.poll")?;
        self.b.build_conditional_branch(due, poll, header)?;
        self.b.position_at_end(poll);
        self.poll_interrupt(span)?;
        let polled = self.current_block()?;
        self.b.build_unconditional_branch(header)?;
        Ok([from, polled])
    }

    /// Return at once if the status word is set (after a call that may fail).
    fn check_status(&mut self) -> Res<()> {
        let ctx = self.ctx_ptr()?;
        let status = self.b.build_load(self.i32_ty(), ctx, "status")?;
        let failed = self.b.build_int_compare(
            IntPredicate::NE,
            status.into_int_value(),
            self.i32_ty().const_zero(),
            "",
        )?;
        let ok = self.block("ok")?;
        self.b
            .build_conditional_branch(failed, self.frame()?.bail, ok)?;
        self.b.position_at_end(ok);
        Ok(())
    }

    // ---- functions and statements -------------------------------------------------------

    fn define(
        &mut self,
        func: FunctionValue<'ctx>,
        f: &'a hir::Function,
        is_main: bool,
    ) -> Res<()> {
        let entry = self.cx.append_basic_block(func, "entry");
        let body = self.cx.append_basic_block(func, "body");
        let bail = self.cx.append_basic_block(func, "bail");
        self.alloca_b.position_at_end(entry);
        let mut locals = Vec::with_capacity(f.locals.len());
        for l in &f.locals {
            locals.push(self.alloca_b.build_alloca(self.mem_ty(&l.ty)?, &l.name)?);
        }
        let param = |i: u32| {
            func.get_nth_param(i)
                .ok_or_else(|| Error(format!("missing parameter {i} of `{}`", f.name)))
        };
        let ctx = param(0)?.into_pointer_value();
        let out_param = is_main && f.ret.as_ref().is_some_and(is_pair);
        // A set's main takes (ctx, row, sel, inputs...): see batch.rs.
        let first = if is_main && self.is_set() {
            3
        } else if out_param {
            2
        } else {
            1
        };
        // The globals frame: `main` owns it (zeroed: every run starts afresh, whatever
        // an earlier run left) and publishes it in the context; functions find it there.
        let globals = match self.frame_ty {
            None => None,
            Some(frame_ty) if is_main => {
                let frame = self.alloca_b.build_alloca(frame_ty, "globals")?;
                self.alloca_b.build_store(frame, frame_ty.const_zero())?;
                let slot = self.ctx_field(&self.alloca_b, ctx, abi::GLOBALS_OFFSET)?;
                self.alloca_b.build_store(slot, frame)?;
                Some(frame)
            }
            Some(_) => {
                let slot = self.ctx_field(&self.alloca_b, ctx, abi::GLOBALS_OFFSET)?;
                let frame = self.alloca_b.build_load(self.ptr_ty(), slot, "globals")?;
                Some(frame.into_pointer_value())
            }
        };
        self.frame = Some(Frame {
            hir: f,
            func,
            ctx,
            locals,
            bail,
            scratch: None,
            globals,
        });

        self.b.position_at_end(body);
        if is_main {
            // Exported globals (a REPL line's) start zeroed too; imported ones (earlier
            // lines') are left alone.
            let link = &self.prog.link;
            for (id, (g, h)) in self.globals.iter().zip(&self.prog.globals).enumerate() {
                if let GlobalSlot::Linked(g) = g {
                    if !link.imported_globals.iter().any(|(i, _)| *i == id) {
                        let zero = self.mem_ty(&h.ty)?.const_zero();
                        self.b.build_store(g.as_pointer_value(), zero)?;
                    }
                }
            }
        }
        for (i, &local) in f.params.iter().enumerate() {
            let v = param(first + i as u32)?;
            let (ptr, ty) = self.var_slot(Var::Local(local))?;
            self.store(ptr, v, &ty)?;
        }
        for s in &f.body.stmts {
            if is_main && self.is_set() {
                self.set_stmt(s)?;
            } else {
                self.stmt(s)?;
            }
        }
        let value = match &f.body.value {
            Some(e) => Some(self.expr(e)?),
            None => None,
        };
        match (&f.ret, value) {
            (Some(_), Some(v)) if out_param => {
                self.b.build_store(param(1)?.into_pointer_value(), v)?;
                self.b.build_return(None)?;
            }
            (Some(_), Some(v)) => {
                self.b.build_return(Some(&v))?;
            }
            (None, _) => {
                self.b.build_return(None)?;
            }
            (Some(_), None) => return bug(format!("`{}` has a result type but no value", f.name)),
        }

        // A fault: return a zero value (the host reads the status, not the value).
        self.b.position_at_end(bail);
        match f.ret.as_ref().filter(|_| !out_param) {
            Some(t) => {
                let zero = self.llty(t)?.const_zero();
                self.b.build_return(Some(&zero))?
            }
            None => self.b.build_return(None)?,
        };
        if let Some(last) = func.get_last_basic_block() {
            let _ = bail.move_after(last);
        }
        self.alloca_b.build_unconditional_branch(body)?;
        self.frame = None;
        Ok(())
    }

    /// A pointer to the context field at byte `offset` (see `abi`).
    fn ctx_field(
        &self,
        b: &Builder<'ctx>,
        ctx: PointerValue<'ctx>,
        offset: u64,
    ) -> Res<PointerValue<'ctx>> {
        // SAFETY (IR): the run context is `#[repr(C)]` with the field at `offset`.
        Ok(unsafe {
            b.build_in_bounds_gep(
                self.cx.i8_type(),
                ctx,
                &[self.i64_ty().const_int(offset, false)],
                "",
            )?
        })
    }

    /// Prepend to a defined recursive function: if its frame lies below the run's stack
    /// limit, raise `StackOverflow` (pointing at the function) instead of recursing on;
    /// if the interrupt flag is set, `Interrupted`.
    fn guard_stack(&mut self, func: FunctionValue<'ctx>, span: Span) -> Res<()> {
        let (Some(entry), Some(body)) = (
            func.get_first_basic_block(),
            func.get_basic_blocks().get(1).copied(),
        ) else {
            return bug("a defined function has an entry and a body block");
        };
        let Some(bail) = func.get_last_basic_block() else {
            return bug("a defined function has a bail block");
        };
        let ctx = func
            .get_nth_param(0)
            .ok_or_else(|| Error("missing context parameter".into()))?
            .into_pointer_value();
        // The guard runs in its own block between `entry` (allocas) and `body`.
        let guard = self.cx.prepend_basic_block(body, "stack.guard");
        let Some(jump) = entry.get_terminator() else {
            return bug("the entry block ends in a branch");
        };
        jump.erase_from_basic_block();
        self.alloca_b.position_at_end(entry);
        self.alloca_b.build_unconditional_branch(guard)?;
        self.b.position_at_end(guard);
        let frame = self.intrinsic(
            "llvm.frameaddress",
            &[self.ptr_ty().into()],
            &[self.i32_ty().const_zero().into()],
        )?;
        let here = self
            .b
            .build_ptr_to_int(frame.into_pointer_value(), self.i64_ty(), "sp")?;
        // SAFETY of the offset: the run context is `#[repr(C)]` with the limit there.
        let slot = unsafe {
            self.b.build_gep(
                self.cx.i8_type(),
                ctx,
                &[self.i64_ty().const_int(abi::STACK_LIMIT_OFFSET, false)],
                "limit.ptr",
            )?
        };
        let limit = self
            .b
            .build_load(self.i64_ty(), slot, "limit")?
            .into_int_value();
        let low = self
            .b
            .build_int_compare(IntPredicate::ULT, here, limit, "stack.low")?;
        let fail = self.cx.insert_basic_block_after(guard, "stack.overflow");
        // Then the interrupt flag: a long recursion stops at its next call.
        let poll = self.cx.insert_basic_block_after(fail, "interrupt.poll");
        let interrupted = self.cx.insert_basic_block_after(poll, "interrupted");
        self.b.build_conditional_branch(low, fail, poll)?;
        self.b.position_at_end(poll);
        let set = self.interrupt_set(&self.b, ctx)?;
        self.b.build_conditional_branch(set, interrupted, body)?;
        let zero = self.i64_ty().const_zero();
        self.b.position_at_end(interrupted);
        self.record_fault(ctx, abi::Fault::Interrupted, span, (zero, zero), bail)?;
        self.b.position_at_end(fail);
        self.record_fault(ctx, abi::Fault::StackOverflow, span, (zero, zero), bail)
    }

    fn stmt(&mut self, s: &hir::Stmt) -> Res<()> {
        match s {
            Stmt::Assign { var, value } => {
                let v = self.expr(value)?;
                let (ptr, ty) = self.var_slot(*var)?;
                self.store(ptr, v, &ty)
            }
            Stmt::Expr(e) => self.expr(e).map(|_| ()),
            Stmt::When { arms, else_block } => {
                let merge = self.block("when.end")?;
                for (cond, block) in arms {
                    let c = self.expr(cond)?.into_int_value();
                    let then = self.block("when.then")?;
                    let next = self.block("when.next")?;
                    self.b.build_conditional_branch(c, then, next)?;
                    self.b.position_at_end(then);
                    self.block_stmts(block)?;
                    self.b.build_unconditional_branch(merge)?;
                    self.b.position_at_end(next);
                }
                if let Some(block) = else_block {
                    self.block_stmts(block)?;
                }
                self.b.build_unconditional_branch(merge)?;
                let _ = merge.move_after(self.current_block()?);
                self.b.position_at_end(merge);
                Ok(())
            }
        }
    }

    fn block_stmts(&mut self, block: &Block) -> Res<()> {
        for s in &block.stmts {
            self.stmt(s)?;
        }
        if let Some(v) = &block.value {
            self.expr(v)?;
        }
        Ok(())
    }

    /// `kiln_entry(ctx, inputs, out)`: load each input from its slot, call `kiln_main`,
    /// store the result into `out`.
    fn define_entry(&mut self, main: FunctionValue<'ctx>) -> Res<()> {
        let ptr = self.ptr_ty();
        let fn_ty = self
            .cx
            .void_type()
            .fn_type(&[ptr.into(), ptr.into(), ptr.into()], false);
        let func = self
            .module
            .add_function(ENTRY_SYMBOL, fn_ty, Some(Linkage::External));
        let entry = self.cx.append_basic_block(func, "entry");
        self.b.position_at_end(entry);
        let p = |i| func.get_nth_param(i).map(|v| v.into_pointer_value());
        let (Some(ctx), Some(inputs), Some(out)) = (p(0), p(1), p(2)) else {
            return bug("entry parameters");
        };
        let mut args: Vec<BasicMetadataValueEnum> = vec![ctx.into()];
        let ret = self.prog.main.ret.clone();
        if ret.as_ref().is_some_and(is_pair) {
            args.push(out.into());
        }
        for (i, input) in self.prog.inputs.iter().enumerate() {
            args.push(self.load_input(inputs, i, &input.ty)?.into());
        }
        let call = self.b.build_call(main, &args, "")?;
        if let (Some(t), inkwell::values::ValueKind::Basic(v)) = (&ret, call.try_as_basic_value()) {
            if t.is_opt() {
                self.opt_to_slot(out, v, t)?;
            } else {
                let bits = self.to_bits(v, t)?;
                self.b.build_store(out, bits)?;
            }
        }
        self.b.build_return(None)?;
        Ok(())
    }

    /// Slot `k` of a row of 16-byte slots (`kiln_entry`'s inputs and results).
    fn slot(&self, base: PointerValue<'ctx>, k: usize) -> Res<PointerValue<'ctx>> {
        let offset = self.i64_ty().const_int(16 * k as u64, false);
        // SAFETY (IR): callers pass one 16-byte slot per input and per output.
        Ok(unsafe {
            self.b
                .build_in_bounds_gep(self.cx.i8_type(), base, &[offset], "")?
        })
    }

    /// Input `k` of type `ty`, loaded from its slot in `inputs`.
    fn load_input(
        &self,
        inputs: PointerValue<'ctx>,
        k: usize,
        ty: &Ty,
    ) -> Res<BasicValueEnum<'ctx>> {
        let slot = self.slot(inputs, k)?;
        Ok(if is_pair(ty) {
            self.b.build_load(self.pair_ty(), slot, "")?
        } else if ty.is_opt() {
            self.opt_from_slot(slot, ty)?
        } else {
            let bits = self.b.build_load(self.i64_ty(), slot, "")?;
            self.bits_to_value(bits.into_int_value(), ty)?
        })
    }

    fn str_literal(&mut self, s: &str) -> Res<BasicValueEnum<'ctx>> {
        let len = self.i64_ty().const_int(s.len() as u64, false);
        let ptr = if s.is_empty() {
            self.ptr_ty().const_null()
        } else {
            let global = match self.strings.get(s) {
                Some(g) => *g,
                None => {
                    let bytes = self.cx.const_string(s.as_bytes(), false);
                    let g = self.module.add_global(bytes.get_type(), None, "str");
                    g.set_initializer(&bytes);
                    g.set_constant(true);
                    g.set_linkage(Linkage::Private);
                    g.set_unnamed_addr(true);
                    self.strings.insert(s.to_owned(), g);
                    g
                }
            };
            global.as_pointer_value()
        };
        Ok(self
            .cx
            .const_struct(&[ptr.into(), len.into()], false)
            .as_basic_value_enum())
    }
}
