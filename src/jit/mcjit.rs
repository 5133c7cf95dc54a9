//! The MCJIT engine: one execution engine per program, owning its module; [`Compiled`]
//! owns the context, module and engine (see [`McjitCode`]). Used when ORC cannot start,
//! and by the tests, which run every program on both engines.

use super::compiled::{Code, Compiled};
use super::optimise::{context_free, machine_level, optimise};
use super::target::llvm_level;
use super::{set, JitEngine, Options};
use crate::abi;
use crate::codegen::{self, EntryFn, Generated, ENTRY_SYMBOL, MAIN_SYMBOL};
use crate::runtime;
use crate::types::ty::FloatTy;
use inkwell::context::Context;
use inkwell::execution_engine::ExecutionEngine;
use inkwell::module::{Linkage, Module};
use std::mem::ManuallyDrop;

/// The MCJIT engine of one program with the module and context it was built from.
///
/// The context is boxed so its address is stable; the module and engine borrow it with a
/// lifetime extended to `'static`, which is sound because they never leave this struct
/// and its `Drop` drops them (engine first, which owns the module's code) before the
/// context.
pub(super) struct McjitCode {
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

/// Generate (through `build`), optimise and link a module with a new MCJIT engine.
pub(super) fn compile<G>(build: G, options: &Options) -> Result<Compiled, String>
where
    G: for<'c> FnOnce(&'c Context) -> Result<Generated<'c>, String>,
{
    let context = Box::new(Context::create());
    // SAFETY: the context is boxed (stable address) and owned by the `McjitCode` built
    // below, which drops everything borrowing it first. On the error paths the borrowers
    // are dropped before `context` (reverse declaration order).
    let cx: &'static Context = unsafe { &*(&*context as *const Context) };
    let generated = build(cx)?;
    optimise(&generated.module, options)?;
    let Generated {
        module,
        spans,
        interface,
    } = generated;
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
    let set_addresses = interface
        .set_symbols()
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
        spans,
        set: set::code(&interface, &set_addresses),
        interface,
        engine: JitEngine::Mcjit,
        context_free: context_free(&module),
        _code: Code::Mcjit {
            _engine: McjitCode {
                engine: ManuallyDrop::new(engine),
                module: ManuallyDrop::new(module),
                context: ManuallyDrop::new(context),
            },
        },
    })
}
