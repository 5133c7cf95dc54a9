//! Regular expressions and characters (issue 15): every function on both JIT engines and
//! the reference interpreter (which must agree), checked against the `regex` crate called
//! directly; literal patterns compiled once per process (counted), computed ones through
//! the bounded cache; bad patterns and characters, literal and computed; lifting over
//! optionals; the library API, typed handles, columns, threads and the REPL.

mod common;

use common::agree;
use kiln::engine::{Column, ColumnBuf};
use kiln::runtime::regex as rt_regex;
use kiln::{Engine, Value};
use regex::Regex;
use std::sync::Mutex;

/// The process-wide compilation counters are shared by every test of this file: each
/// test holds this lock, so the counts one test reads are its own.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// The program's printed lines and result, or `error[CODE]: message @ TEXT` (`TEXT` the
/// fault's span): the same on every path.
fn eval(src: &str) -> String {
    agree::everywhere(src, agree::Fault::AtSpan)
}

#[track_caller]
fn cases(table: &[(&str, &str)]) {
    agree::cases_showing(agree::Fault::AtSpan, table)
}

/// A Kiln string literal holding `s`.
fn lit(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A list of strings in the display format.
fn strs<'a>(xs: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = xs.into_iter().map(|s| format!("{s:?}")).collect();
    format!("[{}]", items.join(", "))
}

/// Patterns and texts the crate is asked about directly, each with a literal pattern
/// and with the same pattern computed (`p + ""`).
const PATTERNS: [&str; 12] = [
    r"^[a-z]+\d{2}$",
    r"\d+",
    r"(\w+)@(\w+)\.com",
    r"(?<year>\d{4})-(?<month>\d{2})(-(?<day>\d{2}))?",
    r"a|b(c)?",
    r"(?i)straße",
    r"\s*,\s*",
    r"",
    r"x*",
    r"\p{Greek}+",
    r"^$",
    r"(?m)^\w",
];

const TEXTS: [&str; 9] = [
    "abc12",
    "abc123",
    "mail bob@example.com and amy@test.com",
    "on 2024-03 and 2025-12-31",
    "xbcab",
    "STRASSE Straße",
    "a , b,,c ",
    "",
    "αβγ δ\nline",
];

#[test]
fn every_regex_function_agrees_with_the_regex_crate() {
    let _g = serial();
    for p in PATTERNS {
        let re = Regex::new(p).unwrap();
        for t in TEXTS {
            let want_match = re.is_match(t).to_string();
            let want_find = re
                .find(t)
                .map_or("none".to_string(), |m| m.as_str().to_string());
            let want_caps = re.captures(t).map_or("none".to_string(), |c| {
                let g: Vec<String> = c
                    .iter()
                    .map(|g| g.map_or("none".into(), |m| format!("{:?}", m.as_str())))
                    .collect();
                format!("[{}]", g.join(", "))
            });
            let want_split = strs(re.split(t));
            let want_replace = re.replace_all(t, "<$1|${year}|$$>").into_owned();
            for pat in [lit(p), format!("{} + \"\"", lit(p))] {
                let (t, pat) = (lit(t), pat);
                cases(&[
                    (&format!("matches({t}, {pat})"), &want_match),
                    (&format!("find_match({t}, {pat})"), &want_find),
                    (&format!("captures({t}, {pat})"), &want_caps),
                    (&format!("split_re({t}, {pat})"), &want_split),
                    (
                        &format!("replace_all({t}, {pat}, \"<$1|${{year}}|$$>\")"),
                        &want_replace,
                    ),
                ]);
            }
        }
    }
}

#[test]
fn regex_functions_on_the_contracts_examples() {
    let _g = serial();
    cases(&[
        // Unanchored: anywhere in the string.
        (r#"matches("xx abc12 yy", "[a-z]+\\d{2}")"#, "true"),
        (r#"matches("abc1", "^[a-z]+\\d{2}$")"#, "false"),
        (r#"find_match("no digits", "\\d+")"#, "none"),
        (r#"find_match("a 42 b 7", "\\d+")"#, "42"),
        // A group that did not take part is none; no match at all is none.
        (
            r#"captures("2024-03", "(\\d+)-(\\d+)(-(\\d+))?")"#,
            r#"["2024-03", "2024", "03", none, none]"#,
        ),
        (r#"captures("x", "(\\d+)")"#, "none"),
        (
            r#"replace_all("a1b22", "(?<d>\\d+)", "<${d}>")"#,
            "a<1>b<22>",
        ),
        (r#"replace_all("a-b", "-", "$$")"#, "a$b"),
        // Empty pieces kept, as the crate splits.
        (r#"split_re(",a,,b,", ",")"#, r#"["", "a", "", "b", ""]"#),
        (r#"split_re("", ",")"#, r#"[""]"#),
        (r#"len(split_re("héllo wörld", "\\s+"))"#, "2"),
        (r#"captures("é1", "(\\w)(\\d)")[1]"#, "é"),
    ]);
}

#[test]
fn characters_are_unicode_scalar_values() {
    let _g = serial();
    cases(&[
        (r#"chars("héllo😀")"#, r#"["h", "é", "l", "l", "o", "😀"]"#),
        (r#"chars("")"#, "[]"),
        (r#"is_digit("0123456789")"#, "true"),
        (r#"is_digit("")"#, "false"),
        (r#"is_digit("12a")"#, "false"),
        // ASCII digits only: the Arabic-Indic digit is not one.
        (r#"is_digit("٣")"#, "false"),
        (r#"is_alpha("héllo")"#, "true"),
        (r#"is_alpha("ab1")"#, "false"),
        (r#"is_alpha("")"#, "false"),
        (r#"is_alpha("日本")"#, "true"),
        (r#"is_space(" \t\n")"#, "true"),
        (r#"is_space("\u{3000}")"#, "true"),
        (r#"is_space("")"#, "false"),
        (r#"is_space(" x ")"#, "false"),
        (r#"char_code("A")"#, "65"),
        (r#"char_code("😀")"#, "128512"),
        (r#"char_code("\0")"#, "0"),
        ("from_char_code(233)", "é"),
        ("from_char_code(0) == \"\\0\"", "true"),
        ("from_char_code(1114111) == \"\\u{10FFFF}\"", "true"),
        (
            r#"map(chars("abc"), c -> from_char_code(char_code(c) + 1))"#,
            r#"["b", "c", "d"]"#,
        ),
    ]);
}

#[test]
fn bad_computed_arguments_fault_at_the_argument_on_every_engine() {
    let _g = serial();
    cases(&[
        (
            "let w = \"(x\"; matches(\"a\", \"b\" + w)",
            "error[E0614]: invalid regular expression \"b(x\": unclosed group @ \"b\" + w",
        ),
        (
            "let w = \"?\"; split_re(\"a\", w)",
            "error[E0614]: invalid regular expression \"?\": repetition operator missing expression @ w",
        ),
        (
            "let w = \"\\\\p{Nope}\"; find_match(\"a\", w)",
            "error[E0614]: invalid regular expression \"\\\\p{Nope}\": Unicode property not found @ w",
        ),
        (
            "let w = \"a{1000}{1000}\"; captures(\"a\", w)",
            "error[E0614]: invalid regular expression \"a{1000}{1000}\": the compiled pattern would exceed the size limit of 10485760 bytes @ w",
        ),
        (
            "let s = \"\"; char_code(s)",
            "error[E0620]: `char_code` needs exactly one character, and \"\" has 0 @ s",
        ),
        (
            "let s = \"ab\"; char_code(s)",
            "error[E0620]: `char_code` needs exactly one character, and \"ab\" has 2 @ s",
        ),
        (
            "let n = 55296; from_char_code(n)",
            "error[E0620]: 55296 is not a Unicode scalar value (0 to 0x10FFFF, without the surrogates 0xD800 to 0xDFFF) @ n",
        ),
        (
            "let n = -1; from_char_code(n)",
            "error[E0620]: -1 is not a Unicode scalar value (0 to 0x10FFFF, without the surrogates 0xD800 to 0xDFFF) @ n",
        ),
    ]);
    // Huge patterns: a valid one of 100 000 characters compiles and matches; one nested
    // past the parser's limit is E0614, like any other bad pattern.
    cases(&[
        (
            "let p = repeat(\"ab|\", 25000) + \"c\"; [matches(\"xxc\", p), matches(\"a\", p)]",
            "[true, false]",
        ),
        (
            "let p = repeat(\"(\", 300) + \"a\" + repeat(\")\", 300); matches(\"a\", p)",
            "error[E0614]: invalid regular expression \"((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((\"...: exceed the maximum number of nested parentheses/brackets (250) @ p",
        ),
    ]);
    // A long pattern is cut in the message.
    let long = format!("let w = \"{}(\"; matches(\"a\", w)", "a".repeat(100));
    let got = eval(&long);
    assert!(
        got.starts_with(&format!(
            "error[E0614]: invalid regular expression \"{}\"...: unclosed group",
            "a".repeat(60)
        )),
        "{got}"
    );
}

/// A compile error with `code` whose primary span covers `at` (a piece of `src`).
#[track_caller]
fn rejects(src: &str, code: &str, at: &str) {
    let diags = match kiln::check_source(src) {
        Ok(_) => panic!("{src}: accepted"),
        Err(d) => d,
    };
    let d = diags
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("{src}: no {code} in {diags:?}"));
    assert_eq!(
        &src[d.span.lo as usize..d.span.hi as usize],
        at,
        "{src}: {d:?}"
    );
    assert_eq!(diags.len(), 1, "{src}: follow-on errors {diags:?}");
}

#[test]
fn bad_literal_arguments_are_compile_errors_pointing_into_the_literal() {
    let _g = serial();
    rejects(r#"matches("x", "ab(c")"#, "E0255", "(");
    // An escape before the error shifts nothing: the span is the source's.
    rejects(r#"matches("x", "\\d\\t(c")"#, "E0255", "(");
    rejects(r#"matches("x", "a\u{e9}\\")"#, "E0255", "\\\\");
    rejects(r#"find_match("x", "[a-")"#, "E0255", "[");
    rejects(r#"split_re("x", "a|*")"#, "E0255", "*");
    rejects(r#"captures("x", "(?<=a)b")"#, "E0255", "(?<=");
    rejects(r#"replace_all("x", "\\1", "")"#, "E0255", "\\\\1");
    rejects(r#"matches("x", "(?z)a")"#, "E0255", "z");
    rejects(r#"matches("x", "\\p{Greeek}")"#, "E0255", "\\\\p{Greeek}");
    rejects(
        r#"matches("x", "\\w{1000}{1000}")"#,
        "E0256",
        r#""\\w{1000}{1000}""#,
    );
    rejects(r#"char_code("ab")"#, "E0257", r#""ab""#);
    rejects(r#"char_code("")"#, "E0257", r#""""#);
    rejects("from_char_code(1114112)", "E0258", "1114112");
    rejects("from_char_code(57343)", "E0258", "57343");
    // A bad pattern in a lifted call is reported once too.
    rejects("let s: string? = none; matches(s, \"(\")", "E0255", "(");
}

#[test]
fn regex_and_character_functions_lift_over_optionals() {
    let _g = serial();
    cases(&[
        ("let s: string? = \"abc12\"; matches(s, \"\\\\d\")", "true"),
        ("let s: string? = none; matches(s, \"\\\\d\")", "none"),
        (
            "let s: string? = \"a1\"; find_match(s, \"\\\\d\") ?? \"-\"",
            "1",
        ),
        ("let s: string? = none; captures(s, \"(a)\") ?? []", "[]"),
        ("let p: string? = none; split_re(\"a,b\", p)", "none"),
        ("let s: string? = \"ab\"; chars(s)", r#"["a", "b"]"#),
        ("let s: string? = none; char_code(s)", "none"),
        ("let n: i64? = 97; from_char_code(n)", "a"),
    ]);
    let checked = kiln::check_source("let s: string? = \"x\"; matches(s, \"x\")").unwrap();
    assert_eq!(
        checked.program.main.ret.as_ref().map(|t| t.to_string()),
        Some("bool?".to_string())
    );
}

#[test]
fn a_literal_pattern_is_compiled_once_however_many_runs_and_threads() {
    let _g = serial();
    let src = "param xs: [string];\ncount(xs, s -> matches(s, \"^once-[a-z]+\\\\d{2}$\"))";
    let before = rt_regex::literal_compilations();
    let program = Engine::new().compile(src).unwrap();
    // Checking the program compiled the pattern into the process-wide table.
    assert_eq!(rt_regex::literal_compilations(), before + 1);
    let xs = Value::List(
        kiln::types::ty::Ty::Str,
        (0..100)
            .map(|i| Value::Str(format!("once-ab{:02}", i % 200)))
            .collect(),
    );
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..10 {
                    let got = program.run(std::slice::from_ref(&xs)).unwrap();
                    assert_eq!(got, Some(Value::I64(100)));
                }
            });
        }
    });
    // A second program with the same literal shares the compiled pattern.
    let again = Engine::new().compile(src).unwrap();
    assert_eq!(
        again.run(std::slice::from_ref(&xs)).unwrap(),
        Some(Value::I64(100))
    );
    assert_eq!(rt_regex::literal_compilations(), before + 1);
}

#[test]
fn a_computed_pattern_is_compiled_once_per_thread_and_the_cache_is_bounded() {
    let _g = serial();
    let src = "param xs: [string];\nparam p: string;\ncount(xs, s -> matches(s, p))";
    let program = Engine::new().compile(src).unwrap();
    let xs = Value::List(
        kiln::types::ty::Ty::Str,
        (0..1000).map(|i| Value::Str(format!("row{i}"))).collect(),
    );
    std::thread::spawn(move || {
        let before = rt_regex::computed_compilations();
        let p = Value::Str("^row\\d*7$".into());
        let got = program.run(&[xs.clone(), p]).unwrap();
        assert_eq!(got, Some(Value::I64(100)));
        // 1000 rows, one compilation.
        assert_eq!(rt_regex::computed_compilations(), before + 1);
        // Many distinct patterns: each is compiled, the cache stays bounded.
        for i in 0..(rt_regex::CACHE_CAPACITY * 4) {
            let p = Value::Str(format!("^row{i}$"));
            let got = program.run(&[xs.clone(), p]).unwrap();
            assert_eq!(got, Some(Value::I64(1)));
            assert!(rt_regex::cached_patterns() <= rt_regex::CACHE_CAPACITY);
        }
        assert_eq!(rt_regex::cached_patterns(), rt_regex::CACHE_CAPACITY);
        let compiled = rt_regex::computed_compilations();
        // The most recent ones are still cached: running them again compiles nothing.
        let last = rt_regex::CACHE_CAPACITY * 4 - 1;
        let p = Value::Str(format!("^row{last}$"));
        program.run(&[xs.clone(), p]).unwrap();
        assert_eq!(rt_regex::computed_compilations(), compiled);
    })
    .join()
    .unwrap();
}

#[test]
fn columns_typed_handles_and_params_run_regex_programs() {
    let _g = serial();
    let program = Engine::new()
        .compile("param s: string;\nreplace_all(s, \"(?<w>[a-z]+)(\\\\d+)\", \"$2-${w}\")")
        .unwrap();
    let rows = ["abc12", "x", "", "zz9 yy8"];
    let col = Column::from(&rows[..]);
    let want: Vec<String> = {
        let re = Regex::new(r"(?<w>[a-z]+)(\d+)").unwrap();
        rows.iter()
            .map(|r| re.replace_all(r, "$2-${w}").into_owned())
            .collect()
    };
    match program.run_columns(&[col]) {
        Ok(ColumnBuf::Str(out)) => assert_eq!(out, want),
        other => panic!("{other:?}"),
    }
    // A typed handle (scalar params and result) over characters and a literal pattern.
    let program = Engine::new()
        .compile(
            "param n: i64;\nchar_code(from_char_code(n)) + i64(matches(string(n), \"^\\\\d+7$\"))",
        )
        .unwrap();
    let f = program.typed::<(i64,), i64>().unwrap();
    assert_eq!(f.call(233).unwrap(), 233);
    assert_eq!(f.call(127).unwrap(), 128);
    let err = f.call(1_114_112).unwrap_err();
    assert_eq!(err.code(), "E0620", "{err:?}");
    // A column of computed patterns: the bad row is a row error with E0614.
    let program = Engine::new()
        .compile("param s: string;\nparam p: string;\nmatches(s, p)")
        .unwrap();
    let texts = ["a1", "b", "c3"];
    let pats = ["\\d", "(", "c"];
    let err = program
        .run_columns(&[Column::from(&texts[..]), Column::from(&pats[..])])
        .unwrap_err();
    let shown = format!("{err:?}");
    assert!(
        shown.contains("E0614") || shown.contains("BadRegex"),
        "{shown}"
    );
    let ok = program
        .run_columns(&[
            Column::from(&texts[..]),
            Column::from(&["\\d", "b", "\\d"][..]),
        ])
        .unwrap();
    match ok {
        ColumnBuf::Bool(out) => assert_eq!(out, vec![true, true, true]),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_repl_keeps_matches_and_characters_across_lines() {
    let _g = serial();
    let mut s = kiln::repl::Session::new(kiln::Options::default(), false);
    let mut ok = |line: &str| {
        let r = s.eval(line);
        assert!(r.stderr.is_empty(), "{line}: {}", r.stderr);
        r.stdout
    };
    ok("let line = \"id=42 name=bob\";");
    ok("let m = find_match(line, \"\\\\d+\");");
    ok("let cs = captures(line, \"name=(\\\\w+)\");");
    assert_eq!(ok("m"), "42 : string?\n");
    assert_eq!(ok("cs"), "[\"name=bob\", \"bob\"] : [string?]?\n");
    assert_eq!(ok("chars(\"hé\")"), "[\"h\", \"é\"] : [string]\n");
    let r = s.eval("char_code(substr(line, 0, 2))");
    assert!(r.stderr.contains("E0620"), "{}", r.stderr);
    let r = s.eval("matches(line, \"(\")");
    assert!(r.stderr.contains("E0255"), "{}", r.stderr);
    let r = s.eval(":doc matches");
    assert!(
        r.stdout.contains("matches(string, string) -> bool"),
        "{}",
        r.stdout
    );
}
