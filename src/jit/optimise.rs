//! Targeting and optimising a generated module: the host triple, data layout and CPU,
//! then LLVM's `default<On>` pipeline; and the facts about the optimised module the
//! loaders need (which instruction selector pays off, whether `kiln_main` touches its
//! context).

use super::target::with_machine;
use super::Options;
use crate::codegen::{Generated, MAIN_SYMBOL};
use inkwell::attributes::AttributeLoc;
use inkwell::context::Context;
use inkwell::module::Module;
use inkwell::passes::PassBuilderOptions;

/// Generate a module through `build` in a new LLVM context and optimise it; `then` takes
/// it from there, while the context lives.
pub(super) fn optimised<G, R>(
    build: G,
    options: &Options,
    then: impl for<'c> FnOnce(Generated<'c>) -> Result<R, String>,
) -> Result<R, String>
where
    G: for<'c> FnOnce(&'c Context) -> Result<Generated<'c>, String>,
{
    let context = Context::create();
    let generated = build(&context)?;
    optimise(&generated.module, options)?;
    then(generated)
}

/// Target `module` at the host (triple, data layout, CPU and its features on every
/// defined function) and run the optimisation pipeline of `options.opt_level`.
pub(super) fn optimise(module: &Module<'_>, options: &Options) -> Result<(), String> {
    with_machine(options.opt_level, |tm, host| {
        module.set_triple(&host.triple);
        module.set_data_layout(&tm.get_target_data().get_data_layout());
        // Code for the host CPU whichever target machine compiles it (MCJIT builds its
        // own, generic one; these per-function attributes override it).
        let context = module.get_context();
        let cpu = context.create_string_attribute("target-cpu", &host.cpu);
        let features = context.create_string_attribute("target-features", &host.features);
        for f in module
            .get_functions()
            .filter(|f| f.count_basic_blocks() > 0)
        {
            f.add_attribute(AttributeLoc::Function, cpu);
            f.add_attribute(AttributeLoc::Function, features);
        }
        // Codegen verified the module; the attributes cannot break it.
        let level = options.opt_level.min(3);
        module
            .run_passes(
                &format!("default<O{level}>"),
                tm,
                PassBuilderOptions::create(),
            )
            .map_err(|e| e.to_string())
    })?
}

/// Machine-code generation dominates compile time. Straight-line code (no loops, no calls
/// left between generated functions: each instruction runs at most once per call) gains
/// little from the optimising instruction selector and register allocator, so small
/// straight-line modules use the fast ones. The IR was optimised at the requested level
/// either way.
pub(super) fn machine_level(module: &Module<'_>, options: &Options) -> u8 {
    if options.quick_machine_code && is_small_straight_line(module) {
        0
    } else {
        options.opt_level.min(3)
    }
}

/// Whether the optimised `kiln_main` of `module` leaves its context parameter alone:
/// LLVM's attribute inference marks it `readnone` only when no instruction of the
/// function, and no call it makes, can read or write through it.
pub(super) fn context_free(module: &Module<'_>) -> bool {
    let readnone = inkwell::attributes::Attribute::get_named_enum_kind_id("readnone");
    module
        .get_function(MAIN_SYMBOL)
        .and_then(|f| f.get_enum_attribute(AttributeLoc::Param(0), readnone))
        .is_some()
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
