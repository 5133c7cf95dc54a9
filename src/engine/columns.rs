//! Columnar batches: a program run over whole columns of inputs in one call.

/// One input column.
pub enum Column<'a> {
    F64(&'a [f64]),
}

/// One output column.
#[derive(Clone, Debug, PartialEq)]
pub enum ColumnBuf {
    F64(Vec<f64>),
}

/// A fault in one row of a columnar run.
#[derive(Clone, Debug, PartialEq)]
pub struct RowError {
    /// 0-based index of the row.
    pub row: usize,
    pub error: crate::runtime::RuntimeError,
}
