//! How the symbol tables of `abi.rs` are made: each runtime function is named once, as
//! `CONST = module::symbol/arity`, and its row (the IR signature codegen declares), its
//! address (what the JIT maps) and its Rust signature (what tests check the row against)
//! all come from the Rust function itself. The arity only picks the function-pointer type
//! the function is cast to; a wrong arity or a name with no function is a compile error.

use crate::abi::{AbiTy, RustSig, RustTy};

/// A Rust type that crosses the boundary, and the IR type it crosses as.
pub(crate) trait AbiType {
    const TY: AbiTy;
}

impl<T> AbiType for *mut T {
    const TY: AbiTy = AbiTy::Ptr;
}

impl<T> AbiType for *const T {
    const TY: AbiTy = AbiTy::Ptr;
}

/// Rust integer and float types and their IR types (signedness is the callee's business).
macro_rules! abi_types {
    ($($rust:ty => $abi:ident),* $(,)?) => {$(
        impl AbiType for $rust {
            const TY: AbiTy = AbiTy::$abi;
        }
    )*};
}

abi_types! {
    i32 => I32,
    u32 => I32,
    i64 => I64,
    u64 => I64,
    f32 => F32,
    f64 => F64,
}

/// A return type: `()` is void.
pub(crate) trait AbiRet {
    const RET: Option<AbiTy>;
}

impl AbiRet for () {
    const RET: Option<AbiTy> = None;
}

impl<T: AbiType> AbiRet for T {
    const RET: Option<AbiTy> = Some(T::TY);
}

/// An `unsafe extern "C" fn` pointer type whose parameters and result cross the boundary.
pub(crate) trait AbiSig: Copy {
    const RET: Option<AbiTy>;
    const PARAMS: &'static [AbiTy];
    fn rust() -> RustSig;
}

impl RustTy {
    fn of<T>() -> RustTy {
        RustTy {
            name: std::any::type_name::<T>(),
            size: std::mem::size_of::<T>(),
        }
    }
}

/// [`AbiSig`] for function pointers of every arity up to that of the list given.
macro_rules! abi_sigs {
    () => {
        abi_sig!();
    };
    ($first:ident $($rest:ident)*) => {
        abi_sig!($first $($rest)*);
        abi_sigs!($($rest)*);
    };
}

macro_rules! abi_sig {
    ($($p:ident)*) => {
        impl<R: AbiRet, $($p: AbiType),*> AbiSig for unsafe extern "C" fn($($p),*) -> R {
            const RET: Option<AbiTy> = R::RET;
            const PARAMS: &'static [AbiTy] = &[$($p::TY),*];
            fn rust() -> RustSig {
                RustSig {
                    ret: RustTy::of::<R>(),
                    params: vec![$(RustTy::of::<$p>()),*],
                }
            }
        }
    };
}

abi_sigs!(A B C D E F G H I J K L);

/// The row of `RUNTIME_FUNCTIONS` (or `C_MATH_FUNCTIONS`) for the function `f` named
/// `symbol`.
pub(crate) const fn row<F: AbiSig>(
    symbol: &'static str,
    _f: F,
) -> (&'static str, Option<AbiTy>, &'static [AbiTy]) {
    (symbol, F::RET, F::PARAMS)
}

/// The Rust signature of `f`.
pub(crate) fn rust_sig<F: AbiSig>(_f: F) -> RustSig {
    F::rust()
}

/// `f` as the `unsafe extern "C" fn` pointer of `n` parameters (their types and the result
/// inferred from `f`'s definition; another number of parameters is a compile error).
#[rustfmt::skip]
macro_rules! fn_ptr {
    ($f:path, 0) => { $f as unsafe extern "C" fn() -> _ };
    ($f:path, 1) => { $f as unsafe extern "C" fn(_) -> _ };
    ($f:path, 2) => { $f as unsafe extern "C" fn(_, _) -> _ };
    ($f:path, 3) => { $f as unsafe extern "C" fn(_, _, _) -> _ };
    ($f:path, 4) => { $f as unsafe extern "C" fn(_, _, _, _) -> _ };
    ($f:path, 5) => { $f as unsafe extern "C" fn(_, _, _, _, _) -> _ };
    ($f:path, 6) => { $f as unsafe extern "C" fn(_, _, _, _, _, _) -> _ };
    ($f:path, 7) => { $f as unsafe extern "C" fn(_, _, _, _, _, _, _) -> _ };
    ($f:path, 8) => { $f as unsafe extern "C" fn(_, _, _, _, _, _, _, _) -> _ };
    ($f:path, 9) => { $f as unsafe extern "C" fn(_, _, _, _, _, _, _, _, _) -> _ };
    ($f:path, 10) => { $f as unsafe extern "C" fn(_, _, _, _, _, _, _, _, _, _) -> _ };
    ($f:path, 11) => { $f as unsafe extern "C" fn(_, _, _, _, _, _, _, _, _, _, _) -> _ };
    ($f:path, 12) => { $f as unsafe extern "C" fn(_, _, _, _, _, _, _, _, _, _, _, _) -> _ };
}

/// A table of functions (`$table`: symbol, return type, parameter types), the function
/// giving each one's address (`$address`) and the one giving its Rust signature
/// (`$signature`), from one `module::symbol/arity` list.
macro_rules! symbol_table {
    (
        $(#[$table_doc:meta])* $table:ident,
        $(#[$address_doc:meta])* $address:ident,
        $(#[$signature_doc:meta])* $signature:ident;
        $($m:ident::$name:ident / $arity:tt),* $(,)?
    ) => {
        $(#[$table_doc])*
        pub const $table: &[(&str, Option<AbiTy>, &[AbiTy])] = &[$(
            $crate::symbols::row(stringify!($name), $crate::symbols::fn_ptr!($m::$name, $arity))
        ),*];

        $(#[$address_doc])*
        pub fn $address(symbol: &str) -> Option<usize> {
            Some(match symbol {
                $(stringify!($name) => $crate::symbols::fn_ptr!($m::$name, $arity) as usize,)*
                _ => return None,
            })
        }

        $(#[$signature_doc])*
        pub fn $signature(symbol: &str) -> Option<$crate::abi::RustSig> {
            Some(match symbol {
                $(stringify!($name) => $crate::symbols::rust_sig($crate::symbols::fn_ptr!($m::$name, $arity)),)*
                _ => return None,
            })
        }
    };
}

/// The runtime functions: a `pub const NAME: &str` per symbol (with its docs), then
/// [`symbol_table!`] over them.
macro_rules! runtime_functions {
    (
        $(#[$table_doc:meta])* $table:ident,
        $(#[$address_doc:meta])* $address:ident,
        $(#[$signature_doc:meta])* $signature:ident;
        $($(#[$doc:meta])* $konst:ident = $m:ident::$name:ident / $arity:tt;)*
    ) => {
        $($(#[$doc])* pub const $konst: &str = stringify!($name);)*

        $crate::symbols::symbol_table! {
            $(#[$table_doc])* $table,
            $(#[$address_doc])* $address,
            $(#[$signature_doc])* $signature;
            $($m::$name / $arity),*
        }
    };
}

pub(crate) use {fn_ptr, runtime_functions, symbol_table};
