use super::session::help;
use super::{input_is_incomplete, needs_more, open_braces, take_inputs, Reply, Session};
use crate::driver::Options;

fn session() -> Session {
    Session::new(Options::default(), false)
}

/// Evaluate and expect no diagnostics.
fn ok(s: &mut Session, input: &str) -> String {
    let r = s.eval(input);
    assert_eq!(r.stderr, "", "stderr of {input:?}");
    r.stdout
}

fn err(s: &mut Session, input: &str) -> Reply {
    let r = s.eval(input);
    assert_ne!(r.stderr, "", "expected an error from {input:?}");
    r
}

#[test]
fn let_binding_persists() {
    let mut s = session();
    assert_eq!(ok(&mut s, "let x = 20;"), "");
    assert_eq!(ok(&mut s, "x * 2 + 1"), "41 : i64\n");
}

#[test]
fn masks_held_in_globals_combine_on_later_lines() {
    let mut s = session();
    ok(&mut s, "let xs = [1.0, 5.0, 9.0];");
    ok(&mut s, "let m = xs > 2.0;");
    assert_eq!(
        ok(&mut s, "m & (xs < 8.0)"),
        "[false, true, false] : [bool]\n"
    );
    assert_eq!(
        ok(&mut s, "filter(xs, not m | (xs == 9.0))"),
        "[1.0, 9.0] : [f64]\n"
    );
    assert_eq!(ok(&mut s, "m[1] ^ true"), "false : bool\n");
    let r = err(&mut s, "m or m");
    assert!(r.stderr.contains("use `|`"), "{}", r.stderr);
}

#[test]
fn mutable_variable_updates_across_lines() {
    let mut s = session();
    assert_eq!(ok(&mut s, "n = 1;"), "");
    assert_eq!(ok(&mut s, "n = n + 1;"), "");
    assert_eq!(ok(&mut s, "n"), "2 : i64\n");
    // In a `when` block of a later line.
    ok(&mut s, "when n > 1 { n = n * 10; }");
    assert_eq!(ok(&mut s, "n"), "20 : i64\n");
    // Widening on assignment to an earlier variable.
    ok(&mut s, "m = 1.5;");
    ok(&mut s, "m = 2f32;");
    assert_eq!(ok(&mut s, "m"), "2.0 : f64\n");
}

#[test]
fn assigning_an_earlier_let_is_e0104() {
    let mut s = session();
    ok(&mut s, "let x = 1;");
    let r = err(&mut s, "x = 2;");
    assert!(r.stderr.contains("E0104"), "{}", r.stderr);
    assert_eq!(ok(&mut s, "x"), "1 : i64\n");
}

#[test]
fn functions_are_called_not_recompiled() {
    let mut s = session();
    ok(&mut s, "fn sq(x: i64) -> i64 = x * x;");
    let loaded = s.loaded_lines();
    assert_eq!(ok(&mut s, "sq(7)"), "49 : i64\n");
    assert_eq!(ok(&mut s, "sq(sq(2)) + 1"), "17 : i64\n");
    // Lines that define nothing are not kept loaded; the function's line stays.
    assert_eq!(s.loaded_lines(), loaded);
    // The call in a later line's module loads the earlier function from its
    // late-binding slot; it does not define it.
    let ir = ok(&mut s, ":ir sq(3)");
    assert!(ir.contains("%callee = load ptr"), "{ir}");
    assert!(!ir.contains("define i64 @repl"), "sq was recompiled:\n{ir}");
}

#[test]
fn functions_see_earlier_lets_and_call_earlier_functions() {
    let mut s = session();
    ok(&mut s, "let rate = 3;");
    ok(&mut s, "fn f(x: i64) -> i64 = x * rate;");
    ok(&mut s, "fn g(x: i64) -> i64 = f(x) + 1;");
    assert_eq!(ok(&mut s, "g(2)"), "7 : i64\n");
}

#[test]
fn redefining_a_function_replaces_it() {
    let mut s = session();
    ok(&mut s, "fn f(x: i64) -> i64 = x + 1;");
    ok(&mut s, "fn g(x: i64) -> i64 = f(x) * 10;");
    assert_eq!(ok(&mut s, "f(1)"), "2 : i64\n");
    ok(&mut s, "fn f(x: i64) -> i64 = x + 100;");
    assert_eq!(ok(&mut s, "f(1)"), "101 : i64\n");
    // Late bound: the earlier caller reaches the new definition.
    assert_eq!(ok(&mut s, "g(1)"), "1010 : i64\n");
    // A file still rejects the duplicate.
    let e = crate::check_source("fn f(x: i64) = x; fn f(x: i64) = x;").unwrap_err();
    assert_eq!(e[0].code, "E0401");
}

#[test]
fn adding_an_overload() {
    let mut s = session();
    ok(&mut s, "fn h(_x: i64) -> string = \"int\";");
    ok(&mut s, "fn h(_x: string) -> string = \"str\";");
    assert_eq!(ok(&mut s, "h(1) + h(\"a\")"), "intstr : string\n");
}

#[test]
fn shadowing_with_another_type() {
    let mut s = session();
    ok(&mut s, "let x = 1;");
    ok(&mut s, "let x = \"one\";");
    assert_eq!(ok(&mut s, "x + \"!\""), "one! : string\n");
    ok(&mut s, "let x = 2.5;");
    assert_eq!(ok(&mut s, "x"), "2.5 : f64\n");
}

#[test]
fn strings_and_lists_survive_across_lines() {
    let mut s = session();
    ok(&mut s, "let s = \"ab\" + \"cd\";");
    // Reuse the arena to overwrite anything left there.
    ok(
        &mut s,
        "let junk = \"zzzzzzzzzzzzzzzzzzzz\" + \"yyyyyyyyyyyyy\";",
    );
    assert_eq!(ok(&mut s, "s + \"!\""), "abcd! : string\n");
    ok(&mut s, "let xs = [1, 2, 3];");
    ok(&mut s, "let names = [\"a\" + \"b\", string(42)];");
    ok(&mut s, "t = \"x\" + \"y\";");
    ok(&mut s, "t = t + \"z\";");
    ok(
        &mut s,
        "let junk2 = \"qqqqqqqqqqqqqqqqqqqqqqqqqq\" + \"w\";",
    );
    assert_eq!(ok(&mut s, "xs[2] + xs[0]"), "4 : i64\n");
    assert_eq!(ok(&mut s, "names"), "[\"ab\", \"42\"] : [string]\n");
    assert_eq!(ok(&mut s, "t"), "xyz : string\n");
}

#[test]
fn every_type_persists() {
    let mut s = session();
    ok(
        &mut s,
        "let a = true; let b = -3i8; let c = 200u8; let d = -40000i32; let e = 0.1f32;",
    );
    ok(
        &mut s,
        "let f = 1e300; let g = 18446744073709551615u64; let h = -7i16; let k: [i64] = [];",
    );
    ok(
        &mut s,
        "let l = \"\"; let m = [true, false]; let n = [1.5f32]; let o: [string] = [];",
    );
    assert_eq!(
        ok(
            &mut s,
            "string(a) + string(b) + string(c) + string(d) + string(e)"
        ),
        "true-3200-400000.1 : string\n"
    );
    assert_eq!(ok(&mut s, "f"), "1e300 : f64\n");
    assert_eq!(ok(&mut s, "g"), "18446744073709551615 : u64\n");
    assert_eq!(ok(&mut s, "h"), "-7 : i16\n");
    assert_eq!(ok(&mut s, "k"), "[] : [i64]\n");
    assert_eq!(ok(&mut s, "l + \"|\""), "| : string\n");
    assert_eq!(ok(&mut s, "m"), "[true, false] : [bool]\n");
    assert_eq!(ok(&mut s, "n"), "[1.5] : [f32]\n");
    assert_eq!(ok(&mut s, "o"), "[] : [string]\n");
    let env = ok(&mut s, ":env");
    for want in [
        "let a : bool = true",
        "let b : i8 = -3",
        "let c : u8 = 200",
        "let d : i32 = -40000",
        "let e : f32 = 0.1",
        "let h : i16 = -7",
        "let m : [bool] = [true, false]",
    ] {
        assert!(env.contains(want), "{want} missing from\n{env}");
    }
}

#[test]
fn print_output_is_captured() {
    let mut s = session();
    assert_eq!(ok(&mut s, "print(1); 2"), "1\n2 : i64\n");
    assert_eq!(ok(&mut s, "\"hi\""), "hi : string\n");
    assert_eq!(ok(&mut s, "1.5"), "1.5 : f64\n");
    // Output printed before a fault is kept, the fault reported after it.
    let r = err(&mut s, "print(\"first\"); [1][5]");
    assert_eq!(r.stdout, "first\n");
    assert!(r.stderr.contains("E0603"), "{}", r.stderr);
}

#[test]
fn compile_error_leaves_state_intact() {
    let mut s = session();
    ok(&mut s, "let a = 5;");
    let r = err(&mut s, "let b = a + \"x\";");
    assert!(r.stderr.contains("<repl"), "{}", r.stderr);
    assert!(r.stderr.contains(":1:"), "{}", r.stderr);
    assert_eq!(r.stdout, "");
    let r = err(&mut s, "let c = 1; nope");
    assert!(r.stderr.contains("E0101"), "{}", r.stderr);
    assert!(r.stderr.contains(":1:12"), "{}", r.stderr);
    // Nothing of the failed lines was defined.
    let r = err(&mut s, "c");
    assert!(r.stderr.contains("E0101"), "{}", r.stderr);
    assert_eq!(ok(&mut s, "a"), "5 : i64\n");
}

#[test]
fn runtime_error_leaves_state_intact() {
    let mut s = session();
    ok(&mut s, "let z = 0;");
    let r = err(&mut s, "10 / z");
    assert!(r.stderr.contains("E0601"), "{}", r.stderr);
    assert!(r.stderr.contains("<repl"), "{}", r.stderr);
    ok(&mut s, "v = 5;");
    ok(&mut s, "w = \"keep\" + \"me\";");
    // Assigns, then faults: the old values stay.
    let r = err(&mut s, "v = 99; w = \"lost\"; let q = 1; 1 / z");
    assert!(r.stderr.contains("E0601"), "{}", r.stderr);
    assert_eq!(ok(&mut s, "v"), "5 : i64\n");
    assert_eq!(ok(&mut s, "w"), "keepme : string\n");
    assert!(err(&mut s, "q").stderr.contains("E0101"));
    // A fault inside an earlier function.
    ok(&mut s, "fn d(x: i64) -> i64 = 100 / x;");
    let r = err(&mut s, "v = 7; d(z)");
    assert!(r.stderr.contains("E0601"), "{}", r.stderr);
    assert_eq!(ok(&mut s, "v + d(5)"), "25 : i64\n");
}

#[test]
fn unknown_names_suggest_earlier_definitions() {
    let mut s = session();
    ok(&mut s, "let counter = 1;");
    ok(&mut s, "fn double(x: i64) -> i64 = x * 2;");
    let r = err(&mut s, "countr");
    assert!(r.stderr.contains("`counter`"), "{}", r.stderr);
    let r = err(&mut s, "doubel(2)");
    assert!(r.stderr.contains("`double"), "{}", r.stderr);
    assert_eq!(s.eval("   "), Reply::default());
}

#[test]
fn param_is_rejected() {
    let mut s = session();
    let r = err(&mut s, "param x: i64;");
    assert!(
        r.stderr
            .contains("`param` is not available in a typed REPL input"),
        "{}",
        r.stderr
    );
    // It says what to do instead.
    assert!(r.stderr.contains("`let x = ...;`"), "{}", r.stderr);
    assert!(
        r.stderr.contains("`:load FILE --param x=VALUE`"),
        "{}",
        r.stderr
    );
}

/// `:load FILE --param NAME=VALUE` binds a file's `param` inputs as `kiln run` does
/// (same value syntax and checks); the inputs stay defined like `let`s.
#[test]
fn load_binds_params_like_kiln_run() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/params.expr");
    let mut s = session();
    // Missing values: one report, saying what to pass; nothing else (no E0009, E0105).
    let r = err(&mut s, &format!(":load {file}"));
    assert_eq!(
        r.stderr,
        "error: missing values for parameters `name`, `principal`, `rate`, `years`: pass \
         --param name=<string> --param principal=<f64> --param rate=<f64> --param years=<i64>\n"
    );
    let out = ok(
        &mut s,
        &format!(
            ":load {file} --param name=savings -p principal=1000 --param=rate=0.05 -p \"years=10\""
        ),
    );
    assert_eq!(out, "savings after 10 years:\n1628.89 : f64\n");
    assert_eq!(ok(&mut s, "rate"), "0.05 : f64\n");
    assert_eq!(ok(&mut s, "grow(100.0, 1)"), "105.0 : f64\n");
    // A bad value is reported as `kiln run` reports it, and defines nothing new.
    let r = err(
        &mut s,
        &format!(":load {file} -p name=x -p principal=1 -p rate=fast -p years=1"),
    );
    assert_eq!(
        r.stderr,
        "error: invalid value `fast` for parameter `rate` of type f64: invalid float literal\n"
    );
    assert_eq!(ok(&mut s, "rate"), "0.05 : f64\n");
    let r = err(&mut s, &format!(":load {file} -p nope=1"));
    assert!(
        r.stderr.contains("unknown parameter `nope`"),
        "{}",
        r.stderr
    );
    let r = err(&mut s, &format!(":load {file} --param"));
    assert!(r.stderr.contains("`--param` needs a value"), "{}", r.stderr);
    assert!(r.stderr.contains("usage: :load FILE"), "{}", r.stderr);
}

#[test]
fn type_command() {
    let mut s = session();
    ok(&mut s, "let x = 2u8;");
    assert_eq!(ok(&mut s, ":type x + 1"), "u8\n");
    assert_eq!(ok(&mut s, ":type [1.5]"), "[f64]\n");
    // Not run: no fault.
    assert_eq!(ok(&mut s, ":type 1 / (x - x)"), "u8\n");
}

#[test]
fn ir_and_asm_commands() {
    let mut s = session();
    let ir = ok(&mut s, ":ir 1 + 2");
    assert!(ir.contains("define"), "{ir}");
    let asm = ok(&mut s, ":asm 40 + 2");
    assert!(asm.contains("kiln_main"), "{asm}");
}

#[test]
fn env_command() {
    let mut s = session();
    assert_eq!(ok(&mut s, ":env"), "(nothing defined)\n");
    ok(&mut s, "let x = 3;");
    ok(&mut s, "s = \"hi\";");
    ok(&mut s, "fn f(a: i64, _b: string) -> bool = a > 0;");
    let env = ok(&mut s, ":env");
    assert!(env.contains("let x : i64 = 3"), "{env}");
    assert!(env.contains("s : string = \"hi\""), "{env}");
    assert!(env.contains("fn f(a: i64, _b: string) -> bool"), "{env}");
}

#[test]
fn load_command() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("defs.expr");
    std::fs::write(&path, "let base = 10;\nfn add(x: i64) -> i64 = x + base;\n").unwrap();
    let mut s = session();
    ok(&mut s, &format!(":load {}", path.display()));
    assert_eq!(ok(&mut s, "add(5)"), "15 : i64\n");
    let r = err(&mut s, ":load /nonexistent/file.expr");
    assert!(r.stderr.contains("cannot read"));
}

#[test]
fn reset_help_quit_and_unknown() {
    let mut s = session();
    ok(&mut s, "let x = 1;");
    ok(&mut s, ":reset");
    assert!(err(&mut s, "x").stderr.contains("E0101"));
    assert!(ok(&mut s, ":help").contains(":load"));
    let r = s.eval(":quit");
    assert!(r.quit);
    let r = err(&mut s, ":frobnicate");
    assert!(r.stderr.contains(":help") && !r.quit);
    assert!(!ok(&mut s, "1").is_empty());
}

#[test]
fn time_command() {
    let mut s = session();
    assert_eq!(ok(&mut s, ":time"), "timing on\n");
    let out = ok(&mut s, "1");
    assert!(
        out.starts_with("1 : i64\n") && out.contains("compile"),
        "{out}"
    );
    ok(&mut s, ":time");
    assert_eq!(ok(&mut s, "1"), "1 : i64\n");
}

#[test]
fn completion() {
    let mut s = session();
    ok(&mut s, "let alpha = 1;");
    ok(&mut s, "fn beta(x: i64) = x;");
    let c = s.completion_candidates();
    for want in ["alpha", "beta", "let", "sqrt", ":quit"] {
        assert!(c.iter().any(|x| x == want), "{want} missing");
    }
    // Every keyword, from the language's one list.
    for keyword in crate::syntax::KEYWORDS {
        assert!(c.iter().any(|x| x == keyword), "{keyword} missing");
    }
}

#[test]
fn incomplete_input() {
    assert!(input_is_incomplete("fn f(x: i64) {"));
    assert!(input_is_incomplete("(1 +"));
    assert!(input_is_incomplete("1 +"));
    assert!(input_is_incomplete("x and"));
    assert!(input_is_incomplete("let x ="));
    assert!(input_is_incomplete("1 << // comment"));
    assert!(input_is_incomplete("[1, 2"));
    assert!(!input_is_incomplete("1 + 2"));
    assert!(!input_is_incomplete("\"(\""));
    assert!(!input_is_incomplete("f(1) // (unbalanced in comment"));
    assert!(!input_is_incomplete("let band = 1;"));
    assert!(!input_is_incomplete("x == y"));
    assert!(!input_is_incomplete(""));
}

#[test]
fn many_lines() {
    let mut s = session();
    ok(&mut s, "n = 0;");
    ok(&mut s, "s = \"\";");
    for i in 0..2000 {
        match i % 4 {
            0 => ok(&mut s, "n = n + 1;"),
            1 => ok(&mut s, "s = string(n);"),
            2 => ok(&mut s, &format!("let v = {i};")),
            _ => ok(&mut s, "n + v"),
        };
    }
    assert_eq!(ok(&mut s, "n"), "500 : i64\n");
    assert_eq!(ok(&mut s, "s"), "500 : string\n");
    // Superseded lines are unloaded: only the lines of `n`, `s` and the last `v` stay.
    assert!(s.loaded_lines() <= 3, "{} lines loaded", s.loaded_lines());
}

#[test]
fn shadowed_values_stay_alive_for_functions_that_read_them() {
    let mut s = session();
    ok(&mut s, "let greeting = \"hel\" + \"lo\";");
    ok(&mut s, "fn greet() -> string = greeting + \"!\";");
    ok(&mut s, "let greeting = 5;");
    ok(&mut s, "let pad = \"zzzzzzzzzzzzzzzzzzzzzzzzzzz\" + \"y\";");
    assert_eq!(ok(&mut s, "greet()"), "hello! : string\n");
    assert_eq!(ok(&mut s, "greeting"), "5 : i64\n");
    // Replacing a function reaches the functions that call it (late binding).
    ok(&mut s, "fn one() -> i64 = 1;");
    ok(&mut s, "fn two() -> i64 = one() + one();");
    ok(&mut s, "fn one() -> i64 = 100;");
    assert_eq!(ok(&mut s, "two() + one()"), "300 : i64\n");
}

#[test]
fn values_read_by_functions_of_the_same_line_survive() {
    let mut s = session();
    ok(&mut s, "let a = \"x\" + \"y\"; fn fa() -> string = a; let a = \"p\" + \"q\"; fn fb() -> string = a;");
    ok(&mut s, "let pad = \"zzzzzzzzzzzzzzzzzzzzzzzzzzz\" + \"y\";");
    assert_eq!(ok(&mut s, "fa() + fb() + a"), "xypqpq : string\n");
}

#[test]
fn fault_in_an_earlier_function_points_into_its_line() {
    let mut s = session();
    ok(&mut s, "fn pick(xs: [i64], i: i64) -> i64 = xs[i];");
    let r = err(&mut s, "pick([1, 2], 5)");
    assert!(r.stderr.contains("<repl:1>:1:40"), "{}", r.stderr);
}

/// The REPL prints exactly the report the runner prints for the same text (issue 3):
/// one renderer, with the input named `<repl:N>` instead of a file.
#[test]
fn reports_are_the_runners_reports() {
    use crate::diag::render::{render_list, Format};
    let human = Format::Human { color: false };
    // A compile error, on the session's first input.
    let src = "let a: u8 = 1; a + 300 + nope";
    let mut s = session();
    let reply = s.eval(src);
    let diags = crate::check_source(src).unwrap_err();
    assert_eq!(reply.stderr, render_list(&diags, "<repl:1>", src, human));
    // A runtime error, on the second input.
    let src = "fn z() -> i64 = 0; 7 / z()";
    let reply = s.eval(src);
    let (compiled, _) = crate::compile_source(src, &Options::default()).unwrap();
    let fault = compiled.run(&[]).unwrap_err().to_diagnostic();
    assert_eq!(reply.stderr, render_list(&[fault], "<repl:2>", src, human));
}

// ---- standard library: strings and lists ------------------------------------------------

/// Library results that share memory with their input (`trim`, `split`, `slice`) are
/// copied into the session like any string or list, and outlive the names they came from.
#[test]
fn library_results_outlive_their_inputs_across_lines() {
    let mut s = session();
    ok(&mut s, "let text = \"  a,b,c  \";");
    ok(&mut s, "let parts = split(trim(text), \",\");");
    ok(&mut s, "let tail = slice(parts, 1, 3);");
    ok(&mut s, "let text = \"replaced\";");
    ok(&mut s, "let parts = [\"x\"];");
    assert_eq!(ok(&mut s, "tail"), "[\"b\", \"c\"] : [string]\n");
    ok(&mut s, "let xs = [1.0, 2.0, 3.0];");
    ok(&mut s, "let ys = xs * 2.0 + xs;");
    assert_eq!(ok(&mut s, "sum(ys)"), "18.0 : f64\n");
    let r = err(&mut s, "max(slice(ys, 2, 2))");
    assert!(r.stderr.contains("E0608"), "{}", r.stderr);
    assert_eq!(ok(&mut s, "count(ys > 5.0)"), "2 : i64\n");
}

#[test]
fn doc_command_shows_builtins_prelude_and_session_functions() {
    let mut s = session();
    let hypot = ok(&mut s, ":doc hypot");
    assert_eq!(
        hypot,
        "hypot(T, T) -> T where T is f32 or f64\n    \
         sqrt(x*x + y*y) without intermediate overflow or underflow (built-in)\n"
    );
    let sign = ok(&mut s, ":doc sign");
    assert_eq!(sign.lines().count(), 20, "{sign}");
    assert!(sign.starts_with(
        "sign(x: i8) -> i8\n    -1, 0 or 1: the sign of `x`. (stdlib/prelude.expr)\n"
    ));
    // A session function is listed first; one replacing a prelude overload hides it.
    // (It warns W0003, naming the prelude function it replaces.)
    let r = s.eval("fn sign(x: i64) -> i64 = x;");
    assert!(r.stderr.starts_with("warning[W0003]"), "{}", r.stderr);
    ok(&mut s, "fn sign(_s: string) -> i64 = 0;");
    let sign = ok(&mut s, ":doc sign");
    assert!(
        sign.starts_with(
            "fn sign(x: i64) -> i64\n    defined in this session\nfn sign(_s: string) -> i64\n"
        ),
        "{sign}"
    );
    assert!(!sign.contains("\nsign(x: i64) -> i64"), "{sign}");
    assert!(sign.contains("sign(x: u8) -> u8"), "{sign}");
    // A concrete built-in overload the session replaced is hidden too; `:type` agrees.
    let len = ok(&mut s, ":doc len");
    assert!(len.contains("len(string) -> i64"), "{len}");
    let r = s.eval("fn len(s: string) -> i64 = 0;");
    assert!(r.stderr.starts_with("warning[W0003]"), "{}", r.stderr);
    for cmd in [":doc len", ":type len"] {
        let shown = ok(&mut s, cmd);
        assert!(shown.starts_with("fn len(s: string) -> i64"), "{shown}");
        assert!(!shown.contains("\nlen(string) -> i64"), "{cmd}: {shown}");
    }
    ok(&mut s, "fn double(x: i64) -> i64 = x * 2;");
    assert!(ok(&mut s, ":doc double").starts_with("fn double(x: i64) -> i64"));
    // Unknown names: "did you mean", from every source of functions.
    let r = err(&mut s, ":doc sing");
    assert!(
        r.stderr
            .starts_with("no function named `sing`; did you mean"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("`sign`"), "{}", r.stderr);
    let r = err(&mut s, ":doc doubel");
    assert!(r.stderr.contains("`double`"), "{}", r.stderr);
    assert_eq!(
        err(&mut s, ":doc zzzzzzzz").stderr,
        "no function named `zzzzzzzz`\n"
    );
    assert_eq!(err(&mut s, ":doc").stderr, "usage: :doc NAME\n");
    assert!(ok(&mut s, ":help").contains(":doc NAME"));
    assert!(s.completion_candidates().contains(&"lerp".to_string()));
}

#[test]
fn prelude_functions_in_several_lines_and_in_session_functions() {
    let mut s = session();
    assert_eq!(ok(&mut s, "sign(-3)"), "-1 : i64\n");
    ok(&mut s, "fn f(x: f64) -> f64 = lerp(0, 10, x) + sign(x);");
    assert_eq!(ok(&mut s, "sign(5) + i64(f(0.5))"), "7 : i64\n");
    // Prelude copies are not session definitions.
    assert!(!ok(&mut s, ":env").contains("sign"));
    // A session function replaces the prelude overload from then on.
    let r = s.eval("fn sign(x: i64) -> i64 = x * 100;");
    assert!(r.stderr.starts_with("warning[W0003]"), "{}", r.stderr);
    assert_eq!(ok(&mut s, "sign(-3)"), "-300 : i64\n");
    assert_eq!(ok(&mut s, "sign(-3.0)"), "-1.0 : f64\n");
}

#[test]
fn an_interrupted_line_reports_e0611_and_the_session_keeps_its_definitions() {
    let mut s = session();
    let interrupt = crate::runtime::Interrupt::new();
    s.set_interrupt(Some(&interrupt));
    ok(
        &mut s,
        "fn fib(n: i64) -> i64 = if(n < 2, n, fib(n - 1) + fib(n - 2));",
    );
    ok(&mut s, "let xs = [1, 2, 3];");
    interrupt.cancel();
    let r = err(&mut s, "fib(90) + sum(xs)");
    assert!(r.stderr.contains("E0611"), "{}", r.stderr);
    let r = err(&mut s, "sum(xs)");
    assert!(r.stderr.contains("E0611"), "{}", r.stderr);
    interrupt.reset();
    assert_eq!(ok(&mut s, "fib(10) + sum(xs)"), "61 : i64\n");
}

#[test]
fn input_goes_on_while_a_block_is_open() {
    assert!(needs_more("fn sq(x: i64) -> i64 {"));
    assert!(needs_more("fn sq(x: i64) -> i64 {\nx * x"));
    assert!(!needs_more("fn sq(x: i64) -> i64 {\nx * x\n}"));
    assert!(needs_more("when x > 1 {"));
    assert!(!needs_more("\"{\""));
    assert!(needs_more("1 +"));
    assert!(!needs_more("1 + 2"));
    assert!(!needs_more(":load dir/"));
    assert!(!needs_more(" :type f("));
}

#[test]
fn open_braces_ignore_strings_and_comments() {
    assert_eq!(open_braces("{ \"}\\\"}\" "), 1);
    assert_eq!(open_braces("{}{"), 1);
    assert_eq!(open_braces("/* } */ {"), 1);
    assert_eq!(open_braces("1 // {"), 0);
    assert_eq!(open_braces("1 /* { */"), 0);
}

/// A bracketed paste arrives as one string with newlines: it is split into the inputs
/// typing it would have made, and an unfinished last one stays for the next line.
#[test]
fn pasted_text_is_taken_line_by_line() {
    let take = |text: &str| {
        let mut buffer = text.to_string();
        let inputs = take_inputs(&mut buffer);
        (inputs, buffer)
    };
    assert_eq!(
        take("let c = 3\nc * 2\n"),
        (
            vec!["let c = 3".to_string(), "c * 2".to_string()],
            String::new()
        )
    );
    // Blocks, brackets and trailing operators still continue over several lines.
    let (inputs, rest) =
        take("fn sq(x: i64) -> i64 {\n  x * x\n}\nsq(3) +\n1\n[1,\n2]\nwhen c > 1 {\n");
    assert_eq!(
        inputs,
        [
            "fn sq(x: i64) -> i64 {\n  x * x\n}",
            "sq(3) +\n1",
            "[1,\n2]"
        ]
    );
    assert_eq!(rest, "when c > 1 {\n");
    // Blank lines between inputs are dropped; a command is one line.
    assert_eq!(
        take("\n  \n:type 1 +\n2"),
        (
            vec![":type 1 +".to_string(), "2".to_string()],
            String::new()
        )
    );

    // Evaluated in turn, the pasted lines behave as typed ones (one input: E0002).
    let mut s = session();
    let outs: Vec<String> = take("let c = 3\nc * 2\n")
        .0
        .iter()
        .map(|i| ok(&mut s, i))
        .collect();
    assert_eq!(outs, ["", "6 : i64\n"]);
    assert!(err(&mut s, "let d = 3\nd * 2").stderr.contains("E0002"));
}

/// The contract's "REPL redefinition is late-bound": a redefinition with the same
/// parameter types reaches every caller, earlier lines' included, without recompiling
/// them; in the line that redefines, too; a failed line gives the old definition back.
#[test]
fn late_binding_reaches_earlier_callers() {
    let mut s = session();
    ok(&mut s, "fn a() -> i64 = 1");
    ok(&mut s, "fn b() -> i64 = a() + 1");
    assert_eq!(ok(&mut s, "b()"), "2 : i64\n");
    ok(&mut s, "fn a() -> i64 = 10");
    assert_eq!(ok(&mut s, "b()"), "11 : i64\n");
    // The redefining line itself already calls the new definition.
    assert_eq!(ok(&mut s, "fn a() -> i64 = 20; b()"), "21 : i64\n");
    // A line that fails defines nothing: `a` is 20 again afterwards.
    let r = err(&mut s, "fn a() -> i64 = 30; [b()][b()]");
    assert!(r.stderr.contains("E0603"), "{}", r.stderr);
    assert_eq!(ok(&mut s, "b()"), "21 : i64\n");
    // An overload (other parameter types) is another function: `b` keeps calling `a()`.
    ok(&mut s, "fn a(x: i64) -> i64 = x");
    assert_eq!(ok(&mut s, "b() + a(5)"), "26 : i64\n");
}

/// A caller in the same line as its callee still calls it through the slot: after the
/// callee is replaced by one that faults, the caller stops at the fault (nothing it
/// would print after the call is printed).
#[test]
fn late_binding_a_replacement_may_fault_where_the_original_could_not() {
    let mut s = session();
    ok(
        &mut s,
        "fn a(n: i64) -> i64 = n; fn b(n: i64) -> i64 { let x = a(n); print(\"after\"); x }",
    );
    assert_eq!(ok(&mut s, "b(5)"), "after\n5 : i64\n");
    ok(&mut s, "fn a(n: i64) -> i64 = [1][n]");
    let r = err(&mut s, "b(5)");
    assert!(r.stderr.contains("E0603"), "{}", r.stderr);
    assert_eq!(r.stdout, "");
}

/// Late binding can close a cycle across lines (`d` calls `c`, the new `c` calls `d`):
/// the functions guard their stack, so a runaway recursion is E0606, not a crash.
#[test]
fn late_binding_cycles_across_lines_are_guarded() {
    let mut s = session();
    ok(&mut s, "fn c(n: i64) -> i64 = n + 1");
    ok(&mut s, "fn d(n: i64) -> i64 = c(n)");
    ok(&mut s, "fn c(n: i64) -> i64 = if(n > 0, d(n - 1), 0)");
    assert_eq!(ok(&mut s, "d(5)"), "0 : i64\n");
    let r = err(&mut s, "d(100000000)");
    assert!(r.stderr.contains("E0606"), "{}", r.stderr);
    assert_eq!(ok(&mut s, "d(3)"), "0 : i64\n");
}

/// Changing the return type of a function earlier functions call is E0409, naming the
/// callers; redefining the callers in the same input, or a function nobody calls, is
/// fine.
#[test]
fn late_binding_refuses_a_new_return_type_under_callers() {
    let mut s = session();
    ok(&mut s, "fn a() -> i64 = 1");
    ok(&mut s, "fn b() -> i64 = a() + 1");
    ok(&mut s, "fn c(x: f64) -> f64 = x + 0.5 * f64(a())");
    let r = err(&mut s, "fn a() -> string = \"ten\"");
    assert!(r.stderr.contains("error[E0409]"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("`a()` cannot change its return type from i64 to string"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("called by `b()`, `c(f64)`"),
        "{}",
        r.stderr
    );
    // The primary label is on the new return type.
    assert!(r.stderr.contains("──┬──"), "{}", r.stderr);
    assert_eq!(ok(&mut s, "b()"), "2 : i64\n");
    // Only `c` is left in the way once `b` is redefined in the same input.
    let r = err(
        &mut s,
        "fn a() -> string = \"ten\"; fn b() -> string = a() + \"!\"",
    );
    assert!(r.stderr.contains("called by `c(f64)`"), "{}", r.stderr);
    assert!(!r.stderr.contains("`b()`"), "{}", r.stderr);
    ok(
        &mut s,
        "fn a() -> string = \"ten\"; fn b() -> string = a() + \"!\"; fn c(x: f64) -> f64 = x * 2.0",
    );
    assert_eq!(ok(&mut s, "b()"), "ten! : string\n");
    // Nothing calls `lone`: its return type may change.
    ok(&mut s, "fn lone() -> i64 = 1");
    ok(&mut s, "fn lone() -> string = \"one\"");
    assert_eq!(ok(&mut s, "lone()"), "one : string\n");
}

/// A replaced definition's line is unloaded once nothing reaches it; the new one, and
/// the callers, stay loaded and working.
#[test]
fn late_binding_unloads_replaced_definitions() {
    let mut s = session();
    ok(&mut s, "fn a() -> i64 = 1");
    ok(&mut s, "fn b() -> i64 = a() + 1");
    assert_eq!(s.loaded_lines(), 2);
    for i in 2..6 {
        ok(&mut s, &format!("fn a() -> i64 = {i}"));
        assert_eq!(s.loaded_lines(), 2, "old definitions of `a` are unloaded");
        assert_eq!(ok(&mut s, "b()"), format!("{} : i64\n", i + 1));
    }
    ok(&mut s, "fn b() -> i64 = a() * 100");
    assert_eq!(s.loaded_lines(), 2);
    assert_eq!(ok(&mut s, "b()"), "500 : i64\n");
}

/// `:doc` shows a session function's parameter names and its `///` comment (a `///`
/// line typed alone waits for the `fn` it documents).
#[test]
fn doc_shows_doc_comments_and_parameter_names() {
    let mut s = session();
    assert!(needs_more("/// Squares a number."));
    assert!(needs_more("/// Squares a number.\n"));
    assert!(!needs_more("let s = \"/// no\""));
    ok(
        &mut s,
        "/// Squares a number.\n///  Indented.\nfn sq(value: i64) -> i64 = value * value",
    );
    assert_eq!(
        ok(&mut s, ":doc sq"),
        "fn sq(value: i64) -> i64\n    Squares a number.\n     Indented.\n    defined in this session\n"
    );
    // A plain comment is no doc; a `///` above another statement's line is not this one's.
    ok(
        &mut s,
        "// plain\nfn a(x: i64) -> i64 = x;\n/// for b\nlet k = 1; fn b() -> i64 = k",
    );
    assert_eq!(
        ok(&mut s, ":doc a"),
        "fn a(x: i64) -> i64\n    defined in this session\n"
    );
    assert_eq!(
        ok(&mut s, ":doc b"),
        "fn b() -> i64\n    defined in this session\n"
    );
    // A redefinition brings its own doc.
    ok(
        &mut s,
        "/// Now cubes.\nfn sq(value: i64) -> i64 = value * value * value",
    );
    assert!(ok(&mut s, ":doc sq").contains("    Now cubes.\n"));
}

/// `:type NAME` of a function shows its overloads; of a binding, its type.
#[test]
fn type_of_a_function_name_lists_its_overloads() {
    let mut s = session();
    assert_eq!(
        ok(&mut s, ":type sqrt"),
        "sqrt(T) -> T where T is f32 or f64\n"
    );
    ok(&mut s, "fn sqrt(label: string) -> string = label");
    assert_eq!(
        ok(&mut s, ":type sqrt"),
        "fn sqrt(label: string) -> string\nsqrt(T) -> T where T is f32 or f64\n"
    );
    ok(&mut s, "let sqrt = 2");
    assert_eq!(ok(&mut s, ":t sqrt"), "i64\n");
    let r = err(&mut s, ":type nope");
    assert!(r.stderr.contains("E0101"), "{}", r.stderr);
}

/// `:ir` hides LLVM's attribute groups (the `target-features` list dwarfs the code);
/// `:ir!` and `:ir --attrs` show them.
#[test]
fn ir_hides_attributes_unless_asked() {
    let mut s = session();
    let ir = ok(&mut s, ":ir 1 + 2");
    assert!(ir.contains("define"), "{ir}");
    assert!(!ir.contains("target-features"), "{ir}");
    assert!(!ir.contains("attributes #"), "{ir}");
    assert!(!ir.contains(" #0"), "{ir}");
    assert!(
        ir.ends_with("; attribute groups hidden: `:ir! EXPR` (or `:ir --attrs EXPR`) shows them\n"),
        "{ir}"
    );
    for cmd in [":ir! 1 + 2", ":ir --attrs 1 + 2"] {
        let ir = ok(&mut s, cmd);
        assert!(ir.contains("\"target-features\""), "{ir}");
        assert!(ir.contains("attributes #0"), "{ir}");
    }
    assert!(help().contains(":ir! EXPR"));
}

/// Nested lists held in globals are copied out of the arena deeply: their inner lists
/// and strings survive later lines that reuse the arena.
#[test]
fn nested_lists_survive_across_lines() {
    let mut s = session();
    ok(&mut s, "let g = [[\"a\" + \"b\", \"c\"], [], [string(7)]];");
    ok(&mut s, "let h = concat([[1.5], []], [[2.5, 3.5]]);");
    ok(&mut s, "x = [[[1]]];");
    ok(&mut s, "x = concat(x, [[[2, 3], []]]);");
    ok(
        &mut s,
        "let junk = [[\"zzzzzzzzzzzzzzzzzzzz\" + \"y\"], [\"qqqqqqqqqqqqqqqq\" + \"w\"]];",
    );
    assert_eq!(
        ok(&mut s, "g"),
        "[[\"ab\", \"c\"], [], [\"7\"]] : [[string]]\n"
    );
    assert_eq!(ok(&mut s, "h"), "[[1.5], [], [2.5, 3.5]] : [[f64]]\n");
    assert_eq!(ok(&mut s, "x"), "[[[1]], [[2, 3], []]] : [[[i64]]]\n");
    assert_eq!(ok(&mut s, "[2.5, 3.5] in h"), "true : bool\n");
    assert_eq!(
        ok(&mut s, "flatten(g)"),
        "[\"ab\", \"c\", \"7\"] : [string]\n"
    );
}

#[test]
fn optionals_in_globals_results_and_types() {
    let mut s = session();
    ok(&mut s, "let x: f64? = 2.5;");
    ok(&mut s, "let n: f64? = none;");
    ok(&mut s, "let name: string? = \"kiln\";");
    ok(&mut s, "let xs = [1, none, 3];");
    assert_eq!(ok(&mut s, "x * 2.0"), "5.0 : f64?\n");
    assert_eq!(ok(&mut s, "n * 2.0"), "none : f64?\n");
    assert_eq!(ok(&mut s, "n ?? x"), "2.5 : f64?\n");
    assert_eq!(ok(&mut s, "name"), "kiln : string?\n");
    assert_eq!(ok(&mut s, "xs"), "[1, none, 3] : [i64?]\n");
    assert_eq!(ok(&mut s, "sum(xs)"), "4 : i64\n");
    assert_eq!(ok(&mut s, ":type x + 1"), "f64?\n");
    assert_eq!(ok(&mut s, ":type x ?? 0"), "f64\n");
    assert!(ok(&mut s, ":doc unwrap").contains("unwrap(T?) -> T"));
}

#[test]
fn nested_lists_of_optionals_survive_across_lines() {
    let mut s = session();
    // Built in the arena (strings made at run time, optionals of strings), kept in
    // globals: the session's deep copy must follow `[[string?]]` and `[[i64]?]`.
    ok(
        &mut s,
        "let g: [[string?]] = [[\"a\" + \"b\", none], [], [none, string(7)]];",
    );
    ok(&mut s, "let n: string? = none;");
    ok(&mut s, "let h: [[i64]?] = [concat([1], [2]), none];");
    ok(&mut s, "let k = concat(g, [[n, upper(\"z\" + \"q\")]]);");
    // Another line's garbage where the old arena was.
    ok(
        &mut s,
        "let junk = [[\"zzzzzzzzzzzzzzzzzzzz\" + \"y\"], [\"qqqqqqqqqqqqqqqq\" + \"w\"]];",
    );
    assert_eq!(
        ok(&mut s, "g"),
        "[[\"ab\", none], [], [none, \"7\"]] : [[string?]]\n"
    );
    assert_eq!(
        ok(&mut s, "k"),
        "[[\"ab\", none], [], [none, \"7\"], [none, \"ZQ\"]] : [[string?]]\n"
    );
    assert_eq!(ok(&mut s, "h"), "[[1, 2], none] : [[i64]?]\n");
    assert_eq!(
        ok(&mut s, "sort(flatten(k))"),
        "[\"7\", \"ZQ\", \"ab\", none, none, none] : [string?]\n"
    );
    assert_eq!(ok(&mut s, "[none] in k"), "false : bool\n");
    assert_eq!(ok(&mut s, "[none, \"ZQ\"] in k"), "true : bool\n");
    assert_eq!(ok(&mut s, "h[0]"), "[1, 2] : [i64]?\n");
    assert_eq!(ok(&mut s, "h[1][0]"), "none : i64?\n");
}

#[test]
fn call_signatures_list_the_sessions_functions_first_then_the_librarys() {
    let mut s = session();
    ok(&mut s, "fn twice(n: i64) -> i64 = n * 2");
    ok(
        &mut s,
        "fn lerp(a: i64, b: i64, t: i64) -> i64 = a + (b - a) * t",
    );
    let sigs = s.call_signatures();
    assert_eq!(sigs["twice"], ["twice(n: i64) -> i64"]);
    let lerp = &sigs["lerp"];
    assert_eq!(lerp[0], "lerp(a: i64, b: i64, t: i64) -> i64");
    let library: Vec<String> = crate::types::reference::entries("lerp")
        .into_iter()
        .map(|e| e.signature)
        .collect();
    assert_eq!(lerp[1..], library[..]);
    assert!(
        sigs["sqrt"].iter().all(|s| s.starts_with("sqrt(")),
        "{sigs:?}"
    );
    assert!(!sigs.contains_key("let"));
}
