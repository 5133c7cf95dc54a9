//! `kiln map FILE.expr DATA.csv` driven through the real binary: output rows with a
//! `result` column, columns passed through, and the exit status and message of each kind
//! of failure (missing column 2, bad cell 3, runtime fault 3, compile error 1).

mod common;

use common::{kiln_command, run, scratch_dir, Run};
use std::path::PathBuf;

/// Write the program and the CSV into a fresh directory and run `kiln map` on them.
fn map(program: &str, csv: &str) -> Run {
    map_with(program, csv, &[])
}

fn map_with(program: &str, csv: &str, extra: &[&str]) -> Run {
    let dir = scratch_dir("map");
    let (p, d): (PathBuf, PathBuf) = (dir.join("prog.expr"), dir.join("data.csv"));
    std::fs::write(&p, program).unwrap();
    std::fs::write(&d, csv).unwrap();
    run(
        kiln_command()
            .current_dir(&dir)
            .args(["map", "prog.expr", "data.csv", "--color", "never"])
            .args(extra),
        None,
    )
}

#[track_caller]
fn assert_status(r: &Run, status: i32) {
    assert_eq!(r.status, Some(status), "{r:?}");
}

#[test]
fn each_row_gets_its_result_in_display_format() {
    let r = map(
        "param price: f64; param qty: i32; price * qty",
        "price,qty\n2.5,4\n0.1,2\n-1,3\n",
    );
    assert_status(&r, 0);
    assert_eq!(
        r.stdout,
        "price,qty,result\n2.5,4,10.0\n0.1,2,0.2\n-1,3,-3.0\n"
    );
    assert!(r.stderr.is_empty(), "{r:?}");
}

#[test]
fn extra_columns_pass_through_in_their_places_and_quoting() {
    let r = map_with(
        "param name: string; param n: i64; upper(name) + string(n * 2)",
        "id,name,note,n\n1,ada,\"x, y\",21\n2,\"bo \"\"b\"\"\",,0\n",
        &["-O0"],
    );
    assert_status(&r, 0);
    assert_eq!(
        r.stdout,
        "id,name,note,n,result\n1,ada,\"x, y\",21,ADA42\n2,\"bo \"\"b\"\"\",,0,\"BO \"\"B\"\"0\"\n"
    );
}

#[test]
fn a_missing_column_is_a_usage_error_naming_it_and_the_header() {
    let r = map("param a: i64; param b: i64; a + b", "a,c\n1,2\n");
    assert_status(&r, 2);
    assert!(r.stdout.is_empty(), "{r:?}");
    assert!(
        r.stderr.contains("no column `b`") && r.stderr.contains("its header is: a,c"),
        "{r:?}"
    );
}

#[test]
fn a_cell_that_does_not_parse_names_its_line_after_the_rows_before_it() {
    let r = map(
        "param a: i64; param b: bool; if(b, a, -a)",
        "a,b\n1,true\n2,false\n3,maybe\n4,true\n",
    );
    assert_status(&r, 3);
    assert_eq!(r.stdout, "a,b,result\n1,true,1\n2,false,-2\n");
    assert!(
        r.stderr.contains("data.csv:4: column `b`") && r.stderr.contains("\"maybe\""),
        "{r:?}"
    );
}

#[test]
fn a_runtime_fault_reports_the_diagnostic_and_the_csv_line() {
    let r = map("param a: i64; param b: i64; a / b", "a,b\n6,3\n1,0\n5,5\n");
    assert_status(&r, 3);
    assert_eq!(r.stdout, "a,b,result\n6,3,2\n");
    assert!(r.stderr.contains("error[E0601]"), "{r:?}");
    assert!(r.stderr.contains("prog.expr:1:"), "{r:?}");
    assert!(
        r.stderr.contains("while running the row at data.csv:3"),
        "{r:?}"
    );
}

#[test]
fn a_compile_error_exits_1_like_run() {
    let r = map("param a: i64; a + nope", "a\n1\n");
    assert_status(&r, 1);
    assert!(r.stderr.contains("error[E"), "{r:?}");
    assert!(r.stdout.is_empty());
}

#[test]
fn a_file_larger_than_one_chunk_comes_out_whole_and_in_order() {
    let rows = 10_000;
    let mut csv = String::from("i,label\n");
    for i in 0..rows {
        csv.push_str(&format!("{i},r{i}\n"));
    }
    let r = map(
        "param i: i64; param label: string; label + \":\" + string(i * i)",
        &csv,
    );
    assert_status(&r, 0);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), rows + 1);
    assert_eq!(lines[0], "i,label,result");
    for i in [0usize, 1, 4095, 4096, 4097, 8191, 8192, 9999] {
        assert_eq!(lines[i + 1], format!("{i},r{i},r{i}:{}", i * i));
    }
}

#[test]
fn a_fault_in_a_later_chunk_names_the_right_line() {
    let rows = 5_000;
    let mut csv = String::from("a,b\n");
    for i in 0..rows {
        csv.push_str(&format!("{i},{}\n", if i == 4500 { 0 } else { 1 }));
    }
    let r = map("param a: i64; param b: i64; a % b", &csv);
    assert_status(&r, 3);
    assert_eq!(r.stdout.lines().count(), 4500 + 1);
    // Row 4500 is on line 4502 (the header is line 1).
    assert!(r.stderr.contains("data.csv:4502"), "{r:?}");
}

#[test]
fn a_program_without_params_runs_once_per_row() {
    let r = map("6 * 7", "x\na\nb\n");
    assert_status(&r, 0);
    assert_eq!(r.stdout, "x,result\na,42\nb,42\n");
}

#[test]
fn list_params_and_programs_without_a_result_are_usage_errors() {
    let r = map("param xs: [i64]; sum(xs)", "xs\n1\n");
    assert_status(&r, 2);
    assert!(r.stderr.contains("param `xs` has type [i64]"), "{r:?}");
    let r = map("param a: i64; when a > 0 { print(a) }", "a\n1\n");
    assert_status(&r, 2);
    assert!(r.stderr.contains("result"), "{r:?}");
}

#[test]
fn a_data_file_without_a_header_or_missing_is_a_usage_error() {
    let r = map("param a: i64; a", "");
    assert_status(&r, 2);
    assert!(r.stderr.contains("no header row"), "{r:?}");
    let r = run(
        kiln_command().args(["map", "no-such.expr", "no-such.csv"]),
        None,
    );
    assert_status(&r, 2);
}

#[test]
fn the_example_in_examples_map_gives_its_stored_output() {
    let root = common::root();
    let r = run(
        kiln_command().current_dir(root).args([
            "map",
            "examples/map/orders.expr",
            "examples/map/orders.csv",
        ]),
        None,
    );
    assert_status(&r, 0);
    let want = std::fs::read_to_string(root.join("examples/map/orders.stdout")).unwrap();
    assert_eq!(r.stdout, want, "{r:?}");
}

#[test]
fn print_output_goes_to_stderr_and_leaves_the_csv_whole() {
    let r = map("param a: i64; print(a * 10); a + 1", "a\n1\n2\n");
    assert_status(&r, 0);
    assert_eq!(r.stdout, "a,result\n1,2\n2,3\n");
    assert_eq!(r.stderr, "10\n20\n");
}

#[test]
fn timeout_and_max_memory_cover_the_whole_batch() {
    let forever =
        "param n: i64; fn fib(k: i64) -> i64 = if(k < 2, k, fib(k - 1) + fib(k - 2)); fib(n)";
    let r = map_with(forever, "n\n1\n2\n90\n", &["--timeout", "0.05"]);
    assert_status(&r, 3);
    assert!(r.stderr.contains("E0611"), "{}", r.stderr);
    let r = map_with(
        "param n: i64; len(repeat(\"ab\", n))",
        "n\n1\n100000\n",
        &["--max-memory", "4KiB"],
    );
    assert_status(&r, 3);
    assert!(r.stderr.contains("E0616"), "{}", r.stderr);
}
