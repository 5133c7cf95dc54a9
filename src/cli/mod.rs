//! The `kiln` command line (clap): run, check, eval, build, and piped stdin.

/// Entry point of the binary; returns the process exit code.
pub fn main() -> i32 {
    todo!("cli::main")
}
