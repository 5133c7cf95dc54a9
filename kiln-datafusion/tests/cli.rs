//! `kiln-sql` (what `kiln sql` runs) through the real binary: tables on stdout, output
//! files read back, and each kind of error with its exit status.

use datafusion::arrow::array::{ArrayRef, Float64Array, Int64Array, RecordBatch};
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use datafusion::parquet::arrow::ArrowWriter;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

/// A scratch directory with `data.parquet` (id, a, b; 4 rows), `data.csv` and UDF files.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        let batch = RecordBatch::try_from_iter([
            (
                "id",
                Arc::new(Int64Array::from(vec![1, 2, 3, 4])) as ArrayRef,
            ),
            (
                "a",
                Arc::new(Float64Array::from(vec![10.0, 20.0, 30.0, 40.0])),
            ),
            ("b", Arc::new(Float64Array::from(vec![1.0, 0.0, 3.0, 1.0]))),
        ])
        .unwrap();
        let file = std::fs::File::create(dir.path().join("data.parquet")).unwrap();
        let mut writer = ArrowWriter::try_new(file, batch.schema(), None).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
        std::fs::write(
            dir.path().join("data.csv"),
            "name,qty\nbolt,3\nnut,10\nbolt,4\nwasher,1\nnut,2\n",
        )
        .unwrap();
        let s = Scratch { dir };
        s.file("score.expr", "param a: f64; param b: f64;\n(a + b) / 2.0\n");
        s.file(
            "ratio.expr",
            "param a: f64; param b: f64;\nlet q = i64(a) / i64(b);\nf64(q)\n",
        );
        s.file(
            "size.expr",
            "param qty: i64; if(qty >= 3, \"big\", \"small\")\n",
        );
        s
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn file(&self, name: &str, text: &str) -> String {
        let path = self.path(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    }

    fn data(&self) -> String {
        self.path("data.parquet").to_str().unwrap().to_owned()
    }

    fn udf(&self, name: &str) -> String {
        format!("{name}={}", self.path(&format!("{name}.expr")).display())
    }
}

fn kiln_sql(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kiln-sql"))
        .args(args)
        .output()
        .expect("kiln-sql runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_query_with_a_udf_prints_a_table() {
    let s = Scratch::new();
    let query = format!(
        "SELECT id, score(a, b) AS s FROM \"{}\" WHERE id < 4 ORDER BY id",
        s.data()
    );
    let out = kiln_sql(&[&query, "--udf", &s.udf("score")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let want = "\
+----+------+
| id | s    |
+----+------+
| 1  | 5.5  |
| 2  | 10.0 |
| 3  | 16.5 |
+----+------+
";
    assert_eq!(text(&out.stdout), want);
}

#[test]
fn group_by_over_a_udf_on_a_registered_csv_table() {
    let s = Scratch::new();
    let table = format!("items={}", s.path("data.csv").display());
    let out = kiln_sql(&[
        "SELECT size(qty) AS size, count(*) AS n, sum(qty) AS total FROM items GROUP BY size(qty) ORDER BY size",
        "--udf",
        &s.udf("size"),
        "--table",
        &table,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let rows: Vec<&str> = stdout.lines().filter(|l| l.starts_with("| ")).collect();
    assert_eq!(
        rows,
        [
            "| size  | n | total |",
            "| big   | 3 | 17    |",
            "| small | 2 | 3     |"
        ]
    );
}

#[test]
fn output_files_are_written_by_extension() {
    let s = Scratch::new();
    let query = format!(
        "SELECT id, score(a, b) AS s FROM \"{}\" ORDER BY id",
        s.data()
    );
    let parquet = s.path("out.parquet");
    let out = kiln_sql(&[
        &query,
        "--udf",
        &s.udf("score"),
        "-o",
        parquet.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "", "nothing on stdout with -o");
    let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&parquet).unwrap())
        .unwrap()
        .build()
        .unwrap();
    let batches: Vec<RecordBatch> = reader.map(Result::unwrap).collect();
    let batch = datafusion::arrow::compute::concat_batches(&batches[0].schema(), &batches).unwrap();
    let ids = batch
        .column(0)
        .as_any()
        .downcast_ref::<Int64Array>()
        .unwrap();
    let scores = batch
        .column(1)
        .as_any()
        .downcast_ref::<Float64Array>()
        .unwrap();
    assert_eq!(ids.values().to_vec(), vec![1, 2, 3, 4]);
    assert_eq!(scores.values().to_vec(), vec![5.5, 10.0, 16.5, 20.5]);

    let csv = s.path("out.csv");
    let out = kiln_sql(&[
        &query,
        "--udf",
        &s.udf("score"),
        "-o",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap(),
        "id,s\n1,5.5\n2,10.0\n3,16.5\n4,20.5\n"
    );

    let json = s.path("out.ndjson");
    let strings = format!(
        "SELECT size(qty) AS size FROM \"{}\" WHERE qty > 3 ORDER BY qty",
        s.path("data.csv").display()
    );
    let out = kiln_sql(&[
        &strings,
        "--udf",
        &s.udf("size"),
        "-o",
        json.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(&json).unwrap(),
        "{\"size\":\"big\"}\n{\"size\":\"big\"}\n"
    );

    let arrow = s.path("out.arrow");
    let out = kiln_sql(&[
        &query,
        "--udf",
        &s.udf("score"),
        "-o",
        arrow.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let reader = datafusion::arrow::ipc::reader::FileReader::try_new(
        std::fs::File::open(&arrow).unwrap(),
        None,
    )
    .unwrap();
    let rows: usize = reader.map(|b| b.unwrap().num_rows()).sum();
    assert_eq!(rows, 4);
}

#[test]
fn a_missing_udf_file_is_a_usage_error() {
    let s = Scratch::new();
    let missing = format!("score={}", s.path("nope.expr").display());
    let out = kiln_sql(&["SELECT 1", "--udf", &missing]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("cannot read UDF `score`") && stderr.contains("nope.expr"),
        "{stderr}"
    );
    let out = kiln_sql(&["SELECT 1", "--udf", "score"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("NAME=VALUE"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_udf_that_does_not_compile_prints_the_kiln_report() {
    let s = Scratch::new();
    let bad = s.file("bad.expr", "param x: u8;\nx + 300\n");
    let out = kiln_sql(&["SELECT 1", "--udf", &format!("bad={bad}")]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("error[E0203]"), "{stderr}");
    assert!(
        stderr.contains("bad.expr"),
        "the report names the file: {stderr}"
    );
    assert!(stderr.contains("x + 300"), "the source excerpt: {stderr}");
}

#[test]
fn a_sql_error_is_a_compile_error() {
    let s = Scratch::new();
    let out = kiln_sql(&["SELEC id FROM nowhere", "--udf", &s.udf("score")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with("error: the query: "),
        "{}",
        text(&out.stderr)
    );
    let query = format!("SELECT score(id) FROM \"{}\"", s.data());
    let out = kiln_sql(&[&query, "--udf", &s.udf("score")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("takes 2 argument(s) (a, b), 1 given"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_runtime_fault_exits_3_with_the_kiln_diagnostic() {
    let s = Scratch::new();
    let query = format!("SELECT id, ratio(a, b) FROM \"{}\"", s.data());
    let out = kiln_sql(&[&query, "--udf", &s.udf("ratio")]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("E0601") && stderr.contains("division by zero"),
        "{stderr}"
    );
    assert!(
        stderr.contains("UDF `ratio`") && stderr.contains("row 1"),
        "{stderr}"
    );
    assert!(
        stderr.contains("i64(a) / i64(b)"),
        "the source excerpt: {stderr}"
    );
    assert_eq!(text(&out.stdout), "");
    // With -o, the same status, and no output file left behind.
    let csv = s.path("out.csv");
    let out = kiln_sql(&[
        &query,
        "--udf",
        &s.udf("ratio"),
        "-o",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("E0601"), "{}", text(&out.stderr));
    assert!(!csv.exists());
}

#[test]
fn an_output_whose_format_is_unknown_is_a_usage_error() {
    let s = Scratch::new();
    let out = kiln_sql(&["SELECT 1", "-o", s.path("out.xlsx").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--output-format"),
        "{}",
        text(&out.stderr)
    );
    assert!(!Path::new(&s.path("out.xlsx")).exists());
}

#[test]
fn help_names_the_command_and_the_flags() {
    let out = kiln_sql(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    assert!(
        help.contains("kiln sql") && help.contains("--udf") && help.contains("--table"),
        "{help}"
    );
}
