//! Kiln signatures from Rust function types: a trait per Rust value type giving its Kiln
//! type and ABI bits, and one impl per arity (a macro) for plain functions and for
//! functions that take the run's host value first.

use crate::types::ty::{FloatTy, IntTy, Ty};
use std::fmt::Display;

/// A Rust scalar type a host function can take or return, with its Kiln type:
/// `bool`, `i8`…`i64`, `u8`…`u64`, `f32`, `f64`.
pub trait HostType: Copy + 'static {
    /// The Kiln type.
    fn ty() -> Ty;
    /// From the ABI bits generated code passes (see `abi.rs`).
    fn from_bits(bits: u64) -> Self;
    /// To the ABI bits generated code reads.
    fn to_bits(self) -> u64;
}

macro_rules! host_types {
    ($($t:ty => $ty:expr, |$v:ident| $to:expr, |$b:ident| $from:expr;)*) => {$(
        impl HostType for $t {
            fn ty() -> Ty {
                $ty
            }
            fn from_bits($b: u64) -> Self {
                $from
            }
            fn to_bits(self) -> u64 {
                let $v = self;
                $to
            }
        }

        impl HostRet for $t {
            const FALLIBLE: bool = false;
            fn ty() -> Ty {
                $ty
            }
            fn into_bits(self) -> Result<u64, String> {
                Ok(HostType::to_bits(self))
            }
        }
    )*};
}

host_types! {
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

/// What a host function may return: a [`HostType`], or `Result<T, E>` of one for a
/// function that can fail (its `Err` becomes the run's error, E0610).
pub trait HostRet {
    /// Whether the function can report failure.
    const FALLIBLE: bool;
    /// The Kiln result type.
    fn ty() -> Ty;
    /// The ABI bits, or the failure's message.
    fn into_bits(self) -> Result<u64, String>;
}

impl<T: HostType, E: Display> HostRet for Result<T, E> {
    const FALLIBLE: bool = true;
    fn ty() -> Ty {
        T::ty()
    }
    fn into_bits(self) -> Result<u64, String> {
        self.map(T::to_bits).map_err(|e| e.to_string())
    }
}

/// A Rust function a program can call: `Fn(A1, …, An) -> R` with `n` up to 6, each `Ai`
/// a [`HostType`] and `R` a [`HostRet`]. `Args` is the tuple of argument types (it lets
/// one closure type have one signature); implemented for every such closure and `fn`.
pub trait HostFn<Args>: Send + Sync + 'static {
    /// The Kiln parameter types.
    fn params() -> Vec<Ty>;
    /// The Kiln result type.
    fn ret() -> Ty;
    /// Whether the function can report failure (returns a `Result`).
    fn fallible() -> bool;
    /// Call with the arguments' ABI bits (one per parameter).
    fn call_bits(&self, args: &[u64]) -> Result<u64, String>;
}

/// Like [`HostFn`], for `Fn(&T, A1, …, An) -> R`: the function also receives the run's
/// host value, a `&T` (see `HostRegistry::register_with_host`).
pub trait HostFnWith<T, Args>: Send + Sync + 'static {
    /// The Kiln parameter types (without the host value).
    fn params() -> Vec<Ty>;
    /// The Kiln result type.
    fn ret() -> Ty;
    /// Whether the function can report failure (returns a `Result`).
    fn fallible() -> bool;
    /// Call with the host value and the arguments' ABI bits (one per parameter).
    fn call_bits(&self, host: &T, args: &[u64]) -> Result<u64, String>;
}

macro_rules! host_fns {
    ($($a:ident : $i:tt),*) => {
        impl<F, R, $($a),*> HostFn<($($a,)*)> for F
        where
            F: Fn($($a),*) -> R + Send + Sync + 'static,
            R: HostRet,
            $($a: HostType,)*
        {
            fn params() -> Vec<Ty> {
                vec![$($a::ty()),*]
            }
            fn ret() -> Ty {
                R::ty()
            }
            fn fallible() -> bool {
                R::FALLIBLE
            }
            fn call_bits(&self, args: &[u64]) -> Result<u64, String> {
                let _ = args;
                (self)($($a::from_bits(args[$i])),*).into_bits()
            }
        }

        impl<T, F, R, $($a),*> HostFnWith<T, ($($a,)*)> for F
        where
            T: 'static,
            F: Fn(&T, $($a),*) -> R + Send + Sync + 'static,
            R: HostRet,
            $($a: HostType,)*
        {
            fn params() -> Vec<Ty> {
                vec![$($a::ty()),*]
            }
            fn ret() -> Ty {
                R::ty()
            }
            fn fallible() -> bool {
                R::FALLIBLE
            }
            fn call_bits(&self, host: &T, args: &[u64]) -> Result<u64, String> {
                let _ = args;
                (self)(host, $($a::from_bits(args[$i])),*).into_bits()
            }
        }
    };
}

host_fns!();
host_fns!(A0: 0);
host_fns!(A0: 0, A1: 1);
host_fns!(A0: 0, A1: 1, A2: 2);
host_fns!(A0: 0, A1: 1, A2: 2, A3: 3);
host_fns!(A0: 0, A1: 1, A2: 2, A3: 3, A4: 4);
host_fns!(A0: 0, A1: 1, A2: 2, A3: 3, A4: 4, A5: 5);

#[cfg(test)]
mod tests {
    use super::*;

    fn sig<Args, F: HostFn<Args>>(_: &F) -> (Vec<Ty>, Ty, bool) {
        (F::params(), F::ret(), F::fallible())
    }

    #[test]
    fn signatures_come_from_the_rust_types() {
        let f = |a: i32, b: f64, c: bool| -> u8 { (a as f64 + b) as u8 + c as u8 };
        assert_eq!(
            sig(&f),
            (
                vec![Ty::Int(IntTy::I32), Ty::F64, Ty::Bool],
                Ty::Int(IntTy::U8),
                false
            )
        );
        let g = |x: u64| -> Result<f32, String> { Ok(x as f32) };
        assert_eq!(
            sig(&g),
            (vec![Ty::Int(IntTy::U64)], Ty::Float(FloatTy::F32), true)
        );
        assert_eq!(sig(&|| 1i64), (vec![], Ty::I64, false));
    }

    #[test]
    fn bits_round_trip_every_scalar() {
        fn rt<T: HostType + PartialEq + std::fmt::Debug>(v: T) {
            assert_eq!(T::from_bits(v.to_bits()), v);
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
        assert_eq!((-1i8).to_bits(), u64::MAX);
        let add = |a: i8, b: i8| a.wrapping_add(b);
        assert_eq!(add.call_bits(&[(-3i8).to_bits(), 1]), Ok((-2i8).to_bits()));
    }
}
