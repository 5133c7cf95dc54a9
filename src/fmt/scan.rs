//! The source text the AST does not keep: comments (pest's `COMMENT` is silent) and the
//! parentheses around an expression (its span includes them). Both scanners skip string
//! literals of either quote kind, escapes included, and comments.

/// A comment as written: `// ...` (to the end of the line, trailing whitespace left
/// out; `///` doc comments too) or `/* ... */` (block comments do not nest).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// Byte offsets of its text.
    pub lo: usize,
    pub hi: usize,
    /// `/* */`: code may follow it on the same line.
    pub block: bool,
}

impl Comment {
    pub fn text<'s>(&self, src: &'s str) -> &'s str {
        &src[self.lo..self.hi]
    }
}

/// Every comment of `src`, in order. Text inside string literals is not a comment.
pub fn comments(src: &str) -> Vec<Comment> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'"' | b'\'') => i = skip_string(b, i, q),
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = src[i..].find('\n').map_or(b.len(), |n| i + n);
                let hi = i + src[i..end].trim_end().len();
                out.push(Comment {
                    lo: i,
                    hi,
                    block: false,
                });
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let hi = src[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
                out.push(Comment {
                    lo: i,
                    hi,
                    block: true,
                });
                i = hi;
            }
            _ => i += 1,
        }
    }
    out
}

/// The offset just past the string literal opening with quote `q` at `i`.
fn skip_string(b: &[u8], mut i: usize, q: u8) -> usize {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            c if c == q => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// The offset just past the comment starting at `i`, if one does.
fn skip_comment(src: &str, i: usize) -> Option<usize> {
    let rest = &src[i..];
    if rest.starts_with("//") {
        return Some(rest.find('\n').map_or(src.len(), |n| i + n));
    }
    rest.strip_prefix("/*")
        .map(|body| body.find("*/").map_or(src.len(), |n| i + 2 + n + 2))
}

/// The offsets of the bytes of code in `src[from..]`, in order: every byte outside
/// comments and string literals, and the opening quote of each literal (a line
/// comment's `\n` is code).
fn code_bytes(src: &str, from: usize) -> impl Iterator<Item = usize> + '_ {
    let b = src.as_bytes();
    let mut i = from;
    std::iter::from_fn(move || loop {
        if i >= b.len() {
            return None;
        }
        if let Some(end) = skip_comment(src, i) {
            i = end;
            continue;
        }
        let at = i;
        i = match b[i] {
            q @ (b'"' | b'\'') => skip_string(b, i, q),
            _ => i + 1,
        };
        return Some(at);
    })
}

/// The offset of the `)` that closes the `(` at `open`, if it is in `src[..hi]`.
fn matching_paren(src: &str, open: usize, hi: usize) -> Option<usize> {
    let mut depth = 0usize;
    for i in code_bytes(src, open).take_while(|&i| i < hi) {
        match src.as_bytes()[i] {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// How many pairs of parentheses wrap the whole of `src[lo..hi]` (an expression's span).
pub fn paren_layers(src: &str, mut lo: usize, mut hi: usize) -> usize {
    let mut n = 0;
    loop {
        let text = &src[lo..hi];
        let (l, h) = (
            lo + (text.len() - text.trim_start().len()),
            lo + text.trim_end().len(),
        );
        (lo, hi) = (l, h);
        if hi <= lo || src.as_bytes()[lo] != b'(' || src.as_bytes()[hi - 1] != b')' {
            return n;
        }
        if matching_paren(src, lo, hi) != Some(hi - 1) {
            return n;
        }
        n += 1;
        lo += 1;
        hi -= 1;
    }
}

/// Whether a `;` comes next after `pos`, past whitespace and comments.
pub fn semi_follows(src: &str, pos: usize) -> bool {
    code_bytes(src, pos)
        .map(|i| src.as_bytes()[i])
        .find(|b| !b.is_ascii_whitespace())
        == Some(b';')
}

/// `text` (whole statements) with the spaces and tabs at the ends of its lines removed,
/// where a line ends in code: inside a string literal or a block comment they are kept.
pub fn trim_line_ends(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for i in code_bytes(text, 0).filter(|&i| text.as_bytes()[i] == b'\n') {
        out.push_str(text[from..i].trim_end_matches([' ', '\t', '\r']));
        out.push('\n');
        from = i + 1;
    }
    out.push_str(text[from..].trim_end_matches([' ', '\t', '\r']));
    out
}

/// The offset of the first `want` at or after `from` that is code (not in a comment or
/// a string literal).
pub fn next_code_byte(src: &str, from: usize, want: u8) -> Option<usize> {
    code_bytes(src, from).find(|&i| src.as_bytes()[i] == want)
}
