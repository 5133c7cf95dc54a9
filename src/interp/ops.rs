//! Scalar semantics restated in plain Rust: integer arithmetic at each type's width,
//! comparisons, conversions, the math builtins, parsing, the display format, and the
//! faults (worded by the runtime's one message table).

use crate::abi::Fault;
use crate::codegen::Overflow;
use crate::span::Span;
use crate::types::hir::{BinOp, MathFn, UnOp};
use crate::types::ty::{FloatTy, IntTy, Ty};
use crate::value::{RuntimeError, Value};
use std::cmp::Ordering;
use std::fmt::Write;

pub(super) type R<T> = Result<T, RuntimeError>;

// ---- faults ---------------------------------------------------------------------------------

/// A fault at `span` with the message the runtime writes for it (`a`, `b` as the fault
/// codes document them in `abi::Fault`). The wording is the runtime's
/// (`FaultRecord::message`), written once; the values in it are the interpreter's own.
pub(super) fn fault(fault: Fault, span: Span, a: i64, b: i64) -> RuntimeError {
    let record = crate::runtime::FaultRecord {
        fault,
        span: 0,
        a,
        b,
        message: None,
    };
    RuntimeError {
        fault,
        span,
        message: record.message(),
    }
}

// ---- integers as (type, exact value) --------------------------------------------------------

/// An integer value's type and its exact value.
pub(super) fn int_of(v: &Value) -> Option<(IntTy, i128)> {
    Some(match *v {
        Value::I8(x) => (IntTy::I8, x as i128),
        Value::I16(x) => (IntTy::I16, x as i128),
        Value::I32(x) => (IntTy::I32, x as i128),
        Value::I64(x) => (IntTy::I64, x as i128),
        Value::U8(x) => (IntTy::U8, x as i128),
        Value::U16(x) => (IntTy::U16, x as i128),
        Value::U32(x) => (IntTy::U32, x as i128),
        Value::U64(x) => (IntTy::U64, x as i128),
        _ => return None,
    })
}

/// The integer of type `t` holding `v` modulo 2^width (two's complement wrapping).
pub(super) fn make_int(t: IntTy, v: i128) -> Value {
    match t {
        IntTy::I8 => Value::I8(v as i8),
        IntTy::I16 => Value::I16(v as i16),
        IntTy::I32 => Value::I32(v as i32),
        IntTy::I64 => Value::I64(v as i64),
        IntTy::U8 => Value::U8(v as u8),
        IntTy::U16 => Value::U16(v as u16),
        IntTy::U32 => Value::U32(v as u32),
        IntTy::U64 => Value::U64(v as u64),
    }
}

/// An integer's value as the runtime's fault operands carry it: extended to 64 bits
/// from its type (so a u64 above i64::MAX reads as negative, as in the JIT).
fn as_i64(v: i128) -> i64 {
    v as i64
}

/// The zero (or false, or empty) value of a type: what a variable holds before its
/// first assignment.
pub(super) fn zero(ty: &Ty) -> Value {
    match ty {
        Ty::Bool => Value::Bool(false),
        Ty::Int(t) => make_int(*t, 0),
        Ty::Float(FloatTy::F32) => Value::F32(0.0),
        Ty::Float(FloatTy::F64) => Value::F64(0.0),
        Ty::Str => Value::Str(String::new()),
        Ty::List(e) => Value::List((**e).clone(), Vec::new()),
        Ty::Opt(_) => Value::None,
        Ty::Timestamp => Value::Timestamp(0),
        Ty::Duration => Value::Duration(0),
        _ => Value::Bool(false),
    }
}

pub(super) fn bug(what: impl Into<String>) -> RuntimeError {
    RuntimeError {
        fault: Fault::InvalidInput,
        span: Span::default(),
        message: format!("internal error in the interpreter: {}", what.into()),
    }
}

// ---- operators ------------------------------------------------------------------------------

/// `l op r` for operands of one type (shift counts of any integer type).
pub(super) fn binary(op: BinOp, l: &Value, r: &Value, span: Span, ovf: Overflow) -> R<Value> {
    if let Some(v) = super::time::binary(op, l, r, span)? {
        return Ok(v);
    }
    if let (Some((t, a)), Some((_, b))) = (int_of(l), int_of(r)) {
        return int_binary(op, t, a, b, span, ovf);
    }
    let cmp = |o: Option<Ordering>| -> Option<bool> {
        Some(match op {
            BinOp::Eq => o == Some(Ordering::Equal),
            BinOp::Ne => o != Some(Ordering::Equal),
            BinOp::Lt => o == Some(Ordering::Less),
            BinOp::Le => matches!(o, Some(Ordering::Less | Ordering::Equal)),
            BinOp::Gt => o == Some(Ordering::Greater),
            BinOp::Ge => matches!(o, Some(Ordering::Greater | Ordering::Equal)),
            _ => return None,
        })
    };
    Ok(match (l, r) {
        (Value::F64(a), Value::F64(b)) => match op {
            BinOp::Add => Value::F64(a + b),
            BinOp::Sub => Value::F64(a - b),
            BinOp::Mul => Value::F64(a * b),
            BinOp::Div => Value::F64(a / b),
            BinOp::Rem => Value::F64(a % b),
            _ => Value::Bool(cmp(a.partial_cmp(b)).ok_or_else(|| bug("float operator"))?),
        },
        (Value::F32(a), Value::F32(b)) => match op {
            BinOp::Add => Value::F32(a + b),
            BinOp::Sub => Value::F32(a - b),
            BinOp::Mul => Value::F32(a * b),
            BinOp::Div => Value::F32(a / b),
            BinOp::Rem => Value::F32(a % b),
            _ => Value::Bool(cmp(a.partial_cmp(b)).ok_or_else(|| bug("float operator"))?),
        },
        (Value::Bool(a), Value::Bool(b)) => Value::Bool(match op {
            BinOp::Eq => a == b,
            BinOp::Ne => a != b,
            BinOp::BitAnd => a & b,
            BinOp::BitOr => a | b,
            BinOp::BitXor => a ^ b,
            _ => return Err(bug(format!("{op:?} on bool"))),
        }),
        (Value::Str(a), Value::Str(b)) => match op {
            // Concatenation is counted by the caller (it builds a string).
            BinOp::Add => Value::Str(format!("{a}{b}")),
            _ => Value::Bool(
                cmp(Some(a.as_bytes().cmp(b.as_bytes()))).ok_or_else(|| bug("string operator"))?,
            ),
        },
        _ => return Err(bug(format!("{op:?} on {} and {}", l.ty(), r.ty()))),
    })
}

fn int_binary(op: BinOp, t: IntTy, a: i128, b: i128, span: Span, ovf: Overflow) -> R<Value> {
    let arith = |exact: Option<i128>, wrapped: i128| -> R<Value> {
        match exact {
            Some(v) if t.fits(v) => Ok(make_int(t, v)),
            _ if ovf == Overflow::Trap => Err(fault(Fault::IntOverflow, span, 0, 0)),
            _ => Ok(make_int(t, wrapped)),
        }
    };
    let bits = t.bits();
    Ok(match op {
        BinOp::Add => return arith(a.checked_add(b), a.wrapping_add(b)),
        BinOp::Sub => return arith(a.checked_sub(b), a.wrapping_sub(b)),
        BinOp::Mul => return arith(a.checked_mul(b), a.wrapping_mul(b)),
        BinOp::Div | BinOp::Rem => {
            let is_rem = op == BinOp::Rem;
            if b == 0 {
                return Err(fault(Fault::DivByZero, span, as_i64(a), is_rem as i64));
            }
            if t.signed() && b == -1 && a == t.min() {
                if is_rem {
                    return Ok(make_int(t, 0));
                }
                return Err(fault(Fault::DivOverflow, span, as_i64(a), -1));
            }
            // Exact in i128: Rust's `/` truncates and `%` takes the dividend's sign.
            make_int(t, if is_rem { a % b } else { a / b })
        }
        BinOp::BitAnd => make_int(t, a & b),
        BinOp::BitOr => make_int(t, a | b),
        BinOp::BitXor => make_int(t, a ^ b),
        BinOp::Shl | BinOp::Shr => {
            // The count's low bits at the lhs width, whatever the count's type.
            let count = (b as u64 & (bits as u64 - 1)) as u32;
            if op == BinOp::Shl {
                make_int(t, a << count)
            } else {
                // `a` is exact: arithmetic for signed (negative stays negative), logical
                // for unsigned (never negative).
                make_int(t, a >> count)
            }
        }
        BinOp::Eq => Value::Bool(a == b),
        BinOp::Ne => Value::Bool(a != b),
        BinOp::Lt => Value::Bool(a < b),
        BinOp::Le => Value::Bool(a <= b),
        BinOp::Gt => Value::Bool(a > b),
        BinOp::Ge => Value::Bool(a >= b),
    })
}

pub(super) fn unary(op: UnOp, v: &Value, span: Span, ovf: Overflow) -> R<Value> {
    if let Some((t, a)) = int_of(v) {
        return match op {
            UnOp::Neg if t.fits(-a) => Ok(make_int(t, -a)),
            UnOp::Neg if ovf == Overflow::Trap => Err(fault(Fault::IntOverflow, span, 0, 0)),
            UnOp::Neg => Ok(make_int(t, -a)),
            UnOp::BitNot => Ok(make_int(t, !a)),
            UnOp::Not => Err(bug("`not` on an integer")),
        };
    }
    Ok(match (op, v) {
        (UnOp::Neg, Value::F64(x)) => Value::F64(-x),
        (UnOp::Neg, Value::F32(x)) => Value::F32(-x),
        (UnOp::Neg, Value::Duration(ns)) => return super::time::neg(*ns, span),
        (UnOp::Not, Value::Bool(b)) => Value::Bool(!b),
        _ => return Err(bug(format!("{op:?} on {}", v.ty()))),
    })
}

/// Equality as `==` (and `in`, `index_of`, `contains`) compares: numbers by value
/// (floats ordered: NaN equals nothing, -0.0 equals 0.0), bools, strings bytewise.
pub(super) fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        // Lists (elements of nested lists, for `in` and `index_of`): element by element.
        (Value::List(_, xs), Value::List(_, ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| equal(x, y))
        }
        (Value::F64(x), Value::F64(y)) => x == y,
        (Value::F32(x), Value::F32(y)) => x == y,
        _ => match (int_of(a), int_of(b)) {
            (Some((_, x)), Some((_, y))) => x == y,
            _ => a == b,
        },
    }
}

// ---- conversions ----------------------------------------------------------------------------

/// Convert `v` to `to` with Rust `as` semantics (int→int truncates or extends,
/// float→int saturates with NaN → 0, int→float rounds to nearest, bool→number is 0/1,
/// int→bool is `!= 0`).
pub(super) fn cast(v: &Value, to: &Ty) -> R<Value> {
    if let Ty::Opt(t) = to {
        // Between optionals (v1): none stays none.
        return match v {
            Value::None => Ok(Value::None),
            v => cast(v, t),
        };
    }
    if v.ty() == *to {
        return Ok(v.clone());
    }
    if let Some((_, x)) = int_of(v) {
        return Ok(match to {
            Ty::Int(t) => make_int(*t, x),
            // One rounding, from the exact value.
            Ty::Float(FloatTy::F64) => Value::F64(x as f64),
            Ty::Float(FloatTy::F32) => Value::F32(x as f32),
            Ty::Bool => Value::Bool(x != 0),
            _ => return Err(bug(format!("conversion to {to}"))),
        });
    }
    Ok(match (v, to) {
        (Value::Bool(b), Ty::Int(t)) => make_int(*t, *b as i128),
        (Value::Bool(b), Ty::Float(FloatTy::F64)) => Value::F64(*b as u8 as f64),
        (Value::Bool(b), Ty::Float(FloatTy::F32)) => Value::F32(*b as u8 as f32),
        (Value::F64(x), Ty::Float(FloatTy::F32)) => Value::F32(*x as f32),
        (Value::F32(x), Ty::Float(FloatTy::F64)) => Value::F64(*x as f64),
        (Value::F64(x), Ty::Int(t)) => float_to_int(*x, *t),
        // f32 → f64 is exact, so saturating from the f64 is the same.
        (Value::F32(x), Ty::Int(t)) => float_to_int(*x as f64, *t),
        _ => return Err(bug(format!("conversion from {} to {to}", v.ty()))),
    })
}

fn float_to_int(x: f64, t: IntTy) -> Value {
    match t {
        IntTy::I8 => Value::I8(x as i8),
        IntTy::I16 => Value::I16(x as i16),
        IntTy::I32 => Value::I32(x as i32),
        IntTy::I64 => Value::I64(x as i64),
        IntTy::U8 => Value::U8(x as u8),
        IntTy::U16 => Value::U16(x as u16),
        IntTy::U32 => Value::U32(x as u32),
        IntTy::U64 => Value::U64(x as u64),
    }
}

/// `T(s)`: Rust's `str::parse` for the node's type; the message names the text, the
/// type and why.
pub(super) fn parse(text: &str, to: &Ty, span: Span) -> R<Value> {
    fn p<T: std::str::FromStr>(text: &str, wrap: fn(T) -> Value) -> Result<Value, String>
    where
        T::Err: std::fmt::Display,
    {
        text.parse::<T>().map(wrap).map_err(|e| e.to_string())
    }
    let r = match to {
        Ty::Str => return Ok(Value::Str(text.to_owned())),
        Ty::Bool => p(text, Value::Bool),
        Ty::Int(IntTy::I8) => p(text, Value::I8),
        Ty::Int(IntTy::I16) => p(text, Value::I16),
        Ty::Int(IntTy::I32) => p(text, Value::I32),
        Ty::Int(IntTy::I64) => p(text, Value::I64),
        Ty::Int(IntTy::U8) => p(text, Value::U8),
        Ty::Int(IntTy::U16) => p(text, Value::U16),
        Ty::Int(IntTy::U32) => p(text, Value::U32),
        Ty::Int(IntTy::U64) => p(text, Value::U64),
        Ty::Float(FloatTy::F32) => p(text, Value::F32),
        Ty::Float(FloatTy::F64) => p(text, Value::F64),
        Ty::Timestamp | Ty::Duration => return super::time::parse(text, to, span),
        t => return Err(bug(format!("parse to {t}"))),
    };
    r.map_err(|why| RuntimeError {
        fault: Fault::ParseFailed,
        span,
        message: format!("cannot parse {text:?} as {to} ({why})"),
    })
}

// ---- math -----------------------------------------------------------------------------------

/// A float argument, widened to f64 with a flag for f32 (f32 math is then done in f32).
enum F {
    F32(f32),
    F64(f64),
}

fn float(v: &Value) -> R<F> {
    match v {
        Value::F32(x) => Ok(F::F32(*x)),
        Value::F64(x) => Ok(F::F64(*x)),
        v => Err(bug(format!("a float argument of type {}", v.ty()))),
    }
}

/// The one- and two-argument float functions, each at the argument's own width.
pub(super) fn math(f: MathFn, args: &[Value]) -> R<Value> {
    // Exactly rounded operations come from Rust; everything a C library may round
    // differently is the `libm` crate's, the same code the runtime's `kiln_math_*` run.
    macro_rules! one {
        ($x:expr, $t:ty, $($f:ident / $lib:path),*) => {{
            let x: $t = $x;
            match f {
                MathFn::Sqrt => x.sqrt(),
                MathFn::Floor => x.floor(),
                MathFn::Ceil => x.ceil(),
                MathFn::Round => x.round(),
                MathFn::Trunc => x.trunc(),
                $(MathFn::$f => $lib(x),)*
                MathFn::Hypot | MathFn::Atan2 => return Err(bug("two-argument math")),
            }
        }};
    }
    if matches!(f, MathFn::Hypot | MathFn::Atan2) {
        let [a, b] = args else {
            return Err(bug("two-argument math"));
        };
        return Ok(match (float(a)?, float(b)?) {
            (F::F64(y), F::F64(x)) => Value::F64(match f {
                MathFn::Hypot => libm::hypot(y, x),
                _ => libm::atan2(y, x),
            }),
            (F::F32(y), F::F32(x)) => Value::F32(match f {
                MathFn::Hypot => libm::hypotf(y, x),
                _ => libm::atan2f(y, x),
            }),
            _ => return Err(bug("mixed float widths")),
        });
    }
    let [a] = args else {
        return Err(bug("one-argument math"));
    };
    Ok(match float(a)? {
        F::F64(x) => Value::F64(one!(
            x,
            f64,
            Exp / libm::exp,
            Log / libm::log,
            Log2 / libm::log2,
            Log10 / libm::log10,
            Sin / libm::sin,
            Cos / libm::cos,
            Tan / libm::tan,
            Asin / libm::asin,
            Acos / libm::acos,
            Atan / libm::atan,
            Sinh / libm::sinh,
            Cosh / libm::cosh,
            Tanh / libm::tanh,
            Exp2 / libm::exp2,
            Cbrt / libm::cbrt
        )),
        F::F32(x) => Value::F32(one!(
            x,
            f32,
            Exp / libm::expf,
            Log / libm::logf,
            Log2 / libm::log2f,
            Log10 / libm::log10f,
            Sin / libm::sinf,
            Cos / libm::cosf,
            Tan / libm::tanf,
            Asin / libm::asinf,
            Acos / libm::acosf,
            Atan / libm::atanf,
            Sinh / libm::sinhf,
            Cosh / libm::coshf,
            Tanh / libm::tanhf,
            Exp2 / libm::exp2f,
            Cbrt / libm::cbrtf
        )),
    })
}

pub(super) fn pow(a: &Value, b: &Value) -> R<Value> {
    Ok(match (float(a)?, float(b)?) {
        (F::F64(x), F::F64(y)) => Value::F64(libm::pow(x, y)),
        (F::F32(x), F::F32(y)) => Value::F32(libm::powf(x, y)),
        _ => return Err(bug("mixed float widths")),
    })
}

pub(super) fn abs(v: &Value) -> R<Value> {
    if let Some((t, x)) = int_of(v) {
        // abs(MIN) wraps to MIN.
        return Ok(make_int(t, x.abs()));
    }
    Ok(match float(v)? {
        F::F64(x) => Value::F64(x.abs()),
        F::F32(x) => Value::F32(x.abs()),
    })
}

pub(super) fn is_nan(v: &Value) -> bool {
    match v {
        Value::F64(x) => x.is_nan(),
        Value::F32(x) => x.is_nan(),
        _ => false,
    }
}

pub(super) fn float_test(is_inf: bool, v: &Value) -> R<Value> {
    Ok(Value::Bool(match float(v)? {
        F::F64(x) if is_inf => x.is_infinite(),
        F::F32(x) if is_inf => x.is_infinite(),
        F::F64(x) => x.is_nan(),
        F::F32(x) => x.is_nan(),
    }))
}

/// The contract's numeric order for `min`, `max` and `sort`: -0.0 before 0.0; `None`
/// when either is NaN.
pub(super) fn num_order(a: &Value, b: &Value) -> Option<Ordering> {
    if let (Some((_, x)), Some((_, y))) = (int_of(a), int_of(b)) {
        return Some(x.cmp(&y));
    }
    let (x, y) = match (a, b) {
        (Value::F64(x), Value::F64(y)) => (*x, *y),
        (Value::F32(x), Value::F32(y)) => (*x as f64, *y as f64),
        // Times (v1) by their nanoseconds.
        (Value::Timestamp(x), Value::Timestamp(y)) | (Value::Duration(x), Value::Duration(y)) => {
            return Some(x.cmp(y))
        }
        _ => return None,
    };
    match x.partial_cmp(&y)? {
        // Equal numbers: only zeros can differ, by sign (true < false: negative first).
        Ordering::Equal => Some(y.is_sign_negative().cmp(&x.is_sign_negative())),
        o => Some(o),
    }
}

/// `min(a, b)` / `max(a, b)`: NaN ignored (NaN only when both are), -0.0 below 0.0.
pub(super) fn min_max(is_max: bool, a: &Value, b: &Value) -> Value {
    if is_nan(a) {
        return b.clone();
    }
    if is_nan(b) {
        return a.clone();
    }
    let o = num_order(a, b).unwrap_or(Ordering::Equal);
    let take_a = if is_max {
        o != Ordering::Less
    } else {
        o != Ordering::Greater
    };
    if take_a {
        a.clone()
    } else {
        b.clone()
    }
}

/// `clamp(x, lo, hi)`: E0615 when `lo > hi` or a bound is NaN; else `lo` when `x < lo`,
/// `hi` when `x > hi`, else `x` (a NaN `x` stays NaN).
pub(super) fn clamp(x: &Value, lo: &Value, hi: &Value, span: Span) -> R<Value> {
    let bits = |v: &Value| -> i64 {
        match v {
            Value::F64(f) => f.to_bits() as i64,
            Value::F32(f) => f.to_bits() as i64,
            v => int_of(v).map_or(0, |(_, x)| x as i64),
        }
    };
    if is_nan(lo) || is_nan(hi) || binary_lt(hi, lo) {
        return Err(fault(Fault::ClampBounds, span, bits(lo), bits(hi)));
    }
    Ok(if binary_lt(x, lo) {
        lo.clone()
    } else if binary_lt(hi, x) {
        hi.clone()
    } else {
        x.clone()
    })
}

/// `a < b` as the `<` operator (ordered: false with a NaN).
fn binary_lt(a: &Value, b: &Value) -> bool {
    match (int_of(a), int_of(b)) {
        (Some((_, x)), Some((_, y))) => x < y,
        _ => match (a, b) {
            (Value::F64(x), Value::F64(y)) => x < y,
            (Value::F32(x), Value::F32(y)) => x < y,
            _ => false,
        },
    }
}

// ---- the display format ---------------------------------------------------------------------

/// The display format of a value: integers in decimal, floats as Rust's `{:?}` at their
/// own width, strings raw (quoted and escaped inside a list), lists `[a, b]`.
pub fn display(v: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, v, false);
    out
}

fn write_value(out: &mut String, v: &Value, in_list: bool) {
    let _ = match v {
        Value::Bool(b) => write!(out, "{b}"),
        Value::I8(x) => write!(out, "{x}"),
        Value::I16(x) => write!(out, "{x}"),
        Value::I32(x) => write!(out, "{x}"),
        Value::I64(x) => write!(out, "{x}"),
        Value::U8(x) => write!(out, "{x}"),
        Value::U16(x) => write!(out, "{x}"),
        Value::U32(x) => write!(out, "{x}"),
        Value::U64(x) => write!(out, "{x}"),
        Value::F32(x) => write!(out, "{x:?}"),
        Value::F64(x) => write!(out, "{x:?}"),
        Value::None => write!(out, "none"),
        Value::Timestamp(ns) => {
            super::time::show_timestamp(out, *ns);
            Ok(())
        }
        Value::Duration(ns) => {
            super::time::show_duration(out, *ns);
            Ok(())
        }
        Value::Str(s) if in_list => write!(out, "{s:?}"),
        Value::Str(s) => {
            out.push_str(s);
            Ok(())
        }
        Value::List(_, items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(out, item, true);
            }
            out.push(']');
            Ok(())
        }
    };
}
