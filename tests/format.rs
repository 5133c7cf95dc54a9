//! `format(fmt, args...)` and `round(x, digits)` (issue 15, `docs/language.md`,
//! "format"): results and faults alike on both JIT engines at -O2, ORC at -O0 and the
//! reference interpreter; through the library API (dynamic runs, typed handles,
//! columns) and the REPL; and the memory limit.

mod common;

use common::agree::cases;
use kiln::driver::Options;

#[test]
fn literal_text_and_braces() {
    cases(&[
        ("format(\"\")", ""),
        ("format(\"only text\")", "only text"),
        ("format(\"{{}}\")", "{}"),
        ("format(\"{{{}}}\", 5)", "{5}"),
        ("format(\"a\\tb {}\\n\", \"é\")", "a\tb é\n"),
    ]);
}

#[test]
fn placeholders_take_the_display_format_of_every_type() {
    cases(&[
        ("format(\"{} {} {}\", 2.0, 0.1f32, 1e300)", "2.0 0.1 1e300"),
        ("format(\"{}|{}\", true, \"raw\")", "true|raw"),
        (
            "format(\"{} {}\", [\"a\", \"b\\n\"], [[1], []])",
            "[\"a\", \"b\\n\"] [[1], []]",
        ),
        (
            "let o: i64? = none; let p: string? = \"x\"; format(\"{} {} {}\", o, p, [o, 3])",
            "none x [none, 3]",
        ),
        ("format(\"{} {}\", 255u8, -128i8)", "255 -128"),
    ]);
}

#[test]
fn specs_follow_rust() {
    cases(&[
        // fill and alignment: numbers right, everything else left by default
        ("format(\"[{:5}][{:5}]\", 42, \"ab\")", "[   42][ab   ]"),
        ("format(\"[{:*^7}][{:-<4}]\", \"ab\", 1)", "[**ab***][1---]"),
        // unicode fill; widths count characters
        (
            "format(\"[{:é>6}][{:>6}]\", \"ñ\", \"héllo\")",
            "[éééééñ][ héllo]",
        ),
        // width smaller than the text
        ("format(\"[{:2}]\", \"héllo\")", "[héllo]"),
        // precision: digits after the point, characters of a string
        (
            "format(\"{:.2} {:.0} {:.3}\", 3.14159, 2.5, \"héllo\")",
            "3.14 2 hél",
        ),
        // signs and zeros
        ("format(\"{:+} {:+} {:+.1}\", -5, 5, -0.04)", "-5 +5 -0.0"),
        ("format(\"{:08.3} {:+08}\", -1.5, 7)", "-001.500 +0000007"),
        // radix forms: integers only, at their type's width
        (
            "format(\"{:x} {:#X} {:#o} {:#010b}\", 255, 255, 8, 5)",
            "ff 0xFF 0o10 0b00000101",
        ),
        (
            "format(\"{:x} {:x}\", -9223372036854775807 - 1, -1i8)",
            "8000000000000000 ff",
        ),
        (
            "format(\"{:b}\", 18446744073709551615u64)",
            "1111111111111111111111111111111111111111111111111111111111111111",
        ),
        // exponent forms: floats only
        (
            "format(\"{:e} {:E} {:.2e}\", 1234.5, 0.00012, 1234.5)",
            "1.2345e3 1.2E-4 1.23e3",
        ),
        // f32 shows as f32
        ("format(\"{} {:.3}\", 0.1f32, 0.1f32)", "0.1 0.100"),
    ]);
}

#[test]
fn nan_and_infinities_pad_with_spaces_and_optionals_pad_none() {
    cases(&[
        (
            "let z = 0.0; format(\"[{:08}][{:+08.2}][{:<6}]\", z / z, 1.0 / z, -1.0 / z)",
            "[     NaN][    +inf][-inf  ]",
        ),
        (
            "let o: f64? = none; let p: f64? = 2.25; format(\"[{:>6.1}][{:06.1}][{:.1}]\", o, o, p)",
            "[  none][  none][2.2]",
        ),
        ("format(\"[{:>8}]\", [1, 2])", "[  [1, 2]]"),
    ]);
}

#[test]
fn computed_formats_are_parsed_at_run_time_and_bad_ones_fault_at_them() {
    cases(&[
        (
            "fn f(s: string, x: f64) -> string = format(s, x); f(\"{:>7.2}|\", 2.5)",
            "   2.50|",
        ),
        (
            "fn f(s: string, x: f64) -> string = format(s, x); f(\"{:x}\", 2.5)",
            "error[E0618]: bad format string: the spec of placeholder 1 does not fit its argument of type f64",
        ),
        (
            "fn f(s: string, n: i64) -> string = format(s, n, n); f(\"{}\", 1)",
            "error[E0618]: bad format string: it has 1 placeholder but 2 arguments were given",
        ),
        (
            "fn f(s: string) -> string = format(s, 1); f(\"ab}\")",
            "error[E0618]: bad format string: a lone `}` at byte 2 (write `}}` for a literal brace)",
        ),
        (
            "fn f(s: string) -> string = format(s, 1); f(\"x{:q}\")",
            "error[E0618]: bad format string: the placeholder at byte 1 has a malformed spec",
        ),
        (
            "fn f(s: string) -> string = format(s, 1); f(\"{0}\")",
            "error[E0618]: bad format string: the placeholder at byte 0 names an argument; placeholders take the arguments in order (`{}`)",
        ),
        (
            "fn f(s: string) -> string = format(s, 1); f(\"{ {}\")",
            "error[E0618]: bad format string: the `{` at byte 0 is never closed (write `{{` for a literal brace)",
        ),
    ]);
}

#[test]
fn round_rounds_half_away_from_zero_on_the_decimal_shown() {
    cases(&[
        ("round(2.675, 2)", "2.68"),
        ("round(-2.675, 2)", "-2.68"),
        ("round(2.5, 0)", "3.0"),
        ("round(1.005, 2)", "1.01"),
        ("round(1234.5678, -2)", "1200.0"),
        ("round(9.99, 1)", "10.0"),
        ("round(0.1, 400)", "0.1"),
        ("round(123.0, -9223372036854775807 - 1)", "0.0"),
        ("round(0.125f32, 2)", "0.13"),
        (
            "let z = 0.0; [round(z / z, 2), round(1.0 / z, 2)]",
            "[NaN, inf]",
        ),
        // lifted over optionals like every pure built-in
        (
            "let o: f64? = none; [round(o, 1), round(2.25, 1)]",
            "[none, 2.3]",
        ),
    ]);
}

#[test]
fn a_user_function_named_format_takes_its_own_arity() {
    cases(&[(
        "fn format(x: i64) -> string = \"mine\"; format(1) + format(\"{}\", 2)",
        "mine2",
    )]);
}

#[test]
fn the_result_counts_against_the_memory_limit() {
    let src = "param n: i64; let s = repeat(\"ab\", n); len(format(\"{}{}\", s, s))";
    let engine = kiln::Engine::with_options(kiln::EngineOptions {
        max_memory: 3_000_000,
        ..Default::default()
    });
    let p = engine.compile(src).expect("compiles");
    let v = p.run(&[kiln::Value::I64(1000)]).expect("small fits");
    assert_eq!(v.map(|v| v.to_string()).as_deref(), Some("4000"));
    let e = p.run(&[kiln::Value::I64(1_000_000)]).expect_err("too much");
    assert_eq!(e.code(), "E0616", "{e}");
    let checked = kiln::check_source(src).unwrap();
    let opts = kiln::interp::Options {
        max_memory: 3_000_000,
        ..Default::default()
    };
    let mut out = String::new();
    let e = kiln::driver::interpret(
        &checked.program,
        &[kiln::Value::I64(1_000_000)],
        &opts,
        &mut out,
    )
    .expect_err("too much");
    assert_eq!(e.code(), "E0616", "{e}");
}

#[test]
fn the_library_api_formats_params_in_runs_typed_handles_and_columns() {
    use kiln::engine::{Column, ColumnBuf};
    let engine = kiln::Engine::new();
    let p = engine
        .compile("param price: f64; param n: i64; format(\"{} items at {:>8.2}\", n, price)")
        .expect("compiles");
    let v = p
        .run(&[kiln::Value::F64(3.13579), kiln::Value::I64(3)])
        .expect("runs");
    assert_eq!(
        v.map(|v| v.to_string()).as_deref(),
        Some("3 items at     3.14")
    );
    let ColumnBuf::Str(out) = p
        .run_columns(&[Column::F64(&[1.0, -2.5]), Column::I64(&[1, 20])])
        .expect("runs")
    else {
        panic!("a string column")
    };
    assert_eq!(out, ["1 items at     1.00", "20 items at    -2.50"]);
    let p = engine
        .compile("param x: f64; len(format(\"{:.2}\", round(x, 1)))")
        .expect("compiles");
    let h = p.typed::<(f64,), i64>().expect("typed");
    assert_eq!(h.call(123.456).unwrap(), 6);
}

#[test]
fn the_repl_formats_and_documents_format() {
    let mut s = kiln::repl::Session::new(Options::default(), false);
    let mut ok = |line: &str| {
        let r = s.eval(line);
        assert!(r.stderr.is_empty(), "{line}: {}", r.stderr);
        r.stdout
    };
    ok("let price = 2.5;");
    assert_eq!(ok("format(\"{:>6.2}|\", price)"), "  2.50| : string\n");
    assert_eq!(ok("round(price * 1.01, 1)"), "2.5 : f64\n");
    let doc = ok(":doc format");
    assert!(doc.starts_with("format(string, ...) -> string"), "{doc}");
    let r = s.eval("format(\"{:x}\", price)");
    assert!(r.stderr.contains("E0253"), "{}", r.stderr);
}
