//! Batches on several threads: `kiln.set_num_threads(n)` cuts a batch of enough rows
//! into `n` slices (Arrow slices: no copy) that run at once on scoped threads, each with
//! its own run context (a `kiln::Program` is `Send + Sync`). A fault reports the first
//! faulting row in input order, as a run on one thread would.

use arrow_array::{Array, ArrayRef, RecordBatch};
use kiln::engine::ArrowError;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Threads a batch runs on (`set_num_threads`).
static THREADS: AtomicUsize = AtomicUsize::new(1);

/// Fewer rows than this per thread are not worth a thread.
const MIN_ROWS_PER_THREAD: usize = 1 << 16;

/// Run batches of `p.run` on `n` threads (default 1). A batch of fewer than 65 536 rows
/// per thread uses fewer threads. Returns the previous setting.
#[pyfunction]
pub fn set_num_threads(n: usize) -> PyResult<usize> {
    if n == 0 {
        return Err(PyValueError::new_err("the number of threads is at least 1"));
    }
    Ok(THREADS.swap(n, Ordering::Relaxed))
}

/// The number of threads a batch of `p.run` runs on (`set_num_threads`).
#[pyfunction]
pub fn get_num_threads() -> usize {
    THREADS.load(Ordering::Relaxed)
}

/// A fault's row is counted from the start of the input; other errors are row 0.
pub type RunError = (usize, ArrowError);

/// Run `program` over `batch` (params bound by name).
pub fn run_batch(program: &kiln::Program, batch: &RecordBatch) -> Result<ArrayRef, RunError> {
    split(batch.num_rows(), |start, len| {
        program.run_arrow(&batch.slice(start, len))
    })
}

/// Run `program` over `columns` (one per param, in order) of `rows` rows.
pub fn run_columns(
    program: &kiln::Program,
    columns: &[ArrayRef],
    rows: usize,
) -> Result<ArrayRef, RunError> {
    if columns.is_empty() {
        return program.run_arrow_columns(columns).map_err(|e| (0, e));
    }
    split(rows, |start, len| {
        let slices: Vec<ArrayRef> = columns.iter().map(|c| c.slice(start, len)).collect();
        program.run_arrow_columns(&slices)
    })
}

/// `run(start, len)` over slices of `rows` rows, on as many threads as are set and
/// worth it; the slices' results concatenated.
fn split<F>(rows: usize, run: F) -> Result<ArrayRef, RunError>
where
    F: Fn(usize, usize) -> Result<ArrayRef, ArrowError> + Sync,
{
    let threads = get_num_threads().min(rows / MIN_ROWS_PER_THREAD).max(1);
    if threads == 1 {
        return run(0, rows).map_err(|e| (fault_row(&e, 0), e));
    }
    let step = rows.div_ceil(threads);
    let starts: Vec<usize> = (0..threads)
        .map(|i| i * step)
        .filter(|&s| s < rows)
        .collect();
    let results: Vec<Result<ArrayRef, ArrowError>> = std::thread::scope(|scope| {
        let run = &run;
        let handles: Vec<_> = starts
            .iter()
            .map(|&start| scope.spawn(move || run(start, step.min(rows - start))))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let mut arrays = Vec::with_capacity(results.len());
    for (result, start) in results.into_iter().zip(starts) {
        match result {
            Ok(array) => arrays.push(array),
            Err(e) => return Err((fault_row(&e, start), e)),
        }
    }
    let refs: Vec<&dyn Array> = arrays.iter().map(|a| a.as_ref()).collect();
    arrow_select::concat::concat(&refs).map_err(|e| (0, ArrowError::Program(e.to_string())))
}

/// Where rows of a slice starting at `start` begin, for a fault in it (0 for other
/// errors, which are about the input as a whole).
fn fault_row(e: &ArrowError, start: usize) -> usize {
    match e {
        ArrowError::Fault { .. } => start,
        _ => 0,
    }
}
