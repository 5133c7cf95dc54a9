//! Optional inputs (v1) entering a program from outside: `--param x=` for `kiln run`
//! (both engines) and the REPL's `:load`, `Value::None` and `Option<T>` through the
//! library API, and optional columns with validity bitmaps.

mod common;

use common::{scratch_dir, Run};

/// `kiln run prog.expr` with `args` after it, on `engine` (`jit` or `interp`).
fn kiln_run(program: &str, engine: &str, args: &[&str]) -> Run {
    common::kiln_run_source("optin", program, engine, args)
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

// ---- the library API -------------------------------------------------------------------

use kiln::engine::{Column, ColumnBuf};
use kiln::{Engine, Program, Value};

/// A Rust scalar as the `Value` of its type.
trait ToValue {
    fn value(self) -> Value;
}

macro_rules! to_value {
    ($($t:ident $v:ident)*) => {$(
        impl ToValue for $t {
            fn value(self) -> Value {
                Value::$v(self)
            }
        }
    )*};
}

to_value!(bool Bool i8 I8 i16 I16 i32 I32 i64 I64 u8 U8 u16 U16 u32 U32 u64 U64 f32 F32 f64 F64);

fn compile(src: &str) -> Program {
    Engine::new()
        .compile(src)
        .unwrap_or_else(|e| panic!("{src}: {e}"))
}

/// Params interleaving `T?` and `T` (so slots of both kinds sit side by side), with
/// `k` choosing which one the result is: every value, `Some` or `None`, must come back
/// from its own position, for each scalar type.
#[test]
fn typed_handles_pass_and_return_options_of_every_scalar_type() {
    macro_rules! each {
        ($($t:ident: $vals:expr;)*) => {$(
            let t = stringify!($t);
            let src = format!(
                "param k: i64; param a: {t}?; param b: {t}; param c: {t}?; param d: {t}?; \
                 param e: {t}; param f: {t}?; param g: {t}?; \
                 switch(k == 0, a, k == 1, b, k == 2, c, k == 3, d, k == 4, e, k == 5, f, g)"
            );
            let program = compile(&src);
            let h = program
                .typed::<(i64, Option<$t>, $t, Option<$t>, Option<$t>, $t, Option<$t>, Option<$t>), Option<$t>>()
                .unwrap_or_else(|e| panic!("{t}: {e}"));
            let v: [$t; 7] = $vals;
            let optional = [true, false, true, true, false, true, true];
            for mask in [0u8, 0x7f, 0b1010101, 0b0101010, 0b1100110] {
                let o = |i: usize| (mask >> i & 1 == 1).then_some(v[i]);
                for k in 0..7 {
                    let got = h
                        .call(k as i64, o(0), v[1], o(2), o(3), v[4], o(5), o(6))
                        .unwrap();
                    let want = match optional[k] {
                        true => o(k),
                        false => Some(v[k]),
                    };
                    assert_eq!(got, want, "{t}: mask {mask:#b}, k {k}");
                    // The dynamic run agrees.
                    let inputs: Vec<Value> = std::iter::once(Value::I64(k as i64))
                        .chain((0..7).map(|i| match (optional[i], o(i)) {
                            (true, None) => Value::None,
                            _ => v[i].value(),
                        }))
                        .collect();
                    let dynamic = program.run(&inputs).unwrap().unwrap();
                    assert_eq!(dynamic, want.map_or(Value::None, ToValue::value), "{t}: k {k}");
                }
            }
        )*};
    }
    each! {
        bool: [true, false, true, true, false, true, false];
        i8: [i8::MIN, -1, 2, i8::MAX, 5, -6, 7];
        i16: [i16::MIN, -300, 2, i16::MAX, 5, -6, 7];
        i32: [i32::MIN, -70000, 2, i32::MAX, 5, -6, 7];
        i64: [i64::MIN, -1, 1 << 40, i64::MAX, 5, -6, 7];
        u8: [0, 255, 2, 128, 5, 6, 7];
        u16: [0, u16::MAX, 2, 40000, 5, 6, 7];
        u32: [0, u32::MAX, 2, 1 << 31, 5, 6, 7];
        u64: [0, u64::MAX, 2, 1 << 63, 5, 6, 7];
        f32: [-0.0, 1.5, f32::MAX, f32::MIN_POSITIVE, -3.25, 1e-3, 7.0];
        f64: [-0.0, 1.5, f64::MAX, f64::MIN_POSITIVE, -3.25, 1e-300, 7.0];
    }
}

#[test]
fn typed_handles_mix_options_with_plain_results_and_check_the_signature() {
    let program = compile("param a: f64?; param n: i32; (a ?? -1.0) * f64(n)");
    let h = program.typed::<(Option<f64>, i32), f64>().unwrap();
    assert_eq!(h.call(Some(2.5), 4), Ok(10.0));
    assert_eq!(h.call(None, 4), Ok(-4.0));
    // `T` is not `T?`, either way.
    let err = program.typed::<(f64, i32), f64>().err().unwrap();
    assert!(err.message.contains("f64?"), "{err}");
    assert!(program.typed::<(Option<f64>, i32), Option<f64>>().is_err());
    // A plain param, an optional result.
    let program = compile("param x: i64; if(x > 0, 100 / x, none)");
    let h = program.typed::<(i64,), Option<i64>>().unwrap();
    assert_eq!((h.call(4), h.call(-1)), (Ok(Some(25)), Ok(None)));
    // A fault through the slot path is a fault.
    let program = compile("param x: i64?; unwrap(x) + 1");
    let h = program.typed::<(Option<i64>,), i64>().unwrap();
    assert_eq!(h.call(Some(1)), Ok(2));
    assert_eq!(h.call(None).unwrap_err().code(), "E0612");
}

#[test]
fn value_none_runs_dynamically_and_is_refused_for_a_plain_param() {
    let program = compile("param s: string?; param n: i64?; len(s ?? \"\") + (n ?? 0)");
    assert_eq!(
        program.run(&[Value::None, Value::None]),
        Ok(Some(Value::I64(0)))
    );
    assert_eq!(
        program.run(&[Value::Str("abc".into()), Value::I64(4)]),
        Ok(Some(Value::I64(7)))
    );
    let plain = compile("param n: i64; n");
    assert_eq!(plain.run(&[Value::None]).unwrap_err().code(), "E0605");
}

#[test]
fn an_arrow_style_column_goes_through_x_or_zero() {
    // A values buffer and a validity bitmap as Arrow hands them over, without copying.
    let xs: Vec<f64> = (0..1000).map(|i| i as f64).collect();
    let validity = kiln::engine::validity_bitmap((0..1000).map(|i| i % 10 != 3));
    let values = Column::from(&xs);
    let out = compile("param x: f64?; x ?? 0.0")
        .run_columns(&[Column::opt(&values, &validity)])
        .unwrap();
    let want: Vec<f64> = (0..1000)
        .map(|i| if i % 10 == 3 { 0.0 } else { i as f64 })
        .collect();
    assert_eq!(out, ColumnBuf::F64(want));
}
