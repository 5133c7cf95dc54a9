//! The deepest programs the parser accepts compile and run through the library on a
//! thread with a small stack (2 MiB, Rust's default for spawned threads): the compiler's
//! recursive passes find room whatever stack the host calls them on.

use kiln::{compile_source, Options, Value};

fn on_small_stack(src: String) -> Result<Option<Value>, String> {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || match compile_source(&src, &Options::default()) {
            Ok((compiled, _)) => compiled.run(&[]).map_err(|e| e.message),
            Err(d) => Err(format!("{}: {}", d[0].code, d[0].message)),
        })
        .expect("spawn")
        .join()
        .expect("the compiler must not overflow the caller's stack")
}

#[test]
fn a_chain_of_1000_additions() {
    let src = vec!["1"; 1000].join(" + ");
    assert_eq!(on_small_stack(src), Ok(Some(Value::I64(1000))));
}

#[test]
fn brackets_ifs_and_prefix_operators_250_deep() {
    let parens = format!("{}7{}", "(".repeat(250), ")".repeat(250));
    assert_eq!(on_small_stack(parens), Ok(Some(Value::I64(7))));
    let ifs = format!("{}1{}", "if(true, 1, ".repeat(250), ")".repeat(250));
    assert_eq!(on_small_stack(ifs), Ok(Some(Value::I64(1))));
    let negs = format!("{}5", "-".repeat(250));
    assert_eq!(on_small_stack(negs), Ok(Some(Value::I64(5))));
}

#[test]
fn deeper_than_the_parser_accepts_is_a_diagnostic() {
    let src = vec!["1"; 5000].join(" + ");
    let err = on_small_stack(src).unwrap_err();
    assert!(err.starts_with("E0010"), "{err}");
}
