use super::*;
use std::path::{Path, PathBuf};

#[track_caller]
fn fmt(src: &str) -> String {
    format_source(src).unwrap_or_else(|d| panic!("{src:?} does not parse: {d:?}"))
}

/// `src` formats to `want`, and `want` to itself.
#[track_caller]
fn formats(src: &str, want: &str) {
    let got = fmt(src);
    assert_eq!(got, want, "formatting {src:?}");
    assert_eq!(fmt(&got), got, "a second pass changed {got:?}");
}

#[test]
fn spacing_is_normalised_and_literals_kept_as_written() {
    formats("let   x=1+2*3 ;x", "let x = 1 + 2 * 3;\nx\n");
    formats("f( a,b ,)", "f(a, b)\n");
    formats("[1,2,  3]", "[1, 2, 3]\n");
    formats("[ ]", "[]\n");
    formats(
        "0xff+1_000+1e3+2.+.5+255u8",
        "0xff + 1_000 + 1e3 + 2. + .5 + 255u8\n",
    );
    formats(r#"'it\'s' + "a\"b\n""#, "'it\\'s' + \"a\\\"b\\n\"\n");
    formats("x[ 0 ][1]", "x[0][1]\n");
}

#[test]
fn operator_spellings_are_kept() {
    formats("a&&b||c and d or e", "a && b || c and d or e\n");
    formats("not x;!y", "not x;\n!y\n");
    formats("- -x; -+~x; not not y", "- -x;\n- +~x;\nnot not y\n");
    formats("1 in [1]", "1 in [1]\n");
}

#[test]
fn parentheses_are_kept_exactly() {
    formats("( a+b )*c", "(a + b) * c\n");
    formats("a+(b*c)", "a + (b * c)\n");
    formats("((a))", "((a))\n");
    formats("(a) + (b)", "(a) + (b)\n");
    formats("-(x)", "-(x)\n");
    formats("(xs)[0]", "(xs)[0]\n");
}

#[test]
fn optionals_coalesce_conversions_and_lambdas() {
    formats(
        "fn f(x:i64 ?)->[f64]?=none;f(1)",
        "fn f(x: i64?) -> [f64]? = none;\nf(1)\n",
    );
    formats("a??b ?? c", "a ?? b ?? c\n");
    formats("i64 ?( s )", "i64?(s)\n");
    formats("map(xs,x->x*2)", "map(xs, x -> x * 2)\n");
    formats("reduce(xs,(a,b)->a+b)", "reduce(xs, (a, b) -> a + b)\n");
    formats("map(xs,(x)->x)", "map(xs, x -> x)\n");
}

#[test]
fn statements_and_semicolons() {
    formats("param n:i64;n", "param n: i64;\nn\n");
    formats("x=1;x=x+1;", "x = 1;\nx = x + 1;\n");
    formats("1;;2", "1;\n2\n");
    // The last statement's `;` is kept or left out as written.
    formats(
        "fn f(x:i64)->i64{let y=x*2;y+1}",
        "fn f(x: i64) -> i64 {\n    let y = x * 2;\n    y + 1\n}\n",
    );
    formats(
        "fn f(x:i64)->i64{let y=x*2;y+1;};",
        "fn f(x: i64) -> i64 {\n    let y = x * 2;\n    y + 1;\n}\n",
    );
    formats("fn g() {}", "fn g() {}\n");
    formats("", "");
    formats("\u{FEFF}1", "1\n");
}

#[test]
fn when_blocks_are_indented() {
    formats(
        "when x<0{y=1;}elif x<5{y=2}else{y=3;when z{w=1;}}",
        "when x < 0 {\n    y = 1;\n} elif x < 5 {\n    y = 2\n} else {\n    y = 3;\n    when z {\n        w = 1;\n    }\n}\n",
    );
    // A `when` needs no `;`: the one after the string ends the string's statement.
    formats(
        "when true { 1 } \"a;\" /* ; */ ;\nx",
        "when true {\n    1\n}\n\"a;\"; /* ; */\nx\n",
    );
}

#[test]
fn blank_lines_are_kept_up_to_one() {
    formats("\n\n1;\n\n\n\n2;\n3\n\n\n", "1;\n\n2;\n3\n");
    formats(
        "when a {\n\n  x = 1;\n\n\n  y = 2;\n\n}",
        "when a {\n    x = 1;\n\n    y = 2;\n}\n",
    );
}

#[test]
fn comments_stay_where_they_were() {
    formats(
        "// head\n\n/// doc\nfn f(x:i64)=x; // trailing\n/* block */ f(1)\n// end\n",
        "// head\n\n/// doc\nfn f(x: i64) = x; // trailing\n/* block */\nf(1)\n// end\n",
    );
    // Alignment before trailing comments is the user's.
    formats(
        "print(1);      // one\nprint(22);     // two\n",
        "print(1);      // one\nprint(22);     // two\n",
    );
    formats(
        "when a { // why\n  // first\n  x = 1; // set\n  // last\n}",
        "when a { // why\n    // first\n    x = 1; // set\n    // last\n}\n",
    );
    formats("when a {\n // only\n}", "when a {\n    // only\n}\n");
    // Not comments: string contents.
    formats("\"// no\" + '/* no */'", "\"// no\" + '/* no */'\n");
}

#[test]
fn a_comment_inside_an_expression_keeps_its_statement_verbatim() {
    formats(
        "let x = 1 +   // one\n    2;\nx",
        "let x = 1 +   // one\n    2;\nx\n",
    );
    // Verbatim lines lose their trailing spaces, but not inside a string or a comment.
    formats(
        "let x = 1 +   \n /* a  \n b */ 2 + \"s  \n\";",
        "let x = 1 +\n /* a  \n b */ 2 + \"s  \n\";\n",
    );
    formats(
        "when a {x=1} // x\nelse {x=2}",
        "when a {x=1} // x\nelse {x=2}\n",
    );
}

#[test]
fn comments_between_arguments_break_the_call_and_stay_put() {
    formats("f(a, /* b */ b)", "f(\n    a, /* b */\n    b,\n)\n");
    formats(
        "let xs = [1, // one\n  2, // two\n  // more\n  3];",
        "let xs = [\n    1, // one\n    2, // two\n    // more\n    3,\n];\n",
    );
    formats(
        "print(g( // why\n x) + 1)",
        "print(\n    g( // why\n        x,\n    )\n        + 1,\n)\n",
    );
    formats(
        "switch(a, 1, /* b */ b, 2, 3)",
        "switch(\n    a, 1, /* b */\n    b, 2,\n    3,\n)\n",
    );
    formats("f(x /* after */)", "f(\n    x, /* after */\n)\n");
    // Anywhere else in an expression: the statement is kept as written.
    formats("f(x[/* i */ 0])", "f(x[/* i */ 0])\n");
}

#[test]
fn long_calls_are_broken_one_argument_per_line() {
    let arg = "a".repeat(40);
    formats(
        &format!("f({arg}, {arg}, g({arg}))"),
        &format!("f(\n    {arg},\n    {arg},\n    g({arg}),\n)\n"),
    );
    formats(
        &format!("let x = [{arg}, {arg}, {arg}];"),
        &format!("let x = [\n    {arg},\n    {arg},\n    {arg},\n];\n"),
    );
    // The value goes to the next line when it fits there.
    let b = "b".repeat(44);
    formats(
        &format!("fn long_name(a: i64, b: i64) -> string = if({b}, {b});"),
        &format!("fn long_name(a: i64, b: i64) -> string =\n    if({b}, {b});\n"),
    );
    // A broken call's trailing comma is not needed to parse it back.
    formats(
        &format!("f(\n    {arg},\n    {arg},\n    {arg},\n)"),
        &format!("f(\n    {arg},\n    {arg},\n    {arg},\n)\n"),
    );
}

#[test]
fn long_switches_put_each_pair_on_a_line() {
    let c = "c".repeat(30);
    formats(
        &format!("switch({c} == 1, \"one\", {c} == 2, \"two\", {c} == 3, \"three\", \"many\")"),
        &format!(
            "switch(\n    {c} == 1, \"one\",\n    {c} == 2, \"two\",\n    {c} == 3, \"three\",\n    \"many\",\n)\n"
        ),
    );
}

#[test]
fn a_switch_written_over_lines_stays_broken_one_pair_per_line() {
    // Short enough for one line, but its arms were on lines of their own.
    let table = "switch(n > 9, \"big\",\n  n > 0, \"small\", \"none\")";
    let broken = "switch(\n    n > 9, \"big\",\n    n > 0, \"small\",\n    \"none\",\n)";
    formats(table, &format!("{broken}\n"));
    // Also inside a binding, a call and an operator chain, which then break around it.
    formats(
        &format!("let s = {table};"),
        &format!("let s = {broken};\n"),
    );
    formats(
        &format!("print({table})"),
        "print(\n    switch(\n        n > 9, \"big\",\n        n > 0, \"small\",\n        \"none\",\n    ),\n)\n",
    );
    formats(
        &format!("\"x\" + {table}"),
        &format!("\"x\"\n    + {}\n", broken.replace('\n', "\n    ")),
    );
    // One written on one line stays there, and so does a one-pair `switch` over lines.
    formats(
        "switch(n > 9, \"big\", n > 0, \"small\", \"none\")",
        "switch(n > 9, \"big\", n > 0, \"small\", \"none\")\n",
    );
    formats(
        "switch(n > 9,\n \"big\",\n \"none\")",
        "switch(n > 9, \"big\", \"none\")\n",
    );
}

#[test]
fn long_chains_are_broken_before_their_loosest_operators() {
    let a = "a".repeat(30);
    formats(
        &format!("{a} * 2 + {a} * 3 + {a} * 4 - 1"),
        &format!("{a} * 2\n    + {a} * 3\n    + {a} * 4\n    - 1\n"),
    );
    formats(
        &format!("{a} ?? {a} ?? {a} ?? {a}"),
        &format!("{a}\n    ?? {a}\n    ?? {a}\n    ?? {a}\n"),
    );
}

#[test]
fn parse_errors_are_the_parsers() {
    let d = format_source("let = 1").unwrap_err();
    assert!(!d.is_empty());
    assert_eq!(d, crate::syntax::parse("let = 1").unwrap_err());
}

#[test]
fn a_long_flat_chain_and_deep_nesting_do_not_overflow() {
    let chain = vec!["x"; 200_000].join(" + ");
    let out = fmt(&chain);
    assert_eq!(fmt(&out), out);
    let deep = format!("{}1{}", "f(".repeat(200), ")".repeat(200));
    let out = fmt(&deep);
    assert_eq!(fmt(&out), out);
}

// ---- every program in the repository -----------------------------------------------------

/// What formatting `src` must keep, and that a second pass changes nothing. `None`: `src`
/// does not parse (nothing to check).
pub(crate) fn check_formatting(name: &str, src: &str) -> Option<()> {
    let once = format_source(src).ok()?;
    let twice = format_source(&once)
        .unwrap_or_else(|d| panic!("{name}: the formatted text does not parse: {d:?}\n{once}"));
    assert_eq!(twice, once, "{name}: a second pass changed the text");
    if let Err(e) = verify(src, &once) {
        match e {
            Broken::Meaning { before, after } => {
                assert_eq!(after, before, "{name}: the meaning changed:\n{once}")
            }
            e => panic!("{name}: {e}:\n{once}"),
        }
    }
    // No trailing whitespace, but in a string literal or a block comment.
    let code = gaps(&once);
    for (at, _) in once.match_indices('\n') {
        if once[..at].ends_with([' ', '\t']) && code.binary_search(&at).is_ok() {
            panic!("{name}: trailing whitespace before offset {at}:\n{once}");
        }
    }
    Some(())
}

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable directory") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            files(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// Every example, ui case, fuzz regression case, benchmark program and the prelude:
/// formatting is stable, keeps every comment and the checked HIR (spans erased; or, for a ui case that does not check, its errors).
#[test]
fn every_program_in_the_repository_formats_stably_and_keeps_its_meaning() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    for dir in [
        "examples",
        "tests/ui",
        "tests/fuzz_cases",
        "stdlib",
        "benches/compare",
    ] {
        files(&root.join(dir), "expr", &mut paths);
    }
    paths.sort();
    let mut formatted = 0;
    for path in &paths {
        let src = std::fs::read_to_string(path).expect("a readable program");
        let name = path
            .strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string();
        if check_formatting(&name, &src).is_some() {
            formatted += 1;
        }
    }
    eprintln!("formatted {formatted} of {} programs", paths.len());
    assert!(formatted >= 200, "only {formatted} programs parsed");
}

/// The repository's own programs are written as `kiln fmt` writes them (what
/// `kiln fmt --check examples stdlib benches/compare` would say), so they show the
/// one layout: an example that is edited by hand must be formatted again.
#[test]
fn the_examples_the_prelude_and_the_benchmark_programs_are_formatted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    for dir in ["examples", "stdlib", "benches/compare"] {
        files(&root.join(dir), "expr", &mut paths);
    }
    assert!(paths.len() >= 20, "{paths:?}");
    let unformatted: Vec<String> = paths
        .iter()
        .filter(|p| {
            let src = std::fs::read_to_string(p).expect("a readable program");
            fmt(&src) != src
        })
        .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
        .collect();
    assert!(
        unformatted.is_empty(),
        "not formatted (run `kiln fmt` on them): {unformatted:?}"
    );
}

/// Offsets of the spaces and line breaks of `src` outside string literals and comments:
/// where a comment may be inserted without changing the program.
fn gaps(src: &str) -> Vec<usize> {
    let b = src.as_bytes();
    let comments = scan::comments(src);
    let mut out = Vec::new();
    let mut i = 0;
    let mut quote = None;
    while i < b.len() {
        if let Some(c) = comments.iter().find(|c| c.lo == i) {
            i = c.hi;
            continue;
        }
        match (quote, b[i]) {
            (Some(_), b'\\') => i += 1,
            (Some(q), c) if c == q => quote = None,
            (None, q @ (b'"' | b'\'')) => quote = Some(q),
            (None, b' ' | b'\n') => out.push(i),
            _ => {}
        }
        i += 1;
    }
    out
}

/// Comments inserted between the tokens of every example, ui case and the prelude, one at a time
/// (a sample of the places): whatever statement or expression they fall in, they are
/// kept, and the program keeps its meaning and formats stably.
#[test]
fn comments_anywhere_are_kept_and_change_nothing_else() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    for dir in ["examples", "stdlib", "tests/ui"] {
        files(&root.join(dir), "expr", &mut paths);
    }
    paths.sort();
    let mut tried = 0;
    for path in &paths {
        let src = std::fs::read_to_string(path).expect("a readable program");
        if format_source(&src).is_err() {
            continue; // a ui case of a parse error
        }
        let gaps = gaps(&src);
        let step = (gaps.len() / 12).max(1);
        for (n, &at) in gaps.iter().step_by(step).enumerate() {
            let comment = if n % 2 == 0 { " /* c */ " } else { " // c\n" };
            let mutated = format!("{}{comment}{}", &src[..at], &src[at..]);
            let name = format!("{} with {comment:?} at {at}", path.display());
            check_formatting(&name, &mutated).unwrap_or_else(|| panic!("{name}: no parse"));
            tried += 1;
        }
    }
    assert!(tried > 200, "only {tried} placements");
}

#[test]
fn a_long_fn_header_puts_each_parameter_on_a_line() {
    let p = "p".repeat(30);
    formats(
        &format!("fn f({p}1: i64, {p}2: [f64], {p}3: string?) -> i64 {{ 1 }}"),
        &format!(
            "fn f(\n    {p}1: i64,\n    {p}2: [f64],\n    {p}3: string?,\n) -> i64 {{\n    1\n}}\n"
        ),
    );
}

#[test]
fn a_long_when_condition_goes_further_in_than_its_block() {
    let c = "c".repeat(45);
    formats(
        &format!("when {c} > 1 and {c} < 9 {{ x = 1; }}"),
        &format!("when {c} > 1\n        and {c} < 9 {{\n    x = 1;\n}}\n"),
    );
}
