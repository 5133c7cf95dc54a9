//! The time library (issue 15, point 4): field accessors, `format_time`, `parse_time`,
//! `date_trunc` and `now`, in UTC, at fixed offsets and in IANA zones (daylight saving
//! gaps and folds), with their compile-time checks and runtime faults, on the JIT and the
//! reference interpreter, through the library API (dynamic, typed, columns, threads),
//! the REPL and the generated IR.

mod common;

use kiln::jiff::Timestamp;
use kiln::{Backend, Column, ColumnBuf, Engine, EngineOptions, Program, Value};
use std::time::{SystemTime, UNIX_EPOCH};

const SEC: i64 = 1_000_000_000;

/// Nanoseconds of an RFC 3339 instant.
fn ns(s: &str) -> i64 {
    let t: Timestamp = s.parse().unwrap();
    i64::try_from(t.as_nanosecond()).unwrap()
}

/// `src` compiled for the JIT and the interpreter.
fn programs(src: &str) -> Vec<(Backend, Program)> {
    [Backend::Jit, Backend::Interp]
        .into_iter()
        .map(|backend| {
            let engine = Engine::with_options(EngineOptions {
                backend,
                ..EngineOptions::default()
            });
            let p = engine.compile(src).unwrap_or_else(|e| panic!("{src}: {e}"));
            (backend, p)
        })
        .collect()
}

/// The display of `src`'s result (or its fault's code and message), the same on both
/// engines.
fn show(src: &str) -> Result<String, (String, String)> {
    let mut seen = None;
    for (backend, p) in programs(src) {
        let got = match p.run(&[]) {
            Ok(v) => Ok(v.map_or(String::new(), |v| v.to_string())),
            Err(e) => Err((e.code().to_owned(), e.message.clone())),
        };
        if let Some(first) = &seen {
            assert_eq!(&got, first, "{backend:?}: {src}");
        }
        seen = Some(got);
    }
    seen.expect("two engines")
}

fn ok(src: &str) -> String {
    show(src).unwrap_or_else(|e| panic!("{src}: {e:?}"))
}

fn fault(src: &str) -> (String, String) {
    match show(src) {
        Ok(v) => panic!("{src}: no fault, {v}"),
        Err(e) => e,
    }
}

/// The codes and help of a program that does not compile.
fn compile_error(src: &str) -> (Vec<String>, String) {
    match Engine::new().compile(src) {
        Ok(_) => panic!("{src}: compiled"),
        Err(e) => {
            let codes = e.diagnostics.iter().map(|d| d.code.to_string()).collect();
            (codes, format!("{e:?}"))
        }
    }
}

const T: &str = "timestamp(\"2024-03-31T00:30:15.5Z\")";

fn fields(zone: &str) -> String {
    let z = if zone.is_empty() {
        String::new()
    } else {
        format!(", {zone:?}")
    };
    let each: Vec<String> = [
        "year",
        "month",
        "day",
        "hour",
        "minute",
        "second",
        "weekday",
        "day_of_year",
    ]
    .iter()
    .map(|f| format!("{f}(t{z})"))
    .collect();
    ok(&format!("let t = {T}; [{}]", each.join(", ")))
}

#[test]
fn fields_in_utc_at_offsets_and_in_zones() {
    // 2024-03-31 is a Sunday (ISO 7), day 91 of a leap year.
    assert_eq!(fields(""), "[2024, 3, 31, 0, 30, 15, 7, 91]");
    assert_eq!(fields("UTC"), "[2024, 3, 31, 0, 30, 15, 7, 91]");
    assert_eq!(fields("Z"), "[2024, 3, 31, 0, 30, 15, 7, 91]");
    assert_eq!(fields("-05:30"), "[2024, 3, 30, 19, 0, 15, 6, 90]");
    assert_eq!(fields("+14:00"), "[2024, 3, 31, 14, 30, 15, 7, 91]");
    // Berlin is still on CET (+01:00) until 01:00Z that morning.
    assert_eq!(fields("Europe/Berlin"), "[2024, 3, 31, 1, 30, 15, 7, 91]");
    assert_eq!(
        fields("America/New_York"),
        "[2024, 3, 30, 20, 30, 15, 6, 90]"
    );
    // Zone names are matched without regard to case, as the database does.
    assert_eq!(fields("europe/berlin"), "[2024, 3, 31, 1, 30, 15, 7, 91]");
    // After the change: CEST (+02:00).
    assert_eq!(
        ok("hour(timestamp(\"2024-03-31T01:30:00Z\"), \"Europe/Berlin\")"),
        "3"
    );
    // A computed zone, and the last day of a leap year.
    assert_eq!(
        ok("let z = \"Asia/Kolkata\"; let t = timestamp(\"2024-12-31T20:00:00Z\"); [day_of_year(t), day_of_year(t, z), year(t, z)]"),
        "[366, 1, 2025]"
    );
    // Before the epoch, and the ends of the range.
    assert_eq!(
        ok("let t = timestamp(\"1969-12-31T23:59:59.999999999Z\"); [year(t), hour(t), second(t), weekday(t)]"),
        "[1969, 23, 59, 3]"
    );
    assert_eq!(
        ok("[year(timestamp(\"1677-09-21T00:12:44Z\")), year(timestamp(\"2262-04-11T23:47:16Z\"))]"),
        "[1677, 2262]"
    );
    // Optional timestamps lift.
    assert_eq!(
        ok("let t: timestamp? = none; let u: timestamp? = timestamp(\"2024-01-01T00:00:00Z\"); [year(t), year(u)]"),
        "[none, 2024]"
    );
}

#[test]
fn format_time_writes_jiffs_strftime_in_the_zone() {
    assert_eq!(
        ok(&format!("format_time({T}, \"%Y-%m-%d %H:%M:%S%.f %A %j\")")),
        "2024-03-31 00:30:15.5 Sunday 091"
    );
    assert_eq!(
        ok(&format!(
            "format_time({T}, \"%d %b %Y, %H:%M %Z (%:z)\", \"America/New_York\")"
        )),
        "30 Mar 2024, 20:30 EDT (-04:00)"
    );
    assert_eq!(
        ok(&format!(
            "format_time({T}, \"%-d/%-m %I:%M %p %%\", \"+05:30\")"
        )),
        "31/3 06:00 AM %"
    );
    assert_eq!(
        ok(&format!("format_time({T}, \"%s %3f %q\")")),
        "1711845015 500 1"
    );
    // A computed format is checked at run time: E0622 names it and the directive.
    let (code, message) = fault(&format!("let f = \"%Y-%K\"; format_time({T}, f)"));
    assert_eq!(code, "E0622");
    assert!(
        message.contains("`%Y-%K`") && message.contains("`%K`"),
        "{message}"
    );
    // A literal one when the program compiles, at the directive.
    let (codes, text) = compile_error(&format!("format_time({T}, \"%Y-%K\")"));
    assert_eq!(codes, ["E0267"]);
    assert!(text.contains("%K"), "{text}");
}

#[test]
fn parse_time_reads_in_the_zone_and_gives_none_when_it_does_not_match() {
    let p = |args: &str| ok(&format!("parse_time({args})"));
    assert_eq!(
        p("\"2024-03-01 12:05\", \"%Y-%m-%d %H:%M\""),
        "2024-03-01T12:05:00Z"
    );
    assert_eq!(p("\"01/03/2024\", \"%d/%m/%Y\""), "2024-03-01T00:00:00Z");
    assert_eq!(
        p("\"2024-03-01 12:05\", \"%Y-%m-%d %H:%M\", \"Europe/Berlin\""),
        "2024-03-01T11:05:00Z"
    );
    // An offset in the text wins over the zone; so do Unix seconds.
    assert_eq!(
        p("\"2024-03-01 12:05 -0800\", \"%Y-%m-%d %H:%M %z\", \"Europe/Berlin\""),
        "2024-03-01T20:05:00Z"
    );
    assert_eq!(
        p("\"1700000000\", \"%s\", \"Asia/Tokyo\""),
        "2023-11-14T22:13:20Z"
    );
    // In a gap (02:30 does not exist in Berlin that night): moved forward by the gap.
    assert_eq!(
        p("\"2024-03-31 02:30\", \"%Y-%m-%d %H:%M\", \"Europe/Berlin\""),
        "2024-03-31T01:30:00Z"
    );
    // In a fold (01:30 happens twice in New York): the earlier instant.
    assert_eq!(
        p("\"2024-11-03 01:30\", \"%Y-%m-%d %H:%M\", \"America/New_York\""),
        "2024-11-03T05:30:00Z"
    );
    // Text that does not match, an impossible date, a time without a date, out of range.
    for args in [
        "\"yesterday\", \"%Y-%m-%d\"",
        "\"2023-02-29\", \"%Y-%m-%d\"",
        "\"12:00\", \"%H:%M\"",
        "\"2300-01-01\", \"%Y-%m-%d\"",
        "\"2024-03-01 extra\", \"%Y-%m-%d\"",
    ] {
        assert_eq!(p(args), "none", "{args}");
    }
    assert_eq!(
        ok("parse_time(\"2024-03-01\", \"%Y-%m-%d\") ?? timestamp(\"2000-01-01T00:00:00Z\")"),
        "2024-03-01T00:00:00Z"
    );
    // A computed format with a directive that only formats is E0622; a literal one E0267.
    let (code, message) = fault("let f = \"%H:%M %Z\"; parse_time(\"12:00 CET\", f)");
    assert_eq!(code, "E0622");
    assert!(message.contains("`%Z`"), "{message}");
    assert_eq!(compile_error("parse_time(\"x\", \"%q\")").0, ["E0267"]);
}

#[test]
fn date_trunc_truncates_local_time_in_every_unit() {
    let t = "timestamp(\"2024-08-14T13:45:27.25Z\")"; // a Wednesday
    let units = [
        ("year", "2024-01-01T00:00:00Z"),
        ("quarter", "2024-07-01T00:00:00Z"),
        ("month", "2024-08-01T00:00:00Z"),
        ("week", "2024-08-12T00:00:00Z"),
        ("day", "2024-08-14T00:00:00Z"),
        ("hour", "2024-08-14T13:00:00Z"),
        ("minute", "2024-08-14T13:45:00Z"),
        ("second", "2024-08-14T13:45:27Z"),
    ];
    for (unit, want) in units {
        assert_eq!(ok(&format!("date_trunc({t}, {unit:?})")), want, "{unit}");
        // Computed units give the same.
        assert_eq!(
            ok(&format!("let u = {unit:?}; date_trunc({t}, u)")),
            want,
            "{unit}"
        );
    }
    assert_eq!(
        ok(&format!("date_trunc({t}, \"day\", \"Europe/Berlin\")")),
        "2024-08-13T22:00:00Z"
    );
    assert_eq!(
        ok(&format!("date_trunc({t}, \"day\", \"+05:30\")")),
        "2024-08-13T18:30:00Z"
    );
    assert_eq!(
        ok(&format!("date_trunc({t}, \"hour\", \"+05:30\")")),
        "2024-08-14T13:30:00Z"
    );
    // New York, 2024-11-03: the day starts in EDT; the second 01:30 keeps its offset.
    assert_eq!(
        ok("date_trunc(timestamp(\"2024-11-03T19:00:00Z\"), \"day\", \"America/New_York\")"),
        "2024-11-03T04:00:00Z"
    );
    assert_eq!(
        ok("date_trunc(timestamp(\"2024-11-03T06:30:00Z\"), \"hour\", \"America/New_York\")"),
        "2024-11-03T06:00:00Z"
    );
    // Sao Paulo, 2018-11-04: midnight did not exist; the day starts at 01:00 local.
    assert_eq!(
        ok("date_trunc(timestamp(\"2018-11-04T15:00:00Z\"), \"day\", \"America/Sao_Paulo\")"),
        "2018-11-04T03:00:00Z"
    );
    // Before the range: E0621 at the call.
    let (code, message) = fault("date_trunc(timestamp(\"1677-09-21T00:13:00Z\"), \"year\")");
    assert_eq!(code, "E0621");
    assert!(message.contains("1677-01-01"), "{message}");
}

#[test]
fn unknown_zones_and_units_are_compile_errors_or_runtime_faults() {
    let (codes, text) = compile_error("hour(now(), \"Europe/Berln\")");
    assert_eq!(codes, ["E0265"]);
    assert!(text.contains("Europe/Berlin"), "did you mean: {text}");
    let (codes, text) = compile_error("hour(now(), \"+5:30\")");
    assert_eq!(codes, ["E0265"]);
    assert!(text.contains("+05:30"), "{text}");
    let (codes, text) = compile_error("date_trunc(now(), \"Day\")");
    assert_eq!(codes, ["E0266"]);
    assert!(text.contains("\\\"day\\\""), "{text}");
    // No follow-on errors: one report for the call.
    assert_eq!(
        compile_error("year(date_trunc(now(), \"days\", \"Mars/Base\"))")
            .0
            .len(),
        1
    );
    let (code, message) = fault(&format!("let z = \"Mars/Olympus\"; hour({T}, z)"));
    assert_eq!(code, "E0619");
    assert!(message.contains("`Mars/Olympus`"), "{message}");
    let (code, message) = fault(&format!("let z = \"+25:00\"; format_time({T}, \"%H\", z)"));
    assert_eq!(code, "E0619");
    assert!(message.contains("`+25:00`"), "{message}");
    let (code, message) = fault(&format!("let u = \"fortnight\"; date_trunc({T}, u)"));
    assert_eq!(code, "E0622");
    assert!(message.contains("`fortnight`"), "{message}");
}

/// The host clock in nanoseconds.
fn clock() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as i64
}

#[test]
fn now_reads_the_clock_on_every_path() {
    for (backend, p) in programs("now()") {
        let before = clock();
        let got = p.run(&[]).unwrap();
        let after = clock();
        match got {
            Some(Value::Timestamp(t)) => {
                assert!(
                    before <= t && t <= after,
                    "{backend:?}: {before} {t} {after}"
                )
            }
            other => panic!("{backend:?}: {other:?}"),
        }
    }
    // A typed handle.
    let p = Engine::new().compile("now()").unwrap();
    let h = p.typed::<(), Timestamp>().unwrap();
    let before = clock();
    let t = i64::try_from(h.call().unwrap().as_nanosecond()).unwrap();
    assert!(before <= t && t <= clock());
    // Columns: read once per row.
    let p = Engine::new()
        .compile("param x: i64; now() + secs(x)")
        .unwrap();
    let xs = [0i64, 1, 2];
    let before = clock();
    let out = p.run_columns(&[Column::from(&xs[..])]).unwrap();
    let after = clock();
    let ColumnBuf::Timestamp(ts) = out else {
        panic!("{out:?}")
    };
    for (i, t) in ts.iter().enumerate() {
        let t = t - i as i64 * SEC;
        assert!(before <= t && t <= after, "row {i}");
    }
    // The REPL.
    let mut s = kiln::repl::Session::new(kiln::Options::default(), false);
    let before = clock();
    let line = s.eval("now()").stdout;
    let after = clock();
    let text = line
        .trim_end()
        .strip_suffix(" : timestamp")
        .expect("a timestamp");
    let t = ns(text);
    assert!(before <= t && t <= after, "{line}");
}

#[test]
fn now_is_never_folded_or_merged() {
    // Two calls stay two calls after -O2, and a call in a loop stays in the loop.
    let dir = common::scratch_dir("time-lib-now");
    let program = dir.join("now.expr");
    std::fs::write(
        &program,
        "print([now(), now()]);\nmap(range(3), i -> now())\n",
    )
    .unwrap();
    let ir = dir.join("now.ll");
    let mut cmd = common::kiln_command();
    cmd.args(["build", "-O", "2", "--emit", "llvm-ir", "-o"])
        .arg(&ir)
        .arg(&program);
    let run = common::run(&mut cmd, None);
    assert_eq!(run.status, Some(0), "{run:?}");
    let text = std::fs::read_to_string(&ir).unwrap();
    let calls = text.matches("call i64 @kiln_rt_now()").count();
    assert!(calls >= 3, "{calls} calls of kiln_rt_now:\n{text}");
}

#[test]
fn literal_zones_are_resolved_once_and_shared_by_runs_and_threads() {
    let src = "param t: timestamp; [hour(t, \"Europe/Berlin\"), hour(t, \"America/New_York\"), day(t, \"+05:30\")]";
    let p = Engine::new().compile(src).unwrap();
    let t = Value::Timestamp(ns("2024-07-01T22:00:00Z"));
    let want = "[0, 18, 2]";
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..50 {
                    let got = p.run(std::slice::from_ref(&t)).unwrap().unwrap();
                    assert_eq!(got.to_string(), want);
                }
            });
        }
    });
    // A typed handle takes the time crate's type.
    let p = Engine::new()
        .compile("param t: timestamp; year(t, \"Pacific/Kiritimati\")")
        .unwrap();
    let h = p.typed::<(Timestamp,), i64>().unwrap();
    assert_eq!(h.call("2024-12-31T10:00:00Z".parse().unwrap()), Ok(2025));
}

#[test]
fn the_repl_and_doc_know_the_time_functions() {
    let mut s = kiln::repl::Session::new(kiln::Options::default(), false);
    assert_eq!(
        s.eval("weekday(timestamp(\"2024-03-31T12:00:00Z\"), \"Pacific/Auckland\")")
            .stdout,
        "1 : i64\n"
    );
    assert_eq!(
        s.eval(":type parse_time(\"x\", \"%Y\")").stdout,
        "timestamp?\n"
    );
    let doc = s.eval(":doc date_trunc").stdout;
    assert!(
        doc.contains("date_trunc(timestamp, string, string) -> timestamp"),
        "{doc}"
    );
}
