use super::*;
use crate::value::Value;

fn program(src: &str) -> hir::Program {
    match crate::check_source(src) {
        Ok(checked) => checked.program,
        Err(diags) => panic!("{src}: {diags:?}"),
    }
}

#[test]
fn an_object_loads_and_runs_like_a_compiled_program() {
    let src = "param n: i64;\nfn f(k: i64) -> i64 = if(k < 2, k, f(k - 1) + f(k - 2));\nf(n)";
    let p = program(src);
    let code = compile_object(&p, &Options::default(), "ktestround").unwrap();
    assert_eq!(code.suffix, "ktestround");
    let loaded = load_object(&p, &code).unwrap();
    assert!(loaded.needs_stack_guard());
    assert_eq!(loaded.spans(), code.spans.as_slice());
    assert_eq!(
        loaded.run(&[Value::I64(20)]).unwrap(),
        Some(Value::I64(6765))
    );
    // The bytes alone are enough: a copy loads once the first is gone.
    drop(loaded);
    let copy = ObjectCode {
        object: code.object.clone(),
        ..code
    };
    let again = load_object(&p, &copy).unwrap();
    assert_eq!(again.run(&[Value::I64(10)]).unwrap(), Some(Value::I64(55)));
}

#[test]
fn a_fault_in_a_loaded_object_points_at_its_span() {
    let src = "param d: i64;\n10 / d";
    let p = program(src);
    let code = compile_object(&p, &Options::default(), "ktestfault").unwrap();
    let loaded = load_object(&p, &code).unwrap();
    let err = loaded.run(&[Value::I64(0)]).unwrap_err();
    assert_eq!(err.fault, crate::abi::Fault::DivByZero);
    assert_eq!(&src[err.span.lo as usize..err.span.hi as usize], "10 / d");
}

#[test]
fn one_suffix_is_loaded_at_most_once_at_a_time() {
    let p = program("1 + 2");
    let code = compile_object(&p, &Options::default(), "ktestonce").unwrap();
    let first = load_object(&p, &code).unwrap();
    let err = load_object(&p, &code)
        .err()
        .expect("a second load is refused");
    assert!(err.0.contains("already loaded"), "{err}");
    // Making an object with a suffix in use is fine; loading it is what is refused.
    let twin = compile_object(&p, &Options::default(), "ktestonce").unwrap();
    assert!(load_object(&p, &twin).is_err());
    drop(first);
    let second = load_object(&p, &code).unwrap();
    assert_eq!(second.run(&[]).unwrap(), Some(Value::I64(3)));
}

#[test]
fn bad_suffixes_and_bad_objects_are_errors() {
    let p = program("1 + 2");
    for bad in ["", "7", "k-1", "k.1"] {
        assert!(
            compile_object(&p, &Options::default(), bad).is_err(),
            "{bad:?}"
        );
    }
    let code = compile_object(&p, &Options::default(), "ktestbad").unwrap();
    // Not an object at all.
    let garbage = ObjectCode {
        object: b"definitely not an object file".to_vec(),
        ..code.clone()
    };
    assert!(load_object(&p, &garbage).is_err());
    // A real object, but its names end in another suffix than it claims.
    let renamed = ObjectCode {
        suffix: "ktestother".to_owned(),
        ..code.clone()
    };
    assert!(load_object(&p, &renamed).is_err());
    // Both failures released the suffix: the genuine object still loads.
    assert!(load_object(&p, &code).is_ok());
}
