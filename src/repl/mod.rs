//! TEMPORARY STAND-IN for the REPL's session core, written only so the terminal front
//! end (`editor.rs`) can be built and tested on the `repl-ui` branch. It has exactly the
//! API of the real core (`Session`, `Reply`, `input_is_incomplete`), which replaces this
//! file and `session.rs` at merge. At merge, keep `pub mod editor;` (the front end, not
//! a stand-in) in the real `mod.rs`.

mod session;

pub mod editor;

pub use session::{Reply, Session};

/// Whether `input` needs more lines: a bracket is still open, or the last token is a
/// binary operator. (Stand-in: counts brackets outside strings and `//` comments.)
pub fn input_is_incomplete(input: &str) -> bool {
    let mut depth: i64 = 0;
    let mut in_string = false;
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if in_string => {
                chars.next();
            }
            '"' => in_string = !in_string,
            _ if in_string => {}
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
    }
    if in_string || depth > 0 {
        return true;
    }
    let end = input.trim_end();
    let ends_with_word = |w: &str| {
        end.strip_suffix(w)
            .is_some_and(|rest| rest.is_empty() || rest.ends_with([' ', '\t', '\n']))
    };
    end.ends_with(['+', '-', '*', '/', '%', '<', '>', '=', '&', '|', '^', ','])
        || ends_with_word("and")
        || ends_with_word("or")
}
