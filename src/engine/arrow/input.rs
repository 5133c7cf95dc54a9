//! Arrow arrays as the columns entry's [`Column`]s: numeric buffers borrowed in place
//! (sliced arrays included: an array's values slice and its bitmap's bit offset are
//! already its slice's), the rest converted once per run (booleans unpacked to bytes,
//! timestamps and durations of coarser units scaled to nanoseconds; a `Utf8` column of a
//! `string` param is read through its offsets in place, a `LargeUtf8` one through its
//! offsets made `i32`, other string columns cut into `&str`s).

use super::error::ArrowError;
use super::types::{binds, kiln_type};
use crate::engine::{Column, Utf8Column};
use crate::types::ty::Ty;
use crate::value::Value;
use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef};
use arrow_buffer::NullBuffer;
use arrow_schema::{DataType, TimeUnit};

/// The values of one column as the columns entry reads them.
pub(super) enum Values<'a> {
    /// Read in place.
    Borrowed(Column<'a>),
    /// Unpacked from Arrow's bits.
    Bool(Vec<bool>),
    /// Scaled to nanoseconds: a timestamp (`true`) or a duration column.
    Nanos(Vec<i64>, bool),
    /// Each row's string (a null row's is whatever its offsets say, unread when null).
    Str(Vec<&'a str>),
    /// A `LargeUtf8` array's offsets made `i32` (rebased to its first), and its text
    /// from there, read as a `Utf8` column.
    Utf8(Vec<i32>, &'a [u8]),
}

impl<'a> Values<'a> {
    /// The values as a column of the param's type without `?`.
    pub fn column(&self) -> Column<'_> {
        match self {
            Values::Borrowed(c) => *c,
            Values::Bool(v) => Column::Bool(v),
            Values::Nanos(v, true) => Column::Timestamp(v),
            Values::Nanos(v, false) => Column::Duration(v),
            Values::Str(v) => Column::Str(v),
            // SAFETY: rebased from a `LargeUtf8` array's offsets (see `Bound::values`),
            // which Arrow keeps in bounds, non-decreasing and at character boundaries.
            Values::Utf8(offsets, data) => {
                Column::Utf8(unsafe { Utf8Column::new_unchecked(offsets, data) })
            }
        }
    }
}

/// One array bound to one param.
pub(super) struct Bound<'a> {
    /// The column's name (for messages).
    pub name: String,
    pub array: &'a ArrayRef,
    /// The param's type.
    pub ty: Ty,
    /// The array's nulls, if it has any.
    pub nulls: Option<&'a NullBuffer>,
}

/// A dictionary-encoded column (`Dictionary(K, V)`, as Parquet and pyarrow write
/// categorical strings) decoded to a plain array of `V`; `None` for any other column.
pub fn decode_dictionary(name: &str, array: &ArrayRef) -> Result<Option<ArrayRef>, ArrowError> {
    let DataType::Dictionary(_, values) = array.data_type() else {
        return Ok(None);
    };
    arrow_cast::cast(array.as_ref(), values)
        .map(Some)
        .map_err(|e| ArrowError::Program(format!("column `{name}`: decoding its dictionary: {e}")))
}

impl<'a> Bound<'a> {
    /// Bind `array` to a param of type `ty`, after checking its type.
    pub fn new(name: &str, array: &'a ArrayRef, ty: &Ty) -> Result<Bound<'a>, ArrowError> {
        let dt = array.data_type();
        if !binds(dt, ty) {
            return Err(match kiln_type(dt) {
                None => ArrowError::UnsupportedType {
                    column: name.to_owned(),
                    data_type: dt.clone(),
                },
                Some(_) => ArrowError::WrongType {
                    column: name.to_owned(),
                    data_type: dt.clone(),
                    param_type: ty.clone(),
                },
            });
        }
        Ok(Bound {
            name: name.to_owned(),
            array,
            ty: ty.clone(),
            nulls: array.nulls().filter(|n| n.null_count() > 0),
        })
    }

    /// Whether a null in this column is the param's `none` (else the null rule applies).
    pub fn optional(&self) -> bool {
        self.ty.is_opt()
    }

    /// The values of a scalar or string column, read in place where they can be.
    pub fn values(&self) -> Result<Values<'a>, ArrowError> {
        let a: &'a dyn Array = self.array.as_ref();
        macro_rules! prim {
            ($t:ty, $v:ident) => {
                Values::Borrowed(Column::$v(a.as_primitive::<$t>().values()))
            };
        }
        Ok(match a.data_type() {
            DataType::Boolean => Values::Bool(a.as_boolean().values().iter().collect()),
            DataType::Int8 => prim!(Int8Type, I8),
            DataType::Int16 => prim!(Int16Type, I16),
            DataType::Int32 => prim!(Int32Type, I32),
            DataType::Int64 => prim!(Int64Type, I64),
            DataType::UInt8 => prim!(UInt8Type, U8),
            DataType::UInt16 => prim!(UInt16Type, U16),
            DataType::UInt32 => prim!(UInt32Type, U32),
            DataType::UInt64 => prim!(UInt64Type, U64),
            DataType::Float32 => prim!(Float32Type, F32),
            DataType::Float64 => prim!(Float64Type, F64),
            DataType::Timestamp(TimeUnit::Nanosecond, _) => {
                prim!(TimestampNanosecondType, Timestamp)
            }
            DataType::Duration(TimeUnit::Nanosecond) => prim!(DurationNanosecondType, Duration),
            DataType::Timestamp(unit, _) => Values::Nanos(self.scaled(*unit, true)?, true),
            DataType::Duration(unit) => Values::Nanos(self.scaled(*unit, false)?, false),
            DataType::Utf8 if !self.optional() => {
                let s = a.as_string::<i32>();
                // SAFETY: an Arrow string array's offsets are in bounds, never decrease
                // and cut its (UTF-8) text at character boundaries.
                let column =
                    unsafe { Utf8Column::new_unchecked(s.value_offsets(), s.value_data()) };
                Values::Borrowed(Column::Utf8(column))
            }
            DataType::Utf8 => {
                let s = a.as_string::<i32>();
                Values::Str((0..s.len()).map(|i| s.value(i)).collect())
            }
            DataType::LargeUtf8 if !self.optional() => {
                let s = a.as_string::<i64>();
                let offsets = s.value_offsets();
                let (first, last) = (offsets[0], offsets[offsets.len() - 1]);
                match i32::try_from(last - first) {
                    Ok(_) => Values::Utf8(
                        offsets.iter().map(|&o| (o - first) as i32).collect(),
                        &s.value_data()[first as usize..last as usize],
                    ),
                    Err(_) => Values::Str((0..s.len()).map(|i| s.value(i)).collect()),
                }
            }
            DataType::LargeUtf8 => {
                let s = a.as_string::<i64>();
                Values::Str((0..s.len()).map(|i| s.value(i)).collect())
            }
            DataType::Utf8View => {
                let s = a.as_string_view();
                Values::Str((0..s.len()).map(|i| s.value(i)).collect())
            }
            dt => {
                return Err(ArrowError::UnsupportedType {
                    column: self.name.clone(),
                    data_type: dt.clone(),
                })
            }
        })
    }

    /// A timestamp (`timestamp`) or duration column of a unit coarser than nanoseconds,
    /// in nanoseconds; a non-null value that does not fit is an error.
    fn scaled(&self, unit: TimeUnit, timestamp: bool) -> Result<Vec<i64>, ArrowError> {
        let a = self.array.as_ref();
        let (raw, scale): (&[i64], i64) = match (unit, timestamp) {
            (TimeUnit::Second, true) => (
                a.as_primitive::<TimestampSecondType>().values(),
                1_000_000_000,
            ),
            (TimeUnit::Millisecond, true) => (
                a.as_primitive::<TimestampMillisecondType>().values(),
                1_000_000,
            ),
            (TimeUnit::Microsecond, true) => {
                (a.as_primitive::<TimestampMicrosecondType>().values(), 1_000)
            }
            (TimeUnit::Second, false) => (
                a.as_primitive::<DurationSecondType>().values(),
                1_000_000_000,
            ),
            (TimeUnit::Millisecond, false) => (
                a.as_primitive::<DurationMillisecondType>().values(),
                1_000_000,
            ),
            (TimeUnit::Microsecond, false) => {
                (a.as_primitive::<DurationMicrosecondType>().values(), 1_000)
            }
            (TimeUnit::Nanosecond, true) => {
                (a.as_primitive::<TimestampNanosecondType>().values(), 1)
            }
            (TimeUnit::Nanosecond, false) => {
                (a.as_primitive::<DurationNanosecondType>().values(), 1)
            }
        };
        raw.iter()
            .enumerate()
            .map(|(row, v)| match v.checked_mul(scale) {
                Some(ns) => Ok(ns),
                None if self.nulls.is_some_and(|n| n.is_null(row)) => Ok(0),
                None => Err(ArrowError::OutOfRange {
                    column: self.name.clone(),
                    row,
                }),
            })
            .collect()
    }

    /// Whether row `row` is null.
    pub fn is_null(&self, row: usize) -> bool {
        self.nulls.is_some_and(|n| n.is_null(row))
    }

    /// Row `row` as a value of the param's type (`Value::None` for a null; the caller
    /// applies the null rule before), for the row-by-row path: lists of scalars and
    /// strings, at any depth, and scalars (through `values`).
    pub fn value(&self, values: Option<&Values<'_>>, row: usize) -> Result<Value, ArrowError> {
        if self.is_null(row) {
            return Ok(Value::None);
        }
        match values {
            Some(v) => Ok(v.column().get(row).unwrap_or(Value::None)),
            None => list_value(&self.name, self.array.as_ref(), self.ty.strip_opt(), row),
        }
    }
}

/// Row `row` of list array `a` as a `Value::List` of Kiln type `ty` (a list type).
fn list_value(name: &str, a: &dyn Array, ty: &Ty, row: usize) -> Result<Value, ArrowError> {
    let Ty::List(elem) = ty else {
        return Err(ArrowError::Program(format!(
            "column `{name}`: a value of type {ty} cannot be read row by row"
        )));
    };
    let items: ArrayRef = match a.data_type() {
        DataType::List(_) => a.as_list::<i32>().value(row),
        DataType::LargeList(_) => a.as_list::<i64>().value(row),
        dt => {
            return Err(ArrowError::UnsupportedType {
                column: name.to_owned(),
                data_type: dt.clone(),
            })
        }
    };
    let inner = Bound::new(name, &items, elem)?;
    let values = match elem.strip_opt() {
        Ty::List(_) => None,
        _ => Some(inner.values()?),
    };
    let mut out = Vec::with_capacity(items.len());
    for i in 0..items.len() {
        if inner.is_null(i) && !elem.is_opt() {
            return Err(ArrowError::Program(format!(
                "column `{name}`, row {row}: element {i} of the list is null, but the param's elements ({elem}) are not optional"
            )));
        }
        out.push(inner.value(values.as_ref(), i)?);
    }
    Ok(Value::List((**elem).clone(), out))
}
