//! The string and list library (`docs/language.md`, "String functions", "List functions"
//! and "Element-wise"): every function and overload, empty inputs, Unicode, out-of-range
//! indices, wrapping sums and NaN. Programs run in-process on both JIT engines and on the
//! reference interpreter, which must all agree.

mod common;

use common::agree::{cases, eval};
use kiln::driver::{compile_with, Options};
use kiln::jit::JitEngine;
use kiln::runtime::RunCtx;

/// A compile error whose diagnostics mention `needle`.
#[track_caller]
fn rejects(src: &str, needle: &str) {
    match kiln::check_source(src) {
        Ok(_) => panic!("{src}: accepted"),
        Err(d) => assert!(format!("{d:?}").contains(needle), "{src}: {d:?}"),
    }
}

#[test]
fn string_length_search_and_tests_count_characters() {
    cases(&[
        ("len(\"héllo\")", "5"),
        ("len(\"\")", "0"),
        ("len(\"😀a\")", "2"),
        ("find(\"héllo\", \"l\")", "2"),
        ("find(\"héllo\", \"\")", "0"),
        ("find(\"abc\", \"z\")", "-1"),
        ("find(\"\", \"a\")", "-1"),
        ("contains(\"hello\", \"ell\")", "true"),
        ("contains(\"hello\", \"\")", "true"),
        ("contains(\"hello\", \"xyz\")", "false"),
        ("starts_with(\"héllo\", \"hé\")", "true"),
        ("starts_with(\"hello\", \"lo\")", "false"),
        ("ends_with(\"hello\", \"lo\")", "true"),
        ("ends_with(\"\", \"\")", "true"),
    ]);
}

#[test]
fn substr_counts_characters_and_clamps_to_what_exists() {
    cases(&[
        ("substr(\"héllo\", 1, 3)", "éll"),
        ("substr(\"hello\", 0, 99)", "hello"),
        ("substr(\"hello\", 3, 99)", "lo"),
        ("substr(\"hello\", 7, 2)", ""),
        ("substr(\"hello\", -2, 4)", "he"),
        ("substr(\"hello\", -9, 2)", ""),
        ("substr(\"hello\", 1, -1)", ""),
        ("substr(\"hello\", 2, 0)", ""),
        ("substr(\"\", 0, 1)", ""),
        ("substr(\"😀ab\", 1, 1)", "a"),
        ("substr(\"abc\", 1, 9223372036854775807)", "bc"),
    ]);
}

#[test]
fn case_trim_replace_concat_and_repeat() {
    cases(&[
        ("upper(\"straße\")", "STRASSE"),
        ("upper(\"héllo\")", "HÉLLO"),
        ("lower(\"ÀBC\")", "àbc"),
        ("upper(\"\")", ""),
        ("trim(\"  hi there \\t\\n\")", "hi there"),
        ("trim(\"   \")", ""),
        ("replace(\"aXbX\", \"X\", \"yy\")", "ayybyy"),
        ("replace(\"aaa\", \"aa\", \"b\")", "ba"),
        ("replace(\"abc\", \"\", \"-\")", "abc"),
        ("replace(\"héllo\", \"é\", \"e\")", "hello"),
        ("concat(\"ab\", \"cd\")", "abcd"),
        ("concat(\"\", \"\")", ""),
        ("repeat(\"ab\", 3)", "ababab"),
        ("repeat(\"ab\", 0)", ""),
        ("repeat(\"ab\", -2)", ""),
        ("repeat(\"\", 5)", ""),
        ("repeat(\"\", 9223372036854775807)", ""),
        (
            "repeat(\"ab\", 9223372036854775807)",
            "error[E0609]: the result would take 9223372036854775807 bytes; a string or list is limited to 1073741824 bytes",
        ),
    ]);
}

#[test]
fn split_and_join() {
    cases(&[
        ("split(\"a,b,,c\", \",\")", "[\"a\", \"b\", \"\", \"c\"]"),
        ("split(\"a--b\", \"--\")", "[\"a\", \"b\"]"),
        (
            "split(\"héllo\", \"\")",
            "[\"h\", \"é\", \"l\", \"l\", \"o\"]",
        ),
        ("split(\"\", \",\")", "[\"\"]"),
        ("split(\"abc\", \",\")", "[\"abc\"]"),
        ("len(split(\"a b c\", \" \"))", "3"),
        ("join([\"a\", \"b\", \"c\"], \", \")", "a, b, c"),
        ("join(split(\"a,b\", \",\"), \";\")", "a;b"),
        ("let e: [string] = []; join(e, \",\")", ""),
        ("join([\"x\"], \",\")", "x"),
    ]);
}

#[test]
fn list_len_first_last() {
    cases(&[
        ("len([1, 2, 3])", "3"),
        ("let e: [f64] = []; len(e)", "0"),
        ("len([\"a\", \"bc\"])", "2"),
        ("first([4, 5])", "4"),
        ("last([4, 5])", "5"),
        ("first([\"a\", \"b\"])", "a"),
        ("last([true, false])", "false"),
        ("last([1.5f32])", "1.5"),
        (
            "let e: [i64] = []; first(e)",
            "error[E0608]: `first` of an empty list",
        ),
        (
            "let e: [string] = []; last(e)",
            "error[E0608]: `last` of an empty list",
        ),
    ]);
}

#[test]
fn sum_keeps_the_element_type_and_wraps() {
    cases(&[
        ("sum([1, 2, 3])", "6"),
        ("let e: [i64] = []; sum(e)", "0"),
        ("let e: [f64] = []; sum(e)", "0.0"),
        ("sum([127i8, 1i8])", "-128"),
        ("sum([255u8, 1u8])", "0"),
        ("sum([9223372036854775807, 1])", "-9223372036854775808"),
        ("sum([18446744073709551615u64, 2u64])", "1"),
        ("sum([1.5, 2.25])", "3.75"),
        ("sum([0.1f32, 0.2f32])", "0.3"),
        ("string(sum([1i16, 2i16]))", "3"),
    ]);
}

#[test]
fn min_and_max_ignore_nan_and_fail_on_empty() {
    cases(&[
        ("min([3, 1, 2])", "1"),
        ("max([3, 1, 2])", "3"),
        ("min([-5i8, 7i8])", "-5"),
        ("max([200u8, 7u8])", "200"),
        ("min([0.0 / 0.0, 2.0, 1.0])", "1.0"),
        ("max([1.0, 0.0 / 0.0, 3.0])", "3.0"),
        ("max([0.0 / 0.0])", "NaN"),
        ("min([2.5f32, -1f32])", "-1.0"),
        (
            "let e: [i64] = []; min(e)",
            "error[E0608]: `min` of an empty list",
        ),
        (
            "let e: [f64] = []; max(e)",
            "error[E0608]: `max` of an empty list",
        ),
    ]);
}

#[test]
fn avg_and_median_are_floats() {
    cases(&[
        ("avg([1, 2])", "1.5"),
        ("avg([1.0, 2.0, 6.0])", "3.0"),
        ("avg([1f32, 2f32])", "1.5"),
        ("let e: [i64] = []; avg(e)", "NaN"),
        ("median([3, 1, 2])", "2.0"),
        ("median([3, 1, 2, 10])", "2.5"),
        ("median([5u8])", "5.0"),
        ("median([1f32, 2f32])", "1.5"),
        ("let e: [f64] = []; median(e)", "NaN"),
        ("median([1.0, 0.0 / 0.0, 2.0])", "2.0"),
        (
            "avg([9223372036854775807, 9223372036854775807])",
            "9.223372036854776e18",
        ),
    ]);
}

#[test]
fn sorting_puts_nan_last_and_is_stable() {
    cases(&[
        ("sort([3, 1, 2])", "[1, 2, 3]"),
        ("sort_desc([3, 1, 2])", "[3, 2, 1]"),
        ("sort([3.0, 0.0 / 0.0, 1.0])", "[1.0, 3.0, NaN]"),
        (
            "sort_desc([3.0, 0.0 / 0.0, 1.0, 5.0])",
            "[5.0, 3.0, 1.0, NaN]",
        ),
        ("sort([\"b\", \"a\", \"B\"])", "[\"B\", \"a\", \"b\"]"),
        ("sort([true, false])", "[false, true]"),
        ("sort([-1i8, 5i8, -128i8])", "[-128, -1, 5]"),
        ("sort([200u8, 1u8])", "[1, 200]"),
        ("let e: [i64] = []; sort(e)", "[]"),
        ("sort([-0.0, 0.0])", "[-0.0, 0.0]"),
        ("sort([0.0, -0.0])", "[-0.0, 0.0]"),
    ]);
}

#[test]
fn reverse_unique_count_distinct() {
    cases(&[
        ("reverse([1, 2, 3])", "[3, 2, 1]"),
        ("reverse([\"a\", \"b\"])", "[\"b\", \"a\"]"),
        ("let e: [bool] = []; reverse(e)", "[]"),
        ("unique([3, 1, 3, 2, 1])", "[3, 1, 2]"),
        ("unique([\"b\", \"a\", \"b\"])", "[\"b\", \"a\"]"),
        ("unique([0.0 / 0.0, 1.0, 0.0 / 0.0])", "[NaN, 1.0]"),
        ("unique([0.0, -0.0])", "[0.0]"),
        ("let e: [i64] = []; unique(e)", "[]"),
        ("count_distinct([1, 1, 2])", "2"),
        ("count_distinct([\"x\", \"y\", \"x\"])", "2"),
        ("let e: [u8] = []; count_distinct(e)", "0"),
    ]);
}

#[test]
fn concat_and_slice() {
    cases(&[
        ("concat([1, 2], [3])", "[1, 2, 3]"),
        ("concat([\"a\"], [\"b\", \"c\"])", "[\"a\", \"b\", \"c\"]"),
        ("let e: [i64] = []; concat(e, e)", "[]"),
        ("let a: [i32] = [1i32]; concat(a, [2])", "[1, 2]"),
        ("slice([1, 2, 3, 4], 1, 3)", "[2, 3]"),
        ("slice([1, 2, 3], 0, 3)", "[1, 2, 3]"),
        ("slice([1, 2, 3], -5, 10)", "[1, 2, 3]"),
        ("slice([1, 2, 3], 2, 1)", "[]"),
        ("slice([1, 2, 3], 5, 9)", "[]"),
        ("slice([\"a\", \"b\", \"c\"], 1, 2)", "[\"b\"]"),
    ]);
}

#[test]
fn index_of_and_contains() {
    cases(&[
        ("index_of([1, 2, 3], 3)", "2"),
        ("index_of([1, 2, 2], 2)", "1"),
        ("index_of([1, 2, 3], 7)", "-1"),
        ("index_of([\"a\", \"b\"], \"b\")", "1"),
        ("index_of([0.0 / 0.0], 0.0 / 0.0)", "-1"),
        ("let e: [i64] = []; index_of(e, 1)", "-1"),
        ("contains([\"a\", \"b\"], \"b\")", "true"),
        ("contains([1u8, 2u8], 3)", "false"),
        ("contains([1.5, 2.0], 2)", "true"),
    ]);
}

#[test]
fn library_calls_are_type_checked() {
    rejects("sum([\"a\"])", "no matching overload");
    rejects("len(5)", "no matching overload");
    rejects("substr(\"abc\", 1.5, 2)", "no matching overload");
    rejects("join([1, 2], \",\")", "no matching overload");
    rejects("concat([1], [\"a\"])", "no matching overload");
    rejects("avg([true])", "no matching overload");
}

/// A list-building program run 100 000 times through one `Compiled` in one context:
/// the arena is reset per run, so its size and the process's resident memory stay flat.
#[test]
fn memory_stays_flat_over_many_runs() {
    let src = "param n: i64;
        let xs = [n, n + 1, n + 2, n * 3];
        let s = split(repeat(\"ab,\", n % 7 + 3), \",\");
        sum(sort(concat(xs, reverse(xs)))) + len(join(s, \"-\"))";
    let (c, _) = kiln::compile_source(src, &Options::default()).expect("compiles");
    let mut ctx = RunCtx::new();
    let resident = || -> usize {
        let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
        statm
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse::<usize>().ok())
            .unwrap_or(0)
            * 4096
    };
    let mut arena_after_warmup = 0;
    let mut rss_after_warmup = 0;
    for i in 0..100_000i64 {
        let v = c.run_in(&mut ctx, &[kiln::Value::I64(i)]).expect("runs");
        assert!(v.is_some());
        if i == 1_000 {
            arena_after_warmup = ctx.arena_bytes();
            rss_after_warmup = resident();
        }
    }
    assert_eq!(ctx.arena_bytes(), arena_after_warmup, "the arena grew");
    let grown = resident().saturating_sub(rss_after_warmup);
    assert!(grown < 8 << 20, "resident memory grew by {grown} bytes");
}

#[test]
fn element_wise_arithmetic_between_lists_and_with_scalars() {
    cases(&[
        ("[1, 2, 3] + [10, 20, 30]", "[11, 22, 33]"),
        ("[5, 7] - [1, 2]", "[4, 5]"),
        ("[1.0, 2.0] * 2", "[2.0, 4.0]"),
        ("2 * [1, 2]", "[2, 4]"),
        ("10 - [1, 2]", "[9, 8]"),
        ("[7, -7] / 2", "[3, -3]"),
        ("[7, -7] % 2", "[1, -1]"),
        ("[7.5] % 2.0", "[1.5]"),
        ("[1, 2] + 1.5", "[2.5, 3.5]"),
        ("let xs: [u8] = [200u8, 100u8]; xs + 100", "[44, 200]"),
        (
            "let xs: [i32] = [1i32, 2i32]; let k: i16 = 3i16; xs * k",
            "[3, 6]",
        ),
        ("let xs: [f32] = [1f32, 2f32]; xs * 2.0", "[2.0, 4.0]"),
        ("[1.0] / 0.0", "[inf]"),
        ("[\"a\", \"b\"] + \"!\"", "[\"a!\", \"b!\"]"),
        ("let e: [i64] = []; e * 2", "[]"),
        ("sum([1, 2, 3] * [4, 5, 6])", "32"),
        (
            "[1, 2, 3] + [1, 2]",
            "error[E0607]: list lengths differ: 3 and 2",
        ),
        ("[6, 7] / [2, 0]", "error[E0601]: division by zero: `7 / 0`"),
        ("[6, 7] % 0", "error[E0601]: division by zero: `6 % 0`"),
        (
            "let xs = [-128i8]; xs / -1",
            "error[E0602]: `-128 / -1` overflows i8",
        ),
    ]);
}

#[test]
fn element_wise_comparisons_and_masks() {
    cases(&[
        ("[1, 2, 3] > 1", "[false, true, true]"),
        ("1 < [1, 2]", "[false, true]"),
        ("[1.0, 2.0] == [1.0, 3.0]", "[true, false]"),
        ("[0.0 / 0.0] != [0.0 / 0.0]", "[true]"),
        ("[\"a\", \"b\"] <= \"a\"", "[true, false]"),
        ("[true, false] == true", "[true, false]"),
        ("filter([1, 2, 3], [true, false, true])", "[1, 3]"),
        ("let xs = [5, 1, 7]; filter(xs, xs > 2)", "[5, 7]"),
        ("filter([\"a\", \"b\"], [false, true])", "[\"b\"]"),
        ("let e: [f64] = []; filter(e, e > 0.0)", "[]"),
        (
            "filter([1], [true, false])",
            "error[E0607]: list lengths differ: 1 and 2",
        ),
        ("count([1, 2, 3] > 1)", "2"),
        ("let e: [bool] = []; count(e)", "0"),
        ("any([1, 2, 3] > 5)", "false"),
        ("any([false, true])", "true"),
        ("let e: [bool] = []; any(e)", "false"),
        ("all([1, 2, 3] > 0)", "true"),
        ("all([true, false])", "false"),
        ("let e: [bool] = []; all(e)", "true"),
    ]);
}

#[test]
fn element_wise_operators_are_type_checked() {
    rejects(
        "let a: [i32] = [1i32]; let b: [i64] = [2]; a + b",
        "cannot mix [i32] and [i64]",
    );
    rejects("[1, 2] & [3, 4]", "not defined");
    rejects("[true] + [false]", "not defined");
    rejects("[\"a\"] - \"b\"", "not defined");
    rejects("let x: u8 = 1u8; [1000] + x", "out of range");
    rejects("count([1, 2])", "no matching overload");
    rejects("filter([1, 2], [1, 2])", "no matching overload");
}

/// Aggregates and element-wise operators are loops in the generated code that LLVM
/// vectorises (no runtime call per element).
#[test]
fn element_wise_loops_and_integer_sums_are_vectorised() {
    let ir = |src: &str| {
        let checked = kiln::check_source(src).expect("checks");
        kiln::driver::emit_ir(&checked.program, &Options::default()).expect("emits")
    };
    let axpy = ir("param xs: [f64]; param ys: [f64]; xs * 2.0 + ys");
    assert!(axpy.contains("x double>"), "{axpy}");
    let isum = ir("param xs: [i64]; sum(xs)");
    assert!(isum.contains("x i64>"), "{isum}");
    assert!(!isum.contains("kiln_rt_list"), "{isum}");
}

/// Nested element-wise operators run as one loop; evaluation order, length checks and
/// results are those of the unfused operators.
#[test]
fn fused_element_wise_trees_behave_like_separate_operators() {
    cases(&[
        (
            "let xs = [1.0, 2.0]; let ys = [10.0, 20.0]; xs * 2.0 + ys",
            "[12.0, 24.0]",
        ),
        ("2.0 * ([1.0, 2.0] - 1.0) / [2.0, 4.0]", "[0.0, 0.5]"),
        (
            "([1, 2, 3] > 1) == [true, true, false]",
            "[false, true, false]",
        ),
        (
            "([\"a\", \"b\"] + \"x\") + [\"1\", \"2\"]",
            "[\"ax1\", \"bx2\"]",
        ),
        ("([6, 8] / 2) + 1", "[4, 5]"),
        ("sum(([1, 2, 3] * 2) + 1)", "15"),
        ("let e: [f64] = []; (e + 1.0) * e", "[]"),
        (
            "([1, 2, 3] + [1, 2]) * [7]",
            "error[E0607]: list lengths differ: 3 and 2",
        ),
        (
            "([1, 2] + [1, 2]) * [7, 8, 9]",
            "error[E0607]: list lengths differ: 2 and 3",
        ),
        ("([255u8] + 1) * 2", "[0]"),
    ]);
    let ir = {
        let checked =
            kiln::check_source("param xs: [f64]; param ys: [f64]; xs * 2.0 + ys").expect("checks");
        kiln::driver::emit_ir(&checked.program, &Options::default()).expect("emits")
    };
    let main = ir.split("define void @kiln_entry").next().unwrap_or("");
    assert_eq!(main.matches("call ptr @kiln_rt_alloc").count(), 1, "{main}");
}

// ---- issue 14: boolean masks ---------------------------------------------------------------

#[test]
fn bitwise_operators_on_bools_evaluate_both_sides() {
    let mut table = Vec::new();
    let rows: Vec<(String, String)> = [(false, false), (false, true), (true, false), (true, true)]
        .into_iter()
        .flat_map(|(a, b)| {
            [("&", a & b), ("|", a | b), ("^", a ^ b)].map(|(op, want)| {
                (
                    format!("let a = {a}; let b = {b}; a {op} b"),
                    want.to_string(),
                )
            })
        })
        .collect();
    for (src, want) in &rows {
        table.push((src.as_str(), want.as_str()));
    }
    // No short-circuit: both operands run, left to right (the printed lines show it,
    // before the result, on every path).
    table.push(("print(false) & print(true)", "false\ntrue\nfalse"));
    table.push(("print(true) | print(false)", "true\nfalse\ntrue"));
    table.push(("not true ^ true", "true"));
    cases(&table);
}

#[test]
fn masks_combine_element_wise() {
    cases(&[
        (
            "[true, true, false, false] & [true, false, true, false]",
            "[true, false, false, false]",
        ),
        (
            "[true, true, false, false] | [true, false, true, false]",
            "[true, true, true, false]",
        ),
        (
            "[true, true, false, false] ^ [true, false, true, false]",
            "[false, true, true, false]",
        ),
        // A scalar bool on either side, as for the other element-wise operators.
        ("[true, false] & true", "[true, false]"),
        ("false | [true, false]", "[true, false]"),
        ("true ^ [true, false]", "[false, true]"),
        ("not [true, false]", "[false, true]"),
        ("![false]", "[true]"),
        ("let e: [bool] = []; not e & e", "[]"),
        (
            "let xs = [0.5, 2.0, 5.0, 9.0]; filter(xs, (xs > 1.0) & (xs < 8.0))",
            "[2.0, 5.0]",
        ),
        (
            "let xs = [1, 2, 3, 4, 5]; filter(xs, (xs < 2) | (xs > 4))",
            "[1, 5]",
        ),
        ("let xs = [1, 2, 3]; count(not (xs == 2))", "2"),
        ("let xs = [1, 2, 3]; all((xs > 0) ^ (xs > 5))", "true"),
        ("let xs = [1, 2, 3]; any(not (xs > 0))", "false"),
        // Precedence: `&` binds tighter than `^`, `^` tighter than `|`.
        ("[true] | [false] & [false]", "[true]"),
        ("[true] ^ [true] & [false]", "[true]"),
        (
            "[true, false] & [true]",
            "error[E0607]: list lengths differ: 2 and 1",
        ),
        (
            "let a = [true]; let b = [true, false]; (a | a) & not b",
            "error[E0607]: list lengths differ: 1 and 2",
        ),
    ]);
}

/// A mask over a list is a loop LLVM vectorises, fused with the comparisons it combines
/// (one allocation, no runtime call per element).
#[test]
fn a_combined_mask_is_one_vectorised_loop() {
    let checked = kiln::check_source(
        "param xs: [f64]; param lo: f64; param hi: f64; not ((xs > lo) & (xs < hi)) | (xs == 0.0)",
    )
    .expect("checks");
    let ir = kiln::driver::emit_ir(&checked.program, &Options::default()).expect("emits");
    let main = ir.split("define void @kiln_entry").next().unwrap_or("");
    assert!(main.contains("x double>"), "{main}");
    assert_eq!(main.matches("call ptr @kiln_rt_alloc").count(), 1, "{main}");
}

// ---- issue 13 ----------------------------------------------------------------------------

#[test]
fn min_and_max_of_three_or_more_follow_the_two_argument_rules() {
    cases(&[
        ("max(1, 5, 3)", "5"),
        ("min(4, 2, 9, 3)", "2"),
        ("max(1u8, 2, 3)", "3"),
        ("min(200u8, 255, 7)", "7"),
        ("let x: i32 = -4; min(x, 2, -7, 100)", "-7"),
        ("max(-5i64, -9, -1, -3, -2)", "-1"),
        ("max(1.5, 2u8, 3.0f32)", "3.0"),
        // NaN is ignored wherever it stands; NaN only when every argument is NaN.
        ("let n = 0.0 / 0.0; min(n, 3.0, 1.0)", "1.0"),
        ("let n = 0.0 / 0.0; min(3.0, n, 1.0)", "1.0"),
        ("let n = 0.0 / 0.0; max(3.0, 1.0, n)", "3.0"),
        ("let n = 0.0 / 0.0; max(n, n, n)", "NaN"),
        ("let n = 0.0f32 / 0.0f32; min(n, n, 2.0f32, n)", "2.0"),
        // -0.0 is below 0.0, in any order.
        ("min(0.0, -0.0, 0.0)", "-0.0"),
        ("min(0.0, 0.0, -0.0)", "-0.0"),
        ("max(-0.0, 0.0, -0.0)", "0.0"),
        ("max(-0.0, -0.0, 0.0)", "0.0"),
        ("1.0 / min(0.0, 1.0, -0.0)", "-inf"),
    ]);
}

#[test]
fn a_user_function_replaces_a_builtin_overload() {
    cases(&[
        ("fn abs(x: i64) -> i64 = x * 10; abs(-3)", "-30"),
        // Other overloads stay the built-in's.
        ("fn abs(x: i64) -> i64 = x * 10; abs(-2.5)", "2.5"),
        ("fn sum(xs: [i64]) -> i64 = len(xs); sum([5, 6, 7])", "3"),
        (
            "fn max(a: i64, b: i64, c: i64) -> i64 = a - b - c; [max(1, 2, 3), max(1, 2)]",
            "[-4, 2]",
        ),
        ("fn sign(x: i64) -> i64 = x * 2; sign(-3)", "-6"),
    ]);
}

#[test]
fn float_literals_beside_integers_and_literal_context() {
    cases(&[
        ("let x: i32 = 5; x / 2.0", "2.5"),
        ("let x: u8 = 5; x * 1.5", "7.5"),
        ("let x: u32 = 4000000000; x + 0.5", "4000000000.5"),
        ("let x: i16 = -7; x % 2.5", "-2.0"),
        (
            "let x: i32 = 5; [x < 5.5, x > 5.5, x == 5.0]",
            "[true, false, true]",
        ),
        ("let x: i32 = 2; x * [1.5, 2.5]", "[3.0, 5.0]"),
        ("[1.5, 2u8, 3.0f64]", "[1.5, 2.0, 3.0]"),
        ("[3.0f64, 2u8, 1.5]", "[3.0, 2.0, 1.5]"),
        ("fn f() -> u32 { 10 } f()", "10"),
        (
            "fn f(c: bool) -> u8 { let k: u8 = 1; if(c, 200 + k, 3) } f(true)",
            "201",
        ),
        // An annotation reaches through element-wise operators: u8 arithmetic wraps.
        ("let xs: [u8] = [200, 1] + [100, 1]; xs", "[44, 2]"),
        ("let xs: [i8] = [100, -100] * 2; xs", "[-56, 56]"),
    ]);
}

#[test]
fn any_integer_type_indexes_a_list() {
    cases(&[
        ("let xs = [10, 20, 30]; xs[1u64]", "20"),
        ("let xs = [10, 20, 30]; let i: i8 = 2; xs[i]", "30"),
        ("let xs = [10, 20, 30]; let i: u16 = 0; xs[i]", "10"),
        (
            "let xs = [10, 20, 30]; xs[18446744073709551615u64]",
            "error[E0603]: index 18446744073709551615 is out of bounds for a list of length 3",
        ),
        (
            "let xs = [10, 20, 30]; let i: u64 = 9223372036854775808; xs[i]",
            "error[E0603]: index 9223372036854775808 is out of bounds for a list of length 3",
        ),
        (
            "let xs = [10, 20, 30]; let i: i8 = -1; xs[i]",
            "error[E0603]: index -1 is out of bounds for a list of length 3",
        ),
        (
            "let xs = [10, 20, 30]; let i: u8 = 255; xs[i]",
            "error[E0603]: index 255 is out of bounds for a list of length 3",
        ),
        (
            "let xs = [10, 20, 30]; let i: u32 = 4294967295; xs[i]",
            "error[E0603]: index 4294967295 is out of bounds for a list of length 3",
        ),
    ]);
}

/// `cases`, and each program also compiled at -O0 and -O2 (its arguments passed through
/// a function too, so no optimisation sees constants) with the same result.
#[track_caller]
fn cases_at_every_level(table: &[(&str, &str)]) {
    for (src, want) in table {
        assert_eq!(eval(src), *want, "{src}");
        let checked = kiln::check_source(src).unwrap_or_else(|d| panic!("{src}: {d:?}"));
        for opt_level in [0, 2] {
            let options = Options {
                opt_level,
                ..Options::default()
            };
            let c = compile_with(&checked.program, &options, JitEngine::Orc)
                .unwrap_or_else(|e| panic!("{src}: {e}"));
            let got = match c.run(&[]) {
                Ok(v) => v.map(|v| v.to_string()).unwrap_or_default(),
                Err(e) => format!("error[{}]: {}", e.code(), e.message),
            };
            assert_eq!(got, *want, "-O{opt_level}: {src}");
        }
    }
}

#[test]
fn range_counts_up_to_its_end_and_down_with_a_negative_step() {
    let f3 = "fn r(a: i64, b: i64, s: i64) -> [i64] = range(a, b, s);";
    cases_at_every_level(&[
        ("range(5)", "[0, 1, 2, 3, 4]"),
        ("range(1)", "[0]"),
        ("range(0)", "[]"),
        ("range(-4)", "[]"),
        ("range(2, 6)", "[2, 3, 4, 5]"),
        ("range(-2, 1)", "[-2, -1, 0]"),
        ("range(6, 2)", "[]"),
        ("range(3, 3)", "[]"),
        ("range(0, 10, 3)", "[0, 3, 6, 9]"),
        ("range(0, 9, 3)", "[0, 3, 6]"),
        ("range(10, 0, -3)", "[10, 7, 4, 1]"),
        ("range(10, 1, -3)", "[10, 7, 4]"),
        ("range(0, 10, -1)", "[]"),
        ("range(10, 0, 1)", "[]"),
        ("range(5, 5, -1)", "[]"),
        // A step larger than the distance: one element.
        ("range(0, 5, 100)", "[0]"),
        ("range(0, -5, -100)", "[0]"),
        (&format!("{f3} r(1, 11, 4)"), "[1, 5, 9]"),
        (&format!("{f3} r(1, -11, -4)"), "[1, -3, -7]"),
        (&format!("{f3} len(r(0, 1000000, 7))"), "142858"),
        // The extremes of i64: nothing wraps, the distance is counted exactly.
        (
            "range(-9223372036854775807 - 1, 9223372036854775807, 4611686018427387904)",
            "[-9223372036854775808, -4611686018427387904, 0, 4611686018427387904]",
        ),
        (
            "range(9223372036854775807, -9223372036854775807 - 1, -9223372036854775807)",
            "[9223372036854775807, 0, -9223372036854775807]",
        ),
        (
            "range(9223372036854775805, 9223372036854775807)",
            "[9223372036854775805, 9223372036854775806]",
        ),
        (
            "range(-9223372036854775807 - 1, -9223372036854775807 + 1)",
            "[-9223372036854775808, -9223372036854775807]",
        ),
        // A range is an ordinary list: aggregates, indexing, element-wise operators.
        ("sum(range(1000000))", "499999500000"),
        ("sum(range(1, 101)) * 2", "10100"),
        ("let xs = range(10, 0, -2); xs[1] + len(xs)", "13"),
        ("range(4) * 2 + range(1, 5)", "[1, 4, 7, 10]"),
        ("filter(range(6), range(6) % 2 == 0)", "[0, 2, 4]"),
    ]);
}

#[test]
fn range_arguments_are_i64_with_literal_context() {
    cases_at_every_level(&[
        // Narrower integers widen to i64 like other i64 parameters.
        ("let n: u8 = 3; range(n)", "[0, 1, 2]"),
        ("let a: i8 = -2; let b: u32 = 1; range(a, b)", "[-2, -1, 0]"),
        ("let s: i16 = -2; range(4, 0, s)", "[4, 2]"),
        // Literals beyond i32 are i64.
        ("len(range(4000000000, 4000000003))", "3"),
    ]);
    rejects("range(2.5)", "no matching overload");
    rejects("let n: u64 = 3; range(n)", "no matching overload");
    rejects("range(\"3\")", "no matching overload");
    rejects("range()", "range");
    rejects("range(1, 2, 3, 4)", "range");
}

#[test]
fn a_zero_range_step_faults_and_a_huge_range_is_refused_before_it_is_built() {
    let f3 = "fn r(a: i64, b: i64, s: i64) -> [i64] = range(a, b, s);";
    cases_at_every_level(&[
        (
            "range(0, 10, 0)",
            "error[E0613]: `range` needs a step other than zero",
        ),
        (
            &format!("{f3} r(5, 5, 0)"),
            "error[E0613]: `range` needs a step other than zero",
        ),
        // Its length is computed first: 2^63 elements would take more than 2^64 bytes.
        (
            "len(range(-9223372036854775807 - 1, 9223372036854775807))",
            "error[E0609]: the result would take 9223372036854775807 bytes; a string or list is limited to 1073741824 bytes",
        ),
        // Just over 1 GiB: 2^27 + 1 elements of 8 bytes.
        (
            "len(range(134217729))",
            "error[E0609]: the result would take 1073741832 bytes; a string or list is limited to 1073741824 bytes",
        ),
    ]);
}

/// Issue 14: nested lists through the list library; `in`, `contains`, `index_of`,
/// `unique` and `count_distinct` compare them structurally (`in` with `==` on numbers,
/// `unique` with every NaN one value), at every depth and for strings.
#[test]
fn nested_lists_through_the_library() {
    let nan = "let n = 0.0 / 0.0;";
    cases(&[
        ("[[1, 2], [3]]", "[[1, 2], [3]]"),
        ("[[], [1]]", "[[], [1]]"),
        ("let g: [[u8]] = [[1], []]; g", "[[1], []]"),
        // Inner literals widen element by element (to i64, to optionals).
        (
            "let a: i32 = -3; let g: [[i64]] = [[a], [1u8]]; g",
            "[[-3], [1]]",
        ),
        (
            "let g: [[string?]] = [[string(7)], [none, \"x\"]]; g",
            "[[\"7\"], [none, \"x\"]]",
        ),
        ("[[\"a\", \"b\\n\"], []]", "[[\"a\", \"b\\n\"], []]"),
        ("[[[1]], [[2, 3], []]]", "[[[1]], [[2, 3], []]]"),
        ("let g = [[1, 2], [3]]; g[0][1] + g[1][0]", "5"),
        (
            "let g = [[1, 2], [3]]; g[1][1]",
            "error[E0603]: index 1 is out of bounds for a list of length 1",
        ),
        (
            "let g = [[1, 2], [3]]; g[2][0]",
            "error[E0603]: index 2 is out of bounds for a list of length 2",
        ),
        ("len([[1], [2, 3], []])", "3"),
        ("concat([[1]], [[2, 3]])", "[[1], [2, 3]]"),
        ("slice([[1], [2], [3]], 1, 9)", "[[2], [3]]"),
        ("reverse([[\"a\"], [\"b\"]])", "[[\"b\"], [\"a\"]]"),
        ("first([[1.5], []])", "[1.5]"),
        ("last([[1.5], []])", "[]"),
        ("first(last([[[1]], [[2, 3]]]))", "[2, 3]"),
        ("flatten([[1], [2, 3], []])", "[1, 2, 3]"),
        ("flatten([[[1]], [[2], []]])", "[[1], [2], []]"),
        ("let e: [[string]] = []; flatten(e)", "[]"),
        (
            "flatten([[\"a\"], [\"b\", \"c\"]])",
            "[\"a\", \"b\", \"c\"]",
        ),
        ("[2, 3] in [[1], [2, 3]]", "true"),
        ("[2] in [[1], [2, 3]]", "false"),
        ("[] in [[1], []]", "true"),
        ("[73] in []", "false"),
        ("[[\"a\"]] in [[[\"b\"]], [[\"a\"]]]", "true"),
        ("index_of([[1], [2, 3], [2, 3]], [2, 3])", "1"),
        ("index_of([[1]], [1, 1])", "-1"),
        ("contains([[\"x\", \"y\"]], [\"x\", \"y\"])", "true"),
        ("contains([[0.0]], [-0.0])", "true"),
        (&format!("{nan} contains([[n]], [n])"), "false"),
        ("unique([[1], [2], [1], [], []])", "[[1], [2], []]"),
        (
            &format!("{nan} unique([[n], [1.0], [n], [0.0], [-0.0]])"),
            "[[NaN], [1.0], [0.0]]",
        ),
        (
            "unique([[\"a\", \"b\"], [\"ab\"], [\"a\", \"b\"]])",
            "[[\"a\", \"b\"], [\"ab\"]]",
        ),
        ("count_distinct([[1], [2], [1], [1, 2]])", "3"),
        ("count_distinct([[[1]], [[1]], [[1], []]])", "2"),
        ("string([[1], []]) + \"!\"", "[[1], []]!"),
        ("len(string([[\"a\"]]))", "7"),
    ]);
    rejects("sort([[2], [1]])", "lists have no order");
    rejects("sum([[1]])", "no matching overload");
    rejects("[[1]] == [[1]]", "`in`");
}
