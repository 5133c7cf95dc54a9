//! Every runtime function's IR declaration, as codegen makes it, agrees with the Rust
//! function it calls: the row in `abi::RUNTIME_FUNCTIONS` is made from the function's type,
//! and this checks the result independently of how (from the Rust type's name and size).

use super::Cg;
use crate::abi::{self, RustTy};
use inkwell::context::Context;

/// The IR type a Rust parameter or return type must be declared as: raw pointers `ptr`,
/// floats `float`/`double`, `()` `void`, integers `iN` of their size.
fn ir_type(t: &RustTy) -> String {
    match t.name {
        "()" => "void".into(),
        "f32" => "float".into(),
        "f64" => "double".into(),
        name if name.starts_with('*') => {
            assert_eq!(t.size, std::mem::size_of::<usize>(), "{name}");
            "ptr".into()
        }
        name => {
            let int = ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64"];
            assert!(int.contains(&name), "{name} crosses the boundary");
            format!("i{}", t.size * 8)
        }
    }
}

#[test]
fn every_runtime_declaration_matches_its_rust_signature() {
    let program = crate::check_source("0").expect("a valid program").program;
    let cx = Context::create();
    let cg = Cg::new(&cx, &program, &[], super::Overflow::Wrap);
    assert!(!abi::RUNTIME_FUNCTIONS.is_empty());
    for (symbol, _, _) in abi::RUNTIME_FUNCTIONS {
        let declared = cg.rt(symbol).unwrap_or_else(|e| panic!("{symbol}: {e:?}"));
        let ty = declared.get_type();
        let ret = ty
            .get_return_type()
            .map_or_else(|| "void".to_owned(), |t| t.print_to_string().to_string());
        let params: Vec<String> = ty
            .get_param_types()
            .iter()
            .map(|t| t.print_to_string().to_string())
            .collect();
        let rust = abi::runtime_signature(symbol).unwrap_or_else(|| panic!("{symbol}"));
        let want: Vec<String> = rust.params.iter().map(ir_type).collect();
        assert_eq!(
            (ret, params),
            (ir_type(&rust.ret), want),
            "{symbol}: the IR declaration (left) differs from the Rust function {rust:?}"
        );
        assert!(abi::runtime_address(symbol).is_some(), "{symbol}");
    }
}
