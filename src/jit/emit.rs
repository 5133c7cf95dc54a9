//! Ahead-of-time output: the optimised module as LLVM IR text, LLVM bitcode, host
//! assembly or a host object file. One path for all four: the module codegen generated
//! (with a standalone program's C `main` when asked for) is targeted (host triple and
//! data layout) and optimised like every module the JIT loads, then written out in the
//! chosen form.
//!
//! The output calls the runtime's symbols (`abi::RUNTIME_FUNCTIONS`) and C math functions
//! by name: `lli -load libkiln_runtime.so` or a link with `libkiln_runtime.a` provides
//! them.

use super::optimise::{has_huge_block, optimised};
use super::target::with_machine;
use super::Options;
use crate::codegen::Generated;
use inkwell::context::Context;
use inkwell::targets::FileType;

/// The forms [`emit`] writes a program in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmitKind {
    /// LLVM IR as text (`.ll`).
    Ir,
    /// LLVM bitcode (`.bc`).
    Bitcode,
    /// Host assembly text (`.s`).
    Asm,
    /// A host relocatable object file (`.o`; ELF on Linux), position-independent.
    Object,
}

impl EmitKind {
    /// Whether the output is text (IR, assembly) rather than binary (bitcode, object).
    pub fn is_text(self) -> bool {
        matches!(self, EmitKind::Ir | EmitKind::Asm)
    }
}

/// The module `build` generates, optimised, in the form `kind`, as bytes (UTF-8 text for
/// the text kinds).
pub fn emit<G>(build: G, options: &Options, kind: EmitKind) -> Result<Vec<u8>, String>
where
    G: for<'c> FnOnce(&'c Context) -> Result<Generated<'c>, String>,
{
    optimised(build, options, |generated| {
        let module = &generated.module;
        let file_type = match kind {
            EmitKind::Ir => return Ok(module.print_to_string().to_bytes().to_vec()),
            EmitKind::Bitcode => return Ok(module.write_bitcode_to_memory().as_slice().to_vec()),
            EmitKind::Asm => FileType::Assembly,
            EmitKind::Object => FileType::Object,
        };
        // Ahead of time, only a huge block gives up the optimising machine passes.
        let level = match has_huge_block(module) {
            true => 0,
            false => options.opt_level,
        };
        with_machine(level, |tm, _| {
            tm.write_to_memory_buffer(module, file_type)
                .map(|buf| buf.as_slice().to_vec())
                .map_err(|e| e.to_string())
        })?
    })
}
