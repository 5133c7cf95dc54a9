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
    unsafe fn invoke(
        &self,
        host: *const (),
        args: &[u64],
        ctx: Option<&mut RunCtx>,
    ) -> Result<[u64; 2], String>;
}

/// A trampoline's result: `{ i64, i64 }` in IR (a scalar's bits in `a`; a string's
/// pointer and length), returned in two registers.
#[repr(C)]
pub(super) struct Words {
    a: u64,
    b: u64,
}

const FAILED: Words = Words { a: 0, b: 0 };

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
/// function in the thread's pending slot) and return zeros (an empty string).
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
) -> Words {
    let slot = &*data;
    if !slot.pure && pending() {
        // A pure function failed earlier in this run: no further effects. The run's
        // error is that failure; this only stops the generated code.
        fail(
            ctx,
            span,
            format!("host function `{}` not called", slot.name),
        );
        return FAILED;
    }
    let call = || slot.f.invoke(host, args, ctx.as_mut());
    let message = match catch_unwind(AssertUnwindSafe(call)) {
        Ok(Ok([a, b])) => return Words { a, b },
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
    FAILED
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
            ) -> Words {
                enter(ctx, data, host, span, &[$($a),*])
            }
        )*

        /// The address of the trampoline for `words` argument words (at most 12).
        pub(super) fn trampoline<H: Invoke>(words: usize) -> Option<usize> {
            let all = [$(
                $name::<H>
                    as unsafe extern "C" fn(
                        *mut RunCtx, *const Slot<H>, *const (), u32, $(word!($a)),*
                    ) -> Words as usize
            ),*];
            all.get(words).copied()
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
    t7(a0, a1, a2, a3, a4, a5, a6);
    t8(a0, a1, a2, a3, a4, a5, a6, a7);
    t9(a0, a1, a2, a3, a4, a5, a6, a7, a8);
    t10(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
    t11(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10);
    t12(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11);
}
