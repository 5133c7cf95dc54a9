//! Optional values (v1) end to end: source → check → codegen → JIT at -O0 and -O2 on
//! both engines, against the reference interpreter, with the output printed and the
//! result or fault compared.

use super::*;
use crate::jit::JitEngine;
use crate::value::{RuntimeError, Value};

/// (printed output, result or fault) of `src` with `inputs`, the same on every engine
/// and level and in the interpreter.
fn run_src(src: &str, inputs: &[Value]) -> (String, Result<Option<Value>, RuntimeError>) {
    let checked = check_source(src).unwrap_or_else(|d| panic!("{src}: {d:#?}"));
    let p = &checked.program;
    let mut printed = String::new();
    let want = interpret(p, inputs, &crate::interp::Options::default(), &mut printed);
    for level in [0, 2] {
        for engine in [JitEngine::Orc, JitEngine::Mcjit] {
            let c = compile_with(p, &Options::at_level(level), engine)
                .unwrap_or_else(|e| panic!("{src}: -O{level} {engine:?}: {e}"));
            let mut ctx = c.new_context();
            ctx.capture_output();
            let got = c.run_in(&mut ctx, inputs);
            let out = ctx.take_output();
            assert_eq!(
                (format!("{got:?}"), &out),
                (format!("{want:?}"), &printed),
                "{src}: -O{level} {engine:?} against the interpreter"
            );
        }
    }
    (printed, want)
}

/// The result's display text.
fn shown(src: &str) -> String {
    match run_src(src, &[]).1 {
        Ok(Some(v)) => v.to_string(),
        other => panic!("{src}: {other:?}"),
    }
}

fn fault(src: &str) -> RuntimeError {
    match run_src(src, &[]).1 {
        Err(e) => e,
        other => panic!("{src}: expected a fault, got {other:?}"),
    }
}

#[test]
fn lifting_gives_none_when_an_operand_is_none() {
    let src = "let a: i64? = 7; let n: i64? = none;
               [a + 1, n + 1, a * a, -a, -n, a << 2, ~a, a / 2, n / 3]";
    assert_eq!(shown(src), "[8, none, 49, -7, none, 28, -8, 3, none]");
    let src = "let f: f64? = 2.25; let g: f64? = none;
               [sqrt(f), sqrt(g), pow(f, 2.0), max(f, 3.0), f + g, abs(-f)]";
    assert_eq!(shown(src), "[1.5, none, 5.0625, 3.0, none, 2.25]");
    let src = "let s: string? = \"ab\"; let t: string? = none;
               [upper(s), upper(t), s + \"c\", t + \"c\", string(len(s))]";
    assert_eq!(shown(src), "[\"AB\", none, \"abc\", none, \"2\"]");
    let src = "let a: u8? = 250; let b: i32? = 3; [string(a + 10), string(b < 4), string(b > 4), string(i64(a))]";
    assert_eq!(shown(src), "[\"4\", \"true\", \"false\", \"250\"]");
}

#[test]
fn a_none_operand_skips_the_operation_and_its_fault() {
    // The integer division by zero is never evaluated: the left operand is none.
    let src = "let n: i64? = none; let z = len(\"\"); [n / z, n % z]";
    assert_eq!(shown(src), "[none, none]");
    // With a value it faults, at the division.
    let e = fault("let n: i64? = 1; let z = len(\"\"); n / z");
    assert_eq!(e.code(), "E0601");
}

#[test]
fn operands_are_evaluated_in_order_before_the_test() {
    let (out, r) = run_src("let n: i64? = none; n + print(2)", &[]);
    assert_eq!(
        (out.as_str(), r.map(|v| v.map(|v| v.to_string()))),
        ("2\n", Ok(Some("none".into())))
    );
}

#[test]
fn equality_is_total() {
    let src = "let a: i64? = 3; let b: i64? = none; let c: i64? = none;
               [a == 3, a == b, b == c, b == none, a != b, b != c, b == 3, 3 != b]";
    assert_eq!(
        shown(src),
        "[true, false, true, true, true, false, false, true]"
    );
    let src = "let s: string? = \"x\"; let t: string? = none;
               [s == \"x\", s == t, t == none, t != \"x\"]";
    assert_eq!(shown(src), "[true, false, true, true]");
}

#[test]
fn coalesce_short_circuits() {
    assert_eq!(
        shown("let a: i64? = none; let b: i64? = 5; a ?? b ?? 9"),
        "5"
    );
    assert_eq!(
        shown("let a: i64? = none; let b: i64? = none; a ?? b ?? 9"),
        "9"
    );
    assert_eq!(
        shown("let a: i64? = none; let b: i64? = none; a ?? b"),
        "none"
    );
    assert_eq!(shown("let s: string? = none; s ?? \"dflt\""), "dflt");
    assert_eq!(shown("let xs: [i64]? = none; xs ?? [0]"), "[0]");
    // The right operand runs only when the left is none: no fault, no output.
    let (out, r) = run_src("let a: i64? = 4; let z = len(\"\"); a ?? print(1 / z)", &[]);
    assert_eq!(
        (out.as_str(), format!("{r:?}")),
        ("", "Ok(Some(I64(4)))".to_string())
    );
    let e = fault("let a: i64? = none; let z = len(\"\"); a ?? 1 / z");
    assert_eq!(e.code(), "E0601");
}

#[test]
fn tests_and_unwrap() {
    let src = "let a: f64? = 1.5; let n: f64? = none;
               [is_some(a), is_none(a), is_some(n), is_none(n)]";
    assert_eq!(shown(src), "[true, false, false, true]");
    assert_eq!(shown("let a: f64? = 1.5; unwrap(a) * 2.0"), "3.0");
    let src = "let n: f64? = none;\nunwrap(n)";
    let e = fault(src);
    assert_eq!(e.code(), "E0612");
    assert_eq!(&src[e.span.lo as usize..e.span.hi as usize], "n");
}

#[test]
fn conversions_that_cannot_fail() {
    let src = "[i64?(\"12\"), i64?(\"abc\"), i64?(\" 1\"), i64?(\"9223372036854775808\")]";
    assert_eq!(shown(src), "[12, none, none, none]");
    assert_eq!(shown("[u8?(300), u8?(255), u8?(-1)]"), "[none, 255, none]");
    assert_eq!(
        shown("[i8?(-128), i8?(-129), i8?(127u8), i8?(128u8)]"),
        "[-128, none, 127, none]"
    );
    assert_eq!(shown("[u64?(-1), u64?(5)]"), "[none, 5]");
    assert_eq!(
        shown("[i64?(18446744073709551615u64), i64?(7u64)]"),
        "[none, 7]"
    );
    let src = "let nan = 0.0 / 0.0; let big = 1e300;
               [u8?(3.7), u8?(255.9), u8?(256.0), i8?(-128.9), i8?(-129.0), i64?(nan), i64?(9.3e18),
                i64?(-9223372036854775808.0)]";
    assert_eq!(
        shown(src),
        "[3, 255, none, -128, none, none, none, -9223372036854775808]"
    );
    let src = "let nan = 0.0 / 0.0; let inf = 1.0 / 0.0;
               [f32?(1e300), f32?(1.5), f32?(nan), f32?(inf), f64?(nan), f64?(2.5f32)]";
    assert_eq!(shown(src), "[none, 1.5, none, inf, none, 2.5]");
    assert_eq!(
        shown("[f64?(\"abc\"), f64?(\"2.5\"), f64?(3)]"),
        "[none, 2.5, 3.0]"
    );
    assert_eq!(
        shown("let s: string? = none; [i64?(s), i64?(\"4\")]"),
        "[none, 4]"
    );
}

#[test]
fn aggregates_skip_none() {
    let src = "let xs = [4.0, none, 1.0, none, 1.0];
               [sum(xs), unwrap(avg(xs)), unwrap(median(xs)), unwrap(min(xs)), unwrap(max(xs)),
                f64(count_distinct(xs)), f64(len(xs))]";
    assert_eq!(shown(src), "[6.0, 2.0, 1.0, 1.0, 4.0, 2.0, 5.0]");
    let src = "let xs: [i32?] = [none, none]; [f64?(sum(xs)), avg(xs), median(xs), f64?(min(xs)), f64?(max(xs))]";
    assert_eq!(shown(src), "[0.0, none, none, none, none]");
    assert_eq!(shown("let bs = [true, none, false, true]; count(bs)"), "2");
    assert_eq!(
        shown("compact([\"a\", none, \"b\", none])"),
        "[\"a\", \"b\"]"
    );
    assert_eq!(shown("let xs: [u8?] = [none]; compact(xs)"), "[]");
}

#[test]
fn lists_of_optionals_index_print_and_convert() {
    let src = "let xs = [1, none, 3]; print(xs); print(string(xs)); print(xs[1]); print(xs[2]); xs";
    let (out, r) = run_src(src, &[]);
    assert_eq!(out, "[1, none, 3]\n[1, none, 3]\nnone\n3\n");
    assert_eq!(r.unwrap().unwrap().to_string(), "[1, none, 3]");
    let src = "let xs = [\"a\", none]; let bs = [true, none]; let fs: [f32?] = [1.5, none]; [string(xs), string(bs), string(fs)]";
    assert_eq!(
        shown(src),
        "[\"[\\\"a\\\", none]\", \"[true, none]\", \"[1.5, none]\"]"
    );
}

#[test]
fn optional_inputs_and_results_cross_the_host_boundary() {
    let src = "param x: f64?; param s: string?; param xs: [i64?]; [x ?? -1.0, f64(len(s ?? \"\")), f64(sum(xs))]";
    let list = |items: Vec<Value>| {
        Value::List(crate::types::ty::Ty::opt(crate::types::ty::Ty::I64), items)
    };
    let (_, r) = run_src(
        src,
        &[
            Value::F64(2.5),
            Value::Str("abc".into()),
            list(vec![Value::I64(1), Value::None, Value::I64(4)]),
        ],
    );
    assert_eq!(r.unwrap().unwrap().to_string(), "[2.5, 3.0, 5.0]");
    let (_, r) = run_src(src, &[Value::None, Value::None, list(vec![])]);
    assert_eq!(r.unwrap().unwrap().to_string(), "[-1.0, 0.0, 0.0]");
    // An optional result comes back as the value or `Value::None`.
    for (input, want) in [(Value::I32(4), Value::I32(5)), (Value::None, Value::None)] {
        let (_, r) = run_src("param x: i32?; x + 1", &[input]);
        assert_eq!(r.unwrap(), Some(want));
    }
    let (_, r) = run_src(
        "param b: bool?; param t: string?; [string(b), t]",
        &[Value::Bool(true), Value::None],
    );
    assert_eq!(r.unwrap().unwrap().to_string(), "[\"true\", none]");
    // A plain value or none for a non-optional param is refused (E0605).
    let checked = check_source("param x: f64; x").unwrap();
    let e = interpret(
        &checked.program,
        &[Value::None],
        &Default::default(),
        &mut String::new(),
    );
    assert_eq!(e.unwrap_err().code(), "E0605");
}

#[test]
fn functions_take_and_return_optionals() {
    let src = "fn half(x: i64?) -> i64? = x / 2;
               fn or0(x: i64?) -> i64 = x ?? 0;
               [half(8), half(none), i64?(or0(none)), i64?(or0(half(3)))]";
    assert_eq!(shown(src), "[4, none, 0, 1]");
    let src = "fn f(n: i64) -> f64? = if(n > 0, f64(n), none); x = f(0); x = f(2); x";
    assert_eq!(shown(src), "2.0");
}

#[test]
fn element_wise_operators_lift_over_optional_elements() {
    let src = "let xs = [1, none, 3]; let z = len(\"\");
               print(xs + 1); print(xs * xs); print(xs > 1); print(xs == 3); print(xs != none);
               print(xs * z + 1); xs * 2 + 1";
    let (out, r) = run_src(src, &[]);
    assert_eq!(
        out,
        "[2, none, 4]\n[1, none, 9]\n[false, none, true]\n[false, false, true]\n[true, false, true]\n[1, none, 1]\n"
    );
    assert_eq!(r.unwrap().unwrap().to_string(), "[3, none, 7]");
    // A none element's division is not evaluated; a value's division by zero faults.
    assert_eq!(
        shown("let xs = [4, none]; let ys = [2, none]; xs / ys"),
        "[2, none]"
    );
    assert_eq!(
        shown("let xs: [i64?] = [4, none]; let ys: [i64?] = [2, 0]; xs / ys"),
        "[2, none]"
    );
    let e = fault("let xs: [i64?] = [4, 1]; let ys: [i64?] = [none, 0]; xs / ys");
    assert_eq!(e.code(), "E0601");
    assert_eq!(
        shown("let xs = [\"a\", none]; xs + \"!\""),
        "[\"a!\", none]"
    );
    assert_eq!(shown("let xs: [f32?] = [1.5, none]; sum(xs * 2.0)"), "3.0");
}

#[test]
fn list_functions_over_lists_of_optionals() {
    let pre = "let xs: [i64?] = [3, none, 1, none, 2];
               let fs: [f64?] = [2.5, none, 0.0 / 0.0, -1.0];
               let ss: [string?] = [\"b\", none, \"a\", \"b\"];
               let n: i64? = none;";
    for (expr, want) in [
        // Sorted values (NaN last), then every none, in both directions; stable.
        ("sort(xs)", "[1, 2, 3, none, none]"),
        ("sort_desc(xs)", "[3, 2, 1, none, none]"),
        ("sort(fs)", "[-1.0, 2.5, NaN, none]"),
        ("sort_desc(fs)", "[2.5, -1.0, NaN, none]"),
        ("sort(ss)", "[\"a\", \"b\", \"b\", none]"),
        ("reverse(xs)", "[2, none, 1, none, 3]"),
        ("concat(xs, [none, 7])", "[3, none, 1, none, 2, none, 7]"),
        ("slice(xs, 1, 3)", "[none, 1]"),
        ("unique(xs)", "[3, none, 1, 2]"),
        ("unique(ss)", "[\"b\", none, \"a\"]"),
        (
            "[first(xs), last(xs), xs[1], first(slice(xs, 1, 2))]",
            "[3, 2, none, none]",
        ),
        // Structural search: none == none.
        (
            "[index_of(xs, n), index_of(xs, 1), index_of(xs, 9)]",
            "[1, 2, -1]",
        ),
        (
            "[contains(xs, none), contains(ss, \"a\"), none in xs, 2 in xs, 9 in xs]",
            "[true, true, true, true, false]",
        ),
        (
            "[none in [1, 2], contains(fs, 0.0 / 0.0), 2.5 in fs]",
            "[false, false, true]",
        ),
        ("len(xs)", "5"),
    ] {
        assert_eq!(shown(&format!("{pre} {expr}")), want, "{expr}");
    }
}

#[test]
fn list_functions_over_optionals_at_depth() {
    let pre = "let xss: [[i64?]] = [[1, none], [], [none], [1, none]];
               let ys: [[i64]?] = [[1], none, [1], none];";
    for (expr, want) in [
        ("flatten(xss)", "[1, none, none, 1, none]"),
        ("unique(xss)", "[[1, none], [], [none]]"),
        ("count_distinct(xss)", "3"),
        ("[[1, none] in xss, [none, 1] in xss]", "[true, false]"),
        ("index_of(xss, [none])", "2"),
        ("reverse(xss)", "[[1, none], [none], [], [1, none]]"),
        ("unique(ys)", "[[1], none]"),
        ("concat(ys, [[2]])", "[[1], none, [1], none, [2]]"),
        (
            "[none in ys, contains(ys, [2]), [1] in ys]",
            "[true, false, true]",
        ),
        ("[index_of(ys, [1]), index_of(ys, none)]", "[0, 1]"),
        ("slice(ys, 1, 2)", "[none]"),
        ("first(ys)", "[1]"),
        ("ys[1]", "none"),
    ] {
        assert_eq!(shown(&format!("{pre} {expr}")), want, "{expr}");
    }
}

#[test]
fn optional_lists_and_indices_lift_indexing() {
    let pre = "let xs: [i64]? = [4, 5]; let n: [i64]? = none; let i: i64? = 1;
               let j: i64? = none; let ps: [i64?]? = [1, none];
               let xss: [[i64]]? = [[1, 2], [3]];";
    for (expr, want) in [
        (
            "[xs[0], xs[1], n[0], xs[i], xs[j], unwrap(xs)[i]]",
            "[4, 5, none, 5, none, 5]",
        ),
        // The element itself may be none: one optional, not two.
        ("[ps[0], ps[1]]", "[1, none]"),
        ("[xss[0][1], xss[1][0]]", "[2, 3]"),
        ("[len(xs), len(n)]", "[2, none]"),
    ] {
        assert_eq!(shown(&format!("{pre} {expr}")), want, "{expr}");
    }
    // A none list skips the index and its fault; a list that is there still faults.
    assert_eq!(shown("let n: [i64]? = none; n[7]"), "none");
    assert_eq!(fault("let xs: [i64]? = [1]; xs[3]").code(), "E0603");
}

#[test]
fn a_plain_list_and_a_scalar_optional_lift_as_a_whole() {
    let pre = "let xs = [1, 2]; let x: i64? = 3; let n: i64? = none;";
    for (expr, want) in [
        (
            "[xs + x, x - xs, xs * n, n - xs]",
            "[[4, 5], [2, 1], none, none]",
        ),
        ("[xs < x, n > xs]", "[[true, true], none]"),
        // A literal list takes the optional element type instead: element by element.
        ("[1, 2] + n", "[none, none]"),
    ] {
        assert_eq!(shown(&format!("{pre} {expr}")), want, "{expr}");
    }
}
