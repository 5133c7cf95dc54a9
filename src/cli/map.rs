//! `kiln map FILE.expr DATA.csv`: run a program once per row of a CSV file, its params
//! bound to the columns of the same name, and write the rows with a result column
//! (`--output-column NAME`, default `result`) added to stdout. Either file may be `-`,
//! standard input.
//!
//! The file is streamed: rows are read, parsed and run in chunks of
//! `engine::columns::CHUNK_ROWS` through the program's columnar entry
//! ([`crate::Program::run_columns`]), so memory stays bounded however large the file.
//! Records are read as bytes: only the cells of columns a param reads are decoded (so
//! invalid UTF-8 elsewhere passes through unchanged). Columns no param names pass
//! through unchanged; `print` output goes to stderr.
//!
//! Optionals (v1): an empty cell (spaces only, for a number or bool) is `none` for a
//! param of type `T?`, and a `none` result is written as an empty cell. For a param
//! that is not optional an empty cell is E0706, whose help says to declare it `T?`.
//!
//! Every problem with the data is a diagnostic with an E07xx code, drawn on the CSV text
//! itself (the header cell, the row, the exact cell), so `--error-format json` reports
//! them like any other. Line numbers count `\n`, so they are right for LF and CRLF files
//! and for quoted fields that span lines. A problem with the header (a missing column, a
//! duplicate name, a clash with the output column) stops the command with status 2
//! before any row runs; a row that does not parse, or a runtime fault, stops it with
//! status 3, after the rows before it have been written.

use super::args::{Limits, Opt};
use super::{
    limited_context, read_file, say, Reporter, Source, EXIT_OK, EXIT_RUNTIME_ERROR, EXIT_USAGE,
};
use crate::abi::KindTy;
use crate::diag::Diagnostic;
use crate::engine::{Column, ColumnBuf, Engine, EngineOptions, Program, CHUNK_ROWS};
use crate::runtime::parse_bits;
use crate::span::Span;
use crate::types::ty::Ty;
use crate::value::Value;
use std::io::{self, Read};
use std::ops::Range;
use std::path::Path;

/// How one param gets its values: the CSV column it reads.
struct Binding {
    column: usize,
    name: String,
    ty: Ty,
}

/// Why a `map` stopped early: the exit status, after the message was printed.
type Stop = i32;

/// What `kiln map` was asked to do.
pub(super) struct MapArgs<'a> {
    pub file: &'a Path,
    pub data: &'a Path,
    pub output_column: &'a str,
    pub opt: &'a Opt,
    pub limits: &'a Limits,
}

pub(super) fn map(rep: &Reporter, args: &MapArgs<'_>) -> i32 {
    match map_inner(rep, args) {
        Ok(()) => EXIT_OK,
        Err(code) => code,
    }
}

/// `-` as a file name: standard input.
fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

fn map_inner(rep: &Reporter, args: &MapArgs<'_>) -> Result<(), Stop> {
    if is_stdin(args.file) && is_stdin(args.data) {
        return Err(usage(
            "the program and the data cannot both be standard input (`-`)".to_owned(),
        ));
    }
    let src = read_file(args.file)?;
    let program = compile(rep, &src, args.opt)?;
    let (data_name, input): (String, Box<dyn Read>) = if is_stdin(args.data) {
        ("<stdin>".to_owned(), Box::new(io::stdin()))
    } else {
        let name = args.data.display().to_string();
        let file = std::fs::File::open(args.data)
            .map_err(|e| usage(format!("cannot read `{name}`: {e}")))?;
        (name, Box::new(file))
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(Kept::new(input));
    let header = match reader.byte_headers() {
        Ok(header) => header.clone(),
        Err(e) => return Err(csv_error(rep, &reader, &data_name, e)),
    };
    let data = Data {
        rep,
        name: &data_name,
    };
    let header_end = reader.position().byte();
    if header.is_empty() {
        let d = Diagnostic::error("E0708", Span::new(0, 0), "the data has no header row")
            .with_label("the first row must name the columns")
            .with_help("add a first row naming the columns, e.g. `price,qty`");
        return Err(data.report(reader.get_ref(), 0..header_end, vec![d], EXIT_USAGE));
    }
    let names: Vec<String> = header
        .iter()
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .collect();
    let raw_header = reader.get_ref().slice(0..header_end).to_vec();
    let (cells, unterminated) = cell_ranges(&raw_header);
    if let Some(open) = unterminated {
        let d = unterminated_quote(open);
        return Err(data.report(reader.get_ref(), 0..header_end, vec![d], EXIT_USAGE));
    }
    let cell = |i: usize| -> Span {
        let r = cells.get(i).cloned().unwrap_or(0..0);
        Span::new(r.start, r.end)
    };
    let line_span = Span::new(0, line_len(&raw_header));
    let (bindings, diags) = bind(&program, &names, args.output_column, &cell, line_span);
    if !diags.is_empty() {
        return Err(data.report(reader.get_ref(), 0..header_end, diags, EXIT_USAGE));
    }
    let mut out = csv::Writer::from_writer(io::stdout().lock());
    let title = header
        .iter()
        .chain(std::iter::once(args.output_column.as_bytes()));
    out.write_record(title).map_err(output_error)?;

    // `print` output would break up the CSV on stdout: it goes to stderr, chunk by chunk.
    // `--timeout` covers the whole batch: one timer, one interrupt for every chunk.
    let (mut ctx, _timer) = limited_context(args.limits);
    ctx.capture_output();
    let mut records = vec![csv::ByteRecord::new(); CHUNK_ROWS];
    // Data rows (after the header) of the chunks before this one.
    let mut rows_before = 0;
    loop {
        // The bytes of earlier chunks are not needed any more.
        let chunk_start = reader.position().byte();
        reader.get_mut().forget_before(chunk_start);
        // Read a chunk, parsing each param's cells; stop at a row that does not parse.
        let mut columns: Vec<ColumnBuf> = bindings
            .iter()
            .map(|b| ColumnBuf::empty(&b.ty).unwrap_or(ColumnBuf::Str(Vec::new())))
            .collect();
        let mut rows = 0;
        let mut bad = None;
        while rows < CHUNK_ROWS {
            match reader.read_byte_record(&mut records[rows]) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    bad = Some(Bad::Csv(e));
                    break;
                }
            }
            let record = &records[rows];
            let lo = reader.get_ref().record_start(record.position());
            let hi = reader.position().byte();
            let kept = reader.get_ref();
            let (raw, at_end) = (kept.slice(lo..hi), kept.is_end(hi));
            if let Err(d) = check_row(raw, at_end, record, &bindings, &mut columns) {
                bad = Some(Bad::Row(lo..hi, *d));
                break;
            }
            rows += 1;
        }
        let chunk = &records[..rows];
        let strings: Vec<Vec<&str>> = bindings
            .iter()
            .map(|b| match b.ty.strip_opt() {
                // `check_row` has checked these cells are UTF-8.
                Ty::Str => chunk
                    .iter()
                    .map(|r| std::str::from_utf8(r.get(b.column).unwrap_or(b"")).unwrap_or(""))
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
        // An optional column is its values (a `string?`'s from the records) and its
        // validity bitmap.
        let values: Vec<Column<'_>> = columns
            .iter()
            .zip(&strings)
            .map(|(c, s)| {
                let values = c.opt_parts().map_or(c, |(values, _)| values);
                values.as_column().unwrap_or(Column::Str(s))
            })
            .collect();
        let inputs: Vec<Column<'_>> = columns
            .iter()
            .zip(&values)
            .map(|(c, v)| match c.opt_parts() {
                Some((_, validity)) => Column::opt(v, validity),
                None => *v,
            })
            .collect();
        let (results, fault) = program.run_rows(&mut ctx, None, rows, &inputs);
        say(&ctx.take_output());
        for (row, record) in chunk.iter().enumerate().take(results.len()) {
            // `none` is an empty cell.
            let value = match results.get(row) {
                Some(Value::None) | None => String::new(),
                Some(v) => v.to_string(),
            };
            let fields = record.iter().chain(std::iter::once(value.as_bytes()));
            out.write_record(fields).map_err(output_error)?;
        }
        flush(&mut out)?;
        if let Some(fault) = fault {
            let kept = reader.get_ref();
            let byte = kept.record_start(chunk.get(fault.row).and_then(|r| r.position()));
            let line = kept.line_of(byte);
            let diagnostic = fault
                .error
                .to_diagnostic()
                .with_note(format!("while running the row at {data_name}:{line}"));
            return Err(rep.report(&[diagnostic], &src, EXIT_RUNTIME_ERROR));
        }
        match bad {
            Some(Bad::Csv(e)) => return Err(csv_error(rep, &reader, &data_name, e)),
            Some(Bad::Row(range, d)) => {
                let d = d.with_note(format!(
                    "in data row {} (the rows before it were written)",
                    rows_before + rows + 1
                ));
                return Err(data.report(reader.get_ref(), range, vec![d], EXIT_RUNTIME_ERROR));
            }
            None => {}
        }
        if rows < CHUNK_ROWS {
            return Ok(());
        }
        rows_before += rows;
    }
}

/// Why reading a chunk stopped before its end.
enum Bad {
    /// The CSV reader's own error (a row with the wrong number of fields, a failed read).
    Csv(csv::Error),
    /// A row that read but does not fit: the record's bytes and the diagnostic, whose
    /// span is relative to the start of the record.
    Row(Range<u64>, Diagnostic),
}

/// Where diagnostics about the data go.
struct Data<'a> {
    rep: &'a Reporter,
    name: &'a str,
}

impl Data<'_> {
    /// Report `diags`, whose spans are relative to the record at `range` of the data.
    fn report(&self, kept: &Kept, range: Range<u64>, diags: Vec<Diagnostic>, code: i32) -> i32 {
        let (text, base) = excerpt(kept, range);
        let diags: Vec<Diagnostic> = diags.into_iter().map(|d| shift(d, base)).collect();
        let src = Source {
            name: self.name.to_owned(),
            text,
        };
        self.rep.report(&diags, &src, code)
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
    let newlines = (line - 1) as usize;
    let mut text = String::new();
    if range.start <= EXACT_OFFSETS_UP_TO {
        text.push_str(&" ".repeat(range.start as usize - newlines));
    }
    text.push_str(&"\n".repeat(newlines));
    let base = text.len();
    for chunk in kept.slice(range).utf8_chunks() {
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

/// Report an error of the CSV reader: a row with the wrong number of fields is E0701;
/// a failure to read the file is a usage error.
fn csv_error(rep: &Reporter, reader: &csv::Reader<Kept>, name: &str, e: csv::Error) -> Stop {
    let data = Data { rep, name };
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
            data.report(reader.get_ref(), lo..hi, vec![d], EXIT_RUNTIME_ERROR)
        }
        _ => usage(format!("cannot read `{name}`: {e}")),
    }
}

/// Compile `src`, reporting its diagnostics (and warnings) as `kiln run` does; a program
/// `map` cannot run over CSV cells is E0709.
fn compile(rep: &Reporter, src: &Source, opt: &Opt) -> Result<Program, Stop> {
    let engine = Engine::with_options(EngineOptions {
        opt_level: opt.level,
        overflow: opt.overflow(),
        ..EngineOptions::default()
    });
    let outcome = match engine.compile_named(&src.name, &src.text) {
        Ok(program) => {
            let warnings = program.warnings().to_vec();
            Ok((program, warnings))
        }
        Err(e) => Err(e.diagnostics),
    };
    let program = rep.compiled(outcome, src)?;
    let unsupported = program
        .params()
        .iter()
        .find(|p| !crate::codegen::is_column_type(&p.ty));
    let end = Span::new(src.text.len(), src.text.len());
    let d = if let Some(p) = unsupported {
        // The checked program has each param's span.
        let span = crate::driver::check_source(&src.text)
            .ok()
            .and_then(|c| {
                c.program
                    .inputs
                    .iter()
                    .find(|i| i.name == p.name)
                    .map(|i| i.span)
            })
            .unwrap_or(end);
        Diagnostic::error(
            "E0709",
            span,
            format!(
                "`kiln map` cannot give param `{}` a value of type {}",
                p.name, p.ty
            ),
        )
        .with_label("a CSV cell holds one number, bool or string, or nothing")
        .with_help("declare the param as a number, bool or string type, or an optional of one")
    } else if let Some(ty) = program
        .output_type()
        .filter(|t| !crate::codegen::is_column_type(t))
    {
        Diagnostic::error(
            "E0709",
            end,
            format!("`kiln map` cannot write a result of type {ty} in a CSV cell"),
        )
        .with_label("the program's result ends here")
        .with_help("end the program with a number, bool or string")
    } else if program.output_type().is_none() {
        Diagnostic::error("E0709", end, "`kiln map` needs a program with a result")
            .with_label("the program ends here without a result")
            .with_help("end the program with the expression to write for each row")
    } else {
        return Ok(program);
    };
    Err(rep.report(&[d], src, EXIT_USAGE))
}

/// The CSV column of each param, by name, and what is wrong with the header: duplicate
/// names (E0703), the output column already present (E0704), a param without its
/// column (E0705). `cell` gives the span of a header cell, `line` the header's.
fn bind(
    program: &Program,
    names: &[String],
    output_column: &str,
    cell: &dyn Fn(usize) -> Span,
    line: Span,
) -> (Vec<Binding>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    for (i, name) in names.iter().enumerate() {
        if let Some(first) = names[..i].iter().position(|n| n == name) {
            diags.push(
                Diagnostic::error(
                    "E0703",
                    cell(i),
                    format!(
                        "columns {} and {} are both named `{name}`",
                        first + 1,
                        i + 1
                    ),
                )
                .with_label(format!("column {} is named `{name}` again", i + 1))
                .with_secondary(cell(first), format!("column {} is named here", first + 1))
                .with_help("give every column its own name in the header row"),
            );
        }
    }
    if let Some(i) = names.iter().position(|n| n == output_column) {
        diags.push(
            Diagnostic::error(
                "E0704",
                cell(i),
                format!("the data already has a column named `{output_column}`"),
            )
            .with_label(format!(
                "column {} is `{output_column}`, where the result would go",
                i + 1
            ))
            .with_help("name the result column with `--output-column NAME`"),
        );
    }
    let mut bindings = Vec::new();
    for p in program.params() {
        match names.iter().position(|h| *h == p.name) {
            Some(column) => bindings.push(Binding {
                column,
                name: p.name.clone(),
                ty: p.ty.clone(),
            }),
            None => {
                let mut d = Diagnostic::error(
                    "E0705",
                    line,
                    format!("no column `{}` for `param {}: {}`", p.name, p.name, p.ty),
                )
                .with_label(format!("the header has no column `{}`", p.name));
                let near =
                    crate::types::suggest::closest(&p.name, names.iter().map(String::as_str), 1);
                d = match near.first() {
                    Some(near) => d.with_help(format!(
                        "did you mean `{near}`? Column names must match param names exactly"
                    )),
                    None => d.with_help(format!(
                        "add a column `{}` to the data, or rename a column to it",
                        p.name
                    )),
                };
                diags.push(d);
            }
        }
    }
    (bindings, diags)
}

/// Check one record's cells for the params and parse them into the params' columns
/// (strings are borrowed from the records later). Numbers and bools may have spaces
/// around them. Nothing is appended when a cell does not fit. `raw` is the record's
/// text, for the spans of the diagnostics; `at_end`, whether the record ends the data
/// (only there can a quote be left open).
fn check_row(
    raw: &[u8],
    at_end: bool,
    record: &csv::ByteRecord,
    bindings: &[Binding],
    columns: &mut [ColumnBuf],
) -> Result<(), Box<Diagnostic>> {
    if let (true, (_, Some(open))) = (at_end, cell_ranges(raw)) {
        return Err(Box::new(unterminated_quote(open)));
    }
    // Where the cells are is worked out only for a diagnostic.
    let cell_span = |column: usize| {
        let r = cell_ranges(raw).0.get(column).cloned().unwrap_or(0..0);
        Span::new(r.start, r.end)
    };
    let mut values = Vec::with_capacity(bindings.len());
    for b in bindings {
        let bytes = record.get(b.column).unwrap_or(b"");
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
        // empty: spaces are text). Strings are borrowed from the records later.
        let empty = match inner {
            Ty::Str => text.is_empty(),
            _ => text.trim().is_empty(),
        };
        values.push(match (b.ty.is_opt() && empty, inner) {
            (true, _) => Some(Value::None),
            (false, Ty::Str) if b.ty.is_opt() => Some(Value::Str(String::new())),
            (false, Ty::Str) => None,
            (false, _) => Some(parse_cell(b, text, cell_span(b.column))?),
        });
    }
    for (column, value) in columns.iter_mut().zip(values) {
        if let Some(value) = value {
            column.push(value);
        }
    }
    Ok(())
}

/// The value of a number or bool cell (not empty, for an optional param) for `b`, or
/// E0706 at `span`; for an empty cell and a param that is not optional, the help says
/// to declare it optional.
fn parse_cell(b: &Binding, text: &str, span: Span) -> Result<Value, Box<Diagnostic>> {
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
            Diagnostic::error("E0706", span, message)
                .with_label(why)
                .with_help(help),
        )
    })?;
    Ok(Value::from_bits(kind, bits))
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

/// The data as it is read, with the bytes of the current chunk kept for diagnostics and
/// the count of lines before them.
struct Kept {
    inner: Box<dyn Read>,
    kept: Vec<u8>,
    /// The offset in the data of `kept[0]`.
    base: u64,
    /// How many `\n` come before `base`.
    lines_before: u64,
    /// Whether the end of the data has been read.
    eof: bool,
}

impl Kept {
    fn new(inner: Box<dyn Read>) -> Kept {
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

fn usage(message: String) -> Stop {
    say(&format!("error: {message}\n"));
    EXIT_USAGE
}

fn flush(out: &mut csv::Writer<io::StdoutLock<'_>>) -> Result<(), Stop> {
    out.flush().map_err(|e| output_error(e.into()))
}

/// A failure to write: a reader that went away ends the command quietly.
fn output_error(e: csv::Error) -> Stop {
    match e.kind() {
        csv::ErrorKind::Io(io) if io.kind() == io::ErrorKind::BrokenPipe => EXIT_OK,
        _ => {
            say(&format!("error: cannot write to standard output: {e}\n"));
            EXIT_USAGE
        }
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
