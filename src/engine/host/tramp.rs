//! The `extern "C"` trampolines generated code calls (ABI in `codegen/host.rs`), one per
//! arity, monomorphised per registered function type; failures and panics are caught
//! here and never unwind into generated code.

use crate::abi::Fault;
use crate::runtime::{FaultRecord, RunCtx};
use std::any::Any;
use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// A registered function made callable with a type-erased host value.
pub(super) trait Invoke: Send + Sync + 'static {
    /// # Safety
    /// When the function takes a host value, `host` points to a live value of the type
    /// it was registered with (the engine checks the type before a run).
    unsafe fn invoke(&self, host: *const (), args: &[u64]) -> Result<u64, String>;
}

/// The state `data` points to: the function and what reporting its failure needs.
pub(super) struct Slot<H> {
    pub name: String,
    pub pure: bool,
    pub f: H,
}

thread_local! {
    /// Failures of pure host functions during the runs on this thread, innermost run
    /// last (a host function may run another program): the failing function's `data`
    /// address and the message. See [`begin`] and [`end`].
    static PENDING: RefCell<Vec<Option<(usize, String)>>> = const { RefCell::new(Vec::new()) };
}

/// A run that may call pure host functions starts on this thread.
pub(super) fn begin() {
    PENDING.with(|p| p.borrow_mut().push(None));
}

/// The run started by the matching [`begin`] ends: its first pure failure, if any.
pub(super) fn end() -> Option<(usize, String)> {
    PENDING.with(|p| p.borrow_mut().pop().flatten())
}

/// Whether a pure host function has failed in the current run.
fn pending() -> bool {
    PENDING.with(|p| matches!(p.borrow().last(), Some(Some(_))))
}

fn record_pending(data: usize, message: String) {
    PENDING.with(|p| {
        if let Some(slot @ None) = p.borrow_mut().last_mut() {
            *slot = Some((data, message));
        }
    });
}

fn panic_text(payload: &(dyn Any + Send)) -> String {
    match (
        payload.downcast_ref::<&str>(),
        payload.downcast_ref::<String>(),
    ) {
        (Some(s), _) => (*s).to_owned(),
        (_, Some(s)) => s.clone(),
        _ => "a non-string panic payload".to_owned(),
    }
}

/// Call the function behind `data`; on failure record it (in `ctx`, or for a pure
/// function in the thread's pending slot) and return 0.
///
/// # Safety
/// `data` points to a live `Slot<H>`; `ctx` is null (pure) or the running context;
/// `host` as [`Invoke::invoke`] requires.
unsafe fn enter<H: Invoke>(
    ctx: *mut RunCtx,
    data: *const Slot<H>,
    host: *const (),
    span: u32,
    args: &[u64],
) -> u64 {
    let slot = &*data;
    if !slot.pure && pending() {
        // A pure function failed earlier in this run: no further effects. The run's
        // error is that failure; this only stops the generated code.
        fail(
            ctx,
            span,
            format!("host function `{}` not called", slot.name),
        );
        return 0;
    }
    let message = match catch_unwind(AssertUnwindSafe(|| slot.f.invoke(host, args))) {
        Ok(Ok(bits)) => return bits,
        Ok(Err(e)) => format!("host function `{}` failed: {e}", slot.name),
        Err(payload) => {
            let text = panic_text(&*payload);
            // Dropping a payload can panic in turn: never let that unwind from here.
            let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
            format!("host function `{}` panicked: {text}", slot.name)
        }
    };
    if slot.pure {
        record_pending(data as usize, message);
    } else {
        fail(ctx, span, message);
    }
    0
}

/// Record `Fault::HostError` in the run context (a no-op without one).
unsafe fn fail(ctx: *mut RunCtx, span: u32, message: String) {
    if let Some(ctx) = ctx.as_mut() {
        ctx.record(FaultRecord {
            fault: Fault::HostError,
            span,
            a: 0,
            b: 0,
            message: Some(message),
        });
    }
}

/// `u64`, once per argument name.
macro_rules! word {
    ($a:ident) => {
        u64
    };
}

macro_rules! trampolines {
    ($($name:ident($($a:ident),*);)*) => {
        $(
            unsafe extern "C" fn $name<H: Invoke>(
                ctx: *mut RunCtx,
                data: *const Slot<H>,
                host: *const (),
                span: u32,
                $($a: u64,)*
            ) -> u64 {
                enter(ctx, data, host, span, &[$($a),*])
            }
        )*

        /// The address of the trampoline for `arity` arguments (at most 6).
        pub(super) fn trampoline<H: Invoke>(arity: usize) -> Option<usize> {
            let all = [$(
                $name::<H>
                    as unsafe extern "C" fn(
                        *mut RunCtx, *const Slot<H>, *const (), u32, $(word!($a)),*
                    ) -> u64 as usize
            ),*];
            all.get(arity).copied()
        }
    };
}

trampolines! {
    t0();
    t1(a0);
    t2(a0, a1);
    t3(a0, a1, a2);
    t4(a0, a1, a2, a3);
    t5(a0, a1, a2, a3, a4);
    t6(a0, a1, a2, a3, a4, a5);
}
