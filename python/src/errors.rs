//! Kiln's errors as Python exceptions.
//!
//! - A program that does not compile is `kiln.CompileError` (a `ValueError`): its text is
//!   the report `kiln check` prints, its `diagnostics` the errors one by one.
//! - A runtime fault is `kiln.RuntimeError` (a `builtins.RuntimeError`) with `code`,
//!   `message`, `row` (for a batch, counted over the whole input), `line`, `column`, and
//!   the fault's report drawn over the source.
//! - Input that does not fit the program (a missing column, a wrong dtype) is a
//!   `TypeError`; values that do not fit (lengths, ranges) a `ValueError`.
//!
//! The exception classes and `Diagnostic` are plain Python (`kiln/_types.py`), so they
//! can subclass built-in exceptions; they are looked up once per process.

use kiln::engine::ArrowError;
use kiln::{CompileError, Diagnostic, RuntimeError, Severity};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

static COMPILE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static RUNTIME_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DIAGNOSTIC: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// A class of `kiln._types`.
fn class<'py>(
    py: Python<'py>,
    cell: &'py PyOnceLock<Py<PyType>>,
    name: &str,
) -> PyResult<&'py Bound<'py, PyType>> {
    cell.import(py, "kiln._types", name)
}

/// `diagnostic` as a `kiln.Diagnostic` (line and column in `source`, from 1).
pub fn diagnostic(py: Python<'_>, d: &Diagnostic, source: &str) -> PyResult<Py<PyAny>> {
    let (line, column) = kiln::span::line_col(source, d.span.lo);
    let severity = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let args = (severity, d.code, d.message.as_str(), line, column);
    Ok(class(py, &DIAGNOSTIC, "Diagnostic")?.call1(args)?.unbind())
}

/// A program that did not compile, as `kiln.CompileError`.
pub fn compile_error(py: Python<'_>, error: &CompileError) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let diagnostics = error
            .diagnostics
            .iter()
            .map(|d| diagnostic(py, d, &error.source))
            .collect::<PyResult<Vec<_>>>()?;
        let class = class(py, &COMPILE_ERROR, "CompileError")?;
        Ok(PyErr::from_value(
            class.call1((error.render(), diagnostics))?,
        ))
    };
    build().unwrap_or_else(|e| e)
}

/// A runtime fault as `kiln.RuntimeError`: `row` is where in a batch it happened
/// (`None` for a one-row call).
pub fn runtime_error(
    py: Python<'_>,
    program: &kiln::Program,
    error: &RuntimeError,
    row: Option<usize>,
) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let mut report = program.render(&error.to_diagnostic());
        if let Some(row) = row {
            report = format!("in row {row}: {report}");
        }
        let (line, column) = kiln::span::line_col(program.source(), error.span.lo);
        let args = (
            report,
            error.code(),
            error.message.as_str(),
            row,
            line,
            column,
        );
        let class = class(py, &RUNTIME_ERROR, "RuntimeError")?;
        Ok(PyErr::from_value(class.call1(args)?))
    };
    build().unwrap_or_else(|e| e)
}

/// An error of the Arrow entry: a fault (its row moved by `first_row`, the batch's first
/// row in the whole input) as `kiln.RuntimeError`; input that does not fit the program
/// as `TypeError` (types, names) or `ValueError` (lengths, values).
pub fn arrow_error(
    py: Python<'_>,
    program: &kiln::Program,
    error: ArrowError,
    first_row: usize,
) -> PyErr {
    match error {
        ArrowError::Fault { row, error } => {
            runtime_error(py, program, &error, Some(first_row + row))
        }
        e @ (ArrowError::MissingColumn { .. }
        | ArrowError::UnsupportedType { .. }
        | ArrowError::WrongType { .. }
        | ArrowError::ColumnCount { .. }) => PyTypeError::new_err(e.to_string()),
        e => PyValueError::new_err(e.to_string()),
    }
}

/// An error of arrow-rs itself (a malformed import, a failed cast) as `ValueError`.
pub fn arrow_rs_error(error: arrow_schema::ArrowError) -> PyErr {
    PyValueError::new_err(format!("Arrow: {error}"))
}
