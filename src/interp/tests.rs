//! The interpreter on the semantics that are easy to get wrong: widths, conversions,
//! f32, the display format, faults with their spans and messages, evaluation order,
//! recursion, every library function and the contract's clarifications.

use super::*;
use crate::driver::check_source;
use crate::types::ty::Ty;

fn run_with(src: &str, inputs: &[Value], options: &Options) -> (R, String) {
    let checked = check_source(src).unwrap_or_else(|d| panic!("{src}: {d:?}"));
    let mut out = String::new();
    let r = run(&checked.program, inputs, options, &mut out);
    (r, out)
}

type R = Result<Option<Value>, RuntimeError>;

/// The result's display format.
fn ok(src: &str) -> String {
    match run_with(src, &[], &Options::default()).0 {
        Ok(Some(v)) => display(&v),
        other => panic!("{src}: {other:?}"),
    }
}

/// What the program printed (it must succeed).
fn printed(src: &str) -> String {
    let (r, out) = run_with(src, &[], &Options::default());
    assert!(r.is_ok(), "{src}: {r:?}");
    out
}

fn err_with(src: &str, options: &Options) -> RuntimeError {
    match run_with(src, &[], options).0 {
        Err(e) => e,
        other => panic!("{src}: expected a fault, got {other:?}"),
    }
}

fn err(src: &str) -> RuntimeError {
    err_with(src, &Options::default())
}

/// The source text a fault points at.
fn at<'s>(src: &'s str, e: &RuntimeError) -> &'s str {
    &src[e.span.lo as usize..e.span.hi as usize]
}

#[test]
fn integers_wrap_at_their_width() {
    assert_eq!(ok("let x: i8 = 127; x + 1i8"), "-128");
    assert_eq!(ok("let x: u8 = 0; x - 1u8"), "255");
    assert_eq!(ok("let x: u16 = 300; x * 300u16"), "24464");
    assert_eq!(
        ok("let x: i64 = 9223372036854775807; x * 3"),
        "9223372036854775805"
    );
    assert_eq!(ok("let x: u64 = 18446744073709551615; x * x"), "1");
    assert_eq!(ok("let x: i8 = -128; -x"), "-128");
    assert_eq!(ok("let x: i8 = -128; abs(x)"), "-128");
    assert_eq!(ok("let x: u32 = 7; ~x"), "4294967288");
    assert_eq!(ok("let x: i32 = -7; x % 3"), "-1");
    assert_eq!(ok("let x: i32 = -7; x / 2"), "-3");
    assert_eq!(ok("sum([1i8, 127i8])"), "-128");
}

#[test]
fn shifts_are_masked_by_the_width() {
    assert_eq!(ok("let s: i64 = 65; 1i64 << s"), "2");
    assert_eq!(ok("let s: i64 = 9; 1u8 << s"), "2");
    assert_eq!(ok("let s: i64 = -1; 1i64 << s"), "-9223372036854775808");
    assert_eq!(ok("let x: i16 = -32768; x >> 3i16"), "-4096");
    assert_eq!(ok("let x: u16 = 65535; x >> 3u16"), "8191");
}

#[test]
fn division_faults_point_at_the_operator_with_the_runtimes_messages() {
    let src = "let z: i32 = 0;\nlet a: i32 = 5;\nprint(\"x\");\na / z";
    let e = err(src);
    assert_eq!(
        (e.code(), e.message.as_str()),
        ("E0601", "division by zero: `5 / 0`")
    );
    assert_eq!(at(src, &e), "a / z");
    let e = err("let z: i64 = 0; 7 % z");
    assert_eq!(e.message, "division by zero: `7 % 0`");
    // A u64 dividend reads as the JIT's i64 operand.
    let e = err("let x: u64 = 18446744073709551615; let z: u64 = 0; x / z");
    assert_eq!(e.message, "division by zero: `-1 / 0`");
    let src = "let a: i8 = -128; let b: i8 = -1; a / b";
    let e = err(src);
    assert_eq!(
        (e.code(), e.message.as_str()),
        ("E0602", "`-128 / -1` overflows i8")
    );
    assert_eq!(at(src, &e), "a / b");
    assert_eq!(ok("let a: i64 = -9223372036854775807 - 1; a % -1"), "0");
}

#[test]
fn conversions_have_rust_as_semantics() {
    assert_eq!(ok("i32(3.9e10)"), "2147483647");
    assert_eq!(ok("u8(-5.5)"), "0");
    assert_eq!(ok("i64(0.0/0.0)"), "0");
    assert_eq!(ok("u64(1.0e30)"), "18446744073709551615");
    assert_eq!(ok("i8(300)"), "44");
    assert_eq!(ok("let x: i8 = -1; u16(x)"), "65535");
    assert_eq!(ok("f32(16777217)"), "16777216.0");
    assert_eq!(ok("f64(9007199254740993)"), "9007199254740992.0");
    assert_eq!(ok("f64(18446744073709551615u64)"), "1.8446744073709552e19");
    assert_eq!(ok("i8(true) + 1i8"), "2");
    assert_eq!(ok("f64(true)"), "1.0");
    assert_eq!(ok("bool(\"true\")"), "true");
}

#[test]
fn f32_arithmetic_is_done_in_f32() {
    assert_eq!(ok("0.1f32 + 0.2f32"), "0.3");
    assert_eq!(ok("0.1 + 0.2"), "0.30000000000000004");
    assert_eq!(ok("3.4028235e38f32 * 2.0f32"), "inf");
    assert_eq!(ok("f32(1.0/3.0)"), "0.33333334");
    assert_eq!(ok("sum([1.0f32, 1e-8f32])"), "1.0");
    assert_eq!(ok("sqrt(2.0f32)"), "1.4142135");
    assert_eq!(ok("avg([1.0f32, 2.0f32])"), "1.5");
}

#[test]
fn floats_display_like_rusts_debug_at_their_width() {
    assert_eq!(ok("2.0"), "2.0");
    assert_eq!(ok("1e300 * 10.0"), "1e301");
    assert_eq!(ok("1e16"), "1e16");
    assert_eq!(ok("1e15"), "1000000000000000.0");
    assert_eq!(ok("0.000001"), "1e-6");
    assert_eq!(ok("1.0/0.0"), "inf");
    assert_eq!(ok("-1.0/0.0"), "-inf");
    assert_eq!(ok("0.0/0.0"), "NaN");
    assert_eq!(ok("-0.0"), "-0.0");
    assert_eq!(ok("string(0.1f32)"), "0.1");
    assert_eq!(ok("[1.5, 2.0, 1e21]"), "[1.5, 2.0, 1e21]");
    assert_eq!(
        ok(r#"["a", "b\n", "q\"t", "é"]"#),
        r#"["a", "b\n", "q\"t", "é"]"#
    );
    assert_eq!(ok("string([1.0f32, 2.5f32]) + \"!\""), "[1.0, 2.5]!");
    assert_eq!(
        printed("print(\"raw\\ttext\"); print([true])"),
        "raw\ttext\n[true]\n"
    );
}

#[test]
fn short_circuit_and_evaluation_order() {
    assert_eq!(printed("print(1) + print(2)"), "1\n2\n");
    assert_eq!(printed("if(print(true), print(1), print(2))"), "true\n1\n");
    assert_eq!(printed("print(false) and print(true)"), "false\n");
    assert_eq!(printed("print(true) or print(false)"), "true\n");
    assert_eq!(
        printed("switch(print(false), 1, print(true), 2, print(3))"),
        "false\ntrue\n"
    );
    assert_eq!(
        printed("x = 0; when print(x > 0) { print(1); } elif print(true) { print(2); } else { print(3); }"),
        "false\ntrue\n2\n"
    );
    // Output written before a fault stays written.
    let (r, out) = run_with(
        "print(\"a\"); let z = 0; print(1 / z)",
        &[],
        &Options::default(),
    );
    assert_eq!((r.unwrap_err().code(), out.as_str()), ("E0601", "a\n"));
}

#[test]
fn functions_recursion_globals_and_inputs() {
    let fib = "fn fib(n: i64) -> i64 = if(n < 2, n, fib(n - 1) + fib(n - 2)); fib(20)";
    assert_eq!(ok(fib), "6765");
    assert_eq!(
        ok("fn t(n: i64) -> i64 = if(n == 0, 0, n + t(n - 1)); t(100000)"),
        "5000050000"
    );
    assert_eq!(
        ok("let k = 10; fn f(x: i64) -> i64 = x * k; f(4) + k"),
        "50"
    );
    let src = "fn down(n: i64) -> i64 = down(n + 1) + 1;\ndown(0)";
    let e = err(src);
    assert_eq!(e.code(), "E0606");
    assert_eq!(at(src, &e), "down");
    let (r, _) = run_with(
        "param a: f64; param s: string; param xs: [i32]; string(a) + s + string(xs)",
        &[
            Value::F64(1.5),
            Value::Str("!".into()),
            Value::List(Ty::Int(crate::types::ty::IntTy::I32), vec![Value::I32(7)]),
        ],
        &Options::default(),
    );
    assert_eq!(r, Ok(Some(Value::Str("1.5![7]".into()))));
    let (r, _) = run_with("param a: f64; a", &[Value::I64(1)], &Options::default());
    let e = r.unwrap_err();
    assert_eq!(e.code(), "E0605");
    assert_eq!(
        e.message,
        "input `a` has type f64, but a value of type i64 was given"
    );
    let (r, _) = run_with("param a: f64; a", &[], &Options::default());
    assert_eq!(
        r.unwrap_err().message,
        "the program takes 1 input(s), 0 given"
    );
    assert_eq!(
        run_with("fn f() -> i64 = 1;", &[], &Options::default()).0,
        Ok(None)
    );
}

#[test]
fn index_and_membership() {
    let src = "let xs = [1, 2, 3];\nlet i = 3;\nxs[i]";
    let e = err(src);
    assert_eq!(e.code(), "E0603");
    assert_eq!(e.message, "index 3 is out of bounds for a list of length 3");
    assert_eq!(at(src, &e), "i");
    let e = err("let xs = [1, 2, 3]; let i = -1; xs[i]");
    assert_eq!(
        e.message,
        "index -1 is out of bounds for a list of length 3"
    );
    assert_eq!(ok("3 in [1, 2, 3]"), "true");
    assert_eq!(ok("let n = 0.0/0.0; n in [n]"), "false");
    assert_eq!(ok("\"b\" in [\"a\", \"b\"]"), "true");
}

#[test]
fn string_functions_count_characters() {
    assert_eq!(ok("len(\"héllo\")"), "5");
    assert_eq!(ok("concat(\"a\", \"é\")"), "aé");
    assert_eq!(ok("contains(\"héllo\", \"él\")"), "true");
    assert_eq!(ok("starts_with(\"héllo\", \"hé\")"), "true");
    assert_eq!(ok("ends_with(\"héllo\", \"x\")"), "false");
    assert_eq!(ok("find(\"héllo wörld\", \"wö\")"), "6");
    assert_eq!(ok("find(\"abc\", \"z\")"), "-1");
    assert_eq!(ok("substr(\"héllo\", 1, 3)"), "éll");
    assert_eq!(ok("substr(\"héllo\", -2, 4)"), "hé");
    assert_eq!(ok("substr(\"abc\", 2, 100)"), "c");
    assert_eq!(ok("upper(\"straße\")"), "STRASSE");
    assert_eq!(ok("lower(\"ÀÉ\")"), "àé");
    assert_eq!(ok("trim(\"  x y \\t\")"), "x y");
    assert_eq!(ok("replace(\"aaa\", \"a\", \"bb\")"), "bbbbbb");
    assert_eq!(ok("replace(\"aaa\", \"\", \"bb\")"), "aaa");
    assert_eq!(ok("split(\"a,b,,c\", \",\")"), r#"["a", "b", "", "c"]"#);
    assert_eq!(ok("split(\"héj\", \"\")"), r#"["h", "é", "j"]"#);
    assert_eq!(ok("split(\"\", \",\")"), r#"[""]"#);
    assert_eq!(ok("join([\"a\", \"b\", \"c\"], \"-\")"), "a-b-c");
    assert_eq!(ok("repeat(\"ab\", 3)"), "ababab");
    assert_eq!(ok("repeat(\"ab\", -1)"), "");
    let src = "repeat(\"ab\", 1000000000)";
    let e = err(src);
    assert_eq!(e.code(), "E0609");
    assert_eq!(
        e.message,
        "the result would take 2000000000 bytes; a string or list is limited to 1073741824 bytes"
    );
    assert_eq!(at(src, &e), src);
    assert_eq!(ok("\"abc\" < \"abd\""), "true");
    assert_eq!(ok("\"b\" > \"abc\""), "true");
}

#[test]
fn parse_failures_name_the_text_and_the_type() {
    assert_eq!(ok("i64(\"12\") + 1"), "13");
    assert_eq!(ok("f64(\"1e3\")"), "1000.0");
    let src = "u8(\"256\")";
    let e = err(src);
    assert_eq!(e.code(), "E0604");
    assert_eq!(
        e.message,
        "cannot parse \"256\" as u8 (number too large to fit in target type)"
    );
    assert_eq!(at(src, &e), src);
    assert_eq!(
        err("i64(\" 12\")").message,
        "cannot parse \" 12\" as i64 (invalid digit found in string)"
    );
    assert!(err("bool(\"True\")")
        .message
        .starts_with("cannot parse \"True\" as bool"));
}

#[test]
fn list_functions() {
    assert_eq!(ok("len([1, 2, 3])"), "3");
    assert_eq!(ok("sum([0.1, 0.2, 0.3])"), "0.6000000000000001");
    assert_eq!(ok("avg([1, 2])"), "1.5");
    assert_eq!(ok("let e: [f64] = []; avg(e)"), "NaN");
    assert_eq!(ok("min([3, 1, 2])"), "1");
    assert_eq!(ok("max([3u8, 200u8])"), "200");
    assert_eq!(ok("median([1, 2, 3, 4])"), "2.5");
    assert_eq!(ok("median([3.0, 1.0, 2.0])"), "2.0");
    assert_eq!(ok("median([2.0f32, 3.0f32, 1.0f32, 4.0f32])"), "2.5");
    assert_eq!(ok("let e: [i64] = []; median(e)"), "NaN");
    assert_eq!(ok("sort([\"b\", \"a\", \"B\"])"), r#"["B", "a", "b"]"#);
    assert_eq!(ok("sort([true, false])"), "[false, true]");
    assert_eq!(ok("sort_desc([1, 3, 2])"), "[3, 2, 1]");
    assert_eq!(ok("reverse([1, 2, 3])"), "[3, 2, 1]");
    assert_eq!(ok("unique([1, 2, 1, 3, 2])"), "[1, 2, 3]");
    assert_eq!(
        ok("let n = 0.0/0.0; unique([1.0, -0.0, 0.0, n, n, 1.0])"),
        "[1.0, -0.0, NaN]"
    );
    assert_eq!(
        ok("let n = 0.0/0.0; count_distinct([1.0, -0.0, 0.0, n, n])"),
        "3"
    );
    assert_eq!(ok("concat([1, 2], [3])"), "[1, 2, 3]");
    assert_eq!(ok("slice([1, 2, 3, 4], 1, 3)"), "[2, 3]");
    assert_eq!(ok("slice([1, 2, 3, 4], -5, 100)"), "[1, 2, 3, 4]");
    assert_eq!(ok("slice([1, 2, 3, 4], 3, 1)"), "[]");
    assert_eq!(ok("first([4, 5])"), "4");
    assert_eq!(ok("last([4, 5])"), "5");
    assert_eq!(ok("index_of([1.0, -0.0], 0.0)"), "1");
    assert_eq!(ok("let n = 0.0/0.0; index_of([1.0, n], n)"), "-1");
    assert_eq!(ok("contains([\"a\", \"b\"], \"b\")"), "true");
    assert_eq!(ok("filter([1, 2, 3], [true, false, true])"), "[1, 3]");
    assert_eq!(ok("count([true, false, true])"), "2");
    assert_eq!(ok("any([false])"), "false");
    assert_eq!(ok("let xs: [bool] = []; all(xs)"), "true");
    for (src, message) in [
        ("let e: [i64] = []; min(e)", "`min` of an empty list"),
        ("let e: [i64] = []; max(e)", "`max` of an empty list"),
        ("let e: [i64] = []; first(e)", "`first` of an empty list"),
        ("let e: [i64] = []; last(e)", "`last` of an empty list"),
    ] {
        let e = err(src);
        assert_eq!((e.code(), e.message.as_str()), ("E0608", message), "{src}");
    }
}

#[test]
fn element_wise_operators() {
    assert_eq!(ok("[1, 2, 3] + [10, 20, 30]"), "[11, 22, 33]");
    assert_eq!(ok("[1, 2, 3] * 2 + 1"), "[3, 5, 7]");
    assert_eq!(ok("10 - [1, 2]"), "[9, 8]");
    assert_eq!(ok("[1, 5] > 2"), "[false, true]");
    assert_eq!(ok("let xs: [u8] = [200, 1]; xs + [100u8, 1u8]"), "[44, 2]");
    assert_eq!(ok("[\"a\"] + [\"b\"]"), r#"["ab"]"#);
    let src = "[1, 2, 3] + [10, 20]";
    let e = err(src);
    assert_eq!(
        (e.code(), e.message.as_str()),
        ("E0607", "list lengths differ: 3 and 2")
    );
    assert_eq!(at(src, &e), src);
    let src = "let z = 0; 10 / [1, z, 2]";
    let e = err(src);
    assert_eq!(e.message, "division by zero: `10 / 0`");
    assert_eq!(at(src, &e), "10 / [1, z, 2]");
    assert_eq!(
        err("filter([1, 2, 3], [true])").message,
        "list lengths differ: 3 and 1"
    );
}

#[test]
fn math_builtins() {
    assert_eq!(ok("pow(2.0, 0.5)"), "1.4142135623730951");
    assert_eq!(ok("round(2.5)"), "3.0");
    assert_eq!(ok("round(-2.5)"), "-3.0");
    assert_eq!(ok("trunc(-2.7)"), "-2.0");
    assert_eq!(ok("atan2(1.0, -1.0)"), "2.356194490192345");
    assert_eq!(ok("hypot(3.0f32, 4.0f32)"), "5.0");
    assert_eq!(ok("cbrt(-27.0)"), "-3.0");
    assert_eq!(ok("is_nan(0.0/0.0)"), "true");
    assert_eq!(ok("is_inf(-1.0/0.0)"), "true");
    assert_eq!(ok("abs(-2.5f32)"), "2.5");
    assert_eq!(ok("min(3u8, 2u8)"), "2");
    assert_eq!(ok("clamp(5, 1, 3)"), "3");
    assert_eq!(ok("clamp(0.0/0.0, 1.0, 2.0)"), "NaN");
}

/// The contract's clarifications where the JIT of this writing disagrees.
#[test]
fn signed_zero_nan_median_and_clamp_follow_the_contract() {
    assert_eq!(ok("sort([1.0, -0.0, 0.0, -0.0])"), "[-0.0, -0.0, 0.0, 1.0]");
    assert_eq!(ok("sort([0.0f32, -0.0f32])"), "[-0.0, 0.0]");
    assert_eq!(
        ok("let n = 0.0/0.0; sort([3.0, n, 1.0])"),
        "[1.0, 3.0, NaN]"
    );
    assert_eq!(
        ok("let n = 0.0/0.0; sort_desc([3.0, n, -0.0, 0.0])"),
        "[3.0, 0.0, -0.0, NaN]"
    );
    let (r, _) = run_with(
        "param a: f64; param b: f64; [min(a, b), max(a, b), min(b, a), max(b, a), min([a, b]), max([b, a])]",
        &[Value::F64(0.0), Value::F64(-0.0)],
        &Options::default(),
    );
    assert_eq!(
        display(&r.unwrap().unwrap()),
        "[-0.0, 0.0, -0.0, 0.0, -0.0, 0.0]"
    );
    assert_eq!(ok("let n = 0.0/0.0; max([n, 1.0, n])"), "1.0");
    assert_eq!(ok("let n = 0.0/0.0; min([n, n])"), "NaN");
    assert_eq!(ok("let n = 0.0/0.0; min(n, 2.0)"), "2.0");
    assert_eq!(ok("median([-1.0/0.0, 0.0])"), "-inf");
    assert_eq!(ok("median([1.0/0.0, 1.0/0.0])"), "inf");
    assert_eq!(ok("median([1e308, 1e308])"), "1e308");
    assert_eq!(
        ok("median([9223372036854775807, 9223372036854775805])"),
        "9.223372036854776e18"
    );
    for src in [
        "clamp(5, 3, 1)",
        "clamp(1.0, 0.0/0.0, 2.0)",
        "clamp(1.0f32, 0.0f32, 0.0f32/0.0f32)",
    ] {
        let e = err(src);
        assert_eq!(
            (e.code(), e.message.as_str()),
            (
                "E0615",
                "`clamp(x, lo, hi)` needs `lo <= hi`, and neither bound may be NaN"
            ),
            "{src}"
        );
        assert_eq!(at(src, &e), src);
    }
}

#[test]
fn overflow_trap_faults_at_the_operator() {
    let trap = Options {
        overflow: Overflow::Trap,
        ..Options::default()
    };
    for (src, op) in [
        ("let x: i8 = 127;\nx + 1i8", "x + 1i8"),
        ("let x: u8 = 0;\nx - 1u8", "x - 1u8"),
        ("let x: i64 = 4611686018427387904;\nx * 2", "x * 2"),
        ("let x: i32 = -2147483648;\n-x", "-x"),
        ("let x: u64 = 18446744073709551615;\nx * x", "x * x"),
        ("let x: i16 = 32767;\n[1i16, x] + 1i16", "[1i16, x] + 1i16"),
    ] {
        let e = err_with(src, &trap);
        assert_eq!(
            (e.code(), e.message.as_str()),
            (
                "E0617",
                "integer overflow: the result does not fit its type"
            ),
            "{src}"
        );
        assert_eq!(at(src, &e), op, "{src}");
    }
    let (r, _) = run_with("let x: i8 = 100; x + 27i8 - 1i8", &[], &trap);
    assert_eq!(r, Ok(Some(Value::I8(126))));
    // Floats never trap; an integer `sum` adds with `+`, so it traps too.
    assert_eq!(
        run_with("1e308 * 10.0", &[], &trap).0,
        Ok(Some(Value::F64(f64::INFINITY)))
    );
    assert_eq!(
        run_with("sum([127i8, 1i8])", &[], &trap)
            .0
            .unwrap_err()
            .code(),
        "E0617"
    );
}

#[test]
fn memory_is_bounded() {
    let small = Options {
        max_memory: 1000,
        ..Options::default()
    };
    let src = "fn grow(s: string, n: i64) -> string = if(n == 0, s, grow(s + \"0123456789\", n - 1));\nlen(grow(\"\", 1000))";
    let e = err_with(src, &small);
    assert_eq!(e.code(), "E0616");
    assert!(e
        .message
        .starts_with("the run would need more than its memory limit of 1000 bytes"));
    assert_eq!(at(src, &e), "s + \"0123456789\"");
    // Sixteen i64 are 128 bytes: the literal and seven sums are 1024.
    let e = err_with(
        "let xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];\nlen(xs + xs + xs + xs + xs + xs + xs + xs)",
        &small,
    );
    assert_eq!(e.code(), "E0616", "{e:?}");
    let (r, _) = run_with("len(repeat(\"ab\", 400))", &[], &small);
    assert_eq!(r, Ok(Some(Value::I64(800))));
    let e = err_with("len(repeat(\"ab\", 501))", &small);
    assert_eq!(
        e.message,
        "the run would need more than its memory limit of 1000 bytes"
    );
}

#[test]
fn an_interrupt_stops_at_the_next_call_or_loop_iteration() {
    let flag = crate::runtime::Interrupt::new();
    flag.cancel();
    let opts = Options {
        interrupt: Some(flag.clone()),
        ..Options::default()
    };
    let src = "fn f(x: i64) -> i64 = if(x > 9, x, f(x + 1));\nprint(\"a\");\nf(1)";
    let (r, out) = run_with(src, &[], &opts);
    let e = r.unwrap_err();
    assert_eq!(
        (e.code(), e.message.as_str(), out.as_str()),
        ("E0611", "the run was interrupted", "a\n")
    );
    // At the callee's name, where generated code polls on entry.
    assert_eq!(at(src, &e), "f");
    let src = "sum([1, 2, 3])";
    let e = err_with(src, &opts);
    assert_eq!((e.code(), at(src, &e)), ("E0611", src));
    // Straight-line code without calls or loops runs to the end.
    assert_eq!(run_with("1 + 2", &[], &opts).0, Ok(Some(Value::I64(3))));
    flag.reset();
    assert_eq!(run_with(src, &[], &opts).0, Ok(Some(Value::I64(6))));
}

#[test]
fn program_sets_evaluate_only_the_chosen_output() {
    let setup = crate::types::Setup {
        host: &[],
        outputs: 2,
    };
    let checked =
        crate::driver::check_with("param x: i64;\nprint(x) + 1;\nprint(x * 2)", &setup).unwrap();
    let mut out = String::new();
    let all = run_set(
        &checked.program,
        &[Value::I64(5)],
        None,
        &Options::default(),
        &mut out,
    );
    assert_eq!(all, Ok(vec![Some(Value::I64(6)), Some(Value::I64(10))]));
    assert_eq!(out, "5\n10\n");
    let mut out = String::new();
    let one = run_set(
        &checked.program,
        &[Value::I64(5)],
        Some(1),
        &Options::default(),
        &mut out,
    );
    assert_eq!(one, Ok(vec![None, Some(Value::I64(10))]));
    assert_eq!(out, "10\n");
}
