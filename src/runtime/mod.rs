//! Stage 5: what generated code calls (see `abi.rs`), the run context with its arena,
//! and host-side values with the display format.

use crate::span::Span;
use crate::types::ty::Ty;
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
}

impl fmt::Display for Value {
    /// The contract's display format (strings raw; inside lists quoted).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let _ = f;
        todo!("Value display")
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
