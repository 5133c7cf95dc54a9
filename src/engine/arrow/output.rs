//! Results as Arrow arrays: a [`ColumnBuf`]'s numeric values become the array's buffer
//! without copying (`ScalarBuffer::from(Vec<T>)`), its validity bitmap the null buffer;
//! values collected row by row (the list path) are laid out by type.

use super::error::ArrowError;
use crate::engine::ColumnBuf;
use crate::types::ty::Ty;
use crate::value::Value;
use arrow_array::{
    ArrayRef, BooleanArray, DurationNanosecondArray, Float32Array, Float64Array, Int16Array,
    Int32Array, Int64Array, Int8Array, LargeListArray, ListArray, StringArray,
    TimestampNanosecondArray, UInt16Array, UInt32Array, UInt64Array, UInt8Array,
};
use arrow_buffer::{BooleanBuffer, Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::Field;
use std::sync::Arc;

/// `buf` as an array, null also where `extra` says (the null rule's rows).
pub(super) fn column_array(
    buf: ColumnBuf,
    extra: Option<&NullBuffer>,
) -> Result<ArrayRef, ArrowError> {
    let (values, nulls) = match buf {
        ColumnBuf::Opt { values, validity } => {
            let len = values.len();
            let bits = BooleanBuffer::new(Buffer::from_vec(validity), 0, len);
            (*values, Some(NullBuffer::new(bits)))
        }
        buf => (buf, None),
    };
    let nulls = NullBuffer::union(nulls.as_ref(), extra).filter(|n| n.null_count() > 0);
    macro_rules! prim {
        ($a:ident, $v:expr) => {
            Arc::new($a::new(ScalarBuffer::from($v), nulls)) as ArrayRef
        };
    }
    Ok(match values {
        ColumnBuf::Bool(v) => Arc::new(BooleanArray::new(BooleanBuffer::from(v), nulls)),
        ColumnBuf::I8(v) => prim!(Int8Array, v),
        ColumnBuf::I16(v) => prim!(Int16Array, v),
        ColumnBuf::I32(v) => prim!(Int32Array, v),
        ColumnBuf::I64(v) => prim!(Int64Array, v),
        ColumnBuf::U8(v) => prim!(UInt8Array, v),
        ColumnBuf::U16(v) => prim!(UInt16Array, v),
        ColumnBuf::U32(v) => prim!(UInt32Array, v),
        ColumnBuf::U64(v) => prim!(UInt64Array, v),
        ColumnBuf::F32(v) => prim!(Float32Array, v),
        ColumnBuf::F64(v) => prim!(Float64Array, v),
        ColumnBuf::Timestamp(v) => Arc::new(
            TimestampNanosecondArray::new(ScalarBuffer::from(v), nulls).with_timezone("UTC"),
        ),
        ColumnBuf::Duration(v) => prim!(DurationNanosecondArray, v),
        ColumnBuf::Str(v) => string_array(&v, nulls)?,
        ColumnBuf::Opt { .. } => {
            return Err(ArrowError::Program(
                "internal error: an optional column of optionals".into(),
            ))
        }
    })
}

/// Strings as a `Utf8` array (an error past `Utf8`'s 2 GiB of text).
fn string_array<S: AsRef<str>>(
    strings: &[S],
    nulls: Option<NullBuffer>,
) -> Result<ArrayRef, ArrowError> {
    let total: usize = strings.iter().map(|s| s.as_ref().len()).sum();
    if total > i32::MAX as usize {
        return Err(ArrowError::Program(format!(
            "the results hold {total} bytes of text, more than a Utf8 array can"
        )));
    }
    let offsets = OffsetBuffer::<i32>::from_lengths(strings.iter().map(|s| s.as_ref().len()));
    let mut data = Vec::with_capacity(total);
    for s in strings {
        data.extend_from_slice(s.as_ref().as_bytes());
    }
    // SAFETY: the offsets are the lengths of the strings, concatenated in `data`, all
    // UTF-8 (`str`s) and cut at their boundaries.
    Ok(Arc::new(unsafe {
        StringArray::new_unchecked(offsets, Buffer::from_vec(data), nulls)
    }))
}

/// Values of Kiln type `ty` (`Value::None` for a null row) as an array of
/// `types::arrow_type(ty)`: scalars, strings and lists of them at any depth.
pub(super) fn values_array(ty: &Ty, values: &[Value]) -> Result<ArrayRef, ArrowError> {
    let nulls = NullBuffer::from_iter(values.iter().map(|v| *v != Value::None));
    let nulls = Some(nulls).filter(|n| n.null_count() > 0);
    let ty = ty.strip_opt();
    if let Ty::List(elem) = ty {
        let mut lengths = Vec::with_capacity(values.len());
        let mut items = Vec::new();
        for v in values {
            match v {
                Value::List(_, xs) => {
                    lengths.push(xs.len());
                    items.extend(xs.iter().cloned());
                }
                _ => lengths.push(0),
            }
        }
        let child = values_array(elem, &items)?;
        let field = Arc::new(Field::new("item", child.data_type().clone(), elem.is_opt()));
        if items.len() > i32::MAX as usize {
            let offsets = OffsetBuffer::<i64>::from_lengths(lengths);
            return Ok(Arc::new(LargeListArray::new(field, offsets, child, nulls)));
        }
        let offsets = OffsetBuffer::<i32>::from_lengths(lengths);
        return Ok(Arc::new(ListArray::new(field, offsets, child, nulls)));
    }
    if *ty == Ty::Str {
        let strings: Vec<&str> = values
            .iter()
            .map(|v| match v {
                Value::Str(s) => s.as_str(),
                _ => "",
            })
            .collect();
        return string_array(&strings, nulls);
    }
    // A column of `T?`: a `none` row is pushed as a zero with its validity bit clear.
    let Some(mut buf) = ColumnBuf::empty(&Ty::Opt(Box::new(ty.clone()))) else {
        return Err(ArrowError::Program(format!(
            "a result of type {ty} has no Arrow array"
        )));
    };
    for v in values {
        if !buf.push(v.clone()) {
            return Err(ArrowError::Program(format!(
                "internal error: a result of type {} in a column of {ty}",
                v.ty()
            )));
        }
    }
    column_array(buf, None)
}
