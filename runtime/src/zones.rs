//! The time library over timestamps (i64 nanoseconds since the Unix epoch, UTC): field
//! accessors, `date_trunc`, `format_time`, `parse_time` and `now`, in UTC or in a zone.
//!
//! A zone crosses the ABI as an `i64` zone id, never as text: [`UTC_ZONE`], a fixed
//! offset ([`fixed_zone`]: the offset's seconds shifted left by two, tag 2) or a named
//! IANA zone (an index into a process-wide table of resolved zones, tag 3). Generated
//! code resolves a literal IANA name once per call site ([`kiln_rt_zone_id`] into a
//! global slot) and UTC or a literal offset at compile time; a computed name is resolved
//! per call through the same table (a lock and a map look-up; the zone's rules are read
//! from the system database once per process). A field of a timestamp in UTC or at a
//! fixed offset is civil-calendar arithmetic here, with no time-zone library call; only
//! named zones ask jiff for the offset at the instant.
//!
//! A `date_trunc` unit crosses as its index in [`TRUNC_UNITS`]; a field as its index in
//! [`TIME_FIELDS`]. Nothing here panics: every input is checked.

use crate::abi::{Fault, RtStr};
use crate::display::str_from_raw;
use crate::{FaultRecord, RunCtx};
use jiff::fmt::strtime;
use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, Zoned};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// The zone id of UTC (also what "UTC" and "Z" name).
pub const UTC_ZONE: i64 = 1;
/// Zone id 0: not resolved (a call site's empty slot; a failed resolution's result).
pub const NO_ZONE: i64 = 0;

/// The accessors' fields, in the order of their codes.
pub const TIME_FIELDS: [&str; 8] = [
    "year",
    "month",
    "day",
    "hour",
    "minute",
    "second",
    "weekday",
    "day_of_year",
];

/// `date_trunc`'s units, in the order of their codes.
pub const TRUNC_UNITS: [&str; 8] = [
    "year", "quarter", "month", "week", "day", "hour", "minute", "second",
];

const NS: i64 = 1_000_000_000;
const DAY: i64 = 86_400;

/// The zone id of a fixed offset of `secs` seconds east of UTC.
pub const fn fixed_zone(secs: i32) -> i64 {
    ((secs as i64) << 2) | 2
}

/// A fixed offset as written in a zone argument: `+HH:MM` or `-HH:MM` (hours 00–23,
/// minutes 00–59), in seconds east of UTC.
pub fn parse_offset(s: &str) -> Option<i32> {
    let b = s.as_bytes();
    if b.len() != 6 || b[3] != b':' {
        return None;
    }
    let sign = match b[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let two = |i: usize| -> Option<i32> {
        let (x, y) = (b[i], b[i + 1]);
        (x.is_ascii_digit() && y.is_ascii_digit()).then(|| ((x - b'0') * 10 + (y - b'0')) as i32)
    };
    let (h, m) = (two(1)?, two(4)?);
    (h <= 23 && m <= 59).then_some(sign * (h * 3600 + m * 60))
}

/// A zone as generated code names it.
#[derive(Clone, Copy)]
enum Zone {
    Utc,
    Fixed(i32),
    Named(&'static TimeZone),
}

/// How many distinct named zones a process resolves (the system database has about 600
/// names, 1,800 with its `posix/` and `right/` copies).
const MAX_NAMED: usize = 4096;
/// How many spellings of zone names the look-up map keeps (more are resolved again).
const MAX_SPELLINGS: usize = 16_384;

static NAMED: [OnceLock<TimeZone>; MAX_NAMED] = [const { OnceLock::new() }; MAX_NAMED];

/// Name (as written, and as the database calls it) → zone id; and the next free slot.
struct Index {
    ids: HashMap<String, i64>,
    next: usize,
}

static INDEX: Mutex<Option<Index>> = Mutex::new(None);

fn decode(id: i64) -> Zone {
    match id & 3 {
        2 => Zone::Fixed((id >> 2) as i32),
        3 => match NAMED.get((id >> 2) as usize).and_then(OnceLock::get) {
            Some(tz) => Zone::Named(tz),
            None => Zone::Utc,
        },
        _ => Zone::Utc,
    }
}

/// The zone id of a zone argument, or why there is none.
pub fn resolve_zone(name: &str) -> Result<i64, String> {
    if name == "UTC" || name == "Z" {
        return Ok(UTC_ZONE);
    }
    if name.starts_with(['+', '-']) {
        return parse_offset(name)
            .map(fixed_zone)
            .ok_or_else(|| zone_message(name));
    }
    let mut guard = INDEX.lock().unwrap_or_else(|e| e.into_inner());
    let index = guard.get_or_insert_with(|| Index {
        ids: HashMap::new(),
        next: 0,
    });
    if let Some(&id) = index.ids.get(name) {
        return Ok(id);
    }
    let tz = TimeZone::get(name).map_err(|_| zone_message(name))?;
    let canonical = tz.iana_name().unwrap_or(name).to_owned();
    let id = match index.ids.get(&canonical) {
        Some(&id) => id,
        None => {
            let slot = index.next;
            let Some(cell) = NAMED.get(slot) else {
                return Err(format!(
                    "time zone `{name}`: a process resolves at most {MAX_NAMED} zones"
                ));
            };
            let _ = cell.set(tz);
            index.next += 1;
            let id = ((slot as i64) << 2) | 3;
            index.ids.insert(canonical, id);
            id
        }
    };
    if index.ids.len() < MAX_SPELLINGS {
        index.ids.insert(name.to_owned(), id);
    }
    Ok(id)
}

/// The message of an unknown zone (runtime error E0619; the wording every engine uses).
pub fn zone_message(name: &str) -> String {
    format!(
        "unknown time zone `{name}`: not \"UTC\", a fixed offset (`+HH:MM`, `-HH:MM`) or a zone of the system's database"
    )
}

/// The message of an unknown `date_trunc` unit (runtime error E0622).
pub fn unit_message(unit: &str) -> String {
    format!(
        "unknown date_trunc unit `{unit}`: expected one of {}",
        TRUNC_UNITS.join(", ")
    )
}

/// The message of a strftime format a function cannot use (runtime error E0622).
pub fn format_message(function: &str, fmt: &str, why: &str) -> String {
    format!("bad {function} format `{fmt}`: {why}")
}

/// The jiff time zone of a zone id.
fn time_zone(id: i64) -> TimeZone {
    match decode(id) {
        Zone::Utc => TimeZone::UTC,
        Zone::Fixed(s) => Offset::from_seconds(s).map_or(TimeZone::UTC, TimeZone::fixed),
        Zone::Named(tz) => tz.clone(),
    }
}

/// A timestamp as jiff's (every i64 of nanoseconds is inside jiff's range).
fn instant(ts: i64) -> Timestamp {
    Timestamp::from_nanosecond(ts as i128).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// The offset (seconds east of UTC) of zone `id` at instant `ts`.
fn offset_at(id: i64, ts: i64) -> i32 {
    match decode(id) {
        Zone::Utc => 0,
        Zone::Fixed(s) => s,
        // Transitions fall on whole seconds: the second is enough (and cheaper).
        Zone::Named(tz) => {
            let at = Timestamp::from_second(ts.div_euclid(NS)).unwrap_or(Timestamp::UNIX_EPOCH);
            tz.to_offset(at).seconds()
        }
    }
}

// ---- the civil calendar (proleptic Gregorian), over days since 1970-01-01 --------------

/// (year, month 1–12, day 1–31) of a day number (days since 1970-01-01, within
/// ±5,800,000 days). Neri and Schneider's Euclidean affine functions: the day is moved
/// into a computational calendar that starts on 1 March of a year far enough back that
/// every number is unsigned, where centuries, years, months and days come from
/// multiplications and shifts of 32-bit values instead of divisions.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    // 82 cycles of 400 years back: day 0 of the computational calendar.
    const CYCLES: u32 = 82;
    const SHIFT: u32 = 719_468 + 146_097 * CYCLES;
    let n = (z as i32 as u32).wrapping_add(SHIFT);
    // The century and the day within it.
    let n1 = 4 * n + 3;
    let century = n1 / 146_097;
    let of_century = n1 % 146_097 / 4;
    // The year within the century and the day within the year (from 1 March).
    let n2 = 4 * of_century + 3;
    let p2 = 2_939_745u64 * u64::from(n2);
    let year_of_century = (p2 >> 32) as u32;
    let of_year = (p2 as u32) / 2_939_745 / 4;
    // The month (March = 3 … February = 14) and the day.
    let n3 = 2_141 * of_year + 197_913;
    let month = n3 >> 16;
    let day = (n3 & 0xffff) / 2_141 + 1;
    let january_or_february = of_year >= 306;
    let year = (100 * century + year_of_century) as i64 - 400 * i64::from(CYCLES)
        + i64::from(january_or_february);
    let month = if january_or_february {
        month - 12
    } else {
        month
    };
    (year, i64::from(month), i64::from(day))
}

/// The day number of a civil date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Field `field` (an index of [`TIME_FIELDS`]) of the local clock reading `secs` (seconds
/// since the epoch, the zone's offset added).
fn field_of_local(field: u32, secs: i64) -> i64 {
    let days = secs.div_euclid(DAY);
    let sod = secs.rem_euclid(DAY);
    match field {
        3 => sod / 3600,
        4 => sod / 60 % 60,
        5 => sod % 60,
        6 => (days + 3).rem_euclid(7) + 1,
        _ => {
            let (y, m, d) = civil_from_days(days);
            match field {
                0 => y,
                1 => m,
                2 => d,
                _ => days - days_from_civil(y, 1, 1) + 1,
            }
        }
    }
}

/// The local clock reading `secs` truncated to `unit` (an index of [`TRUNC_UNITS`]).
fn trunc_local(unit: i64, secs: i64) -> i64 {
    let days = secs.div_euclid(DAY);
    let floor = |n: i64| secs.div_euclid(n) * n;
    match unit {
        7 => secs,
        6 => floor(60),
        5 => floor(3600),
        4 => days * DAY,
        3 => (days - (days + 3).rem_euclid(7)) * DAY,
        _ => {
            let (y, m, _) = civil_from_days(days);
            let (y, m) = match unit {
                0 => (y, 1),
                1 => (y, (m - 1) / 3 * 3 + 1),
                _ => (y, m),
            };
            days_from_civil(y, m, 1) * DAY
        }
    }
}

/// The field of a timestamp in a zone.
pub fn field(field: u32, ts: i64, zone: i64) -> i64 {
    let off = i64::from(offset_at(zone, ts));
    if field <= 2 {
        // A date field: one division for the day (two near the ends of the range).
        let days = match ts.checked_add(off * NS) {
            Some(local) => local.div_euclid(NS * DAY),
            None => (ts.div_euclid(NS) + off).div_euclid(DAY),
        };
        let (y, m, d) = civil_from_days(days);
        return [y, m, d][field as usize];
    }
    field_of_local(field, ts.div_euclid(NS) + off)
}

/// `date_trunc`: the instant whose local clock reading is `ts`'s truncated to `unit`, in
/// seconds. At a fixed offset that is the truncated reading less the offset. In a named
/// zone the original offset is kept when it is valid for the truncated reading (a
/// truncation within a fold stays on its side of it); otherwise the reading is resolved
/// with the "compatible" rule: in a gap the instant as if the clock had not moved (so
/// later by the gap's length), in a fold the earlier instant.
pub fn trunc_secs(ts: i64, unit: i64, zone: i64) -> i64 {
    let off = i64::from(offset_at(zone, ts));
    let local = trunc_local(unit, ts.div_euclid(NS) + off);
    let Zone::Named(tz) = decode(zone) else {
        return local - off;
    };
    let kept = local - off;
    if i64::from(tz.to_offset(instant(kept.saturating_mul(NS))).seconds()) == off {
        return kept;
    }
    let days = local.div_euclid(DAY);
    let sod = local.rem_euclid(DAY);
    let (y, m, d) = civil_from_days(days);
    let dt = jiff::civil::DateTime::new(
        y as i16,
        m as i8,
        d as i8,
        (sod / 3600) as i8,
        (sod / 60 % 60) as i8,
        (sod % 60) as i8,
        0,
    );
    match dt.map(|dt| tz.to_ambiguous_timestamp(dt).compatible()) {
        Ok(Ok(t)) => t.as_second(),
        _ => kept,
    }
}

/// The whole-second instant `secs` in nanoseconds, when i64 holds it.
pub fn secs_to_nanos(secs: i64) -> Option<i64> {
    secs.checked_mul(NS)
}

// ---- strftime formats -------------------------------------------------------------------

/// A format whose directive at `start..end` (byte offsets) jiff does not support.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadDirective {
    pub start: usize,
    pub end: usize,
    pub message: String,
}

/// The instant every directive is tried on: 2024-07-14T17:31:59.123456789-04:00.
fn sample() -> Zoned {
    let tz = Offset::from_seconds(-4 * 3600).map_or(TimeZone::UTC, TimeZone::fixed);
    instant(1_720_992_719_123_456_789).to_zoned(tz)
}

/// The byte ranges of a format's directives: `%`, the flags `_ - 0 ^ #`, a width, a
/// `.precision`, colons, and the conversion character; and whether it has that last one.
pub fn directives(fmt: &str) -> Vec<(usize, usize, bool)> {
    let b = fmt.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'%' {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < b.len() && b"_-0^#".contains(&b[i]) {
            i += 1;
        }
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        }
        while i < b.len() && b[i] == b':' {
            i += 1;
        }
        // The conversion: one character (a whole UTF-8 sequence); none at the end.
        let finished = match fmt.get(i..).and_then(|r| r.chars().next()) {
            Some(c) => {
                i += c.len_utf8();
                true
            }
            None => false,
        };
        out.push((start, i, finished));
    }
    out
}

/// Checks a strftime format as `format_time` (`parsing`: `parse_time`) uses it: each
/// directive alone must be one jiff supports (formatting it, and for parsing also reading
/// back what it wrote), and then the whole format.
pub fn check_format(fmt: &str, parsing: bool) -> Result<(), BadDirective> {
    let zdt = sample();
    for (start, end, finished) in directives(fmt) {
        let d = &fmt[start..end];
        let bad = |why: &str| BadDirective {
            start,
            end,
            message: format!("`{d}` {why}"),
        };
        if !finished {
            return Err(bad("is an unfinished directive"));
        }
        let written = match strtime::format(d, &zdt) {
            Ok(s) => s,
            Err(_) => return Err(bad("is not a strftime directive")),
        };
        if parsing && strtime::parse(d, &written).is_err() {
            return Err(bad("can be used to format but not to parse"));
        }
    }
    if strtime::format(fmt, &zdt).is_err() {
        return Err(BadDirective {
            start: 0,
            end: fmt.len(),
            message: format!("`{fmt}` is not a format jiff supports"),
        });
    }
    Ok(())
}

/// `format_time`: the timestamp in the zone, written by the strftime format.
pub fn format_time(ts: i64, fmt: &str, zone: i64) -> Result<String, String> {
    let zdt = instant(ts).to_zoned(time_zone(zone));
    strtime::format(fmt, &zdt).map_err(|_| {
        let why = match check_format(fmt, false) {
            Err(bad) => bad.message,
            Ok(()) => format!("`{fmt}` cannot format this timestamp"),
        };
        format_message("format_time", fmt, &why)
    })
}

/// `parse_time`: the instant the text names by the format, read in the zone when the
/// text has no offset (nor a zone, nor `%s`); `None` when it does not match, names no
/// date, or is outside the i64 nanosecond range.
pub fn parse_time(s: &str, fmt: &str, zone: i64) -> Option<i64> {
    let tm = strtime::parse(fmt, s).ok()?;
    let t = if tm.timestamp().is_some() || tm.offset().is_some() {
        tm.to_timestamp().ok()?
    } else if tm.iana_time_zone().is_some() {
        tm.to_zoned().ok()?.timestamp()
    } else {
        let dt = tm.to_datetime().ok()?;
        time_zone(zone)
            .to_ambiguous_timestamp(dt)
            .compatible()
            .ok()?
    };
    i64::try_from(t.as_nanosecond()).ok()
}

// ---- runtime symbols ----------------------------------------------------------------------

fn fail(c: *mut RunCtx, span: u32, fault: Fault, message: String) {
    // SAFETY: `c` is the live run context (every symbol's contract).
    let c = unsafe { &mut *c };
    c.record(FaultRecord {
        fault,
        span,
        a: 0,
        b: 0,
        message: Some(message),
    });
}

/// `fn(ctx, span, ptr, len) -> i64`: the zone id of a zone argument; on an unknown zone
/// records [`Fault::BadZone`] at `span` and returns [`NO_ZONE`].
///
/// # Safety
/// `c` is the live run context; (ptr, len) is a string of the run.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_zone_id(c: *mut RunCtx, span: u32, p: *const u8, l: i64) -> i64 {
    match resolve_zone(str_from_raw(p, l)) {
        Ok(id) => id,
        Err(why) => {
            fail(c, span, Fault::BadZone, why);
            NO_ZONE
        }
    }
}

/// `fn(ctx, span, ptr, len) -> i64`: the code of a computed `date_trunc` unit; an unknown
/// one records [`Fault::BadTimeFormat`] at `span` (and gives 0).
///
/// # Safety
/// `c` is the live run context; (ptr, len) is a string of the run.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_time_unit(c: *mut RunCtx, span: u32, p: *const u8, l: i64) -> i64 {
    let unit = str_from_raw(p, l);
    match TRUNC_UNITS.iter().position(|u| *u == unit) {
        Some(i) => i as i64,
        None => {
            fail(c, span, Fault::BadTimeFormat, unit_message(unit));
            0
        }
    }
}

/// `fn(field, ts, zone) -> i64`: a field accessor (`field` an index of [`TIME_FIELDS`]).
#[no_mangle]
pub extern "C" fn kiln_rt_time_field(field: u32, ts: i64, zone: i64) -> i64 {
    self::field(field, ts, zone)
}

/// `fn(ctx, span, ts, unit, zone) -> i64`: `date_trunc`; a result outside the i64
/// nanosecond range records [`Fault::TimeRange`] at `span`.
///
/// # Safety
/// `c` is the live run context.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_date_trunc(
    c: *mut RunCtx,
    span: u32,
    ts: i64,
    unit: i64,
    zone: i64,
) -> i64 {
    let secs = trunc_secs(ts, unit, zone);
    match secs_to_nanos(secs) {
        Some(ns) => ns,
        None => {
            fail(c, span, Fault::TimeRange, range_message(secs));
            0
        }
    }
}

/// The message of a `date_trunc` result outside the timestamp range.
pub fn range_message(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(DAY));
    format!(
        "the result {y:04}-{m:02}-{d:02} is outside the timestamp range (1677-09-21 to 2262-04-11)"
    )
}

/// `fn(ctx, span, fmt_span, ts, fmt_ptr, fmt_len, zone, out)`: `format_time`; the
/// string's limits are faults at `span`, a format jiff rejects records
/// [`Fault::BadTimeFormat`] at `fmt_span`.
///
/// # Safety
/// `c` is the live run context; (fp, fl) a string of the run; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_format_time(
    c: *mut RunCtx,
    span: u32,
    fmt_span: u32,
    ts: i64,
    fp: *const u8,
    fl: i64,
    zone: i64,
    out: *mut RtStr,
) {
    let nothing = RtStr {
        ptr: std::ptr::null(),
        len: 0,
    };
    match format_time(ts, str_from_raw(fp, fl), zone) {
        Ok(s) => {
            let pair = (*c).value_bytes(span, s.as_bytes()).unwrap_or(nothing);
            out.write(pair);
        }
        Err(why) => {
            fail(c, fmt_span, Fault::BadTimeFormat, why);
            out.write(nothing);
        }
    }
}

/// `fn(ctx, span, s_ptr, s_len, fmt_ptr, fmt_len, zone, checked, out) -> u32`:
/// `parse_time`; 1 with the timestamp in `out`, or 0 for none. Unless `checked` (a
/// literal format, checked when the program was compiled), a format with a directive
/// jiff does not parse records [`Fault::BadTimeFormat`] at `span`.
///
/// # Safety
/// `c` is the live run context; both pairs are strings of the run; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_parse_time(
    c: *mut RunCtx,
    span: u32,
    sp: *const u8,
    sl: i64,
    fp: *const u8,
    fl: i64,
    zone: i64,
    checked: u32,
    out: *mut i64,
) -> u32 {
    let fmt = str_from_raw(fp, fl);
    if checked == 0 {
        if let Err(bad) = check_format(fmt, true) {
            fail(
                c,
                span,
                Fault::BadTimeFormat,
                format_message("parse_time", fmt, &bad.message),
            );
            out.write(0);
            return 0;
        }
    }
    match parse_time(str_from_raw(sp, sl), fmt, zone) {
        Some(t) => {
            out.write(t);
            1
        }
        None => {
            out.write(0);
            0
        }
    }
}

/// `fn() -> i64`: the host clock now, in nanoseconds since the epoch (saturated to the
/// timestamp range).
#[no_mangle]
pub extern "C" fn kiln_rt_now() -> i64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_nanos()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_nanos()).map_or(i64::MIN, |n| -n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nanoseconds of an RFC 3339 instant.
    fn ts(s: &str) -> i64 {
        i64::try_from(s.parse::<Timestamp>().unwrap().as_nanosecond()).unwrap()
    }

    fn zone(name: &str) -> i64 {
        resolve_zone(name).unwrap()
    }

    #[test]
    fn civil_arithmetic_round_trips_and_agrees_with_jiff() {
        for days in (-106_751..106_751).step_by(37) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
            let date = jiff::civil::Date::new(y as i16, m as i8, d as i8).unwrap();
            let t = ts(&format!("{date}T00:00:00Z"));
            assert_eq!(t.div_euclid(NS) / DAY, days);
            assert_eq!(field(7, t, UTC_ZONE), i64::from(date.day_of_year()));
            assert_eq!(
                field(6, t, UTC_ZONE),
                i64::from(date.weekday().to_monday_one_offset())
            );
        }
    }

    #[test]
    fn fields_in_utc_at_offsets_and_in_named_zones() {
        let t = ts("2024-03-31T00:30:15.5Z");
        let all = |z| (0..8).map(|f| field(f, t, z)).collect::<Vec<_>>();
        assert_eq!(all(UTC_ZONE), [2024, 3, 31, 0, 30, 15, 7, 91]);
        assert_eq!(all(zone("-05:30")), [2024, 3, 30, 19, 0, 15, 6, 90]);
        // Berlin switches to summer time at 01:00Z that day: still +01:00.
        assert_eq!(all(zone("Europe/Berlin")), [2024, 3, 31, 1, 30, 15, 7, 91]);
        let later = ts("2024-03-31T01:30:00Z");
        assert_eq!(field(3, later, zone("Europe/Berlin")), 3);
        // Before the epoch: floor, not truncation toward zero.
        let before = ts("1969-12-31T23:59:59.999Z");
        assert_eq!(
            (0..6)
                .map(|f| field(f, before, UTC_ZONE))
                .collect::<Vec<_>>(),
            [1969, 12, 31, 23, 59, 59]
        );
        assert_eq!(field(0, i64::MIN, UTC_ZONE), 1677);
        assert_eq!(field(0, i64::MAX, UTC_ZONE), 2262);
    }

    #[test]
    fn zones_resolve_once_and_bad_ones_say_why() {
        assert_eq!(zone("UTC"), UTC_ZONE);
        assert_eq!(zone("Z"), UTC_ZONE);
        assert_eq!(zone("+02:00"), fixed_zone(7200));
        assert_eq!(zone("-05:30"), fixed_zone(-19800));
        assert_eq!(zone("Europe/Berlin"), zone("Europe/Berlin"));
        assert_eq!(zone("Europe/Berlin") & 3, 3);
        let err = resolve_zone("Europe/Berln").unwrap_err();
        assert!(err.contains("`Europe/Berln`"), "{err}");
        for bad in ["+2:00", "+24:00", "+02:60", "-0530", "+", ""] {
            assert!(resolve_zone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn truncation_in_each_unit() {
        let t = ts("2024-08-14T13:45:27.25Z"); // a Wednesday
        let tr = |u, z| trunc_secs(t, u, z) * NS;
        let expect = [
            "2024-01-01T00:00:00Z",
            "2024-07-01T00:00:00Z",
            "2024-08-01T00:00:00Z",
            "2024-08-12T00:00:00Z",
            "2024-08-14T00:00:00Z",
            "2024-08-14T13:00:00Z",
            "2024-08-14T13:45:00Z",
            "2024-08-14T13:45:27Z",
        ];
        for (u, e) in expect.iter().enumerate() {
            assert_eq!(tr(u as i64, UTC_ZONE), ts(e), "{}", TRUNC_UNITS[u]);
        }
        // In Berlin (+02:00 in summer) the day starts at 22:00Z the evening before.
        assert_eq!(tr(4, zone("Europe/Berlin")), ts("2024-08-13T22:00:00Z"));
        assert_eq!(tr(4, zone("+05:30")), ts("2024-08-13T18:30:00Z"));
    }

    #[test]
    fn truncation_across_daylight_saving_changes() {
        let ny = zone("America/New_York");
        // 2024-11-03: the day starts in EDT (-04:00) and the afternoon is EST (-05:00).
        let afternoon = ts("2024-11-03T19:00:00Z");
        assert_eq!(
            trunc_secs(afternoon, 4, ny) * NS,
            ts("2024-11-03T04:00:00Z")
        );
        // In the fold (01:30 happens twice): the second 01:30 truncates to the second
        // 01:00, keeping its offset.
        let second = ts("2024-11-03T06:30:00Z");
        assert_eq!(trunc_secs(second, 5, ny) * NS, ts("2024-11-03T06:00:00Z"));
        // A day whose midnight does not exist (Sao Paulo, 2018-11-04): the compatible
        // rule gives 01:00 local.
        let sp = zone("America/Sao_Paulo");
        let noon = ts("2018-11-04T15:00:00Z");
        assert_eq!(trunc_secs(noon, 4, sp) * NS, ts("2018-11-04T03:00:00Z"));
    }

    #[test]
    fn formats_are_checked_directive_by_directive() {
        assert_eq!(check_format("%Y-%m-%d %H:%M:%S%.f %:z", true), Ok(()));
        assert_eq!(check_format("100%% at %-d %b", false), Ok(()));
        let bad = check_format("%Y-%K", false).unwrap_err();
        assert_eq!((bad.start, bad.end), (3, 5));
        let trailing = check_format("%Y %", false).unwrap_err();
        assert_eq!((trailing.start, trailing.end), (3, 4));
        // %q formats but does not parse.
        assert!(check_format("%q", false).is_ok());
        let q = check_format("Q%q", true).unwrap_err();
        assert_eq!((q.start, q.end), (1, 3));
    }

    #[test]
    fn format_and_parse_time() {
        let t = ts("2024-03-01T12:05:09.5Z");
        assert_eq!(
            format_time(t, "%Y-%m-%d %H:%M:%S%.f %A", UTC_ZONE).unwrap(),
            "2024-03-01 12:05:09.5 Friday"
        );
        assert_eq!(
            format_time(t, "%H:%M %:z", zone("Europe/Berlin")).unwrap(),
            "13:05 +01:00"
        );
        assert!(format_time(t, "%K", UTC_ZONE).is_err());
        // Without an offset the text is read in the zone.
        assert_eq!(
            parse_time("2024-03-01 12:05", "%Y-%m-%d %H:%M", UTC_ZONE),
            Some(ts("2024-03-01T12:05:00Z"))
        );
        assert_eq!(
            parse_time("2024-03-01 12:05", "%Y-%m-%d %H:%M", zone("Europe/Berlin")),
            Some(ts("2024-03-01T11:05:00Z"))
        );
        // An offset in the text wins over the zone.
        assert_eq!(
            parse_time(
                "2024-03-01 12:05 +0200",
                "%Y-%m-%d %H:%M %z",
                zone("Europe/Berlin")
            ),
            Some(ts("2024-03-01T10:05:00Z"))
        );
        assert_eq!(
            parse_time("2024-03-01", "%Y-%m-%d", UTC_ZONE),
            Some(ts("2024-03-01T00:00:00Z"))
        );
        assert_eq!(
            parse_time("1700000000", "%s", UTC_ZONE),
            Some(1_700_000_000 * NS)
        );
        assert_eq!(parse_time("yesterday", "%Y-%m-%d", UTC_ZONE), None);
        assert_eq!(parse_time("2024-02-30", "%Y-%m-%d", UTC_ZONE), None);
        assert_eq!(parse_time("3000-01-01", "%Y-%m-%d", UTC_ZONE), None);
    }

    #[test]
    fn now_is_the_host_clock() {
        use std::time::{SystemTime, UNIX_EPOCH};
        let before = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos() as i64;
        let now = kiln_rt_now();
        let after = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos() as i64;
        assert!(before <= now && now <= after);
    }
}
