//! Values on the host side: [`Value`]s, how each type sits in an ABI slot or a list
//! element ([`layout`]), and faults as [`RuntimeError`]s with source spans. What generated
//! code calls, and the run context it works on, are the `kiln-runtime` crate (`runtime/`
//! in this workspace, `crate::runtime` here).

pub mod layout;
pub mod params;

use kiln_runtime::{display, RunCtx};

use crate::abi::{Fault, Kind, KindTy};
use crate::diag::Diagnostic;
use crate::span::Span;
use crate::types::ty::Ty;
use display::{write_list, write_scalar, Scalar};
use std::fmt;

/// A Kiln value on the host side.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Bool(bool),
    I8(i8),
    I16(i16),
    I32(i32),
    I64(i64),
    U8(u8),
    U16(u16),
    U32(u32),
    U64(u64),
    F32(f32),
    F64(f64),
    Str(String),
    /// Element type and elements.
    List(Ty, Vec<Value>),
    /// `none` (v1): the value of any optional type that holds nothing. It has no type of
    /// its own: [`Value::ty`] gives `Ty::Error` for it.
    None,
    /// A `timestamp` (v1): nanoseconds since the Unix epoch, UTC.
    Timestamp(i64),
    /// A `duration` (v1): a signed span of nanoseconds.
    Duration(i64),
}

impl Value {
    /// The value's Kiln type.
    pub fn ty(&self) -> Ty {
        match self {
            Value::List(elem, _) => Ty::List(Box::new(elem.clone())),
            v => v.kind().map_or(Ty::Error, Kind::ty),
        }
    }

    /// The ABI kind of a scalar or string; `None` for a list.
    pub fn kind(&self) -> Option<Kind> {
        Some(match self {
            Value::Bool(_) => Kind::Bool,
            Value::I8(_) => Kind::I8,
            Value::I16(_) => Kind::I16,
            Value::I32(_) => Kind::I32,
            Value::I64(_) => Kind::I64,
            Value::U8(_) => Kind::U8,
            Value::U16(_) => Kind::U16,
            Value::U32(_) => Kind::U32,
            Value::U64(_) => Kind::U64,
            Value::F32(_) => Kind::F32,
            Value::F64(_) => Kind::F64,
            Value::Str(_) => Kind::Str,
            Value::Timestamp(_) => Kind::Timestamp,
            Value::Duration(_) => Kind::Duration,
            Value::List(..) | Value::None => return None,
        })
    }

    /// A scalar's bits as they cross the ABI (integers extended from their type, bool
    /// 0/1, floats as bit patterns); `None` for strings and lists.
    pub fn to_bits(&self) -> Option<u64> {
        Some(match *self {
            Value::Bool(b) => b as u64,
            Value::I8(v) => v as i64 as u64,
            Value::I16(v) => v as i64 as u64,
            Value::I32(v) => v as i64 as u64,
            Value::I64(v) => v as u64,
            Value::U8(v) => v as u64,
            Value::U16(v) => v as u64,
            Value::U32(v) => v as u64,
            Value::U64(v) => v,
            Value::F32(v) => v.to_bits() as u64,
            Value::F64(v) => v.to_bits(),
            Value::Timestamp(v) | Value::Duration(v) => v as u64,
            Value::Str(_) | Value::List(..) | Value::None => return None,
        })
    }

    /// The scalar of `kind` with these ABI bits (`Str` gives an empty string).
    pub fn from_bits(kind: Kind, bits: u64) -> Value {
        match kind {
            Kind::Bool => Value::Bool(bits & 1 != 0),
            Kind::I8 => Value::I8(bits as i8),
            Kind::I16 => Value::I16(bits as i16),
            Kind::I32 => Value::I32(bits as i32),
            Kind::I64 => Value::I64(bits as i64),
            Kind::U8 => Value::U8(bits as u8),
            Kind::U16 => Value::U16(bits as u16),
            Kind::U32 => Value::U32(bits as u32),
            Kind::U64 => Value::U64(bits),
            Kind::F32 => Value::F32(f32::from_bits(bits as u32)),
            Kind::F64 => Value::F64(f64::from_bits(bits)),
            Kind::Str => Value::Str(String::new()),
            Kind::Timestamp => Value::Timestamp(bits as i64),
            Kind::Duration => Value::Duration(bits as i64),
        }
    }

    fn scalar(&self) -> Option<Scalar<'_>> {
        match self {
            Value::Str(s) => Some(Scalar::Str(s)),
            Value::List(..) | Value::None => None,
            v => Some(Scalar::from_bits(v.kind()?, v.to_bits()?)),
        }
    }
}

impl fmt::Display for Value {
    /// The contract's display format (strings raw; inside lists quoted).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, false)
    }
}

impl Value {
    /// The display format; `in_list`: strings quoted. Lists of scalars go through the
    /// runtime's `write_list`; nested lists recurse into it.
    fn write(&self, f: &mut dyn fmt::Write, in_list: bool) -> fmt::Result {
        match self {
            Value::List(_, items) if items.iter().all(|v| v.scalar().is_some()) => {
                write_list(f, items.iter().filter_map(Value::scalar))
            }
            Value::List(_, items) => {
                f.write_char('[')?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    item.write(f, true)?;
                }
                f.write_char(']')
            }
            Value::None => f.write_str("none"),
            v => match v.scalar() {
                Some(s) => write_scalar(f, s, in_list),
                None => Ok(()),
            },
        }
    }
}

/// A fault raised while running generated code.
#[derive(Clone, Debug, PartialEq)]
pub struct RuntimeError {
    pub fault: crate::abi::Fault,
    pub span: Span,
    /// Human message with the values involved, e.g. "index 7 is out of bounds for a list of length 3".
    pub message: String,
}

impl RuntimeError {
    /// Stable diagnostic code per fault: E0601 division by zero, E0602 division
    /// overflow, E0603 index out of bounds, E0604 parse failure, E0605 inputs that do not
    /// match the program's `param`s (reported by the host, never by generated code),
    /// E0606 recursion deeper than the stack allows, E0607 list lengths differ, E0608 an
    /// empty list, E0609 a result too large, E0610 a host function failed.
    pub fn code(&self) -> &'static str {
        self.fault.code()
    }

    pub fn to_diagnostic(&self) -> Diagnostic {
        let label = match self.fault {
            Fault::DivByZero => "the divisor is zero",
            Fault::DivOverflow => "this division overflows",
            Fault::IndexOutOfBounds | Fault::IndexOutOfBoundsU64 => "this index is out of bounds",
            Fault::ParseFailed => "this conversion failed",
            Fault::InvalidInput => "this input",
            Fault::StackOverflow => "this function recursed too deeply",
            Fault::LengthMismatch => "these lists have different lengths",
            Fault::EmptyList => "this list is empty",
            Fault::TooLarge => "this result is too large",
            Fault::HostError => "this host function failed",
            Fault::Interrupted => "the run was interrupted here",
            Fault::UnwrapNone => "this is none",
            Fault::ZeroStep => "this step is zero",
            Fault::ClampBounds => "these bounds are out of order",
            Fault::OutOfMemory => "this needed more memory than the run may use",
            Fault::IntOverflow => "this operation overflows",
            // The time library (issue 15).
            Fault::BadZone => "this zone does not exist",
            Fault::BadTimeFormat => "this is not a unit or format the function takes",
            Fault::TimeRange => "this is outside the range of timestamps and durations",
            Fault::BadFormat => "this format string",
            Fault::BadRegex => "this pattern does not compile",
            Fault::BadChar => "this is not one character",
        };
        let d = Diagnostic::error(self.code(), self.span, self.message.clone()).with_label(label);
        match self.fault {
            Fault::BadZone => d.with_help(
                "a zone is \"UTC\", a fixed offset such as \"+02:00\", or an IANA name such as \"Europe/Berlin\"",
            ),
            Fault::BadRegex => d.with_help(
                "the pattern is computed when the program runs: fix how it is built, or escape text taken literally (a literal pattern is checked when the program compiles)",
            ),
            Fault::BadChar if self.message.starts_with("`char_code`") => {
                d.with_help("take one character first, e.g. `chars(s)[0]`, after checking `len(s) == 1`")
            }
            Fault::BadChar => d
                .with_label("this is not a character's code")
                .with_help("a character's code is 0 to 0x10FFFF (1114111), without 0xD800 to 0xDFFF"),
            _ => d,
        }
    }
}

impl fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for RuntimeError {}

/// The fault a run recorded in a context, as a [`RuntimeError`] with its span looked up
/// in `spans` (the program's span table).
pub trait RunError {
    fn error(&self, spans: &[Span]) -> Option<RuntimeError>;
}

impl RunError for RunCtx {
    fn error(&self, spans: &[Span]) -> Option<RuntimeError> {
        let record = self.fault()?;
        Some(RuntimeError {
            fault: record.fault,
            span: spans.get(record.span as usize).copied().unwrap_or_default(),
            message: record.message(),
        })
    }
}

/// Whether `v` is a value of type `ty`: `Value::None` and a `T` value are values of
/// `T?`.
pub fn value_fits(v: &Value, ty: &Ty) -> bool {
    match (v, ty) {
        (Value::None, Ty::Opt(_)) => true,
        (v, Ty::Opt(t)) => value_fits(v, t),
        (Value::List(elem, items), Ty::List(want)) => {
            **want == *elem && items.iter().all(|i| value_fits(i, elem))
        }
        (v, t) => v.ty() == *t,
    }
}

/// Input values against a program's params (`inputs`: name, type and span of each
/// `param`): the count and every type must match, else runtime error E0605 naming the
/// first mismatch. Every engine checks its inputs with this.
pub fn check_inputs(
    params: &[crate::types::hir::Input],
    inputs: &[Value],
) -> Result<(), RuntimeError> {
    let invalid = |span, message| {
        Err(RuntimeError {
            fault: Fault::InvalidInput,
            span,
            message,
        })
    };
    if inputs.len() != params.len() {
        return invalid(
            Span::default(),
            format!(
                "the program takes {} input(s), {} given",
                params.len(),
                inputs.len()
            ),
        );
    }
    for (input, v) in params.iter().zip(inputs) {
        let ok = value_fits(v, &input.ty);
        if !ok {
            return invalid(
                input.span,
                format!(
                    "input `{}` has type {}, but a value of type {} was given",
                    input.name,
                    input.ty,
                    v.ty()
                ),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_display_matches_contract() {
        assert_eq!(Value::F64(2.0).to_string(), "2.0");
        assert_eq!(Value::F32(0.1).to_string(), "0.1");
        assert_eq!(Value::Str("a\"b".into()).to_string(), "a\"b");
        let l = Value::List(
            Ty::Str,
            vec![Value::Str("a".into()), Value::Str("b\n".into())],
        );
        assert_eq!(l.to_string(), r#"["a", "b\n"]"#);
        let l = Value::List(Ty::I64, vec![Value::I64(1), Value::I64(-2)]);
        assert_eq!(l.to_string(), "[1, -2]");
        assert_eq!(Value::List(Ty::Bool, vec![]).to_string(), "[]");
        assert_eq!(Value::U8(255).to_string(), "255");
        assert_eq!(Value::Bool(true).to_string(), "true");
    }
}
