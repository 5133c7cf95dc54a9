//! Linking a standalone executable: the program's object file and the static runtime,
//! through the system C compiler (`$CC`, or `cc`), which knows the platform's C library,
//! start files and linker.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

/// The native libraries a Rust static library needs on Linux, as
/// `rustc --print native-static-libs` lists them for `kiln-runtime`.
/// `--gc-sections` first: the runtime archive holds all of Rust's standard library, and
/// dropping what the program cannot reach makes the executable smaller.
pub const NATIVE_LIBS: &[&str] = &[
    "-Wl,--gc-sections",
    "-lgcc_s",
    "-lutil",
    "-lrt",
    "-lpthread",
    "-lm",
    "-ldl",
    "-lc",
];

/// The C compiler command: `$CC` split at whitespace (so `CC="gcc -m64"` works), or `cc`.
pub fn c_compiler() -> Vec<String> {
    compiler_from(std::env::var("CC").ok())
}

fn compiler_from(cc: Option<String>) -> Vec<String> {
    let words: Vec<String> = cc
        .as_deref()
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    if words.is_empty() {
        vec!["cc".to_owned()]
    } else {
        words
    }
}

/// The whole link command line: the C compiler, then `OBJECT RUNTIME -o OUT` and the
/// native libraries. The object is position-independent, so the default (PIE) link works.
pub fn command_line(object: &Path, runtime: &Path, out: &Path) -> Vec<OsString> {
    command_line_with(&c_compiler(), object, runtime, out)
}

fn command_line_with(cc: &[String], object: &Path, runtime: &Path, out: &Path) -> Vec<OsString> {
    let mut args: Vec<OsString> = cc.iter().map(OsString::from).collect();
    args.extend([object.into(), runtime.into(), "-o".into(), out.into()]);
    args.extend(NATIVE_LIBS.iter().map(OsString::from));
    args
}

/// Link `object` with the static `runtime` into the executable `out`. The error says
/// which command failed and what it printed.
pub fn link(object: &Path, runtime: &Path, out: &Path) -> Result<(), String> {
    link_with(&c_compiler(), object, runtime, out)
}

fn link_with(cc: &[String], object: &Path, runtime: &Path, out: &Path) -> Result<(), String> {
    let args = command_line_with(cc, object, runtime, out);
    let program = &args[0];
    let output = Command::new(program)
        .args(&args[1..])
        .output()
        .map_err(|e| {
            let name = program.to_string_lossy();
            if e.kind() == std::io::ErrorKind::NotFound {
                format!(
                    "cannot link: the C compiler `{name}` was not found\n\
                 help: install one (gcc or clang) or name it in the CC environment variable"
                )
            } else {
                format!("cannot link: cannot run the C compiler `{name}`: {e}")
            }
        })?;
    if output.status.success() {
        return Ok(());
    }
    let shown: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    Err(format!(
        "linking `{}` failed: `{}` exited with {}\n{}",
        out.display(),
        shown.join(" "),
        output.status,
        String::from_utf8_lossy(&output.stderr).trim_end()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cc_is_the_default_and_cc_may_carry_arguments() {
        assert_eq!(compiler_from(None), ["cc"]);
        assert_eq!(compiler_from(Some("  ".to_owned())), ["cc"]);
        assert_eq!(compiler_from(Some("gcc -m64".to_owned())), ["gcc", "-m64"]);
    }

    #[test]
    fn the_link_line_puts_the_object_before_the_runtime_and_the_libraries_last() {
        let line = command_line(
            Path::new("p.o"),
            Path::new("/rt/libkiln_runtime.a"),
            Path::new("p"),
        );
        let line: Vec<String> = line
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let at = |s: &str| line.iter().position(|a| a == s).unwrap();
        assert!(at("p.o") < at("/rt/libkiln_runtime.a"));
        assert_eq!(line[at("-o") + 1], "p");
        assert_eq!(&line[line.len() - NATIVE_LIBS.len()..], NATIVE_LIBS);
    }

    #[test]
    fn a_missing_c_compiler_is_a_clear_error() {
        let cc = ["kiln-no-such-cc".to_owned()];
        let err = link_with(&cc, Path::new("x.o"), Path::new("x.a"), Path::new("x"));
        assert!(err
            .unwrap_err()
            .contains("C compiler `kiln-no-such-cc` was not found"));
    }
}
