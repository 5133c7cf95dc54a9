//! Optional inputs (v1) entering a program from outside: `--param x=` for `kiln run`
//! (both engines) and the REPL's `:load`, `Value::None` and `Option<T>` through the
//! library API, and optional columns with validity bitmaps.

mod common;

use common::{kiln_command, run, scratch_dir, Run};

/// `kiln run prog.expr` with `args` after it, on `engine` (`jit` or `interp`).
fn kiln_run(program: &str, engine: &str, args: &[&str]) -> Run {
    let dir = scratch_dir("optin");
    std::fs::write(dir.join("prog.expr"), program).unwrap();
    run(
        kiln_command()
            .current_dir(&dir)
            .args(["run", "prog.expr", "--color", "never", "--engine", engine])
            .args(args),
        None,
    )
}

#[test]
fn an_empty_param_value_is_none_on_both_engines() {
    let program = "param x: f64?; param s: string?; param n: i64?; \
                   print(x); print(s); (x ?? -1.0) + f64(n ?? 100)";
    for engine in ["jit", "interp"] {
        let r = kiln_run(program, engine, &["--param", "x=", "-p", "s=", "-p", "n="]);
        assert_eq!(r.status, Some(0), "{engine}: {r:?}");
        assert_eq!(r.stdout, "none\nnone\n99.0\n", "{engine}: {r:?}");
        let r = kiln_run(
            program,
            engine,
            &["--param", "x=2.5", "-p", "s=hi", "-p", "n=1"],
        );
        assert_eq!(r.status, Some(0), "{engine}: {r:?}");
        assert_eq!(r.stdout, "2.5\nhi\n3.5\n", "{engine}: {r:?}");
    }
}

#[test]
fn an_optional_result_prints_none() {
    let r = kiln_run("param x: i32?; x * 2", "jit", &["-p", "x="]);
    assert_eq!((r.status, r.stdout.as_str()), (Some(0), "none\n"), "{r:?}");
    let r = kiln_run("param x: i32?; x * 2", "jit", &["-p", "x=21"]);
    assert_eq!((r.status, r.stdout.as_str()), (Some(0), "42\n"), "{r:?}");
}

#[test]
fn an_empty_value_for_a_non_optional_param_is_a_usage_error_suggesting_t_opt() {
    let r = kiln_run("param x: f64; x", "jit", &["-p", "x="]);
    assert_eq!(r.status, Some(2), "{r:?}");
    assert!(
        r.stderr.contains("parameter `x` of type f64")
            && r.stderr.contains("declare it `param x: f64?;`"),
        "{r:?}"
    );
}

#[test]
fn the_repl_loads_a_file_with_an_empty_param_as_none() {
    let dir = scratch_dir("optin-repl");
    let file = dir.join("p.expr");
    std::fs::write(&file, "param x: u8?; x ?? 7u8").unwrap();
    let mut s = kiln::repl::Session::new(kiln::Options::default(), false);
    let r = s.eval(&format!(":load {} --param x=", file.display()));
    assert_eq!((r.stdout.as_str(), r.stderr.as_str()), ("7 : u8\n", ""));
    let r = s.eval(&format!(":load {} -p x=3", file.display()));
    assert_eq!((r.stdout.as_str(), r.stderr.as_str()), ("3 : u8\n", ""));
    assert_eq!(s.eval("x").stdout, "3 : u8?\n");
}
