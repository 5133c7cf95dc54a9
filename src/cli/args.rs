//! The command-line grammar, declared with clap's derive API.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Kiln: a typed expression language compiled to native code by LLVM.
#[derive(Debug, Parser)]
#[command(
    name = "kiln",
    version,
    about,
    long_about = None,
    after_help = "Without a command, kiln opens the REPL on a terminal, and runs the program\n\
                  piped to its standard input otherwise.\n\
                  Exit status: 0 success, 1 compile error, 2 usage error, 3 runtime error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// How diagnostics are reported; accepted by every command.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Colour diagnostics: `auto` when stderr is a terminal and NO_COLOR is unset or empty.
    #[arg(
        long,
        value_enum,
        value_name = "WHEN",
        default_value_t = ColorChoice::Auto,
        global = true
    )]
    pub color: ColorChoice,
    /// `human`: source excerpts with labels; `json`: one JSON object per line (docs/errors.md).
    #[arg(
        long,
        value_enum,
        value_name = "FORMAT",
        default_value_t = ErrorFormat::Human,
        global = true
    )]
    pub error_format: ErrorFormat,
    /// Treat warnings as errors: report them as errors and stop with status 1.
    #[arg(long, global = true)]
    pub deny_warnings: bool,
}

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// `--error-format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ErrorFormat {
    Human,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compile and run a program; print its result, if it has one.
    #[command(
        after_help = "The compiled program is cached (in $KILN_CACHE_DIR, else \
                            $XDG_CACHE_HOME/kiln, else ~/.cache/kiln): running the same \
                            file again with the same options skips LLVM. Set \
                            KILN_CACHE_LOG=1 to see whether a run used the cache."
    )]
    Run {
        /// The program (`.expr`), or `-` for standard input.
        file: PathBuf,
        #[command(flatten)]
        params: Params,
        #[command(flatten)]
        opt: Opt,
        #[command(flatten)]
        limits: Limits,
        /// Neither read nor write the compiled-program cache.
        #[arg(long)]
        no_cache: bool,
        #[command(flatten)]
        engine: EngineArg,
    },
    /// Run a program once per row of a data file (params bound to the columns of the same
    /// name) and write the rows with a `result` column: CSV to standard output, or the
    /// format of `-o FILE`.
    #[command(
        after_help = "Formats, by extension or --input-format/--output-format: csv, parquet \
                      (.parquet, .pq), arrow (Arrow IPC file: .arrow, .ipc, .feather), arrows \
                      (Arrow IPC stream: .arrows), ndjson (.ndjson, .jsonl).\n\
                      Example: kiln map prog.expr trips.parquet --where 'fare > 0.0' -o out.parquet"
    )]
    Map {
        /// The program (`.expr`), or `-` for standard input.
        file: PathBuf,
        /// The data: CSV (a header row naming the columns, then one row per run),
        /// Parquet, Arrow IPC (file or stream) or NDJSON; `-` for standard input (CSV
        /// unless `--input-format` says otherwise).
        data: PathBuf,
        /// The name of the column the results go in; the data must not have one already.
        #[arg(long, value_name = "NAME", default_value = "result")]
        output_column: String,
        /// The data's format, when its extension does not say it.
        #[arg(long, value_enum, value_name = "FORMAT")]
        input_format: Option<DataFormat>,
        /// Write the output to FILE, in the format its extension says, instead of CSV to
        /// standard output.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// The output's format, when `-o`'s extension does not say it (or for standard
        /// output).
        #[arg(long, value_enum, value_name = "FORMAT")]
        output_format: Option<DataFormat>,
        /// Batches evaluated at once (default: every core); the output keeps the input's
        /// order either way.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
        threads: Option<u32>,
        /// Keep only the rows where this bool expression over the same columns holds
        /// (its params are the program's unless it declares its own).
        #[arg(long = "where", value_name = "EXPR")]
        where_: Option<String>,
        #[command(flatten)]
        opt: Opt,
        #[command(flatten)]
        limits: Limits,
    },
    /// Parse and type-check a program without running it.
    Check {
        /// The program (`.expr`), or `-` for standard input.
        file: PathBuf,
    },
    /// Format programs: rewrite each FILE in place (standard input to standard output
    /// without files); `--check` lists the files that would change instead.
    #[command(
        after_help = "Comments, parentheses, literals and blank lines (up to one) are kept; \
                      what does not fit in 100 columns is broken over lines. A file that does \
                      not parse is reported and left as it is (exit 1)."
    )]
    Fmt {
        /// The programs (`.expr`); `-` or none for standard input.
        files: Vec<PathBuf>,
        /// Change nothing: print each file that would change and exit 1 if any would.
        #[arg(long)]
        check: bool,
    },
    /// Compile and run a snippet given on the command line; print its result.
    Eval {
        /// The program text, e.g. '1 + 2' (after `--` when it starts with `-`).
        code: String,
        #[command(flatten)]
        params: Params,
        #[command(flatten)]
        opt: Opt,
        #[command(flatten)]
        limits: Limits,
        #[command(flatten)]
        engine: EngineArg,
    },
    /// Compile a program ahead of time: LLVM IR or bitcode (run it with `lli -load` and the
    /// runtime library), assembly, an object file or an executable.
    #[command(after_help = BUILD_HELP)]
    Build {
        /// The program (`.expr`).
        file: PathBuf,
        /// What to produce.
        #[arg(long, value_enum, value_name = "KIND")]
        emit: Emit,
        /// Write the output to OUT (`-` for standard output). Default: standard output
        /// for llvm-ir and asm; for the others a file in the current directory named after
        /// the program (prog.bc, prog.o, prog).
        #[arg(short = 'o', long = "output", value_name = "OUT")]
        output: Option<PathBuf>,
        #[command(flatten)]
        opt: Opt,
    },
    /// Start the interactive REPL (what `kiln` alone does on a terminal).
    Repl {
        #[command(flatten)]
        opt: Opt,
    },
    /// Run the language server: LSP over standard input and output, for editors
    /// (diagnostics, hover, completion, go to definition, ...; see docs/lsp.md).
    Lsp,
    /// Explain a diagnostic code (such as E0203) with an example; without a code, list
    /// every code with its title.
    Explain {
        /// The code, e.g. E0203, e0203 or 0203.
        code: Option<String>,
        /// Print the index of every code as Markdown (the text of docs/errors.md).
        #[arg(long, conflicts_with = "code")]
        markdown: bool,
    },
    /// Print the standard-library reference as Markdown (the text of docs/stdlib.md).
    #[command(name = "stdlib-doc", hide = true)]
    StdlibDoc,
    /// Run a SQL query over data files with Kiln programs as functions (DataFusion).
    ///
    /// `kiln sql QUERY --udf NAME=FILE.expr [-o FILE]` runs the separate `kiln-sql`
    /// program (found next to `kiln`, else on PATH); `kiln sql --help` shows its options.
    #[command(disable_help_flag = true)]
    Sql {
        /// Everything after `sql`, passed to `kiln-sql` as it is.
        #[arg(
            trailing_var_arg = true,
            allow_hyphen_values = true,
            value_name = "ARGS"
        )]
        args: Vec<std::ffi::OsString>,
    },
}

/// `--param NAME=VALUE`, repeatable: values for the program's `param` inputs.
#[derive(Debug, Args)]
pub struct Params {
    /// Bind the program's `param NAME: T` to VALUE (parsed as T); repeat for each input.
    #[arg(short = 'p', long = "param", value_name = "NAME=VALUE")]
    pub values: Vec<String>,
}

/// `-O N` and `--overflow`: how the program is compiled.
#[derive(Debug, Args)]
pub struct Opt {
    /// Optimisation level, 0 to 3.
    #[arg(
        short = 'O',
        value_name = "LEVEL",
        default_value_t = 2,
        value_parser = clap::value_parser!(u8).range(0..=3)
    )]
    pub level: u8,
    /// What integer `+ - *` and unary `-` do when the result does not fit its type:
    /// `wrap` around (two's complement), or `trap` with runtime error E0617.
    #[arg(long, value_enum, value_name = "MODE", default_value_t = OverflowArg::Wrap)]
    pub overflow: OverflowArg,
}

/// `--overflow`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OverflowArg {
    Wrap,
    Trap,
}

impl Default for Opt {
    /// `-O2`, wrapping: what a command without these flags gets.
    fn default() -> Opt {
        Opt {
            level: crate::driver::Options::default().opt_level,
            overflow: OverflowArg::Wrap,
        }
    }
}

impl Opt {
    /// The compile options these flags ask for (the rest default).
    pub fn options(&self) -> crate::driver::Options {
        crate::driver::Options {
            overflow: self.overflow(),
            ..crate::driver::Options::at_level(self.level)
        }
    }

    pub fn overflow(&self) -> crate::driver::Overflow {
        match self.overflow {
            OverflowArg::Wrap => crate::driver::Overflow::Wrap,
            OverflowArg::Trap => crate::driver::Overflow::Trap,
        }
    }
}

/// `--engine jit|interp`: how `run` and `eval` execute the checked program.
#[derive(Debug, Args)]
pub struct EngineArg {
    /// `jit`: compile with LLVM and run native code (through the compiled-program cache);
    /// `interp`: evaluate the checked program with the reference interpreter (no LLVM, no
    /// cache), for cross-checking the JIT.
    #[arg(long, value_enum, value_name = "ENGINE", default_value_t = EngineChoice::Jit)]
    pub engine: EngineChoice,
}

/// `kiln map`'s data formats (`--input-format`, `--output-format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DataFormat {
    Csv,
    Parquet,
    /// Arrow IPC file.
    Arrow,
    /// Arrow IPC stream.
    Arrows,
    Ndjson,
}

/// `--engine`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EngineChoice {
    Jit,
    Interp,
}

/// `--timeout SECONDS` and `--max-memory SIZE`: how long and how large a run may get.
#[derive(Debug, Args)]
pub struct Limits {
    /// Stop the run after SECONDS (fractions allowed, e.g. 0.5) with runtime error E0611.
    /// For `kiln map`, the whole batch.
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub timeout: Option<std::time::Duration>,
    /// The most memory the run's strings and lists may take: bytes, or with a suffix
    /// (`512MiB`, `2GiB`, `1MB`, `64k`); more is runtime error E0616. Default 4GiB.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_memory: Option<u64>,
}

pub use crate::runtime::standalone::{parse_seconds, parse_size};

/// What `kiln build --help` says after the options.
const BUILD_HELP: &str = "\
Every output is a standalone program: its `main` reads `--param NAME=VALUE` (or `-p
NAME=VALUE`) arguments, prints the result and exits with kiln run's status (3 on a
runtime error).
  kiln build prog.expr --emit llvm-ir -o prog.ll
  lli-19 -load /path/to/libkiln_runtime.so prog.ll --param x=3
  kiln build prog.expr --emit exe -o prog && ./prog --param x=3
The runtime library is looked for in $KILN_RUNTIME_DIR if set, else next to kiln and in
its deps/ directory; build it with `cargo build -p kiln-runtime --release`.
Executables are linked by $CC (default cc) with the static runtime.
Built programs also take --max-memory SIZE (or $KILN_MAX_MEMORY) and --timeout SECONDS.";

/// Output kinds of `kiln build --emit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Emit {
    /// Optimised LLVM IR as text (.ll).
    LlvmIr,
    /// Optimised LLVM bitcode (.bc).
    LlvmBc,
    /// Native assembly (.s).
    Asm,
    /// A native object file (.o).
    Obj,
    /// A native executable, linked with the static runtime.
    Exe,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn sizes_take_plain_bytes_and_units() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("512MiB"), Ok(512 << 20));
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert_eq!(parse_size("1MB"), Ok(1_000_000));
        assert_eq!(parse_size("64k"), Ok(64_000));
        assert_eq!(parse_size("1.5gib"), Ok(3 << 29));
        assert_eq!(parse_size("10 B"), Ok(10));
        for bad in [
            "",
            "lots",
            "12XB",
            "-1",
            "MiB",
            "1.2.3k",
            "99999999999999999999TiB",
        ] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_seconds("0.05"),
            Ok(std::time::Duration::from_millis(50))
        );
        assert_eq!(parse_seconds("2"), Ok(std::time::Duration::from_secs(2)));
        for bad in ["", "-1", "soon", "inf", "NaN"] {
            assert!(parse_seconds(bad).is_err(), "{bad}");
        }
    }

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("kiln").chain(args.iter().copied()))
    }

    #[test]
    fn run_takes_params_and_an_optimisation_level() {
        let cli = parse(&["run", "f.expr", "--param", "x=1", "-p", "y=2", "-O0"]).unwrap();
        match cli.command {
            Some(Command::Run {
                file,
                params,
                opt,
                limits,
                no_cache,
                engine,
            }) => {
                assert_eq!((limits.timeout, limits.max_memory), (None, None));
                assert_eq!(file, PathBuf::from("f.expr"));
                assert_eq!(params.values, ["x=1", "y=2"]);
                assert_eq!(opt.level, 0);
                assert!(!no_cache);
                assert_eq!(engine.engine, EngineChoice::Jit, "the JIT by default");
            }
            other => panic!("unexpected parse: {other:?}"),
        }
        match parse(&["run", "--no-cache", "f.expr"]).unwrap().command {
            Some(Command::Run { no_cache, .. }) => assert!(no_cache),
            other => panic!("unexpected parse: {other:?}"),
        }
    }

    #[test]
    fn run_and_eval_take_an_engine() {
        match parse(&["run", "--engine", "interp", "f.expr"])
            .unwrap()
            .command
        {
            Some(Command::Run { engine, .. }) => assert_eq!(engine.engine, EngineChoice::Interp),
            other => panic!("unexpected parse: {other:?}"),
        }
        match parse(&["eval", "--engine", "jit", "1"]).unwrap().command {
            Some(Command::Eval { engine, .. }) => assert_eq!(engine.engine, EngineChoice::Jit),
            other => panic!("unexpected parse: {other:?}"),
        }
        assert_eq!(
            parse(&["run", "--engine", "llvm", "f.expr"])
                .unwrap_err()
                .exit_code(),
            2
        );
    }

    #[test]
    fn optimisation_level_defaults_to_2_and_rejects_7() {
        match parse(&["eval", "1"]).unwrap().command {
            Some(Command::Eval { opt, .. }) => assert_eq!(opt.level, 2),
            other => panic!("unexpected parse: {other:?}"),
        }
        let err = parse(&["eval", "-O", "7", "1"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn eval_takes_options_before_or_after_the_code() {
        for args in [
            &["eval", "-O0", "1 + 2"][..],
            &["eval", "-O", "0", "1 + 2"],
            &["eval", "1 + 2", "-O", "0"],
        ] {
            match parse(args).unwrap().command {
                Some(Command::Eval { code, opt, .. }) => {
                    assert_eq!((code.as_str(), opt.level), ("1 + 2", 0), "{args:?}")
                }
                other => panic!("unexpected parse of {args:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn eval_code_starting_with_a_minus_follows_a_double_dash() {
        match parse(&["eval", "-O1", "--", "-5 + 1"]).unwrap().command {
            Some(Command::Eval { code, opt, .. }) => {
                assert_eq!((code.as_str(), opt.level), ("-5 + 1", 1))
            }
            other => panic!("unexpected parse: {other:?}"),
        }
        assert_eq!(parse(&["eval", "-5 + 1"]).unwrap_err().exit_code(), 2);
    }

    #[test]
    fn build_requires_an_emit_kind() {
        assert!(parse(&["build", "f.expr"]).is_err());
        match parse(&["build", "f.expr", "--emit", "llvm-ir", "-o", "f.ll"])
            .unwrap()
            .command
        {
            Some(Command::Build { emit, output, .. }) => {
                assert_eq!(emit, Emit::LlvmIr);
                assert_eq!(output, Some(PathBuf::from("f.ll")));
            }
            other => panic!("unexpected parse: {other:?}"),
        }
    }

    #[test]
    fn build_takes_every_output_kind() {
        for (name, kind) in [
            ("llvm-ir", Emit::LlvmIr),
            ("llvm-bc", Emit::LlvmBc),
            ("asm", Emit::Asm),
            ("obj", Emit::Obj),
            ("exe", Emit::Exe),
        ] {
            match parse(&["build", "f.expr", "--emit", name, "-O3"])
                .unwrap()
                .command
            {
                Some(Command::Build { emit, opt, .. }) => assert_eq!((emit, opt.level), (kind, 3)),
                other => panic!("unexpected parse: {other:?}"),
            }
        }
        assert_eq!(
            parse(&["build", "f.expr", "--emit", "wasm"])
                .unwrap_err()
                .exit_code(),
            2
        );
    }

    #[test]
    fn report_options_are_global_with_defaults() {
        let cli = parse(&["eval", "1"]).unwrap();
        assert_eq!(cli.report.color, ColorChoice::Auto);
        assert_eq!(cli.report.error_format, ErrorFormat::Human);
        assert!(!cli.report.deny_warnings);
        for args in [
            &[
                "--color",
                "never",
                "--error-format",
                "json",
                "--deny-warnings",
                "check",
                "f",
            ][..],
            &[
                "check",
                "f",
                "--color=never",
                "--error-format=json",
                "--deny-warnings",
            ],
        ] {
            let cli = parse(args).unwrap();
            assert_eq!(cli.report.color, ColorChoice::Never, "{args:?}");
            assert_eq!(cli.report.error_format, ErrorFormat::Json, "{args:?}");
            assert!(cli.report.deny_warnings, "{args:?}");
        }
        assert!(parse(&["run", "f", "--color", "sometimes"]).is_err());
    }

    #[test]
    fn explain_takes_a_code_or_markdown() {
        match parse(&["explain", "e0203"]).unwrap().command {
            Some(Command::Explain { code, markdown }) => {
                assert_eq!((code.as_deref(), markdown), (Some("e0203"), false))
            }
            other => panic!("unexpected parse: {other:?}"),
        }
        assert!(parse(&["explain", "--markdown"]).is_ok());
        match parse(&["explain"]).unwrap().command {
            Some(Command::Explain { code, markdown }) => {
                assert_eq!((code, markdown), (None, false))
            }
            other => panic!("unexpected parse: {other:?}"),
        }
        assert!(parse(&["explain", "E0203", "--markdown"]).is_err());
    }

    #[test]
    fn lsp_takes_no_arguments() {
        assert!(matches!(
            parse(&["lsp"]).unwrap().command,
            Some(Command::Lsp)
        ));
        assert!(parse(&["lsp", "f.expr"]).is_err());
    }

    #[test]
    fn repl_takes_an_optimisation_level() {
        match parse(&["repl", "-O1"]).unwrap().command {
            Some(Command::Repl { opt }) => assert_eq!(opt.level, 1),
            other => panic!("unexpected parse: {other:?}"),
        }
        assert!(parse(&["repl", "f.expr"]).is_err());
    }

    #[test]
    fn map_takes_a_program_a_csv_file_and_an_optimisation_level() {
        match parse(&["map", "f.expr", "data.csv", "-O3", "--timeout", "1.5"])
            .unwrap()
            .command
        {
            Some(Command::Map {
                file,
                data,
                output_column,
                opt,
                limits,
                threads,
                where_,
                output,
                ..
            }) => {
                assert_eq!(output_column, "result", "the default");
                assert_eq!((threads, where_, output), (None, None, None));
                assert_eq!(limits.timeout, Some(std::time::Duration::from_millis(1500)));
                assert_eq!(file, PathBuf::from("f.expr"));
                assert_eq!(data, PathBuf::from("data.csv"));
                assert_eq!(opt.level, 3);
            }
            other => panic!("unexpected parse: {other:?}"),
        }
        assert!(parse(&["map", "f.expr"]).is_err());
        match parse(&["map", "-", "d.csv", "--output-column", "total"])
            .unwrap()
            .command
        {
            Some(Command::Map {
                file,
                output_column,
                ..
            }) => assert_eq!((file, output_column.as_str()), ("-".into(), "total")),
            other => panic!("unexpected parse: {other:?}"),
        }
        let args = [
            "map",
            "f.expr",
            "d.txt",
            "--input-format",
            "parquet",
            "-o",
            "out.bin",
            "--output-format",
            "arrows",
            "--threads",
            "4",
            "--where",
            "a > 1",
        ];
        match parse(&args).unwrap().command {
            Some(Command::Map {
                input_format,
                output,
                output_format,
                threads,
                where_,
                ..
            }) => {
                assert_eq!(input_format, Some(DataFormat::Parquet));
                assert_eq!(output, Some(PathBuf::from("out.bin")));
                assert_eq!(output_format, Some(DataFormat::Arrows));
                assert_eq!((threads, where_.as_deref()), (Some(4), Some("a > 1")));
            }
            other => panic!("unexpected parse: {other:?}"),
        }
        assert!(parse(&["map", "f.expr", "d.csv", "--threads", "0"]).is_err());
        assert!(parse(&["map", "f.expr", "d.csv", "--input-format", "xls"]).is_err());
    }

    #[test]
    fn no_command_is_allowed() {
        assert!(parse(&[]).unwrap().command.is_none());
    }
}
