use super::*;

/// Format one value held in a cell by `fmt` through a plan, as generated code would.
fn fmt1(fmt: &str, code: TypeCode, cell: [u64; 2]) -> String {
    let plan = Plan::new(fmt, &[code]).unwrap_or_else(|e| panic!("{fmt}: {e:?}"));
    let bytes = plan.encode();
    unsafe { format_with_plan(&bytes, cell.as_ptr() as *const u8, 1) }.unwrap()
}

fn f64s(fmt: &str, x: f64) -> String {
    fmt1(fmt, TypeCode::of_kind(Kind::F64), [x.to_bits(), 0])
}

fn i64s(fmt: &str, x: i64) -> String {
    fmt1(fmt, TypeCode::of_kind(Kind::I64), [x as u64, 0])
}

fn strs(fmt: &str, s: &str) -> String {
    fmt1(
        fmt,
        TypeCode::of_kind(Kind::Str),
        [s.as_ptr() as u64, s.len() as u64],
    )
}

#[test]
fn integers_agree_with_rust() {
    for &x in &[0i64, 1, -1, 42, -42, 255, i64::MIN, i64::MAX, 1 << 40] {
        assert_eq!(i64s("{}", x), format!("{x}"));
        assert_eq!(i64s("{:+}", x), format!("{x:+}"));
        assert_eq!(i64s("{:8}", x), format!("{x:8}"));
        assert_eq!(i64s("{:<8}", x), format!("{x:<8}"));
        assert_eq!(i64s("{:*^9}", x), format!("{x:*^9}"));
        assert_eq!(i64s("{:08}", x), format!("{x:08}"));
        assert_eq!(i64s("{:+08}", x), format!("{x:+08}"));
        assert_eq!(i64s("{:x}", x), format!("{x:x}"));
        assert_eq!(i64s("{:X}", x), format!("{x:X}"));
        assert_eq!(i64s("{:#x}", x), format!("{x:#x}"));
        assert_eq!(i64s("{:#010b}", x), format!("{x:#010b}"));
        assert_eq!(i64s("{:o}", x), format!("{x:o}"));
        assert_eq!(i64s("{:>+#20o}", x), format!("{x:>+#20o}"));
    }
    let u = |fmt: &str, x: u64| fmt1(fmt, TypeCode::of_kind(Kind::U64), [x, 0]);
    assert_eq!(u("{:b}", u64::MAX), format!("{:b}", u64::MAX));
    assert_eq!(u("{}", u64::MAX), "18446744073709551615");
    // Narrow types show their own width in radix forms, as Rust does.
    let i8c = TypeCode::of_kind(Kind::I8);
    assert_eq!(
        fmt1("{:x}", i8c, [(-1i8) as u8 as u64, 0]),
        format!("{:x}", -1i8)
    );
    assert_eq!(fmt1("{}", i8c, [(-128i8) as u8 as u64, 0]), "-128");
}

#[test]
fn floats_agree_with_rust_where_the_contract_does() {
    for &x in &[
        0.0f64, -0.0, 1.5, -1.5, 2.675, 1e300, -1e-7, 123456.789, 0.1,
    ] {
        assert_eq!(f64s("{}", x), format!("{x:?}"));
        assert_eq!(f64s("{:.2}", x), format!("{x:.2}"));
        assert_eq!(f64s("{:+.3}", x), format!("{x:+.3}"));
        assert_eq!(f64s("{:08.3}", x), format!("{x:08.3}"));
        assert_eq!(f64s("{:>12.1}", x), format!("{x:>12.1}"));
        assert_eq!(f64s("{:e}", x), format!("{x:e}"));
        assert_eq!(f64s("{:.2E}", x), format!("{x:.2E}"));
        assert_eq!(f64s("{:+12}", x), format!("{x:+12?}"));
    }
    assert_eq!(f64s("{:08.3}", -1.5), "-001.500");
    // f32 values show as f32.
    let f32c = TypeCode::of_kind(Kind::F32);
    assert_eq!(fmt1("{}", f32c, [0.1f32.to_bits() as u64, 0]), "0.1");
    assert_eq!(fmt1("{:.3}", f32c, [0.1f32.to_bits() as u64, 0]), "0.100");
}

#[test]
fn nan_and_infinities_are_never_zero_padded() {
    assert_eq!(f64s("{:08}", f64::NAN), "     NaN");
    assert_eq!(f64s("{:+08.2}", f64::INFINITY), "    +inf");
    assert_eq!(f64s("{:<8}", f64::NEG_INFINITY), "-inf    ");
    assert_eq!(f64s("{:+}", f64::NAN), "NaN");
}

#[test]
fn strings_count_characters() {
    assert_eq!(strs("{:6}|", "héllo"), "héllo |");
    assert_eq!(strs("{:>6}", "héllo"), " héllo");
    assert_eq!(strs("{:.2}", "héllo"), "hé");
    assert_eq!(strs("{:ñ^9.3}", "héllo"), "ñññhélñññ");
    assert_eq!(strs("{:2}", "héllo"), "héllo");
    assert_eq!(strs("a{{{}}}b", "x"), "a{x}b");
}

#[test]
fn optionals_lists_and_bools() {
    let opt = TypeCode::of_kind(Kind::F64).opt().unwrap();
    assert_eq!(fmt1("{:.1}", opt, [2.25f64.to_bits(), 1]), "2.2");
    assert_eq!(fmt1("{:>6.1}", opt, [0, 0]), "  none");
    assert_eq!(fmt1("{:06.1}", opt, [0, 0]), "  none");
    let ones = [1i64, -2];
    let list = TypeCode::of_kind(Kind::I64).list().unwrap();
    assert_eq!(fmt1("{}", list, [ones.as_ptr() as u64, 2]), "[1, -2]");
    assert_eq!(fmt1("{:>9}", list, [ones.as_ptr() as u64, 2]), "  [1, -2]");
    let b = TypeCode::of_kind(Kind::Bool);
    assert_eq!(fmt1("{:^7}", b, [1, 0]), " true  ");
}

#[test]
fn the_parser_reports_the_exact_characters() {
    let err = |fmt: &str| parse(fmt).unwrap_err();
    let e = err("ab {");
    assert_eq!((e.kind, e.range), (ErrorKind::Unclosed, 3..4));
    let e = err("a } b");
    assert_eq!((e.kind, e.range), (ErrorKind::LoneClose, 2..3));
    let e = err("{:>8q}");
    assert_eq!((e.kind, e.range), (ErrorKind::Spec, 4..5));
    let e = err("{:.}");
    assert_eq!((e.kind, e.range), (ErrorKind::Spec, 2..3));
    let e = err("{:99999999}");
    assert_eq!((e.kind, e.range), (ErrorKind::Spec, 2..10));
    let e = err("x {0}");
    assert_eq!((e.kind, e.range), (ErrorKind::Positional, 3..4));
    let e = err("{name:>3}");
    assert_eq!((e.kind, e.range), (ErrorKind::Positional, 1..5));
    let e = err("{:?}");
    assert_eq!(e.kind, ErrorKind::Spec);
    assert!(parse("").unwrap().is_empty());
    assert_eq!(parse("{{}}").unwrap(), vec![Piece::Lit("{}".into())]);
    let Piece::Arg {
        spec,
        range,
        spec_range,
    } = &parse("é{:é<+#010.3x}").unwrap()[1]
    else {
        panic!()
    };
    assert_eq!((range.clone(), spec_range.clone()), (2..16, 4..15));
    assert_eq!(
        *spec,
        Spec {
            fill: 'é',
            align: Some(Align::Left),
            plus: true,
            alt: true,
            zero: true,
            width: 10,
            precision: Some(3),
            conv: Conv::LowerHex
        }
    );
}

#[test]
fn specs_must_fit_their_argument() {
    let fit = |spec: &str, cat| check_fit(&parse_spec(spec, 0).unwrap(), cat);
    assert!(fit("x", Category::Float).is_err());
    assert!(fit("e", Category::Int).is_err());
    assert!(fit(".2", Category::Int).is_err());
    assert!(fit("+", Category::Str).is_err());
    assert!(fit("05", Category::Bool).is_err());
    assert!(fit("#", Category::Int).is_err());
    assert!(fit(".2", Category::Other).is_err());
    assert!(fit(">10", Category::Other).is_ok());
    assert!(fit("+08.2e", Category::Float).is_ok());
    assert!(fit(".3", Category::Str).is_ok());
    assert_eq!(
        Plan::new("{} {}", &[TypeCode::of_kind(Kind::I64)]),
        Err(PlanError::Count(2, 1))
    );
}

#[test]
fn a_damaged_plan_is_refused_not_trusted() {
    let plan = Plan::new("a{}b", &[TypeCode::of_kind(Kind::I64)])
        .unwrap()
        .encode();
    let cell = [7u64, 0];
    let p = cell.as_ptr() as *const u8;
    assert_eq!(
        unsafe { format_with_plan(&plan, p, 1) }.as_deref(),
        Some("a7b")
    );
    for cut in 0..plan.len() {
        assert_eq!(
            unsafe { format_with_plan(&plan[..cut], p, 1) },
            None,
            "{cut}"
        );
    }
    assert_eq!(unsafe { format_with_plan(&plan, p, 2) }, None);
}

#[test]
fn round_is_half_away_from_zero_on_the_shown_decimal() {
    assert_eq!(round_f64(2.675, 2), 2.68);
    assert_eq!(round_f64(-2.675, 2), -2.68);
    assert_eq!(round_f64(2.5, 0), 3.0);
    assert_eq!(round_f64(-0.5, 0), -1.0);
    assert_eq!(round_f64(1.005, 2), 1.01);
    assert_eq!(round_f64(1234.5678, -2), 1200.0);
    assert_eq!(round_f64(950.0, -3), 1000.0);
    assert_eq!(round_f64(4.0, -1), 0.0);
    assert_eq!(round_f64(-4.0, -1).to_bits(), (-0.0f64).to_bits());
    assert_eq!(round_f64(0.1, 400), 0.1);
    assert_eq!(round_f64(123.0, i64::MIN), 0.0);
    assert_eq!(round_f64(123.456, i64::MAX), 123.456);
    assert_eq!(round_f64(9.99, 1), 10.0);
    assert!(round_f64(f64::NAN, 2).is_nan());
    assert_eq!(round_f64(f64::INFINITY, 2), f64::INFINITY);
    assert_eq!(round_f32(0.125f32, 2), 0.13f32);
    assert_eq!(round_f32(0.1f32, 5), 0.1f32);
    assert_eq!(
        kiln_rt_round_to(Kind::F64 as u32, 2.675f64.to_bits(), 2),
        2.68f64.to_bits()
    );
}

#[test]
fn a_bad_computed_format_is_named_by_its_fault_operands() {
    let i64c = TypeCode::of_kind(Kind::I64);
    let f64c = TypeCode::of_kind(Kind::F64);
    let msg = |fmt: &str, codes: &[TypeCode]| {
        let (a, b) = Plan::new(fmt, codes).unwrap_err().operands();
        bad_format_message(a, b)
    };
    assert_eq!(
        msg("ab {", &[]),
        "bad format string: the `{` at byte 3 is never closed (write `{{` for a literal brace)"
    );
    assert_eq!(
        msg("é}", &[]),
        "bad format string: a lone `}` at byte 2 (write `}}` for a literal brace)"
    );
    assert_eq!(
        msg("x {:>8q}", &[i64c]),
        "bad format string: the placeholder at byte 2 has a malformed spec"
    );
    assert!(msg("{n}", &[i64c]).contains("at byte 0 names an argument"));
    assert_eq!(
        msg("{} {}", &[i64c]),
        "bad format string: it has 2 placeholders but 1 argument was given"
    );
    assert_eq!(
        msg("{} {:x}", &[i64c, f64c.opt().unwrap()]),
        "bad format string: the spec of placeholder 2 does not fit its argument of type f64?"
    );
}
