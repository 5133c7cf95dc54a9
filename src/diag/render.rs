//! Rendering diagnostics for people (ariadne: a source excerpt with labels) and for
//! tools (one JSON object per diagnostic).
//!
//! The human form, without colour:
//!
//! ```text
//! error[E0203]: literal 300 out of range for u8
//!    ╭─[ t.expr:2:5 ]
//!    │
//!  2 │ x + 300
//!    │ ┬   ─┬─
//!    │ │    ╰─── u8 holds 0 to 255
//!    │ │
//!    │ ╰──────── this is u8
//!    │
//!    │ note: a literal takes the type of the other operand
//!    │ help: write `u16(x) + 300` to compute in a wider type
//! ───╯
//! ```
//!
//! The header is `SEVERITY[CODE]: message`; the location line names `FILE:LINE:COL` of
//! the primary span (1-based, columns count characters, as [`line_col`](crate::span::line_col) does); the
//! primary label says `label` (or the message when `label` is empty); every secondary
//! label is drawn on its own span; then one `note:` line per note and a `help:` line.
//! Every span is clamped into the source first, so no span can make rendering panic.

use super::{Diagnostic, Severity};
use crate::span::{LineIndex, Span};
use ariadne::{Color, Config, IndexType, Label, Report, ReportKind, Source};
use serde_json::{json, Value};
use std::fmt::Write;
use std::ops::Range;

/// ANSI styles of the parts ariadne does not draw.
const STYLE_ERROR: &str = "1;31";
const STYLE_WARNING: &str = "1;33";
const STYLE_MESSAGE: &str = "1";
const STYLE_MARGIN: &str = "38;5;246";
const STYLE_NOTE: &str = "1;36";

/// The word for a severity, as the header and the JSON `severity` field spell it.
pub fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// `span` made safe for `src`: inside it, `lo <= hi`, both on character boundaries
/// (`lo` moves back to the start of its character, `hi` forward to the end of its).
pub fn clamp(span: Span, src: &str) -> Range<usize> {
    let len = src.len();
    let mut lo = (span.lo as usize).min(len);
    while !src.is_char_boundary(lo) {
        lo -= 1;
    }
    if span.hi <= span.lo {
        return lo..lo;
    }
    let mut hi = (span.hi as usize).clamp(lo, len);
    while !src.is_char_boundary(hi) {
        hi += 1;
    }
    lo..hi
}

/// The text ariadne draws. Ariadne also breaks lines at `\r`, vertical tab, form feed,
/// U+0085, U+2028 and U+2029, where Kiln (and [`line_col`](crate::span::line_col)) count only `\n`: each of those
/// becomes whitespace of the same length in bytes and characters, so offsets, line
/// numbers and columns stay Kiln's. A space is appended so that a span at the very end
/// (after a final newline, say) has a line and a column to point at.
fn excerpt_text(src: &str) -> String {
    let mut text: String = src
        .chars()
        .map(|c| match c {
            '\r' | '\x0B' | '\x0C' => ' ',
            '\u{85}' => '\u{A0}',
            '\u{2028}' | '\u{2029}' => '\u{2003}',
            c => c,
        })
        .collect();
    text.push(' ');
    text
}

fn paint(text: &str, style: &str, color: bool) -> String {
    if color {
        format!("\x1b[{style}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

/// `error[E0203]: message` (coloured by severity when `color`).
fn header(d: &Diagnostic, color: bool) -> String {
    let style = match d.severity {
        Severity::Error => STYLE_ERROR,
        Severity::Warning => STYLE_WARNING,
    };
    let kind = if d.code.is_empty() {
        severity_name(d.severity).to_owned()
    } else {
        format!("{}[{}]", severity_name(d.severity), d.code)
    };
    format!(
        "{}{}",
        paint(&kind, style, color),
        paint(&format!(": {}", d.message), STYLE_MESSAGE, color)
    )
}

/// The `note:` and `help:` lines, each behind `margin`.
fn trailer(d: &Diagnostic, margin: &str, color: bool) -> Vec<String> {
    let mut lines = Vec::new();
    let items = d
        .notes
        .iter()
        .map(|n| ("note", n.as_str()))
        .chain(d.help.iter().map(|h| ("help", h.as_str())));
    for (word, text) in items {
        let mut parts = text.lines();
        let first = parts.next().unwrap_or("");
        lines.push(format!(
            "{margin}{}: {first}",
            paint(word, STYLE_NOTE, color)
        ));
        for more in parts {
            lines.push(format!(
                "{margin}{:width$}{more}",
                "",
                width = word.len() + 2
            ));
        }
    }
    lines
}

/// One diagnostic for a person: header, excerpt with labels, notes, help. Ends with a
/// newline. Colour (ANSI) only when `color`.
pub fn human(d: &Diagnostic, file: &str, src: &str, color: bool) -> String {
    human_prepared(d, file, &Prepared::new(src), color)
}

/// A source made ready once for drawing any number of its diagnostics: the text ariadne
/// draws, with its line index, and Kiln's own line index. Rendering many diagnostics of
/// a large file stays linear instead of redoing this per diagnostic.
pub struct Prepared<'a> {
    src: &'a str,
    source: Source<String>,
    lines: LineIndex,
}

impl<'a> Prepared<'a> {
    pub fn new(src: &'a str) -> Prepared<'a> {
        Prepared {
            src,
            source: Source::from(excerpt_text(src)),
            lines: LineIndex::new(src),
        }
    }
}

fn human_prepared(d: &Diagnostic, file: &str, prepared: &Prepared<'_>, color: bool) -> String {
    let src = prepared.src;
    let line_col = |src: &str, pos: u32| prepared.lines.line_col(src, pos);
    let primary = clamp(d.span, src);
    let (label_color, kind) = match d.severity {
        Severity::Error => (Color::Red, ReportKind::Error),
        Severity::Warning => (Color::Yellow, ReportKind::Warning),
    };
    let primary_text = if d.label.is_empty() {
        &d.message
    } else {
        &d.label
    };
    // Labels are ordered by line, so ariadne draws them in one excerpt, and right to
    // left within a line, so their arrows do not cross.
    let order = |r: &Range<usize>| {
        let (line, col) = line_col(src, r.start as u32);
        let line = i32::try_from(line)
            .unwrap_or(i32::MAX / 65536)
            .min(i32::MAX / 65536);
        let col = i32::try_from(col).unwrap_or(65535).min(65535);
        line * 65536 - col
    };
    let mut labels = vec![Label::new((file, primary.clone()))
        .with_message(primary_text)
        .with_color(label_color)
        .with_order(order(&primary))
        .with_priority(1)];
    for l in &d.secondary {
        let range = clamp(l.span, src);
        labels.push(
            Label::new((file, range.clone()))
                .with_message(&l.message)
                .with_color(Color::Blue)
                .with_order(order(&range)),
        );
    }
    let report = Report::build(kind, (file, primary.clone()))
        .with_config(
            Config::default()
                .with_index_type(IndexType::Byte)
                .with_color(color),
        )
        .with_labels(labels)
        .finish();
    let mut drawn = Vec::new();
    let excerpt = match report.write((file, &prepared.source), &mut drawn) {
        Ok(()) => String::from_utf8_lossy(&drawn).into_owned(),
        Err(_) => String::new(),
    };
    // Ariadne's own lines: its header (replaced by ours), the location line, the
    // excerpt, and a closing line; notes and help go before the closing line.
    let mut lines: Vec<&str> = excerpt.lines().skip(1).collect();
    let mut out = header(d, color);
    out.push('\n');
    if lines.len() < 2 {
        // No excerpt (cannot happen with clamped spans): still name the place.
        let (line, col) = line_col(src, primary.start as u32);
        let _ = writeln!(out, "  --> {file}:{line}:{col}");
        for l in trailer(d, "  = ", color) {
            let _ = writeln!(out, "{}", l.trim_end());
        }
        return out;
    }
    let close = lines.pop().unwrap_or_default();
    // The margin is as wide as the indentation of the location line.
    let indent = lines[0].len() - lines[0].trim_start_matches(' ').len();
    let bar = paint("│", STYLE_MARGIN, color);
    let extra = trailer(d, &format!("{:indent$}{bar} ", ""), color);
    for l in &lines {
        let _ = writeln!(out, "{}", l.trim_end());
    }
    if !extra.is_empty() {
        let _ = writeln!(out, "{:indent$}{bar}", "");
        for l in extra {
            let _ = writeln!(out, "{}", l.trim_end());
        }
    }
    let _ = writeln!(out, "{}", close.trim_end());
    out
}

/// One diagnostic for a tool: a JSON object on one line, no newline. The schema is in
/// `docs/errors.md`.
pub fn json(d: &Diagnostic, file: &str, src: &str) -> String {
    json_indexed(d, file, src, &LineIndex::new(src))
}

fn json_indexed(d: &Diagnostic, file: &str, src: &str, lines: &LineIndex) -> String {
    let line_col = |src: &str, pos: u32| lines.line_col(src, pos);
    let span = |span: Span, label: Option<&str>, primary: bool| -> Value {
        let r = clamp(span, src);
        let (line_start, column_start) = line_col(src, r.start as u32);
        let (line_end, column_end) = line_col(src, r.end as u32);
        json!({
            "file": file,
            "byte_start": r.start,
            "byte_end": r.end,
            "line_start": line_start,
            "column_start": column_start,
            "line_end": line_end,
            "column_end": column_end,
            "label": label,
            "is_primary": primary,
        })
    };
    let mut spans = vec![span(
        d.span,
        Some(d.label.as_str()).filter(|l| !l.is_empty()),
        true,
    )];
    spans.extend(
        d.secondary
            .iter()
            .map(|l| span(l.span, Some(l.message.as_str()), false)),
    );
    json!({
        "code": d.code,
        "severity": severity_name(d.severity),
        "message": d.message,
        "spans": spans,
        "notes": d.notes,
        "help": d.help,
    })
    .to_string()
}

/// How [`render_list`] lays out diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// [`human`], in colour when the flag is set; a blank line between diagnostics.
    Human { color: bool },
    /// [`json`], one line each.
    Json,
}

/// Every diagnostic in source order of its primary span, rendered in `format`.
pub fn render_list(diags: &[Diagnostic], file: &str, src: &str, format: Format) -> String {
    let mut sorted: Vec<&Diagnostic> = diags.iter().collect();
    sorted.sort_by_key(|d| d.span.lo);
    let mut out = String::new();
    let prepared = Prepared::new(src);
    for (i, d) in sorted.into_iter().enumerate() {
        match format {
            Format::Human { color } => {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(&human_prepared(d, file, &prepared, color));
            }
            Format::Json => {
                out.push_str(&json_indexed(d, file, src, &prepared.lines));
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::line_col;

    fn out_of_range() -> (&'static str, Diagnostic) {
        let src = "let x: u8 = 200;\nx + 300\n";
        let d = Diagnostic::error(
            "E0203",
            Span::new(21, 24),
            "literal 300 out of range for u8",
        )
        .with_label("u8 holds 0 to 255")
        .with_secondary(Span::new(17, 18), "this is u8")
        .with_note("a literal takes the type of the other operand")
        .with_help("write `u16(x) + 300` to compute in a wider type");
        (src, d)
    }

    #[test]
    fn human_form_has_header_location_labels_notes_and_help() {
        let (src, d) = out_of_range();
        let want = "\
error[E0203]: literal 300 out of range for u8
   ╭─[ t.expr:2:5 ]
   │
 2 │ x + 300
   │ ┬   ─┬─
   │ │    ╰─── u8 holds 0 to 255
   │ │
   │ ╰──────── this is u8
   │
   │ note: a literal takes the type of the other operand
   │ help: write `u16(x) + 300` to compute in a wider type
───╯
";
        assert_eq!(human(&d, "t.expr", src, false), want);
    }

    #[test]
    fn labels_on_several_lines_share_one_excerpt() {
        let src = "let a: i64 = 1;\nlet b: u64 = 2;\na + b\n";
        let d = Diagnostic::error("E0202", Span::new(32, 37), "mismatched")
            .with_secondary(Span::new(4, 5), "i64 here")
            .with_secondary(Span::new(20, 21), "u64 here");
        let text = human(&d, "f.expr", src, false);
        assert_eq!(text.matches("f.expr:").count(), 1, "{text}");
        assert!(text.contains("f.expr:3:1"), "{text}");
        for label in ["i64 here", "u64 here", "mismatched"] {
            assert!(text.contains(label), "{text}");
        }
    }

    #[test]
    fn colour_only_when_asked_and_warnings_are_yellow() {
        let (src, d) = out_of_range();
        assert!(!human(&d, "t", src, false).contains('\x1b'));
        let coloured = human(&d, "t", src, true);
        assert!(
            coloured.contains("\x1b[1;31merror[E0203]\x1b[0m"),
            "{coloured}"
        );
        let mut w = d.clone();
        w.severity = Severity::Warning;
        w.code = "W0001";
        assert!(human(&w, "t", src, false).starts_with("warning[W0001]: "));
        assert!(human(&w, "t", src, true).starts_with("\x1b[1;33mwarning[W0001]\x1b[0m"));
    }

    #[test]
    fn any_span_renders_and_names_its_line_and_column() {
        let sources = [
            "",
            "x",
            "1 +\n",
            "let é = \"ü\";\n\n  é + 1",
            "a\r\nb\rc\x0cd\u{2028}e\u{85}f\n",
            "\t\ttab\n",
        ];
        for src in sources {
            let len = src.len() as u32;
            for lo in 0..=len + 2 {
                for hi in 0..=len + 2 {
                    let d = Diagnostic::error("E0001", Span { lo, hi }, "m")
                        .with_secondary(Span { lo: hi, hi: lo }, "s")
                        .with_secondary(Span { lo, hi }, "same")
                        .with_secondary(Span { lo: 0, hi }, "")
                        .with_note("n1\nn2")
                        .with_help("h");
                    let text = human(&d, "f", src, false);
                    let (line, col) = line_col(src, lo);
                    assert!(
                        text.contains(&format!("[ f:{line}:{col} ]")),
                        "{src:?} {lo}..{hi}:\n{text}"
                    );
                    let value: Value = serde_json::from_str(&json(&d, "f", src)).unwrap();
                    assert_eq!(value["spans"][0]["line_start"], line);
                    assert_eq!(value["spans"][0]["column_start"], col);
                }
            }
        }
    }

    #[test]
    fn clamp_keeps_spans_inside_and_on_char_boundaries() {
        let src = "aé";
        assert_eq!(clamp(Span::new(2, 2), src), 1..1);
        assert_eq!(clamp(Span::new(0, 2), src), 0..3);
        assert_eq!(clamp(Span::new(9, 4), src), 3..3);
        assert_eq!(clamp(Span::new(2, 0), src), 1..1);
    }

    #[test]
    fn json_is_one_line_with_every_field() {
        let (src, d) = out_of_range();
        let line = json(&d, "t.expr", src);
        assert!(!line.contains('\n'));
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["code"], "E0203");
        assert_eq!(v["severity"], "error");
        assert_eq!(v["message"], "literal 300 out of range for u8");
        assert_eq!(
            v["notes"][0],
            "a literal takes the type of the other operand"
        );
        assert_eq!(v["help"], "write `u16(x) + 300` to compute in a wider type");
        let primary = &v["spans"][0];
        assert_eq!(primary["is_primary"], true);
        assert_eq!(primary["file"], "t.expr");
        assert_eq!(
            (&primary["byte_start"], &primary["byte_end"]),
            (&21.into(), &24.into())
        );
        assert_eq!(
            (&primary["line_start"], &primary["column_start"]),
            (&2.into(), &5.into())
        );
        assert_eq!(
            (&primary["line_end"], &primary["column_end"]),
            (&2.into(), &8.into())
        );
        assert_eq!(primary["label"], "u8 holds 0 to 255");
        assert_eq!(v["spans"][1]["is_primary"], false);
        assert_eq!(v["spans"][1]["label"], "this is u8");
        let bare = json(&Diagnostic::error("E0101", Span::new(0, 1), "m"), "t", "x");
        let v: Value = serde_json::from_str(&bare).unwrap();
        assert_eq!(v["help"], Value::Null);
        assert_eq!(v["spans"][0]["label"], Value::Null);
        assert_eq!(v["notes"], json!([]));
    }

    #[test]
    fn a_list_is_sorted_and_separated() {
        let src = "a\nb\n";
        let ds = [
            Diagnostic::error("E0101", Span::new(2, 3), "second"),
            Diagnostic::error("E0101", Span::new(0, 1), "first"),
        ];
        let human = render_list(&ds, "f", src, Format::Human { color: false });
        let first = human.find("first").unwrap();
        assert!(first < human.find("second").unwrap());
        assert!(human.contains("───╯\n\nerror[E0101]: second"), "{human}");
        let json = render_list(&ds, "f", src, Format::Json);
        assert_eq!(json.lines().count(), 2);
        assert!(json.lines().next().unwrap().contains("first"));
    }
}
