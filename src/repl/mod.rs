//! The REPL's core: a [`Session`] evaluates one input at a time against everything
//! entered before. Each input is parsed, checked against the earlier definitions
//! (`types::check_in`), compiled to a new LLVM module and linked into the one
//! process-wide ORC JIT; earlier lines are never recompiled. Program-level bindings live
//! in exported JIT globals, functions are exported JIT functions (see `hir::Linking`).
//!
//! The terminal front end (line editing, history) is `editor.rs`; it drives this API.

pub mod editor;
pub mod highlight;
mod session;

pub use session::{Reply, Session};

/// True while the input should continue on another line: an open `(`, `[` or `{`
/// (outside strings and comments), an unterminated string or block comment, or text
/// that ends (ignoring trailing whitespace and comments) with a binary operator
/// (`+ - * / % & | ^ << >> == != < <= > >= and or && || in =`).
pub fn input_is_incomplete(input: &str) -> bool {
    let bytes = input.as_bytes();
    let mut depth: i64 = 0;
    let mut i = 0;
    // The significant text with strings and comments blanked, for the trailing check.
    let mut code = String::with_capacity(input.len());
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                code.push(' ');
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                loop {
                    if i + 1 >= bytes.len() {
                        return true; // unterminated block comment
                    }
                    if bytes[i] == b'*' && bytes[i + 1] == b'/' {
                        i += 2;
                        break;
                    }
                    i += 1;
                }
                code.push(' ');
                continue;
            }
            b'"' | b'\'' => {
                let quote = c;
                i += 1;
                loop {
                    match bytes.get(i) {
                        None => return true, // unterminated string
                        Some(b'\\') => i += 2,
                        Some(&q) if q == quote => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
                code.push_str("\"\"");
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            _ => {}
        }
        // Copy the whole UTF-8 sequence of this character.
        let len = utf8_len(c);
        code.push_str(input.get(i..i + len).unwrap_or(" "));
        i += len;
    }
    if depth > 0 {
        return true;
    }
    let t = code.trim_end();
    const WORDS: [&str; 3] = ["and", "or", "in"];
    for w in WORDS {
        if let Some(rest) = t.strip_suffix(w) {
            let before = rest.chars().next_back();
            if before.is_none_or(|ch| !(ch.is_alphanumeric() || ch == '_')) {
                return true;
            }
        }
    }
    // Longest operators first; `=` alone (not `==`/`!=`/`<=`/`>=`, which are listed).
    const OPS: [&str; 19] = [
        "<<", ">>", "==", "!=", "<=", ">=", "&&", "||", "+", "-", "*", "/", "%", "&", "|", "^",
        "<", ">", "=",
    ];
    OPS.iter().any(|op| t.ends_with(op))
}

/// Take the complete inputs out of `buffer`, in order, leaving an unfinished last one
/// (see [`needs_more`]) in it. Text pasted at once (rustyline hands a bracketed paste
/// over as one string with newlines) is thereby evaluated line by line, exactly as if
/// typed: each line ends an input unless the input so far is unfinished, so a `fn` or
/// `when` block, an open bracket or a trailing operator still continues. Blank inputs
/// are dropped.
pub fn take_inputs(buffer: &mut String) -> Vec<String> {
    let mut inputs = Vec::new();
    let mut pending = String::new();
    for line in buffer.split('\n') {
        if !pending.is_empty() {
            pending.push('\n');
        }
        pending.push_str(line);
        if !needs_more(&pending) {
            let input = std::mem::take(&mut pending);
            if !input.trim().is_empty() {
                inputs.push(input);
            }
        }
    }
    if pending.trim().is_empty() {
        pending.clear();
    }
    *buffer = pending;
    inputs
}

/// Whether `buffer` goes on with another line: the core says it is incomplete, a
/// brace (of a `when` or `fn` block) is still open, or its last line is a `///` doc
/// comment, which documents the `fn` that follows. A `:command` is always one line
/// (`:load dir/` must not wait for a right operand).
pub fn needs_more(buffer: &str) -> bool {
    if buffer.trim_start().starts_with(':') {
        return false;
    }
    let last = buffer.lines().rfind(|l| !l.trim().is_empty());
    if last.is_some_and(|l| l.trim_start().starts_with("///")) {
        return true;
    }
    input_is_incomplete(buffer) || open_braces(buffer) > 0
}

/// `{` minus `}` outside string literals and comments.
fn open_braces(text: &str) -> i64 {
    let mut depth = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut star = false;
                for c in chars.by_ref() {
                    if star && c == '/' {
                        break;
                    }
                    star = c == '*';
                }
            }
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
    }
    depth
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests;
