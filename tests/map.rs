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

fn map_with(program: &str, csv: impl AsRef<[u8]>, extra: &[&str]) -> Run {
    map_file(program, "data.csv", csv, extra)
}

/// Write the program and the data, as the file `name`, and run `kiln map` on them.
fn map_file(program: &str, name: &str, data: impl AsRef<[u8]>, extra: &[&str]) -> Run {
    let dir = scratch_dir("map");
    let (p, d): (PathBuf, PathBuf) = (dir.join("prog.expr"), dir.join(name));
    std::fs::write(&p, program).unwrap();
    std::fs::write(&d, data).unwrap();
    run(
        kiln_command()
            .current_dir(&dir)
            .args(["map", "prog.expr", name, "--color", "never"])
            .args(extra),
        None,
    )
}

/// The diagnostics of a `--error-format json` run, one JSON object per stderr line.
fn json_diagnostics(r: &Run) -> Vec<serde_json::Value> {
    r.stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}\n{r:?}")))
        .collect()
}

/// The code, file, line and column of the one diagnostic a JSON run printed.
fn one_json(r: &Run) -> (String, String, u64, u64) {
    let diags = json_diagnostics(r);
    assert_eq!(diags.len(), 1, "{r:?}");
    let d = &diags[0];
    let span = &d["spans"][0];
    assert_eq!(span["is_primary"], true, "{r:?}");
    (
        d["code"].as_str().unwrap().to_owned(),
        span["file"].as_str().unwrap().to_owned(),
        span["line_start"].as_u64().unwrap(),
        span["column_start"].as_u64().unwrap(),
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
    assert!(r.stderr.contains("error[E0705]"), "{r:?}");
    assert!(r.stderr.contains("no column `b`"), "{r:?}");
    assert!(r.stderr.contains("1 │ a,c"), "the header is shown: {r:?}");
}

#[test]
fn a_cell_that_does_not_parse_names_its_line_after_the_rows_before_it() {
    let r = map(
        "param a: i64; param b: bool; if(b, a, -a)",
        "a,b\n1,true\n2,false\n3,maybe\n4,true\n",
    );
    assert_status(&r, 3);
    assert_eq!(r.stdout, "a,b,result\n1,true,1\n2,false,-2\n");
    assert!(r.stderr.contains("error[E0706]"), "{r:?}");
    assert!(r.stderr.contains("data.csv:4:3"), "{r:?}");
    assert!(
        r.stderr
            .contains("`maybe` is not a valid bool for `param b`"),
        "{r:?}"
    );
    let r = map("param a: i64; a", "a,b\n1,x\n,y\n");
    assert_status(&r, 3);
    assert!(
        r.stderr
            .contains("the cell in column `a` is empty, not a valid i64 for `param a`"),
        "{r:?}"
    );
    assert!(r.stderr.contains("data.csv:3:1"), "{r:?}");
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
    assert!(r.stderr.contains("error[E0709]"), "{r:?}");
    assert!(
        r.stderr.contains("param `xs` a value of type [i64]"),
        "{r:?}"
    );
    assert!(r.stderr.contains("prog.expr:1:"), "{r:?}");
    let r = map("param a: i64; when a > 0 { print(a) }", "a\n1\n");
    assert_status(&r, 2);
    assert!(r.stderr.contains("error[E0709]"), "{r:?}");
    assert!(r.stderr.contains("needs a program with a result"), "{r:?}");
}

#[test]
fn a_data_file_without_a_header_or_missing_is_a_usage_error() {
    let r = map("param a: i64; a", "");
    assert_status(&r, 2);
    assert!(r.stderr.contains("error[E0708]"), "{r:?}");
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

/// The same data with LF, CRLF, and LF with a quoted field spanning two lines before the
/// bad row: the bad cell is on line 5 (LF, CRLF) or 6 (the quoted field adds one).
#[test]
fn lines_are_right_for_lf_crlf_and_quoted_multi_line_fields() {
    let program = "param a: i64; param note: string; a * 2";
    let cases = [
        ("LF", "a,note\n1,x\n2,y\n3,z\nbad,w\n".to_owned(), 5),
        (
            "CRLF",
            "a,note\r\n1,x\r\n2,y\r\n3,z\r\nbad,w\r\n".to_owned(),
            5,
        ),
        (
            "quoted",
            "a,note\r\n1,x\r\n2,\"two\r\nlines\"\r\n3,z\r\nbad,w\r\n".to_owned(),
            6,
        ),
    ];
    for (what, csv, line) in cases {
        let r = map(program, &csv);
        assert_status(&r, 3);
        assert!(r.stdout.ends_with("\n3,z,6\n"), "{what}: {r:?}");
        assert!(
            r.stderr.contains(&format!("data.csv:{line}:1")),
            "{what}: {r:?}"
        );
        let r = map_with(program, &csv, &["--error-format", "json"]);
        assert_eq!(
            one_json(&r),
            ("E0706".to_owned(), "data.csv".to_owned(), line, 1),
            "{what}"
        );
        // A runtime fault names the row's line the same way.
        let faulty = csv.replace("bad", "0");
        let r = map("param a: i64; param note: string; 10 / a", &faulty);
        assert_status(&r, 3);
        assert!(
            r.stderr
                .contains(&format!("while running the row at data.csv:{line}\n")),
            "{what}: {r:?}"
        );
    }
}

#[test]
fn the_result_column_is_named_by_output_column_and_may_not_clash() {
    let r = map("param a: i64; a + 1", "a,result\n1,x\n");
    assert_status(&r, 2);
    assert!(r.stdout.is_empty(), "{r:?}");
    assert!(r.stderr.contains("error[E0704]"), "{r:?}");
    assert!(
        r.stderr.contains("already has a column named `result`")
            && r.stderr.contains("--output-column"),
        "{r:?}"
    );
    assert!(r.stderr.contains("data.csv:1:3"), "{r:?}");
    let r = map_with(
        "param a: i64; a + 1",
        "a,result\n1,x\n",
        &["--output-column", "next"],
    );
    assert_status(&r, 0);
    assert_eq!(r.stdout, "a,result,next\n1,x,2\n");
    let r = map_with("param a: i64; a", "a,b\n1,2\n", &["--output-column", "b"]);
    assert_status(&r, 2);
    assert!(r.stderr.contains("already has a column named `b`"), "{r:?}");
}

#[test]
fn a_duplicate_header_name_is_refused_naming_both_positions() {
    let r = map("param a: i64; a", "a,b,c,b\n1,2,3,4\n");
    assert_status(&r, 2);
    assert!(r.stdout.is_empty(), "{r:?}");
    assert!(r.stderr.contains("error[E0703]"), "{r:?}");
    assert!(
        r.stderr.contains("columns 2 and 4 are both named `b`"),
        "{r:?}"
    );
    assert!(r.stderr.contains("column 2 is named here"), "{r:?}");
    // Even when no param reads it: the output would have two columns of that name.
    let r = map("6 * 7", "x,x\n1,2\n");
    assert_status(&r, 2);
    assert!(r.stderr.contains("E0703"), "{r:?}");
}

#[test]
fn a_param_against_a_near_column_name_says_did_you_mean() {
    let r = map("param qty: i64; qty * 2", "Qty,price\n3,1\n");
    assert_status(&r, 2);
    assert!(r.stderr.contains("error[E0705]"), "{r:?}");
    assert!(r.stderr.contains("did you mean `Qty`?"), "{r:?}");
    let r = map("param quantity: i64; quantity", "qantity\n3\n");
    assert!(r.stderr.contains("did you mean `qantity`?"), "{r:?}");
    let r = map("param qty: i64; qty", "price\n3\n");
    assert!(!r.stderr.contains("did you mean"), "{r:?}");
    assert!(r.stderr.contains("add a column `qty` to the data"), "{r:?}");
}

/// Every error `map` reports, as JSON with its code, on the file and line concerned.
#[test]
fn every_map_error_has_a_code_and_the_json_form() {
    let cases: [(&str, &[u8], &str, &str, u64); 9] = [
        (
            "param a: i64; a",
            b"a,b\n1,2\n2,3,4\n",
            "E0701",
            "data.csv",
            3,
        ),
        (
            "param a: string; a",
            b"a\nx\n\"open\n",
            "E0702",
            "data.csv",
            3,
        ),
        ("param a: i64; a", b"a,a\n1,2\n", "E0703", "data.csv", 1),
        (
            "param a: i64; a",
            b"a,result\n1,2\n",
            "E0704",
            "data.csv",
            1,
        ),
        ("param a: i64; a", b"b\n1\n", "E0705", "data.csv", 1),
        ("param a: i64; a", b"a\n1\n\nx\n", "E0706", "data.csv", 4),
        (
            "param a: string; a",
            b"a\nok\n\xff\n",
            "E0707",
            "data.csv",
            3,
        ),
        ("param a: i64; a", b"", "E0708", "data.csv", 1),
        ("\nparam a: [i64]; 1", b"a\n1\n", "E0709", "prog.expr", 2),
    ];
    for (program, csv, code, file, line) in cases {
        let r = map_with(program, csv, &["--error-format", "json"]);
        assert_ne!(r.status, Some(0), "{code}: {r:?}");
        let (got, got_file, got_line, _) = one_json(&r);
        assert_eq!(
            (got.as_str(), got_file.as_str(), got_line),
            (code, file, line),
            "{r:?}"
        );
    }
    // A runtime fault too.
    let r = map_with(
        "param a: i64; 1 / a",
        "a\n1\n0\n",
        &["--error-format", "json"],
    );
    assert_eq!(one_json(&r).0, "E0601");
}

#[test]
fn invalid_utf8_in_a_column_no_param_reads_passes_through() {
    let dir = scratch_dir("map-bytes");
    std::fs::write(dir.join("prog.expr"), "param n: i64; n + 1").unwrap();
    std::fs::write(dir.join("data.csv"), b"s,n\n\xff\xfe,1\nok,2\n").unwrap();
    let out = kiln_command()
        .current_dir(&dir)
        .args(["map", "prog.expr", "data.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(out.stdout, b"s,n,result\n\xff\xfe,1,2\nok,2,3\n");
}

#[test]
fn invalid_utf8_in_a_column_a_param_reads_names_row_and_column() {
    let r = map_with("param s: string; len(s)", b"n,s\n1,ab\n2,a\xffb\n", &[]);
    assert_status(&r, 3);
    assert_eq!(r.stdout, "n,s,result\n1,ab,2\n");
    assert!(r.stderr.contains("error[E0707]"), "{r:?}");
    assert!(
        r.stderr
            .contains("the cell in column `s` is not valid UTF-8"),
        "{r:?}"
    );
    // Line 3, the bad byte in column 4 of the line.
    assert!(r.stderr.contains("data.csv:3:4"), "{r:?}");
}

#[test]
fn an_unterminated_quote_at_the_end_is_reported_with_its_line() {
    let r = map(
        "param a: i64; param s: string; a",
        "a,s\n1,x\n2,\"never closed\n3,y\n",
    );
    assert_status(&r, 3);
    assert_eq!(r.stdout, "a,s,result\n1,x,1\n");
    assert!(r.stderr.contains("error[E0702]"), "{r:?}");
    assert!(r.stderr.contains("data.csv:3:3"), "{r:?}");
    // Without a final newline too.
    let r = map("param a: i64; param s: string; a", "a,s\n1,x\n2,\"y");
    assert_status(&r, 3);
    assert!(r.stderr.contains("data.csv:3:3"), "{r:?}");
    // In the header too.
    let r = map("param a: i64; a", "a,\"b\n");
    assert_status(&r, 2);
    assert!(r.stderr.contains("E0702"), "{r:?}");
}

#[test]
fn a_row_with_the_wrong_number_of_fields_is_coded() {
    let r = map("param a: i64; a", "a,b\n1,2\n3\n");
    assert_status(&r, 3);
    assert_eq!(r.stdout, "a,b,result\n1,2,1\n");
    assert!(r.stderr.contains("error[E0701]"), "{r:?}");
    assert!(
        r.stderr.contains("this row has 1 field, the header has 2"),
        "{r:?}"
    );
}

#[test]
fn program_or_data_may_come_from_standard_input() {
    let dir = scratch_dir("map-stdin");
    std::fs::write(dir.join("prog.expr"), "param a: i64; a * 3").unwrap();
    std::fs::write(dir.join("data.csv"), "a\n2\n").unwrap();
    let r = run(
        kiln_command()
            .current_dir(&dir)
            .args(["map", "prog.expr", "-"]),
        Some("a\n1\nx\n"),
    );
    assert_status(&r, 3);
    assert_eq!(r.stdout, "a,result\n1,3\n");
    assert!(r.stderr.contains("<stdin>:3:1"), "{r:?}");
    let r = run(
        kiln_command()
            .current_dir(&dir)
            .args(["map", "-", "data.csv"]),
        Some("param a: i64; a * 5"),
    );
    assert_status(&r, 0);
    assert_eq!(r.stdout, "a,result\n2,10\n");
    let r = run(
        kiln_command().current_dir(&dir).args(["map", "-", "-"]),
        Some(""),
    );
    assert_status(&r, 2);
}

/// The example of each E07xx code (`kiln explain`) is a program and its data that
/// report that code.
#[test]
fn every_input_data_code_example_reports_its_code() {
    for c in kiln::diag::codes::ALL
        .iter()
        .filter(|c| c.code.starts_with("E07"))
    {
        let mut lines = c.example.lines();
        let program = lines
            .next()
            .and_then(|l| l.strip_prefix("prog.expr: "))
            .unwrap_or_else(|| panic!("{}: the example starts with the program", c.code));
        // The data: `data.csv:` or `data.ndjson:` and its lines, or a binary file
        // described in words (`data.parquet: ...`), which tests/map_formats.rs makes.
        let data = lines.next().unwrap_or_default();
        let Some(name) = ["data.csv", "data.ndjson"]
            .into_iter()
            .find(|n| data.starts_with(n))
        else {
            assert!(data.starts_with("data."), "{}: {data}", c.code);
            assert!(
                c.code == "E0710",
                "{}: only E0710 needs a binary file",
                c.code
            );
            continue;
        };
        // `\xFF` in an example stands for that byte.
        let mut csv = Vec::new();
        for line in lines {
            for (i, part) in line.split("\\xFF").enumerate() {
                if i > 0 {
                    csv.push(0xff);
                }
                csv.extend_from_slice(part.as_bytes());
            }
            csv.push(b'\n');
        }
        let r = map_file(program, name, &csv, &["--error-format", "json"]);
        let codes: Vec<String> = json_diagnostics(&r)
            .iter()
            .map(|d| d["code"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert!(codes.contains(&c.code.to_owned()), "{}: {r:?}", c.code);
    }
}

#[test]
fn an_empty_cell_is_none_for_an_optional_param_and_none_is_an_empty_cell() {
    let r = map(
        "param price: f64?; param qty: i32?; price * qty",
        "price,qty\n2.5,4\n,3\n1.5, \n 2 ,2\n",
    );
    assert_status(&r, 0);
    assert_eq!(
        r.stdout,
        "price,qty,result\n2.5,4,10.0\n,3,\n1.5, ,\n 2 ,2,4.0\n"
    );
    // `??` turns none into a value; a bool? and a plain param beside.
    let r = map(
        "param x: i64?; param ok: bool?; param n: u8; if(ok ?? false, x ?? -1, i64(n))",
        "x,ok,n\n5,true,1\n,true,2\n7,,3\n,false,4\n",
    );
    assert_status(&r, 0);
    assert_eq!(
        r.stdout,
        "x,ok,n,result\n5,true,1,5\n,true,2,-1\n7,,3,3\n,false,4,4\n"
    );
}

#[test]
fn an_optional_string_is_none_only_when_its_cell_is_empty() {
    let r = map(
        "param s: string?; is_none(s)",
        "s,t\nabc,1\n,2\n\" \",3\n\"\",4\n",
    );
    assert_status(&r, 0);
    let results: Vec<&str> = r
        .stdout
        .lines()
        .map(|l| l.rsplit(',').next().unwrap())
        .collect();
    assert_eq!(
        results,
        ["result", "false", "true", "false", "true"],
        "{r:?}"
    );
    let r = map("param s: string?; s + \"!\"", "s\nab\n\n");
    // A blank line is no record: one row.
    assert_status(&r, 0);
    assert_eq!(r.stdout, "s,result\nab,ab!\n");
    let r = map(
        "param s: string?; param k: i64; s + \"!\"",
        "s,k\nab,1\n,2\n",
    );
    assert_status(&r, 0);
    assert_eq!(r.stdout, "s,k,result\nab,1,ab!\n,2,\n");
}

#[test]
fn an_empty_cell_for_a_plain_param_says_to_declare_it_optional() {
    let r = map("param a: i64; param b: f64; a + 1", "a,b\n1,2\n2,\n");
    assert_status(&r, 3);
    assert_eq!(r.stdout, "a,b,result\n1,2,2\n");
    assert!(r.stderr.contains("error[E0706]"), "{r:?}");
    assert!(r.stderr.contains("data.csv:3:3"), "{r:?}");
    assert!(
        r.stderr
            .contains("the cell in column `b` is empty, not a valid f64 for `param b`"),
        "{r:?}"
    );
    assert!(r.stderr.contains("declare it `param b: f64?;`"), "{r:?}");
    assert!(r.stderr.contains("in data row 2"), "{r:?}");
    // A cell that is simply wrong gets no such help.
    let r = map("param a: i64; a", "a\nx\n");
    assert_status(&r, 3);
    assert!(!r.stderr.contains("declare it"), "{r:?}");
    // Nor is an empty cell of an optional param's a wrong value: a bad one still is.
    let r = map("param a: u8?; a", "a\n\n300\n");
    assert_status(&r, 3);
    assert!(r.stderr.contains("`300` is not a valid u8?"), "{r:?}");
}

/// A file of many blocks (the reader cuts blocks of whole records; workers parse them):
/// quoted fields with commas, quotes and line breaks, CRLF and empty lines, and a quote
/// inside an unquoted field, on every thread count. The output is the same, and a bad
/// cell far into the file names its line and data row.
#[test]
fn many_blocks_with_quotes_line_breaks_and_empty_lines_read_as_one_file() {
    let rows = 70_000;
    let mut csv = String::from("n,note\r\n");
    let mut want = String::from("n,note,result\n");
    let mut line = 2;
    for i in 0..rows {
        let (cell, written) = match i % 7 {
            0 => ("\"a, \"\"b\"\"\"".to_owned(), "\"a, \"\"b\"\"\"".to_owned()),
            1 => ("\"two\r\nlines\"".to_owned(), "\"two\r\nlines\"".to_owned()),
            // A quote inside an unquoted field is text (written quoted).
            2 => ("5\" disk".to_owned(), "\"5\"\" disk\"".to_owned()),
            // Quoted without need: written unquoted.
            3 => ("\"plain\"".to_owned(), "plain".to_owned()),
            _ => (format!("x{i}"), format!("x{i}")),
        };
        csv.push_str(&format!("{i},{cell}\r\n"));
        line += 1 + cell.matches('\n').count();
        if i % 1000 == 0 {
            csv.push_str("\r\n");
            line += 1;
        }
        want.push_str(&format!("{i},{written},{}\n", i * 2));
    }
    for threads in ["1", "2", "3"] {
        let r = map_with("param n: i64; n * 2", &csv, &["--threads", threads]);
        assert_status(&r, 0);
        if r.stdout != want {
            let at = r
                .stdout
                .bytes()
                .zip(want.bytes())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            panic!(
                "{threads} threads: differs at {at}: {:?} vs {:?}",
                &r.stdout[at.saturating_sub(40)..(at + 40).min(r.stdout.len())],
                &want[at.saturating_sub(40)..(at + 40).min(want.len())]
            );
        }
    }
    // A bad cell after all of them.
    let bad = format!("{csv}oops,x\r\n");
    let r = map_with("param n: i64; n * 2", &bad, &["--threads", "2"]);
    assert_status(&r, 3);
    assert!(r.stdout == want, "the rows before the bad one are written");
    assert!(
        r.stderr.contains(&format!("data.csv:{line}:1")),
        "line {line}: {}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!("in data row {}", rows + 1)),
        "{}",
        r.stderr
    );
}
