//! Stage 4: optimise (new pass manager, -O0..-O3) and load a module codegen generated;
//! call it. The JIT knows nothing of the HIR: it takes a module builder (codegen's
//! `generate`, called in the LLVM context the JIT chooses) and gives back a
//! [`Compiled`] program.
//!
//! Rooms: `target.rs` the host target and its machines; `optimise.rs` targeting and the
//! pass pipeline; `compiled.rs` a compiled program and running it; `set.rs` running a
//! program set; `orc.rs` the process-wide ORC LLJIT; `object.rs` programs as relocatable
//! objects; `group.rs` many programs compiled and loaded as one object; `mcjit.rs` the
//! MCJIT engine; `emit.rs` ahead-of-time output.
//!
//! Two engines ([`JitEngine`]), same module, same results:
//! - **ORC** (the default): the module is turned into an object file by a target machine
//!   cached per thread and optimisation level, then linked into the process by one
//!   process-wide LLJIT (`orc.rs`). Reusing the target machine (and so its subtarget
//!   tables) makes compiling a small program about twice as fast as MCJIT, which builds
//!   a new target machine for every module. The LLVM context is gone once the object is
//!   made; [`Compiled`] keeps only the resource tracker that frees the code.
//! - **MCJIT**: one execution engine per program, owning its module; [`Compiled`] owns
//!   the context, module and engine. Used if ORC cannot start, and by the tests, which
//!   run every program on both engines.
//!
//! Either way every runtime symbol and every C math function LLVM may lower to is mapped
//! explicitly to its address (MCJIT: `add_global_mapping`; ORC: absolute symbols);
//! nothing relies on finding them by name in the host process. Targets are initialised
//! once per process.

mod compiled;
mod emit;
mod emitter;
mod group;
mod mcjit;
mod object;
mod optimise;
mod orc;
mod set;
mod target;

pub use compiled::Compiled;
pub use emit::{emit, EmitKind};
pub use group::compile_group;
pub use object::{compile_object, load_object, ObjectCode};
pub use target::target_id;

use crate::codegen::Generated;
use inkwell::context::Context;

/// How a module is optimised and loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// 0..=3; default 2.
    pub opt_level: u8,
    /// Make machine code for small straight-line modules with LLVM's fast instruction
    /// selector (see `optimise::machine_level`): compiles about twice as fast, runs a
    /// little slower.
    pub quick_machine_code: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            opt_level: 2,
            quick_machine_code: true,
        }
    }
}

/// Which JIT links the machine code into the process (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JitEngine {
    Orc,
    Mcjit,
}

/// Whether the ORC engine can run in this process.
pub fn orc_available() -> bool {
    orc::available()
}

/// Generate a module (through `build`, in a context of the JIT's choosing), optimise it
/// and link it with `engine`.
pub fn compile<G>(build: G, options: &Options, engine: JitEngine) -> Result<Compiled, String>
where
    G: for<'c> FnOnce(&'c Context) -> Result<Generated<'c>, String>,
{
    match engine {
        JitEngine::Orc => compile_linked(build, options, &[]).map(|(c, _)| c),
        JitEngine::Mcjit => mcjit::compile(build, options),
    }
}

/// Compile with the ORC engine into the process-wide JITDylib, where the module can use
/// the symbols of modules loaded before (a REPL line's earlier lines), and look up the
/// addresses of `symbols` it defines (exported globals and functions).
pub fn compile_linked<G>(
    build: G,
    options: &Options,
    symbols: &[String],
) -> Result<(Compiled, Vec<usize>), String>
where
    G: for<'c> FnOnce(&'c Context) -> Result<Generated<'c>, String>,
{
    if !orc::available() {
        return Err("the ORC JIT is not available in this process".to_owned());
    }
    // All programs share one JITDylib: the exported symbols get a unique suffix.
    let suffix = orc::reserve_suffix();
    let made = object::make_object(build, options, &suffix.text())?;
    object::link(made, suffix, symbols)
}
