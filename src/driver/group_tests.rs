//! `compile_group`: programs compiled as one module and object behave as compiled alone.

use super::*;
use crate::value::Value;

fn program(src: &str) -> hir::Program {
    match crate::check_source(src) {
        Ok(checked) => checked.program,
        Err(diags) => panic!("{src}: {diags:?}"),
    }
}

/// Programs of every shape a group mixes: straight-line ones (two with the same string
/// constant, so internal names clash when linked), a recursive one, a loop over a list,
/// one that faults; with their inputs.
fn mixed() -> Vec<(&'static str, Vec<Value>)> {
    vec![
        (
            "param s: string; s == \"DE\" or len(s) > 3",
            vec![Value::Str("FR".into())],
        ),
        ("param s: string; s + \"DE\"", vec![Value::Str("FR".into())]),
        (
            "param n: i64;\nfn f(k: i64) -> i64 = if(k < 2, k, f(k - 1) + f(k - 2));\nf(n)",
            vec![Value::I64(15)],
        ),
        (
            "param n: i64; sum(map(range(0, n), x -> x * x))",
            vec![Value::I64(10)],
        ),
        (
            "param a: f64; param b: f64; (a * 1.8 + b) / (b + 1.0)",
            vec![Value::F64(2.0), Value::F64(3.0)],
        ),
        ("param d: i64;\n10 / d", vec![Value::I64(0)]),
        ("1 + 2", vec![]),
    ]
}

#[test]
fn a_groups_programs_run_as_each_does_alone() {
    for quick in [false, true] {
        let options = Options {
            quick_machine_code: quick,
            ..Options::default()
        };
        let cases = mixed();
        let programs: Vec<hir::Program> = cases.iter().map(|(src, _)| program(src)).collect();
        let refs: Vec<&hir::Program> = programs.iter().collect();
        let grouped = compile_group(&refs, &options);
        assert_eq!(grouped.len(), cases.len());
        for ((p, (src, inputs)), grouped) in programs.iter().zip(&cases).zip(&grouped) {
            let grouped = grouped.as_ref().expect("compiles in the group");
            let alone = compile(p, &options).expect("compiles alone");
            assert_eq!(grouped.run(inputs), alone.run(inputs), "{src}");
            assert_eq!(grouped.spans(), alone.spans(), "{src}");
            assert_eq!(grouped.context_free(), alone.context_free(), "{src}");
            assert_eq!(
                grouped.needs_stack_guard(),
                alone.needs_stack_guard(),
                "{src}"
            );
        }
        // The fault points at its own program's span.
        let fault = grouped[5]
            .as_ref()
            .unwrap()
            .run(&[Value::I64(0)])
            .unwrap_err();
        assert_eq!(
            &cases[5].0[fault.span.lo as usize..fault.span.hi as usize],
            "10 / d"
        );
    }
}

#[test]
fn a_group_member_outlives_the_others() {
    let sources = [
        "param x: i64; x + 1",
        "param x: i64; x * 2",
        "param x: i64; x - 3",
    ];
    let programs: Vec<hir::Program> = sources.iter().map(|s| program(s)).collect();
    let refs: Vec<&hir::Program> = programs.iter().collect();
    let mut grouped: Vec<Compiled> = compile_group(&refs, &Options::default())
        .into_iter()
        .map(|r| r.expect("compiles"))
        .collect();
    let last = grouped.pop().expect("three programs");
    drop(grouped);
    // The group's code stays until its last program goes.
    assert_eq!(last.run(&[Value::I64(10)]).unwrap(), Some(Value::I64(7)));
}

#[test]
fn an_empty_group_is_empty() {
    assert!(compile_group(&[], &Options::default()).is_empty());
}
