//! The calling contract between generated code and this runtime: the context, how values
//! cross the boundary, fault codes and runtime symbols. The compiler (`kiln::abi`)
//! re-exports all of it and builds its code generator from it.
//!
//! - Every generated function takes the run context `ctx: ptr` as its first parameter.
//!   The context starts with a `u32` status (offset 0): 0 while all is well; a runtime
//!   function that records a fault sets it, and generated code that sees it non-zero
//!   after a call that may fail returns at once (so `print` output already written stays).
//! - Scalars cross as `u64` bits: integers sign- or zero-extended from their type, bool
//!   0/1, f32 as its bit pattern in the low 32 bits, f64 as its bit pattern.
//! - Strings and lists are (pointer, length) pairs, `{ ptr, i64 }` in IR; a string's length
//!   counts bytes of UTF-8, a list's counts elements. List elements are contiguous in
//!   their natural layout (bool as one byte, strings as `{ ptr, i64 }`). Runtime
//!   functions take the two halves as separate arguments and return pairs through an out
//!   pointer to a [`RtStr`].

/// Offset of the `u32` status word in the run context.
pub const STATUS_OFFSET: u64 = 0;

/// Offset of the stack limit (a pointer-sized address) in the run context. A recursive
/// function whose frame address is below it raises [`Fault::StackOverflow`] instead of
/// overflowing the thread's stack. 0 disables the check.
pub const STACK_LIMIT_OFFSET: u64 = 8;

/// Offset of the host value pointer in the run context: the opaque context the host
/// passed to this run (`engine::Program::run_with`), null when none. Host functions that
/// ask for it receive it.
pub const HOST_OFFSET: u64 = 16;

/// Offset of the run's globals frame pointer in the run context: program-level bindings
/// that functions read live in a per-run frame (so concurrent runs never share them),
/// which `kiln_main` allocates and publishes here.
pub const GLOBALS_OFFSET: u64 = 24;

/// A (pointer, length) pair as the runtime sees it.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct RtStr {
    pub ptr: *const u8,
    pub len: i64,
}

/// Value kind codes passed to runtime functions.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Bool = 0,
    I8 = 1,
    I16 = 2,
    I32 = 3,
    I64 = 4,
    U8 = 5,
    U16 = 6,
    U32 = 7,
    U64 = 8,
    F32 = 9,
    F64 = 10,
    Str = 11,
}

impl Kind {
    pub const ALL: [Kind; 12] = [
        Kind::Bool,
        Kind::I8,
        Kind::I16,
        Kind::I32,
        Kind::I64,
        Kind::U8,
        Kind::U16,
        Kind::U32,
        Kind::U64,
        Kind::F32,
        Kind::F64,
        Kind::Str,
    ];

    pub fn from_u32(k: u32) -> Option<Kind> {
        Kind::ALL.get(k as usize).copied()
    }

    /// The Kiln type name of this kind (`i64`, `string`, …).
    pub fn name(self) -> &'static str {
        const NAMES: [&str; 12] = [
            "bool", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f32", "f64", "string",
        ];
        NAMES[self as usize]
    }

    /// Size and alignment in bytes of one element of this kind in a list (its natural
    /// layout: bool one byte, strings a `{ ptr, i64 }` pair).
    pub fn layout(self) -> (u64, u64) {
        match self {
            Kind::Bool | Kind::I8 | Kind::U8 => (1, 1),
            Kind::I16 | Kind::U16 => (2, 2),
            Kind::I32 | Kind::U32 | Kind::F32 => (4, 4),
            Kind::I64 | Kind::U64 | Kind::F64 => (8, 8),
            Kind::Str => (16, 8),
        }
    }
}

/// Runtime fault codes, passed to [`RT_FAIL`]. `InvalidInput` is never raised by
/// generated code: the host reports with it that the inputs given to a run do not match
/// the program's `param`s (count or types).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Integer division or remainder by zero. `a` = dividend, `b` = 0 for `/`, 1 for `%`.
    DivByZero = 1,
    /// Signed `MIN / -1`. `a` = dividend, `b` = divisor.
    DivOverflow = 2,
    /// `xs[i]` out of bounds. `a` = index, `b` = length.
    IndexOutOfBounds = 3,
    /// A string did not parse as the target type (recorded by the runtime itself).
    ParseFailed = 4,
    /// The host passed inputs that do not match the program's `param`s.
    InvalidInput = 5,
    /// Recursion went deeper than the thread's stack allows.
    StackOverflow = 6,
    /// An element-wise operation or `filter` on lists of different lengths. `a`, `b` =
    /// the two lengths.
    LengthMismatch = 7,
    /// `min`, `max`, `first` or `last` of an empty list. `a` = which: 0 min, 1 max,
    /// 2 first, 3 last.
    EmptyList = 8,
    /// `repeat` would make a string over [`MAX_STRING_BYTES`]. `a` = bytes it would need.
    TooLarge = 9,
    /// A host function (registered through the library API) reported an error or
    /// panicked. The message names the function and what it said.
    HostError = 10,
}

/// The largest string `repeat` builds (1 GiB); more is runtime error E0609.
pub const MAX_STRING_BYTES: i64 = 1 << 30;

impl Fault {
    /// The stable diagnostic code of the fault (`E0601`…), as `kiln explain` knows it.
    pub fn code(self) -> &'static str {
        match self {
            Fault::DivByZero => "E0601",
            Fault::DivOverflow => "E0602",
            Fault::IndexOutOfBounds => "E0603",
            Fault::ParseFailed => "E0604",
            Fault::InvalidInput => "E0605",
            Fault::StackOverflow => "E0606",
            Fault::LengthMismatch => "E0607",
            Fault::EmptyList => "E0608",
            Fault::TooLarge => "E0609",
            Fault::HostError => "E0610",
        }
    }

    pub fn from_u32(k: u32) -> Option<Fault> {
        Some(match k {
            1 => Fault::DivByZero,
            2 => Fault::DivOverflow,
            3 => Fault::IndexOutOfBounds,
            4 => Fault::ParseFailed,
            5 => Fault::InvalidInput,
            6 => Fault::StackOverflow,
            7 => Fault::LengthMismatch,
            8 => Fault::EmptyList,
            9 => Fault::TooLarge,
            10 => Fault::HostError,
            _ => return None,
        })
    }
}

// Runtime symbols. `span` is an index into the span table codegen returns with the module.

/// `fn(ctx, fault: u32, span: u32, a: i64, b: i64)`: record a fault; sets the status.
pub const RT_FAIL: &str = "kiln_rt_fail";
/// `fn(ctx, size: i64, align: i64) -> ptr`: memory from the run's arena.
pub const RT_ALLOC: &str = "kiln_rt_alloc";
/// `fn(ctx, kind: u32, bits: u64)`: print a scalar (not Str) and a newline.
pub const RT_PRINT: &str = "kiln_rt_print";
/// `fn(ctx, ptr, len: i64)`: print a string's raw text and a newline.
pub const RT_PRINT_STR: &str = "kiln_rt_print_str";
/// `fn(ctx, elem_kind: u32, ptr, len: i64)`: print a list and a newline.
pub const RT_PRINT_LIST: &str = "kiln_rt_print_list";
/// `fn(ctx, kind: u32, bits: u64, out: *mut RtStr)`: display format of a scalar.
pub const RT_TO_STRING: &str = "kiln_rt_to_string";
/// `fn(ctx, elem_kind: u32, ptr, len: i64, out: *mut RtStr)`: display format of a list.
pub const RT_LIST_TO_STRING: &str = "kiln_rt_list_to_string";
/// `fn(ctx, a_ptr, a_len: i64, b_ptr, b_len: i64, out: *mut RtStr)`: `a + b`.
pub const RT_CONCAT: &str = "kiln_rt_concat";
/// `fn(a_ptr, a_len: i64, b_ptr, b_len: i64) -> i32`: bytewise compare, -1/0/1.
pub const RT_STR_CMP: &str = "kiln_rt_str_cmp";
/// `fn(ctx, span: u32, kind: u32, ptr, len: i64) -> u64`: parse a string as `kind`
/// (Rust `str::parse` rules); on failure records `ParseFailed` and returns 0.
pub const RT_PARSE: &str = "kiln_rt_parse";

/// A parameter or return type of a runtime function, as the IR declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AbiTy {
    Ptr,
    I32,
    I64,
}

/// Every runtime function: (symbol, return type (`None`: void), parameter types).
/// Codegen declares them from this table; the runtime maps each symbol to its address.
pub const RUNTIME_FUNCTIONS: &[(&str, Option<AbiTy>, &[AbiTy])] = {
    use AbiTy::{Ptr, I32, I64};
    &[
        (RT_FAIL, None, &[Ptr, I32, I32, I64, I64]),
        (RT_ALLOC, Some(Ptr), &[Ptr, I64, I64]),
        (RT_PRINT, None, &[Ptr, I32, I64]),
        (RT_PRINT_STR, None, &[Ptr, Ptr, I64]),
        (RT_PRINT_LIST, None, &[Ptr, I32, Ptr, I64]),
        (RT_TO_STRING, None, &[Ptr, I32, I64, Ptr]),
        (RT_LIST_TO_STRING, None, &[Ptr, I32, Ptr, I64, Ptr]),
        (RT_CONCAT, None, &[Ptr, Ptr, I64, Ptr, I64, Ptr]),
        (RT_STR_CMP, Some(I32), &[Ptr, I64, Ptr, I64]),
        (RT_PARSE, Some(I64), &[Ptr, I32, I32, Ptr, I64]),
        // The standard library (`LIB_SYMBOLS`): (ctx, span, elem_kind, args..., [out]).
        ("kiln_rt_str_len", Some(I64), &[Ptr, I32, I32, Ptr, I64]),
        (
            "kiln_rt_str_concat",
            None,
            &[Ptr, I32, I32, Ptr, I64, Ptr, I64, Ptr],
        ),
        (
            "kiln_rt_str_contains",
            Some(I64),
            &[Ptr, I32, I32, Ptr, I64, Ptr, I64],
        ),
        (
            "kiln_rt_str_starts_with",
            Some(I64),
            &[Ptr, I32, I32, Ptr, I64, Ptr, I64],
        ),
        (
            "kiln_rt_str_ends_with",
            Some(I64),
            &[Ptr, I32, I32, Ptr, I64, Ptr, I64],
        ),
        (
            "kiln_rt_str_find",
            Some(I64),
            &[Ptr, I32, I32, Ptr, I64, Ptr, I64],
        ),
        (
            "kiln_rt_str_substr",
            None,
            &[Ptr, I32, I32, Ptr, I64, I64, I64, Ptr],
        ),
        ("kiln_rt_str_upper", None, &[Ptr, I32, I32, Ptr, I64, Ptr]),
        ("kiln_rt_str_lower", None, &[Ptr, I32, I32, Ptr, I64, Ptr]),
        ("kiln_rt_str_trim", None, &[Ptr, I32, I32, Ptr, I64, Ptr]),
        (
            "kiln_rt_str_replace",
            None,
            &[Ptr, I32, I32, Ptr, I64, Ptr, I64, Ptr, I64, Ptr],
        ),
        (
            "kiln_rt_str_split",
            None,
            &[Ptr, I32, I32, Ptr, I64, Ptr, I64, Ptr],
        ),
        (
            "kiln_rt_str_join",
            None,
            &[Ptr, I32, I32, Ptr, I64, Ptr, I64, Ptr],
        ),
        (
            "kiln_rt_str_repeat",
            None,
            &[Ptr, I32, I32, Ptr, I64, I64, Ptr],
        ),
        ("kiln_rt_list_median", Some(I64), &[Ptr, I32, I32, Ptr, I64]),
        ("kiln_rt_list_sort", None, &[Ptr, I32, I32, Ptr, I64, Ptr]),
        (
            "kiln_rt_list_sort_desc",
            None,
            &[Ptr, I32, I32, Ptr, I64, Ptr],
        ),
        (
            "kiln_rt_list_reverse",
            None,
            &[Ptr, I32, I32, Ptr, I64, Ptr],
        ),
        ("kiln_rt_list_unique", None, &[Ptr, I32, I32, Ptr, I64, Ptr]),
        (
            "kiln_rt_list_count_distinct",
            Some(I64),
            &[Ptr, I32, I32, Ptr, I64],
        ),
        (
            "kiln_rt_list_concat",
            None,
            &[Ptr, I32, I32, Ptr, I64, Ptr, I64, Ptr],
        ),
        (
            "kiln_rt_list_slice",
            None,
            &[Ptr, I32, I32, Ptr, I64, I64, I64, Ptr],
        ),
    ]
};
