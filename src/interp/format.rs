//! `format(fmt, args...)` and `round(x, digits)`, restated for the reference
//! interpreter: its own parser of format strings (run on every call, literal or not:
//! the checker has already vetted literal ones), its own padding over Rust's `std::fmt`
//! number formatting, and its own decimal rounding. It shares with the runtime only the
//! fault wording (`FaultRecord::message`, through `ops::fault`).

use super::eval::Machine;
use super::ops::{self, bug, fault, R};
use crate::abi::Fault;
use crate::types::hir::Expr;
use crate::types::ty::Ty;
use crate::value::Value;

/// One `{...}` after parsing.
#[derive(Clone, Copy, Debug, Default)]
struct Hole {
    fill: Option<char>,
    /// `<`, `^` or `>`.
    align: Option<u8>,
    plus: bool,
    hash: bool,
    zero: bool,
    width: usize,
    prec: Option<usize>,
    /// The type letter, if any.
    ty: Option<u8>,
}

enum Part {
    Text(String),
    Hole(Hole),
}

/// E0618's first operand: what is wrong (the runtime's `format::BadFormat` numbering).
const UNCLOSED: i64 = 1;
const LONE_CLOSE: i64 = 2;
const BAD_SPEC: i64 = 3;
const NAMED: i64 = 4;
const COUNT: i64 = 5;
const MISFIT: i64 = 6;

/// Parse `fmt`; an error is E0618's operands.
fn parse(fmt: &str) -> Result<Vec<Part>, (i64, i64)> {
    let b = fmt.as_bytes();
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'{' if b.get(i + 1) == Some(&b'{') => {
                text.push('{');
                i += 2;
            }
            b'}' if b.get(i + 1) == Some(&b'}') => {
                text.push('}');
                i += 2;
            }
            b'}' => return Err((LONE_CLOSE, i as i64)),
            b'{' => {
                let Some(len) = b[i + 1..].iter().position(|&c| c == b'}') else {
                    return Err((UNCLOSED, i as i64));
                };
                let inside = &fmt[i + 1..i + 1 + len];
                if inside.contains('{') {
                    return Err((UNCLOSED, i as i64));
                }
                let (name, spec) = inside.split_once(':').unwrap_or((inside, ""));
                if !name.is_empty() {
                    return Err((NAMED, i as i64));
                }
                let hole = hole(spec).ok_or((BAD_SPEC, i as i64))?;
                if !text.is_empty() {
                    parts.push(Part::Text(std::mem::take(&mut text)));
                }
                parts.push(Part::Hole(hole));
                i += len + 2;
            }
            _ => {
                // Copy one whole character.
                let c = fmt[i..].chars().next().unwrap_or('\u{fffd}');
                text.push(c);
                i += c.len_utf8().max(1);
            }
        }
    }
    if !text.is_empty() {
        parts.push(Part::Text(text));
    }
    Ok(parts)
}

/// A SPEC: `[[fill]align][+][#][0][width][.precision][type]`.
fn hole(spec: &str) -> Option<Hole> {
    let mut h = Hole::default();
    let mut rest = spec;
    let is_align = |c: char| matches!(c, '<' | '^' | '>');
    let mut it = rest.chars();
    match (it.next(), it.next()) {
        (Some(f), Some(a)) if is_align(a) => {
            h.fill = Some(f);
            h.align = Some(a as u8);
            rest = &rest[f.len_utf8() + 1..];
        }
        (Some(a), _) if is_align(a) => {
            h.align = Some(a as u8);
            rest = &rest[1..];
        }
        _ => {}
    }
    let flag = |c: char, rest: &mut &str| -> bool {
        match rest.strip_prefix(c) {
            Some(r) => {
                *rest = r;
                true
            }
            None => false,
        }
    };
    h.plus = flag('+', &mut rest);
    h.hash = flag('#', &mut rest);
    h.zero = flag('0', &mut rest);
    let digits = |rest: &mut &str| -> Option<Option<usize>> {
        let n = rest.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return Some(None);
        }
        let v: u64 = rest[..n].parse().ok()?;
        *rest = &rest[n..];
        if v > 65_535 {
            return None;
        }
        Some(Some(v as usize))
    };
    h.width = digits(&mut rest)?.unwrap_or(0);
    if let Some(r) = rest.strip_prefix('.') {
        rest = r;
        h.prec = Some(digits(&mut rest)??);
    }
    if let Some(c) = rest.bytes().next().filter(|c| b"xXobeE".contains(c)) {
        h.ty = Some(c);
        rest = &rest[1..];
    }
    rest.is_empty().then_some(h)
}

/// What a spec may ask of a value of type `ty`.
#[derive(Clone, Copy, PartialEq)]
enum Sort {
    Int,
    Float,
    Text,
    Bool,
    Other,
}

fn sort_of(ty: &Ty) -> Sort {
    match ty {
        Ty::Opt(t) => sort_of(t),
        Ty::Int(_) => Sort::Int,
        Ty::Float(_) => Sort::Float,
        Ty::Str => Sort::Text,
        Ty::Bool => Sort::Bool,
        _ => Sort::Other,
    }
}

fn fits(h: &Hole, sort: Sort) -> bool {
    let number = matches!(sort, Sort::Int | Sort::Float);
    let radix = matches!(h.ty, Some(b'x' | b'X' | b'o' | b'b'));
    let exp = matches!(h.ty, Some(b'e' | b'E'));
    !(radix && sort != Sort::Int
        || exp && sort != Sort::Float
        || h.hash && !radix
        || (h.plus || h.zero) && !number
        || h.prec.is_some() && !matches!(sort, Sort::Float | Sort::Text))
}

/// `text` (after `sign`) padded as `h` says; `number`: right-aligned by default and
/// zero-padded after the sign with `0`.
fn padded(out: &mut String, h: &Hole, sign: &str, text: &str, number: bool) {
    let have = sign.chars().count() + text.chars().count();
    let gap = h.width.saturating_sub(have);
    if number && h.zero {
        out.push_str(sign);
        out.extend(std::iter::repeat_n('0', gap));
        out.push_str(text);
        return;
    }
    let fill = h.fill.unwrap_or(' ');
    let (left, right) = match h.align.unwrap_or(if number { b'>' } else { b'<' }) {
        b'<' => (0, gap),
        b'^' => (gap / 2, gap - gap / 2),
        _ => (gap, 0),
    };
    out.extend(std::iter::repeat_n(fill, left));
    out.push_str(sign);
    out.push_str(text);
    out.extend(std::iter::repeat_n(fill, right));
}

fn float_text(h: &Hole, v: &Value) -> (bool, String) {
    macro_rules! text {
        ($x:expr) => {{
            let x = $x;
            let m = x.abs();
            let t = match (h.ty, h.prec) {
                (Some(b'e'), None) => format!("{m:e}"),
                (Some(b'e'), Some(p)) => format!("{m:.p$e}"),
                (Some(b'E'), None) => format!("{m:E}"),
                (Some(b'E'), Some(p)) => format!("{m:.p$E}"),
                (_, Some(p)) => format!("{m:.p$}"),
                (_, None) => format!("{m:?}"),
            };
            (x.is_sign_negative() && !x.is_nan(), t)
        }};
    }
    match v {
        Value::F32(x) => text!(*x),
        Value::F64(x) => text!(*x),
        _ => (false, String::new()),
    }
}

/// One argument `v` of static type `ty` by `h`.
fn one(out: &mut String, h: &Hole, v: &Value, ty: &Ty) {
    let sort = sort_of(ty);
    if matches!(v, Value::None) {
        let plain = Hole { zero: false, ..*h };
        padded(
            out,
            &plain,
            "",
            "none",
            matches!(sort, Sort::Int | Sort::Float),
        );
        return;
    }
    match sort {
        Sort::Int => {
            let Some((t, x)) = ops::int_of(v) else {
                return;
            };
            let bits = (x as u128) & (u128::MAX >> (128 - t.bits()));
            let plus = if h.plus { "+" } else { "" };
            let (sign, digits) = match h.ty {
                Some(b'x') => (plus, format!("{bits:x}")),
                Some(b'X') => (plus, format!("{bits:X}")),
                Some(b'o') => (plus, format!("{bits:o}")),
                Some(b'b') => (plus, format!("{bits:b}")),
                _ if x < 0 => ("-", x.unsigned_abs().to_string()),
                _ => (plus, x.to_string()),
            };
            let prefix = match (h.hash, h.ty) {
                (true, Some(b'x' | b'X')) => "0x",
                (true, Some(b'o')) => "0o",
                (true, Some(b'b')) => "0b",
                _ => "",
            };
            padded(out, h, &format!("{sign}{prefix}"), &digits, true);
        }
        Sort::Float => {
            let (neg, text) = float_text(h, v);
            let finite = match v {
                Value::F32(x) => x.is_finite(),
                Value::F64(x) => x.is_finite(),
                _ => true,
            };
            let nan = text == "NaN";
            let sign = if neg {
                "-"
            } else if h.plus && !nan {
                "+"
            } else {
                ""
            };
            if finite {
                padded(out, h, sign, &text, true);
            } else {
                // Spaces, not zeros, before NaN and infinities.
                let spaced = if h.zero {
                    Hole {
                        zero: false,
                        fill: None,
                        align: None,
                        ..*h
                    }
                } else {
                    *h
                };
                padded(out, &spaced, sign, &text, true);
            }
        }
        Sort::Text => {
            let Value::Str(s) = v else { return };
            let kept: String = match h.prec {
                Some(n) => s.chars().take(n).collect(),
                None => s.clone(),
            };
            padded(out, h, "", &kept, false);
        }
        Sort::Bool | Sort::Other => padded(out, h, "", &ops::display(v), false),
    }
}

impl Machine<'_> {
    /// `format(fmt, args...)`: `vals[0]` is the format string, `args` the call's
    /// argument nodes (their static types decide what specs mean).
    pub(super) fn format(&mut self, vals: &[Value], args: &[Expr], e: &Expr) -> R<Value> {
        let (Some(Value::Str(fmt)), Some(fmt_node)) = (vals.first(), args.first()) else {
            return Err(bug("format without its format string"));
        };
        let bad = |(a, b): (i64, i64)| fault(Fault::BadFormat, fmt_node.span, a, b);
        let parts = parse(fmt).map_err(bad)?;
        let holes: Vec<&Hole> = parts
            .iter()
            .filter_map(|p| match p {
                Part::Hole(h) => Some(h),
                Part::Text(_) => None,
            })
            .collect();
        let n = vals.len() - 1;
        if holes.len() != n {
            return Err(bad((COUNT, ((holes.len() as i64) << 32) | n as i64)));
        }
        for (i, (h, a)) in holes.iter().zip(&args[1..]).enumerate() {
            if !fits(h, sort_of(&a.ty)) {
                let code = crate::abi::type_code(&a.ty).map_or(0, |c| c.0 as i64);
                return Err(bad((MISFIT, ((i as i64) << 32) | code)));
            }
        }
        let mut out = String::new();
        let mut k = 1;
        for p in &parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Hole(h) => {
                    one(&mut out, h, &vals[k], &args[k].ty);
                    k += 1;
                }
            }
        }
        self.string(out, e.span)
    }
}

/// `round(x, digits)`: half away from zero on the decimal `x` displays as, read back
/// correctly rounded.
pub(super) fn round_to(x: &Value, digits: &Value) -> R<Value> {
    let Value::I64(d) = *digits else {
        return Err(bug("round: digits not i64"));
    };
    Ok(match *x {
        Value::F64(v) => Value::F64(round_text(&v.to_string(), d).map_or(v, |t| {
            if !v.is_finite() {
                v
            } else {
                t.parse().unwrap_or(v)
            }
        })),
        Value::F32(v) => Value::F32(round_text(&v.to_string(), d).map_or(v, |t| {
            if !v.is_finite() {
                v
            } else {
                t.parse().unwrap_or(v)
            }
        })),
        ref v => return Err(bug(format!("round of a {}", v.ty()))),
    })
}

/// The plain decimal `s` (`{}` of a float: `-12.375`, `1000`, `0.0001`) rounded at
/// `digits` after the point; `None` when nothing changes (or `s` is not finite).
fn round_text(s: &str, digits: i64) -> Option<String> {
    let (neg, s) = s.strip_prefix('-').map_or((false, s), |r| (true, r));
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if !int.bytes().chain(frac.bytes()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    // All digits, with the point after `int.len()` of them.
    let mut all: Vec<u8> = int.bytes().chain(frac.bytes()).map(|c| c - b'0').collect();
    let point = int.len() as i64;
    let cut = point.saturating_add(digits);
    if cut >= all.len() as i64 {
        return None;
    }
    let sign = if neg { "-" } else { "" };
    if cut < 0 {
        return Some(format!("{sign}0"));
    }
    let cut = cut as usize;
    let round_up = all[cut] >= 5;
    all.truncate(cut);
    if round_up {
        let mut i = cut;
        loop {
            if i == 0 {
                all.insert(0, 1);
                break;
            }
            i -= 1;
            all[i] += 1;
            if all[i] < 10 {
                break;
            }
            all[i] = 0;
        }
    }
    // The kept digits end at place `digits` after the point: value = D * 10^-digits.
    let body: String = all.iter().map(|d| (b'0' + d) as char).collect();
    let body = if body.is_empty() {
        "0".to_string()
    } else {
        body
    };
    Some(format!("{sign}{body}e{}", -digits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_agrees_with_the_contract() {
        let r = |x: f64, d: i64| match round_to(&Value::F64(x), &Value::I64(d)).unwrap() {
            Value::F64(v) => v,
            _ => unreachable!(),
        };
        assert_eq!(r(2.675, 2), 2.68);
        assert_eq!(r(-2.5, 0), -3.0);
        assert_eq!(r(1234.5678, -2), 1200.0);
        assert_eq!(r(950.0, -3), 1000.0);
        assert_eq!(r(9.99, 1), 10.0);
        assert_eq!(r(0.1, 400), 0.1);
        assert_eq!(r(123.0, i64::MIN), 0.0);
        assert_eq!(r(-4.0, -1).to_bits(), (-0.0f64).to_bits());
        assert!(r(f64::NAN, 1).is_nan());
    }

    #[test]
    fn parse_errors_name_the_placeholder() {
        let err = |s: &str| parse(s).err();
        assert_eq!(err("ab {"), Some((UNCLOSED, 3)));
        assert_eq!(err("a } b"), Some((LONE_CLOSE, 2)));
        assert_eq!(err("x{:>8q}"), Some((BAD_SPEC, 1)));
        assert_eq!(err("{0}"), Some((NAMED, 0)));
        assert_eq!(err("{ {}"), Some((UNCLOSED, 0)));
        assert!(err("{{}} {:é^+#010.3x}").is_none());
    }
}
