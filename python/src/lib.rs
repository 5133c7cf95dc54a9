//! Kiln for Python: the `kiln._kiln` extension module (pyo3), which the `kiln` Python
//! package (`python/kiln/`) re-exports.
//!
//! - [`program`]: `kiln.compile` and `kiln.Program`: params, one-row calls, batch runs.
//! - [`values`]: Python objects as Kiln [`Value`](kiln::Value)s and back (one-row calls,
//!   scalars broadcast over a batch).
//! - [`numpy_io`]: numpy arrays as Arrow arrays over the same memory, and results back as
//!   numpy arrays that take over the result's buffer.
//! - [`capsule`]: the Arrow C data and stream interfaces through Python's Arrow PyCapsule
//!   protocol (`__arrow_c_array__`, `__arrow_c_stream__`), both ways, with no copy.
//! - [`errors`]: compile errors, runtime faults and bad input as Python exceptions.
//! - [`parallel`]: a batch run in cache-sized slices into one result, on one thread or
//!   several (`kiln.set_num_threads`).
//!
//! Every batch runs through the kiln crate's Arrow entry (`Program::run_arrow_columns`),
//! with the GIL released.

mod capsule;
mod errors;
mod numpy_io;
mod parallel;
mod program;
mod values;

use pyo3::prelude::*;

/// The extension module. Its names are re-exported by the `kiln` package.
#[pymodule]
fn _kiln(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(program::compile, m)?)?;
    m.add_function(wrap_pyfunction!(program::_compile_again, m)?)?;
    m.add_function(wrap_pyfunction!(parallel::set_num_threads, m)?)?;
    m.add_function(wrap_pyfunction!(parallel::get_num_threads, m)?)?;
    m.add_class::<program::Program>()?;
    m.add_class::<capsule::ArrowArray>()?;
    m.add_class::<capsule::ArrowStream>()?;
    m.add_function(wrap_pyfunction!(numpy_io::_column_address, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
