//! The one error of the Arrow entry: input that does not fit the program (said with the
//! column's name and Arrow type), or a runtime fault in one row.

use crate::types::ty::Ty;
use crate::value::RuntimeError;
use arrow_schema::DataType;
use std::fmt;

/// Why [`Program::run_arrow`](crate::Program::run_arrow) (and the other Arrow entries)
/// returned no array: the batch does not fit the program (nothing ran), or a row
/// faulted ([`ArrowError::Fault`]).
#[derive(Clone, Debug, PartialEq)]
pub enum ArrowError {
    /// No column of the batch has a param's name.
    MissingColumn {
        param: String,
        /// The closest column name, if one is close.
        suggestion: Option<String>,
    },
    /// The column holds an Arrow type Kiln has no values of (decimals, dates, structs...).
    UnsupportedType { column: String, data_type: DataType },
    /// The column's Arrow type does not bind to its param's Kiln type.
    WrongType {
        column: String,
        data_type: DataType,
        param_type: Ty,
    },
    /// The columns differ in length.
    LengthMismatch {
        column: String,
        expected: usize,
        found: usize,
    },
    /// Not one array per param (`run_arrow_columns`).
    ColumnCount { expected: usize, found: usize },
    /// A value Kiln cannot hold: a timestamp or duration of a coarser unit whose
    /// nanoseconds do not fit an `i64`.
    OutOfRange { column: String, row: usize },
    /// A selection vector names a row past the batch's end.
    BadSelection { index: usize, row: u32, rows: usize },
    /// The program cannot run this way (no params, no result, a `filter_arrow` program
    /// that is not `bool`).
    Program(String),
    /// A runtime fault: `row` is the batch's row it happened in (for the selected
    /// variants, the row the selection named), `error` its code, message and span.
    Fault { row: usize, error: RuntimeError },
}

impl ArrowError {
    /// Whether this is a runtime fault (not bad input).
    pub fn is_fault(&self) -> bool {
        matches!(self, ArrowError::Fault { .. })
    }

    /// The runtime fault and its row, for [`ArrowError::Fault`].
    pub fn fault(&self) -> Option<(usize, &RuntimeError)> {
        match self {
            ArrowError::Fault { row, error } => Some((*row, error)),
            _ => None,
        }
    }
}

impl fmt::Display for ArrowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArrowError::MissingColumn { param, suggestion } => {
                write!(f, "the batch has no column `{param}` for param `{param}`")?;
                match suggestion {
                    Some(s) => write!(f, "; did you mean `{s}`?"),
                    None => Ok(()),
                }
            }
            ArrowError::UnsupportedType { column, data_type } => write!(
                f,
                "column `{column}` is {data_type}: Kiln has no values of that type"
            ),
            ArrowError::WrongType {
                column,
                data_type,
                param_type,
            } => write!(
                f,
                "column `{column}` is {data_type}, but its param has type {param_type}"
            ),
            ArrowError::LengthMismatch {
                column,
                expected,
                found,
            } => write!(
                f,
                "columns differ in length: {expected} rows, but column `{column}` has {found}"
            ),
            ArrowError::ColumnCount { expected, found } => write!(
                f,
                "the program takes {expected} param(s), {found} array(s) given"
            ),
            ArrowError::OutOfRange { column, row } => write!(
                f,
                "column `{column}`, row {row}: the value does not fit Kiln's i64 nanoseconds"
            ),
            ArrowError::BadSelection { index, row, rows } => write!(
                f,
                "selection entry {index} is row {row}, but the batch has {rows} rows"
            ),
            ArrowError::Program(message) => f.write_str(message),
            ArrowError::Fault { row, error } => write!(f, "row {row}: {error}"),
        }
    }
}

impl std::error::Error for ArrowError {}

/// The closest of `names` to `name` ("did you mean"), by the rule every suggestion of
/// the compiler follows (`types::suggest`).
pub(super) fn closest<'a>(name: &str, names: impl Iterator<Item = &'a str>) -> Option<String> {
    crate::types::suggest::closest(name, names, 1)
        .first()
        .map(|n| (*n).to_owned())
}
