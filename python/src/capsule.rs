//! The Arrow C data interface through Python's Arrow PyCapsule protocol, both ways.
//!
//! In: an object's `__arrow_c_array__()` gives a schema capsule (`"arrow_schema"`) and an
//! array capsule (`"arrow_array"`); its `__arrow_c_stream__()` a stream capsule
//! (`"arrow_array_stream"`). The array and the stream are *moved* out of their capsules
//! (the capsule's own release then does nothing) and imported by arrow-rs over the
//! producer's buffers: nothing is copied, and the producer's memory is released when the
//! last arrow-rs buffer over it is dropped. pyarrow, polars, DuckDB, pandas, nanoarrow
//! and arro3 all produce these.
//!
//! Out: [`ArrowArray`] and [`ArrowStream`] hold results and hand them out the same way
//! (`__arrow_c_array__`, `__arrow_c_stream__`), so `pyarrow.array(r)`,
//! `pyarrow.chunked_array(r)` or `polars.Series(r)` take them over without a copy. The
//! stream is exported by a small C stream implementation of our own: arrow-rs's
//! `FFI_ArrowArrayStream::new` streams record batches (a struct schema), and a result
//! column is a stream of plain arrays.

use crate::errors::arrow_rs_error;
use arrow_array::ffi::{from_ffi, from_ffi_and_data_type, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{make_array, Array, ArrayRef};
use arrow_schema::{Field, FieldRef};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyTuple};
use std::ffi::{c_char, c_int, CStr, CString};
use std::sync::Arc;

const SCHEMA: &CStr = c"arrow_schema";
const ARRAY: &CStr = c"arrow_array";
const STREAM: &CStr = c"arrow_array_stream";

/// Whether `obj` has the method `name` (the PyCapsule protocol's dunders).
pub fn has(obj: &Bound<'_, PyAny>, name: &str) -> bool {
    obj.hasattr(name).unwrap_or(false)
}

/// The capsule `obj` holds under `name`, its pointer checked against the name.
fn capsule_pointer<T>(obj: &Bound<'_, PyAny>, name: &CStr) -> PyResult<*mut T> {
    let capsule = obj.cast::<PyCapsule>().map_err(|_| {
        PyTypeError::new_err(format!(
            "expected a PyCapsule named {name:?}, got a {}",
            obj.get_type().name().map_or("?".into(), |n| n.to_string())
        ))
    })?;
    Ok(capsule.pointer_checked(Some(name))?.as_ptr().cast())
}

/// Import one array from `obj.__arrow_c_array__()`: its field (name, type, nullability)
/// and the array, over the producer's buffers.
pub fn import_array(obj: &Bound<'_, PyAny>) -> PyResult<(Field, ArrayRef)> {
    let pair = obj.call_method0("__arrow_c_array__")?;
    let pair = pair.cast::<PyTuple>().map_err(|_| {
        PyTypeError::new_err("__arrow_c_array__ must return a tuple of two capsules")
    })?;
    if pair.len() != 2 {
        return Err(PyTypeError::new_err(
            "__arrow_c_array__ must return a tuple of two capsules",
        ));
    }
    let schema_capsule = pair.get_item(0)?;
    let array_capsule = pair.get_item(1)?;
    let schema: *mut FFI_ArrowSchema = capsule_pointer(&schema_capsule, SCHEMA)?;
    let array: *mut FFI_ArrowArray = capsule_pointer(&array_capsule, ARRAY)?;
    // SAFETY: the capsules' names promise these structs (the protocol); the schema stays
    // owned by its capsule (alive until `pair` is dropped), the array is moved out of its
    // capsule, leaving a released struct the capsule's destructor ignores.
    let (field, data) = unsafe {
        let schema = &*schema;
        let field = Field::try_from(schema).map_err(arrow_rs_error)?;
        let array = FFI_ArrowArray::from_raw(array);
        (field, from_ffi(array, schema).map_err(arrow_rs_error)?)
    };
    Ok((field, make_array(data)))
}

/// A stream of arrays imported from `__arrow_c_stream__()`, pulled one array at a time.
/// It is `Send`: pulling may run the producer (a DuckDB query), so it is done with the
/// GIL released.
pub struct ImportedStream {
    stream: FFI_ArrowArrayStream,
    field: Field,
}

impl ImportedStream {
    /// Take over the stream `obj.__arrow_c_stream__()` gives, and read its schema.
    pub fn new(obj: &Bound<'_, PyAny>) -> PyResult<ImportedStream> {
        let capsule = obj.call_method0("__arrow_c_stream__")?;
        let raw: *mut FFI_ArrowArrayStream = capsule_pointer(&capsule, STREAM)?;
        // SAFETY: the capsule's name promises an ArrowArrayStream; it is moved out (the
        // capsule keeps a released one).
        let mut stream = unsafe { FFI_ArrowArrayStream::from_raw(raw) };
        let Some(get_schema) = stream.get_schema else {
            return Err(PyValueError::new_err(
                "the Arrow stream was already released",
            ));
        };
        let mut schema = FFI_ArrowSchema::empty();
        // SAFETY: a live stream's callback, called as the C stream interface says.
        let code = unsafe { get_schema(&mut stream, &mut schema) };
        if code != 0 {
            return Err(PyValueError::new_err(format!(
                "the Arrow stream has no schema: {}",
                last_error(&mut stream, code)
            )));
        }
        let field = Field::try_from(&schema).map_err(arrow_rs_error)?;
        Ok(ImportedStream { stream, field })
    }

    /// The stream's field: a struct of columns for a table, a column's type otherwise.
    pub fn field(&self) -> &Field {
        &self.field
    }

    /// The next array (`None` at the end), or the producer's error.
    pub fn next_array(&mut self) -> Result<Option<ArrayRef>, String> {
        let get_next = self
            .stream
            .get_next
            .ok_or("the Arrow stream was released")?;
        let mut array = FFI_ArrowArray::empty();
        // SAFETY: a live stream's callback, called as the C stream interface says.
        let code = unsafe { get_next(&mut self.stream, &mut array) };
        if code != 0 {
            return Err(last_error(&mut self.stream, code));
        }
        if array.is_released() {
            return Ok(None);
        }
        // SAFETY: the producer promises arrays of its schema's type.
        let data = unsafe { from_ffi_and_data_type(array, self.field.data_type().clone()) }
            .map_err(|e| e.to_string())?;
        Ok(Some(make_array(data)))
    }
}

/// The stream's message for a failed call (`code`, an errno value).
fn last_error(stream: &mut FFI_ArrowArrayStream, code: c_int) -> String {
    let message = stream.get_last_error.and_then(|f| {
        // SAFETY: the callback of a live stream; the string it returns is valid until
        // the next call on the stream, and is copied here.
        let text = unsafe { f(stream) };
        (!text.is_null()).then(|| {
            unsafe { CStr::from_ptr(text) }
                .to_string_lossy()
                .into_owned()
        })
    });
    message.unwrap_or_else(|| format!("error code {code}"))
}

/// The schema and array capsules of `array` (named `field`'s name).
fn array_capsules<'py>(
    py: Python<'py>,
    field: &Field,
    array: &ArrayRef,
) -> PyResult<Bound<'py, PyTuple>> {
    let schema = FFI_ArrowSchema::try_from(field).map_err(arrow_rs_error)?;
    let array = FFI_ArrowArray::new(&array.to_data());
    let schema = PyCapsule::new_with_value(py, schema, SCHEMA)?;
    let array = PyCapsule::new_with_value(py, array, ARRAY)?;
    PyTuple::new(py, [schema.into_any(), array.into_any()])
}

/// A result column as one Arrow array, for any Arrow library to take over without a
/// copy: `pyarrow.array(r)`, `polars.Series(r)`, `nanoarrow.c_array(r)`.
#[pyclass(frozen, module = "kiln", name = "ArrowArray")]
pub struct ArrowArray {
    field: FieldRef,
    array: ArrayRef,
}

impl ArrowArray {
    pub fn new(field: FieldRef, array: ArrayRef) -> ArrowArray {
        ArrowArray { field, array }
    }
}

#[pymethods]
impl ArrowArray {
    /// The Arrow PyCapsule protocol: `(schema capsule, array capsule)`. A requested
    /// schema is not honoured (the protocol allows that): the array keeps its type.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_array__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let _ = requested_schema;
        array_capsules(py, &self.field, &self.array)
    }

    /// The array's type as a schema capsule.
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        let schema = FFI_ArrowSchema::try_from(self.field.as_ref()).map_err(arrow_rs_error)?;
        PyCapsule::new_with_value(py, schema, SCHEMA)
    }

    fn __len__(&self) -> usize {
        self.array.len()
    }

    /// The Arrow type, as arrow-rs writes it (`Float64`, `Utf8`...).
    #[getter]
    fn r#type(&self) -> String {
        self.array.data_type().to_string()
    }

    /// How many values are null.
    #[getter]
    fn null_count(&self) -> usize {
        self.array.null_count()
    }

    fn __repr__(&self) -> String {
        format!(
            "<kiln.ArrowArray {} of {} ({} null)>",
            self.array.data_type(),
            self.array.len(),
            self.array.null_count()
        )
    }
}

/// A result column in chunks (one per input batch), as an Arrow stream of arrays:
/// `pyarrow.chunked_array(r)`, `polars.Series(r)`.
#[pyclass(frozen, module = "kiln", name = "ArrowStream")]
pub struct ArrowStream {
    field: FieldRef,
    chunks: Vec<ArrayRef>,
}

impl ArrowStream {
    pub fn new(field: FieldRef, chunks: Vec<ArrayRef>) -> ArrowStream {
        ArrowStream { field, chunks }
    }
}

#[pymethods]
impl ArrowStream {
    /// The Arrow PyCapsule protocol: a stream capsule over the chunks (each export
    /// streams all of them). A requested schema is not honoured.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let stream = export_stream(self.field.clone(), self.chunks.clone());
        PyCapsule::new_with_value(py, stream, STREAM)
    }

    /// The chunks' type as a schema capsule.
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        let schema = FFI_ArrowSchema::try_from(self.field.as_ref()).map_err(arrow_rs_error)?;
        PyCapsule::new_with_value(py, schema, SCHEMA)
    }

    /// Rows in all chunks.
    fn __len__(&self) -> usize {
        self.chunks.iter().map(|c| c.len()).sum()
    }

    /// The chunks, each an [`ArrowArray`].
    #[getter]
    fn chunks(&self) -> Vec<ArrowArray> {
        self.chunks
            .iter()
            .map(|c| ArrowArray::new(self.field.clone(), c.clone()))
            .collect()
    }

    /// The Arrow type, as arrow-rs writes it.
    #[getter]
    fn r#type(&self) -> String {
        self.field.data_type().to_string()
    }

    fn __repr__(&self) -> String {
        format!(
            "<kiln.ArrowStream {} of {} in {} chunk(s)>",
            self.field.data_type(),
            self.__len__(),
            self.chunks.len()
        )
    }
}

/// What an exported stream owns: the field, the chunks still to give, the last error.
struct StreamState {
    field: FieldRef,
    chunks: std::vec::IntoIter<ArrayRef>,
    error: Option<CString>,
}

/// A C stream over `chunks`, each an array of `field`'s type.
fn export_stream(field: FieldRef, chunks: Vec<ArrayRef>) -> FFI_ArrowArrayStream {
    let state = Box::new(StreamState {
        field,
        chunks: chunks.into_iter(),
        error: None,
    });
    FFI_ArrowArrayStream {
        get_schema: Some(stream_get_schema),
        get_next: Some(stream_get_next),
        get_last_error: Some(stream_get_last_error),
        release: Some(stream_release),
        private_data: Box::into_raw(state).cast(),
    }
}

/// The state of a stream made by [`export_stream`] (not yet released).
///
/// # Safety
/// `stream` must be one [`export_stream`] made, not released.
unsafe fn state<'a>(stream: *mut FFI_ArrowArrayStream) -> &'a mut StreamState {
    unsafe { &mut *((*stream).private_data as *mut StreamState) }
}

unsafe extern "C" fn stream_get_schema(
    stream: *mut FFI_ArrowArrayStream,
    out: *mut FFI_ArrowSchema,
) -> c_int {
    // SAFETY: the consumer calls this on a live stream of ours.
    let state = unsafe { state(stream) };
    match FFI_ArrowSchema::try_from(state.field.as_ref()) {
        Ok(schema) => {
            // SAFETY: `out` is the consumer's struct to fill (its old content released).
            unsafe { std::ptr::write(out, schema) };
            0
        }
        Err(e) => {
            state.error = CString::new(e.to_string()).ok();
            libc_einval()
        }
    }
}

unsafe extern "C" fn stream_get_next(
    stream: *mut FFI_ArrowArrayStream,
    out: *mut FFI_ArrowArray,
) -> c_int {
    // SAFETY: the consumer calls this on a live stream of ours.
    let state = unsafe { state(stream) };
    let array = match state.chunks.next() {
        Some(chunk) => FFI_ArrowArray::new(&chunk.to_data()),
        // A released array marks the end of the stream.
        None => FFI_ArrowArray::empty(),
    };
    // SAFETY: `out` is the consumer's struct to fill.
    unsafe { std::ptr::write(out, array) };
    0
}

unsafe extern "C" fn stream_get_last_error(stream: *mut FFI_ArrowArrayStream) -> *const c_char {
    // SAFETY: the consumer calls this on a live stream of ours.
    let state = unsafe { state(stream) };
    state
        .error
        .as_ref()
        .map_or(std::ptr::null(), |e| e.as_ptr())
}

unsafe extern "C" fn stream_release(stream: *mut FFI_ArrowArrayStream) {
    if stream.is_null() {
        return;
    }
    // SAFETY: the stream is ours and released once: the state is dropped, the callbacks
    // cleared, and `release` set to null marks it released.
    unsafe {
        let stream = &mut *stream;
        if !stream.private_data.is_null() {
            drop(Box::from_raw(stream.private_data as *mut StreamState));
        }
        stream.private_data = std::ptr::null_mut();
        stream.get_schema = None;
        stream.get_next = None;
        stream.get_last_error = None;
        stream.release = None;
    }
}

/// `EINVAL`, the C stream interface's code for a failed call (22 on every platform
/// Python runs on).
fn libc_einval() -> c_int {
    22
}

/// An `ArrayRef`'s field for a result column.
pub fn result_field(name: &str, array: &ArrayRef) -> FieldRef {
    Arc::new(Field::new(name, array.data_type().clone(), true))
}
