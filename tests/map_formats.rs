//! `kiln map` over real data files, through the real binary: every input format to
//! every output format (values and Arrow types read back with the Arrow crates), nulls
//! at batch boundaries, wide files, `--threads`, `--where`, bad input (a truncated
//! Parquet file, a corrupt IPC stream, a column of the wrong type, a missing column, a
//! null for a plain param), and the peak memory of a 10 M-row Parquet file.

mod common;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{Array, ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use common::arrow_io::{self, FORMATS};
use common::{kiln_command, run, scratch_dir, Run};
use std::path::Path;
use std::sync::Arc;

/// Run `kiln map prog.expr DATA args...` in `dir`, with `program` written to prog.expr.
fn map_in(dir: &Path, program: &str, data: &str, args: &[&str]) -> Run {
    std::fs::write(dir.join("prog.expr"), program).unwrap();
    run(
        kiln_command()
            .current_dir(dir)
            .args(["map", "prog.expr", data, "--color", "never"])
            .args(args),
        None,
    )
}

#[track_caller]
fn assert_status(r: &Run, status: i32) {
    assert_eq!(r.status, Some(status), "{r:?}");
}

/// Rows with an id, an optional price (nulls in the first and last rows) and a name.
fn sample() -> RecordBatch {
    arrow_io::batch(vec![
        (
            "id",
            Arc::new(Int64Array::from(vec![1, 2, 3, 4, 5])) as ArrayRef,
        ),
        (
            "price",
            Arc::new(Float64Array::from(vec![
                None,
                Some(2.5),
                Some(-1.0),
                Some(0.1),
                None,
            ])),
        ),
        (
            "name",
            Arc::new(StringArray::from(vec!["a", "b, c", "d\"e", "", "f"])),
        ),
    ])
}

#[test]
fn every_input_format_to_every_output_format_keeps_values_and_types() {
    let dir = scratch_dir("map-formats");
    let program = "param id: i64; param price: f64?; price * f64(id)";
    let want: Vec<Option<f64>> = vec![None, Some(5.0), Some(-3.0), Some(0.4), None];
    for (input, ext) in FORMATS {
        let data = format!("in.{ext}");
        arrow_io::write(&dir.join(&data), input, &[sample()]);
        for (output, out_ext) in FORMATS {
            let out = format!("out-{input}.{out_ext}");
            let r = map_in(&dir, program, &data, &["-o", &out]);
            assert_status(&r, 0);
            // The columns in the order the output has them (NDJSON's are in the order
            // its keys first appear).
            let header = std::fs::read_to_string(dir.join(&out)).unwrap_or_default();
            let names: Vec<&str> = match output {
                "csv" => header.lines().next().unwrap_or("").split(',').collect(),
                _ => vec!["id", "price", "name", "result"],
            };
            let fields: Vec<Field> = names
                .iter()
                .map(|&n| {
                    let dt = match n {
                        "id" => DataType::Int64,
                        "name" => DataType::Utf8,
                        _ => DataType::Float64,
                    };
                    Field::new(n, dt, true)
                })
                .collect();
            let expect_schema = Arc::new(Schema::new(fields));
            let back = arrow_io::read(&dir.join(&out), output, Some(expect_schema));
            let what = format!("{input} -> {output}");
            assert_eq!(back.num_rows(), 5, "{what}");
            let result = back.column_by_name("result").expect(&what);
            assert_eq!(result.data_type(), &DataType::Float64, "{what}");
            let got: Vec<Option<f64>> = result.as_primitive::<Float64Type>().iter().collect();
            assert_eq!(got, want, "{what}");
            if matches!(output, "parquet" | "arrow" | "arrows") {
                let field = back.schema().field_with_name("result").unwrap().clone();
                assert!(field.is_nullable(), "{what}: a `f64?` result is nullable");
                // The input's columns pass through with their values.
                let ids = back.column_by_name("id").unwrap();
                assert_eq!(ids.data_type(), &DataType::Int64, "{what}");
                let names = back.column_by_name("name").unwrap();
                let names: Vec<Option<&str>> = names.as_string::<i32>().iter().collect();
                assert_eq!(names[1], Some("b, c"), "{what}");
                assert_eq!(names[2], Some("d\"e"), "{what}");
            }
        }
    }
}

#[test]
fn csv_output_is_the_display_format_and_passes_cells_through() {
    let dir = scratch_dir("map-formats");
    arrow_io::write(&dir.join("in.parquet"), "parquet", &[sample()]);
    let r = map_in(
        &dir,
        "param id: i64; param price: f64?; price * f64(id)",
        "in.parquet",
        &[],
    );
    assert_status(&r, 0);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[0], "id,price,name,result");
    assert_eq!(lines[1], "1,,a,");
    assert_eq!(lines[2], "2,2.5,\"b, c\",5.0");
    assert_eq!(lines[4], "4,0.1,,0.4");
    // CSV to CSV stays byte for byte, floats in Kiln's display format.
    std::fs::write(dir.join("d.csv"), "a,b\n1e300,1\n0.1,2\n1e-7,3\n3,4\n").unwrap();
    let r = map_in(&dir, "param a: f64; param b: i64; a * f64(b)", "d.csv", &[]);
    assert_status(&r, 0);
    assert_eq!(
        r.stdout,
        "a,b,result\n1e300,1,1e300\n0.1,2,0.2\n1e-7,3,3e-7\n3,4,12.0\n"
    );
}

#[test]
fn csv_columns_are_typed_as_the_params_say_in_arrow_output() {
    let dir = scratch_dir("map-formats");
    std::fs::write(dir.join("d.csv"), "n,x,note\n007,1.5,keep 007\n,2,\n").unwrap();
    let r = map_in(
        &dir,
        "param n: i32?; param x: f64; x * 2.0",
        "d.csv",
        &["-o", "out.arrow"],
    );
    assert_status(&r, 0);
    let back = arrow_io::read(&dir.join("out.arrow"), "arrow", None);
    let schema = back.schema();
    assert_eq!(schema.field(0).data_type(), &DataType::Int32);
    assert!(schema.field(0).is_nullable());
    assert_eq!(schema.field(1).data_type(), &DataType::Float64);
    assert_eq!(
        schema.field(2).data_type(),
        &DataType::Utf8,
        "not read: text"
    );
    assert_eq!(schema.field(3).data_type(), &DataType::Float64);
    let n = back
        .column(0)
        .as_primitive::<arrow_array::types::Int32Type>();
    assert_eq!(n.iter().collect::<Vec<_>>(), [Some(7), None]);
    let note = back.column(2).as_string::<i32>();
    assert_eq!(
        note.iter().collect::<Vec<_>>(),
        [Some("keep 007"), Some("")]
    );
}

/// 70 000 rows (more than four batches of 16 384): nulls in the first row, the last row,
/// both sides of the batch boundary; a column of nulls only, one without any.
#[test]
fn nulls_in_every_position_and_across_batches() {
    let dir = scratch_dir("map-formats");
    let rows = 70_000usize;
    let null_at = [0usize, 65_535, 65_536, 69_999, 12_345];
    let a: Int64Array = (0..rows)
        .map(|i| (!null_at.contains(&i)).then_some(i as i64))
        .collect();
    let all_null = Int64Array::from(vec![None::<i64>; rows]);
    let none_null: Int64Array = (0..rows).map(|i| Some(i as i64 * 3)).collect();
    let data = arrow_io::batch(vec![
        ("a", Arc::new(a) as ArrayRef),
        ("n", Arc::new(all_null)),
        ("f", Arc::new(none_null)),
    ]);
    for (format, ext) in [("parquet", "parquet"), ("arrows", "arrows"), ("csv", "csv")] {
        let data_file = format!("in.{ext}");
        // Several batches in the file too.
        let batches = [data.slice(0, 30_000), data.slice(30_000, rows - 30_000)];
        arrow_io::write(&dir.join(&data_file), format, &batches);
        let r = map_in(
            &dir,
            "param a: i64?; param n: i64?; param f: i64?; a * 2 + (n ?? 0) + (f ?? -1) * 0",
            &data_file,
            &["-o", "out.parquet"],
        );
        assert_status(&r, 0);
        let back = arrow_io::read(&dir.join("out.parquet"), "parquet", None);
        let result = back.column_by_name("result").unwrap();
        assert_eq!(result.len(), rows, "{format}");
        assert_eq!(result.null_count(), null_at.len(), "{format}");
        let result = result.as_primitive::<Int64Type>();
        for i in [
            0, 1, 12_344, 12_345, 65_534, 65_535, 65_536, 65_537, 69_998, 69_999,
        ] {
            let want = (!null_at.contains(&i)).then_some(i as i64 * 2);
            let got = result.is_valid(i).then(|| result.value(i));
            assert_eq!(got, want, "{format} row {i}");
        }
        let f = back
            .column_by_name("f")
            .unwrap()
            .as_primitive::<Int64Type>();
        assert_eq!(f.value(69_999), 69_999 * 3, "{format}");
    }
}

#[test]
fn a_wide_file_passes_its_200_columns_through() {
    let dir = scratch_dir("map-formats");
    let rows = 1000;
    let columns: Vec<(String, ArrayRef)> = (0..200)
        .map(|c| {
            let values: Float64Array = (0..rows).map(|r| Some((r * 1000 + c) as f64)).collect();
            (format!("c{c}"), Arc::new(values) as ArrayRef)
        })
        .collect();
    let data = arrow_io::batch(
        columns
            .iter()
            .map(|(n, a)| (n.as_str(), a.clone()))
            .collect(),
    );
    arrow_io::write(&dir.join("wide.parquet"), "parquet", &[data]);
    let r = map_in(
        &dir,
        "param c7: f64; param c150: f64; param c199: f64; c7 + c150 + c199",
        "wide.parquet",
        &["-o", "out.parquet"],
    );
    assert_status(&r, 0);
    let back = arrow_io::read(&dir.join("out.parquet"), "parquet", None);
    assert_eq!(back.num_columns(), 201);
    assert_eq!(back.schema().field(200).name(), "result");
    let result = back.column(200).as_primitive::<Float64Type>();
    for r in [0usize, 1, 999] {
        let want = (3 * r * 1000 + 7 + 150 + 199) as f64;
        assert_eq!(result.value(r), want);
    }
    let c42 = back.column(42).as_primitive::<Float64Type>();
    assert_eq!(c42.value(999), 999_042.0);
}

#[test]
fn one_thread_and_four_give_identical_output() {
    let dir = scratch_dir("map-formats");
    let mut csv = String::from("a,b,s\n");
    let mut rng = common::Rng::new(16);
    for i in 0..200_000 {
        let a = rng.below(2_000_000) as f64 / 1000.0 - 1000.0;
        csv.push_str(&format!("{a},{},r{i}\n", rng.below(6)));
    }
    std::fs::write(dir.join("d.csv"), &csv).unwrap();
    let program = "param a: f64; param b: i64; if(b > 2, a * 2.0, a + 1.0)";
    let one = map_in(&dir, program, "d.csv", &["--threads", "1"]);
    let four = map_in(&dir, program, "d.csv", &["--threads", "4"]);
    assert_status(&one, 0);
    assert_status(&four, 0);
    assert_eq!(one.stdout.lines().count(), 200_001);
    assert!(one.stdout == four.stdout, "--threads 4 changed the output");
    // The same for a Parquet output, value for value.
    for t in ["1", "4"] {
        let out = format!("out{t}.parquet");
        let r = map_in(&dir, program, "d.csv", &["--threads", t, "-o", &out]);
        assert_status(&r, 0);
    }
    let (a, b) = (
        arrow_io::read(&dir.join("out1.parquet"), "parquet", None),
        arrow_io::read(&dir.join("out4.parquet"), "parquet", None),
    );
    assert_eq!(a, b);
    // A fault names the same row with any number of threads.
    let faulty = "param a: f64; param b: i64; 100 / (b - 5 + 5 * i64(a < -999.99))";
    for t in ["1", "4"] {
        let r = map_in(&dir, faulty, "d.csv", &["--threads", t]);
        let first = csv
            .lines()
            .skip(1)
            .position(|l| l.split(',').nth(1) == Some("5"))
            .unwrap();
        assert_status(&r, 3);
        assert_eq!(r.stdout.lines().count(), first + 1, "threads {t}");
        let line = format!("d.csv:{}", first + 2);
        assert!(r.stderr.contains(&line), "threads {t}: {line}\n{r:?}");
    }
}

#[test]
fn where_keeps_the_rows_where_its_condition_holds() {
    let dir = scratch_dir("map-formats");
    std::fs::write(
        dir.join("d.csv"),
        "a,b,tag\n1.5,1,x\n2.5,3,y\n-1,5,z\n4,2,w\n",
    )
    .unwrap();
    let program = "param a: f64; param b: i64; a * 2.0";
    let r = map_in(&dir, program, "d.csv", &["--where", "b > 2"]);
    assert_status(&r, 0);
    assert_eq!(r.stdout, "a,b,tag,result\n2.5,3,y,5.0\n-1,5,z,-2.0\n");
    // Its own params: a column the program does not read.
    let r = map_in(
        &dir,
        program,
        "d.csv",
        &["--where", "param tag: string; tag == \"w\" or tag == \"x\""],
    );
    assert_status(&r, 0);
    assert_eq!(r.stdout, "a,b,tag,result\n1.5,1,x,3.0\n4,2,w,8.0\n");
    // Over Parquet too, and a fault after the filter names the row of the file.
    arrow_io::write(&dir.join("d.parquet"), "parquet", &[sample()]);
    let r = map_in(
        &dir,
        "param id: i64; 10 / (id - 4)",
        "d.parquet",
        &["--where", "id >= 3"],
    );
    assert_status(&r, 3);
    assert_eq!(
        r.stdout.lines().collect::<Vec<_>>(),
        ["id,price,name,result", "3,-1.0,\"d\"\"e\",-10"]
    );
    assert!(r.stderr.contains("data row 4 of d.parquet"), "{r:?}");
    // A fault in `--where` names its row; the rows before it are written.
    let r = map_in(&dir, program, "d.csv", &["--where", "100 / (5 - b) > 20"]);
    assert_status(&r, 3);
    assert_eq!(r.stdout, "a,b,tag,result\n1.5,1,x,3.0\n2.5,3,y,5.0\n");
    assert!(r.stderr.contains("error[E0601]"), "{r:?}");
    assert!(
        r.stderr.contains("while running the row at d.csv:4"),
        "{r:?}"
    );
    assert!(r.stderr.contains("in the `--where` expression"), "{r:?}");
    // Not a condition.
    let r = map_in(&dir, program, "d.csv", &["--where", "a + 1.0"]);
    assert_status(&r, 2);
    assert!(
        r.stderr.contains("`--where` needs a bool expression"),
        "{r:?}"
    );
}

#[test]
fn a_truncated_parquet_file_is_a_clear_error() {
    let dir = scratch_dir("map-formats");
    arrow_io::write(&dir.join("full.parquet"), "parquet", &[sample()]);
    let bytes = std::fs::read(dir.join("full.parquet")).unwrap();
    std::fs::write(dir.join("cut.parquet"), &bytes[..bytes.len() / 2]).unwrap();
    let r = map_in(&dir, "param id: i64; id", "cut.parquet", &[]);
    assert_status(&r, 2);
    assert!(r.stderr.contains("error[E0711]"), "{r:?}");
    assert!(r.stderr.contains("cannot read `cut.parquet`"), "{r:?}");
    assert!(!r.stderr.contains("panicked"), "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
}

#[test]
fn a_corrupt_ipc_stream_is_a_clear_error_after_the_rows_before_it() {
    let dir = scratch_dir("map-formats");
    let data = sample();
    arrow_io::write(
        &dir.join("full.arrows"),
        "arrows",
        &[data.slice(0, 2), data.slice(2, 3)],
    );
    let bytes = std::fs::read(dir.join("full.arrows")).unwrap();
    // Cut inside the second batch's message: the first is whole.
    std::fs::write(dir.join("cut.arrows"), &bytes[..bytes.len() - 60]).unwrap();
    let r = map_in(
        &dir,
        "param id: i64; id * 10",
        "cut.arrows",
        &["--threads", "1"],
    );
    assert_status(&r, 3);
    assert!(r.stderr.contains("error[E0711]"), "{r:?}");
    assert_eq!(
        r.stdout.lines().count(),
        3,
        "the first batch was written\n{r:?}"
    );
    // Garbage from the start: nothing runs.
    std::fs::write(
        dir.join("junk.arrows"),
        b"this is not an arrow stream at all",
    )
    .unwrap();
    let r = map_in(&dir, "param id: i64; id", "junk.arrows", &[]);
    assert_status(&r, 2);
    assert!(r.stderr.contains("error[E0711]"), "{r:?}");
    assert!(!r.stderr.contains("panicked"), "{r:?}");
}

#[test]
fn a_column_of_the_wrong_type_names_the_column_and_both_types() {
    let dir = scratch_dir("map-formats");
    arrow_io::write(&dir.join("d.parquet"), "parquet", &[sample()]);
    let r = map_in(&dir, "param id: f64; id * 2.0", "d.parquet", &[]);
    assert_status(&r, 2);
    assert!(r.stderr.contains("error[E0710]"), "{r:?}");
    assert!(
        r.stderr
            .contains("column `id` of d.parquet is Int64, but `param id: f64` reads Float64"),
        "{r:?}"
    );
    assert!(r.stderr.contains("declare `param id: i64`"), "{r:?}");
}

#[test]
fn a_missing_column_says_did_you_mean() {
    let dir = scratch_dir("map-formats");
    arrow_io::write(&dir.join("d.arrow"), "arrow", &[sample()]);
    let r = map_in(&dir, "param prices: f64?; prices", "d.arrow", &[]);
    assert_status(&r, 2);
    assert!(r.stderr.contains("error[E0705]"), "{r:?}");
    assert!(r.stderr.contains("did you mean `price`?"), "{r:?}");
    assert!(r.stderr.contains("d.arrow"), "{r:?}");
}

#[test]
fn a_null_for_a_plain_param_names_the_row_and_column() {
    let dir = scratch_dir("map-formats");
    arrow_io::write(&dir.join("d.parquet"), "parquet", &[sample()]);
    let r = map_in(
        &dir,
        "param id: i64; param price: f64; price",
        "d.parquet",
        &[],
    );
    assert_status(&r, 3);
    assert!(r.stderr.contains("error[E0712]"), "{r:?}");
    assert!(
        r.stderr
            .contains("data row 1 of d.parquet has a null in column `price`"),
        "{r:?}"
    );
    assert!(r.stderr.contains("param price: f64?;"), "{r:?}");
}

/// The peak memory (max RSS) of `kiln map` over a 10 M-row Parquet file stays bounded:
/// batches are streamed, not the file loaded (its two columns alone are 160 MB, the
/// results 80 MB more; streamed, the run peaks near 100 MiB, JIT included). Two
/// threads, so the batches in flight do not depend on the machine's cores. About five
/// seconds in a debug build.
#[test]
fn ten_million_parquet_rows_run_in_bounded_memory() {
    peak_memory_over_parquet_rows(10_000_000, 200);
}

fn peak_memory_over_parquet_rows(rows: usize, bound_mib: i64) {
    let dir = scratch_dir("map-formats");
    let path = dir.join("big.parquet");
    {
        let schema = Arc::new(Schema::new(vec![
            Field::new("a", DataType::Float64, false),
            Field::new("b", DataType::Int64, false),
        ]));
        let file = std::fs::File::create(&path).unwrap();
        let mut w = parquet::arrow::ArrowWriter::try_new(file, schema.clone(), None).unwrap();
        let step = 1 << 20;
        for start in (0..rows).step_by(step) {
            let n = step.min(rows - start);
            let a = Float64Array::from_iter_values((start..start + n).map(|i| i as f64 * 0.5));
            let b = Int64Array::from_iter_values((start..start + n).map(|i| (i % 6) as i64));
            let batch =
                RecordBatch::try_new(schema.clone(), vec![Arc::new(a), Arc::new(b)]).unwrap();
            w.write(&batch).unwrap();
        }
        w.close().unwrap();
    }
    std::fs::write(
        dir.join("prog.expr"),
        "param a: f64; param b: i64; if(b > 2, a * 2.0, a + 1.0)",
    )
    .unwrap();
    // Every row is read and evaluated; `--where` keeps one, so the output is small.
    // The child is reaped by `wait4` below, which reports its peak memory.
    #[allow(clippy::zombie_processes)]
    let child = kiln_command()
        .current_dir(&dir)
        .args(["map", "prog.expr", "big.parquet", "--where", "a == 3.0"])
        .args(["--threads", "2"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is valid; `wait4` fills it in for this child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // The output is two short lines: the pipes cannot fill up before the child ends.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid);
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.unwrap(), &mut out).unwrap();
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.unwrap(), &mut err).unwrap();
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{err}"
    );
    assert_eq!(out, "a,b,result\n3.0,0,4.0\n", "{err}");
    // `ru_maxrss` is in KiB on Linux.
    let peak_mib = usage.ru_maxrss / 1024;
    eprintln!("kiln map over {rows} Parquet rows: peak RSS {peak_mib} MiB");
    assert!(
        peak_mib < bound_mib,
        "kiln map over {rows} rows peaked at {peak_mib} MiB (bound {bound_mib} MiB)"
    );
}

/// A fault in a later batch (of 16 384 rows) names its row: the CSV line, or the row
/// of a Parquet file, with one thread or four.
#[test]
fn a_fault_in_a_later_batch_names_its_row_with_any_threads() {
    let dir = scratch_dir("map-formats");
    let rows = 150_000usize;
    let bad = 140_000usize;
    let b: Int64Array = (0..rows).map(|i| Some(i64::from(i != bad))).collect();
    let a: Int64Array = (0..rows).map(|i| Some(i as i64)).collect();
    let data = arrow_io::batch(vec![("a", Arc::new(a) as ArrayRef), ("b", Arc::new(b))]);
    arrow_io::write(
        &dir.join("d.parquet"),
        "parquet",
        std::slice::from_ref(&data),
    );
    arrow_io::write(&dir.join("d.csv"), "csv", &[data]);
    for threads in ["1", "4"] {
        let r = map_in(
            &dir,
            "param a: i64; param b: i64; a / b",
            "d.csv",
            &["--threads", threads],
        );
        assert_status(&r, 3);
        assert_eq!(r.stdout.lines().count(), bad + 1, "threads {threads}");
        let line = format!("while running the row at d.csv:{}", bad + 2);
        assert!(r.stderr.contains(&line), "threads {threads}: {}", r.stderr);
        let r = map_in(
            &dir,
            "param a: i64; param b: i64; a / b",
            "d.parquet",
            &["--threads", threads],
        );
        assert_status(&r, 3);
        assert_eq!(r.stdout.lines().count(), bad + 1, "threads {threads}");
        let row = format!("while running data row {} of d.parquet", bad + 1);
        assert!(r.stderr.contains(&row), "threads {threads}: {}", r.stderr);
    }
}

/// Bools (bits in Arrow), strings, timestamps in milliseconds, durations in seconds and
/// small integers bind to their params; a timestamp result is `Timestamp(ns, UTC)`.
#[test]
fn every_column_type_binds_from_parquet() {
    use arrow_array::{BooleanArray, DurationSecondArray, Int32Array, TimestampMillisecondArray};
    let dir = scratch_dir("map-formats");
    let data = arrow_io::batch(vec![
        (
            "ok",
            Arc::new(BooleanArray::from(vec![Some(true), None, Some(false)])) as ArrayRef,
        ),
        ("s", Arc::new(StringArray::from(vec!["ab", "c", "déf"]))),
        (
            "t",
            Arc::new(TimestampMillisecondArray::from(vec![
                1_000,
                86_400_000,
                1_700_000_000_123,
            ])),
        ),
        ("d", Arc::new(DurationSecondArray::from(vec![60, 3600, 1]))),
        ("n", Arc::new(Int32Array::from(vec![1, -2, 3]))),
    ]);
    arrow_io::write(&dir.join("d.parquet"), "parquet", &[data]);
    let r = map_in(
        &dir,
        "param ok: bool?; param s: string; param n: i32; \
         if(ok ?? true, len(s) + i64(n), -1)",
        "d.parquet",
        &[],
    );
    assert_status(&r, 0);
    let results: Vec<&str> = r
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap())
        .collect();
    assert_eq!(results, ["3", "-1", "-1"], "{r:?}");
    let r = map_in(
        &dir,
        "param t: timestamp; param d: duration; t + d",
        "d.parquet",
        &["-o", "out.arrow"],
    );
    assert_status(&r, 0);
    let back = arrow_io::read(&dir.join("out.arrow"), "arrow", None);
    let result = back.column_by_name("result").unwrap();
    assert_eq!(
        result.data_type(),
        &DataType::Timestamp(arrow_schema::TimeUnit::Nanosecond, Some("UTC".into()))
    );
    let ns = result.as_primitive::<arrow_array::types::TimestampNanosecondType>();
    assert_eq!(ns.value(0), 61_000_000_000);
    assert_eq!(ns.value(1), 86_400_000_000_000 + 3_600_000_000_000);
    assert_eq!(ns.value(2), 1_700_000_000_123_000_000 + 1_000_000_000);
}

/// An Arrow IPC stream can come from standard input; output to a closed pipe ends
/// quietly.
#[test]
fn an_arrow_stream_may_come_from_standard_input() {
    let dir = scratch_dir("map-formats");
    arrow_io::write(&dir.join("d.arrows"), "arrows", &[sample()]);
    std::fs::write(dir.join("prog.expr"), "param id: i64; id * 3").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kiln"))
        .current_dir(&dir)
        .args(["map", "prog.expr", "-", "--input-format", "arrows"])
        .stdin(std::fs::File::open(dir.join("d.arrows")).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("id,price,name,result\n1,,a,3\n"), "{text}");
}

/// `--input-format` and `--output-format` override extensions; an output without a
/// known extension or format is a usage error.
#[test]
fn formats_may_be_named_when_extensions_do_not_say_them() {
    let dir = scratch_dir("map-formats");
    arrow_io::write(&dir.join("d.bin"), "parquet", &[sample()]);
    let program = "param id: i64; id + 1";
    let r = map_in(&dir, program, "d.bin", &["--input-format", "parquet"]);
    assert_status(&r, 0);
    assert!(
        r.stdout.starts_with("id,price,name,result\n1,,a,2\n"),
        "{r:?}"
    );
    let r = map_in(
        &dir,
        program,
        "d.bin",
        &[
            "--input-format",
            "parquet",
            "-o",
            "out.data",
            "--output-format",
            "arrows",
        ],
    );
    assert_status(&r, 0);
    let back = arrow_io::read(&dir.join("out.data"), "arrows", None);
    assert_eq!(
        back.column_by_name("result").unwrap().data_type(),
        &DataType::Int64
    );
    let r = map_in(
        &dir,
        program,
        "d.bin",
        &["--input-format", "parquet", "-o", "out.data"],
    );
    assert_status(&r, 2);
    assert!(r.stderr.contains("cannot tell the output format"), "{r:?}");
}

/// A dictionary-encoded string column (as pyarrow writes categorical data) is read by a
/// string param and passed through to every output as its strings.
#[test]
fn dictionary_encoded_strings_are_read_and_passed_through() {
    use arrow_array::types::Int32Type;
    use arrow_array::DictionaryArray;
    let dir = scratch_dir("map-formats");
    let colour: DictionaryArray<Int32Type> =
        vec!["red", "green", "red", "blue"].into_iter().collect();
    let batch = arrow_io::batch(vec![
        ("colour", Arc::new(colour.clone()) as ArrayRef),
        ("shade", Arc::new(colour) as ArrayRef),
    ]);
    for format in ["parquet", "arrow"] {
        let data = format!("d.{format}");
        arrow_io::write(&dir.join(&data), format, std::slice::from_ref(&batch));
        let r = map_in(&dir, "param colour: string; upper(colour)", &data, &[]);
        assert_status(&r, 0);
        assert_eq!(
            r.stdout,
            "colour,shade,result\nred,red,RED\ngreen,green,GREEN\nred,red,RED\nblue,blue,BLUE\n",
            "{format}"
        );
        let r = map_in(
            &dir,
            "param colour: string; len(colour)",
            &data,
            &["-o", "out.parquet"],
        );
        assert_status(&r, 0);
        let out = arrow_io::read(&dir.join("out.parquet"), "parquet", None);
        let lens = out.column_by_name("result").expect("a result column");
        assert_eq!(lens.as_primitive::<Int64Type>().values(), &[3, 5, 3, 4]);
    }
}

/// Parquet output uses dictionary pages for text columns only: numbers (inputs passed
/// through and the result) are written plain, strings with their dictionary.
#[test]
fn parquet_output_uses_dictionaries_for_text_only() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let dir = scratch_dir("map-formats");
    arrow_io::write(&dir.join("d.parquet"), "parquet", &[sample()]);
    let r = map_in(
        &dir,
        "param id: i64; param name: string; f64(id) * 0.5 + f64(len(name))",
        "d.parquet",
        &["-o", "out.parquet"],
    );
    assert_status(&r, 0);
    let file = std::fs::File::open(dir.join("out.parquet")).unwrap();
    let reader = SerializedFileReader::new(file).unwrap();
    let group = reader.metadata().row_group(0);
    for column in group.columns() {
        let name = column.column_path().string();
        let dictionary = column.dictionary_page_offset().is_some();
        assert_eq!(dictionary, name == "name", "{name}");
    }
    assert_eq!(group.num_columns(), 4);
}
