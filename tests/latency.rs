//! The programs of the compile-latency benchmark (`benches/latency.rs`) compute what
//! they should, and `Engine::compile_many` gives each source's program, in order.

mod common;

use common::latency;
use kiln::{Engine, EngineOptions, Value};

#[test]
fn the_benchmark_programs_compute_what_they_say() {
    let engine = Engine::new();
    let programs = latency::programs();
    let run = |i: usize, inputs: &[Value]| {
        engine
            .compile(&programs[i].1)
            .expect("compiles")
            .run(inputs)
            .expect("runs")
    };
    assert_eq!(run(0, &[]), Some(Value::I64(3)));
    let (a, b, c) = (2.0f64, 3.0, 4.0);
    let formula = (a * 1.8 + b) / (c + 1.0) - kiln_log(a + 1.0);
    let got = run(1, &[Value::F64(a), Value::F64(b), Value::F64(c)]);
    assert_eq!(got, Some(Value::F64(formula)));
    assert_eq!(
        run(2, &[Value::F64(1.25)]),
        Some(Value::F64(latency::chain_value(1_000, 1.25)))
    );
    for x in [0, 1, 57, 199, 200, -3] {
        let want = if (0..200).contains(&x) { x * 7 } else { -1 };
        assert_eq!(run(3, &[Value::I64(x)]), Some(Value::I64(want)), "x = {x}");
    }
}

/// Kiln's `log` (the `libm` crate's), computed by a Kiln program.
fn kiln_log(x: f64) -> f64 {
    let p = Engine::new().compile("param x: f64; log(x)").unwrap();
    match p.run(&[Value::F64(x)]) {
        Ok(Some(Value::F64(v))) => v,
        other => panic!("{other:?}"),
    }
}

#[test]
fn compile_many_gives_each_sources_program_in_order() {
    compile_many_in_order(Engine::new());
}

#[test]
fn compile_many_with_quick_machine_code_gives_the_same_programs() {
    compile_many_in_order(Engine::with_options(EngineOptions {
        quick_machine_code: true,
        ..EngineOptions::default()
    }));
}

/// 300 rules (compiled in groups) with a broken one among them: every rule computes
/// what it says, the broken one has its own error.
fn compile_many_in_order(engine: Engine) {
    let mut rules = latency::rules(300);
    // A broken source in the middle: its own error, the others unaffected.
    rules[150] = "param amount: f64; amount +".to_owned();
    let texts: Vec<&str> = rules.iter().map(String::as_str).collect();
    let programs = engine.compile_many(&texts);
    assert_eq!(programs.len(), rules.len());
    let rows = [
        (150.0, 3, "FR"),
        (2.5, 12, "DE"),
        (900.0, 0, "US"),
        (0.0, 0, "XX"),
    ];
    for (i, program) in programs.iter().enumerate() {
        if i == 150 {
            let error = program.as_ref().expect_err("does not compile");
            assert_eq!(error.diagnostics[0].code, "E0001");
            continue;
        }
        let program = program.as_ref().expect("compiles");
        assert_eq!(program.source(), rules[i]);
        for (amount, qty, country) in rows {
            let inputs = [
                Value::F64(amount),
                Value::I64(qty),
                Value::Str(country.into()),
            ];
            let want = latency::rule_value(i, amount, qty, country);
            assert_eq!(
                program.run(&inputs),
                Ok(Some(Value::Bool(want))),
                "rule {i}"
            );
        }
    }
}
