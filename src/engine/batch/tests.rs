use super::*;
use crate::jit;

/// The body of function `name` in a module's IR text.
fn function_ir<'a>(ir: &'a str, name: &str) -> &'a str {
    let start = ir
        .find(&format!("@{name}("))
        .unwrap_or_else(|| panic!("no function {name} in\n{ir}"));
    let body = &ir[start..];
    &body[..body.find("\n}\n").unwrap_or(body.len())]
}

#[test]
fn the_all_entry_computes_a_shared_division_once() {
    let ir = Engine::new()
        .set_ir(
            "param a: f64; param b: f64;",
            &[("x", "a / b + 1.0"), ("y", "(a / b) * 2.0")],
        )
        .unwrap();
    let all = function_ir(&ir, crate::codegen::SET_ALL_SYMBOL);
    assert_eq!(all.matches("fdiv").count(), 1, "{all}");
    // The top level lives on only in the two entries it was inlined into.
    assert!(!ir.contains("@kiln.set.main("), "{ir}");
}

#[test]
fn a_shared_function_call_is_computed_once_for_two_outputs() {
    let ir = Engine::new()
        .set_ir(
            "param a: f64; param b: f64; fn h(x: f64, y: f64) = sqrt(x * x + y * y);",
            &[("d", "h(a, b)"), ("d2", "h(a, b) * 2.0")],
        )
        .unwrap();
    let all = function_ir(&ir, crate::codegen::SET_ALL_SYMBOL);
    assert_eq!(all.matches("sqrt").count(), 1, "{all}");
}

#[test]
fn outputs_are_locals_of_main_and_main_has_no_result() {
    let ast = crate::syntax::parse("param a: i64; let b = a + 1; b * 2; b > 3").unwrap();
    let setup = types::Setup {
        host: &[],
        outputs: 2,
    };
    let checked = types::check_with(&ast, &setup).unwrap();
    let p = &checked.program;
    assert!(p.main.ret.is_none());
    let tys: Vec<String> = p.outputs.iter().map(|o| o.ty.to_string()).collect();
    assert_eq!(tys, ["i64", "bool"]);
    assert_ne!(p.outputs[0].local, p.outputs[1].local);
    assert!(checked.warnings.is_empty(), "{:?}", checked.warnings);
}

#[test]
fn a_statement_in_an_output_position_is_e0408() {
    let ast = crate::syntax::parse("param a: i64; a + 1; let c = a;").unwrap();
    let setup = types::Setup {
        host: &[],
        outputs: 2,
    };
    let diags = types::check_with(&ast, &setup).unwrap_err();
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].code, "E0408");
}

#[test]
fn a_set_is_send_sync_and_cheap_to_clone() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<ProgramSet>();
}

#[test]
fn both_jit_engines_at_every_level_run_a_set_alike() {
    let engine = Engine::new();
    let exprs = [
        ("q", "a / b"),
        ("s", "t + string(a)"),
        ("odd", "a % 2 == 1"),
    ];
    let (_, checked) = engine
        .check_set("param a: i64; param b: i64; param t: string;", &exprs)
        .unwrap();
    let inputs = [Value::I64(7), Value::I64(2), Value::Str("n".into())];
    let faulty = [Value::I64(7), Value::I64(0), Value::Str("n".into())];
    for jit_engine in [jit::JitEngine::Orc, jit::JitEngine::Mcjit] {
        for level in 0..=3 {
            let options = crate::driver::Options::at_level(level);
            let compiled =
                crate::driver::compile_with(&checked.program, &options, jit_engine).unwrap();
            let mut ctx = RunCtx::new();
            let row = compiled.run_set_in(&mut ctx, &inputs, None).unwrap();
            let want = [Value::I64(3), Value::Str("n7".into()), Value::Bool(true)];
            assert_eq!(row, want, "{jit_engine:?} O{level}");
            for (k, v) in want.iter().enumerate() {
                let one = compiled.run_set_in(&mut ctx, &inputs, Some(k)).unwrap();
                assert_eq!(
                    one.as_slice(),
                    std::slice::from_ref(v),
                    "{jit_engine:?} O{level} output {k}"
                );
            }
            let err = compiled.run_set_in(&mut ctx, &faulty, None).unwrap_err();
            assert_eq!(err.code(), "E0601");
            let one = compiled.run_set_in(&mut ctx, &faulty, Some(1)).unwrap();
            assert_eq!(one, [Value::Str("n7".into())]);
            let err = compiled.run_set_in(&mut ctx, &inputs, Some(3)).unwrap_err();
            assert_eq!(err.code(), "E0605");
            // The uniform entry runs everything and has no result.
            assert_eq!(compiled.run(&inputs).unwrap(), None);
            assert_eq!(compiled.run(&faulty).unwrap_err().code(), "E0601");
        }
    }
}

#[test]
fn an_ordinary_program_is_not_run_as_a_set() {
    let compiled = crate::compile_source("param a: i64; a", &crate::driver::Options::default())
        .unwrap()
        .0;
    let err = compiled
        .run_set_in(&mut RunCtx::new(), &[Value::I64(1)], None)
        .unwrap_err();
    assert_eq!(err.code(), "E0605");
    assert!(compiled.output_types().is_empty());
}
