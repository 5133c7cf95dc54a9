//! Stage 4: verify, optimise (new pass manager, -O0..-O3) and JIT-compile a generated
//! module; call it.

use crate::runtime::{RuntimeError, Value};
use crate::types::hir;

#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// 0..=3; default 2.
    pub opt_level: u8,
}

impl Default for Options {
    fn default() -> Self {
        Options { opt_level: 2 }
    }
}

/// A compiled program, callable many times.
pub struct Compiled {}

impl Compiled {
    /// Run with one value per input (`param`), in declaration order.
    pub fn run(&self, inputs: &[Value]) -> Result<Option<Value>, RuntimeError> {
        let _ = inputs;
        todo!("Compiled::run")
    }
}

pub fn compile(program: &hir::Program, options: &Options) -> Result<Compiled, String> {
    let _ = (program, options);
    todo!("jit::compile")
}

/// The optimised LLVM IR of a program, as text.
pub fn emit_ir(program: &hir::Program, options: &Options) -> Result<String, String> {
    let _ = (program, options);
    todo!("jit::emit_ir")
}
