//! Checker tests, driven from source text through the real parser.

use super::hir::{self, ExprKind};
use super::ty::Ty;
use crate::diag::Diagnostic;
use crate::span::Span;

fn check(src: &str) -> Result<hir::Program, Vec<Diagnostic>> {
    let ast = crate::syntax::parse(src).unwrap_or_else(|d| panic!("parse failed: {d:?}"));
    super::check(&ast).map(|c| c.program)
}

fn ok(src: &str) -> hir::Program {
    check(src).unwrap_or_else(|d| panic!("unexpected errors for {src:?}: {d:#?}"))
}

/// The type of the program's result.
fn ty(src: &str) -> String {
    ok(src).main.ret.expect("a result").to_string()
}

fn errs(src: &str) -> Vec<Diagnostic> {
    match check(src) {
        Ok(_) => panic!("expected errors for {src:?}"),
        Err(d) => d,
    }
}

fn codes(src: &str) -> Vec<&'static str> {
    errs(src).iter().map(|d| d.code).collect()
}

/// Exactly one error, with this code; returns it.
fn one(src: &str, code: &str) -> Diagnostic {
    let d = errs(src);
    assert_eq!(d.len(), 1, "expected one error for {src:?}, got {d:#?}");
    assert_eq!(d[0].code, code, "{src:?}: {:#?}", d[0]);
    d.into_iter().next().unwrap()
}

fn result(src: &str) -> hir::Expr {
    *ok(src).main.body.value.expect("a result")
}

#[test]
fn literal_defaults_are_i64_and_f64() {
    assert_eq!(ty("1"), "i64");
    assert_eq!(ty("1.5"), "f64");
    assert_eq!(ty("1 + 2.5"), "f64");
    assert_eq!(ty("-7"), "i64");
    assert_eq!(ty("if(true, 1, 2)"), "i64");
    assert_eq!(ty("[1, 2]"), "[i64]");
}

#[test]
fn literals_take_the_type_of_the_other_operand() {
    assert_eq!(ty("let x: u8 = 200; x + 1"), "u8");
    assert_eq!(ty("let x: f32 = 1.5; x * 2"), "f32");
    assert_eq!(ty("let x: i16 = 1; 3 * (x - 2) + -4"), "i16");
    assert_eq!(ty("let x: u8 = 1; if(true, x, 7)"), "u8");
    assert_eq!(ty("let x: u8 = 1; switch(false, 1, true, x, 3)"), "u8");
    assert_eq!(ty("let xs: [u8] = [1, 2, 3]; xs"), "[u8]");
    // The literal's value is stored at its settled width.
    let e = result("let x: u8 = 1; x + 255");
    let ExprKind::Binary { rhs, .. } = e.kind else {
        panic!()
    };
    assert!(matches!(rhs.kind, ExprKind::Int(255)));
}

#[test]
fn literal_out_of_range_has_no_fallback() {
    let d = one("let x: u8 = 1; x + 300", "E0203");
    assert!(
        d.message.contains("300") && d.message.contains("u8"),
        "{}",
        d.message
    );
    one("128i8", "E0203");
    one("let a: u8 = -1; a", "E0203");
    one("let xs: [u8] = [1, 2, 300]; xs", "E0203");
    one("1e39f32", "E0203");
    one("1e400", "E0203");
    one("99999999999999999999", "E0203");
}

#[test]
fn negative_literals_negate_before_the_range_check() {
    assert_eq!(ty("-128i8"), "i8");
    assert_eq!(ty("let a: i8 = -128; a"), "i8");
    assert_eq!(ty("-9223372036854775808"), "i64");
    let e = result("-128i8");
    assert!(matches!(e.kind, ExprKind::Int(0x80)), "{e:?}");
}

#[test]
fn hex_binary_and_suffixes() {
    assert!(matches!(result("0x1f32").kind, ExprKind::Int(7986)));
    assert_eq!(ty("0x1fu32"), "u32");
    assert!(matches!(result("0b1010").kind, ExprKind::Int(10)));
    assert_eq!(ty("3f32"), "f32");
    assert_eq!(ty("18446744073709551615u64"), "u64");
}

#[test]
fn lossless_widening_is_implicit_and_explicit_in_hir() {
    assert_eq!(ty("let a: i32 = 5; let b: i64 = 7; a + b"), "i64");
    assert_eq!(ty("let a: u8 = 5; let b: i16 = 7; a + b"), "i16");
    assert_eq!(ty("let a: u32 = 5; let b: f64 = 7.0; a * b"), "f64");
    assert_eq!(ty("let a: i16 = 5; let b: f32 = 7.0; a * b"), "f32");
    assert_eq!(ty("let a: f32 = 5.0; let b: f64 = 7.0; a - b"), "f64");
    assert_eq!(ty("let a: i32 = 5; let b: i64 = a; b"), "i64");
    let e = result("let a: i32 = 5; let b: i64 = 7; a + b");
    let ExprKind::Binary { lhs, .. } = e.kind else {
        panic!()
    };
    assert!(matches!(lhs.kind, ExprKind::Cast(_)) && lhs.ty == Ty::I64);
}

#[test]
fn lossy_mixes_are_errors_with_a_cast_hint() {
    let d = one("let a: i64 = 1; let b: u64 = 2; a + b", "E0202");
    assert!(d.help.as_deref().unwrap_or("").contains("(...)"), "{d:?}");
    one("let a: i8 = 1; let b: u8 = 2; a + b", "E0202");
    one("let a: u16 = 1; let b: i16 = 2; a + b", "E0202");
    one("let a: i32 = 1; let b: f32 = 2.0; a + b", "E0202");
    let d = one("let a: i64 = 1; a * 1.5", "E0202");
    assert!(d.help.as_deref().unwrap_or("").contains("f64("), "{d:?}");
    // A float literal where only an integer can go.
    let d = one("let a: i64 = 1.5; a", "E0209");
    assert!(d.help.as_deref().unwrap_or("").contains("f64("), "{d:?}");
    one("let a: i64 = 1; let b: i32 = a; b", "E0202");
}

#[test]
fn operators_per_type() {
    one("true < false", "E0204");
    assert_eq!(ty("true == false"), "bool");
    one("~1.5", "E0204");
    one("-\"a\"", "E0204");
    one("\"a\" < 3", "E0201");
    assert_eq!(ty("\"a\" < \"b\""), "bool");
    assert_eq!(ty("\"a\" + \"b\""), "string");
    one("\"a\" - \"b\"", "E0204");
    one("1.5 & 2", "E0204");
    one("1 and true", "E0205");
    one("not 1", "E0204");
    assert_eq!(ty("let x: u8 = 1; x << 9"), "u8");
    assert_eq!(ty("let x: u8 = 1; let n: i64 = 3; x >> n"), "u8");
    assert_eq!(ty("~0"), "i64");
    assert_eq!(ty("let x: u8 = 3; -x"), "u8");
}

/// Boolean masks (LANGUAGE.md "Boolean masks (v1)"): `& | ^` on bool and element-wise on
/// `[bool]`, `not` element-wise; `and`/`or` stay scalar.
#[test]
fn masks_combine_with_bitwise_operators() {
    for src in ["true & false", "true | false", "true ^ false"] {
        assert_eq!(ty(src), "bool", "{src}");
    }
    for src in [
        "[true] & [false]",
        "[true, false] | true",
        "false ^ [true]",
        "let xs = [1.0, 2.0]; (xs > 0.5) & (xs < 1.5)",
        "not [true, false]",
        "![true]",
        "let xs = [1, 2]; not (xs > 1) | (xs == 2)",
    ] {
        assert_eq!(ty(src), "[bool]", "{src}");
    }
    // Element by element, the bitwise operators take masks only.
    let d = one("[1, 2] & [3, 4]", "E0204");
    assert!(d.help.as_deref().unwrap_or("").contains("[bool]"), "{d:?}");
    one("let xs: [u8] = [1u8]; xs ^ 1u8", "E0204");
    one("[1.5] | [2.5]", "E0204");
    one("[true] << 1", "E0204");
    one("true & 1", "E0201");
    one("not [1, 2]", "E0204");
    // `and`/`or` on a mask: one error that points at `&` / `|`.
    let d = one("let xs = [1, 2]; (xs > 1) and (xs < 2)", "E0205");
    assert!(d.help.as_deref().unwrap_or("").contains("use `&`"), "{d:?}");
    let d = one("let m = [true]; m or m", "E0205");
    assert!(d.help.as_deref().unwrap_or("").contains("use `|`"), "{d:?}");
    // `not xs` is one element-wise node (`xs ^ true`), fusable with its neighbours.
    let r = result("let m = [true]; not m");
    assert!(
        matches!(
            r.kind,
            hir::ExprKind::Builtin {
                op: hir::Builtin::Lib(hir::LibFn::Map(hir::BinOp::BitXor)),
                ..
            }
        ),
        "{r:?}"
    );
}

#[test]
fn conditions_and_branches() {
    one("if(1, 2, 3)", "E0205");
    one("if(true, 1, \"a\")", "E0206");
    one("if(true, 1)", "E0303");
    one("switch(true, 1)", "E0303");
    one("switch(1, 2, 3)", "E0205");
    one("switch(true, 1, false, \"x\", 3)", "E0206");
    one("x = 1; when x { x = 2 }", "E0205");
}

#[test]
fn overloads_rank_as_the_contract_says() {
    // f(1) with f(f32) and f(f64) calls f(f64).
    let p = ok("fn f(x: f32) -> string = \"f32\"; fn f(x: f64) -> string = \"f64\"; f(1)");
    let ExprKind::Call { func, .. } = p.main.body.value.unwrap().kind else {
        panic!()
    };
    assert_eq!(func, 1);
    // The literal's default type beats other integer types.
    let p = ok("fn g(x: i32) -> i64 = 1; fn g(x: i64) -> i64 = 2; g(5)");
    let ExprKind::Call { func, .. } = p.main.body.value.unwrap().kind else {
        panic!()
    };
    assert_eq!(func, 1);
    // Exact beats widening.
    let p = ok("fn h(x: i64) -> i64 = 1; fn h(x: i32) -> i64 = 2; let a: i32 = 1; h(a)");
    let ExprKind::Call { func, .. } = p.main.body.value.unwrap().kind else {
        panic!()
    };
    assert_eq!(func, 1);
    // Two other integer types the literal fits: a tie.
    let d = one(
        "fn g(x: i32) -> i32 = 1; fn g(x: u8) -> i32 = 2; g(1)",
        "E0302",
    );
    assert_eq!(d.notes.len(), 2, "{d:#?}");
    // Widening to two types: a tie.
    one(
        "fn k(x: i64) -> i64 = 1; fn k(x: f64) -> i64 = 2; let a: i32 = 1; k(a)",
        "E0302",
    );
    // No candidate: every candidate is listed with its reason.
    let d = one(
        "fn f(x: i32) -> i32 = x; fn f(x: bool) -> i32 = 1; f(\"s\")",
        "E0301",
    );
    assert_eq!(d.notes.len(), 2);
    assert!(
        d.notes.iter().all(|n| n.contains("argument 1")),
        "{:?}",
        d.notes
    );
    // The wrong number of arguments is E0303, with the definition as a secondary label.
    let d = one("fn f(x: i32) -> i32 = x; f(1, 2)", "E0303");
    assert_eq!(d.message, "`f` takes 1 argument, found 2");
    assert!(
        d.secondary.iter().any(|l| l.span == Span::new(3, 4)),
        "{d:?}"
    );
    // A literal that does not fit says so.
    let d = one("fn f(x: u8) -> u8 = x; f(256)", "E0301");
    assert!(
        d.notes[0].contains("256 does not fit in u8"),
        "{:?}",
        d.notes
    );
}

#[test]
fn builtins_are_generic_over_their_class() {
    assert_eq!(ty("sqrt(2)"), "f64");
    assert_eq!(ty("let x: f32 = 2.0; sqrt(x)"), "f32");
    assert_eq!(ty("let x: i32 = 2; sqrt(x)"), "f64");
    one("let x: i64 = 2; sqrt(x)", "E0301");
    assert_eq!(ty("let x: u8 = 2; max(x, 1)"), "u8");
    assert_eq!(ty("let x: u8 = 2; let y: u16 = 3; min(x, y)"), "u16");
    assert_eq!(ty("abs(-3)"), "i64");
    assert_eq!(ty("let x: f32 = 2.0; pow(x, 2)"), "f32");
    assert_eq!(ty("print(1)"), "i64");
    assert_eq!(ty("string(1.5)"), "string");
    assert_eq!(ty("i32(3.9)"), "i32");
    assert_eq!(ty("u64(18446744073709551615)"), "u64");
    assert_eq!(ty("i64(\"42\")"), "i64");
    assert_eq!(ty("f32(true)"), "f32");
    assert_eq!(ty("bool(\"true\")"), "bool");
    one("min(1, \"a\")", "E0301");
    one("nope(1)", "E0102");
}

#[test]
fn functions_recursion_and_inference() {
    assert_eq!(ty("fn twice(x: i64) = x * 2; twice(4)"), "i64");
    assert_eq!(ty("fn f(x: i64) { let y = x * 2; y + 1 } f(1)"), "i64");
    let d = one(
        "fn fact(n: i64) = if(n < 2, 1, n * fact(n - 1)); fact(5)",
        "E0402",
    );
    assert!(d.help.unwrap().contains("->"));
    assert_eq!(
        ty("fn fact(n: i64) -> i64 = if(n < 2, 1, n * fact(n - 1)); fact(5)"),
        "i64"
    );
    // Mutual recursion, and a call before the definition.
    assert_eq!(
        ty(
            "let r = is_even(10); fn is_even(n: i64) -> bool = if(n == 0, true, is_odd(n - 1)); \
            fn is_odd(n: i64) -> bool = if(n == 0, false, is_even(n - 1)); r"
        ),
        "bool"
    );
    one("fn f(x: i64) -> string = x; f(1)", "E0403");
    one("fn f(x: i64) -> i64 { when x > 0 { y = 1 } } f(1)", "E0404");
    one(
        "fn f(x: i64) -> i64 = x; fn f(y: i64) -> i64 = y; 1",
        "E0401",
    );
    one("fn f(x: i64, x: i64) -> i64 = x; 1", "E0405");
    // Overloads of a user function are fine.
    ok("fn f(x: i64) -> i64 = x; fn f(x: string) -> string = x; f(1)");
}

#[test]
fn bindings_scopes_and_mutability() {
    one("let x = 1; x = 2; x", "E0104");
    one("fn f(a: i64) { a = 2; a } f(1)", "E0104");
    let d = one("x = 1; x = \"a\"; x", "E0207");
    assert!(!d.secondary.is_empty());
    assert_eq!(ty("x = 1; let b: u8 = 2; x = b; x"), "i64");
    assert_eq!(
        ty("x = 0; when true { x = 5 } elif false { x = 6 } else { x = 7 } x"),
        "i64"
    );
    one("when true { y = 1 } y", "E0101");
    one("when true { let y = 1; } y", "E0101");
    assert_eq!(ty("let x = 1; let x = \"s\"; x"), "string");
    // fn bodies see earlier program-level lets (through a global), not mutable variables.
    let p = ok("let k = 3; fn f() -> i64 = k; f()");
    assert_eq!(p.globals.len(), 1);
    let d = one("m = 1; fn f() -> i64 = m; f()", "E0106");
    assert!(d.notes[0].contains("mutable"), "{d:?}");
    one("fn f() -> i64 = k; let k = 3; f()", "E0101");
    one(
        "fn g() -> i64 = f(); g(); let k = 1; fn f() -> i64 = k;",
        "E0105",
    );
    assert_eq!(ty("param a: f64; fn f(x: f64) -> f64 = x * a; f(2)"), "f64");
}

#[test]
fn constant_zero_divisors_are_compile_errors() {
    one("10 / 0", "E0501");
    one("10 % (2 - 2)", "E0501");
    one("let x: u8 = 7; x / (1 - 1)", "E0501");
    ok("10.0 / 0.0");
    ok("let z = 0; 10 / z");
    ok("fn z() -> i64 = 0; 10 / z()");
}

#[test]
fn lists_and_membership() {
    one("[]", "E0208");
    assert_eq!(ty("let e: [i64] = []; e"), "[i64]");
    assert_eq!(ty("let x: u8 = 2; x in [1, 2, 3]"), "bool");
    assert_eq!(ty("[1, 2, 3][0]"), "i64");
    assert_eq!(ty("let xs = [\"a\", \"b\"]; xs[1]"), "string");
    one("[1, \"a\"]", "E0201");
    one("\"abc\"[0]", "E0204");
    assert_eq!(ty("let i: u64 = 1; [1][i]"), "i64");
    // Found by fuzzing: `in` with a list item and an empty list needs a list of lists
    // (refused before v1, a `[[i64]]` since).
    assert_eq!(ty("[73] in []"), "bool");
    assert_eq!(ty("let xs: [i64] = [1]; xs in []"), "bool");
}

#[test]
fn nested_lists_type_through_literals_annotations_and_indexing() {
    assert_eq!(ty("[[1, 2], [3]]"), "[[i64]]");
    assert_eq!(ty("[[], [1]]"), "[[i64]]");
    assert_eq!(ty("[[1.5], [2]]"), "[[f64]]");
    assert_eq!(ty("[[\"a\"], []]"), "[[string]]");
    assert_eq!(ty("let g: [[u8]] = [[1], []]; g"), "[[u8]]");
    assert_eq!(ty("let g: [[[f32]]] = [[[1]], []]; g[0][0]"), "[f32]");
    assert_eq!(ty("param xs: [[f64]]; xs[0][1]"), "f64");
    assert_eq!(
        ty("fn f(g: [[i64]]) -> i64 = len(g[0]); f([[1, 2]])"),
        "i64"
    );
    assert_eq!(ty("let xs: [[i64]] = []; xs"), "[[i64]]");
    // The element type joins through the nesting; a literal takes it from the context.
    assert_eq!(ty("[[1], [300u16]]"), "[[u16]]");
    // An inner list literal widens element by element, like the outer one...
    assert_eq!(ty("[[1u8], [300u16]]"), "[[u16]]");
    assert_eq!(
        ty("let a: i32 = 3; let g: [[i64]] = [[a], []]; g"),
        "[[i64]]"
    );
    assert_eq!(
        ty("let g: [[string?]] = [[string(7)], [none]]; g"),
        "[[string?]]"
    );
    // ...but a settled list value is never converted (as for `[T]` values anywhere).
    one("let a = [1u8]; [a, [300u16]]", "E0201");
    one("let a = [\"s\"]; let g: [[string?]] = [a]; g", "E0201");
    one("[[1], [\"a\"]]", "E0201");
    one("let g: [[u8]] = [[1], [300]]; g", "E0203");
    one("[[1], 2]", "E0201");
    one("[[[]]]", "E0208");
}

#[test]
fn nested_lists_work_with_the_list_library() {
    assert_eq!(ty("len([[1], [2, 3]])"), "i64");
    assert_eq!(ty("concat([[1]], [[2, 3]])"), "[[i64]]");
    assert_eq!(ty("slice([[1], [2]], 0, 1)"), "[[i64]]");
    assert_eq!(ty("reverse([[\"a\"]])"), "[[string]]");
    assert_eq!(ty("first([[1.5]])"), "[f64]");
    assert_eq!(ty("last([[1.5]])"), "[f64]");
    assert_eq!(ty("unique([[1], [1]])"), "[[i64]]");
    assert_eq!(ty("count_distinct([[1], [1]])"), "i64");
    assert_eq!(ty("index_of([[1], [2]], [2])"), "i64");
    assert_eq!(ty("contains([[1], [2]], [2u8])"), "bool");
    assert_eq!(ty("[1] in [[1], [2]]"), "bool");
    assert_eq!(ty("flatten([[1], [2, 3]])"), "[i64]");
    assert_eq!(ty("flatten([[[1]], []])"), "[[i64]]");
    assert_eq!(ty("let g: [[u8]] = [[1]]; flatten(g)"), "[u8]");
    assert_eq!(ty("string([[1], []])"), "string");
    assert_eq!(ty("print([[1], []])"), "[[i64]]");
    // Numeric aggregates and ordering stay refused for list elements.
    for src in ["sum([[1]])", "avg([[1.5]])", "max([[1]])", "median([[1]])"] {
        one(src, "E0301");
    }
    let d = one("sort([[2], [1]])", "E0301");
    assert!(format!("{d:?}").contains("lists have no order"), "{d:?}");
    one("sort_desc([[\"b\"]])", "E0301");
    one("flatten([1, 2])", "E0301");
    one("flatten(\"ab\")", "E0301");
}

#[test]
fn operators_on_nested_lists_are_refused_with_a_pointer_to_in() {
    let d = one("[[1]] == [[1]]", "E0204");
    assert!(d.help.as_deref().unwrap_or("").contains("`in`"), "{d:?}");
    one("let g = [[1.5]]; g != g", "E0204");
    let d = one("[[1]] + [[2]]", "E0204");
    assert!(
        d.help.as_deref().unwrap_or("").contains("lists of lists"),
        "{d:?}"
    );
    one("-[[1]]", "E0204");
}

#[test]
fn types_deeper_than_a_type_code_are_e0240() {
    let deep = |n: usize| format!("{}i64{}", "[".repeat(n), "]".repeat(n));
    assert_eq!(ty(&format!("let x: {} = []; x", deep(12))), deep(12));
    one(&format!("let x: {} = []; 1", deep(13)), "E0240");
    one(&format!("param x: {};", deep(14)), "E0240");
    let lit = format!("{}1{}", "[".repeat(13), "]".repeat(13));
    one(&lit, "E0240");
    one(
        &format!("{}1{} in []", "[".repeat(12), "]".repeat(12)),
        "E0240",
    );
}

#[test]
fn names_and_types_are_resolved() {
    one("y + 1", "E0101");
    one("let x: int = 1; x", "E0103");
    let d = one("sqrt + 1", "E0101");
    assert!(d.help.unwrap().contains("sqrt(...)"));
}

fn help(d: &Diagnostic) -> &str {
    d.help.as_deref().unwrap_or("")
}

#[test]
fn unknown_names_suggest_close_ones() {
    // A variable in scope.
    let d = one("let count = 1; cuont + 1", "E0101");
    assert_eq!(help(&d), "did you mean `count`?");
    // Inside a function: its parameters and the program-level bindings it sees.
    let ds = errs("let limit = 3; fn f(total: i64) -> i64 = totl + limt; f(1)");
    assert_eq!(ds.len(), 2);
    assert_eq!(help(&ds[0]), "did you mean `total`?");
    assert_eq!(help(&ds[1]), "did you mean `limit`?");
    // ...but not program-level bindings written after the function.
    let d = one("fn f() -> i64 = limt; let limit = 3; f()", "E0101");
    assert_eq!(help(&d), "", "{d:?}");
    // Nothing close: no help.
    let d = one("let count = 1; zebra", "E0101");
    assert!(d.help.is_none(), "{d:?}");
    // A one-letter name is not "close" to another one-letter name.
    assert!(one("let x = 1; y", "E0101").help.is_none());
    // A block's bindings are out of scope after it: not suggested.
    let d = one("when true { let total = 1; print(total) } totl", "E0101");
    assert!(d.help.is_none(), "{d:?}");
    // No close variable, but a close function.
    let d = one("fn square(x: i64) -> i64 = x * x; squre", "E0101");
    assert_eq!(help(&d), "did you mean to call `square(...)`?");
}

#[test]
fn unknown_functions_suggest_close_ones() {
    let d = one("sqr(4.0)", "E0102");
    assert_eq!(help(&d), "did you mean `sqrt`?");
    let d = one("fn total(x: i64) -> i64 = x; totl(1)", "E0102");
    assert_eq!(help(&d), "did you mean `total`?");
    // Up to three, closest first.
    let d = one(
        "fn ab1() -> i64 = 1; fn ab2() -> i64 = 2; fn ab3() -> i64 = 3; fn ab4() -> i64 = 4; abx()",
        "E0102",
    );
    assert_eq!(help(&d), "did you mean `ab1`, `ab2` or `ab3`?", "{d:?}");
    // A variable of that name is pointed out.
    let d = one("let tally = 1; tally(2)", "E0102");
    assert!(d.notes.iter().any(|n| n.contains("is a variable")), "{d:?}");
    assert!(one("frobnicate(1)", "E0102").help.is_none());
}

#[test]
fn unknown_types_suggest_close_ones() {
    assert_eq!(
        help(&one("let x: f46 = 1; x", "E0103")),
        "did you mean `f64`?"
    );
    assert_eq!(
        help(&one("let x: i46 = 1; x", "E0103")),
        "did you mean `i16` or `i64`?"
    );
    assert_eq!(
        help(&one("let x: String = \"\"; x", "E0103")),
        "did you mean `string`?"
    );
    assert_eq!(
        help(&one("let x: int = 1; x", "E0103")),
        "did you mean `i64`?"
    );
    assert_eq!(
        help(&one("fn f(x: double) -> f64 = x; 1", "E0103")),
        "did you mean `f64`?"
    );
    assert_eq!(
        help(&one("let x: [boll] = []; x", "E0103")),
        "did you mean `bool`?"
    );
    assert!(one("let x: widget = 1; x", "E0103").help.is_none());
}

#[test]
fn every_error_of_a_program_is_reported() {
    let c = codes("let a = y; let b: u8 = 300; let c = 1 + \"s\"; true < false");
    assert_eq!(c, vec!["E0101", "E0203", "E0201", "E0204"]);
}

#[test]
fn results_of_statements() {
    assert_eq!(ty("let x = 5;"), "i64");
    assert_eq!(ty("x = 2.5"), "f64");
    assert!(ok("fn f() -> i64 = 1").main.ret.is_none());
    assert!(ok("when true { print(1) }").main.ret.is_none());
    assert!(ok("").main.ret.is_none());
    assert_eq!(ty("param n: u8; n"), "u8");
}

#[test]
fn secondary_labels_point_at_the_other_side() {
    // E0206: the other branch, the one whose type the branches had joined to.
    let src = "if(true, 1, \"a\")";
    let d = one(src, "E0206");
    assert_eq!(d.span, at(src, "\"a\"", 0));
    assert_eq!(d.secondary.len(), 1);
    assert_eq!(d.secondary[0].span, at(src, "1", 0));
    assert_eq!(d.secondary[0].message, "this is {integer}");
    let src = "param c: bool; switch(c, 1, c, 1.5f32, \"s\")";
    let d = one(src, "E0206");
    assert_eq!(
        d.message,
        "`switch` branches have different types: f32 and string"
    );
    assert_eq!(d.span, at(src, "\"s\"", 0));
    assert_eq!(d.secondary[0].span, at(src, "1.5f32", 0));
    assert_eq!(d.secondary[0].message, "this is f32");
    // E0403: the declared return type.
    let src = "fn f(x: i64) -> string = x; f(1)";
    let d = one(src, "E0403");
    assert_eq!(d.span, at(src, "x", 1));
    assert_eq!(d.secondary[0].span, at(src, "string", 0));
    assert_eq!(d.secondary[0].message, "return type declared here");
    // E0104: the `let` (or parameter, or program-level binding) that makes it immutable.
    let src = "let total = 1; total = 2; total";
    let d = one(src, "E0104");
    assert_eq!(d.span, at(src, "total", 1));
    assert_eq!(d.secondary[0].span, at(src, "total", 0));
    assert_eq!(d.secondary[0].message, "`total` is bound by `let` here");
    let src = "fn f(a: i64) -> i64 { a = 2; a } f(1)";
    let d = one(src, "E0104");
    assert_eq!(d.secondary[0].span, at(src, "a", 0));
    assert_eq!(d.secondary[0].message, "`a` is a function parameter here");
    let src = "let k = 1; fn f() -> i64 { k = 2; k } f()";
    let d = one(src, "E0104");
    assert_eq!(d.span, at(src, "k", 1));
    assert_eq!(d.secondary[0].span, at(src, "k", 0));
    // E0401: the first definition.
    let src = "fn g(x: i64) -> i64 = x; fn g(y: i64) -> i64 = y; 1";
    let d = one(src, "E0401");
    assert_eq!(d.span, at(src, "g", 1));
    assert_eq!(d.secondary[0].span, at(src, "g", 0));
    assert_eq!(d.secondary[0].message, "first defined here");
}

// ----- warnings -----

/// The warnings of a program that must check without errors.
fn warnings(src: &str) -> Vec<Diagnostic> {
    let ast = crate::syntax::parse(src).unwrap_or_else(|d| panic!("parse failed: {d:?}"));
    let checked =
        super::check(&ast).unwrap_or_else(|d| panic!("unexpected errors for {src:?}: {d:#?}"));
    for w in &checked.warnings {
        assert_eq!(w.severity, crate::diag::Severity::Warning, "{w:?}");
    }
    checked.warnings
}

/// Exactly one warning, with this code; returns it.
fn warns(src: &str, code: &str) -> Diagnostic {
    let w = warnings(src);
    assert_eq!(w.len(), 1, "expected one warning for {src:?}, got {w:#?}");
    assert_eq!(w[0].code, code, "{src:?}: {:#?}", w[0]);
    w.into_iter().next().unwrap()
}

#[track_caller]
fn quiet(src: &str) {
    let w = warnings(src);
    assert!(w.is_empty(), "expected no warnings for {src:?}, got {w:#?}");
}

/// The span of the `nth` occurrence of `needle` in `src`.
fn at(src: &str, needle: &str, nth: usize) -> crate::span::Span {
    let lo = src.match_indices(needle).nth(nth).expect("needle").0;
    crate::span::Span::new(lo, lo + needle.len())
}

#[test]
fn unused_let_bindings_warn() {
    let src = "let count = 1; 2";
    let w = warns(src, "W0001");
    assert_eq!(w.message, "unused binding `count`");
    assert_eq!(w.span, at(src, "count", 0));
    assert_eq!(
        help(&w),
        "if this is intentional, prefix it with `_` to silence this: `_count`"
    );
    // Names starting with `_` are exempt.
    quiet("let _count = 1; 2");
    quiet("let _ = 1; 2");
    // Read anywhere: in an expression, a condition, an argument, a later binding.
    quiet("let a = 1; a + 1");
    quiet("let a = true; when a { print(1) }");
    quiet("let a = 1; let b = a; b");
    // A shadowed binding nothing read before the shadowing is unused.
    let src = "let x = 1; let x = 2; x";
    assert_eq!(warns(src, "W0001").span, at(src, "x", 0));
    quiet("let x = 1; let x = x + 1; x");
    // A `let` in a `when` block that the block does not read.
    let src = "param c: bool; when c { let tmp = 1; }";
    assert_eq!(warns(src, "W0001").span, at(src, "tmp", 0));
    // In a function body.
    let src = "fn f() -> i64 { let y = 1; 2 } f()";
    assert_eq!(warns(src, "W0001").span, at(src, "y", 0));
}

#[test]
fn the_last_statement_is_read() {
    // The program's result is its last statement's value.
    quiet("let x = 5;");
    quiet("let x = 5");
    quiet("x = 5;");
    quiet("x = 1; x = 2");
    // So is a function body's.
    quiet("fn f() -> i64 { let y = 1; } f()");
    quiet("fn f() -> i64 { y = 1 } f()");
    // A `when` block has no value: its last `let` is not read.
    assert_eq!(warnings("when true { let y = 1 } 0").len(), 2); // W0002 and W0001
}

#[test]
fn assignments_are_not_reads() {
    let src = "x = 1; x = 2; 3";
    let w = warns(src, "W0001");
    assert_eq!(w.message, "variable `x` is assigned but never read");
    assert_eq!(w.span, at(src, "x", 0));
    assert!(w.notes[0].contains("does not count as reading"), "{w:?}");
    quiet("x = 1; x = x + 1; x");
    quiet("param c: bool; x = 0; when c { x = 1 } else { x = 2 } print(x); 0");
    let src = "param c: bool; x = 0; when c { x = 1 } 0";
    assert_eq!(warns(src, "W0001").span, at(src, "x", 0));
    // A variable local to a block that the block only assigns.
    let src = "param c: bool; when c { fresh = 1; fresh = 2 }";
    assert_eq!(warns(src, "W0001").span, at(src, "fresh", 0));
}

#[test]
fn unused_function_parameters_warn() {
    let src = "fn f(a: i64, b: i64) -> i64 = a; f(1, 2)";
    let w = warns(src, "W0001");
    assert_eq!(w.message, "unused parameter `b`");
    assert_eq!(w.span, at(src, "b", 0));
    assert_eq!(w.label, "the body of `f` never reads it");
    quiet("fn f(a: i64, _b: i64) -> i64 = a; f(1, 2)");
    quiet("fn f(a: i64) -> i64 { let d = a * 2; d } f(1)");
    // A function nothing calls is still checked.
    assert_eq!(
        warns("fn g(n: i64) -> i64 = 1; 0", "W0001").message,
        "unused parameter `n`"
    );
}

#[test]
fn inputs_do_not_warn() {
    // `param` inputs are the host's interface: never W0001.
    quiet("param p: i64; 1");
    quiet("param p: i64; param q: string; p");
}

#[test]
fn program_bindings_read_by_functions_are_read() {
    quiet("let k = 3; fn f() -> i64 = k; f()");
    // Even when only a function nothing calls reads it.
    quiet("let k = 3; fn f() -> i64 = k; 0");
    // A parameter of the same name hides it: the binding is unused.
    let src = "let k = 3; fn f(k: i64) -> i64 = k; f(1)";
    assert_eq!(warns(src, "W0001").span, at(src, "k", 0));
}

#[test]
fn warnings_come_only_with_a_program_that_checks() {
    // A misspelt name is an error; the binding it meant is not reported as unused.
    let d = errs("let count = 1; cuont");
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].code, "E0101");
    // Several warnings are sorted by position.
    let w = warnings("fn f(a: i64) -> i64 = 1; let b = 2; x = if(true, 1, 2); f(0)");
    let codes: Vec<&str> = w.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["W0001", "W0001", "W0001", "W0002"]);
    assert!(w.windows(2).all(|p| p[0].span.lo < p[1].span.lo));
}

#[test]
fn constant_if_conditions_warn() {
    let src = "if(true, 1, 2)";
    let w = warns(src, "W0002");
    assert_eq!(w.message, "this condition is always true");
    assert_eq!(w.span, at(src, "true", 0));
    assert_eq!(w.secondary[0].span, at(src, "2", 0));
    assert!(help(&w).contains("third argument"), "{w:?}");
    let src = "if(false, 1, 2)";
    let w = warns(src, "W0002");
    assert_eq!(w.message, "this condition is always false");
    assert_eq!(w.secondary[0].span, at(src, "1", 0));
    assert!(help(&w).contains("second argument"), "{w:?}");
    // Folding literal expressions.
    for (src, v) in [
        ("if(not true, 1, 2)", false),
        ("if(!false, 1, 2)", true),
        ("if(1 < 2, 1, 2)", true),
        ("if(true and false, 1, 2)", false),
        ("if(true & false, 1, 2)", false),
        ("if(false | true, 1, 2)", true),
        ("if(true ^ true, 1, 2)", false),
        ("if(false or (2 >= 2), 1, 2)", true),
        ("if(\"a\" == \"b\", 1, 2)", false),
        ("if(\"a\" < \"b\", 1, 2)", true),
        ("if(2 in [1, 2], 1, 2)", true),
        ("if(1.5 > 2.0, 1, 2)", false),
        ("if(-1 < 0, 1, 2)", true),
        ("if(255u8 > 1u8, 1, 2)", true),
        ("if(1 + 1 == 2, 1, 2)", true),
        ("if(true == false, 1, 2)", false),
        ("if(0.0 / 0.0 == 0.0 / 0.0, 1, 2)", false), // NaN
        ("if(0.0 / 0.0 != 0.0 / 0.0, 1, 2)", true),
        ("if(1 < 2.5, 1, 2)", true),
    ] {
        let w = warns(src, "W0002");
        assert_eq!(w.message, format!("this condition is always {v}"), "{src}");
    }
    // Anything that reads a variable or calls a function is not a constant.
    quiet("param p: bool; if(p, 1, 2)");
    quiet("param p: bool; if(false and p, 1, 2)");
    quiet("param n: i64; if(n > 0, 1, 2)");
    quiet("fn t() -> bool = true; if(t(), 1, 2)");
    quiet("if(abs(-1) == 1, 1, 2)");
}

#[test]
fn constant_switch_and_when_conditions_warn() {
    let src = "switch(false, 1, true, 2, 3)";
    let w = warnings(src);
    assert_eq!(w.len(), 2, "{w:#?}");
    assert_eq!(w[0].message, "this condition is always false");
    assert_eq!(w[0].span, at(src, "false", 0));
    assert_eq!(w[0].secondary[0].span, at(src, "1", 0));
    assert_eq!(w[1].message, "this condition is always true");
    assert_eq!(w[1].span, at(src, "true", 0));
    assert_eq!(w[1].secondary[0].span, at(src, "3", 0));
    assert!(help(&w[1]).contains("the default"), "{:?}", w[1]);
    // An always-true arm that is not the last hides the later arms too.
    let src = "param n: i64; switch(true, 1, n > 0, 2, 3)";
    let w = warns(src, "W0002");
    assert_eq!(w.secondary[0].span, at(src, "n > 0, 2, 3", 0));
    // The default has no condition: a literal there is fine.
    quiet("param n: i64; switch(n > 0, true, n < 0, false, true)");

    let src = "param c: bool; x = 0; when false { x = 1 } elif true { x = 2 } else { x = 3 } x";
    let w = warnings(src);
    assert_eq!(w.len(), 2, "{w:#?}");
    assert_eq!(w[0].message, "this condition is always false");
    assert_eq!(w[0].span, at(src, "false", 0));
    assert_eq!(w[0].secondary[0].span, at(src, "{ x = 1 }", 0));
    assert!(
        help(&w[0]).contains("`when` block never runs"),
        "{:?}",
        w[0]
    );
    assert_eq!(w[1].message, "this condition is always true");
    assert_eq!(w[1].span, at(src, "true", 0));
    assert_eq!(w[1].secondary[0].span, at(src, "{ x = 3 }", 0));
    let w = warns("when 1 < 2 { print(1) }", "W0002");
    assert!(help(&w).contains("unnecessary"), "{w:?}");
    quiet("param c: bool; when c { print(1) } elif not c { print(2) }");
}

/// `KILN_SRC='…' cargo test --lib types::tests::debug_check -- --ignored --nocapture`
#[test]
#[ignore = "debugging aid"]
fn debug_check() {
    let src = std::env::var("KILN_SRC").unwrap_or_default();
    match check(&src) {
        Ok(p) => println!("{p:#?}"),
        Err(d) => print!("{}", crate::diag::render_all(&d, "t.expr", &src)),
    }
}

// ---- standard library: strings and lists ------------------------------------------------

#[test]
fn library_results_have_the_documented_types() {
    let cases = [
        ("len(\"abc\")", "i64"),
        ("find(\"abc\", \"b\")", "i64"),
        ("substr(\"abc\", 1, 1)", "string"),
        ("split(\"a,b\", \",\")", "[string]"),
        ("join([\"a\"], \",\")", "string"),
        ("contains(\"abc\", \"b\")", "bool"),
        ("len([1u8])", "i64"),
        ("sum([1, 2])", "i64"),
        ("sum([1i8, 2i8])", "i8"),
        ("let xs: [u16] = [1u16]; sum(xs)", "u16"),
        ("sum([1.5f32])", "f32"),
        ("min([1, 2])", "i64"),
        ("max([1.0, 2.5])", "f64"),
        ("avg([1, 2])", "f64"),
        ("avg([1f32])", "f32"),
        ("median([1u64])", "f64"),
        ("median([1f32])", "f32"),
        ("sort([\"b\"])", "[string]"),
        ("unique([true])", "[bool]"),
        ("count_distinct([1.0])", "i64"),
        ("concat([1i32], [2])", "[i32]"),
        ("slice([1.0], 0, 1)", "[f64]"),
        ("first([\"a\"])", "string"),
        ("last([1u8])", "u8"),
        ("index_of([1i16], 1)", "i64"),
        ("contains([1.0], 1)", "bool"),
        ("[1, 2] + [3, 4]", "[i64]"),
        ("[1i32] * 2", "[i32]"),
        ("2.5 * [1, 2]", "[f64]"),
        ("let xs: [f32] = [1f32]; xs + 1", "[f32]"),
        ("let xs: [i64] = [1]; let k: i32 = 2i32; xs * k", "[i64]"),
        ("[1, 2] < 2", "[bool]"),
        ("[\"a\"] == \"a\"", "[bool]"),
        ("filter([1u8], [true])", "[u8]"),
        ("count([true])", "i64"),
        ("any([true])", "bool"),
        ("all([true])", "bool"),
    ];
    for (src, want) in cases {
        assert_eq!(ty(src), want, "{src}");
    }
}

#[test]
fn library_calls_report_overload_errors() {
    for src in [
        "sum([\"a\"])",
        "avg([true])",
        "len(1)",
        "substr(\"a\", 1.5, 1)",
        "join([1], \",\")",
        "concat([1], [\"a\"])",
        "filter([1], [1])",
        "count([1])",
        "index_of([1], \"a\")",
        "let xs: [i64] = [1]; let k: u64 = 1u64; sum(xs) + k",
    ] {
        let c = codes(src);
        assert!(
            c.iter().all(|c| c.starts_with("E0")) && !c.is_empty(),
            "{src}: {c:?}"
        );
    }
    assert_eq!(codes("sum([\"a\"])"), ["E0301"]);
    assert_eq!(
        codes("let a: [i32] = [1i32]; let b: [i64] = [1]; a + b"),
        ["E0202"]
    );
    // A bare `[]` still needs its type from somewhere.
    assert!(!codes("len([])").is_empty());
}

#[test]
fn a_user_function_replaces_a_list_builtin_overload() {
    let src = "fn sum(xs: [i64]) -> i64 = len(xs); sum([1, 2])";
    warns(src, "W0003");
    assert!(matches!(result(src).kind, ExprKind::Call { .. }));
    // Another element type or arity is a new overload.
    quiet("fn sum(a: i64, b: i64) -> i64 = a + b; sum(1, 2)");
}

// ----- issue 13: float literals beside integers, block bodies, joins, indices -----

#[test]
fn a_float_literal_beside_an_integer_up_to_32_bits_is_f64() {
    assert_eq!(ty("let x: i32 = 5; x / 2.0"), "f64");
    assert_eq!(ty("let x: u8 = 5; x * 1.5"), "f64");
    assert_eq!(ty("let x: u32 = 5; 1.5 - x"), "f64");
    assert_eq!(ty("let x: i16 = 5; x % 1.5 + x"), "f64");
    assert_eq!(ty("let x: i32 = 5; x < 2.5"), "bool");
    assert_eq!(ty("let x: u8 = 5; 2.5 != x"), "bool");
    // An operator tree over literals counts as a float literal.
    assert_eq!(ty("let x: i32 = 5; x * (1.5 + 1)"), "f64");
    // The integer operand is widened by an explicit cast; the literal is an f64.
    let e = result("let x: i32 = 5; x / 2.0");
    let ExprKind::Binary { lhs, rhs, .. } = e.kind else {
        panic!("{e:?}")
    };
    assert!(matches!(lhs.kind, ExprKind::Cast(_)) && lhs.ty == Ty::F64);
    assert!(matches!(rhs.kind, ExprKind::Float(v) if v == 2.0));
    // A scalar integer beside a list of float literals, element-wise.
    assert_eq!(ty("let x: i32 = 2; x * [1.5, 2.5]"), "[f64]");
    // 64-bit integers do not widen to f64: still an error, with a cast hint.
    for src in [
        "let x: i64 = 5; x * 1.5",
        "let x: u64 = 5; x / 2.0",
        "let x: i64 = 5; x < 2.5",
    ] {
        let d = one(src, "E0202");
        assert!(help(&d).contains("f64(...)"), "{src}: {d:#?}");
    }
    // A list's elements are not converted: `[i32] / 2.0` says how to fix it.
    let d = one("let xs: [i32] = [1]; xs / 2.0", "E0202");
    assert!(help(&d).contains("[f64]"), "{d:#?}");
    // Bitwise operators still take integers only.
    one("let x: i32 = 5; x & 1.5", "E0204");
    // An annotation is no operand: a float literal is no integer.
    one("let x: i32 = 2.0; x", "E0209");
}

#[test]
fn a_return_type_gives_a_block_body_literal_context() {
    assert_eq!(ty("fn f() -> u32 { 10 } f()"), "u32");
    assert_eq!(ty("fn f() -> u8 { let a = 1; 200 } f()"), "u8");
    assert_eq!(ty("fn f(c: bool) -> u8 { if(c, 200, 3) } f(true)"), "u8");
    assert_eq!(
        ty("fn f(n: i64) -> i16 { let m = n * 2; switch(m > 1, 1, m < 0, -1, 0) } f(3)"),
        "i16"
    );
    assert_eq!(ty("fn f() -> [u16] { [1, 2] } f()"), "[u16]");
    assert_eq!(ty("fn f() -> f32 { 1 + 2.5 } f()"), "f32");
    // Out of range for the declared type: the literal is reported, once.
    one("fn f() -> u8 { 300 } f()", "E0203");
    // Without `-> R`, the block's literal takes its default.
    assert_eq!(ty("fn f() { 10 } f()"), "i64");
    // A `when` block's trailing literal is still settled (and evaluated).
    ok("x = 1; when x > 0 { 5 } x");
}

#[test]
fn lists_and_branches_join_in_any_order() {
    for src in [
        "[1.5, 2u8, 3.0f64]",
        "[3.0f64, 2u8, 1.5]",
        "[2u8, 1.5, 3.0f64]",
        "[1, 2u8, 3.0f64]",
    ] {
        assert_eq!(ty(src), "[f64]", "{src}");
    }
    // f32 is the widest settled type: float literals take it, in every order.
    assert_eq!(ty("[1.5, 2u8, 3.0f32]"), "[f32]");
    assert_eq!(ty("[3.0f32, 2u8, 1.5]"), "[f32]");
    // The element every other one widens to, wherever it stands.
    assert_eq!(ty("[1i8, 2u8, 3i16]"), "[i16]");
    assert_eq!(ty("[3i16, 1i8, 2u8]"), "[i16]");
    // No element every other one widens to: an error whatever the order.
    for src in ["[1i8, 2u8]", "[2u8, 1i8]", "[1.5, 2i64]", "[2i64, 1.5]"] {
        one(src, "E0201");
    }
    // The same for `if` and `switch`.
    assert_eq!(ty("param c: bool; if(c, 1.5, 2u8)"), "f64");
    assert_eq!(ty("param c: bool; if(c, 2u8, 1.5)"), "f64");
    assert_eq!(ty("param c: bool; switch(c, 1.5, c, 2u8, 3.0f32)"), "f32");
    assert_eq!(ty("param c: bool; switch(c, 3.0f32, c, 2u8, 1.5)"), "f32");
    one("param c: bool; switch(c, 2i64, c, 1, 1.5)", "E0206");
    // The element that fails to join is named, beside one it conflicts with.
    let src = "[1.5, 2u8, 3i64]";
    let d = one(src, "E0201");
    assert_eq!(
        d.message,
        "list elements have different types: {float} and i64"
    );
    assert_eq!(d.span, at(src, "3i64", 0));
    assert_eq!(d.secondary[0].span, at(src, "1.5", 0));
}

#[test]
fn any_integer_type_indexes_a_list() {
    for (src, index_ty) in [
        ("let xs = [1, 2]; xs[1u64]", "u64"),
        ("let xs = [1, 2]; let i: i8 = 1; xs[i]", "i8"),
        ("let xs = [1, 2]; let i: u32 = 1; xs[i]", "u32"),
        ("let xs = [1, 2]; xs[1]", "i64"),
    ] {
        let e = result(src);
        let ExprKind::Index { index, .. } = e.kind else {
            panic!("{e:?}")
        };
        assert_eq!(index.ty.to_string(), index_ty, "{src}");
    }
    one("let xs = [1, 2]; xs[1.0]", "E0209");
    one("let xs = [1, 2]; xs[true]", "E0201");
}

#[test]
fn an_annotation_reaches_through_elementwise_operators() {
    assert_eq!(ty("let xs: [u8] = [200, 1] + [100, 1]; xs"), "[u8]");
    assert_eq!(ty("let xs: [i16] = [1, 2] * 3 - [4, 5]; xs"), "[i16]");
    assert_eq!(ty("let xs: [f32] = [1, 2] * 1.5; xs"), "[f32]");
    assert_eq!(ty("fn f() -> [u16] = [1, 2] + 1; f()"), "[u16]");
    // The literals are settled at the annotation's type, so 200 + 100 wraps in u8.
    let e = result("let xs: [u8] = [200, 1] + [100, 1]; xs");
    assert_eq!(e.ty.to_string(), "[u8]");
    // Without context they default; a literal out of range is reported.
    assert_eq!(ty("[1, 2] + [3, 4]"), "[i64]");
    assert_eq!(ty("sum([1, 2] + [3, 4])"), "i64");
    one("let xs: [u8] = [1, 2] + 300; xs", "E0203");
    one("let xs: [u8] = [1, 2] * 1.5; xs", "E0209");
    // Comparisons give [bool]: their operands take their default type.
    assert_eq!(ty("[1, 2] < [3, 0]"), "[bool]");
    // A non-numeric element type: one error for the whole operation.
    let d = one("let xs: [string] = [1, 2] + [3, 4]; xs", "E0201");
    assert_eq!(d.message, "expected [string], found a list of numbers");
}

#[test]
fn a_list_of_integers_is_never_converted_for_a_float_literal() {
    // `in`: the item joins the element type, the list's elements stay as they are.
    assert_eq!(ty("let x: i32 = 1; x in [1.5, 2.5]"), "bool");
    let d = one("let xs: [i32] = [1]; 2.5 in xs", "E0201");
    assert_eq!(d.message, "cannot look for a {float} in a list of i32");
    one("let xs: [i32] = [1]; contains(xs, 2.5)", "E0301");
}

// ----- issue 13: min/max of three or more, user functions replacing built-ins -----

#[test]
fn min_and_max_take_two_or_more_arguments_of_one_type() {
    assert_eq!(ty("max(1, 5, 3)"), "i64");
    assert_eq!(ty("max(1u8, 2, 3)"), "u8");
    assert_eq!(ty("let x: i16 = 1; min(2, x, -3, 4)"), "i16");
    assert_eq!(ty("min(1.5, 2, 3.0f32)"), "f32");
    assert_eq!(ty("max(1.5, 2u8, 3.0)"), "f64");
    let e = result("max(1, 5, 3, 2)");
    let ExprKind::Builtin { op, args } = e.kind else {
        panic!("{e:?}")
    };
    assert_eq!((op, args.len()), (hir::Builtin::Max, 4));
    // Literal context applies to every argument.
    let d = one("max(1u8, 2, 300)", "E0301");
    assert!(
        format!("{d:?}").contains("300 does not fit in u8"),
        "{d:#?}"
    );
    // One argument is not enough; arguments must join.
    let d = one("max(1)", "E0301");
    assert!(
        format!("{d:?}").contains("takes 2 or more arguments"),
        "{d:#?}"
    );
    one("min(1i8, 2u8, 3)", "E0301");
    one("max(1, \"a\", 2)", "E0301");
}

#[test]
fn a_user_function_replaces_the_builtin_overload_with_its_parameter_types() {
    let src = "fn abs(x: i64) -> i64 = x * 10; abs(-3)";
    let w = warns(src, "W0003");
    assert_eq!(w.span, at(src, "abs", 0));
    assert_eq!(
        w.message,
        "`abs(i64)` replaces the built-in `abs(T) -> T where T is any numeric type`"
    );
    assert!(matches!(result(src).kind, ExprKind::Call { .. }));
    // The other overloads stay the built-in's.
    let e = result("fn abs(x: i64) -> i64 = x * 10; abs(-2.5)");
    assert!(matches!(
        e.kind,
        ExprKind::Builtin {
            op: hir::Builtin::Abs,
            ..
        }
    ));
    let e = result("fn abs(x: i64) -> i64 = x * 10; let y: i8 = -2; abs(y)");
    assert!(matches!(e.kind, ExprKind::Builtin { .. }), "{e:?}");
    // One arity of a variadic built-in.
    let src = "fn max(a: i64, b: i64, c: i64) -> i64 = a - b - c; max(1, 2, 3) + max(1, 2)";
    warns(src, "W0003");
    let ExprKind::Binary { lhs, rhs, .. } = result(src).kind else {
        panic!()
    };
    assert!(matches!(lhs.kind, ExprKind::Call { .. }));
    assert!(matches!(rhs.kind, ExprKind::Builtin { .. }));
    // A conversion, and a prelude function.
    let src = "fn i32(s: string) -> i32 = i32(len(s)); i32(\"x\")";
    warns(src, "W0003");
    assert!(matches!(result(src).kind, ExprKind::Call { .. }));
    let w = warns("fn sign(x: i64) -> i64 = x * 0; sign(-3)", "W0003");
    assert!(
        w.message.contains("the prelude's `sign(x: i64) -> i64`"),
        "{}",
        w.message
    );
    // Other parameter types overload the name: no warning.
    quiet("fn abs(x: bool) -> bool = x; abs(true)");
    quiet("fn max(a: string, b: string) -> string = a + b; max(\"a\", \"b\")");
}

// ---- messages that say the real reason (issue 13, point 18) ----

#[test]
fn a_function_reading_a_mutable_variable_says_so() {
    // `count` is also a built-in: the message is about the mutable variable, not a call.
    let d = one("count = 0; fn inc() -> i64 = count + 1; inc()", "E0106");
    assert_eq!(
        d.message,
        "function `inc` cannot read the mutable variable `count`"
    );
    assert_eq!(d.span, Span::new(29, 34));
    assert_eq!(d.secondary[0].span, Span::new(0, 5));
    assert!(help(&d).contains("as a parameter"), "{d:?}");
    assert!(!help(&d).contains("call it"), "{d:?}");
    // Outside functions, a mutable variable is read as usual.
    assert_eq!(ty("count = 0; count + 1"), "i64");
    // The same for a mutable variable of an earlier REPL line.
    let env = super::Env {
        bindings: vec![super::EnvBinding {
            name: "count".to_string(),
            ty: Ty::I64,
            mutable: true,
            symbol: "line1_count".to_string(),
        }],
        functions: Vec::new(),
    };
    let ast = crate::syntax::parse("fn inc() -> i64 = count + 1;").unwrap();
    let Err(ds) = super::check_in(&ast, &env, "line2_", false) else {
        panic!("expected an error")
    };
    assert_eq!(ds.len(), 1, "{ds:?}");
    assert_eq!(ds[0].code, "E0106");
    assert!(ds[0].secondary.is_empty(), "{ds:?}");
}

#[test]
fn no_follow_on_errors_after_a_reported_operand() {
    // Two masks under `and` are one error (use `&`); `filter` adds no "no matching
    // overload".
    assert_eq!(
        codes("let xs = [1, 5, 12]; filter(xs, xs > 2 and xs < 10)"),
        ["E0205"]
    );
    assert_eq!(codes("let xs = [1]; len(xs or true)"), ["E0205"]);
    assert_eq!(codes("abs(1 and true) + 1"), ["E0205"]);
    let d = one("let xs = [1]; if(xs > 0 or false, 1, 2)", "E0205");
    assert!(help(&d).contains("any(...)"), "{d:?}");
}

#[test]
fn string_plus_number_suggests_string() {
    let d = one("\"Hello \" + 30", "E0201");
    assert!(help(&d).contains("`string(30)`"), "{d:?}");
    let d = one("30 + \"Hello\"", "E0201");
    assert!(help(&d).contains("`string(30)`"), "{d:?}");
    let d = one("let n = 2.5; \"n = \" + n", "E0201");
    assert!(help(&d).contains("`string(n)`"), "{d:?}");
    let d = one("fn f(n: i64) = \"n = \" + n; f(1)", "E0201");
    assert!(help(&d).contains("`string(n)`"), "{d:?}");
    // Not for other operators, nor for a string with a list.
    assert!(one("\"a\" - 1", "E0201").help.is_none());
}

#[test]
fn in_on_a_string_suggests_contains() {
    let d = one("\"b\" in \"abc\"", "E0204");
    assert!(help(&d).contains("`contains(\"abc\", \"b\")`"), "{d:?}");
    let d = one("let word = \"abc\"; \"b\" in word", "E0204");
    assert!(help(&d).contains("`contains(word, \"b\")`"), "{d:?}");
    // The suggestion is a real call.
    assert_eq!(ty("contains(\"abc\", \"b\")"), "bool");
}

#[test]
fn wrong_argument_counts_are_e0303() {
    let src = "fn area(w: f64, h: f64) -> f64 = w * h; area(3.0)";
    let d = one(src, "E0303");
    assert_eq!(d.message, "`area` takes 2 arguments, found 1");
    assert_eq!(d.span, Span::new(40, 44));
    assert_eq!(d.secondary[0].span, Span::new(3, 7));
    assert!(help(&d).contains("`area(w, h)`"), "{d:?}");
    // Too many: the surplus is labelled.
    let d = one(
        "fn area(w: f64, h: f64) -> f64 = w * h; area(3.0, 2.0, 1.0)",
        "E0303",
    );
    let extra = d.secondary.iter().find(|l| l.message.contains("too many"));
    assert_eq!(extra.map(|l| l.span), Some(Span::new(55, 58)), "{d:?}");
    // Overloads of several counts are listed.
    let d = one(
        "fn t(a: i64) -> i64 = a; fn t(a: i64, b: i64) -> i64 = a + b; t()",
        "E0303",
    );
    assert_eq!(d.message, "`t` takes 1 or 2 arguments, found 0");
    // A built-in: its signature is a note.
    let d = one("print(1, 2)", "E0303");
    assert!(d.notes[0].contains("print(T)"), "{d:?}");
    // The right count with the wrong types is still "no matching overload".
    one(
        "fn area(w: f64, h: f64) -> f64 = w * h; area(\"a\", 1.0)",
        "E0301",
    );
}

#[test]
fn names_of_an_ended_block_are_explained() {
    let d = one("let x = 3; when x > 2 { y = 5; } y", "E0101");
    assert_eq!(d.secondary[0].span, Span::new(24, 25));
    assert!(d.notes[0].contains("block"), "{d:?}");
    assert!(help(&d).contains("before the block"), "{d:?}");
    let d = one("when true { let inner = 1; } inner", "E0101");
    assert!(
        help(&d).contains("not") || help(&d).contains("new name"),
        "{d:?}"
    );
    // A plain unknown name says nothing about blocks.
    assert!(one("y", "E0101").notes.is_empty());
}

#[test]
fn statements_of_other_languages_in_the_checker() {
    // `break;` and `return;` parse as names; the checker says what Kiln has instead.
    let d = one("when true { break; }", "E0101");
    assert!(d.notes[0].contains("no loops"), "{d:?}");
    let d = one("fn f(x: i64) -> i64 { return(x) } f(1)", "E0102");
    assert!(d.notes[0].contains("`return`"), "{d:?}");
    // A user's own `loop` is just a name.
    assert_eq!(ty("loop = 1; loop + 1"), "i64");
}

#[test]
fn range_takes_i64_arguments_in_literal_context() {
    assert_eq!(ty("range(5)"), "[i64]");
    assert_eq!(ty("range(1, 5)"), "[i64]");
    assert_eq!(ty("range(5, 1, -1)"), "[i64]");
    assert_eq!(ty("sum(range(5))"), "i64");
    // Literals are i64 (so past i32), narrower integers widen with an explicit cast.
    assert_eq!(ty("range(5000000000, 5000000002)"), "[i64]");
    let call = result("let a: u8 = 1; let s: i16 = 2; range(a, 9, s)");
    let ExprKind::Builtin { args, .. } = &call.kind else {
        panic!("{call:?}");
    };
    assert!(args.iter().all(|a| a.ty == Ty::I64), "{args:?}");
    assert!(matches!(args[0].kind, ExprKind::Cast(_)), "{:?}", args[0]);
    assert!(matches!(args[2].kind, ExprKind::Cast(_)), "{:?}", args[2]);
    // No float, string, u64 or out-of-range literal argument; one to three arguments.
    one("range(2.0)", "E0301");
    one("range(\"a\")", "E0301");
    one("let n: u64 = 3; range(n)", "E0301");
    assert!(!errs("range(18446744073709551615)").is_empty());
    assert!(!errs("range()").is_empty());
    assert!(!errs("range(1, 2, 3, 4)").is_empty());
    // A literal zero step is not a constant divisor: it faults at run time (E0613).
    ok("range(0, 10, 0)");
}
