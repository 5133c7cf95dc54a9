//! A small hand-written tokenizer that runs before pest.
//!
//! It is not the parser: pest does the real work. This pass exists so that
//!
//! * lexical errors get precise messages (unterminated string or block comment, a stray
//!   character such as NUL, `@` or a non-ASCII letter outside strings and comments);
//! * over-deep input is rejected *before* the recursive-descent parser sees it
//!   (bracket nesting and runs of prefix operators, both limited to [`MAX_NESTING`]);
//! * syntax errors reported by pest can be explained in terms of tokens: what was found,
//!   what came before it, and which bracket is still open.
//!
//! Its token boundaries agree with the grammar for all valid programs; on invalid input it
//! only has to be good enough to describe the problem.

use crate::diag::Diagnostic;
use crate::span::Span;

/// Deepest allowed bracket nesting, and longest allowed run of prefix operators.
pub(crate) const MAX_NESTING: usize = 256;

/// Every keyword of the language, the one list of them: the REPL completes them, and a
/// test checks that the pest grammar's `keyword` rule has exactly these words.
pub const KEYWORDS: &[&str] = &[
    "let", "fn", "param", "if", "switch", "when", "elif", "else", "in", "and", "or", "not", "true",
    "false", "none",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokKind {
    Ident,
    Keyword,
    Number,
    Str,
    Punct,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: TokKind,
    pub lo: usize,
    pub hi: usize,
}

impl Token {
    pub fn span(&self) -> Span {
        Span::new(self.lo, self.hi)
    }

    pub fn text<'s>(&self, src: &'s str) -> &'s str {
        &src[self.lo..self.hi]
    }

    pub fn is_punct(&self, src: &str, p: &str) -> bool {
        self.kind == TokKind::Punct && self.text(src) == p
    }

    pub fn is_keyword(&self, src: &str, k: &str) -> bool {
        self.kind == TokKind::Keyword && self.text(src) == k
    }
}

pub(crate) struct Lexed {
    pub tokens: Vec<Token>,
    pub errors: Vec<Diagnostic>,
    /// Where a lexical problem is not reported again (a repeated non-ASCII name): a
    /// syntax error after it is explained by the report of its first occurrence.
    pub quiet: Vec<usize>,
}

/// At most this many "invalid character" diagnostics are reported (binary input would
/// otherwise produce one per byte).
const MAX_CHAR_ERRORS: usize = 20;

const PUNCT2: &[&str] = &["->", "??", "==", "!=", "<=", ">=", "<<", ">>", "&&", "||"];
const PUNCT1: &[u8] = b"()[]{},;:=+-*/%<>!~&|^.?";

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

pub(crate) fn lex(src: &str) -> Lexed {
    let bytes = src.as_bytes();
    let mut tokens = Vec::new();
    let mut errors = Vec::new();
    let mut char_errors = 0usize;
    // Names with non-ASCII letters already reported (each is reported once).
    let mut foreign_names: Vec<&str> = Vec::new();
    let mut quiet = Vec::new();
    let mut i = 0;
    if src.starts_with('\u{FEFF}') {
        i = '\u{FEFF}'.len_utf8();
    }
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => match src[i + 2..].find("*/") {
                Some(off) => i = i + 2 + off + 2,
                None => {
                    errors.push(
                        Diagnostic::error(
                            "E0007",
                            Span::new(i, i + 2),
                            "unterminated block comment",
                        )
                        .with_label("this comment is never closed with `*/`")
                        .with_note("block comments do not nest"),
                    );
                    break;
                }
            },
            b'"' | b'\'' => {
                let quote = b;
                let start = i;
                i += 1;
                let mut closed = false;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 2,
                        c if c == quote => {
                            i += 1;
                            closed = true;
                            break;
                        }
                        _ => i += 1,
                    }
                }
                if !closed {
                    let q = quote as char;
                    errors.push(
                        Diagnostic::error(
                            "E0006",
                            Span::new(start, start + 1),
                            "unterminated string",
                        )
                        .with_label(format!("this string is never closed with `{q}`")),
                    );
                    break;
                }
                tokens.push(Token {
                    kind: TokKind::Str,
                    lo: start,
                    hi: i,
                });
            }
            _ if is_ident_start(b) || starts_foreign_name(&src[i..]) => {
                let start = i;
                while i < bytes.len() && is_ident_char(bytes[i]) {
                    i += 1;
                }
                if starts_foreign_name(&src[i..]) {
                    // A name with non-ASCII letters (`größe`, `名前`): one error for all of it.
                    i = start + name_run(&src[start..]);
                    let name = &src[start..i];
                    if foreign_names.contains(&name) {
                        quiet.push(start);
                    } else {
                        foreign_names.push(name);
                        char_errors += 1;
                        if char_errors <= MAX_CHAR_ERRORS {
                            errors.push(non_ascii_name(name, Span::new(start, i)));
                        }
                    }
                    tokens.push(Token {
                        kind: TokKind::Ident,
                        lo: start,
                        hi: i,
                    });
                    continue;
                }
                let kind = if KEYWORDS.contains(&&src[start..i]) {
                    TokKind::Keyword
                } else {
                    TokKind::Ident
                };
                tokens.push(Token {
                    kind,
                    lo: start,
                    hi: i,
                });
            }
            _ if b.is_ascii_digit()
                || (b == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) =>
            {
                let start = i;
                i = number_end(bytes, i);
                tokens.push(Token {
                    kind: TokKind::Number,
                    lo: start,
                    hi: i,
                });
            }
            _ if PUNCT2.iter().any(|p| src[i..].starts_with(p)) => {
                tokens.push(Token {
                    kind: TokKind::Punct,
                    lo: i,
                    hi: i + 2,
                });
                i += 2;
            }
            _ if PUNCT1.contains(&b) => {
                tokens.push(Token {
                    kind: TokKind::Punct,
                    lo: i,
                    hi: i + 1,
                });
                i += 1;
            }
            _ => {
                // Not the start of any token: one diagnostic per stray character.
                let start = i;
                let c = src[i..].chars().next().unwrap_or('\u{FFFD}');
                i += c.len_utf8().max(1);
                while i < bytes.len() && !src.is_char_boundary(i) {
                    i += 1;
                }
                char_errors += 1;
                if char_errors <= MAX_CHAR_ERRORS {
                    errors.push(invalid_char(c, Span::new(start, i)));
                }
            }
        }
    }
    Lexed {
        tokens,
        errors,
        quiet,
    }
}

/// End of a number token starting at `i` (mirrors the permissive `number` rule).
pub(crate) fn number_end(bytes: &[u8], mut i: usize) -> usize {
    let hex_or_bin = bytes[i] == b'0' && matches!(bytes.get(i + 1), Some(b'x') | Some(b'b'));
    if hex_or_bin {
        i += 2;
        while i < bytes.len() && is_ident_char(bytes[i]) {
            i += 1;
        }
        return i;
    }
    while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'_') {
        i += 1;
    }
    if i < bytes.len() && bytes[i] == b'.' {
        i += 1;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'_') {
            i += 1;
        }
    }
    if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
        let mut j = i + 1;
        if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
            j += 1;
        }
        if j < bytes.len() && bytes[j].is_ascii_digit() {
            i = j;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'_') {
                i += 1;
            }
        }
    }
    while i < bytes.len() && is_ident_char(bytes[i]) {
        i += 1;
    }
    i
}

/// Does `rest` start with a non-ASCII letter or digit (part of a name written in another
/// script or with accents)?
fn starts_foreign_name(rest: &str) -> bool {
    rest.chars()
        .next()
        .is_some_and(|c| !c.is_ascii() && c.is_alphanumeric())
}

/// The byte length of the run of name-like characters (letters and digits of any script,
/// `_`) at the start of `rest`.
fn name_run(rest: &str) -> usize {
    rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len())
}

/// E0011 for a name containing non-ASCII letters: one diagnostic for the whole name.
fn non_ascii_name(name: &str, span: Span) -> Diagnostic {
    let mut odd: Vec<String> = Vec::new();
    for c in name.chars().filter(|c| !c.is_ascii()) {
        let shown = format!("`{c}`");
        if !odd.contains(&shown) {
            odd.push(shown);
        }
    }
    let listed = match odd.as_slice() {
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
        [] => String::new(),
    };
    Diagnostic::error("E0011", span, format!("the name `{name}` is not ASCII"))
        .with_label(format!("{listed} cannot be part of a name"))
        .with_help("rename it: names are made of ASCII letters, digits and `_` only")
}

fn invalid_char(c: char, span: Span) -> Diagnostic {
    let code = c as u32;
    let shown: String = c.escape_debug().collect();
    let (message, help) = match c {
        '\0' => ("unexpected NUL character (U+0000)".to_string(), None),
        _ if c.is_whitespace() => (
            format!("unexpected whitespace character U+{code:04X}"),
            Some("only spaces, tabs and line breaks may separate tokens"),
        ),
        _ if c.is_alphabetic() => (
            format!("unexpected character `{shown}` (U+{code:04X})"),
            Some("names may only contain ASCII letters, digits and `_`"),
        ),
        _ if c.is_control() || (0x200B..=0x206F).contains(&code) || code == 0xFEFF => {
            (format!("unexpected invisible character U+{code:04X}"), None)
        }
        _ => (format!("unexpected character `{shown}`"), None),
    };
    let d = Diagnostic::error("E0011", span, message).with_label("not valid in Kiln source here");
    match help {
        Some(h) => d.with_help(h),
        None => d,
    }
}

/// Does this token end an operand (so a following `-`/`+` is binary)?
pub(crate) fn ends_operand(t: &Token, src: &str) -> bool {
    match t.kind {
        TokKind::Ident | TokKind::Number | TokKind::Str => true,
        TokKind::Keyword => matches!(t.text(src), "true" | "false"),
        TokKind::Punct => matches!(t.text(src), ")" | "]"),
    }
}

fn is_prefix_op(prev: Option<&Token>, t: &Token, src: &str) -> bool {
    match t.kind {
        TokKind::Keyword => t.text(src) == "not",
        TokKind::Punct => match t.text(src) {
            "!" | "~" => true,
            "-" | "+" => !prev.is_some_and(|p| ends_operand(p, src)),
            _ => false,
        },
        _ => false,
    }
}

/// Reject input nested deeper than [`MAX_NESTING`]: brackets `( [ {`, or a run of prefix
/// operators. Points at the first bracket or operator over the limit.
pub(crate) fn check_nesting(tokens: &[Token], src: &str) -> Option<Diagnostic> {
    let mut depth = 0usize;
    let mut prefix_run = 0usize;
    for (i, t) in tokens.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| &tokens[j]);
        if is_prefix_op(prev, t, src) {
            prefix_run += 1;
            if prefix_run > MAX_NESTING {
                return Some(too_deep(
                    t.span(),
                    format!("more than {MAX_NESTING} prefix operators in a row"),
                ));
            }
            continue;
        }
        prefix_run = 0;
        if t.kind == TokKind::Punct {
            match t.text(src) {
                "(" | "[" | "{" => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        return Some(too_deep(
                            t.span(),
                            format!("brackets nested more than {MAX_NESTING} deep"),
                        ));
                    }
                }
                ")" | "]" | "}" => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    None
}

pub(crate) fn too_deep(span: Span, note: String) -> Diagnostic {
    Diagnostic::error("E0010", span, "expression nested too deeply")
        .with_label("the nesting limit is exceeded here")
        .with_note(note)
        .with_help("split the expression using `let` bindings or functions")
}

/// The matching closer of an opening bracket.
pub(crate) fn closer_of(open: &str) -> &'static str {
    match open {
        "(" => ")",
        "[" => "]",
        _ => "}",
    }
}

fn opener_of(close: &str) -> &'static str {
    match close {
        ")" => "(",
        "]" => "[",
        _ => "{",
    }
}

/// A closing bracket that does not fit.
#[derive(Clone, Copy, Debug)]
pub(crate) enum CloserProblem {
    /// A closer with nothing open: token index.
    Unmatched(usize),
    /// A closer of the wrong kind: (closer token index, innermost open token index).
    Mismatched(usize, usize),
}

impl CloserProblem {
    pub fn closer(self) -> usize {
        match self {
            CloserProblem::Unmatched(c) | CloserProblem::Mismatched(c, _) => c,
        }
    }
}

/// The bracket structure of the whole input, up to the first closer that does not fit.
pub(crate) struct Brackets {
    /// For each token index: `true` if it is an opener that is properly closed.
    pub closed: Vec<bool>,
    pub problem: Option<CloserProblem>,
}

pub(crate) fn brackets(tokens: &[Token], src: &str) -> Brackets {
    let mut closed = vec![false; tokens.len()];
    let mut stack: Vec<usize> = Vec::new();
    let mut problem = None;
    for (i, t) in tokens.iter().enumerate() {
        if t.kind != TokKind::Punct {
            continue;
        }
        match t.text(src) {
            "(" | "[" | "{" => stack.push(i),
            c @ (")" | "]" | "}") => match stack.last() {
                Some(&o) if tokens[o].text(src) == opener_of(c) => {
                    stack.pop();
                    closed[o] = true;
                }
                Some(&o) => {
                    problem = Some(CloserProblem::Mismatched(i, o));
                    break;
                }
                None => {
                    problem = Some(CloserProblem::Unmatched(i));
                    break;
                }
            },
            _ => {}
        }
    }
    Brackets { closed, problem }
}

/// The innermost bracket still open just before byte offset `pos` (token index).
pub(crate) fn open_bracket_at(tokens: &[Token], src: &str, pos: usize) -> Option<usize> {
    let mut stack: Vec<usize> = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        if t.lo >= pos {
            break;
        }
        if t.kind != TokKind::Punct {
            continue;
        }
        match t.text(src) {
            "(" | "[" | "{" => stack.push(i),
            ")" | "]" | "}" => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.pop()
}
