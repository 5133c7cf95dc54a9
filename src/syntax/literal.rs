//! Number and string literals: validation and conversion of the token text.
//!
//! The grammar lexes numbers permissively (`digits`, letters, `_`, `.`, an exponent), so
//! every malformed literal arrives here and gets a precise E0005 diagnostic. String bodies
//! arrive with their escapes undecoded; bad escapes give E0004.

use super::ast::{Escape, ExprKind, NumSuffix};
use crate::diag::Diagnostic;
use crate::span::Span;

const SUFFIX_HELP: &str = "valid suffixes are i8, i16, i32, i64, u8, u16, u32, u64, f32 and f64";

fn bad_number(span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::error("E0005", span, message)
}

/// `true` if every run of `_` in `digits` (digits and `_` only) sits between two digits.
fn underscores_ok(digits: &str) -> bool {
    !digits.starts_with('_') && !digits.ends_with('_')
}

fn underscore_error(span: Span) -> Diagnostic {
    bad_number(span, "`_` in a number literal must be between digits")
        .with_label("misplaced `_`")
        .with_help("write underscores only between two digits, as in `1_000`")
}

fn parse_suffix(
    text: &str,
    suffix: &str,
    span: Span,
) -> Result<Option<NumSuffix>, Box<Diagnostic>> {
    if suffix.is_empty() {
        return Ok(None);
    }
    if let Some(s) = NumSuffix::parse(suffix) {
        return Ok(Some(s));
    }
    let d = if suffix.starts_with('_') {
        underscore_error(span)
    } else {
        bad_number(
            span,
            format!("invalid suffix `{suffix}` on number literal `{text}`"),
        )
        .with_label("invalid suffix")
        .with_help(SUFFIX_HELP)
    };
    Err(Box::new(d))
}

/// Accumulate digits in `radix` into a u128, `None` on overflow. `_` is skipped.
fn accumulate(digits: &str, radix: u32) -> Option<u128> {
    let mut v: u128 = 0;
    for c in digits.chars().filter(|&c| c != '_') {
        let d = c.to_digit(radix)? as u128;
        v = v.checked_mul(radix as u128)?.checked_add(d)?;
    }
    Some(v)
}

fn too_large(span: Span) -> Diagnostic {
    bad_number(span, "integer literal is too large").with_label("does not fit in 128 bits")
}

/// Convert a `number` token (text at byte offset `lo`) into `Int` or `Float`.
pub(crate) fn parse_number(text: &str, lo: usize) -> Result<ExprKind, Box<Diagnostic>> {
    let span = Span::new(lo, lo + text.len());
    let b = text.as_bytes();
    if b.len() >= 2 && b[0] == b'0' && (b[1] == b'x' || b[1] == b'b') {
        return parse_radix(text, span);
    }

    // Decimal: int part, optional `.frac`, optional exponent, then the suffix.
    let mut i = 0;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let int_part = &text[..i];
    let mut is_float = false;
    let mut frac_part = "";
    if i < b.len() && b[i] == b'.' {
        is_float = true;
        let start = i + 1;
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
        frac_part = &text[start..i];
    }
    let mut exp_digits = "";
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        if j < b.len() && b[j].is_ascii_digit() {
            let start = j;
            while j < b.len() && (b[j].is_ascii_digit() || b[j] == b'_') {
                j += 1;
            }
            exp_digits = &text[start..j];
            is_float = true;
            i = j;
        }
    }
    let mantissa = &text[..i];
    let suffix_text = &text[i..];

    if !underscores_ok(int_part) || !underscores_ok(frac_part) || !underscores_ok(exp_digits) {
        return Err(Box::new(underscore_error(span)));
    }
    if suffix_text.starts_with(['e', 'E'])
        && NumSuffix::parse(suffix_text).is_none()
        && !suffix_text.starts_with('_')
    {
        return Err(Box::new(
            bad_number(span, format!("missing digits in the exponent of `{text}`"))
                .with_label("expected digits after the exponent")
                .with_help("write the exponent like `1e-3` or `2.5E10`"),
        ));
    }
    let suffix = parse_suffix(text, suffix_text, span)?;

    match suffix {
        Some(s) if s.is_float() => is_float = true,
        Some(s) if is_float => {
            return Err(Box::new(
                bad_number(
                    span,
                    format!("integer suffix `{}` on float literal `{text}`", s.name()),
                )
                .with_label("a float literal cannot have an integer type")
                .with_help("use `f32` or `f64`, or convert with a function such as `i64(x)`"),
            ));
        }
        _ => {}
    }

    if is_float {
        Ok(ExprKind::Float {
            text: mantissa.replace('_', ""),
            suffix,
        })
    } else {
        let value = accumulate(int_part, 10).ok_or_else(|| Box::new(too_large(span)))?;
        Ok(ExprKind::Int { value, suffix })
    }
}

/// `0x...` / `0b...`: the longest run of digits (and `_`) of that radix, then a suffix.
fn parse_radix(text: &str, span: Span) -> Result<ExprKind, Box<Diagnostic>> {
    let (radix, name, prefix) = if text.as_bytes()[1] == b'x' {
        (16, "hexadecimal", "0x")
    } else {
        (2, "binary", "0b")
    };
    let body = &text[2..];
    let end = body
        .find(|c: char| !(c.is_digit(radix) || c == '_'))
        .unwrap_or(body.len());
    let (digits, suffix_text) = body.split_at(end);
    if !digits.bytes().any(|c| c != b'_') {
        return Err(Box::new(
            bad_number(span, format!("missing digits after `{prefix}`"))
                .with_label(format!("{name} literal with no digits")),
        ));
    }
    if radix == 2 {
        if let Some(c) = suffix_text.chars().next().filter(char::is_ascii_digit) {
            let at = span.lo as usize + 2 + end;
            return Err(Box::new(
                bad_number(
                    Span::new(at, at + 1),
                    format!("invalid digit `{c}` in binary literal"),
                )
                .with_label("binary literals use only `0` and `1`"),
            ));
        }
    }
    if !underscores_ok(digits) {
        return Err(Box::new(underscore_error(span)));
    }
    let suffix = parse_suffix(text, suffix_text, span)?;
    if let Some(s) = suffix.filter(|s| s.is_float()) {
        return Err(Box::new(
            bad_number(
                span,
                format!("float suffix `{}` on {name} literal `{text}`", s.name()),
            )
            .with_label(format!("{name} literals take integer suffixes only"))
            .with_help(format!(
                "write the value in decimal, or convert with `{}(x)`",
                s.name()
            )),
        ));
    }
    let value = accumulate(digits, radix).ok_or_else(|| Box::new(too_large(span)))?;
    Ok(ExprKind::Int { value, suffix })
}

const ESCAPE_HELP: &str =
    "valid escapes are `\\\\`, `\\\"`, `\\'`, `\\n`, `\\t`, `\\r`, `\\0` and `\\u{...}`";

/// Decode the escapes of a string body starting at byte offset `lo`. Invalid escapes are
/// reported to `diags` (E0004) and left out of the result; each valid one is listed in
/// `escapes` (where its character went and where its text is).
pub(crate) fn decode_string(
    body: &str,
    lo: usize,
    diags: &mut Vec<Diagnostic>,
    escapes: &mut Vec<Escape>,
) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices().peekable();
    let escape = |out: &str, ch: char, from: usize, to: usize| Escape {
        at: out.len(),
        len: ch.len_utf8(),
        src: lo + from,
        src_len: to - from,
    };
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((j, e)) = chars.next() else {
            // The grammar never ends a body with a lone `\`; be safe anyway.
            diags.push(
                Diagnostic::error(
                    "E0004",
                    Span::new(lo + i, lo + i + 1),
                    "invalid escape `\\`",
                )
                .with_help(ESCAPE_HELP),
            );
            break;
        };
        let simple = match e {
            '\\' => Some('\\'),
            '"' => Some('"'),
            '\'' => Some('\''),
            'n' => Some('\n'),
            't' => Some('\t'),
            'r' => Some('\r'),
            '0' => Some('\0'),
            _ => None,
        };
        if let Some(s) = simple {
            escapes.push(escape(&out, s, i, j + 1));
            out.push(s);
            continue;
        }
        if e != 'u' {
            let shown: String = e.escape_debug().collect();
            diags.push(
                Diagnostic::error(
                    "E0004",
                    Span::new(lo + i, lo + j + e.len_utf8()),
                    format!("invalid escape `\\{shown}`"),
                )
                .with_label("unknown escape")
                .with_help(ESCAPE_HELP),
            );
            continue;
        }
        // `\u{XXXX}`
        let mut end = j + 1; // byte offset just after what we consumed
        if chars.peek().map(|&(_, c)| c) != Some('{') {
            diags.push(
                Diagnostic::error(
                    "E0004",
                    Span::new(lo + i, lo + end),
                    "invalid unicode escape `\\u`",
                )
                .with_label("expected `{` after `\\u`")
                .with_help("write unicode escapes with braces, as in `\\u{1F600}`"),
            );
            continue;
        }
        chars.next();
        end += 1;
        let mut hex = String::new();
        let mut closed = false;
        while let Some(&(k, h)) = chars.peek() {
            if h == '}' {
                chars.next();
                end = k + 1;
                closed = true;
                break;
            }
            if !h.is_ascii_hexdigit() || hex.len() >= 6 {
                break;
            }
            hex.push(h);
            chars.next();
            end = k + 1;
        }
        let span = Span::new(lo + i, lo + end);
        let text = &body[i..end];
        if !closed {
            diags.push(
                Diagnostic::error("E0004", span, format!("invalid unicode escape `{text}`"))
                    .with_label("expected up to 6 hex digits and a closing `}`")
                    .with_help("write unicode escapes as in `\\u{1F600}`"),
            );
            continue;
        }
        if hex.is_empty() {
            diags.push(
                Diagnostic::error("E0004", span, "empty unicode escape `\\u{}`")
                    .with_label("expected 1 to 6 hex digits")
                    .with_help("write unicode escapes as in `\\u{1F600}`"),
            );
            continue;
        }
        let code = u32::from_str_radix(&hex, 16).unwrap_or(u32::MAX);
        match char::from_u32(code) {
            Some(ch) => {
                escapes.push(escape(&out, ch, i, end));
                out.push(ch);
            }
            None => diags.push(
                Diagnostic::error("E0004", span, format!("invalid unicode escape `{text}`"))
                    .with_label(format!("U+{code:X} is not a Unicode scalar value"))
                    .with_note("code points must be at most 10FFFF and not surrogates (D800-DFFF)"),
            ),
        }
    }
    out
}
