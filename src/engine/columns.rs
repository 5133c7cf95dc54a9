//! Columnar batches: a program run over whole columns of inputs in one call.
//!
//! [`Program::run_columns`] takes one [`Column`] per `param` (borrowed slices, all of one
//! length) and returns the results as one [`ColumnBuf`]. The rows run in a loop compiled
//! with the program (`codegen::COLUMNS_SYMBOL`), where the program is inlined and, when
//! it cannot fault, vectorised; there is no call per row.
//!
//! Rows run in chunks of [`CHUNK_ROWS`]: strings a chunk makes live in the run's arena
//! until its results are copied out, then the arena is reset, so memory stays bounded
//! however many rows there are.

use super::host::HostValue;
use super::Program;
use crate::abi::{Fault, RtStr};
use crate::codegen::{self, ColumnsFn};
use crate::jit::{self, Compiled, Options};
use crate::runtime::{display, RunCtx, RuntimeError, Value};
use crate::span::Span;
use crate::types::hir;
use crate::types::ty::{FloatTy, IntTy, Ty};
use std::fmt;
use std::sync::OnceLock;

/// Rows per chunk: the arena is reset (string results copied out) after each chunk.
pub const CHUNK_ROWS: usize = 4096;

/// The one table of scalar column types: variant (also the `Value` variant), Rust type,
/// Kiln type.
macro_rules! scalar_columns {
    ($m:ident) => {
        $m! {
            Bool bool Ty::Bool,
            I8 i8 Ty::Int(IntTy::I8),
            I16 i16 Ty::Int(IntTy::I16),
            I32 i32 Ty::Int(IntTy::I32),
            I64 i64 Ty::Int(IntTy::I64),
            U8 u8 Ty::Int(IntTy::U8),
            U16 u16 Ty::Int(IntTy::U16),
            U32 u32 Ty::Int(IntTy::U32),
            U64 u64 Ty::Int(IntTy::U64),
            F32 f32 Ty::Float(FloatTy::F32),
            F64 f64 Ty::Float(FloatTy::F64),
        }
    };
}

macro_rules! define_columns {
    ($($v:ident $t:ident $ty:expr,)*) => {
        /// One input column: a borrowed slice of values of one Kiln type, one variant per
        /// scalar type and `Str` for strings. Build one with `Column::from(&slice[..])`.
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub enum Column<'a> {
            $(#[doc = concat!("`", stringify!($t), "` values.")] $v(&'a [$t]),)*
            /// String values.
            Str(&'a [&'a str]),
        }

        /// One output column: the results of a columnar run, one per row.
        #[derive(Clone, Debug, PartialEq)]
        pub enum ColumnBuf {
            $(#[doc = concat!("`", stringify!($t), "` values.")] $v(Vec<$t>),)*
            /// String values.
            Str(Vec<String>),
        }

        impl Column<'_> {
            /// Number of rows.
            pub fn len(&self) -> usize {
                match self {
                    $(Column::$v(c) => c.len(),)*
                    Column::Str(c) => c.len(),
                }
            }

            /// The Kiln type of the values.
            pub fn ty(&self) -> Ty {
                match self {
                    $(Column::$v(_) => $ty,)*
                    Column::Str(_) => Ty::Str,
                }
            }

            /// The value in row `row`, if there is one.
            pub fn get(&self, row: usize) -> Option<Value> {
                match self {
                    $(Column::$v(c) => c.get(row).map(|v| Value::$v(*v)),)*
                    Column::Str(c) => c.get(row).map(|v| Value::Str((*v).to_owned())),
                }
            }

            /// Address of the first element, for the scalar variants (`None`: strings).
            fn scalar_base(&self) -> Option<*const u8> {
                match self {
                    $(Column::$v(c) => Some(c.as_ptr() as *const u8),)*
                    Column::Str(_) => None,
                }
            }
        }

        impl ColumnBuf {
            /// Number of rows.
            pub fn len(&self) -> usize {
                match self {
                    $(ColumnBuf::$v(c) => c.len(),)*
                    ColumnBuf::Str(c) => c.len(),
                }
            }

            /// The Kiln type of the values.
            pub fn ty(&self) -> Ty {
                match self {
                    $(ColumnBuf::$v(_) => $ty,)*
                    ColumnBuf::Str(_) => Ty::Str,
                }
            }

            /// The value in row `row`, if there is one.
            pub fn get(&self, row: usize) -> Option<Value> {
                match self {
                    $(ColumnBuf::$v(c) => c.get(row).map(|v| Value::$v(*v)),)*
                    ColumnBuf::Str(c) => c.get(row).map(|v| Value::Str(v.clone())),
                }
            }

            /// Borrow as an input column (`None` for strings: a `Vec<String>` is not a
            /// `&[&str]`).
            pub fn as_column(&self) -> Option<Column<'_>> {
                match self {
                    $(ColumnBuf::$v(c) => Some(Column::$v(c)),)*
                    ColumnBuf::Str(_) => None,
                }
            }

            /// Append `value`; `false` (and nothing appended) when its type is not the
            /// column's.
            pub fn push(&mut self, value: Value) -> bool {
                match (self, value) {
                    $((ColumnBuf::$v(c), Value::$v(v)) => c.push(v),)*
                    (ColumnBuf::Str(c), Value::Str(v)) => c.push(v),
                    _ => return false,
                }
                true
            }

            /// An empty column of type `ty` (`None`: a list type).
            pub fn empty(ty: &Ty) -> Option<ColumnBuf> {
                match ty {
                    Ty::Str => Some(ColumnBuf::Str(Vec::new())),
                    ty => ColumnBuf::zeroed(ty, 0),
                }
            }

            /// `rows` zero values of scalar type `ty` (`None`: not a scalar type).
            fn zeroed(ty: &Ty, rows: usize) -> Option<ColumnBuf> {
                $(if *ty == $ty {
                    return Some(ColumnBuf::$v(vec![<$t>::default(); rows]));
                })*
                None
            }

            /// Address of the first element, for the scalar variants (`None`: strings).
            fn scalar_base_mut(&mut self) -> Option<*mut u8> {
                match self {
                    $(ColumnBuf::$v(c) => Some(c.as_mut_ptr() as *mut u8),)*
                    ColumnBuf::Str(_) => None,
                }
            }

            fn truncate(&mut self, rows: usize) {
                match self {
                    $(ColumnBuf::$v(c) => c.truncate(rows),)*
                    ColumnBuf::Str(c) => c.truncate(rows),
                }
            }
        }

        $(
            impl<'a> From<&'a [$t]> for Column<'a> {
                fn from(values: &'a [$t]) -> Self {
                    Column::$v(values)
                }
            }

            impl<'a> From<&'a Vec<$t>> for Column<'a> {
                fn from(values: &'a Vec<$t>) -> Self {
                    Column::$v(values)
                }
            }

            impl From<Vec<$t>> for ColumnBuf {
                fn from(values: Vec<$t>) -> Self {
                    ColumnBuf::$v(values)
                }
            }

            impl TryFrom<ColumnBuf> for Vec<$t> {
                /// The column, unchanged, when it holds another type.
                type Error = ColumnBuf;
                fn try_from(column: ColumnBuf) -> Result<Self, ColumnBuf> {
                    match column {
                        ColumnBuf::$v(values) => Ok(values),
                        other => Err(other),
                    }
                }
            }
        )*
    };
}

scalar_columns!(define_columns);

impl<'a> From<&'a [&'a str]> for Column<'a> {
    fn from(values: &'a [&'a str]) -> Self {
        Column::Str(values)
    }
}

impl<'a> From<&'a Vec<&'a str>> for Column<'a> {
    fn from(values: &'a Vec<&'a str>) -> Self {
        Column::Str(values)
    }
}

impl From<Vec<String>> for ColumnBuf {
    fn from(values: Vec<String>) -> Self {
        ColumnBuf::Str(values)
    }
}

impl TryFrom<ColumnBuf> for Vec<String> {
    /// The column, unchanged, when it holds another type.
    type Error = ColumnBuf;
    fn try_from(column: ColumnBuf) -> Result<Self, ColumnBuf> {
        match column {
            ColumnBuf::Str(values) => Ok(values),
            other => Err(other),
        }
    }
}

impl Column<'_> {
    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl ColumnBuf {
    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A fault in one row of a columnar run ([`Program::run_columns`]). Columns that do not
/// match the program's params are reported as row 0 with fault `InvalidInput` (E0605).
#[derive(Clone, Debug, PartialEq)]
pub struct RowError {
    /// 0-based index of the row.
    pub row: usize,
    /// The fault, as [`Program::run`] would report it for that row alone.
    pub error: RuntimeError,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {}: {}", self.row, self.error)
    }
}

impl std::error::Error for RowError {}

fn invalid(message: String) -> RowError {
    RowError {
        row: 0,
        error: RuntimeError {
            fault: Fault::InvalidInput,
            span: Span::default(),
            message,
        },
    }
}

/// A program's columnar code, compiled on first use: the columns entry makes a module
/// about ten times slower to compile (a loop, optimised and vectorised), a cost only
/// programs that run over columns should pay.
pub(super) struct Lazy {
    program: hir::Program,
    options: Options,
    compiled: OnceLock<Result<Compiled, String>>,
}

impl Lazy {
    /// `options` ask for the columns entry.
    pub fn new(program: &hir::Program, options: Options) -> Lazy {
        Lazy {
            program: program.clone(),
            options,
            compiled: OnceLock::new(),
        }
    }

    /// The program compiled with its columns entry (compiled now if not yet).
    fn get(&self, source: &str) -> Result<&Compiled, RowError> {
        let compiled = self.compiled.get_or_init(|| {
            crate::with_stack(source, || jit::compile(&self.program, &self.options))
        });
        compiled
            .as_ref()
            .map_err(|e| invalid(format!("internal compiler error: {e}")))
    }
}

/// A columns entry with the arguments of one run.
struct Entry<'a> {
    entry: ColumnsFn,
    spans: &'a [Span],
    bases: &'a [*const u8],
    out: *mut u8,
}

/// Where one run's results go: a scalar column written in place, or string pairs copied
/// out into `String`s after each chunk.
enum Out {
    Scalar(ColumnBuf),
    Str(Vec<RtStr>, Vec<String>),
}

impl Program {
    /// Run the program once per row over `columns` (one per `param`, in order, all of
    /// one length) and collect the results into one column, in one call: the rows run
    /// in a compiled loop, not a call per row.
    ///
    /// Columns that do not match the params (count, types, lengths), a program whose
    /// params or result are lists, and a program without params or without a result are
    /// an `Err` with fault `InvalidInput` (E0605). A runtime fault stops the run and names
    /// its row (the program stays usable).
    ///
    /// ```
    /// use kiln::engine::{Column, ColumnBuf};
    /// use kiln::Engine;
    ///
    /// let program = Engine::new()
    ///     .compile("param price: f64; param qty: i32; price * qty")
    ///     .unwrap();
    /// let prices = [2.5, 4.0, 1.25];
    /// let qtys = [4i32, 2, 8];
    /// let totals = program
    ///     .run_columns(&[Column::from(&prices[..]), Column::from(&qtys[..])])
    ///     .unwrap();
    /// assert_eq!(totals, ColumnBuf::F64(vec![10.0, 8.0, 10.0]));
    ///
    /// // A fault names its row; the program stays usable.
    /// let program = Engine::new().compile("param a: i64; param b: i64; a / b").unwrap();
    /// let err = program
    ///     .run_columns(&[Column::from(&[1i64, 2, 3][..]), Column::from(&[1i64, 0, 1][..])])
    ///     .unwrap_err();
    /// assert_eq!((err.row, err.error.code()), (1, "E0601"));
    /// ```
    pub fn run_columns(&self, columns: &[Column<'_>]) -> Result<ColumnBuf, RowError> {
        self.columns_run(None, columns)
    }

    /// Like [`Program::run_columns`], passing `host` to the host functions that take a
    /// context (as [`Program::run_with`] does).
    pub fn run_columns_with<T: 'static>(
        &self,
        host: &T,
        columns: &[Column<'_>],
    ) -> Result<ColumnBuf, RowError> {
        self.columns_run(Some(HostValue::of(host)), columns)
    }

    fn columns_run(
        &self,
        host: Option<HostValue>,
        columns: &[Column<'_>],
    ) -> Result<ColumnBuf, RowError> {
        if self.params().is_empty() {
            return Err(invalid(
                "the program has no params, so there are no columns to run over".to_owned(),
            ));
        }
        let rows = columns.first().map_or(0, Column::len);
        match self.run_rows(&mut RunCtx::new(), host, rows, columns) {
            (out, None) => Ok(out),
            (_, Some(e)) => Err(e),
        }
    }

    /// The compiled program and its columns entry, after checking `columns` against the
    /// params: `rows` each.
    fn columns_entry(
        &self,
        rows: usize,
        columns: &[Column<'_>],
    ) -> Result<(&Compiled, ColumnsFn), RowError> {
        let params = self.params();
        let ret = self.output_type();
        let listed = params
            .iter()
            .map(|p| (format!("param `{}`", p.name), &p.ty))
            .chain(ret.map(|t| ("the result".to_owned(), t)));
        for (what, ty) in listed {
            if !codegen::is_column_type(ty) {
                return Err(invalid(format!(
                    "{what} has type {ty}; columns hold scalars and strings, not lists"
                )));
            }
        }
        if ret.is_none() {
            return Err(invalid(
                "the program has no result to put in a column".to_owned(),
            ));
        }
        if columns.len() != params.len() {
            return Err(invalid(format!(
                "the program takes {} param(s), {} column(s) given",
                params.len(),
                columns.len()
            )));
        }
        for (p, c) in params.iter().zip(columns) {
            if c.ty() != p.ty {
                return Err(invalid(format!(
                    "param `{}` has type {}, but a column of {} was given",
                    p.name,
                    p.ty,
                    c.ty()
                )));
            }
            if c.len() != rows {
                return Err(invalid(format!(
                    "columns differ in length: {} rows, but the column of `{}` has {}",
                    rows,
                    p.name,
                    c.len()
                )));
            }
        }
        let compiled = self.inner.columns.get(&self.inner.source)?;
        let entry = compiled
            .columns()
            .ok_or_else(|| invalid("the program was compiled without a columns entry".into()))?;
        Ok((compiled, entry))
    }

    /// Run `rows` rows over `columns` in `ctx` (the crate's way to run a program without
    /// params over a number of rows, and to observe the context). On a fault the output
    /// holds the rows before it.
    pub(crate) fn run_rows(
        &self,
        ctx: &mut RunCtx,
        host: Option<HostValue>,
        rows: usize,
        columns: &[Column<'_>],
    ) -> (ColumnBuf, Option<RowError>) {
        let ret = self.output_type().cloned().unwrap_or(Ty::Str);
        let mut out = match ColumnBuf::zeroed(&ret, rows) {
            Some(buf) => Out::Scalar(buf),
            None => Out::Str(Vec::new(), Vec::with_capacity(rows)),
        };
        let error = self.run_rows_into(ctx, host, rows, columns, &mut out).err();
        let buf = match out {
            Out::Scalar(mut buf) => {
                let done = error.as_ref().map_or(rows, |e| e.row.min(rows));
                buf.truncate(done);
                buf
            }
            Out::Str(_, strings) => ColumnBuf::Str(strings),
        };
        (buf, error)
    }

    fn run_rows_into(
        &self,
        ctx: &mut RunCtx,
        host: Option<HostValue>,
        rows: usize,
        columns: &[Column<'_>],
        out: &mut Out,
    ) -> Result<(), RowError> {
        let (compiled, entry) = self.columns_entry(rows, columns)?;
        let used = &self.inner.host;
        ctx.set_host(
            used.check(host)
                .map_err(|error| RowError { row: 0, error })?,
        );
        ctx.arm_stack_guard();
        // Strings cross as `{ ptr, i64 }` pairs (a `&str`'s layout is not guaranteed).
        let strings: Vec<Vec<RtStr>> = columns
            .iter()
            .map(|c| match c {
                Column::Str(values) => values
                    .iter()
                    .map(|s| RtStr {
                        ptr: s.as_ptr(),
                        len: s.len() as i64,
                    })
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
        let bases: Vec<*const u8> = columns
            .iter()
            .zip(&strings)
            .map(|(c, s)| c.scalar_base().unwrap_or(s.as_ptr() as *const u8))
            .collect();
        let out_base = match out {
            Out::Scalar(buf) => buf.scalar_base_mut().unwrap_or(std::ptr::null_mut()),
            Out::Str(pairs, _) => {
                pairs.resize(
                    rows,
                    RtStr {
                        ptr: std::ptr::null(),
                        len: 0,
                    },
                );
                pairs.as_mut_ptr() as *mut u8
            }
        };
        let spans = compiled.spans();
        let mut start = 0;
        while start < rows {
            let end = rows.min(start + CHUNK_ROWS);
            ctx.reset();
            // SAFETY: `entry` is this program's `kiln_columns`; every base points to
            // `rows` elements of its param's type in the natural layout (checked above;
            // strings converted to pairs), `out_base` to `rows` results, and
            // `start < end <= rows`.
            let stopped = unsafe { entry(ctx, bases.as_ptr(), out_base, start as i64, end as i64) };
            let stopped = (stopped.max(start as i64) as usize).min(end);
            let fault = if ctx.status() != 0 {
                let error = ctx.error(spans).unwrap_or_else(|| RuntimeError {
                    fault: Fault::InvalidInput,
                    span: Span::default(),
                    message: format!("unknown runtime fault {}", ctx.status()),
                });
                let error = used.finish(ctx, Err(error.clone())).err().unwrap_or(error);
                Some(RowError {
                    row: stopped,
                    error,
                })
            } else {
                used.finish(ctx, Ok(None)).err().map(|error| {
                    let run = Entry {
                        entry,
                        spans,
                        bases: &bases,
                        out: out_base,
                    };
                    self.locate(ctx, &run, start, end, error)
                })
            };
            let done = fault.as_ref().map_or(end, |f| f.row);
            if let Out::Str(pairs, strings) = out {
                // SAFETY: rows before `done` hold strings alive until `ctx` is reset.
                strings.extend(
                    pairs[start..done]
                        .iter()
                        .map(|p| unsafe { display::str_from_raw(p.ptr, p.len) }.to_owned()),
                );
            }
            if let Some(fault) = fault {
                return Err(fault);
            }
            start = end;
        }
        Ok(())
    }

    /// A host function reported a failure somewhere in rows `start..end` outside the
    /// status word (a pure function: see `host::Used::finish`). Run the rows again one at
    /// a time to find the first that fails; `error` (at `start`) if none does again. The
    /// arena is not reset meanwhile: results of rows before the failing one stay valid.
    fn locate(
        &self,
        ctx: &mut RunCtx,
        run: &Entry<'_>,
        start: usize,
        end: usize,
        error: RuntimeError,
    ) -> RowError {
        let used = &self.inner.host;
        for row in start..end {
            // SAFETY: as in `run_rows_into`, for the single row `row < end`.
            unsafe { (run.entry)(ctx, run.bases.as_ptr(), run.out, row as i64, row as i64 + 1) };
            let result = match ctx.error(run.spans) {
                Some(e) if ctx.status() != 0 => Err(e),
                _ => Ok(None),
            };
            if let Err(error) = used.finish(ctx, result) {
                return RowError { row, error };
            }
        }
        RowError { row: start, error }
    }
}

#[cfg(test)]
mod tests;
