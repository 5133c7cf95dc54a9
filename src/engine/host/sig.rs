//! Kiln signatures from Rust function types: a trait per Rust value type giving its Kiln
//! type and how it crosses the trampoline (ABI words), and one impl per arity (a macro)
//! for plain functions and for functions that take the run's host value first.

use crate::runtime::RunCtx;
use crate::types::ty::{FloatTy, IntTy, Ty};
use std::fmt::Display;

/// A Rust type a host function can take: `bool`, `i8`…`i64`, `u8`…`u64`, `f32`, `f64`
/// (the Kiln type of the same name), or `String` (a Kiln `string`, copied for the call).
pub trait HostArg: Sized + 'static {
    /// How many 64-bit words the value takes at the trampoline (a string: pointer and
    /// length).
    const WORDS: usize;
    /// The Kiln type.
    fn ty() -> Ty;
    /// The value from its words (scalars as `abi` bits).
    ///
    /// # Safety
    /// For a string, the words are a pointer and a length of bytes alive for the call.
    unsafe fn from_words(words: &[u64]) -> Self;
}

/// A Rust type a host function can return: the scalars of [`HostArg`], or `String`
/// (copied into the run's memory).
pub trait HostOut: Sized + 'static {
    /// The Kiln type.
    fn ty() -> Ty;
    /// The result's words: a scalar's bits, or a string's pointer and length in `ctx`'s
    /// memory (`None`: the function is called without a run context).
    fn into_words(self, ctx: Option<&mut RunCtx>) -> Result<[u64; 2], String>;
}

macro_rules! scalars {
    ($($t:ty => $ty:expr, |$v:ident| $to:expr, |$b:ident| $from:expr;)*) => {$(
        impl HostArg for $t {
            const WORDS: usize = 1;
            fn ty() -> Ty {
                $ty
            }
            unsafe fn from_words(words: &[u64]) -> Self {
                let $b = words[0];
                $from
            }
        }

        impl HostOut for $t {
            fn ty() -> Ty {
                $ty
            }
            fn into_words(self, _ctx: Option<&mut RunCtx>) -> Result<[u64; 2], String> {
                let $v = self;
                Ok([$to, 0])
            }
        }
    )*};
}

scalars! {
    bool => Ty::Bool, |v| v as u64, |b| b & 1 != 0;
    i8 => Ty::Int(IntTy::I8), |v| v as i64 as u64, |b| b as i8;
    i16 => Ty::Int(IntTy::I16), |v| v as i64 as u64, |b| b as i16;
    i32 => Ty::Int(IntTy::I32), |v| v as i64 as u64, |b| b as i32;
    i64 => Ty::Int(IntTy::I64), |v| v as u64, |b| b as i64;
    u8 => Ty::Int(IntTy::U8), |v| v as u64, |b| b as u8;
    u16 => Ty::Int(IntTy::U16), |v| v as u64, |b| b as u16;
    u32 => Ty::Int(IntTy::U32), |v| v as u64, |b| b as u32;
    u64 => Ty::Int(IntTy::U64), |v| v, |b| b;
    f32 => Ty::Float(FloatTy::F32), |v| v.to_bits() as u64, |b| f32::from_bits(b as u32);
    f64 => Ty::Float(FloatTy::F64), |v| v.to_bits(), |b| f64::from_bits(b);
}

impl HostArg for String {
    const WORDS: usize = 2;
    fn ty() -> Ty {
        Ty::Str
    }
    unsafe fn from_words(words: &[u64]) -> Self {
        crate::value::layout::string_from_pair(words[0] as usize as *const u8, words[1] as i64)
    }
}

impl HostOut for String {
    fn ty() -> Ty {
        Ty::Str
    }
    fn into_words(self, ctx: Option<&mut RunCtx>) -> Result<[u64; 2], String> {
        let ctx = ctx.ok_or("a string result needs the run context")?;
        if self.len() as u64 > crate::abi::MAX_STRING_BYTES as u64 {
            return Err(format!("a result of {} bytes is too large", self.len()));
        }
        let s = ctx.alloc_bytes(self.as_bytes());
        Ok([s.ptr as u64, s.len as u64])
    }
}

/// What a host function may return: a [`HostOut`], or `Result<T, E>` of one for a
/// function that can fail (its `Err` becomes the run's error, E0610).
pub trait HostRet {
    /// Whether the function can report failure.
    const FALLIBLE: bool;
    /// The Kiln result type.
    fn ty() -> Ty;
    /// The result's words, or the failure's message.
    fn into_words(self, ctx: Option<&mut RunCtx>) -> Result<[u64; 2], String>;
}

impl<T: HostOut> HostRet for T {
    const FALLIBLE: bool = false;
    fn ty() -> Ty {
        T::ty()
    }
    fn into_words(self, ctx: Option<&mut RunCtx>) -> Result<[u64; 2], String> {
        HostOut::into_words(self, ctx)
    }
}

impl<T: HostOut, E: Display> HostRet for Result<T, E> {
    const FALLIBLE: bool = true;
    fn ty() -> Ty {
        T::ty()
    }
    fn into_words(self, ctx: Option<&mut RunCtx>) -> Result<[u64; 2], String> {
        self.map_err(|e| e.to_string())?.into_words(ctx)
    }
}

/// A Rust function a program can call: `Fn(A1, …, An) -> R` with `n` up to 6, each `Ai`
/// a [`HostArg`] and `R` a [`HostRet`]. `Args` is the tuple of argument types (it lets
/// one closure type have one signature); implemented for every such closure and `fn`.
pub trait HostFn<Args>: Send + Sync + 'static {
    /// The Kiln parameter types.
    fn params() -> Vec<Ty>;
    /// The Kiln result type.
    fn ret() -> Ty;
    /// Call with the arguments' words (see [`HostArg::from_words`]).
    ///
    /// # Safety
    /// `args` holds the words of one value of each parameter type, in order.
    unsafe fn call_words(&self, args: &[u64], ctx: Option<&mut RunCtx>)
        -> Result<[u64; 2], String>;
}

/// Like [`HostFn`], for `Fn(&T, A1, …, An) -> R`: the function also receives the run's
/// host value, a `&T` (see `HostRegistry::register_with_host`).
pub trait HostFnWith<T, Args>: Send + Sync + 'static {
    /// The Kiln parameter types (without the host value).
    fn params() -> Vec<Ty>;
    /// The Kiln result type.
    fn ret() -> Ty;
    /// Call with the host value and the arguments' words.
    ///
    /// # Safety
    /// As for [`HostFn::call_words`].
    unsafe fn call_words(
        &self,
        host: &T,
        args: &[u64],
        ctx: Option<&mut RunCtx>,
    ) -> Result<[u64; 2], String>;
}

macro_rules! host_fns {
    ($($a:ident),*) => {
        impl<F, R, $($a),*> HostFn<($($a,)*)> for F
        where
            F: Fn($($a),*) -> R + Send + Sync + 'static,
            R: HostRet,
            $($a: HostArg,)*
        {
            fn params() -> Vec<Ty> {
                vec![$($a::ty()),*]
            }
            fn ret() -> Ty {
                R::ty()
            }
            #[allow(unused_mut, unused_variables, unused_assignments, non_snake_case)]
            unsafe fn call_words(
                &self,
                args: &[u64],
                ctx: Option<&mut RunCtx>,
            ) -> Result<[u64; 2], String> {
                let mut at = 0;
                $(
                    let $a = $a::from_words(&args[at..at + $a::WORDS]);
                    at += $a::WORDS;
                )*
                (self)($($a),*).into_words(ctx)
            }
        }

        impl<T, F, R, $($a),*> HostFnWith<T, ($($a,)*)> for F
        where
            T: 'static,
            F: Fn(&T, $($a),*) -> R + Send + Sync + 'static,
            R: HostRet,
            $($a: HostArg,)*
        {
            fn params() -> Vec<Ty> {
                vec![$($a::ty()),*]
            }
            fn ret() -> Ty {
                R::ty()
            }
            #[allow(unused_mut, unused_variables, unused_assignments, non_snake_case)]
            unsafe fn call_words(
                &self,
                host: &T,
                args: &[u64],
                ctx: Option<&mut RunCtx>,
            ) -> Result<[u64; 2], String> {
                let mut at = 0;
                $(
                    let $a = $a::from_words(&args[at..at + $a::WORDS]);
                    at += $a::WORDS;
                )*
                (self)(host, $($a),*).into_words(ctx)
            }
        }
    };
}

host_fns!();
host_fns!(A0);
host_fns!(A0, A1);
host_fns!(A0, A1, A2);
host_fns!(A0, A1, A2, A3);
host_fns!(A0, A1, A2, A3, A4);
host_fns!(A0, A1, A2, A3, A4, A5);

#[cfg(test)]
mod tests {
    use super::*;

    fn sig<Args, F: HostFn<Args>>(_: &F) -> (Vec<Ty>, Ty) {
        (F::params(), F::ret())
    }

    #[test]
    fn signatures_come_from_the_rust_types() {
        let f = |a: i32, b: f64, c: bool| -> u8 { (a as f64 + b) as u8 + c as u8 };
        assert_eq!(
            sig(&f),
            (
                vec![Ty::Int(IntTy::I32), Ty::F64, Ty::Bool],
                Ty::Int(IntTy::U8)
            )
        );
        let g = |x: u64| -> Result<f32, String> { Ok(x as f32) };
        assert_eq!(
            sig(&g),
            (vec![Ty::Int(IntTy::U64)], Ty::Float(FloatTy::F32))
        );
        assert_eq!(sig(&|| 1i64), (vec![], Ty::I64));
        let h = |s: String, n: i64| s.repeat(n as usize);
        assert_eq!(sig(&h), (vec![Ty::Str, Ty::I64], Ty::Str));
    }

    #[test]
    fn words_round_trip_every_scalar() {
        fn rt<T: HostArg + HostOut + PartialEq + std::fmt::Debug + Copy>(v: T) {
            let words = v.into_words(None).unwrap();
            // SAFETY: scalar words.
            assert_eq!(unsafe { T::from_words(&words) }, v);
        }
        rt(true);
        rt(-5i8);
        rt(-300i16);
        rt(i32::MIN);
        rt(i64::MIN);
        rt(255u8);
        rt(u16::MAX);
        rt(u32::MAX);
        rt(u64::MAX);
        rt(-1.5f32);
        rt(f64::MAX);
        // Signed integers cross sign-extended, as generated code passes them.
        assert_eq!(HostOut::into_words(-1i8, None), Ok([u64::MAX, 0]));
        let add = |a: i8, b: String| a.wrapping_add(b.len() as i8);
        let text = "abc";
        let args = [(-5i8) as i64 as u64, text.as_ptr() as u64, 3];
        // SAFETY: the words are an i8 and a live string.
        let r = unsafe { add.call_words(&args, None) };
        assert_eq!(r, Ok([(-2i8) as i64 as u64, 0]));
    }

    #[test]
    fn a_string_result_needs_a_run_context_and_lands_in_its_memory() {
        assert!(HostOut::into_words("x".to_owned(), None).is_err());
        let mut ctx = RunCtx::new();
        let [ptr, len] = HostOut::into_words("héllo".to_owned(), Some(&mut ctx)).unwrap();
        // SAFETY: the words point into `ctx`'s arena, alive until it is reset.
        let s = unsafe { crate::runtime::display::str_from_raw(ptr as *const u8, len as i64) };
        assert_eq!(s, "héllo");
    }
}
