//! `kiln build FILE --emit KIND [-o OUT] [-O N]`: ahead-of-time output.
//!
//! Every kind is generated as a standalone program (`driver::Options::standalone`): the
//! module has a C `main` that runs the program through the runtime's `kiln_rt_main`, so
//! IR and bitcode run under `lli -load libkiln_runtime.so` and objects link into
//! executables.
//!
//! Where the output goes: `-o OUT` names the file (`-o -` is standard output, not for
//! `exe`). Without `-o`, the text kinds (`llvm-ir`, `asm`) go to standard output and the
//! binary kinds to a file in the current directory named after the input: `prog.bc`,
//! `prog.o`, `prog` (like `cc` and `rustc`). Binary output is never written to a
//! terminal. Exit status: 1 when the program does not compile (nothing is written), 2
//! when the output cannot be written, the runtime library is not found (`exe`), the C
//! compiler is missing or the link fails.

use super::runtime_lib::{self, RuntimeLib};
use super::{args::Emit, link, read_file, say, write_stdout, Reporter, Source};
use super::{EXIT_OK, EXIT_USAGE};
use crate::codegen::Standalone;
use crate::driver::{self, Options};
use crate::jit::EmitKind;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where `kiln build` writes.
#[derive(Debug, PartialEq, Eq)]
enum Dest {
    Stdout,
    File(PathBuf),
}

impl Emit {
    /// The option value, as typed (`llvm-ir`).
    fn name(self) -> &'static str {
        match self {
            Emit::LlvmIr => "llvm-ir",
            Emit::LlvmBc => "llvm-bc",
            Emit::Asm => "asm",
            Emit::Obj => "obj",
            Emit::Exe => "exe",
        }
    }

    /// The file-name extension of the default output (none for executables).
    fn extension(self) -> &'static str {
        match self {
            Emit::LlvmIr => "ll",
            Emit::LlvmBc => "bc",
            Emit::Asm => "s",
            Emit::Obj => "o",
            Emit::Exe => std::env::consts::EXE_EXTENSION,
        }
    }

    /// What the compiler writes (an executable is linked from an object).
    fn jit_kind(self) -> EmitKind {
        match self {
            Emit::LlvmIr => EmitKind::Ir,
            Emit::LlvmBc => EmitKind::Bitcode,
            Emit::Asm => EmitKind::Asm,
            Emit::Obj | Emit::Exe => EmitKind::Object,
        }
    }
}

/// Where the output of `emit` goes for `-o output` (see the module docs).
fn destination(input: &Path, emit: Emit, output: Option<&Path>) -> Result<Dest, String> {
    let out = match output {
        Some(out) if out == Path::new("-") => {
            return match emit {
                Emit::Exe => Err("an executable cannot be written to standard output".to_owned()),
                _ => Ok(Dest::Stdout),
            }
        }
        Some(out) => out.to_path_buf(),
        None if emit.jit_kind().is_text() => return Ok(Dest::Stdout),
        None if input == Path::new("-") => return Err(
            "the program comes from standard input, so the output has no name; give one with -o"
                .to_owned(),
        ),
        None => {
            let stem = input.file_stem().filter(|s| !s.is_empty()).ok_or_else(|| {
                format!("`{}` has no file name; give one with -o", input.display())
            })?;
            PathBuf::from(stem).with_extension(emit.extension())
        }
    };
    if same_file(&out, input) {
        return Err(format!(
            "the output would overwrite the input `{}`; give another name with -o",
            input.display()
        ));
    }
    Ok(Dest::File(out))
}

/// Whether two paths name the same file (the same absolute path, or, when both exist,
/// the same file through links).
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => std::path::absolute(a).ok() == std::path::absolute(b).ok(),
    }
}

/// `kiln build`.
pub(super) fn build(
    rep: &Reporter,
    file: &Path,
    emit: Emit,
    output: Option<&Path>,
    options: Options,
) -> i32 {
    let dest = match destination(file, emit, output) {
        Ok(dest) => dest,
        Err(message) => return usage(&message),
    };
    if dest == Dest::Stdout && !emit.jit_kind().is_text() && std::io::stdout().is_terminal() {
        return usage(&format!(
            "`--emit {}` is binary and standard output is a terminal; write it to a file with -o",
            emit.name()
        ));
    }
    // An executable cannot be made without the static runtime: look before compiling.
    let static_runtime = match emit {
        Emit::Exe => match runtime_lib::find(RuntimeLib::Static) {
            Ok(path) => Some(path),
            Err(message) => return usage(&message),
        },
        _ => None,
    };
    let src = match read_file(file) {
        Ok(src) => src,
        Err(code) => return code,
    };
    let Built { bytes, params } = match rep.compiled(compile(&src, emit, options), &src) {
        Ok(compiled) => compiled,
        Err(code) => return code,
    };
    match (dest, static_runtime) {
        (Dest::Stdout, _) => write_stdout_bytes(&bytes),
        (Dest::File(out), Some(runtime)) => link_executable(&bytes, &runtime, &out),
        (Dest::File(out), None) => {
            if let Err(e) = std::fs::write(&out, &bytes) {
                return usage(&format!("cannot write `{}`: {e}", out.display()));
            }
            say(&hint(emit, &out, &params));
            EXIT_OK
        }
    }
}

/// A build's output bytes and the program's `param` names.
struct Built {
    bytes: Vec<u8>,
    params: Vec<String>,
}

/// Check and generate.
fn compile(
    src: &Source,
    emit: Emit,
    options: Options,
) -> Result<(Built, Vec<crate::Diagnostic>), Vec<crate::Diagnostic>> {
    let options = Options {
        standalone: Some(Arc::new(Standalone {
            file: src.name.clone(),
            source: src.text.clone(),
        })),
        ..options
    };
    let checked = driver::check_source(&src.text)?;
    let mut bytes = driver::emit(&checked.program, &options, emit.jit_kind())?;
    if emit.jit_kind().is_text() && bytes.last() != Some(&b'\n') {
        bytes.push(b'\n');
    }
    let params = checked
        .program
        .inputs
        .iter()
        .map(|i| i.name.clone())
        .collect();
    Ok((Built { bytes, params }, checked.warnings))
}

/// Write the object to a temporary file and link it with the static runtime into `out`.
fn link_executable(object: &[u8], runtime: &Path, out: &Path) -> i32 {
    // A file of its own (random name, created exclusively), removed when `temp` drops.
    let temp = match tempfile::Builder::new()
        .prefix("kiln-link-")
        .suffix(".o")
        .tempfile()
    {
        Ok(temp) => temp,
        Err(e) => return usage(&format!("cannot create a temporary object file: {e}")),
    };
    if let Err(e) = std::fs::write(temp.path(), object) {
        return usage(&format!("cannot write `{}`: {e}", temp.path().display()));
    }
    match link::link(temp.path(), runtime, out) {
        Ok(()) => EXIT_OK,
        Err(message) => usage(&message),
    }
}

/// What to do with a written file: how to run IR or bitcode under `lli`, how to link an
/// object. Empty for assembly.
fn hint(emit: Emit, out: &Path, params: &[String]) -> String {
    match emit {
        Emit::LlvmIr | Emit::LlvmBc => match runtime_lib::find(RuntimeLib::Shared) {
            Ok(lib) => {
                let mut line = vec![
                    lli_command(),
                    "-load".to_owned(),
                    shell_word(&lib),
                    shell_word(out),
                ];
                line.extend(
                    params
                        .iter()
                        .map(|p| format!("--param {}", shell_word(format!("{p}=VALUE")))),
                );
                format!("run it with: {}\n", line.join(" "))
            }
            Err(message) => format!("note: `lli` needs the runtime library to run it: {message}\n"),
        },
        Emit::Obj => match runtime_lib::find(RuntimeLib::Static) {
            Ok(lib) => {
                let exe = out.with_extension(std::env::consts::EXE_EXTENSION);
                let line: Vec<String> = link::command_line(out, &lib, &exe)
                    .iter()
                    .map(|a| shell_word(Path::new(a)))
                    .collect();
                format!("link it with: {}\n", line.join(" "))
            }
            Err(message) => format!("note: linking it needs the runtime library: {message}\n"),
        },
        Emit::Asm | Emit::Exe => String::new(),
    }
}

/// `lli-19` when it is on the PATH, else `lli` when that is, else `lli-19` (LLVM 19's).
fn lli_command() -> String {
    let on_path = |name: &str| {
        std::env::var_os("PATH")
            .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(name).is_file()))
    };
    if !on_path("lli-19") && on_path("lli") {
        "lli".to_owned()
    } else {
        "lli-19".to_owned()
    }
}

/// A path as one POSIX shell word: as it is when it is plain, single-quoted otherwise.
fn shell_word(path: impl AsRef<Path>) -> String {
    let text = path.as_ref().to_string_lossy();
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./=:+,@%".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text.into_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

fn write_stdout_bytes(bytes: &[u8]) -> i32 {
    match std::str::from_utf8(bytes) {
        Ok(text) => write_stdout(text),
        Err(_) => {
            let mut out = std::io::stdout().lock();
            match out.write_all(bytes).and_then(|()| out.flush()) {
                Ok(()) => EXIT_OK,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
                Err(e) => usage(&format!("cannot write to standard output: {e}")),
            }
        }
    }
}

fn usage(message: &str) -> i32 {
    say(&format!("error: {message}\n"));
    EXIT_USAGE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_goes_to_stdout_and_binaries_to_a_file_named_after_the_input() {
        let input = Path::new("examples/fib.expr");
        assert_eq!(destination(input, Emit::LlvmIr, None), Ok(Dest::Stdout));
        assert_eq!(destination(input, Emit::Asm, None), Ok(Dest::Stdout));
        let file = |name: &str| Ok(Dest::File(PathBuf::from(name)));
        assert_eq!(destination(input, Emit::LlvmBc, None), file("fib.bc"));
        assert_eq!(destination(input, Emit::Obj, None), file("fib.o"));
        assert_eq!(destination(input, Emit::Exe, None), file("fib"));
        let out = Path::new("out/x.ll");
        assert_eq!(
            destination(input, Emit::LlvmIr, Some(out)),
            file("out/x.ll")
        );
        assert_eq!(
            destination(input, Emit::Obj, Some(Path::new("-"))),
            Ok(Dest::Stdout)
        );
    }

    #[test]
    fn the_default_output_never_overwrites_the_input_and_exe_never_goes_to_stdout() {
        let err = destination(Path::new("fib"), Emit::Exe, None).unwrap_err();
        assert!(err.contains("overwrite"), "{err}");
        assert!(destination(Path::new("fib.expr"), Emit::Exe, Some(Path::new("-"))).is_err());
        assert!(destination(Path::new(".."), Emit::Obj, None).is_err());
        let named = destination(
            Path::new("p.expr"),
            Emit::LlvmIr,
            Some(Path::new("./p.expr")),
        );
        assert!(named.unwrap_err().contains("overwrite"));
    }

    #[test]
    fn paths_are_quoted_for_the_shell_only_when_needed() {
        assert_eq!(shell_word("/a/b-c_d.ll"), "/a/b-c_d.ll");
        assert_eq!(shell_word("my prog.ll"), "'my prog.ll'");
        assert_eq!(shell_word("it's.ll"), r"'it'\''s.ll'");
    }

    #[test]
    fn the_lli_hint_names_the_runtime_the_file_and_each_param() {
        let hint = hint(Emit::LlvmIr, Path::new("p.ll"), &["x".to_owned()]);
        // The unit-test binary has no runtime next to it unless cargo put one in deps/.
        if hint.starts_with("run it with: ") {
            assert!(hint.contains(" -load /"), "{hint}");
            assert!(hint.contains(" p.ll --param x=VALUE\n"), "{hint}");
        } else {
            assert!(hint.contains("cargo build -p kiln-runtime"), "{hint}");
        }
        assert_eq!(super::hint(Emit::Asm, Path::new("p.s"), &[]), "");
    }
}
