//! Object files from optimised modules through a machine-code pipeline built once per
//! target machine and kept (the C++ shim `shim/emit.cpp`, compiled by `build.rs`).
//!
//! LLVM's C API (`LLVMTargetMachineEmitToMemoryBuffer`) builds the legacy pass manager
//! of the code generator, about a hundred passes, for every module and drops it after;
//! for a small program that is a quarter of its compile time. An [`Emitter`] lives beside
//! its target machine in the per-thread cache of `target.rs` and runs the same pass
//! manager on every module that thread compiles.

use inkwell::llvm_sys::prelude::{LLVMMemoryBufferRef, LLVMModuleRef};
use inkwell::llvm_sys::target_machine::LLVMTargetMachineRef;
use inkwell::memory_buffer::MemoryBuffer;
use inkwell::module::Module;
use inkwell::targets::TargetMachine;
use std::ffi::c_void;
use std::ptr::NonNull;

extern "C" {
    fn kiln_emitter_create(tm: LLVMTargetMachineRef) -> *mut c_void;
    fn kiln_emitter_run(emitter: *mut c_void, module: LLVMModuleRef) -> LLVMMemoryBufferRef;
    fn kiln_emitter_dispose(emitter: *mut c_void);
}

/// A target machine's object-file pipeline. Not `Send`: it stays in the thread (and
/// beside the target machine) that made it.
pub(super) struct Emitter(NonNull<c_void>);

impl Emitter {
    /// The pipeline of `tm`, or `None` if `tm` cannot write object files.
    ///
    /// # Safety
    /// The emitter keeps a reference to `tm`: it must be dropped before `tm`.
    pub(super) unsafe fn new(tm: &TargetMachine) -> Option<Emitter> {
        NonNull::new(kiln_emitter_create(tm.as_mut_ptr())).map(Emitter)
    }

    /// The object file of `module`, which carries the data layout and triple of the
    /// emitter's target machine (`optimise::optimise` set them).
    pub(super) fn emit(&mut self, module: &Module<'_>) -> MemoryBuffer<'static> {
        // SAFETY: the shim runs its pass manager on the module (which outlives the call)
        // and returns a new buffer that we own from here on.
        unsafe { MemoryBuffer::new(kiln_emitter_run(self.0.as_ptr(), module.as_mut_ptr())) }
    }
}

impl Drop for Emitter {
    fn drop(&mut self) {
        // SAFETY: made by `kiln_emitter_create`, disposed once.
        unsafe { kiln_emitter_dispose(self.0.as_ptr()) }
    }
}
