//! `timestamp` and `duration` (issue 15, point 4): construction by parsing, arithmetic,
//! comparison, display and inputs, on the JIT and the reference interpreter, through
//! the library API (dynamic, typed, columns), `kiln run`, `kiln map` and the REPL.

mod common;

use common::{kiln_command, run, scratch_dir, Run};
use kiln::jiff::{SignedDuration, Timestamp};
use kiln::{Backend, Column, ColumnBuf, EngineOptions};
use kiln::{Engine, Overflow, Program, Value};

const NOON: i64 = 1_709_294_400_000_000_000; // 2024-03-01T12:00:00Z
const SEC: i64 = 1_000_000_000;

fn engine(backend: Backend, overflow: Overflow) -> Engine {
    Engine::with_options(EngineOptions {
        backend,
        overflow,
        ..EngineOptions::default()
    })
}

/// `src` compiled for the JIT and the interpreter, in both overflow modes.
fn programs(src: &str) -> Vec<(String, Program)> {
    let mut out = Vec::new();
    for backend in [Backend::Jit, Backend::Interp] {
        for overflow in [Overflow::Wrap, Overflow::Trap] {
            let p = engine(backend, overflow)
                .compile(src)
                .unwrap_or_else(|e| panic!("{src}: {e}"));
            out.push((format!("{backend:?}/{overflow:?}"), p));
        }
    }
    out
}

/// The display of `src`'s result, the same on every engine and mode.
fn show(src: &str, inputs: &[Value]) -> Result<String, (String, String)> {
    let mut seen: Option<Result<String, (String, String)>> = None;
    for (label, p) in programs(src) {
        let got = match p.run(inputs) {
            Ok(v) => Ok(v.map_or(String::new(), |v| v.to_string())),
            Err(e) => Err((e.code().to_owned(), e.message.clone())),
        };
        if let Some(first) = &seen {
            assert_eq!(&got, first, "{label}: {src}");
        }
        seen = Some(got);
    }
    seen.expect("four engines")
}

fn ok(src: &str) -> String {
    show(src, &[]).unwrap_or_else(|e| panic!("{src}: {e:?}"))
}

fn fault(src: &str) -> (String, String) {
    match show(src, &[]) {
        Ok(v) => panic!("{src}: no fault, {v}"),
        Err(e) => e,
    }
}

#[test]
fn timestamps_and_durations_parse_and_display_per_the_contract() {
    let ts = |s: &str| ok(&format!("let s = {s:?}; timestamp(s)"));
    assert_eq!(ts("2024-03-01T12:00:00Z"), "2024-03-01T12:00:00Z");
    assert_eq!(ts("2024-03-01T12:00:00.250Z"), "2024-03-01T12:00:00.25Z");
    assert_eq!(ts("2024-03-01T14:00:00+02:00"), "2024-03-01T12:00:00Z");
    assert_eq!(
        ts("1969-12-31T23:59:59.999999999Z"),
        "1969-12-31T23:59:59.999999999Z"
    );
    let d = |s: &str| ok(&format!("let s = {s:?}; duration(s)"));
    for (text, shown) in [
        ("1h30m", "1h30m"),
        ("45s", "45s"),
        ("1.5s", "1.5s"),
        ("36h", "36h"),
        ("-2h5m", "-2h5m"),
        ("0s", "0s"),
        ("PT1H30M", "1h30m"),
        ("2 days", "48h"),
        ("90s", "1m30s"),
        ("250ms", "0.25s"),
    ] {
        assert_eq!(d(text), shown, "{text}");
    }
    // Literal arguments are read when the program compiles, with the same result.
    assert_eq!(
        ok("timestamp(\"2024-03-01T12:00:00.5Z\")"),
        "2024-03-01T12:00:00.5Z"
    );
    assert_eq!(ok("duration(\"PT1H30M\")"), "1h30m");
    // Inside lists, not quoted.
    assert_eq!(
        ok("[timestamp(\"2024-03-01T12:00:00Z\"), timestamp(\"1970-01-01T00:00:00Z\")]"),
        "[2024-03-01T12:00:00Z, 1970-01-01T00:00:00Z]"
    );
    assert_eq!(ok("[[secs(1)], []]"), "[[1s], []]");
    assert_eq!(ok("string(minutes(90)) + \"!\""), "1h30m!");
}

#[test]
fn malformed_or_out_of_range_text_is_e0604_and_the_option_form_is_none() {
    for (text, ty) in [
        ("2024-03-01T12:00:00", "timestamp"),
        ("yesterday", "timestamp"),
        ("2024-02-30T00:00:00Z", "timestamp"),
        ("2300-01-01T00:00:00Z", "timestamp"),
        ("1x", "duration"),
        ("1 month", "duration"),
        ("100000000h", "duration"),
    ] {
        let (code, message) = fault(&format!("let s = {text:?}; {ty}(s)"));
        assert_eq!(code, "E0604", "{text}");
        assert!(
            message.contains(&format!("{text:?} as {ty}")),
            "{text}: {message}"
        );
        assert_eq!(ok(&format!("let s = {text:?}; {ty}?(s)")), "none");
        assert_eq!(ok(&format!("{ty}?({text:?}) == none")), "true");
    }
    assert_eq!(
        ok("timestamp?(\"bad\") ?? timestamp(\"2024-03-01T12:00:00Z\")"),
        "2024-03-01T12:00:00Z"
    );
    assert_eq!(ok("let s = \"1h\"; duration?(s)"), "1h");
    assert!(fault("let s = \"2300-01-01T00:00:00Z\"; timestamp(s)")
        .1
        .contains("1677 to 2262"));
}

#[test]
fn arithmetic_gives_the_contract_types_and_values() {
    let t = "let t = timestamp(\"2024-03-01T12:00:00Z\");";
    for (expr, want) in [
        ("t + hours(36)", "2024-03-03T00:00:00Z"),
        ("hours(36) + t", "2024-03-03T00:00:00Z"),
        ("t - millis(250)", "2024-03-01T11:59:59.75Z"),
        ("t - timestamp(\"2024-01-01T00:00:00Z\")", "1452h"),
        ("timestamp(\"2024-01-01T00:00:00Z\") - t", "-1452h"),
        ("minutes(90) - hours(2)", "-30m"),
        ("-duration(\"2h5m\")", "-2h5m"),
        ("secs(10) * 3", "30s"),
        ("3 * secs(10)", "30s"),
        ("secs(10) * 3i32", "30s"),
        ("secs(10) / 4", "2.5s"),
        ("secs(-7) / 2", "-3.5s"),
        ("millis(7) / 2", "0.0035s"),
        ("seconds(millis(1500))", "1.5"),
        ("seconds(days(1))", "86400.0"),
        (
            "days(2) + hours(1) + minutes(1) + secs(1) + millis(1)",
            "49h1m1.001s",
        ),
        ("t < t + secs(1)", "true"),
        ("t >= t", "true"),
        ("t != t", "false"),
        ("secs(60) == minutes(1)", "true"),
        ("secs(-1) < secs(0)", "true"),
        ("t in [t - secs(1), t]", "true"),
        ("[t, t + secs(1)] == [t, t]", "[true, false]"),
        ("[t - secs(1), t + secs(1)] > t", "[false, true]"),
        (
            "filter([secs(1), secs(5)], [secs(1), secs(5)] > secs(2))",
            "[5s]",
        ),
        ("[t] in [[t], []]", "true"),
        ("sort([secs(3), secs(-1), secs(2)])", "[-1s, 2s, 3s]"),
        (
            "sort_desc([t, t + days(1)])",
            "[2024-03-02T12:00:00Z, 2024-03-01T12:00:00Z]",
        ),
        ("unique([secs(1), millis(1000), secs(2)])", "[1s, 2s]"),
        ("min(secs(3), secs(1), millis(5))", "0.005s"),
        ("max(t, t + secs(1))", "2024-03-01T12:00:01Z"),
        ("max([secs(3), secs(9), secs(1)])", "9s"),
        ("min([t + days(1), t])", "2024-03-01T12:00:00Z"),
        ("index_of([secs(1), secs(2)], secs(2))", "1"),
    ] {
        assert_eq!(ok(&format!("{t} {expr}")), want, "{expr}");
    }
}

#[test]
fn optionals_of_times_lift_and_compare() {
    assert_eq!(ok("let x: duration? = none; x + secs(1)"), "none");
    assert_eq!(ok("let x: duration? = secs(2); x * 2"), "4s");
    assert_eq!(ok("let x: timestamp? = none; x == none"), "true");
    assert_eq!(
        ok("[timestamp?(\"2024-03-01T12:00:00Z\"), timestamp?(\"no\")]"),
        "[2024-03-01T12:00:00Z, none]"
    );
    assert_eq!(
        ok("compact([duration?(\"1s\"), duration?(\"x\"), duration?(\"2s\")])"),
        "[1s, 2s]"
    );
}

#[test]
fn overflow_is_e0621_at_the_operator_in_both_modes() {
    let end = "let t = timestamp(\"2262-04-11T23:47:16Z\");";
    for expr in [
        "t + hours(1)",
        "t - timestamp(\"1677-09-22T00:00:00Z\")",
        "timestamp(\"1677-09-22T00:00:00Z\") - days(2)",
        "days(100000) * 2",
        "2 * days(100000)",
        "days(106000) + days(1000)",
        "-(days(-106751) - hours(23) - minutes(47) - secs(16) - millis(854) - millis(1))",
    ] {
        let (code, message) = fault(&format!("{end} let k = {expr}; k"));
        assert_eq!(code, "E0621", "{expr}: {message}");
        assert!(message.contains("1677 to 2262"), "{message}");
    }
    // The unit constructors name their argument.
    for (call, name) in [
        ("days(106752)", "days"),
        ("hours(2562048)", "hours"),
        ("minutes(153722868)", "minutes"),
        ("secs(9223372037)", "secs"),
        ("millis(-9223372036855)", "millis"),
    ] {
        let (code, message) = fault(&format!("let n = {call}; n"));
        assert_eq!(code, "E0621", "{call}");
        assert!(message.contains(&format!("`{call}`")), "{message}");
        let _ = name;
    }
    // Just inside the range is fine.
    assert_eq!(ok("days(106751)"), "2562024h");
    assert_eq!(ok("secs(9223372036)"), "2562047h47m16s");
}

#[test]
fn duration_division_is_guarded_like_integer_division() {
    let (code, _) = fault("let n = 0; secs(1) / n");
    assert_eq!(code, "E0601");
    // A constant zero divisor does not compile.
    let err = Engine::new().compile("secs(1) / 0").err().unwrap();
    assert!(err.to_string().contains("E0501"), "{err}");
    // MIN / -1 leaves the range; MIN / 1 does not.
    let src = "param m: duration; param n: i64; m / n";
    for (label, p) in programs(src) {
        let run = |n: i64| p.run(&[Value::Duration(i64::MIN), Value::I64(n)]);
        assert_eq!(run(-1).unwrap_err().code(), "E0621", "{label}");
        assert_eq!(run(1), Ok(Some(Value::Duration(i64::MIN))), "{label}");
        assert_eq!(run(0).unwrap_err().code(), "E0601", "{label}");
    }
}

#[test]
fn params_come_from_values_typed_handles_and_columns() {
    let src = "param t: timestamp; param d: duration; t + d * 2";
    let inputs = [Value::Timestamp(NOON), Value::Duration(90 * SEC)];
    for (label, p) in programs(src) {
        assert_eq!(
            p.run(&inputs),
            Ok(Some(Value::Timestamp(NOON + 180 * SEC))),
            "{label}"
        );
        assert_eq!(p.params()[0].ty.to_string(), "timestamp");
    }
    // A typed handle takes and returns the time crate's types.
    let p = Engine::new().compile(src).unwrap();
    let h = p.typed::<(Timestamp, SignedDuration), Timestamp>().unwrap();
    let noon: Timestamp = "2024-03-01T12:00:00Z".parse().unwrap();
    assert_eq!(
        h.call(noon, SignedDuration::from_secs(90)),
        Ok("2024-03-01T12:03:00Z".parse().unwrap())
    );
    let late: Timestamp = "2262-04-11T00:00:00Z".parse().unwrap();
    assert_eq!(
        h.call(late, SignedDuration::from_hours(24))
            .unwrap_err()
            .code(),
        "E0621"
    );
    // An i64 is not a timestamp.
    assert!(p.typed::<(i64, SignedDuration), Timestamp>().is_err());
    let h = Engine::new()
        .compile("param d: duration?; d")
        .unwrap()
        .typed::<(Option<SignedDuration>,), Option<SignedDuration>>()
        .unwrap();
    assert_eq!(h.call(None), Ok(None));
    assert_eq!(
        h.call(Some(SignedDuration::from_millis(-5))),
        Ok(Some(SignedDuration::from_millis(-5)))
    );
    // Columns of i64 nanoseconds, in and out.
    let ts = [NOON, NOON + SEC];
    let ds = [SEC, -SEC];
    let out = p
        .run_columns(&[Column::Timestamp(&ts), Column::Duration(&ds)])
        .unwrap();
    assert_eq!(out, ColumnBuf::Timestamp(vec![NOON + 2 * SEC, NOON - SEC]));
    assert_eq!(out.get(1), Some(Value::Timestamp(NOON - SEC)));
    // A column of another type is refused.
    let wrong = [0i64, 0];
    assert!(p
        .run_columns(&[Column::from(&wrong[..]), Column::Duration(&ds)])
        .is_err());
}

/// `kiln run prog.expr` with `args`, on `engine`.
fn kiln_run(program: &str, engine: &str, args: &[&str]) -> Run {
    common::kiln_run_source("time", program, engine, args)
}

#[test]
fn the_command_line_reads_rfc3339_and_durations() {
    let program = "param t: timestamp; param d: duration; param ds: [duration]; \
                   print(t); print(ds); t + d + ds[1]";
    for engine in ["jit", "interp"] {
        let r = kiln_run(
            program,
            engine,
            &[
                "--param",
                "t=2024-03-01T14:00:00+02:00",
                "-p",
                "d=1h30m",
                "-p",
                "ds=[1s, 2m]",
            ],
        );
        assert_eq!(r.status, Some(0), "{engine}: {r:?}");
        assert_eq!(
            r.stdout, "2024-03-01T12:00:00Z\n[1s, 2m]\n2024-03-01T13:32:00Z\n",
            "{engine}: {r:?}"
        );
        let r = kiln_run(
            program,
            engine,
            &["-p", "t=2024-03-01T12:00:00", "-p", "d=1h", "-p", "ds=[]"],
        );
        assert_eq!(r.status, Some(2), "{engine}: {r:?}");
        assert!(
            r.stderr.contains("parameter `t` of type timestamp")
                && r.stderr.contains("RFC 3339 with an offset"),
            "{engine}: {r:?}"
        );
    }
}

#[test]
fn kiln_map_reads_time_cells_and_prints_time_results() {
    let dir = scratch_dir("time-map");
    std::fs::write(
        dir.join("p.expr"),
        "param t: timestamp; param d: duration?; t + (d ?? secs(0))",
    )
    .unwrap();
    std::fs::write(
        dir.join("ok.csv"),
        "t,d\n2024-03-01T12:00:00Z,1h30m\n2024-03-01T12:00:00+02:00,\n2024-03-01T12:00:00.5Z,PT45S\n",
    )
    .unwrap();
    let r = run(
        kiln_command()
            .current_dir(&dir)
            .args(["map", "p.expr", "ok.csv", "--color", "never"]),
        None,
    );
    assert_eq!(r.status, Some(0), "{r:?}");
    assert_eq!(
        r.stdout,
        "t,d,result\n2024-03-01T12:00:00Z,1h30m,2024-03-01T13:30:00Z\n\
         2024-03-01T12:00:00+02:00,,2024-03-01T10:00:00Z\n\
         2024-03-01T12:00:00.5Z,PT45S,2024-03-01T12:00:45.5Z\n"
    );
    std::fs::write(dir.join("bad.csv"), "t,d\nnope,1h\n").unwrap();
    let r = run(
        kiln_command()
            .current_dir(&dir)
            .args(["map", "p.expr", "bad.csv", "--color", "never"]),
        None,
    );
    assert_eq!(r.status, Some(3), "{r:?}");
    assert!(
        r.stderr.contains("`nope` is not a valid timestamp"),
        "{r:?}"
    );
}

#[test]
fn the_repl_shows_times_and_their_types() {
    let mut s = kiln::repl::Session::new(kiln::Options::default(), false);
    let r = s.eval("let t = timestamp(\"2024-03-01T12:00:00Z\")");
    assert_eq!(r.stderr, "");
    assert_eq!(
        s.eval("t + minutes(90)").stdout,
        "2024-03-01T13:30:00Z : timestamp\n"
    );
    assert_eq!(s.eval("t - t").stdout, "0s : duration\n");
    assert_eq!(s.eval(":type t - secs(1)").stdout, "timestamp\n");
    assert_eq!(
        s.eval("[t]").stdout,
        "[2024-03-01T12:00:00Z] : [timestamp]\n"
    );
    assert_eq!(s.eval("duration?(\"x\")").stdout, "none : duration?\n");
}

#[test]
fn wrong_operand_types_are_compile_errors_with_a_hint() {
    for (src, says) in [
        (
            "let t = timestamp(\"2024-03-01T12:00:00Z\"); t + t",
            "subtract them",
        ),
        ("secs(1) * 1.5", "scales by an integer"),
        (
            "let t = timestamp(\"2024-03-01T12:00:00Z\"); t < secs(1)",
            "compare a timestamp",
        ),
        (
            "let t = timestamp(\"2024-03-01T12:00:00Z\"); t + 5",
            "ts + secs(5)",
        ),
        ("secs(1) * 5u64", "time operators"),
        ("secs(1) / secs(1)", "time operators"),
    ] {
        let err = Engine::new()
            .compile(src)
            .err()
            .unwrap_or_else(|| panic!("{src}"));
        let text = err.to_string();
        assert!(
            text.contains("E0260") && text.contains(says),
            "{src}: {text}"
        );
    }
    for src in [
        "timestamp(\"2024-03-01 noon\")",
        "duration(\"1 month\")",
        "timestamp(\"2300-01-01T00:00:00Z\")",
    ] {
        let err = Engine::new()
            .compile(src)
            .err()
            .unwrap_or_else(|| panic!("{src}"));
        assert!(err.to_string().contains("E0261"), "{src}: {err}");
    }
    // Numbers and bools do not convert to times.
    for src in ["timestamp(5)", "duration(true)", "timestamp?(5)"] {
        assert!(Engine::new().compile(src).is_err(), "{src}");
    }
}
