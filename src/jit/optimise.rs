//! Targeting and optimising a generated module: the host triple, data layout and CPU,
//! then LLVM's `default<On>` pipeline, or [`STRAIGHT_LINE_PIPELINE`] for a small
//! straight-line module; and the facts about the optimised module the
//! loaders need (which instruction selector pays off, whether `kiln_main` touches its
//! context).

use super::target::{with_machine, Host};
use super::Options;
use crate::codegen::{Generated, MAIN_SYMBOL};
use inkwell::attributes::AttributeLoc;
use inkwell::context::Context;
use inkwell::module::Module;
use inkwell::passes::PassBuilderOptions;
use inkwell::targets::TargetMachine;

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
        target(module, tm, host);
        let pipeline = Pipeline::choose(module, options.opt_level);
        pipeline.run(module, tm)
    })?
}

/// Target `module` at the host: its triple and data layout, and the CPU and its features
/// on every defined function.
pub(super) fn target(module: &Module<'_>, tm: &TargetMachine, host: &Host) {
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
}

/// The optimisation pipeline a module gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Pipeline {
    /// [`STRAIGHT_LINE_PIPELINE`].
    StraightLine,
    /// `default<On>`.
    Default(u8),
}

impl Pipeline {
    /// The pipeline of `module` (targeted, not yet optimised) at `opt_level`.
    pub(super) fn choose(module: &Module<'_>, opt_level: u8) -> Pipeline {
        let level = opt_level.min(3);
        match level > 0 && is_small_straight_line(module) {
            true => Pipeline::StraightLine,
            false => Pipeline::Default(level),
        }
    }

    /// Run the pipeline over `module` with the cost model of `tm`.
    pub(super) fn run(self, module: &Module<'_>, tm: &TargetMachine) -> Result<(), String> {
        let text = match self {
            Pipeline::StraightLine => STRAIGHT_LINE_PIPELINE.to_owned(),
            Pipeline::Default(level) => format!("default<O{level}>"),
        };
        module
            .run_passes(&text, tm, PassBuilderOptions::create())
            .map_err(|e| e.to_string())
    }
}

/// The optimisation pipeline of a small straight-line module ([`is_small_straight_line`]):
/// the function simplification passes of `default<O2>` that find work in code without
/// loops or calls between generated functions, and the attribute inference
/// [`context_free`] reads; functions codegen marks `alwaysinline` (a program set's top
/// level, for instance) are inlined first. Each function comes out as `default<O2>` makes it (checked on
/// a corpus of small programs when it was chosen: the same IR up to names and the order
/// of independent instructions), in about half the time; most of `default<O2>`'s cost on
/// a small module is the set-up and walk of its call-graph (CGSCC) inliner pipeline.
///
/// One difference, on purpose: the entry points keep their call of `kiln_main` instead
/// of a copy of its body. Typed calls go to `kiln_main` directly; a dynamic run through
/// `kiln_entry` spends far more on its values than on one call, and a second copy of
/// the body would be optimised and turned into machine code a second time (a fifth of
/// the instructions of compiling a small rule, a tenth of a REPL line's).
pub(super) const STRAIGHT_LINE_PIPELINE: &str = "always-inline,function(sroa,early-cse<memssa>,\
    instcombine<no-verify-fixpoint>,simplifycfg,correlated-propagation,gvn,\
    instcombine<no-verify-fixpoint>,\
    simplifycfg<hoist-common-insts;sink-common-insts;switch-range-to-icmp;switch-to-lookup;speculate-blocks>,\
    tailcallelim),\
    cgscc(function-attrs)";

/// Machine-code generation dominates compile time. Straight-line code (no loops, no calls
/// left between generated functions: each instruction runs at most once per call) gains
/// little from the optimising instruction selector and register allocator, so small
/// straight-line modules use the fast ones. The IR was optimised at the requested level
/// either way.
///
/// A huge basic block (a generated formula of many thousand operations) gets the fast
/// ones too: the optimising machine passes, the instruction scheduler above all, take
/// time that grows faster than the block (a run of 100,000 float operations spent 32 s
/// in them at -O2, 1.8 s without the scheduler).
pub(super) fn machine_level(module: &Module<'_>, options: &Options) -> u8 {
    if (options.quick_machine_code && is_small_straight_line(module)) || has_huge_block(module) {
        0
    } else {
        options.opt_level.min(3)
    }
}

/// Whether the optimised `kiln_main` of `module` leaves its context parameter alone:
/// LLVM's attribute inference marks it `readnone` only when no instruction of the
/// function, and no call it makes, can read or write through it.
pub(super) fn context_free(module: &Module<'_>) -> bool {
    context_free_main(module, MAIN_SYMBOL)
}

/// [`context_free`] of the `kiln_main` named `main` (renamed in a group's module).
pub(super) fn context_free_main(module: &Module<'_>, main: &str) -> bool {
    let readnone = inkwell::attributes::Attribute::get_named_enum_kind_id("readnone");
    module
        .get_function(main)
        .and_then(|f| f.get_enum_attribute(AttributeLoc::Param(0), readnone))
        .is_some()
}

/// A basic block of more instructions gets the fast machine-code passes
/// ([`machine_level`]).
const HUGE_BLOCK: usize = 20_000;

/// Whether a basic block of the module has more than [`HUGE_BLOCK`] instructions.
pub(super) fn has_huge_block(module: &Module<'_>) -> bool {
    module
        .get_functions()
        .flat_map(|f| f.get_basic_blocks())
        .any(|bb| bb.get_instructions().nth(HUGE_BLOCK).is_some())
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

#[cfg(test)]
mod tests {
    use super::*;
    use inkwell::context::Context;

    /// A module whose one function is a single block of `n` float additions.
    fn straight_block<'c>(cx: &'c Context, n: usize) -> Module<'c> {
        let module = cx.create_module("block");
        let f64t = cx.f64_type();
        let f = module.add_function("f", f64t.fn_type(&[f64t.into()], false), None);
        let b = cx.create_builder();
        b.position_at_end(cx.append_basic_block(f, "entry"));
        let x = f.get_nth_param(0).expect("param").into_float_value();
        let mut acc = x;
        for _ in 0..n {
            acc = b.build_float_add(acc, x, "").expect("fadd");
        }
        b.build_return(Some(&acc)).expect("ret");
        module
    }

    #[test]
    fn a_huge_block_gets_the_fast_machine_passes_a_normal_one_its_level() {
        let cx = Context::create();
        let options = Options {
            opt_level: 2,
            quick_machine_code: false,
        };
        let normal = straight_block(&cx, 1_000);
        assert!(!has_huge_block(&normal));
        assert_eq!(machine_level(&normal, &options), 2);
        let huge = straight_block(&cx, HUGE_BLOCK);
        assert!(has_huge_block(&huge));
        assert_eq!(machine_level(&huge, &options), 0);
    }
}
