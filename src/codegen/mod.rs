//! Stage 3: typed HIR → one LLVM module (one function per user function, one `main`).

use crate::span::Span;
use crate::types::hir;
use inkwell::context::Context;
use inkwell::module::Module;

/// Name of the generated entry point. Its signature: `(ctx: ptr, [out: ptr,] inputs...)`
/// returning the result directly when it is a scalar, through `out` when it is a string
/// or list, and nothing when the program has no result.
pub const MAIN_SYMBOL: &str = "kiln_main";

/// A generated, verified, not yet optimised module.
pub struct Generated<'ctx> {
    pub module: Module<'ctx>,
    /// Span table: runtime faults name an index into it.
    pub spans: Vec<Span>,
}

pub fn generate<'ctx>(context: &'ctx Context, program: &hir::Program) -> Generated<'ctx> {
    let _ = (context, program);
    todo!("codegen::generate")
}
