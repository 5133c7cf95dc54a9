//! A Kiln UDF in a Ballista query: an in-process standalone cluster (a scheduler and an
//! executor on loopback ports), a Parquet table split over several files, and the same
//! query run by plain DataFusion to compare with.

use ballista::prelude::{SessionConfigExt, SessionContextExt};
use datafusion::arrow::array::{ArrayRef, Float64Array, Int64Array, RecordBatch};
use datafusion::arrow::util::pretty::pretty_format_batches;
use datafusion::execution::SessionStateBuilder;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};
use kiln_datafusion::codec::KilnCodec;
use kiln_datafusion::KilnUdf;
use std::path::Path;
use std::sync::Arc;

const SCORE: &str = "param a: f64; param b: f64; (a * 1.8 + b) / (b + 1.0)";
const BUCKET: &str =
    "param id: i64; switch(id % 3 == 0, \"three\", id % 2 == 0, \"even\", \"other\")";
const FILES: i64 = 4;
const ROWS_PER_FILE: i64 = 500;

/// `FILES` Parquet files of `ROWS_PER_FILE` rows each in `dir`.
fn write_parts(dir: &Path) {
    for part in 0..FILES {
        let ids: Vec<i64> = (0..ROWS_PER_FILE)
            .map(|i| part * ROWS_PER_FILE + i)
            .collect();
        let a: Vec<f64> = ids.iter().map(|&i| (i % 97) as f64 * 0.5).collect();
        let b: Vec<f64> = ids.iter().map(|&i| (i % 13) as f64).collect();
        let batch = RecordBatch::try_from_iter([
            ("id", Arc::new(Int64Array::from(ids)) as ArrayRef),
            ("a", Arc::new(Float64Array::from(a))),
            ("b", Arc::new(Float64Array::from(b))),
        ])
        .unwrap();
        let file = std::fs::File::create(dir.join(format!("part-{part}.parquet"))).unwrap();
        let mut writer = ArrowWriter::try_new(file, batch.schema(), None).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
    }
}

const QUERIES: [&str; 2] = [
    "SELECT id, score(a, b) AS s FROM t WHERE score(a, b) > 3.0 ORDER BY id",
    "SELECT bucket(id) AS k, count(*) AS n, round(sum(score(a, b)), 6) AS total \
     FROM t GROUP BY bucket(id) ORDER BY k",
];

async fn run_all(ctx: &SessionContext) -> Vec<String> {
    let mut out = Vec::new();
    for q in QUERIES {
        let batches = ctx.sql(q).await.unwrap().collect().await.unwrap();
        out.push(pretty_format_batches(&batches).unwrap().to_string());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kiln_udf_travels_to_the_executor_as_source_and_agrees_with_datafusion() {
    let dir = tempfile::tempdir().unwrap();
    write_parts(dir.path());
    let table = dir.path().to_str().unwrap();
    let udfs = || {
        [
            KilnUdf::compile("score", SCORE).unwrap(),
            KilnUdf::compile("bucket", BUCKET).unwrap(),
        ]
    };

    // Plain DataFusion.
    let local = SessionContext::new();
    local
        .register_parquet("t", table, ParquetReadOptions::default())
        .await
        .unwrap();
    for u in udfs() {
        local.register_udf(u);
    }
    let want = run_all(&local).await;

    // Ballista: the cluster's function registry is the state's as it is now, without
    // the UDFs, so the executor can only get them from the codec.
    let codec = KilnCodec::new();
    let config = codec.configure(
        SessionConfig::new_with_ballista()
            .with_target_partitions(FILES as usize)
            .with_ballista_standalone_parallelism(2),
    );
    let state = SessionStateBuilder::new()
        .with_config(config)
        .with_default_features()
        .build();
    let ctx = SessionContext::standalone_with_state(state).await.unwrap();
    ctx.register_parquet("t", table, ParquetReadOptions::default())
        .await
        .unwrap();
    for u in udfs() {
        ctx.register_udf(u);
    }
    let got = run_all(&ctx).await;
    assert_eq!(got, want);
    assert!(
        want[0].lines().count() > 100,
        "the query selects rows: {}",
        want[0]
    );

    let stats = codec.stats();
    assert!(stats.encoded >= 2, "{stats:?}");
    // Each of the two programs compiled once in this process (the scheduler and the
    // executor share the codec here), however many plans and tasks decoded it: the
    // scheduler's plan and each task's.
    assert_eq!(stats.compiled, 2, "{stats:?}");
    assert!(stats.decoded > FILES as usize, "{stats:?}");
}
