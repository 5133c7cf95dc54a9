//! The `kiln` command line (clap): run, check, eval, build, and piped stdin.
//!
//! Exit status: 0 success, 1 compile error, 2 usage error (bad arguments, unreadable
//! input, unwritable output), 3 runtime error. Diagnostics go to stderr in the plain
//! `FILE:LINE:COL: error[CODE]: message` rendering; program output goes to stdout.

mod args;
mod params;

use crate::diag::{render_all, Diagnostic};
use crate::jit::Options;
use args::{Cli, Command, Emit};
use clap::{Parser, ValueEnum};
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
    match cli.command {
        Some(Command::Run { file, params, opt }) => match read_file(&file) {
            Ok(src) => run_program(&src, &params.values, opt.level),
            Err(code) => code,
        },
        Some(Command::Check { file }) => match read_file(&file) {
            Ok(src) => check_program(&src),
            Err(code) => code,
        },
        Some(Command::Eval { code, params, opt }) => {
            let src = Source {
                name: "<eval>".to_owned(),
                text: code,
            };
            run_program(&src, &params.values, opt.level)
        }
        Some(Command::Build {
            file,
            emit,
            output,
            opt,
        }) => build(&file, emit, output.as_deref(), opt.level),
        None => run_stdin(),
    }
}

/// A program's text and the name its diagnostics use.
struct Source {
    name: String,
    text: String,
}

fn read_file(path: &Path) -> Result<Source, i32> {
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

/// Bare `kiln`: run a piped-in program; on a terminal, explain what to do instead.
fn run_stdin() -> i32 {
    let mut stdin = io::stdin();
    if stdin.is_terminal() {
        say(concat!(
            "kiln: the interactive REPL is not available yet.\n",
            "  run a program:      kiln run FILE.expr\n",
            "  evaluate a snippet: kiln eval '1 + 2'\n",
            "  or pipe a program:  echo '1 + 2' | kiln\n",
            "See `kiln --help` for every command.\n",
        ));
        return EXIT_USAGE;
    }
    let mut bytes = Vec::new();
    if let Err(e) = stdin.read_to_end(&mut bytes) {
        say(&format!("error: cannot read standard input: {e}\n"));
        return EXIT_USAGE;
    }
    let Ok(text) = String::from_utf8(bytes) else {
        say("error: standard input is not UTF-8 text\n");
        return EXIT_USAGE;
    };
    let src = Source {
        name: "<stdin>".to_owned(),
        text,
    };
    run_program(&src, &[], Options::default().opt_level)
}

/// Compile, bind `--param` values, run, print the result.
fn run_program(src: &Source, param_args: &[String], opt_level: u8) -> i32 {
    let (compiled, warnings) = match crate::compile_source(&src.text, &Options { opt_level }) {
        Ok(ok) => ok,
        Err(diags) => return report(&diags, src, EXIT_COMPILE_ERROR),
    };
    report(&warnings, src, EXIT_OK);
    let inputs = match params::bind(compiled.inputs(), param_args) {
        Ok(inputs) => inputs,
        Err(message) => {
            say(&format!("error: {message}\n"));
            return EXIT_USAGE;
        }
    };
    match compiled.run(&inputs) {
        Ok(Some(value)) => write_stdout(&format!("{value}\n")),
        Ok(None) => write_stdout(""),
        Err(fault) => {
            // Whatever `print` wrote before the fault stays written, before the diagnostic.
            let _ = io::stdout().flush();
            report(&[fault.to_diagnostic()], src, EXIT_RUNTIME_ERROR)
        }
    }
}

fn check_program(src: &Source) -> i32 {
    match crate::check_source(&src.text) {
        Ok(checked) => report(&checked.warnings, src, EXIT_OK),
        Err(diags) => report(&diags, src, EXIT_COMPILE_ERROR),
    }
}

fn build(file: &Path, emit: Emit, output: Option<&Path>, opt_level: u8) -> i32 {
    if emit != Emit::LlvmIr {
        let name = emit
            .to_possible_value()
            .map(|v| v.get_name().to_owned())
            .unwrap_or_default();
        say(&format!(
            "error: `--emit {name}` is not available yet; use `--emit llvm-ir`\n"
        ));
        return EXIT_USAGE;
    }
    let src = match read_file(file) {
        Ok(src) => src,
        Err(code) => return code,
    };
    let mut ir = match crate::emit_ir(&src.text, &Options { opt_level }) {
        Ok(ir) => ir,
        Err(diags) => return report(&diags, &src, EXIT_COMPILE_ERROR),
    };
    if !ir.ends_with('\n') {
        ir.push('\n');
    }
    match output {
        None => write_stdout(&ir),
        Some(out) => match std::fs::write(out, ir) {
            Ok(()) => EXIT_OK,
            Err(e) => {
                say(&format!("error: cannot write `{}`: {e}\n", out.display()));
                EXIT_USAGE
            }
        },
    }
}

/// Print diagnostics (errors and warnings alike) to stderr; return `code`.
fn report(diags: &[Diagnostic], src: &Source, code: i32) -> i32 {
    if !diags.is_empty() {
        say(&render_all(diags, &src.name, &src.text));
    }
    code
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
