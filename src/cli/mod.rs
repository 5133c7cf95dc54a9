//! The `kiln` command line (clap): run, map, check, fmt, eval, build, explain, repl, and bare
//! `kiln` (the REPL on a terminal, the piped program otherwise). `kiln run` goes through
//! the compiled-program cache (`cache.rs`). `kiln sql` runs the separate `kiln-sql`
//! program (`external.rs`), which keeps DataFusion out of this binary.
//!
//! Exit status: 0 success, 1 compile error, 2 usage error (bad arguments, unreadable
//! input, unwritable output, an unknown code for `explain`; for `build`, a missing
//! runtime library or C compiler, a failed link; for `map`, a header or program that
//! does not fit), 3 runtime error (for `map`, also a row that does not fit).
//! Diagnostics go to stderr, drawn by `diag::render` (`--error-format human`, the
//! default, or `json`); program output goes to stdout.

mod args;
mod build;
mod cache;
mod external;
mod fmt;
mod link;
mod map;
mod runtime_lib;

use crate::diag::render::{render_list, Format};
use crate::diag::{codes, Diagnostic, Severity};
use crate::driver::{self, Options};
use crate::runtime::{Deadline, Interrupt, RunCtx};
use crate::value::params;
use args::{Cli, ColorChoice, Command, EngineChoice, ErrorFormat, Limits, Opt, ReportArgs};
use clap::Parser;
use std::ffi::OsString;
use std::io::{self, IsTerminal, Read, Write};
use std::path::Path;

/// The program ran (or checked, or built) successfully.
pub const EXIT_OK: i32 = 0;
/// The program did not compile.
pub const EXIT_COMPILE_ERROR: i32 = 1;
/// The command line was wrong, or an input or output file could not be used.
pub const EXIT_USAGE: i32 = 2;
/// The program stopped with a runtime error.
pub const EXIT_RUNTIME_ERROR: i32 = 3;
/// Kiln itself failed (a bug): the same status a Rust panic gives.
pub const EXIT_INTERNAL_ERROR: i32 = 101;

/// Stack for the thread that parses, checks, compiles and runs: deeply nested input
/// and deep recursion in a program must not overflow it.
const STACK_SIZE: usize = 256 << 20;

/// Entry point of the binary; returns the process exit code.
pub fn main() -> i32 {
    let args: Vec<OsString> = std::env::args_os().collect();
    let worker = std::thread::Builder::new()
        .name("kiln".to_owned())
        .stack_size(STACK_SIZE)
        .spawn(move || dispatch(args));
    let code = match worker {
        Ok(handle) => handle.join().unwrap_or_else(|_| {
            say("error: internal compiler error: Kiln crashed; this is a bug, please report it with the program that caused it\n");
            EXIT_INTERNAL_ERROR
        }),
        Err(e) => {
            say(&format!("error: cannot start the compiler thread: {e}\n"));
            EXIT_INTERNAL_ERROR
        }
    };
    let _ = io::stdout().flush();
    code
}

fn dispatch(args: Vec<OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with status 0; mistakes to stderr with 2.
            let _ = e.print();
            return e.exit_code();
        }
    };
    let rep = Reporter::new(&cli.report);
    match cli.command {
        Some(Command::Run {
            file,
            params,
            opt,
            limits,
            no_cache,
            engine,
        }) => match read_file(&file) {
            Ok(src) => {
                let run = RunArgs {
                    params: &params.values,
                    opt: &opt,
                    limits: &limits,
                };
                match (engine.engine, no_cache) {
                    (EngineChoice::Interp, _) => interpret_program(&rep, &src, &run),
                    (EngineChoice::Jit, true) => {
                        run_program(&rep, &src, &run, Some(cache::Policy::Off))
                    }
                    (EngineChoice::Jit, false) => {
                        run_program(&rep, &src, &run, Some(cache::Policy::On))
                    }
                }
            }
            Err(code) => code,
        },
        Some(Command::Map {
            file,
            data,
            output_column,
            input_format,
            output,
            output_format,
            threads,
            where_,
            opt,
            limits,
        }) => map::map(
            &rep,
            &map::MapArgs {
                file: &file,
                data: &data,
                output_column: &output_column,
                input_format,
                output: output.as_deref(),
                output_format,
                threads: threads.map(|n| n as usize),
                where_: where_.as_deref(),
                opt: &opt,
                limits: &limits,
            },
        ),
        Some(Command::Check { file }) => match read_file(&file) {
            Ok(src) => check_program(&rep, &src),
            Err(code) => code,
        },
        Some(Command::Fmt { files, check }) => fmt::fmt(&rep, &files, check),
        Some(Command::Eval {
            code,
            params,
            opt,
            limits,
            engine,
        }) => {
            let src = Source {
                name: "<eval>".to_owned(),
                text: code,
            };
            let run = RunArgs {
                params: &params.values,
                opt: &opt,
                limits: &limits,
            };
            match engine.engine {
                EngineChoice::Interp => interpret_program(&rep, &src, &run),
                EngineChoice::Jit => run_program(&rep, &src, &run, None),
            }
        }
        Some(Command::Build {
            file,
            emit,
            output,
            opt,
        }) => build::build(&rep, &file, emit, output.as_deref(), opt.options()),
        Some(Command::Explain { code, markdown }) => explain(code.as_deref(), markdown),
        Some(Command::StdlibDoc) => write_stdout(&crate::types::reference::markdown()),
        Some(Command::Repl { opt }) => repl(&cli.report, opt.options()),
        Some(Command::Lsp) => lsp(),
        Some(Command::Sql { args }) => external::run("sql", &args),
        None if io::stdin().is_terminal() => repl(&cli.report, Options::default()),
        None => run_stdin(&rep),
    }
}

/// How this run reports diagnostics: `--error-format`, `--color`, `--deny-warnings`.
struct Reporter {
    format: Format,
    deny_warnings: bool,
}

impl Reporter {
    fn new(args: &ReportArgs) -> Reporter {
        let format = match args.error_format {
            ErrorFormat::Json => Format::Json,
            ErrorFormat::Human => Format::Human {
                color: use_color(
                    args.color,
                    io::stderr().is_terminal(),
                    std::env::var_os("NO_COLOR"),
                ),
            },
        };
        Reporter {
            format,
            deny_warnings: args.deny_warnings,
        }
    }

    /// Print diagnostics (errors and warnings alike) to stderr; return `code`.
    fn report(&self, diags: &[Diagnostic], src: &Source, code: i32) -> i32 {
        if !diags.is_empty() {
            say(&render_list(diags, &src.name, &src.text, self.format));
        }
        code
    }

    /// Report what compiling `src` said; the compiled value when the command goes on,
    /// `Err(EXIT_COMPILE_ERROR)` when it stops.
    fn compiled<T>(
        &self,
        outcome: Result<(T, Vec<Diagnostic>), Vec<Diagnostic>>,
        src: &Source,
    ) -> Result<T, i32> {
        let (value, diags) = settle(outcome, self.deny_warnings);
        self.report(&diags, src, EXIT_OK);
        value
    }
}

/// Whether output is coloured: `--color always` or `never` decide; `auto` colours when
/// the output (stderr for diagnostics, stdout for the REPL) is a terminal and `NO_COLOR`
/// is unset or empty.
fn use_color(choice: ColorChoice, is_terminal: bool, no_color: Option<OsString>) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_terminal && no_color.is_none_or(|v| v.is_empty()),
    }
}

/// What a compilation's outcome means for the command: the value to go on with, or the
/// exit status to stop with ([`EXIT_COMPILE_ERROR`]), and the diagnostics to print.
/// Under `--deny-warnings` every warning becomes an error, and any warning stops the
/// command.
fn settle<T>(
    outcome: Result<(T, Vec<Diagnostic>), Vec<Diagnostic>>,
    deny_warnings: bool,
) -> (Result<T, i32>, Vec<Diagnostic>) {
    let (value, diags) = match outcome {
        Ok((value, warnings)) => (Ok(value), warnings),
        Err(diags) => (Err(EXIT_COMPILE_ERROR), diags),
    };
    if !deny_warnings || !diags.iter().any(|d| d.severity == Severity::Warning) {
        return (value, diags);
    }
    let diags = diags
        .into_iter()
        .map(|d| match d.severity {
            Severity::Warning => {
                let mut d = d.with_note("`--deny-warnings` turns every warning into an error");
                d.severity = Severity::Error;
                d
            }
            Severity::Error => d,
        })
        .collect();
    (Err(EXIT_COMPILE_ERROR), diags)
}

/// `kiln explain CODE`, `kiln explain` (every code and its title) and `kiln explain
/// --markdown`.
fn explain(code: Option<&str>, markdown: bool) -> i32 {
    if markdown {
        return write_stdout(&codes::markdown());
    }
    let Some(code) = code else {
        return write_stdout(&codes::index());
    };
    match codes::lookup(code) {
        Some(info) => write_stdout(&codes::explain(info)),
        None => {
            say(&codes::unknown_code_message(code));
            EXIT_USAGE
        }
    }
}

/// A program's text and the name its diagnostics use.
struct Source {
    name: String,
    text: String,
}

/// Read a program; `-` is standard input, named `<stdin>` in reports.
fn read_file(path: &Path) -> Result<Source, i32> {
    if path.as_os_str() == "-" {
        return read_stdin();
    }
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        say(&format!("error: cannot read `{name}`: {e}\n"));
        EXIT_USAGE
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        say(&format!("error: `{name}` is not UTF-8 text\n"));
        EXIT_USAGE
    })?;
    Ok(Source { name, text })
}

/// `kiln repl`, and bare `kiln` on a terminal: the interactive loop. Colour follows
/// `--color`; `auto` colours when stdout is a terminal and `NO_COLOR` is unset or empty.
fn repl(args: &ReportArgs, options: Options) -> i32 {
    let color = use_color(
        args.color,
        io::stdout().is_terminal(),
        std::env::var_os("NO_COLOR"),
    );
    crate::repl::editor::run(options, color)
}

/// `kiln lsp`: the language server on standard input and output until the client
/// exits. 0 after a clean shutdown, 1 on a protocol error (reported on stderr).
fn lsp() -> i32 {
    match crate::lsp::run_stdio() {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("kiln lsp: {e}");
            1
        }
    }
}

/// The program on standard input, named `<stdin>`.
fn read_stdin() -> Result<Source, i32> {
    let mut bytes = Vec::new();
    if let Err(e) = io::stdin().read_to_end(&mut bytes) {
        say(&format!("error: cannot read standard input: {e}\n"));
        return Err(EXIT_USAGE);
    }
    let Ok(text) = String::from_utf8(bytes) else {
        say("error: standard input is not UTF-8 text\n");
        return Err(EXIT_USAGE);
    };
    Ok(Source {
        name: "<stdin>".to_owned(),
        text,
    })
}

/// Bare `kiln` with stdin not a terminal: run the piped-in program.
fn run_stdin(rep: &Reporter) -> i32 {
    let src = match read_stdin() {
        Ok(src) => src,
        Err(code) => return code,
    };
    let limits = Limits {
        timeout: None,
        max_memory: None,
    };
    let opt = Opt::default();
    let run = RunArgs {
        params: &[],
        opt: &opt,
        limits: &limits,
    };
    run_program(rep, &src, &run, None)
}

/// What `kiln run` and `kiln eval` run a program with.
struct RunArgs<'a> {
    params: &'a [String],
    opt: &'a Opt,
    limits: &'a Limits,
}

/// A run context with `--max-memory`, and `--timeout`'s timer (running until dropped).
fn limited_context(limits: &Limits) -> (RunCtx, Option<Deadline>) {
    let mut ctx = RunCtx::new();
    if let Some(bytes) = limits.max_memory {
        ctx.set_max_memory(bytes);
    }
    let timer = limits.timeout.map(|timeout| {
        let interrupt = Interrupt::new();
        ctx.set_interrupt(Some(&interrupt));
        interrupt.cancel_after(timeout)
    });
    (ctx, timer)
}

/// Compile (through the compiled-program cache if `cache` says so), bind `--param`
/// values, run, print the result.
fn run_program(
    rep: &Reporter,
    src: &Source,
    run: &RunArgs<'_>,
    cache: Option<cache::Policy>,
) -> i32 {
    let (param_args, options) = (run.params, run.opt.options());
    let outcome = match cache {
        Some(policy) => cache::compile_source(&src.text, &options, policy, rep.deny_warnings),
        None => driver::compile_source(&src.text, &options),
    };
    let compiled = match rep.compiled(outcome, src) {
        Ok(compiled) => compiled,
        Err(code) => return code,
    };
    let inputs = match params::bind(compiled.inputs(), param_args) {
        Ok(inputs) => inputs,
        Err(message) => {
            say(&format!("error: {message}\n"));
            return EXIT_USAGE;
        }
    };
    let (mut ctx, _timer) = limited_context(run.limits);
    finish_run(rep, src, compiled.run_in(&mut ctx, &inputs), |v| {
        v.to_string()
    })
}

/// `--engine interp`: check, bind `--param` values, evaluate with the reference
/// interpreter (never the cache, never LLVM), print the result; reported exactly as a
/// JIT run is.
fn interpret_program(rep: &Reporter, src: &Source, run: &RunArgs<'_>) -> i32 {
    let param_args = run.params;
    let outcome = driver::check_source(&src.text).map(|c| (c.program, c.warnings));
    let program = match rep.compiled(outcome, src) {
        Ok(program) => program,
        Err(code) => return code,
    };
    let inputs = match params::bind(&program.inputs, param_args) {
        Ok(inputs) => inputs,
        Err(message) => {
            say(&format!("error: {message}\n"));
            return EXIT_USAGE;
        }
    };
    let interrupt = Interrupt::new();
    let _timer = run.limits.timeout.map(|t| interrupt.cancel_after(t));
    let options = crate::interp::Options {
        overflow: run.opt.overflow(),
        max_memory: run
            .limits
            .max_memory
            .unwrap_or(crate::runtime::abi::DEFAULT_MAX_MEMORY),
        interrupt: Some(interrupt.clone()),
    };
    let result = driver::interpret(&program, &inputs, &options, &mut crate::interp::Stdout);
    // The interpreter's own display format, so the comparison with the JIT covers it.
    finish_run(rep, src, result, crate::interp::display)
}

/// Print a run's result (if any) as `show` renders it, or report its fault (exit 3).
fn finish_run(
    rep: &Reporter,
    src: &Source,
    result: Result<Option<crate::Value>, crate::RuntimeError>,
    show: fn(&crate::Value) -> String,
) -> i32 {
    match result {
        Ok(Some(value)) => write_stdout(&format!("{}\n", show(&value))),
        Ok(None) => write_stdout(""),
        Err(fault) => {
            // Whatever `print` wrote before the fault stays written, before the diagnostic.
            let _ = io::stdout().flush();
            rep.report(&[fault.to_diagnostic()], src, EXIT_RUNTIME_ERROR)
        }
    }
}

fn check_program(rep: &Reporter, src: &Source) -> i32 {
    let outcome = driver::check_source(&src.text).map(|c| ((), c.warnings));
    match rep.compiled(outcome, src) {
        Ok(()) => EXIT_OK,
        Err(code) => code,
    }
}

/// Write to stdout and flush. A reader that went away (`kiln run f | head -1`) is not an
/// error; any other failure to write is reported.
fn write_stdout(text: &str) -> i32 {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => EXIT_OK,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            say(&format!("error: cannot write to standard output: {e}\n"));
            EXIT_USAGE
        }
    }
}

/// Write to stderr, ignoring failure (there is nowhere left to report it).
fn say(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    fn warning(code: &'static str) -> Diagnostic {
        let mut d = Diagnostic::error(code, Span::new(0, 1), "unused binding `x`");
        d.severity = Severity::Warning;
        d
    }

    #[test]
    fn colour_follows_the_flag_the_terminal_and_no_color() {
        let unset = || None;
        let set = |v: &str| Some(OsString::from(v));
        assert!(use_color(ColorChoice::Auto, true, unset()));
        assert!(use_color(ColorChoice::Auto, true, set("")));
        assert!(!use_color(ColorChoice::Auto, true, set("1")));
        assert!(!use_color(ColorChoice::Auto, false, unset()));
        assert!(use_color(ColorChoice::Always, false, set("1")));
        assert!(!use_color(ColorChoice::Never, true, unset()));
    }

    #[test]
    fn warnings_are_printed_and_the_command_goes_on() {
        let (value, diags) = settle(Ok((7, vec![warning("W0001")])), false);
        assert_eq!(value, Ok(7));
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].severity, Severity::Warning);
        let (value, diags) = settle(Ok((7, vec![])), true);
        assert_eq!((value, diags.len()), (Ok(7), 0));
    }

    #[test]
    fn deny_warnings_makes_a_warning_an_error_that_stops_the_command() {
        let (value, diags) = settle(Ok((7, vec![warning("W0001"), warning("W0002")])), true);
        assert_eq!(value, Err(EXIT_COMPILE_ERROR));
        assert_eq!(diags.len(), 2);
        for d in &diags {
            assert_eq!(d.severity, Severity::Error);
            assert!(d.notes.iter().any(|n| n.contains("--deny-warnings")));
        }
        assert_eq!(diags[0].code, "W0001", "the code stays the warning's");
        // Errors stay errors; warnings among them are promoted too.
        let error = Diagnostic::error("E0101", Span::new(0, 1), "unknown name");
        let (value, diags) = settle::<()>(Err(vec![error.clone(), warning("W0001")]), true);
        assert_eq!(value, Err(EXIT_COMPILE_ERROR));
        assert_eq!(diags[0], error);
        assert_eq!(diags[1].severity, Severity::Error);
        let (value, diags) = settle::<()>(Err(vec![error.clone(), warning("W0001")]), false);
        assert_eq!(value, Err(EXIT_COMPILE_ERROR));
        assert_eq!(diags[1].severity, Severity::Warning);
    }
}
