use super::*;
use crate::engine::{Engine, EngineOptions};

/// The optimised IR of `source` compiled by `engine`, with its checked program.
fn optimised(engine: &Engine, source: &str) -> (String, hir::Program) {
    let sigs = engine.host.signatures();
    let setup = crate::types::Setup {
        host: &sigs,
        outputs: 0,
    };
    let ast = crate::syntax::parse(source).expect("parses");
    let checked = crate::types::check_with(&ast, &setup).expect("checks");
    let ir =
        crate::driver::emit_ir(&checked.program, &engine.jit_options(false)).expect("compiles");
    (ir, checked.program)
}

/// The lines of `ir` that call something (not `llvm.` intrinsics).
fn calls(ir: &str) -> Vec<&str> {
    ir.lines()
        .filter(|l| l.contains(" call ") && !l.contains("@llvm."))
        .collect()
}

/// The body of `kiln_main` in `ir`.
fn main_body(ir: &str) -> &str {
    let start = ir.find("@kiln_main(").expect("kiln_main is defined");
    let len = ir[start..].find("\n}").expect("it ends");
    &ir[start..start + len]
}

#[repr(C)]
struct Row {
    a: f64,
    b: f64,
}

#[test]
fn an_inline_accessor_leaves_no_call_in_the_optimised_ir() {
    let mut engine = Engine::with_options(EngineOptions::default());
    engine
        .host()
        .register_inline_with_host::<Row, _>("b", &[], Ty::F64, |cx, _| {
            let c = cx.context();
            let at = c
                .i64_type()
                .const_int(std::mem::offset_of!(Row, b) as u64, false);
            let e = |e: inkwell::builder::BuilderError| e.to_string();
            // SAFETY (IR): the host value is a `Row`.
            let p = unsafe { cx.builder().build_gep(c.i8_type(), cx.host()?, &[at], "b") }
                .map_err(e)?;
            cx.builder().build_load(c.f64_type(), p, "b").map_err(e)
        });
    let (ir, _) = optimised(&engine, "param k: f64; b() * k + b()");
    assert!(calls(&ir).iter().all(|l| l.contains("@kiln_main")), "{ir}");
    assert!(ir.contains("load double"), "{ir}");
    let row = Row { a: 0.0, b: 3.0 };
    let p = engine.compile("param k: f64; b() * k + b()").unwrap();
    let r = p.run_with(&row, &[Value::F64(2.0)]).unwrap();
    assert_eq!((r, row.a), (Some(Value::F64(9.0)), 0.0));
}

#[test]
fn pure_calls_carry_no_context_and_merge_in_the_ir() {
    let mut engine = Engine::new();
    engine
        .host()
        .register("p", Purity::Pure, |x: f64| x + 1.0)
        .register("s", Purity::SideEffect, |x: f64| x + 1.0);
    let (ir, _) = optimised(&engine, "param a: f64; p(a) + p(a)");
    let host_calls: Vec<_> = calls(main_body(&ir))
        .into_iter()
        .filter(|l| l.contains("inttoptr"))
        .collect();
    assert_eq!(host_calls.len(), 1, "{ir}");
    assert!(host_calls[0].contains("(ptr null, "), "{ir}");
    let (ir, _) = optimised(&engine, "param a: f64; s(a) + s(a)");
    let host_calls = calls(main_body(&ir))
        .into_iter()
        .filter(|l| l.contains("inttoptr"))
        .count();
    assert_eq!(host_calls, 2, "{ir}");
}

#[test]
fn only_side_effecting_host_calls_make_a_function_fallible() {
    let mut engine = Engine::new();
    engine
        .host()
        .register("p", Purity::Pure, |x: i64| -> Result<i64, String> { Ok(x) })
        .register("s", Purity::SideEffect, |x: i64| x);
    let (_, program) = optimised(
        &engine,
        "fn uses_p(x: i64) = p(x) + 1; fn uses_s(x: i64) = s(x); uses_p(1) + uses_s(2)",
    );
    let impls = engine.host.impls();
    assert_eq!(
        crate::codegen::fallible_functions_with(&program, &impls, crate::codegen::Overflow::Wrap),
        [false, true]
    );
    // Without knowing the host functions, every call may fail.
    assert_eq!(crate::codegen::fallible_functions(&program), [true, true]);
}

#[test]
fn used_keeps_only_called_functions_with_their_first_call() {
    let mut engine = Engine::new();
    engine
        .host()
        .register("unused", Purity::Pure, |x: i64| x)
        .register("f", Purity::Pure, |x: i64| x);
    let (_, program) = optimised(&engine, "fn g(n: i64) = f(n); f(1) + g(2) + f(3)");
    let used = engine.host.used_by(&program);
    assert_eq!(used.fns.len(), 1);
    assert_eq!(used.fns[0].func, 1);
    assert_eq!(used.fns[0].first_call, Span { lo: 15, hi: 19 });
    assert!(used.pure_native);
}

#[test]
fn pending_failures_nest_with_runs() {
    tramp::begin();
    tramp::begin();
    assert_eq!(tramp::end(), None);
    assert_eq!(tramp::end(), None);
    assert_eq!(tramp::end(), None, "an unmatched end is harmless");
}

#[test]
fn host_calls_run_on_both_jit_engines() {
    let mut engine = Engine::new();
    engine
        .host()
        .register("p", Purity::Pure, |x: i64| x * 3)
        .register("s", Purity::SideEffect, |x: i64| {
            if x < 0 {
                Err("negative")
            } else {
                Ok(x + 1)
            }
        })
        .register("t", Purity::Pure, |s: String| format!("<{s}>"));
    let (_, program) = optimised(&engine, "param x: i64; t(string(p(x) + s(x)))");
    for jit in [crate::jit::JitEngine::Orc, crate::jit::JitEngine::Mcjit] {
        let compiled =
            crate::driver::compile_with(&program, &engine.jit_options(false), jit).unwrap();
        assert_eq!(
            compiled.run(&[Value::I64(2)]).unwrap(),
            Some(Value::Str("<9>".into()))
        );
        let e = compiled.run(&[Value::I64(-2)]).unwrap_err();
        assert_eq!(e.fault, Fault::HostError);
        assert_eq!(e.message, "host function `s` failed: negative");
        assert_eq!(e.span, Span { lo: 30, hi: 34 }, "`s(x)`");
    }
}
