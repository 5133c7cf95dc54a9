//! `kiln.compile` and `kiln.Program`.
//!
//! A `Program` is a compiled `kiln::Program` (immutable, `Send + Sync`): any number of
//! Python threads may call it at once, and every call releases the GIL while Kiln runs.
//!
//! - `p(*args, **kwargs)` runs one row: values converted by the params' types
//!   ([`crate::values`]).
//! - `p.run(data)` runs over a table: anything with `__arrow_c_stream__` (a pyarrow
//!   `Table` or `RecordBatchReader`, a polars `DataFrame`, a DuckDB relation, a pandas
//!   `DataFrame`) or `__arrow_c_array__` (a pyarrow `RecordBatch`), params bound to its
//!   columns by name; keyword arguments give scalar params, broadcast.
//! - `p.run(a=..., b=...)` runs over arrays: numpy arrays (read in place), Arrow arrays
//!   or streams (pyarrow, polars `Series`), and scalars (broadcast).
//!
//! What comes back follows what went in ([`Flavour`]): numpy in, numpy out; pyarrow in,
//! pyarrow out (an `Array` for one batch, a `ChunkedArray` for a stream); polars in, a
//! polars `Series`; any other Arrow producer gives pyarrow when it can be imported, else
//! `kiln.ArrowArray`/`kiln.ArrowStream`, which any Arrow library takes over.

use crate::capsule::{self, has, result_field, ArrowArray, ArrowStream, ImportedStream};
use crate::errors::{arrow_error, arrow_rs_error, compile_error, diagnostic, runtime_error};
use crate::numpy_io::{self, as_ndarray, Borrows};
use crate::parallel;
use crate::values::{to_python, to_value, Target};
use arrow_array::{Array, ArrayRef, RecordBatch, StructArray};
use arrow_schema::{DataType, Field, Schema};
use kiln::engine::{ArrowError, ColumnBuf, EngineOptions, FpMath, Overflow};
use kiln::types::ty::Ty;
use kiln::{Engine, Value};
use numpy::PyUntypedArrayMethods;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyTuple, PyType};
use std::sync::Arc;

/// Compile a Kiln program.
///
/// `opt_level` is LLVM's optimisation level (0 to 3), `fast_math` allows LLVM to
/// reassociate float arithmetic (results may differ in the last bits), `overflow` is
/// `"wrap"` (integer `+ - *` wrap around, the default) or `"trap"` (they fault with
/// E0617). Raises `kiln.CompileError` (its text is the report `kiln check` prints) when
/// the program does not compile. The GIL is released while LLVM works.
#[pyfunction]
#[pyo3(signature = (source, /, *, name = "<input>", opt_level = 2, fast_math = false, overflow = "wrap"))]
pub fn compile(
    py: Python<'_>,
    source: &str,
    name: &str,
    opt_level: u8,
    fast_math: bool,
    overflow: &str,
) -> PyResult<Program> {
    if opt_level > 3 {
        return Err(PyValueError::new_err(format!(
            "opt_level is 0 to 3, not {opt_level}"
        )));
    }
    let overflow = match overflow {
        "wrap" => Overflow::Wrap,
        "trap" => Overflow::Trap,
        other => {
            return Err(PyValueError::new_err(format!(
                "overflow is \"wrap\" or \"trap\", not {other:?}"
            )))
        }
    };
    let options = EngineOptions {
        opt_level,
        fp_math: if fast_math {
            FpMath::Fast
        } else {
            FpMath::Strict
        },
        overflow,
        ..EngineOptions::default()
    };
    let compiled = py.detach(|| Engine::with_options(options).compile_named(name, source));
    match compiled {
        Ok(program) => Ok(Program {
            program,
            name: name.to_owned(),
            options: (opt_level, fast_math, overflow_name(overflow)),
        }),
        Err(error) => Err(compile_error(py, &error)),
    }
}

fn overflow_name(overflow: Overflow) -> &'static str {
    match overflow {
        Overflow::Wrap => "wrap",
        Overflow::Trap => "trap",
    }
}

/// `compile` with positional arguments, for unpickling a `Program`.
#[pyfunction]
pub fn _compile_again(
    py: Python<'_>,
    source: &str,
    name: &str,
    opt_level: u8,
    fast_math: bool,
    overflow: &str,
) -> PyResult<Program> {
    compile(py, source, name, opt_level, fast_math, overflow)
}

/// A compiled Kiln program. Call it for one row, `run` it over columns.
#[pyclass(frozen, module = "kiln", name = "Program")]
pub struct Program {
    program: kiln::Program,
    /// What `compile` was given besides the source, to compile it again when unpickled.
    name: String,
    options: (u8, bool, &'static str),
}

/// Which library a batch run's result is made for: the one its input came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flavour {
    Numpy,
    PyArrow,
    Polars,
    /// Another Arrow producer (DuckDB, pandas, nanoarrow...): pyarrow when it can be
    /// imported, else Kiln's own capsule objects.
    Other,
}

impl Flavour {
    /// The flavour of an Arrow object, by the module its type comes from.
    fn of(obj: &Bound<'_, PyAny>) -> Flavour {
        let module = obj
            .get_type()
            .module()
            .map(|m| m.to_string())
            .unwrap_or_default();
        let root = module.split('.').next().unwrap_or_default();
        match root {
            "pyarrow" => Flavour::PyArrow,
            "polars" => Flavour::Polars,
            _ => Flavour::Other,
        }
    }
}

#[pymethods]
impl Program {
    /// The params, in order, as `kiln.Param(name, type)`.
    #[getter]
    fn params<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        static PARAM: PyOnceLock<Py<PyType>> = PyOnceLock::new();
        let class = PARAM.import(py, "kiln._types", "Param")?;
        self.program
            .params()
            .iter()
            .map(|p| class.call1((p.name.as_str(), p.ty.to_string())))
            .collect()
    }

    /// The Kiln type of the result (`"f64"`, `"string?"`...), or `None` when the
    /// program has no result.
    #[getter]
    fn output_type(&self) -> Option<String> {
        self.program.output_type().map(Ty::to_string)
    }

    /// The source text.
    #[getter]
    fn source(&self) -> &str {
        self.program.source()
    }

    /// Warnings found while compiling, as `kiln.Diagnostic`s.
    #[getter]
    fn warnings(&self, py: Python<'_>) -> PyResult<Vec<Py<PyAny>>> {
        self.program
            .warnings()
            .iter()
            .map(|d| diagnostic(py, d, self.program.source()))
            .collect()
    }

    /// Run one row: values by position (in the params' order) or by name. Returns the
    /// result as a Python value (`None` for none or no result); a fault raises
    /// `kiln.RuntimeError`.
    #[pyo3(signature = (*args, **kwargs))]
    fn __call__(
        &self,
        py: Python<'_>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        let params = self.program.params();
        if args.len() > params.len() {
            return Err(PyTypeError::new_err(format!(
                "the program takes {} param(s), {} given",
                params.len(),
                args.len()
            )));
        }
        let mut given: Vec<Option<Bound<'_, PyAny>>> = vec![None; params.len()];
        for (slot, arg) in given.iter_mut().zip(args.iter()) {
            *slot = Some(arg);
        }
        if let Some(kwargs) = kwargs {
            for (key, value) in kwargs.iter() {
                let key: String = key.extract()?;
                let index = self.param_index(&key)?;
                if given[index].is_some() {
                    return Err(PyTypeError::new_err(format!(
                        "param `{key}` is given twice"
                    )));
                }
                given[index] = Some(value);
            }
        }
        let mut values = Vec::with_capacity(params.len());
        for (p, value) in params.iter().zip(given) {
            let value = value.ok_or_else(|| {
                PyTypeError::new_err(format!("missing a value for param `{}` ({})", p.name, p.ty))
            })?;
            values.push(to_value(&value, &p.ty, &Target::Param(&p.name))?);
        }
        let program = &self.program;
        match py.detach(|| program.run(&values)) {
            Ok(Some(value)) => to_python(py, value),
            Ok(None) => Ok(py.None()),
            Err(error) => Err(runtime_error(py, program, &error, None)),
        }
    }

    /// Run over many rows at once, in a compiled loop, with the GIL released.
    ///
    /// `data` is a table: anything with `__arrow_c_stream__` or `__arrow_c_array__` (a
    /// pyarrow `Table`/`RecordBatch`/`RecordBatchReader`, a polars `DataFrame`, a DuckDB
    /// relation), whose columns bind to the params by name, or a `dict` of columns.
    /// Keyword arguments give columns (numpy arrays, Arrow arrays, polars `Series`) or
    /// scalars, which are broadcast; with a table, only scalars.
    #[pyo3(signature = (data = None, /, **columns))]
    fn run(
        &self,
        py: Python<'_>,
        data: Option<&Bound<'_, PyAny>>,
        columns: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        let mut given: Vec<(String, Bound<'_, PyAny>)> = Vec::new();
        let mut table = None;
        if let Some(data) = data {
            match data.cast::<PyDict>() {
                Ok(dict) => given.extend(named(dict)?),
                Err(_) => table = Some(data),
            }
        }
        if let Some(columns) = columns {
            for (name, value) in named(columns)? {
                if given.iter().any(|(n, _)| *n == name) {
                    return Err(PyTypeError::new_err(format!(
                        "column `{name}` is given twice"
                    )));
                }
                given.push((name, value));
            }
        }
        for (name, _) in &given {
            self.param_index(name)?;
        }
        match table {
            Some(table) => self.run_table(py, table, given),
            None => self.run_columns(py, given),
        }
    }

    /// Pickling (multiprocessing, Dask, Ray): the source and options, compiled again
    /// when unpickled (native code is not portable between processes).
    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let rebuild = py.import("kiln._kiln")?.getattr("_compile_again")?;
        let (opt_level, fast_math, overflow) = self.options;
        let args = (
            self.program.source(),
            self.name.as_str(),
            opt_level,
            fast_math,
            overflow,
        );
        Ok((rebuild, args.into_pyobject(py)?))
    }

    fn __repr__(&self) -> String {
        let params: Vec<String> = self
            .program
            .params()
            .iter()
            .map(|p| format!("{}: {}", p.name, p.ty))
            .collect();
        match self.program.output_type() {
            Some(ty) => format!("<kiln.Program ({}) -> {ty}>", params.join(", ")),
            None => format!("<kiln.Program ({})>", params.join(", ")),
        }
    }
}

/// A dict's items with `str` keys.
fn named<'py>(dict: &Bound<'py, PyDict>) -> PyResult<Vec<(String, Bound<'py, PyAny>)>> {
    dict.iter()
        .map(|(k, v)| {
            let k: String = k
                .extract()
                .map_err(|_| PyTypeError::new_err("column names must be str"))?;
            Ok((k, v))
        })
        .collect()
}

/// Whether `obj` is a column (an array) rather than one value for param type `ty`.
fn is_column(obj: &Bound<'_, PyAny>, ty: &Ty) -> bool {
    if let Some(array) = as_ndarray(obj) {
        return array.ndim() > 0;
    }
    if has(obj, "__arrow_c_array__") || has(obj, "__arrow_c_stream__") {
        return true;
    }
    let sequence = obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>();
    sequence && !matches!(ty.strip_opt(), Ty::List(_))
}

impl Program {
    /// The index of the param named `name`, or a `TypeError` listing the params.
    fn param_index(&self, name: &str) -> PyResult<usize> {
        let params = self.program.params();
        params.iter().position(|p| p.name == name).ok_or_else(|| {
            let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
            PyTypeError::new_err(match names.is_empty() {
                true => format!("the program has no param `{name}` (it takes none)"),
                false => format!(
                    "the program has no param `{name}`; its params are {}",
                    names.join(", ")
                ),
            })
        })
    }

    fn param_ty(&self, name: &str) -> PyResult<&Ty> {
        Ok(&self.program.params()[self.param_index(name)?].ty)
    }

    /// Run over a table (a record batch or a stream of them), `scalars` broadcast.
    fn run_table(
        &self,
        py: Python<'_>,
        table: &Bound<'_, PyAny>,
        scalars: Vec<(String, Bound<'_, PyAny>)>,
    ) -> PyResult<Py<PyAny>> {
        let mut values = Vec::with_capacity(scalars.len());
        for (name, obj) in &scalars {
            let ty = self.param_ty(name)?;
            if is_column(obj, ty) {
                return Err(PyTypeError::new_err(format!(
                    "`{name}` is a column: with a table, keyword arguments give scalar values \
                     (add the column to the table, or pass every column as a keyword argument)"
                )));
            }
            values.push((
                name.clone(),
                ty.clone(),
                to_value(obj, ty, &Target::Param(name))?,
            ));
        }
        let flavour = Flavour::of(table);
        let program = &self.program;
        if has(table, "__arrow_c_array__") {
            let (field, array) = capsule::import_array(table)?;
            let batch = record_batch(&field, array)?;
            let result = py.detach(|| {
                let batch = with_scalars(batch, &values)?;
                parallel::run_batch(program, &batch)
            });
            let array = result.map_err(|(row, e)| arrow_error(py, program, e, row))?;
            return arrow_result(py, flavour, Chunks::One(array));
        }
        if has(table, "__arrow_c_stream__") {
            let mut stream = ImportedStream::new(table)?;
            if !matches!(stream.field().data_type(), DataType::Struct(_)) {
                return Err(PyTypeError::new_err(format!(
                    "run() takes a table; this stream is a column of {} (pass it as a keyword \
                     argument: p.run(x=column))",
                    stream.field().data_type()
                )));
            }
            let field = stream.field().clone();
            let result = py.detach(|| -> Result<Vec<ArrayRef>, StreamError> {
                let mut chunks = Vec::new();
                let mut first_row = 0;
                while let Some(array) = stream.next_array().map_err(StreamError::Producer)? {
                    let batch = record_batch(&field, array).map_err(StreamError::Input)?;
                    let rows = batch.num_rows();
                    let batch = with_scalars(batch, &values).map_err(StreamError::Arrow)?;
                    let result = parallel::run_batch(program, &batch)
                        .map_err(|(row, e)| StreamError::Arrow((first_row + row, e)))?;
                    chunks.push(result);
                    first_row += rows;
                }
                Ok(chunks)
            });
            let chunks = match result {
                Ok(chunks) => chunks,
                Err(StreamError::Producer(message)) => {
                    return Err(PyValueError::new_err(format!(
                        "reading the Arrow stream failed: {message}"
                    )))
                }
                Err(StreamError::Input(e)) => return Err(e),
                Err(StreamError::Arrow((row, e))) => return Err(arrow_error(py, program, e, row)),
            };
            let field = match chunks.first() {
                Some(chunk) => result_field("result", chunk),
                None => self.result_field(),
            };
            return arrow_result(py, flavour, Chunks::Stream(field, chunks));
        }
        Err(PyTypeError::new_err(format!(
            "run() takes a table (a pyarrow Table or RecordBatch, a polars DataFrame, or \
             anything with __arrow_c_stream__ or __arrow_c_array__) or a dict of columns, \
             not a {}; or pass columns as keyword arguments",
            table.get_type().name()?
        )))
    }

    /// Run over columns given by name (numpy arrays, Arrow arrays, scalars).
    fn run_columns(
        &self,
        py: Python<'_>,
        given: Vec<(String, Bound<'_, PyAny>)>,
    ) -> PyResult<Py<PyAny>> {
        let params = self.program.params();
        let mut borrows = Borrows::new();
        let mut flavour = None;
        let mut bound: Vec<Option<ArrayRef>> = vec![None; params.len()];
        let mut scalars: Vec<(usize, Value)> = Vec::new();
        for (name, obj) in &given {
            let index = self.param_index(name)?;
            let ty = &params[index].ty;
            let target = Target::Param(name);
            if let Some(array) = as_ndarray(obj).filter(|a| a.ndim() > 0) {
                bound[index] = Some(numpy_io::to_arrow(array, name, &mut borrows)?);
                flavour.get_or_insert(Flavour::Numpy);
            } else if has(obj, "__arrow_c_array__") {
                bound[index] = Some(capsule::import_array(obj)?.1);
                flavour = Some(arrow_flavour(flavour, obj));
            } else if has(obj, "__arrow_c_stream__") {
                bound[index] = Some(import_column(py, obj)?);
                flavour = Some(arrow_flavour(flavour, obj));
            } else if is_column(obj, ty) {
                let items = obj
                    .try_iter()?
                    .map(|item| to_value(&item?, ty, &target))
                    .collect::<PyResult<Vec<_>>>()?;
                bound[index] = Some(column_of(ty, items, name)?);
                flavour.get_or_insert(Flavour::Numpy);
            } else {
                let obj = match as_ndarray(obj) {
                    Some(zero_d) => zero_d.call_method0("item")?,
                    None => obj.clone(),
                };
                scalars.push((index, to_value(&obj, ty, &target)?));
            }
        }
        let missing = (0..params.len())
            .find(|&i| bound[i].is_none() && !scalars.iter().any(|(s, _)| *s == i));
        if let Some(p) = missing.map(|i| &params[i]) {
            return Err(PyTypeError::new_err(format!(
                "missing a column for param `{}` ({})",
                p.name, p.ty
            )));
        }
        let Some(flavour) = flavour else {
            return Err(PyTypeError::new_err(
                "run() needs at least one column (an array); to run one row, call the \
                 program: p(a=1.0, ...)",
            ));
        };
        let rows = bound.iter().flatten().map(|a| a.len()).next().unwrap_or(0);
        for (p, array) in params.iter().zip(&bound) {
            if let Some(array) = array.as_ref().filter(|a| a.len() != rows) {
                return Err(PyValueError::new_err(format!(
                    "columns differ in length: {rows} rows, but the column of `{}` has {}",
                    p.name,
                    array.len()
                )));
            }
        }
        for (index, value) in scalars {
            let ty = &params[index].ty;
            bound[index] = Some(broadcast(ty, value, rows, &params[index].name)?);
        }
        let columns: Vec<ArrayRef> = bound.into_iter().flatten().collect();
        let program = &self.program;
        let result = py.detach(|| parallel::run_columns(program, &columns, rows));
        drop(columns);
        drop(borrows);
        let array = result.map_err(|(row, e)| arrow_error(py, program, e, row))?;
        match flavour {
            Flavour::Numpy => numpy_io::from_arrow(py, array),
            flavour => arrow_result(py, flavour, Chunks::One(array)),
        }
    }

    /// The field of a result column: named `result`, nullable (a null in a non-optional
    /// param's column makes the row's result null).
    fn result_field(&self) -> Arc<Field> {
        let field = self.program.arrow_output_field("result");
        Arc::new(field.unwrap_or_else(|| Field::new("result", DataType::Null, true)))
    }
}

/// Why running over a stream stopped: the producer failed, a batch was not a table, or
/// the program faulted (the row counted over the whole stream) or refused the batch.
enum StreamError {
    Producer(String),
    Input(PyErr),
    Arrow((usize, ArrowError)),
}

/// The flavour of a result from columns of `obj`'s library and those before it: one
/// Arrow library decides; numpy columns with Arrow ones give Arrow.
fn arrow_flavour(before: Option<Flavour>, obj: &Bound<'_, PyAny>) -> Flavour {
    match before {
        Some(f) if f != Flavour::Numpy => f,
        _ => Flavour::of(obj),
    }
}

/// A column from an Arrow stream (a pyarrow `ChunkedArray`, a polars `Series`): its
/// chunks, concatenated when there are several.
fn import_column(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<ArrayRef> {
    let mut stream = ImportedStream::new(obj)?;
    let chunks = py
        .detach(|| {
            let mut chunks = Vec::new();
            while let Some(chunk) = stream.next_array()? {
                chunks.push(chunk);
            }
            Ok::<_, String>(chunks)
        })
        .map_err(|e| PyValueError::new_err(format!("reading the Arrow stream failed: {e}")))?;
    match chunks.len() {
        0 => Ok(arrow_array::new_empty_array(stream.field().data_type())),
        1 => Ok(chunks.into_iter().next().unwrap_or_else(|| unreachable!())),
        _ => {
            let refs: Vec<&dyn Array> = chunks.iter().map(|c| c.as_ref()).collect();
            arrow_select::concat::concat(&refs).map_err(arrow_rs_error)
        }
    }
}

/// A struct array (a record batch through the C interface) as a `RecordBatch`.
fn record_batch(field: &Field, array: ArrayRef) -> PyResult<RecordBatch> {
    let Some(structs) = array.as_any().downcast_ref::<StructArray>() else {
        return Err(PyTypeError::new_err(format!(
            "run() takes a table; this is a column of {} (pass it as a keyword argument: \
             p.run(x=column))",
            field.data_type()
        )));
    };
    if structs.null_count() > 0 {
        return Err(PyValueError::new_err(
            "the table's rows themselves are null in places (a struct column with nulls)",
        ));
    }
    Ok(RecordBatch::from(structs.clone()))
}

/// `batch` with a broadcast column for each scalar param (replacing a column of the same
/// name).
fn with_scalars(
    batch: RecordBatch,
    scalars: &[(String, Ty, Value)],
) -> Result<RecordBatch, (usize, ArrowError)> {
    if scalars.is_empty() {
        return Ok(batch);
    }
    let rows = batch.num_rows();
    let schema = batch.schema();
    let mut fields: Vec<Arc<Field>> = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    for (field, column) in schema.fields().iter().zip(batch.columns()) {
        if !scalars.iter().any(|(n, _, _)| n == field.name()) {
            fields.push(field.clone());
            columns.push(column.clone());
        }
    }
    for (name, ty, value) in scalars {
        let array = broadcast(ty, value.clone(), rows, name)
            .map_err(|e| (0, ArrowError::Program(e.to_string())))?;
        fields.push(Arc::new(Field::new(name, array.data_type().clone(), true)));
        columns.push(array);
    }
    let options = arrow_array::RecordBatchOptions::new().with_row_count(Some(rows));
    RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), columns, &options)
        .map_err(|e| (0, ArrowError::Program(e.to_string())))
}

/// `values` (of Kiln type `ty`) as an Arrow array.
fn column_of(ty: &Ty, values: Vec<Value>, name: &str) -> PyResult<ArrayRef> {
    let no_column = || {
        PyTypeError::new_err(format!(
            "param `{name}` has type {ty}: pass its column as an Arrow array (pyarrow, polars)"
        ))
    };
    let mut column = ColumnBuf::empty(ty).ok_or_else(no_column)?;
    for value in values {
        if !column.push(value) {
            return Err(no_column());
        }
    }
    column
        .into_arrow()
        .map_err(|e| PyValueError::new_err(e.to_string()))
}

/// `value` repeated `rows` times, as an Arrow array of Kiln type `ty`.
fn broadcast(ty: &Ty, value: Value, rows: usize, name: &str) -> PyResult<ArrayRef> {
    let one = column_of(ty, vec![value], name)?;
    let indices = arrow_array::UInt32Array::from(vec![0u32; rows]);
    arrow_select::take::take(one.as_ref(), &indices, None).map_err(arrow_rs_error)
}

/// A batch run's result: one array, or a stream's chunks.
enum Chunks {
    One(ArrayRef),
    Stream(Arc<Field>, Vec<ArrayRef>),
}

/// The result for an Arrow caller of `flavour`.
fn arrow_result(py: Python<'_>, flavour: Flavour, chunks: Chunks) -> PyResult<Py<PyAny>> {
    let exported: Bound<'_, PyAny> = match &chunks {
        Chunks::One(array) => Bound::new(
            py,
            ArrowArray::new(result_field("result", array), array.clone()),
        )?
        .into_any(),
        Chunks::Stream(field, chunks) => {
            Bound::new(py, ArrowStream::new(field.clone(), chunks.clone()))?.into_any()
        }
    };
    drop(chunks);
    let pyarrow = match flavour {
        Flavour::PyArrow => Some(py.import("pyarrow")?),
        Flavour::Other => py.import("pyarrow").ok(),
        Flavour::Polars | Flavour::Numpy => None,
    };
    let stream = has(&exported, "__arrow_c_stream__");
    if let Some(pyarrow) = pyarrow {
        let function = if stream { "chunked_array" } else { "array" };
        return Ok(pyarrow.call_method1(function, (exported,))?.unbind());
    }
    if flavour == Flavour::Polars {
        let polars = py.import("polars")?;
        return Ok(polars
            .call_method1("Series", ("result", exported))?
            .unbind());
    }
    Ok(exported.unbind())
}
