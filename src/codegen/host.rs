//! Calls of host functions (`hir::ExprKind::CallHost`): functions the embedding program
//! registered through the library API (`engine::HostRegistry`), either native (a call of
//! an `extern "C"` trampoline) or inline (IR the host emits through a closure).
//!
//! # Native call ABI
//!
//! A native host function is called through its trampoline, an `extern "C"` function the
//! engine monomorphises per registered Rust function type:
//!
//! ```text
//! { i64, i64 } tramp(ptr ctx, ptr data, ptr host, i32 span, i64 w0, ..., i64 w(k-1))
//! ```
//!
//! - `ctx`: the run context; null for a pure function, which must not touch it (unless
//!   it returns a string, which it copies into the run's memory and nothing else).
//! - `data`: the registered function's state (its closure), kept alive by every
//!   [`HostImpl`] that refers to it (the registry's and each compiled program's).
//! - `host`: the run's host value, loaded from `ctx + abi::HOST_OFFSET`; null when the
//!   function takes none.
//! - `span`: the call site's span id, for the fault; 0 for a pure call, so that equal
//!   pure calls are equal values the optimiser can merge.
//! - arguments: one word per scalar (`abi` u64 bits), two per string (pointer, length).
//! - result: a scalar's bits in the first word, or a string's pointer and length.
//!
//! The trampoline's and the data's addresses are constants in the code: there is no
//! symbol to link. A trampoline never unwinds. A side-effecting function that fails (an
//! `Err` or a panic) records `Fault::HostError` in `ctx`, and generated code checks the
//! status word after the call. A pure call gets `memory(none) nounwind willreturn`, so
//! LLVM may merge, hoist or drop it; its failure is kept by the engine outside the run
//! context and reported when the run ends.

use super::{bug, Cg, Error, Res};
use crate::abi;
use crate::types::hir::Expr;
use crate::types::ty::Ty;
use inkwell::attributes::{Attribute, AttributeLoc};
use inkwell::builder::Builder;
use inkwell::context::Context;
use inkwell::module::Module;
use inkwell::types::BasicMetadataTypeEnum;
use inkwell::values::{BasicMetadataValueEnum, BasicValueEnum, PointerValue, ValueKind};
use std::any::Any;
use std::sync::Arc;

/// How generated code calls one host function. Built by the engine's host registry;
/// `codegen::Options::host` holds one per registered function, in the order of the
/// `types::Setup::host` signatures.
#[derive(Clone)]
pub enum HostImpl {
    /// A call of a trampoline (see the module docs for the ABI).
    Native(Arc<NativeCall>),
    /// IR emitted in place by a closure of the host.
    Inline(Arc<InlineCall>),
}

/// A native host function: its trampoline and state.
pub struct NativeCall {
    pub name: String,
    /// Address of the `extern "C"` trampoline.
    pub tramp: usize,
    /// The `data` argument: address of the function's state, owned by `keep`.
    pub data: usize,
    /// `memory(none)`: calls may be merged, hoisted or dropped.
    pub pure: bool,
    /// Gets the run context even though pure (to allocate a string result in it).
    pub needs_ctx: bool,
    /// Receives the run's host value.
    pub takes_host: bool,
    /// What `data` points into; alive as long as any code calling it.
    pub keep: Arc<dyn Any + Send + Sync>,
}

/// The closure that emits an inline host function's IR: given the arguments in register
/// form (bool `i1`, integers `iN`, floats, strings `{ptr, i64}`), it returns the result
/// in register form, or a message that becomes an internal compile error.
pub type InlineEmit = dyn for<'c> Fn(&InlineCx<'_, 'c>, &[BasicValueEnum<'c>]) -> Result<BasicValueEnum<'c>, String>
    + Send
    + Sync;

/// An inline host function.
pub struct InlineCall {
    pub name: String,
    pub emit: Arc<InlineEmit>,
    /// May read the host value ([`InlineCx::host`]).
    pub takes_host: bool,
}

impl HostImpl {
    /// Whether a call may record a fault in the run context (so generated code checks
    /// the status word after it): side-effecting native functions. Pure ones report
    /// their failures outside the run context; inline ones cannot fail.
    pub fn may_fail(&self) -> bool {
        match self {
            HostImpl::Native(n) => !n.pure,
            HostImpl::Inline(_) => false,
        }
    }

    /// The registered name.
    pub fn name(&self) -> &str {
        match self {
            HostImpl::Native(n) => &n.name,
            HostImpl::Inline(i) => &i.name,
        }
    }
}

impl std::fmt::Debug for HostImpl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HostImpl::Native(n) => write!(f, "HostImpl::Native({})", n.name),
            HostImpl::Inline(i) => write!(f, "HostImpl::Inline({})", i.name),
        }
    }
}

/// What an inline host function's emitter works with: the LLVM context, a builder
/// positioned where the call stands, the module, and the run's host value.
pub struct InlineCx<'a, 'c> {
    context: &'c Context,
    builder: &'a Builder<'c>,
    module: &'a Module<'c>,
    ctx: PointerValue<'c>,
    takes_host: bool,
    name: &'a str,
}

impl<'a, 'c> InlineCx<'a, 'c> {
    /// The LLVM context (for types and constants).
    pub fn context(&self) -> &'c Context {
        self.context
    }

    /// A builder positioned at the end of the current block: what it builds runs where
    /// the call stands. Leave it positioned at the end of a block that falls through.
    pub fn builder(&self) -> &'a Builder<'c> {
        self.builder
    }

    /// The module being generated.
    pub fn module(&self) -> &'a Module<'c> {
        self.module
    }

    /// The run's host value (the `&T` given to `Program::run_with`), as a pointer loaded
    /// from the run context. Only for functions registered with a host type, whose runs
    /// are checked to have a host value of that type; otherwise an error.
    pub fn host(&self) -> Result<PointerValue<'c>, String> {
        if !self.takes_host {
            return Err(format!(
                "inline host function `{}` reads the host value but was registered without a host type",
                self.name
            ));
        }
        load_host(self.context, self.builder, self.ctx).map_err(|Error(e)| e)
    }
}

/// `*(ctx + HOST_OFFSET)`.
fn load_host<'c>(cx: &'c Context, b: &Builder<'c>, ctx: PointerValue<'c>) -> Res<PointerValue<'c>> {
    let offset = cx.i64_type().const_int(abi::HOST_OFFSET, false);
    // SAFETY (IR): the run context is `#[repr(C)]` with the host pointer there.
    let slot = unsafe { b.build_in_bounds_gep(cx.i8_type(), ctx, &[offset], "host.ptr")? };
    let ptr = cx.ptr_type(inkwell::AddressSpace::default());
    Ok(b.build_load(ptr, slot, "host")?.into_pointer_value())
}

impl<'a, 'ctx> Cg<'a, 'ctx> {
    pub(super) fn call_host(
        &mut self,
        func: usize,
        args: &[Expr],
        e: &Expr,
    ) -> Res<BasicValueEnum<'ctx>> {
        let Some(imp) = self.host.get(func) else {
            return bug(format!("call of unknown host function {func}"));
        };
        let mut vals = Vec::with_capacity(args.len());
        for a in args {
            vals.push(self.expr(a)?);
        }
        match imp {
            HostImpl::Native(n) => self.call_native(n, &vals, args, e),
            HostImpl::Inline(i) => {
                let cx = InlineCx {
                    context: self.cx,
                    builder: &self.b,
                    module: &self.module,
                    ctx: self.ctx_ptr()?,
                    takes_host: i.takes_host,
                    name: &i.name,
                };
                // A panicking emitter fails the compile like one that returns an error.
                let emitted =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (i.emit)(&cx, &vals)))
                        .unwrap_or_else(|_| Err("the emitter panicked".to_owned()));
                let v = emitted
                    .map_err(|m| Error(format!("inline host function `{}`: {m}", i.name)))?;
                if v.get_type() != self.llty(&e.ty)? {
                    return bug(format!(
                        "inline host function `{}` returned a {} value for its result type {}",
                        i.name,
                        v.get_type().print_to_string().to_string().trim_matches('"'),
                        e.ty
                    ));
                }
                Ok(v)
            }
        }
    }

    fn call_native(
        &mut self,
        n: &NativeCall,
        vals: &[BasicValueEnum<'ctx>],
        args: &[Expr],
        e: &Expr,
    ) -> Res<BasicValueEnum<'ctx>> {
        if n.tramp == 0 {
            return bug(format!("host function `{}` has no trampoline", n.name));
        }
        let (ptr, i64t) = (self.ptr_ty(), self.i64_ty());
        let mut words: Vec<BasicMetadataValueEnum> = Vec::new();
        for (v, a) in vals.iter().zip(args) {
            if a.ty == Ty::Str {
                let (p, len) = self.split_pair(*v)?;
                words.push(self.b.build_ptr_to_int(p, i64t, "")?.into());
                words.push(len.into());
            } else {
                words.push(self.to_bits(*v, &a.ty)?.into());
            }
        }
        let mut params: Vec<BasicMetadataTypeEnum> =
            vec![ptr.into(), ptr.into(), ptr.into(), self.i32_ty().into()];
        params.extend(words.iter().map(|_| BasicMetadataTypeEnum::from(i64t)));
        let ret_ty = self.cx.struct_type(&[i64t.into(), i64t.into()], false);
        let fn_ty = ret_ty.fn_type(&params, false);
        let ctx = self.ctx_ptr()?;
        let host = if n.takes_host {
            load_host(self.cx, &self.b, ctx)?
        } else {
            ptr.const_null()
        };
        let span = if n.pure { 0 } else { self.span_id(e.span) };
        let mut call_args: Vec<BasicMetadataValueEnum> = vec![
            if n.needs_ctx { ctx } else { ptr.const_null() }.into(),
            i64t.const_int(n.data as u64, false)
                .const_to_pointer(ptr)
                .into(),
            host.into(),
            self.i32_ty().const_int(span as u64, false).into(),
        ];
        call_args.extend(words);
        let callee = i64t.const_int(n.tramp as u64, false).const_to_pointer(ptr);
        let call = self
            .b
            .build_indirect_call(fn_ty, callee, &call_args, "host")?;
        call.add_attribute(AttributeLoc::Function, self.enum_attr("nounwind"));
        if n.pure {
            let memory = Attribute::get_named_enum_kind_id("memory");
            call.add_attribute(
                AttributeLoc::Function,
                self.cx.create_enum_attribute(memory, 0),
            );
            call.add_attribute(AttributeLoc::Function, self.enum_attr("willreturn"));
        } else {
            self.check_status()?;
        }
        let ValueKind::Basic(result) = call.try_as_basic_value() else {
            return bug(format!("host function `{}` returned nothing", n.name));
        };
        let result = result.into_struct_value();
        let a = self.b.build_extract_value(result, 0, "")?.into_int_value();
        if e.ty == Ty::Str {
            let len = self.b.build_extract_value(result, 1, "")?.into_int_value();
            let p = self.b.build_int_to_ptr(a, ptr, "")?;
            return Ok(self.make_pair(p, len)?.into());
        }
        self.bits_to_value(a, &e.ty)
    }
}
