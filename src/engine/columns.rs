//! Columnar batches: a program run over whole columns of inputs in one call.
//!
//! [`Program::run_columns`](super::Program::run_columns) takes one [`Column`] per `param` (borrowed slices, all of one
//! length) and returns the results as one [`ColumnBuf`]. The rows run in a loop compiled
//! with the program (`codegen::COLUMNS_SYMBOL`), where the program is inlined and, when
//! it cannot fault, vectorised; there is no call per row.
//!
//! Rows run in chunks of [`CHUNK_ROWS`]: strings a chunk makes live in the run's arena
//! until its results are copied out, then the arena is reset, so memory stays bounded
//! however many rows there are.

use crate::abi::Fault;
use crate::span::Span;
use crate::types::ty::{FloatTy, IntTy, Ty};
use crate::value::{RuntimeError, Value};
use std::fmt;

/// Rows per chunk: the arena is reset (string results copied out) after each chunk.
pub const CHUNK_ROWS: usize = 4096;

/// The one table of scalar column types: variant (also the `Value` variant), Rust type,
/// Kiln type.
macro_rules! scalar_columns {
    ($m:ident) => {
        $m! {
            Bool bool Ty::Bool,
            I8 i8 Ty::Int(IntTy::I8),
            I16 i16 Ty::Int(IntTy::I16),
            I32 i32 Ty::Int(IntTy::I32),
            I64 i64 Ty::Int(IntTy::I64),
            U8 u8 Ty::Int(IntTy::U8),
            U16 u16 Ty::Int(IntTy::U16),
            U32 u32 Ty::Int(IntTy::U32),
            U64 u64 Ty::Int(IntTy::U64),
            F32 f32 Ty::Float(FloatTy::F32),
            F64 f64 Ty::Float(FloatTy::F64),
        }
    };
}

macro_rules! define_columns {
    ($($v:ident $t:ident $ty:expr,)*) => {
        /// One input column: a borrowed slice of values of one Kiln type, one variant per
        /// scalar type and `Str` for strings. Build one with `Column::from(&slice[..])`.
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub enum Column<'a> {
            $(#[doc = concat!("`", stringify!($t), "` values.")] $v(&'a [$t]),)*
            /// String values.
            Str(&'a [&'a str]),
        }

        /// One output column: the results of a columnar run, one per row.
        #[derive(Clone, Debug, PartialEq)]
        pub enum ColumnBuf {
            $(#[doc = concat!("`", stringify!($t), "` values.")] $v(Vec<$t>),)*
            /// String values.
            Str(Vec<String>),
        }

        impl Column<'_> {
            /// Number of rows.
            pub fn len(&self) -> usize {
                match self {
                    $(Column::$v(c) => c.len(),)*
                    Column::Str(c) => c.len(),
                }
            }

            /// The Kiln type of the values.
            pub fn ty(&self) -> Ty {
                match self {
                    $(Column::$v(_) => $ty,)*
                    Column::Str(_) => Ty::Str,
                }
            }

            /// The value in row `row`, if there is one.
            pub fn get(&self, row: usize) -> Option<Value> {
                match self {
                    $(Column::$v(c) => c.get(row).map(|v| Value::$v(*v)),)*
                    Column::Str(c) => c.get(row).map(|v| Value::Str((*v).to_owned())),
                }
            }

            /// Address of the first element, for the scalar variants (`None`: strings).
            fn scalar_base(&self) -> Option<*const u8> {
                match self {
                    $(Column::$v(c) => Some(c.as_ptr() as *const u8),)*
                    Column::Str(_) => None,
                }
            }
        }

        impl ColumnBuf {
            /// Number of rows.
            pub fn len(&self) -> usize {
                match self {
                    $(ColumnBuf::$v(c) => c.len(),)*
                    ColumnBuf::Str(c) => c.len(),
                }
            }

            /// The Kiln type of the values.
            pub fn ty(&self) -> Ty {
                match self {
                    $(ColumnBuf::$v(_) => $ty,)*
                    ColumnBuf::Str(_) => Ty::Str,
                }
            }

            /// The value in row `row`, if there is one.
            pub fn get(&self, row: usize) -> Option<Value> {
                match self {
                    $(ColumnBuf::$v(c) => c.get(row).map(|v| Value::$v(*v)),)*
                    ColumnBuf::Str(c) => c.get(row).map(|v| Value::Str(v.clone())),
                }
            }

            /// Borrow as an input column (`None` for strings: a `Vec<String>` is not a
            /// `&[&str]`).
            pub fn as_column(&self) -> Option<Column<'_>> {
                match self {
                    $(ColumnBuf::$v(c) => Some(Column::$v(c)),)*
                    ColumnBuf::Str(_) => None,
                }
            }

            /// Append `value`; `false` (and nothing appended) when its type is not the
            /// column's.
            pub fn push(&mut self, value: Value) -> bool {
                match (self, value) {
                    $((ColumnBuf::$v(c), Value::$v(v)) => c.push(v),)*
                    (ColumnBuf::Str(c), Value::Str(v)) => c.push(v),
                    _ => return false,
                }
                true
            }

            /// An empty column of type `ty` (`None`: a list type).
            pub fn empty(ty: &Ty) -> Option<ColumnBuf> {
                match ty {
                    Ty::Str => Some(ColumnBuf::Str(Vec::new())),
                    ty => ColumnBuf::zeroed(ty, 0),
                }
            }

            /// `rows` zero values of scalar type `ty` (`None`: not a scalar type).
            fn zeroed(ty: &Ty, rows: usize) -> Option<ColumnBuf> {
                $(if *ty == $ty {
                    return Some(ColumnBuf::$v(vec![<$t>::default(); rows]));
                })*
                None
            }

            /// Address of the first element, for the scalar variants (`None`: strings).
            fn scalar_base_mut(&mut self) -> Option<*mut u8> {
                match self {
                    $(ColumnBuf::$v(c) => Some(c.as_mut_ptr() as *mut u8),)*
                    ColumnBuf::Str(_) => None,
                }
            }

            fn truncate(&mut self, rows: usize) {
                match self {
                    $(ColumnBuf::$v(c) => c.truncate(rows),)*
                    ColumnBuf::Str(c) => c.truncate(rows),
                }
            }
        }

        $(
            impl<'a> From<&'a [$t]> for Column<'a> {
                fn from(values: &'a [$t]) -> Self {
                    Column::$v(values)
                }
            }

            impl<'a> From<&'a Vec<$t>> for Column<'a> {
                fn from(values: &'a Vec<$t>) -> Self {
                    Column::$v(values)
                }
            }

            impl From<Vec<$t>> for ColumnBuf {
                fn from(values: Vec<$t>) -> Self {
                    ColumnBuf::$v(values)
                }
            }

            impl TryFrom<ColumnBuf> for Vec<$t> {
                /// The column, unchanged, when it holds another type.
                type Error = ColumnBuf;
                fn try_from(column: ColumnBuf) -> Result<Self, ColumnBuf> {
                    match column {
                        ColumnBuf::$v(values) => Ok(values),
                        other => Err(other),
                    }
                }
            }
        )*
    };
}

scalar_columns!(define_columns);

impl<'a> From<&'a [&'a str]> for Column<'a> {
    fn from(values: &'a [&'a str]) -> Self {
        Column::Str(values)
    }
}

impl<'a> From<&'a Vec<&'a str>> for Column<'a> {
    fn from(values: &'a Vec<&'a str>) -> Self {
        Column::Str(values)
    }
}

impl From<Vec<String>> for ColumnBuf {
    fn from(values: Vec<String>) -> Self {
        ColumnBuf::Str(values)
    }
}

impl TryFrom<ColumnBuf> for Vec<String> {
    /// The column, unchanged, when it holds another type.
    type Error = ColumnBuf;
    fn try_from(column: ColumnBuf) -> Result<Self, ColumnBuf> {
        match column {
            ColumnBuf::Str(values) => Ok(values),
            other => Err(other),
        }
    }
}

impl Column<'_> {
    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl ColumnBuf {
    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A fault in one row of a columnar run ([`Program::run_columns`](super::Program::run_columns)). Columns that do not
/// match the program's params are reported as row 0 with fault `InvalidInput` (E0605).
#[derive(Clone, Debug, PartialEq)]
pub struct RowError {
    /// 0-based index of the row.
    pub row: usize,
    /// The fault, as [`Program::run`](super::Program::run) would report it for that row alone.
    pub error: RuntimeError,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {}: {}", self.row, self.error)
    }
}

impl std::error::Error for RowError {}

fn invalid(message: String) -> RowError {
    RowError {
        row: 0,
        error: RuntimeError {
            fault: Fault::InvalidInput,
            span: Span::default(),
            message,
        },
    }
}

mod run;
pub(crate) use run::Lazy;

#[cfg(test)]
mod tests;
