//! A forgiving token scan of a document's text, for what must work on half-typed input
//! the parser rejects: the word at the cursor, the call whose parentheses hold the
//! cursor (signature help), and names declared in a statement that does not parse.
//! Never fails: an unterminated string or comment runs to the end of the text.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Ident,
    Number,
    Str,
    Punct,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Tok {
    pub kind: Kind,
    pub lo: usize,
    pub hi: usize,
}

impl Tok {
    pub(crate) fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.lo..self.hi]
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The tokens of `text`, comments and whitespace left out.
pub(crate) fn tokens(text: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let rest = &text[i..];
        if c.is_whitespace() {
            continue;
        }
        if rest.starts_with("//") {
            while chars.next_if(|&(_, c)| c != '\n').is_some() {}
            continue;
        }
        if rest.starts_with("/*") {
            chars.next();
            let mut prev = ' ';
            for (_, c) in chars.by_ref() {
                if prev == '*' && c == '/' {
                    break;
                }
                prev = c;
            }
            continue;
        }
        let (kind, hi) = if c == '"' {
            let mut hi = text.len();
            while let Some((j, c)) = chars.next() {
                if c == '\\' {
                    chars.next();
                } else if c == '"' {
                    hi = j + 1;
                    break;
                }
            }
            (Kind::Str, hi)
        } else if is_ident_start(c) {
            let mut hi = i + c.len_utf8();
            while let Some((j, c)) = chars.next_if(|&(_, c)| is_ident_char(c)) {
                hi = j + c.len_utf8();
            }
            (Kind::Ident, hi)
        } else if c.is_ascii_digit() {
            let mut hi = i + 1;
            while let Some((j, c)) = chars.next_if(|&(_, c)| is_ident_char(c) || c == '.') {
                hi = j + c.len_utf8();
            }
            (Kind::Number, hi)
        } else if rest.starts_with("->") {
            chars.next();
            (Kind::Punct, i + 2)
        } else {
            (Kind::Punct, i + c.len_utf8())
        };
        out.push(Tok { kind, lo: i, hi });
    }
    out
}

/// The identifier (or keyword) that ends at or contains byte `offset`, if any: its
/// start and end.
pub(crate) fn word_at(text: &str, offset: usize) -> Option<(usize, usize)> {
    tokens(text)
        .into_iter()
        .find(|t| t.kind == Kind::Ident && t.lo <= offset && offset <= t.hi)
        .map(|t| (t.lo, t.hi))
}

/// The innermost call whose open parenthesis is before `offset` and not closed before
/// it: the callee's name and span, and how many top-level commas of its arguments come
/// before `offset` (the active parameter).
pub(crate) fn call_at(text: &str, offset: usize) -> Option<(String, usize, usize, usize)> {
    let toks: Vec<Tok> = tokens(text).into_iter().filter(|t| t.lo < offset).collect();
    // A stack of open brackets: (token index, commas seen at this level).
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if t.kind != Kind::Punct {
            continue;
        }
        match t.text(text) {
            "(" | "[" | "{" => stack.push((i, 0)),
            ")" | "]" | "}" => {
                stack.pop();
            }
            "," => {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
            }
            _ => {}
        }
    }
    for &(open, commas) in stack.iter().rev() {
        if toks[open].text(text) != "(" {
            // A list or a block: its commas are not arguments; an enclosing call's are.
            if toks[open].text(text) == "{" {
                return None;
            }
            continue;
        }
        let callee = open.checked_sub(1).map(|j| toks[j])?;
        if callee.kind == Kind::Ident {
            let name = callee.text(text).to_string();
            return Some((name, callee.lo, callee.hi, commas));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_and_words_on_broken_text() {
        let t = "let y = f(1, g(2), [3, 4], ";
        assert_eq!(
            call_at(t, t.len()).map(|c| (c.0, c.3)),
            Some(("f".into(), 3))
        );
        let t = "max(a, ";
        assert_eq!(call_at(t, 4).map(|c| c.3), Some(0));
        assert_eq!(call_at(t, t.len()).map(|c| c.3), Some(1));
        assert_eq!(call_at("x = (1, ", 8), None);
        assert_eq!(word_at("let zé = ma", 12), Some((10, 12)));
        assert_eq!(word_at("\"unterminated // é", 5), None);
        assert!(tokens("/* never closed é").is_empty());
    }
}
