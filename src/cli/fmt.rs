//! `kiln fmt [FILES] [--check]`: format programs (`crate::fmt`).
//!
//! Without files: standard input to standard output. With files: each is rewritten in
//! place when formatting changes it (a temporary file in the same directory, renamed over
//! it), and nothing is printed. `--check` writes nothing: it lists the files that would
//! change, one per line, and exits 1 if there are any. A file that does not parse is
//! reported as `kiln check` reports it (exit 1) and left as it is; the other files are
//! still formatted.

use super::{read_file, read_stdin, say, write_stdout, Reporter, Source};
use super::{EXIT_COMPILE_ERROR, EXIT_OK, EXIT_USAGE};
use std::io::Write;
use std::path::{Path, PathBuf};

pub(super) fn fmt(rep: &Reporter, files: &[PathBuf], check: bool) -> i32 {
    if files.is_empty() {
        return stdin(rep, check);
    }
    let mut code = EXIT_OK;
    let mut changed = String::new();
    for path in files {
        if path.as_os_str() == "-" {
            code = code.max(stdin(rep, check));
            continue;
        }
        let src = match read_file(path) {
            Ok(src) => src,
            Err(c) => {
                code = code.max(c);
                continue;
            }
        };
        let Some(formatted) = format(rep, &src) else {
            code = code.max(EXIT_COMPILE_ERROR);
            continue;
        };
        if formatted == src.text {
            continue;
        }
        if check {
            changed.push_str(&format!("{}\n", path.display()));
            code = code.max(EXIT_COMPILE_ERROR);
        } else if let Err(e) = replace(path, &formatted) {
            say(&format!("error: cannot write `{}`: {e}\n", path.display()));
            code = code.max(EXIT_USAGE);
        }
    }
    if !changed.is_empty() {
        code = code.max(write_stdout(&changed));
    }
    code
}

/// Standard input: formatted to standard output, or under `--check` named if it would
/// change.
fn stdin(rep: &Reporter, check: bool) -> i32 {
    let src = match read_stdin() {
        Ok(src) => src,
        Err(code) => return code,
    };
    let Some(formatted) = format(rep, &src) else {
        return EXIT_COMPILE_ERROR;
    };
    match (check, formatted == src.text) {
        (false, _) => write_stdout(&formatted),
        (true, true) => EXIT_OK,
        (true, false) => write_stdout("<stdin>\n").max(EXIT_COMPILE_ERROR),
    }
}

/// The formatted text, or `None` after reporting why `src` does not parse. A text
/// that would change is verified first (`fmt::verify`: it parses, keeps the comments
/// and checks to the same program); one that fails is reported as a bug in the
/// formatter, and nothing is written.
fn format(rep: &Reporter, src: &Source) -> Option<String> {
    match crate::fmt::format_source(&src.text) {
        Ok(text) if text == src.text => Some(text),
        Ok(text) => match crate::fmt::verify(&src.text, &text) {
            Ok(()) => Some(text),
            Err(broken) => {
                say(&format!(
                    "error: `kiln fmt` would change `{}`: {broken}; it is left as it is.\n\
                     This is a bug in `kiln fmt`: please report it with the program.\n",
                    src.name
                ));
                None
            }
        },
        Err(diags) => {
            rep.report(&diags, src, EXIT_COMPILE_ERROR);
            None
        }
    }
}

/// Write `text` to `path` atomically: a temporary file beside it, with its permissions,
/// renamed over it.
fn replace(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    let permissions = std::fs::metadata(path)?.permissions();
    std::fs::set_permissions(tmp.path(), permissions)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
