//! Typed handles: a program called as a native function of Rust types, with no boxing.
//!
//! `kiln_main` takes the run context and then the params in their natural types (see
//! `codegen::MAIN_SYMBOL`), with the C ABI's extensions for narrow scalars, so a handle
//! whose Rust signature matches the program's calls it as an `extern "C"` function
//! pointer. The match is checked once, when the handle is made.
//!
//! Optionals (v1): `Option<T>` passes and returns a `T?` for any scalar `T`. `kiln_main`
//! takes and returns a `T?` as the LLVM struct `{ T, i1 }`, which is not the C ABI of
//! any Rust type (LLVM passes its fields as separate arguments and returns them in two
//! registers, where C packs a small struct into one), so a handle whose signature has an
//! optional calls the uniform `kiln_entry` instead, each value in its 16-byte slot
//! (`[bits, valid]`, see `value::layout`). Which path a handle takes is a constant of its
//! types: handles without optionals still make the direct native call.

use super::host::HostValue;
use super::Program;
use crate::codegen::EntryFn;
use crate::runtime::RunCtx;
use crate::types::ty::{FloatTy, IntTy, Ty};
use crate::value::RuntimeError;
use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;
use std::ptr::NonNull;

mod sealed {
    pub trait Sealed {}
}

/// A Rust type a typed handle can pass as a param: `bool`, the integer types of Kiln's
/// widths, `f32` and `f64`, `jiff::Timestamp` and `jiff::SignedDuration` for a
/// `timestamp` and a `duration` (v1), and `Option` of those for an optional param (`T?`).
pub trait Arg: Copy + sealed::Sealed + 'static {
    /// The Kiln type of the param it fills.
    fn ty() -> Ty;

    /// Whether it is an optional (passed through `kiln_entry`'s slots).
    #[doc(hidden)]
    const OPTIONAL: bool = false;

    /// Its 16-byte slot (see `value::layout`).
    #[doc(hidden)]
    fn to_slot(self) -> [u64; 2];
}

/// A Rust type a typed handle can return: an [`Arg`] type, or `()` for a program with no
/// result.
pub trait Ret: Copy + sealed::Sealed + 'static {
    /// The program's result type (`None`: no result).
    fn ty() -> Option<Ty>;

    /// Whether it is an optional (returned through `kiln_entry`'s slot).
    #[doc(hidden)]
    const OPTIONAL: bool = false;

    /// The value in a result slot `kiln_entry` wrote.
    #[doc(hidden)]
    fn from_slot(slot: [u64; 2]) -> Self;
}

/// A scalar's bits in the first word of a slot, and back.
trait Bits: Copy {
    fn slot_bits(self) -> u64;
    fn from_slot_bits(bits: u64) -> Self;
}

/// `Option<T>` of a [`Bits`] type `T` as a `T?`: the value's bits and a presence word.
macro_rules! optional {
    ($rust:ty => $kiln:expr) => {
        impl sealed::Sealed for Option<$rust> {}
        impl Arg for Option<$rust> {
            fn ty() -> Ty {
                Ty::opt($kiln)
            }
            const OPTIONAL: bool = true;
            #[inline(always)]
            fn to_slot(self) -> [u64; 2] {
                match self {
                    Some(v) => [Bits::slot_bits(v), 1],
                    None => [0, 0],
                }
            }
        }
        impl Ret for Option<$rust> {
            fn ty() -> Option<Ty> {
                Some(Ty::opt($kiln))
            }
            const OPTIONAL: bool = true;
            #[inline(always)]
            fn from_slot(slot: [u64; 2]) -> Self {
                (slot[1] != 0).then(|| <$rust as Bits>::from_slot_bits(slot[0]))
            }
        }
    };
}

macro_rules! scalars {
    ($($rust:ty => $kiln:expr, $to:expr, $from:expr;)*) => {$(
        impl sealed::Sealed for $rust {}
        impl Bits for $rust {
            #[inline(always)]
            fn slot_bits(self) -> u64 {
                $to(self)
            }
            #[inline(always)]
            fn from_slot_bits(bits: u64) -> Self {
                $from(bits)
            }
        }
        impl Arg for $rust {
            fn ty() -> Ty {
                $kiln
            }
            #[inline(always)]
            fn to_slot(self) -> [u64; 2] {
                [Bits::slot_bits(self), 0]
            }
        }
        impl Ret for $rust {
            fn ty() -> Option<Ty> {
                Some($kiln)
            }
            #[inline(always)]
            fn from_slot(slot: [u64; 2]) -> Self {
                <$rust as Bits>::from_slot_bits(slot[0])
            }
        }
        optional! { $rust => $kiln }
    )*};
}

// Slot bits as `value::layout` has them: integers extended from their type, bool 0/1,
// floats their bit patterns; read back by truncation.
scalars! {
    bool => Ty::Bool, |v: bool| v as u64, |b: u64| b & 1 != 0;
    i8 => Ty::Int(IntTy::I8), |v: i8| v as i64 as u64, |b: u64| b as i8;
    i16 => Ty::Int(IntTy::I16), |v: i16| v as i64 as u64, |b: u64| b as i16;
    i32 => Ty::Int(IntTy::I32), |v: i32| v as i64 as u64, |b: u64| b as i32;
    i64 => Ty::Int(IntTy::I64), |v: i64| v as u64, |b: u64| b as i64;
    u8 => Ty::Int(IntTy::U8), |v: u8| v as u64, |b: u64| b as u8;
    u16 => Ty::Int(IntTy::U16), |v: u16| v as u64, |b: u64| b as u16;
    u32 => Ty::Int(IntTy::U32), |v: u32| v as u64, |b: u64| b as u32;
    u64 => Ty::Int(IntTy::U64), |v: u64| v, |b: u64| b;
    f32 => Ty::Float(FloatTy::F32), |v: f32| v.to_bits() as u64, |b: u64| f32::from_bits(b as u32);
    f64 => Ty::Float(FloatTy::F64), f64::to_bits, f64::from_bits;
}

// `timestamp` and `duration` (v1) as `jiff::Timestamp` and `jiff::SignedDuration`:
// i64 nanoseconds in the slot. They are not an i64 in the C ABI, so a handle that passes
// or returns one calls `kiln_entry` with slots, like an optional. A value outside the
// i64 nanoseconds (before 1677 or after 2262; a span over about 292 years) saturates to
// the nearest end: give such values to `Program::run` as `Value`s to see them refused.
macro_rules! times {
    ($($rust:ty => $kiln:expr, $to:expr, $from:expr;)*) => {$(
        impl sealed::Sealed for $rust {}
        impl Bits for $rust {
            #[inline(always)]
            fn slot_bits(self) -> u64 {
                let ns: i128 = $to(self);
                ns.clamp(i64::MIN as i128, i64::MAX as i128) as i64 as u64
            }
            #[inline(always)]
            fn from_slot_bits(bits: u64) -> Self {
                $from(bits as i64)
            }
        }
        impl Arg for $rust {
            fn ty() -> Ty {
                $kiln
            }
            const OPTIONAL: bool = true;
            #[inline(always)]
            fn to_slot(self) -> [u64; 2] {
                [Bits::slot_bits(self), 0]
            }
        }
        impl Ret for $rust {
            fn ty() -> Option<Ty> {
                Some($kiln)
            }
            const OPTIONAL: bool = true;
            #[inline(always)]
            fn from_slot(slot: [u64; 2]) -> Self {
                <$rust as Bits>::from_slot_bits(slot[0])
            }
        }
        optional! { $rust => $kiln }
    )*};
}

times! {
    jiff::Timestamp => Ty::Timestamp,
        |t: jiff::Timestamp| t.as_nanosecond(),
        |ns: i64| jiff::Timestamp::from_nanosecond(ns as i128).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    jiff::SignedDuration => Ty::Duration,
        |d: jiff::SignedDuration| d.as_nanos(),
        jiff::SignedDuration::from_nanos;
}

// `()` is `Sealed` through the arity-0 `Args` impl below.
impl Ret for () {
    fn ty() -> Option<Ty> {
        None
    }
    fn from_slot(_: [u64; 2]) -> Self {}
}

/// A tuple of [`Arg`]s: a typed handle's parameter list, `()` to `(A1, ..., A8)`.
pub trait Args: Copy + sealed::Sealed + 'static {
    /// The Kiln types of the params, in order.
    fn types() -> Vec<Ty>;

    /// Whether a param is optional: then the handle calls `kiln_entry`.
    #[doc(hidden)]
    const OPTIONAL: bool;

    /// Call `kiln_main` at `main` with these arguments; when a param or `R` is
    /// optional, `main` is the program's `kiln_entry` instead, called with the
    /// arguments' slots.
    ///
    /// # Safety
    /// `main` must be a `kiln_main` (or `kiln_entry`, see above) whose params are
    /// exactly [`Args::types`] and whose result is `R`'s, and `ctx` a prepared context.
    #[doc(hidden)]
    unsafe fn invoke<R: Ret>(self, main: usize, ctx: *mut RunCtx) -> R;
}

macro_rules! arities {
    ($(($($a:ident $v:ident),*);)*) => {$(
        impl<$($a: Arg),*> sealed::Sealed for ($($a,)*) {}
        impl<$($a: Arg),*> Args for ($($a,)*) {
            fn types() -> Vec<Ty> {
                vec![$($a::ty()),*]
            }

            const OPTIONAL: bool = false $(|| $a::OPTIONAL)*;

            #[inline(always)]
            unsafe fn invoke<R: Ret>(self, main: usize, ctx: *mut RunCtx) -> R {
                let ($($v,)*) = self;
                if <Self as Args>::OPTIONAL || R::OPTIONAL {
                    let slots: &[[u64; 2]] = &[$($v.to_slot()),*];
                    let mut out = [0u64; 2];
                    // SAFETY: the caller guarantees `main` is this program's `kiln_entry`.
                    let entry = unsafe { std::mem::transmute::<usize, EntryFn>(main) };
                    // SAFETY: one slot per param, laid out for its type; `ctx` as below.
                    unsafe { entry(ctx, slots.as_ptr(), &mut out) };
                    return R::from_slot(out);
                }
                // SAFETY: the caller guarantees `main` has exactly this signature.
                let f = unsafe {
                    std::mem::transmute::<usize, unsafe extern "C" fn(*mut RunCtx $(, $a)*) -> R>(
                        main,
                    )
                };
                // SAFETY: as above; `ctx` is a prepared, exclusively borrowed context.
                unsafe { f(ctx $(, $v)*) }
            }
        }

        impl<R: Ret $(, $a: Arg)*> TypedFn<($($a,)*), R> {
            /// Run the program with these params: a direct native call.
            #[allow(clippy::too_many_arguments)]
            #[inline]
            pub fn call(&self $(, $v: $a)*) -> Result<R, RuntimeError> {
                self.invoke(None, ($($v,)*))
            }

            /// Like `call`, passing `host` to the host functions that take a context.
            #[allow(clippy::too_many_arguments)]
            #[inline]
            pub fn call_with<H: 'static>(&self, host: &H $(, $v: $a)*) -> Result<R, RuntimeError> {
                self.invoke(Some(HostValue::of(host)), ($($v,)*))
            }
        }
    )*};
}

arities! {
    ();
    (A1 a1);
    (A1 a1, A2 a2);
    (A1 a1, A2 a2, A3 a3);
    (A1 a1, A2 a2, A3 a3, A4 a4);
    (A1 a1, A2 a2, A3 a3, A4 a4, A5 a5);
    (A1 a1, A2 a2, A3 a3, A4 a4, A5 a5, A6 a6);
    (A1 a1, A2 a2, A3 a3, A4 a4, A5 a5, A6 a6, A7 a7);
    (A1 a1, A2 a2, A3 a3, A4 a4, A5 a5, A6 a6, A7 a7, A8 a8);
}

/// The Rust signature asked for does not match the program's params or result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureError {
    pub message: String,
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SignatureError {}

/// A program called with Rust values of fixed types: `A` is the tuple of param types, `R`
/// the result type. Made by [`Program::typed`].
///
/// Each handle owns a run context (its scratch memory), so it is `Send` but not `Sync`:
/// give each thread its own clone. A call made while another call of the same handle is
/// running (from a host function) uses a fresh context.
pub struct TypedFn<A, R> {
    program: Program,
    main: usize,
    /// No stack guard to arm and no host function to check or collect failures of: a
    /// call is the native call and a status check.
    plain: bool,
    /// `plain`, and `kiln_main` never touches its context: a call is the native call.
    bare: bool,
    ctx: RefCell<Box<RunCtx>>,
    _sig: PhantomData<fn(A) -> R>,
}

impl<A: Args, R: Ret> TypedFn<A, R> {
    /// One call: the handle's context when free, else (a call from within a call of the
    /// same handle, through a host function) a fresh one. The fast path is a few
    /// compares around the native call; everything else is out of line.
    #[inline(always)]
    fn invoke(&self, host: Option<HostValue>, args: A) -> Result<R, RuntimeError> {
        if self.bare && host.is_none() {
            // SAFETY: as in `invoke_in`; `kiln_main` never touches its context (see
            // `Compiled::context_free`), so any non-null pointer will do and no fault
            // can be recorded.
            return Ok(unsafe { args.invoke::<R>(self.main, NonNull::dangling().as_ptr()) });
        }
        let Ok(mut ctx) = self.ctx.try_borrow_mut() else {
            return self.invoke_fresh(host, args);
        };
        self.invoke_in(&mut ctx, host, args)
    }

    #[cold]
    #[inline(never)]
    fn invoke_fresh(&self, host: Option<HostValue>, args: A) -> Result<R, RuntimeError> {
        self.invoke_in(&mut self.program.new_ctx(), host, args)
    }

    #[inline(always)]
    fn invoke_in(
        &self,
        ctx: &mut RunCtx,
        host: Option<HostValue>,
        args: A,
    ) -> Result<R, RuntimeError> {
        ctx.reset();
        if self.plain && host.is_none() {
            // SAFETY: as below.
            let value = unsafe { args.invoke::<R>(self.main, ctx) };
            if ctx.status() != 0 {
                return self.failed(ctx, value);
            }
            return Ok(value);
        }
        let inner = &*self.program.inner;
        if inner.compiled().needs_stack_guard() {
            ctx.arm_stack_guard();
        }
        ctx.set_host(inner.host.check(host)?);
        // SAFETY: `TypedFn::new` checked that the program's params and result are `A`
        // and `R`; the program (and so its code) lives as long as `self`.
        let value = unsafe { args.invoke::<R>(self.main, ctx) };
        if inner.host.collects_failures() || ctx.status() != 0 {
            return self.failed(ctx, value);
        }
        Ok(value)
    }

    /// After a run that may have failed: a pure host function's failure comes first
    /// (what followed it is void), then a fault in the status word.
    #[cold]
    #[inline(never)]
    fn failed(&self, ctx: &RunCtx, value: R) -> Result<R, RuntimeError> {
        let inner = &*self.program.inner;
        if let Some(failure) = inner.host.end() {
            return Err(failure);
        }
        if ctx.status() != 0 {
            return Err(inner.compiled().fault(ctx));
        }
        Ok(value)
    }
}

impl<A: Args, R: Ret> TypedFn<A, R> {
    pub(super) fn new(program: &Program) -> Result<TypedFn<A, R>, SignatureError> {
        if program.backend() != super::Backend::Jit {
            return Err(SignatureError {
                message: "typed handles call native code: this program was compiled for the \
                          interpreter (`Backend::Interp`); use `Program::run`"
                    .to_owned(),
            });
        }
        let compiled = program.inner.compiled();
        let want = A::types();
        let params = program.params();
        let sig = |tys: &[Ty]| tys.iter().map(Ty::to_string).collect::<Vec<_>>().join(", ");
        let have: Vec<Ty> = params.iter().map(|p| p.ty.clone()).collect();
        if want != have {
            let detail = match params.iter().zip(&want).find(|(p, w)| p.ty != **w) {
                Some((p, w)) => format!("param `{}` is {}, the handle passes {w}", p.name, p.ty),
                None => format!(
                    "the program has {} params, the handle passes {}",
                    have.len(),
                    want.len()
                ),
            };
            return Err(SignatureError {
                message: format!(
                    "the program takes ({}), the handle passes ({}): {detail}",
                    sig(&have),
                    sig(&want)
                ),
            });
        }
        let result = compiled.result_type().cloned();
        if let Some(t) = have
            .iter()
            .chain(&result)
            .find(|t| !is_scalar(t.strip_opt()))
        {
            return Err(SignatureError {
                message: format!(
                    "typed handles pass and return scalars only (`Option<T>` for a `T?`), and the program uses {t}; use `Program::run` for strings and lists"
                ),
            });
        }
        if R::ty() != result {
            let show = |t: &Option<Ty>| t.as_ref().map_or("no result".to_owned(), Ty::to_string);
            return Err(SignatureError {
                message: format!(
                    "the program returns {}, the handle expects {}",
                    show(&result),
                    show(&R::ty())
                ),
            });
        }
        let inner = &*program.inner;
        // Optionals go through `kiln_entry` (see the module docs).
        let main = match A::OPTIONAL || R::OPTIONAL {
            true => compiled.entry() as usize,
            false => compiled.main_address(),
        };
        Ok(TypedFn {
            program: program.clone(),
            main,
            plain: !compiled.needs_stack_guard() && inner.host.is_empty(),
            bare: !compiled.needs_stack_guard() && inner.host.is_empty() && compiled.context_free(),
            ctx: RefCell::new(Box::new(program.new_ctx())),
            _sig: PhantomData,
        })
    }

    /// The program this handle calls.
    pub fn program(&self) -> &Program {
        &self.program
    }
}

fn is_scalar(t: &Ty) -> bool {
    matches!(
        t,
        Ty::Bool | Ty::Int(_) | Ty::Float(_) | Ty::Timestamp | Ty::Duration
    )
}

impl<A: Args, R: Ret> Clone for TypedFn<A, R> {
    /// Another handle to the same program, with its own run context.
    fn clone(&self) -> Self {
        TypedFn {
            program: self.program.clone(),
            main: self.main,
            plain: self.plain,
            bare: self.bare,
            ctx: RefCell::new(Box::new(self.program.new_ctx())),
            _sig: PhantomData,
        }
    }
}

impl Program {
    /// A handle that calls the program as a native function from the param types `A` (a
    /// tuple) to the result type `R` (`()` for no result). The types must be the
    /// program's exactly (no conversions); otherwise the error says which differs.
    ///
    /// ```
    /// let program = kiln::Engine::new()
    ///     .compile("param a: f64; param b: f64; (a * 1.8 + b) / 2")
    ///     .unwrap();
    /// let f = program.typed::<(f64, f64), f64>().unwrap();
    /// assert_eq!(f.call(10.0, 2.0), Ok(10.0));
    /// assert!(program.typed::<(f64, i64), f64>().is_err());
    ///
    /// // An optional param or result (`T?`) is an `Option<T>`.
    /// let program = kiln::Engine::new()
    ///     .compile("param x: f64?; param k: i32; x * f64(k)")
    ///     .unwrap();
    /// let f = program.typed::<(Option<f64>, i32), Option<f64>>().unwrap();
    /// assert_eq!(f.call(Some(1.5), 2), Ok(Some(3.0)));
    /// assert_eq!(f.call(None, 2), Ok(None));
    /// ```
    pub fn typed<A: Args, R: Ret>(&self) -> Result<TypedFn<A, R>, SignatureError> {
        TypedFn::new(self)
    }
}
