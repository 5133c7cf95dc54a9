//! Running one program on every in-process path: ORC and MCJIT at -O2, ORC at -O0 and the
//! reference interpreter, which must all agree; what they agree on is returned for the
//! test to compare with what it expects.

use kiln::driver::{compile_with, Options};
use kiln::jit::JitEngine;

/// How a runtime fault is shown.
#[derive(Clone, Copy)]
pub enum Fault {
    /// `error[CODE]: message`.
    Code,
    /// `error[CODE]: message @ TEXT`, `TEXT` the source its span covers.
    AtSpan,
}

fn fault(src: &str, how: Fault, e: &kiln::RuntimeError) -> String {
    let head = format!("error[{}]: {}", e.code(), e.message);
    match how {
        Fault::Code => head,
        Fault::AtSpan => format!("{head} @ {}", &src[e.span.lo as usize..e.span.hi as usize]),
    }
}

/// What the program printed, then its result in the display format or its fault: the
/// same on every path (the test fails where two differ).
pub fn everywhere(src: &str, how: Fault) -> String {
    let checked = kiln::check_source(src).unwrap_or_else(|d| panic!("{src}: {d:?}"));
    let mut outs = Vec::new();
    for (engine, opt_level) in [
        (JitEngine::Orc, 2),
        (JitEngine::Mcjit, 2),
        (JitEngine::Orc, 0),
    ] {
        let options = Options {
            opt_level,
            ..Options::default()
        };
        let c = compile_with(&checked.program, &options, engine)
            .unwrap_or_else(|e| panic!("{src}: {e}"));
        let mut ctx = kiln::runtime::RunCtx::new();
        ctx.capture_output();
        let run = c.run_in(&mut ctx, &[]);
        let mut shown = ctx.take_output();
        match run {
            Ok(v) => shown.push_str(&v.map(|v| v.to_string()).unwrap_or_default()),
            Err(e) => shown.push_str(&fault(src, how, &e)),
        }
        outs.push(shown);
    }
    assert_eq!(outs[0], outs[1], "engines disagree on {src}");
    assert_eq!(outs[0], outs[2], "-O0 disagrees on {src}");
    let mut printed = String::new();
    let interp = kiln::driver::interpret(
        &checked.program,
        &[],
        &kiln::interp::Options::default(),
        &mut printed,
    );
    match interp {
        Ok(v) => printed.push_str(&v.map(|v| kiln::interp::display(&v)).unwrap_or_default()),
        Err(e) => printed.push_str(&fault(src, how, &e)),
    }
    assert_eq!(outs[0], printed, "the interpreter disagrees on {src}");
    outs.swap_remove(0)
}

/// [`everywhere`] with faults as `error[CODE]: message`.
pub fn eval(src: &str) -> String {
    everywhere(src, Fault::Code)
}

/// Each program of `table` shows what its row expects, on every path.
#[track_caller]
pub fn cases(table: &[(&str, &str)]) {
    cases_showing(Fault::Code, table)
}

/// [`cases`] with faults shown as `how` says.
#[track_caller]
pub fn cases_showing(how: Fault, table: &[(&str, &str)]) {
    for (src, want) in table {
        assert_eq!(everywhere(src, how), *want, "{src}");
    }
}
