//! numpy arrays in and out of the Arrow entry.
//!
//! In: a one-dimensional array of a numeric dtype becomes an Arrow array over the same
//! memory ([`Buffer::from_custom_allocation`], the array object kept alive as the
//! buffer's owner, and a rust-numpy read-only borrow held for the run), so nothing is
//! copied. `datetime64`/`timedelta64` arrays (seconds to nanoseconds) are read as their
//! `int64` view with `NaT` as null. Copied: a non-contiguous or misaligned array, `bool`
//! (Arrow packs booleans into bits), and `str`/`object` arrays (Python strings become one
//! UTF-8 buffer; `None` is null).
//!
//! Out: a numeric, timestamp or duration result's Arrow buffer (the `Vec` the compiled
//! loop wrote, or the one a large batch's slices were gathered into, `crate::parallel`)
//! is taken over by numpy as it is ([`PyArray1::from_vec`]). A result with nulls
//! (an optional result, or `NaT` inputs) is a `numpy.ma.MaskedArray`; strings and lists
//! are `object` arrays.

use crate::values::to_python;
use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef, ArrowPrimitiveType, BooleanArray, PrimitiveArray, StringArray};
use arrow_buffer::{ArrowNativeType, Buffer, NullBuffer, ScalarBuffer};
use arrow_schema::{DataType, TimeUnit};
use kiln::Value;
use numpy::prelude::*;
use numpy::{Element, PyArray1, PyArrayDescr, PyReadonlyArray1, PyUntypedArray};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyList;
use std::panic::AssertUnwindSafe;
use std::ptr::NonNull;
use std::sync::Arc;

/// What keeps numpy arrays' memory valid while Arrow arrays over it are alive: the read
/// borrows (until the run ends) and, inside each buffer, the array object itself.
pub struct Borrows<'py> {
    guards: Vec<Box<dyn Guard + 'py>>,
}

/// A rust-numpy borrow, held only for its `Drop`.
trait Guard {}
impl<T> Guard for T {}

impl<'py> Borrows<'py> {
    pub fn new() -> Borrows<'py> {
        Borrows { guards: Vec::new() }
    }
}

/// The owner of a numpy array's memory, as an Arrow buffer's allocation: dropping the
/// last buffer over it drops the reference (pyo3 defers it to the next time a thread
/// holds the GIL when dropped without it).
struct NumpyOwner(#[allow(dead_code)] AssertUnwindSafe<Py<PyAny>>);

/// `obj` as a numpy array, if it is one. numpy is not a dependency of the package: when
/// the process has not imported it, nothing is a numpy array, and rust-numpy (which
/// imports numpy's C API on first use) is not asked.
pub fn as_ndarray<'a, 'py>(obj: &'a Bound<'py, PyAny>) -> Option<&'a Bound<'py, PyUntypedArray>> {
    let py = obj.py();
    let loaded = py
        .import("sys")
        .and_then(|sys| sys.getattr("modules"))
        .and_then(|modules| modules.contains("numpy"))
        .unwrap_or(false);
    if !loaded {
        return None;
    }
    obj.cast::<PyUntypedArray>().ok()
}

/// The Arrow array over a one-dimensional numpy array `array` (for param `name`).
pub fn to_arrow<'py>(
    array: &Bound<'py, PyUntypedArray>,
    name: &str,
    borrows: &mut Borrows<'py>,
) -> PyResult<ArrayRef> {
    let py = array.py();
    if array.ndim() != 1 {
        return Err(PyValueError::new_err(format!(
            "the array for `{name}` has {} dimensions; a column is one-dimensional (use .ravel())",
            array.ndim()
        )));
    }
    let dtype = array.dtype();
    let is = |d: Bound<'py, PyArrayDescr>| dtype.is_equiv_to(&d);
    macro_rules! numeric {
        ($($rust:ty => $arrow:ty),* $(,)?) => {
            $(if is(numpy::dtype::<$rust>(py)) {
                let values = values::<$rust>(array.as_any(), borrows)?;
                return Ok(Arc::new(PrimitiveArray::<$arrow>::new(values, None)));
            })*
        };
    }
    numeric! {
        f64 => Float64Type, f32 => Float32Type,
        i64 => Int64Type, i32 => Int32Type, i16 => Int16Type, i8 => Int8Type,
        u64 => UInt64Type, u32 => UInt32Type, u16 => UInt16Type, u8 => UInt8Type,
    }
    match dtype.kind() {
        b'b' => {
            let bytes = array.call_method1("view", ("uint8",))?;
            let values = values::<u8>(&bytes, borrows)?;
            Ok(Arc::new(BooleanArray::from_iter(
                values.iter().map(|&b| Some(b != 0)),
            )))
        }
        kind @ (b'M' | b'm') => time_array(array, kind == b'M', name, borrows),
        b'U' | b'O' => strings(array, name),
        _ => Err(PyTypeError::new_err(format!(
            "the array for `{name}` has dtype {}, which Kiln does not read (it reads bool, \
             integers, float32/64, datetime64, timedelta64 and str arrays)",
            dtype_name(&dtype)
        ))),
    }
}

/// For tests (`python/tests/test_numpy.py`): the address of the values Kiln reads for
/// a numpy array given to `Program.run`, to compare with the array's own data address
/// (equal: read in place, no copy).
#[pyfunction]
pub fn _column_address(array: &Bound<'_, PyAny>) -> PyResult<usize> {
    let Some(ndarray) = as_ndarray(array) else {
        return Err(PyTypeError::new_err("not a numpy array"));
    };
    let mut borrows = Borrows::new();
    let column = to_arrow(ndarray, "x", &mut borrows)?;
    let data = column.to_data();
    Ok(data.buffers().first().map_or(0, |b| b.as_ptr() as usize))
}

fn dtype_name(dtype: &Bound<'_, PyArrayDescr>) -> String {
    dtype
        .str()
        .map_or_else(|_| "?".to_owned(), |s| s.to_string())
}

/// The values of a numpy array of element type `T`: its own memory when it is
/// contiguous and aligned (the borrow kept in `borrows`), else a copy.
fn values<'py, T>(
    array: &Bound<'py, PyAny>,
    borrows: &mut Borrows<'py>,
) -> PyResult<ScalarBuffer<T>>
where
    T: Element + ArrowNativeType,
{
    let typed = array.cast::<PyArray1<T>>()?;
    let view: PyReadonlyArray1<'py, T> = typed
        .try_readonly()
        .map_err(|e| PyValueError::new_err(format!("the array cannot be read: {e}")))?;
    if let Ok(slice) = view.as_slice() {
        let ptr = slice.as_ptr();
        if ptr.align_offset(std::mem::align_of::<T>()) == 0 {
            let len = std::mem::size_of_val(slice);
            let owner = Arc::new(NumpyOwner(AssertUnwindSafe(array.clone().unbind())));
            let rows = slice.len();
            let pointer = NonNull::new(ptr as *mut u8).unwrap_or(NonNull::dangling());
            // SAFETY: `len` bytes at `pointer` are the array's data, which stays valid
            // while `owner` (the array object) is alive and is not written by Kiln; the
            // borrow in `borrows` keeps other Rust code from writing it during the run.
            let buffer = unsafe { Buffer::from_custom_allocation(pointer, len, owner) };
            borrows.guards.push(Box::new(view));
            return Ok(ScalarBuffer::new(buffer, 0, rows));
        }
    }
    let copied: Vec<T> = view.as_array().iter().copied().collect();
    Ok(ScalarBuffer::from(copied))
}

/// A `datetime64` (`timestamp`) or `timedelta64` (`duration`) array as an Arrow array of
/// its unit, over its `int64` view; `NaT` is null.
fn time_array<'py>(
    array: &Bound<'py, PyUntypedArray>,
    timestamp: bool,
    name: &str,
    borrows: &mut Borrows<'py>,
) -> PyResult<ArrayRef> {
    let dtype = array.dtype();
    let text = dtype_name(&dtype);
    let kind = if timestamp {
        "datetime64"
    } else {
        "timedelta64"
    };
    let unit = match text.rsplit_once('[').map(|(_, u)| u.trim_end_matches(']')) {
        Some("s") => TimeUnit::Second,
        Some("ms") => TimeUnit::Millisecond,
        Some("us") => TimeUnit::Microsecond,
        Some("ns") => TimeUnit::Nanosecond,
        Some("") | None => {
            return Err(PyTypeError::new_err(format!(
                "the array for `{name}` is a generic {kind} without a unit"
            )))
        }
        // Days, hours, minutes (and whatever numpy can make seconds of): converted to
        // seconds by numpy (a copy), exactly.
        Some(_) => {
            let seconds = array
                .call_method1("astype", (format!("{kind}[s]"),))
                .map_err(|e| {
                    PyTypeError::new_err(format!(
                        "the array for `{name}` has dtype {text}, which is not a whole number \
                         of seconds: {e}"
                    ))
                })?;
            let seconds = seconds.cast::<PyUntypedArray>()?;
            return time_array(seconds, timestamp, name, borrows);
        }
    };
    let ints = array.call_method1("view", ("int64",))?;
    let values = values::<i64>(&ints, borrows)?;
    let nat = values.contains(&i64::MIN);
    let nulls = nat.then(|| NullBuffer::from_iter(values.iter().map(|&v| v != i64::MIN)));
    macro_rules! of_unit {
        ($($unit:ident => $ts:ty, $dur:ty;)*) => {
            match unit {
                $(TimeUnit::$unit => match timestamp {
                    true => Arc::new(PrimitiveArray::<$ts>::new(values, nulls)) as ArrayRef,
                    false => Arc::new(PrimitiveArray::<$dur>::new(values, nulls)),
                },)*
            }
        };
    }
    Ok(of_unit! {
        Second => TimestampSecondType, DurationSecondType;
        Millisecond => TimestampMillisecondType, DurationMillisecondType;
        Microsecond => TimestampMicrosecondType, DurationMicrosecondType;
        Nanosecond => TimestampNanosecondType, DurationNanosecondType;
    })
}

/// A `str` or `object` array (of `str` and `None`) as a `Utf8` array (a copy).
fn strings(array: &Bound<'_, PyUntypedArray>, name: &str) -> PyResult<ArrayRef> {
    let items: Vec<Option<String>> = array.call_method0("tolist")?.extract().map_err(|_| {
        PyTypeError::new_err(format!(
            "the array for `{name}` holds objects that are not str or None"
        ))
    })?;
    Ok(Arc::new(StringArray::from(items)))
}

/// A result as a numpy array: numeric, timestamp and duration results over the result's
/// own buffer; with nulls, a masked array; strings and lists as `object` arrays.
pub fn from_arrow(py: Python<'_>, array: ArrayRef) -> PyResult<Py<PyAny>> {
    let nulls = array.logical_nulls().filter(|n| n.null_count() > 0);
    let values: Bound<'_, PyAny> = match array.data_type().clone() {
        DataType::Float64 => take::<Float64Type>(py, array)?,
        DataType::Float32 => take::<Float32Type>(py, array)?,
        DataType::Int64 => take::<Int64Type>(py, array)?,
        DataType::Int32 => take::<Int32Type>(py, array)?,
        DataType::Int16 => take::<Int16Type>(py, array)?,
        DataType::Int8 => take::<Int8Type>(py, array)?,
        DataType::UInt64 => take::<UInt64Type>(py, array)?,
        DataType::UInt32 => take::<UInt32Type>(py, array)?,
        DataType::UInt16 => take::<UInt16Type>(py, array)?,
        DataType::UInt8 => take::<UInt8Type>(py, array)?,
        DataType::Boolean => {
            let bools: Vec<bool> = array.as_boolean().values().iter().collect();
            PyArray1::from_vec(py, bools).into_any()
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => {
            take::<TimestampNanosecondType>(py, array)?.call_method1("view", ("datetime64[ns]",))?
        }
        DataType::Duration(TimeUnit::Nanosecond) => {
            take::<DurationNanosecondType>(py, array)?.call_method1("view", ("timedelta64[ns]",))?
        }
        _ => {
            let items = (0..array.len())
                .map(|row| cell(py, &array, row))
                .collect::<PyResult<Vec<_>>>()?;
            let list = PyList::new(py, items)?;
            let numpy = py.import("numpy")?;
            let kwargs = pyo3::types::PyDict::new(py);
            kwargs.set_item("dtype", "object")?;
            // Nulls are `None` in an object array: no mask.
            return Ok(numpy.call_method("array", (list,), Some(&kwargs))?.unbind());
        }
    };
    match nulls {
        None => Ok(values.unbind()),
        Some(nulls) => {
            let mask: Vec<bool> = nulls.iter().map(|valid| !valid).collect();
            let mask = PyArray1::from_vec(py, mask);
            let ma = py.import("numpy")?.getattr("ma")?;
            Ok(ma.call_method1("MaskedArray", (values, mask))?.unbind())
        }
    }
}

/// A primitive result's values as a numpy array that owns them: the result's own `Vec`
/// when the array is its only owner (as the Arrow entry makes it), else a copy.
fn take<'py, T>(py: Python<'py>, array: ArrayRef) -> PyResult<Bound<'py, PyAny>>
where
    T: ArrowPrimitiveType,
    T::Native: Element,
{
    let values: ScalarBuffer<T::Native> = array.as_primitive::<T>().values().clone();
    drop(array);
    let rows = values.len();
    let inner = values.into_inner();
    let vec = match inner.into_vec::<T::Native>() {
        Ok(vec) if vec.len() == rows => vec,
        Ok(vec) => vec[..rows].to_vec(),
        Err(buffer) => ScalarBuffer::<T::Native>::new(buffer, 0, rows).to_vec(),
    };
    Ok(PyArray1::from_vec(py, vec).into_any())
}

/// Row `row` of a result array as a Python object (`None` when null): for `object`
/// arrays of strings and lists.
fn cell(py: Python<'_>, array: &ArrayRef, row: usize) -> PyResult<Py<PyAny>> {
    if array.is_null(row) {
        return Ok(py.None());
    }
    Ok(match array.data_type() {
        DataType::Utf8 => to_python(py, Value::Str(array.as_string::<i32>().value(row).into()))?,
        DataType::LargeUtf8 => {
            to_python(py, Value::Str(array.as_string::<i64>().value(row).into()))?
        }
        DataType::Utf8View => to_python(py, Value::Str(array.as_string_view().value(row).into()))?,
        DataType::Boolean => to_python(py, Value::Bool(array.as_boolean().value(row)))?,
        DataType::List(_) => {
            let items = array.as_list::<i32>().value(row);
            let items = (0..items.len())
                .map(|i| cell(py, &items, i))
                .collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, items)?.into_any().unbind()
        }
        DataType::LargeList(_) => {
            let items = array.as_list::<i64>().value(row);
            let items = (0..items.len())
                .map(|i| cell(py, &items, i))
                .collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, items)?.into_any().unbind()
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => to_python(
            py,
            Value::Timestamp(array.as_primitive::<TimestampNanosecondType>().value(row)),
        )?,
        DataType::Duration(TimeUnit::Nanosecond) => to_python(
            py,
            Value::Duration(array.as_primitive::<DurationNanosecondType>().value(row)),
        )?,
        _ => {
            // Numbers: one row of a numpy array of the column, as a Python scalar.
            let one = array.slice(row, 1);
            let values = from_arrow(py, one)?;
            values.bind(py).call_method1("item", (0,))?.unbind()
        }
    })
}
