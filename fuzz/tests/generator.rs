//! The generator's contract: a seed reproduces its program exactly, and the programs
//! are well typed (at least 99% pass `kiln::check_source`; the rejected ones are
//! printed so the generator can be fixed).

use kiln_fuzz::ast::{Expr, Kind, Stmt, Ty};
use kiln_fuzz::gen;
use kiln_fuzz::rng::derive;

#[test]
fn a_seed_reproduces_its_program() {
    for seed in [0, 1, 42, u64::MAX] {
        assert_eq!(gen::program(seed), gen::program(seed));
        assert_eq!(gen::program(seed).source(), gen::program(seed).source());
    }
    assert_ne!(gen::program(1).source(), gen::program(2).source());
}

#[test]
fn at_least_99_percent_of_generated_programs_type_check() {
    let total = 500;
    let mut rejected = Vec::new();
    for i in 0..total {
        let seed = derive(0x7e57_0001, i);
        let src = gen::program(seed).source();
        if let Err(diags) = kiln::check_source(&src) {
            let first = diags.iter().find(|d| d.is_error()).unwrap_or(&diags[0]);
            rejected.push(format!(
                "seed {seed:#x}: {} {}\n{}",
                first.code,
                first.message,
                kiln::diag::render::human(first, "gen.expr", &src, false)
            ));
        }
    }
    for r in &rejected {
        eprintln!("REJECTED {r}");
    }
    assert!(
        rejected.len() * 100 <= total as usize,
        "{} of {total} generated programs do not type-check (see above)",
        rejected.len()
    );
}

#[test]
fn the_generator_covers_the_language() {
    // Every operator, statement form and builtin shows up in a few hundred programs.
    let mut text = String::new();
    for i in 0..400 {
        text.push_str(&gen::program(derive(0x7e57_0002, i)).source());
    }
    let mut missing = Vec::new();
    let ops = [
        " + ", " - ", " * ", " / ", " % ", " & ", " | ", " ^ ", " << ", " >> ", " == ", " != ",
        " < ", " <= ", " > ", " >= ", " and ", " or ", " && ", " || ", "(not ", "(!", "(-", "(~",
        " in ", "][", "if(", "switch(", "when ", "elif ", "else {", "let ", "param ", "fn ",
        " -> ", "print(", "= ",
    ];
    for op in ops {
        if !text.contains(op) {
            missing.push(op.to_string());
        }
    }
    for b in kiln::types::builtins::all() {
        // `now()` reads the clock: the generator never writes it (paths would differ).
        if b.name == "now" {
            assert!(!text.contains("now("), "the generator wrote now()");
            continue;
        }
        if !text.contains(&format!("{}(", b.name)) {
            missing.push(b.name.clone());
        }
    }
    for name in ["sign", "lerp", "mean3", "median3"] {
        if !text.contains(&format!("{name}(")) {
            missing.push(name.to_string());
        }
    }
    for ty in [
        "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f32", "f64",
    ] {
        if !text.contains(&format!("1{ty}")) && !text.contains(&format!("0{ty}")) {
            missing.push(format!("literal of {ty}"));
        }
    }
    assert!(missing.is_empty(), "never generated: {missing:?}");
}

/// Every expression of a statement list, nested ones included.
fn each_expr<'a>(stmts: &'a [Stmt], out: &mut Vec<&'a Expr>) {
    fn expr<'a>(e: &'a Expr, out: &mut Vec<&'a Expr>) {
        out.push(e);
        for c in e.children() {
            expr(c, out);
        }
    }
    for s in stmts {
        match s {
            Stmt::Param(..) => {}
            Stmt::Let(_, _, e) | Stmt::Assign(_, e) | Stmt::Expr(e) => expr(e, out),
            Stmt::When(arms, else_) => {
                for (c, body) in arms {
                    expr(c, out);
                    each_expr(body, out);
                }
                each_expr(else_.as_deref().unwrap_or(&[]), out);
            }
            Stmt::Fn(f) => {
                each_expr(f.block.as_deref().unwrap_or(&[]), out);
                expr(&f.result, out);
                if let Some(step) = &f.step {
                    expr(step, out);
                }
            }
        }
    }
}

#[test]
fn the_generator_makes_masks() {
    // `& | ^` on bools and element-wise on `[bool]`, and `not`/`!` of a mask.
    let mask = Ty::list(Ty::Bool);
    let mut seen = std::collections::BTreeSet::new();
    // Enough programs that the rarer forms (`!` of a mask) come up whatever the mix of
    // other productions.
    for i in 0..1000 {
        let program = gen::program(derive(0x7e57_0003, i));
        let mut exprs = Vec::new();
        each_expr(&program.stmts, &mut exprs);
        for e in exprs {
            match &e.kind {
                Kind::Binary(op @ ("&" | "|" | "^"), ..) if e.ty == Ty::Bool => {
                    seen.insert(format!("bool {op}"));
                }
                Kind::Binary(op @ ("&" | "|" | "^"), ..) if e.ty == mask => {
                    seen.insert(format!("mask {op}"));
                }
                Kind::Unary(op, _) if e.ty == mask => {
                    seen.insert(format!("mask {op}"));
                }
                _ => {}
            }
        }
    }
    let want = [
        "bool &", "bool |", "bool ^", "mask &", "mask |", "mask ^", "mask not", "mask !",
    ];
    let missing: Vec<_> = want.iter().filter(|w| !seen.contains(**w)).collect();
    assert!(missing.is_empty(), "never generated: {missing:?}");
}

/// Issue 14: the generator writes `range` in all three forms, and those programs check.
#[test]
fn ranges_of_every_form_are_generated_and_type_check() {
    let mut forms = [0usize; 3];
    for i in 0..1000 {
        let src = gen::program(derive(0x7e57_0014, i)).source();
        let mut found = false;
        for (at, _) in src.match_indices("range(") {
            // The number of top-level arguments of this call.
            let (mut depth, mut commas) = (0i32, 0usize);
            for c in src[at + 6..].chars() {
                match c {
                    '(' | '[' => depth += 1,
                    ')' | ']' if depth == 0 => break,
                    ')' | ']' => depth -= 1,
                    ',' if depth == 0 => commas += 1,
                    _ => {}
                }
            }
            forms[commas.min(2)] += 1;
            found = true;
        }
        if found {
            if let Err(d) = kiln::check_source(&src) {
                panic!("{src}\n{d:?}");
            }
        }
    }
    assert!(
        forms.iter().all(|&n| n > 0),
        "range forms generated: {forms:?}"
    );
}

/// Issue 14: the generator writes nested lists (literals, params, indexing, `len`,
/// `flatten`, and structural `in`/`contains`/`index_of`/`unique`/`count_distinct` over
/// lists of lists), and those programs check.
#[test]
fn nested_lists_are_generated_and_type_check() {
    let mut seen = std::collections::BTreeSet::new();
    for i in 0..400 {
        let program = gen::program(derive(0x7e57_0015, i));
        let mut exprs = Vec::new();
        each_expr(&program.stmts, &mut exprs);
        let mut nested = false;
        for e in exprs {
            let of_lists = |x: &Expr| x.ty.depth() >= 2;
            match &e.kind {
                Kind::List(items) if e.ty.depth() >= 2 && !items.is_empty() => {
                    seen.insert("literal".to_string());
                }
                Kind::Index(list, _) if of_lists(list) => {
                    seen.insert("index".to_string());
                }
                Kind::Binary("in", _, list) if of_lists(list) => {
                    seen.insert("in".to_string());
                }
                Kind::Call(f, args) if args.first().is_some_and(of_lists) => {
                    seen.insert(f.clone());
                }
                _ => continue,
            }
            nested = true;
        }
        for s in &program.stmts {
            if let Stmt::Param(_, t) = s {
                if t.depth() >= 2 {
                    seen.insert("param".to_string());
                    nested = true;
                }
            }
        }
        if nested {
            let src = program.source();
            if let Err(d) = kiln::check_source(&src) {
                panic!("{src}\n{d:?}");
            }
        }
    }
    let want = [
        "literal",
        "param",
        "index",
        "in",
        "len",
        "flatten",
        "contains",
        "index_of",
        "unique",
        "count_distinct",
    ];
    let missing: Vec<_> = want.iter().filter(|w| !seen.contains(**w)).collect();
    assert!(
        missing.is_empty(),
        "never generated: {missing:?} (saw {seen:?})"
    );
}

/// Issue 14: the generator declares optional params (scalars and strings, in columnar
/// programs too), gives some of them `none` (an empty value) and reads them with `??`;
/// those programs check.
#[test]
fn optional_params_are_generated_with_none_and_values() {
    let (mut none, mut some, mut columnar, mut checked, mut programs) = (0, 0, 0, 0, 0);
    for i in 0..400 {
        let program = gen::program(derive(0x7e57_0004, i));
        let optional: Vec<_> = program
            .inputs
            .iter()
            .filter(|i| matches!(i.ty, Ty::Opt(_)))
            .collect();
        if optional.is_empty() {
            continue;
        }
        programs += 1;
        for input in &optional {
            match input.value().unwrap() {
                kiln::Value::None => none += 1,
                _ => some += 1,
            }
        }
        let src = program.source();
        assert!(src.contains(" ?? "), "{src}");
        if program.inputs.iter().all(|i| !i.ty.is_list()) && !src.contains("print") {
            columnar += 1;
        }
        checked += kiln::check_source(&src).is_ok() as usize;
    }
    assert!(none >= 10 && some >= 10, "none {none}, values {some}");
    assert!(columnar >= 5, "{columnar} columnar programs with optionals");
    assert!(
        checked * 100 >= programs * 99,
        "{checked} of {programs} check"
    );
}

/// Issue 14: the generator writes lambdas in every higher-order built-in it knows, some
/// reading bindings from outside the lambda, and those programs check.
#[test]
fn lambdas_in_higher_order_builtins_are_generated_and_type_check() {
    let mut seen = std::collections::BTreeSet::new();
    let mut captures = 0;
    for i in 0..400 {
        let program = gen::program(derive(0x7e57_0016, i));
        let mut exprs = Vec::new();
        each_expr(&program.stmts, &mut exprs);
        let mut any = false;
        for e in exprs {
            if let Kind::Call(name, args) = &e.kind {
                if let Some(Expr {
                    kind: Kind::Lambda(params, body),
                    ..
                }) = args.last()
                {
                    seen.insert(name.clone());
                    any = true;
                    // A name the body reads that is not one of the lambda's parameters.
                    let mut inner = Vec::new();
                    each_child(body, &mut inner);
                    if inner.iter().any(|x| {
                        matches!(&x.kind, Kind::Var(v) if !params.contains(v) && !v.starts_with('l'))
                    }) {
                        captures += 1;
                    }
                }
            }
        }
        if any {
            let src = program.source();
            if let Err(d) = kiln::check_source(&src) {
                panic!("{src}\n{d:?}");
            }
        }
    }
    let want = [
        "map",
        "filter",
        "reduce",
        "any",
        "all",
        "count",
        "find_index",
        "zip_with",
        "flat_map",
        "sort_by",
        "group_by",
        "find",
    ];
    let missing: Vec<_> = want.iter().filter(|w| !seen.contains(**w)).collect();
    assert!(missing.is_empty(), "never generated: {missing:?}");
    assert!(captures > 10, "only {captures} lambdas read outer bindings");
}

fn each_child<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    out.push(e);
    for c in e.children() {
        each_child(c, out);
    }
}

/// The forms of optional values (v1) an expression shows, by name.
fn optional_forms(e: &Expr, out: &mut std::collections::BTreeSet<String>) {
    let none = |x: &Expr| matches!(&x.kind, Kind::Lit(s) if s == "none");
    let opt = |x: &Expr| matches!(x.ty, Ty::Opt(_));
    let opt_list = |x: &Expr| matches!(&x.ty, Ty::List(t) if matches!(**t, Ty::Opt(_)));
    let mut add = |s: &str| {
        out.insert(s.to_string());
    };
    match &e.kind {
        Kind::If(c, a, b) => {
            if none(a) || none(b) {
                add("if beside none");
            }
            if opt(e) && (!opt(a) || !opt(b)) {
                add("widening");
            }
            if let (Kind::Call(t, _), Kind::Call(u, _)) = (&c.kind, &a.kind) {
                if t == "is_some" && u == "unwrap" {
                    add("guarded unwrap");
                }
            }
        }
        Kind::Call(f, args) if f.ends_with('?') => {
            add("T?(...)");
            if args[0].ty == Ty::Str {
                add("T?(string)");
            } else if !opt(&args[0]) {
                add("T?(number)");
            }
        }
        Kind::Call(f, args) if args.first().is_some_and(opt_list) => {
            add(&format!("{f} of [T?]"));
        }
        Kind::Call(f, args) if opt(e) && args.iter().any(opt) => {
            let kind = match f.as_str() {
                "upper" | "lower" | "trim" | "replace" | "string" => "string",
                "abs" | "min" | "max" | "pow" | "hypot" | "atan2" => "math",
                f if kiln_fuzz::gen::MATH1.contains(&f) => "math",
                "is_nan" | "is_inf" | "contains" | "starts_with" | "ends_with" | "len" => "test",
                f if kiln_fuzz::ast::SCALARS.iter().any(|t| t.name() == f) => "conversion",
                _ => return,
            };
            add(&format!("lifted {kind}"));
        }
        Kind::Call(f, args)
            if args.iter().any(opt) && ["is_none", "is_some", "unwrap"].contains(&f.as_str()) =>
        {
            add(f)
        }
        Kind::Binary(op, a, b) if opt(a) || opt(b) => match *op {
            "==" | "!=" if none(a) || none(b) => add("== none"),
            "==" | "!=" => add("== total"),
            "<" | "<=" | ">" | ">=" => add("lifted ordering"),
            "<<" | ">>" => add("lifted shift"),
            "&" | "|" | "^" => add("lifted bitwise"),
            _ => add("lifted arithmetic"),
        },
        Kind::Unary(_, a) if opt(a) => add("lifted unary"),
        Kind::Coalesce(xs) => {
            add("??");
            if xs.len() > 2 {
                add("?? chain");
            }
            if matches!(&xs.last().unwrap().kind, Kind::Call(f, _) if f == "unwrap") {
                add("?? with a faulting right operand");
            }
            if xs[0].ty == Ty::Opt(Box::new(Ty::Bool)) && e.ty == Ty::Bool {
                add("bool? ?? bool");
            }
        }
        Kind::List(items) if opt_list(e) && items.iter().any(none) => add("[1, none, 3]"),
        _ => {}
    }
}

/// Issue 14: the generator writes optional values as expressions of type `T?`
/// (`none` typed by its context, plain values widening, optional params read directly,
/// `T?(...)` conversions, lifting through operators and built-ins, total `==`, `??`
/// chains, `is_none`/`is_some`, guarded `unwrap`, lists of optionals with `compact` and
/// the aggregates that skip `none`, optional results), and those programs check.
#[test]
fn optional_expressions_of_every_form_are_generated_and_type_check() {
    let mut seen = std::collections::BTreeSet::new();
    let (mut programs, mut checked) = (0, 0);
    for i in 0..400 {
        let program = gen::program(derive(0x7e57_0017, i));
        let mut forms = std::collections::BTreeSet::new();
        let mut exprs = Vec::new();
        each_expr(&program.stmts, &mut exprs);
        for e in &exprs {
            optional_forms(e, &mut forms);
        }
        let opt_params: Vec<&str> = program
            .inputs
            .iter()
            .filter(|i| matches!(i.ty, Ty::Opt(_)))
            .map(|i| i.name.as_str())
            .collect();
        for s in &program.stmts {
            match s {
                Stmt::Let(_, Some(Ty::Opt(_)), e) => {
                    let none = matches!(&e.kind, Kind::Lit(t) if t == "none");
                    forms.insert(
                        if none {
                            "let x: T? = none"
                        } else {
                            "let x: T?"
                        }
                        .into(),
                    );
                }
                // An optional param read other than by its `pNv = pN ?? lit`.
                Stmt::Let(name, ..) if opt_params.iter().any(|p| format!("{p}v") == *name) => {}
                Stmt::Let(_, _, e) | Stmt::Expr(e) | Stmt::Assign(_, e) => {
                    let mut inner = Vec::new();
                    each_child(e, &mut inner);
                    if inner.iter().any(
                        |x| matches!(&x.kind, Kind::Var(v) if opt_params.contains(&v.as_str())),
                    ) {
                        forms.insert("optional param read directly".into());
                    }
                }
                Stmt::Fn(f) if f.ret.is_opt() => {
                    forms.insert("fn -> T?".into());
                }
                _ => {}
            }
        }
        if let Some(Stmt::Expr(e)) = program.stmts.last() {
            if e.ty.is_opt() {
                forms.insert("optional result".into());
            }
        }
        if !forms.is_empty() {
            programs += 1;
            let src = program.source();
            match kiln::check_source(&src) {
                Ok(_) => checked += 1,
                Err(d) => eprintln!("REJECTED\n{src}\n{:?}", d[0].message),
            }
            seen.extend(forms);
        }
    }
    let mut want: Vec<String> = [
        "if beside none",
        "widening",
        "let x: T? = none",
        "let x: T?",
        "optional param read directly",
        "fn -> T?",
        "optional result",
        "T?(...)",
        "T?(string)",
        "T?(number)",
        "lifted arithmetic",
        "lifted bitwise",
        "lifted shift",
        "lifted unary",
        "lifted ordering",
        "lifted math",
        "lifted string",
        "lifted conversion",
        "lifted test",
        "== none",
        "== total",
        "??",
        "?? chain",
        "?? with a faulting right operand",
        "bool? ?? bool",
        "is_none",
        "is_some",
        "unwrap",
        "guarded unwrap",
        "[1, none, 3]",
    ]
    .map(String::from)
    .to_vec();
    for f in [
        "compact",
        "sum",
        "avg",
        "median",
        "min",
        "max",
        "count_distinct",
        "len",
        "count",
    ] {
        want.push(format!("{f} of [T?]"));
    }
    let missing: Vec<_> = want.iter().filter(|w| !seen.contains(*w)).collect();
    assert!(
        missing.is_empty(),
        "never generated: {missing:?} (saw {seen:?})"
    );
    assert!(programs >= 200, "only {programs} programs with optionals");
    assert!(
        checked * 100 >= programs * 99,
        "{checked} of {programs} programs with optionals check"
    );
}

#[test]
fn time_functions_are_generated_with_every_field_unit_and_kind_of_zone() {
    let mut text = String::new();
    for i in 0..400 {
        text.push_str(&gen::program(derive(0x7e57_0015, i)).source());
    }
    let mut want: Vec<String> = [
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
    .map(|f| format!("{f}(timestamp("))
    .collect();
    want.extend(
        [
            "year", "quarter", "month", "week", "day", "hour", "minute", "second",
        ]
        .iter()
        .map(|u| format!("\"{u}\""))
        .chain(
            [
                "\"UTC\"",
                "\"+05:30\"",
                "\"Europe/Berlin\"",
                "trim(\" Europe/Berln \")",
                "format_time(",
                "parse_time(",
                "date_trunc(",
                "upper(\" ",
                " + millis(",
            ]
            .iter()
            .map(|s| s.to_string()),
        ),
    );
    let missing: Vec<_> = want.iter().filter(|w| !text.contains(w.as_str())).collect();
    assert!(missing.is_empty(), "never generated: {missing:?}");
}

/// Issue 15 (time core): timestamps and durations as params (alone, in lists and
/// optional), literals of every form, their arithmetic and comparisons, and programs that
/// type-check with them.
#[test]
fn times_are_generated_and_type_check() {
    let mut text = String::new();
    let mut timed = 0;
    for i in 0..400 {
        let program = gen::program(derive(0x7e57_7133, i));
        let src = program.source();
        if src.contains("timestamp") || src.contains("duration") {
            timed += 1;
            if let Err(d) = kiln::check_source(&src) {
                panic!("{src}\n{d:?}");
            }
        }
        text.push_str(&src);
    }
    assert!(timed >= 40, "only {timed} of 400 programs use times");
    let want = [
        ": timestamp;",
        ": duration;",
        ": [timestamp];",
        ": timestamp?;",
        "timestamp?(",
        "duration?(",
        "seconds(",
        "days(",
        "millis(",
        "timestamp(trim(",
        "string(sort(",
        "index_of([",
    ];
    let missing: Vec<_> = want.iter().filter(|w| !text.contains(**w)).collect();
    assert!(missing.is_empty(), "never generated: {missing:?}");
}
