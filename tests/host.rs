//! Host functions through the public API: overloads, purity, the host value, failures,
//! inline functions and captured state.

use kiln::abi::Fault;
use kiln::engine::{Engine, EngineOptions, Purity};
use kiln::span::Span;
use kiln::types::ty::Ty;
use kiln::{Program, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

fn f64s(xs: &[f64]) -> Vec<Value> {
    xs.iter().map(|&x| Value::F64(x)).collect()
}

/// The span of the first occurrence of `needle` in the program's source.
fn span_of(program: &Program, needle: &str) -> Span {
    let lo = program
        .source()
        .find(needle)
        .expect("the needle is in the source");
    Span {
        lo: lo as u32,
        hi: (lo + needle.len()) as u32,
    }
}

/// The errors of a program that must not compile (`Program` is not `Debug`).
fn compile_err(engine: &Engine, source: &str) -> kiln::CompileError {
    match engine.compile(source) {
        Ok(_) => panic!("`{source}` compiled"),
        Err(e) => e,
    }
}

/// A counter and a function `f64 -> f64` that counts its calls.
fn counting() -> (
    Arc<AtomicUsize>,
    impl Fn(f64) -> f64 + Send + Sync + 'static,
) {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    (calls, move |x: f64| {
        c.fetch_add(1, Ordering::SeqCst);
        x * 10.0
    })
}

#[test]
fn overloads_resolve_by_argument_type_like_user_functions() {
    let mut engine = Engine::new();
    engine
        .host()
        .register("kind", Purity::Pure, |_: i64| 1i64)
        .register("kind", Purity::Pure, |_: f64| 2i64)
        .register("kind", Purity::Pure, |_: bool| 3i64);
    let p = engine
        .compile("param x: f32; kind(1) * 100 + kind(1.5) * 10 + kind(true) + kind(x) * 1000")
        .unwrap();
    // `f32` widens to `f64`; literals take their default types.
    assert_eq!(p.run(&[Value::F32(0.5)]).unwrap(), Some(Value::I64(2123)));

    // Mixed with user functions and built-ins, inside user functions too.
    let p = engine
        .compile("fn twice(n: i64) = kind(n) * 2; twice(7) + i64(abs(f64(kind(-2.5))))")
        .unwrap();
    assert_eq!(p.run(&[]).unwrap(), Some(Value::I64(4)));
}

#[test]
fn an_ambiguous_call_is_e0302_and_an_unknown_name_suggests_a_host_function() {
    let mut engine = Engine::new();
    engine
        .host()
        .register("scale", Purity::Pure, |x: i32| x)
        .register("scale", Purity::Pure, |x: i64| x)
        .register("lookup_price", Purity::Pure, |x: i64| x as f64);
    // An i16 widens to both i32 and i64 equally well.
    let e = compile_err(&engine, "param v: i16; scale(v)");
    assert_eq!(e.diagnostics[0].code, "E0302", "{}", e.render());
    assert!(e.diagnostics[0]
        .notes
        .iter()
        .any(|n| n.contains("scale(i32) -> i32")));

    let e = compile_err(&engine, "lookup_prise(3)");
    assert_eq!(e.diagnostics[0].code, "E0102");
    assert_eq!(
        e.diagnostics[0].help.as_deref(),
        Some("did you mean `lookup_price`?")
    );
    // Wrong argument types: E0301 lists the host candidate.
    let e = compile_err(&engine, "lookup_price(\"a\")");
    assert_eq!(e.diagnostics[0].code, "E0301");
}

#[test]
fn a_host_function_replaces_the_builtin_overload_with_its_parameter_types() {
    let mut engine = Engine::new();
    engine
        .host()
        .register("log", Purity::SideEffect, |x: f64| x + 0.5);
    let p = engine.compile("log(1.0) + f64(log(1.0f32))").unwrap();
    // The host's `log(f64)`; the built-in `log(f32)` (ln 1 = 0) stays.
    assert_eq!(p.run(&[]).unwrap(), Some(Value::F64(1.5)));
}

#[test]
fn registering_the_same_signature_again_replaces_the_function() {
    let mut engine = Engine::new();
    engine.host().register("v", Purity::Pure, || 1i64);
    let old = engine.compile("v()").unwrap();
    engine.host().register("v", Purity::Pure, || 2i64);
    assert_eq!(engine.host().names().count(), 1);
    assert_eq!(
        engine.compile("v()").unwrap().run(&[]).unwrap(),
        Some(Value::I64(2))
    );
    // A program compiled before keeps the function it was compiled with.
    assert_eq!(old.run(&[]).unwrap(), Some(Value::I64(1)));
}

#[test]
fn pure_calls_with_equal_arguments_are_merged_side_effecting_ones_are_not() {
    let source = "param a: f64; g(a) + g(a)";
    let (calls, g) = counting();
    let mut engine = Engine::new();
    engine.host().register("g", Purity::Pure, g);
    let p = engine.compile(source).unwrap();
    assert_eq!(p.run(&f64s(&[2.0])).unwrap(), Some(Value::F64(40.0)));
    assert_eq!(calls.load(Ordering::SeqCst), 1, "one call per run at -O2");
    p.run(&f64s(&[3.0])).unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    let (calls, g) = counting();
    let mut engine = Engine::new();
    engine.host().register("g", Purity::SideEffect, g);
    let p = engine.compile(source).unwrap();
    assert_eq!(p.run(&f64s(&[2.0])).unwrap(), Some(Value::F64(40.0)));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[test]
fn a_pure_call_in_an_untaken_branch_is_not_made() {
    let (calls, g) = counting();
    let mut engine = Engine::new();
    engine.host().register("g", Purity::Pure, g);
    let p = engine
        .compile("param c: bool; param a: f64; if(c, g(a), 0.5)")
        .unwrap();
    let args = |c| vec![Value::Bool(c), Value::F64(1.0)];
    assert_eq!(p.run(&args(false)).unwrap(), Some(Value::F64(0.5)));
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    assert_eq!(p.run(&args(true)).unwrap(), Some(Value::F64(10.0)));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

struct Row {
    id: i64,
    weight: f64,
}

#[test]
fn the_host_value_reaches_functions_that_ask_for_it() {
    let mut engine = Engine::new();
    engine
        .host()
        .register_with_host("row_id", Purity::Pure, |r: &Row| r.id)
        .register_with_host("weighted", Purity::SideEffect, |r: &Row, x: f64| {
            r.weight * x
        });
    let p = engine
        .compile("param x: f64; f64(row_id()) + weighted(x)")
        .unwrap();
    for (id, weight) in [(1, 0.5), (40, 2.0)] {
        let row = Row { id, weight };
        assert_eq!(
            p.run_with(&row, &f64s(&[4.0])).unwrap(),
            Some(Value::F64(id as f64 + weight * 4.0))
        );
    }
}

#[test]
fn a_missing_or_mistyped_host_value_is_e0605_before_anything_runs() {
    let (calls, log) = counting();
    let mut engine = Engine::new();
    engine
        .host()
        .register("log", Purity::SideEffect, log)
        .register_with_host("row_id", Purity::Pure, |r: &Row| r.id);
    let p = engine.compile("log(1.0); row_id()").unwrap();

    let e = p.run(&[]).unwrap_err();
    assert_eq!((e.fault, e.code()), (Fault::InvalidInput, "E0605"));
    assert!(
        e.message.contains("row_id") && e.message.contains("Row"),
        "{e}"
    );
    assert_eq!(e.span, span_of(&p, "row_id()"));

    let e = p.run_with(&"a string", &[]).unwrap_err();
    assert_eq!(e.code(), "E0605");
    assert!(
        e.message.contains("Row") && e.message.contains("&str"),
        "{e}"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 0, "nothing ran");

    // A program that calls no such function runs without a host value.
    assert_eq!(
        engine.compile("log(2.0)").unwrap().run(&[]).unwrap(),
        Some(Value::F64(20.0))
    );
}

fn failing_engine(purity: Purity) -> Engine {
    let mut engine = Engine::new();
    engine
        .host()
        .register(
            "check",
            purity,
            |x: i64| {
                if x < 0 {
                    Err("bad")
                } else {
                    Ok(x + 1)
                }
            },
        )
        .register("boom", purity, |x: i64| -> i64 {
            if x == 13 {
                panic!("unlucky {x}");
            }
            x
        });
    engine
}

#[test]
fn a_side_effecting_failure_is_e0610_at_the_call_and_the_program_stays_usable() {
    let engine = failing_engine(Purity::SideEffect);
    let p = engine
        .compile("param x: i64; let a = check(x * 2); let b = check(x); a + b")
        .unwrap();
    assert_eq!(p.run(&[Value::I64(1)]).unwrap(), Some(Value::I64(5)));
    let e = p.run(&[Value::I64(-1)]).unwrap_err();
    assert_eq!((e.fault, e.code()), (Fault::HostError, "E0610"));
    assert_eq!(e.message, "host function `check` failed: bad");
    assert_eq!(e.span, span_of(&p, "check(x * 2)"));
    assert_eq!(p.run(&[Value::I64(2)]).unwrap(), Some(Value::I64(8)));

    let p = engine.compile("param x: i64; boom(x) + 1").unwrap();
    let e = p.run(&[Value::I64(13)]).unwrap_err();
    assert_eq!(e.code(), "E0610");
    assert_eq!(e.message, "host function `boom` panicked: unlucky 13");
    assert_eq!(e.span, span_of(&p, "boom(x)"));
    assert_eq!(p.run(&[Value::I64(1)]).unwrap(), Some(Value::I64(2)));
}

#[test]
fn a_pure_failure_is_e0610_at_the_first_call_and_the_program_stays_usable() {
    let engine = failing_engine(Purity::Pure);
    let p = engine
        .compile("param x: i64; fn f(n: i64) = check(n) * 2; f(x) + check(x - 10)")
        .unwrap();
    assert_eq!(p.run(&[Value::I64(20)]).unwrap(), Some(Value::I64(53)));
    let e = p.run(&[Value::I64(5)]).unwrap_err();
    assert_eq!((e.fault, e.code()), (Fault::HostError, "E0610"));
    assert_eq!(e.message, "host function `check` failed: bad");
    assert_eq!(e.span, span_of(&p, "check(n)"));

    let p = engine.compile("param x: i64; boom(x) * 2").unwrap();
    let e = p.run(&[Value::I64(13)]).unwrap_err();
    assert_eq!(e.message, "host function `boom` panicked: unlucky 13");
    assert_eq!(p.run(&[Value::I64(4)]).unwrap(), Some(Value::I64(8)));
    assert_eq!(p.run(&[Value::I64(6)]).unwrap(), Some(Value::I64(12)));
}

#[test]
fn after_a_pure_failure_no_further_side_effect_happens() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut engine = failing_engine(Purity::Pure);
    let l = log.clone();
    engine
        .host()
        .register("log", Purity::SideEffect, move |x: i64| {
            l.lock().unwrap().push(x);
            x
        });
    let p = engine
        .compile("param x: i64; log(1); let c = check(x); log(c); c")
        .unwrap();
    let e = p.run(&[Value::I64(-3)]).unwrap_err();
    assert_eq!(e.message, "host function `check` failed: bad");
    assert_eq!(*log.lock().unwrap(), [1]);
}

#[test]
fn closures_keep_their_state_across_calls_and_runs() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut engine = Engine::new();
    let s = seen.clone();
    engine
        .host()
        .register("log", Purity::SideEffect, move |x: f64| {
            s.lock().unwrap().push(x);
            x
        });
    let p = engine
        .compile("param a: f64; log(a); log(a); log(a + 1)")
        .unwrap();
    drop(engine);
    p.run(&f64s(&[1.0])).unwrap();
    p.run(&f64s(&[5.0])).unwrap();
    assert_eq!(*seen.lock().unwrap(), [1.0, 1.0, 2.0, 5.0, 5.0, 6.0]);
}

#[repr(C)]
struct Point {
    x: f64,
    y: f64,
}

fn inline_engine(opt_level: u8) -> Engine {
    let mut engine = Engine::with_options(EngineOptions {
        opt_level,
        ..EngineOptions::default()
    });
    for (name, offset) in [
        ("x", std::mem::offset_of!(Point, x)),
        ("y", std::mem::offset_of!(Point, y)),
    ] {
        engine
            .host()
            .register_inline_with_host::<Point, _>(name, &[], Ty::F64, move |cx, _| {
                let c = cx.context();
                let b = cx.builder();
                let err = |e: inkwell::builder::BuilderError| e.to_string();
                let at = c.i64_type().const_int(offset as u64, false);
                // SAFETY (IR): the host value is a `Point`.
                let field =
                    unsafe { b.build_gep(c.i8_type(), cx.host()?, &[at], name) }.map_err(err)?;
                b.build_load(c.f64_type(), field, name).map_err(err)
            });
    }
    engine
}

#[test]
fn inline_accessors_read_the_host_value() {
    for level in [0, 2] {
        let p = inline_engine(level)
            .compile("param k: f64; x() * k + y()")
            .unwrap();
        for (x, y) in [(1.0, 2.0), (-3.0, 0.25)] {
            let point = Point { x, y };
            assert_eq!(
                p.run_with(&point, &f64s(&[10.0])).unwrap(),
                Some(Value::F64(x * 10.0 + y))
            );
        }
        assert_eq!(p.run(&f64s(&[1.0])).unwrap_err().code(), "E0605");
    }
}

#[test]
fn an_inline_emitter_error_is_an_internal_error_naming_the_function() {
    let mut engine = Engine::new();
    engine
        .host()
        .register_inline("nope", &[Ty::I64], Ty::I64, |_, _| {
            Err("cannot emit this".to_owned())
        })
        .register_inline("peek", &[], Ty::I64, |cx, _| cx.host().map(|p| p.into()))
        .register_inline("wrong", &[], Ty::I64, |cx, _| {
            Ok(cx.context().f64_type().const_float(1.0).into())
        })
        .register_inline("panics", &[], Ty::I64, |_, _| panic!("oops"));
    let e = compile_err(&engine, "nope(1)");
    assert_eq!(e.diagnostics[0].code, "E0999");
    assert!(e.diagnostics[0]
        .message
        .contains("`nope`: cannot emit this"));
    // Reading the host value needs a host type, which makes runs checked.
    let e = compile_err(&engine, "peek()");
    assert!(e.diagnostics[0]
        .message
        .contains("registered without a host type"));
    let e = compile_err(&engine, "wrong()");
    assert!(
        e.diagnostics[0]
            .message
            .contains("`wrong` returned a double value for its result type i64"),
        "{e}"
    );
    let e = compile_err(&engine, "panics() + 1");
    assert_eq!(e.diagnostics[0].code, "E0999");
    assert!(
        e.diagnostics[0]
            .message
            .contains("`panics`: the emitter panicked"),
        "{e}"
    );
    // The engine still compiles programs afterwards.
    assert!(engine.compile("1 + 1").is_ok());
}

#[test]
fn many_threads_run_a_program_with_host_functions_at_once() {
    let total = Arc::new(AtomicUsize::new(0));
    let mut engine = Engine::new();
    let t = total.clone();
    engine
        .host()
        .register("add", Purity::SideEffect, move |x: i64| {
            t.fetch_add(x as usize, Ordering::SeqCst);
            x
        })
        .register_with_host("row_id", Purity::Pure, |r: &Row| r.id);
    let p = engine.compile("param x: i64; add(x) + row_id()").unwrap();
    std::thread::scope(|s| {
        for i in 0..4 {
            let p = p.clone();
            s.spawn(move || {
                for j in 0..50 {
                    let row = Row { id: i, weight: 0.0 };
                    let r = p.run_with(&row, &[Value::I64(j)]).unwrap();
                    assert_eq!(r, Some(Value::I64(i + j)));
                }
            });
        }
    });
    assert_eq!(total.load(Ordering::SeqCst), 4 * (0..50).sum::<usize>());
}

#[test]
fn strings_cross_in_both_directions() {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let mut engine = Engine::new();
    engine
        .host()
        .register("greet", Purity::Pure, move |name: String, n: i64| {
            c.fetch_add(1, Ordering::SeqCst);
            format!("{name}!").repeat(n as usize)
        })
        .register("shout", Purity::SideEffect, |s: String| s.to_uppercase())
        .register("chars", Purity::Pure, |s: String| s.chars().count() as i64);
    let p = engine
        .compile(
            "param who: string; let g = greet(who, 2); shout(g) + greet(who, 2) + string(chars(g))",
        )
        .unwrap();
    let r = p.run(&[Value::Str("zoë".into())]).unwrap();
    assert_eq!(r, Some(Value::Str("ZOË!ZOË!zoë!zoë!8".into())));
    assert_eq!(calls.load(Ordering::SeqCst), 1, "equal pure calls merge");
    // Strings made by the program (in the run's memory) and literals.
    let p = engine
        .compile(r#"join(split(shout("a,b"), ","), greet("-", 1))"#)
        .unwrap();
    assert_eq!(p.run(&[]).unwrap(), Some(Value::Str("A-!B".into())));
}
