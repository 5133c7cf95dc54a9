//! The generated-code ↔ runtime contract as the compiler sees it: everything of
//! `kiln_runtime::abi` (context layout, value representation, fault codes, runtime
//! symbols and their signatures), plus what needs the compiler's types: the kind of a
//! `Ty`, the C math functions LLVM may call, and the symbol of each library function.

pub use kiln_runtime::abi::*;

use crate::types::ty::{FloatTy, IntTy, Ty};

/// A runtime [`Kind`] and the compiler's [`Ty`] it stands for.
pub trait KindTy: Sized {
    /// The kind of a scalar or string type; `None` for lists.
    fn of(ty: &Ty) -> Option<Self>;
    /// The type this kind stands for.
    fn ty(self) -> Ty;
}

impl KindTy for Kind {
    fn of(ty: &Ty) -> Option<Kind> {
        Some(match ty {
            Ty::Bool => Kind::Bool,
            Ty::Int(i) => Kind::ALL[1 + *i as usize],
            Ty::Float(FloatTy::F32) => Kind::F32,
            Ty::Float(FloatTy::F64) => Kind::F64,
            Ty::Str => Kind::Str,
            Ty::Timestamp => Kind::Timestamp,
            Ty::Duration => Kind::Duration,
            _ => return None,
        })
    }

    fn ty(self) -> Ty {
        match self {
            Kind::Bool => Ty::Bool,
            Kind::F32 => Ty::Float(FloatTy::F32),
            Kind::F64 => Ty::Float(FloatTy::F64),
            Kind::Str => Ty::Str,
            Kind::Timestamp => Ty::Timestamp,
            Kind::Duration => Ty::Duration,
            k => Ty::Int(IntTy::ALL[k as usize - 1]),
        }
    }
}

pub use kiln_runtime::typecode::{Shape, TypeCode};

/// The runtime type code of a settled type (see `kiln_runtime::typecode`); `None` for
/// a type nested deeper than a code holds (or one the checker never settles).
pub fn type_code(ty: &Ty) -> Option<TypeCode> {
    match ty {
        Ty::List(e) => type_code(e)?.list(),
        Ty::Opt(t) => type_code(t)?.opt(),
        t => Kind::of(t).map(TypeCode::of_kind),
    }
}

/// The type a runtime type code stands for.
pub fn type_of_code(code: TypeCode) -> Option<Ty> {
    Some(match code.shape()? {
        Shape::Scalar(k) => k.ty(),
        Shape::List(e) => Ty::List(Box::new(type_of_code(e)?)),
        Shape::Opt(t) => Ty::Opt(Box::new(type_of_code(t)?)),
    })
}

/// C math library functions generated code may call, directly or through LLVM's lowering
/// of intrinsics and `frem` (`tan`, `fmod`, …): (symbol, float type, arity), as the
/// runtime's [`C_MATH_FUNCTIONS`] (which its functions' definitions make) has them. The JIT
/// maps each to the runtime's own wrapper so nothing depends on symbol lookup in the host
/// process.
pub const LIBM_FUNCTIONS: &[(&str, FloatTy, u8)] = &libm_functions::<{ C_MATH_FUNCTIONS.len() }>();

/// [`LIBM_FUNCTIONS`] from [`C_MATH_FUNCTIONS`] (`N` rows).
const fn libm_functions<const N: usize>() -> [(&'static str, FloatTy, u8); N] {
    let mut rows = [("", FloatTy::F64, 0); N];
    let mut i = 0;
    while i < N {
        let (symbol, ret, params) = C_MATH_FUNCTIONS[i];
        let ft = match ret {
            Some(AbiTy::F32) => FloatTy::F32,
            Some(AbiTy::F64) => FloatTy::F64,
            _ => panic!("a C math function returns f32 or f64"),
        };
        let mut p = 0;
        while p < params.len() {
            assert!(
                params[p] as u8 == ret.unwrap() as u8,
                "a C math function's parameters have its return type"
            );
            p += 1;
        }
        rows[i] = (symbol, ft, params.len() as u8);
        i += 1;
    }
    rows
}

// ---- standard library: strings and lists ------------------------------------------------

/// The runtime symbol of each standard-library function. The rest (`len` of a list,
/// `first`, `last`, `index_of`, `contains`, `sum`, `avg`, `min`, `max`, element-wise
/// operators, `filter`, `count`, `any`, `all`) are loops or loads codegen emits inline. Each
/// symbol is a constant of [`RUNTIME_FUNCTIONS`], so it has a row and an address.
pub const LIB_SYMBOLS: &[(crate::types::hir::LibFn, &str)] = {
    use crate::types::hir::LibFn::*;
    &[
        (StrLen, RT_STR_LEN),
        (StrConcat, RT_STR_CONCAT),
        (StrContains, RT_STR_CONTAINS),
        (StartsWith, RT_STR_STARTS_WITH),
        (EndsWith, RT_STR_ENDS_WITH),
        (Find, RT_STR_FIND),
        (Substr, RT_STR_SUBSTR),
        (Upper, RT_STR_UPPER),
        (Lower, RT_STR_LOWER),
        (Trim, RT_STR_TRIM),
        (Replace, RT_STR_REPLACE),
        (Split, RT_STR_SPLIT),
        (Join, RT_STR_JOIN),
        (Repeat, RT_STR_REPEAT),
        (Median, RT_LIST_MEDIAN),
        (Sort, RT_LIST_SORT),
        (SortDesc, RT_LIST_SORT_DESC),
        (Reverse, RT_LIST_REVERSE),
        (Unique, RT_LIST_UNIQUE),
        (CountDistinct, RT_LIST_COUNT_DISTINCT),
        (ListConcat, RT_LIST_CONCAT),
        (Slice, RT_LIST_SLICE),
        (Range, RT_LIST_RANGE),
        (Flatten, RT_LIST_FLATTEN),
        (Compact, RT_LIST_COMPACT),
        (CompactSome, RT_LIST_COMPACT_SOME),
        // Issue 15, regular expressions and characters: called by `codegen/regex.rs`
        // with their own argument lists (see the runtime's `regex.rs`, `chars.rs`).
        (Matches, RT_RE_MATCHES),
        (FindMatch, RT_RE_FIND),
        (Captures, RT_RE_CAPTURES),
        (ReplaceAll, RT_RE_REPLACE_ALL),
        (SplitRe, RT_RE_SPLIT),
        (Chars, RT_CHARS),
        (IsDigit, RT_IS_DIGIT),
        (IsAlpha, RT_IS_ALPHA),
        (IsSpace, RT_IS_SPACE),
        (CharCode, RT_CHAR_CODE),
        (FromCharCode, RT_FROM_CHAR_CODE),
    ]
};

/// The runtime symbol of a standard-library function.
pub fn lib_symbol(f: crate::types::hir::LibFn) -> Option<&'static str> {
    LIB_SYMBOLS.iter().find(|r| r.0 == f).map(|r| r.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_c_math_function_has_a_runtime_wrapper() {
        for (name, _, _) in LIBM_FUNCTIONS {
            assert!(crate::runtime::libm_address(name).is_some(), "{name}");
        }
    }

    #[test]
    fn every_c_math_row_matches_its_rust_signature() {
        for (name, ft, arity) in LIBM_FUNCTIONS {
            let rust = libm_signature(name).unwrap_or_else(|| panic!("{name}"));
            let float = ft.name();
            assert_eq!(rust.ret.name, float, "{name}");
            assert_eq!(rust.params.len(), *arity as usize, "{name}");
            assert!(rust.params.iter().all(|p| p.name == float), "{name}");
        }
    }

    #[test]
    fn kinds_and_types_correspond() {
        for k in Kind::ALL {
            assert_eq!(Kind::of(&k.ty()), Some(k));
            let nested = Ty::List(Box::new(Ty::Opt(Box::new(Ty::List(Box::new(k.ty()))))));
            let code = type_code(&nested).unwrap();
            assert_eq!(type_of_code(code), Some(nested));
            assert_eq!(k.ty().to_string(), k.name());
        }
    }
}
