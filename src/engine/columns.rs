//! Columnar batches: a program run over whole columns of inputs in one call.
//!
//! [`Program::run_columns`](super::Program::run_columns) takes one [`Column`] per `param` (borrowed slices, all of one
//! length) and returns the results as one [`ColumnBuf`]. The rows run in a loop compiled
//! with the program (`codegen::COLUMNS_SYMBOL`), where the program is inlined and, when
//! it cannot fault, vectorised; there is no call per row.
//!
//! Optional values (v1): a column of `T?` is [`Column::Opt`], a column of `T` (the
//! values) and an Arrow-style validity bitmap (bit `i % 8` of byte `i / 8`, least
//! significant bit first, 1 when row `i` holds a value), both borrowed, so Arrow
//! buffers are handed over without copying; optional results come back as
//! [`ColumnBuf::Opt`], values and a bitmap in the same layout.
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
            ;
            // `timestamp` and `duration` (v1): i64 nanoseconds, with no `From` of a
            // slice of their own (an `&[i64]` is an `i64` column).
            Timestamp i64 Ty::Timestamp,
            Duration i64 Ty::Duration,
        }
    };
}

macro_rules! define_columns {
    ($($v:ident $t:ident $ty:expr,)* ; $($tv:ident $tt:ident $tty:expr,)*) => {
        define_column_types! { $($v $t $ty,)* $($tv $tt $tty,)* }
        define_conversions! { $($v $t $ty,)* }
    };
}

macro_rules! define_column_types {
    ($($v:ident $t:ident $ty:expr,)*) => {
        /// One input column: a borrowed slice of values of one Kiln type, one variant per
        /// scalar type and `Str` for strings. Build one with `Column::from(&slice[..])`.
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub enum Column<'a> {
            $(#[doc = concat!("`", stringify!($t), "` values.")] $v(&'a [$t]),)*
            /// String values.
            Str(&'a [&'a str]),
            /// String values as Arrow's `Utf8` lays them out (offsets into one buffer of
            /// text), read in place by the compiled loop. See [`Utf8Column`].
            Utf8(Utf8Column<'a>),
            /// Optional values (v1), a column of `T?`: `values`, a column of `T` (what it
            /// holds in a row that is `none` does not matter), and a validity bitmap, as
            /// Arrow lays it out: row `i` holds a value when bit `(offset + i) % 8`
            /// (least significant first) of byte `(offset + i) / 8` of `validity` is 1.
            /// `validity: None` means every row holds a value. See [`Column::opt`].
            Opt {
                values: &'a Column<'a>,
                validity: Option<&'a [u8]>,
                offset: usize,
            },
        }

        /// One output column: the results of a columnar run, one per row.
        #[derive(Clone, Debug, PartialEq)]
        pub enum ColumnBuf {
            $(#[doc = concat!("`", stringify!($t), "` values.")] $v(Vec<$t>),)*
            /// String values.
            Str(Vec<String>),
            /// Optional values (v1): `values` (zero or empty in rows that are `none`) and
            /// a validity bitmap (bit `i % 8` of byte `i / 8`, least significant first,
            /// 1 when row `i` holds a value), as Arrow lays it out.
            Opt {
                values: Box<ColumnBuf>,
                validity: Vec<u8>,
            },
        }

        impl Column<'_> {
            /// Number of rows.
            pub fn len(&self) -> usize {
                match self {
                    $(Column::$v(c) => c.len(),)*
                    Column::Str(c) => c.len(),
                    Column::Utf8(c) => c.len(),
                    Column::Opt { values, .. } => values.len(),
                }
            }

            /// The Kiln type of the values.
            pub fn ty(&self) -> Ty {
                match self {
                    $(Column::$v(_) => $ty,)*
                    Column::Str(_) | Column::Utf8(_) => Ty::Str,
                    Column::Opt { values, .. } => Ty::opt(values.ty()),
                }
            }

            /// The value in row `row`, if there is one.
            pub fn get(&self, row: usize) -> Option<Value> {
                match self {
                    $(Column::$v(c) => c.get(row).map(|v| Value::$v(*v)),)*
                    Column::Str(c) => c.get(row).map(|v| Value::Str((*v).to_owned())),
                    Column::Utf8(c) => c.get(row).map(|v| Value::Str(v.to_owned())),
                    Column::Opt { values, .. } => match self.is_valid(row) {
                        Some(true) => values.get(row),
                        Some(false) => Some(Value::None),
                        None => None,
                    },
                }
            }

            /// Address of the first element, for the scalar variants (`None`: strings).
            fn scalar_base(&self) -> Option<*const u8> {
                match self {
                    $(Column::$v(c) => Some(c.as_ptr() as *const u8),)*
                    Column::Str(_) | Column::Utf8(_) | Column::Opt { .. } => None,
                }
            }
        }

        impl ColumnBuf {
            /// Number of rows.
            pub fn len(&self) -> usize {
                match self {
                    $(ColumnBuf::$v(c) => c.len(),)*
                    ColumnBuf::Str(c) => c.len(),
                    ColumnBuf::Opt { values, .. } => values.len(),
                }
            }

            /// The Kiln type of the values.
            pub fn ty(&self) -> Ty {
                match self {
                    $(ColumnBuf::$v(_) => $ty,)*
                    ColumnBuf::Str(_) => Ty::Str,
                    ColumnBuf::Opt { values, .. } => Ty::opt(values.ty()),
                }
            }

            /// The value in row `row`, if there is one.
            pub fn get(&self, row: usize) -> Option<Value> {
                match self {
                    $(ColumnBuf::$v(c) => c.get(row).map(|v| Value::$v(*v)),)*
                    ColumnBuf::Str(c) => c.get(row).map(|v| Value::Str(v.clone())),
                    ColumnBuf::Opt { values, validity } => match bit(validity, row) {
                        _ if row >= values.len() => None,
                        true => values.get(row),
                        false => Some(Value::None),
                    },
                }
            }

            /// Borrow as an input column (`None` for strings: a `Vec<String>` is not a
            /// `&[&str]`; and for optionals, whose [`Column::Opt`] borrows a `Column`
            /// of their values: use [`ColumnBuf::opt_parts`]).
            pub fn as_column(&self) -> Option<Column<'_>> {
                match self {
                    $(ColumnBuf::$v(c) => Some(Column::$v(c)),)*
                    ColumnBuf::Str(_) | ColumnBuf::Opt { .. } => None,
                }
            }

            /// Append `value`; `false` (and nothing appended) when its type is not the
            /// column's.
            pub fn push(&mut self, value: Value) -> bool {
                match (self, value) {
                    $((ColumnBuf::$v(c), Value::$v(v)) => c.push(v),)*
                    (ColumnBuf::Str(c), Value::Str(v)) => c.push(v),
                    (ColumnBuf::Opt { values, validity }, value) => {
                        let row = values.len();
                        let valid = value != Value::None;
                        let pushed = match valid {
                            true => values.push(value),
                            false => values.push_zero(),
                        };
                        if !pushed {
                            return false;
                        }
                        set_bit(validity, row, valid);
                    }
                    _ => return false,
                }
                true
            }

            /// An empty column of type `ty` (`None`: a list type).
            pub fn empty(ty: &Ty) -> Option<ColumnBuf> {
                match ty {
                    Ty::Str => Some(ColumnBuf::Str(Vec::new())),
                    Ty::Opt(t) => Some(ColumnBuf::Opt {
                        values: Box::new(ColumnBuf::empty(t)?),
                        validity: Vec::new(),
                    }),
                    ty => ColumnBuf::zeroed(ty, 0),
                }
            }

            /// `rows` zero values of scalar type `ty` (`None`: not a scalar type); of a
            /// scalar `T?`, `rows` rows of `none`.
            fn zeroed(ty: &Ty, rows: usize) -> Option<ColumnBuf> {
                $(if *ty == $ty {
                    return Some(ColumnBuf::$v(vec![<$t>::default(); rows]));
                })*
                match ty {
                    Ty::Opt(t) => Some(ColumnBuf::Opt {
                        values: Box::new(ColumnBuf::zeroed(t, rows)?),
                        validity: vec![0; rows.div_ceil(8)],
                    }),
                    _ => None,
                }
            }

            /// Append a zero value (an empty string); `false` for an optional column.
            fn push_zero(&mut self) -> bool {
                match self {
                    $(ColumnBuf::$v(c) => c.push(<$t>::default()),)*
                    ColumnBuf::Str(c) => c.push(String::new()),
                    ColumnBuf::Opt { .. } => return false,
                }
                true
            }

            /// Address of the first element, for the scalar variants (`None`: strings).
            fn scalar_base_mut(&mut self) -> Option<*mut u8> {
                match self {
                    $(ColumnBuf::$v(c) => Some(c.as_mut_ptr() as *mut u8),)*
                    ColumnBuf::Str(_) | ColumnBuf::Opt { .. } => None,
                }
            }

            fn truncate(&mut self, rows: usize) {
                match self {
                    $(ColumnBuf::$v(c) => c.truncate(rows),)*
                    ColumnBuf::Str(c) => c.truncate(rows),
                    ColumnBuf::Opt { values, validity } => {
                        values.truncate(rows);
                        validity.truncate(rows.div_ceil(8));
                        if rows % 8 != 0 {
                            if let Some(last) = validity.last_mut() {
                                *last &= (1u8 << (rows % 8)) - 1;
                            }
                        }
                    }
                }
            }
        }

    };
}

macro_rules! define_conversions {
    ($($v:ident $t:ident $ty:expr,)*) => {
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

            impl From<Vec<Option<$t>>> for ColumnBuf {
                /// A column of `T?`: the values (zero for `None`) and their bitmap.
                fn from(values: Vec<Option<$t>>) -> Self {
                    opt_column(values, ColumnBuf::$v)
                }
            }

            impl TryFrom<ColumnBuf> for Vec<Option<$t>> {
                /// The column, unchanged, when it holds another type.
                type Error = ColumnBuf;
                fn try_from(column: ColumnBuf) -> Result<Self, ColumnBuf> {
                    options_of(column)
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

impl From<Vec<Option<String>>> for ColumnBuf {
    /// A column of `string?`: the strings (empty for `None`) and their bitmap.
    fn from(values: Vec<Option<String>>) -> Self {
        opt_column(values, ColumnBuf::Str)
    }
}

impl TryFrom<ColumnBuf> for Vec<Option<String>> {
    /// The column, unchanged, when it holds another type.
    type Error = ColumnBuf;
    fn try_from(column: ColumnBuf) -> Result<Self, ColumnBuf> {
        options_of(column)
    }
}

/// An Arrow-style validity bitmap of `valid` (bit `i % 8` of byte `i / 8`, least
/// significant bit first, 1 for `true`), for [`Column::Opt`].
pub fn validity_bitmap(valid: impl IntoIterator<Item = bool>) -> Vec<u8> {
    let mut bits = Vec::new();
    for (i, v) in valid.into_iter().enumerate() {
        set_bit(&mut bits, i, v);
    }
    bits
}

/// A column of `T?` from options: the values (the default where `None`) and their
/// validity bitmap; `wrap` makes the values' column.
fn opt_column<T: Default>(values: Vec<Option<T>>, wrap: fn(Vec<T>) -> ColumnBuf) -> ColumnBuf {
    ColumnBuf::Opt {
        validity: validity_bitmap(values.iter().map(Option::is_some)),
        values: Box::new(wrap(
            values.into_iter().map(Option::unwrap_or_default).collect(),
        )),
    }
}

/// The options of a column of `T?` whose values are `T`s; the column, unchanged, when it
/// holds another type.
fn options_of<T>(column: ColumnBuf) -> Result<Vec<Option<T>>, ColumnBuf>
where
    Vec<T>: TryFrom<ColumnBuf, Error = ColumnBuf>,
{
    let ColumnBuf::Opt { values, validity } = column else {
        return Err(column);
    };
    match Vec::<T>::try_from(*values) {
        Ok(values) => Ok(values
            .into_iter()
            .enumerate()
            .map(|(i, v)| bit(&validity, i).then_some(v))
            .collect()),
        Err(values) => Err(ColumnBuf::Opt {
            values: Box::new(values),
            validity,
        }),
    }
}

/// Bit `i` of a validity bitmap (`false` past its end).
fn bit(bitmap: &[u8], i: usize) -> bool {
    bitmap.get(i / 8).is_some_and(|b| b >> (i % 8) & 1 == 1)
}

/// Set bit `i` of a bitmap whose first `i` bits are in use, growing it by a byte when
/// `i` starts one.
fn set_bit(bitmap: &mut Vec<u8>, i: usize, valid: bool) {
    if bitmap.len() <= i / 8 {
        bitmap.resize(i / 8 + 1, 0);
    }
    let mask = 1u8 << (i % 8);
    match valid {
        true => bitmap[i / 8] |= mask,
        false => bitmap[i / 8] &= !mask,
    }
}

/// A column of strings as Arrow's `Utf8` lays them out: row `i` is `data[offsets[i] ..
/// offsets[i + 1]]`. Checked when made ([`Utf8Column::new`]): the compiled loop reads
/// it without further checks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Utf8Column<'a> {
    offsets: &'a [i32],
    data: &'a [u8],
}

impl<'a> Utf8Column<'a> {
    /// `offsets.len() - 1` strings; `None` unless the offsets are non-negative, never
    /// decrease, end within `data`, and each string is UTF-8.
    pub fn new(offsets: &'a [i32], data: &'a [u8]) -> Option<Utf8Column<'a>> {
        let (first, rest) = offsets.split_first()?;
        let mut lo = usize::try_from(*first).ok()?;
        for &hi in rest {
            let hi = usize::try_from(hi).ok()?;
            std::str::from_utf8(data.get(lo..hi)?).ok()?;
            lo = hi;
        }
        Some(Utf8Column { offsets, data })
    }

    /// [`Utf8Column::new`] without its checks, for an Arrow array (which made them).
    ///
    /// # Safety
    /// What `new` checks must hold.
    pub(crate) unsafe fn new_unchecked(offsets: &'a [i32], data: &'a [u8]) -> Utf8Column<'a> {
        Utf8Column { offsets, data }
    }

    /// Number of strings.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// String `row`.
    pub fn get(&self, row: usize) -> Option<&'a str> {
        let (lo, hi) = (*self.offsets.get(row)?, *self.offsets.get(row + 1)?);
        // The offsets and the text were checked when the column was made.
        std::str::from_utf8(self.data.get(lo as usize..hi as usize)?).ok()
    }

    /// The offsets and the text, for the compiled loop.
    pub(crate) fn raw(&self) -> (*const i32, *const u8) {
        (self.offsets.as_ptr(), self.data.as_ptr())
    }
}

impl<'a> Column<'a> {
    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A column of `T?` (v1): `values`, a column of `T`, with the validity bitmap
    /// `validity` (Arrow's layout, starting at its first bit). See [`Column::Opt`].
    pub fn opt(values: &'a Column<'a>, validity: &'a [u8]) -> Column<'a> {
        Column::Opt {
            values,
            validity: Some(validity),
            offset: 0,
        }
    }

    /// For an optional column, whether row `row` holds a value (`None`: past the end, or
    /// a bitmap too short for the rows); `Some(true)` for any row of another column.
    pub fn is_valid(&self, row: usize) -> Option<bool> {
        if row >= self.len() {
            return None;
        }
        match self {
            Column::Opt {
                validity: Some(bits),
                offset,
                ..
            } => {
                let i = offset.checked_add(row)?;
                bits.get(i / 8).map(|b| b >> (i % 8) & 1 == 1)
            }
            _ => Some(true),
        }
    }
}

impl ColumnBuf {
    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// An optional column's values and validity bitmap, to borrow as a [`Column::Opt`]
    /// (`Column::opt(&values.as_column()?, validity)`); `None` for another column.
    pub fn opt_parts(&self) -> Option<(&ColumnBuf, &[u8])> {
        match self {
            ColumnBuf::Opt { values, validity } => Some((values, validity)),
            _ => None,
        }
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
