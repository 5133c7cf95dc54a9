//! The REPL's core: a [`Session`] evaluates one input at a time against everything
//! entered before. Each input is parsed, checked against the earlier definitions
//! (`types::check_in`), compiled to a new LLVM module and linked into the one
//! process-wide ORC JIT; earlier lines are never recompiled. Program-level bindings live
//! in exported JIT globals, functions are exported JIT functions (see `hir::Linking`).
//!
//! The terminal front end (line editing, history) is `editor.rs`; it drives this API.

pub mod editor;
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
