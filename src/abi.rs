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
            _ => return None,
        })
    }

    fn ty(self) -> Ty {
        match self {
            Kind::Bool => Ty::Bool,
            Kind::F32 => Ty::Float(FloatTy::F32),
            Kind::F64 => Ty::Float(FloatTy::F64),
            Kind::Str => Ty::Str,
            k => Ty::Int(IntTy::ALL[k as usize - 1]),
        }
    }
}

/// C math library functions generated code may call, directly or through LLVM's lowering
/// of intrinsics and `frem` (`tan`, `fmod`, …). The JIT maps each to the runtime's own
/// wrapper so nothing depends on symbol lookup in the host process.
pub const LIBM_FUNCTIONS: &[(&str, FloatTy, u8)] = &[
    ("fmod", FloatTy::F64, 2),
    ("fmodf", FloatTy::F32, 2),
    ("pow", FloatTy::F64, 2),
    ("powf", FloatTy::F32, 2),
    ("fmin", FloatTy::F64, 2),
    ("fminf", FloatTy::F32, 2),
    ("fmax", FloatTy::F64, 2),
    ("fmaxf", FloatTy::F32, 2),
    ("sin", FloatTy::F64, 1),
    ("sinf", FloatTy::F32, 1),
    ("cos", FloatTy::F64, 1),
    ("cosf", FloatTy::F32, 1),
    ("tan", FloatTy::F64, 1),
    ("tanf", FloatTy::F32, 1),
    ("exp", FloatTy::F64, 1),
    ("expf", FloatTy::F32, 1),
    ("exp2", FloatTy::F64, 1),
    ("exp2f", FloatTy::F32, 1),
    ("exp10", FloatTy::F64, 1),
    ("exp10f", FloatTy::F32, 1),
    ("log", FloatTy::F64, 1),
    ("logf", FloatTy::F32, 1),
    ("log2", FloatTy::F64, 1),
    ("log2f", FloatTy::F32, 1),
    ("log10", FloatTy::F64, 1),
    ("log10f", FloatTy::F32, 1),
    ("sqrt", FloatTy::F64, 1),
    ("sqrtf", FloatTy::F32, 1),
    ("floor", FloatTy::F64, 1),
    ("floorf", FloatTy::F32, 1),
    ("ceil", FloatTy::F64, 1),
    ("ceilf", FloatTy::F32, 1),
    ("round", FloatTy::F64, 1),
    ("roundf", FloatTy::F32, 1),
    ("trunc", FloatTy::F64, 1),
    ("truncf", FloatTy::F32, 1),
    // The math extras (issue 5).
    ("asin", FloatTy::F64, 1),
    ("asinf", FloatTy::F32, 1),
    ("acos", FloatTy::F64, 1),
    ("acosf", FloatTy::F32, 1),
    ("atan", FloatTy::F64, 1),
    ("atanf", FloatTy::F32, 1),
    ("sinh", FloatTy::F64, 1),
    ("sinhf", FloatTy::F32, 1),
    ("cosh", FloatTy::F64, 1),
    ("coshf", FloatTy::F32, 1),
    ("tanh", FloatTy::F64, 1),
    ("tanhf", FloatTy::F32, 1),
    ("cbrt", FloatTy::F64, 1),
    ("cbrtf", FloatTy::F32, 1),
    ("hypot", FloatTy::F64, 2),
    ("hypotf", FloatTy::F32, 2),
    ("atan2", FloatTy::F64, 2),
    ("atan2f", FloatTy::F32, 2),
];

// ---- standard library: strings and lists ------------------------------------------------

/// The runtime symbol of each standard-library function. The rest (`len` of a list,
/// `first`, `last`, `index_of`, `contains`, `sum`, `avg`, `min`, `max`, element-wise
/// operators, `filter`, `count`, `any`, `all`) are loops or loads codegen emits inline. Each symbol is in [`RUNTIME_FUNCTIONS`].
pub const LIB_SYMBOLS: &[(crate::types::hir::LibFn, &str)] = {
    use crate::types::hir::LibFn::*;
    &[
        (StrLen, "kiln_rt_str_len"),
        (StrConcat, "kiln_rt_str_concat"),
        (StrContains, "kiln_rt_str_contains"),
        (StartsWith, "kiln_rt_str_starts_with"),
        (EndsWith, "kiln_rt_str_ends_with"),
        (Find, "kiln_rt_str_find"),
        (Substr, "kiln_rt_str_substr"),
        (Upper, "kiln_rt_str_upper"),
        (Lower, "kiln_rt_str_lower"),
        (Trim, "kiln_rt_str_trim"),
        (Replace, "kiln_rt_str_replace"),
        (Split, "kiln_rt_str_split"),
        (Join, "kiln_rt_str_join"),
        (Repeat, "kiln_rt_str_repeat"),
        (Median, "kiln_rt_list_median"),
        (Sort, "kiln_rt_list_sort"),
        (SortDesc, "kiln_rt_list_sort_desc"),
        (Reverse, "kiln_rt_list_reverse"),
        (Unique, "kiln_rt_list_unique"),
        (CountDistinct, "kiln_rt_list_count_distinct"),
        (ListConcat, "kiln_rt_list_concat"),
        (Slice, "kiln_rt_list_slice"),
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
    fn kinds_and_types_correspond() {
        for k in Kind::ALL {
            assert_eq!(Kind::of(&k.ty()), Some(k));
            assert_eq!(k.ty().to_string(), k.name());
        }
    }
}
