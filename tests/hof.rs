//! Lambdas and the higher-order built-ins (`docs/language.md`, "Lambdas and higher-order
//! functions"): results, evaluation order, early exits and faults on both JIT engines at
//! -O2 and -O0 and on the reference interpreter, which must all agree; and the shape of
//! the code they compile to (inlined, vectorised, fused).

mod common;

use common::agree::{cases, eval};
use kiln::driver::{compile_with, Options};
use kiln::jit::JitEngine;
use kiln::FpMath;

#[test]
fn map_applies_the_lambda_to_each_element_in_order() {
    cases(&[
        (
            "map([1.0, 2.0, 3.0], x -> x * 2.0 + 1.0)",
            "[3.0, 5.0, 7.0]",
        ),
        ("map([1, 2, 3], x -> x * x)", "[1, 4, 9]"),
        // The result type is the body's: [i64] to [f64], to [string], to [bool].
        ("map([1, 2], x -> f64(x) / 4.0)", "[0.25, 0.5]"),
        ("map([1, 2], x -> string(x) + \"!\")", "[\"1!\", \"2!\"]"),
        ("map([\"a\", \"bb\"], s -> len(s))", "[1, 2]"),
        ("map([3, 4], x -> x > 3)", "[false, true]"),
        ("let e: [f64] = []; map(e, x -> x + 1.0)", "[]"),
        // Elements are visited left to right.
        (
            "map([1, 2, 3], x -> print(x) * 10)",
            "1\n2\n3\n[10, 20, 30]",
        ),
        // u8 arithmetic wraps in the element type.
        ("map([200u8, 100u8], x -> x + 100)", "[44, 200]"),
    ]);
}

#[test]
fn lambdas_read_every_visible_binding_by_value() {
    cases(&[
        // A local, a mutable variable (its value at the call), a function parameter.
        ("let k = 3; map([1, 2], x -> x + k)", "[4, 5]"),
        ("n = 10; let ys = map([1, 2], x -> x * n); n = 0; ys", "[10, 20]"),
        (
            "fn scale(xs: [f64], by: f64) -> [f64] = map(xs, x -> x * by); scale([1.0, 2.0], 0.5)",
            "[0.5, 1.0]",
        ),
        // A program-level binding a function reads (a global), and a call in the body.
        (
            "let offset = 100; fn shift(xs: [i64]) -> [i64] = map(xs, x -> inc(x) + offset); fn inc(x: i64) -> i64 = x + 1; shift([1, 2])",
            "[102, 103]",
        ),
        // A parameter may shadow an outer name; the outer one is untouched after.
        ("let x = 7; let ys = map([1, 2], x -> x * 2); [x, sum(ys)]", "[7, 6]"),
        // Nested lambdas see the outer lambda's parameter.
        (
            "map([1, 2], x -> sum(map([10, 20], y -> x * y)))",
            "[30, 60]",
        ),
        ("map([1, 2], x -> reduce([1, 2, 3], x, (a, y) -> a * y))", "[6, 12]"),
    ]);
}

#[test]
fn filter_keeps_the_elements_the_lambda_accepts() {
    cases(&[
        ("filter([1, 5, 2, 8], x -> x > 2)", "[5, 8]"),
        ("filter([0.1, 0.7, 0.9, 0.2], x -> x > 0.5)", "[0.7, 0.9]"),
        (
            "filter([\"a\", \"bb\", \"\"], s -> len(s) > 0)",
            "[\"a\", \"bb\"]",
        ),
        ("filter([1, 2, 3], x -> false)", "[]"),
        ("filter([1, 2, 3], x -> print(x) != 2)", "1\n2\n3\n[1, 3]"),
        // The mask form still works beside it.
        ("let xs = [1, 2, 3]; filter(xs, xs > 1)", "[2, 3]"),
    ]);
}

#[test]
fn reduce_folds_left_to_right_from_init() {
    cases(&[
        ("reduce([1.5, 2.5], 0.0, (a, x) -> a + x * x)", "8.5"),
        // An unsuffixed literal `init` takes a numeric element type...
        ("reduce([1.5, 2.5], 0, (a, x) -> a + x)", "4.0"),
        ("reduce([1u8, 2u8], 0, (a, x) -> a + x)", "3"),
        // ...and a typed `init` decides the accumulator's type.
        ("reduce([1, 2, 3], \"\", (s, x) -> s + string(x))", "123"),
        ("reduce([1, 2, 3], 0.5, (a, x) -> a * 2.0)", "4.0"),
        ("let e: [i64] = []; reduce(e, 42, (a, x) -> a + x)", "42"),
        // Order: ((10 - 1) - 2) - 3.
        ("reduce([1, 2, 3], 10, (a, x) -> a - x)", "4"),
        ("reduce([3, 1, 2], 0, (m, x) -> max(m, x))", "3"),
    ]);
}

#[test]
fn count_any_all_and_find_index_test_each_element() {
    cases(&[
        ("let k = 3; count([1, 2, 3, 4, 5], x -> x >= k)", "3"),
        ("count([\"a\", \"b\", \"a\"], s -> s == \"a\")", "2"),
        ("any([1, 2, 3], x -> x == 2)", "true"),
        ("any([1, 2, 3], x -> x > 5)", "false"),
        ("let e: [i64] = []; any(e, x -> true)", "false"),
        ("all([1, 2, 3], x -> x > 0)", "true"),
        ("all([1, 2, 3], x -> x > 1)", "false"),
        ("let e: [i64] = []; all(e, x -> false)", "true"),
        (
            "find_index([\"a\", \"bb\", \"ccc\"], s -> len(s) == 2)",
            "1",
        ),
        ("find_index([1, 2, 3], x -> x > 9)", "-1"),
        ("find_index([0.5, 2.0, 2.0], x -> x > 1.0)", "1"),
    ]);
}

#[test]
fn any_all_and_find_index_stop_at_the_deciding_element() {
    cases(&[
        // Later elements are never evaluated: no print, no fault.
        ("any([1, 2, 3], x -> print(x) == 2)", "1\n2\ntrue"),
        ("all([1, 2, 3], x -> print(x) < 2)", "1\n2\nfalse"),
        ("find_index([5, 6, 7], x -> print(x) == 6)", "5\n6\n1"),
        ("any([4, 2, 0], x -> 8 / x == 4)", "true"),
        ("all([4, 2, 0], x -> 8 / x > 2)", "false"),
        ("find_index([4, 2, 0], x -> 8 / x == 4)", "1"),
        // Reaching the bad element faults at the operator.
        (
            "any([4, 2, 0], x -> 8 / x > 9)",
            "error[E0601]: division by zero: `8 / 0`",
        ),
    ]);
}

#[test]
fn a_plain_body_decides_any_all_and_find_index_over_long_lists() {
    // Plain bodies run chunk by chunk: the first deciding index must still be exact,
    // inside the first chunk, at a chunk's edge and far beyond it.
    for at in [0usize, 1, 16_383, 16_384, 16_385, 40_000, 99_999] {
        let src = format!(
            "let xs = map(range(100000), i -> if(i == {at}, 1.0, 0.0)); \
             [find_index(xs, x -> x > 0.5), i64(any(xs, x -> x > 0.5)), i64(all(xs, x -> x < 0.5)), count(xs, x -> x > 0.5)]"
        );
        assert_eq!(eval(&src), format!("[{at}, 1, 0, 1]"), "{src}");
    }
    assert_eq!(
        eval("let xs = map(range(50000), i -> f64(i)); [find_index(xs, x -> x < 0.0), i64(any(xs, x -> is_nan(x)))]"),
        "[-1, 0]"
    );
}

#[test]
fn find_gives_the_first_accepted_element_or_none() {
    cases(&[
        ("find([1, 5, 7], x -> x > 4)", "5"),
        ("find([1, 5, 7], x -> x > 9)", "none"),
        ("find([\"a\", \"bb\"], s -> len(s) == 2)", "bb"),
        (
            "find([\"a\", \"bb\"], s -> len(s) == 5) ?? \"nothing\"",
            "nothing",
        ),
        ("let e: [f64] = []; find(e, x -> true)", "none"),
        ("find([[1], [2, 3]], xs -> len(xs) > 1)", "[2, 3]"),
        // Over optionals: the element itself (one optional, not two).
        ("let xs: [i64?] = [none, 3]; find(xs, x -> is_some(x))", "3"),
        (
            "let xs: [i64?] = [none, 3]; find(xs, x -> is_none(x))",
            "none",
        ),
        // It stops at the first accepted element.
        ("find([1, 2, 3], x -> print(x) == 2)", "1\n2\n2"),
        ("find([4, 2, 0], x -> 8 / x == 4)", "2"),
        (
            "find(map(range(100000), i -> f64(i)), x -> x > 77777.5)",
            "77778.0",
        ),
        ("map([1, 2, 3], x -> if(x == 2, none, x))", "[1, none, 3]"),
    ]);
}

#[test]
fn zip_with_pairs_elements_and_checks_lengths() {
    cases(&[
        ("zip_with([1, 2], [10, 20], (a, b) -> a * b)", "[10, 40]"),
        // The two lists may have different element types.
        (
            "zip_with([\"a\", \"b\"], [1, 2], (s, n) -> s + string(n))",
            "[\"a1\", \"b2\"]",
        ),
        ("zip_with([1.0], [2], (a, b) -> a + f64(b))", "[3.0]"),
        (
            "zip_with([1, 2, 3], [1], (a, b) -> a)",
            "error[E0607]: list lengths differ: 3 and 1",
        ),
    ]);
}

#[test]
fn flat_map_concatenates_the_lambdas_lists() {
    cases(&[
        (
            "flat_map([1, 2, 3], x -> [x, x * 10])",
            "[1, 10, 2, 20, 3, 30]",
        ),
        (
            "flat_map([0, 1, 2, 3], x -> range(x))",
            "[0, 0, 1, 0, 1, 2]",
        ),
        (
            "flat_map([\"a b\", \"c\"], s -> split(s, \" \"))",
            "[\"a\", \"b\", \"c\"]",
        ),
        ("flat_map([1, 2], x -> filter([x], y -> y > 5))", "[]"),
    ]);
}

#[test]
fn sort_by_orders_stably_by_the_key() {
    cases(&[
        ("sort_by([3, 1, 2], x -> -x)", "[3, 2, 1]"),
        // Stable: equal keys keep their order.
        (
            "sort_by([\"bb\", \"a\", \"ccc\", \"dd\"], s -> len(s))",
            "[\"a\", \"bb\", \"dd\", \"ccc\"]",
        ),
        (
            "sort_by([\"b\", \"a\", \"c\"], s -> s)",
            "[\"a\", \"b\", \"c\"]",
        ),
        // NaN keys last, -0.0 before 0.0.
        (
            "sort_by([1.0, 2.0, 3.0, 4.0], x -> if(x == 2.0, 0.0 / 0.0, if(x == 3.0, -0.0, 0.0)))",
            "[3.0, 1.0, 4.0, 2.0]",
        ),
        ("sort_by([true, false], b -> if(b, 1, 0))", "[false, true]"),
        ("let e: [f64] = []; sort_by(e, x -> x)", "[]"),
        // Keys are computed once per element, in order.
        ("sort_by([5, 3], x -> print(x))", "5\n3\n[3, 5]"),
        (
            "sort_by([1, 0], x -> 1 / x)",
            "error[E0601]: division by zero: `1 / 0`",
        ),
    ]);
}

#[test]
fn group_by_groups_by_equal_keys_in_order_of_first_appearance() {
    cases(&[
        ("group_by([1, 2, 3, 4, 5, 6], x -> x % 3)", "[[1, 4], [2, 5], [3, 6]]"),
        (
            "group_by([\"apple\", \"avocado\", \"banana\", \"cherry\", \"blueberry\"], s -> substr(s, 0, 1))",
            "[[\"apple\", \"avocado\"], [\"banana\", \"blueberry\"], [\"cherry\"]]",
        ),
        // Keys equal as `unique` compares: every NaN one key, -0.0 the same as 0.0.
        (
            "group_by([0.0, -0.0, 0.0 / 0.0, 1.0, 0.0 / 0.0], x -> x)",
            "[[0.0, -0.0], [NaN, NaN], [1.0]]",
        ),
        ("group_by([1, 2, 3], x -> x > 1)", "[[1], [2, 3]]"),
        ("let e: [i64] = []; group_by(e, x -> x)", "[]"),
        ("len(group_by(range(100), i -> i % 7))", "7"),
        // Keys are computed once per element, in order.
        ("group_by([5, 3], x -> print(x) % 2)", "5\n3\n[[5, 3]]"),
        // Lists of lists go through too.
        ("group_by([[1], [2], [1, 2]], xs -> len(xs))", "[[[1], [2]], [[1, 2]]]"),
    ]);
}

#[test]
fn lists_of_lists_go_through_every_higher_order_builtin() {
    cases(&[
        ("map([1, 2], x -> [x, x])", "[[1, 1], [2, 2]]"),
        ("map([[1], [2, 3]], xs -> sum(xs))", "[1, 5]"),
        ("flat_map([[1], [2, 3]], xs -> xs)", "[1, 2, 3]"),
        (
            "sort_by([[3, 1], [2], []], xs -> len(xs))",
            "[[], [2], [3, 1]]",
        ),
        ("filter([[1], [2, 3]], xs -> len(xs) > 1)", "[[2, 3]]"),
        ("reduce([[1], [2, 3]], 0, (a, xs) -> a + len(xs))", "3"),
        (
            "zip_with([[1], [2]], [10, 20], (xs, k) -> map(xs, x -> x * k))",
            "[[10], [40]]",
        ),
        ("map(group_by(range(6), i -> i % 2), g -> sum(g))", "[6, 9]"),
    ]);
}

#[test]
fn aggregates_over_map_give_what_the_unfused_code_gives() {
    cases(&[
        ("sum(map([1.0, 2.0, 3.0], x -> x * x))", "14.0"),
        ("sum(map([1, 2, 3], x -> x * x))", "14"),
        ("avg(map([1, 2, 3], x -> x * 2))", "4.0"),
        ("min(map([3, 1, 2], x -> x * 2))", "2"),
        ("max(map([3.0, 1.0], x -> -x))", "-1.0"),
        ("let e: [f64] = []; sum(map(e, x -> x * x))", "0.0"),
        (
            "let e: [f64] = []; min(map(e, x -> x * x))",
            "error[E0608]: `min` of an empty list",
        ),
        // A body that may fault is not fused, and still faults where it should.
        (
            "sum(map([1, 0], x -> 10 / x))",
            "error[E0601]: division by zero: `10 / 0`",
        ),
        ("sum(map([1, 2], x -> print(x)))", "1\n2\n3"),
    ]);
}

#[test]
fn element_wise_operators_over_a_map_give_what_the_unfused_code_gives() {
    cases(&[
        (
            "map([1.0, 2.0], x -> x * 2.0) + [10.0, 20.0]",
            "[12.0, 24.0]",
        ),
        ("[1, 2, 3] - map([1, 2, 3], x -> x * x)", "[0, -2, -6]"),
        (
            "map([1, 2], x -> x + 1) * 10 + map([5, 6], y -> y)",
            "[25, 36]",
        ),
        ("map([1, 2], x -> x) < map([2, 1], x -> x)", "[true, false]"),
        (
            "map([1, 2, 3], x -> x) + [1, 2]",
            "error[E0607]: list lengths differ: 3 and 2",
        ),
        // Not fused (the body prints), same result.
        ("map([1, 2], x -> print(x)) + [10, 20]", "1\n2\n[11, 22]"),
    ]);
}

#[test]
fn faults_inside_a_lambda_point_into_its_body() {
    let src = "let xs = [4, 2, 0];\nmap(xs, x -> 8 / x)";
    let checked = kiln::check_source(src).expect("checks");
    let c = compile_with(&checked.program, &Options::default(), JitEngine::Orc).expect("compiles");
    let e = c.run(&[]).expect_err("faults");
    assert_eq!(e.code(), "E0601");
    assert_eq!(&src[e.span.lo as usize..e.span.hi as usize], "8 / x");
}

// ---- the code they compile to ---------------------------------------------------------------

/// The IR of `kiln_main` (optimised) for `src`.
fn main_ir(src: &str, fp_math: FpMath) -> String {
    let checked = kiln::check_source(src).unwrap_or_else(|d| panic!("{src}: {d:?}"));
    let options = Options {
        fp_math,
        ..Options::default()
    };
    let ir = kiln::driver::emit_ir(&checked.program, &options).expect("emits");
    let start = ir.find("@kiln_main(").expect("kiln_main");
    let body = &ir[start..];
    body.split("\n}\n").next().unwrap_or(body).to_string()
}

#[test]
fn lambda_bodies_that_cannot_fault_vectorise() {
    for (src, fp) in [
        ("param xs: [f64]; map(xs, x -> x * 2.0 + 1.0)", FpMath::Fast),
        (
            "param xs: [f64]; reduce(xs, 0.0, (a, x) -> a + x * x)",
            FpMath::Fast,
        ),
        ("param xs: [f64]; count(xs, x -> x > 0.5)", FpMath::Strict),
        ("param xs: [f64]; any(xs, x -> x > 0.5)", FpMath::Strict),
        ("param xs: [f64]; all(xs, x -> x > 0.5)", FpMath::Strict),
        ("param xs: [i64]; map(xs, x -> x * 3 + 1)", FpMath::Strict),
    ] {
        let ir = main_ir(src, fp);
        assert!(
            ir.contains(" x double>") || ir.contains(" x i64>"),
            "{src}:\n{ir}"
        );
        // Inlined: no call per element (only the allocation and the fault hooks).
        assert!(!ir.contains("call void @kiln_main"), "{src}");
    }
}

#[test]
fn an_aggregate_of_a_map_is_one_loop_without_a_list() {
    let ir = main_ir("param xs: [f64]; sum(map(xs, x -> x * x))", FpMath::Fast);
    assert!(!ir.contains("@kiln_rt_alloc"), "{ir}");
    assert!(ir.contains(" x double>"), "{ir}");
    // Unfused (a body that may fault) it allocates the list.
    let ir = main_ir("param xs: [i64]; sum(map(xs, x -> 10 / x))", FpMath::Strict);
    assert!(ir.contains("@kiln_rt_alloc"), "{ir}");
    // An element-wise operator over a map: one loop, one list (the result).
    let ir = main_ir(
        "param xs: [f64]; param ys: [f64]; map(xs, x -> x * 2.0) + ys",
        FpMath::Strict,
    );
    assert_eq!(ir.matches("call ptr @kiln_rt_alloc").count(), 1, "{ir}");
    assert!(ir.contains(" x double>"), "{ir}");
}

/// `sum` of a `[T?]` skips none in one loop over the list: no `compact` list in between,
/// and the same sums (signed zeros, NaN, wrapping) as adding the values alone.
#[test]
fn a_sum_of_optionals_is_one_loop_without_a_list() {
    let ir = main_ir("param xs: [f64?]; sum(xs)", FpMath::Strict);
    assert!(!ir.contains("@kiln_rt_list_compact"), "{ir}");
    assert!(!ir.contains("@kiln_rt_alloc"), "{ir}");
    for (src, want) in [
        ("let xs: [f64?] = [-0.0, none]; string(sum(xs))", "0.0"),
        ("let xs: [f64?] = [none, 1.5, none, 2.25]; sum(xs)", "3.75"),
        ("let xs: [f64?] = [none, 0.0 / 0.0]; sum(xs)", "NaN"),
        ("let xs: [f64?] = []; sum(xs)", "0.0"),
        ("let xs: [i8?] = [100, none, 100]; sum(xs)", "-56"),
        ("let xs: [u64?] = [none, none]; sum(xs)", "0"),
    ] {
        assert_eq!(eval(src), want, "{src}");
    }
}

// ---- every path -----------------------------------------------------------------------------

#[test]
fn the_repl_runs_lambdas_over_its_bindings_and_documents_the_builtins() {
    let mut s = kiln::repl::Session::new(Options::default(), false);
    let ok = |s: &mut kiln::repl::Session, line: &str| {
        let r = s.eval(line);
        assert!(r.stderr.is_empty(), "{line}: {}", r.stderr);
        r.stdout
    };
    ok(&mut s, "let xs = [1.0, 2.0, 3.0];");
    ok(&mut s, "k = 10.0;");
    ok(
        &mut s,
        "fn scaled(ys: [f64]) -> [f64] = map(ys, y -> y * 2.0);",
    );
    assert_eq!(
        ok(&mut s, "map(xs, x -> x * k)"),
        "[10.0, 20.0, 30.0] : [f64]\n"
    );
    assert_eq!(ok(&mut s, "sum(scaled(xs))"), "12.0 : f64\n");
    assert_eq!(
        ok(&mut s, "reduce(xs, 0.0, (a, x) -> a + x * x)"),
        "14.0 : f64\n"
    );
    // A list of lists a line keeps outlives its run (the session copies it).
    ok(&mut s, "let groups = group_by(xs, x -> x > 1.5);");
    assert_eq!(ok(&mut s, "groups"), "[[1.0], [2.0, 3.0]] : [[f64]]\n");
    assert_eq!(ok(&mut s, "map(groups, g -> len(g))"), "[1, 2] : [i64]\n");
    let r = s.eval("let f = x -> x;");
    assert!(r.stderr.contains("E0230"), "{}", r.stderr);
    let doc = ok(&mut s, ":doc map");
    assert!(doc.starts_with("map(xs: [T], x -> U) -> [U]\n"), "{doc}");
    let doc = ok(&mut s, ":doc filter");
    assert!(doc.contains("filter(xs: [T], x -> bool) -> [T]"), "{doc}");
    assert!(doc.contains("filter([T], [bool]) -> [T]"), "{doc}");
}

#[test]
fn the_library_api_runs_lambdas_over_inputs() {
    let engine = kiln::Engine::new();
    let p = engine
        .compile("param xs: [f64]; param lo: f64; count(xs, x -> x > lo)")
        .expect("compiles");
    let v = p
        .run(&[
            kiln::Value::List(
                kiln::types::ty::Ty::F64,
                vec![
                    kiln::Value::F64(0.1),
                    kiln::Value::F64(0.6),
                    kiln::Value::F64(0.9),
                ],
            ),
            kiln::Value::F64(0.5),
        ])
        .expect("runs");
    assert_eq!(v.map(|v| v.to_string()).as_deref(), Some("2"));
}

#[test]
fn a_columnar_run_evaluates_lambdas_per_row() {
    use kiln::engine::{Column, ColumnBuf};
    let engine = kiln::Engine::new();
    let p = engine
        .compile(
            "param x: f64; param n: i64;\n\
             sum(map(range(n), i -> f64(i) * x)) + f64(count(range(n), i -> i % 2 == 0))",
        )
        .expect("compiles");
    let xs = [1.5, 2.0, 0.5];
    let ns = [3i64, 4, 0];
    let ColumnBuf::F64(out) = p
        .run_columns(&[Column::F64(&xs), Column::I64(&ns)])
        .expect("runs")
    else {
        panic!("an f64 column")
    };
    assert_eq!(out, [6.5, 14.0, 0.0]);
    // A fault inside a lambda names its row.
    let p = engine
        .compile("param n: i64; sum(map(range(3), i -> 6 / (i - n)))")
        .expect("compiles");
    let e = p
        .run_columns(&[Column::I64(&[5, 9, 1, 7])])
        .expect_err("row 2 divides by zero");
    assert_eq!((e.row, e.error.code()), (2, "E0601"));
}
