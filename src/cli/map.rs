//! `kiln map FILE.expr DATA.csv`: run a program once per row of a CSV file, its params
//! bound to the columns of the same name, and write the rows with a `result` column
//! added to stdout.
//!
//! The file is streamed: rows are read, parsed and run in chunks of
//! `engine::columns::CHUNK_ROWS` through the program's columnar entry
//! ([`crate::Program::run_columns`]), so memory stays bounded however large the file.
//! Columns no param names pass through unchanged; `print` output goes to stderr. A cell that does not parse as its
//! param's type, a malformed row, or a runtime fault stops the command with status 3
//! naming `DATA.csv:LINE`; the rows before it have been written already.

use super::args::{Limits, Opt};
use super::{
    limited_context, read_file, say, Reporter, Source, EXIT_OK, EXIT_RUNTIME_ERROR, EXIT_USAGE,
};
use crate::abi::KindTy;
use crate::engine::{Column, ColumnBuf, Engine, EngineOptions, Program, CHUNK_ROWS};
use crate::runtime::parse_bits;
use crate::types::ty::Ty;
use crate::value::Value;
use std::io;
use std::path::Path;

/// How one param gets its values: the CSV column it reads.
struct Binding {
    column: usize,
    name: String,
    ty: Ty,
}

/// Why a `map` stopped early: the exit status, after the message was printed.
type Stop = i32;

pub(super) fn map(rep: &Reporter, file: &Path, data: &Path, opt: &Opt, limits: &Limits) -> i32 {
    match map_inner(rep, file, data, opt, limits) {
        Ok(()) => EXIT_OK,
        Err(code) => code,
    }
}

fn map_inner(
    rep: &Reporter,
    file: &Path,
    data: &Path,
    opt: &Opt,
    limits: &Limits,
) -> Result<(), Stop> {
    let src = read_file(file)?;
    let program = compile(rep, &src, opt)?;
    let data_name = data.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(data)
        .map_err(|e| usage(format!("cannot read `{data_name}`: {e}")))?;
    let header = reader
        .headers()
        .map_err(|e| usage(format!("cannot read the header of `{data_name}`: {e}")))?
        .clone();
    if header.is_empty() {
        return Err(usage(format!(
            "`{data_name}` has no header row naming its columns"
        )));
    }
    let bindings = bind(&program, &header, &data_name)?;
    let mut out = csv::Writer::from_writer(io::stdout().lock());
    let title = header.iter().chain(std::iter::once("result"));
    out.write_record(title).map_err(output_error)?;

    // `print` output would break up the CSV on stdout: it goes to stderr, chunk by chunk.
    // `--timeout` covers the whole batch: one timer, one interrupt for every chunk.
    let (mut ctx, _timer) = limited_context(limits);
    ctx.capture_output();
    let mut records = vec![csv::StringRecord::new(); CHUNK_ROWS];
    loop {
        // Read a chunk, parsing each param's cells; stop at a row that does not parse.
        let mut columns: Vec<ColumnBuf> = bindings
            .iter()
            .map(|b| ColumnBuf::empty(&b.ty).unwrap_or(ColumnBuf::Str(Vec::new())))
            .collect();
        let mut rows = 0;
        let mut bad = None;
        while rows < CHUNK_ROWS {
            match reader.read_record(&mut records[rows]) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    bad = Some(format!("{data_name}:{line}: {e}"));
                    break;
                }
            }
            let record = &records[rows];
            if let Err(why) = parse_row(record, &bindings, &mut columns) {
                let line = record.position().map_or(0, |p| p.line());
                bad = Some(format!("{data_name}:{line}: {why}"));
                break;
            }
            rows += 1;
        }
        let chunk = &records[..rows];
        let strings: Vec<Vec<&str>> = bindings
            .iter()
            .map(|b| match b.ty {
                Ty::Str => chunk
                    .iter()
                    .map(|r| r.get(b.column).unwrap_or(""))
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
        let inputs: Vec<Column<'_>> = columns
            .iter()
            .zip(&strings)
            .map(|(c, s)| c.as_column().unwrap_or(Column::Str(s)))
            .collect();
        let (results, fault) = program.run_rows(&mut ctx, None, rows, &inputs);
        say(&ctx.take_output());
        for (row, record) in chunk.iter().enumerate().take(results.len()) {
            let value = results.get(row).map(|v| v.to_string()).unwrap_or_default();
            let fields = record.iter().chain(std::iter::once(value.as_str()));
            out.write_record(fields).map_err(output_error)?;
        }
        flush(&mut out)?;
        if let Some(fault) = fault {
            let line = chunk
                .get(fault.row)
                .and_then(|r| r.position())
                .map_or(0, |p| p.line());
            let diagnostic = fault
                .error
                .to_diagnostic()
                .with_note(format!("while running the row at {data_name}:{line}"));
            return Err(rep.report(&[diagnostic], &src, EXIT_RUNTIME_ERROR));
        }
        if let Some(message) = bad {
            say(&format!("error: {message}\n"));
            return Err(EXIT_RUNTIME_ERROR);
        }
        if rows < CHUNK_ROWS {
            return Ok(());
        }
    }
}

/// Compile `src`, reporting its diagnostics (and warnings) as `kiln run` does.
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
        .map(|p| (format!("param `{}`", p.name), &p.ty))
        .chain(program.output_type().map(|t| ("its result".to_owned(), t)))
        .find(|(_, ty)| !crate::codegen::is_column_type(ty));
    if let Some((what, ty)) = unsupported {
        return Err(usage(format!(
            "`kiln map` runs programs over CSV cells, but {what} has type {ty}"
        )));
    }
    if program.output_type().is_none() {
        return Err(usage(
            "`kiln map` needs a program with a result to write in the `result` column".to_owned(),
        ));
    }
    Ok(program)
}

/// The CSV column of each param, by name.
fn bind(
    program: &Program,
    header: &csv::StringRecord,
    data_name: &str,
) -> Result<Vec<Binding>, Stop> {
    program
        .params()
        .iter()
        .map(|p| match header.iter().position(|h| h == p.name) {
            Some(column) => Ok(Binding {
                column,
                name: p.name.clone(),
                ty: p.ty.clone(),
            }),
            None => Err(usage(format!(
                "`{data_name}` has no column `{}` for param `{}: {}`; its header is: {}",
                p.name,
                p.name,
                p.ty,
                header.iter().collect::<Vec<_>>().join(",")
            ))),
        })
        .collect()
}

/// Parse the cells of one record into the params' columns (strings are borrowed from the
/// records later). Numbers and bools may have spaces around them. Nothing is appended
/// when a cell does not parse.
fn parse_row(
    record: &csv::StringRecord,
    bindings: &[Binding],
    columns: &mut [ColumnBuf],
) -> Result<(), String> {
    let mut values = Vec::with_capacity(bindings.len());
    for b in bindings {
        let Some(kind) = crate::abi::Kind::of(&b.ty).filter(|_| b.ty != Ty::Str) else {
            values.push(None);
            continue;
        };
        let cell = record.get(b.column).unwrap_or("");
        let bits =
            parse_bits(kind, cell.trim()).map_err(|why| format!("column `{}`: {why}", b.name))?;
        values.push(Some(Value::from_bits(kind, bits)));
    }
    for (column, value) in columns.iter_mut().zip(values) {
        if let Some(value) = value {
            column.push(value);
        }
    }
    Ok(())
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
