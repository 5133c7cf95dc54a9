use super::*;

#[test]
fn a_program_compiles_and_runs_with_params() {
    let program = Engine::new()
        .compile("param a: i64; param b: i64; a * 10 + b")
        .unwrap();
    assert_eq!(program.params().len(), 2);
    assert_eq!(
        program.output_type(),
        Some(&Ty::Int(crate::types::ty::IntTy::I64))
    );
    let r = program.run(&[Value::I64(4), Value::I64(2)]).unwrap();
    assert_eq!(r, Some(Value::I64(42)));
}

fn compile(src: &str) -> Program {
    Engine::new()
        .compile(src)
        .unwrap_or_else(|e| panic!("{}", e.render()))
}

#[test]
fn a_typed_handle_is_the_program_as_a_native_function() {
    let p = compile("param a: f64; param b: f64; param c: f64; (a*1.8+b)/(c+1)-log(a+1)");
    let f = p.typed::<(f64, f64, f64), f64>().unwrap();
    for (a, b, c) in [(1.0, 2.0, 3.0), (0.5, -4.0, 10.0), (100.0, 0.0, 0.0)] {
        let want = (a * 1.8 + b) / (c + 1.0) - (a + 1.0f64).ln();
        assert_eq!(f.call(a, b, c), Ok(want));
    }
}

#[test]
fn masks_cross_the_library_api() {
    // A `[bool]` param combined with a mask and negated; a typed handle over bools.
    let p = compile("param m: [bool]; param xs: [i64]; not (m & (xs > 1)) ^ m");
    let bools = |v: &[bool]| Value::List(Ty::Bool, v.iter().map(|b| Value::Bool(*b)).collect());
    let xs = Value::List(
        Ty::Int(crate::types::ty::IntTy::I64),
        [0, 2, 0, 2].map(Value::I64).to_vec(),
    );
    let r = p.run(&[bools(&[false, false, true, true]), xs]).unwrap();
    assert_eq!(r, Some(bools(&[true, true, false, true])));
    let e = p.run(&[
        bools(&[true]),
        Value::List(Ty::Int(crate::types::ty::IntTy::I64), vec![]),
    ]);
    assert_eq!(e.unwrap_err().code(), "E0607");
    let f = compile("param a: bool; param b: bool; (a ^ b) | (a & b)")
        .typed::<(bool, bool), bool>()
        .unwrap();
    for (a, b) in [(false, false), (false, true), (true, false), (true, true)] {
        assert_eq!(f.call(a, b), Ok(a | b), "{a} {b}");
    }
}

#[test]
fn narrow_scalars_cross_the_typed_call_intact() {
    // i8 and bool params, i8 result: the C ABI's sign and zero extensions.
    let p = compile("param a: i8; param neg: bool; if(neg, -a, a)");
    let f = p.typed::<(i8, bool), i8>().unwrap();
    assert_eq!(f.call(-128, true), Ok(-128)); // wraps
    assert_eq!(f.call(-5, true), Ok(5));
    assert_eq!(f.call(-5, false), Ok(-5));
    let p = compile("param x: u16; x + 1");
    let f = p.typed::<(u16,), u16>().unwrap();
    assert_eq!(f.call(65535), Ok(0));
    assert_eq!(f.call(41), Ok(42));
    let p = compile("param x: i16; param y: u8; x < 0 and y > 200u8");
    let f = p.typed::<(i16, u8), bool>().unwrap();
    assert_eq!(f.call(-1, 255), Ok(true));
    assert_eq!(f.call(-1, 200), Ok(false));
    assert_eq!(f.call(i16::MIN, 201), Ok(true));
    let p = compile("param x: u64; param y: f32; x > 1u64 << 63 and y > 0.5");
    let f = p.typed::<(u64, f32), bool>().unwrap();
    assert_eq!(f.call(u64::MAX, 0.75), Ok(true));
    assert_eq!(f.call(1, 0.75), Ok(false));
}

#[test]
fn a_program_without_params_or_result_has_a_typed_handle_too() {
    let p = compile("41 + 1");
    assert_eq!(p.typed::<(), i64>().unwrap().call(), Ok(42));
    let p = compile("param x: i64; when x > 0 { y = x; }");
    assert_eq!(p.output_type(), None);
    assert_eq!(p.typed::<(i64,), ()>().unwrap().call(3), Ok(()));
}

#[test]
fn a_handle_that_does_not_match_says_what_differs() {
    let p = compile("param a: f64; param n: i64; a * f64(n)");
    let e = p.typed::<(f64, f64), f64>().err().unwrap();
    assert!(e.message.contains("param `n` is i64"), "{e}");
    let e = p.typed::<(f64,), f64>().err().unwrap();
    assert!(e.message.contains("has 2 params"), "{e}");
    let e = p.typed::<(f64, i64), f32>().err().unwrap();
    assert!(e.message.contains("returns f64"), "{e}");
    let p = compile("param s: string; len(s)");
    let e = p.typed::<(i64,), i64>().err().unwrap();
    assert!(e.message.contains("is string"), "{e}");
    let p = compile("param n: i64; string(n)");
    let e = p.typed::<(i64,), i64>().err().unwrap();
    assert!(e.message.contains("scalars only"), "{e}");
}

#[test]
fn a_typed_runtime_error_is_a_value_and_the_handle_stays_usable() {
    let p = compile("param a: i64; param b: i64; a / b");
    let f = p.typed::<(i64, i64), i64>().unwrap();
    let e = f.call(7, 0).unwrap_err();
    assert_eq!(e.code(), "E0601");
    assert_eq!(f.call(7, 2), Ok(3));
    let e = f.call(i64::MIN, -1).unwrap_err();
    assert_eq!(e.code(), "E0602");
    assert_eq!(f.call(-9, 3), Ok(-3));
}

#[test]
fn runaway_recursion_through_a_handle_is_an_error() {
    let p = compile("param n: i64; fn f(x: i64) -> i64 = f(x + 1) + 1; f(n)");
    let f = p.typed::<(i64,), i64>().unwrap();
    assert_eq!(f.call(0).unwrap_err().code(), "E0606");
    assert_eq!(p.run(&[Value::I64(0)]).unwrap_err().code(), "E0606");
}

#[test]
fn runtime_errors_of_dynamic_runs_are_values_too() {
    let p = compile("param xs: [i64]; param i: i64; xs[i]");
    let xs = Value::List(Ty::Int(crate::types::ty::IntTy::I64), vec![Value::I64(5)]);
    let e = p.run(&[xs.clone(), Value::I64(3)]).unwrap_err();
    assert_eq!(e.code(), "E0603");
    let text = p.render(&e.to_diagnostic());
    assert!(text.contains("E0603") && text.contains("xs[i]"), "{text}");
    assert_eq!(p.run(&[xs, Value::I64(0)]), Ok(Some(Value::I64(5))));
    let e = p.run(&[Value::I64(1)]).unwrap_err();
    assert_eq!(e.code(), "E0605");
}

#[test]
fn compile_errors_are_the_clis_diagnostics() {
    let e = Engine::new()
        .compile("param a: f64; a + undefined_name")
        .unwrap_err();
    assert_eq!(e.diagnostics.len(), 1);
    assert_eq!(e.diagnostics[0].code, "E0101");
    let text = e.render();
    assert!(
        text.contains("E0101") && text.contains("undefined_name"),
        "{text}"
    );
    let p = compile("let unused = 1; 2");
    assert_eq!(p.warnings().len(), 1);
    assert_eq!(p.warnings()[0].code, "W0001");
}

#[test]
fn programs_are_send_and_sync_and_runs_in_threads_share_nothing() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Program>();
    fn send<T: Send>() {}
    send::<TypedFn<(i64,), i64>>();
    // `k` is a program-level binding a function reads: it lives in each run's frame.
    let p = compile(
        "param n: i64; let k = n * 3; fn f(x: i64) -> i64 = x + k; fn g(x: i64) -> i64 = if(x <= 0, 0, g(x - 1) + 1); f(n) + g(n % 7)",
    );
    let typed = p.typed::<(i64,), i64>().unwrap();
    std::thread::scope(|s| {
        for t in 0..8i64 {
            let p = p.clone();
            let f = typed.clone();
            s.spawn(move || {
                for i in 0..100_000i64 {
                    let n = t * 1_000_000 + i;
                    let want = 4 * n + n % 7;
                    if i % 2 == 0 {
                        assert_eq!(f.call(n), Ok(want), "thread {t}, call {i}");
                    } else {
                        let got = p.run(&[Value::I64(n)]).unwrap();
                        assert_eq!(got, Some(Value::I64(want)), "thread {t}, call {i}");
                    }
                }
            });
        }
    });
}

#[test]
fn fast_float_math_relaxes_float_operations_but_keeps_nan_and_infinity() {
    let src = "param a: f64; param b: f64; param c: f64; a * b + c / a";
    let ir = |fp_math| {
        let options = crate::driver::Options {
            fp_math,
            ..crate::driver::Options::default()
        };
        crate::driver::source_ir(src, &options).unwrap().0
    };
    assert!(!ir(FpMath::Strict).contains("reassoc"));
    let fast = ir(FpMath::Fast);
    assert!(
        fast.contains("reassoc") && fast.contains("contract"),
        "{fast}"
    );
    assert!(!fast.contains("nnan") && !fast.contains("ninf"), "{fast}");

    let engine = Engine::with_options(EngineOptions {
        fp_math: FpMath::Fast,
        ..EngineOptions::default()
    });
    let p = engine.compile(src).unwrap();
    let f = p.typed::<(f64, f64, f64), f64>().unwrap();
    assert!((f.call(2.0, 3.0, 4.0).unwrap() - 8.0).abs() < 1e-12);
    let p = engine
        .compile("param x: f64; [is_nan(x * 0.0), is_inf(x + 1.0)]")
        .unwrap();
    let r = p.run(&[Value::F64(f64::INFINITY)]).unwrap().unwrap();
    assert_eq!(r.to_string(), "[true, true]");
}

#[test]
fn typed_handles_call_host_functions_with_the_host_value_and_report_their_failures() {
    struct Row {
        scale: f64,
    }
    let mut engine = Engine::new();
    engine
        .host()
        .register_with_host("scaled", Purity::Pure, |row: &Row, x: f64| x * row.scale)
        .register("checked_sqrt", Purity::Pure, |x: f64| {
            if x < 0.0 {
                Err(format!("{x} is negative"))
            } else {
                Ok(x.sqrt())
            }
        });
    let p = engine
        .compile("param x: f64; scaled(x) + checked_sqrt(x)")
        .unwrap();
    let f = p.typed::<(f64,), f64>().unwrap();
    assert_eq!(f.call_with(&Row { scale: 2.0 }, 4.0), Ok(10.0));
    assert_eq!(f.call_with(&Row { scale: 3.0 }, 9.0), Ok(30.0));
    // The host value is required, and of the registered type.
    assert_eq!(f.call(4.0).unwrap_err().code(), "E0605");
    assert_eq!(f.call_with(&1u8, 4.0).unwrap_err().code(), "E0605");
    // A pure function's failure is the call's error; the handle stays usable.
    let e = f.call_with(&Row { scale: 1.0 }, -1.0).unwrap_err();
    assert_eq!(e.code(), "E0610");
    assert!(e.message.contains("-1 is negative"), "{}", e.message);
    assert_eq!(f.call_with(&Row { scale: 1.0 }, 16.0), Ok(20.0));
}

#[test]
fn host_functions_in_a_columnar_run_fail_at_their_row() {
    let mut engine = Engine::new();
    engine
        .host()
        .register("inv", Purity::Pure, |x: f64| {
            if x == 0.0 {
                Err("zero has no inverse".to_owned())
            } else {
                Ok(1.0 / x)
            }
        })
        .register("logged", Purity::SideEffect, |x: i64| {
            if x == 7 {
                Err("seven".to_owned())
            } else {
                Ok(x * 2)
            }
        });
    let p = engine.compile("param x: f64; inv(x) * 2.0").unwrap();
    let xs: Vec<f64> = (1..=10_000).map(|i| i as f64).collect();
    let ColumnBuf::F64(out) = p.run_columns(&[Column::F64(&xs)]).unwrap() else {
        panic!("an f64 column")
    };
    assert_eq!(out[3], 0.5);
    let mut bad = xs.clone();
    bad[5000] = 0.0;
    let e = p.run_columns(&[Column::F64(&bad)]).unwrap_err();
    assert_eq!((e.row, e.error.code()), (5000, "E0610"));
    let p = engine.compile("param n: i64; logged(n) + 1").unwrap();
    let ns: Vec<i64> = (0..20).collect();
    let e = p.run_columns(&[Column::I64(&ns)]).unwrap_err();
    assert_eq!((e.row, e.error.code()), (7, "E0610"));
    assert!(e.error.message.contains("seven"));
    let ColumnBuf::I64(out) = p.run_columns(&[Column::I64(&ns[..7])]).unwrap() else {
        panic!("an i64 column")
    };
    assert_eq!(out, [1, 3, 5, 7, 9, 11, 13]);
}

#[test]
fn only_programs_that_never_touch_their_context_skip_it_in_typed_calls() {
    let free = |src: &str, opt_level: u8| {
        let engine = Engine::with_options(EngineOptions {
            opt_level,
            ..EngineOptions::default()
        });
        let p = engine.compile(src).unwrap();
        p.inner.compiled().context_free()
    };
    let rule =
        "param a: i64; param x: f64; switch(a < 18, 0.0, x <= 0.0 or 1.0 / x > 0.6, 0.1, 0.9)";
    assert!(free(rule, 2));
    assert!(free(
        "param a: f64; param b: f64; (a*1.8+b)/(b+1)-log(a+1)",
        3
    ));
    // At -O0 nothing is inferred: the checked path.
    assert!(!free(rule, 0));
    // Anything that may fault, print, allocate or recurse reaches the context.
    for src in [
        "param a: i64; param b: i64; a / b",
        "param a: i64; print(a) + 1",
        "param a: i64; len(string(a))",
        "param xs: [i64]; param i: i64; xs[i]",
        "param n: i64; fn f(x: i64) -> i64 = if(x <= 0, 0, f(x - 1) + 1); f(n)",
        "param n: i64; let k = n * 2; fn g(x: i64) -> i64 = x + k; g(n)",
    ] {
        assert!(!free(src, 2), "{src}");
    }
    // Either way the typed call gives the same results and errors.
    let p = Engine::new().compile(rule).unwrap();
    let f = p.typed::<(i64, f64), f64>().unwrap();
    assert_eq!(f.call(17, 1.0), Ok(0.0));
    assert_eq!(f.call(30, 0.0), Ok(0.1));
    assert_eq!(f.call(30, 10.0), Ok(0.9));
}

/// `--overflow trap` semantics, exhaustively on 8-bit operands: `+ - *` and unary `-`
/// fault with E0617 exactly when the mathematical result leaves the type's range, and
/// otherwise give the wrapping result; at -O0 and -O2 alike. The default wraps.
#[test]
fn overflow_trap_faults_exactly_when_the_result_leaves_the_range() {
    fn engine(opt_level: u8, overflow: Overflow) -> Engine {
        Engine::with_options(EngineOptions {
            opt_level,
            overflow,
            ..EngineOptions::default()
        })
    }
    for opt_level in [0, 2] {
        let trap = engine(opt_level, Overflow::Trap);
        let wrap = engine(opt_level, Overflow::Wrap);
        for (op, f) in [
            ("+", (|a, b| a + b) as fn(i32, i32) -> i32),
            ("-", |a, b| a - b),
            ("*", |a, b| a * b),
        ] {
            let src = |t: &str| format!("param a: {t}; param b: {t}; a {op} b");
            let (ti8, tu8) = (
                trap.compile(&src("i8")).unwrap(),
                trap.compile(&src("u8")).unwrap(),
            );
            let (ti8, tu8) = (
                ti8.typed::<(i8, i8), i8>().unwrap(),
                tu8.typed::<(u8, u8), u8>().unwrap(),
            );
            let wi8 = wrap.compile(&src("i8")).unwrap();
            let wi8 = wi8.typed::<(i8, i8), i8>().unwrap();
            for a in 0..=255u8 {
                for b in 0..=255u8 {
                    let (sa, sb) = (a as i8, b as i8);
                    let exact = f(sa as i32, sb as i32);
                    match ti8.call(sa, sb) {
                        Ok(v) => assert_eq!(v as i32, exact, "{sa} {op} {sb} at -O{opt_level}"),
                        Err(e) => {
                            assert_eq!(e.code(), "E0617", "{sa} {op} {sb}");
                            assert!(i8::try_from(exact).is_err(), "{sa} {op} {sb} trapped");
                        }
                    }
                    assert_eq!(wi8.call(sa, sb), Ok(exact as i8), "{sa} {op} {sb} wraps");
                    let exact = f(a as i32, b as i32);
                    match tu8.call(a, b) {
                        Ok(v) => assert_eq!(v as i32, exact, "{a} {op} {b}u8"),
                        Err(_) => assert!(u8::try_from(exact).is_err(), "{a} {op} {b}u8 trapped"),
                    }
                }
            }
        }
        let neg = trap.compile("param a: i8; -a").unwrap();
        let neg = neg.typed::<(i8,), i8>().unwrap();
        assert_eq!(neg.call(-127), Ok(127));
        assert_eq!(neg.call(-128).unwrap_err().code(), "E0617");
        let neg = trap.compile("param a: u8; -a").unwrap();
        let neg = neg.typed::<(u8,), u8>().unwrap();
        assert_eq!(neg.call(0), Ok(0));
        assert_eq!(neg.call(1).unwrap_err().code(), "E0617");
    }
}

/// In trap mode a function that only adds may now fault, so its callers check: the fault
/// surfaces from inside a function, an element-wise operation and an integer `sum`, with
/// the operator's (or the call's) span, and output printed before it stays printed.
#[test]
fn overflow_trap_reaches_through_functions_lists_and_sums() {
    let engine = Engine::with_options(EngineOptions {
        overflow: Overflow::Trap,
        ..EngineOptions::default()
    });
    let cases = [
        ("fn inc(x: i32) -> i32 = x + 1;\ninc(2147483647)", "x + 1"),
        ("let xs: [u8] = [200, 100];\nxs + xs", "xs + xs"),
        (
            "sum([9223372036854775807, 1])",
            "sum([9223372036854775807, 1])",
        ),
        (
            "let xs = [1, 2];\nsum(xs * 4611686018427387904)",
            "xs * 4611686018427387904",
        ),
    ];
    for (src, at) in cases {
        let p = engine.compile(src).unwrap();
        let e = p.run(&[]).unwrap_err();
        assert_eq!(e.code(), "E0617", "{src}");
        assert_eq!(&src[e.span.lo as usize..e.span.hi as usize], at, "{src}");
    }
    // Without overflow the same programs run, and wrap by default.
    let p = engine
        .compile("fn inc(x: i32) -> i32 = x + 1;\ninc(41)")
        .unwrap();
    assert_eq!(p.run(&[]), Ok(Some(Value::I32(42))));
    let p = Engine::new()
        .compile("sum([9223372036854775807, 1])")
        .unwrap();
    assert_eq!(p.run(&[]), Ok(Some(Value::I64(i64::MIN))));
}

/// `clamp(x, lo, hi)` with `lo > hi` or a NaN bound is E0615 at the call, on every type
/// class; equal bounds and a NaN `x` are fine (issue 12: `clamp(-8i8, 115i8, -7i8)` gave
/// -7).
#[test]
fn clamp_with_bounds_out_of_order_faults() {
    for opt_level in [0, 2] {
        let engine = Engine::with_options(EngineOptions {
            opt_level,
            ..EngineOptions::default()
        });
        let i8s = engine.compile("param x: i8; param lo: i8; param hi: i8; clamp(x, lo, hi)");
        let i8s = i8s.unwrap();
        let i8s = i8s.typed::<(i8, i8, i8), i8>().unwrap();
        assert_eq!(i8s.call(-8, 115, -7).unwrap_err().code(), "E0615");
        assert_eq!(i8s.call(-8, -7, -7), Ok(-7));
        assert_eq!(i8s.call(-8, -10, 115), Ok(-8));
        let u = engine.compile("param x: u32; param lo: u32; param hi: u32; clamp(x, lo, hi)");
        let u = u.unwrap();
        let u = u.typed::<(u32, u32, u32), u32>().unwrap();
        // Unsigned order: 4_000_000_000 is above 1, not negative.
        assert_eq!(u.call(5, 1, 4_000_000_000), Ok(5));
        assert_eq!(u.call(5, 4_000_000_000, 1).unwrap_err().code(), "E0615");
        let f = engine.compile("param x: f64; param lo: f64; param hi: f64; clamp(x, lo, hi)");
        let f = f.unwrap();
        let f = f.typed::<(f64, f64, f64), f64>().unwrap();
        assert_eq!(f.call(5.0, 0.0, 1.0), Ok(1.0));
        assert!(f.call(f64::NAN, 0.0, 1.0).unwrap().is_nan());
        for (lo, hi) in [(1.0, 0.0), (f64::NAN, 1.0), (0.0, f64::NAN)] {
            let e = f.call(0.5, lo, hi).unwrap_err();
            assert_eq!(e.code(), "E0615", "clamp(0.5, {lo}, {hi})");
        }
    }
}

/// Runs for years unless interrupted; depth stays small (90 frames).
const FOREVER: &str = "fn fib(n: i64) -> i64 = if(n < 2, n, fib(n - 1) + fib(n - 2)); fib(90)";

#[test]
fn a_cancel_from_another_thread_stops_a_long_recursion_and_the_program_stays_usable() {
    let p = compile(&FOREVER.replace("fib(90)", "param small: bool; if(small, 7, fib(90))"));
    let interrupt = Interrupt::new();
    let canceller = interrupt.clone();
    let start = std::time::Instant::now();
    let thread = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(30));
        canceller.cancel();
    });
    let error = p
        .run_interruptible(&[Value::Bool(false)], &interrupt)
        .unwrap_err();
    thread.join().unwrap();
    assert_eq!(error.code(), "E0611");
    assert_eq!(error.message, "the run was interrupted");
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
    // The label is the recursive function, where the interrupt was noticed.
    assert_eq!(
        &p.source()[error.span.lo as usize..error.span.hi as usize],
        "fib"
    );
    // Still cancelled: the next run stops at once; reset, runs go on.
    let again = p.run_interruptible(&[Value::Bool(false)], &interrupt);
    assert_eq!(again.unwrap_err().code(), "E0611");
    interrupt.reset();
    assert_eq!(
        p.run_interruptible(&[Value::Bool(true)], &interrupt),
        Ok(Some(Value::I64(7)))
    );
    assert_eq!(p.run(&[Value::Bool(true)]), Ok(Some(Value::I64(7))));
}

#[test]
fn every_generated_loop_polls_the_interrupt() {
    let interrupt = Interrupt::new();
    interrupt.cancel();
    // Each program loops once over a list input; a cancelled flag stops it at the loop.
    for (src, looped) in [
        ("param xs: [i64]; sum(xs)", "sum(xs)"),
        ("param xs: [i64]; avg(xs)", "avg(xs)"),
        ("param xs: [i64]; max(xs)", "max(xs)"),
        ("param xs: [i64]; xs * 2", "xs * 2"),
        ("param xs: [i64]; xs * 2 + xs", "xs * 2 + xs"),
        ("param xs: [i64]; filter(xs, xs > 1)", "filter(xs, xs > 1)"),
        ("param xs: [i64]; count(xs > 1)", "count(xs > 1)"),
        // Loops with an early exit poll once every chunk of iterations: look for a
        // missing element in a list longer than one.
        ("param xs: [i64]; index_of(xs, -1)", "index_of(xs, -1)"),
        ("param xs: [i64]; -1 in xs", "-1 in xs"),
    ] {
        let p = compile(src);
        let xs = Value::List(
            Ty::Int(crate::types::ty::IntTy::I64),
            (0..40_000).map(Value::I64).collect(),
        );
        let error = p
            .run_interruptible(std::slice::from_ref(&xs), &interrupt)
            .unwrap_err();
        assert_eq!(error.code(), "E0611", "{src}");
        let label = &p.source()[error.span.lo as usize..error.span.hi as usize];
        assert!(
            looped.contains(label) || label.contains(looped),
            "{src}: {label}"
        );
        let fine = p.run(std::slice::from_ref(&xs));
        assert!(fine.is_ok(), "{src}: {fine:?}");
    }
}

#[test]
fn a_deadline_interrupts_a_long_run_and_spares_a_short_one() {
    let p = compile(&format!(
        "param n: i64; {}",
        FOREVER.replace("fib(90)", "fib(n)")
    ));
    let quick = p.run_with_deadline(&[Value::I64(10)], std::time::Duration::from_secs(60));
    assert_eq!(quick, Ok(Some(Value::I64(55))));
    let start = std::time::Instant::now();
    let slow = p.run_with_deadline(&[Value::I64(90)], std::time::Duration::from_millis(20));
    assert_eq!(slow.unwrap_err().code(), "E0611");
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(p.run(&[Value::I64(10)]), Ok(Some(Value::I64(55))));
}

/// Doubles a list on every call until the limit stops it.
const GROW: &str = "fn grow(xs: [i64], n: i64) -> i64 = \
    if(n == 0, len(xs), grow(concat(xs, xs), n - 1)); grow([1, 2, 3, 4, 5, 6, 7, 8], 40)";

#[test]
fn max_memory_bounds_every_run_of_a_program() {
    let engine = Engine::with_options(EngineOptions {
        max_memory: 1 << 20,
        ..EngineOptions::default()
    });
    let p = engine.compile(GROW).unwrap();
    assert_eq!(p.max_memory(), 1 << 20);
    let error = p.run(&[]).unwrap_err();
    assert_eq!(error.code(), "E0616");
    assert!(
        error.message.contains("memory limit of 1048576 bytes"),
        "{}",
        error.message
    );
    assert_eq!(
        &p.source()[error.span.lo as usize..error.span.hi as usize],
        "concat(xs, xs)"
    );
    // Other entry points share the limit: typed handles and columns.
    let f = p.typed::<(), i64>().unwrap();
    assert_eq!(f.call().unwrap_err().code(), "E0616");
    // A program that fits runs as before.
    let small = engine.compile("len(repeat(\"ab\", 1000) + \"c\")").unwrap();
    assert_eq!(small.run(&[]), Ok(Some(Value::I64(2001))));
    // Strings too, and a value over 1 GiB is E0609 whatever the limit.
    let s = engine.compile("len(repeat(\"abc\", 1000000))").unwrap();
    assert_eq!(s.run(&[]).unwrap_err().code(), "E0616");
    let huge = Engine::new()
        .compile("len(repeat(\"abc\", 1000000000))")
        .unwrap();
    assert_eq!(huge.run(&[]).unwrap_err().code(), "E0609");
}

#[test]
fn a_runaway_list_under_a_modest_limit_faults_instead_of_aborting() {
    // 64 MiB: the run stops at the limit, never taking the machine's memory.
    let engine = Engine::with_options(EngineOptions {
        max_memory: 64 << 20,
        ..EngineOptions::default()
    });
    for src in [
        GROW,
        "fn g(s: string, n: i64) -> i64 = if(n == 0, len(s), g(s + s, n - 1)); g(\"abcd\", 60)",
        "fn g(s: string, n: i64) -> i64 = if(n == 0, len(s), g(join([s, s, s], \"-\"), n - 1)); g(\"x\", 60)",
        "fn g(s: string, n: i64) -> i64 = if(n == 0, len(s), g(replace(s, \"a\", \"aa\"), n - 1)); g(\"a\", 60)",
        "fn g(xs: [i64], n: i64) -> i64 = if(n == 0, len(xs), g(sort(concat(xs, reverse(xs))), n - 1)); g([3, 1], 60)",
    ] {
        let p = engine.compile(src).unwrap_or_else(|e| panic!("{}", e.render()));
        let code = p.run(&[]).unwrap_err().code();
        assert!(["E0616", "E0609"].contains(&code), "{src}: {code}");
    }
}

/// Issue 14: `range` through the library API: dynamically, through a typed handle, over
/// columns (a zero step is E0613 at its row), and under the engine's memory limit.
#[test]
fn range_runs_typed_over_columns_and_within_the_memory_limit() {
    for opt_level in [0, 2] {
        let engine = Engine::with_options(EngineOptions {
            opt_level,
            max_memory: 1 << 20,
            ..EngineOptions::default()
        });
        let p = engine.compile("range(6, 0, -2)").unwrap();
        let want = Value::List(Ty::I64, [6, 4, 2].map(Value::I64).to_vec());
        assert_eq!(p.run(&[]), Ok(Some(want)));
        let src = "param a: i64; param b: i64; param s: i64; sum(range(a, b, s))";
        let p = engine.compile(src).unwrap();
        let sum = p.typed::<(i64, i64, i64), i64>().unwrap();
        assert_eq!(sum.call(0, 1000, 1), Ok(499_500));
        assert_eq!(sum.call(1000, 0, -7), Ok((1..=1000).rev().step_by(7).sum()));
        assert_eq!(sum.call(0, 10, 0).unwrap_err().code(), "E0613");
        // 8 MB of elements: over the 1 MiB limit, far under the 1 GiB value limit.
        assert_eq!(sum.call(0, 1_000_000, 1).unwrap_err().code(), "E0616");
        assert_eq!(sum.call(i64::MIN, i64::MAX, 1).unwrap_err().code(), "E0609");
        let (a, b, s) = ([0, 5, 9, 1], [4, 0, 9, 5], [1, -2, 3, 0]);
        let columns = [Column::I64(&a), Column::I64(&b), Column::I64(&s)];
        let e = p.run_columns(&columns).unwrap_err();
        assert_eq!((e.row, e.error.code()), (3, "E0613"));
        let columns = [
            Column::I64(&a[..3]),
            Column::I64(&b[..3]),
            Column::I64(&s[..3]),
        ];
        let ColumnBuf::I64(out) = p.run_columns(&columns).unwrap() else {
            panic!("an i64 column")
        };
        assert_eq!(out, [6, 9, 0]);
    }
}

#[test]
fn nested_lists_cross_the_library_api() {
    use crate::types::ty::IntTy;
    let row = |xs: &[i64]| Value::List(Ty::I64, xs.iter().map(|&x| Value::I64(x)).collect());
    let grid_ty = Ty::List(Box::new(Ty::I64));
    let grid = |rows: Vec<Value>| Value::List(grid_ty.clone(), rows);
    let p = compile("param g: [[i64]]; concat(g, [flatten(g), [len(g)]])");
    let r = p
        .run(&[grid(vec![row(&[1, 2]), row(&[]), row(&[3])])])
        .unwrap();
    assert_eq!(
        r,
        Some(grid(vec![
            row(&[1, 2]),
            row(&[]),
            row(&[3]),
            row(&[1, 2, 3]),
            row(&[3])
        ]))
    );
    assert_eq!(r.unwrap().to_string(), "[[1, 2], [], [3], [1, 2, 3], [3]]");
    // The inputs are checked at every level: an inner list of another type is E0605.
    let wrong = grid(vec![Value::List(Ty::Int(IntTy::I32), vec![Value::I32(1)])]);
    assert_eq!(p.run(&[wrong]).unwrap_err().code(), "E0605");
    let strings = compile("param w: [[string]]; unique(w)");
    let s = |x: &str| Value::Str(x.to_owned());
    let words = Value::List(
        Ty::List(Box::new(Ty::Str)),
        vec![
            Value::List(Ty::Str, vec![s("a"), s("b\n")]),
            Value::List(Ty::Str, vec![s("a"), s("b\n")]),
        ],
    );
    let r = strings.run(&[words]).unwrap().unwrap();
    assert_eq!(r.to_string(), r#"[["a", "b\n"]]"#);
}

#[test]
fn purity_follows_print_now_and_host_functions() {
    let mut engine = Engine::new();
    engine
        .host()
        .register("twice", Purity::Pure, |x: i64| x * 2)
        .register("logged", Purity::SideEffect, |x: i64| x + 1);
    let pure = |src: &str| {
        engine
            .compile(src)
            .unwrap_or_else(|e| panic!("{}", e.render()))
            .is_pure()
    };
    assert!(pure("param a: i64; param b: i64; a / b"));
    assert!(pure("param s: string; upper(s) + format(\"{}\", len(s))"));
    assert!(pure("param a: i64; twice(a)"));
    assert!(pure("param xs: [i64]; map(xs, x -> x * 2)"));
    assert!(!pure("param a: i64; logged(a)"));
    assert!(!pure("param a: i64; print(a); a"));
    assert!(!pure("now()"));
    // Found inside a function, and inside a lambda.
    assert!(!pure(
        "fn f(x: i64) -> i64 { print(x); x } param a: i64; f(a)"
    ));
    assert!(!pure("param xs: [i64]; map(xs, x -> logged(x))"));
    assert!(!pure("param xs: [i64]; map(xs, x -> now())"));
}
