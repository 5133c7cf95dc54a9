//! Facts about the call graph: which user functions are recursive (they guard their
//! stack on entry) and which can fail at run time (a fixpoint; calls to functions that
//! cannot fail need no status check afterwards).

use super::HostImpl;
use crate::span::Span;
use crate::types::hir::{ExprKind, FallibleCalls, Overflow, Program, Walk};

/// `result[id]`: function `id` can reach a call of itself, directly or through others
/// ([`Program::recursive_functions`]).
///
/// With late binding (REPL lines, `hir::Linking`), a call through a slot reaches
/// whatever definition holds it when the call runs, so a cycle may close through a
/// later line: every function that calls through a slot counts as recursive (it guards
/// its stack and polls interrupts on entry).
pub fn recursive_functions(program: &Program) -> Vec<bool> {
    let mut recursive = program.recursive_functions();
    let link = &program.link;
    if link.fn_slots.is_empty() && link.extern_fns.iter().all(|f| f.slot == 0) {
        return recursive;
    }
    for (id, f) in program.functions.iter().enumerate() {
        f.body.walk(&mut |e| match e.kind {
            ExprKind::Call { func, .. } if link.slot_of(func).is_some() => recursive[id] = true,
            ExprKind::CallExtern { func, .. }
                if link.extern_fns.get(func).is_none_or(|f| f.slot != 0) =>
            {
                recursive[id] = true
            }
            _ => {}
        });
    }
    recursive
}

/// `result[id]`: function `id` may record a fault (directly or through a call). A
/// recursive function may always fault: it can run out of stack. Every host function
/// counts as one that may fail (see [`fallible_functions_with`]).
pub fn fallible_functions(program: &Program) -> Vec<bool> {
    fallible_functions_with(program, &[], Overflow::Wrap)
}

/// Like [`fallible_functions`], knowing how host functions are called: only those
/// whose [`HostImpl::may_fail`] holds may fail (an unknown one may).
/// In `Overflow::Trap` mode integer arithmetic may fault too.
pub fn fallible_functions_with(
    program: &Program,
    host: &[HostImpl],
    overflow: Overflow,
) -> Vec<bool> {
    let host: Vec<bool> = host.iter().map(HostImpl::may_fail).collect();
    let mut fallible = recursive_functions(program);
    loop {
        let mut changed = false;
        for (id, f) in program.functions.iter().enumerate() {
            let calls = FallibleCalls {
                functions: &fallible,
                host: &host,
                overflow,
            };
            if !fallible[id] && f.body.may_fault(calls) {
                fallible[id] = true;
                changed = true;
            }
        }
        if !changed {
            return fallible;
        }
    }
}

/// Every call of a host function in the program (functions first, then `main`): the
/// function's index and the call's span.
pub fn host_calls(program: &Program) -> Vec<(usize, Span)> {
    let mut out = Vec::new();
    for f in program
        .functions
        .iter()
        .chain(std::iter::once(&program.main))
    {
        f.body.walk(&mut |e| {
            if let ExprKind::CallHost { func, .. } = e.kind {
                out.push((func, e.span));
            }
        });
    }
    out
}

/// Whether the program's top level may record a fault (so a loop over rows must check
/// the status word after each).
pub(crate) fn main_may_fail(program: &Program, host: &[HostImpl], overflow: Overflow) -> bool {
    let fallible = fallible_functions_with(program, host, overflow);
    let host: Vec<bool> = host.iter().map(HostImpl::may_fail).collect();
    program.main.body.may_fault(FallibleCalls {
        functions: &fallible,
        host: &host,
        overflow,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program(src: &str) -> Program {
        crate::check_source(src).expect("a valid program").program
    }

    #[test]
    fn recursion_is_found_through_any_cycle_and_only_there() {
        let p = program(
            "fn fact(n: i64) -> i64 = if(n < 2, 1, n * fact(n - 1));
             fn even(n: i64) -> bool = if(n == 0, true, odd(n - 1));
             fn odd(n: i64) -> bool = if(n == 0, false, even(n - 1));
             fn twice(n: i64) = fact(n) * 2;
             fn leaf(n: i64) = n + 1;
             0",
        );
        assert_eq!(recursive_functions(&p), [true, true, true, false, false]);
    }

    #[test]
    fn recursive_functions_and_their_callers_are_fallible() {
        let p = program(
            "fn r(n: i64) -> i64 = if(n == 0, 0, r(n - 1));
             fn calls_r(n: i64) = r(n) + 1;
             fn pure(n: i64) = n * 2;
             fn divides(n: i64) = 10 / n;
             0",
        );
        assert_eq!(fallible_functions(&p), [true, true, false, true]);
    }
}
