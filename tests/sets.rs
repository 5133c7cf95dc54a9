//! Program sets through the public API (`Engine::compile_set`, `ProgramSet`): many named
//! expressions over shared params, functions and bindings, compiled into one module.

use kiln::diag::render::{render_list, Format};
use kiln::engine::{CompileError, ProgramSet};
use kiln::types::ty::{IntTy, Ty};
use kiln::{Engine, Value};

/// A compile error as the CLI draws it (header and source excerpt, no colour).
fn excerpt(err: &CompileError) -> String {
    render_list(
        &err.diagnostics,
        &err.file,
        &err.source,
        Format::Human { color: false },
    )
}

fn set(shared: &str, exprs: &[(&str, &str)]) -> ProgramSet {
    Engine::new()
        .compile_set(shared, exprs)
        .unwrap_or_else(|e| panic!("compile error:\n{e}"))
}

#[test]
fn the_row_of_run_all_equals_each_output_run_alone() {
    let s = set(
        "param a: i64; param name: string;",
        &[
            ("double", "a * 2"),
            ("greeting", "\"hi \" + name"),
            ("big", "a > 10"),
        ],
    );
    assert_eq!(s.names(), ["double", "greeting", "big"]);
    assert_eq!(s.params().len(), 2);
    assert_eq!(s.params()[1].name, "name");
    assert_eq!(s.output_type("double"), Some(&Ty::Int(IntTy::I64)));
    assert_eq!(s.output_type("greeting"), Some(&Ty::Str));
    assert_eq!(s.output_type("big"), Some(&Ty::Bool));
    assert_eq!(s.output_type("nope"), None);
    for a in [3, 30] {
        let inputs = [Value::I64(a), Value::Str("kiln".into())];
        let row = s.run_all(&inputs).unwrap();
        assert_eq!(
            row,
            [
                Value::I64(a * 2),
                Value::Str("hi kiln".into()),
                Value::Bool(a > 10)
            ]
        );
        let alone: Vec<Value> = s
            .names()
            .iter()
            .map(|n| s.run(n, &inputs).unwrap().expect("an output has a value"))
            .collect();
        assert_eq!(alone, row);
    }
}

#[test]
fn list_outputs_cross_as_values() {
    let s = set(
        "param xs: [i64]; param a: i64;",
        &[
            ("pair", "[a, a + 1]"),
            ("scaled", "xs * a"),
            ("n", "len(xs)"),
        ],
    );
    let xs = Value::List(Ty::Int(IntTy::I64), vec![Value::I64(1), Value::I64(2)]);
    let list = |v: &[i64]| {
        Value::List(
            Ty::Int(IntTy::I64),
            v.iter().map(|&i| Value::I64(i)).collect(),
        )
    };
    assert_eq!(
        s.run_all(&[xs.clone(), Value::I64(3)]).unwrap(),
        [list(&[3, 4]), list(&[3, 6]), Value::I64(2)]
    );
    assert_eq!(
        s.run("scaled", &[xs, Value::I64(2)]).unwrap(),
        Some(list(&[2, 4]))
    );
}

#[test]
fn an_unknown_output_name_is_an_input_error() {
    let s = set("param a: i64;", &[("x", "a + 1")]);
    let err = s.run("y", &[Value::I64(1)]).unwrap_err();
    assert_eq!(err.code(), "E0605");
    assert!(err.message.contains("`y`"), "{}", err.message);
    assert_eq!(s.run("x", &[Value::I64(1)]).unwrap(), Some(Value::I64(2)));
}

#[test]
fn inputs_are_checked_like_a_program_s() {
    let s = set("param a: i64;", &[("x", "a + 1")]);
    assert_eq!(s.run_all(&[]).unwrap_err().code(), "E0605");
    let err = s.run("x", &[Value::F64(1.0)]).unwrap_err();
    assert_eq!(err.code(), "E0605");
    assert!(err.message.contains("`a`"), "{}", err.message);
}

#[test]
fn shared_functions_and_bindings_serve_several_outputs() {
    let s = set(
        "param w: f64; param h: f64;\n\
         fn area(x: f64, y: f64) -> f64 = x * y;\n\
         let perimeter = 2.0 * (w + h);",
        &[
            ("area", "area(w, h)"),
            ("ratio", "area(w, h) / perimeter"),
            ("perimeter", "perimeter"),
        ],
    );
    let row = s.run_all(&[Value::F64(3.0), Value::F64(2.0)]).unwrap();
    assert_eq!(row, [Value::F64(6.0), Value::F64(0.6), Value::F64(10.0)]);
    assert_eq!(
        s.run("ratio", &[Value::F64(1.0), Value::F64(1.0)]).unwrap(),
        Some(Value::F64(0.25))
    );
}

#[test]
fn a_shared_binding_read_by_a_shared_function() {
    let s = set(
        "param x: f64; let rate = x / 10.0; fn scale(v: f64) = v * rate;",
        &[("a", "scale(2.0)"), ("b", "scale(x) + rate")],
    );
    assert_eq!(
        s.run_all(&[Value::F64(10.0)]).unwrap(),
        [Value::F64(2.0), Value::F64(11.0)]
    );
    assert_eq!(
        s.run("b", &[Value::F64(20.0)]).unwrap(),
        Some(Value::F64(42.0))
    );
}

#[test]
fn a_faulting_output_fails_run_all_and_itself_but_not_the_others() {
    let s = set(
        "param n: i64; fn per(total: i64, k: i64) = total / k;",
        &[("ok", "n + 1"), ("share", "per(100, n)"), ("neg", "-n")],
    );
    let zero = [Value::I64(0)];
    let err = s.run_all(&zero).unwrap_err();
    assert_eq!(err.code(), "E0601");
    let err = s.run("share", &zero).unwrap_err();
    assert_eq!(err.code(), "E0601");
    // The fault points at the division in the shared function, in the set's source.
    let rendered = s.render(&err.to_diagnostic());
    assert!(rendered.contains("total / k"), "{rendered}");
    assert_eq!(s.run("ok", &zero).unwrap(), Some(Value::I64(1)));
    assert_eq!(s.run("neg", &zero).unwrap(), Some(Value::I64(0)));
    // The set stays usable.
    assert_eq!(
        s.run_all(&[Value::I64(4)]).unwrap(),
        [Value::I64(5), Value::I64(25), Value::I64(-4)]
    );
}

#[test]
fn a_fault_in_an_output_expression_names_its_span() {
    let s = set(
        "param xs: [i64];",
        &[("first", "xs[0]"), ("third", "xs[2]")],
    );
    let err = s
        .run_all(&[Value::List(Ty::Int(IntTy::I64), vec![Value::I64(7)])])
        .unwrap_err();
    assert_eq!(err.code(), "E0603");
    let third = s.source().find("xs[2]").unwrap();
    assert!(
        err.span.lo as usize >= third && err.span.hi as usize <= third + 5,
        "{err:?}"
    );
    assert!(s.render(&err.to_diagnostic()).contains("xs[2]"));
}

#[test]
fn a_compile_error_in_one_expression_points_at_its_text() {
    let err = Engine::new()
        .compile_set(
            "param a: i64;",
            &[("good", "a + 1"), ("bad", "a + \"seven\"")],
        )
        .unwrap_err();
    assert_eq!(err.diagnostics.len(), 1, "{err}");
    let d = &err.diagnostics[0];
    assert_eq!(d.code, "E0201", "{err}");
    let bad = err.source.find("a + \"seven\"").unwrap();
    assert!(
        d.span.lo as usize >= bad && d.span.hi as usize <= bad + 11,
        "{err}"
    );
    assert!(excerpt(&err).contains("a + \"seven\""), "{}", excerpt(&err));
}

#[test]
fn a_syntax_error_in_one_expression_is_reported_on_its_line() {
    let err = Engine::new()
        .compile_set("param a: i64;", &[("x", "a +"), ("y", "a")])
        .unwrap_err();
    let rendered = excerpt(&err);
    assert!(rendered.contains("a +"), "{rendered}");
    let line = err.source[..err.diagnostics[0].span.lo as usize]
        .lines()
        .count();
    assert_eq!(
        err.source.lines().nth(line - 1),
        Some("a + ;"),
        "{rendered}"
    );
    assert!(err.render().contains("in output `x`"), "{}", err.render());
}

#[test]
fn text_that_is_not_exactly_one_expression_is_rejected() {
    for bad in [
        "a; a + 1",
        "let b = a",
        "b = 2",
        "fn f() = 1",
        "param c: i64",
        "",
        "// only a comment",
        "when a > 1 { print(a); }",
    ] {
        let err = Engine::new()
            .compile_set("param a: i64;", &[("ok", "a"), ("bad", bad)])
            .expect_err(bad);
        assert!(
            err.diagnostics.iter().any(|d| d.code == "E0408"),
            "{bad:?}: {err}"
        );
        assert!(err.render().contains("`bad`"), "{bad:?}: {}", err.render());
    }
    // A line comment after the expression is fine.
    let s = set("param a: i64;", &[("x", "a * 3 // triple")]);
    assert_eq!(s.run("x", &[Value::I64(2)]).unwrap(), Some(Value::I64(6)));
}

#[test]
fn an_output_name_given_twice_is_rejected() {
    let err = Engine::new()
        .compile_set("param a: i64;", &[("x", "a"), ("y", "a"), ("x", "a + 1")])
        .unwrap_err();
    assert_eq!(err.diagnostics.len(), 1, "{err}");
    assert_eq!(err.diagnostics[0].code, "E0408");
    assert!(err.render().contains("`x` is named twice"), "{err}");
}

#[test]
fn a_set_needs_an_expression() {
    let err = Engine::new().compile_set("param a: i64;", &[]).unwrap_err();
    assert_eq!(err.diagnostics[0].code, "E0408");
}

#[test]
fn unused_shared_bindings_warn_against_the_set_source() {
    let s = set("param a: i64; let unused = a * 2;", &[("x", "a")]);
    assert_eq!(s.warnings().len(), 1);
    assert!(s.render(&s.warnings()[0]).contains("unused"));
}

#[test]
fn many_threads_run_one_set_at_once() {
    // `k` is a shared binding a shared function reads: it lives in each run's frame, so
    // concurrent runs cannot see each other's.
    let s = set(
        "param a: i64; param t: string; let k = a * 2; fn plus_k(x: i64) -> i64 = x + k;",
        &[
            ("sq", "a * a"),
            ("tag", "t + string(a)"),
            ("k3", "plus_k(a)"),
        ],
    );
    std::thread::scope(|scope| {
        for i in 0..8i64 {
            let s = s.clone();
            scope.spawn(move || {
                for a in 0..2000 {
                    let v = i * 100_000 + a;
                    let row = s.run_all(&[Value::I64(v), Value::Str("n".into())]).unwrap();
                    let want = [
                        Value::I64(v * v),
                        Value::Str(format!("n{v}")),
                        Value::I64(3 * v),
                    ];
                    assert_eq!(row, want);
                    let one = s.run("k3", &[Value::I64(v), Value::Str("n".into())]);
                    assert_eq!(one, Ok(Some(Value::I64(3 * v))));
                }
            });
        }
    });
}

#[test]
fn engine_options_apply_to_sets() {
    for opt_level in [0, 3] {
        for fp_math in [kiln::FpMath::Strict, kiln::FpMath::Fast] {
            let engine = Engine::with_options(kiln::EngineOptions {
                opt_level,
                fp_math,
                ..Default::default()
            });
            let s = engine
                .compile_set("param a: f64;", &[("h", "a / 2.0"), ("d", "a * 2.0")])
                .unwrap();
            assert_eq!(
                s.run_all(&[Value::F64(3.0)]).unwrap(),
                [Value::F64(1.5), Value::F64(6.0)]
            );
        }
    }
}
