//! Running a program over columns: checking them, the chunked loop over the compiled
//! columns entry, faults by row, and the lazily compiled columnar code.

use super::{invalid, Column, ColumnBuf, RowError, CHUNK_ROWS};
use crate::abi::RtStr;
use crate::codegen::{self, ColumnsFn};
use crate::driver::{self, InternalError, Options};
use crate::engine::host::HostValue;
use crate::engine::Program;
use crate::jit::Compiled;
use crate::runtime::{display, RunCtx};
use crate::span::Span;
use crate::types::hir::{self, Walk as _};
use crate::types::ty::Ty;
use crate::value::{layout, RunError, RuntimeError};
use kiln_runtime::typecode::NONE_LEN;
use std::sync::OnceLock;

/// A program's columnar code, compiled on first use: the columns entry makes a module
/// about ten times slower to compile (a loop, optimised and vectorised), a cost only
/// programs that run over columns should pay.
pub(crate) struct Lazy {
    program: hir::Program,
    options: Options,
    pub(super) compiled: OnceLock<Result<Compiled, InternalError>>,
    /// [`Lazy::any_row_may_run`], once known.
    any_row: OnceLock<bool>,
}

impl Lazy {
    /// `options` ask for the columns entry.
    pub fn new(program: &hir::Program, options: Options) -> Lazy {
        Lazy {
            program: program.clone(),
            options,
            compiled: OnceLock::new(),
            any_row: OnceLock::new(),
        }
    }

    /// Whether running a row whatever its inputs hold can change nothing but its own
    /// result: the program cannot fault (no division, loop, host call that may fail...)
    /// and has no side effect (`print`, host functions). Such a program may run rows
    /// whose inputs are garbage (an Arrow null's slot) and have their results masked.
    pub(crate) fn any_row_may_run(&self) -> bool {
        *self.any_row.get_or_init(|| {
            let program = &self.program;
            let impure = |e: &hir::Expr| {
                matches!(
                    e.kind,
                    hir::ExprKind::Builtin {
                        op: hir::Builtin::Print,
                        ..
                    } | hir::ExprKind::CallHost { .. }
                        | hir::ExprKind::CallExtern { .. }
                )
            };
            let touches = program.main.body.any(impure)
                || program.functions.iter().any(|f| f.body.any(impure));
            !touches && !codegen::main_may_fail(program, &self.options.host, self.options.overflow)
        })
    }

    /// The program compiled with its columns entry (compiled now if not yet).
    fn get(&self) -> Result<&Compiled, RowError> {
        let compiled = self
            .compiled
            .get_or_init(|| driver::compile(&self.program, &self.options));
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

/// Where one run's results go: a scalar column written in place, a scalar optional's
/// values in place and its validity bytes (one per row, packed into a bitmap at the
/// end), or string pairs copied out into `String`s after each chunk (for a `string?`,
/// with whether each is not `none`).
enum Out {
    Scalar(ColumnBuf),
    OptScalar(ColumnBuf, Vec<u8>),
    Str(Vec<RtStr>, Vec<String>, Option<Vec<bool>>),
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
        match self.run_rows(&mut self.new_ctx(), host, rows, columns) {
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
            if let Column::Opt {
                values,
                validity,
                offset,
            } = c
            {
                if values.ty().is_opt() {
                    return Err(invalid(format!(
                        "the values of an optional column are a column of {}, not of an optional type",
                        values.ty()
                    )));
                }
                let needed = offset.checked_add(rows).map(|bits| bits.div_ceil(8));
                if validity.is_some_and(|v| needed.is_none_or(|n| v.len() < n)) {
                    return Err(invalid(format!(
                        "the validity bitmap of the column of `{}` is too short for {rows} rows",
                        p.name
                    )));
                }
            }
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
        let compiled = self.inner.columns.get()?;
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
        self.run_rows_only(ctx, host, rows, columns, None)
    }

    /// [`Program::run_rows`] running only the rows of `runs` (sorted, disjoint ranges
    /// `start..end` of rows; `None`: every row), each range one call of the columns
    /// entry: rows outside them are never run, and their results are zero, empty or
    /// `none` (the Arrow entry's null rule, `engine::arrow`).
    pub(crate) fn run_rows_only(
        &self,
        ctx: &mut RunCtx,
        host: Option<HostValue>,
        rows: usize,
        columns: &[Column<'_>],
        runs: Option<&[(usize, usize)]>,
    ) -> (ColumnBuf, Option<RowError>) {
        let ret = self.output_type().cloned().unwrap_or(Ty::Str);
        let mut out = match (&ret, ColumnBuf::zeroed(ret.strip_opt(), rows)) {
            (Ty::Opt(_), Some(buf)) => Out::OptScalar(buf, vec![0; rows]),
            (_, Some(buf)) => Out::Scalar(buf),
            (t, None) => Out::Str(
                Vec::new(),
                Vec::with_capacity(rows),
                t.is_opt().then(|| Vec::with_capacity(rows)),
            ),
        };
        let error = self
            .run_rows_into(ctx, host, rows, columns, runs, &mut out)
            .err();
        let done = error.as_ref().map_or(rows, |e| e.row.min(rows));
        let buf = match out {
            Out::Scalar(mut buf) => {
                buf.truncate(done);
                buf
            }
            Out::OptScalar(mut values, valid) => {
                values.truncate(done);
                ColumnBuf::Opt {
                    values: Box::new(values),
                    validity: pack_bytes(&valid[..done]),
                }
            }
            Out::Str(_, strings, None) => ColumnBuf::Str(strings),
            Out::Str(_, strings, Some(valid)) => ColumnBuf::Opt {
                values: Box::new(ColumnBuf::Str(strings)),
                validity: super::validity_bitmap(valid),
            },
        };
        (buf, error)
    }

    fn run_rows_into(
        &self,
        ctx: &mut RunCtx,
        host: Option<HostValue>,
        rows: usize,
        columns: &[Column<'_>],
        runs: Option<&[(usize, usize)]>,
        out: &mut Out,
    ) -> Result<(), RowError> {
        let (compiled, entry) = self.columns_entry(rows, columns)?;
        let used = &self.inner.host;
        ctx.set_host(
            used.check(host)
                .map_err(|error| RowError { row: 0, error })?,
        );
        ctx.arm_stack_guard();
        // Strings cross as `{ ptr, i64 }` pairs (a `&str`'s layout is not guaranteed);
        // a `string?` that is none as the pair of length -1.
        let strings: Vec<Vec<RtStr>> = columns.iter().map(string_pairs).collect();
        let mut bases: Vec<*const u8> = columns
            .iter()
            .zip(&strings)
            .map(|(c, s)| {
                let base = match c {
                    Column::Opt { values, .. } => values.scalar_base(),
                    c => c.scalar_base(),
                };
                base.unwrap_or(s.as_ptr() as *const u8)
            })
            .collect();
        // The validity bytes of scalar optional columns follow (see
        // `codegen::COLUMNS_SYMBOL`): one chunk's, expanded before it runs.
        let optional: Vec<&Column<'_>> = columns.iter().filter(|c| has_bytes(c)).collect();
        let mut validity = vec![vec![0u8; CHUNK_ROWS.min(rows).max(1)]; optional.len()];
        let first_validity = bases.len();
        bases.extend(validity.iter().map(|v| v.as_ptr()));
        if let Out::OptScalar(_, valid) = out {
            bases.push(valid.as_mut_ptr() as *const u8);
        }
        // Each `string` column's Arrow offsets and text, or nulls for its pairs.
        for c in columns.iter().filter(|c| c.ty() == Ty::Str) {
            let (offsets, data) = match c {
                Column::Utf8(u) => u.raw(),
                _ => (std::ptr::null(), std::ptr::null()),
            };
            bases.extend([offsets as *const u8, data]);
        }
        let out_base = match out {
            Out::Scalar(buf) | Out::OptScalar(buf, _) => {
                buf.scalar_base_mut().unwrap_or(std::ptr::null_mut())
            }
            Out::Str(pairs, _, _) => {
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
            if start > 0 {
                // `check` began the first chunk's run; `finish` ended the last one.
                used.begin();
            }
            ctx.reset();
            for (k, (c, bytes)) in optional.iter().zip(&mut validity).enumerate() {
                expand_validity(c, start, end, bytes);
                // Row `r`'s byte is `bytes[r - start]` (the entry indexes by row).
                bases[first_validity + k] = bytes.as_ptr().wrapping_sub(start);
            }
            let mut fault = None;
            for (a, b) in ranges_in(runs, start, end) {
                // SAFETY: `entry` is this program's `kiln_columns`; every base points to
                // `rows` elements of its param's type in the natural layout (checked
                // above; strings converted to pairs), `out_base` to `rows` results, and
                // `start <= a < b <= end <= rows`.
                let stopped = unsafe { entry(ctx, bases.as_ptr(), out_base, a as i64, b as i64) };
                if ctx.status() != 0 {
                    let stopped = (stopped.max(a as i64) as usize).min(b);
                    let error = compiled.fault(ctx);
                    let error = used.finish(ctx, Err(error.clone())).err().unwrap_or(error);
                    fault = Some(RowError {
                        row: stopped,
                        error,
                    });
                    break;
                }
            }
            if fault.is_none() {
                fault = used.finish(ctx, Ok(None)).err().map(|error| {
                    let run = Entry {
                        entry,
                        spans,
                        bases: &bases,
                        out: out_base,
                    };
                    self.locate(ctx, &run, runs, start, end, error)
                });
            }
            let done = fault.as_ref().map_or(end, |f| f.row);
            if let Out::Str(pairs, strings, valid) = out {
                // SAFETY: rows before `done` hold strings alive until `ctx` is reset.
                strings.extend(
                    pairs[start..done]
                        .iter()
                        .map(|p| unsafe { display::str_from_raw(p.ptr, p.len.max(0)) }.to_owned()),
                );
                if let Some(valid) = valid {
                    valid.extend(pairs[start..done].iter().map(|p| p.len != NONE_LEN));
                }
            }
            if let Some(fault) = fault {
                return Err(fault);
            }
            start = end;
        }
        if rows == 0 {
            // No chunk ran: end the run `check` began.
            let _ = used.finish(ctx, Ok(None));
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
        runs: Option<&[(usize, usize)]>,
        start: usize,
        end: usize,
        error: RuntimeError,
    ) -> RowError {
        let used = &self.inner.host;
        for row in ranges_in(runs, start, end).flat_map(|(a, b)| a..b) {
            used.begin();
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

/// Validity bytes (one per row, 0 or 1) packed into a bitmap, eight rows at a time.
fn pack_bytes(bytes: &[u8]) -> Vec<u8> {
    bytes
        .chunks(8)
        .map(|eight| {
            eight
                .iter()
                .enumerate()
                .fold(0u8, |bits, (j, &b)| bits | (((b != 0) as u8) << j))
        })
        .collect()
}

/// The parts of `runs` (sorted, disjoint row ranges; `None`: every row) within rows
/// `start..end`, none of them empty.
fn ranges_in(
    runs: Option<&[(usize, usize)]>,
    start: usize,
    end: usize,
) -> impl Iterator<Item = (usize, usize)> + '_ {
    let all = (runs.is_none() && start < end).then_some((start, end));
    let runs = runs.unwrap_or(&[]);
    let first = runs.partition_point(|r| r.1 <= start);
    runs[first..]
        .iter()
        .take_while(move |r| r.0 < end)
        .map(move |&(a, b)| (a.max(start), b.min(end)))
        .filter(|(a, b)| a < b)
        .chain(all)
}

/// The `{ ptr, i64 }` pairs of a column of strings or of `string?` (`none`: the pair of
/// length -1); empty for other columns.
fn string_pairs(c: &Column<'_>) -> Vec<RtStr> {
    let none = RtStr {
        ptr: std::ptr::null(),
        len: NONE_LEN,
    };
    match c {
        Column::Str(values) => values.iter().map(|s| layout::str_pair(s)).collect(),
        Column::Opt {
            values: Column::Str(values),
            ..
        } => values
            .iter()
            .enumerate()
            .map(|(row, s)| match c.is_valid(row) {
                Some(true) => layout::str_pair(s),
                _ => none,
            })
            .collect(),
        Column::Opt {
            values: Column::Utf8(values),
            ..
        } => (0..values.len())
            .map(|row| match (c.is_valid(row), values.get(row)) {
                (Some(true), Some(s)) => layout::str_pair(s),
                _ => none,
            })
            .collect(),
        // A `Column::Utf8` is read through its offsets.
        _ => Vec::new(),
    }
}

/// Whether the columns entry reads validity bytes for `c`: a column of a scalar `T?`.
fn has_bytes(c: &Column<'_>) -> bool {
    matches!(c, Column::Opt { values, .. } if values.ty() != Ty::Str)
}

/// The validity bytes of rows `start..end` of `c` (a column of a scalar `T?`) into
/// `bytes` (one per row, 1 when it holds a value), eight rows per table lookup when the
/// bitmap's bits for `start` begin a byte; all ones without a bitmap.
fn expand_validity(c: &Column<'_>, start: usize, end: usize, bytes: &mut [u8]) {
    let bytes = &mut bytes[..end - start];
    let Column::Opt {
        validity, offset, ..
    } = *c
    else {
        return;
    };
    match validity {
        None => bytes.fill(1),
        Some(bits) if (offset + start) % 8 == 0 => {
            let bits = &bits[((offset + start) / 8).min(bits.len())..];
            for (eight, &b) in bytes.chunks_mut(8).zip(bits) {
                let spread = SPREAD[b as usize].to_le_bytes();
                eight.copy_from_slice(&spread[..eight.len()]);
            }
        }
        Some(_) => {
            for (r, byte) in (start..end).zip(bytes.iter_mut()) {
                *byte = (c.is_valid(r) == Some(true)) as u8;
            }
        }
    }
}

/// Each byte of a bitmap as eight bytes 0 or 1 (little-endian: bit `j` is byte `j`).
const SPREAD: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut b = 0;
    while b < 256 {
        let mut j = 0;
        while j < 8 {
            table[b] |= (((b >> j) & 1) as u64) << (8 * j);
            j += 1;
        }
        b += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::{pack_bytes, ranges_in};

    #[test]
    fn ranges_are_cut_to_the_chunk() {
        let all = |runs, s, e| ranges_in(runs, s, e).collect::<Vec<_>>();
        assert_eq!(all(None, 4, 9), [(4, 9)]);
        assert_eq!(all(None, 4, 4), []);
        assert_eq!(all(Some(&[]), 0, 9), []);
        let runs = [(0, 3), (5, 6), (8, 20)];
        assert_eq!(all(Some(&runs), 0, 10), [(0, 3), (5, 6), (8, 10)]);
        assert_eq!(all(Some(&runs), 3, 5), []);
        assert_eq!(all(Some(&runs), 10, 30), [(10, 20)]);
        assert_eq!(all(Some(&runs), 2, 9), [(2, 3), (5, 6), (8, 9)]);
    }

    #[test]
    fn validity_bytes_pack_least_significant_first() {
        assert_eq!(pack_bytes(&[]), Vec::<u8>::new());
        assert_eq!(pack_bytes(&[1, 0, 1]), [0b101]);
        assert_eq!(pack_bytes(&[0, 1, 0, 0, 0, 0, 0, 1, 1]), [0b1000_0010, 1]);
    }
}
