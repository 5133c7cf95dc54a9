//! The C `main` of a standalone program (`kiln build --emit exe`, or LLVM IR run by
//! `lli`): it hands the program's description to the runtime's `kiln_rt_main`, which reads
//! `--param` arguments, runs `kiln_entry`, prints the result and reports faults.

use crate::span::Span;
use crate::types::hir;
use inkwell::context::Context;
use inkwell::module::Module;

/// What a standalone program needs to know about its source: the file name and text its
/// runtime errors point into (as `FILE:LINE:COL`).
#[derive(Clone, Debug)]
pub struct Standalone {
    pub file: String,
    pub source: String,
}

/// Add `main(argc, argv)` to a generated module (see the module docs).
pub fn add_c_main<'ctx>(
    _cx: &'ctx Context,
    _module: &Module<'ctx>,
    _program: &hir::Program,
    _spans: &[Span],
    _standalone: &Standalone,
) -> Result<(), String> {
    Err("standalone programs are not generated yet".to_owned())
}
