fn main() {
    let code = kiln::cli::main();
    exit(code)
}

/// Leave the process with `code`. On Unix the C++ global destructors of the LLVM linked
/// into `kiln` (thousands of command-line option objects, a tenth of a short run's time)
/// are skipped with `_exit`: by now every file Kiln wrote is written and closed, and only
/// the standard streams' buffers are left to flush.
fn exit(code: i32) -> ! {
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    #[cfg(unix)]
    // SAFETY: `_exit` ends the process at once; nothing after it runs.
    unsafe {
        libc::_exit(code)
    }
    #[cfg(not(unix))]
    std::process::exit(code)
}
