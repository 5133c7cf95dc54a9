use super::*;
use crate::runtime::RunCtx;
use crate::{Engine, Program};

fn compile(src: &str) -> Program {
    Engine::new()
        .compile(src)
        .unwrap_or_else(|e| panic!("{src}: {e}"))
}

/// `run_columns` gives, row by row, what `run` gives for that row's values.
#[track_caller]
fn same_as_per_row(src: &str, columns: &[Column<'_>]) -> ColumnBuf {
    let program = compile(src);
    let out = program
        .run_columns(columns)
        .unwrap_or_else(|e| panic!("{src}: {e}"));
    let rows = columns[0].len();
    assert_eq!(out.len(), rows, "{src}");
    assert_eq!(Some(&out.ty()), program.output_type(), "{src}");
    for row in 0..rows {
        let inputs: Vec<Value> = columns.iter().filter_map(|c| c.get(row)).collect();
        let want = program.run(&inputs).unwrap();
        assert_eq!(out.get(row), want, "{src}, row {row}");
    }
    out
}

#[test]
fn every_scalar_type_runs_as_per_row() {
    macro_rules! each_numeric {
        ($($t:ident)*) => {$(
            let a: Vec<$t> = vec![0 as $t, 1 as $t, 5 as $t, 100 as $t, 7 as $t];
            let b: Vec<$t> = vec![3 as $t, 1 as $t, 2 as $t, 7 as $t, 9 as $t];
            let src = format!(
                "param a: {t}; param b: {t}; if(a < b, b - a, a - b) * 2",
                t = stringify!($t)
            );
            same_as_per_row(&src, &[Column::from(&a), Column::from(&b)]);
            // Zero rows: an empty column of the result type.
            let out = same_as_per_row(&src, &[Column::from(&a[..0]), Column::from(&b[..0])]);
            assert!(out.is_empty());
        )*};
    }
    each_numeric!(i8 i16 i32 i64 u8 u16 u32 u64 f32 f64);
}

#[test]
fn bool_columns_in_and_out() {
    let flags = [true, false, true, false];
    let n = [1i64, 5, 3, 0];
    let out = same_as_per_row(
        "param f: bool; param n: i64; f and n > 2 or n == 0",
        &[Column::from(&flags[..]), Column::from(&n[..])],
    );
    assert_eq!(out, ColumnBuf::Bool(vec![false, false, true, true]));
    let x = [1.0, 2.0, -0.5];
    let out = same_as_per_row("param x: f64; x > 1.5", &[Column::from(&x[..])]);
    assert_eq!(out, ColumnBuf::Bool(vec![false, true, false]));
}

#[test]
fn bitwise_operators_on_bool_columns() {
    // `& | ^` on bools evaluate both sides, row by row, as a per-row run does.
    let a = [false, false, true, true];
    let b = [false, true, false, true];
    let x = [2.0, 0.5, 2.0, 0.5];
    let cols = [
        Column::from(&a[..]),
        Column::from(&b[..]),
        Column::from(&x[..]),
    ];
    let src = "param a: bool; param b: bool; param x: f64;";
    let out = same_as_per_row(&format!("{src} a ^ b"), &cols);
    assert_eq!(out, ColumnBuf::Bool(vec![false, true, true, false]));
    let out = same_as_per_row(&format!("{src} a & (x > 1.0) | b"), &cols);
    assert_eq!(out, ColumnBuf::Bool(vec![false, true, true, true]));
}

#[test]
fn string_columns_in_and_out() {
    let words = ["héllo", "", "Kiln", "a b"];
    let n = [1i64, 2, 3, 0];
    let out = same_as_per_row(
        "param s: string; param n: i64; upper(s) + repeat(\"!\", n)",
        &[Column::from(&words[..]), Column::from(&n[..])],
    );
    assert_eq!(
        out,
        ColumnBuf::Str(vec![
            "HÉLLO!".into(),
            "!!".into(),
            "KILN!!!".into(),
            "A B".into()
        ])
    );
    let out = same_as_per_row("param s: string; len(s)", &[Column::from(&words[..])]);
    assert_eq!(out, ColumnBuf::I64(vec![5, 0, 4, 3]));
    let empty: [&str; 0] = [];
    let out = same_as_per_row("param s: string; s + \"x\"", &[Column::from(&empty[..])]);
    assert_eq!(out, ColumnBuf::Str(vec![]));
}

#[test]
fn a_faulting_row_is_named_and_the_program_stays_usable() {
    let program = compile("param a: i64; param b: i64; a / b");
    let a = [10i64, 20, 30, 40, 50];
    let b = [1i64, 2, 3, 0, 5];
    let err = program
        .run_columns(&[Column::from(&a[..]), Column::from(&b[..])])
        .unwrap_err();
    assert_eq!(err.row, 3);
    assert_eq!(err.error.code(), "E0601");
    assert!(
        err.to_string().starts_with("row 3: division by zero"),
        "{err}"
    );
    let b = [1i64, 2, 3, 4, 5];
    let out = program
        .run_columns(&[Column::from(&a[..]), Column::from(&b[..])])
        .unwrap();
    assert_eq!(out, ColumnBuf::I64(vec![10, 10, 10, 10, 10]));
}

#[test]
fn a_fault_after_the_first_chunk_names_its_row_and_keeps_earlier_results() {
    let program = compile("param s: string; param i: i64; s + string([1, 2][i])");
    let rows = CHUNK_ROWS + 10;
    let words: Vec<String> = (0..rows).map(|r| format!("w{r}")).collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let mut index = vec![1i64; rows];
    index[CHUNK_ROWS + 3] = 2;
    let (out, err) = program.run_rows(
        &mut RunCtx::new(),
        None,
        rows,
        &[Column::from(&words), Column::from(&index)],
    );
    let err = err.expect("row CHUNK_ROWS + 3 faults");
    assert_eq!((err.row, err.error.code()), (CHUNK_ROWS + 3, "E0603"));
    assert_eq!(out.len(), CHUNK_ROWS + 3);
    assert_eq!(
        out.get(CHUNK_ROWS + 2),
        Some(Value::Str(format!("w{}2", CHUNK_ROWS + 2)))
    );
}

#[test]
fn columns_that_do_not_match_the_params_are_invalid_input() {
    let program = compile("param a: i64; param b: f64; f64(a) + b");
    let ints = [1i64, 2];
    let floats = [1.0, 2.0];
    let short = [1.0];
    let cases: [(&[Column], &str); 4] = [
        (
            &[Column::from(&ints[..])],
            "takes 2 param(s), 1 column(s) given",
        ),
        (
            &[Column::from(&ints[..]), Column::from(&ints[..])],
            "param `b` has type f64, but a column of i64 was given",
        ),
        (
            &[Column::from(&ints[..]), Column::from(&short[..])],
            "columns differ in length: 2 rows, but the column of `b` has 1",
        ),
        (
            &[Column::from(&floats[..]), Column::from(&floats[..])],
            "param `a` has type i64",
        ),
    ];
    for (columns, message) in cases {
        let err = program.run_columns(columns).unwrap_err();
        assert_eq!(err.error.code(), "E0605", "{message}");
        assert!(err.error.message.contains(message), "{err}");
    }
}

#[test]
fn lists_and_programs_without_params_or_result_are_clear_errors() {
    let xs = [1i64];
    for (src, message) in [
        ("param xs: [i64]; sum(xs)", "param `xs` has type [i64]"),
        ("param n: i64; [n, n]", "the result has type [i64]"),
        ("param n: i64; when n > 0 { print(n) }", "no result"),
        ("1 + 2", "no params"),
    ] {
        let err = compile(src)
            .run_columns(&[Column::from(&xs[..])])
            .unwrap_err();
        assert_eq!(err.error.code(), "E0605", "{src}");
        assert!(err.error.message.contains(message), "{src}: {err}");
    }
}

#[test]
fn a_string_program_over_many_rows_keeps_its_arena_bounded() {
    let program = compile("param s: string; param n: i64; s + \"-\" + s + string(n)");
    let rows = 100_000;
    let text = "a string of about thirty bytes";
    let words = vec![text; rows];
    let n: Vec<i64> = (0..rows as i64).collect();
    let mut ctx = RunCtx::new();
    let (out, err) = program.run_rows(
        &mut ctx,
        None,
        rows,
        &[Column::from(&words), Column::from(&n)],
    );
    assert!(err.is_none(), "{err:?}");
    let out: Vec<String> = out.try_into().unwrap();
    assert_eq!(out.len(), rows);
    assert_eq!(out[0], format!("{text}-{text}0"));
    assert_eq!(out[99_999], format!("{text}-{text}99999"));
    // All rows together make over 10 MB of strings; one chunk's fit in a few.
    assert!(ctx.arena_bytes() < 4 << 20, "{}", ctx.arena_bytes());
}

#[test]
fn a_program_without_params_runs_over_a_row_count() {
    let program = compile("6 * 7");
    let (out, err) = program.run_rows(&mut RunCtx::new(), None, 3, &[]);
    assert!(err.is_none());
    assert_eq!(out, ColumnBuf::I64(vec![42, 42, 42]));
}

#[test]
fn many_threads_run_columns_of_one_program_at_once() {
    let program = compile("param x: f64; x * x");
    std::thread::scope(|s| {
        for t in 0..4 {
            let program = program.clone();
            s.spawn(move || {
                let x: Vec<f64> = (0..10_000).map(|i| (i + t) as f64).collect();
                let out: Vec<f64> = program
                    .run_columns(&[Column::from(&x)])
                    .unwrap()
                    .try_into()
                    .unwrap();
                assert!(out.iter().zip(&x).all(|(y, x)| *y == x * x));
            });
        }
    });
}

#[test]
fn the_columns_loop_of_an_infallible_program_is_vectorised() {
    let checked = crate::check_source("param a: f64; param b: f64; a * 2.0 + b").unwrap();
    let options = crate::driver::Options {
        columns: true,
        ..crate::driver::Options::default()
    };
    let ir = crate::driver::emit_ir(&checked.program, &options).unwrap();
    let columns = function(&ir, "@kiln_columns(");
    assert!(
        columns
            .lines()
            .any(|l| l.contains("fmul <") && l.contains(" x double>")),
        "no vector multiply in\n{columns}"
    );
    // The only call left is the fault of the per-chunk interrupt poll.
    assert!(
        !columns
            .lines()
            .any(|l| l.contains("call ") && !l.contains("@kiln_rt_fail(")),
        "kiln_main is inlined:\n{columns}"
    );
    // A program that may fault checks the status after each row instead.
    let checked = crate::check_source("param a: i64; param b: i64; a / b").unwrap();
    let ir = crate::driver::emit_ir(&checked.program, &options).unwrap();
    let columns = function(&ir, "@kiln_columns(");
    assert!(columns.contains("%status"), "{columns}");
}

/// The text of the function whose definition line contains `name`.
fn function<'a>(ir: &'a str, name: &str) -> &'a str {
    let start = ir
        .lines()
        .find(|l| l.starts_with("define") && l.contains(name))
        .and_then(|line| ir.find(line))
        .unwrap_or_else(|| panic!("no {name} in\n{ir}"));
    let rest = &ir[start..];
    &rest[..rest.find("\n}\n").map_or(rest.len(), |e| e + 2)]
}

#[test]
fn both_jit_engines_link_the_columns_entry() {
    use crate::driver::{compile_with, Options};
    use crate::jit::JitEngine;
    let checked = crate::check_source("param a: f64; param b: i32; a * f64(b)").unwrap();
    let options = Options {
        columns: true,
        ..Options::default()
    };
    for engine in [JitEngine::Orc, JitEngine::Mcjit] {
        let compiled = compile_with(&checked.program, &options, engine).unwrap();
        let entry = compiled.columns().expect("a columns entry");
        let (a, b) = ([1.5f64, 2.0, -1.0], [2i32, 3, 4]);
        let bases = [a.as_ptr() as *const u8, b.as_ptr() as *const u8];
        let mut out = [0.0f64; 3];
        let mut ctx = RunCtx::new();
        // SAFETY: two columns of three f64 and i32 values, room for three results.
        let stopped = unsafe { entry(&mut ctx, bases.as_ptr(), out.as_mut_ptr() as *mut u8, 1, 3) };
        assert_eq!((stopped, out), (3, [0.0, 6.0, -4.0]), "{engine:?}");
        let plain = compile_with(&checked.program, &Options::default(), engine).unwrap();
        assert!(plain.columns().is_none(), "{engine:?}");
    }
}

#[test]
fn a_host_value_may_be_given_to_a_columnar_run() {
    let program = compile("param x: i64; x + 1");
    let x = [1i64, 2];
    let out = program.run_columns_with(&"row context", &[Column::from(&x[..])]);
    assert_eq!(out, Ok(ColumnBuf::I64(vec![2, 3])));
}

#[test]
fn column_conversions_round_trip() {
    let values = vec![1u16, 2, 3];
    let column = Column::from(&values);
    assert_eq!((column.len(), column.ty()), (3, Ty::Int(IntTy::U16)));
    assert_eq!(column.get(2), Some(Value::U16(3)));
    let mut buf = ColumnBuf::empty(&Ty::Int(IntTy::U16)).unwrap();
    assert!(buf.push(Value::U16(1)) && !buf.push(Value::I64(1)));
    assert_eq!(buf.as_column(), Some(Column::U16(&[1])));
    let back: Result<Vec<u16>, _> = ColumnBuf::from(values.clone()).try_into();
    assert_eq!(back, Ok(values));
    let wrong: Result<Vec<f64>, ColumnBuf> = ColumnBuf::Str(vec!["a".into()]).try_into();
    assert_eq!(wrong, Err(ColumnBuf::Str(vec!["a".into()])));
    assert!(ColumnBuf::empty(&Ty::List(Box::new(Ty::Str))).is_none());
}

#[test]
fn the_columns_entry_is_compiled_on_first_use_only() {
    let program = compile("param x: f64; x * 3.0");
    assert!(
        program.inner.compiled().columns().is_none(),
        "compile stays lean"
    );
    assert!(program.inner.columns.compiled.get().is_none());
    program.run(&[Value::F64(1.0)]).unwrap();
    assert!(
        program.inner.columns.compiled.get().is_none(),
        "run needs no columns"
    );
    let x = [1.0, 2.0];
    let clone = program.clone();
    assert_eq!(
        clone.run_columns(&[Column::from(&x[..])]),
        Ok(ColumnBuf::F64(vec![3.0, 6.0]))
    );
    let first = program
        .inner
        .columns
        .compiled
        .get()
        .unwrap()
        .as_ref()
        .unwrap() as *const _;
    program.run_columns(&[Column::from(&x[..])]).unwrap();
    let again = program
        .inner
        .columns
        .compiled
        .get()
        .unwrap()
        .as_ref()
        .unwrap() as *const _;
    assert_eq!(first, again, "compiled once, shared by clones");
}

// ---- optional columns (v1) ----------------------------------------------------------

/// Row `i` is `none` when `i % 3 == 1` (bits across several bytes).
fn every_third_none(rows: usize) -> Vec<u8> {
    validity_bitmap((0..rows).map(|i| i % 3 != 1))
}

#[test]
fn an_optional_column_of_each_scalar_type_reads_its_validity_bits() {
    macro_rules! each_numeric {
        ($($t:ident)*) => {$(
            let a: Vec<$t> = (0..21).map(|i| (i % 9) as $t).collect();
            let valid = every_third_none(a.len());
            let values = Column::from(&a);
            let col = Column::opt(&values, &valid);
            let t = stringify!($t);
            // In and out optional: lifted through `+`.
            let out = same_as_per_row(&format!("param a: {t}?; a + 1{t}"), &[col]);
            let got: Vec<Option<$t>> = out.try_into().unwrap();
            let want: Vec<Option<$t>> =
                a.iter().enumerate().map(|(i, v)| (i % 3 != 1).then(|| v + 1 as $t)).collect();
            assert_eq!(got, want, "{t}");
            // In optional, out plain.
            let out = same_as_per_row(&format!("param a: {t}?; a ?? 7{t}"), &[col]);
            let got: Vec<$t> = out.try_into().unwrap();
            let want: Vec<$t> =
                a.iter().enumerate().map(|(i, v)| if i % 3 != 1 { *v } else { 7 as $t }).collect();
            assert_eq!(got, want, "{t}");
        )*};
    }
    each_numeric!(i8 i16 i32 i64 u8 u16 u32 u64 f32 f64);

    let flags = [
        true, false, true, true, false, false, true, true, false, true,
    ];
    let valid = every_third_none(flags.len());
    let values = Column::from(&flags[..]);
    let out = same_as_per_row("param f: bool?; f == true", &[Column::opt(&values, &valid)]);
    assert_eq!(out.len(), flags.len());
    let out = same_as_per_row("param f: bool?; f & true", &[Column::opt(&values, &valid)]);
    let got: Vec<Option<bool>> = out.try_into().unwrap();
    let want: Vec<Option<bool>> = (0..flags.len())
        .map(|i| (i % 3 != 1).then_some(flags[i]))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn a_plain_result_of_none_rows_is_its_value_with_a_bit_of_zero() {
    // A none row's result value is zero, its bit 0: what Arrow consumers read.
    let x = [1.5, f64::NAN, 3.0];
    let valid = validity_bitmap([true, false, true]);
    let values = Column::from(&x[..]);
    let out = compile("param x: f64?; x * 2.0")
        .run_columns(&[Column::opt(&values, &valid)])
        .unwrap();
    assert_eq!(
        out,
        ColumnBuf::Opt {
            values: Box::new(ColumnBuf::F64(vec![3.0, 0.0, 6.0])),
            validity: vec![0b101],
        }
    );
    assert_eq!(out.get(1), Some(Value::None));
    assert_eq!(out.get(2), Some(Value::F64(6.0)));
    assert_eq!(out.get(3), None);
}

#[test]
fn string_optionals_in_and_out() {
    let names = ["ann", "", "bo", "cy"];
    let valid = validity_bitmap([true, true, false, true]);
    let values = Column::from(&names[..]);
    let col = Column::opt(&values, &valid);
    let out = same_as_per_row("param s: string?; s ?? \"-\"", &[col]);
    assert_eq!(
        out,
        ColumnBuf::Str(vec!["ann".into(), "".into(), "-".into(), "cy".into()])
    );
    let out = same_as_per_row("param s: string?; s + \"!\"", &[col]);
    let got: Vec<Option<String>> = out.try_into().unwrap();
    assert_eq!(
        got,
        [
            Some("ann!".into()),
            Some("!".into()),
            None,
            Some("cy!".into())
        ]
    );
}

#[test]
fn an_offset_bitmap_and_no_validity_bitmap() {
    // Arrow slices keep their bitmap and an offset: rows start at bit 3.
    let x: Vec<i64> = (0..20).collect();
    let bits = validity_bitmap((0..23).map(|i| i % 2 == 0));
    let values = Column::from(&x);
    let col = Column::Opt {
        values: &values,
        validity: Some(&bits),
        offset: 3,
    };
    let out = same_as_per_row("param x: i64?; x ?? -1", &[col]);
    let got: Vec<i64> = out.try_into().unwrap();
    let want: Vec<i64> = (0..20).map(|i| if i % 2 == 1 { i } else { -1 }).collect();
    assert_eq!(got, want);
    // No bitmap: every row holds a value.
    let col = Column::Opt {
        values: &values,
        validity: None,
        offset: 0,
    };
    let got: Vec<i64> = same_as_per_row("param x: i64?; x ?? -1", &[col])
        .try_into()
        .unwrap();
    assert_eq!(got, x);
}

#[test]
fn optional_columns_over_many_chunks_with_a_plain_column_beside() {
    let rows = CHUNK_ROWS * 2 + 77;
    let x: Vec<f64> = (0..rows).map(|i| i as f64 * 0.5).collect();
    let y: Vec<i32> = (0..rows).map(|i| (i % 11) as i32).collect();
    let valid = validity_bitmap((0..rows).map(|i| i % 10 != 0));
    let values = Column::from(&x);
    let cols = [Column::opt(&values, &valid), Column::from(&y)];
    let program = compile("param x: f64?; param y: i32; x * y");
    let out: Vec<Option<f64>> = program.run_columns(&cols).unwrap().try_into().unwrap();
    for (i, got) in out.iter().enumerate() {
        let want = (i % 10 != 0).then(|| x[i] * y[i] as f64);
        assert_eq!(*got, want, "row {i}");
    }
}

#[test]
fn a_fault_in_an_optional_run_keeps_the_rows_before_it() {
    let x = [4i64, 0, 2, 0];
    let valid = validity_bitmap([true, false, true, true]);
    let values = Column::from(&x[..]);
    let program = compile("param x: i64?; 8 / x");
    let mut ctx = RunCtx::new();
    let (out, err) = program.run_rows(&mut ctx, None, 4, &[Column::opt(&values, &valid)]);
    let err = err.unwrap();
    assert_eq!((err.row, err.error.code()), (3, "E0601"));
    let got: Vec<Option<i64>> = out.try_into().unwrap();
    assert_eq!(got, [Some(2), None, Some(4)]);
}

#[test]
fn optional_columns_that_do_not_fit_are_invalid_input() {
    let x = [1.0f64; 20];
    let values = Column::from(&x[..]);
    let program = compile("param x: f64?; x ?? 0.0");
    // A bitmap of 16 bits for 20 rows.
    let short = [0xffu8; 2];
    let err = program
        .run_columns(&[Column::opt(&values, &short)])
        .unwrap_err();
    assert!(err.error.message.contains("too short"), "{err}");
    // A plain column for an optional param, and the other way round.
    let err = program.run_columns(&[values]).unwrap_err();
    assert!(err.error.message.contains("f64?"), "{err}");
    let plain = compile("param x: f64; x");
    let bits = [0xffu8; 3];
    let err = plain
        .run_columns(&[Column::opt(&values, &bits)])
        .unwrap_err();
    assert_eq!(err.error.code(), "E0605");
}

#[test]
fn column_bufs_of_optionals_convert_and_push() {
    let buf = ColumnBuf::from(vec![Some(1u8), None, Some(3)]);
    assert_eq!(buf.ty(), Ty::opt(Ty::Int(IntTy::U8)));
    assert_eq!(
        (buf.get(0), buf.get(1), buf.get(3)),
        (Some(Value::U8(1)), Some(Value::None), None)
    );
    let mut pushed = ColumnBuf::empty(&Ty::opt(Ty::Int(IntTy::U8))).unwrap();
    for v in [Value::U8(1), Value::None, Value::U8(3)] {
        assert!(pushed.push(v));
    }
    assert!(!pushed.push(Value::I64(1)));
    assert_eq!(pushed, buf);
    let (values, validity) = buf.opt_parts().unwrap();
    let values = values.as_column().unwrap();
    let col = Column::opt(&values, validity);
    assert_eq!(col.get(1), Some(Value::None));
    assert_eq!(col.is_valid(2), Some(true));
}

#[test]
fn the_loop_over_an_optional_column_is_vectorised() {
    let options = crate::driver::Options {
        columns: true,
        ..crate::driver::Options::default()
    };
    for src in ["param x: f64?; x ?? 0.0", "param x: f64?; x * 2.0 + 1.0"] {
        let checked = crate::check_source(src).unwrap();
        let ir = crate::driver::emit_ir(&checked.program, &options).unwrap();
        let columns = function(&ir, "@kiln_columns(");
        // The validity bytes are read as vectors too, and the values chosen by them.
        assert!(
            columns
                .lines()
                .any(|l| l.contains("select <") && l.contains(" x double>")),
            "{src}: no vector select in\n{columns}"
        );
        assert!(
            !columns
                .lines()
                .any(|l| l.contains("call ") && !l.contains("@kiln_rt_fail(")),
            "{src}: kiln_main is inlined:\n{columns}"
        );
    }
}
