//! Arrow (issue 16): Kiln programs over Arrow arrays and record batches.
//!
//! [`Program::run_arrow`] binds a record batch's columns to the program's params by
//! name, [`Program::run_arrow_columns`] arrays by position; the `*_selected` variants
//! run only the rows of a selection vector (Gandiva's), and [`Program::filter_arrow`]
//! turns a `bool` program into the selection of rows where it holds.
//!
//! - **Zero-copy reads.** Numeric, timestamp (nanoseconds) and duration (nanoseconds)
//!   columns are read in place by the compiled columns loop ([`Column`] slices and
//!   [`Column::Opt`] bitmaps with their bit offset: sliced arrays too), and so is a
//!   `Utf8` column of a `string` param ([`Column::Utf8`]: the loop reads its offsets and
//!   text; a `LargeUtf8` one's offsets are made `i32` first). Booleans are unpacked to
//!   bytes, coarser time units scaled to nanoseconds, and the other string columns cut
//!   into `&str`s once per run. Scalar results become the result array's buffer without
//!   a copy.
//! - **Selections** gather the selected rows of the columns a program reads
//!   (`arrow_select::take`) and run over those: a copy of the selected inputs.
//! - **The null rule** (SQL's, Gandiva's "null if null"). A null in a column bound to an
//!   optional param (`param x: f64?`) is `none`. A null in a column bound to a
//!   non-optional param makes the row's result null, and the row does not run: its
//!   inputs' slots hold garbage a program could fault on (a division by a null zero).
//!   The other rows run in ranges, each one call of the columns loop; a program that
//!   cannot fault and has no side effect runs every row in one loop (still vectorised)
//!   and has the null rows' results masked instead.
//! - **Lists** (`List`, `LargeList` of the above) have no columns entry: a program with
//!   a list param or result runs row by row through [`Program::run`] with [`Value`]s,
//!   correct but much slower.
//!
//! `types` maps Kiln types to Arrow types and back, the one table everything Arrow-facing
//! (the engine's Arrow entry, `kiln map`) uses.

mod error;
mod input;
mod output;
pub mod types;

pub use error::ArrowError;
pub use types::{arrow_field, arrow_type, binds, kiln_type};

use super::columns::RowError;
use super::{Column, ColumnBuf, Program};
use crate::abi::Fault;
use crate::codegen::is_column_type;
use crate::runtime::RunCtx;
use crate::types::ty::Ty;
use crate::value::Value;
use arrow_array::{Array, ArrayRef, BooleanArray, RecordBatch, UInt32Array};
use arrow_buffer::NullBuffer;
use arrow_schema::Field;
use input::{Bound, Values};

impl Program {
    /// Run the program over `batch`, one result per row: each param is bound to the
    /// column of its name (other columns are ignored). See the [module](self) for how
    /// nulls and types are read.
    ///
    /// ```
    /// use arrow_array::{Array, ArrayRef, Float64Array, Int64Array, RecordBatch, UInt32Array};
    /// use kiln::Engine;
    /// use std::sync::Arc;
    ///
    /// let program = Engine::new()
    ///     .compile("param price: f64; param qty: i64; price * f64(qty)")
    ///     .unwrap();
    /// let batch = RecordBatch::try_from_iter([
    ///     ("qty", Arc::new(Int64Array::from(vec![Some(4), None, Some(8)])) as ArrayRef),
    ///     ("price", Arc::new(Float64Array::from(vec![2.5, 4.0, 1.25])) as ArrayRef),
    /// ])
    /// .unwrap();
    /// let totals = program.run_arrow(&batch).unwrap();
    /// let totals = totals.as_any().downcast_ref::<Float64Array>().unwrap();
    /// // A null `qty` makes its row's result null (SQL's rule); the row does not run.
    /// assert_eq!(totals, &Float64Array::from(vec![Some(10.0), None, Some(10.0)]));
    ///
    /// let big = Engine::new().compile("param price: f64; price > 2.0").unwrap();
    /// assert_eq!(big.filter_arrow(&batch).unwrap(), UInt32Array::from(vec![0, 1]));
    /// ```
    pub fn run_arrow(&self, batch: &RecordBatch) -> Result<ArrayRef, ArrowError> {
        let arrays = self.batch_columns(batch)?;
        self.arrow_run(&arrays, batch.num_rows())
    }

    /// Like [`Program::run_arrow`], with one array per param, in order.
    pub fn run_arrow_columns(&self, columns: &[ArrayRef]) -> Result<ArrayRef, ArrowError> {
        let rows = columns.first().map_or(0, |c| c.len());
        match self.run_arrow_in(&mut self.new_ctx(), columns, rows)? {
            (array, None) => Ok(array),
            (_, Some(error)) => Err(from_row_error(error)),
        }
    }

    /// Like [`Program::run_arrow`], running only the rows `selection` names (in its
    /// order, repeats allowed): the result has `selection.len()` rows. A fault names the
    /// batch's row.
    pub fn run_arrow_selected(
        &self,
        batch: &RecordBatch,
        selection: &UInt32Array,
    ) -> Result<ArrayRef, ArrowError> {
        check_selection(batch, selection)?;
        let arrays = self.batch_columns(batch)?;
        let mut taken = Vec::with_capacity(arrays.len());
        for (name, array) in &arrays {
            let array = arrow_select::take::take(array.as_ref(), selection, None)
                .map_err(|e| ArrowError::Program(format!("column `{name}`: {e}")))?;
            taken.push((*name, array));
        }
        let arrays: Vec<(&str, &ArrayRef)> = taken.iter().map(|(n, a)| (*n, a)).collect();
        self.arrow_run(&arrays, selection.len())
            .map_err(|e| batch_row(e, selection))
    }

    /// The indices of the rows of `batch` where a `bool` (or `bool?`) program is true
    /// (false and null rows left out), for `arrow_select`'s `take` or as a selection.
    ///
    /// ```
    /// use arrow_array::{ArrayRef, Int32Array, RecordBatch, UInt32Array};
    /// use kiln::Engine;
    /// use std::sync::Arc;
    ///
    /// let adult = Engine::new().compile("param age: i32; age >= 18").unwrap();
    /// let ages: ArrayRef = Arc::new(Int32Array::from(vec![Some(30), Some(12), None, Some(18)]));
    /// let batch = RecordBatch::try_from_iter([("age", ages)]).unwrap();
    /// assert_eq!(adult.filter_arrow(&batch).unwrap(), UInt32Array::from(vec![0, 3]));
    /// ```
    pub fn filter_arrow(&self, batch: &RecordBatch) -> Result<UInt32Array, ArrowError> {
        self.check_filter()?;
        let result = self.run_arrow(batch)?;
        Ok(true_rows(&result, None))
    }

    /// Like [`Program::filter_arrow`] over the rows `selection` names: the entries of
    /// `selection` (batch rows) where the program is true.
    pub fn filter_arrow_selected(
        &self,
        batch: &RecordBatch,
        selection: &UInt32Array,
    ) -> Result<UInt32Array, ArrowError> {
        self.check_filter()?;
        let result = self.run_arrow_selected(batch, selection)?;
        Ok(true_rows(&result, Some(selection)))
    }

    /// The Arrow field of the result, named `name` (`None` for a program without a
    /// result). It is nullable when the result is optional, or when a param is not
    /// optional (a null in its column makes the row's result null).
    pub fn arrow_output_field(&self, name: &str) -> Option<Field> {
        let field = arrow_field(name, self.output_type()?)?;
        let nullable = field.is_nullable() || self.params().iter().any(|p| !p.ty.is_opt());
        Some(field.with_nullable(nullable))
    }

    /// The column of `batch` each param is bound to, by name.
    fn batch_columns<'b>(
        &'b self,
        batch: &'b RecordBatch,
    ) -> Result<Vec<(&'b str, &'b ArrayRef)>, ArrowError> {
        let schema = batch.schema_ref();
        self.params()
            .iter()
            .map(|p| match schema.index_of(&p.name) {
                Ok(i) => Ok((p.name.as_str(), batch.column(i))),
                Err(_) => Err(ArrowError::MissingColumn {
                    param: p.name.clone(),
                    suggestion: error::closest(
                        &p.name,
                        schema.fields().iter().map(|f| f.name().as_str()),
                    ),
                }),
            })
            .collect()
    }

    fn check_filter(&self) -> Result<(), ArrowError> {
        match self.output_type().map(Ty::strip_opt) {
            Some(Ty::Bool) => Ok(()),
            Some(t) => Err(ArrowError::Program(format!(
                "a filter's program must be bool or bool?, not {}",
                self.output_type().unwrap_or(t)
            ))),
            None => Err(ArrowError::Program(
                "a filter's program must be bool or bool?, and this one has no result".into(),
            )),
        }
    }

    /// Run over `arrays` (one per param, in order, with its column's name) of `rows` rows.
    fn arrow_run(&self, arrays: &[(&str, &ArrayRef)], rows: usize) -> Result<ArrayRef, ArrowError> {
        match self.arrow_run_in(&mut self.new_ctx(), arrays, rows)? {
            (array, None) => Ok(array),
            (_, Some(error)) => Err(from_row_error(error)),
        }
    }

    /// [`Program::run_arrow_columns`] in the caller's run context (`kiln map`'s: its
    /// `print` output, interrupt and memory limit), a fault given back with the results
    /// of the rows before it rather than as an error. Only programs whose params and
    /// result are column types (not lists) run here. `rows` is the batch's length (what
    /// a program without params runs over).
    pub(crate) fn run_arrow_in(
        &self,
        ctx: &mut RunCtx,
        columns: &[ArrayRef],
        rows: usize,
    ) -> Result<(ArrayRef, Option<RowError>), ArrowError> {
        let arrays: Vec<(&str, &ArrayRef)> = self
            .params()
            .iter()
            .map(|p| p.name.as_str())
            .zip(columns)
            .collect();
        self.arrow_run_in(ctx, &arrays, rows)
    }

    fn arrow_run_in(
        &self,
        ctx: &mut RunCtx,
        arrays: &[(&str, &ArrayRef)],
        rows: usize,
    ) -> Result<(ArrayRef, Option<RowError>), ArrowError> {
        let params = self.params();
        if arrays.len() != params.len() {
            return Err(ArrowError::ColumnCount {
                expected: params.len(),
                found: arrays.len(),
            });
        }
        let Some(ret) = self.output_type() else {
            return Err(ArrowError::Program(
                "the program has no result to put in an array".into(),
            ));
        };
        // Dictionary-encoded columns are decoded to their values' type first (one pass;
        // the values are what binds to the param).
        let decoded = arrays
            .iter()
            .map(|(name, array)| input::decode_dictionary(name, array))
            .collect::<Result<Vec<Option<ArrayRef>>, _>>()?;
        let mut bound = Vec::with_capacity(params.len());
        for ((p, (name, array)), decoded) in params.iter().zip(arrays).zip(&decoded) {
            let array = decoded.as_ref().unwrap_or(array);
            if array.len() != rows {
                return Err(ArrowError::LengthMismatch {
                    column: (*name).to_owned(),
                    expected: rows,
                    found: array.len(),
                });
            }
            bound.push(Bound::new(name, array, &p.ty)?);
        }
        // The null rule: the rows where a column bound to a non-optional param is null.
        let mask = bound
            .iter()
            .filter(|b| !b.optional())
            .fold(None, |acc: Option<NullBuffer>, b| {
                NullBuffer::union(acc.as_ref(), b.nulls)
            })
            .filter(|m| m.null_count() > 0);
        let columnar = is_column_type(ret) && params.iter().all(|p| is_column_type(&p.ty));
        if !columnar {
            return Ok((self.arrow_rows(&bound, rows, mask.as_ref(), ret)?, None));
        }
        let values = bound
            .iter()
            .map(Bound::values)
            .collect::<Result<Vec<Values<'_>>, _>>()?;
        let inner: Vec<Column<'_>> = values.iter().map(Values::column).collect();
        let columns: Vec<Column<'_>> = inner
            .iter()
            .zip(&bound)
            .map(|(c, b)| match (b.optional(), b.nulls) {
                (true, Some(n)) => Column::Opt {
                    values: c,
                    validity: Some(n.validity()),
                    offset: n.offset(),
                },
                (true, None) => Column::Opt {
                    values: c,
                    validity: None,
                    offset: 0,
                },
                (false, _) => *c,
            })
            .collect();
        let runs: Option<Vec<(usize, usize)>> = match &mask {
            Some(m) if !self.inner.columns.any_row_may_run() => Some(m.valid_slices().collect()),
            _ => None,
        };
        let (buf, error) = self.run_rows_only(ctx, None, rows, &columns, runs.as_deref());
        // After a fault the results stop at its row: so does the null rule's mask.
        let mask = match (&mask, buf.len() < rows) {
            (Some(m), true) => Some(m.slice(0, buf.len())),
            _ => mask,
        };
        Ok((output::column_array(buf, mask.as_ref())?, error))
    }

    /// The row-by-row path (a list param or result): each row's values through
    /// [`Program::run`].
    fn arrow_rows(
        &self,
        bound: &[Bound<'_>],
        rows: usize,
        mask: Option<&NullBuffer>,
        ret: &Ty,
    ) -> Result<ArrayRef, ArrowError> {
        let values = bound
            .iter()
            .map(|b| match b.ty.strip_opt() {
                Ty::List(_) => Ok(None),
                _ => b.values().map(Some),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut out = Vec::with_capacity(rows);
        let mut inputs = Vec::with_capacity(bound.len());
        for row in 0..rows {
            if mask.is_some_and(|m| m.is_null(row)) {
                out.push(Value::None);
                continue;
            }
            inputs.clear();
            for (b, v) in bound.iter().zip(&values) {
                inputs.push(b.value(v.as_ref(), row)?);
            }
            match self.run(&inputs) {
                Ok(v) => out.push(v.unwrap_or(Value::None)),
                Err(error) if error.fault == Fault::InvalidInput => {
                    return Err(ArrowError::Program(error.message))
                }
                Err(error) => return Err(ArrowError::Fault { row, error }),
            }
        }
        output::values_array(ret, &out)
    }
}

impl ColumnBuf {
    /// The column as an Arrow array of its type's [`arrow_type`]: scalar values handed
    /// over without copying, an optional column's validity bitmap as the null buffer.
    pub fn into_arrow(self) -> Result<ArrayRef, ArrowError> {
        output::column_array(self, None)
    }
}

/// A columnar run's error as an Arrow one: its input errors (E0605, row 0) are the
/// program's, the rest faults.
fn from_row_error(e: RowError) -> ArrowError {
    match e.error.fault {
        Fault::InvalidInput => ArrowError::Program(e.error.message),
        _ => ArrowError::Fault {
            row: e.row,
            error: e.error,
        },
    }
}

/// A fault in row `i` of a selected run is in the batch's row `selection[i]`.
fn batch_row(e: ArrowError, selection: &UInt32Array) -> ArrowError {
    match e {
        ArrowError::Fault { row, error } if row < selection.len() => ArrowError::Fault {
            row: selection.value(row) as usize,
            error,
        },
        e => e,
    }
}

/// A selection of `batch`'s rows has no nulls and names only rows it has.
fn check_selection(batch: &RecordBatch, selection: &UInt32Array) -> Result<(), ArrowError> {
    if selection.null_count() > 0 {
        return Err(ArrowError::Program(
            "a selection vector must not hold nulls".into(),
        ));
    }
    let rows = batch.num_rows();
    match selection.values().iter().position(|&r| r as usize >= rows) {
        Some(index) => Err(ArrowError::BadSelection {
            index,
            row: selection.value(index),
            rows,
        }),
        None => Ok(()),
    }
}

/// The rows (or, with a selection, its entries at those rows) where `result`, a
/// Boolean array, is true and not null.
pub(crate) fn true_rows(result: &ArrayRef, selection: Option<&UInt32Array>) -> UInt32Array {
    let Some(bools) = result.as_any().downcast_ref::<BooleanArray>() else {
        return UInt32Array::from(Vec::<u32>::new());
    };
    let truth = match bools.nulls() {
        Some(n) => bools.values() & n.inner(),
        None => bools.values().clone(),
    };
    let rows = truth.set_indices().map(|i| match selection {
        Some(s) => s.value(i),
        None => i as u32,
    });
    UInt32Array::from_iter_values(rows)
}
