//! `format(fmt, args...)` and `round(x, digits)` (v1).
//!
//! A format string is parsed once by [`parse`] (the checker parses a literal one when the
//! program compiles and reports errors at the characters [`FormatError::range`] names),
//! checked against its arguments' types by [`check_fit`], and turned into a [`Plan`]:
//! literal text and, per argument, its type code and [`Spec`]. Codegen stores the plan,
//! [`Plan::encode`]d, as constant bytes; a run decodes the fixed-size records
//! ([`Plan::decode`], no text parsing) and formats every argument from its 16-byte cell
//! in one call ([`kiln_rt_format`]). A computed format string is parsed at run time
//! ([`kiln_rt_format_dyn`]); any error is fault E0618 ([`Fault::BadFormat`]).
//!
//! Meaning (docs/language.md, "format"): Rust's format spec `[[fill]align][+][#][0]
//! [width][.precision][type]`, widths and precisions counted in characters. `{}` writes
//! the display format; numbers align right, everything else left. NaN and infinities
//! are never zero-padded (the `0` flag pads them with spaces, right-aligned).

use crate::abi::{Fault, Kind, RtStr, MAX_STRING_BYTES};
use crate::display::{str_from_raw, write_value};
use crate::typecode::{Shape, TypeCode, NONE_LEN};
use crate::{FaultRecord, RunCtx};
use std::fmt::Write;
use std::ops::Range;

/// The largest width or precision a spec may give.
pub const MAX_WIDTH: u32 = 65_535;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// The conversion a spec's type letter asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conv {
    /// No letter: the display format (floats with a precision: fixed digits).
    Display,
    LowerHex,
    UpperHex,
    Octal,
    Binary,
    LowerExp,
    UpperExp,
}

impl Conv {
    const ALL: [Conv; 7] = [
        Conv::Display,
        Conv::LowerHex,
        Conv::UpperHex,
        Conv::Octal,
        Conv::Binary,
        Conv::LowerExp,
        Conv::UpperExp,
    ];

    fn letter(self) -> &'static str {
        match self {
            Conv::Display => "",
            Conv::LowerHex => "x",
            Conv::UpperHex => "X",
            Conv::Octal => "o",
            Conv::Binary => "b",
            Conv::LowerExp => "e",
            Conv::UpperExp => "E",
        }
    }

    fn is_radix(self) -> bool {
        matches!(
            self,
            Conv::LowerHex | Conv::UpperHex | Conv::Octal | Conv::Binary
        )
    }
}

/// One placeholder's spec (`{:SPEC}`; `{}` is [`Spec::default`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spec {
    pub fill: char,
    pub align: Option<Align>,
    pub plus: bool,
    /// `#`: `0x`/`0o`/`0b` before radix digits.
    pub alt: bool,
    pub zero: bool,
    pub width: u32,
    pub precision: Option<u32>,
    pub conv: Conv,
}

impl Default for Spec {
    fn default() -> Spec {
        Spec {
            fill: ' ',
            align: None,
            plus: false,
            alt: false,
            zero: false,
            width: 0,
            precision: None,
            conv: Conv::Display,
        }
    }
}

/// What a placeholder's argument is, as far as specs care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    Int,
    Float,
    Str,
    Bool,
    /// Lists and every other type: only fill, alignment and width apply.
    Other,
}

impl Category {
    /// The category of a type code; an optional's is its value's.
    pub fn of(code: TypeCode) -> Category {
        match code.shape() {
            Some(Shape::Opt(inner)) => Category::of(inner),
            Some(Shape::Scalar(Kind::Bool)) => Category::Bool,
            Some(Shape::Scalar(Kind::F32 | Kind::F64)) => Category::Float,
            Some(Shape::Scalar(Kind::Str)) => Category::Str,
            Some(Shape::Scalar(
                Kind::I8
                | Kind::I16
                | Kind::I32
                | Kind::I64
                | Kind::U8
                | Kind::U16
                | Kind::U32
                | Kind::U64,
            )) => Category::Int,
            // Lists, and scalar types with no spec of their own (any added later).
            _ => Category::Other,
        }
    }

    fn numeric(self) -> bool {
        matches!(self, Category::Int | Category::Float)
    }
}

/// A piece of a parsed format string.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    /// Literal text (`{{` and `}}` already made single braces).
    Lit(String),
    /// A placeholder: its spec, the byte range of the whole `{...}` and of its SPEC (empty
    /// at the `}` for `{}`).
    Arg {
        spec: Spec,
        range: Range<usize>,
        spec_range: Range<usize>,
    },
}

/// What is wrong with a format string (the checker's code for each is in parentheses).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// An unclosed `{` (E0250).
    Unclosed,
    /// A lone `}` (E0250).
    LoneClose,
    /// A SPEC that does not parse (E0251).
    Spec,
    /// `{0}` or `{name}`: positional and named arguments are not supported (E0254).
    Positional,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FormatError {
    pub kind: ErrorKind,
    /// The offending bytes of the format string.
    pub range: Range<usize>,
    pub message: String,
    /// What to write instead, when there is a clear fix.
    pub help: Option<String>,
    /// The byte a run-time fault names: the brace, or the `{` of the placeholder whose
    /// spec or name is bad.
    pub at: usize,
}

fn error(kind: ErrorKind, range: Range<usize>, message: impl Into<String>) -> FormatError {
    FormatError {
        kind,
        at: range.start,
        range,
        message: message.into(),
        help: None,
    }
}

/// Parse a format string into literal text and placeholders.
pub fn parse(fmt: &str) -> Result<Vec<Piece>, FormatError> {
    let mut pieces = Vec::new();
    let mut lit = String::new();
    let mut chars = fmt.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' if matches!(chars.peek(), Some((_, '{'))) => {
                chars.next();
                lit.push('{');
            }
            '}' if matches!(chars.peek(), Some((_, '}'))) => {
                chars.next();
                lit.push('}');
            }
            '}' => {
                let mut e = error(
                    ErrorKind::LoneClose,
                    i..i + 1,
                    "a lone `}` in the format string",
                );
                e.help = Some("write `}}` for a literal `}`".to_string());
                return Err(e);
            }
            '{' => {
                let Some(close) = fmt[i..].find('}').map(|j| i + j) else {
                    let mut e = error(ErrorKind::Unclosed, i..i + 1, "this `{` is never closed");
                    e.help = Some("close it with `}`, or write `{{` for a literal `{`".to_string());
                    return Err(e);
                };
                let inner = &fmt[i + 1..close];
                if inner.contains('{') {
                    let mut e = error(ErrorKind::Unclosed, i..i + 1, "this `{` is never closed");
                    e.help = Some(
                        "close it before the next `{`, or write `{{` for a literal `{`".to_string(),
                    );
                    return Err(e);
                }
                let (name, spec_text, spec_start) = match inner.find(':') {
                    Some(colon) => (&inner[..colon], &inner[colon + 1..], i + 2 + colon),
                    None => (inner, "", close),
                };
                if !name.is_empty() {
                    let r = i + 1..i + 1 + name.len();
                    let what = if name.bytes().all(|b| b.is_ascii_digit()) {
                        "positional arguments"
                    } else {
                        "named arguments"
                    };
                    let mut e = error(
                        ErrorKind::Positional,
                        r,
                        format!("`{{{name}}}`: {what} are not supported"),
                    );
                    e.at = i;
                    e.help = Some(
                        "placeholders take the arguments in order: write `{}` (or `{:SPEC}`) and pass the value at that position"
                            .to_string(),
                    );
                    return Err(e);
                }
                let spec =
                    parse_spec(spec_text, spec_start).map_err(|e| FormatError { at: i, ..e })?;
                if !lit.is_empty() {
                    pieces.push(Piece::Lit(std::mem::take(&mut lit)));
                }
                pieces.push(Piece::Arg {
                    spec,
                    range: i..close + 1,
                    spec_range: spec_start..close,
                });
                while chars.peek().is_some_and(|&(j, _)| j <= close) {
                    chars.next();
                }
            }
            c => lit.push(c),
        }
    }
    if !lit.is_empty() {
        pieces.push(Piece::Lit(lit));
    }
    Ok(pieces)
}

/// Parse a SPEC (the text after `:`) starting at byte `base` of the format string.
pub fn parse_spec(s: &str, base: usize) -> Result<Spec, FormatError> {
    let mut spec = Spec::default();
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let align_of = |c: char| match c {
        '<' => Some(Align::Left),
        '^' => Some(Align::Center),
        '>' => Some(Align::Right),
        _ => None,
    };
    let mut k = 0;
    // [[fill]align]
    if let (Some(&(_, f)), Some(a)) = (chars.first(), chars.get(1).and_then(|&(_, c)| align_of(c)))
    {
        spec.fill = f;
        spec.align = Some(a);
        k = 2;
    } else if let Some(a) = chars.first().and_then(|&(_, c)| align_of(c)) {
        spec.align = Some(a);
        k = 1;
    }
    let at = |k: usize| chars.get(k).map(|&(_, c)| c);
    let pos = |k: usize| chars.get(k).map_or(s.len(), |&(i, _)| i);
    let bad = |from: usize, to: usize, msg: String| {
        error(ErrorKind::Spec, base + pos(from)..base + pos(to), msg)
    };
    match at(k) {
        Some('+') => {
            spec.plus = true;
            k += 1;
        }
        Some('-') => {
            return Err(bad(
                k,
                k + 1,
                "the `-` sign flag is not supported: negative numbers always show their sign"
                    .to_string(),
            ))
        }
        _ => {}
    }
    if at(k) == Some('#') {
        spec.alt = true;
        k += 1;
    }
    if at(k) == Some('0') {
        spec.zero = true;
        k += 1;
    }
    let number = |k: &mut usize, what: &str| -> Result<Option<u32>, FormatError> {
        let start = *k;
        while at(*k).is_some_and(|c| c.is_ascii_digit()) {
            *k += 1;
        }
        if *k == start {
            return Ok(None);
        }
        let text = &s[pos(start)..pos(*k)];
        if at(*k) == Some('$') {
            return Err(bad(
                start,
                *k + 1,
                format!("`{text}$`: a {what} taken from an argument is not supported"),
            ));
        }
        match text.parse::<u32>() {
            Ok(n) if n <= MAX_WIDTH => Ok(Some(n)),
            _ => Err(bad(
                start,
                *k,
                format!("{what} {text} is too large (at most {MAX_WIDTH})"),
            )),
        }
    };
    if let Some(w) = number(&mut k, "width")? {
        spec.width = w;
    }
    if at(k) == Some('.') {
        let dot = k;
        k += 1;
        if at(k) == Some('*') {
            return Err(bad(
                dot,
                k + 1,
                "`.*`: a precision taken from an argument is not supported".to_string(),
            ));
        }
        match number(&mut k, "precision")? {
            Some(p) => spec.precision = Some(p),
            None => {
                return Err(bad(
                    dot,
                    k.min(chars.len()).max(dot + 1),
                    "`.` must be followed by a precision (digits)".to_string(),
                ))
            }
        }
    }
    if let Some(c) = at(k) {
        match Conv::ALL
            .iter()
            .find(|v| v.letter().starts_with(c) && !v.letter().is_empty())
        {
            Some(&conv) => {
                spec.conv = conv;
                k += 1;
            }
            None if c == '?' => {
                let mut e = bad(
                    k,
                    k + 1,
                    "`?` (debug formatting) is not a format type here".to_string(),
                );
                e.help = Some("`{}` already writes the display format".to_string());
                return Err(e);
            }
            None => {}
        }
    }
    if k < chars.len() {
        let mut e = bad(
            k,
            chars.len(),
            format!("unexpected `{}` in the format spec", &s[pos(k)..]),
        );
        e.help = Some(
            "a spec is `[[fill]align][+][#][0][width][.precision][type]`, type one of x X o b e E"
                .to_string(),
        );
        return Err(e);
    }
    Ok(spec)
}

/// Whether `spec` fits an argument of category `cat`: `Err` says which part does not.
pub fn check_fit(spec: &Spec, cat: Category) -> Result<(), String> {
    let what = match cat {
        Category::Int => "an integer",
        Category::Float => "a float",
        Category::Str => "a string",
        Category::Bool => "a bool",
        Category::Other => "a value of this type",
    };
    if spec.conv.is_radix() && cat != Category::Int {
        return Err(format!(
            "`{}` formats integers only, not {what}",
            spec.conv.letter()
        ));
    }
    if matches!(spec.conv, Conv::LowerExp | Conv::UpperExp) && cat != Category::Float {
        return Err(format!(
            "`{}` formats floats only, not {what}",
            spec.conv.letter()
        ));
    }
    if spec.alt && !spec.conv.is_radix() {
        return Err("`#` applies only with `x`, `X`, `o` or `b`".to_string());
    }
    if spec.plus && !cat.numeric() {
        return Err(format!("`+` applies to numbers only, not {what}"));
    }
    if spec.zero && !cat.numeric() {
        return Err(format!(
            "`0` (zero padding) applies to numbers only, not {what}"
        ));
    }
    if spec.precision.is_some() && !matches!(cat, Category::Float | Category::Str) {
        return Err(format!(
            "a precision applies to floats (digits after the point) and strings (characters kept), not {what}"
        ));
    }
    Ok(())
}

// ---- plans ------------------------------------------------------------------------------

/// A checked format: literal text and, per argument, its type code and spec.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// `(text before the argument, its type code, its spec)`, one per argument in order.
    pub args: Vec<(String, TypeCode, Spec)>,
    /// The text after the last argument.
    pub tail: String,
}

/// Why a format string and the argument types do not make a plan (at run time: the
/// message of E0618).
#[derive(Clone, Debug, PartialEq)]
pub enum PlanError {
    Parse(FormatError),
    /// (placeholders, arguments)
    Count(usize, usize),
    /// (argument index, its type code, what does not fit)
    Fit(usize, TypeCode, String),
}

/// What a bad computed format string is: the `a` operand of fault E0618.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i64)]
pub enum BadFormat {
    /// `b`: the byte offset of the `{`.
    Unclosed = 1,
    /// `b`: the byte offset of the `}`.
    LoneClose = 2,
    /// `b`: the byte offset of the placeholder's `{`.
    Spec = 3,
    /// `b`: the byte offset of the placeholder's `{`.
    Positional = 4,
    /// `b`: placeholders << 32 | arguments.
    Count = 5,
    /// `b`: placeholder index << 32 | the argument's type code.
    Fit = 6,
}

impl PlanError {
    /// The operands `(a, b)` of fault E0618 (see [`BadFormat`]).
    pub fn operands(&self) -> (i64, i64) {
        match self {
            PlanError::Parse(e) => {
                let kind = match e.kind {
                    ErrorKind::LoneClose => BadFormat::LoneClose,
                    ErrorKind::Unclosed => BadFormat::Unclosed,
                    ErrorKind::Spec => BadFormat::Spec,
                    ErrorKind::Positional => BadFormat::Positional,
                };
                (kind as i64, e.at as i64)
            }
            PlanError::Count(p, a) => (BadFormat::Count as i64, ((*p as i64) << 32) | *a as i64),
            PlanError::Fit(i, code, _) => {
                (BadFormat::Fit as i64, ((*i as i64) << 32) | code.0 as i64)
            }
        }
    }
}

/// The message of fault E0618 with operands `a`, `b` (see [`BadFormat`]).
pub fn bad_format_message(a: i64, b: i64) -> String {
    let hi = (b >> 32) as u64;
    let lo = b as u32 as u64;
    let plural = |n: u64, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    match a {
        1 => format!("bad format string: the `{{` at byte {b} is never closed (write `{{{{` for a literal brace)"),
        2 => format!("bad format string: a lone `}}` at byte {b} (write `}}}}` for a literal brace)"),
        3 => format!("bad format string: the placeholder at byte {b} has a malformed spec"),
        4 => format!(
            "bad format string: the placeholder at byte {b} names an argument; placeholders take the arguments in order (`{{}}`)"
        ),
        5 => format!(
            "bad format string: it has {} but {} {} given",
            plural(hi, "placeholder"),
            plural(lo, "argument"),
            if lo == 1 { "was" } else { "were" }
        ),
        6 => format!(
            "bad format string: the spec of placeholder {} does not fit its argument of type {}",
            hi + 1,
            TypeCode(lo as u32).name()
        ),
        _ => "bad format string".to_string(),
    }
}

/// Bytes of one encoded argument record.
const RECORD: usize = 24;

impl Plan {
    /// The plan of `fmt` for arguments of types `codes`.
    pub fn new(fmt: &str, codes: &[TypeCode]) -> Result<Plan, PlanError> {
        let pieces = parse(fmt).map_err(PlanError::Parse)?;
        Plan::from_pieces(pieces, codes)
    }

    /// The plan of parsed pieces for arguments of types `codes`.
    pub fn from_pieces(pieces: Vec<Piece>, codes: &[TypeCode]) -> Result<Plan, PlanError> {
        let n = pieces
            .iter()
            .filter(|p| matches!(p, Piece::Arg { .. }))
            .count();
        if n != codes.len() {
            return Err(PlanError::Count(n, codes.len()));
        }
        let mut plan = Plan {
            args: Vec::with_capacity(n),
            tail: String::new(),
        };
        let mut text = String::new();
        for p in pieces {
            match p {
                Piece::Lit(s) => text.push_str(&s),
                Piece::Arg { spec, .. } => {
                    let i = plan.args.len();
                    let code = codes[i];
                    check_fit(&spec, Category::of(code))
                        .map_err(|why| PlanError::Fit(i, code, why))?;
                    plan.args.push((std::mem::take(&mut text), code, spec));
                }
            }
        }
        plan.tail = text;
        Ok(plan)
    }

    /// The plan as constant bytes: `u32` argument count; per argument a 24-byte record
    /// (text length, type code, fill, width, precision (`u32::MAX`: none), flags: align
    /// 2 bits, `+`, `#`, `0`, the conversion in bits 5-7); the tail's length; then all
    /// the text. Little-endian.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut text = Vec::new();
        let put = |out: &mut Vec<u8>, v: u32| out.extend_from_slice(&v.to_le_bytes());
        put(&mut out, self.args.len() as u32);
        for (lit, code, spec) in &self.args {
            put(&mut out, lit.len() as u32);
            put(&mut out, code.0);
            put(&mut out, spec.fill as u32);
            put(&mut out, spec.width);
            put(&mut out, spec.precision.unwrap_or(u32::MAX));
            let align = match spec.align {
                None => 0,
                Some(Align::Left) => 1,
                Some(Align::Center) => 2,
                Some(Align::Right) => 3,
            };
            let conv = Conv::ALL.iter().position(|&c| c == spec.conv).unwrap_or(0) as u32;
            let flags = align
                | (spec.plus as u32) << 2
                | (spec.alt as u32) << 3
                | (spec.zero as u32) << 4
                | conv << 5;
            put(&mut out, flags);
            text.extend_from_slice(lit.as_bytes());
        }
        put(&mut out, self.tail.len() as u32);
        text.extend_from_slice(self.tail.as_bytes());
        out.extend_from_slice(&text);
        out
    }
}

/// A plan read from its bytes, borrowing its text.
struct Decoded<'a> {
    bytes: &'a [u8],
    n: usize,
}

impl<'a> Decoded<'a> {
    fn new(bytes: &'a [u8]) -> Option<Decoded<'a>> {
        let n = word(bytes, 0)? as usize;
        // Records and the tail's length must be there.
        let text_at = n.checked_mul(RECORD)?.checked_add(8)?;
        (text_at <= bytes.len()).then_some(Decoded { bytes, n })
    }

    /// The arguments' records `(text length, code, spec)`, then the tail's length.
    fn record(&self, i: usize) -> Option<(usize, TypeCode, Spec)> {
        let at = 4 + i * RECORD;
        let w = |k: usize| word(self.bytes, at + 4 * k);
        let flags = w(5)?;
        let spec = Spec {
            fill: char::from_u32(w(2)?)?,
            align: match flags & 3 {
                1 => Some(Align::Left),
                2 => Some(Align::Center),
                3 => Some(Align::Right),
                _ => None,
            },
            plus: flags & 4 != 0,
            alt: flags & 8 != 0,
            zero: flags & 16 != 0,
            width: w(3)?.min(MAX_WIDTH),
            precision: Some(w(4)?)
                .filter(|&p| p != u32::MAX)
                .map(|p| p.min(MAX_WIDTH)),
            conv: *Conv::ALL.get((flags >> 5) as usize)?,
        };
        Some((w(0)? as usize, TypeCode(w(1)?), spec))
    }

    fn tail_len(&self) -> Option<usize> {
        word(self.bytes, 4 + self.n * RECORD).map(|v| v as usize)
    }

    fn text(&self) -> &'a [u8] {
        &self.bytes[(8 + self.n * RECORD).min(self.bytes.len())..]
    }
}

fn word(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

// ---- formatting -------------------------------------------------------------------------

/// A `String` that stops growing at the per-value limit, counting the bytes the whole
/// text would need (`needed`), so a fault can name them.
struct Capped {
    text: String,
    needed: u64,
}

impl Capped {
    fn new() -> Capped {
        Capped {
            text: String::new(),
            needed: 0,
        }
    }

    fn over(&self) -> bool {
        self.needed > MAX_STRING_BYTES as u64
    }

    fn push(&mut self, s: &str) {
        self.needed = self.needed.saturating_add(s.len() as u64);
        if !self.over() {
            self.text.push_str(s);
        }
    }

    fn fill(&mut self, c: char, n: usize) {
        let mut buf = [0u8; 4];
        let s = c.encode_utf8(&mut buf);
        let bytes = (n as u64).saturating_mul(s.len() as u64);
        self.needed = self.needed.saturating_add(bytes);
        if !self.over() {
            for _ in 0..n {
                self.text.push_str(s);
            }
        }
    }
}

impl Write for Capped {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.push(s);
        Ok(())
    }
}

/// Write `body` (whose sign and radix prefix are `prefix`) padded to the spec's width.
/// `numeric`: the `0` flag applies (zeros after the prefix) and the default alignment
/// is right.
fn pad(out: &mut Capped, spec: &Spec, prefix: &str, body: &str, numeric: bool) {
    let len = prefix.chars().count() + body.chars().count();
    let missing = (spec.width as usize).saturating_sub(len);
    if numeric && spec.zero {
        out.push(prefix);
        out.fill('0', missing);
        out.push(body);
        return;
    }
    let align = spec
        .align
        .unwrap_or(if numeric { Align::Right } else { Align::Left });
    let (before, after) = match align {
        Align::Left => (0, missing),
        Align::Right => (missing, 0),
        Align::Center => (missing / 2, missing - missing / 2),
    };
    out.fill(spec.fill, before);
    out.push(prefix);
    out.push(body);
    out.fill(spec.fill, after);
}

/// An integer's bits as its kind reads them: (negative, magnitude, the bits at the
/// type's width for radix conversions).
fn int_parts(kind: Kind, bits: u64) -> (bool, u64, u64) {
    let signed = |v: i64, width: u32| {
        let mask = if width == 64 {
            u64::MAX
        } else {
            (1 << width) - 1
        };
        (v < 0, v.unsigned_abs(), v as u64 & mask)
    };
    match kind {
        Kind::I8 => signed(bits as i8 as i64, 8),
        Kind::I16 => signed(bits as i16 as i64, 16),
        Kind::I32 => signed(bits as i32 as i64, 32),
        Kind::I64 => signed(bits as i64, 64),
        Kind::U8 => (false, bits as u8 as u64, bits as u8 as u64),
        Kind::U16 => (false, bits as u16 as u64, bits as u16 as u64),
        Kind::U32 => (false, bits as u32 as u64, bits as u32 as u64),
        _ => (false, bits, bits),
    }
}

fn format_int(out: &mut Capped, spec: &Spec, kind: Kind, bits: u64) {
    let (neg, mag, raw) = int_parts(kind, bits);
    let sign = if neg && spec.conv == Conv::Display {
        "-"
    } else if spec.plus {
        "+"
    } else {
        ""
    };
    let radix = match spec.conv {
        Conv::LowerHex | Conv::UpperHex if spec.alt => "0x",
        Conv::Octal if spec.alt => "0o",
        Conv::Binary if spec.alt => "0b",
        _ => "",
    };
    let digits_into = |w: &mut dyn Write| {
        let _ = match spec.conv {
            Conv::LowerHex => write!(w, "{raw:x}"),
            Conv::UpperHex => write!(w, "{raw:X}"),
            Conv::Octal => write!(w, "{raw:o}"),
            Conv::Binary => write!(w, "{raw:b}"),
            _ => write!(w, "{mag}"),
        };
    };
    if spec.width == 0 {
        // Nothing to pad: straight into the result.
        out.push(sign);
        out.push(radix);
        digits_into(out);
        return;
    }
    let mut body = String::new();
    digits_into(&mut body);
    let prefix = format!("{sign}{radix}");
    pad(out, spec, &prefix, &body, true);
}

/// Write a float's text without its sign: `{:?}` (the display format) or fixed digits
/// or exponent form.
fn float_body<F, W>(out: &mut W, x: F, spec: &Spec)
where
    F: std::fmt::Debug + std::fmt::Display + std::fmt::LowerExp + std::fmt::UpperExp,
    W: Write + ?Sized,
{
    let _ = match (spec.conv, spec.precision) {
        (Conv::LowerExp, Some(p)) => write!(out, "{x:.*e}", p as usize),
        (Conv::LowerExp, None) => write!(out, "{x:e}"),
        (Conv::UpperExp, Some(p)) => write!(out, "{x:.*E}", p as usize),
        (Conv::UpperExp, None) => write!(out, "{x:E}"),
        (_, Some(p)) => write!(out, "{x:.*}", p as usize),
        (_, None) => write!(out, "{x:?}"),
    };
}

fn format_float(out: &mut Capped, spec: &Spec, x: f64, f32_text: Option<f32>) {
    let sign = if x.is_nan() {
        ""
    } else if x.is_sign_negative() {
        "-"
    } else if spec.plus {
        "+"
    } else {
        ""
    };
    let body_into = |w: &mut dyn Write| match f32_text {
        Some(v) => float_body(w, v.abs(), spec),
        None => float_body(w, x.abs(), spec),
    };
    if spec.width == 0 {
        // Nothing to pad: straight into the result.
        out.push(sign);
        body_into(out);
        return;
    }
    let mut body = String::new();
    body_into(&mut body);
    if x.is_finite() {
        pad(out, spec, sign, &body, true);
    } else {
        // NaN and infinities: never zero-padded.
        let spec = Spec {
            zero: false,
            fill: if spec.zero { ' ' } else { spec.fill },
            align: if spec.zero { None } else { spec.align },
            ..*spec
        };
        pad(out, &spec, sign, &body, true);
    }
}

/// Format the value of type `code` at `p` (its memory layout) by `spec`.
///
/// # Safety
/// `p` must point to a valid value of type `code` whose strings and lists are readable.
unsafe fn format_value(out: &mut Capped, code: TypeCode, p: *const u8, spec: &Spec) {
    match code.shape() {
        Some(Shape::Opt(inner)) => {
            let none = if inner.is_pair() {
                (p as *const RtStr).read_unaligned().len == NONE_LEN
            } else {
                p.add(inner.layout().0 as usize).read() == 0
            };
            if none {
                let numeric = Category::of(inner).numeric();
                let spec = Spec {
                    zero: false,
                    ..*spec
                };
                pad(out, &spec, "", "none", numeric);
            } else {
                format_value(out, inner, p, spec)
            }
        }
        Some(Shape::Scalar(k)) if Category::of(code) != Category::Other => {
            let bits = match k.layout().0 {
                1 => p.read() as u64,
                2 => (p as *const u16).read_unaligned() as u64,
                4 => (p as *const u32).read_unaligned() as u64,
                8 => (p as *const u64).read_unaligned(),
                _ => 0,
            };
            match Category::of(code) {
                Category::Float if k == Kind::F32 => {
                    let v = f32::from_bits(bits as u32);
                    format_float(out, spec, v as f64, Some(v))
                }
                Category::Float => format_float(out, spec, f64::from_bits(bits), None),
                Category::Bool => {
                    let text = if bits & 1 != 0 { "true" } else { "false" };
                    pad(out, spec, "", text, false)
                }
                Category::Str => {
                    let s = (p as *const RtStr).read_unaligned();
                    let text = str_from_raw(s.ptr, s.len);
                    let text = match spec.precision {
                        Some(n) => match text.char_indices().nth(n as usize) {
                            Some((end, _)) => &text[..end],
                            None => text,
                        },
                        None => text,
                    };
                    pad(out, spec, "", text, false)
                }
                _ => format_int(out, spec, k, bits),
            }
        }
        _ => {
            // Lists and any other type: the display format, padded.
            if spec.width == 0 {
                let _ = write_value(out, code, p, false);
                return;
            }
            let mut text = Capped::new();
            let _ = write_value(&mut text, code, p, false);
            if text.over() {
                out.needed = out.needed.saturating_add(text.needed);
                return;
            }
            pad(out, spec, "", &text.text, false);
        }
    }
}

/// The bytes of an argument cell: each is 16 bytes holding the value in its memory
/// layout.
const CELL: usize = 16;

/// Format by `plan` bytes the `n` arguments in cells at `args`.
///
/// # Safety
/// `args` must hold `n` cells whose values have the plan's types.
unsafe fn run_plan(plan: &[u8], args: *const u8, n: usize) -> Option<Capped> {
    run_plan_into(plan, args, n, String::new())
}

/// [`run_plan`] into `buf` (cleared first; its capacity reused).
///
/// # Safety
/// As [`run_plan`].
unsafe fn run_plan_into(plan: &[u8], args: *const u8, n: usize, mut buf: String) -> Option<Capped> {
    let d = Decoded::new(plan)?;
    if d.n != n {
        return None;
    }
    let text = d.text();
    let mut at = 0usize;
    let mut take = |len: usize| -> Option<&str> {
        let s = text.get(at..at.checked_add(len)?)?;
        at += len;
        std::str::from_utf8(s).ok()
    };
    buf.clear();
    buf.reserve(text.len() + 24 * n);
    let mut out = Capped {
        text: buf,
        needed: 0,
    };
    for i in 0..n {
        let (lit, code, spec) = d.record(i)?;
        out.push(take(lit)?);
        format_value(&mut out, code, args.add(i * CELL), &spec);
    }
    out.push(take(d.tail_len()?)?);
    Some(out)
}

/// Format `plan`'s arguments from cells (no format-string parsing).
///
/// # Safety
/// `args` must hold `n` cells of the plan's argument types.
pub unsafe fn format_with_plan(plan: &[u8], args: *const u8, n: usize) -> Option<String> {
    run_plan(plan, args, n)
        .filter(|c| !c.over())
        .map(|c| c.text)
}

thread_local! {
    /// The text of the last `format` on this thread, kept for its capacity: a call
    /// formats into it and copies the result into the arena.
    static SCRATCH: std::cell::Cell<String> = const { std::cell::Cell::new(String::new()) };
}

/// The most capacity [`SCRATCH`] keeps between calls.
const SCRATCH_KEEP: usize = 1 << 16;

/// Format by `plan` into the thread's scratch buffer, then [`finish`].
///
/// # Safety
/// As [`run_plan`]; `c` the live run context.
unsafe fn format_and_finish(
    c: &mut RunCtx,
    span: u32,
    plan: &[u8],
    args: *const u8,
    n: usize,
    out: *mut RtStr,
) {
    let buf = SCRATCH.with(|b| b.take());
    let done = run_plan_into(plan, args, n, buf);
    if let Some(text) = finish(c, span, done, out) {
        if text.capacity() <= SCRATCH_KEEP {
            SCRATCH.with(|b| b.set(text));
        }
    }
}

/// Record the outcome of a plan's run in `out` (or its fault); gives back the text's
/// buffer.
unsafe fn finish(
    c: &mut RunCtx,
    span: u32,
    done: Option<Capped>,
    out: *mut RtStr,
) -> Option<String> {
    let empty = RtStr {
        ptr: std::ptr::null(),
        len: 0,
    };
    let Some(text) = done else {
        c.record(FaultRecord {
            fault: Fault::BadFormat,
            span,
            a: 0,
            b: 0,
            message: Some("internal error: a malformed format plan".to_string()),
        });
        out.write(empty);
        return None;
    };
    if text.over() {
        c.record(FaultRecord {
            fault: Fault::TooLarge,
            span,
            a: text.needed.min(i64::MAX as u64) as i64,
            b: 0,
            message: None,
        });
        out.write(empty);
        return None;
    }
    out.write(c.value_bytes(span, text.text.as_bytes()).unwrap_or(empty));
    Some(text.text)
}

/// `format(fmt, args...)` with a literal `fmt`: `plan` is its [`Plan::encode`]d bytes
/// (constant data of the module), `args` `n` 16-byte cells holding the arguments in
/// their memory layout. May fault: size (E0609), memory (E0616).
///
/// # Safety
/// `ctx` is the live run context; `plan` points to `plan_len` bytes; `args` to `n`
/// cells of the plan's types.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_format(
    ctx: *mut RunCtx,
    span: u32,
    plan: *const u8,
    plan_len: i64,
    args: *const u8,
    n: i64,
    out: *mut RtStr,
) {
    let c = &mut *ctx;
    let plan = if plan.is_null() || plan_len <= 0 {
        &[][..]
    } else {
        std::slice::from_raw_parts(plan, plan_len as usize)
    };
    format_and_finish(c, span, plan, args, n.max(0) as usize, out);
}

/// `format(fmt, args...)` with a computed `fmt` (`fmt_ptr`, `fmt_len`), parsed now
/// against the arguments' type codes `codes` (`n` of them); a bad one is fault E0618
/// at `fmt_span` (the format string's), its operands saying what is wrong
/// ([`BadFormat`]). Size and memory faults are at `span` (the call's).
///
/// # Safety
/// As [`kiln_rt_format`]; `codes` points to `n` `u32`s.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_format_dyn(
    ctx: *mut RunCtx,
    span: u32,
    fmt_span: u32,
    fmt: *const u8,
    fmt_len: i64,
    codes: *const u32,
    args: *const u8,
    n: i64,
    out: *mut RtStr,
) {
    let c = &mut *ctx;
    let n = n.max(0) as usize;
    let codes: Vec<TypeCode> = (0..n).map(|i| TypeCode(codes.add(i).read())).collect();
    let fmt = str_from_raw(fmt, fmt_len);
    match Plan::new(fmt, &codes) {
        Ok(plan) => {
            let bytes = plan.encode();
            format_and_finish(c, span, &bytes, args, n, out);
        }
        Err(e) => {
            let (a, b) = e.operands();
            c.record(FaultRecord {
                fault: Fault::BadFormat,
                span: fmt_span,
                a,
                b,
                message: None,
            });
            out.write(RtStr {
                ptr: std::ptr::null(),
                len: 0,
            });
        }
    }
}

// ---- round ------------------------------------------------------------------------------

/// `round(x, digits)`: `x` rounded half away from zero to `digits` decimals, where the
/// half is judged on the shortest decimal text that reads back as `x` (what `{}`
/// shows): `round(2.675, 2)` is 2.68. The rounded decimal is read back correctly
/// rounded; NaN and infinities are unchanged.
pub fn round_decimal(shortest: &str, digits: i64) -> Option<String> {
    // `shortest` is `{:e}` of a finite value: `[-]D[.DDD]e[-]X`.
    let (neg, s) = match shortest.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, shortest),
    };
    let (mant, exp) = s.split_once('e')?;
    let exp: i64 = exp.parse().ok()?;
    let mut ds: Vec<u8> = mant.bytes().filter(|b| b.is_ascii_digit()).collect();
    // value = 0.d1d2d3... * 10^(exp + 1)
    let point = exp + 1;
    // Keep the digits before position `point + digits`.
    let keep = point.saturating_add(digits);
    let sign = if neg { "-" } else { "" };
    if keep >= ds.len() as i64 {
        return None; // nothing to round away
    }
    if keep < 0 {
        return Some(format!("{sign}0"));
    }
    let keep = keep as usize;
    let up = ds[keep] >= b'5';
    ds.truncate(keep);
    let mut point = point;
    if up {
        // Carry into the kept digits.
        let mut i = ds.len();
        loop {
            if i == 0 {
                ds.insert(0, b'1');
                point += 1;
                break;
            }
            i -= 1;
            if ds[i] == b'9' {
                ds[i] = b'0';
            } else {
                ds[i] += 1;
                break;
            }
        }
    }
    if ds.is_empty() {
        return Some(format!("{sign}0"));
    }
    let digits = std::str::from_utf8(&ds).ok()?;
    Some(format!("{sign}0.{digits}e{point}"))
}

/// `round(x, digits)` of an f64.
pub fn round_f64(x: f64, digits: i64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    match round_decimal(&format!("{x:e}"), digits) {
        Some(text) => text.parse().unwrap_or(x),
        None => x,
    }
}

/// `round(x, digits)` of an f32 (its own shortest text: `round(0.1f32, 5)` is 0.1).
pub fn round_f32(x: f32, digits: i64) -> f32 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    match round_decimal(&format!("{x:e}"), digits) {
        Some(text) => text.parse().unwrap_or(x),
        None => x,
    }
}

/// `round(x, digits)`: `kind` F32 or F64, `x` its bits; the result's bits.
#[no_mangle]
pub extern "C" fn kiln_rt_round_to(kind: u32, x: u64, digits: i64) -> u64 {
    if kind == Kind::F32 as u32 {
        round_f32(f32::from_bits(x as u32), digits).to_bits() as u64
    } else {
        round_f64(f64::from_bits(x), digits).to_bits()
    }
}

#[cfg(test)]
mod tests;
