//! `timestamp` and `duration` (v1): both are i64 nanoseconds (a timestamp since the Unix
//! epoch in UTC, a duration a signed span). Parsing, the display format and the range
//! facts shared by the runtime's functions; generated code does the arithmetic itself
//! (checked, fault [`Fault::TimeRange`](crate::abi::Fault::TimeRange)).
//!
//! - `timestamp("...")` reads an RFC 3339 / ISO 8601 instant that names its offset (`Z`
//!   or `+02:00`); text without an offset is refused (only `parse_time` reads it as
//!   UTC). An instant outside the years 1677–2262 does not fit and does not parse.
//! - `duration("...")` reads jiff's friendly format (`1h30m`, `45s`, `1.5s`, `-2h5m`,
//!   `2 days`) or ISO 8601 (`PT1H30M`, `P1D`); a day is exactly 24 hours; weeks are 7
//!   days; months and years have no fixed length and are refused.

use std::fmt::{self, Write};

/// Nanoseconds per second.
pub const NANOS_PER_SEC: i64 = 1_000_000_000;

/// The unit constructors (`days(n)` …): (name, nanoseconds per unit), in the order of
/// their `which` code in a [`Fault::TimeRange`](crate::abi::Fault::TimeRange) record
/// (`b` = index + 1; 0 is an operator).
pub const UNITS: [(&str, i64); 5] = [
    ("days", 86_400 * NANOS_PER_SEC),
    ("hours", 3_600 * NANOS_PER_SEC),
    ("minutes", 60 * NANOS_PER_SEC),
    ("secs", NANOS_PER_SEC),
    ("millis", 1_000_000),
];

/// The message of a [`Fault::TimeRange`](crate::abi::Fault::TimeRange) record: `which`
/// 0 for an operator, `i + 1` for unit constructor `UNITS[i]` of `n`.
pub fn range_message(n: i64, which: i64) -> String {
    match usize::try_from(which - 1).ok().and_then(|i| UNITS.get(i)) {
        Some((name, _)) => format!(
            "`{name}({n})` is outside the range of a duration (i64 nanoseconds, about \u{b1}292 years)"
        ),
        None => "the result is outside the range of timestamps and durations (i64 \
                 nanoseconds: the years 1677 to 2262, about \u{b1}292 years)"
            .to_owned(),
    }
}

/// `n` units of `ns_per_unit` nanoseconds, `None` when that overflows.
pub fn units(n: i64, ns_per_unit: i64) -> Option<i64> {
    n.checked_mul(ns_per_unit)
}

/// Why text is not a timestamp or duration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// It does not read as one; the parser's reason.
    Malformed(String),
    /// It reads as one outside the i64 nanoseconds.
    OutOfRange,
}

/// The runtime error message (E0604) for text that is not a `ty` (`"timestamp"` or
/// `"duration"`): the same words on every path, whatever parser found it wrong.
pub fn parse_message(ty: &str, text: &str, out_of_range: bool) -> String {
    let why = match (ty, out_of_range) {
        ("timestamp", false) => "RFC 3339 with an offset, e.g. 2024-03-01T12:00:00Z",
        ("timestamp", true) => "it is outside the years 1677 to 2262",
        (_, false) => "e.g. 1h30m, 1.5s, -2h5m or PT1H30M; a day is 24 hours, months and years are not durations",
        (_, true) => "it is outside about \u{b1}292 years",
    };
    format!("cannot parse {text:?} as {ty} ({why})")
}

/// Parse `text` (RFC 3339 / ISO 8601 with an offset) as a timestamp's nanoseconds.
pub fn parse_timestamp(text: &str) -> Result<i64, ParseError> {
    let ts = text
        .trim()
        .parse::<jiff::Timestamp>()
        .map_err(|e| ParseError::Malformed(e.to_string()))?;
    i64::try_from(ts.as_nanosecond()).map_err(|_| ParseError::OutOfRange)
}

/// Parse `text` (jiff's friendly format or ISO 8601; days of 24 hours) as a duration's
/// nanoseconds.
pub fn parse_duration(text: &str) -> Result<i64, ParseError> {
    let t = text.trim();
    let d = match t.parse::<jiff::SignedDuration>() {
        Ok(d) => d,
        // Days and weeks are exact (24 hours, 7 days) for a duration; a span holds them.
        Err(e) => {
            let span: jiff::Span = t
                .parse()
                .map_err(|_| ParseError::Malformed(e.to_string()))?;
            if span.get_years() != 0 || span.get_months() != 0 {
                return Err(ParseError::Malformed(
                    "months and years have no fixed length; write days or hours".to_owned(),
                ));
            }
            span.to_duration(jiff::SpanRelativeTo::days_are_24_hours())
                .map_err(|e| ParseError::Malformed(e.to_string()))?
        }
    };
    i64::try_from(d.as_nanos()).map_err(|_| ParseError::OutOfRange)
}

/// [`parse_timestamp`] or [`parse_duration`] (`duration`), with the runtime message.
pub fn parse_bits(duration: bool, text: &str) -> Result<u64, String> {
    let (r, ty) = match duration {
        false => (parse_timestamp(text), "timestamp"),
        true => (parse_duration(text), "duration"),
    };
    r.map(|ns| ns as u64)
        .map_err(|e| parse_message(ty, text, e == ParseError::OutOfRange))
}

/// Write a timestamp in RFC 3339, UTC, `Z`, the fraction of a second only when it is
/// not zero and without trailing zeros: `2024-03-01T12:00:00Z`, `…:00.25Z`.
pub fn write_timestamp(out: &mut dyn Write, ns: i64) -> fmt::Result {
    // Every i64 of nanoseconds is within jiff's range (years -9999 to 9999).
    match jiff::Timestamp::from_nanosecond(ns as i128) {
        Ok(ts) => {
            let dt = ts.to_zoned(jiff::tz::TimeZone::UTC).datetime();
            write!(
                out,
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                dt.year(),
                dt.month(),
                dt.day(),
                dt.hour(),
                dt.minute(),
                dt.second()
            )?;
            write_fraction(out, dt.subsec_nanosecond() as u32)?;
            out.write_char('Z')
        }
        Err(_) => write!(out, "{ns}ns"),
    }
}

/// `.25` for 250 000 000 nanoseconds; nothing for 0.
fn write_fraction(out: &mut dyn Write, nanos: u32) -> fmt::Result {
    if nanos == 0 {
        return Ok(());
    }
    let digits = format!("{nanos:09}");
    write!(out, ".{}", digits.trim_end_matches('0'))
}

/// Write a duration as hours, minutes and seconds, zero parts left out, the seconds'
/// fraction trimmed: `1h30m`, `45s`, `1.5s`, `36h`, `-2h5m`, `0s`.
pub fn write_duration(out: &mut dyn Write, ns: i64) -> fmt::Result {
    if ns == 0 {
        return out.write_str("0s");
    }
    if ns < 0 {
        out.write_char('-')?;
    }
    let abs = ns.unsigned_abs();
    let nanos_per_sec = NANOS_PER_SEC as u64;
    let (secs, frac) = (abs / nanos_per_sec, (abs % nanos_per_sec) as u32);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        write!(out, "{h}h")?;
    }
    if m > 0 {
        write!(out, "{m}m")?;
    }
    if s > 0 || frac > 0 {
        write!(out, "{s}")?;
        write_fraction(out, frac)?;
        out.write_char('s')?;
    }
    Ok(())
}

/// The display format of a timestamp as a `String`.
pub fn timestamp_string(ns: i64) -> String {
    let mut s = String::new();
    let _ = write_timestamp(&mut s, ns);
    s
}

/// The display format of a duration as a `String`.
pub fn duration_string(ns: i64) -> String {
    let mut s = String::new();
    let _ = write_duration(&mut s, ns);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_display_in_rfc3339_utc_with_a_trimmed_fraction() {
        let noon = parse_timestamp("2024-03-01T12:00:00Z").unwrap();
        assert_eq!(noon, 1_709_294_400 * NANOS_PER_SEC);
        assert_eq!(timestamp_string(noon), "2024-03-01T12:00:00Z");
        assert_eq!(
            timestamp_string(noon + 250_000_000),
            "2024-03-01T12:00:00.25Z"
        );
        assert_eq!(timestamp_string(noon + 1), "2024-03-01T12:00:00.000000001Z");
        assert_eq!(timestamp_string(0), "1970-01-01T00:00:00Z");
        assert_eq!(timestamp_string(-1), "1969-12-31T23:59:59.999999999Z");
        assert_eq!(timestamp_string(i64::MIN), "1677-09-21T00:12:43.145224192Z");
        assert_eq!(timestamp_string(i64::MAX), "2262-04-11T23:47:16.854775807Z");
    }

    #[test]
    fn timestamps_parse_with_an_offset_only() {
        let noon = parse_timestamp("2024-03-01T12:00:00Z").unwrap();
        assert_eq!(parse_timestamp("2024-03-01T14:00:00+02:00"), Ok(noon));
        assert_eq!(parse_timestamp("2024-03-01 12:00:00Z"), Ok(noon));
        assert_eq!(
            parse_timestamp("2024-03-01T12:00:00.5Z"),
            Ok(noon + 500_000_000)
        );
        assert!(matches!(
            parse_timestamp("2024-03-01T12:00:00"),
            Err(ParseError::Malformed(_))
        ));
        assert!(parse_timestamp("yesterday").is_err());
        assert!(parse_timestamp("2024-02-30T00:00:00Z").is_err());
        assert_eq!(
            parse_timestamp("2300-01-01T00:00:00Z"),
            Err(ParseError::OutOfRange)
        );
        let m = parse_bits(false, "2300-01-01T00:00:00Z").unwrap_err();
        assert!(
            m.contains("\"2300-01-01T00:00:00Z\"") && m.contains("1677"),
            "{m}"
        );
        assert_eq!(
            parse_timestamp("1677-09-21T00:12:43.145224192Z"),
            Ok(i64::MIN)
        );
    }

    #[test]
    fn durations_display_as_hours_minutes_seconds() {
        let s = NANOS_PER_SEC;
        for (ns, text) in [
            (0, "0s"),
            (45 * s, "45s"),
            (3 * s / 2, "1.5s"),
            (5_400 * s, "1h30m"),
            (36 * 3600 * s, "36h"),
            (-(2 * 3600 + 5 * 60) * s, "-2h5m"),
            (3600 * s + 1, "1h0.000000001s"),
            (-1, "-0.000000001s"),
            (i64::MIN, "-2562047h47m16.854775808s"),
        ] {
            assert_eq!(duration_string(ns), text, "{ns}");
        }
    }

    #[test]
    fn durations_parse_friendly_and_iso_forms() {
        let s = NANOS_PER_SEC;
        for (text, ns) in [
            ("1h30m", 5_400 * s),
            ("45s", 45 * s),
            ("1.5s", 3 * s / 2),
            ("-2h5m", -(2 * 3600 + 5 * 60) * s),
            ("PT1H30M", 5_400 * s),
            ("2d", 48 * 3600 * s),
            ("1 week", 7 * 24 * 3600 * s),
            ("P1D", 24 * 3600 * s),
            ("0s", 0),
            ("250ms", s / 4),
        ] {
            assert_eq!(parse_duration(text), Ok(ns), "{text}");
        }
        for bad in ["", "1x", "soon", "1 month", "P1Y"] {
            assert!(
                matches!(parse_duration(bad), Err(ParseError::Malformed(_))),
                "{bad}"
            );
            let m = parse_bits(true, bad).unwrap_err();
            assert!(m.contains(&format!("{bad:?} as duration")), "{m}");
        }
        assert_eq!(parse_duration("100000000h"), Err(ParseError::OutOfRange));
        // Every displayed duration parses back to itself.
        for ns in [0, 1, -1, 5_400 * s, i64::MAX, i64::MIN + 1, 3 * s / 2] {
            assert_eq!(parse_duration(&duration_string(ns)), Ok(ns), "{ns}");
        }
    }

    #[test]
    fn unit_constructors_and_range_messages() {
        assert_eq!(units(2, UNITS[0].1), Some(172_800 * NANOS_PER_SEC));
        assert_eq!(units(i64::MAX / 1000, UNITS[4].1), None);
        assert!(range_message(1_000_000_000, 1).contains("`days(1000000000)`"));
        assert!(range_message(0, 0).contains("1677"));
    }
}
