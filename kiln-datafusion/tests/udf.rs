//! Kiln UDFs in DataFusion SQL: arrays and scalars, nulls, string layouts, faults,
//! coercion and volatility.

use datafusion::arrow::array::{
    Array, ArrayRef, Float64Array, Int32Array, Int64Array, LargeStringArray, RecordBatch,
    StringArray, StringViewArray,
};
use datafusion::arrow::datatypes::DataType;
use datafusion::error::DataFusionError;
use datafusion::logical_expr::{ScalarUDF, Volatility};
use datafusion::prelude::SessionContext;
use kiln::engine::Purity;
use kiln::Engine;
use kiln_datafusion::{is_kiln_fault, KilnUdf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

fn udf(name: &str, source: &str) -> ScalarUDF {
    KilnUdf::compile(name, source).unwrap_or_else(|e| panic!("{e}"))
}

/// A session with table `t` holding `columns` and the given UDFs.
fn session(columns: Vec<(&str, ArrayRef)>, udfs: Vec<ScalarUDF>) -> SessionContext {
    let ctx = SessionContext::new();
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    ctx.register_batch("t", batch).unwrap();
    for u in udfs {
        ctx.register_udf(u);
    }
    ctx
}

/// The query's one result column, all batches concatenated.
async fn column(ctx: &SessionContext, sql: &str) -> Result<ArrayRef, DataFusionError> {
    let batches = ctx.sql(sql).await?.collect().await?;
    let arrays: Vec<&dyn Array> = batches.iter().map(|b| b.column(0).as_ref()).collect();
    Ok(datafusion::arrow::compute::concat(&arrays)?)
}

fn f64s(a: &ArrayRef) -> Vec<Option<f64>> {
    a.as_any()
        .downcast_ref::<Float64Array>()
        .unwrap_or_else(|| panic!("Float64, not {}", a.data_type()))
        .iter()
        .collect()
}

fn strings(a: &ArrayRef) -> Vec<Option<String>> {
    a.as_any()
        .downcast_ref::<StringArray>()
        .unwrap_or_else(|| panic!("Utf8, not {}", a.data_type()))
        .iter()
        .map(|s| s.map(str::to_owned))
        .collect()
}

const SCORE: &str = "param a: f64; param b: f64; (a * 1.8 + b) / (b + 1.0)";

fn score(a: f64, b: f64) -> f64 {
    (a * 1.8 + b) / (b + 1.0)
}

#[tokio::test]
async fn arrays_and_scalars() {
    let a = vec![1.0, 2.5, -3.0, 10.0];
    let b = vec![0.5, 1.0, 2.0, 4.0];
    let ctx = session(
        vec![
            ("a", Arc::new(Float64Array::from(a.clone())) as ArrayRef),
            ("b", Arc::new(Float64Array::from(b.clone()))),
        ],
        vec![udf("score", SCORE)],
    );
    let both = column(&ctx, "SELECT score(a, b) FROM t").await.unwrap();
    let want: Vec<Option<f64>> = a.iter().zip(&b).map(|(a, b)| Some(score(*a, *b))).collect();
    assert_eq!(f64s(&both), want);
    // A column and a constant: the constant is broadcast.
    let mixed = column(&ctx, "SELECT score(a, 3.0) FROM t").await.unwrap();
    let want: Vec<Option<f64>> = a.iter().map(|a| Some(score(*a, 3.0))).collect();
    assert_eq!(f64s(&mixed), want);
    // Constants only: one value per row all the same.
    let constant = column(&ctx, "SELECT score(2.0, 1.0) FROM t").await.unwrap();
    assert_eq!(f64s(&constant), vec![Some(score(2.0, 1.0)); 4]);
    // In a WHERE clause and an expression around it.
    let filtered = column(&ctx, "SELECT a FROM t WHERE score(a, b) > 2.0 ORDER BY a")
        .await
        .unwrap();
    assert_eq!(f64s(&filtered), vec![Some(2.5), Some(10.0)]);
}

#[tokio::test]
async fn nulls_skip_plain_params_and_are_none_for_optional_ones() {
    let a: ArrayRef = Arc::new(Float64Array::from(vec![Some(1.0), None, Some(3.0)]));
    let d: ArrayRef = Arc::new(Int64Array::from(vec![Some(0), Some(0), None]));
    let ctx = session(
        vec![("a", a), ("d", d)],
        vec![
            // A null divisor would fault if its row ran (its slot holds 0 here).
            udf("div", "param a: f64; param d: i64; a / f64(10 / (d + 1))"),
            udf("or_minus", "param x: f64?; x ?? -1.0"),
            udf("is_missing", "param x: f64?; is_none(x)"),
        ],
    );
    let div = column(&ctx, "SELECT div(a, d) FROM t").await.unwrap();
    assert_eq!(f64s(&div), vec![Some(0.1), None, None]);
    let or = column(&ctx, "SELECT or_minus(a) FROM t").await.unwrap();
    assert_eq!(f64s(&or), vec![Some(1.0), Some(-1.0), Some(3.0)]);
    let missing = column(&ctx, "SELECT is_missing(a) FROM t").await.unwrap();
    let missing = missing
        .as_any()
        .downcast_ref::<datafusion::arrow::array::BooleanArray>()
        .unwrap();
    assert_eq!(
        missing.iter().collect::<Vec<_>>(),
        vec![Some(false), Some(true), Some(false)]
    );
    // A NULL literal for a plain param: null, not run; for an optional one: none.
    let null = column(&ctx, "SELECT div(NULL, d) FROM t").await.unwrap();
    assert_eq!(f64s(&null), vec![None, None, None]);
    let none = column(&ctx, "SELECT or_minus(NULL) FROM t").await.unwrap();
    assert_eq!(f64s(&none), vec![Some(-1.0); 3]);
}

#[tokio::test]
async fn every_string_layout_binds_and_a_string_result_comes_back() {
    let words = [Some("héllo"), None, Some("Kiln"), Some("")];
    let ctx = session(
        vec![
            ("u", Arc::new(StringArray::from(words.to_vec())) as ArrayRef),
            ("l", Arc::new(LargeStringArray::from(words.to_vec()))),
            ("v", Arc::new(StringViewArray::from(words.to_vec()))),
        ],
        vec![udf(
            "shout",
            "param s: string; switch(len(s) == 0, \"(empty)\", starts_with(s, \"K\"), upper(s) + \"!\", s + \"?\")",
        )],
    );
    let want = vec![
        Some("héllo?".to_owned()),
        None,
        Some("KILN!".to_owned()),
        Some("(empty)".to_owned()),
    ];
    for col in ["u", "l", "v"] {
        let out = column(&ctx, &format!("SELECT shout({col}) FROM t"))
            .await
            .unwrap();
        assert_eq!(out.data_type(), &DataType::Utf8, "{col}");
        assert_eq!(strings(&out), want, "{col}");
    }
}

#[tokio::test]
async fn a_fault_mid_batch_is_an_execution_error_with_the_kiln_diagnostic() {
    let d: ArrayRef = Arc::new(Int64Array::from(vec![5, 2, 0, 1]));
    let ctx = session(vec![("d", d)], vec![udf("inv", "param d: i64;\n100 / d")]);
    let error = column(&ctx, "SELECT inv(d) FROM t").await.unwrap_err();
    assert!(is_kiln_fault(&error), "{error}");
    let DataFusionError::Execution(text) = error.find_root() else {
        panic!("an execution error, not {error:?}");
    };
    assert!(text.contains("E0601"), "{text}");
    assert!(text.contains("division by zero"), "{text}");
    assert!(text.contains("row 2"), "{text}");
    assert!(text.contains("100 / d"), "the source excerpt: {text}");
    // A planning error is not a fault.
    let plan = column(&ctx, "SELECT inv(d, d) FROM t").await.unwrap_err();
    assert!(!is_kiln_fault(&plan), "{plan}");
}

#[tokio::test]
async fn arguments_are_coerced_as_kiln_widens_and_refused_otherwise() {
    let i: ArrayRef = Arc::new(Int32Array::from(vec![1, 2, 3]));
    let big: ArrayRef = Arc::new(Int64Array::from(vec![10, 20, 30]));
    let x: ArrayRef = Arc::new(Float64Array::from(vec![0.5, 1.5, 2.5]));
    let ctx = session(
        vec![("i", i), ("big", big), ("x", x)],
        vec![
            udf("half", "param v: f64; v / 2.0"),
            udf("wide", "param n: i64; n * 1000000000000"),
        ],
    );
    // Int32 and Int64 columns, and an integer literal (Int64), to an f64 param.
    let out = column(&ctx, "SELECT half(i) FROM t").await.unwrap();
    assert_eq!(f64s(&out), vec![Some(0.5), Some(1.0), Some(1.5)]);
    let out = column(&ctx, "SELECT half(big) FROM t").await.unwrap();
    assert_eq!(f64s(&out), vec![Some(5.0), Some(10.0), Some(15.0)]);
    let out = column(&ctx, "SELECT half(7) FROM t").await.unwrap();
    assert_eq!(f64s(&out), vec![Some(3.5); 3]);
    // Int32 widens to i64.
    let out = column(&ctx, "SELECT wide(i) FROM t").await.unwrap();
    let out = out.as_any().downcast_ref::<Int64Array>().unwrap();
    assert_eq!(out.value(2), 3_000_000_000_000);
    // A float for an i64 param would lose its fraction, a string is no number: refused,
    // naming the param.
    let error = column(&ctx, "SELECT wide(x) FROM t").await.unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("param `n`") && text.contains("Float64"),
        "{text}"
    );
    let error = column(&ctx, "SELECT half('1') FROM t").await.unwrap_err();
    assert!(error.to_string().contains("param `v`"), "{error}");
    // Arity.
    let error = column(&ctx, "SELECT half(x, x) FROM t").await.unwrap_err();
    assert!(error.to_string().contains("takes 1 argument"), "{error}");
}

#[test]
fn volatility_follows_purity() {
    assert_eq!(
        udf("p", "param a: f64; a * 2.0").signature().volatility,
        Volatility::Immutable
    );
    assert_eq!(
        udf("q", "param a: f64; print(a); a").signature().volatility,
        Volatility::Volatile
    );
    assert_eq!(
        udf("r", "now()").signature().volatility,
        Volatility::Volatile
    );
    let mut engine = Engine::new();
    engine
        .host()
        .register("bump", Purity::SideEffect, |x: i64| x + 1)
        .register("twice", Purity::Pure, |x: i64| x * 2);
    let host = |src: &str| KilnUdf::compile_with(&engine, "h", src).unwrap();
    assert_eq!(
        host("param a: i64; bump(a)").signature().volatility,
        Volatility::Volatile
    );
    assert_eq!(
        host("param a: i64; twice(a)").signature().volatility,
        Volatility::Immutable
    );
}

static SIDE_CALLS: AtomicUsize = AtomicUsize::new(0);
static PURE_CALLS: AtomicUsize = AtomicUsize::new(0);

#[tokio::test]
async fn a_volatile_udf_runs_per_row_and_an_immutable_one_once_for_constants() {
    let mut engine = Engine::new();
    engine
        .host()
        .register("bump", Purity::SideEffect, |x: i64| {
            SIDE_CALLS.fetch_add(1, Ordering::SeqCst);
            x + 1
        })
        .register("same", Purity::Pure, |x: i64| {
            PURE_CALLS.fetch_add(1, Ordering::SeqCst);
            x + 1
        });
    let rows = 3000;
    let ctx = session(
        vec![(
            "k",
            Arc::new(Int64Array::from((0..rows).collect::<Vec<i64>>())) as ArrayRef,
        )],
        vec![
            KilnUdf::compile_with(&engine, "bump", "param a: i64; bump(a)").unwrap(),
            KilnUdf::compile_with(&engine, "same", "param a: i64; same(a)").unwrap(),
        ],
    );
    // Volatile, constant argument: still called once per row, never folded.
    let out = column(&ctx, "SELECT bump(41) FROM t").await.unwrap();
    assert_eq!(out.len(), rows as usize);
    assert_eq!(SIDE_CALLS.load(Ordering::SeqCst), rows as usize);
    let plan = ctx
        .sql("SELECT bump(41) FROM t")
        .await
        .unwrap()
        .into_optimized_plan()
        .unwrap();
    assert!(
        !plan.display_indent().to_string().contains("Int64(42)"),
        "{}",
        plan.display_indent()
    );
    // Immutable, constant argument: computed once (the optimiser folds it), not per row.
    let out = column(&ctx, "SELECT same(41) FROM t").await.unwrap();
    let out = out.as_any().downcast_ref::<Int64Array>().unwrap();
    assert_eq!(
        (out.len(), out.value(0), out.value(rows as usize - 1)),
        (rows as usize, 42, 42)
    );
    assert_eq!(PURE_CALLS.load(Ordering::SeqCst), 1);
    let plan = ctx
        .sql("SELECT same(41) FROM t")
        .await
        .unwrap()
        .into_optimized_plan()
        .unwrap();
    assert!(
        plan.display_indent()
            .to_string()
            .contains("Int64(42) AS same"),
        "{}",
        plan.display_indent()
    );
    // Over a column, both run per row.
    let before = PURE_CALLS.load(Ordering::SeqCst);
    column(&ctx, "SELECT same(k) FROM t").await.unwrap();
    assert_eq!(PURE_CALLS.load(Ordering::SeqCst) - before, rows as usize);
}

#[tokio::test]
async fn group_by_over_a_udf() {
    let v: ArrayRef = Arc::new(Int64Array::from((1..=100).collect::<Vec<i64>>()));
    let ctx = session(
        vec![("v", v)],
        vec![udf(
            "bucket",
            "param v: i64; switch(v % 15 == 0, \"fizzbuzz\", v % 5 == 0, \"buzz\", v % 3 == 0, \"fizz\", \"n\")",
        )],
    );
    let batches = ctx
        .sql("SELECT bucket(v) AS b, count(*) AS c, sum(v) AS s FROM t GROUP BY bucket(v) ORDER BY b")
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    let batch = datafusion::arrow::compute::concat_batches(&batches[0].schema(), &batches).unwrap();
    let names = strings(batch.column(0));
    let counts = batch
        .column(1)
        .as_any()
        .downcast_ref::<Int64Array>()
        .unwrap();
    let sums = batch
        .column(2)
        .as_any()
        .downcast_ref::<Int64Array>()
        .unwrap();
    let got: Vec<(String, i64, i64)> = (0..batch.num_rows())
        .map(|i| (names[i].clone().unwrap(), counts.value(i), sums.value(i)))
        .collect();
    let mut want = std::collections::BTreeMap::<String, (i64, i64)>::new();
    for v in 1..=100i64 {
        let b = match (v % 3, v % 5) {
            (0, 0) => "fizzbuzz",
            (_, 0) => "buzz",
            (0, _) => "fizz",
            _ => "n",
        };
        let e = want.entry(b.to_owned()).or_default();
        e.0 += 1;
        e.1 += v;
    }
    let want: Vec<(String, i64, i64)> = want.into_iter().map(|(k, (c, s))| (k, c, s)).collect();
    assert_eq!(got, want);
}

#[test]
fn a_program_that_is_no_function_of_columns_is_refused() {
    let e = KilnUdf::compile("nothing", "param a: i64; fn f(x: i64) = x + a;").unwrap_err();
    assert!(e.to_string().contains("no result"), "{e}");
    let e = KilnUdf::compile("bad", "param a: i64; a +").unwrap_err();
    assert!(matches!(e, kiln_datafusion::UdfError::Compile(_)));
}
