//! The built-in functions, described once as data. A signature is either concrete or
//! generic over one type variable `T` drawn from a class; a generic signature becomes one
//! concrete candidate per call (its `T` found by joining the arguments like the operands
//! of one operator), then competes with user overloads by the contract's ranking.

use super::hir::{Builtin, LibFn, MathFn, TimeFn};
use super::ty::{FloatTy, IntTy, Ty};
use std::sync::OnceLock;

/// What a type variable may stand for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Every type (scalars and lists).
    Any,
    /// Every integer and float type.
    Num,
    /// f32 and f64.
    Float,
    /// Every type that is not a list (v1: `sort` and its kin order scalars and strings).
    Ordered,
    /// `timestamp` and `duration` (v1): `min` and `max` of them.
    Time,
}

impl Class {
    pub fn contains(self, ty: &Ty) -> bool {
        match self {
            Class::Any => true,
            Class::Num => matches!(ty, Ty::Int(_) | Ty::Float(_)),
            Class::Float => matches!(ty, Ty::Float(_)),
            // A `T?` of such a type too: none sorts after every value.
            Class::Ordered => !matches!(ty.strip_opt(), Ty::List(_)),
            Class::Time => matches!(ty, Ty::Timestamp | Ty::Duration),
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Class::Any => "any type",
            Class::Num => "any numeric type",
            Class::Float => "f32 or f64",
            Class::Ordered => "a scalar or string (lists have no order)",
            Class::Time => "timestamp or duration",
        }
    }
}

/// A parameter or result of a built-in signature.
#[derive(Clone, Debug, PartialEq)]
pub enum Pat {
    /// The signature's type variable.
    T,
    Ty(Ty),
    /// A list of `T`: `[T]`.
    ListT,
    /// The float type of `T`'s results (`avg`, `median`): f32 for f32, f64 otherwise.
    FloatT,
    /// A list of lists of `T`: `[[T]]` (v1, `flatten`).
    ListListT,
}

impl Pat {
    /// The concrete type for `T` = `t`.
    pub fn concrete(&self, t: Option<&Ty>) -> Ty {
        let t = || t.cloned().unwrap_or(Ty::Error);
        match self {
            Pat::T => t(),
            Pat::Ty(x) => x.clone(),
            Pat::ListT => Ty::List(Box::new(t())),
            Pat::FloatT => match t() {
                Ty::Float(FloatTy::F32) => Ty::Float(FloatTy::F32),
                _ => Ty::Float(FloatTy::F64),
            },
            Pat::ListListT => Ty::List(Box::new(Ty::List(Box::new(t())))),
        }
    }
}

/// What a call to a built-in becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lowering {
    /// A numeric/bool conversion (`hir::ExprKind::Cast`), or nothing when the types match.
    Cast,
    Op(Builtin),
}

#[derive(Clone, Debug)]
pub struct BuiltinFn {
    pub name: String,
    /// The class of `T`, when the signature is generic.
    pub class: Option<Class>,
    pub params: Vec<Pat>,
    pub ret: Pat,
    /// The last parameter repeats: the function takes `params.len()` or more arguments
    /// (`max(a, b, c)`).
    pub variadic: bool,
    pub lowering: Lowering,
    pub doc: &'static str,
}

impl BuiltinFn {
    /// `abs(T) -> T where T: any numeric type`, `i32(string) -> i32`.
    pub fn signature(&self) -> String {
        let show = |p: &Pat| match p {
            Pat::T => "T".to_string(),
            Pat::Ty(t) => t.to_string(),
            Pat::ListT => "[T]".to_string(),
            Pat::FloatT => "f64 (f32 when T is f32)".to_string(),
            Pat::ListListT => "[[T]]".to_string(),
        };
        let mut params: Vec<String> = self.params.iter().map(show).collect();
        if self.variadic {
            params.push("...".to_string());
        }
        let mut s = format!(
            "{}({}) -> {}",
            self.name,
            params.join(", "),
            show(&self.ret)
        );
        if let Some(c) = self.class {
            s += &format!(" where T is {}", c.describe());
        }
        s
    }

    /// Whether a call with `n` arguments has the right number for this signature.
    pub fn takes(&self, n: usize) -> bool {
        n == self.params.len() || (self.variadic && n > self.params.len())
    }

    /// The parameters of a call with `n` arguments (`takes(n)`): a variadic signature's
    /// last parameter repeated.
    pub fn params_for(&self, n: usize) -> Vec<Pat> {
        let mut v = self.params.clone();
        if let Some(last) = self.params.last().filter(|_| self.variadic) {
            v.resize(n.max(v.len()), last.clone());
        }
        v
    }

    /// Whether this built-in accepts exactly these parameter types (the overload a user
    /// function with these parameter types replaces).
    pub fn accepts_exactly(&self, params: &[Ty]) -> bool {
        if !self.takes(params.len()) {
            return false;
        }
        let pats = self.params_for(params.len());
        match self.class {
            None => pats
                .iter()
                .zip(params)
                .all(|(p, t)| *p == Pat::Ty(t.clone())),
            Some(class) => {
                let mut tvar: Option<&Ty> = None;
                pats.iter().zip(params).all(|(p, t)| match p {
                    Pat::Ty(x) => x == t,
                    Pat::T | Pat::ListT | Pat::ListListT => {
                        let t = match (p, t) {
                            (Pat::ListT, Ty::List(e)) => &**e,
                            (Pat::ListListT, Ty::List(e)) => match &**e {
                                Ty::List(e) => &**e,
                                _ => return false,
                            },
                            (Pat::ListT | Pat::ListListT, _) => return false,
                            _ => t,
                        };
                        let same = tvar.is_none_or(|v| v == t);
                        tvar = Some(t);
                        same && class.contains(t)
                    }
                    Pat::FloatT => false,
                })
            }
        }
    }
}

const MATH: [(&str, MathFn, &str); 12] = [
    ("sqrt", MathFn::Sqrt, "square root"),
    ("exp", MathFn::Exp, "e raised to the argument"),
    ("log", MathFn::Log, "natural logarithm"),
    ("log2", MathFn::Log2, "base-2 logarithm"),
    ("log10", MathFn::Log10, "base-10 logarithm"),
    ("sin", MathFn::Sin, "sine (radians)"),
    ("cos", MathFn::Cos, "cosine (radians)"),
    ("tan", MathFn::Tan, "tangent (radians)"),
    (
        "floor",
        MathFn::Floor,
        "largest integer value not above the argument",
    ),
    (
        "ceil",
        MathFn::Ceil,
        "smallest integer value not below the argument",
    ),
    (
        "round",
        MathFn::Round,
        "nearest integer value, halves away from zero",
    ),
    ("trunc", MathFn::Trunc, "integer part, rounding toward zero"),
];

fn generic(
    name: &str,
    class: Class,
    arity: usize,
    ret: Pat,
    lowering: Lowering,
    doc: &'static str,
) -> BuiltinFn {
    BuiltinFn {
        name: name.to_string(),
        class: Some(class),
        params: vec![Pat::T; arity],
        ret,
        variadic: false,
        lowering,
        doc,
    }
}

/// `f` with its last parameter repeating.
fn variadic(f: BuiltinFn) -> BuiltinFn {
    BuiltinFn {
        variadic: true,
        ..f
    }
}

fn build() -> Vec<BuiltinFn> {
    use Lowering::*;
    let mut v = vec![
        generic(
            "print",
            Class::Any,
            1,
            Pat::T,
            Op(Builtin::Print),
            "writes the value in the display format and a newline to stdout; returns it",
        ),
        generic(
            "string",
            Class::Any,
            1,
            Pat::Ty(Ty::Str),
            Op(Builtin::ToString),
            "the display format of a value",
        ),
        generic(
            "abs",
            Class::Num,
            1,
            Pat::T,
            Op(Builtin::Abs),
            "absolute value (integers wrap: abs of MIN is MIN)",
        ),
        variadic(generic(
            "min",
            Class::Num,
            2,
            Pat::T,
            Op(Builtin::Min),
            "the smallest of two or more arguments (floats: NaN arguments are ignored, NaN only when all are; -0.0 is below 0.0)",
        )),
        variadic(generic(
            "max",
            Class::Num,
            2,
            Pat::T,
            Op(Builtin::Max),
            "the largest of two or more arguments (floats: NaN arguments are ignored, NaN only when all are; 0.0 is above -0.0)",
        )),
        generic(
            "pow",
            Class::Float,
            2,
            Pat::T,
            Op(Builtin::Pow),
            "the first argument raised to the second",
        ),
    ];
    for (name, f, doc) in MATH {
        v.push(generic(
            name,
            Class::Float,
            1,
            Pat::T,
            Op(Builtin::Math(f)),
            doc,
        ));
    }
    v.extend(library());
    // Each scalar type name converts: from any number and bool (`as` semantics),
    // and from string (parse, a runtime error on bad input).
    for target in Ty::scalars() {
        if target == Ty::Str {
            continue; // `string(x)` is the generic display conversion above.
        }
        let name = target.to_string();
        if target != Ty::Bool {
            v.push(BuiltinFn {
                name: name.clone(),
                class: Some(Class::Num),
                params: vec![Pat::T],
                ret: Pat::Ty(target.clone()),
                variadic: false,
                lowering: Cast,
                doc: "numeric conversion: integers truncate or extend, floats saturate (NaN is 0)",
            });
        }
        v.push(BuiltinFn {
            name: name.clone(),
            class: None,
            params: vec![Pat::Ty(Ty::Bool)],
            ret: Pat::Ty(target.clone()),
            variadic: false,
            lowering: Cast,
            doc: if target == Ty::Bool {
                "the same value"
            } else {
                "false is 0, true is 1"
            },
        });
        v.push(BuiltinFn {
            name,
            class: None,
            params: vec![Pat::Ty(Ty::Str)],
            ret: Pat::Ty(target.clone()),
            variadic: false,
            lowering: Op(Builtin::Parse),
            doc: "parses the text (Rust `str::parse` rules); a runtime error if it does not parse",
        });
    }
    v.extend(math_extras());
    // The time library (issue 15): its rows are in `zones.rs`.
    v.extend(super::zones::rows());
    v.extend(time_core());
    v.extend(format_rows());
    v.extend(regex_and_chars());
    v
}

// ---- format and round (issue 15) ----------------------------------------------------------

/// `format` (checked by `types/format.rs`: its arguments have any types) and
/// `round(x, digits)`.
fn format_rows() -> Vec<BuiltinFn> {
    vec![
        BuiltinFn {
            name: "format".to_string(),
            class: None,
            params: vec![Pat::Ty(Ty::Str)],
            ret: Pat::Ty(Ty::Str),
            variadic: true,
            lowering: Lowering::Op(Builtin::Format),
            doc: "format(fmt, args...): the text of `fmt` with each `{}` or `{:SPEC}` replaced by the next argument, of any type (Rust's spec: fill, align `< ^ >`, `+`, `#`, `0`, width, `.precision`, type `x X o b` for integers or `e E` for floats; `{{` and `}}` are braces); a literal `fmt` is checked when the program compiles",
        },
        BuiltinFn {
            name: "round".to_string(),
            class: Some(Class::Float),
            params: vec![Pat::T, Pat::Ty(Ty::Int(IntTy::I64))],
            ret: Pat::T,
            variadic: false,
            lowering: Lowering::Op(Builtin::Lib(LibFn::RoundTo)),
            doc: "round(x, digits): x rounded half away from zero to `digits` decimals (negative: tens, hundreds...), the half judged on the decimal `x` displays as (round(2.675, 2) is 2.68); NaN and infinities unchanged",
        },
    ]
}

// ---- issue 15: regular expressions and characters -----------------------------------------

/// Regular expressions (the `regex` crate's syntax and meaning) and characters.
fn regex_and_chars() -> Vec<BuiltinFn> {
    use LibFn as L;
    let s = || Pat::Ty(Ty::Str);
    let i = || Pat::Ty(Ty::Int(IntTy::I64));
    let b = || Pat::Ty(Ty::Bool);
    let strs = || Pat::Ty(Ty::List(Box::new(Ty::Str)));
    let opt_str = Ty::Opt(Box::new(Ty::Str));
    vec![
        lib(
            "matches",
            None,
            vec![s(), s()],
            b(),
            L::Matches,
            "whether the regular expression matches somewhere in the string (anchor it with ^ and $ to match the whole); a literal pattern is checked and compiled when the program is, a computed one that does not compile is a runtime error (E0614)",
        ),
        lib(
            "find_match",
            None,
            vec![s(), s()],
            Pat::Ty(opt_str.clone()),
            L::FindMatch,
            "the leftmost match of the regular expression, or none",
        ),
        lib(
            "captures",
            None,
            vec![s(), s()],
            Pat::Ty(Ty::Opt(Box::new(Ty::List(Box::new(opt_str))))),
            L::Captures,
            "the leftmost match's groups: the whole match, then each group in order (none for a group that did not take part); none when nothing matches",
        ),
        lib(
            "replace_all",
            None,
            vec![s(), s(), s()],
            s(),
            L::ReplaceAll,
            "every match of the regular expression replaced by `with`, in which $1, ${name} and $$ expand as in the regex crate",
        ),
        lib(
            "split_re",
            None,
            vec![s(), s()],
            strs(),
            L::SplitRe,
            "the pieces between matches of the regular expression, empty ones kept",
        ),
        lib(
            "chars",
            None,
            vec![s()],
            strs(),
            L::Chars,
            "each character (Unicode scalar value) as a string",
        ),
        lib(
            "is_digit",
            None,
            vec![s()],
            b(),
            L::IsDigit,
            "whether every character is an ASCII digit 0-9 (false for \"\")",
        ),
        lib(
            "is_alpha",
            None,
            vec![s()],
            b(),
            L::IsAlpha,
            "whether every character is alphabetic, by Unicode's Alphabetic property (false for \"\")",
        ),
        lib(
            "is_space",
            None,
            vec![s()],
            b(),
            L::IsSpace,
            "whether every character is whitespace, by Unicode's White_Space property (false for \"\")",
        ),
        lib(
            "char_code",
            None,
            vec![s()],
            i(),
            L::CharCode,
            "the code point of the string's only character; a runtime error (E0620) unless it has exactly one",
        ),
        lib(
            "from_char_code",
            None,
            vec![i()],
            s(),
            L::FromCharCode,
            "the one-character string with this code point; a runtime error (E0620) for a negative number, a surrogate (0xD800-0xDFFF) or one above 0x10FFFF",
        ),
    ]
}

/// The math extras (issue 5): (name, function, arity, doc), each `(T, ...) -> T` for
/// T in f32|f64.
const MATH_EXTRAS: [(&str, MathFn, usize, &str); 10] = [
    ("asin", MathFn::Asin, 1, "arcsine, in radians"),
    ("acos", MathFn::Acos, 1, "arccosine, in radians"),
    ("atan", MathFn::Atan, 1, "arctangent, in radians"),
    ("sinh", MathFn::Sinh, 1, "hyperbolic sine"),
    ("cosh", MathFn::Cosh, 1, "hyperbolic cosine"),
    ("tanh", MathFn::Tanh, 1, "hyperbolic tangent"),
    ("exp2", MathFn::Exp2, 1, "2 raised to the argument"),
    (
        "cbrt",
        MathFn::Cbrt,
        1,
        "cube root (negative for a negative argument)",
    ),
    (
        "hypot",
        MathFn::Hypot,
        2,
        "sqrt(x*x + y*y) without intermediate overflow or underflow",
    ),
    (
        "atan2",
        MathFn::Atan2,
        2,
        "atan2(y, x): the angle of the point (x, y), in radians from -pi to pi",
    ),
];

fn math_extras() -> Vec<BuiltinFn> {
    let mut v: Vec<BuiltinFn> = MATH_EXTRAS
        .iter()
        .map(|&(name, f, arity, doc)| {
            generic(
                name,
                Class::Float,
                arity,
                Pat::T,
                Lowering::Op(Builtin::Math(f)),
                doc,
            )
        })
        .collect();
    for (name, op, doc) in [
        ("is_nan", Builtin::IsNan, "whether the argument is NaN"),
        (
            "is_inf",
            Builtin::IsInf,
            "whether the argument is infinite (inf or -inf)",
        ),
    ] {
        v.push(generic(
            name,
            Class::Float,
            1,
            Pat::Ty(Ty::Bool),
            Lowering::Op(op),
            doc,
        ));
    }
    // Native rather than prelude overloads: a generic `T` joins its arguments like the
    // operands of one operator (`clamp(x_u8, 0, 10)` is a u8), which ten Kiln overloads
    // cannot do (the literal arguments would rank i64 as well as u8: ambiguous).
    v.push(generic(
        "clamp",
        Class::Num,
        3,
        Pat::T,
        Lowering::Op(Builtin::Clamp),
        "clamp(x, lo, hi): lo when x < lo, hi when x > hi, else x (a NaN x stays NaN); lo > hi or a NaN bound is a runtime error",
    ));
    v
}

// ---- time core (issue 15, point 4: the `timestamp` and `duration` types) -------------

/// Parsing into the time types, `seconds` and the unit constructors.
fn time_core() -> Vec<BuiltinFn> {
    let row = |name: &str, param: Ty, ret: Ty, lowering: Lowering, doc: &'static str| BuiltinFn {
        name: name.to_string(),
        class: None,
        params: vec![Pat::Ty(param)],
        ret: Pat::Ty(ret),
        variadic: false,
        lowering,
        doc,
    };
    let mut v = vec![
        row(
            "timestamp",
            Ty::Str,
            Ty::Timestamp,
            Lowering::Op(Builtin::Parse),
            "parses an RFC 3339 instant with its offset (`2024-03-01T12:00:00Z`, `...+02:00`); text without an offset, or outside the years 1677 to 2262, is a runtime error (`timestamp?(s)` gives none)",
        ),
        row(
            "duration",
            Ty::Str,
            Ty::Duration,
            Lowering::Op(Builtin::Parse),
            "parses `1h30m`, `45s`, `1.5s`, `-2h5m`, `2 days` or ISO 8601 `PT1H30M` (a day is 24 hours; months and years are refused); a runtime error when malformed (`duration?(s)` gives none)",
        ),
        row(
            "seconds",
            Ty::Duration,
            Ty::F64,
            Lowering::Op(Builtin::Time(TimeFn::Seconds)),
            "the duration in seconds, with its fraction",
        ),
    ];
    // `min` and `max` of two or more times, and of a list of them.
    for (name, op, list, doc) in [
        (
            "min",
            Builtin::Min,
            LibFn::ListMin,
            "the earliest (shortest)",
        ),
        ("max", Builtin::Max, LibFn::ListMax, "the latest (longest)"),
    ] {
        v.push(variadic(generic(
            name,
            Class::Time,
            2,
            Pat::T,
            Lowering::Op(op),
            doc,
        )));
        v.push(BuiltinFn {
            params: vec![Pat::ListT],
            lowering: Lowering::Op(Builtin::Lib(list)),
            doc: if name == "min" {
                "the earliest (shortest) element; a runtime error for []"
            } else {
                "the latest (longest) element; a runtime error for []"
            },
            ..generic(name, Class::Time, 1, Pat::T, Lowering::Op(op), doc)
        });
    }
    const UNIT_DOCS: [&str; 5] = [
        "a duration of n days of 24 hours; outside i64 nanoseconds (about 292 years) is runtime error E0621",
        "a duration of n hours; outside i64 nanoseconds is runtime error E0621",
        "a duration of n minutes; outside i64 nanoseconds is runtime error E0621",
        "a duration of n seconds; outside i64 nanoseconds is runtime error E0621",
        "a duration of n milliseconds; outside i64 nanoseconds is runtime error E0621",
    ];
    for (i, ((name, _), doc)) in kiln_runtime::time::UNITS.iter().zip(UNIT_DOCS).enumerate() {
        v.push(row(
            name,
            Ty::I64,
            Ty::Duration,
            Lowering::Op(Builtin::Time(TimeFn::Unit(i as u8))),
            doc,
        ));
    }
    v
}

// ---- standard library: strings and lists ------------------------------------------------

fn lib(
    name: &str,
    class: Option<Class>,
    params: Vec<Pat>,
    ret: Pat,
    f: LibFn,
    doc: &'static str,
) -> BuiltinFn {
    BuiltinFn {
        name: name.to_string(),
        class,
        params,
        ret,
        variadic: false,
        lowering: Lowering::Op(Builtin::Lib(f)),
        doc,
    }
}

/// The string and list functions (`docs/language.md`, "String functions" and "List
/// functions").
fn library() -> Vec<BuiltinFn> {
    use LibFn as L;
    let s = || Pat::Ty(Ty::Str);
    let i = || Pat::Ty(Ty::Int(IntTy::I64));
    let b = || Pat::Ty(Ty::Bool);
    let strs = || Pat::Ty(Ty::List(Box::new(Ty::Str)));
    let ints = || Pat::Ty(Ty::List(Box::new(Ty::Int(IntTy::I64))));
    let any = Some(Class::Any);
    let num = Some(Class::Num);
    let l = Pat::ListT;
    vec![
        lib(
            "len",
            None,
            vec![s()],
            i(),
            L::StrLen,
            "number of characters (Unicode scalar values)",
        ),
        lib(
            "concat",
            None,
            vec![s(), s()],
            s(),
            L::StrConcat,
            "the two strings joined",
        ),
        lib(
            "contains",
            None,
            vec![s(), s()],
            b(),
            L::StrContains,
            "whether the second string occurs in the first",
        ),
        lib(
            "starts_with",
            None,
            vec![s(), s()],
            b(),
            L::StartsWith,
            "whether the string starts with the prefix",
        ),
        lib(
            "ends_with",
            None,
            vec![s(), s()],
            b(),
            L::EndsWith,
            "whether the string ends with the suffix",
        ),
        lib(
            "find",
            None,
            vec![s(), s()],
            i(),
            L::Find,
            "character index of the first occurrence, or -1",
        ),
        lib(
            "substr",
            None,
            vec![s(), i(), i()],
            s(),
            L::Substr,
            "`count` characters from index `start`; only those that exist",
        ),
        lib(
            "upper",
            None,
            vec![s()],
            s(),
            L::Upper,
            "upper case (Unicode rules: \"straße\" becomes \"STRASSE\")",
        ),
        lib(
            "lower",
            None,
            vec![s()],
            s(),
            L::Lower,
            "lower case (Unicode rules)",
        ),
        lib(
            "trim",
            None,
            vec![s()],
            s(),
            L::Trim,
            "without leading and trailing whitespace",
        ),
        lib(
            "replace",
            None,
            vec![s(), s(), s()],
            s(),
            L::Replace,
            "every occurrence of `from` replaced by `to` (an empty `from` changes nothing)",
        ),
        lib(
            "split",
            None,
            vec![s(), s()],
            strs(),
            L::Split,
            "the pieces between separators (an empty separator splits into characters)",
        ),
        lib(
            "join",
            None,
            vec![strs(), s()],
            s(),
            L::Join,
            "the strings with the separator between them",
        ),
        lib(
            "repeat",
            None,
            vec![s(), i()],
            s(),
            L::Repeat,
            "the string `n` times (empty when n <= 0)",
        ),
        lib(
            "len",
            any,
            vec![l.clone()],
            i(),
            L::ListLen,
            "number of elements",
        ),
        lib(
            "sum",
            num,
            vec![l.clone()],
            Pat::T,
            L::Sum,
            "the sum, in the element type (integers wrap); 0 for []",
        ),
        lib(
            "min",
            num,
            vec![l.clone()],
            Pat::T,
            L::ListMin,
            "the smallest element, NaN ignored; a runtime error for []",
        ),
        lib(
            "max",
            num,
            vec![l.clone()],
            Pat::T,
            L::ListMax,
            "the largest element, NaN ignored; a runtime error for []",
        ),
        lib(
            "avg",
            num,
            vec![l.clone()],
            Pat::FloatT,
            L::Avg,
            "the mean; NaN for []",
        ),
        lib(
            "median",
            num,
            vec![l.clone()],
            Pat::FloatT,
            L::Median,
            "the middle value (mean of the two middle ones, exact for infinities); NaN for []",
        ),
        lib(
            "sort",
            Some(Class::Ordered),
            vec![l.clone()],
            l.clone(),
            L::Sort,
            "ascending, stable; NaN last, -0.0 before 0.0",
        ),
        lib(
            "sort_desc",
            Some(Class::Ordered),
            vec![l.clone()],
            l.clone(),
            L::SortDesc,
            "descending, stable; NaN last",
        ),
        lib(
            "reverse",
            any,
            vec![l.clone()],
            l.clone(),
            L::Reverse,
            "the elements in reverse order",
        ),
        lib(
            "unique",
            any,
            vec![l.clone()],
            l.clone(),
            L::Unique,
            "first occurrences, in order",
        ),
        lib(
            "count_distinct",
            any,
            vec![l.clone()],
            i(),
            L::CountDistinct,
            "number of distinct elements",
        ),
        lib(
            "concat",
            any,
            vec![l.clone(), l.clone()],
            l.clone(),
            L::ListConcat,
            "the two lists one after the other",
        ),
        lib(
            "slice",
            any,
            vec![l.clone(), i(), i()],
            l.clone(),
            L::Slice,
            "elements `start` up to (not including) `end` that exist",
        ),
        lib(
            "first",
            any,
            vec![l.clone()],
            Pat::T,
            L::First,
            "the first element; a runtime error for []",
        ),
        lib(
            "last",
            any,
            vec![l.clone()],
            Pat::T,
            L::Last,
            "the last element; a runtime error for []",
        ),
        lib(
            "index_of",
            any,
            vec![l.clone(), Pat::T],
            i(),
            L::IndexOf,
            "index of the first equal element, or -1",
        ),
        lib(
            "contains",
            any,
            vec![l.clone(), Pat::T],
            b(),
            L::ListContains,
            "whether an element equals the value",
        ),
        lib(
            "filter",
            any,
            vec![l.clone(), Pat::Ty(Ty::List(Box::new(Ty::Bool)))],
            l.clone(),
            L::Filter,
            "the elements whose mask entry is true (lengths must match)",
        ),
        lib(
            "count",
            None,
            vec![Pat::Ty(Ty::List(Box::new(Ty::Bool)))],
            i(),
            L::Count,
            "number of true entries",
        ),
        lib(
            "any",
            None,
            vec![Pat::Ty(Ty::List(Box::new(Ty::Bool)))],
            b(),
            L::Any,
            "whether some entry is true (false for [])",
        ),
        lib(
            "all",
            None,
            vec![Pat::Ty(Ty::List(Box::new(Ty::Bool)))],
            b(),
            L::All,
            "whether every entry is true (true for [])",
        ),
        lib(
            "flatten",
            any,
            vec![Pat::ListListT],
            l.clone(),
            L::Flatten,
            "the inner lists' elements, one list after the other",
        ),
        lib(
            "range",
            None,
            vec![i()],
            ints(),
            L::Range,
            "range(n): 0, 1, ..., n - 1; [] when n <= 0",
        ),
        lib(
            "range",
            None,
            vec![i(), i()],
            ints(),
            L::Range,
            "range(start, end): start, start + 1, ..., end - 1; [] when end <= start",
        ),
        lib(
            "range",
            None,
            vec![i(), i(), i()],
            ints(),
            L::Range,
            "range(start, end, step): start, start + step, ... while before end (end excluded; a negative step counts down); a zero step is a runtime error (E0613)",
        ),
    ]
}

/// Every built-in signature.
pub fn all() -> &'static [BuiltinFn] {
    static TABLE: OnceLock<Vec<BuiltinFn>> = OnceLock::new();
    TABLE.get_or_init(build)
}

/// The built-in signatures named `name`.
pub fn named(name: &str) -> impl Iterator<Item = &'static BuiltinFn> + '_ {
    all().iter().filter(move |b| b.name == name)
}

/// For a `Float`-class `T` instantiated from an integer type: the float it widens to,
/// preferring f64.
pub fn float_for(ty: &Ty) -> Option<Ty> {
    [FloatTy::F64, FloatTy::F32]
        .into_iter()
        .map(Ty::Float)
        .find(|f| ty.widens_to(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scalar_type_name_is_a_conversion() {
        for t in Ty::scalars() {
            let n = t.to_string();
            assert!(named(&n).count() >= 1, "{n}");
        }
        // numeric targets: from numbers, bool and string
        assert_eq!(named("u16").count(), 3);
        assert_eq!(named("bool").count(), 2);
    }

    #[test]
    fn signatures_read_well() {
        let abs = named("abs").next().unwrap();
        assert_eq!(abs.signature(), "abs(T) -> T where T is any numeric type");
        let parse = named("i32")
            .find(|b| b.params == [Pat::Ty(Ty::Str)])
            .unwrap();
        assert_eq!(parse.signature(), "i32(string) -> i32");
    }
}
