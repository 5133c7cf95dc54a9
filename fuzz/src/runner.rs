//! Running one program through several execution paths and comparing what each did:
//! standard output and the exit status (success, compile error, or the runtime fault's
//! code, message and line:column), bit for bit.
//!
//! The paths are a list ([`ExecPath`]): the JIT at -O0 and -O2 through the library
//! (`Engine`, print output captured), a columnar run and the MCJIT engine in process,
//! `kiln run`, a `kiln build --emit exe` executable and `--emit llvm-ir` under `lli-19`
//! through the real command, and the reference interpreter.

use crate::ast::Case;
use kiln::{Engine, EngineOptions, Value};
use std::ffi::OsString;
use std::fmt;
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// One way to execute a program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ExecPath {
    /// The library: `Engine` at -O0, `Program::run_captured`.
    JitO0,
    /// The library: `Engine` at -O2.
    JitO2,
    /// `kiln run --no-cache -O 2 FILE` (the real command, a child process).
    KilnRun,
    /// `kiln build FILE --emit exe -O 2`, then the executable (a child process; linking
    /// costs ~0.2 s, so it runs for a sample).
    Exe,
    /// `kiln build FILE --emit llvm-ir -O 2`, run by `lli-19 -load libkiln_runtime.so`
    /// (a child process; for a sample, like `Exe`).
    Lli,
    /// The library's columnar run (`Program::run_columns`, -O2): the same row three
    /// times in one compiled loop. Only for programs with scalar params and a scalar
    /// result that do not print; others are `Unavailable` here.
    Columns,
    /// The driver's MCJIT engine (`driver::compile_with(.., JitEngine::Mcjit)`, -O2), the
    /// fallback of the default ORC engine.
    Mcjit,
    /// The reference interpreter (`EngineOptions { backend: Backend::Interp, .. }`).
    Interp,
}

impl ExecPath {
    pub const ALL: [ExecPath; 8] = [
        ExecPath::JitO0,
        ExecPath::JitO2,
        ExecPath::KilnRun,
        ExecPath::Exe,
        ExecPath::Lli,
        ExecPath::Columns,
        ExecPath::Mcjit,
        ExecPath::Interp,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ExecPath::JitO0 => "jit-O0",
            ExecPath::JitO2 => "jit-O2",
            ExecPath::KilnRun => "kiln-run",
            ExecPath::Exe => "exe",
            ExecPath::Lli => "lli",
            ExecPath::Columns => "columns",
            ExecPath::Mcjit => "mcjit",
            ExecPath::Interp => "interp",
        }
    }

    pub fn parse(name: &str) -> Option<ExecPath> {
        ExecPath::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The in-process paths: cheap enough for every program.
    pub fn fast_paths() -> Vec<ExecPath> {
        vec![
            ExecPath::JitO0,
            ExecPath::JitO2,
            ExecPath::Columns,
            ExecPath::Mcjit,
            ExecPath::Interp,
        ]
    }

    /// Every available path.
    pub fn default_paths() -> Vec<ExecPath> {
        let mut v = ExecPath::fast_paths();
        v.extend(ExecPath::slow_paths());
        v
    }

    /// The paths that start processes (`kiln run`, an executable, `lli`): for a sample.
    pub fn slow_paths() -> [ExecPath; 3] {
        [ExecPath::KilnRun, ExecPath::Exe, ExecPath::Lli]
    }

    /// Whether this path needs the `kiln` command.
    pub fn needs_binary(self) -> bool {
        matches!(self, ExecPath::KilnRun | ExecPath::Exe | ExecPath::Lli)
    }
}

impl fmt::Display for ExecPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    Ok,
    /// The program did not compile: the first error's code.
    CompileError(String),
    /// A runtime error (exit status 3).
    Fault {
        code: String,
        message: String,
        line: usize,
        col: usize,
    },
    /// A panic, a signal, an unexpected exit status or an unusable report: a bug in Kiln
    /// (or a path that could not run, said in the text).
    Crashed(String),
    TimedOut,
    /// The path is not available (the interpreter before it lands).
    Unavailable,
}

/// What one path did with one program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub stdout: String,
    pub status: Status,
}

impl Outcome {
    fn status(status: Status) -> Outcome {
        Outcome {
            stdout: String::new(),
            status,
        }
    }

    /// The form test cases record: the status line, then stdout.
    pub fn render(&self) -> String {
        format!("status: {}\n--- stdout ---\n{}", self.status, self.stdout)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Ok => f.write_str("ok"),
            Status::CompileError(code) => write!(f, "compile error {code}"),
            Status::Fault {
                code,
                message,
                line,
                col,
            } => write!(f, "fault {code} at {line}:{col}: {message}"),
            Status::Crashed(why) => write!(f, "CRASHED: {why}"),
            Status::TimedOut => f.write_str("TIMED OUT"),
            Status::Unavailable => f.write_str("unavailable"),
        }
    }
}

/// The environment variable that makes the `kiln-fuzz` binary behave as `kiln` (its
/// `main` then calls `kiln::cli::main`, exactly what `src/main.rs` does), so the
/// campaign and the fuzz crate's tests always run the command built from the same source.
pub const AS_KILN_VAR: &str = "KILN_FUZZ_AS_KILN";

/// How to start the `kiln` command.
#[derive(Clone, Debug)]
pub struct KilnCmd {
    pub program: PathBuf,
    pub env: Vec<(OsString, OsString)>,
}

impl KilnCmd {
    /// A `kiln` executable.
    pub fn binary(path: impl Into<PathBuf>) -> KilnCmd {
        KilnCmd {
            program: path.into(),
            env: Vec::new(),
        }
    }

    /// The `kiln-fuzz` executable at `path`, as `kiln`.
    pub fn fuzz_binary(path: impl Into<PathBuf>) -> KilnCmd {
        KilnCmd {
            program: path.into(),
            env: vec![(AS_KILN_VAR.into(), "1".into())],
        }
    }

    pub fn command(&self) -> Command {
        let mut c = Command::new(&self.program);
        c.env("NO_COLOR", "1");
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c
    }
}

/// What a child process did.
#[derive(Debug)]
pub struct ProcOut {
    pub code: Option<i32>,
    pub signal: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub timed_out: bool,
}

/// Run `cmd` (stdin closed) to completion or until `timeout`, when it is killed.
pub fn run_process(cmd: &mut Command, timeout: Duration) -> std::io::Result<ProcOut> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let reader = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = pipe.read_to_end(&mut buf);
            buf
        })
    };
    let out = reader(Box::new(child.stdout.take().expect("piped stdout")));
    let err = reader(Box::new(child.stderr.take().expect("piped stderr")));
    let start = Instant::now();
    let mut timed_out = false;
    let mut pause = Duration::from_millis(1);
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if start.elapsed() > timeout {
            timed_out = true;
            let _ = child.kill();
            break child.wait()?;
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    };
    let stdout = String::from_utf8_lossy(&out.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err.join().unwrap_or_default()).into_owned();
    #[cfg(unix)]
    let signal = std::os::unix::process::ExitStatusExt::signal(&status);
    #[cfg(not(unix))]
    let signal = None;
    Ok(ProcOut {
        code: status.code(),
        signal,
        stdout,
        stderr,
        timed_out,
    })
}

/// Runs programs through paths. Child processes work in a scratch directory of its own.
pub struct Runner {
    kiln: Option<KilnCmd>,
    /// Per run of a path (a build and a run each get this much).
    pub timeout: Duration,
    /// Engine options besides the optimisation level (memory bound).
    pub max_memory: u64,
    scratch: tempfile::TempDir,
    counter: AtomicUsize,
}

/// The `kiln run` / built executable's view of a fault: `error[E0601]: MESSAGE` then
/// ` --> FILE:LINE:COL`.
fn parse_exe_fault(stderr: &str) -> Option<Status> {
    let mut lines = stderr.lines();
    while let Some(l) = lines.next() {
        let Some(rest) = l.strip_prefix("error[") else {
            continue;
        };
        let (code, message) = rest.split_once("]: ")?;
        let at = lines.next()?.trim().strip_prefix("--> ")?;
        let mut parts = at.rsplitn(3, ':');
        let col = parts.next()?.parse().ok()?;
        let line = parts.next()?.parse().ok()?;
        return Some(Status::Fault {
            code: code.to_string(),
            message: message.to_string(),
            line,
            col,
        });
    }
    None
}

/// The first error of `--error-format json` output: its code, message and position.
fn parse_json_error(stderr: &str) -> Option<(String, String, usize, usize)> {
    for l in stderr.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(l) else {
            continue;
        };
        if v["severity"] != "error" {
            continue;
        }
        let code = v["code"].as_str()?.to_string();
        let message = v["message"].as_str()?.to_string();
        let span = v["spans"]
            .as_array()?
            .iter()
            .find(|s| s["is_primary"] == true)?;
        let line = span["line_start"].as_u64()? as usize;
        let col = span["column_start"].as_u64()? as usize;
        return Some((code, message, line, col));
    }
    None
}

/// The first `error[CODE]` of human-readable diagnostics.
fn first_error_code(stderr: &str) -> Option<String> {
    let at = stderr.find("error[")?;
    let rest = &stderr[at + 6..];
    Some(rest[..rest.find(']')?].to_string())
}

/// A panic payload's message.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "a panic".to_string())
}

/// Stack for library runs: what `kiln` gives its compiler thread, so deep recursion
/// behaves alike.
const STACK_BYTES: usize = 256 << 20;

/// Compile and run `src` through the library with `options`, in this thread.
pub fn library_run(options: EngineOptions, src: &str, inputs: &[Value]) -> Outcome {
    let engine = Engine::with_options(options);
    let program = match engine.compile(src) {
        Ok(p) => p,
        Err(e) => return compile_error(&e.diagnostics),
    };
    let (result, printed) = program.run_captured(inputs);
    let mut stdout = printed;
    let status = match result {
        Ok(Some(v)) => {
            stdout.push_str(&format!("{v}\n"));
            Status::Ok
        }
        Ok(None) => Status::Ok,
        Err(e) => fault(src, &e),
    };
    Outcome { stdout, status }
}

/// The outcome of a compile error.
fn compile_error(diags: &[kiln::Diagnostic]) -> Outcome {
    let code = diags
        .iter()
        .find(|d| d.is_error())
        .map_or("E????", |d| d.code);
    Outcome::status(Status::CompileError(code.to_string()))
}

/// A runtime error's outcome, its position in `src`.
fn fault(src: &str, e: &kiln::RuntimeError) -> Status {
    let (line, col) = kiln::span::line_col(src, e.span.lo);
    Status::Fault {
        code: e.code().to_string(),
        message: e.message.clone(),
        line,
        col,
    }
}

/// Rows of a columnar run: each param's value this many times.
const COLUMN_ROWS: usize = 3;

/// One param's values as an owned column.
enum OwnedColumn {
    Bool(Vec<bool>),
    I8(Vec<i8>),
    I16(Vec<i16>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
    U64(Vec<u64>),
    F32(Vec<f32>),
    F64(Vec<f64>),
    Str(Vec<String>),
    /// i64 nanoseconds (v1).
    Timestamp(Vec<i64>),
    Duration(Vec<i64>),
}

impl OwnedColumn {
    fn of(v: &Value, rows: usize) -> Option<OwnedColumn> {
        Some(match v {
            Value::Bool(x) => OwnedColumn::Bool(vec![*x; rows]),
            Value::I8(x) => OwnedColumn::I8(vec![*x; rows]),
            Value::I16(x) => OwnedColumn::I16(vec![*x; rows]),
            Value::I32(x) => OwnedColumn::I32(vec![*x; rows]),
            Value::I64(x) => OwnedColumn::I64(vec![*x; rows]),
            Value::U8(x) => OwnedColumn::U8(vec![*x; rows]),
            Value::U16(x) => OwnedColumn::U16(vec![*x; rows]),
            Value::U32(x) => OwnedColumn::U32(vec![*x; rows]),
            Value::U64(x) => OwnedColumn::U64(vec![*x; rows]),
            Value::F32(x) => OwnedColumn::F32(vec![*x; rows]),
            Value::F64(x) => OwnedColumn::F64(vec![*x; rows]),
            Value::Str(x) => OwnedColumn::Str(vec![x.clone(); rows]),
            Value::Timestamp(x) => OwnedColumn::Timestamp(vec![*x; rows]),
            Value::Duration(x) => OwnedColumn::Duration(vec![*x; rows]),
            Value::List(..) | Value::None => return None,
        })
    }
}

/// A value of scalar type `t` (what a `none` row's values column holds): zero, or "".
fn zero(t: &kiln::types::ty::Ty) -> Option<Value> {
    use kiln::abi::{Kind, KindTy};
    Kind::of(t).map(|k| Value::from_bits(k, 0))
}

/// The columnar path: the program over `COLUMN_ROWS` copies of its inputs.
fn columns_run(options: EngineOptions, src: &str, inputs: &[Value]) -> Outcome {
    use kiln::engine::Column;
    let unavailable = || Outcome::status(Status::Unavailable);
    // `print` in a columnar run writes to this process's stdout: not comparable.
    if src.contains("print") {
        return unavailable();
    }
    let program = match Engine::with_options(options).compile(src) {
        Ok(p) => p,
        Err(e) => return compile_error(&e.diagnostics),
    };
    // Optional params (v1) are optional columns: their values and a validity bitmap.
    let scalar = |t: &kiln::types::ty::Ty| !matches!(t.strip_opt(), kiln::types::ty::Ty::List(_));
    if program.params().is_empty()
        || !program.params().iter().all(|p| scalar(&p.ty))
        || !program.output_type().is_some_and(scalar)
    {
        return unavailable();
    }
    let params = program.params();
    let Some(owned) = inputs
        .iter()
        .zip(params)
        .map(|(v, p)| match v {
            Value::None => OwnedColumn::of(&zero(p.ty.strip_opt())?, COLUMN_ROWS),
            v => OwnedColumn::of(v, COLUMN_ROWS),
        })
        .collect::<Option<Vec<_>>>()
    else {
        return unavailable();
    };
    // Every row `none`, or every row a value.
    let validity: Vec<Option<Vec<u8>>> = inputs
        .iter()
        .zip(params)
        .map(|(v, p)| {
            p.ty.is_opt()
                .then(|| kiln::engine::validity_bitmap((0..COLUMN_ROWS).map(|_| *v != Value::None)))
        })
        .collect();
    let strs: Vec<Vec<&str>> = owned
        .iter()
        .map(|c| match c {
            OwnedColumn::Str(v) => v.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        })
        .collect();
    let columns: Vec<Column<'_>> = owned
        .iter()
        .zip(&strs)
        .map(|(c, s)| match c {
            OwnedColumn::Bool(v) => Column::from(&v[..]),
            OwnedColumn::I8(v) => Column::from(&v[..]),
            OwnedColumn::I16(v) => Column::from(&v[..]),
            OwnedColumn::I32(v) => Column::from(&v[..]),
            OwnedColumn::I64(v) => Column::from(&v[..]),
            OwnedColumn::U8(v) => Column::from(&v[..]),
            OwnedColumn::U16(v) => Column::from(&v[..]),
            OwnedColumn::U32(v) => Column::from(&v[..]),
            OwnedColumn::U64(v) => Column::from(&v[..]),
            OwnedColumn::F32(v) => Column::from(&v[..]),
            OwnedColumn::F64(v) => Column::from(&v[..]),
            OwnedColumn::Str(_) => Column::from(&s[..]),
            OwnedColumn::Timestamp(v) => Column::Timestamp(&v[..]),
            OwnedColumn::Duration(v) => Column::Duration(&v[..]),
        })
        .collect();
    let columns: Vec<Column<'_>> = columns
        .iter()
        .zip(&validity)
        .map(|(c, v)| match v {
            Some(bits) => Column::opt(c, bits),
            None => *c,
        })
        .collect();
    match program.run_columns(&columns) {
        Ok(buf) => {
            let rows: Vec<String> = (0..COLUMN_ROWS)
                .map(|r| {
                    buf.get(r)
                        .map_or_else(|| "<missing>".into(), |v| v.to_string())
                })
                .collect();
            if rows.iter().any(|r| *r != rows[0]) {
                return Outcome::status(Status::Crashed(format!(
                    "the rows of one input differ: {rows:?}"
                )));
            }
            Outcome {
                stdout: format!("{}\n", rows[0]),
                status: Status::Ok,
            }
        }
        Err(e) if e.row == 0 => Outcome::status(fault(src, &e.error)),
        Err(e) => Outcome::status(Status::Crashed(format!(
            "row {} faulted, not row 0: {}",
            e.row, e.error
        ))),
    }
}

/// The MCJIT path: the driver's pipeline with the fallback engine, output captured.
/// (The driver's options have no memory bound of their own: the default applies.)
fn mcjit_run(src: &str, inputs: &[Value]) -> Outcome {
    let checked = match kiln::check_source(src) {
        Ok(c) => c,
        Err(d) => return compile_error(&d),
    };
    let options = kiln::Options::at_level(2);
    let compiled =
        match kiln::driver::compile_with(&checked.program, &options, kiln::jit::JitEngine::Mcjit) {
            Ok(c) => c,
            Err(e) => return Outcome::status(Status::CompileError(format!("E0999 {}", e.0))),
        };
    let mut ctx = kiln::runtime::RunCtx::new();
    ctx.capture_output();
    let result = compiled.run_in(&mut ctx, inputs);
    let mut stdout = ctx.take_output();
    let status = match result {
        Ok(Some(v)) => {
            stdout.push_str(&format!("{v}\n"));
            Status::Ok
        }
        Ok(None) => Status::Ok,
        Err(e) => fault(src, &e),
    };
    Outcome { stdout, status }
}

/// [`library_run`] on a thread of its own with `kiln`'s stack, a panic caught and a time
/// limit (a run that exceeds it is abandoned: its thread is left to finish).
pub fn library_isolated(
    options: EngineOptions,
    src: &str,
    inputs: &[Value],
    timeout: Duration,
) -> Outcome {
    isolated(timeout, src, inputs.to_vec(), move |src, inputs| {
        library_run(options, src, inputs)
    })
}

/// `run(src, inputs)` on a thread of its own with `kiln`'s stack, a panic caught and a
/// time limit (a run that exceeds it is abandoned: its thread is left to finish).
fn isolated(
    timeout: Duration,
    src: &str,
    inputs: Vec<Value>,
    run: impl FnOnce(&str, &[Value]) -> Outcome + Send + 'static,
) -> Outcome {
    let (tx, rx) = mpsc::channel();
    let src = src.to_string();
    let spawned = std::thread::Builder::new()
        .name("kiln-fuzz-run".into())
        .stack_size(STACK_BYTES)
        .spawn(move || {
            let r = catch_unwind(AssertUnwindSafe(|| run(&src, &inputs)));
            let _ = tx.send(r.map_err(|p| panic_message(&*p)));
        });
    if let Err(e) = spawned {
        return Outcome::status(Status::Crashed(format!("cannot start a thread: {e}")));
    }
    match rx.recv_timeout(timeout) {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(msg)) => Outcome::status(Status::Crashed(format!("panicked: {msg}"))),
        Err(mpsc::RecvTimeoutError::Timeout) => Outcome::status(Status::TimedOut),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            Outcome::status(Status::Crashed("the run's thread died".into()))
        }
    }
}

impl Runner {
    /// A runner; `kiln` is needed only for the paths that run the command.
    pub fn new(kiln: Option<KilnCmd>) -> Runner {
        Runner {
            kiln,
            timeout: Duration::from_secs(10),
            max_memory: 1 << 30,
            scratch: tempfile::Builder::new()
                .prefix("kiln-fuzz-")
                .tempdir()
                .expect("create a scratch directory"),
            counter: AtomicUsize::new(0),
        }
    }

    pub fn kiln(&self) -> Option<&KilnCmd> {
        self.kiln.as_ref()
    }

    /// A fresh directory for one run's files.
    pub fn fresh_dir(&self) -> PathBuf {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let dir = self.scratch.path().join(n.to_string());
        std::fs::create_dir_all(&dir).expect("create a run directory");
        dir
    }

    fn options(&self, opt_level: u8) -> EngineOptions {
        EngineOptions {
            opt_level,
            max_memory: self.max_memory,
            ..EngineOptions::default()
        }
    }

    /// Run `case` through `path`.
    pub fn run(&self, path: ExecPath, case: &Case) -> Outcome {
        let inputs: Result<Vec<Value>, String> = case.inputs.iter().map(|i| i.value()).collect();
        let inputs = match inputs {
            Ok(v) => v,
            Err(e) => return Outcome::status(Status::Crashed(format!("bad param value: {e}"))),
        };
        match path {
            ExecPath::JitO0 => {
                library_isolated(self.options(0), &case.source, &inputs, self.timeout)
            }
            ExecPath::JitO2 => {
                library_isolated(self.options(2), &case.source, &inputs, self.timeout)
            }
            ExecPath::Columns => {
                let options = self.options(2);
                isolated(self.timeout, &case.source, inputs, move |src, inputs| {
                    columns_run(options, src, inputs)
                })
            }
            ExecPath::Mcjit => isolated(self.timeout, &case.source, inputs, mcjit_run),
            ExecPath::KilnRun => self.kiln_run(case),
            ExecPath::Exe => self.exe(case),
            ExecPath::Lli => self.lli(case),
            ExecPath::Interp => library_isolated(
                EngineOptions {
                    backend: kiln::Backend::Interp,
                    ..self.options(0)
                },
                &case.source,
                &inputs,
                self.timeout,
            ),
        }
    }

    /// Run `case` through each of `paths`.
    pub fn run_all(&self, paths: &[ExecPath], case: &Case) -> Vec<(ExecPath, Outcome)> {
        paths.iter().map(|&p| (p, self.run(p, case))).collect()
    }

    fn write_case(&self, case: &Case) -> (PathBuf, PathBuf) {
        let dir = self.fresh_dir();
        let file = dir.join("prog.expr");
        std::fs::write(&file, &case.source).expect("write the program");
        (dir, file)
    }

    fn param_args(case: &Case) -> Vec<String> {
        case.inputs
            .iter()
            .map(|i| format!("--param={}={}", i.name, i.text))
            .collect()
    }

    fn kiln_run(&self, case: &Case) -> Outcome {
        let Some(kiln) = &self.kiln else {
            return Outcome::status(Status::Crashed("no kiln command to run".into()));
        };
        let (dir, file) = self.write_case(case);
        let mut cmd = kiln.command();
        cmd.current_dir(&dir)
            .args(["--error-format", "json", "run", "--no-cache", "-O", "2"])
            .arg(&file)
            .args(Self::param_args(case));
        let out = run_process(&mut cmd, self.timeout);
        let _ = std::fs::remove_dir_all(&dir);
        let out = match out {
            Ok(o) => o,
            Err(e) => return Outcome::status(Status::Crashed(format!("cannot run kiln: {e}"))),
        };
        let status = Self::classify(&out, |stderr| {
            parse_json_error(stderr).map(|(code, message, line, col)| Status::Fault {
                code,
                message,
                line,
                col,
            })
        });
        let status = match status {
            Status::CompileError(_) => match parse_json_error(&out.stderr) {
                Some((code, ..)) => Status::CompileError(code),
                None => Status::Crashed(format!("exit 1 without a diagnostic: {}", out.stderr)),
            },
            s => s,
        };
        Outcome {
            stdout: out.stdout,
            status,
        }
    }

    /// An exit status as a [`Status`]; `fault` reads a runtime error's report.
    fn classify(out: &ProcOut, fault: impl Fn(&str) -> Option<Status>) -> Status {
        if out.timed_out {
            return Status::TimedOut;
        }
        if let Some(sig) = out.signal {
            return Status::Crashed(format!("killed by signal {sig}; stderr: {}", out.stderr));
        }
        for bad in ["panicked", "E0999", "internal compiler error"] {
            if out.stderr.contains(bad) {
                return Status::Crashed(format!("stderr says `{bad}`: {}", out.stderr));
            }
        }
        match out.code {
            Some(0) => Status::Ok,
            Some(1) => Status::CompileError(first_error_code(&out.stderr).unwrap_or_default()),
            Some(3) => fault(&out.stderr).unwrap_or_else(|| {
                Status::Crashed(format!("exit 3 with an unreadable report: {}", out.stderr))
            }),
            code => Status::Crashed(format!("exit status {code:?}; stderr: {}", out.stderr)),
        }
    }

    /// `kiln build` of `case` with `--emit emit -O 2` into `out` (a file of the case's
    /// fresh directory), then `then` on the built file there; the directory is removed
    /// afterwards. A failed build is the outcome.
    fn built(
        &self,
        kiln: &KilnCmd,
        case: &Case,
        emit: &str,
        out: &str,
        then: impl FnOnce(&Path, &Path) -> Outcome,
    ) -> Outcome {
        let (dir, file) = self.write_case(case);
        let built = dir.join(out);
        let mut build = kiln.command();
        build
            .current_dir(&dir)
            .args(["build"])
            .arg(&file)
            .args(["--emit", emit, "-O", "2", "-o"])
            .arg(&built);
        let outcome = match run_process(&mut build, self.timeout) {
            Err(e) => Outcome::status(Status::Crashed(format!("cannot run kiln build: {e}"))),
            Ok(b) if b.code == Some(0) && !b.timed_out => then(&built, &dir),
            Ok(b) => {
                let status = match Self::classify(&b, |_| None) {
                    Status::Crashed(why) => Status::Crashed(format!("kiln build: {why}")),
                    s => s,
                };
                Outcome::status(status)
            }
        };
        let _ = std::fs::remove_dir_all(&dir);
        outcome
    }

    fn exe(&self, case: &Case) -> Outcome {
        let Some(kiln) = &self.kiln else {
            return Outcome::status(Status::Crashed("no kiln command to build with".into()));
        };
        self.built(kiln, case, "exe", "prog", |exe, dir| {
            self.run_exe(exe, dir, case)
        })
    }

    fn lli(&self, case: &Case) -> Outcome {
        let Some(kiln) = &self.kiln else {
            return Outcome::status(Status::Crashed("no kiln command to build with".into()));
        };
        let Some(runtime) = shared_runtime(&kiln.program) else {
            return Outcome::status(Status::Crashed(format!(
                "no libkiln_runtime.so next to {}",
                kiln.program.display()
            )));
        };
        self.built(kiln, case, "llvm-ir", "prog.ll", |ir, dir| {
            let mut cmd = Command::new(LLI);
            cmd.current_dir(dir)
                .arg("-load")
                .arg(&runtime)
                .arg(ir)
                .args(Self::param_args(case));
            match run_process(&mut cmd, self.timeout) {
                Err(e) => Outcome::status(Status::Crashed(format!("cannot run {LLI}: {e}"))),
                Ok(out) => {
                    let status = Self::classify(&out, parse_exe_fault);
                    Outcome {
                        stdout: out.stdout,
                        status,
                    }
                }
            }
        })
    }

    fn run_exe(&self, exe: &Path, dir: &Path, case: &Case) -> Outcome {
        let mut cmd = Command::new(exe);
        cmd.current_dir(dir).args(Self::param_args(case));
        match run_process(&mut cmd, self.timeout) {
            Err(e) => Outcome::status(Status::Crashed(format!("cannot run the executable: {e}"))),
            Ok(out) => {
                let status = Self::classify(&out, parse_exe_fault);
                Outcome {
                    stdout: out.stdout,
                    status,
                }
            }
        }
    }
}

/// The LLVM 19 interpreter/JIT that runs `--emit llvm-ir` output.
const LLI: &str = "lli-19";

/// The shared runtime library `lli -load`s: next to the `kiln` executable or in its
/// `deps/` (the newer one), as `kiln build` looks for it.
fn shared_runtime(kiln: &Path) -> Option<PathBuf> {
    use std::env::consts::{DLL_PREFIX, DLL_SUFFIX};
    let name = format!("{DLL_PREFIX}kiln_runtime{DLL_SUFFIX}");
    let dir = kiln.parent()?;
    [dir.join(&name), dir.join("deps").join(&name)]
        .into_iter()
        .filter(|p| p.is_file())
        .max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok())
}

/// The paths whose outcome differs from the first path's, if any.
pub fn disagreeing(results: &[(ExecPath, Outcome)]) -> Vec<ExecPath> {
    let Some((_, reference)) = results
        .iter()
        .find(|(_, o)| o.status != Status::Unavailable)
    else {
        return Vec::new();
    };
    results
        .iter()
        .filter(|(_, o)| o.status != Status::Unavailable && o != reference)
        .map(|(p, _)| *p)
        .collect()
}

/// The outcome most paths gave (the first path's on a tie): the expected output of a
/// regression case.
pub fn majority(results: &[(ExecPath, Outcome)]) -> Option<&Outcome> {
    let avail: Vec<&Outcome> = results
        .iter()
        .map(|(_, o)| o)
        .filter(|o| o.status != Status::Unavailable)
        .collect();
    avail
        .iter()
        .max_by_key(|o| {
            let votes = avail.iter().filter(|x| x == o).count();
            // Earlier paths win ties: negate the index.
            let index = avail.iter().position(|x| x == *o).unwrap_or(0);
            (votes, usize::MAX - index)
        })
        .copied()
}

/// A known disagreement being fixed elsewhere, which tests skip: its description, or
/// `None` when this one is new. Each rule must be narrow (a function name in the source
/// and the exact way the outputs differ). None are known: the four issue 12 listed
/// (signed zeros in `min`/`max`, `median` with infinities, `cbrt` under `lli`, `clamp`
/// with `lo > hi`) are fixed, and their rules are gone.
pub fn known_issue(_source: &str, _results: &[(ExecPath, Outcome)]) -> Option<&'static str> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exe_fault_reports_are_read() {
        let s = "error[E0601]: division by zero: `1 / 0`\n --> /tmp/x/prog.expr:3:14\n";
        assert_eq!(
            parse_exe_fault(s),
            Some(Status::Fault {
                code: "E0601".into(),
                message: "division by zero: `1 / 0`".into(),
                line: 3,
                col: 14
            })
        );
    }

    #[test]
    fn disagreements_and_majorities() {
        let ok = |s: &str| Outcome {
            stdout: s.into(),
            status: Status::Ok,
        };
        let r = vec![
            (ExecPath::JitO0, ok("1\n")),
            (ExecPath::JitO2, ok("2\n")),
            (ExecPath::KilnRun, ok("2\n")),
        ];
        assert_eq!(disagreeing(&r), vec![ExecPath::JitO2, ExecPath::KilnRun]);
        assert_eq!(majority(&r), Some(&ok("2\n")));
        let same = vec![(ExecPath::JitO0, ok("1\n")), (ExecPath::JitO2, ok("1\n"))];
        assert!(disagreeing(&same).is_empty());
    }
}
