//! Calls of host functions (`hir::ExprKind::CallHost`): functions the embedding program
//! registered through the library API (`engine::HostRegistry`), either native (a call of
//! an `extern "C"` trampoline) or inline (IR the host emits through a closure).

use super::{bug, Cg, Res};
use crate::types::hir::Expr;
use inkwell::values::BasicValueEnum;

/// How generated code calls one host function. Built by the engine's host registry;
/// `jit::Options::host` holds one per registered function, in the order of the
/// `types::Setup::host` signatures.
#[derive(Clone)]
pub enum HostImpl {
    /// Placeholder until host calls are generated.
    Unsupported,
}

impl std::fmt::Debug for HostImpl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HostImpl::Unsupported => f.write_str("HostImpl::Unsupported"),
        }
    }
}

impl<'a, 'ctx> Cg<'a, 'ctx> {
    pub(super) fn call_host(
        &mut self,
        func: usize,
        _args: &[Expr],
        _e: &Expr,
    ) -> Res<BasicValueEnum<'ctx>> {
        bug(format!(
            "host function {func}: host calls are not generated yet"
        ))
    }
}
