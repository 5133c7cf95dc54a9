//! CSV input: the header, then batches of rows read as bytes. Every column comes as
//! its raw text (a `Binary` column, so CSV output reproduces it byte for byte); the
//! columns a param reads are also parsed as the param's type says (not guessed), with
//! the E07xx diagnostics drawn on the CSV text itself (the header cell, the row, the
//! exact cell). Line numbers count `\n`, so they are right for LF and CRLF files and for
//! quoted fields that span lines.

use super::{Chunk, Failure, Read as ReadCol, BATCH_ROWS};
use crate::abi::KindTy;
use crate::diag::Diagnostic;
use crate::engine::ColumnBuf;
use crate::runtime::parse_bits;
use crate::span::Span;
use crate::types::ty::Ty;
use arrow_array::builder::{BinaryBuilder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use std::io::{self, Read};
use std::ops::Range;
use std::sync::Arc;

/// The CSV data being read.
pub struct CsvInput {
    reader: csv::Reader<Kept>,
    name: String,
    /// The header row's text and the span of each of its cells.
    header_text: Vec<u8>,
    cells: Vec<Range<usize>>,
    pub names: Vec<String>,
    schema: Arc<Schema>,
    record: csv::ByteRecord,
    /// Whether the last record read ends the data.
    last_at_end: bool,
    rows_before: u64,
    /// The byte and line of the last record started: lines are counted on from there.
    cursor: (u64, u64),
    done: bool,
}

impl CsvInput {
    /// Read the header; a missing or broken header is a failure (status 2).
    pub fn open(input: Box<dyn Read + Send>, name: &str) -> Result<CsvInput, Failure> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(Kept::new(input));
        let header = match reader.byte_headers() {
            Ok(header) => header.clone(),
            Err(e) => return Err(csv_error(&reader, name, e)),
        };
        let header_end = reader.position().byte();
        let report = |reader: &csv::Reader<Kept>, d: Diagnostic| {
            report(
                reader.get_ref(),
                name,
                0..header_end,
                vec![d],
                super::EXIT_USAGE,
            )
        };
        if header.is_empty() {
            let d = Diagnostic::error("E0708", Span::new(0, 0), "the data has no header row")
                .with_label("the first row must name the columns")
                .with_help("add a first row naming the columns, e.g. `price,qty`");
            return Err(report(&reader, d));
        }
        let names: Vec<String> = header
            .iter()
            .map(|h| String::from_utf8_lossy(h).into_owned())
            .collect();
        let header_text = reader.get_ref().slice(0..header_end).to_vec();
        let (cells, unterminated) = cell_ranges(&header_text);
        if let Some(open) = unterminated {
            return Err(report(&reader, unterminated_quote(open)));
        }
        let line = reader.get_ref().line_of(header_end);
        let schema = Arc::new(Schema::new(
            names
                .iter()
                .map(|n| Field::new(n, DataType::Binary, false))
                .collect::<Vec<_>>(),
        ));
        Ok(CsvInput {
            reader,
            name: name.to_owned(),
            header_text,
            cells,
            names,
            schema,
            record: csv::ByteRecord::new(),
            last_at_end: false,
            rows_before: 0,
            cursor: (header_end, line),
            done: false,
        })
    }

    /// The span of header cell `i`.
    pub fn cell(&self, i: usize) -> Span {
        let r = self.cells.get(i).cloned().unwrap_or(0..0);
        Span::new(r.start, r.end)
    }

    /// The header line's span.
    pub fn line(&self) -> Span {
        Span::new(0, line_len(&self.header_text))
    }

    /// `diags` about the header, drawn on it.
    pub fn header_failure(&self, diags: Vec<Diagnostic>, code: i32) -> Failure {
        let end = self.header_text.len() as u64;
        report(self.reader.get_ref(), &self.name, 0..end, diags, code)
    }

    /// The next batch and, when reading stopped early, why (the rows before a bad row
    /// are in the batch).
    pub fn next_chunk(&mut self) -> (Option<Chunk>, Option<Failure>) {
        if self.done {
            return (None, None);
        }
        // The bytes of earlier batches are not needed any more.
        let start = self.reader.position().byte();
        let (byte, line) = self.cursor;
        let line = line + count_newlines(self.reader.get_ref().slice(byte..start));
        self.cursor = (start, line);
        self.reader.get_mut().forget_before(start);
        let width = self.names.len();
        let mut raw: Vec<BinaryBuilder> = (0..width)
            .map(|_| BinaryBuilder::with_capacity(BATCH_ROWS, BATCH_ROWS * 8))
            .collect();
        let mut lines = Vec::new();
        let mut ranges: Vec<(u32, u32)> = Vec::new();
        let chunk_lo = start;
        let mut failure = None;
        while lines.len() < BATCH_ROWS {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => {
                    self.done = true;
                    break;
                }
                Ok(true) => {}
                Err(e) => {
                    failure = Some(csv_error(&self.reader, &self.name, e));
                    self.done = true;
                    break;
                }
            }
            let kept = self.reader.get_ref();
            let lo = kept.record_start(self.record.position());
            let hi = self.reader.position().byte();
            self.last_at_end = kept.is_end(hi);
            ranges.push(((lo - chunk_lo) as u32, (hi - chunk_lo) as u32));
            let (byte, line) = self.cursor;
            let line = line + count_newlines(kept.slice(byte..lo));
            self.cursor = (lo, line);
            lines.push(line);
            for (b, cell) in raw.iter_mut().zip(self.record.iter()) {
                b.append_value(cell);
            }
        }
        if lines.is_empty() {
            return (None, failure);
        }
        let end = chunk_lo + ranges.last().map_or(0, |r| r.1 as u64);
        let rows = Rows {
            text: self.reader.get_ref().slice(chunk_lo..end).to_vec(),
            base: chunk_lo,
            ranges,
            last_at_end: self.last_at_end,
            name: self.name.clone(),
        };
        let columns: Vec<ArrayRef> = raw
            .iter_mut()
            .map(|b| Arc::new(b.finish()) as ArrayRef)
            .collect();
        let options = arrow_array::RecordBatchOptions::new().with_row_count(Some(lines.len()));
        let batch = RecordBatch::try_new_with_options(self.schema.clone(), columns, &options)
            .expect("the raw columns fit their schema");
        let chunk = Chunk {
            rows_before: self.rows_before,
            lines: Some(lines),
            batch,
            reads: Vec::new(),
            csv: Some(rows),
        };
        self.rows_before += chunk.batch.num_rows() as u64;
        (Some(chunk), failure)
    }
}

/// The text of a batch's rows, for parsing their cells on a worker and drawing
/// diagnostics on them there.
pub struct Rows {
    /// The bytes of the rows.
    text: Vec<u8>,
    /// The offset in the data of `text[0]`.
    base: u64,
    /// Each row's bytes in `text`.
    ranges: Vec<(u32, u32)>,
    /// Whether the last row ends the data.
    last_at_end: bool,
    name: String,
}

/// Parse the cells of the columns params read (`reads`) of a batch: `raw` its raw
/// cells, `rows` its text, `lines` the line each row starts on, `rows_before` the data
/// rows before it. A cell that does not fit stops it: the columns of the rows before,
/// and the row and report of the one that stopped it.
pub fn parse_reads(
    raw: &RecordBatch,
    rows: &Rows,
    lines: &[u64],
    rows_before: u64,
    reads: &[ReadCol],
) -> (Vec<ArrayRef>, Option<(usize, Failure)>) {
    let mut typed: Vec<Typed> = reads.iter().map(|r| Typed::new(&r.ty)).collect();
    let columns: Vec<&arrow_array::BinaryArray> = raw
        .columns()
        .iter()
        .filter_map(|c| c.as_any().downcast_ref())
        .collect();
    // Only the cells params read are looked at.
    let mut cells: Vec<&[u8]> = vec![b""; columns.len()];
    let mut failure = None;
    let last = rows.ranges.len().saturating_sub(1);
    for (row, &(lo, hi)) in rows.ranges.iter().enumerate() {
        for r in reads {
            if let (Some(cell), Some(c)) = (cells.get_mut(r.column), columns.get(r.column)) {
                *cell = c.value(row);
            }
        }
        let text = &rows.text[lo as usize..hi as usize];
        let at_end = row == last && rows.last_at_end;
        if let Err(d) = check_row(text, at_end, &cells, reads, &mut typed) {
            let n = rows_before + row as u64 + 1;
            let d = d.with_note(format!("in data row {n} (the rows before it were written)"));
            let line = lines.get(row).copied().unwrap_or(1);
            let (text, at) = excerpt_of(text, rows.base + lo as u64, line);
            let failure_ = Failure::Diagnostics {
                diags: vec![shift(d, at)],
                name: rows.name.clone(),
                text,
                code: super::EXIT_RUNTIME_ERROR,
            };
            failure = Some((row, failure_));
            break;
        }
    }
    (typed.into_iter().map(Typed::finish).collect(), failure)
}

/// One column being parsed as a param's type: strings straight into an Arrow string
/// array, numbers, bools and times into the engine's column (then handed to Arrow
/// without copying).
enum Typed {
    Str(StringBuilder),
    /// Each row's value as ABI bits (see `runtime::parse_bits`), whether it is not
    /// `none`, and the param's type.
    Bits(Vec<u64>, Vec<bool>, Ty),
}

impl Typed {
    fn new(ty: &Ty) -> Typed {
        match ty.strip_opt() {
            Ty::Str => Typed::Str(StringBuilder::with_capacity(BATCH_ROWS, BATCH_ROWS * 8)),
            _ => Typed::Bits(Vec::with_capacity(BATCH_ROWS), Vec::new(), ty.clone()),
        }
    }

    fn finish(self) -> ArrayRef {
        match self {
            Typed::Str(mut b) => Arc::new(b.finish()),
            Typed::Bits(bits, valid, ty) => {
                let kind = crate::abi::Kind::of(ty.strip_opt()).unwrap_or(crate::abi::Kind::I64);
                let values = from_bits(kind, &bits);
                let buf = match ty.is_opt() {
                    true => ColumnBuf::Opt {
                        values: Box::new(values),
                        validity: crate::engine::validity_bitmap(valid.iter().copied()),
                    },
                    false => values,
                };
                // Scalar columns (strings are built above) always convert.
                buf.into_arrow()
                    .unwrap_or_else(|_| arrow_array::new_null_array(&DataType::Utf8, 0))
            }
        }
    }
}

/// A column of `kind` from ABI bits, one pass per column.
fn from_bits(kind: crate::abi::Kind, bits: &[u64]) -> ColumnBuf {
    use crate::abi::Kind as K;
    macro_rules! col {
        ($v:ident, $f:expr) => {
            ColumnBuf::$v(bits.iter().map($f).collect())
        };
    }
    match kind {
        K::Bool => col!(Bool, |&b| b != 0),
        K::I8 => col!(I8, |&b| b as i8),
        K::I16 => col!(I16, |&b| b as i16),
        K::I32 => col!(I32, |&b| b as i32),
        K::I64 => col!(I64, |&b| b as i64),
        K::U8 => col!(U8, |&b| b as u8),
        K::U16 => col!(U16, |&b| b as u16),
        K::U32 => col!(U32, |&b| b as u32),
        K::U64 => col!(U64, |&b| b),
        K::F32 => col!(F32, |&b| f32::from_bits(b as u32)),
        K::F64 => col!(F64, |&b| f64::from_bits(b)),
        K::Timestamp => col!(Timestamp, |&b| b as i64),
        K::Duration => col!(Duration, |&b| b as i64),
        K::Str => ColumnBuf::Str(vec![String::new(); bits.len()]),
    }
}

/// The report of `diags`, whose spans are relative to the record at `range` of the data.
fn report(
    kept: &Kept,
    name: &str,
    range: Range<u64>,
    diags: Vec<Diagnostic>,
    code: i32,
) -> Failure {
    let (text, base) = excerpt(kept, range);
    Failure::Diagnostics {
        diags: diags.into_iter().map(|d| shift(d, base)).collect(),
        name: name.to_owned(),
        text,
        code,
    }
}

/// Above this offset, the excerpt a data diagnostic is drawn on does not reproduce the
/// bytes before the record (only its lines), so memory stays small and spans fit `u32`:
/// line and column stay right, `byte_start` is then relative to the record's line.
const EXACT_OFFSETS_UP_TO: u64 = 64 << 20;

/// The text a diagnostic about the record at `range` is drawn on: the record's bytes at
/// their line (and, below [`EXACT_OFFSETS_UP_TO`], at their byte offset) of the data,
/// after padding that draws nothing. Invalid UTF-8 shows as `?`, byte for byte. Returns
/// the text and where the record starts in it.
fn excerpt(kept: &Kept, range: Range<u64>) -> (String, usize) {
    let line = kept.line_of(range.start);
    excerpt_of(kept.slice(range.clone()), range.start, line)
}

/// [`excerpt`] of the record `record`, at byte `start` and line `line` of the data.
fn excerpt_of(record: &[u8], start: u64, line: u64) -> (String, usize) {
    let newlines = (line - 1) as usize;
    let mut text = String::new();
    if start <= EXACT_OFFSETS_UP_TO {
        text.push_str(&" ".repeat((start as usize).saturating_sub(newlines)));
    }
    text.push_str(&"\n".repeat(newlines));
    let base = text.len();
    for chunk in record.utf8_chunks() {
        text.push_str(chunk.valid());
        text.push_str(&"?".repeat(chunk.invalid().len()));
    }
    (text, base)
}

/// `d` with its spans moved by `base` bytes.
fn shift(mut d: Diagnostic, base: usize) -> Diagnostic {
    let by = |s: Span| Span::new(s.lo as usize + base, s.hi as usize + base);
    d.span = by(d.span);
    for l in &mut d.secondary {
        l.span = by(l.span);
    }
    d
}

/// An error of the CSV reader: a row with the wrong number of fields is E0701; a
/// failure to read the file is a usage error.
fn csv_error(reader: &csv::Reader<Kept>, name: &str, e: csv::Error) -> Failure {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => {
            let lo = reader.get_ref().record_start(pos.as_ref());
            let hi = reader.position().byte().max(lo);
            let raw = reader.get_ref().slice(lo..hi);
            let cells = cell_ranges(raw).0;
            let fields = |n: u64| if n == 1 { "field" } else { "fields" };
            let span = match cells.get(*expected_len as usize) {
                // The first field too many.
                Some(extra) => Span::new(extra.start, line_len(raw)),
                None => Span::new(0, line_len(raw)),
            };
            let d = Diagnostic::error(
                "E0701",
                span,
                format!(
                    "this row has {len} {}, the header has {expected_len}",
                    fields(*len)
                ),
            )
            .with_label(if *len > *expected_len {
                format!(
                    "{} {} too many",
                    len - expected_len,
                    fields(len - expected_len)
                )
            } else {
                format!(
                    "{} {} missing",
                    expected_len - len,
                    fields(expected_len - len)
                )
            })
            .with_help(
                "every row needs one field per column of the header; quote a field that \
                 contains a comma (`\"a, b\"`)",
            );
            report(
                reader.get_ref(),
                name,
                lo..hi,
                vec![d],
                super::EXIT_RUNTIME_ERROR,
            )
        }
        _ => Failure::Usage(format!("cannot read `{name}`: {e}")),
    }
}

/// Check one record's cells for the params and parse them into the params' columns.
/// Numbers and bools may have spaces around them. Nothing is appended when a cell does
/// not fit. `raw` is the record's text, for the spans of the diagnostics; `at_end`,
/// whether the record ends the data (only there can a quote be left open).
fn check_row(
    raw: &[u8],
    at_end: bool,
    record: &[&[u8]],
    reads: &[ReadCol],
    columns: &mut [Typed],
) -> Result<(), Box<Diagnostic>> {
    // Only the last record can leave a quote open (the reader would have read on).
    if at_end {
        if let (_, Some(open)) = cell_ranges(raw) {
            return Err(Box::new(unterminated_quote(open)));
        }
    }
    // Where the cells are is worked out only for a diagnostic.
    let cell_span = |column: usize| {
        let r = cell_ranges(raw).0.get(column).cloned().unwrap_or(0..0);
        Span::new(r.start, r.end)
    };
    // Check every cell first, append after: a row is taken whole or not at all.
    let mut values: [Option<Cell<'_>>; 8] = Default::default();
    let mut more = Vec::new();
    for (i, b) in reads.iter().enumerate() {
        let bytes = record.get(b.column).copied().unwrap_or(b"");
        let text = std::str::from_utf8(bytes)
            .map_err(|e| {
                let span = cell_span(b.column);
                // The bad byte itself, when the cell is written as read (not quoted).
                let bad = match raw.get(span.lo as usize..span.hi as usize) {
                    Some(written) if written == bytes => {
                        let at = span.lo as usize + e.valid_up_to();
                        Span::new(at, at + 1)
                    }
                    _ => span,
                };
                Diagnostic::error(
                    "E0707",
                    bad,
                    format!("the cell in column `{}` is not valid UTF-8", b.name),
                )
                .with_label("not UTF-8 text")
                .with_note(format!(
                    "`kiln map` reads the columns params name as UTF-8 text; column `{}` is one",
                    b.name
                ))
                .with_help("save the data as UTF-8")
            })
            .map_err(Box::new)?;
        let inner = b.ty.strip_opt();
        // An empty cell is `none` for an optional param (a `string?`'s only when it is
        // empty: spaces are text).
        let empty = match inner {
            Ty::Str => text.is_empty(),
            _ => text.trim().is_empty(),
        };
        let cell = match (b.ty.is_opt() && empty, inner) {
            (true, _) => Cell::None,
            (false, Ty::Str) => Cell::Str(text),
            (false, _) => Cell::Bits(parse_cell(b, text, || cell_span(b.column))?),
        };
        match values.get_mut(i) {
            Some(slot) => *slot = Some(cell),
            None => more.push(cell),
        }
    }
    let cells = values.into_iter().flatten().chain(more);
    for (column, cell) in columns.iter_mut().zip(cells) {
        match (column, cell) {
            (Typed::Str(b), Cell::Str(s)) => b.append_value(s),
            (Typed::Str(b), _) => b.append_null(),
            (Typed::Bits(bits, valid, ty), cell) => {
                let v = match cell {
                    Cell::Bits(v) => Some(v),
                    _ => None,
                };
                bits.push(v.unwrap_or(0));
                if ty.is_opt() {
                    valid.push(v.is_some());
                }
            }
        }
    }
    Ok(())
}

/// One parsed cell.
enum Cell<'a> {
    None,
    Str(&'a str),
    Bits(u64),
}

/// The value of a number, bool or time cell (not empty, for an optional param) for
/// `b`, or E0706 at `span()` (worked out only then); for an empty cell and a param that is not optional, the
/// help says to declare it optional.
fn parse_cell(b: &ReadCol, text: &str, span: impl Fn() -> Span) -> Result<u64, Box<Diagnostic>> {
    let ty = b.ty.strip_opt();
    let kind = crate::abi::Kind::of(ty).unwrap_or(crate::abi::Kind::I64);
    let bits = parse_bits(kind, text.trim()).map_err(|why| {
        let empty = text.trim().is_empty();
        let message = match empty {
            true => format!(
                "the cell in column `{}` is empty, not a valid {} for `param {}`",
                b.name, b.ty, b.name
            ),
            false => format!(
                "`{}` is not a valid {} for `param {}`",
                text.escape_debug(),
                b.ty,
                b.name
            ),
        };
        let help = match empty {
            true => format!(
                "to allow empty cells, declare it `param {}: {}?;` (an empty cell is then \
                 `none`), or write a value of type {} in column `{}`",
                b.name, b.ty, b.ty, b.name
            ),
            false => format!(
                "write a value of type {} in column `{}`, or change the param's type",
                b.ty, b.name
            ),
        };
        Box::new(
            Diagnostic::error("E0706", span(), message)
                .with_label(why)
                .with_help(help),
        )
    })?;
    Ok(bits)
}

/// E0702 for the quote at `open`.
fn unterminated_quote(open: usize) -> Diagnostic {
    Diagnostic::error(
        "E0702",
        Span::new(open, open + 1),
        "this quoted field is never closed",
    )
    .with_label("the quote opened here runs to the end of the data")
    .with_help("end the field with `\"`; write a quote inside a quoted field as `\"\"`")
}

/// The byte range of each field of one record's text, quotes included, and where a
/// quote opened that is never closed (at the end of the data). A quote counts only at
/// the start of a field, as for the CSV reader.
fn cell_ranges(raw: &[u8]) -> (Vec<Range<usize>>, Option<usize>) {
    let mut cells = Vec::new();
    let (mut start, mut i) = (0, 0);
    loop {
        if raw.get(i) == Some(&b'"') {
            let open = i;
            i += 1;
            loop {
                match raw.get(i) {
                    None => return (cells, Some(open)),
                    Some(b'"') if raw.get(i + 1) == Some(&b'"') => i += 2,
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(_) => i += 1,
                }
            }
        }
        loop {
            match raw.get(i) {
                Some(b',') => {
                    cells.push(start..i);
                    i += 1;
                    start = i;
                    break;
                }
                Some(b'\n' | b'\r') | None => {
                    cells.push(start..i);
                    return (cells, None);
                }
                Some(_) => i += 1,
            }
        }
    }
}

/// The length of a record's text without its line terminator.
fn line_len(raw: &[u8]) -> usize {
    let mut n = raw.len();
    while n > 0 && matches!(raw[n - 1], b'\n' | b'\r') {
        n -= 1;
    }
    n
}

/// The data as it is read, with the bytes of the current batch kept for diagnostics and
/// the count of lines before them.
struct Kept {
    inner: Box<dyn Read + Send>,
    kept: Vec<u8>,
    /// The offset in the data of `kept[0]`.
    base: u64,
    /// How many `\n` come before `base`.
    lines_before: u64,
    /// Whether the end of the data has been read.
    eof: bool,
}

impl Kept {
    fn new(inner: Box<dyn Read + Send>) -> Kept {
        Kept {
            inner,
            kept: Vec::new(),
            base: 0,
            lines_before: 0,
            eof: false,
        }
    }

    /// The kept bytes of `range` of the data (clamped to what is kept).
    fn slice(&self, range: Range<u64>) -> &[u8] {
        let at = |b: u64| (b.saturating_sub(self.base) as usize).min(self.kept.len());
        let (lo, hi) = (at(range.start), at(range.end));
        &self.kept[lo..hi.max(lo)]
    }

    /// Where the record the CSV reader places at `pos` starts. The reader places a
    /// record after a CRLF file's `\r` at the `\n` that ends the line before, which
    /// would put it on that line: line terminators are skipped.
    fn record_start(&self, pos: Option<&csv::Position>) -> u64 {
        let byte = pos.map_or(0, |p| p.byte());
        let skipped = self
            .slice(byte..u64::MAX)
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        byte + skipped as u64
    }

    /// The 1-based line of byte `byte` of the data (at or after `base`).
    fn line_of(&self, byte: u64) -> u64 {
        let before = self.slice(self.base..byte);
        1 + self.lines_before + count_newlines(before)
    }

    /// Whether `byte` is the end of the data.
    fn is_end(&self, byte: u64) -> bool {
        self.eof && byte >= self.base + self.kept.len() as u64
    }

    /// Drop the kept bytes before `byte`.
    fn forget_before(&mut self, byte: u64) {
        let n = (byte.saturating_sub(self.base) as usize).min(self.kept.len());
        self.lines_before += count_newlines(&self.kept[..n]);
        self.kept.drain(..n);
        self.base += n as u64;
    }
}

fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

impl Read for Kept {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.eof |= n == 0 && !buf.is_empty();
        self.kept.extend_from_slice(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_found_with_quotes_commas_and_newlines() {
        let (cells, open) = cell_ranges(b"a,\"x, \"\"y\"\"\",,\"l1\nl2\"\r\n");
        assert_eq!(open, None);
        assert_eq!(cells, [0..1, 2..12, 13..13, 14..21]);
        let (cells, open) = cell_ranges(b"1,2");
        assert_eq!((cells, open), (vec![0..1, 2..3], None));
        let (_, open) = cell_ranges(b"1,\"abc\n2,3\n");
        assert_eq!(open, Some(2));
    }

    #[test]
    fn kept_bytes_count_lines_across_forgotten_chunks() {
        let mut kept = Kept::new(Box::new(&b"h\r\n1\r\n\"a\nb\"\r\n2\r\n"[..]));
        let mut all = Vec::new();
        kept.read_to_end(&mut all).unwrap();
        assert_eq!(kept.line_of(3), 2);
        kept.forget_before(6);
        assert_eq!(kept.line_of(6), 3);
        assert_eq!(kept.line_of(13), 5);
        assert_eq!(kept.slice(6..12), b"\"a\nb\"\r");
    }
}
