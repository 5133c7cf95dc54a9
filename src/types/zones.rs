//! The time library's compile-time side (issue 15): the field, unit and zone arguments
//! of `year`…`day_of_year`, `format_time`, `parse_time` and `date_trunc` as the HIR
//! carries them, and the checks and plans of their literal arguments.
//!
//! A literal zone is resolved when the program is checked: "UTC"/"Z" and fixed offsets
//! become [`ZoneArg::Utc`] / [`ZoneArg::Fixed`] (no database at run time), an IANA name
//! must exist in the system database (E0265, with "did you mean") and becomes
//! [`ZoneArg::Named`] (resolved once per call site at run time). A literal unit must be
//! one of [`TimeUnit::ALL`] (E0266) and travels as its code. A literal strftime format is
//! checked directive by directive against jiff (E0267, pointing at the directive). What
//! is not a literal is [`ZoneArg::Computed`] / [`UnitArg::Computed`] and checked per call
//! (runtime errors E0619 and E0622).
//!
//! The format scanner here ([`check_format`]) is the compiler's own: the checker and
//! the reference interpreter use it; the runtime has its own (`kiln_runtime::zones`).

use super::builtins::{BuiltinFn, Lowering, Pat};
use super::check::Checker;
use super::hir::{self, Builtin, ExprKind, LibFn};
use super::suggest;
use super::ty::{IntTy, Ty};
use crate::diag::Diagnostic;
use jiff::fmt::strtime;
use jiff::tz::{Offset, TimeZone};

/// A field accessor, in the order of its runtime code (`kiln_runtime::zones::TIME_FIELDS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeField {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    Weekday,
    DayOfYear,
}

impl TimeField {
    pub const ALL: [TimeField; 8] = [
        TimeField::Year,
        TimeField::Month,
        TimeField::Day,
        TimeField::Hour,
        TimeField::Minute,
        TimeField::Second,
        TimeField::Weekday,
        TimeField::DayOfYear,
    ];

    pub fn name(self) -> &'static str {
        match self {
            TimeField::Year => "year",
            TimeField::Month => "month",
            TimeField::Day => "day",
            TimeField::Hour => "hour",
            TimeField::Minute => "minute",
            TimeField::Second => "second",
            TimeField::Weekday => "weekday",
            TimeField::DayOfYear => "day_of_year",
        }
    }
}

/// A `date_trunc` unit, in the order of its runtime code
/// (`kiln_runtime::zones::TRUNC_UNITS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeUnit {
    Year,
    Quarter,
    Month,
    Week,
    Day,
    Hour,
    Minute,
    Second,
}

impl TimeUnit {
    pub const ALL: [TimeUnit; 8] = [
        TimeUnit::Year,
        TimeUnit::Quarter,
        TimeUnit::Month,
        TimeUnit::Week,
        TimeUnit::Day,
        TimeUnit::Hour,
        TimeUnit::Minute,
        TimeUnit::Second,
    ];

    pub fn name(self) -> &'static str {
        match self {
            TimeUnit::Year => "year",
            TimeUnit::Quarter => "quarter",
            TimeUnit::Month => "month",
            TimeUnit::Week => "week",
            TimeUnit::Day => "day",
            TimeUnit::Hour => "hour",
            TimeUnit::Minute => "minute",
            TimeUnit::Second => "second",
        }
    }

    pub fn from_name(s: &str) -> Option<TimeUnit> {
        TimeUnit::ALL.into_iter().find(|u| u.name() == s)
    }
}

/// A time function's zone argument as planned at compile time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZoneArg {
    /// No zone argument, or the literal "UTC" / "Z".
    Utc,
    /// A literal fixed offset, in seconds east of UTC.
    Fixed(i32),
    /// A literal IANA name that exists (checked at compile time): resolved once per
    /// call site at run time.
    Named,
    /// A computed zone: resolved per call (runtime error E0619 when unknown).
    Computed,
}

impl ZoneArg {
    /// Whether evaluating the zone may fault: a computed name may not exist, and a
    /// literal name may be missing from the database of the machine a built program runs on.
    pub fn can_fault(self) -> bool {
        matches!(self, ZoneArg::Named | ZoneArg::Computed)
    }
}

/// A `date_trunc` unit argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitArg {
    Literal(TimeUnit),
    /// Checked per call (runtime error E0622 when not a unit).
    Computed,
}

/// Where the zone argument is, if the call has one (the last argument of a call with
/// more than the function's minimum).
pub fn zone_index(f: LibFn, args: usize) -> Option<usize> {
    let base = match f {
        LibFn::TimeField(..) => 1,
        LibFn::FormatTime { .. } | LibFn::ParseTime { .. } | LibFn::DateTrunc(..) => 2,
        _ => return None,
    };
    (args > base).then_some(base)
}

/// The zone a zone argument names: "UTC"/"Z", a fixed offset `+HH:MM`/`-HH:MM`, or an
/// IANA name of the system database (jiff's look-up). `Err` says why not.
pub fn zone_of(name: &str) -> Result<TimeZone, String> {
    if matches!(name, "UTC" | "Z") {
        return Ok(TimeZone::UTC);
    }
    if let Some(rest) = name.strip_prefix(['+', '-']) {
        let secs = fixed_offset(rest).ok_or_else(|| kiln_runtime::zones::zone_message(name))?;
        let secs = if name.starts_with('-') { -secs } else { secs };
        return Offset::from_seconds(secs)
            .map(TimeZone::fixed)
            .map_err(|_| kiln_runtime::zones::zone_message(name));
    }
    TimeZone::get(name).map_err(|_| kiln_runtime::zones::zone_message(name))
}

/// `HH:MM` (hours to 23, minutes to 59) in seconds.
fn fixed_offset(hhmm: &str) -> Option<i32> {
    let (h, m) = hhmm.split_once(':')?;
    let digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || !digits(m) {
        return None;
    }
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 3600 + m * 60)
}

/// A near miss of a fixed offset written right: `+5:30` → `+05:30`, `+0530` → `+05:30`,
/// `-5` → `-05:00`.
fn normalized_offset(name: &str) -> Option<String> {
    let (sign, rest) = name.split_at(1);
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() == 4 => rest.split_at(2),
        None => (rest, "0"),
    };
    let ok = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !ok(h) || !ok(m) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then(|| format!("{sign}{h:02}:{m:02}"))
}

/// A strftime format's directive that jiff does not support, as a byte range of the
/// format and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadFormat {
    pub range: std::ops::Range<usize>,
    pub why: String,
}

/// Checks a strftime format for `format_time` (or, `parsing`, `parse_time`): every
/// directive (`%`, flags, width, precision, colons, conversion) must be one jiff
/// formats, and for parsing also reads back.
pub fn check_format(fmt: &str, parsing: bool) -> Result<(), BadFormat> {
    let zdt = jiff::Timestamp::from_second(1_720_992_719)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned(TimeZone::fixed(jiff::tz::offset(-4)));
    let mut rest = fmt.char_indices().peekable();
    while let Some((start, c)) = rest.next() {
        if c != '%' {
            continue;
        }
        let (mut end, mut finished) = (fmt.len(), false);
        let mut stage = 0; // 0 flags, 1 width, 2 precision, 3 colons
        while let Some(&(i, c)) = rest.peek() {
            let next = match c {
                '_' | '-' | '0' | '^' | '#' if stage == 0 => 0,
                '0'..='9' if stage <= 1 => 1,
                '.' if stage <= 1 => 2,
                '0'..='9' if stage == 2 => 2,
                ':' => 3,
                _ => {
                    (end, finished) = (i + c.len_utf8(), true);
                    rest.next();
                    break;
                }
            };
            stage = next;
            rest.next();
        }
        let d = &fmt[start..end];
        let bad = |why: &str| BadFormat {
            range: start..end,
            why: format!("`{d}` {why}"),
        };
        if !finished {
            return Err(bad("is an unfinished directive"));
        }
        let Ok(written) = strtime::format(d, &zdt) else {
            return Err(bad("is not a strftime directive"));
        };
        if parsing && strtime::parse(d, &written).is_err() {
            return Err(bad("can be used to format but not to parse"));
        }
    }
    match strtime::format(fmt, &zdt) {
        Ok(_) => Ok(()),
        Err(_) => Err(BadFormat {
            range: 0..fmt.len(),
            why: format!("`{fmt}` is not a format jiff supports"),
        }),
    }
}

/// The time library's rows of the builtin table (`builtins::all`): each accessor,
/// `format_time`, `parse_time` and `date_trunc` with and without a zone, and `now`.
pub fn rows() -> Vec<BuiltinFn> {
    let ts = || Pat::Ty(Ty::Timestamp);
    let s = || Pat::Ty(Ty::Str);
    let row = |name: &str, params: Vec<Pat>, ret: Pat, f: LibFn, doc: &'static str| BuiltinFn {
        name: name.to_string(),
        class: None,
        params,
        ret,
        variadic: false,
        lowering: Lowering::Op(Builtin::Lib(f)),
        doc,
    };
    let i64_ = || Pat::Ty(Ty::Int(IntTy::I64));
    let mut v = Vec::new();
    for (field, (utc, zoned)) in TimeField::ALL.into_iter().zip(FIELD_DOCS) {
        let name = field.name();
        v.push(row(
            name,
            vec![ts()],
            i64_(),
            LibFn::TimeField(field, ZoneArg::Utc),
            utc,
        ));
        v.push(row(
            name,
            vec![ts(), s()],
            i64_(),
            LibFn::TimeField(field, ZoneArg::Computed),
            zoned,
        ));
    }
    let fmt = LibFn::FormatTime {
        literal_fmt: false,
        zone: ZoneArg::Utc,
    };
    v.push(row(
        "format_time",
        vec![ts(), s()],
        s(),
        fmt,
        "format_time(ts, fmt): the timestamp in UTC written by the strftime format (jiff's directives: %Y %m %d %H %M %S %.f %z %:z %A %b %j ...); a literal format is checked when the program compiles, a computed one that is not a format is a runtime error (E0622)",
    ));
    v.push(row(
        "format_time",
        vec![ts(), s(), s()],
        s(),
        fmt,
        "format_time(ts, fmt, zone): the timestamp's local time in the zone (an IANA name such as \"Europe/Berlin\", \"UTC\", or a fixed offset \"+02:00\") written by the strftime format; an unknown computed zone is a runtime error (E0619)",
    ));
    let parse = LibFn::ParseTime {
        literal_fmt: false,
        zone: ZoneArg::Utc,
    };
    let opt_ts = Pat::Ty(Ty::Opt(Box::new(Ty::Timestamp)));
    v.push(row(
        "parse_time",
        vec![s(), s()],
        opt_ts.clone(),
        parse,
        "parse_time(s, fmt): the instant the text names by the strftime format (text without an offset is read as UTC), none when it does not match, names no date, or is outside the timestamp range",
    ));
    v.push(row(
        "parse_time",
        vec![s(), s(), s()],
        opt_ts,
        parse,
        "parse_time(s, fmt, zone): like parse_time(s, fmt), text without an offset read as the zone's local time (in a DST gap: moved forward by the gap; in a fold: the earlier instant)",
    ));
    let trunc = LibFn::DateTrunc(UnitArg::Computed, ZoneArg::Utc);
    v.push(row(
        "date_trunc",
        vec![ts(), s()],
        ts(),
        trunc,
        "date_trunc(ts, unit): the timestamp truncated in UTC to the start of its \"year\", \"quarter\", \"month\", \"week\" (ISO: Monday), \"day\", \"hour\", \"minute\" or \"second\"; a literal unit is checked when the program compiles, a computed one that is not a unit is a runtime error (E0622)",
    ));
    v.push(row(
        "date_trunc",
        vec![ts(), s(), s()],
        ts(),
        trunc,
        "date_trunc(ts, unit, zone): truncated in the zone's local time, as an instant (the original offset kept when still valid; a local start in a DST gap moves forward by the gap, one in a fold takes the earlier instant)",
    ));
    v.push(row(
        "now",
        vec![],
        ts(),
        LibFn::Now,
        "the host clock's current time (read at each call: never folded or merged)",
    ));
    v
}

/// The docs of each accessor: in UTC, and in a zone.
const FIELD_DOCS: [(&str, &str); 8] = [
    ("the year of the timestamp in UTC", "the year of the timestamp in the zone (an IANA name such as \"Europe/Berlin\", \"UTC\", or a fixed offset \"+02:00\"; an unknown computed zone is runtime error E0619)"),
    ("the month of the timestamp in UTC, 1 (January) to 12", "the month, 1 to 12, of the timestamp in the zone"),
    ("the day of the month of the timestamp in UTC, 1 to 31", "the day of the month of the timestamp in the zone"),
    ("the hour of the timestamp in UTC, 0 to 23", "the hour, 0 to 23, of the timestamp in the zone"),
    ("the minute of the timestamp in UTC, 0 to 59", "the minute of the timestamp in the zone"),
    ("the second of the timestamp in UTC, 0 to 59", "the second of the timestamp in the zone"),
    ("the ISO weekday of the timestamp in UTC: Monday 1 to Sunday 7", "the ISO weekday (Monday 1 to Sunday 7) of the timestamp in the zone"),
    ("the day of the year of the timestamp in UTC, 1 to 366", "the day of the year of the timestamp in the zone, 1 to 366"),
];

/// The literal text of an argument, if it is a string literal.
fn literal(e: &hir::Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Str(s) => Some(s),
        _ => None,
    }
}

impl Checker<'_> {
    /// A time library call's plan from its literal arguments (see the module doc), or
    /// `None` after reporting a literal that is wrong.
    pub(super) fn plan_time(&mut self, op: Builtin, args: &[hir::Expr]) -> Option<Builtin> {
        let Builtin::Lib(f) = op else {
            return Some(op);
        };
        let zone = match zone_index(f, args.len()) {
            Some(i) => self.plan_zone(&args[i])?,
            None => ZoneArg::Utc,
        };
        let f = match f {
            LibFn::TimeField(field, _) => LibFn::TimeField(field, zone),
            LibFn::FormatTime { .. } => LibFn::FormatTime {
                literal_fmt: self.plan_format(&args[1], false)?,
                zone,
            },
            LibFn::ParseTime { .. } => LibFn::ParseTime {
                literal_fmt: self.plan_format(&args[1], true)?,
                zone,
            },
            LibFn::DateTrunc(..) => LibFn::DateTrunc(self.plan_unit(&args[1])?, zone),
            f => f,
        };
        Some(Builtin::Lib(f))
    }

    fn plan_zone(&mut self, arg: &hir::Expr) -> Option<ZoneArg> {
        let Some(name) = literal(arg) else {
            return Some(ZoneArg::Computed);
        };
        match zone_of(name) {
            Ok(_) if matches!(name, "UTC" | "Z") => Some(ZoneArg::Utc),
            Ok(tz) if name.starts_with(['+', '-']) => Some(ZoneArg::Fixed(
                tz.to_fixed_offset().map_or(0, |o| o.seconds()),
            )),
            Ok(_) => Some(ZoneArg::Named),
            Err(_) => {
                let span = self.string_span(arg.span, 0..name.len());
                let d = if name.starts_with(['+', '-']) {
                    let d = Diagnostic::error("E0265", span, format!("bad fixed offset `{name}`"))
                        .with_label("not `+HH:MM` or `-HH:MM`");
                    match normalized_offset(name) {
                        Some(fixed) => d.with_help(format!("did you mean \"{fixed}\"?")),
                        None => d.with_help(
                            "write an offset as \"+HH:MM\" or \"-HH:MM\", hours up to 23: \"+05:30\"",
                        ),
                    }
                } else {
                    let d = Diagnostic::error("E0265", span, format!("unknown time zone `{name}`"))
                        .with_label("not in the system's time zone database");
                    let names: Vec<String> =
                        jiff::tz::db().available().map(|n| n.to_string()).collect();
                    match suggest::closest(name, names.iter().map(String::as_str), 1).first() {
                        Some(near) => d.with_help(format!("did you mean \"{near}\"?")),
                        None => d.with_help(
                            "write an IANA name such as \"Europe/Berlin\", \"UTC\", or a fixed offset such as \"+02:00\"",
                        ),
                    }
                };
                self.error(d);
                None
            }
        }
    }

    fn plan_unit(&mut self, arg: &hir::Expr) -> Option<UnitArg> {
        let Some(name) = literal(arg) else {
            return Some(UnitArg::Computed);
        };
        if let Some(u) = TimeUnit::from_name(name) {
            return Some(UnitArg::Literal(u));
        }
        let span = self.string_span(arg.span, 0..name.len());
        let all: Vec<&str> = TimeUnit::ALL.iter().map(|u| u.name()).collect();
        let mut d = Diagnostic::error("E0266", span, format!("unknown date_trunc unit `{name}`"))
            .with_label("not a unit")
            .with_note(format!("the units are {}", all.join(", ")));
        if let Some(near) = suggest::closest(name, all.iter().copied(), 1).first() {
            d = d.with_help(format!("did you mean \"{near}\"?"));
        }
        self.error(d);
        None
    }

    /// Whether the format is a literal (checked here; an error is reported and `None`).
    fn plan_format(&mut self, arg: &hir::Expr, parsing: bool) -> Option<bool> {
        let Some(fmt) = literal(arg) else {
            return Some(false);
        };
        match check_format(fmt, parsing) {
            Ok(()) => Some(true),
            Err(bad) => {
                let span = self.string_span(arg.span, bad.range.clone());
                let what = if parsing { "parse_time" } else { "format_time" };
                self.error(
                    Diagnostic::error("E0267", span, format!("bad {what} format: {}", bad.why))
                        .with_label("this directive")
                        .with_help(
                            "see the strftime directives in docs/language.md (jiff's); write `%%` for a literal `%`",
                        ),
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_the_runtimes_tables() {
        let fields: Vec<&str> = TimeField::ALL.iter().map(|f| f.name()).collect();
        assert_eq!(fields, kiln_runtime::zones::TIME_FIELDS);
        let units: Vec<&str> = TimeUnit::ALL.iter().map(|u| u.name()).collect();
        assert_eq!(units, kiln_runtime::zones::TRUNC_UNITS);
    }

    #[test]
    fn effects_follow_the_plan() {
        let i = Ty::Int(IntTy::I64);
        let fx = |f: LibFn| Builtin::Lib(f).effects(&i);
        let field = |z| LibFn::TimeField(TimeField::Year, z);
        // UTC and fixed offsets need nothing at run time: pure, no fault (so a `map`
        // over them vectorises and fuses); a zone looked up at run time may not exist.
        assert!(!fx(field(ZoneArg::Utc)).can_fault);
        assert!(!fx(field(ZoneArg::Fixed(3600))).can_fault);
        assert!(fx(field(ZoneArg::Named)).can_fault);
        assert!(fx(field(ZoneArg::Computed)).can_fault);
        let parse = |literal_fmt, zone| LibFn::ParseTime { literal_fmt, zone };
        assert!(!fx(parse(true, ZoneArg::Utc)).can_fault);
        assert!(fx(parse(false, ZoneArg::Utc)).can_fault);
        assert!(
            fx(LibFn::DateTrunc(
                UnitArg::Literal(TimeUnit::Day),
                ZoneArg::Utc
            ))
            .can_fault
        );
        // `now` is a side effect: never folded, merged or hoisted.
        let now = Builtin::Lib(LibFn::Now).effects(&Ty::Timestamp);
        assert!(!now.pure && !now.can_fault);
        assert!(fx(field(ZoneArg::Named)).pure);
    }

    #[test]
    fn zones_are_utc_offsets_or_database_names() {
        assert!(zone_of("UTC").is_ok());
        assert!(zone_of("Europe/Berlin").is_ok());
        assert_eq!(
            zone_of("-05:30")
                .unwrap()
                .to_fixed_offset()
                .unwrap()
                .seconds(),
            -19800
        );
        for bad in ["Europe/Berln", "+5:00", "+24:00", "05:00", ""] {
            assert!(zone_of(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn near_misses_of_offsets_are_written_right() {
        assert_eq!(normalized_offset("+5:30").as_deref(), Some("+05:30"));
        assert_eq!(normalized_offset("-0530").as_deref(), Some("-05:30"));
        assert_eq!(normalized_offset("+2").as_deref(), Some("+02:00"));
        assert_eq!(normalized_offset("+25:00"), None);
        assert_eq!(normalized_offset("+ab"), None);
    }

    #[test]
    fn the_format_scanner_finds_the_bad_directive() {
        assert_eq!(check_format("%Y-%m-%dT%H:%M:%S%.3f%:z %%", true), Ok(()));
        assert_eq!(check_format("%-d %_H %^b %#p", false), Ok(()));
        assert_eq!(check_format("at %Y-%K", false).unwrap_err().range, 6..8);
        assert_eq!(check_format("%Y %", false).unwrap_err().range, 3..4);
        assert_eq!(check_format("%Y %5", false).unwrap_err().range, 3..5);
        assert_eq!(
            check_format("%_", false).unwrap_err().why,
            "`%_` is an unfinished directive"
        );
        assert_eq!(check_format("é%ü", false).unwrap_err().range, 2..5);
        assert!(check_format("%Z", false).is_ok());
        assert_eq!(check_format("%Z", true).unwrap_err().range, 0..2);
    }
}
