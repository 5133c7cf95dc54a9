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

use crate::symbols::{runtime_functions, symbol_table};
use crate::{chars, format, lib_fns, libm, regex, rt, structural, zones};

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

/// Offset of the interrupt flag pointer in the run context: a pointer to an `AtomicU32`
/// (never null: a never-set static unless the host installed an
/// [`Interrupt`](crate::Interrupt)). Generated code loads it (monotonic) at loop
/// back-edges (once per chunk of iterations) and at the entry of recursive functions; a
/// non-zero flag records [`Fault::Interrupted`] and the run returns at once.
pub const INTERRUPT_OFFSET: u64 = 32;

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
    /// `timestamp` (v1): i64 nanoseconds since the Unix epoch, UTC.
    Timestamp = 12,
    /// `duration` (v1): a signed span of i64 nanoseconds.
    Duration = 13,
}

impl Kind {
    pub const ALL: [Kind; 14] = [
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
        Kind::Timestamp,
        Kind::Duration,
    ];

    pub fn from_u32(k: u32) -> Option<Kind> {
        Kind::ALL.get(k as usize).copied()
    }

    /// The Kiln type name of this kind (`i64`, `string`, …).
    pub fn name(self) -> &'static str {
        const NAMES: [&str; 14] = [
            "bool",
            "i8",
            "i16",
            "i32",
            "i64",
            "u8",
            "u16",
            "u32",
            "u64",
            "f32",
            "f64",
            "string",
            "timestamp",
            "duration",
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
            Kind::I64 | Kind::U64 | Kind::F64 | Kind::Timestamp | Kind::Duration => (8, 8),
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
    /// Integer division or remainder by zero. `a` = dividend, `b` = 0 for `/`, 1 for `%`,
    /// 2 for `/` of a duration (v1).
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
    /// An operation would build a string or list over [`MAX_STRING_BYTES`]. `a` = bytes
    /// it would need.
    TooLarge = 9,
    /// A host function (registered through the library API) reported an error or
    /// panicked. The message names the function and what it said.
    HostError = 10,
    /// The run was interrupted (a cancel handle, a deadline, `--timeout`, Ctrl-C in the
    /// REPL); generated code polls the interrupt flag at loop back-edges and calls.
    Interrupted = 11,
    /// `unwrap(x)` of a `none` (v1).
    UnwrapNone = 12,
    /// `range(a, b, step)` with a zero step.
    ZeroStep = 13,
    /// `clamp(x, lo, hi)` with `lo > hi` or a NaN bound. `a`, `b` = the bounds' ABI bits.
    ClampBounds = 15,
    /// The run's arena would exceed its memory limit. `a` = bytes requested, `b` = the
    /// limit.
    OutOfMemory = 16,
    /// Integer `+ - *` or unary `-` overflowed in overflow-trap mode.
    IntOverflow = 17,
    /// `xs[i]` out of bounds with a `u64` index (which may be 2^63 or more). `a` = the
    /// index's bits, `b` = length. The same code as `IndexOutOfBounds`.
    IndexOutOfBoundsU64 = 18,
    /// Issue 15: a computed regular expression that does not compile (the message has
    /// the pattern and the crate's reason).
    BadRegex = 14,
    /// Issue 15: `char_code` of a string that is not one character (`a` = its count,
    /// `b` = 1), or `from_char_code` of a number that is no character's code (`a` = it,
    /// `b` = 0).
    BadChar = 21,
    // ---- the time library (issue 15) ----
    /// A computed zone argument (`year(ts, zone)`, `format_time`, ...) that is neither
    /// "UTC"/"Z", a fixed offset `+HH:MM`, nor a zone of the system database. The
    /// message names it.
    BadZone = 20,
    /// A computed `date_trunc` unit not in the list, or a computed strftime format
    /// (`format_time`, `parse_time`) jiff rejects. The message names it.
    BadTimeFormat = 23,
    /// A `timestamp` or `duration` (v1) outside the i64 nanoseconds they hold (years
    /// 1677 to 2262; durations of about ±292 years): arithmetic, unit constructors,
    /// parsing text of an instant outside that range. `a`, `b` = the operands' bits when
    /// an operator overflowed.
    TimeRange = 22,
    // ---- format (issue 15) ----
    /// `format` with a computed format string that does not parse or does not fit the
    /// arguments (v1). `a`, `b` say what is wrong (`format::BadFormat`).
    BadFormat = 19,
}

/// A run's memory limit unless the host sets another (4 GiB).
pub const DEFAULT_MAX_MEMORY: u64 = 4 << 30;

/// The largest string or list (in bytes) any operation builds (1 GiB); more is runtime
/// error E0609.
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
            Fault::Interrupted => "E0611",
            Fault::UnwrapNone => "E0612",
            Fault::ZeroStep => "E0613",
            Fault::ClampBounds => "E0615",
            Fault::OutOfMemory => "E0616",
            Fault::IntOverflow => "E0617",
            Fault::IndexOutOfBoundsU64 => "E0603",
            Fault::BadRegex => "E0614",
            Fault::BadChar => "E0620",
            Fault::BadZone => "E0619",
            Fault::BadTimeFormat => "E0622",
            Fault::TimeRange => "E0621",
            Fault::BadFormat => "E0618",
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
            11 => Fault::Interrupted,
            12 => Fault::UnwrapNone,
            13 => Fault::ZeroStep,
            15 => Fault::ClampBounds,
            16 => Fault::OutOfMemory,
            17 => Fault::IntOverflow,
            18 => Fault::IndexOutOfBoundsU64,
            14 => Fault::BadRegex,
            21 => Fault::BadChar,
            20 => Fault::BadZone,
            23 => Fault::BadTimeFormat,
            22 => Fault::TimeRange,
            19 => Fault::BadFormat,
            _ => return None,
        })
    }
}

/// A parameter or return type of a runtime function, as the IR declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AbiTy {
    Ptr,
    I32,
    I64,
    F32,
    F64,
}

/// A parameter or return type of a runtime function as its Rust definition has it: the
/// type's name (`*mut kiln_runtime::ctx::RunCtx`, `u32`, `()`, …) and size in bytes. For
/// checking [`RUNTIME_FUNCTIONS`] against the functions (see [`runtime_signature`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RustTy {
    pub name: &'static str,
    pub size: usize,
}

/// The signature of a runtime function as its Rust definition has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RustSig {
    pub ret: RustTy,
    pub params: Vec<RustTy>,
}

// Runtime symbols, each named once as `CONST = module::symbol/arity` (see `symbols.rs`):
// its row, address and Rust signature come from the function's own definition. `span` is
// an index into the span table codegen returns with the module.
runtime_functions! {
    /// Every runtime function: (symbol, return type (`None`: void), parameter types).
    /// Codegen declares them from this table; the JIT maps each to [`runtime_address`].
    RUNTIME_FUNCTIONS,
    /// The address of the runtime function named `symbol` (one of [`RUNTIME_FUNCTIONS`]).
    runtime_address,
    /// The Rust signature of the runtime function named `symbol` (one of
    /// [`RUNTIME_FUNCTIONS`]), which its row is made from.
    runtime_signature;

    /// `fn(ctx, fault: u32, span: u32, a: i64, b: i64)`: record a fault; sets the status.
    RT_FAIL = rt::kiln_rt_fail/5;
    /// `fn(ctx, span: u32, size: i64, align: i64) -> ptr`: memory from the run's arena.
    /// Null when the run's memory limit (or the per-value limit) would be exceeded: the
    /// fault is recorded (E0616 / E0609 at `span`) and generated code must bail.
    RT_ALLOC = rt::kiln_rt_alloc/4;
    /// `fn(ctx, kind: u32, bits: u64)`: print a scalar (not Str) and a newline.
    RT_PRINT = rt::kiln_rt_print/3;
    /// `fn(ctx, ptr, len: i64)`: print a string's raw text and a newline.
    RT_PRINT_STR = rt::kiln_rt_print_str/3;
    /// `fn(ctx, elem_kind: u32, ptr, len: i64)`: print a list and a newline.
    RT_PRINT_LIST = rt::kiln_rt_print_list/4;
    /// `fn(ctx, span: u32, kind: u32, bits: u64, out: *mut RtStr)`: display format of a
    /// scalar (may fault: memory).
    RT_TO_STRING = rt::kiln_rt_to_string/5;
    /// `fn(ctx, span: u32, elem_kind: u32, ptr, len: i64, out: *mut RtStr)`: display
    /// format of a list (may fault: size, memory).
    RT_LIST_TO_STRING = rt::kiln_rt_list_to_string/6;
    /// `fn(ctx, span: u32, a_ptr, a_len: i64, b_ptr, b_len: i64, out: *mut RtStr)`:
    /// `a + b` (may fault: size, memory).
    RT_CONCAT = rt::kiln_rt_concat/7;
    /// `fn(a_ptr, a_len: i64, b_ptr, b_len: i64) -> i32`: bytewise compare, -1/0/1.
    RT_STR_CMP = rt::kiln_rt_str_cmp/4;
    /// `fn(ctx, span: u32, kind: u32, ptr, len: i64) -> u64`: parse a string as `kind`
    /// (Rust `str::parse` rules); on failure records `ParseFailed` and returns 0.
    RT_PARSE = rt::kiln_rt_parse/5;
    /// `fn(kind: u32, ptr, len: i64, out: *mut u64) -> u32`: `T?(s)` (v1): parse a
    /// string as `kind` like `RT_PARSE`; 1 with the bits in `out`, or 0 (no fault).
    RT_TRY_PARSE = rt::kiln_rt_try_parse/4;

    // The standard library (the compiler's `LIB_SYMBOLS`): `(ctx, span, elem_kind,
    // args..., [out])`, a pair result through `out`, a scalar one returned as its bits.
    /// `len` of a string (in characters).
    RT_STR_LEN = lib_fns::kiln_rt_str_len/5;
    /// `concat` of two strings.
    RT_STR_CONCAT = lib_fns::kiln_rt_str_concat/8;
    /// `contains` on strings.
    RT_STR_CONTAINS = lib_fns::kiln_rt_str_contains/7;
    /// `starts_with`.
    RT_STR_STARTS_WITH = lib_fns::kiln_rt_str_starts_with/7;
    /// `ends_with`.
    RT_STR_ENDS_WITH = lib_fns::kiln_rt_str_ends_with/7;
    /// `find`: a character index or -1.
    RT_STR_FIND = lib_fns::kiln_rt_str_find/7;
    /// `substr(s, start, count)`.
    RT_STR_SUBSTR = lib_fns::kiln_rt_str_substr/8;
    /// `upper`.
    RT_STR_UPPER = lib_fns::kiln_rt_str_upper/6;
    /// `lower`.
    RT_STR_LOWER = lib_fns::kiln_rt_str_lower/6;
    /// `trim`.
    RT_STR_TRIM = lib_fns::kiln_rt_str_trim/6;
    /// `replace(s, from, to)`.
    RT_STR_REPLACE = lib_fns::kiln_rt_str_replace/10;
    /// `split(s, separator)`.
    RT_STR_SPLIT = lib_fns::kiln_rt_str_split/8;
    /// `join(list, separator)`.
    RT_STR_JOIN = lib_fns::kiln_rt_str_join/8;
    /// `repeat(s, n)`.
    RT_STR_REPEAT = lib_fns::kiln_rt_str_repeat/7;
    /// `median` of a numeric list, as the bits of its float type.
    RT_LIST_MEDIAN = lib_fns::kiln_rt_list_median/5;
    /// `sort`.
    RT_LIST_SORT = lib_fns::kiln_rt_list_sort/6;
    /// `sort_desc`.
    RT_LIST_SORT_DESC = lib_fns::kiln_rt_list_sort_desc/6;
    /// `reverse`.
    RT_LIST_REVERSE = lib_fns::kiln_rt_list_reverse/6;
    /// `unique`.
    RT_LIST_UNIQUE = lib_fns::kiln_rt_list_unique/6;
    /// `count_distinct`.
    RT_LIST_COUNT_DISTINCT = lib_fns::kiln_rt_list_count_distinct/5;
    /// `concat` of two lists.
    RT_LIST_CONCAT = lib_fns::kiln_rt_list_concat/8;
    /// `slice(list, start, end)`.
    RT_LIST_SLICE = lib_fns::kiln_rt_list_slice/8;
    /// `range(start, end, step)` (codegen fills in a missing start and step).
    RT_LIST_RANGE = lib_fns::kiln_rt_list_range/7;
    /// `sort_by(xs, x -> key)`: `(ctx, span, key_kind, keys, len, elem_code, xs, out)`,
    /// the keys computed by generated code.
    RT_LIST_SORT_BY = lib_fns::kiln_rt_list_sort_by/8;
    /// `group_by(xs, x -> key)`: `(ctx, span, key_kind, keys, len, elem_code, xs, out)`,
    /// the keys computed by generated code; a `[[T]]` result.
    RT_LIST_GROUP_BY = lib_fns::kiln_rt_list_group_by/8;
    /// `flatten(xss)` (v1): `elem_kind` is the type code of the inner lists.
    RT_LIST_FLATTEN = lib_fns::kiln_rt_list_flatten/6;
    /// `fn(code: u32, a_ptr, a_len: i64, b_ptr, b_len: i64) -> i32`: structural
    /// equality of two lists of elements of type code `code` (`in`, `index_of` and
    /// `contains` on lists of lists).
    RT_LIST_EQ = structural::kiln_rt_list_eq/5;
    /// `compact(xs)` of a `[T?]` (v1); `elem_kind` is the type code of `T?`.
    RT_LIST_COMPACT = lib_fns::kiln_rt_list_compact/6;
    /// `compact(xs)` as a `[T]?`: `none` (length -1) when no value is left.
    RT_LIST_COMPACT_SOME = lib_fns::kiln_rt_list_compact_some/6;

    // Issue 15, regular expressions: `(ctx, span, pattern_span, slot, s, pattern,
    // [with], [out])`; `slot` is the call site's cell for a literal pattern, null for a
    // computed one (see `regex.rs`).
    /// `matches(s, re) -> bool`.
    RT_RE_MATCHES = regex::kiln_rt_re_matches/8;
    /// `fn(re, s_ptr, s_len: i64) -> i64`: `matches` of a literal pattern whose call-site
    /// slot is already filled (`re` the slot's pointer): the hot path, no context.
    RT_RE_IS_MATCH = regex::kiln_rt_re_is_match/3;
    /// `find_match(s, re) -> string?`.
    RT_RE_FIND = regex::kiln_rt_re_find/9;
    /// `captures(s, re) -> [string?]?`.
    RT_RE_CAPTURES = regex::kiln_rt_re_captures/9;
    /// `replace_all(s, re, with) -> string`.
    RT_RE_REPLACE_ALL = regex::kiln_rt_re_replace_all/11;
    /// `split_re(s, re) -> [string]`.
    RT_RE_SPLIT = regex::kiln_rt_re_split/9;
    // Issue 15, characters: `(ctx, span, arg_span, args..., [out])`.
    /// `chars(s) -> [string]`.
    RT_CHARS = chars::kiln_rt_chars/6;
    /// `is_digit(s) -> bool`.
    RT_IS_DIGIT = chars::kiln_rt_is_digit/5;
    /// `is_alpha(s) -> bool`.
    RT_IS_ALPHA = chars::kiln_rt_is_alpha/5;
    /// `is_space(s) -> bool`.
    RT_IS_SPACE = chars::kiln_rt_is_space/5;
    /// `char_code(s) -> i64`.
    RT_CHAR_CODE = chars::kiln_rt_char_code/5;
    /// `from_char_code(n) -> string`.
    RT_FROM_CHAR_CODE = chars::kiln_rt_from_char_code/5;
    // ---- the time library (issue 15; `zones.rs`): zones cross as i64 zone ids ----
    /// `fn(ctx, span, ptr, len) -> i64`: the zone id of a zone name (0 and E0619 when
    /// unknown); a literal name's id is kept in a per-call-site global.
    RT_ZONE_ID = zones::kiln_rt_zone_id/4;
    /// `fn(ctx, span, ptr, len) -> i64`: the code of a computed `date_trunc` unit (E0622).
    RT_TIME_UNIT = zones::kiln_rt_time_unit/4;
    /// `fn(field: u32, ts, zone) -> i64`: `year`, `month`, ... `day_of_year`.
    RT_TIME_FIELD = zones::kiln_rt_time_field/3;
    /// `fn(ctx, span, ts, unit, zone) -> i64`: `date_trunc` (E0621 out of range).
    RT_DATE_TRUNC = zones::kiln_rt_date_trunc/5;
    /// `fn(ctx, span, fmt_span, ts, fmt_ptr, fmt_len, zone, out)`: `format_time` (E0622
    /// at `fmt_span`).
    RT_FORMAT_TIME = zones::kiln_rt_format_time/8;
    /// `fn(ctx, span, s_ptr, s_len, fmt_ptr, fmt_len, zone, checked: u32, out: *mut i64)
    /// -> u32`: `parse_time`, 1 with the timestamp in `out` or 0 for none.
    RT_PARSE_TIME = zones::kiln_rt_parse_time/9;
    /// `fn() -> i64`: `now()`, the host clock.
    RT_NOW = zones::kiln_rt_now/0;
    // ---- format and round (issue 15) ----
    /// `format(fmt, args...)` with a literal `fmt`: `(ctx, span, plan, plan_len: i64,
    /// args, n: i64, out)`, the plan constant bytes made when the program compiled,
    /// the arguments in `n` 16-byte cells in their memory layout (may fault: size,
    /// memory).
    RT_FORMAT = format::kiln_rt_format/7;
    /// `format` with a computed `fmt`: `(ctx, span, fmt_span: u32, fmt, fmt_len: i64,
    /// codes: *const u32, args, n: i64, out)`, parsed at run time against the
    /// arguments' type codes (may fault: E0618 at `fmt_span`, size, memory).
    RT_FORMAT_DYN = format::kiln_rt_format_dyn/9;
    /// `round(x, digits)`: `fn(kind: u32, x: u64, digits: i64) -> u64`, the float's
    /// bits.
    RT_ROUND_TO = format::kiln_rt_round_to/3;
}

symbol_table! {
    /// C math library functions generated code may call, directly or through LLVM's
    /// lowering of intrinsics and `frem` (`tan`, `fmod`, …): (symbol, return type,
    /// parameter types). The JIT maps each to [`libm_address`], so nothing depends on
    /// symbol lookup in the host process.
    C_MATH_FUNCTIONS,
    /// The address of a C math function generated code may call ([`C_MATH_FUNCTIONS`]).
    libm_address,
    /// The Rust signature of a C math function in [`C_MATH_FUNCTIONS`].
    libm_signature;

    libm::fmod/2, libm::fmodf/2,
    libm::fmin/2, libm::fminf/2,
    libm::fmax/2, libm::fmaxf/2,
    libm::sqrt/1, libm::sqrtf/1,
    libm::floor/1, libm::floorf/1,
    libm::ceil/1, libm::ceilf/1,
    libm::round/1, libm::roundf/1,
    libm::trunc/1, libm::truncf/1,
    // Kiln's own math: the `libm` crate, the same bits on every path.
    libm::kiln_math_sin/1, libm::kiln_math_sinf/1,
    libm::kiln_math_cos/1, libm::kiln_math_cosf/1,
    libm::kiln_math_tan/1, libm::kiln_math_tanf/1,
    libm::kiln_math_exp/1, libm::kiln_math_expf/1,
    libm::kiln_math_exp2/1, libm::kiln_math_exp2f/1,
    libm::kiln_math_log/1, libm::kiln_math_logf/1,
    libm::kiln_math_log2/1, libm::kiln_math_log2f/1,
    libm::kiln_math_log10/1, libm::kiln_math_log10f/1,
    libm::kiln_math_asin/1, libm::kiln_math_asinf/1,
    libm::kiln_math_acos/1, libm::kiln_math_acosf/1,
    libm::kiln_math_atan/1, libm::kiln_math_atanf/1,
    libm::kiln_math_sinh/1, libm::kiln_math_sinhf/1,
    libm::kiln_math_cosh/1, libm::kiln_math_coshf/1,
    libm::kiln_math_tanh/1, libm::kiln_math_tanhf/1,
    libm::kiln_math_cbrt/1, libm::kiln_math_cbrtf/1,
    libm::kiln_math_pow/2, libm::kiln_math_powf/2,
    libm::kiln_math_hypot/2, libm::kiln_math_hypotf/2,
    libm::kiln_math_atan2/2, libm::kiln_math_atan2f/2,
}
