//! Python objects as Kiln values and back, by the param's Kiln type.
//!
//! | Kiln type | Python in | Python out |
//! |---|---|---|
//! | `bool` | `bool` (not `int`) | `bool` |
//! | integers | `int` or anything with `__index__` (numpy integers), in range; not `bool` | `int` |
//! | `f32`, `f64` | `float`, `int`, or anything with `__float__`; not `bool` | `float` |
//! | `string` | `str` | `str` |
//! | `timestamp` | `datetime.datetime` (naive means UTC), `numpy.datetime64` | aware `datetime` in UTC |
//! | `duration` | `datetime.timedelta`, `numpy.timedelta64` | `timedelta` |
//! | `[T]` | `list` or `tuple` of `T` | `list` |
//! | `T?` | `None` or a `T` | `None` or a `T` |
//!
//! Python's `datetime` and `timedelta` hold microseconds: Kiln's nanoseconds are rounded
//! down to them on the way out (pandas' `Timestamp` and `Timedelta` give their
//! nanoseconds on the way in).

use kiln::types::ty::{FloatTy, IntTy, Ty};
use kiln::Value;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyFloat, PyList, PyString, PyTuple, PyType};

static DATETIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static TIMEDELTA: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static EPOCH: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static UTC: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

const NANOS_PER_SECOND: i128 = 1_000_000_000;

fn datetime_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DATETIME.import(py, "datetime", "datetime")
}

fn timedelta_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    TIMEDELTA.import(py, "datetime", "timedelta")
}

fn utc(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    let utc = UTC.get_or_try_init(py, || -> PyResult<_> {
        Ok(py
            .import("datetime")?
            .getattr("timezone")?
            .getattr("utc")?
            .unbind())
    })?;
    Ok(utc.bind(py))
}

/// `1970-01-01T00:00:00Z` as an aware `datetime`.
fn epoch(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    let epoch = EPOCH.get_or_try_init(py, || -> PyResult<_> {
        let args = (1970, 1, 1, 0, 0, 0, 0, utc(py)?);
        Ok(datetime_type(py)?.call1(args)?.unbind())
    })?;
    Ok(epoch.bind(py))
}

/// What a value is for, in messages ("param `x`", "element 2 of param `xs`"): only
/// written out when there is an error to report.
#[derive(Clone, Copy)]
pub enum Target<'a> {
    Param(&'a str),
    Element(usize, &'a Target<'a>),
}

impl std::fmt::Display for Target<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Param(name) => write!(f, "param `{name}`"),
            Target::Element(i, of) => write!(f, "element {i} of {of}"),
        }
    }
}

impl Target<'_> {
    fn type_error(&self, ty: &Ty, obj: &Bound<'_, PyAny>) -> PyErr {
        let found = obj
            .get_type()
            .name()
            .map_or_else(|_| "?".to_owned(), |n| n.to_string());
        PyTypeError::new_err(format!(
            "{self} has type {ty}, but a Python {found} was given{}",
            hint(ty)
        ))
    }
}

/// What Python values a Kiln type takes, for type errors.
fn hint(ty: &Ty) -> &'static str {
    match ty.strip_opt() {
        Ty::Bool => " (give a bool)",
        Ty::Int(_) => " (give an int)",
        Ty::Float(_) => " (give a float or an int)",
        Ty::Str => " (give a str)",
        Ty::Timestamp => " (give a datetime.datetime)",
        Ty::Duration => " (give a datetime.timedelta)",
        Ty::List(_) => " (give a list)",
        _ => "",
    }
}

/// `obj` as a value of Kiln type `ty`.
pub fn to_value(obj: &Bound<'_, PyAny>, ty: &Ty, target: &Target<'_>) -> PyResult<Value> {
    if let Ty::Opt(inner) = ty {
        return match obj.is_none() {
            true => Ok(Value::None),
            false => to_value(obj, inner, target),
        };
    }
    if obj.is_none() {
        return Err(PyTypeError::new_err(format!(
            "{} has type {ty}, which does not take None (an optional param is declared `{ty}?`)",
            target
        )));
    }
    let is_bool = obj.is_instance_of::<PyBool>();
    match ty {
        Ty::Bool if is_bool => Ok(Value::Bool(obj.is_truthy()?)),
        Ty::Bool => match numpy_scalar(obj, "bool") {
            true => Ok(Value::Bool(obj.is_truthy()?)),
            false => Err(target.type_error(ty, obj)),
        },
        Ty::Int(_) if is_bool => Err(target.type_error(ty, obj)),
        &Ty::Int(int) => {
            let value: i128 = obj.extract().map_err(|_| target.type_error(ty, obj))?;
            int_value(int, value).ok_or_else(|| {
                PyValueError::new_err(format!(
                    "{}: {value} is out of range for {ty} ({} to {})",
                    target,
                    int.min(),
                    int.max()
                ))
            })
        }
        Ty::Float(_) if is_bool || obj.is_instance_of::<PyString>() => {
            Err(target.type_error(ty, obj))
        }
        Ty::Float(FloatTy::F32) => Ok(Value::F32(
            obj.extract::<f64>()
                .map_err(|_| target.type_error(ty, obj))? as f32,
        )),
        Ty::Float(FloatTy::F64) => Ok(Value::F64(
            obj.extract::<f64>()
                .map_err(|_| target.type_error(ty, obj))?,
        )),
        Ty::Str => match obj.cast::<PyString>() {
            Ok(s) => Ok(Value::Str(s.to_cow()?.into_owned())),
            Err(_) => Err(target.type_error(ty, obj)),
        },
        Ty::Timestamp => timestamp_nanos(obj, target).map(Value::Timestamp),
        Ty::Duration => duration_nanos(obj, target).map(Value::Duration),
        Ty::List(elem) => {
            if !(obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>()) {
                return Err(target.type_error(ty, obj));
            }
            let items = obj
                .try_iter()?
                .enumerate()
                .map(|(i, item)| to_value(&item?, elem, &Target::Element(i, target)))
                .collect::<PyResult<Vec<_>>>()?;
            Ok(Value::List((**elem).clone(), items))
        }
        _ => Err(PyTypeError::new_err(format!(
            "{} has type {ty}, which Python cannot give",
            target
        ))),
    }
}

/// `value` as an integer of type `int`, if it fits.
fn int_value(int: IntTy, value: i128) -> Option<Value> {
    if value < int.min() || value > int.max() {
        return None;
    }
    Some(match int {
        IntTy::I8 => Value::I8(value as i8),
        IntTy::I16 => Value::I16(value as i16),
        IntTy::I32 => Value::I32(value as i32),
        IntTy::I64 => Value::I64(value as i64),
        IntTy::U8 => Value::U8(value as u8),
        IntTy::U16 => Value::U16(value as u16),
        IntTy::U32 => Value::U32(value as u32),
        IntTy::U64 => Value::U64(value as u64),
    })
}

/// Whether `obj` is a numpy scalar of the given kind (`numpy.bool`, `numpy.datetime64`...).
fn numpy_scalar(obj: &Bound<'_, PyAny>, name: &str) -> bool {
    let ty = obj.get_type();
    let module = ty.module().map(|m| m.to_string()).unwrap_or_default();
    let type_name = ty.name().map(|n| n.to_string()).unwrap_or_default();
    module == "numpy" && (type_name == name || (name == "bool" && type_name == "bool_"))
}

/// A numpy `datetime64`/`timedelta64` scalar's nanoseconds (`None`: NaT).
fn numpy_nanos(obj: &Bound<'_, PyAny>, unit: &str) -> PyResult<Option<i64>> {
    let nanos: i64 = obj
        .call_method1("astype", (unit,))?
        .call_method1("astype", ("int64",))?
        .extract()?;
    Ok((nanos != i64::MIN).then_some(nanos))
}

fn nanos_in_range(nanos: i128, target: &Target<'_>, ty: &str) -> PyResult<i64> {
    i64::try_from(nanos).map_err(|_| {
        PyValueError::new_err(format!(
            "{}: the {ty} is outside the range Kiln's nanoseconds hold (years 1677 to 2262)",
            target
        ))
    })
}

/// Nanoseconds of a `timedelta`: its days, seconds, microseconds, plus pandas'
/// `nanoseconds` when it has them.
fn delta_nanos(delta: &Bound<'_, PyAny>) -> PyResult<i128> {
    let days: i128 = delta.getattr("days")?.extract()?;
    let seconds: i128 = delta.getattr("seconds")?.extract()?;
    let micros: i128 = delta.getattr("microseconds")?.extract()?;
    let extra: i128 = match delta.getattr("nanoseconds") {
        Ok(n) => n.extract().unwrap_or(0),
        Err(_) => 0,
    };
    Ok((days * 86_400 + seconds) * NANOS_PER_SECOND + micros * 1_000 + extra)
}

fn timestamp_nanos(obj: &Bound<'_, PyAny>, target: &Target<'_>) -> PyResult<i64> {
    let py = obj.py();
    if numpy_scalar(obj, "datetime64") {
        return numpy_nanos(obj, "datetime64[ns]")?.ok_or_else(|| {
            PyValueError::new_err(format!(
                "{} is a timestamp, and NaT is not one (declare it `timestamp?` to take NaT as none)",
                target
            ))
        });
    }
    if !obj.is_instance(datetime_type(py)?)? {
        return Err(target.type_error(&Ty::Timestamp, obj));
    }
    let aware = if obj.getattr("tzinfo")?.is_none() {
        let kwargs = pyo3::types::PyDict::new(py);
        kwargs.set_item("tzinfo", utc(py)?)?;
        obj.call_method("replace", (), Some(&kwargs))?
    } else {
        obj.clone()
    };
    let delta = aware.call_method1("__sub__", (epoch(py)?,))?;
    let mut nanos = delta_nanos(&delta)?;
    if let Ok(n) = obj.getattr("nanosecond") {
        nanos += n.extract::<i128>().unwrap_or(0);
    }
    nanos_in_range(nanos, target, "timestamp")
}

fn duration_nanos(obj: &Bound<'_, PyAny>, target: &Target<'_>) -> PyResult<i64> {
    let py = obj.py();
    if numpy_scalar(obj, "timedelta64") {
        return numpy_nanos(obj, "timedelta64[ns]")?.ok_or_else(|| {
            PyValueError::new_err(format!(
                "{} is a duration, and NaT is not one (declare it `duration?` to take NaT as none)",
                target
            ))
        });
    }
    if !obj.is_instance(timedelta_type(py)?)? {
        return Err(target.type_error(&Ty::Duration, obj));
    }
    nanos_in_range(delta_nanos(obj)?, target, "duration")
}

/// A `timedelta` of `nanos` nanoseconds, rounded down to microseconds.
fn timedelta(py: Python<'_>, nanos: i64) -> PyResult<Bound<'_, PyAny>> {
    let kwargs = pyo3::types::PyDict::new(py);
    kwargs.set_item("microseconds", nanos.div_euclid(1_000))?;
    timedelta_type(py)?.call((), Some(&kwargs))
}

/// `value` as a Python object.
pub fn to_python(py: Python<'_>, value: Value) -> PyResult<Py<PyAny>> {
    let object = match value {
        Value::Bool(b) => PyBool::new(py, b).to_owned().into_any(),
        Value::I8(v) => v.into_pyobject(py)?.into_any(),
        Value::I16(v) => v.into_pyobject(py)?.into_any(),
        Value::I32(v) => v.into_pyobject(py)?.into_any(),
        Value::I64(v) => v.into_pyobject(py)?.into_any(),
        Value::U8(v) => v.into_pyobject(py)?.into_any(),
        Value::U16(v) => v.into_pyobject(py)?.into_any(),
        Value::U32(v) => v.into_pyobject(py)?.into_any(),
        Value::U64(v) => v.into_pyobject(py)?.into_any(),
        Value::F32(v) => PyFloat::new(py, v as f64).into_any(),
        Value::F64(v) => PyFloat::new(py, v).into_any(),
        Value::Str(s) => PyString::new(py, &s).into_any(),
        Value::None => py.None().into_bound(py),
        Value::List(_, items) => {
            let items = items
                .into_iter()
                .map(|v| to_python(py, v))
                .collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, items)?.into_any()
        }
        Value::Timestamp(nanos) => epoch(py)?.call_method1("__add__", (timedelta(py, nanos)?,))?,
        Value::Duration(nanos) => timedelta(py, nanos)?,
    };
    Ok(object.unbind())
}
