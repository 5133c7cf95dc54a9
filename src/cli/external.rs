//! Commands implemented by other programs, git-style: `kiln sql ...` runs `kiln-sql ...`
//! (the kiln-datafusion crate), so DataFusion is not linked into `kiln`, whose start-up
//! time matters. The program is looked for next to the running `kiln` (where cargo puts
//! both), then on `PATH`.

use super::{say, EXIT_INTERNAL_ERROR, EXIT_USAGE};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Run `kiln-<name>` with `args`, its standard streams the terminal's; its exit status
/// (128 + the signal's number when a signal ended it).
pub fn run(name: &str, args: &[OsString]) -> i32 {
    let program = format!("kiln-{name}");
    let exe = std::env::current_exe().ok();
    let dir = exe.as_deref().and_then(Path::parent);
    let Some(path) = find(&program, dir, std::env::var_os("PATH").as_deref()) else {
        say(&not_found(name, &program, exe.as_deref()));
        return EXIT_USAGE;
    };
    match Command::new(&path).args(args).status() {
        Ok(status) => status.code().unwrap_or_else(|| signal(&status)),
        Err(e) => {
            say(&format!("error: cannot run `{}`: {e}\n", path.display()));
            EXIT_INTERNAL_ERROR
        }
    }
}

#[cfg(unix)]
fn signal(status: &std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status.signal().map_or(EXIT_INTERNAL_ERROR, |s| 128 + s)
}

#[cfg(not(unix))]
fn signal(_: &std::process::ExitStatus) -> i32 {
    EXIT_INTERNAL_ERROR
}

/// The executable `program` in `dir` (the running `kiln`'s directory), else the first
/// in the directories of `path_var`.
fn find(program: &str, dir: Option<&Path>, path_var: Option<&OsStr>) -> Option<PathBuf> {
    let file = format!("{program}{}", std::env::consts::EXE_SUFFIX);
    let on_path = path_var.into_iter().flat_map(std::env::split_paths);
    dir.map(Path::to_path_buf)
        .into_iter()
        .chain(on_path)
        .map(|d| d.join(&file))
        .find(|candidate| is_executable(candidate))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// What `kiln <name>` says when `program` is nowhere to be found.
fn not_found(name: &str, program: &str, exe: Option<&Path>) -> String {
    let beside = exe
        .and_then(Path::parent)
        .map_or_else(String::new, |d| format!(" in `{}` nor", d.display()));
    format!(
        "error: `kiln {name}` runs the `{program}` program, which was not found{beside} on PATH\n  \
         = help: build it next to `kiln` with `cargo build --release -p kiln-datafusion --bin {program}`\n          \
         (or run `./x.sh kiln {name} ...` in the Kiln repository, which builds it first)\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An executable script named `name` in `dir`.
    fn program(dir: &Path, name: &str) -> PathBuf {
        let path = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
        std::fs::write(&path, "#!/bin/sh\nexit 7\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        path
    }

    #[test]
    fn the_program_is_found_beside_kiln_before_path() {
        let beside = tempfile::tempdir().unwrap();
        let on_path = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let path_var = std::env::join_paths([elsewhere.path(), on_path.path()]).unwrap();
        // Only on PATH: found there.
        let there = program(on_path.path(), "kiln-sql");
        assert_eq!(
            find("kiln-sql", Some(beside.path()), Some(&path_var)),
            Some(there.clone())
        );
        // Beside kiln too: that one wins.
        let here = program(beside.path(), "kiln-sql");
        assert_eq!(
            find("kiln-sql", Some(beside.path()), Some(&path_var)),
            Some(here)
        );
        // Neither: not found.
        assert_eq!(find("kiln-sql", Some(elsewhere.path()), None), None);
        assert_eq!(
            find("kiln-other", Some(beside.path()), Some(&path_var)),
            None
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_file_that_is_not_executable_is_passed_over() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("kiln-sql"), "not a program").unwrap();
        assert_eq!(find("kiln-sql", Some(dir.path()), None), None);
    }

    #[test]
    fn the_error_says_where_it_looked_and_how_to_build_it() {
        let message = not_found("sql", "kiln-sql", Some(Path::new("/opt/kiln/bin/kiln")));
        assert!(message.starts_with(
            "error: `kiln sql` runs the `kiln-sql` program, which was not found in `/opt/kiln/bin` nor on PATH"
        ), "{message}");
        assert!(message.contains("cargo build --release -p kiln-datafusion --bin kiln-sql"));
    }
}
