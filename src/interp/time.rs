//! `timestamp` and `duration` (v1) restated for the interpreter: their display format
//! (civil dates computed here from the day count, not through the runtime or jiff's
//! printer), parsing (jiff's parsers, read directly) and checked arithmetic.

use super::ops::{fault, R};
use crate::abi::Fault;
use crate::span::Span;
use crate::types::hir::{BinOp, TimeFn};
use crate::types::ty::Ty;
use crate::value::{RuntimeError, Value};
use std::fmt::Write;

const NANOS: i64 = 1_000_000_000;
const DAY_SECS: i64 = 86_400;

/// The civil date (year, month, day) of `days` since 1970-01-01 in the proleptic
/// Gregorian calendar (Howard Hinnant's `civil_from_days`).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `.5` for half a second's nanoseconds: nine digits, trailing zeros dropped; "" for 0.
fn fraction(nanos: i64) -> String {
    if nanos == 0 {
        return String::new();
    }
    let mut digits = format!(".{nanos:09}");
    while digits.ends_with('0') {
        digits.pop();
    }
    digits
}

/// RFC 3339 in UTC: `2024-03-01T12:00:00Z`, `2024-03-01T12:00:00.25Z`.
pub(super) fn show_timestamp(out: &mut String, ns: i64) {
    let secs = ns.div_euclid(NANOS);
    let sub = ns.rem_euclid(NANOS);
    let (days, tod) = (secs.div_euclid(DAY_SECS), secs.rem_euclid(DAY_SECS));
    let (y, mo, d) = civil(days);
    let _ = write!(
        out,
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}{}Z",
        tod / 3600,
        tod % 3600 / 60,
        tod % 60,
        fraction(sub)
    );
}

/// Hours, minutes, seconds, zero parts left out: `1h30m`, `1.5s`, `-2h5m`, `0s`.
pub(super) fn show_duration(out: &mut String, ns: i64) {
    let total = i128::from(ns);
    let abs = total.abs();
    let (secs, sub) = (abs / NANOS as i128, (abs % NANOS as i128) as i64);
    let parts = [(secs / 3600, "h"), (secs / 60 % 60, "m")];
    let mut text = String::new();
    for (n, unit) in parts {
        if n != 0 {
            let _ = write!(text, "{n}{unit}");
        }
    }
    if secs % 60 != 0 || sub != 0 {
        let _ = write!(text, "{}{}s", secs % 60, fraction(sub));
    }
    match (ns < 0, text.is_empty()) {
        (_, true) => out.push_str("0s"),
        (true, false) => {
            out.push('-');
            out.push_str(&text)
        }
        (false, false) => out.push_str(&text),
    }
}

// ---- operators -----------------------------------------------------------------------------

/// A result in i128, kept only when it fits i64 nanoseconds (else E0621 at `span`).
fn fits(v: i128, span: Span, make: fn(i64) -> Value) -> R<Value> {
    i64::try_from(v)
        .map(make)
        .map_err(|_| fault(Fault::TimeRange, span, 0, 0))
}

/// `l op r` when an operand is a timestamp or a duration; `None` otherwise.
pub(super) fn binary(op: BinOp, l: &Value, r: &Value, span: Span) -> R<Option<Value>> {
    use Value::{Duration as D, Timestamp as T, I64};
    let order = |a: i64, b: i64| -> Option<Value> {
        Some(Value::Bool(match op {
            BinOp::Eq => a == b,
            BinOp::Ne => a != b,
            BinOp::Lt => a < b,
            BinOp::Le => a <= b,
            BinOp::Gt => a > b,
            BinOp::Ge => a >= b,
            _ => return None,
        }))
    };
    let (x, y) = match (l, r) {
        (T(a), T(b)) | (D(a), D(b)) if order(*a, *b).is_some() => return Ok(order(*a, *b)),
        (T(a) | D(a) | I64(a), T(b) | D(b) | I64(b)) => (i128::from(*a), i128::from(*b)),
        _ => return Ok(None),
    };
    let v = match (op, l, r) {
        (BinOp::Sub, T(_), T(_)) => fits(x - y, span, D)?,
        (BinOp::Add, T(_), D(_)) | (BinOp::Add, D(_), T(_)) => fits(x + y, span, T)?,
        (BinOp::Sub, T(_), D(_)) => fits(x - y, span, T)?,
        (BinOp::Add, D(_), D(_)) => fits(x + y, span, D)?,
        (BinOp::Sub, D(_), D(_)) => fits(x - y, span, D)?,
        (BinOp::Mul, D(_), I64(_)) | (BinOp::Mul, I64(_), D(_)) => fits(x * y, span, D)?,
        (BinOp::Div, D(a), I64(0)) => return Err(fault(Fault::DivByZero, span, *a, 2)),
        // Truncating, like integer division; only MIN / -1 leaves the range.
        (BinOp::Div, D(_), I64(_)) => fits(x / y, span, D)?,
        _ => return Ok(None),
    };
    Ok(Some(v))
}

/// `seconds(d)` and the unit constructors (`days(n)` ...).
pub(super) fn call(f: TimeFn, v: &Value, span: Span) -> R<Value> {
    match (f, v) {
        (TimeFn::Seconds, Value::Duration(ns)) => {
            // Whole seconds and the fraction apart: exact for every duration up to
            // f64's precision, like dividing the i128 count.
            Ok(Value::F64(*ns as f64 / NANOS as f64))
        }
        (TimeFn::Unit(i), Value::I64(n)) => {
            let per: i128 = match i {
                0 => 86_400 * NANOS as i128,
                1 => 3_600 * NANOS as i128,
                2 => 60 * NANOS as i128,
                3 => NANOS as i128,
                _ => 1_000_000,
            };
            i64::try_from(i128::from(*n) * per)
                .map(Value::Duration)
                .map_err(|_| fault(Fault::TimeRange, span, *n, i64::from(i) + 1))
        }
        _ => Err(super::ops::bug(format!("{f:?} of {}", v.ty()))),
    }
}

/// `timestamp(s)` / `duration(s)` (`to`): jiff's parsers read directly; the message is
/// the runtime's wording (E0604).
pub(super) fn parse(text: &str, to: &Ty, span: Span) -> R<Value> {
    let t = text.trim();
    let (value, what) = match to {
        Ty::Timestamp => (
            match t.parse::<jiff::Timestamp>() {
                Ok(ts) => Some(i64::try_from(ts.as_nanosecond()).map(Value::Timestamp)),
                Err(_) => None,
            },
            "timestamp",
        ),
        _ => {
            // A span reads every form (days of 24 hours); years and months are refused.
            let d = t.parse::<jiff::SignedDuration>().ok().or_else(|| {
                let s: jiff::Span = t.parse().ok()?;
                if s.get_years() != 0 || s.get_months() != 0 {
                    return None;
                }
                s.to_duration(jiff::SpanRelativeTo::days_are_24_hours())
                    .ok()
            });
            (
                d.map(|d| i64::try_from(d.as_nanos()).map(Value::Duration)),
                "duration",
            )
        }
    };
    match value {
        Some(Ok(v)) => Ok(v),
        bad => Err(RuntimeError {
            fault: Fault::ParseFailed,
            span,
            message: crate::runtime::time::parse_message(what, text, bad.is_some()),
        }),
    }
}

/// `-d`: E0621 for the one duration whose negation does not fit.
pub(super) fn neg(ns: i64, span: Span) -> R<Value> {
    fits(-i128::from(ns), span, Value::Duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(ns: i64) -> String {
        let mut s = String::new();
        show_timestamp(&mut s, ns);
        s
    }

    fn dur(ns: i64) -> String {
        let mut s = String::new();
        show_duration(&mut s, ns);
        s
    }

    #[test]
    fn timestamps_and_durations_display_like_the_contract() {
        assert_eq!(ts(1_709_294_400 * NANOS), "2024-03-01T12:00:00Z");
        assert_eq!(
            ts(1_709_294_400 * NANOS + 250_000_000),
            "2024-03-01T12:00:00.25Z"
        );
        assert_eq!(ts(-1), "1969-12-31T23:59:59.999999999Z");
        assert_eq!(ts(i64::MIN), "1677-09-21T00:12:43.145224192Z");
        assert_eq!(ts(i64::MAX), "2262-04-11T23:47:16.854775807Z");
        assert_eq!(dur(5_400 * NANOS), "1h30m");
        assert_eq!(dur(3 * NANOS / 2), "1.5s");
        assert_eq!(dur(-7_500 * NANOS), "-2h5m");
        assert_eq!(dur(36 * 3600 * NANOS), "36h");
        assert_eq!(dur(0), "0s");
        assert_eq!(dur(i64::MIN), "-2562047h47m16.854775808s");
    }
}
