//! Syntax highlighting of the line being typed at the REPL, as a pure function of the
//! text: [`highlight`] returns the line with ANSI colours around keywords, numbers,
//! strings (and their escapes), comments, type names, the names of known functions
//! where they are called or defined, a `:command`, and the bracket that matches the one
//! at or just before the cursor. It only adds escape codes: with them stripped, the text
//! is the line again, byte for byte ([`strip_ansi`]).
//!
//! A line may start inside a string or a block comment left open by the lines before it
//! in the same input ([`Start`], from [`state_after`]). Brackets are matched within the
//! line only.
//!
//! The same scan tells the hinter which call the cursor is in ([`open_call`]) and
//! whether the end of the line is inside a string or a comment.

use crate::syntax::KEYWORDS;
use crate::types::ty::Ty;

/// What a piece of the line is, for its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    Keyword,
    Number,
    Str,
    /// An escape inside a string: `\n`, `\"`, `\u{1F600}`.
    Escape,
    Comment,
    /// The name of a known function where it is called (`sqrt(`), or of the function a
    /// `fn` defines.
    Function,
    /// A type name: `i64`, `string`, …
    Type,
    /// A REPL command at the start of the line: `:help`.
    Command,
    /// The bracket that matches the one at (or just before) the cursor.
    Bracket,
}

/// The style of each class, the one place colours are chosen (SGR parameters).
pub const STYLES: &[(Class, &str)] = &[
    (Class::Keyword, "\x1b[1;35m"), // bold magenta
    (Class::Number, "\x1b[33m"),    // yellow
    (Class::Str, "\x1b[32m"),       // green
    (Class::Escape, "\x1b[1;32m"),  // bold green
    (Class::Comment, "\x1b[90m"),   // grey
    (Class::Function, "\x1b[34m"),  // blue
    (Class::Type, "\x1b[36m"),      // cyan
    (Class::Command, "\x1b[1m"),    // bold
    (Class::Bracket, "\x1b[1;7m"),  // bold, inverse
];

/// Ends every styled piece.
pub const RESET: &str = "\x1b[0m";

/// The dimmed style of hints.
pub const DIM: &str = "\x1b[2m";

/// The escape sequence that starts `class`.
pub fn style(class: Class) -> &'static str {
    STYLES
        .iter()
        .find(|(c, _)| *c == class)
        .map_or("", |(_, s)| s)
}

/// Where a line starts: as an input (where a `:command` may be), in code that an earlier
/// line of the same input began, or inside a block comment or a string (opened with the
/// quote byte) that an earlier line left open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Start {
    #[default]
    Code,
    Continued,
    Comment,
    Str(u8),
}

/// One styled piece: bytes `lo..hi`, always on char boundaries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Piece {
    lo: usize,
    hi: usize,
    class: Class,
}

/// What a scan of a line finds.
#[derive(Debug, Default)]
struct Scan {
    pieces: Vec<Piece>,
    /// Brackets outside strings and comments: offset and byte.
    brackets: Vec<(usize, u8)>,
    /// Identifiers and keywords in code: start and end.
    words: Vec<(usize, usize)>,
    /// Where the next line starts (a `//` comment ends with its line).
    end: Start,
    /// The end of the line is inside a string or a comment (of either kind).
    open_at_end: bool,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The byte offset after the char at `i` (the length of `s` at its end).
fn next_char(s: &str, i: usize) -> usize {
    s[i..].chars().next().map_or(s.len(), |c| i + c.len_utf8())
}

/// Scan a string from `i` (just after its opening quote at `lo`, or the start of a line
/// that continues it, then `lo == i`): its pieces, and where it ends (`None`: it is
/// still open at the end of `s`).
fn scan_string(
    s: &str,
    lo: usize,
    mut i: usize,
    quote: u8,
    pieces: &mut Vec<Piece>,
) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut run = lo;
    let push = |lo: usize, hi: usize, class: Class, pieces: &mut Vec<Piece>| {
        if hi > lo {
            pieces.push(Piece { lo, hi, class });
        }
    };
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                push(run, i, Class::Str, pieces);
                let lo = i;
                let mut j = next_char(s, i + 1);
                if bytes.get(i + 1) == Some(&b'u') && bytes.get(j) == Some(&b'{') {
                    let mut k = j + 1;
                    while k < bytes.len() && bytes[k].is_ascii_hexdigit() {
                        k += 1;
                    }
                    if bytes.get(k) == Some(&b'}') {
                        j = k + 1;
                    }
                }
                push(lo, j, Class::Escape, pieces);
                i = j;
                run = j;
            }
            b if b == quote => {
                push(run, i + 1, Class::Str, pieces);
                return Some(i + 1);
            }
            _ => i = next_char(s, i),
        }
    }
    push(run, s.len(), Class::Str, pieces);
    None
}

/// A block comment that starts at `lo` (its `/*`, or the start of a line that continues
/// it), its end searched from `from`: its piece, and where it ends (`None`: still open).
fn scan_block_comment(s: &str, lo: usize, from: usize, pieces: &mut Vec<Piece>) -> Option<usize> {
    let end = s[from..].find("*/").map(|off| from + off + 2);
    let hi = end.unwrap_or(s.len());
    if hi > lo {
        pieces.push(Piece {
            lo,
            hi,
            class: Class::Comment,
        });
    }
    end
}

fn scan(s: &str, start: Start, known_fns: &dyn Fn(&str) -> bool) -> Scan {
    let bytes = s.as_bytes();
    let mut out = Scan::default();
    let mut i = 0;
    match start {
        Start::Code | Start::Continued => {}
        Start::Comment => match scan_block_comment(s, 0, 0, &mut out.pieces) {
            Some(end) => i = end,
            None => {
                out.end = Start::Comment;
                out.open_at_end = true;
                return out;
            }
        },
        Start::Str(q) => match scan_string(s, 0, 0, q, &mut out.pieces) {
            Some(end) => i = end,
            None => {
                out.end = Start::Str(q);
                out.open_at_end = true;
                return out;
            }
        },
    }
    // A `:command` at the start of the line; after `:load`, a file name.
    if start == Start::Code {
        let lead = s.len() - s.trim_start().len();
        if bytes.get(lead) == Some(&b':') {
            let word_end = s[lead + 1..]
                .find(|c: char| !is_word_char(c))
                .map_or(s.len(), |off| lead + 1 + off);
            if word_end > lead + 1 {
                out.pieces.push(Piece {
                    lo: lead,
                    hi: word_end,
                    class: Class::Command,
                });
                if &s[lead..word_end] == ":load" {
                    return out;
                }
                i = word_end;
            }
        }
    }
    // The last word seen was `fn`: the next name is the function it defines.
    let mut after_fn = false;
    // The functions this line defines (a recursive call is a call of a known one).
    let mut defined: Vec<&str> = Vec::new();
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let hi = s[i..].find('\n').map_or(s.len(), |off| i + off);
                out.pieces.push(Piece {
                    lo: i,
                    hi,
                    class: Class::Comment,
                });
                if hi == s.len() {
                    out.open_at_end = true;
                }
                i = hi;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                match scan_block_comment(s, i, i + 2, &mut out.pieces) {
                    Some(end) => i = end,
                    None => {
                        out.end = Start::Comment;
                        out.open_at_end = true;
                        return out;
                    }
                }
            }
            b'"' | b'\'' => match scan_string(s, i, i + 1, b, &mut out.pieces) {
                Some(end) => {
                    after_fn = false;
                    i = end;
                }
                None => {
                    out.end = Start::Str(b);
                    out.open_at_end = true;
                    return out;
                }
            },
            b'(' | b')' | b'[' | b']' | b'{' | b'}' => {
                out.brackets.push((i, b));
                after_fn = false;
                i += 1;
            }
            _ if b.is_ascii_digit()
                || (b == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) =>
            {
                let hi = crate::syntax::number_end(bytes, i);
                out.pieces.push(Piece {
                    lo: i,
                    hi,
                    class: Class::Number,
                });
                after_fn = false;
                i = hi;
            }
            _ if s[i..].starts_with(is_word_char) => {
                let hi = s[i..]
                    .find(|c: char| !is_word_char(c))
                    .map_or(s.len(), |off| i + off);
                let word = &s[i..hi];
                out.words.push((i, hi));
                let called = s[hi..].trim_start_matches([' ', '\t']).starts_with('(');
                let class = if KEYWORDS.contains(&word) {
                    Some(Class::Keyword)
                } else if Ty::from_name(word).is_some() {
                    Some(Class::Type)
                } else if after_fn {
                    defined.push(word);
                    Some(Class::Function)
                } else if called && (known_fns(word) || defined.contains(&word)) {
                    Some(Class::Function)
                } else {
                    None
                };
                if let Some(class) = class {
                    out.pieces.push(Piece { lo: i, hi, class });
                }
                after_fn = word == "fn";
                i = hi;
            }
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            _ => {
                after_fn = false;
                i = next_char(s, i);
            }
        }
    }
    out
}

/// Pairs of matching brackets: for each bracket of `brackets`, the index of its
/// partner. A closing bracket pairs with the innermost open one of its kind when that
/// is the innermost open bracket; otherwise it has none.
fn partners(brackets: &[(usize, u8)]) -> Vec<Option<usize>> {
    let mut out = vec![None; brackets.len()];
    let mut open: Vec<usize> = Vec::new();
    for (k, &(_, b)) in brackets.iter().enumerate() {
        match b {
            b'(' | b'[' | b'{' => open.push(k),
            _ => {
                let wanted = match b {
                    b')' => b'(',
                    b']' => b'[',
                    _ => b'{',
                };
                if let Some(&top) = open.last() {
                    if brackets[top].1 == wanted {
                        open.pop();
                        out[k] = Some(top);
                        out[top] = Some(k);
                    }
                }
            }
        }
    }
    out
}

/// The offset of the bracket that matches the one at `cursor`, or else the one just
/// before it (outside strings and comments).
fn matching_bracket(brackets: &[(usize, u8)], cursor: usize) -> Option<usize> {
    let pairs = partners(brackets);
    let find = |at: usize| brackets.iter().position(|&(p, _)| p == at);
    let k = find(cursor).or_else(|| cursor.checked_sub(1).and_then(find))?;
    pairs[k].map(|j| brackets[j].0)
}

/// `line` with ANSI colours; `cursor`: the cursor's byte offset, whose bracket's
/// partner is shown (`None`: no bracket is); `start`: see [`Start`]; `known_fns`: the
/// names of the functions a call may reach. Never panics (any offset, any text), and
/// stripping the escape codes gives `line` back.
pub fn highlight(
    line: &str,
    cursor: Option<usize>,
    start: Start,
    known_fns: &dyn Fn(&str) -> bool,
) -> String {
    let scan = scan(line, start, known_fns);
    let mut pieces = scan.pieces;
    if let Some(at) = cursor.and_then(|c| matching_bracket(&scan.brackets, c)) {
        pieces.push(Piece {
            lo: at,
            hi: at + 1,
            class: Class::Bracket,
        });
        pieces.sort_by_key(|p| p.lo);
    }
    let mut out = String::with_capacity(line.len() * 2);
    let mut at = 0;
    for p in pieces {
        // Pieces never overlap; a defensive skip keeps the text intact if they did.
        if p.lo < at || p.hi <= p.lo {
            continue;
        }
        out.push_str(&line[at..p.lo]);
        out.push_str(style(p.class));
        out.push_str(&line[p.lo..p.hi]);
        out.push_str(RESET);
        at = p.hi;
    }
    out.push_str(&line[at..]);
    out
}

/// Where a line that follows `text` (the earlier lines of the same input, none when it
/// is empty) starts.
pub fn state_after(text: &str) -> Start {
    match scan(text, Start::Code, &|_| false).end {
        Start::Code if !text.is_empty() => Start::Continued,
        start => start,
    }
}

/// Whether the end of `line` is inside a string or a comment.
pub fn ends_inside_string_or_comment(line: &str, start: Start) -> bool {
    scan(line, start, &|_| false).open_at_end
}

/// The call whose argument list is open at the end of `line`: the name before the
/// innermost unclosed `(`, when there is one (`lerp(1.0, ` → `lerp`).
pub fn open_call(line: &str, start: Start) -> Option<&str> {
    let scan = scan(line, start, &|_| false);
    if scan.open_at_end {
        return None;
    }
    let pairs = partners(&scan.brackets);
    let innermost = scan
        .brackets
        .iter()
        .enumerate()
        .rev()
        .find(|&(k, &(_, b))| matches!(b, b'(' | b'[' | b'{') && pairs[k].is_none());
    let &(at, b'(') = innermost?.1 else {
        return None;
    };
    let before = line[..at].trim_end_matches([' ', '\t']);
    let &(lo, hi) = scan.words.iter().rev().find(|w| w.1 == before.len())?;
    let name = &line[lo..hi];
    (!KEYWORDS.contains(&name)).then_some(name)
}

/// `text` without its ANSI escape sequences (`ESC [` … a letter).
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(name: &str) -> bool {
        ["sqrt", "lerp", "print", "sq"].contains(&name)
    }

    /// `text` in the style of `class`.
    fn styled(class: Class, text: &str) -> String {
        format!("{}{text}{RESET}", style(class))
    }

    fn hl(line: &str) -> String {
        highlight(line, None, Start::Code, &known)
    }

    /// The offset of the bracket shown as matching with the cursor at `cursor`.
    fn shown_bracket(line: &str, cursor: usize) -> Option<usize> {
        let out = highlight(line, Some(cursor), Start::Code, &known);
        let at = out.find(style(Class::Bracket))?;
        Some(strip_ansi(&out[..at]).len())
    }

    #[test]
    fn every_class_has_one_distinct_style() {
        let all = [
            Class::Keyword,
            Class::Number,
            Class::Str,
            Class::Escape,
            Class::Comment,
            Class::Function,
            Class::Type,
            Class::Command,
            Class::Bracket,
        ];
        assert_eq!(STYLES.len(), all.len());
        for (i, a) in all.iter().enumerate() {
            assert!(style(*a).starts_with("\x1b["), "{a:?}");
            for b in &all[i + 1..] {
                assert_ne!(style(*a), style(*b), "{a:?} and {b:?}");
            }
        }
    }

    #[test]
    fn each_kind_of_token_gets_its_style() {
        let out = hl("let x: f64 = 1.5e3 + sqrt(2_000) // twice");
        for (class, text) in [
            (Class::Keyword, "let"),
            (Class::Type, "f64"),
            (Class::Number, "1.5e3"),
            (Class::Function, "sqrt"),
            (Class::Number, "2_000"),
            (Class::Comment, "// twice"),
        ] {
            assert!(out.contains(&styled(class, text)), "{text}: {out:?}");
        }
        // Names that are not keywords, types or calls of known functions stay plain.
        assert!(out.contains(" x: "), "{out:?}");
        let out = hl("nope(1) + sqrt + y");
        assert!(out.starts_with("nope("), "an unknown function: {out:?}");
        assert!(out.contains(" sqrt + y"), "not a call: {out:?}");
        // The function a `fn` defines, and a call to it in the same line.
        let out = hl("fn twice(n: i64) -> i64 = if(n > 0, twice(n - 1), 0xff)");
        let twice = styled(Class::Function, "twice");
        assert_eq!(out.matches(&twice).count(), 2, "{out:?}");
        assert!(out.contains(&styled(Class::Keyword, "if")), "{out:?}");
        assert!(out.contains(&styled(Class::Number, "0xff")), "{out:?}");
        for word in [
            "true", "false", "none", "and", "not", "when", "elif", "else",
        ] {
            let out = hl(&format!("x {word} y"));
            assert!(out.contains(&styled(Class::Keyword, word)), "{out:?}");
        }
        // Number suffixes and leading dots are part of the number.
        let out = hl("255u8 + .5 + 3f32");
        for n in ["255u8", ".5", "3f32"] {
            assert!(out.contains(&styled(Class::Number, n)), "{out:?}");
        }
        // A keyword inside a longer name is not one.
        assert_eq!(hl("letter + iffy"), "letter + iffy");
    }

    #[test]
    fn strings_of_both_quotes_with_escapes_and_comments_of_both_kinds() {
        let out = hl(r#"print("a\n\"b\u{1F600}") + 'it\'s'"#);
        let want = [
            styled(Class::Function, "print"),
            "(".to_string(),
            styled(Class::Str, "\"a"),
            styled(Class::Escape, "\\n"),
            styled(Class::Escape, "\\\""),
            styled(Class::Str, "b"),
            styled(Class::Escape, "\\u{1F600}"),
            styled(Class::Str, "\""),
            ") + ".to_string(),
            styled(Class::Str, "'it"),
            styled(Class::Escape, "\\'"),
            styled(Class::Str, "s'"),
        ]
        .concat();
        assert_eq!(out, want);
        // Nothing inside a string or a comment is a keyword, number or call.
        assert_eq!(hl("\"let 1 sqrt(\""), styled(Class::Str, "\"let 1 sqrt(\""));
        let out = hl("1 /* let 2 */ + 3");
        assert!(
            out.contains(&styled(Class::Comment, "/* let 2 */")),
            "{out:?}"
        );
        assert!(out.ends_with(&styled(Class::Number, "3")), "{out:?}");
        // Unterminated: to the end of the line.
        assert!(hl("1 + \"ab ( c").ends_with(&styled(Class::Str, "\"ab ( c")));
        let want = [styled(Class::Str, "'ab"), styled(Class::Escape, "\\")].concat();
        assert!(hl("1 + 'ab\\").ends_with(&want));
        assert!(hl("1 /* never closed").ends_with(&styled(Class::Comment, "/* never closed")));
    }

    #[test]
    fn commands_and_their_arguments() {
        assert_eq!(
            hl(":type sqrt(2)"),
            format!(
                "{} {}({})",
                styled(Class::Command, ":type"),
                styled(Class::Function, "sqrt"),
                styled(Class::Number, "2")
            )
        );
        // After `:load`, a file name: `//` in it is no comment.
        assert_eq!(
            hl(":load dir//let.expr"),
            format!("{} dir//let.expr", styled(Class::Command, ":load"))
        );
        // A `:` elsewhere is punctuation.
        assert_eq!(hl("x: i64"), format!("x: {}", styled(Class::Type, "i64")));
    }

    #[test]
    fn the_bracket_matching_the_cursors_is_marked_across_nesting() {
        //         0123456789012345678
        let line = "f(a, [b, (c)], {d})";
        // On an opening bracket, or just after one: its closing partner.
        assert_eq!(shown_bracket(line, 1), Some(18));
        assert_eq!(shown_bracket(line, 2), Some(18));
        assert_eq!(shown_bracket(line, 5), Some(12));
        assert_eq!(shown_bracket(line, 9), Some(11));
        assert_eq!(shown_bracket(line, 15), Some(17));
        // On a closing bracket, or just after one (the cursor at the end of the line).
        assert_eq!(shown_bracket(line, 19), Some(1));
        assert_eq!(shown_bracket(line, 12), Some(5));
        assert_eq!(shown_bracket(line, 11), Some(9));
        // Next to no bracket, none.
        assert_eq!(shown_bracket(line, 3), None);
        assert_eq!(shown_bracket(line, 0), None);
        // The marked bracket keeps its text.
        let out = highlight(line, Some(19), Start::Code, &known);
        assert!(out.starts_with(&format!("f{}", styled(Class::Bracket, "("))));
        // Brackets in strings and comments do not count.
        let line = r#"f(")", '(', x) // )"#;
        assert_eq!(shown_bracket(line, 14), Some(1));
        assert_eq!(shown_bracket(line, 2), Some(13));
        assert_eq!(shown_bracket(line, 3), None);
        let line = "(a /* ) */ + b)";
        assert_eq!(shown_bracket(line, 0), Some(14));
        // Lone and crossed brackets: no partner, no panic.
        assert_eq!(shown_bracket("(1 + 2", 0), None);
        assert_eq!(shown_bracket("1 + 2)", 6), None);
        // A stray closing bracket pairs with nothing, and is skipped.
        assert_eq!(shown_bracket("([)]", 2), None);
        assert_eq!(shown_bracket("([)]", 1), Some(3));
        assert_eq!(shown_bracket("([)]", 0), None);
        assert_eq!(shown_bracket("((a)", 0), None);
        assert_eq!(shown_bracket("((a)", 1), Some(3));
        // No cursor (a line just accepted): nothing marked.
        assert!(!highlight("(1)", None, Start::Code, &known).contains(style(Class::Bracket)));
    }

    #[test]
    fn a_line_can_continue_a_string_or_comment_from_the_lines_before() {
        assert_eq!(state_after("let s = \"abc"), Start::Str(b'"'));
        assert_eq!(state_after("let s = 'a\\'"), Start::Str(b'\''));
        assert_eq!(state_after("1 /* x\ny"), Start::Comment);
        assert_eq!(state_after("1 /* x */ + 2 // y /*"), Start::Continued);
        assert_eq!(state_after("\"a\nb\" + 1"), Start::Continued);
        assert_eq!(state_after(""), Start::Code);
        // Only the first line of an input can be a `:command`.
        let out = highlight(":x", None, Start::Continued, &known);
        assert_eq!(out, ":x");
        let out = highlight(":x", None, Start::Code, &known);
        assert_eq!(out, styled(Class::Command, ":x"));
        let out = highlight("def\" + 1", None, Start::Str(b'"'), &known);
        assert_eq!(
            out,
            format!(
                "{} + {}",
                styled(Class::Str, "def\""),
                styled(Class::Number, "1")
            )
        );
        let out = highlight("more */ let", None, Start::Comment, &known);
        assert_eq!(
            out,
            format!(
                "{} {}",
                styled(Class::Comment, "more */"),
                styled(Class::Keyword, "let")
            )
        );
        assert!(ends_inside_string_or_comment("still", Start::Comment));
        assert!(ends_inside_string_or_comment("1 // c", Start::Code));
        assert!(ends_inside_string_or_comment("f(\"a", Start::Code));
        assert!(!ends_inside_string_or_comment("f(\"a\"", Start::Code));
    }

    #[test]
    fn the_open_call_is_the_innermost_unclosed_parenthesis() {
        assert_eq!(open_call("lerp(1.0, ", Start::Code), Some("lerp"));
        assert_eq!(open_call("lerp (1.0, sqrt(2), ", Start::Code), Some("lerp"));
        assert_eq!(open_call("lerp(1.0, sqrt(2", Start::Code), Some("sqrt"));
        assert_eq!(open_call("f(g(1), [2, ", Start::Code), None);
        assert_eq!(open_call("f(g(1), [2], ", Start::Code), Some("f"));
        assert_eq!(open_call("(1 + ", Start::Code), None);
        assert_eq!(open_call("if(x, ", Start::Code), None);
        assert_eq!(open_call("f(1)", Start::Code), None);
        assert_eq!(open_call("f(\"(", Start::Code), None);
        assert_eq!(open_call("f(\")\", ", Start::Code), Some("f"));
    }

    /// Fragments that stress the scanner: quotes, escapes, comment marks, brackets,
    /// numbers, multi-byte characters.
    const FRAGMENTS: &[&str] = &[
        "\"", "'", "\\", "/*", "*/", "//", "/", "*", "(", ")", "[", "]", "{", "}", "0x", "1e",
        "1.", ".5", "é", "名", "😀", "\\u{", "}", "fn", "let", "sqrt", " ", "\n", ":", ":load ",
        "x", "_", "\t", "\u{FEFF}",
    ];

    /// Every check on one text: no panic, and the text survives highlighting.
    fn check_text(text: &str) {
        let boundaries: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        let cursors = [0, text.len() / 2, text.len(), text.len() + 3];
        for start in [
            Start::Code,
            Start::Continued,
            Start::Comment,
            Start::Str(b'"'),
            Start::Str(b'\''),
        ] {
            for &cursor in cursors.iter().chain(boundaries.last()) {
                let out = highlight(text, Some(cursor), start, &known);
                assert_eq!(strip_ansi(&out), text, "{text:?} at {cursor}");
            }
            let _ = open_call(text, start);
            let _ = ends_inside_string_or_comment(text, start);
        }
        let _ = state_after(text);
    }

    #[test]
    fn highlighting_never_panics_and_keeps_the_text_of_truncated_examples() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        let mut sources = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "expr") {
                sources.push(std::fs::read_to_string(path).unwrap());
            }
        }
        assert!(sources.len() > 5);
        let mut checked = 0;
        for src in &sources {
            // Each prefix of the whole file (in steps, to keep the test quick) and every
            // prefix of each line, as typed.
            for (i, _) in src.char_indices().step_by(7) {
                let text = &src[..i];
                let out = highlight(text, Some(i), Start::Code, &known);
                assert_eq!(strip_ansi(&out), text);
                let _ = open_call(text, Start::Code);
                checked += 1;
            }
            for line in src.lines() {
                for (i, _) in line.char_indices() {
                    check_text(&line[..i]);
                    checked += 1;
                }
                check_text(line);
            }
        }
        assert!(checked > 10_000, "{checked}");
    }

    #[test]
    fn highlighting_never_panics_on_generated_text() {
        let n = FRAGMENTS.len();
        let mut count = 0;
        for a in FRAGMENTS {
            for b in FRAGMENTS {
                for c in FRAGMENTS {
                    check_text(&[*a, *b, *c].concat());
                    count += 1;
                }
            }
        }
        // Longer texts from a fixed pseudo-random sequence.
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..5_000 {
            let mut text = String::new();
            for _ in 0..12 {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                text.push_str(FRAGMENTS[(seed >> 33) as usize % n]);
            }
            check_text(&text);
            count += 1;
        }
        assert!(count > 40_000);
    }

    #[test]
    fn strip_ansi_removes_only_escape_sequences() {
        assert_eq!(strip_ansi("\x1b[1;35mlet\x1b[0m x"), "let x");
        assert_eq!(strip_ansi("a [b] é"), "a [b] é");
    }
}
