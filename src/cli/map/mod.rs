//! `kiln map FILE.expr DATA`: run a program once per row of a data file, its params
//! bound to the columns of the same name, and write the rows with a result column
//! (`--output-column NAME`, default `result`) added: CSV to stdout, or `-o FILE` in the
//! format its extension (or `--output-format`) says. Either file may be `-`, standard
//! input.
//!
//! The data is CSV (`csv_in.rs`: typed as the params say, with E07xx diagnostics drawn
//! on the CSV text), Parquet, Arrow IPC (file or stream) or NDJSON (`formats.rs`), read
//! as a stream of Arrow record batches of about [`BATCH_ROWS`] rows. `--threads N`
//! workers evaluate batches at once (`eval.rs`, the one place batches are evaluated);
//! the output keeps the input's order and at most `2 N` batches are in flight, so memory
//! stays bounded however large the file. `--where EXPR` keeps the rows where a bool
//! program over the same columns holds. `print` output goes to stderr.
//!
//! Optionals: an empty CSV cell (spaces only, for a number or bool) or an Arrow null is
//! `none` for a param of type `T?`, and a `none` result is an empty cell (a null). For a
//! param that is not optional an empty cell is E0706 and a null E0712.
//!
//! A problem with the header or schema (a missing column, a duplicate name, a clash with
//! the output column, a column of the wrong type) or a file that cannot be opened stops
//! the command with status 2 before any row runs; a row that does not parse, a file
//! that breaks off, or a runtime fault stops it with status 3, after the rows before it
//! have been written.

mod csv_in;
mod eval;
mod formats;
mod text;

use super::args::{DataFormat, Limits, Opt};
use super::{read_file, say, Reporter, Source, EXIT_OK, EXIT_RUNTIME_ERROR, EXIT_USAGE};
use crate::diag::Diagnostic;
use crate::engine::arrow::{arrow_field, arrow_type, binds, kiln_type};
use crate::engine::{Engine, EngineOptions, Param, Program};
use crate::runtime::{Interrupt, RunCtx};
use crate::span::Span;
use crate::types::ty::Ty;
use arrow_array::{Array, ArrayRef, RecordBatch, UInt32Array};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use csv_in::CsvInput;
use eval::{EvalError, Session};
use formats::{Batches, Sink};
use std::collections::VecDeque;
use std::io::{self, Write};
use std::path::Path;
use std::sync::{mpsc, Arc, Mutex};

/// Rows per batch: the unit of reading, of parallel evaluation and of writing.
pub const BATCH_ROWS: usize = 16384;

/// One column a param reads, and the type it is read as.
#[derive(Clone, Debug)]
pub struct Read {
    pub column: usize,
    pub name: String,
    pub ty: Ty,
}

/// A batch of input rows: the columns as read (for CSV, each cell's raw text), and
/// each read column as its param's type.
pub struct Chunk {
    /// Data rows before this batch.
    rows_before: u64,
    /// The columns as read (for CSV, as text, parsed by the worker from `csv`: none for
    /// CSV output, which writes the records as read).
    batch: RecordBatch,
    /// The read columns (for CSV, parsed by the worker from `csv`).
    reads: Vec<ArrayRef>,
    csv: Option<csv_in::Rows>,
}

/// Why a `map` stopped, to report after the rows before it are written.
pub enum Failure {
    /// A plain `error:` line (status 2).
    Usage(String),
    /// Diagnostics drawn on `text`, named `name`, and the exit status.
    Diagnostics {
        diags: Vec<Diagnostic>,
        name: String,
        text: String,
        code: i32,
    },
}

impl Failure {
    /// E0711: the data file cannot be read (not the format it claims, truncated, corrupt).
    /// The reader's message is the text the diagnostic is drawn on.
    fn unreadable(name: &str, why: String, code: i32) -> Failure {
        let d = Diagnostic::error(
            "E0711",
            Span::new(0, why.len()),
            format!("cannot read `{name}`"),
        )
        .with_label("what the reader said")
        .with_help(
            "check that the file is complete and of the format its extension (or \
                 `--input-format`) says",
        );
        Failure::Diagnostics {
            diags: vec![d],
            name: name.to_owned(),
            text: why,
            code,
        }
    }

    fn report(self, rep: &Reporter) -> i32 {
        match self {
            Failure::Usage(message) => usage(message),
            Failure::Diagnostics {
                diags,
                name,
                text,
                code,
            } => rep.report(&diags, &Source { name, text }, code),
        }
    }
}

/// Why a `map` stopped early: the exit status, after the message was printed.
type Stop = i32;

/// What `kiln map` was asked to do.
pub(super) struct MapArgs<'a> {
    pub file: &'a Path,
    pub data: &'a Path,
    pub output_column: &'a str,
    pub input_format: Option<DataFormat>,
    pub output: Option<&'a Path>,
    pub output_format: Option<DataFormat>,
    pub threads: Option<usize>,
    pub where_: Option<&'a str>,
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

/// The input being read.
enum Input {
    Csv(Box<CsvInput>),
    Arrow {
        batches: Batches,
        name: String,
        reads: Vec<Read>,
        rows_before: u64,
    },
}

impl Input {
    fn next(&mut self) -> (Option<Chunk>, Option<Failure>) {
        match self {
            Input::Csv(csv) => csv.next_chunk(),
            Input::Arrow {
                batches,
                name,
                reads,
                rows_before,
            } => match batches.next() {
                None => (None, None),
                Some(Err(e)) => {
                    let code = match *rows_before {
                        0 => EXIT_USAGE,
                        _ => EXIT_RUNTIME_ERROR,
                    };
                    let why = match *rows_before {
                        0 => e.to_string(),
                        n => format!("{e} (after data row {n}; the rows before it were written)"),
                    };
                    (None, Some(Failure::unreadable(name, why, code)))
                }
                Some(Ok(batch)) => {
                    let chunk = Chunk {
                        rows_before: *rows_before,
                        reads: reads
                            .iter()
                            .map(|r| batch.column(r.column).clone())
                            .collect(),
                        batch,
                        csv: None,
                    };
                    *rows_before += chunk.batch.num_rows() as u64;
                    (Some(chunk), None)
                }
            },
        }
    }
}

/// Everything a worker needs to turn a chunk into output.
struct Plan {
    program: Program,
    /// The `--where` program and the reads of its params.
    filter: Option<(Program, Vec<usize>)>,
    /// The reads of the program's params.
    main: Vec<usize>,
    reads: Vec<Read>,
    /// The program's source, for its faults.
    src: Source,
    data_name: String,
    /// CSV in and CSV out: the raw cells are written as read.
    raw_csv: bool,
    /// CSV out.
    csv_out: bool,
    /// CSV in, another format out: the columns as the output schema has them.
    csv_typed: bool,
    out_schema: SchemaRef,
    /// The columns as diagnostics draw them.
    header: Header,
}

/// A chunk evaluated: the output rows (the input's columns and the results), what
/// `print` wrote, and why the command stops after them.
struct Done {
    batch: Option<(RecordBatch, ArrayRef)>,
    /// For CSV in and out, the rows as written.
    csv: Option<Vec<u8>>,
    printed: String,
    failure: Option<Failure>,
}

fn map_inner(rep: &Reporter, args: &MapArgs<'_>) -> Result<(), Stop> {
    if is_stdin(args.file) && is_stdin(args.data) {
        return Err(usage(
            "the program and the data cannot both be standard input (`-`)".to_owned(),
        ));
    }
    let src = read_file(args.file)?;
    let engine = Engine::with_options(EngineOptions {
        opt_level: args.opt.level,
        overflow: args.opt.overflow(),
        ..EngineOptions::default()
    });
    let program = compile(rep, &engine, &src)?;
    let filter = match args.where_ {
        Some(text) => Some(compile_where(rep, &engine, &program, text)?),
        None => None,
    };
    let in_format = args
        .input_format
        .or_else(|| formats::by_extension(args.data))
        .unwrap_or(DataFormat::Csv);
    let out_format = match (args.output_format, args.output) {
        (Some(f), _) => f,
        (None, None) => DataFormat::Csv,
        (None, Some(path)) => formats::by_extension(path).ok_or_else(|| {
            usage(format!(
                "cannot tell the output format from `{}`: give it an extension (.csv, \
                 .parquet, .arrow, .arrows, .ndjson) or pass `--output-format`",
                path.display()
            ))
        })?,
    };
    let data_name = match is_stdin(args.data) {
        true => "<stdin>".to_owned(),
        false => args.data.display().to_string(),
    };

    // The columns: their names, and how header diagnostics are drawn.
    let (mut input, names, header) = match in_format {
        DataFormat::Csv => {
            let reader: Box<dyn io::Read + Send> = if is_stdin(args.data) {
                Box::new(io::stdin())
            } else {
                Box::new(
                    std::fs::File::open(args.data)
                        .map_err(|e| usage(format!("cannot read `{data_name}`: {e}")))?,
                )
            };
            let csv = CsvInput::open(reader, &data_name).map_err(|f| f.report(rep))?;
            let names = csv.names.clone();
            let cells: Vec<Span> = (0..names.len()).map(|i| csv.cell(i)).collect();
            let header = Header {
                text: None,
                cells,
                line: csv.line(),
            };
            (Some(Input::Csv(Box::new(csv))), names, header)
        }
        _ => (None, Vec::new(), Header::default()),
    };
    let mut schema_in: Option<(SchemaRef, Batches)> = None;
    let (names, header) = match in_format {
        DataFormat::Csv => (names, header),
        format => {
            // NDJSON's param columns are read as the params' types.
            let typed: Vec<(String, DataType)> = program
                .params()
                .iter()
                .chain(filter.iter().flat_map(|f| f.params()))
                .filter_map(|p| Some((p.name.clone(), arrow_type(&p.ty)?)))
                .collect();
            let (schema, batches) =
                formats::open(format, args.data, &data_name, BATCH_ROWS, &typed)
                    .map_err(|f| f.report(rep))?;
            let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
            let header = Header::of_schema(&schema);
            schema_in = Some((schema, batches));
            (names, header)
        }
    };
    let header_failure = |input: &Option<Input>, diags: Vec<Diagnostic>| -> Stop {
        match (input, &header.text) {
            (Some(Input::Csv(csv)), _) => csv.header_failure(diags, EXIT_USAGE).report(rep),
            (_, text) => Failure::Diagnostics {
                diags,
                name: data_name.clone(),
                text: text.clone().unwrap_or_default(),
                code: EXIT_USAGE,
            }
            .report(rep),
        }
    };

    // Bind params to columns (the program's, then `--where`'s).
    let cell = |i: usize| header.cells.get(i).copied().unwrap_or(header.line);
    let (main_reads, mut diags) = bind(program.params(), &names, header.line);
    diags.splice(0..0, header_checks(&names, args.output_column, &cell));
    let (where_reads, where_diags) = match &filter {
        Some(f) => bind(f.params(), &names, header.line),
        None => (Vec::new(), Vec::new()),
    };
    diags.extend(where_diags);
    if !diags.is_empty() {
        return Err(header_failure(&input, diags));
    }
    let mut reads: Vec<Read> = Vec::new();
    let mut index_of = |r: Read| -> Result<usize, Box<Diagnostic>> {
        match reads.iter().position(|x| x.column == r.column) {
            Some(i) if reads[i].ty == r.ty => Ok(i),
            Some(i) => Err(Box::new(
                Diagnostic::error(
                    "E0710",
                    cell(r.column),
                    format!(
                        "column `{}` is read as {} by the program and as {} by `--where`",
                        r.name, reads[i].ty, r.ty
                    ),
                )
                .with_label("read as two types")
                .with_help("declare the param with one type in both"),
            )),
            None => {
                reads.push(r);
                Ok(reads.len() - 1)
            }
        }
    };
    let main: Vec<usize> = main_reads
        .into_iter()
        .map(&mut index_of)
        .collect::<Result<_, _>>()
        .map_err(|d| header_failure(&input, vec![*d]))?;
    let where_idx: Vec<usize> = where_reads
        .into_iter()
        .map(&mut index_of)
        .collect::<Result<_, _>>()
        .map_err(|d| header_failure(&input, vec![*d]))?;

    // An Arrow column must be of a type its param takes.
    let out_ty = program.output_type().cloned().unwrap_or(Ty::Str);
    let result_field = arrow_field(args.output_column, &out_ty)
        .unwrap_or_else(|| Field::new(args.output_column, DataType::Utf8, true));
    let out_schema = match (&schema_in, &mut input) {
        (Some((schema, _)), _) => {
            let wrong: Vec<Diagnostic> = reads
                .iter()
                .filter_map(|r| {
                    let dt = schema.field(r.column).data_type();
                    (!binds(dt, &r.ty)).then(|| wrong_type(r, dt, cell(r.column), &data_name))
                })
                .collect();
            if !wrong.is_empty() {
                return Err(header_failure(&input, wrong));
            }
            let mut fields: Vec<Arc<Field>> = schema.fields().iter().cloned().collect();
            fields.push(Arc::new(result_field));
            Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()))
        }
        (None, Some(Input::Csv(_))) => {
            let mut fields: Vec<Field> = names
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    let typed = main
                        .iter()
                        .map(|&k| &reads[k])
                        .find(|r| r.column == i)
                        .and_then(|r| arrow_field(n, &r.ty));
                    typed.unwrap_or_else(|| Field::new(n, DataType::Utf8, false))
                })
                .collect();
            fields.push(result_field);
            Arc::new(Schema::new(fields))
        }
        _ => unreachable!("one input"),
    };
    let input = match (input, schema_in) {
        (Some(i), _) => i,
        (None, Some((_, batches))) => Input::Arrow {
            batches,
            name: data_name.clone(),
            reads: reads.clone(),
            rows_before: 0,
        },
        (None, None) => unreachable!("one input"),
    };

    // The output.
    let out: Box<dyn Write + Send> = match args.output {
        Some(path) if !is_stdin(path) => Box::new(io::BufWriter::with_capacity(
            1 << 16,
            std::fs::File::create(path)
                .map_err(|e| usage(format!("cannot write `{}`: {e}", path.display())))?,
        )),
        _ => Box::new(io::BufWriter::with_capacity(1 << 16, io::stdout())),
    };
    let raw_csv = matches!(input, Input::Csv(_)) && out_format == DataFormat::Csv;
    let mut sink = Sink::new(out_format, out, &out_schema).map_err(output_error)?;

    let plan = Plan {
        program,
        filter: filter.map(|f| (f, where_idx)),
        main,
        reads,
        src,
        data_name,
        raw_csv,
        csv_out: out_format == DataFormat::Csv,
        csv_typed: matches!(input, Input::Csv(_)) && !raw_csv,
        out_schema,
        header,
    };
    keep_freed_memory();
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    // `--timeout` covers the whole run: one timer, one interrupt for every worker.
    let interrupt = args.limits.timeout.map(|_| Interrupt::new());
    let _timer = interrupt
        .as_ref()
        .zip(args.limits.timeout)
        .map(|(i, t)| i.cancel_after(t));
    let session = || {
        let mut ctx = RunCtx::new();
        ctx.set_max_memory(
            args.limits
                .max_memory
                .unwrap_or_else(|| plan.program.max_memory()),
        );
        ctx.set_interrupt(interrupt.as_ref());
        ctx.capture_output();
        Session { ctx }
    };
    let outcome = run(&plan, input, &mut sink, threads, &session);
    let finished = sink.finish();
    let failure = outcome?;
    finished.map_err(output_error)?;
    match failure {
        Some(f) => Err(f.report(rep)),
        None => Ok(()),
    }
}

/// Every batch allocates and frees buffers of a few hundred KiB, which glibc's malloc
/// would map and unmap from the system each time (a page fault per 4 KiB touched, a
/// fifth of the run): keep freed memory in the process instead. Memory stays bounded
/// by the batches in flight either way.
fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only tunes the allocator; called before the workers start.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 64 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 256 << 20);
    }
}

/// Read, evaluate (on `threads` workers, in order) and write every chunk; the failure
/// that stopped it, if one did. With more than one thread, reading (decompressing,
/// splitting CSV records) runs on a thread of its own, so it overlaps with writing
/// (compressing, formatting) on this one.
fn run(
    plan: &Plan,
    mut input: Input,
    sink: &mut Sink,
    threads: usize,
    session: &(dyn Fn() -> Session + Sync),
) -> Result<Option<Failure>, Stop> {
    let mut write = |done: Done| -> Result<Option<Failure>, Stop> {
        say(&done.printed);
        if let Some(rows) = &done.csv {
            sink.write_csv(rows).map_err(output_error)?;
            sink.flush().map_err(output_error)?;
        } else if let Some((batch, result)) = &done.batch {
            sink.write(&plan.out_schema, batch, result)
                .map_err(output_error)?;
            sink.flush().map_err(output_error)?;
        }
        Ok(done.failure)
    };
    if threads == 1 {
        let mut s = session();
        loop {
            let (chunk, failure) = input.next();
            let more = chunk.is_some();
            if let Some(chunk) = chunk {
                if let Some(f) = write(process(plan, &mut s, chunk))? {
                    return Ok(Some(f));
                }
            }
            if failure.is_some() || !more {
                return Ok(failure);
            }
        }
    }
    // The reader owns the input and is not joined: should this thread stop early, it
    // ends at its next send (or with the process, if it waits on a slow standard input).
    let (read_tx, reads) = mpsc::sync_channel::<(Option<Chunk>, Option<Failure>)>(threads);
    let reader = std::thread::Builder::new()
        .name("kiln-map-read".to_owned())
        .spawn(move || loop {
            let (chunk, failure) = input.next();
            let end = chunk.is_none() || failure.is_some();
            if read_tx.send((chunk, failure)).is_err() || end {
                return;
            }
        });
    if reader.is_err() {
        return Err(internal());
    }
    let (jobs, queue) = mpsc::sync_channel::<(Chunk, mpsc::Sender<Done>)>(threads);
    let queue = Mutex::new(queue);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let queue = &queue;
            let mut s = session();
            let worker = std::thread::Builder::new()
                .name("kiln-map".to_owned())
                .spawn_scoped(scope, move || loop {
                    let job = queue.lock().map(|q| q.recv());
                    let Ok(Ok((chunk, reply))) = job else { return };
                    let _ = reply.send(process(plan, &mut s, chunk));
                });
            if worker.is_err() {
                return Err(internal());
            }
        }
        let mut in_flight: VecDeque<mpsc::Receiver<Done>> = VecDeque::new();
        let result = (|| {
            loop {
                let (chunk, failure) = reads.recv().map_err(|_| internal())?;
                let more = chunk.is_some();
                if let Some(chunk) = chunk {
                    let (tx, rx) = mpsc::channel();
                    if jobs.send((chunk, tx)).is_err() {
                        break;
                    }
                    in_flight.push_back(rx);
                }
                let end = failure.is_some() || !more;
                while in_flight.len() >= 2 * threads || (end && !in_flight.is_empty()) {
                    let rx = in_flight.pop_front().expect("a batch in flight");
                    let done = rx.recv().map_err(|_| internal())?;
                    if let Some(f) = write(done)? {
                        return Ok(Some(f));
                    }
                }
                if end {
                    return Ok(failure);
                }
            }
            Err(internal())
        })();
        drop(jobs);
        result
    })
}

fn internal() -> Stop {
    say("error: internal error: a `kiln map` worker stopped\n");
    super::EXIT_INTERNAL_ERROR
}

/// Evaluate one chunk: nulls for params that are not optional, `--where`, the program.
fn process(plan: &Plan, session: &mut Session, mut chunk: Chunk) -> Done {
    let mut failure = None;
    // CSV records are parsed here, on the worker.
    if let Some(rows) = chunk.csv.as_mut() {
        let (batch, reads, bad) = csv_in::parse(
            rows,
            chunk.rows_before,
            &plan.reads,
            plan.csv_typed,
            plan.raw_csv,
        );
        chunk.batch = batch;
        chunk.reads = reads;
        if let Some((row, f)) = bad {
            failure = Some(f);
            chunk = slice_chunk(chunk, row);
        }
    }
    // A null for a param that is not optional stops the command at its row.
    let params: Vec<(&Param, usize)> = plan
        .program
        .params()
        .iter()
        .zip(plan.main.iter().copied())
        .chain(
            plan.filter
                .iter()
                .flat_map(|(f, idx)| f.params().iter().zip(idx.iter().copied())),
        )
        .collect();
    let first_null = params
        .iter()
        .filter(|(p, _)| !p.ty.is_opt())
        .filter_map(|(p, k)| {
            let a = &chunk.reads[*k];
            let nulls = a.logical_nulls()?;
            let row = (0..a.len()).find(|&i| nulls.is_null(i))?;
            Some((row, *p, *k))
        })
        .min_by_key(|(row, _, _)| *row);
    if let Some((row, p, k)) = first_null {
        failure = Some(null_failure(plan, &chunk, row, p, &plan.reads[k]));
        chunk = slice_chunk(chunk, row);
    }
    // `--where`: the rows to keep.
    let kept: Option<UInt32Array> = match &plan.filter {
        Some((f, idx)) => {
            let batch = params_batch(
                f.params(),
                idx.iter().map(|&k| &chunk.reads[k]),
                chunk.batch.num_rows(),
            );
            match eval::filter(f, session, &batch) {
                Ok(rows) => Some(rows),
                Err(e) => {
                    // The rows before the fault still go out, filtered.
                    failure = Some(fault(plan, &chunk, e.row, &e, "--where"));
                    let kept = e
                        .partial
                        .as_ref()
                        .and_then(|p| p.as_any().downcast_ref::<UInt32Array>())
                        .cloned()
                        .unwrap_or_else(|| UInt32Array::from(Vec::<u32>::new()));
                    chunk = slice_chunk(chunk, e.row);
                    Some(kept)
                }
            }
        }
        None => None,
    };
    let printed_before = session.ctx.take_output();
    let take = |a: &ArrayRef| -> ArrayRef {
        match &kept {
            Some(rows) => arrow_select::take::take(a, rows, None).unwrap_or_else(|_| a.clone()),
            None => a.clone(),
        }
    };
    let main_arrays: Vec<ArrayRef> = plan.main.iter().map(|&k| take(&chunk.reads[k])).collect();
    let rows = kept.as_ref().map_or(chunk.batch.num_rows(), |k| k.len());
    let batch = params_batch(plan.program.params(), main_arrays.iter(), rows);
    let (result, cut) = match eval::evaluate(&plan.program, session, &batch) {
        Ok(result) => (result, None),
        Err(e) => {
            // The row in the chunk, before `--where` dropped rows.
            let at = kept.as_ref().map_or(e.row, |k| k.value(e.row) as usize);
            failure = Some(fault(plan, &chunk, at, &e, ""));
            let partial = e
                .partial
                .unwrap_or_else(|| arrow_array::new_empty_array(&DataType::Utf8));
            (partial.slice(0, e.row.min(partial.len())), Some(e.row))
        }
    };
    let mut printed = printed_before;
    printed.push_str(&session.ctx.take_output());
    let n = cut.unwrap_or(rows).min(result.len());
    // The output's columns but the result.
    let columns: Vec<ArrayRef> = chunk
        .batch
        .columns()
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let c = take(c);
            if !plan.csv_typed {
                return c;
            }
            match plan.main.iter().position(|&k| plan.reads[k].column == i) {
                Some(j) => main_arrays[j].clone(),
                None => c,
            }
        })
        .map(|c| c.slice(0, n))
        .collect();
    let fields: Vec<Arc<Field>> = match plan.raw_csv {
        true => chunk.batch.schema().fields().iter().cloned().collect(),
        false => plan
            .out_schema
            .fields()
            .iter()
            .take(columns.len())
            .cloned()
            .collect(),
    };
    let options = arrow_array::RecordBatchOptions::new().with_row_count(Some(n));
    let out = RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), columns, &options);
    let batch = match out {
        Ok(b) => Some((b, result.slice(0, n))),
        Err(e) => {
            failure = Some(Failure::Usage(format!("internal error: {e}")));
            None
        }
    };
    // CSV output is formatted here, on the worker.
    let csv = match (&batch, plan.raw_csv, plan.csv_out) {
        (Some((_, r)), true, _) => chunk
            .csv
            .as_ref()
            .map(|rows| csv_in::write_rows(rows, kept.as_ref(), r)),
        (Some((b, r)), false, true) => match formats::csv_of_arrow(&plan.out_schema, b, r) {
            Ok(rows) => Some(rows),
            Err(e) => {
                let why = e.unwrap_or_else(|| "broken pipe".to_owned());
                failure = Some(Failure::Usage(format!("cannot write the output: {why}")));
                None
            }
        },
        _ => None,
    };
    Done {
        batch: if csv.is_some() { None } else { batch },
        csv,
        printed,
        failure,
    }
}

/// The rows of a chunk before `row`.
fn slice_chunk(chunk: Chunk, row: usize) -> Chunk {
    Chunk {
        rows_before: chunk.rows_before,
        batch: chunk.batch.slice(0, row),
        reads: chunk
            .reads
            .iter()
            .map(|a| a.slice(0, row.min(a.len())))
            .collect(),
        csv: chunk.csv,
    }
}

/// A program's inputs as a batch: one column per param, named as it.
fn params_batch<'a>(
    params: &[Param],
    arrays: impl Iterator<Item = &'a ArrayRef>,
    rows: usize,
) -> RecordBatch {
    let arrays: Vec<ArrayRef> = arrays.cloned().collect();
    let fields: Vec<Field> = params
        .iter()
        .zip(&arrays)
        .map(|(p, a)| Field::new(&p.name, a.data_type().clone(), true))
        .collect();
    let options = arrow_array::RecordBatchOptions::new().with_row_count(Some(rows));
    RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), arrays, &options)
        .expect("the params' columns are one length")
}

/// Where row `row` of a chunk is, for messages: its CSV line or its data row.
fn place(plan: &Plan, chunk: &Chunk, row: usize) -> String {
    match &chunk.csv {
        Some(rows) => format!("the row at {}:{}", plan.data_name, rows.line_of_row(row)),
        None => format!(
            "data row {} of {}",
            chunk.rows_before + row as u64 + 1,
            plan.data_name
        ),
    }
}

/// A runtime fault at row `row` of the chunk, drawn on the program (or on `--where`).
fn fault(plan: &Plan, chunk: &Chunk, row: usize, e: &EvalError, what: &str) -> Failure {
    let mut d = e
        .error
        .to_diagnostic()
        .with_note(format!("while running {}", place(plan, chunk, row)));
    if !what.is_empty() {
        d = d.with_note(format!("in the `{what}` expression"));
    }
    let (name, text) = match (what.is_empty(), &plan.filter) {
        (false, Some((f, _))) => ("<where>".to_owned(), f.source().to_owned()),
        _ => (plan.src.name.clone(), plan.src.text.clone()),
    };
    Failure::Diagnostics {
        diags: vec![d],
        name,
        text,
        code: EXIT_RUNTIME_ERROR,
    }
}

/// E0712: a null where a param that is not optional reads.
fn null_failure(plan: &Plan, chunk: &Chunk, row: usize, p: &Param, r: &Read) -> Failure {
    let span = plan.header.cells.get(r.column).copied().unwrap_or_default();
    let d = Diagnostic::error(
        "E0712",
        span,
        format!(
            "{} has a null in column `{}`, but `param {}: {}` is not optional",
            place(plan, chunk, row),
            r.name,
            p.name,
            p.ty
        ),
    )
    .with_label(format!("column `{}` has a null in that row", r.name))
    .with_note("the rows before it were written")
    .with_help(format!(
        "to allow nulls, declare it `param {}: {}?;` (a null is then `none`)",
        p.name, p.ty
    ));
    Failure::Diagnostics {
        diags: vec![d],
        name: plan.data_name.clone(),
        text: plan.header.text.clone().unwrap_or_default(),
        code: EXIT_RUNTIME_ERROR,
    }
}

/// E0710: a column whose Arrow type its param does not take.
fn wrong_type(r: &Read, dt: &DataType, span: Span, data: &str) -> Diagnostic {
    let want = arrow_type(&r.ty).map_or_else(|| "?".to_owned(), |t| t.to_string());
    let d = Diagnostic::error(
        "E0710",
        span,
        format!(
            "column `{}` of {data} is {dt}, but `param {}: {}` reads {want}",
            r.name, r.name, r.ty
        ),
    )
    .with_label(format!("{dt}"));
    match kiln_type(dt) {
        Some(t) => d.with_help(format!(
            "declare `param {}: {}{}` to read the column as it is",
            r.name,
            t,
            if r.ty.is_opt() { "?" } else { "" }
        )),
        None => d.with_help(format!(
            "Kiln has no values of Arrow type {dt}; convert the column, or do not read it"
        )),
    }
}

/// How diagnostics about the columns are drawn: on the CSV header, or on the schema of
/// an Arrow input written as a line (`name: Type, ...`).
#[derive(Default)]
struct Header {
    text: Option<String>,
    cells: Vec<Span>,
    line: Span,
}

impl Header {
    fn of_schema(schema: &Schema) -> Header {
        let mut text = String::new();
        let mut cells = Vec::new();
        for (i, f) in schema.fields().iter().enumerate() {
            if i > 0 {
                text.push_str(", ");
            }
            let lo = text.len();
            text.push_str(f.name());
            cells.push(Span::new(lo, text.len()));
            text.push_str(&format!(": {}", f.data_type()));
        }
        Header {
            line: Span::new(0, text.len()),
            text: Some(text),
            cells,
        }
    }
}

/// Compile `src`, reporting its diagnostics (and warnings) as `kiln run` does; a program
/// `map` cannot run over rows is E0709.
fn compile(rep: &Reporter, engine: &Engine, src: &Source) -> Result<Program, Stop> {
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

/// Compile `--where`'s expression: after the program's param declarations, unless it
/// declares its own. It is its own program, not a second output of a `ProgramSet` with
/// the main one: a set runs row by row over `Value`s (it has no columnar entry), which
/// would make every filtered batch orders of magnitude slower than the columnar loop.
/// Its warnings (params it does not read) are not reported.
fn compile_where(
    rep: &Reporter,
    engine: &Engine,
    program: &Program,
    text: &str,
) -> Result<Program, Stop> {
    let declares = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|w| w == "param");
    let mut full = String::new();
    if !declares {
        for p in program.params() {
            full.push_str(&format!("param {}: {}; ", p.name, p.ty));
        }
        full.push('\n');
    }
    full.push_str(text);
    let src = Source {
        name: "<where>".to_owned(),
        text: full,
    };
    let filter = match engine.compile_named(&src.name, &src.text) {
        Ok(f) => f,
        Err(e) => return Err(rep.report(&e.diagnostics, &src, super::EXIT_COMPILE_ERROR)),
    };
    match filter.output_type() {
        Some(t) if *t.strip_opt() == Ty::Bool => Ok(filter),
        other => {
            let end = Span::new(src.text.len(), src.text.len());
            let what = other.map_or("no result".to_owned(), |t| format!("a {t}"));
            let d = Diagnostic::error(
                "E0709",
                end,
                format!("`--where` needs a bool expression, not {what}"),
            )
            .with_label("the expression ends here")
            .with_help("write a condition, e.g. `--where 'price > 0.0'`");
            Err(rep.report(&[d], &src, EXIT_USAGE))
        }
    }
}

/// What is wrong with the column names themselves: duplicate names (E0703), the output
/// column already present (E0704).
fn header_checks(
    names: &[String],
    output_column: &str,
    cell: &dyn Fn(usize) -> Span,
) -> Vec<Diagnostic> {
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
    diags
}

/// The column of each param, by name, and a param without its column (E0705, with the
/// nearest name as "did you mean"). `line` is the header's span.
fn bind(params: &[Param], names: &[String], line: Span) -> (Vec<Read>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut reads = Vec::new();
    for p in params {
        match names.iter().position(|h| *h == p.name) {
            Some(column) => reads.push(Read {
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
    (reads, diags)
}

fn usage(message: String) -> Stop {
    say(&format!("error: {message}\n"));
    EXIT_USAGE
}

/// A failure to write: a reader that went away ends the command quietly.
fn output_error(e: formats::WriteError) -> Stop {
    match e {
        None => EXIT_OK,
        Some(e) => {
            say(&format!("error: cannot write the output: {e}\n"));
            EXIT_USAGE
        }
    }
}
