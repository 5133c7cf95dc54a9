//! Checker tests of optional values (v1): types, widening, `??`, lifting, the HIR forms
//! they become, and their errors.

use super::super::hir::{self, ExprKind, OnNone};
use crate::diag::Diagnostic;

fn check(src: &str) -> Result<hir::Program, Vec<Diagnostic>> {
    let ast = crate::syntax::parse(src).unwrap_or_else(|d| panic!("parse failed: {d:?}"));
    super::super::check(&ast).map(|c| c.program)
}

fn ok(src: &str) -> hir::Program {
    check(src).unwrap_or_else(|d| panic!("unexpected errors for {src:?}: {d:#?}"))
}

fn ty(src: &str) -> String {
    ok(src).main.ret.expect("a result").to_string()
}

fn result(src: &str) -> hir::Expr {
    *ok(src).main.body.value.expect("a result")
}

/// Exactly one error, with this code.
fn one(src: &str, code: &str) -> Diagnostic {
    let d = check(src)
        .err()
        .unwrap_or_else(|| panic!("expected an error for {src:?}"));
    assert_eq!(d.len(), 1, "expected one error for {src:?}, got {d:#?}");
    assert_eq!(d[0].code, code, "{src:?}: {:#?}", d[0]);
    d.into_iter().next().unwrap()
}

#[test]
fn optional_annotations_none_and_widening() {
    assert_eq!(ty("let x: f64? = 1.5; x"), "f64?");
    assert_eq!(ty("let x: f64? = none; x"), "f64?");
    assert_eq!(ty("let x: string? = \"a\"; x"), "string?");
    assert_eq!(ty("let x: [i64]? = [1]; x"), "[i64]?");
    assert_eq!(ty("let xs: [u8?] = [1, none]; xs"), "[u8?]");
    // A literal takes the optional's inner type; i32 widens to i64? (a Some of a Cast).
    let e = result("let a: i32 = 1; let x: i64? = a; x");
    assert!(matches!(e.kind, ExprKind::Var(_)));
    let p = ok("let a: i32 = 1; let x: i64? = a; x");
    let hir::Stmt::Assign { value, .. } = &p.main.body.stmts[1] else {
        panic!("not an assignment")
    };
    let ExprKind::Some(inner) = &value.kind else {
        panic!("no Some: {value:?}")
    };
    assert!(matches!(inner.kind, ExprKind::Cast(_)));
    // i32? widens to i64? (a Cast between optionals).
    assert_eq!(ty("let a: i32? = 1; let b: i64? = a; b"), "i64?");
}

#[test]
fn none_joins_with_the_other_branches_and_elements() {
    assert_eq!(ty("[1, none, 3]"), "[i64?]");
    assert_eq!(ty("[none, 2.5]"), "[f64?]");
    assert_eq!(ty("[1u8, none]"), "[u8?]");
    assert_eq!(ty("if(true, 1, none)"), "i64?");
    assert_eq!(ty("switch(false, none, true, \"a\", none)"), "string?");
    assert_eq!(ty("let x: i32? = 1; [x, 2u8]"), "[i32?]");
    assert_eq!(
        ty("fn f(b: bool) -> f64? = if(b, 1, none); f(true)"),
        "f64?"
    );
    assert_eq!(ty("fn f(x: i64?) -> i64 = x ?? 0; f(3) + f(none)"), "i64");
}

#[test]
fn none_without_context_is_e0220() {
    let d = one("let x = none;", "E0220");
    assert!(d.message.contains("cannot infer the type of `none`"));
    one("[none]", "E0220");
    one("none", "E0220");
    // `[]` keeps its own error.
    one("let xs = [];", "E0208");
}

#[test]
fn none_where_no_optional_is_expected_says_declare_it_optional() {
    let d = one("let x: i64 = none;", "E0201");
    assert!(d.help.as_deref().unwrap_or("").contains("i64?"), "{d:?}");
}

#[test]
fn lifting_gives_an_optional_of_the_operation() {
    assert_eq!(ty("let x: f64? = 1; x + 1"), "f64?");
    assert_eq!(ty("let x: u8? = 1; x * 2"), "u8?");
    assert_eq!(ty("let x: i64? = 1; -x"), "i64?");
    assert_eq!(ty("let x: i64? = 1; x << 2"), "i64?");
    assert_eq!(ty("let x: i64? = 1; x < 2"), "bool?");
    assert_eq!(ty("let x: f64? = 1; sqrt(x)"), "f64?");
    assert_eq!(ty("let s: string? = \"a\"; len(s)"), "i64?");
    assert_eq!(ty("let s: string? = \"a\"; upper(s) + \"b\""), "string?");
    assert_eq!(ty("let x: f64? = 1; i64(x)"), "i64?");
    // The prelude's functions lift too; a user function taking an optional does not.
    assert_eq!(ty("let x: f64? = 1; sign(x)"), "f64?");
    assert_eq!(ty("let x: f64? = 1; lerp(x, 2.0, 0.5)"), "f64?");
    assert_eq!(
        ty("fn f(x: f64?) -> f64 = x ?? 0.0; let x: f64? = 1; f(x)"),
        "f64"
    );
    one("fn f(x: f64) -> f64 = x; let x: f64? = 1; f(x)", "E0301");
    // One Lift: its optional operand tested, the operation on the bound value.
    let e = result("let x: f64? = 1; x * 2.0");
    let ExprKind::Lift {
        args,
        body,
        on_none,
    } = &e.kind
    else {
        panic!("not lifted: {e:?}")
    };
    assert_eq!((args.len(), *on_none), (1, OnNone::None));
    assert!(matches!(body.kind, ExprKind::Binary { .. }));
    // A literal stays in the body (it takes its type there); a computed operand is
    // bound first, so operands are evaluated in order before the test.
    let e = result("let x: f64? = 1; let y = 2.0; x * (y + 1.0)");
    let ExprKind::Lift { args, .. } = &e.kind else {
        panic!("not lifted")
    };
    assert_eq!(args.len(), 2);
    // Mismatched inner types are the usual errors.
    one("let x: i64? = 1; x + 1.5", "E0202");
    one("let x: i64? = 1; x + \"a\"", "E0201");
}

#[test]
fn equality_is_total_and_gives_bool() {
    assert_eq!(ty("let x: i64? = 1; x == 1"), "bool");
    assert_eq!(ty("let x: i64? = 1; x != none"), "bool");
    assert_eq!(ty("let x: i64? = 1; none == x"), "bool");
    let e = result("let x: i64? = 1; let y: i64? = 2; x == y");
    let ExprKind::Lift { on_none, .. } = e.kind else {
        panic!("not lifted")
    };
    assert_eq!(on_none, OnNone::Equal { ne: false });
    one("none == none", "E0220");
    one("let xs: [i64]? = [1]; xs == xs", "E0204");
}

#[test]
fn coalesce_types() {
    assert_eq!(ty("let x: f64? = 1; x ?? 0"), "f64");
    assert_eq!(ty("let x: f64? = 1; let y: f64? = 2; x ?? y"), "f64?");
    assert_eq!(ty("let x: u8? = 1; let y: u8? = 2; x ?? y ?? 3"), "u8");
    assert_eq!(ty("let s: string? = none; s ?? \"\""), "string");
    assert_eq!(ty("let xs: [i64]? = none; xs ?? []"), "[i64]");
    assert_eq!(ty("let x: i32? = 1; x ?? 2i64"), "i64");
    assert_eq!(ty("none ?? 1"), "i64");
    let e = result("let x: f64? = 1; let y: f64? = 2; x ?? y ?? 0");
    let ExprKind::Coalesce(xs) = &e.kind else {
        panic!("not ??")
    };
    assert_eq!(xs.len(), 3);
    let d = one("let x = 1; x ?? 0", "E0222");
    assert!(d.message.contains("never none"));
    one("let x: i64? = 1; x ?? \"a\"", "E0201");
}

#[test]
fn a_bool_optional_is_no_condition_and_the_help_shows_the_fix() {
    let d = one("let x: i64? = 1; if(x > 1, 1, 2)", "E0221");
    assert!(
        d.help
            .as_deref()
            .unwrap_or("")
            .contains("`(x > 1) ?? false`"),
        "{d:?}"
    );
    let d = one("let b: bool? = true; when b { 1; }", "E0221");
    assert!(
        d.help.as_deref().unwrap_or("").contains("`b ?? false`"),
        "{d:?}"
    );
    one("let b: bool? = true; b and true", "E0221");
    one("let b: bool? = true; true or b", "E0221");
    one("let b: bool? = true; not b", "E0221");
    one("let b: bool? = true; switch(b, 1, 2)", "E0221");
    let d = one(
        "let x: i64? = 1; let y = 2; if(x + y > 1 and true, 1, 2)",
        "E0221",
    );
    assert!(
        d.help
            .as_deref()
            .unwrap_or("")
            .contains("`(x + y > 1) ?? false`"),
        "{d:?}"
    );
    // Decided, it is a condition.
    assert_eq!(ty("let b: bool? = true; if(b ?? false, 1, 2)"), "i64");
}

#[test]
fn tests_of_optionals_and_unwrap() {
    assert_eq!(ty("let x: f64? = 1; is_none(x)"), "bool");
    assert_eq!(ty("let x: f64? = 1; is_some(x)"), "bool");
    assert_eq!(ty("let x: f64? = 1; unwrap(x)"), "f64");
    let e = result("let x: f64? = 1; unwrap(x)");
    let ExprKind::Lift { on_none, .. } = e.kind else {
        panic!("not lifted")
    };
    assert_eq!(on_none, OnNone::Fault);
    one("let x = 1; unwrap(x)", "E0222");
    one("let x = 1; is_none(x)", "E0222");
    one("let x: f64? = 1; unwrap(x, x)", "E0303");
}

#[test]
fn conversions_that_cannot_fail() {
    assert_eq!(ty("i64?(\"12\")"), "i64?");
    assert_eq!(ty("u8?(300)"), "u8?");
    assert_eq!(ty("f32?(1.5)"), "f32?");
    assert_eq!(ty("let s: string? = none; f64?(s)"), "f64?");
    let e = result("u8?(3.7)");
    assert!(matches!(e.kind, ExprKind::TryConvert(_)), "{e:?}");
    one("string?(1)", "E0102");
    one("i64?(true)", "E0301");
}

#[test]
fn aggregates_over_optionals_skip_none() {
    assert_eq!(ty("let xs = [1, none]; sum(xs)"), "i64");
    assert_eq!(ty("let xs = [1.5, none]; avg(xs)"), "f64?");
    assert_eq!(ty("let xs = [1, none]; min(xs)"), "i64?");
    assert_eq!(ty("let xs = [1, none]; max(xs)"), "i64?");
    assert_eq!(ty("let xs = [1, none]; median(xs)"), "f64?");
    assert_eq!(ty("let xs = [1, none]; count_distinct(xs)"), "i64");
    assert_eq!(ty("let xs = [1, none]; len(xs)"), "i64");
    assert_eq!(ty("let xs = [true, none]; count(xs)"), "i64");
    assert_eq!(ty("compact([1, none])"), "[i64]");
    one("compact([1, 2])", "E0222");
}

#[test]
fn a_non_optional_program_has_no_optional_node() {
    let p = ok("let x = 1; let y = [x, 2]; fn f(a: i64) -> i64 = a * 2; f(x) + sum(y)");
    use hir::Walk;
    let optional = |e: &hir::Expr| {
        matches!(
            e.kind,
            ExprKind::None
                | ExprKind::Some(_)
                | ExprKind::Lift { .. }
                | ExprKind::Coalesce(_)
                | ExprKind::TryConvert(_)
        )
    };
    assert!(!p.main.body.any(optional));
    assert!(!p.functions.iter().any(|f| f.body.any(optional)));
}

#[test]
fn element_wise_operators_over_optional_elements() {
    assert_eq!(ty("let xs = [1, none]; xs + 1"), "[i64?]");
    assert_eq!(ty("let xs = [1.5, none]; xs * xs"), "[f64?]");
    assert_eq!(ty("let xs = [1, none]; xs < 2"), "[bool?]");
    assert_eq!(ty("let xs = [1, none]; xs == 2"), "[bool]");
    assert_eq!(ty("let xs = [1, none]; xs != none"), "[bool]");
    // Lists never convert: a `[T?]` meets only a `[T?]`.
    one("let xs = [1, none]; let ys = [1, 2]; xs + ys", "E0201");
    one("let xs = [\"a\", none]; xs * 2", "E0201");
}

#[test]
fn list_functions_take_lists_of_optionals() {
    for (call, want) in [
        ("sort(xs)", "[i64?]"),
        ("sort_desc(xs)", "[i64?]"),
        ("reverse(xs)", "[i64?]"),
        ("unique(xs)", "[i64?]"),
        ("concat(xs, xs)", "[i64?]"),
        ("concat(xs, [none])", "[i64?]"),
        ("slice(xs, 0, 1)", "[i64?]"),
        ("index_of(xs, 1)", "i64"),
        ("index_of(xs, none)", "i64"),
        ("contains(xs, 1)", "bool"),
        ("1 in xs", "bool"),
        ("none in xs", "bool"),
        ("first(xs)", "i64?"),
        ("last(xs)", "i64?"),
        ("xs[0]", "i64?"),
        ("len(xs)", "i64"),
        ("flatten([xs, xs])", "[i64?]"),
    ] {
        assert_eq!(ty(&format!("let xs = [1, none]; {call}")), want, "{call}");
    }
    // An optional item searched in a list of optionals is a plain call, not lifted.
    assert_eq!(
        ty("let xs = [1, none]; let n: i64? = none; index_of(xs, n)"),
        "i64"
    );
    assert_eq!(
        ty("let xs = [1, none]; let n: i64? = none; contains(xs, n)"),
        "bool"
    );
    // Optionals at any depth.
    assert_eq!(ty("let xss = [[1, none], []]; unique(xss)"), "[[i64?]]");
    assert_eq!(ty("let ys: [[i64]?] = [[1], none]; none in ys"), "bool");
    // Lists have no order, optional or not.
    one("let ys: [[i64]?] = [[1], none]; sort(ys)", "E0301");
    // `join` needs text: E0223.
    one("let xs = [\"a\", none]; join(xs, \",\")", "E0223");
    assert_eq!(
        ty("let xs = [\"a\", none]; join(compact(xs), \",\")"),
        "string"
    );
}

#[test]
fn the_walker_lists_the_optional_nodes_children() {
    use hir::Walk;
    let p = ok("let x: i64? = 1; let y: i64? = 2; [x + 3 ?? 4, u8?(5), none]");
    let mut ints = Vec::new();
    p.main.body.walk(&mut |e| {
        if let ExprKind::Int(v) = e.kind {
            ints.push(v);
        }
    });
    assert_eq!(ints, [1, 2, 3, 4, 5]);
    // Only `unwrap` adds a fault of its own.
    let calls = hir::FallibleCalls::default();
    let e = result("let x: i64? = 1; unwrap(x)");
    assert!(e.may_fault_locally(calls));
    let e = result("let x: i64? = 1; x + 1");
    assert!(!e.may_fault_locally(calls));
}

#[test]
fn optional_containers_lift_indexing_and_element_wise_operators() {
    assert_eq!(ty("let xs: [i64]? = [1]; xs[0]"), "i64?");
    assert_eq!(ty("let xs = [1]; let i: i64? = 0; xs[i]"), "i64?");
    assert_eq!(ty("let xs: [i64?]? = [1]; xs[0]"), "i64?");
    assert_eq!(ty("let xss: [[f64]]? = [[1.0]]; xss[0]"), "[f64]?");
    assert_eq!(ty("let xss: [[f64]]? = [[1.0]]; xss[0][0]"), "f64?");
    assert_eq!(ty("let xs: [i64]? = [1]; len(xs)"), "i64?");
    assert!(matches!(
        result("let xs: [i64]? = [1]; xs[0]").kind,
        ExprKind::Lift { .. }
    ));
    assert_eq!(ty("let xs = [1]; let x: i64? = 2; xs + x"), "[i64]?");
    assert_eq!(ty("let xs = [1.5]; let x: f64? = 2.0; x * xs"), "[f64]?");
    assert_eq!(ty("let xs = [1]; let x: i64? = 2; xs < x"), "[bool]?");
    // Total equality has no element-wise meaning against a none.
    one("let xs = [1]; let x: i64? = 2; xs == x", "E0201");
    // A plain list value never converts to a list of optionals.
    one("let xs = [1]; let ys: [i64?] = xs; ys", "E0201");
}

#[test]
fn a_chain_over_optionals_is_one_lifting_node() {
    let e = result("let x: i64? = 1; let y: i64? = 2; x + 1 + y * 2 + 3 - x");
    let ExprKind::Lift { args, body, .. } = &e.kind else {
        panic!("not a lifting node: {e:?}");
    };
    use hir::Walk;
    // `x + 1` (lifted), then `y * 2` (its own lifting node: a right operand that is not
    // a variable starts a new step), then `+ 3 - x` joined to that step: each optional
    // operand bound once, the body a plain chain.
    assert_eq!(args.len(), 3, "{args:?}");
    assert!(matches!(args[1].value.kind, ExprKind::Lift { .. }));
    assert!(matches!(body.kind, ExprKind::Binary { .. }));
    let mut lifts = 0;
    body.walk(&mut |x: &hir::Expr| lifts += matches!(x.kind, ExprKind::Lift { .. }) as usize);
    assert_eq!(lifts, 0, "{body:?}");
    // A right operand that could fault or print is not moved before the operations
    // on its left: the chain lifts in steps there.
    let e = result("let x: i64? = 1; let z = 2; x + 1 + 7 / z");
    let ExprKind::Lift { args, .. } = &e.kind else {
        panic!("not a lifting node: {e:?}");
    };
    assert!(
        matches!(args[0].value.kind, ExprKind::Lift { .. }),
        "{args:?}"
    );
}
