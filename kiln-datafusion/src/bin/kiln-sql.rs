//! `kiln-sql`: a DataFusion SQL query over data files, with Kiln programs as functions.
//! The `kiln` CLI runs it for `kiln sql ...` (a separate program so `kiln` itself stays
//! small and quick to start).
//!
//! Exit status, as `kiln`'s: 0 success, 1 a UDF or the query does not compile, 2 usage
//! error (bad arguments, an unreadable UDF file, an unwritable output), 3 runtime error
//! (a Kiln fault, or any other error while the query runs).

use clap::{Parser, ValueEnum};
use datafusion::arrow::util::pretty::pretty_format_batches;
use datafusion::error::DataFusionError;
use datafusion::prelude::SessionContext;
use kiln::Engine;
use kiln_datafusion::sql::{self, Format};
use kiln_datafusion::{is_kiln_fault, KilnUdf, UdfError};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

const EXIT_COMPILE_ERROR: u8 = 1;
const EXIT_USAGE: u8 = 2;
const EXIT_RUNTIME_ERROR: u8 = 3;

/// Stack of the threads that run queries: Kiln programs may recurse deeply.
const STACK_SIZE: usize = 64 << 20;

/// Run a SQL query (DataFusion's dialect) over Parquet, CSV, NDJSON or Arrow files, with
/// Kiln programs as SQL functions; print the result as a table, or write it to a file.
#[derive(Debug, Parser)]
#[command(
    name = "kiln sql",
    bin_name = "kiln sql",
    version,
    after_help = "A quoted path in FROM reads that file (its extension says the format):\n  \
                  kiln sql 'SELECT id, score(a, b) FROM \"data.parquet\"' --udf score=score.expr\n\
                  A UDF takes one argument per `param` of its program, in order.\n\
                  Exit status: 0 success, 1 a UDF or the query does not compile, 2 usage \
                  error, 3 runtime error."
)]
struct Args {
    /// The query.
    query: String,
    /// Make the Kiln program in FILE the SQL function NAME; repeat for each.
    #[arg(long = "udf", value_name = "NAME=FILE")]
    udfs: Vec<String>,
    /// Register the data file (or directory) at PATH as table NAME; repeat for each.
    #[arg(long = "table", value_name = "NAME=PATH")]
    tables: Vec<String>,
    /// Write the result to FILE, in the format its extension says (.csv, .parquet,
    /// .arrow, .ndjson), instead of a table on standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// The output's format, when `-o`'s extension does not say it.
    #[arg(long, value_enum, value_name = "FORMAT", requires = "output")]
    output_format: Option<OutputFormat>,
}

/// `--output-format`.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum OutputFormat {
    Csv,
    Parquet,
    Arrow,
    Ndjson,
}

impl From<OutputFormat> for Format {
    fn from(f: OutputFormat) -> Format {
        match f {
            OutputFormat::Csv => Format::Csv,
            OutputFormat::Parquet => Format::Parquet,
            OutputFormat::Arrow => Format::Arrow,
            OutputFormat::Ndjson => Format::Ndjson,
        }
    }
}

/// A failed command: its message, and the exit status.
struct Failure(String, u8);

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(e.exit_code() as u8);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .thread_stack_size(STACK_SIZE)
        .enable_all()
        .build();
    let outcome = match runtime {
        Ok(rt) => rt.block_on(run(args)),
        Err(e) => Err(Failure(format!("error: cannot start: {e}"), EXIT_USAGE)),
    };
    let _ = std::io::stdout().flush();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message, code)) => {
            eprintln!("{}", message.trim_end());
            ExitCode::from(code)
        }
    }
}

/// `NAME=VALUE` split at its first `=`.
fn pair<'a>(flag: &str, arg: &'a str) -> Result<(&'a str, &'a str), Failure> {
    match arg.split_once('=') {
        Some((name, value)) if !name.is_empty() && !value.is_empty() => Ok((name, value)),
        _ => Err(Failure(
            format!("error: {flag} takes NAME=VALUE, not `{arg}`"),
            EXIT_USAGE,
        )),
    }
}

/// Compile each `--udf NAME=FILE` and register it.
fn register_udfs(ctx: &SessionContext, udfs: &[String]) -> Result<(), Failure> {
    let engine = Engine::new();
    for arg in udfs {
        let (name, file) = pair("--udf", arg)?;
        let source = std::fs::read_to_string(file).map_err(|e| {
            Failure(
                format!("error: cannot read UDF `{name}` from `{file}`: {e}"),
                EXIT_USAGE,
            )
        })?;
        let udf = KilnUdf::new(&engine, name, file, &source).map_err(|e| match e {
            UdfError::Compile(e) => Failure(e.render(), EXIT_COMPILE_ERROR),
            e => Failure(format!("error: {e}"), EXIT_COMPILE_ERROR),
        })?;
        for warning in udf.program().warnings() {
            eprint!("{}", udf.program().render(warning));
        }
        ctx.register_udf(datafusion::logical_expr::ScalarUDF::new_from_impl(udf));
    }
    Ok(())
}

/// A DataFusion error as the command reports it.
fn failure(stage: &str, e: DataFusionError, code: u8) -> Failure {
    if is_kiln_fault(&e) {
        // The root's text is the Kiln report (code, message, source excerpt, row).
        let root = match e.find_root() {
            DataFusionError::Execution(m) => m.clone(),
            other => other.to_string(),
        };
        return Failure(format!("error: {root}"), EXIT_RUNTIME_ERROR);
    }
    Failure(format!("error: {stage}: {}", e.strip_backtrace()), code)
}

async fn run(args: Args) -> Result<(), Failure> {
    let format = match (&args.output, args.output_format) {
        (_, Some(f)) => Some(Format::from(f)),
        (Some(path), None) => Some(Format::from_path(path).ok_or_else(|| {
            Failure(
                format!(
                    "error: cannot tell the format of `{}` from its extension; use --output-format",
                    path.display()
                ),
                EXIT_USAGE,
            )
        })?),
        (None, None) => None,
    };
    let ctx = sql::session();
    register_udfs(&ctx, &args.udfs)?;
    for arg in &args.tables {
        let (name, path) = pair("--table", arg)?;
        sql::register_path(&ctx, name, path)
            .await
            .map_err(|e| failure(&format!("table `{name}`"), e, EXIT_USAGE))?;
    }
    let frame = ctx
        .sql(&args.query)
        .await
        .map_err(|e| failure("the query", e, EXIT_COMPILE_ERROR))?;
    match (args.output, format) {
        (Some(path), Some(format)) => {
            let file = std::fs::File::create(&path).map_err(|e| {
                Failure(
                    format!("error: cannot create `{}`: {e}", path.display()),
                    EXIT_USAGE,
                )
            })?;
            let written = match frame.execute_stream().await {
                Ok(stream) => sql::write_stream(stream, file, format).await,
                Err(e) => Err(e),
            };
            written.map(|_| ()).map_err(|e| {
                // No half-written output is left behind.
                let _ = std::fs::remove_file(&path);
                failure("the query", e, EXIT_RUNTIME_ERROR)
            })
        }
        _ => {
            let batches = frame
                .collect()
                .await
                .map_err(|e| failure("the query", e, EXIT_RUNTIME_ERROR))?;
            let table = pretty_format_batches(&batches)
                .map_err(|e| failure("the result", e.into(), EXIT_RUNTIME_ERROR))?;
            let mut out = std::io::stdout().lock();
            match writeln!(out, "{table}") {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure(
                    format!("error: cannot write to standard output: {e}"),
                    EXIT_USAGE,
                )),
                _ => Ok(()),
            }
        }
    }
}
