//! Host functions: Rust functions (or inline IR emitters) a host registers by name and
//! signature, callable from programs like user functions.

use crate::codegen::HostImpl;
use crate::runtime::{RunCtx, RuntimeError, Value};
use crate::types::hir;
use std::any::TypeId;
use std::sync::Arc;

/// Whether the optimiser may treat calls of a host function as values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purity {
    /// Same arguments, same result, no effects: calls may be merged, hoisted or dropped.
    Pure,
    /// Has effects (or depends on state): every call the program makes happens, in order.
    SideEffect,
}

/// The host functions of an [`crate::Engine`], in registration order.
#[derive(Default)]
pub struct HostRegistry {
    entries: Vec<Entry>,
}

struct Entry {
    sig: hir::HostSig,
    imp: HostImpl,
}

impl HostRegistry {
    /// The signatures the checker resolves calls against (index = registration order).
    pub(crate) fn signatures(&self) -> Vec<hir::HostSig> {
        self.entries.iter().map(|e| e.sig.clone()).collect()
    }

    /// How each function is called (same order as [`HostRegistry::signatures`]).
    pub(crate) fn impls(&self) -> Arc<[HostImpl]> {
        self.entries.iter().map(|e| e.imp.clone()).collect()
    }

    /// What a compiled program keeps of the registry: the functions it calls.
    pub(crate) fn used_by(&self, _program: &hir::Program) -> Used {
        Used::default()
    }
}

/// The host value of one run: a type-erased `&T`.
#[derive(Clone, Copy)]
#[allow(dead_code)] // the type is checked once host functions take a context
pub(crate) struct HostValue {
    pub ptr: *const (),
    pub type_id: TypeId,
    pub type_name: &'static str,
}

impl HostValue {
    pub fn of<T: 'static>(value: &T) -> HostValue {
        HostValue {
            ptr: value as *const T as *const (),
            type_id: TypeId::of::<T>(),
            type_name: std::any::type_name::<T>(),
        }
    }
}

/// The host functions a program uses: kept alive with it; checks a run's host value and
/// turns host failures into the run's error.
#[derive(Default)]
pub(crate) struct Used {}

impl Used {
    /// The host pointer to put in the run context, or an error when the program's host
    /// functions need a host value of another type (or one and none was given).
    #[inline]
    pub fn check(&self, host: Option<HostValue>) -> Result<*const (), RuntimeError> {
        Ok(host.map_or(std::ptr::null(), |h| h.ptr))
    }

    /// A failure a pure host function reported during the run just made in `ctx`.
    #[inline]
    pub fn check_pure_failures(&self, _ctx: &mut RunCtx) -> Result<(), RuntimeError> {
        Ok(())
    }

    /// The result of a run, with a failure a pure host function reported during it.
    pub fn finish(
        &self,
        _ctx: &mut RunCtx,
        result: Result<Option<Value>, RuntimeError>,
    ) -> Result<Option<Value>, RuntimeError> {
        result
    }
}
