//! Every evaluation `kiln map` does goes through this file: a program run over one
//! batch, and `--where`'s filter. Today it lends Arrow's buffers to the engine's public
//! columnar entry ([`Program::run_columns`]'s crate-internal form `run_rows`, which takes
//! the run context that captures `print` output and carries `--timeout` and
//! `--max-memory`); when the engine's own Arrow entry (`Program::run_arrow`,
//! `Program::filter_arrow`) lands, [`evaluate`] and [`filter`] are the only two bodies to
//! replace.
//!
//! The batch given is the program's inputs: one column per `param`, in the params'
//! order, each of an Arrow type that [`binds`](crate::engine::arrow::binds) to the param's
//! type (checked by the caller, as are nulls for params that are not optional).

use crate::abi::Fault;
use crate::engine::{Column, ColumnBuf, Program};
use crate::runtime::RunCtx;
use crate::span::Span;
use crate::types::ty::{FloatTy, IntTy, Ty};
use crate::value::RuntimeError;
use arrow_array::cast::AsArray;
use arrow_array::types as at;
use arrow_array::{
    Array, ArrayRef, BooleanArray, DurationNanosecondArray, RecordBatch, StringArray,
    TimestampNanosecondArray, UInt32Array,
};
use arrow_buffer::{BooleanBuffer, Buffer, NullBuffer};
use arrow_schema::{DataType, TimeUnit};
use std::sync::Arc;

/// What one worker thread runs batches in: its run context (output captured; the
/// `--timeout` interrupt and `--max-memory` of the command).
pub struct Session {
    pub ctx: RunCtx,
}

/// A fault in row `row` of the batch given. `partial` holds the results of the rows
/// before it, when the evaluation can tell them (they are written before the error).
#[derive(Debug)]
pub struct EvalError {
    pub row: usize,
    pub error: RuntimeError,
    pub partial: Option<ArrayRef>,
}

/// The program's result for each row of `params` (one column per param, in order), as
/// an array of `arrow_type(program.output_type())`.
pub fn evaluate(
    program: &Program,
    session: &mut Session,
    params: &RecordBatch,
) -> Result<ArrayRef, EvalError> {
    let out_ty = program.output_type().cloned().unwrap_or(Ty::Str);
    let held = params
        .columns()
        .iter()
        .zip(program.params())
        .map(|(a, p)| Held::of(a, &p.ty))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| EvalError {
            row: 0,
            error,
            partial: None,
        })?;
    let values: Vec<Column<'_>> = held.iter().map(Held::values).collect();
    let columns: Vec<Column<'_>> = held.iter().zip(&values).map(|(h, v)| h.column(v)).collect();
    let rows = params.num_rows();
    let (buf, fault) = program.run_rows(&mut session.ctx, None, rows, &columns);
    let array = to_arrow(buf, &out_ty);
    match fault {
        None => Ok(array),
        Some(f) => Err(EvalError {
            row: f.row,
            error: f.error,
            partial: Some(array),
        }),
    }
}

/// The rows of `params` (as for [`evaluate`]) where the bool program `program` is true
/// (`none` counts as false), in order. On a fault, `partial` holds the rows kept before
/// it (a `UInt32Array`), when the evaluation can tell them.
pub fn filter(
    program: &Program,
    session: &mut Session,
    params: &RecordBatch,
) -> Result<UInt32Array, EvalError> {
    match evaluate(program, session, params) {
        Ok(mask) => Ok(kept(&mask)),
        Err(mut e) => {
            e.partial = e.partial.map(|m| Arc::new(kept(&m)) as ArrayRef);
            Err(e)
        }
    }
}

/// The rows where a bool column is true.
fn kept(mask: &ArrayRef) -> UInt32Array {
    let mask = mask.as_boolean();
    let rows = (0..mask.len())
        .filter(|&i| mask.is_valid(i) && mask.value(i))
        .map(|i| i as u32);
    UInt32Array::from_iter_values(rows)
}

/// An input column as the engine takes it: Arrow's buffers borrowed where their layout
/// is the engine's, converted per batch where it is not (bools are bits in Arrow, bytes
/// in the engine; strings are `&str`s; timestamps and durations in other units than
/// nanoseconds). With the nulls of a `T?` param (`opt`).
struct Held<'a> {
    values: Values<'a>,
    opt: bool,
    nulls: Option<&'a NullBuffer>,
}

enum Values<'a> {
    Borrowed(Column<'a>),
    Bools(Vec<bool>),
    Strs(Vec<&'a str>),
    Timestamps(Vec<i64>),
    Durations(Vec<i64>),
}

impl<'a> Held<'a> {
    fn of(array: &'a ArrayRef, ty: &Ty) -> Result<Held<'a>, RuntimeError> {
        macro_rules! prim {
            ($t:ty, $v:ident) => {
                Values::Borrowed(Column::$v(array.as_primitive::<$t>().values()))
            };
        }
        macro_rules! units {
            ($s:ty, $ms:ty, $us:ty, $ns:ty, $unit:expr) => {
                match $unit {
                    TimeUnit::Second => scaled(array.as_primitive::<$s>().values(), 1_000_000_000),
                    TimeUnit::Millisecond => {
                        scaled(array.as_primitive::<$ms>().values(), 1_000_000)
                    }
                    TimeUnit::Microsecond => scaled(array.as_primitive::<$us>().values(), 1_000),
                    TimeUnit::Nanosecond => scaled(array.as_primitive::<$ns>().values(), 1),
                }
            };
        }
        let values = match (ty.strip_opt(), array.data_type()) {
            (Ty::Bool, DataType::Boolean) => {
                Values::Bools(array.as_boolean().values().iter().collect())
            }
            (Ty::Int(IntTy::I8), DataType::Int8) => prim!(at::Int8Type, I8),
            (Ty::Int(IntTy::I16), DataType::Int16) => prim!(at::Int16Type, I16),
            (Ty::Int(IntTy::I32), DataType::Int32) => prim!(at::Int32Type, I32),
            (Ty::Int(IntTy::I64), DataType::Int64) => prim!(at::Int64Type, I64),
            (Ty::Int(IntTy::U8), DataType::UInt8) => prim!(at::UInt8Type, U8),
            (Ty::Int(IntTy::U16), DataType::UInt16) => prim!(at::UInt16Type, U16),
            (Ty::Int(IntTy::U32), DataType::UInt32) => prim!(at::UInt32Type, U32),
            (Ty::Int(IntTy::U64), DataType::UInt64) => prim!(at::UInt64Type, U64),
            (Ty::Float(FloatTy::F32), DataType::Float32) => prim!(at::Float32Type, F32),
            (Ty::Float(FloatTy::F64), DataType::Float64) => prim!(at::Float64Type, F64),
            (Ty::Str, DataType::Utf8) => Values::Strs(strs(array.as_string::<i32>().iter())),
            (Ty::Str, DataType::LargeUtf8) => Values::Strs(strs(array.as_string::<i64>().iter())),
            (Ty::Str, DataType::Utf8View) => Values::Strs(strs(array.as_string_view().iter())),
            (Ty::Timestamp, DataType::Timestamp(unit, _)) => Values::Timestamps(units!(
                at::TimestampSecondType,
                at::TimestampMillisecondType,
                at::TimestampMicrosecondType,
                at::TimestampNanosecondType,
                unit
            )?),
            (Ty::Duration, DataType::Duration(unit)) => Values::Durations(units!(
                at::DurationSecondType,
                at::DurationMillisecondType,
                at::DurationMicrosecondType,
                at::DurationNanosecondType,
                unit
            )?),
            (t, dt) => {
                return Err(invalid(format!(
                    "a column of {dt} cannot be given to a param of type {t}"
                )))
            }
        };
        // Nulls matter only to an optional param (the caller refuses them otherwise).
        let nulls = array.nulls().filter(|n| n.null_count() > 0);
        Ok(Held {
            values,
            opt: ty.is_opt(),
            nulls,
        })
    }

    /// The values, as a column of the param's type with `?` stripped.
    fn values(&self) -> Column<'_> {
        match &self.values {
            Values::Borrowed(c) => *c,
            Values::Bools(v) => Column::Bool(v),
            Values::Strs(v) => Column::Str(v),
            Values::Timestamps(v) => Column::Timestamp(v),
            Values::Durations(v) => Column::Duration(v),
        }
    }

    /// The column the engine gets: `values`, with the validity bitmap for a `T?`.
    fn column<'b>(&'b self, values: &'b Column<'b>) -> Column<'b> {
        match self.opt {
            true => Column::Opt {
                values,
                validity: self.nulls.map(|n| n.validity()),
                offset: self.nulls.map_or(0, |n| n.offset()),
            },
            false => *values,
        }
    }
}

/// The strings of a string array (`""` for nulls: their rows are `none`).
fn strs<'a>(values: impl Iterator<Item = Option<&'a str>>) -> Vec<&'a str> {
    values.map(|s| s.unwrap_or("")).collect()
}

/// Times in nanoseconds from times in units of `per` nanoseconds (checked: out of range
/// is an error naming the value).
fn scaled(values: &[i64], per: i64) -> Result<Vec<i64>, RuntimeError> {
    values
        .iter()
        .map(|&v| {
            v.checked_mul(per).ok_or_else(|| {
                invalid(format!(
                    "{v} is out of the range of nanoseconds Kiln's times hold"
                ))
            })
        })
        .collect()
}

fn invalid(message: String) -> RuntimeError {
    RuntimeError {
        fault: Fault::InvalidInput,
        span: Span::default(),
        message,
    }
}

/// A result column as an Arrow array of `arrow_type(ty)`: scalar values handed over
/// without copying, the validity bitmap as the null buffer.
pub fn to_arrow(buf: ColumnBuf, ty: &Ty) -> ArrayRef {
    let len = buf.len();
    let (values, nulls) = match buf {
        ColumnBuf::Opt { values, validity } => {
            let bits = BooleanBuffer::new(Buffer::from_vec(validity), 0, len);
            (*values, Some(NullBuffer::new(bits)))
        }
        buf => (buf, None),
    };
    macro_rules! prim {
        ($a:ty, $v:expr) => {
            Arc::new(<$a>::new($v.into(), nulls)) as ArrayRef
        };
    }
    match values {
        ColumnBuf::Bool(v) => Arc::new(BooleanArray::new(BooleanBuffer::from(v), nulls)),
        ColumnBuf::I8(v) => prim!(arrow_array::Int8Array, v),
        ColumnBuf::I16(v) => prim!(arrow_array::Int16Array, v),
        ColumnBuf::I32(v) => prim!(arrow_array::Int32Array, v),
        ColumnBuf::I64(v) => prim!(arrow_array::Int64Array, v),
        ColumnBuf::U8(v) => prim!(arrow_array::UInt8Array, v),
        ColumnBuf::U16(v) => prim!(arrow_array::UInt16Array, v),
        ColumnBuf::U32(v) => prim!(arrow_array::UInt32Array, v),
        ColumnBuf::U64(v) => prim!(arrow_array::UInt64Array, v),
        ColumnBuf::F32(v) => prim!(arrow_array::Float32Array, v),
        ColumnBuf::F64(v) => prim!(arrow_array::Float64Array, v),
        ColumnBuf::Timestamp(v) => {
            Arc::new(TimestampNanosecondArray::new(v.into(), nulls).with_timezone("UTC"))
        }
        ColumnBuf::Duration(v) => Arc::new(DurationNanosecondArray::new(v.into(), nulls)),
        ColumnBuf::Str(v) => {
            let array = StringArray::from_iter_values(v);
            let (offsets, data, _) = array.into_parts();
            Arc::new(StringArray::new(offsets, data, nulls))
        }
        ColumnBuf::Opt { .. } => {
            // A `T??` is not a column type (`is_column_type`); nothing makes one.
            let _ = ty;
            arrow_array::new_null_array(&DataType::Utf8, len)
        }
    }
}
