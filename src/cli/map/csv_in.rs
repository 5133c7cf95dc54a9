//! CSV input: the header, then blocks of whole records. The reading thread only finds
//! where records end (a quote-aware scan with `memchr`, [`Scan`]) and counts them; the
//! workers parse their blocks in parallel ([`parse`]). Every column keeps its raw text:
//! CSV output writes a record as it was read when it has no quotes (else its fields
//! re-quoted as needed), other formats get the columns as text. The columns a param
//! reads are parsed as the param's type says (not guessed), with the E07xx diagnostics
//! drawn on the CSV text itself (the header cell, the row, the exact cell). Line numbers
//! count `\n`, so they are right for LF and CRLF files and for quoted fields that span
//! lines; they are counted only for a diagnostic.

use super::{text, Chunk, Failure, Read as ReadCol, BATCH_ROWS};
use crate::abi::KindTy;
use crate::diag::Diagnostic;
use crate::engine::ColumnBuf;
use crate::runtime::parse_bits;
use crate::span::Span;
use crate::types::ty::Ty;
use arrow_array::builder::StringBuilder;
use arrow_array::{Array, ArrayRef, RecordBatch, UInt32Array};
use arrow_schema::{DataType, Field, Schema};
use std::io::{self, Read};
use std::ops::Range;
use std::sync::Arc;

/// Bytes read from the input at a time.
const READ_BYTES: usize = 256 << 10;
/// A block ends after [`BATCH_ROWS`] records or the first record end after this many
/// bytes (wide rows), whichever comes first.
const BLOCK_BYTES: usize = 8 << 20;

/// The CSV data being read.
pub struct CsvInput {
    input: Box<dyn Read + Send>,
    name: String,
    /// The header row's text and the span of each of its cells.
    header_text: Vec<u8>,
    cells: Vec<Range<usize>>,
    pub names: Vec<String>,
    /// The columns as text.
    schema: Arc<Schema>,
    /// Bytes read and not handed out yet: `carry[0]` starts a record (or the line
    /// terminators before one).
    carry: Vec<u8>,
    /// The offset in the data of `carry[0]`, and its line.
    base: u64,
    line: u64,
    scan: Scan,
    eof: bool,
    /// Why reading stopped early (reported after the records before it).
    error: Option<Failure>,
    rows_before: u64,
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
            Err(e) => return Err(Failure::Usage(format!("cannot read `{name}`: {e}"))),
        };
        let header_end = reader.position().byte();
        let kept = reader.into_inner();
        let report = |d: Diagnostic| report(&kept, name, 0..header_end, vec![d], super::EXIT_USAGE);
        if header.is_empty() {
            let d = Diagnostic::error("E0708", Span::new(0, 0), "the data has no header row")
                .with_label("the first row must name the columns")
                .with_help("add a first row naming the columns, e.g. `price,qty`");
            return Err(report(d));
        }
        let names: Vec<String> = header
            .iter()
            .map(|h| String::from_utf8_lossy(h).into_owned())
            .collect();
        let header_text = kept.slice(0..header_end).to_vec();
        let (cells, unterminated) = cell_ranges(&header_text);
        if let Some(open) = unterminated {
            return Err(report(unterminated_quote(open)));
        }
        let line = kept.line_of(header_end);
        let schema = Arc::new(Schema::new(
            names
                .iter()
                .map(|n| Field::new(n, DataType::Utf8, false))
                .collect::<Vec<_>>(),
        ));
        // The bytes the header's reader read past the header are the first of the rows.
        let carry = kept.slice(header_end..u64::MAX).to_vec();
        Ok(CsvInput {
            eof: kept.eof,
            input: kept.inner,
            name: name.to_owned(),
            header_text,
            cells,
            names,
            schema,
            carry,
            base: header_end,
            line,
            scan: Scan::default(),
            error: None,
            rows_before: 0,
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
        report_on(&self.header_text, 0, 1, &self.name, diags, code)
    }

    /// The next block of records and, when reading stopped early, why (after the
    /// records before it).
    pub fn next_chunk(&mut self) -> (Option<Chunk>, Option<Failure>) {
        if self.done {
            return (None, None);
        }
        loop {
            self.scan.run(&self.carry, BATCH_ROWS, BLOCK_BYTES);
            if self.scan.records >= BATCH_ROWS || self.scan.full || self.eof {
                break;
            }
            let more = (&mut self.input)
                .take(READ_BYTES as u64)
                .read_to_end(&mut self.carry);
            match more {
                Ok(n) => self.eof = n < READ_BYTES,
                Err(e) => {
                    self.error = Some(Failure::Usage(format!("cannot read `{}`: {e}", self.name)));
                    self.eof = true;
                    // The record read in part is not handed out.
                    self.carry.truncate(self.scan.last_end);
                    self.scan.pos = self.scan.last_end;
                    self.scan.quoted = false;
                    self.scan.in_record = false;
                }
            }
        }
        // At the end of the data, the last record needs no terminator.
        let (cut, records, whole) = self.scan.cut(self.carry.len(), self.eof, BATCH_ROWS);
        self.scan = Scan::default();
        if whole {
            self.done = true;
        }
        if records == 0 {
            self.done = true;
            return (None, self.error.take());
        }
        let rest = self.carry.split_off(cut);
        let text = std::mem::replace(&mut self.carry, rest);
        let (base, line) = (self.base, self.line);
        self.base += cut as u64;
        self.line += count_newlines(&text);
        let rows = Rows {
            text,
            base,
            line,
            at_end: whole,
            name: self.name.clone(),
            schema: self.schema.clone(),
            records: Vec::new(),
            out: Vec::new(),
            normalized: Vec::new(),
        };
        let chunk = Chunk {
            rows_before: self.rows_before,
            batch: RecordBatch::new_empty(Arc::new(Schema::empty())),
            reads: Vec::new(),
            csv: Some(rows),
        };
        self.rows_before += records as u64;
        let failure = match self.done {
            true => self.error.take(),
            false => None,
        };
        (Some(chunk), failure)
    }
}

/// Where records end in CSV text, found without parsing it: a record ends at a `\n` or
/// `\r` outside quotes, a quote opens a quoted field only at the start of a field (and
/// `""` inside one is a quote), and a line with nothing on it is no record: the rules of
/// the `csv` crate's reader, which parses the blocks cut at these ends.
#[derive(Default, Debug)]
struct Scan {
    /// The next byte to look at.
    pos: usize,
    /// Inside a quoted field.
    quoted: bool,
    /// A record has begun since the last terminator.
    in_record: bool,
    /// Records ended so far, and the byte after the last one's terminator.
    records: usize,
    last_end: usize,
    /// A record ended after `max_bytes`.
    full: bool,
}

impl Scan {
    /// Scan `buf` on until `want` records have ended, a record ends after `max_bytes`,
    /// or the bytes run out (then call again with more bytes after them).
    fn run(&mut self, buf: &[u8], want: usize, max_bytes: usize) {
        while self.records < want && !self.full {
            let rest = &buf[self.pos..];
            if self.quoted {
                let Some(k) = memchr::memchr(b'"', rest) else {
                    self.pos = buf.len();
                    return;
                };
                let j = self.pos + k;
                match buf.get(j + 1) {
                    // Whether the quote ends the field is told by the byte after it.
                    None => {
                        self.pos = j;
                        return;
                    }
                    Some(b'"') => self.pos = j + 2,
                    Some(_) => {
                        self.quoted = false;
                        self.pos = j + 1;
                    }
                }
                continue;
            }
            let Some(k) = memchr::memchr3(b'"', b'\n', b'\r', rest) else {
                self.in_record |= !rest.is_empty();
                self.pos = buf.len();
                return;
            };
            let i = self.pos + k;
            if buf[i] == b'"' {
                let field_start = (k == 0 && !self.in_record) || (i > 0 && buf[i - 1] == b',');
                self.quoted = field_start;
                self.in_record = true;
            } else {
                if k > 0 || self.in_record {
                    self.records += 1;
                    self.full = i >= max_bytes;
                }
                self.in_record = false;
                self.last_end = i + 1;
            }
            self.pos = i + 1;
        }
    }

    /// Where to cut the `len` bytes scanned, how many records come before the cut, and
    /// whether the cut takes all of them: at the end of the data (`eof`) with fewer than
    /// `want` records and no full block, every byte (the last record needs no
    /// terminator); otherwise after the last record that ended.
    fn cut(&self, len: usize, eof: bool, want: usize) -> (usize, usize, bool) {
        match eof && self.records < want && !self.full {
            true => (len, self.records + self.in_record as usize, true),
            false => (self.last_end, self.records, false),
        }
    }
}

/// A block of whole records, for parsing on a worker and drawing diagnostics on.
pub struct Rows {
    /// The bytes of the records.
    text: Vec<u8>,
    /// The offset in the data of `text[0]`, and its line.
    base: u64,
    line: u64,
    /// Whether the block ends the data.
    at_end: bool,
    name: String,
    /// The columns as text.
    schema: Arc<Schema>,
    /// Each parsed record's bytes in `text` (filled by [`parse`]).
    records: Vec<Range<usize>>,
    /// For CSV output, each record's fields as written: its text when it has no quotes,
    /// else its fields re-quoted in `normalized`.
    out: Vec<Piece>,
    normalized: Vec<u8>,
}

/// Where a record's fields, as written, are.
enum Piece {
    Text(Range<usize>),
    Normalized(Range<usize>),
}

impl Rows {
    /// The line parsed record `row` starts on.
    pub fn line_of_row(&self, row: usize) -> u64 {
        let at = self.records.get(row).map_or(0, |r| r.start);
        self.line_at(at)
    }

    /// The line of byte `at` of the block.
    fn line_at(&self, at: usize) -> u64 {
        self.line + count_newlines(&self.text[..at.min(self.text.len())])
    }

    /// The failure for record `row` at `lo..hi` of the block: `d`, drawn on it.
    fn failure(
        &self,
        d: Diagnostic,
        lo: usize,
        hi: usize,
        rows_before: u64,
        row: usize,
    ) -> Failure {
        let n = rows_before + row as u64 + 1;
        let d = d.with_note(format!("in data row {n} (the rows before it were written)"));
        report_on(
            &self.text[lo..hi],
            self.base + lo as u64,
            self.line_at(lo),
            &self.name,
            vec![d],
            super::EXIT_RUNTIME_ERROR,
        )
    }
}

/// Parse a block's records: each must have a field per column, and the cells params
/// read (`reads`) are parsed into their columns. With `as_text`, every column is also
/// kept as text (for output formats other than CSV); with `as_csv`, where each record's
/// fields are as CSV output writes them. `rows_before` counts the data rows before the
/// block. A record that does not fit stops the block: the batch of the records before
/// it (their text columns, or none), the read columns, and the row and report of the one
/// that stopped it.
pub fn parse(
    rows: &mut Rows,
    rows_before: u64,
    reads: &[ReadCol],
    as_text: bool,
    as_csv: bool,
) -> (RecordBatch, Vec<ArrayRef>, Option<(usize, Failure)>) {
    let width = rows.schema.fields().len();
    let mut typed: Vec<Typed> = reads.iter().map(|r| Typed::new(&r.ty)).collect();
    let mut texts: Vec<StringBuilder> = match as_text {
        true => (0..width)
            .map(|_| StringBuilder::with_capacity(BATCH_ROWS, BATCH_ROWS * 8))
            .collect(),
        false => Vec::new(),
    };
    let mut split = Split::default();
    let mut failure = None;
    let text = &rows.text[..];
    while let Some((lo, hi)) = split.next(text) {
        let in_place = split.in_place;
        let fields = &split.fields;
        let src: &[u8] = match in_place {
            true => text,
            false => &split.quoted.out,
        };
        let raw = &text[lo..hi];
        let at_end = rows.at_end && hi >= text.len();
        let cell = |c: usize| fields.get(c).map_or(&b""[..], |r| &src[r.clone()]);
        let checked = match fields.len() == width {
            true => check_row(raw, at_end, &cell, reads, &mut typed),
            false => Err(Box::new(unequal(raw, width, fields.len()))),
        };
        if let Err(d) = checked {
            let row = rows.records.len();
            failure = Some((row, rows.failure(*d, lo, hi, rows_before, row)));
            break;
        }
        for (c, b) in texts.iter_mut().enumerate() {
            let cell = cell(c);
            // Borrowed, not copied, when the cell is UTF-8.
            b.append_value(String::from_utf8_lossy(cell));
        }
        if as_csv {
            let piece = match in_place {
                true => Piece::Text(lo..lo + line_len(raw)),
                false => {
                    let start = rows.normalized.len();
                    for c in 0..fields.len() {
                        if c > 0 {
                            rows.normalized.push(b',');
                        }
                        text::field(&mut rows.normalized, cell(c));
                    }
                    Piece::Normalized(start..rows.normalized.len())
                }
            };
            rows.out.push(piece);
        }
        rows.records.push(lo..hi);
    }
    let n = rows.records.len();
    let options = arrow_array::RecordBatchOptions::new().with_row_count(Some(n));
    let batch = match as_text {
        true => {
            let columns = texts
                .iter_mut()
                .map(|b| Arc::new(b.finish()) as ArrayRef)
                .collect();
            RecordBatch::try_new_with_options(rows.schema.clone(), columns, &options)
        }
        false => RecordBatch::try_new_with_options(Arc::new(Schema::empty()), vec![], &options),
    }
    .expect("the text columns fit their schema");
    (
        batch,
        typed.into_iter().map(Typed::finish).collect(),
        failure,
    )
}

/// Finds the records of a block and their fields.
#[derive(Default)]
struct Split {
    /// The next byte to look at.
    pos: usize,
    /// The last record's fields: ranges of the block when it is read in place (it has no
    /// quotes), else of `quoted.out`.
    fields: Vec<Range<usize>>,
    in_place: bool,
    quoted: Quoted,
}

impl Split {
    /// The next record of `text`: its bytes, its terminator included.
    fn next(&mut self, text: &[u8]) -> Option<(usize, usize)> {
        // Line terminators before a record: an empty line is no record.
        let mut lo = self.pos;
        while matches!(text.get(lo), Some(b'\r' | b'\n')) {
            lo += 1;
        }
        if lo >= text.len() {
            self.pos = lo;
            return None;
        }
        // A record without quotes is its line, its fields between its commas (one pass
        // over its bytes); the `csv` crate's parser reads one with quotes (which may
        // span lines).
        self.fields.clear();
        let (mut start, mut k) = (lo, lo);
        self.in_place = true;
        while let Some(&b) = text.get(k) {
            if !SPECIAL[b as usize] {
                k += 1;
                continue;
            }
            match b {
                b',' => {
                    self.fields.push(start..k);
                    start = k + 1;
                }
                b'"' => {
                    self.in_place = false;
                    break;
                }
                _ => break,
            }
            k += 1;
        }
        self.pos = match self.in_place {
            true => {
                self.fields.push(start..k);
                (k + 1).min(text.len())
            }
            false => lo + self.quoted.read(&text[lo..], &mut self.fields),
        };
        Some((lo, self.pos))
    }
}

/// The `csv` crate's parser, for records with quotes: their fields unquoted into `out`.
struct Quoted {
    reader: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
}

impl Default for Quoted {
    fn default() -> Quoted {
        Quoted {
            reader: csv_core::Reader::new(),
            out: vec![0; 1024],
            ends: vec![0; 64],
        }
    }
}

impl Quoted {
    /// Read the record `input` starts with: its fields' ranges in `out` into `fields`.
    /// Returns the bytes it took (its terminator included). At the end of `input` the
    /// record ends (a quote left open runs to it).
    fn read(&mut self, input: &[u8], fields: &mut Vec<Range<usize>>) -> usize {
        use csv_core::ReadRecordResult as R;
        let (mut used, mut written, mut ended) = (0, 0, 0);
        loop {
            let (result, i, o, e) = self.reader.read_record(
                &input[used..],
                &mut self.out[written..],
                &mut self.ends[ended..],
            );
            (used, written, ended) = (used + i, written + o, ended + e);
            match result {
                // The next call, with no input left, ends the record.
                R::InputEmpty => {}
                R::OutputFull => self.out.resize(self.out.len() * 2, 0),
                R::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                R::Record | R::End => break,
            }
        }
        // At the end of the input the reader is done: a new one reads the next block.
        if used >= input.len() {
            self.reader = csv_core::Reader::new();
        }
        fields.clear();
        let mut start = 0;
        for &end in &self.ends[..ended] {
            fields.push(start..end);
            start = end;
        }
        used
    }
}

/// The bytes that end a field or a line, or make a record quoted.
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b',' as usize] = true;
    t[b'\n' as usize] = true;
    t[b'\r' as usize] = true;
    t[b'"' as usize] = true;
    t
};

/// The CSV output rows of a parsed block: for each output row, the record `kept` picks
/// (or the row's own, without `--where`) as it was read, then its cell of `result`.
pub fn write_rows(rows: &Rows, kept: Option<&UInt32Array>, result: &ArrayRef) -> Vec<u8> {
    let mut buf = Vec::with_capacity(rows.text.len() + result.len() * 24);
    let mut cells = text::Cells::new(result);
    for i in 0..result.len() {
        let record = kept.map_or(i, |k| k.value(i) as usize);
        match rows.out.get(record) {
            Some(Piece::Text(r)) => buf.extend_from_slice(&rows.text[r.clone()]),
            Some(Piece::Normalized(r)) => buf.extend_from_slice(&rows.normalized[r.clone()]),
            None => {}
        }
        buf.push(b',');
        cells.write(&mut buf, i);
        buf.push(b'\n');
    }
    buf
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
    let line = kept.line_of(range.start);
    report_on(
        kept.slice(range.clone()),
        range.start,
        line,
        name,
        diags,
        code,
    )
}

/// The report of `diags`, whose spans are relative to `record`, the bytes at offset
/// `start` and line `line` of the data.
fn report_on(
    record: &[u8],
    start: u64,
    line: u64,
    name: &str,
    diags: Vec<Diagnostic>,
    code: i32,
) -> Failure {
    let (text, base) = excerpt_of(record, start, line);
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

/// The text a diagnostic about `record`, the bytes at offset `start` and line `line` of
/// the data, is drawn on: the record's bytes at their line (and, below
/// [`EXACT_OFFSETS_UP_TO`], at their byte offset) of the data, after padding that draws
/// nothing. Invalid UTF-8 shows as `?`, byte for byte. Returns the text and where the
/// record starts in it.
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

/// E0701: a record (its text `raw`) with `len` fields where the header has `expected`.
fn unequal(raw: &[u8], expected: usize, len: usize) -> Diagnostic {
    let cells = cell_ranges(raw).0;
    let fields = |n: usize| if n == 1 { "field" } else { "fields" };
    let span = match cells.get(expected) {
        // The first field too many.
        Some(extra) => Span::new(extra.start, line_len(raw)),
        None => Span::new(0, line_len(raw)),
    };
    let label = match len > expected {
        true => format!("{} {} too many", len - expected, fields(len - expected)),
        false => format!("{} {} missing", expected - len, fields(expected - len)),
    };
    Diagnostic::error(
        "E0701",
        span,
        format!(
            "this row has {len} {}, the header has {expected}",
            fields(len)
        ),
    )
    .with_label(label)
    .with_help(
        "every row needs one field per column of the header; quote a field that \
         contains a comma (`\"a, b\"`)",
    )
}

/// Check one record's cells for the params and parse them into the params' columns.
/// Numbers and bools may have spaces around them. Nothing is appended when a cell does
/// not fit. `raw` is the record's text, for the spans of the diagnostics; `at_end`,
/// whether the record ends the data (only there can a quote be left open).
fn check_row<'a>(
    raw: &[u8],
    at_end: bool,
    cell: &dyn Fn(usize) -> &'a [u8],
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
        let bytes = cell(b.column);
        let text = utf8(bytes)
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
            _ => trim(text).is_empty(),
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
    let bits = parse_bits(kind, trim(text)).map_err(|why| {
        let empty = trim(text).is_empty();
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

/// `bytes` as text, when they are UTF-8 (checked quickly when they are ASCII, as most
/// cells are).
fn utf8(bytes: &[u8]) -> Result<&str, std::str::Utf8Error> {
    match bytes.is_ascii() {
        // SAFETY: ASCII is UTF-8.
        true => Ok(unsafe { std::str::from_utf8_unchecked(bytes) }),
        false => std::str::from_utf8(bytes),
    }
}

/// `text` without the white space around it (ASCII first: most cells have none else).
fn trim(text: &str) -> &str {
    let t = text.trim_ascii();
    match (t.as_bytes().first(), t.as_bytes().last()) {
        (Some(a), Some(z)) if !a.is_ascii() || !z.is_ascii() => t.trim(),
        _ => t,
    }
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

/// The data as the header's reader reads it, every byte kept: for drawing header
/// diagnostics, and to hand the bytes read past the header to the blocks.
struct Kept {
    inner: Box<dyn Read + Send>,
    kept: Vec<u8>,
    /// Whether the end of the data has been read.
    eof: bool,
}

impl Kept {
    fn new(inner: Box<dyn Read + Send>) -> Kept {
        Kept {
            inner,
            kept: Vec::new(),
            eof: false,
        }
    }

    /// The kept bytes of `range` of the data (clamped to what is kept).
    fn slice(&self, range: Range<u64>) -> &[u8] {
        let at = |b: u64| (b as usize).min(self.kept.len());
        let (lo, hi) = (at(range.start), at(range.end));
        &self.kept[lo..hi.max(lo)]
    }

    /// The 1-based line of byte `byte` of the data.
    fn line_of(&self, byte: u64) -> u64 {
        1 + count_newlines(self.slice(0..byte))
    }
}

fn count_newlines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
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

    /// The records of `text` as the `csv` crate reads them.
    fn records(text: &[u8]) -> Vec<csv::ByteRecord> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text);
        reader.byte_records().map(|r| r.unwrap()).collect()
    }

    /// Cut `text` into blocks as the reading thread does (`want` records a block, the
    /// bytes arriving `step` at a time): the blocks and the records the scan counted in
    /// each.
    fn blocks(text: &[u8], want: usize, step: usize) -> Vec<(Vec<u8>, usize)> {
        let mut out = Vec::new();
        let mut carry: Vec<u8> = Vec::new();
        let mut fed = 0;
        let mut scan = Scan::default();
        loop {
            scan.run(&carry, want, usize::MAX);
            let eof = fed == text.len();
            if scan.records < want && !eof {
                let to = (fed + step).min(text.len());
                carry.extend_from_slice(&text[fed..to]);
                fed = to;
                continue;
            }
            let (cut, n, whole) = scan.cut(carry.len(), eof, want);
            scan = Scan::default();
            let rest = carry.split_off(cut);
            out.push((std::mem::replace(&mut carry, rest), n));
            if whole {
                return out;
            }
        }
    }

    #[test]
    fn blocks_cut_at_record_ends_and_count_the_records_the_reader_reads() {
        // Quotes at and after a field's start, escaped quotes, quoted terminators, empty
        // lines, CR, CRLF, no final newline: random texts of those bytes.
        let alphabet = b"ab,\"\n\r ";
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for case in 0..3000 {
            let len = (next() % 40) as usize;
            let text: Vec<u8> = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let whole = records(&text);
            // The workers' split of a block reads the records the reader reads.
            let mut split = Split::default();
            let mut got = Vec::new();
            while let Some((lo, hi)) = split.next(&text) {
                let src = match split.in_place {
                    true => &text[..],
                    false => &split.quoted.out[..],
                };
                let fields: Vec<Vec<u8>> = split
                    .fields
                    .iter()
                    .map(|r| src[r.clone()].to_vec())
                    .collect();
                got.push(fields);
                assert!(lo < hi && hi <= text.len(), "case {case}: {text:?}");
            }
            let want: Vec<Vec<Vec<u8>>> = whole
                .iter()
                .map(|r| r.iter().map(|f| f.to_vec()).collect())
                .collect();
            assert_eq!(got, want, "case {case}: {text:?}");
            for (want, step) in [(1, 1), (2, 3), (3, 64)] {
                let cut = blocks(&text, want, step);
                let joined: Vec<u8> = cut.iter().flat_map(|(b, _)| b.clone()).collect();
                assert_eq!(joined, text, "case {case}");
                let mut parsed = Vec::new();
                for (block, n) in &cut {
                    let got = records(block);
                    assert_eq!(got.len(), *n, "case {case}: {:?} in {block:?}", text);
                    parsed.extend(got);
                }
                let fields = |r: &[csv::ByteRecord]| -> Vec<Vec<Vec<u8>>> {
                    r.iter()
                        .map(|r| r.iter().map(|f| f.to_vec()).collect())
                        .collect()
                };
                assert_eq!(fields(&parsed), fields(&whole), "case {case}: {text:?}");
            }
        }
    }

    #[test]
    fn a_quote_inside_an_unquoted_field_is_text() {
        let mut cut = blocks(b"5\" disk,1\nx,\"a\nb\"\n", 1, 100);
        cut.retain(|(_, n)| *n > 0);
        assert_eq!(cut.len(), 2);
        assert_eq!(cut[0].0, b"5\" disk,1\n");
        assert_eq!(cut[1].0, b"x,\"a\nb\"\n");
    }
}
