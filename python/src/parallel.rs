//! How a batch runs: in slices, on one or several threads, into one result.
//!
//! A batch whose result is a fixed-width Arrow type (numbers, timestamps, durations) and
//! that has more than [`SLICE_ROWS`] rows runs slice by slice (Arrow slices of the
//! inputs: no copy), each slice's results copied into one result buffer while they are
//! still in the core's cache. The buffer is allocated once, asking the kernel for
//! transparent huge pages: a 10 M-row result written row by row into fresh 4 KiB pages
//! spends a quarter of its time in page faults, which numpy's own allocator avoids the
//! same way. `kiln.set_num_threads(n)` gives each of `n` scoped threads a contiguous
//! part of the rows (each with its own run context: a `kiln::Program` is
//! `Send + Sync`). Other results (strings, booleans, lists) and small batches run in one
//! call per thread's part, the parts' results concatenated.
//!
//! A fault reports the first faulting row in input order, as a run on one thread would.

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef, ArrowPrimitiveType, PrimitiveArray, RecordBatch};
use arrow_buffer::{BooleanBufferBuilder, NullBuffer, ScalarBuffer};
use arrow_schema::{DataType, TimeUnit};
use kiln::engine::ArrowError;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Threads a batch runs on (`set_num_threads`).
static THREADS: AtomicUsize = AtomicUsize::new(1);

/// Rows of one slice: its results (256 KiB of `f64`) stay in the core's cache until
/// they are copied into the result.
const SLICE_ROWS: usize = 1 << 15;

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
    run(program, batch.num_rows(), |start, len| {
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
    run(program, rows, |start, len| {
        let slices: Vec<ArrayRef> = columns.iter().map(|c| c.slice(start, len)).collect();
        program.run_arrow_columns(&slices)
    })
}

/// `slice(start, len)` (the program over those rows) over all `rows` rows.
fn run<F>(program: &kiln::Program, rows: usize, slice: F) -> Result<ArrayRef, RunError>
where
    F: Fn(usize, usize) -> Result<ArrayRef, ArrowError> + Sync,
{
    let threads = get_num_threads().min(rows / MIN_ROWS_PER_THREAD).max(1);
    let data_type = program
        .arrow_output_field("result")
        .map(|f| f.data_type().clone());
    if rows > SLICE_ROWS {
        macro_rules! fixed_width {
            ($($pattern:pat => $t:ty,)*) => {
                match data_type {
                    $(Some(dt @ $pattern) => return into_one::<$t, _>(dt, rows, threads, &slice),)*
                    _ => {}
                }
            };
        }
        fixed_width! {
            DataType::Float64 => Float64Type,
            DataType::Float32 => Float32Type,
            DataType::Int64 => Int64Type,
            DataType::Int32 => Int32Type,
            DataType::Int16 => Int16Type,
            DataType::Int8 => Int8Type,
            DataType::UInt64 => UInt64Type,
            DataType::UInt32 => UInt32Type,
            DataType::UInt16 => UInt16Type,
            DataType::UInt8 => UInt8Type,
            DataType::Timestamp(TimeUnit::Nanosecond, _) => TimestampNanosecondType,
            DataType::Duration(TimeUnit::Nanosecond) => DurationNanosecondType,
        }
    }
    concatenated(rows, threads, &slice)
}

/// Each thread's part of the rows run in one call, the parts' results concatenated.
fn concatenated<F>(rows: usize, threads: usize, slice: &F) -> Result<ArrayRef, RunError>
where
    F: Fn(usize, usize) -> Result<ArrayRef, ArrowError> + Sync,
{
    if threads == 1 {
        return slice(0, rows).map_err(|e| (fault_row(&e, 0), e));
    }
    let parts = parts(rows, threads);
    let results = on_threads(&parts, |&(start, len)| {
        slice(start, len).map_err(|e| (fault_row(&e, start), e))
    });
    let arrays = results.into_iter().collect::<Result<Vec<_>, _>>()?;
    let refs: Vec<&dyn Array> = arrays.iter().map(|a| a.as_ref()).collect();
    arrow_select::concat::concat(&refs).map_err(|e| (0, ArrowError::Program(e.to_string())))
}

/// Fixed-width results of every slice copied into one buffer, each thread filling its
/// own part; the slices' nulls joined into one null buffer when there are any.
fn into_one<T, F>(
    data_type: DataType,
    rows: usize,
    threads: usize,
    slice: &F,
) -> Result<ArrayRef, RunError>
where
    T: ArrowPrimitiveType,
    F: Fn(usize, usize) -> Result<ArrayRef, ArrowError> + Sync,
{
    let mut values = huge_page_vec::<T::Native>(rows);
    let parts = parts(rows, threads);
    let mut outs: Vec<(usize, &mut [T::Native])> = Vec::with_capacity(parts.len());
    let mut rest: &mut [T::Native] = &mut values;
    for &(start, len) in &parts {
        let (part, tail) = rest.split_at_mut(len);
        outs.push((start, part));
        rest = tail;
    }
    let fill = |(start, out): &mut (usize, &mut [T::Native])| -> Result<Vec<(usize, NullBuffer)>, RunError> {
        let mut nulls = Vec::new();
        let mut done = 0;
        while done < out.len() {
            let len = SLICE_ROWS.min(out.len() - done);
            let first = *start + done;
            let array = slice(first, len).map_err(|e| (fault_row(&e, first), e))?;
            let array = array.as_primitive::<T>();
            out[done..done + len].copy_from_slice(array.values());
            if let Some(n) = array.nulls().filter(|n| n.null_count() > 0) {
                nulls.push((done + *start, n.clone()));
            }
            done += len;
        }
        Ok(nulls)
    };
    let results = match outs.len() {
        1 => vec![fill(&mut outs[0])],
        _ => on_threads_mut(&mut outs, fill),
    };
    let mut nulls = Vec::new();
    for result in results {
        nulls.extend(result?);
    }
    let nulls = (!nulls.is_empty()).then(|| {
        let mut bits = BooleanBufferBuilder::new(rows);
        for (start, n) in nulls {
            bits.append_n(start - bits.len(), true);
            bits.append_buffer(n.inner());
        }
        bits.append_n(rows - bits.len(), true);
        NullBuffer::new(bits.finish())
    });
    let array = PrimitiveArray::<T>::new(ScalarBuffer::from(values), nulls);
    Ok(Arc::new(array.with_data_type(data_type)))
}

/// `rows` cut into `threads` contiguous parts: `(start, len)`.
fn parts(rows: usize, threads: usize) -> Vec<(usize, usize)> {
    let step = rows.div_ceil(threads.max(1)).max(1);
    (0..rows)
        .step_by(step)
        .map(|start| (start, step.min(rows - start)))
        .collect()
}

/// `work` on each item, each on a scoped thread; the results in the items' order.
fn on_threads<I: Sync, R: Send>(items: &[I], work: impl Fn(&I) -> R + Sync) -> Vec<R> {
    std::thread::scope(|scope| {
        let work = &work;
        let handles: Vec<_> = items.iter().map(|i| scope.spawn(move || work(i))).collect();
        handles.into_iter().map(join).collect()
    })
}

/// [`on_threads`] over items each thread may change.
fn on_threads_mut<I: Send, R: Send>(items: &mut [I], work: impl Fn(&mut I) -> R + Sync) -> Vec<R> {
    std::thread::scope(|scope| {
        let work = &work;
        let handles: Vec<_> = items
            .iter_mut()
            .map(|i| scope.spawn(move || work(i)))
            .collect();
        handles.into_iter().map(join).collect()
    })
}

/// A scoped thread's result; its panic goes on in the caller.
fn join<R>(handle: std::thread::ScopedJoinHandle<'_, R>) -> R {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// A zeroed vector of `len` values whose pages, when the allocation is large enough to
/// be a fresh mapping, are backed by transparent huge pages (`madvise`; a hint the
/// kernel may ignore). The pages are only touched when the results are written.
fn huge_page_vec<T: Clone + Default>(len: usize) -> Vec<T> {
    let values = vec![T::default(); len];
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let bytes = len * std::mem::size_of::<T>();
        if bytes >= 4 * HUGE {
            let start = values.as_ptr() as usize;
            let first = start.next_multiple_of(HUGE);
            let end = (start + bytes) / HUGE * HUGE;
            if end > first {
                // SAFETY: `first..end` lies inside the vector's allocation; advice changes
                // no contents, only how the kernel backs the pages.
                unsafe {
                    libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_HUGEPAGE);
                }
            }
        }
    }
    values
}

/// Where rows of a slice starting at `start` begin, for a fault in it (0 for other
/// errors, which are about the input as a whole).
fn fault_row(e: &ArrowError, start: usize) -> usize {
    match e {
        ArrowError::Fault { .. } => start,
        _ => 0,
    }
}
