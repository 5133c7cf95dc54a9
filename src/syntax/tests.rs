//! Parser tests. Expressions are compared in a compact S-expression form (see `sx`).

use super::ast::*;
use super::parse;
use crate::diag::Diagnostic;

// ---------------------------------------------------------------------------------------
// Helpers

fn sx(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Int { value, suffix } => match suffix {
            Some(s) => format!("{value}{}", s.name()),
            None => format!("{value}"),
        },
        ExprKind::Float { text, suffix } => match suffix {
            Some(s) => format!("f{text}{}", s.name()),
            None => format!("f{text}"),
        },
        ExprKind::Str(s) => format!("{s:?}"),
        ExprKind::Bool(b) => format!("{b}"),
        ExprKind::Name(n) => n.clone(),
        ExprKind::List(xs) => format!("[{}]", join(xs)),
        ExprKind::Unary { op, operand, .. } => {
            let o = match op {
                UnaryOp::Neg => "neg",
                UnaryOp::Plus => "pos",
                UnaryOp::Not => "not",
                UnaryOp::BitNot => "~",
            };
            format!("({o} {})", sx(operand))
        }
        ExprKind::Binary { op, lhs, rhs, .. } => {
            format!("({} {} {})", op.symbol(), sx(lhs), sx(rhs))
        }
        ExprKind::Call { callee, args } => {
            if args.is_empty() {
                format!("({})", callee.name)
            } else {
                format!("({} {})", callee.name, join(args))
            }
        }
        ExprKind::Index { target, index } => format!("(idx {} {})", sx(target), sx(index)),
        ExprKind::If { args, .. } => format!("(if {})", join(args)),
        ExprKind::Switch { args, .. } => format!("(switch {})", join(args)),
        ExprKind::None => "none".to_string(),
        ExprKind::Coalesce { operands, .. } => format!("(?? {})", join(operands)),
        ExprKind::Lambda { params, body } => {
            let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
            format!("(\\{} {})", names.join(" "), sx(body))
        }
    }
}

fn join(xs: &[Expr]) -> String {
    xs.iter().map(sx).collect::<Vec<_>>().join(" ")
}

fn ty(t: &TypeExpr) -> String {
    match &t.kind {
        TypeExprKind::Named(n) => n.clone(),
        TypeExprKind::List(inner) => format!("[{}]", ty(inner)),
        TypeExprKind::Opt(inner) => format!("{}?", ty(inner)),
    }
}

fn block(b: &Block) -> String {
    format!(
        "{{{}}}",
        b.stmts.iter().map(stmt).collect::<Vec<_>>().join("; ")
    )
}

fn stmt(s: &Stmt) -> String {
    match &s.kind {
        StmtKind::Fn(f) => {
            let params: Vec<String> = f
                .params
                .iter()
                .map(|p| format!("{}: {}", p.name.name, ty(&p.ty)))
                .collect();
            let ret = f
                .ret
                .as_ref()
                .map(|r| format!(" -> {}", ty(r)))
                .unwrap_or_default();
            let body = match &f.body {
                FnBody::Expr(e) => format!("= {}", sx(e)),
                FnBody::Block(b) => block(b),
            };
            format!("fn {}({}){ret} {body}", f.name.name, params.join(", "))
        }
        StmtKind::Let { name, ty: t, value } => match t {
            Some(t) => format!("let {}: {} = {}", name.name, ty(t), sx(value)),
            None => format!("let {} = {}", name.name, sx(value)),
        },
        StmtKind::Assign { name, value } => format!("{} = {}", name.name, sx(value)),
        StmtKind::Param { name, ty: t } => format!("param {}: {}", name.name, ty(t)),
        StmtKind::Expr(e) => sx(e),
        StmtKind::When { arms, else_block } => {
            let mut out = String::new();
            for (i, a) in arms.iter().enumerate() {
                let kw = if i == 0 { "when" } else { " elif" };
                out.push_str(&format!("{kw} {} {}", sx(&a.cond), block(&a.block)));
            }
            if let Some(b) = else_block {
                out.push_str(&format!(" else {}", block(b)));
            }
            out
        }
    }
}

/// Parse a program and render its statements, one per element.
fn prog(src: &str) -> Vec<String> {
    match parse(src) {
        Ok(p) => p.stmts.iter().map(stmt).collect(),
        Err(ds) => panic!("unexpected errors for {src:?}:\n{}", render(&ds, src)),
    }
}

fn render(ds: &[Diagnostic], src: &str) -> String {
    crate::diag::render_all(ds, "t", src)
}

/// Parse a single expression statement.
fn expr(src: &str) -> Expr {
    let p = parse(src).unwrap_or_else(|ds| panic!("errors for {src:?}:\n{}", render(&ds, src)));
    assert_eq!(p.stmts.len(), 1, "{src:?}");
    match p.stmts.into_iter().next().map(|s| s.kind) {
        Some(StmtKind::Expr(e)) => e,
        other => panic!("not an expression statement: {other:?}"),
    }
}

fn s(src: &str) -> String {
    sx(&expr(src))
}

/// Parse and expect failure; returns the diagnostics.
fn errs(src: &str) -> Vec<Diagnostic> {
    match parse(src) {
        Ok(p) => panic!("expected errors for {src:?}, got {p:?}"),
        Err(ds) => {
            assert!(!ds.is_empty());
            assert_no_internal_error(&ds, src);
            ds
        }
    }
}

/// `parse` turns a panic of the parser thread into E0099; no input may cause one.
fn assert_no_internal_error(ds: &[Diagnostic], src: &str) {
    assert!(
        ds.iter().all(|d| d.code != "E0099"),
        "internal error for {src:?}: {ds:?}"
    );
}

/// The single (first) diagnostic for `src`.
fn err1(src: &str) -> Diagnostic {
    errs(src).into_iter().next().unwrap()
}

fn span(lo: usize, hi: usize) -> Span {
    Span::new(lo, hi)
}

#[test]
#[ignore]
fn debug_dump() {
    let src = std::env::var("KILN_SRC").unwrap_or_default();
    match parse(&src) {
        Ok(p) => {
            for st in &p.stmts {
                println!("{}   @{:?}", stmt(st), st.span);
            }
        }
        Err(ds) => {
            print!("{}", render(&ds, &src));
            for d in &ds {
                println!("{} {:?} {:?}", d.code, d.span, d.secondary);
            }
        }
    }
}

fn int(src: &str) -> (u128, Option<NumSuffix>) {
    match expr(src).kind {
        ExprKind::Int { value, suffix } => (value, suffix),
        other => panic!("{src:?}: not an Int: {other:?}"),
    }
}

fn float(src: &str) -> (String, Option<NumSuffix>) {
    match expr(src).kind {
        ExprKind::Float { text, suffix } => (text, suffix),
        other => panic!("{src:?}: not a Float: {other:?}"),
    }
}

fn string(src: &str) -> String {
    match expr(src).kind {
        ExprKind::Str(s) => s,
        other => panic!("{src:?}: not a Str: {other:?}"),
    }
}

/// Byte range of the `n`th (0-based) occurrence of `needle` in `src`.
fn find(src: &str, needle: &str, n: usize) -> Span {
    let lo = src
        .match_indices(needle)
        .nth(n)
        .unwrap_or_else(|| panic!("{needle:?} #{n} not in {src:?}"))
        .0;
    Span::new(lo, lo + needle.len())
}

// ---------------------------------------------------------------------------------------
// Literals

#[test]
fn integer_literals() {
    use NumSuffix::*;
    assert_eq!(int("42"), (42, None));
    assert_eq!(int("0"), (0, None));
    assert_eq!(int("1_000"), (1000, None));
    assert_eq!(int("1_000_000"), (1_000_000, None));
    assert_eq!(int("0xff"), (255, None));
    assert_eq!(int("0xFF"), (255, None));
    assert_eq!(int("0b1010"), (10, None));
    assert_eq!(int("0b1111_0000"), (240, None));
    assert_eq!(int("255u8"), (255, Some(U8)));
    assert_eq!(int("0b1010u8"), (10, Some(U8)));
    assert_eq!(int("0xff_ffu16"), (0xffff, Some(U16)));
    let max = u128::MAX.to_string();
    assert_eq!(int(&max), (u128::MAX, None));
    // Beyond u64 is still an Int; `types` reports it.
    assert_eq!(int("18446744073709551616"), (1 << 64, None));
}

#[test]
fn every_integer_suffix() {
    for name in ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64"] {
        let suffix = NumSuffix::parse(name);
        assert_eq!(int(&format!("7{name}")), (7, suffix));
        assert_eq!(int(&format!("0x7{name}")), (7, suffix), "hex with {name}");
        assert_eq!(
            int(&format!("0b111{name}")),
            (7, suffix),
            "binary with {name}"
        );
    }
}

#[test]
fn hex_literals_take_integer_suffixes_only() {
    // `f32` is made of hex digits: this is the i64 value 0x1f32.
    assert_eq!(int("0x1f32"), (7986, None));
    assert_eq!(int("0x1f64"), (0x1f64, None));
    assert_eq!(int("0x1fu32"), (31, Some(NumSuffix::U32)));
    assert_eq!(int("0xffi8"), (255, Some(NumSuffix::I8)));
    assert_eq!(int("0x1e5"), (0x1e5, None));
}

#[test]
fn float_literals() {
    use NumSuffix::*;
    assert_eq!(float("1.5"), ("1.5".into(), None));
    assert_eq!(float(".5"), (".5".into(), None));
    assert_eq!(float("2."), ("2.".into(), None));
    assert_eq!(float("1e-3"), ("1e-3".into(), None));
    assert_eq!(float("1E+5"), ("1E+5".into(), None));
    assert_eq!(float("2.5E10"), ("2.5E10".into(), None));
    assert_eq!(float("1_000.5"), ("1000.5".into(), None));
    assert_eq!(float("1.5f32"), ("1.5".into(), Some(F32)));
    assert_eq!(float("2e3f64"), ("2e3".into(), Some(F64)));
    // A decimal integer with a float suffix is a Float.
    assert_eq!(float("3f32"), ("3".into(), Some(F32)));
    assert_eq!(float("1_0f64"), ("10".into(), Some(F64)));
    // Every text is ready for str::parse.
    for src in [
        "1.5", ".5", "2.", "1e-3", "2.5E10", "1_000.5", "3f32", "1.e5",
    ] {
        let (text, _) = float(src);
        assert!(text.parse::<f64>().is_ok(), "{src} -> {text}");
        assert!(text.parse::<f32>().is_ok(), "{src} -> {text}");
    }
}

#[test]
fn bool_and_name_literals() {
    assert_eq!(expr("true").kind, ExprKind::Bool(true));
    assert_eq!(expr("false").kind, ExprKind::Bool(false));
    assert_eq!(expr("x_1").kind, ExprKind::Name("x_1".into()));
    assert_eq!(expr("_").kind, ExprKind::Name("_".into()));
}

#[test]
fn keywords_need_word_boundaries() {
    for name in [
        "notx",
        "india",
        "iffy",
        "orange",
        "andy",
        "letter",
        "fnord",
        "params",
        "whenever",
        "elifant",
        "elsewhere",
        "truely",
        "falsey",
        "switcher",
        "in_",
        "not_",
        "true1",
    ] {
        assert_eq!(expr(name).kind, ExprKind::Name(name.into()), "{name}");
    }
    assert_eq!(s("x in india"), "(in x india)");
    assert_eq!(s("notx or iffy"), "(or notx iffy)");
    assert_eq!(prog("india = 1; orx = india"), ["india = 1", "orx = india"]);
}

#[test]
fn string_literals_and_escapes() {
    assert_eq!(string(r#""hello""#), "hello");
    assert_eq!(string("'hello'"), "hello");
    assert_eq!(string(r#""""#), "");
    assert_eq!(string(r#""\\ \" \' \n \t \r \0""#), "\\ \" ' \n \t \r \0");
    assert_eq!(string(r#"'it\'s "q"'"#), "it's \"q\"");
    assert_eq!(string(r#""\u{1F600}\u{41}\u{e9}""#), "😀Aé");
    assert_eq!(string("\"héllo wörld ✓\""), "héllo wörld ✓");
    assert_eq!(string("\"two\nlines\""), "two\nlines");
    // Comment markers inside strings are text.
    assert_eq!(string(r#""// not /* a comment""#), "// not /* a comment");
}

// ---------------------------------------------------------------------------------------
// Precedence and associativity

#[test]
fn precedence_between_levels() {
    let cases = [
        ("a or b and c", "(or a (and b c))"),
        ("a and b or c", "(or (and a b) c)"),
        ("a || b && c", "(or a (and b c))"),
        ("a and b == c", "(and a (== b c))"),
        ("a == b and c", "(and (== a b) c)"),
        ("a == b | c", "(== a (| b c))"),
        ("a | b == c", "(== (| a b) c)"),
        ("a in b | c", "(in a (| b c))"),
        ("a | b ^ c", "(| a (^ b c))"),
        ("a ^ b | c", "(| (^ a b) c)"),
        ("a ^ b & c", "(^ a (& b c))"),
        ("a & b ^ c", "(^ (& a b) c)"),
        ("x & y ^ z | w", "(| (^ (& x y) z) w)"),
        ("a & b << c", "(& a (<< b c))"),
        ("a << b & c", "(& (<< a b) c)"),
        ("a << 1 + 2", "(<< a (+ 1 2))"),
        ("a + 1 >> 2", "(>> (+ a 1) 2)"),
        ("1 + 2 * 3", "(+ 1 (* 2 3))"),
        ("1 * 2 + 3", "(+ (* 1 2) 3)"),
        ("a - b % c", "(- a (% b c))"),
        ("-a * b", "(* (neg a) b)"),
        ("a * -b", "(* a (neg b))"),
        ("-x[0]", "(neg (idx x 0))"),
        ("-f(x)", "(neg (f x))"),
        ("not a == b", "(== (not a) b)"),
        ("!a and b", "(and (not a) b)"),
        ("~a & b", "(& (~ a) b)"),
        ("+a - b", "(- (pos a) b)"),
        ("(1 + 2) * 3", "(* (+ 1 2) 3)"),
        (
            "a or b == c + d * -e[0]",
            "(or a (== b (+ c (* d (neg (idx e 0))))))",
        ),
    ];
    for (src, want) in cases {
        assert_eq!(s(src), want, "{src}");
    }
}

#[test]
fn left_associativity_at_every_level() {
    let cases = [
        ("a or b or c", "(or (or a b) c)"),
        ("a || b or c", "(or (or a b) c)"),
        ("a and b && c", "(and (and a b) c)"),
        ("a == b != c", "(!= (== a b) c)"),
        ("a < b <= c", "(<= (< a b) c)"),
        ("a > b >= c", "(>= (> a b) c)"),
        ("a in b == c", "(== (in a b) c)"),
        ("a | b | c", "(| (| a b) c)"),
        ("a ^ b ^ c", "(^ (^ a b) c)"),
        ("a & b & c", "(& (& a b) c)"),
        ("a << b >> c", "(>> (<< a b) c)"),
        ("a - b - c", "(- (- a b) c)"),
        ("a - b + c", "(+ (- a b) c)"),
        ("a / b * c % d", "(% (* (/ a b) c) d)"),
        ("8 / 4 / 2", "(/ (/ 8 4) 2)"),
    ];
    for (src, want) in cases {
        assert_eq!(s(src), want, "{src}");
    }
}

#[test]
fn multi_character_operators_are_not_split() {
    let cases = [
        ("a != b", "(!= a b)"),
        ("!a", "(not a)"),
        ("! a", "(not a)"),
        ("a!=!b", "(!= a (not b))"),
        ("a<<b", "(<< a b)"),
        ("a<=b", "(<= a b)"),
        ("a<b", "(< a b)"),
        ("a < -b", "(< a (neg b))"),
        ("a>>b", "(>> a b)"),
        ("a>=b", "(>= a b)"),
        ("a>b", "(> a b)"),
        ("a||b|c", "(or a (| b c))"),
        ("a|b||c", "(or (| a b) c)"),
        ("a&&b&c", "(and a (& b c))"),
        ("a&b&&c", "(and (& a b) c)"),
        ("a==b", "(== a b)"),
        ("a--b", "(- a (neg b))"),
        ("a+-b", "(+ a (neg b))"),
        ("1-2", "(- 1 2)"),
        ("x/y", "(/ x y)"),
    ];
    for (src, want) in cases {
        assert_eq!(s(src), want, "{src}");
    }
}

#[test]
fn unary_operators() {
    assert_eq!(s("-x"), "(neg x)");
    assert_eq!(s("+x"), "(pos x)");
    assert_eq!(s("not x"), "(not x)");
    assert_eq!(s("!x"), "(not x)");
    assert_eq!(s("~x"), "(~ x)");
    assert_eq!(s("- - x"), "(neg (neg x))");
    assert_eq!(s("not not x"), "(not (not x))");
    assert_eq!(s("-~!x"), "(neg (~ (not x)))");
    // Negative literals stay a Unary for the type checker to fold.
    assert_eq!(s("-128"), "(neg 128)");
    assert_eq!(s("-128i8"), "(neg 128i8)");
    assert_eq!(s("-1.5"), "(neg f1.5)");
    let e = expr("-128");
    let ExprKind::Unary {
        op,
        op_span,
        operand,
    } = e.kind
    else {
        panic!("not unary")
    };
    assert_eq!(op, UnaryOp::Neg);
    assert_eq!(op_span, span(0, 1));
    assert_eq!(operand.span, span(1, 4));
    assert_eq!(e.span, span(0, 4));
}

#[test]
fn calls_indexing_lists_if_switch() {
    let cases = [
        ("f(x)[0][1]", "(idx (idx (f x) 0) 1)"),
        ("xs[i][j]", "(idx (idx xs i) j)"),
        ("f()", "(f)"),
        ("f(a, b)", "(f a b)"),
        ("f(a, b,)", "(f a b)"),
        ("f(g(1), [2])", "(f (g 1) [2])"),
        ("i32(x)", "(i32 x)"),
        ("[1, 2, 3]", "[1 2 3]"),
        ("[1, 2, 3,]", "[1 2 3]"),
        ("[]", "[]"),
        ("[[1], [2, 3]]", "[[1] [2 3]]"),
        ("[1, 2][0]", "(idx [1 2] 0)"),
        ("(xs)[0]", "(idx xs 0)"),
        ("\"abc\"[0]", "(idx \"abc\" 0)"),
        ("if(c, a, b)", "(if c a b)"),
        ("if(c, a, b,)", "(if c a b)"),
        ("if (c, 1, 2) + 1", "(+ (if c 1 2) 1)"),
        ("switch(c1, v1, c2, v2, d)", "(switch c1 v1 c2 v2 d)"),
        ("f(x) + g(y) * h()", "(+ (f x) (* (g y) (h)))"),
    ];
    for (src, want) in cases {
        assert_eq!(s(src), want, "{src}");
    }
    // if/switch keep whatever arguments were written; arity is checked later.
    assert_eq!(s("if()"), "(if )");
    assert_eq!(s("if(a)"), "(if a)");
    assert_eq!(s("if(a, b, c, d)"), "(if a b c d)");
    assert_eq!(s("switch(d)"), "(switch d)");
    let src = "x + if(c, 1, 2)";
    let ExprKind::Binary { rhs, .. } = expr(src).kind else {
        panic!()
    };
    let ExprKind::If { keyword_span, args } = &rhs.kind else {
        panic!()
    };
    assert_eq!(*keyword_span, find(src, "if", 0));
    assert_eq!(args.len(), 3);
    assert_eq!(rhs.span, span(4, src.len()));
    let src = "switch(a, 1, 2)";
    let ExprKind::Switch { keyword_span, .. } = expr(src).kind else {
        panic!()
    };
    assert_eq!(keyword_span, span(0, 6));
}

// ---------------------------------------------------------------------------------------
// Comments and layout

#[test]
fn comments_are_ignored() {
    let src = "// leading\nlet x = 1; // trailing\n/* block\n spanning */ let y = x /* inside */ + 2;\nx // no newline";
    assert_eq!(prog(src), ["let x = 1", "let y = (+ x 2)", "x"]);
    assert_eq!(s("a / /* c */ b"), "(/ a b)");
    assert_eq!(s("a /* c */ / b"), "(/ a b)");
    assert_eq!(s("f(/* no args */)"), "(f)");
    assert_eq!(s("/**/1/***/"), "1");
    assert_eq!(s("a // c\n + b"), "(+ a b)");
    assert!(prog("// only a comment").is_empty());
    assert!(prog("/* only */").is_empty());
    assert!(prog("").is_empty());
    assert!(prog("  \n\t\r\n ").is_empty());
    assert!(prog(";;;").is_empty());
}

#[test]
fn crlf_and_bom() {
    assert_eq!(prog("x = 1;\r\ny = 2\r\n"), ["x = 1", "y = 2"]);
    let src = "\u{FEFF}x = 1";
    let p = parse(src).unwrap();
    assert_eq!(p.stmts[0].span, span(3, src.len()));
}

// ---------------------------------------------------------------------------------------
// Statements

#[test]
fn every_statement_form() {
    let src = "\
        fn f(a: i64, b: [[u8]]) -> i64 = a + 1;
        fn g(x: i64) -> i64 { let y = x * 2; y + 1 }
        fn h() = 0;
        fn k(x: f64,) { x }
        let x = 1;
        let y: [f64] = [1., 2.];
        param p: string;
        z = 5;
        z == 5;
        when a { b = 1 } elif c { b = 2 } elif d { } else { b = 3 }
        when a { b = 1 }
        print(x)";
    assert_eq!(
        prog(src),
        [
            "fn f(a: i64, b: [[u8]]) -> i64 = (+ a 1)",
            "fn g(x: i64) -> i64 {let y = (* x 2); (+ y 1)}",
            "fn h() = 0",
            "fn k(x: f64) {x}",
            "let x = 1",
            "let y: [f64] = [f1. f2.]",
            "param p: string",
            "z = 5",
            "(== z 5)",
            "when a {b = 1} elif c {b = 2} elif d {} else {b = 3}",
            "when a {b = 1}",
            "(print x)",
        ]
    );
}

#[test]
fn assignment_is_not_equality() {
    assert!(matches!(
        parse("x = 1").unwrap().stmts[0].kind,
        StmtKind::Assign { .. }
    ));
    assert!(matches!(
        parse("x == 1").unwrap().stmts[0].kind,
        StmtKind::Expr(_)
    ));
    assert_eq!(prog("x = y == 1"), ["x = (== y 1)"]);
    assert_eq!(prog("x=y==1"), ["x = (== y 1)"]);
    assert_eq!(prog("x = a; x==a"), ["x = a", "(== x a)"]);
}

#[test]
fn optional_semicolons() {
    // The final `;` of a program and of a block is optional.
    assert_eq!(prog("x = 1; y"), ["x = 1", "y"]);
    assert_eq!(prog("x = 1; y;"), ["x = 1", "y"]);
    assert_eq!(prog("fn f() { 1 }"), ["fn f() {1}"]);
    assert_eq!(prog("fn f() { 1; }"), ["fn f() {1}"]);
    // `when` and block-bodied `fn` end at `}` and need no `;`, but may have one.
    assert_eq!(
        prog("when a { 1 } x = 2; fn f() { 3 } fn g() = 4"),
        ["when a {1}", "x = 2", "fn f() {3}", "fn g() = 4"]
    );
    assert_eq!(
        prog("when a { 1 }; x = 2; fn f() { 3 }; fn g() = 4;"),
        ["when a {1}", "x = 2", "fn f() {3}", "fn g() = 4"]
    );
    // Stray semicolons are empty statements and produce nothing.
    assert_eq!(prog(";; x = 1;;; ; y ;;"), ["x = 1", "y"]);
    assert_eq!(prog("fn f() { ;; 1;; ; }"), ["fn f() {1}"]);
    assert_eq!(prog("when a { } else { ; }"), ["when a {} else {}"]);
    // Nested `when` inside blocks.
    assert_eq!(
        prog("fn f(x: i64) { when x > 0 { y = 1 } else { when x < 0 { y = 2 } } y }"),
        ["fn f(x: i64) {when (> x 0) {y = 1} else {when (< x 0) {y = 2}}; y}"]
    );
}

#[test]
fn types() {
    assert_eq!(prog("param a: i64"), ["param a: i64"]);
    assert_eq!(prog("param a: [i64]"), ["param a: [i64]"]);
    assert_eq!(prog("param a: [[[string]]]"), ["param a: [[[string]]]"]);
    assert_eq!(prog("param a: [ [ u8 ] ]"), ["param a: [[u8]]"]);
    // Any identifier is accepted in type position; `types` decides.
    assert_eq!(prog("let a: Foo = 1"), ["let a: Foo = 1"]);
}

// ---------------------------------------------------------------------------------------
// Spans

#[test]
fn statement_and_expression_spans() {
    let src = "let total: i64 = (a + b) * 2 ;  // done\nx = -y";
    let p = parse(src).unwrap();
    let s0 = &p.stmts[0];
    assert_eq!(s0.span, span(0, 28)); // without the `;`
    let StmtKind::Let { name, ty, value } = &s0.kind else {
        panic!()
    };
    assert_eq!(name.span, find(src, "total", 0));
    assert_eq!(ty.as_ref().unwrap().span, find(src, "i64", 0));
    assert_eq!(value.span, find(src, "(a + b) * 2", 0));
    let ExprKind::Binary {
        op,
        op_span,
        lhs,
        rhs,
    } = &value.kind
    else {
        panic!()
    };
    assert_eq!(*op, BinaryOp::Mul);
    assert_eq!(*op_span, find(src, "*", 0));
    // A parenthesised expression's span includes its parentheses.
    assert_eq!(lhs.span, find(src, "(a + b)", 0));
    assert_eq!(rhs.span, find(src, "2", 0));
    let ExprKind::Binary { op_span, lhs, .. } = &lhs.kind else {
        panic!()
    };
    assert_eq!(*op_span, find(src, "+", 0));
    assert_eq!(lhs.span, find(src, "a", 1));

    let s1 = &p.stmts[1];
    assert_eq!(s1.span, find(src, "x = -y", 0));
    let StmtKind::Assign { name, value } = &s1.kind else {
        panic!()
    };
    assert_eq!(name.span, find(src, "x", 0));
    assert_eq!(value.span, find(src, "-y", 0));
}

#[test]
fn postfix_and_literal_spans() {
    let src = "f(x, \"s\")[i + 1]";
    let e = expr(src);
    assert_eq!(e.span, span(0, src.len()));
    let ExprKind::Index { target, index } = &e.kind else {
        panic!()
    };
    assert_eq!(target.span, find(src, "f(x, \"s\")", 0));
    assert_eq!(index.span, find(src, "i + 1", 0));
    let ExprKind::Call { callee, args } = &target.kind else {
        panic!()
    };
    assert_eq!(callee.span, span(0, 1));
    assert_eq!(args[0].span, find(src, "x", 0));
    assert_eq!(args[1].span, find(src, "\"s\"", 0)); // a string's span includes quotes

    let src = "[1, 2.5f32, 0xff]";
    let e = expr(src);
    assert_eq!(e.span, span(0, src.len()));
    let ExprKind::List(xs) = &e.kind else {
        panic!()
    };
    assert_eq!(xs[1].span, find(src, "2.5f32", 0));
    assert_eq!(xs[2].span, find(src, "0xff", 0));
    // Nested parentheses: the outermost ones count.
    assert_eq!(expr("((x))").span, span(0, 5));
}

#[test]
fn block_when_and_fn_spans() {
    let src = "fn f(n: [i64]) -> i64 {\n  n[0]\n}\nwhen c { 1 } elif d { 2 } else { 3 }";
    let p = parse(src).unwrap();
    let StmtKind::Fn(f) = &p.stmts[0].kind else {
        panic!()
    };
    assert_eq!(p.stmts[0].span, span(0, find(src, "}", 0).hi as usize));
    assert_eq!(f.name.span, span(3, 4));
    assert_eq!(f.params[0].name.span, span(5, 6));
    assert_eq!(f.params[0].ty.span, find(src, "[i64]", 0));
    let TypeExprKind::List(inner) = &f.params[0].ty.kind else {
        panic!()
    };
    assert_eq!(inner.span, find(src, "i64", 0));
    assert_eq!(f.ret.as_ref().unwrap().span, find(src, "i64", 1));
    let FnBody::Block(b) = &f.body else { panic!() };
    assert_eq!(
        b.span,
        span(find(src, "{", 0).lo as usize, find(src, "}", 0).hi as usize)
    );
    assert_eq!(b.stmts[0].span, find(src, "n[0]", 0));

    let StmtKind::When { arms, else_block } = &p.stmts[1].kind else {
        panic!()
    };
    assert_eq!(
        p.stmts[1].span,
        span(find(src, "when", 0).lo as usize, src.len())
    );
    assert_eq!(arms[0].keyword_span, find(src, "when", 0));
    assert_eq!(arms[1].keyword_span, find(src, "elif", 0));
    assert_eq!(arms[0].cond.span, find(src, "c", 0));
    assert_eq!(arms[1].block.span, find(src, "{ 2 }", 0));
    assert_eq!(else_block.as_ref().unwrap().span, find(src, "{ 3 }", 0));
}

// ---------------------------------------------------------------------------------------
// Errors

#[test]
fn missing_semicolon_points_at_end_of_previous_statement() {
    let src = "let x = 1\nlet y = 2";
    let d = err1(src);
    assert_eq!(d.code, "E0002");
    assert_eq!(d.message, "expected `;` after this statement");
    assert_eq!(d.span, span(9, 9));

    // Comments between the statements do not move it.
    let src = "x = f(1) // comment\n/* more */ y = 2";
    let d = err1(src);
    assert_eq!(d.code, "E0002");
    assert_eq!(d.span, span(8, 8));

    // Inside a block too, and for `fn ... = expr`.
    let src = "fn f() { let a = 1 a }";
    let d = err1(src);
    assert_eq!((d.code, d.span), ("E0002", span(18, 18)));
    let src = "fn f() = 1 fn g() = 2";
    let d = err1(src);
    assert_eq!((d.code, d.span), ("E0002", span(10, 10)));
    let d = err1("1 2");
    assert_eq!((d.code, d.span), ("E0002", span(1, 1)));
}

#[test]
fn unclosed_delimiters() {
    let src = "let x = (1 + 2;\nlet y = 3;";
    let d = err1(src);
    assert_eq!(d.code, "E0003");
    assert_eq!(d.message, "unclosed `(`");
    assert_eq!(d.span, span(14, 14)); // right after `2`
    assert_eq!(d.secondary.len(), 1);
    assert_eq!(d.secondary[0].span, span(8, 9));
    assert_eq!(d.secondary[0].message, "opened here");

    let d = err1("f(1, 2");
    assert_eq!((d.code, d.message.as_str()), ("E0003", "unclosed `(`"));
    assert_eq!(d.secondary[0].span, span(1, 2));
    let d = err1("xs = [1, 2");
    assert_eq!((d.code, d.message.as_str()), ("E0003", "unclosed `[`"));
    let d = err1("when c {\n  x = 1;\n");
    assert_eq!((d.code, d.message.as_str()), ("E0003", "unclosed `{`"));
    assert_eq!(d.secondary[0].span, span(7, 8));

    let d = err1("x = 1 + 2)");
    assert_eq!((d.code, d.message.as_str()), ("E0003", "unmatched `)`"));
    assert_eq!(d.span, span(9, 10));
    let d = err1("x = (1 + 2]");
    assert_eq!(d.code, "E0003");
    assert_eq!(d.message, "mismatched closing delimiter `]`");
    assert_eq!(d.span, span(10, 11));
    assert_eq!(d.secondary[0].span, span(4, 5));
}

#[test]
fn expected_expression_and_closers() {
    let d = err1("let x = 1 +;");
    assert_eq!(d.code, "E0001");
    assert_eq!(d.message, "expected an expression after `+`");
    assert_eq!(d.span, span(11, 12));
    let d = err1("x = 1 * ");
    assert_eq!(d.message, "expected an expression after `*`");
    assert_eq!(d.span, span(8, 8));
    assert_eq!(err1("x = ;").message, "expected an expression after `=`");
    assert_eq!(err1("x = ()").message, "expected an expression after `(`");
    assert_eq!(err1("not").message, "expected an expression after `not`");

    let d = err1("f(1 2)");
    assert_eq!(d.code, "E0001");
    assert_eq!(d.message, "expected `)` to close this call");
    assert_eq!(d.span, span(4, 5));
    assert_eq!(d.secondary[0].span, span(1, 2));
    assert_eq!(err1("xs[1 2]").message, "expected `]` to close this index");
    assert_eq!(err1("[1 2]").message, "expected `]` to close this list");
    assert_eq!(
        err1("(1 2)").message,
        "expected `)` to close this parenthesis"
    );
    assert_eq!(
        err1("fn f(a: i64 b: i64) = 1").message,
        "expected `)` to close the parameter list"
    );
    assert_eq!(err1("if x").message, "expected `(` after `if`");
    assert_eq!(
        err1("let x").message,
        "expected `:` or `=`, found end of input"
    );
    assert_eq!(err1("param x").message, "expected `:`, found end of input");
    assert_eq!(err1("let x: = 1").message, "expected a type, found `=`");
    assert_eq!(err1("fn (x) = 1").message, "expected a name, found `(`");
    assert_eq!(
        err1("fn f() 5").message,
        "expected `=`, `->` or `{`, found `5`"
    );
    assert_eq!(err1("when x y").message, "expected `{`, found `y`");
    assert_eq!(
        err1("f(,)").message,
        "expected an expression or `)`, found `,`"
    );
    assert_eq!(err1("let a = 1 = 2").message, "expected `;`, found `=`");
    assert_eq!(err1("f(x)(y)").message, "expected `;`, found `(`");
    assert_eq!(err1("{ x }").message, "expected a statement, found `{`");
    let d = err1("when a { } else if b { }");
    assert_eq!(d.message, "expected `{` after `else`");
    assert_eq!(
        d.help.as_deref(),
        Some("write `elif cond { ... }` for another condition")
    );
    let d = err1("x = 1; else { 2 }");
    assert_eq!(d.message, "`else` without a preceding `when`");
    assert_eq!(d.span, span(7, 11));
}

#[test]
fn keyword_used_as_name() {
    for (src, kw) in [
        ("let let = 5", "let"),
        ("let if = 5", "if"),
        ("fn not(x: i64) = x", "not"),
        ("fn f(in: i64) = 1", "in"),
        ("param and: i64", "and"),
        ("let x: true = 1", "true"),
        ("or = 1", "or"),
        ("true = 1", "true"),
        ("x = 1; else = 2", "else"),
    ] {
        let d = err1(src);
        assert_eq!(d.code, "E0008", "{src}");
        assert_eq!(
            d.message,
            format!("`{kw}` is a keyword and cannot be used as a name"),
            "{src}"
        );
        assert_eq!(
            d.span,
            find(src, kw, if src.starts_with("let let") { 1 } else { 0 })
        );
    }
}

#[test]
fn escape_errors_are_all_reported() {
    let src = r#"x = "a\qb" + 'c\u{D800}' + "\u{}" + "\u{12" + "\u12" + "\u{1F600}""#;
    let ds = errs(src);
    assert!(ds.iter().all(|d| d.code == "E0004"), "{ds:?}");
    assert_eq!(ds.len(), 5);
    assert_eq!(ds[0].message, "invalid escape `\\q`");
    assert_eq!(ds[0].span, find(src, "\\q", 0));
    assert_eq!(ds[1].message, "invalid unicode escape `\\u{D800}`");
    assert_eq!(ds[1].span, find(src, "\\u{D800}", 0));
    assert_eq!(ds[2].span, find(src, "\\u{}", 0));
    assert_eq!(ds[3].span, find(src, "\\u{12", 0));
    assert_eq!(ds[4].span, find(src, "\\u", 3));
    let d = err1(r#""\u{110000}""#);
    assert_eq!((d.code, d.span), ("E0004", span(1, 11)));
}

#[test]
fn number_literal_errors() {
    for (src, needle) in [
        ("12u7", "invalid suffix `u7`"),
        ("1.5x", "invalid suffix `x`"),
        ("0x", "missing digits after `0x`"),
        ("0xg", "missing digits after `0x`"),
        ("0b", "missing digits after `0b`"),
        ("0b102", "invalid digit `2` in binary literal"),
        ("0b1f32", "float suffix `f32` on binary literal"),
        ("1.5u8", "integer suffix `u8` on float literal"),
        ("1e3i32", "integer suffix `i32` on float literal"),
        ("1e", "missing digits in the exponent"),
        ("1e+x", "missing digits in the exponent"),
        ("1_", "must be between digits"),
        ("1_u8", "must be between digits"),
        ("0x_ff", "must be between digits"),
        ("1_.5", "must be between digits"),
        ("1._5", "must be between digits"),
        (
            "340282366920938463463374607431768211456",
            "integer literal is too large",
        ),
        (
            "0x1_0000_0000_0000_0000_0000_0000_0000_0000",
            "integer literal is too large",
        ),
    ] {
        let d = err1(src);
        assert_eq!(d.code, "E0005", "{src}");
        assert!(d.message.contains(needle), "{src}: {}", d.message);
    }
    assert_eq!(err1("x = 12u7").span, span(4, 8));
    assert_eq!(err1("0b102").span, span(4, 5));
}

#[test]
fn fn_and_param_only_at_top_level() {
    let src = "fn f() {\n  fn g() = 1;\n  param p: i64;\n  when c { fn h() { 2 } }\n  3\n}";
    let ds = errs(src);
    assert_eq!(ds.len(), 3, "{ds:?}");
    assert!(ds.iter().all(|d| d.code == "E0009"));
    assert_eq!(
        ds[0].message,
        "functions can only be defined at the top level"
    );
    assert_eq!(ds[0].span, find(src, "fn", 1));
    assert_eq!(
        ds[1].message,
        "params can only be declared at the top level"
    );
    assert_eq!(ds[1].span, find(src, "param", 0));
    assert_eq!(ds[2].span, find(src, "fn", 2));
    // In `when` blocks at the top level too.
    assert_eq!(err1("when c { param p: i64 }").code, "E0009");
}

#[test]
fn post_parse_errors_are_collected_and_sorted() {
    let src = "let a = 12u7;\nlet b = \"\\q\";\nfn f() { param p: i64 }\nlet c = 0x;";
    let ds = errs(src);
    let codes: Vec<&str> = ds.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["E0005", "E0004", "E0009", "E0005"]);
    assert!(ds.windows(2).all(|w| w[0].span.lo <= w[1].span.lo));
}

/// The codes and primary spans of the diagnostics for `src`.
fn codes_at(src: &str) -> Vec<(&'static str, Span)> {
    errs(src).iter().map(|d| (d.code, d.span)).collect()
}

#[test]
fn independent_mistakes_are_all_reported() {
    let src = "let a = 1 +;\nlet ok = 2;\nlet b = (2 * 3];\nfn f(x: i64) = x;\nlet c = f(1 2);\n";
    let ds = errs(src);
    assert_eq!(ds.len(), 3, "{}", render(&ds, src));
    assert_eq!(ds[0].message, "expected an expression after `+`");
    assert_eq!(ds[0].span, find(src, ";", 0));
    assert_eq!(ds[1].message, "mismatched closing delimiter `]`");
    assert_eq!(ds[1].span, find(src, "]", 0));
    assert_eq!(ds[1].secondary[0].span, find(src, "(", 0));
    assert_eq!(ds[2].message, "expected `)` to close this call");
    assert_eq!(ds[2].span, find(src, "2", 2));
    assert_eq!(ds[2].secondary[0].span, find(src, "(", 2));
    assert_eq!(ds[2].help.as_deref(), Some("separate arguments with `,`"));

    // The first diagnostic is the whole program's; a failure at the very end counts.
    let src = "let x = 1\nlet y = 2;\nwhen y > 1 { z = 1 }\nlet w = 3 *";
    assert_eq!(
        codes_at(src),
        [("E0002", span(9, 9)), ("E0001", span(src.len(), src.len()))]
    );
    // `fn` and `when` blocks end a statement; a mistake inside one is reported once.
    let src = "fn f() { let a = ; a }\nwhen true { x = 1 } else { y = }\nfn g() = ;";
    assert_eq!(
        codes_at(src),
        [
            ("E0001", find(src, ";", 0)),
            ("E0001", find(src, "}", 2)),
            ("E0001", find(src, ";", 1)),
        ]
    );
}

#[test]
fn recovery_also_collects_literal_and_placement_errors() {
    // Errors found while building the AST of the statements that do parse.
    let src = "let a = 12u7;\nlet b = ;\nlet c = \"\\q\";\nwhen c { param p: i64; }";
    let codes: Vec<&str> = errs(src).iter().map(|d| d.code).collect();
    assert_eq!(codes, ["E0005", "E0001", "E0004", "E0009"]);
}

#[test]
fn recovery_limits() {
    // An unclosed bracket swallows the rest: its statements cannot be told apart.
    let src = "let a = (1 + 2;\nlet b = ;\nlet c = 3 +;";
    let ds = errs(src);
    assert_eq!(ds.len(), 1, "{}", render(&ds, src));
    assert_eq!(ds[0].message, "unclosed `(`");
    // A `when` chain is one statement: its first mistake hides the others.
    assert_eq!(errs("when a { x = } elif b { y = }").len(), 1);
    // A lexical error explains the syntax error that follows it in its statement...
    let src = "let a = 3 @ 4;\nlet b = 1 +;";
    assert_eq!(
        codes_at(src),
        [("E0011", find(src, "@", 0)), ("E0001", find(src, ";", 1))]
    );
    let src = "let a = 1 +;\nlet b = 3 @ 4;";
    assert_eq!(
        codes_at(src),
        [("E0001", find(src, ";", 0)), ("E0011", find(src, "@", 0))]
    );
    // ...and an unterminated string or comment ends the search.
    let src = "let a = 1 +;\nlet s = \"abc;\nlet b = ;";
    let codes: Vec<&str> = errs(src).iter().map(|d| d.code).collect();
    assert_eq!(codes, ["E0001", "E0006"]);
}

#[test]
fn lexical_errors() {
    let d = err1("x = \"abc");
    assert_eq!(
        (d.code, d.message.as_str(), d.span),
        ("E0006", "unterminated string", span(4, 5))
    );
    let d = err1("x = 'abc\\'");
    assert_eq!((d.code, d.span), ("E0006", span(4, 5)));
    let d = err1("x = 1; /* comment");
    assert_eq!(
        (d.code, d.message.as_str(), d.span),
        ("E0007", "unterminated block comment", span(7, 9))
    );
    // Block comments do not nest.
    assert!(parse("/* a /* b */ c */").is_err());

    let d = err1("x = 1\0");
    assert_eq!((d.code, d.span), ("E0011", span(5, 6)));
    assert!(d.message.contains("NUL"));
    let d = err1("x = é");
    assert_eq!((d.code, d.span), ("E0011", span(4, 6)));
    let d = err1("x\u{A0}= 1");
    assert_eq!((d.code, d.span), ("E0011", span(1, 3)));
    assert!(d.message.contains("U+00A0"));
    let d = err1("a @ b");
    assert_eq!(
        (d.code, d.message.as_str()),
        ("E0011", "unexpected character `@`")
    );
    assert_eq!(err1("x = 1 # comment").code, "E0011");
    assert_eq!(err1("x = \u{202E}1").code, "E0011");
    // Odd characters inside strings and comments are fine.
    assert_eq!(string("\"\0\u{202E}é\u{A0}\""), "\0\u{202E}é\u{A0}");
    assert_eq!(prog("// é \0 @\n1"), ["1"]);
    // A syntax error before a lexical error is reported as well.
    let ds = errs("x = ;\ny = \"abc");
    let codes: Vec<&str> = ds.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["E0001", "E0006"]);
}

#[test]
fn messages_never_mention_grammar_rules() {
    let bad = [
        "1 +",
        "let",
        "let x",
        "let x =",
        "fn",
        "fn f",
        "fn f(",
        "fn f(x",
        "fn f(x:",
        "fn f(x: i64",
        "fn f() ->",
        "fn f() -> i64",
        "param",
        "param p:",
        "when",
        "when x",
        "when x {",
        "when x { } elif",
        "when x { } else",
        "x = ",
        "f(",
        "[",
        "(",
        "xs[",
        "if",
        "if(",
        "switch",
        "a b",
        "a = = b",
        ")",
        "]",
        "}",
        "{",
        "x.y",
        "f(x)(y)",
        "let 1 = 2",
        "1 = 2",
        "x: i64",
        "-> i64",
        "=",
        "==",
        ",",
        ";;,",
        "a ! b",
        "a ~ b",
        "a not b",
        "fn f() = 1 = 2",
        "else",
        "elif x {}",
        "in",
        "x in",
        "a < < b",
        "let x: [i64 = 1",
        "param p: []",
        "fn f() { return 1 }",
    ];
    let rule_names = [
        "unary",
        "postfix",
        "primary",
        "EOI",
        "op_",
        "kw_",
        "semi",
        "lparen",
        "rparen",
        "lbracket",
        "rbracket",
        "lbrace",
        "rbrace",
        "ident",
        "call_args",
        "_stmt",
        "type_expr",
        "fn_",
        "index_",
        "call_open",
        "program",
        "expr_",
    ];
    for src in bad {
        for d in errs(src) {
            let text = format!("{} {} {:?} {:?}", d.message, d.label, d.secondary, d.help);
            for r in rule_names {
                assert!(!text.contains(r), "{src:?}: {text}");
            }
            assert!(
                d.span.lo <= d.span.hi && d.span.hi as usize <= src.len(),
                "{src:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Robustness

#[test]
fn deep_nesting_is_rejected_without_crashing() {
    let src = "(".repeat(100_000);
    let d = err1(&src);
    assert_eq!(d.code, "E0010");
    assert_eq!(d.message, "expression nested too deeply");
    assert_eq!(d.span, span(256, 257)); // the 257th `(`

    let src = format!("x = {}1{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(err1(&src).code, "E0010");
    let src = format!("x = {}1", "-".repeat(100_000));
    let d = err1(&src);
    assert_eq!((d.code, d.span), ("E0010", span(4 + 256, 4 + 257)));
    let src = format!("x = {}1", "not ".repeat(300));
    assert_eq!(err1(&src).code, "E0010");
    let src = format!("x = {}1", "!~".repeat(200));
    assert_eq!(err1(&src).code, "E0010");
    let src = format!("{}x = 1{}", "when c {".repeat(300), "}".repeat(300));
    assert_eq!(err1(&src).code, "E0010");
    // Right operands are nesting: `1 + (1 + (...))` through calls.
    let src = format!("x = {}1{}", "f(1 + ".repeat(300), ")".repeat(300));
    assert_eq!(err1(&src).code, "E0010");
    // `-(-(-(...)))` nests prefix operators through brackets.
    let src = format!("x = {}1{}", "- - (".repeat(300), ")".repeat(300));
    assert_eq!(err1(&src).code, "E0010");
}

#[test]
fn a_flat_chain_is_not_nesting() {
    // Far past the tree-depth limit, and deeper than any recursion over the tree could
    // go on a 2 MiB stack: parsing, cloning, comparing and dropping walk it with loops.
    let small_stack = std::thread::Builder::new().stack_size(2 << 20);
    let done = small_stack
        .spawn(|| {
            let src = format!("x = 1{}", " * 2 + 1".repeat(100_000));
            let stmts = parse(&src).expect("a flat chain parses").stmts;
            let StmtKind::Assign { value, .. } = &stmts[0].kind else {
                panic!("an assignment");
            };
            let (leaf, nodes) = crate::chain::spine(value);
            // 100 000 `+` nodes, and the first `1 * 2` at the bottom.
            assert_eq!(nodes.len(), 100_001);
            assert_eq!(leaf.span, span(4, 5));
            let copy = stmts.clone();
            assert!(copy == stmts);
            // Only the innermost operand differs (`3` for `1`, same spans).
            let other = parse(&format!("x = 3{}", &src[5..])).expect("parses").stmts;
            assert!(other != stmts, "the innermost operand differs");
        })
        .expect("spawn")
        .join();
    assert!(done.is_ok(), "a flat chain must not overflow a 2 MiB stack");
}

#[test]
fn nesting_up_to_the_limit_parses() {
    let n = 256;
    for (open, close) in [
        ("(", ")"),
        ("[", "]"),
        ("f(", ")"),
        ("-(", ")"),
        ("xs[", "]"),
        ("if(c, 1 + -", ")"),
        ("when c {", "}"),
    ] {
        let src = format!("{}1{}", open.repeat(n), close.repeat(n));
        assert!(parse(&src).is_ok(), "{open} x {n}");
    }
    let src = format!("x = {}1", "-".repeat(256));
    assert!(parse(&src).is_ok());
    let src = format!("x = 1{}", " + 1".repeat(1000));
    assert_eq!(prog(&src).len(), 1);
    // Prefix operators separated by binary ones are not one run.
    let src = format!("x = 1{}", " - -1".repeat(400));
    assert_eq!(prog(&src).len(), 1);
}

/// A tiny deterministic generator, so the test needs no extra crates.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn never_panics_on_garbage() {
    let pieces = [
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ",",
        ";",
        ":",
        "=",
        "==",
        "!=",
        "<",
        "<<",
        ">",
        ">>",
        "+",
        "-",
        "*",
        "/",
        "%",
        "&",
        "&&",
        "|",
        "||",
        "^",
        "~",
        "!",
        ".",
        "->",
        "x",
        "f",
        "let",
        "fn",
        "param",
        "if",
        "switch",
        "when",
        "elif",
        "else",
        "in",
        "and",
        "or",
        "not",
        "true",
        "false",
        "1",
        "0x",
        "0b2",
        "1.5",
        "1e",
        "12u7",
        "3f32",
        "\"",
        "'",
        "\"a\\q\"",
        "'\\u{D800}'",
        "//",
        "/*",
        "*/",
        " ",
        "\n",
        "\0",
        "é",
        "😀",
        "\u{A0}",
        "@",
        "_",
    ];
    let mut rng = Lcg(0x5eed);
    for _ in 0..3000 {
        let len = (rng.next() % 12) as usize;
        let src: String = (0..len)
            .map(|_| pieces[(rng.next() as usize) % pieces.len()])
            .collect();
        if let Err(ds) = parse(&src) {
            assert!(!ds.is_empty());
            assert_no_internal_error(&ds, &src);
            for d in &ds {
                assert!(d.span.lo <= d.span.hi, "{src:?}");
                assert!(d.span.hi as usize <= src.len(), "{src:?}");
                assert!(src.is_char_boundary(d.span.lo as usize), "{src:?}");
                assert!(src.is_char_boundary(d.span.hi as usize), "{src:?}");
                assert!(!d.message.is_empty());
            }
        }
    }
}

#[test]
fn every_prefix_of_a_program_is_handled() {
    let src = "fn f(x: i64, ys: [f64]) -> i64 { let y = x * 2; when y > 3 { y = -y } else { y = ~y }; y }\nparam p: string;\nlet s = 'a\\n' + \"\\u{1F600}\"; // c\n/* b */ x = if(p in [\"a\"], f(1)[0], switch(true, 0x1fu8, 2.5e3));";
    assert!(parse(src).is_ok());
    for (i, _) in src.char_indices() {
        let part = &src[..i];
        if let Err(ds) = parse(part) {
            assert_no_internal_error(&ds, part);
            for d in &ds {
                assert!(d.span.hi as usize <= part.len(), "{part:?}: {d:?}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Messages that say the real reason (issue 13, point 18)

#[test]
fn statements_of_other_languages_are_e0012() {
    for (src, word) in [
        ("for x in [1, 2] { x }", "for"),
        ("let xs = [1];\nfor (i = 0; i < 3; i = i + 1) { }", "for"),
        ("while true { 1 }", "while"),
        ("n = 0; while (n < 3) { n = n + 1; }", "while"),
        ("loop { 1 }", "loop"),
        ("fn f(x: i64) -> i64 { return x }", "return"),
        ("var total = 5;", "var"),
        ("const total = 5;", "const"),
        ("function f(a: i64) { a }", "function"),
        ("def f(x):\n    return x", "def"),
    ] {
        let ds = errs(src);
        assert_eq!(ds.len(), 1, "{src:?}: {ds:#?}");
        let d = &ds[0];
        assert_eq!(d.code, "E0012", "{src:?}: {d:#?}");
        let at = src.find(word).unwrap();
        assert_eq!(d.span, span(at, at + word.len()), "{src:?}");
        assert!(d.help.is_some() && !d.notes.is_empty(), "{src:?}");
    }
    // The words are not reserved: as names they parse.
    prog("for = 1; for + 1");
    prog("loop = [1]; loop[0]");
    // Used as a name in an expression that is otherwise broken: no E0012.
    assert_ne!(err1("for = 1; for + 1 2").code, "E0012");
    assert_ne!(err1("loop = [1]; loop[0").code, "E0012");
    assert_ne!(err1("fn loop(a: i64) = a; loop(1").code, "E0012");
}

#[test]
fn untyped_parameters_are_e0013_at_the_parameter() {
    let d = err1("fn add(a, b) -> i64 = a + b;");
    assert_eq!((d.code, d.span), ("E0013", span(7, 8)));
    assert_eq!(d.message, "parameter `a` needs a type");
    assert!(d.help.as_deref().unwrap().contains("`a: i64`"));
    let d = err1("fn add(a: i64, b) = a + b;");
    assert_eq!((d.code, d.span), ("E0013", span(15, 16)));
    let d = err1("fn one(x) = x;");
    assert_eq!((d.code, d.span), ("E0013", span(7, 8)));
    // A call's arguments are not parameters.
    assert_ne!(err1("f(a, b c)").code, "E0013");
}

#[test]
fn single_equals_in_a_condition_suggests_double() {
    for (src, at, shown) in [
        ("let x = 3; if(x = 3, 1, 2)", 16, "`x == 3`"),
        ("x = 3; when x = 3 { x = 4; }", 14, "`x == 3`"),
        ("let xs = [1]; [xs[0] = 1]", 21, "instead of `=`"),
    ] {
        let d = err1(src);
        assert_eq!((d.code, d.span), ("E0001", span(at, at + 1)), "{src:?}");
        let help = d.help.as_deref().unwrap_or("");
        assert!(help.contains("`==`"), "{src:?}: {d:#?}");
        assert!(help.contains(shown), "{src:?}: {d:#?}");
    }
    // In a call's arguments, it may be meant as a named argument.
    let d = err1("round(x, digits = 2)");
    assert_eq!((d.code, d.span), ("E0001", span(16, 17)));
    assert!(d.help.as_deref().unwrap().contains("by position"), "{d:#?}");
}

#[test]
fn a_non_ascii_name_is_one_error() {
    let src = "let größe = 1;\nlet 名前 = 2;\ngröße + 名前";
    let ds = errs(src);
    let found: Vec<(&str, Span)> = ds.iter().map(|d| (d.code, d.span)).collect();
    let g = src.find("größe").unwrap();
    let n = src.find("名前").unwrap();
    assert_eq!(
        found,
        [
            ("E0011", span(g, g + "größe".len())),
            ("E0011", span(n, n + "名前".len()))
        ]
    );
    assert!(ds[0].message.contains("`größe`"), "{:?}", ds[0]);
    assert!(ds[0].label.contains("`ö` and `ß`"), "{:?}", ds[0]);
    assert!(ds[0].help.as_deref().unwrap().contains("ASCII"));
    // Digits and `_` belong to the name; other characters still get their own error.
    let d = err1("x_1é2 = 3;");
    assert_eq!((d.code, d.span), ("E0011", span(0, 6)));
    assert_eq!(errs("6 × 7").len(), 1);
}

// ---------------------------------------------------------------------------------------
// v1 syntax: optional types, `none`, `??`, lambdas

#[test]
fn optional_types_parse_with_their_spans() {
    assert_eq!(prog("param x: f64?;"), ["param x: f64?"]);
    assert_eq!(prog("let xs: [f64?]? = none;"), ["let xs: [f64?]? = none"]);
    let p = parse("param x: [i64] ?;").unwrap();
    let StmtKind::Param { ty: t, .. } = &p.stmts[0].kind else {
        panic!("not a param")
    };
    let TypeExprKind::Opt(inner) = &t.kind else {
        panic!("not optional")
    };
    assert_eq!((t.span, inner.span), (span(9, 16), span(9, 14)));
    assert_eq!(err1("param x: f64??;").code, "E0001");
}

#[test]
fn coalesce_is_flat_right_associative_and_between_comparisons_and_bit_or() {
    assert_eq!(s("a ?? b ?? c"), "(?? a b c)");
    assert_eq!(s("a ?? (b ?? c)"), "(?? a b c)");
    assert_eq!(s("(a ?? b) ?? c"), "(?? (?? a b) c)");
    assert_eq!(s("x ?? 0 > 5"), "(> (?? x 0) 5)");
    assert_eq!(s("a | b ?? c | d"), "(?? (| a b) (| c d))");
    assert_eq!(s("none ?? 1"), "(?? none 1)");
    let e = expr("a ?? b ?? c");
    let ExprKind::Coalesce { op_spans, .. } = &e.kind else {
        panic!("not ??")
    };
    assert_eq!(op_spans, &[span(2, 4), span(7, 9)]);
}

#[test]
fn lambdas_parse_as_arguments_and_elsewhere() {
    assert_eq!(s("map(xs, x -> x * 2)"), "(map xs (\\x (* x 2)))");
    assert_eq!(
        s("reduce(xs, 0, (a, x) -> a + x)"),
        "(reduce xs 0 (\\a x (+ a x)))"
    );
    // The body is a whole expression; a lambda inside a lambda parses too.
    assert_eq!(
        s("map(xss, xs -> map(xs, x -> x ?? 0))"),
        "(map xss (\\xs (map xs (\\x (?? x 0)))))"
    );
    // Outside a call it still parses (the checker rejects it with a precise error).
    assert_eq!(prog("let f = x -> x;"), ["let f = (\\x x)"]);
    // `(a)` alone is still a parenthesised name.
    assert_eq!(s("(a) + 1"), "(+ a 1)");
}

#[test]
fn none_is_a_keyword() {
    assert_eq!(s("none"), "none");
    assert_eq!(err1("let none = 1;").code, "E0008");
}

#[test]
fn spans_inside_string_literals_account_for_escapes() {
    let src = r#"["a\tb{x}\u{e9}z", "{y}"]"#;
    let program = parse(src).unwrap();
    let StmtKind::Expr(list) = &program.stmts[0].kind else {
        panic!("not an expression")
    };
    let ExprKind::List(items) = &list.kind else {
        panic!("not a list")
    };
    let (first, second) = (items[0].span, items[1].span);
    let text = |sp: Span| &src[sp.lo as usize..sp.hi as usize];
    let map = &program.strings;
    // The decoded text is "a\tb{x}éz": `{x}` is bytes 3..6, after the two-byte `\t`.
    assert_eq!(text(map.span_in(first, 3..6)), "{x}");
    // A character an escape wrote points at the whole escape.
    assert_eq!(text(map.span_in(first, 1..2)), "\\t");
    assert_eq!(text(map.span_in(first, 6..8)), "\\u{e9}");
    assert_eq!(text(map.span_in(first, 6..7)), "\\u{e9}");
    assert_eq!(text(map.span_in(first, 8..9)), "z");
    // An empty range at the end of the text is the closing quote's position.
    assert_eq!(map.span_in(first, 9..9).lo as usize, first.hi as usize - 1);
    // A literal without escapes maps one to one.
    assert_eq!(text(map.span_in(second, 0..3)), "{y}");
    assert_eq!(text(map.span_in(second, 1..2)), "y");
}

/// The words of the pest grammar's `keyword` rule: each alternative names a rule whose
/// text is a quoted word followed by `!ident_char`.
fn grammar_keywords() -> Vec<String> {
    let grammar = include_str!("../../grammar/kiln.pest");
    let rule = |name: &str| {
        grammar
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name) && l.contains('='))
            .unwrap_or_else(|| panic!("no rule `{name}` in the grammar"))
    };
    let start = grammar.find("keyword = _{").expect("the keyword rule");
    let body = &grammar[start..];
    let body = &body[body.find('{').expect("{") + 1..body.find('}').expect("}")];
    body.split('|')
        .map(|alt| {
            let line = rule(alt.trim());
            let quoted = line.split('"').nth(1).expect("a quoted word");
            quoted.to_owned()
        })
        .collect()
}

#[test]
fn the_grammar_has_exactly_the_languages_keywords() {
    let mut grammar = grammar_keywords();
    let mut listed: Vec<String> = super::KEYWORDS.iter().map(|k| k.to_string()).collect();
    grammar.sort();
    listed.sort();
    assert_eq!(grammar, listed);
}

#[test]
fn the_editor_grammar_highlights_exactly_the_languages_keywords() {
    // editors/vscode's TextMate grammar: its `keywords` patterns are `\b(a|b|...)\b`.
    let text = include_str!("../../editors/vscode/syntaxes/kiln.tmLanguage.json");
    let grammar: serde_json::Value = serde_json::from_str(text).expect("valid JSON");
    let patterns = grammar["repository"]["keywords"]["patterns"]
        .as_array()
        .expect("keyword patterns");
    let mut words: Vec<String> = patterns
        .iter()
        .flat_map(|p| {
            let regex = p["match"].as_str().expect("a match");
            let inner = regex
                .strip_prefix("\\b(")
                .and_then(|r| r.strip_suffix(")\\b"))
                .unwrap_or_else(|| panic!("not a word list: {regex}"));
            inner.split('|').map(str::to_owned).collect::<Vec<_>>()
        })
        .collect();
    let mut listed: Vec<String> = super::KEYWORDS.iter().map(|k| k.to_string()).collect();
    words.sort();
    listed.sort();
    assert_eq!(words, listed);
}
