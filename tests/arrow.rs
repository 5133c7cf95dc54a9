//! The Arrow entry (issue 16): `run_arrow`, `run_arrow_columns`, the selected variants
//! and `filter_arrow`, compared with the same program run row by row through
//! `Program::run`, for every type, nulls in every position, sliced arrays, the null
//! rule, faults, selections and bad input.

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::*;
use arrow_schema::{DataType, Field, TimeUnit};
use kiln::engine::arrow::ArrowError;
use kiln::engine::CHUNK_ROWS;
use kiln::{Engine, Program, Value};
use std::sync::Arc;

fn compile(src: &str) -> Program {
    Engine::new()
        .compile(src)
        .unwrap_or_else(|e| panic!("{src}: {e}"))
}

/// Row `row` of `a` as a Kiln value (`Value::None` for a null), for the types results
/// and inputs of these tests have.
fn value_at(a: &dyn Array, row: usize) -> Value {
    if a.is_null(row) {
        return Value::None;
    }
    match a.data_type() {
        DataType::Boolean => Value::Bool(a.as_boolean().value(row)),
        DataType::Int8 => Value::I8(a.as_primitive::<Int8Type>().value(row)),
        DataType::Int16 => Value::I16(a.as_primitive::<Int16Type>().value(row)),
        DataType::Int32 => Value::I32(a.as_primitive::<Int32Type>().value(row)),
        DataType::Int64 => Value::I64(a.as_primitive::<Int64Type>().value(row)),
        DataType::UInt8 => Value::U8(a.as_primitive::<UInt8Type>().value(row)),
        DataType::UInt16 => Value::U16(a.as_primitive::<UInt16Type>().value(row)),
        DataType::UInt32 => Value::U32(a.as_primitive::<UInt32Type>().value(row)),
        DataType::UInt64 => Value::U64(a.as_primitive::<UInt64Type>().value(row)),
        DataType::Float32 => Value::F32(a.as_primitive::<Float32Type>().value(row)),
        DataType::Float64 => Value::F64(a.as_primitive::<Float64Type>().value(row)),
        DataType::Utf8 => Value::Str(a.as_string::<i32>().value(row).to_owned()),
        DataType::LargeUtf8 => Value::Str(a.as_string::<i64>().value(row).to_owned()),
        DataType::Utf8View => Value::Str(a.as_string_view().value(row).to_owned()),
        DataType::Timestamp(unit, _) => {
            let v = match unit {
                TimeUnit::Second => {
                    a.as_primitive::<TimestampSecondType>().value(row) * 1_000_000_000
                }
                TimeUnit::Millisecond => {
                    a.as_primitive::<TimestampMillisecondType>().value(row) * 1_000_000
                }
                TimeUnit::Microsecond => {
                    a.as_primitive::<TimestampMicrosecondType>().value(row) * 1_000
                }
                TimeUnit::Nanosecond => a.as_primitive::<TimestampNanosecondType>().value(row),
            };
            Value::Timestamp(v)
        }
        DataType::Duration(unit) => {
            let v = match unit {
                TimeUnit::Second => {
                    a.as_primitive::<DurationSecondType>().value(row) * 1_000_000_000
                }
                TimeUnit::Millisecond => {
                    a.as_primitive::<DurationMillisecondType>().value(row) * 1_000_000
                }
                TimeUnit::Microsecond => {
                    a.as_primitive::<DurationMicrosecondType>().value(row) * 1_000
                }
                TimeUnit::Nanosecond => a.as_primitive::<DurationNanosecondType>().value(row),
            };
            Value::Duration(v)
        }
        DataType::List(f) | DataType::LargeList(f) => {
            let items = match a.data_type() {
                DataType::List(_) => a.as_list::<i32>().value(row),
                _ => a.as_list::<i64>().value(row),
            };
            let elem = kiln::engine::arrow::kiln_type(f.data_type()).expect("a Kiln type");
            let elem = if f.is_nullable() && items.null_count() > 0 {
                kiln::types::ty::Ty::Opt(Box::new(elem))
            } else {
                elem
            };
            Value::List(
                elem,
                (0..items.len()).map(|i| value_at(&items, i)).collect(),
            )
        }
        dt => panic!("no test reader for {dt}"),
    }
}

/// What running `program` row by row through `Program::run` gives, with the null rule:
/// a null in a column of a non-optional param is a null result, the row not run.
fn row_by_row(program: &Program, arrays: &[ArrayRef]) -> Vec<Result<Value, String>> {
    let rows = arrays.first().map_or(0, |a| a.len());
    (0..rows)
        .map(|row| {
            let mut inputs = Vec::new();
            for (p, a) in program.params().iter().zip(arrays) {
                let v = match (value_at(a.as_ref(), row), p.ty.strip_opt()) {
                    // The elements' type as the param says (Arrow's fields are nullable).
                    (Value::List(_, xs), kiln::types::ty::Ty::List(e)) => {
                        Value::List((**e).clone(), xs)
                    }
                    (v, _) => v,
                };
                if v == Value::None && !p.ty.is_opt() {
                    return Ok(Value::None);
                }
                inputs.push(v);
            }
            match program.run(&inputs) {
                Ok(v) => Ok(v.unwrap_or(Value::None)),
                Err(e) => Err(format!("{}: {}", e.code(), e.message)),
            }
        })
        .collect()
}

/// `run_arrow_columns` agrees with the row-by-row run (including where it faults first).
fn agrees(src: &str, arrays: &[ArrayRef]) -> ArrayRef {
    let program = compile(src);
    let expected = row_by_row(&program, arrays);
    let got = program.run_arrow_columns(arrays);
    match expected.iter().position(Result::is_err) {
        Some(row) => {
            let err = got.expect_err(src);
            let (at, error) = err.fault().unwrap_or_else(|| panic!("{src}: {err}"));
            assert_eq!(at, row, "{src}");
            let want = expected[row].clone().unwrap_err();
            assert_eq!(
                format!("{}: {}", error.code(), error.message),
                want,
                "{src}"
            );
            Arc::new(NullArray::new(0))
        }
        None => {
            let got = got.unwrap_or_else(|e| panic!("{src}: {e}"));
            assert_eq!(got.len(), expected.len(), "{src}");
            for (row, want) in expected.iter().enumerate() {
                let want = want.as_ref().unwrap();
                assert_eq!(&value_at(got.as_ref(), row), want, "{src}: row {row}");
            }
            let field = program.arrow_output_field("r").expect("a result");
            assert_eq!(field.data_type(), got.data_type(), "{src}");
            assert!(field.is_nullable() || got.null_count() == 0, "{src}");
            got
        }
    }
}

fn arr(a: impl Array + 'static) -> ArrayRef {
    Arc::new(a)
}

/// Null where `null(i)`.
fn f64s(n: usize, null: impl Fn(usize) -> bool) -> ArrayRef {
    arr(Float64Array::from_iter(
        (0..n).map(|i| (!null(i)).then_some(i as f64 * 0.5 - 3.0)),
    ))
}

fn i64s(n: usize, null: impl Fn(usize) -> bool) -> ArrayRef {
    arr(Int64Array::from_iter(
        (0..n).map(|i| (!null(i)).then_some(i as i64 % 7 - 3)),
    ))
}

#[test]
fn every_integer_width_and_float() {
    let n = 50;
    let null = |i: usize| i % 5 == 1;
    macro_rules! case {
        ($ty:literal, $arr:ty, $conv:expr) => {{
            let a = arr(<$arr>::from_iter(
                (0..n).map(|i| (!null(i)).then(|| $conv(i))),
            ));
            let b = arr(<$arr>::from_iter((0..n).map(|i| Some($conv(i + 3)))));
            agrees(
                concat!("param a: ", $ty, "; param b: ", $ty, "; a + b"),
                &[a.clone(), b.clone()],
            );
            agrees(
                concat!("param a: ", $ty, "?; param b: ", $ty, "; a ?? b"),
                &[a.clone(), b.clone()],
            );
            agrees(
                concat!("param a: ", $ty, "?; param b: ", $ty, "; a + b"),
                &[a, b],
            );
        }};
    }
    case!("i8", Int8Array, |i: usize| i as i8);
    case!("i16", Int16Array, |i: usize| i as i16 * 300);
    case!("i32", Int32Array, |i: usize| i as i32 * 70_000);
    case!("i64", Int64Array, |i: usize| (i as i64) << 40);
    case!("u8", UInt8Array, |i: usize| i as u8);
    case!("u16", UInt16Array, |i: usize| i as u16 * 1000);
    case!("u32", UInt32Array, |i: usize| i as u32 * 80_000_000);
    case!("u64", UInt64Array, |i: usize| (i as u64) << 50);
    case!("f32", Float32Array, |i: usize| i as f32 * 0.25);
    case!("f64", Float64Array, |i: usize| i as f64 * 0.125);
}

#[test]
fn booleans_strings_of_every_layout_and_string_results() {
    let bools = arr(BooleanArray::from(vec![
        Some(true),
        None,
        Some(false),
        Some(true),
    ]));
    agrees("param b: bool; not b", std::slice::from_ref(&bools));
    agrees("param b: bool?; b ?? false", std::slice::from_ref(&bools));
    let words = [Some("apple"), None, Some(""), Some("ünïcödé")];
    for strings in [
        arr(StringArray::from(words.to_vec())),
        arr(LargeStringArray::from(words.to_vec())),
        arr(StringViewArray::from(words.to_vec())),
    ] {
        let out = agrees("param s: string; len(s)", std::slice::from_ref(&strings));
        assert_eq!(out.null_count(), 1);
        agrees(
            "param s: string; upper(s) + \"!\"",
            std::slice::from_ref(&strings),
        );
        agrees(
            "param s: string?; s ?? \"none\"",
            std::slice::from_ref(&strings),
        );
        agrees(
            "param s: string?; param b: bool; if(b, s, none)",
            &[strings, bools.clone()],
        );
    }
}

#[test]
fn timestamps_of_every_unit_and_durations() {
    let secs = [Some(0i64), Some(1_700_000_000), None, Some(-86_400)];
    let unit_arrays: Vec<ArrayRef> = vec![
        arr(TimestampSecondArray::from(secs.to_vec())),
        arr(TimestampMillisecondArray::from(
            secs.iter().map(|s| s.map(|s| s * 1000)).collect::<Vec<_>>(),
        )),
        arr(TimestampMicrosecondArray::from(
            secs.iter()
                .map(|s| s.map(|s| s * 1_000_000))
                .collect::<Vec<_>>(),
        )
        .with_timezone("Europe/Paris")),
        arr(TimestampNanosecondArray::from(
            secs.iter()
                .map(|s| s.map(|s| s * 1_000_000_000))
                .collect::<Vec<_>>(),
        )),
    ];
    let durations: Vec<ArrayRef> = vec![
        arr(DurationSecondArray::from(vec![
            Some(1i64),
            Some(60),
            Some(3),
            None,
        ])),
        arr(DurationMillisecondArray::from(vec![
            Some(1i64),
            Some(60),
            Some(3),
            None,
        ])),
        arr(DurationMicrosecondArray::from(vec![
            Some(1i64),
            Some(60),
            Some(3),
            None,
        ])),
        arr(DurationNanosecondArray::from(vec![
            Some(1i64),
            Some(60),
            Some(3),
            None,
        ])),
    ];
    for t in &unit_arrays {
        let out = agrees("param t: timestamp; t", std::slice::from_ref(t));
        assert_eq!(
            value_at(out.as_ref(), 1),
            Value::Timestamp(1_700_000_000_000_000_000)
        );
        agrees("param t: timestamp; year(t)", std::slice::from_ref(t));
        for d in &durations {
            agrees(
                "param t: timestamp; param d: duration; t + d * 2",
                &[t.clone(), d.clone()],
            );
            agrees("param t: timestamp?; param d: duration?; t ?? (timestamp(\"2020-01-01T00:00:00Z\") + (d ?? duration(\"1s\")))", &[t.clone(), d.clone()]);
        }
    }
    // Seconds whose nanoseconds do not fit an i64.
    let far = arr(TimestampSecondArray::from(vec![0, i64::MAX / 10]));
    let err = compile("param t: timestamp; t")
        .run_arrow_columns(&[far])
        .unwrap_err();
    assert!(
        matches!(err, ArrowError::OutOfRange { row: 1, .. }),
        "{err}"
    );
}

#[test]
fn nulls_in_every_position_and_across_chunks() {
    let n = CHUNK_ROWS * 2 + 37;
    type Nulls = Box<dyn Fn(usize) -> bool>;
    let patterns: Vec<(&str, Nulls)> = vec![
        ("none", Box::new(|_| false)),
        ("all", Box::new(|_| true)),
        ("first", Box::new(|i| i == 0)),
        ("last", Box::new(move |i| i == n - 1)),
        (
            "chunk edge",
            Box::new(|i| (CHUNK_ROWS - 2..CHUNK_ROWS + 2).contains(&i)),
        ),
        ("sparse", Box::new(|i| i % 13 == 5)),
        ("dense", Box::new(|i| i % 3 != 0)),
    ];
    for (what, null) in &patterns {
        let a = f64s(n, null);
        let b = i64s(n, |i| i % 17 == 16);
        // Pure and infallible: every row runs, null rows masked.
        let out = agrees(
            "param a: f64; param b: i64; a * 2.0 + f64(b)",
            &[a.clone(), b.clone()],
        );
        let want_nulls = (0..n).filter(|&i| null(i) || i % 17 == 16).count();
        assert_eq!(out.null_count(), want_nulls, "{what}");
        // Fallible: null rows skipped.
        agrees(
            "param a: f64; param b: i64; f64(b / (b + 100)) + a",
            &[a.clone(), b.clone()],
        );
        // Optional params: nulls are none.
        let out = agrees(
            "param a: f64?; param b: i64?; (a ?? -1.0) + f64(b ?? 0)",
            &[a.clone(), b.clone()],
        );
        assert_eq!(out.null_count(), 0, "{what}");
        agrees("param a: f64?; a", std::slice::from_ref(&a));
        // Optional result from non-optional params.
        agrees("param a: f64; if(a > 0.0, a, none)", &[a]);
    }
}

#[test]
fn sliced_arrays() {
    let n = 300;
    let a = f64s(n, |i| i % 11 == 3);
    let b = i64s(n, |i| i % 7 == 2);
    let s = arr(StringArray::from_iter(
        (0..n).map(|i| (i % 5 != 0).then(|| format!("w{i}"))),
    ));
    let t = arr(TimestampMillisecondArray::from_iter(
        (0..n).map(|i| (i % 9 != 0).then_some(i as i64 * 1000)),
    ));
    for (off, len) in [
        (0, n),
        (1, 200),
        (3, 64),
        (13, 0),
        (299, 1),
        (8, 100),
        (5, 290),
    ] {
        let cols = [
            a.slice(off, len),
            b.slice(off, len),
            s.slice(off, len),
            t.slice(off, len),
        ];
        agrees("param a: f64; param b: i64; param s: string; param t: timestamp; f64(len(s) + b + year(t)) + a", &cols);
        agrees("param a: f64?; param b: i64?; param s: string?; param t: timestamp?; (a ?? 0.0) + f64((b ?? 1) + len(s ?? \"xx\") + (if(is_none(t), 5, 0)))", &cols);
        agrees("param a: f64?; param b: i64; a ?? f64(b)", &cols[..2]);
    }
}

#[test]
fn the_null_rule_does_not_run_null_rows() {
    // Row 1's divisor is a null whose slot holds 0: run, it would fault.
    let values = arrow_buffer::ScalarBuffer::from(vec![5i64, 0, 2, 0]);
    let nulls = arrow_buffer::NullBuffer::from(vec![true, false, true, false]);
    let b = arr(Int64Array::new(values, Some(nulls)));
    let a = arr(Int64Array::from(vec![10, 20, 30, 40]));
    let p = compile("param a: i64; param b: i64; a / b");
    let out = p.run_arrow_columns(&[a.clone(), b.clone()]).unwrap();
    assert_eq!(
        out.as_primitive::<Int64Type>(),
        &Int64Array::from(vec![Some(2), None, Some(15), None])
    );
    // A printing program does not print for them either.
    let p = compile("param a: i64; param b: i64; a + b");
    let out = p.run_arrow_columns(&[a.clone(), b.clone()]).unwrap();
    assert_eq!(
        out.as_primitive::<Int64Type>(),
        &Int64Array::from(vec![Some(15), None, Some(32), None])
    );
    // Strings: the null row's garbage is never measured.
    let s = arr(StringArray::from(vec![Some("abc"), None, Some("de"), None]));
    let p = compile("param s: string; param b: i64; len(s) / b");
    let out = p.run_arrow_columns(&[s, b.clone()]).unwrap();
    assert_eq!(
        out.as_primitive::<Int64Type>(),
        &Int64Array::from(vec![Some(0), None, Some(1), None])
    );
    // Bound to an optional param, the same null is none and the row runs.
    let p = compile("param a: i64; param b: i64?; a / (b ?? 1)");
    let out = p.run_arrow_columns(&[a, b]).unwrap();
    assert_eq!(
        out.as_primitive::<Int64Type>(),
        &Int64Array::from(vec![2, 20, 15, 40])
    );
    assert_eq!(out.null_count(), 0);
}

#[test]
fn faults_name_their_row_and_are_not_bad_input() {
    let n = CHUNK_ROWS + 100;
    let b = arr(Int64Array::from_iter((0..n).map(|i| {
        if i % 10 == 3 {
            None
        } else {
            Some(if i == CHUNK_ROWS + 8 {
                0
            } else {
                1 + i as i64 % 5
            })
        }
    })));
    let a = i64s(n, |_| false);
    agrees("param a: i64; param b: i64; a / b", &[a.clone(), b.clone()]);
    let err = compile("param a: i64; param b: i64; a / b")
        .run_arrow_columns(&[a, b])
        .unwrap_err();
    let (row, error) = err.fault().expect("a fault");
    assert_eq!((row, error.code()), (CHUNK_ROWS + 8, "E0601"));
    assert!(err.is_fault());
    assert!(
        err.to_string()
            .starts_with(&format!("row {}: ", CHUNK_ROWS + 8)),
        "{err}"
    );
    assert!(error.span.hi > error.span.lo);
}

#[test]
fn run_arrow_binds_by_name_and_reports_bad_input() {
    let batch = RecordBatch::try_from_iter([
        ("price", f64s(4, |i| i == 2)),
        (
            "unused",
            arr(Decimal128Array::from(vec![1i128, 2, 3, 4])
                .with_precision_and_scale(10, 2)
                .unwrap()),
        ),
        ("qty", i64s(4, |_| false)),
    ])
    .unwrap();
    let p = compile("param qty: i64; param price: f64; price * f64(qty)");
    let out = p.run_arrow(&batch).unwrap();
    let want = row_by_row(&p, &[batch.column(2).clone(), batch.column(0).clone()]);
    for (row, w) in want.iter().enumerate() {
        assert_eq!(&value_at(out.as_ref(), row), w.as_ref().unwrap());
    }
    // Missing, with a suggestion.
    let err = compile("param prices: f64; prices")
        .run_arrow(&batch)
        .unwrap_err();
    assert_eq!(
        err,
        ArrowError::MissingColumn {
            param: "prices".into(),
            suggestion: Some("price".into())
        }
    );
    assert!(err.to_string().contains("did you mean `price`?"), "{err}");
    let err = compile("param zzz: f64; zzz")
        .run_arrow(&batch)
        .unwrap_err();
    assert!(
        matches!(
            err,
            ArrowError::MissingColumn {
                suggestion: None,
                ..
            }
        ),
        "{err}"
    );
    // Unsupported type.
    let err = compile("param unused: f64; unused")
        .run_arrow(&batch)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "column `unused` is Decimal128(10, 2): Kiln has no values of that type"
    );
    // Wrong type.
    let err = compile("param qty: i32; qty")
        .run_arrow(&batch)
        .unwrap_err();
    assert!(
        matches!(err, ArrowError::WrongType { ref column, .. } if column == "qty"),
        "{err}"
    );
    assert!(!err.is_fault());
    // Length mismatch and count.
    let p = compile("param a: f64; param b: f64; a + b");
    let err = p
        .run_arrow_columns(&[f64s(3, |_| false), f64s(4, |_| false)])
        .unwrap_err();
    assert!(
        matches!(
            err,
            ArrowError::LengthMismatch {
                expected: 3,
                found: 4,
                ..
            }
        ),
        "{err}"
    );
    let err = p.run_arrow_columns(&[f64s(3, |_| false)]).unwrap_err();
    assert_eq!(
        err,
        ArrowError::ColumnCount {
            expected: 2,
            found: 1
        }
    );
    // No result.
    let err =
        compile("param a: f64; when a > 0.0 { print(a) }").run_arrow_columns(&[f64s(3, |_| false)]);
    assert!(matches!(err, Err(ArrowError::Program(_))), "{err:?}");
}

#[test]
fn selections_and_filters() {
    let n = CHUNK_ROWS + 500;
    let a = i64s(n, |i| i % 9 == 4);
    let b =
        arr(Int64Array::from_iter((0..n).map(|i| {
            Some(if i == 20 { 0 } else { 1 + (i % 4) as i64 })
        })));
    let batch = RecordBatch::try_from_iter([("a", a.clone()), ("b", b.clone())]).unwrap();
    let p = compile("param a: i64; param b: i64; a * 10 / b");
    let selection =
        UInt32Array::from_iter_values((0..n as u32).rev().filter(|i| i % 3 != 2 && *i != 20));
    let out = p.run_arrow_selected(&batch, &selection).unwrap();
    assert_eq!(out.len(), selection.len());
    let full = p
        .run_arrow_columns(&[a.slice(21, n - 21), b.slice(21, n - 21)])
        .unwrap();
    for (i, &row) in selection.values().iter().enumerate() {
        if row > 20 {
            assert_eq!(
                value_at(out.as_ref(), i),
                value_at(full.as_ref(), row as usize - 21),
                "{i}"
            );
        }
    }
    // A fault names the batch's row.
    let sel = UInt32Array::from(vec![5, 3, 20, 1]);
    let err = p.run_arrow_selected(&batch, &sel).unwrap_err();
    assert_eq!(err.fault().map(|(r, e)| (r, e.code())), Some((20, "E0601")));
    // Out of range.
    let err = p
        .run_arrow_selected(&batch, &UInt32Array::from(vec![1, n as u32]))
        .unwrap_err();
    assert!(
        matches!(err, ArrowError::BadSelection { index: 1, .. }),
        "{err}"
    );

    // Filter: false and null rows are out.
    let f = compile("param a: i64; a > 0");
    let rows = f.filter_arrow(&batch).unwrap();
    let want: Vec<u32> = (0..n)
        .filter(|&i| matches!(value_at(a.as_ref(), i), Value::I64(x) if x > 0))
        .map(|i| i as u32)
        .collect();
    assert_eq!(rows.values().to_vec(), want);
    let f = compile("param a: i64?; if(is_none(a), none, a > 0)");
    assert_eq!(f.filter_arrow(&batch).unwrap().values().to_vec(), want);
    let sel = UInt32Array::from(vec![4, 5, 6, 1, 0]);
    let rows = compile("param a: i64; a > 0")
        .filter_arrow_selected(&batch, &sel)
        .unwrap();
    let want: Vec<u32> = sel
        .values()
        .iter()
        .copied()
        .filter(|r| want.contains(r))
        .collect();
    assert_eq!(rows.values().to_vec(), want);
    let err = compile("param a: i64; a").filter_arrow(&batch).unwrap_err();
    assert!(err.to_string().contains("bool"), "{err}");
}

#[test]
fn lists_run_row_by_row() {
    let lists = arr(ListArray::from_iter_primitive::<Int64Type, _, _>(vec![
        Some(vec![Some(1), Some(2), Some(3)]),
        None,
        Some(vec![]),
        Some(vec![Some(4)]),
    ]));
    let out = agrees("param xs: [i64]; sum(xs)", std::slice::from_ref(&lists));
    assert_eq!(out.null_count(), 1);
    agrees(
        "param xs: [i64]?; len(xs ?? [])",
        std::slice::from_ref(&lists),
    );
    agrees(
        "param xs: [i64]; map(xs, x -> x * 2)",
        std::slice::from_ref(&lists),
    );
    agrees(
        "param xs: [i64]; param d: i64; xs[0] / d",
        &[lists.clone(), i64s(4, |_| false)],
    );
    let large = arr(LargeListArray::from_iter_primitive::<Float64Type, _, _>(
        vec![Some(vec![Some(1.5), None]), Some(vec![Some(2.0)])],
    ));
    agrees("param xs: [f64?]; len(xs)", &[large]);
    // A list result from scalars.
    let out = agrees("param a: i64; [a, a + 1]", &[i64s(5, |i| i == 3)]);
    assert!(matches!(out.data_type(), DataType::List(_)));
    let field = compile("param a: i64; [a, a + 1]")
        .arrow_output_field("r")
        .unwrap();
    assert_eq!(
        field.data_type(),
        &DataType::List(Arc::new(Field::new("item", DataType::Int64, false)))
    );
}

#[test]
fn strings_are_read_through_their_offsets() {
    let n = CHUNK_ROWS + 300;
    let s =
        arr(StringArray::from_iter((0..n).map(|i| {
            (i % 7 != 3).then(|| "é".repeat(i % 5) + &i.to_string())
        })));
    let large = arr(LargeStringArray::from_iter(
        (0..n).map(|i| value_at(s.as_ref(), i)).map(|v| match v {
            Value::Str(s) => Some(s),
            _ => None,
        }),
    ));
    let cases = [(0, n), (5, n - 10), (CHUNK_ROWS - 1, 10), (n, 0)];
    for (sl, len) in cases
        .iter()
        .flat_map(|&(off, len)| [(s.slice(off, len), len), (large.slice(off, len), len)])
    {
        agrees("param s: string; len(s) * 2", std::slice::from_ref(&sl));
        agrees(
            "param s: string; s + \"/\" + upper(s)",
            std::slice::from_ref(&sl),
        );
        agrees(
            "param s: string; param t: string?; param d: i64; s + (t ?? \"-\") + format(\"{}\", 100 / d)",
            &[sl.clone(), sl.clone(), i64s(len, |i| i % 11 == 0)],
        );
    }
    // The public column of Arrow-laid-out strings is checked when made.
    use kiln::engine::{Column, ColumnBuf, Utf8Column};
    assert!(Utf8Column::new(&[0, 2, 1], b"abc").is_none());
    assert!(Utf8Column::new(&[0, 4], b"abc").is_none());
    assert!(Utf8Column::new(&[-1, 1], b"abc").is_none());
    assert!(Utf8Column::new(&[0, 1], &[0xff]).is_none());
    assert!(Utf8Column::new(&[0, 1], "é".as_bytes()).is_none());
    let u = Utf8Column::new(&[0, 1, 3], b"abc").unwrap();
    let out = compile("param s: string; s + \"!\"")
        .run_columns(&[Column::Utf8(u)])
        .unwrap();
    assert_eq!(out, ColumnBuf::Str(vec!["a!".into(), "bc!".into()]));
}

#[test]
fn sliced_booleans_constant_programs_and_optional_results_validity() {
    let bools = arr(BooleanArray::from_iter(
        (0..100).map(|i| (i % 6 != 2).then_some(i % 3 == 0)),
    ));
    for (off, len) in [(0, 100), (3, 90), (9, 17), (61, 39)] {
        let sl = bools.slice(off, len);
        agrees("param b: bool; not b", std::slice::from_ref(&sl));
        agrees(
            "param b: bool?; if(b ?? true, 1, 2)",
            std::slice::from_ref(&sl),
        );
    }
    // A program without params runs once per row of the batch.
    let batch = RecordBatch::try_from_iter([("x", i64s(5, |_| false))]).unwrap();
    let out = compile("6 * 7").run_arrow(&batch).unwrap();
    assert_eq!(
        out.as_primitive::<Int64Type>(),
        &Int64Array::from(vec![42; 5])
    );
    // An optional result's validity: none where the program says, null where the input is.
    let x = arr(Int32Array::from(vec![
        Some(1),
        Some(-2),
        None,
        Some(4),
        Some(-5),
    ]));
    let out = compile("param x: i32; if(x > 0, x, none)")
        .run_arrow_columns(&[x])
        .unwrap();
    assert_eq!(
        out.as_primitive::<Int32Type>(),
        &Int32Array::from(vec![Some(1), None, None, Some(4), None])
    );
    let field = compile("param x: i32?; x ?? 0")
        .arrow_output_field("y")
        .unwrap();
    assert_eq!((field.name().as_str(), field.is_nullable()), ("y", false));
    assert_eq!(
        compile("param x: i32; when x > 0 { print(x) }").arrow_output_field("y"),
        None
    );
}

/// Dictionary-encoded columns (categorical strings, as Parquet and pyarrow write them)
/// bind to what their values bind to, nulls included, and give what the plain column
/// gives.
#[test]
fn dictionary_columns_bind_as_their_values() {
    let words = [
        Some("red"),
        Some("green"),
        None,
        Some("red"),
        Some("blue"),
        None,
    ];
    let plain = arr(StringArray::from(words.to_vec()));
    let dict = arr(words
        .iter()
        .copied()
        .collect::<DictionaryArray<Int32Type>>());
    assert!(matches!(dict.data_type(), DataType::Dictionary(..)));
    for src in [
        "param s: string?; len(s ?? \"-\")",
        "param s: string; upper(s) + \"!\"",
        "param s: string?; s == \"red\"",
    ] {
        let p = compile(src);
        let want = p.run_arrow_columns(std::slice::from_ref(&plain)).unwrap();
        let got = p.run_arrow_columns(std::slice::from_ref(&dict)).unwrap();
        assert_eq!(&got, &want, "{src}");
    }
    // The plain column's result for a non-optional param: the null rule on its rows.
    let got = compile("param s: string; len(s)")
        .run_arrow_columns(std::slice::from_ref(&dict))
        .unwrap();
    assert_eq!(got.null_count(), 2);
    // Integer dictionaries bind to integers; a dictionary of another type is the wrong
    // type, named as such.
    let err = compile("param s: i64; s")
        .run_arrow(&RecordBatch::try_from_iter([("s", dict)]).unwrap())
        .unwrap_err();
    assert!(err.to_string().contains("`s`"), "{err}");
    assert!(!err.is_fault(), "{err}");
}
