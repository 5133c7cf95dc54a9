//! Issue 15: the literal arguments of the regular-expression and character functions,
//! checked when the program compiles.
//!
//! A literal pattern is parsed with the parser the `regex` crate uses (`regex-syntax`),
//! so an error points at the exact characters inside the literal the parser complains
//! about (E0255, with the crate's message), then compiled into the runtime's
//! process-wide table of literal patterns (`kiln_runtime::regex::literal`), where the
//! generated code's call sites find it: a pattern over the crate's size limit is E0256,
//! and the JIT's first run compiles nothing. `char_code` of a literal that is not one
//! character (E0257) and `from_char_code` of a literal that is no character's code
//! (E0258) are compile errors too; computed arguments fault at run time (E0614, E0620).

use super::check::Checker;
use super::hir::{self, Builtin, ExprKind, LibFn};
use super::suggest::closest;
use super::ty::{IntTy, Ty};
use crate::diag::Diagnostic;
use crate::span::Span;
use regex_syntax::ast::ErrorKind as AstKind;
use regex_syntax::hir::ErrorKind as HirKind;

/// Unicode property names `\p{...}` near misses are compared with (the common ones:
/// general categories, scripts, binary properties).
const PROPERTIES: &[&str] = &[
    "Alphabetic",
    "Letter",
    "Lowercase_Letter",
    "Uppercase_Letter",
    "Titlecase_Letter",
    "Number",
    "Decimal_Number",
    "Punctuation",
    "Symbol",
    "Separator",
    "Space_Separator",
    "Control",
    "Mark",
    "Other",
    "Lowercase",
    "Uppercase",
    "White_Space",
    "Whitespace",
    "Emoji",
    "Digit",
    "Latin",
    "Greek",
    "Cyrillic",
    "Armenian",
    "Hebrew",
    "Arabic",
    "Devanagari",
    "Bengali",
    "Thai",
    "Georgian",
    "Hangul",
    "Hiragana",
    "Katakana",
    "Han",
    "Common",
    "Inherited",
    "Math",
    "Currency_Symbol",
    "Dash_Punctuation",
    "Any",
    "ASCII",
    "Assigned",
];

/// What to do about a pattern the parser rejects, by the parser's error.
fn pattern_help(kind: &str, ast: Option<&AstKind>) -> String {
    let syntax = "the syntax is the regex crate's: https://docs.rs/regex/latest/regex/#syntax";
    match ast {
        Some(AstKind::UnsupportedLookAround) => "look-around (`(?=`, `(?!`, `(?<=`, `(?<!`) is not supported: the regex crate matches in linear time, which look-around would break; match more and take the part you need with `captures`, or test a second pattern with `matches`".into(),
        Some(AstKind::UnsupportedBackreference) => "backreferences are not supported: the regex crate matches in linear time; capture both parts with `captures` and compare them with `==`".into(),
        Some(AstKind::GroupUnclosed) => "close the group with `)`, or escape a literal parenthesis as `\\\\(` (a backslash in a Kiln string is written `\\\\`)".into(),
        Some(AstKind::GroupUnopened) => "remove this `)`, or escape a literal one as `\\\\)`".into(),
        Some(AstKind::ClassUnclosed) => "close the character class with `]`, or escape a literal bracket as `\\\\[`".into(),
        Some(AstKind::RepetitionMissing) => "`*`, `+`, `?` and `{n}` repeat what comes before them, and nothing does here: escape the character to match it literally (`\\\\*`)".into(),
        Some(AstKind::EscapeUnrecognized) => format!("this is not an escape the regex crate knows (it has \\d \\w \\s \\b \\n \\t \\x{{...}} \\p{{...}} and escaped punctuation); {syntax}"),
        Some(AstKind::GroupNameDuplicate { .. }) => "give each group its own name: a name is how `${name}` in `replace_all` picks one group".into(),
        Some(AstKind::FlagUnrecognized) => "the flags are i (case-insensitive), m (multi-line), s (`.` matches newlines), U (swap greedy), u (Unicode), x (verbose), R (CRLF): `(?i)abc`".into(),
        _ if kind.contains("Unicode") => format!("{syntax}; Unicode classes are listed at https://docs.rs/regex/latest/regex/#unicode"),
        _ => syntax.into(),
    }
}

/// The `\p{...}` or `\pX` name in `text` (an error's span of the pattern).
fn property_name(text: &str) -> Option<&str> {
    let rest = text
        .strip_prefix("\\p")
        .or_else(|| text.strip_prefix("\\P"))?;
    let name = match rest.strip_prefix('{') {
        Some(inner) => inner.strip_suffix('}').unwrap_or(inner),
        None => rest,
    };
    let name = name.rsplit(['=', ':']).next().unwrap_or(name).trim();
    (!name.is_empty()).then_some(name)
}

impl Checker<'_> {
    /// Check the literal arguments of a call of `op`; false when one was reported (the
    /// call then becomes an error node, so nothing follows on).
    pub(super) fn text_literals_ok(&mut self, op: Builtin, args: &[hir::Expr]) -> bool {
        let Builtin::Lib(f) = op else {
            return true;
        };
        match f {
            LibFn::Matches
            | LibFn::FindMatch
            | LibFn::Captures
            | LibFn::ReplaceAll
            | LibFn::SplitRe => match args.get(1) {
                Some(
                    lit @ hir::Expr {
                        kind: ExprKind::Str(pattern),
                        ..
                    },
                ) => self.pattern_ok(lit.span, pattern),
                _ => true,
            },
            LibFn::CharCode => match args.first() {
                Some(hir::Expr {
                    kind: ExprKind::Str(s),
                    span,
                    ..
                }) => self.one_char_ok(*span, s),
                _ => true,
            },
            LibFn::FromCharCode => match args.first() {
                Some(hir::Expr {
                    kind: ExprKind::Int(bits),
                    ty: Ty::Int(IntTy::I64),
                    span,
                }) => self.char_code_ok(*span, *bits as i64),
                _ => true,
            },
            _ => true,
        }
    }

    /// A literal pattern: parsed (E0255 pointing into it), then compiled into the
    /// runtime's table of literal patterns (E0256 over the size limit).
    fn pattern_ok(&mut self, literal: Span, pattern: &str) -> bool {
        if let Err(err) = regex_syntax::Parser::new().parse(pattern) {
            let (kind, range, ast, aux) = match &err {
                regex_syntax::Error::Parse(e) => (
                    e.kind().to_string(),
                    e.span().start.offset..e.span().end.offset,
                    Some(e.kind()),
                    e.auxiliary_span().map(|s| s.start.offset..s.end.offset),
                ),
                regex_syntax::Error::Translate(e) => (
                    e.kind().to_string(),
                    e.span().start.offset..e.span().end.offset,
                    None,
                    None,
                ),
                other => (other.to_string(), 0..pattern.len(), None, None),
            };
            let at = self.pattern_span(literal, pattern, range.clone());
            let mut d =
                Diagnostic::error("E0255", at, format!("invalid regular expression: {kind}"))
                    .with_label(kind.clone());
            if let Some(aux) = aux {
                let first = self.pattern_span(literal, pattern, aux);
                d = d.with_secondary(first, "first defined here");
            }
            let property_missing = matches!(&err, regex_syntax::Error::Translate(e)
                if matches!(e.kind(), HirKind::UnicodePropertyNotFound | HirKind::UnicodePropertyValueNotFound));
            let near = pattern
                .get(range)
                .and_then(property_name)
                .filter(|_| property_missing)
                .map(|name| closest(name, PROPERTIES.iter().copied(), 2))
                .unwrap_or_default();
            d = match near.as_slice() {
                [] => d.with_help(pattern_help(&kind, ast)),
                names => d.with_help(format!(
                    "did you mean {}?",
                    names
                        .iter()
                        .map(|n| format!("`\\p{{{n}}}`"))
                        .collect::<Vec<_>>()
                        .join(" or ")
                )),
            };
            self.error(d);
            return false;
        }
        match kiln_runtime::regex::literal(pattern) {
            Ok(_) => true,
            Err(err) => {
                let why = kiln_runtime::regex::reason(pattern, &err);
                let (code, message) = match err {
                    regex::Error::CompiledTooBig(_) => ("E0256", "regular expression too big"),
                    _ => ("E0255", "invalid regular expression"),
                };
                self.error(
                    Diagnostic::error(code, literal, format!("{message}: {why}"))
                        .with_label("this pattern")
                        .with_help("use smaller repetition counts (`{1000}` copies what it repeats 1000 times), fewer nested repetitions, or ASCII classes where Unicode is not needed (`(?-u:\\\\w)` instead of `\\\\w`); or split the work between several patterns"),
                );
                false
            }
        }
    }

    /// The source span of bytes `range` of the literal `pattern` (at `literal`): at least
    /// one character (an empty range at the end points at the last one).
    fn pattern_span(&self, literal: Span, pattern: &str, range: std::ops::Range<usize>) -> Span {
        let mut range = range.start.min(pattern.len())..range.end.min(pattern.len());
        if range.is_empty() {
            let next = pattern[range.start..].chars().next();
            let prev = pattern[..range.start].chars().next_back();
            range = match (next, prev) {
                (Some(c), _) => range.start..range.start + c.len_utf8(),
                (None, Some(c)) => range.start - c.len_utf8()..range.start,
                (None, None) => range,
            };
        }
        self.string_span(literal, range)
    }

    /// `char_code` of a literal: exactly one character (E0257).
    fn one_char_ok(&mut self, span: Span, s: &str) -> bool {
        let n = s.chars().count();
        if n == 1 {
            return true;
        }
        let help = match n {
            0 => "give one character, e.g. `char_code(\"a\")`".to_owned(),
            _ => format!(
                "`char_code` reads one character; for each of these {n}, write `map(chars(s), c -> char_code(c))`"
            ),
        };
        self.error(
            Diagnostic::error(
                "E0257",
                span,
                format!("`char_code` needs exactly one character, and {s:?} has {n}"),
            )
            .with_label(format!("{n} characters"))
            .with_help(help),
        );
        false
    }

    /// `from_char_code` of a literal: a Unicode scalar value (E0258).
    fn char_code_ok(&mut self, span: Span, n: i64) -> bool {
        if u32::try_from(n).ok().and_then(char::from_u32).is_some() {
            return true;
        }
        let why = if (0xD800..=0xDFFF).contains(&n) {
            "a surrogate code point, which is not a character"
        } else if n < 0 {
            "negative"
        } else {
            "above 0x10FFFF, the largest code point"
        };
        self.error(
            Diagnostic::error(
                "E0258",
                span,
                format!("{n} is not a Unicode scalar value"),
            )
            .with_label(format!("this is {why}"))
            .with_help("a character's code is 0 to 0x10FFFF (1114111), without the surrogates 0xD800 to 0xDFFF"),
        );
        false
    }
}
