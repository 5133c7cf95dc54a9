//! The time library (issue 15) restated over [`Value`]s with jiff directly: zoned
//! datetimes for the fields, civil datetimes for `date_trunc`, jiff's strftime for
//! `format_time` and `parse_time`. Independent of the runtime's `zones.rs` (which does
//! its own civil arithmetic and zone ids); it shares only the fault wording.

use super::eval::Machine;
use super::ops::{bug, R};
use crate::abi::Fault;
use crate::runtime::zones as wording;
use crate::span::Span;
use crate::types::hir::{Expr, LibFn, TimeField, TimeUnit, UnitArg};
use crate::types::zones::{check_format, zone_index, zone_of};
use crate::value::{RuntimeError, Value};
use jiff::civil::{Date, DateTime};
use jiff::fmt::strtime;
use jiff::tz::{OffsetConflict, TimeZone};
use jiff::Timestamp;

fn fail(fault: Fault, span: Span, message: String) -> RuntimeError {
    RuntimeError {
        fault,
        span,
        message,
    }
}

fn text(v: &Value) -> R<&str> {
    match v {
        Value::Str(s) => Ok(s),
        v => Err(bug(format!("a string argument of type {}", v.ty()))),
    }
}

fn stamp(v: &Value) -> R<Timestamp> {
    match v {
        Value::Timestamp(ns) => Timestamp::from_nanosecond(i128::from(*ns))
            .map_err(|e| bug(format!("timestamp {ns}: {e}"))),
        v => Err(bug(format!("a timestamp argument of type {}", v.ty()))),
    }
}

/// A jiff timestamp as Kiln's, or `None` outside the i64 nanosecond range.
fn nanos(t: Timestamp) -> Option<i64> {
    i64::try_from(t.as_nanosecond()).ok()
}

/// `dt` truncated to `unit` (civil: no zone involved).
fn truncate(dt: DateTime, unit: TimeUnit) -> R<DateTime> {
    let d = dt.date();
    let day = |date: Date| date.to_datetime(jiff::civil::Time::midnight());
    let first = |month: i8| Date::new(d.year(), month, 1).map(day);
    let r = match unit {
        TimeUnit::Year => first(1),
        TimeUnit::Quarter => first((d.month() - 1) / 3 * 3 + 1),
        TimeUnit::Month => first(d.month()),
        TimeUnit::Week => {
            let back = i64::from(d.weekday().to_monday_zero_offset());
            d.checked_sub(jiff::Span::new().days(back)).map(day)
        }
        TimeUnit::Day => Ok(day(d)),
        TimeUnit::Hour => dt.with().minute(0).second(0).subsec_nanosecond(0).build(),
        TimeUnit::Minute => dt.with().second(0).subsec_nanosecond(0).build(),
        TimeUnit::Second => dt.with().subsec_nanosecond(0).build(),
    };
    r.map_err(|e| bug(format!("date_trunc: {e}")))
}

impl Machine<'_> {
    /// A time library call (`LibFn::is_time`).
    pub(super) fn time_lib(&mut self, f: LibFn, vals: &[Value], e: &Expr) -> R<Value> {
        let args = match &e.kind {
            crate::types::hir::ExprKind::Builtin { args, .. } => args.as_slice(),
            _ => &[],
        };
        let span_of = |i: usize| args.get(i).map_or(e.span, |a| a.span);
        let arg = |i: usize| {
            vals.get(i)
                .ok_or_else(|| bug(format!("{f:?}: argument {i}")))
        };
        // The zone: the last argument when the call has one, else UTC.
        let tz = match zone_index(f, vals.len()) {
            Some(i) => {
                let name = text(arg(i)?)?;
                zone_of(name).map_err(|m| fail(Fault::BadZone, span_of(i), m))?
            }
            None => TimeZone::UTC,
        };
        Ok(match f {
            LibFn::TimeField(field, _) => {
                let z = stamp(arg(0)?)?.to_zoned(tz);
                Value::I64(match field {
                    TimeField::Year => i64::from(z.year()),
                    TimeField::Month => i64::from(z.month()),
                    TimeField::Day => i64::from(z.day()),
                    TimeField::Hour => i64::from(z.hour()),
                    TimeField::Minute => i64::from(z.minute()),
                    TimeField::Second => i64::from(z.second()),
                    TimeField::Weekday => i64::from(z.weekday().to_monday_one_offset()),
                    TimeField::DayOfYear => i64::from(z.day_of_year()),
                })
            }
            LibFn::FormatTime { .. } => {
                let z = stamp(arg(0)?)?.to_zoned(tz);
                let fmt = text(arg(1)?)?;
                match strtime::format(fmt, &z) {
                    Ok(s) => self.string(s, e.span)?,
                    Err(_) => {
                        let why = match check_format(fmt, false) {
                            Err(bad) => bad.why,
                            Ok(()) => format!("`{fmt}` cannot format this timestamp"),
                        };
                        let m = wording::format_message("format_time", fmt, &why);
                        return Err(fail(Fault::BadTimeFormat, span_of(1), m));
                    }
                }
            }
            LibFn::ParseTime { literal_fmt, .. } => {
                let (s, fmt) = (text(arg(0)?)?, text(arg(1)?)?);
                if !literal_fmt {
                    if let Err(bad) = check_format(fmt, true) {
                        let m = wording::format_message("parse_time", fmt, &bad.why);
                        return Err(fail(Fault::BadTimeFormat, span_of(1), m));
                    }
                }
                match parse(s, fmt, &tz) {
                    Some(ns) => Value::Timestamp(ns),
                    None => Value::None,
                }
            }
            LibFn::DateTrunc(unit, _) => {
                let unit = match unit {
                    UnitArg::Literal(u) => u,
                    UnitArg::Computed => {
                        let name = text(arg(1)?)?;
                        TimeUnit::from_name(name).ok_or_else(|| {
                            fail(
                                Fault::BadTimeFormat,
                                span_of(1),
                                wording::unit_message(name),
                            )
                        })?
                    }
                };
                let z = stamp(arg(0)?)?.to_zoned(tz.clone());
                let civil = truncate(z.datetime(), unit)?;
                // Keep the offset when it is still valid, else the compatible rule.
                let t = OffsetConflict::PreferOffset
                    .resolve(civil, z.offset(), tz)
                    .and_then(|a| a.compatible())
                    .map(|z| z.timestamp())
                    .map_err(|m| bug(format!("date_trunc: {m}")))?;
                match nanos(t) {
                    Some(ns) => Value::Timestamp(ns),
                    None => {
                        let m = wording::range_message(t.as_second());
                        return Err(fail(Fault::TimeRange, e.span, m));
                    }
                }
            }
            LibFn::Now => Value::Timestamp(nanos(Timestamp::now()).unwrap_or(i64::MAX)),
            f => return Err(bug(format!("{f:?} is not a time function"))),
        })
    }
}

/// `parse_time`: text with an offset (or `%s`, or an IANA zone) names its instant; text
/// without one is a civil datetime read in `tz`.
fn parse(s: &str, fmt: &str, tz: &TimeZone) -> Option<i64> {
    let tm = strtime::parse(fmt, s).ok()?;
    let t = match (tm.timestamp(), tm.offset(), tm.iana_time_zone()) {
        (Some(t), _, _) => t,
        (None, Some(_), _) => tm.to_timestamp().ok()?,
        (None, None, Some(_)) => tm.to_zoned().ok()?.timestamp(),
        (None, None, None) => {
            let dt = tm.to_datetime().ok()?;
            tz.to_ambiguous_zoned(dt).compatible().ok()?.timestamp()
        }
    };
    nanos(t)
}
