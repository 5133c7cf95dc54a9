use super::*;

#[test]
fn a_program_compiles_and_runs_with_params() {
    let program = Engine::new()
        .compile("param a: i64; param b: i64; a * 10 + b")
        .unwrap();
    assert_eq!(program.params().len(), 2);
    assert_eq!(
        program.output_type(),
        Some(&Ty::Int(crate::types::ty::IntTy::I64))
    );
    let r = program.run(&[Value::I64(4), Value::I64(2)]).unwrap();
    assert_eq!(r, Some(Value::I64(42)));
}
