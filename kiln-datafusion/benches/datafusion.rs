//! A Kiln UDF in DataFusion SQL against the same expression written in SQL, over a
//! Parquet file of 10 M rows (generated once into `target/kiln-datafusion-bench/`):
//!
//! - `arith`: `(a * 1.8 + b) / (c + 1.0) - ln(a + 1.0)` (Kiln spells `ln` `log`), DataFusion's vectorised
//!   kernels against Kiln's compiled loop;
//! - `branches`: a `switch` on a string column with a prefix test, then an `if` on an
//!   integer, against the same logic with SQL `CASE`.
//!
//! Each query sums the expression, so both sides read the same columns and produce
//! one row. `KILN_BENCH_ROWS` sets another row count (a new file).

use criterion::{criterion_group, criterion_main, Criterion};
use datafusion::arrow::array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::prelude::{ParquetReadOptions, SessionContext};
use kiln_datafusion::KilnUdf;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::runtime::Runtime;

const ARITH_KILN: &str = "param a: f64; param b: f64; param c: f64;\n\
                          (a * 1.8 + b) / (c + 1.0) - log(a + 1.0)";
const ARITH_SQL: &str = "(a * 1.8 + b) / (c + 1.0) - ln(a + 1.0)";

const BRANCHES_KILN: &str = "param amount: f64; param category: string; param qty: i64;\n\
    let base = switch(category == \"food\", amount * 0.9,\n\
                      category == \"tools\", amount * 1.2 + 5.0,\n\
                      starts_with(category, \"elec\"), amount * 1.5,\n\
                      amount);\n\
    if(qty > 10, base * 0.95, base)";
const BRANCHES_SQL: &str = "CASE WHEN qty > 10 THEN 0.95 ELSE 1.0 END * \
    CASE WHEN category = 'food' THEN amount * 0.9 \
         WHEN category = 'tools' THEN amount * 1.2 + 5.0 \
         WHEN category LIKE 'elec%' THEN amount * 1.5 \
         ELSE amount END";

const CATEGORIES: [&str; 6] = [
    "food",
    "tools",
    "electronics",
    "electrical",
    "toys",
    "garden",
];

fn rows() -> usize {
    std::env::var("KILN_BENCH_ROWS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(10_000_000)
}

/// The data file, written on first use: a, b, c (f64), amount (f64), category
/// (string), qty (i64), from a fixed pseudo-random sequence.
fn data_file(rows: usize) -> PathBuf {
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/kiln-datafusion-bench");
    let path = target.join(format!("data-{rows}.parquet"));
    if path.exists() {
        return path;
    }
    std::fs::create_dir_all(&target).unwrap();
    let partial = path.with_extension("partial");
    let file = std::fs::File::create(&partial).unwrap();
    let mut writer = None;
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let chunk = 1 << 20;
    for start in (0..rows).step_by(chunk) {
        let n = chunk.min(rows - start);
        let mut float = |scale: f64| -> Vec<f64> {
            (0..n)
                .map(|_| (next() % 1_000_000) as f64 / 1_000_000.0 * scale)
                .collect()
        };
        let (a, b, c, amount) = (float(100.0), float(50.0), float(10.0), float(500.0));
        let category: Vec<&str> = (0..n)
            .map(|_| CATEGORIES[(next() % CATEGORIES.len() as u64) as usize])
            .collect();
        let qty: Vec<i64> = (0..n).map(|_| (next() % 20) as i64).collect();
        let batch = RecordBatch::try_from_iter([
            ("a", Arc::new(Float64Array::from(a)) as ArrayRef),
            ("b", Arc::new(Float64Array::from(b))),
            ("c", Arc::new(Float64Array::from(c))),
            ("amount", Arc::new(Float64Array::from(amount))),
            ("category", Arc::new(StringArray::from(category))),
            ("qty", Arc::new(Int64Array::from(qty))),
        ])
        .unwrap();
        writer
            .get_or_insert_with(|| {
                ArrowWriter::try_new(file.try_clone().unwrap(), batch.schema(), None).unwrap()
            })
            .write(&batch)
            .unwrap();
    }
    writer.unwrap().close().unwrap();
    std::fs::rename(&partial, &path).unwrap();
    path
}

/// The one value of a one-row, one-column query.
async fn value(ctx: &SessionContext, sql: &str) -> f64 {
    let batches = ctx.sql(sql).await.unwrap().collect().await.unwrap();
    let column = batches[0].column(0);
    column
        .as_any()
        .downcast_ref::<Float64Array>()
        .expect("a Float64 sum")
        .value(0)
}

fn bench(c: &mut Criterion) {
    let rows = rows();
    let path = data_file(rows);
    let rt = Runtime::new().unwrap();
    let ctx = SessionContext::new();
    rt.block_on(ctx.register_parquet("t", path.to_str().unwrap(), ParquetReadOptions::default()))
        .unwrap();
    ctx.register_udf(KilnUdf::compile("arith", ARITH_KILN).unwrap());
    ctx.register_udf(KilnUdf::compile("branches", BRANCHES_KILN).unwrap());

    let cases = [
        (
            "arith",
            "SELECT sum(arith(a, b, c)) FROM t".to_owned(),
            format!("SELECT sum({ARITH_SQL}) FROM t"),
        ),
        (
            "branches",
            "SELECT sum(branches(amount, category, qty)) FROM t".to_owned(),
            format!("SELECT sum({BRANCHES_SQL}) FROM t"),
        ),
    ];
    for (name, kiln, sql) in &cases {
        // Both sides compute the same thing (up to summation order).
        let (k, s) = rt.block_on(async { (value(&ctx, kiln).await, value(&ctx, sql).await) });
        assert!(
            (k - s).abs() <= 1e-9 * s.abs(),
            "{name}: Kiln {k} and SQL {s} differ"
        );
        let mut group = c.benchmark_group(format!("datafusion_{name}_{rows}"));
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(15));
        group.bench_function("kiln_udf", |b| b.iter(|| rt.block_on(value(&ctx, kiln))));
        group.bench_function("sql", |b| b.iter(|| rt.block_on(value(&ctx, sql))));
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
